/* layout.h: kbscan's own reading of the EVTX container: the file
 * header, chunk headers, checksums and record headers, without decoding
 * any binary XML. It finds damage libevtx glosses over (bad CRCs, bad chunk
 * magic, truncation) and gives record counts and the time range cheaply. */
#ifndef KB_EVTX_LAYOUT_H
#define KB_EVTX_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "evtx/prefilter.h"
#include "core/input.h"
#include "source/handle.h"

#define KB_EVTX_HEADER_SIZE 4096
#define KB_EVTX_CHUNK_SIZE 65536

typedef struct kb_evtx_layout {
    int header_ok;          /* magic and header CRC as expected */
    int dirty;              /* header flag: the log was not closed */
    int full;               /* header flag: the log is full */
    uint16_t major, minor;
    uint64_t chunks;        /* whole chunks present in the file */
    uint64_t chunks_damaged;
    uint64_t records;       /* record headers found in intact chunks */
    uint64_t first_record_id, last_record_id;
    int64_t first_time, last_time;  /* KB_TIME_NONE when no record */
    uint64_t trailing_bytes;        /* a partial chunk at the end (truncation) */
} kb_evtx_layout;

/* Reads the container structure of an input; notes every damaged part
 * on `in` (where = "file header", "chunk N", ...). Returns 0, or -1 when the
 * input cannot be read at all (errno). */
int kb_evtx_read_layout(const kb_input_handle *h, kb_input *in, kb_evtx_layout *out);

/* Inputs of at least KB_EVTX_SPLIT_CHUNKS chunks are walked by up to
 * `threads` threads (at most KB_EVTX_WALK_THREADS), each over its own range
 * of chunks of the same handle; the results (notes included) are merged in
 * file order, so they are those of one walk. Returns 0, or -1 on a read
 * error. */
#define KB_EVTX_SPLIT_CHUNKS 16
#define KB_EVTX_WALK_THREADS 8
int kb_evtx_read_layout_split(const kb_input_handle *h, kb_input *in, kb_evtx_layout *out,
                              kb_evtx_prefilter *pf, size_t threads);

/* The same, and every chunk is shown to the prefilter pf (may be NULL). */
int kb_evtx_read_layout_filtered(const kb_input_handle *h, kb_input *in, kb_evtx_layout *out,
                                 kb_evtx_prefilter *pf);

#endif
