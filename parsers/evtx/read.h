/* read.h: an event log read in kbscan's own process. Every 64 KiB slot
 * after the file header is looked at (layout.h), every chunk's records are
 * walked, and of each record the decoder's cheap path (kb_binxml_peek)
 * reads the System element: the record is then read, and is decoded
 * whole into an event fact (event.h) only when a rule wants its provider
 * and event id (wanted.h). A record the decoder cannot read is set aside,
 * for libevtx to try (fallback.h), or failed outright when its header
 * already says it cannot be a record.
 *
 * This runs on untrusted bytes in kbscan's process: the walk and the
 * decoder check every offset and length against the room left, bound
 * their work per record, and are fuzzed on chunk bytes (fuzz/). A large
 * log is read by several threads, each over its own range of slots with a
 * decoder of its own; their results are joined in file order, so that they
 * are those of one reading. */
#ifndef KB_EVTX_READ_H
#define KB_EVTX_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/fact.h"
#include "evtx/layout.h"
#include "evtx/wanted.h"
#include "source/handle.h"

#define KB_EVTX_SPLIT_SLOTS 16   /* logs of fewer slots are read by one thread */
#define KB_EVTX_READ_THREADS 8   /* at most */

/* A record kbscan's decoder could not read. */
typedef struct kb_evtx_pending {
    uint64_t slot;               /* its chunk */
    uint32_t off, size;          /* in the chunk */
    uint32_t index;              /* its place among the chunk's records, from 0 */
    uint64_t id;                 /* the record header's identifier */
    uint64_t ordinal;            /* its place among the file's records, from 0 */
    int wanted;                  /* 1: a rule wants it; 0: not known (its System was not read) */
    int final;                   /* its header says it cannot be a record: no one else may try */
    char *why;                   /* our decoder's reason (NULL past KB_EVTX_REASONS) */
    /* Filled in once libevtx was asked (or could not be): */
    int failed;                  /* neither could read it */
    char *other;                 /* then libevtx's reason, or why it was not asked */
} kb_evtx_pending;

/* Which record a fact was made of. */
typedef struct kb_evtx_tag {
    uint64_t slot, id;           /* its chunk, its record header's identifier */
    uint32_t index;              /* its place among the chunk's records */
} kb_evtx_tag;

/* A record whose end was overwritten, read as far as it goes
 * (kb_binxml_decode_cut): its facts are marked damaged. */
typedef struct kb_evtx_cut_record {
    uint64_t slot, id, ordinal;
    uint32_t off, size, copy;    /* its size, and what the copy at its end says */
} kb_evtx_cut_record;

#define KB_EVTX_REASONS 200      /* reasons kept per log (notes keep fewer) */

typedef struct kb_evtx_read_opts {
    const kb_evtx_wanted *wanted;
    int decode_all;              /* decode every record whole (--no-prefilter) */
    int everything_pending;      /* every record set aside (the isolation test hook) */
    int64_t since, until;        /* KB_TIME_NONE: open */
    size_t input_index;          /* of the facts */
    size_t threads;
    /* Whether a wanted record's fact is worth keeping (kb_parse_ctx's keep,
     * called from the reading threads), or NULL: every one is kept. A rule
     * that wants every service start for one service wants the event, not
     * each of its facts: the others are freed as they are made. */
    int (*keep)(const void *arg, const kb_fact *fact);
    const void *keep_arg;
} kb_evtx_read_opts;

typedef struct kb_evtx_reading {
    kb_evtx_file_header header;
    kb_evtx_chunk *chunks;       /* every slot, in file order; the last may be cut */
    size_t nchunks;
    kb_factlist facts;           /* the events, in file order */
    kb_evtx_tag *tags;           /* each fact's record */
    size_t tags_cap;
    kb_evtx_pending *pending;    /* in file order */
    size_t npending, pending_cap, reasons;
    kb_evtx_cut_record *cut;     /* in file order */
    size_t ncut, cut_cap;
    uint64_t found;              /* record headers found */
    uint64_t read;               /* records whose System was read (found = read + pending) */
    int has_ids;
    uint64_t first_id, last_id;  /* the lowest and highest EventRecordID read */
    int64_t first_time, last_time;  /* written times of the records found, KB_TIME_NONE: none */
    char *channel, *computer;    /* of the first record naming them */
    int io_error;                /* errno of a failed read, or 0 */
} kb_evtx_reading;

/* Reads the log. 0, or -1 when it could not be read (out->io_error). The
 * file header is read by the caller (it decides whether there is a log). */
int kb_evtx_read(const kb_input_handle *h, const kb_evtx_read_opts *opts, kb_evtx_reading *out);
void kb_evtx_reading_free(kb_evtx_reading *r);

/* Sets a record aside (the reason is copied). */
void kb_evtx_pend(kb_evtx_reading *r, const kb_evtx_pending *p, const char *why);

#endif
