/* fallback.h: libevtx's decoding of the records kbscan's own decoder could
 * not read (read.h): the second opinion on a record, and the one place
 * libevtx is used on a log. Debian's libevtx (20181227) may crash, loop or
 * allocate without end on a hostile record, so the scan runs this in an
 * isolated worker process (worker.h); without workers (--no-isolation,
 * tests) it runs here.
 *
 * libevtx is shown only the chunks of the records asked about, copied
 * behind a file header of their own, in memory: its time and memory do not
 * grow with the log. Its facts are made as kbscan's decoder makes them
 * (event.h) from what libevtx offers: its strings, and its XML for what it
 * has no getter for (the channel, whether there is a <Binary>, the
 * Provider Name); it gives no names of values (no data:<Name>). */
#ifndef KB_EVTX_FALLBACK_H
#define KB_EVTX_FALLBACK_H

#include <stddef.h>
#include <stdint.h>

#include "core/fact.h"
#include "core/interest.h"
#include "core/status.h"
#include "source/handle.h"
#include "source/source.h"

#define KB_EVTX_FALLBACK_SLOTS 255  /* chunks in one slice, at most (16 MiB) */

/* A record to decode: where it is and what the walk knew of it. Plain
 * data: it is sent to a worker as it is. */
typedef struct kb_evtx_fallback_entry {
    uint64_t slot;               /* its chunk's number after the file header */
    uint64_t id;                 /* its record header's identifier */
    uint32_t off, size;          /* in the chunk */
    uint32_t index;              /* its place among the chunk's records */
    uint32_t chunk_records;      /* the records the walk found in that chunk */
} kb_evtx_fallback_entry;

typedef struct kb_evtx_outcome {
    int read;                    /* libevtx read it */
    char *why;                   /* why not: libevtx's innermost reason */
    kb_fact *fact;               /* its event, when a rule wants it */
} kb_evtx_outcome;

typedef struct kb_evtx_fallback_opts {
    const kb_interest *interest;
    int64_t since, until;        /* KB_TIME_NONE: open */
    size_t input_index;
    kb_decode_stage *stage;      /* where the decoding is (read by a launcher after a crash), or NULL */
} kb_evtx_fallback_opts;

/* Decodes n entries, of at most KB_EVTX_FALLBACK_SLOTS chunks, in file
 * order; sets out[i] for each (zeroed first). KB_OK, or KB_ERR_IO when
 * the chunks could not be read (every entry is then failed with why). */
kb_status kb_evtx_fallback(const kb_input_handle *h, const kb_evtx_fallback_entry *entries, size_t n,
                           const kb_evtx_fallback_opts *opts, kb_evtx_outcome *out);
void kb_evtx_outcomes_free(kb_evtx_outcome *o, size_t n);

/* libyal's error as one line: its innermost cause (where libevtx saw what
 * was wrong), which the outer lines only pass on. */
void kb_evtx_libyal_cause(const char *backtrace, char *out, size_t outlen);

#endif
