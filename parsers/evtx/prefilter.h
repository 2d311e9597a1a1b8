/* prefilter.h: finds, before libevtx decodes anything, the records
 * that can hold an event some rule wants, so that only those are decoded.
 *
 * libevtx parses a record's binary XML whenever it hands the record out,
 * whatever the caller reads afterwards (docs/performance.md): fetching fewer
 * records is the only saving. A record can be from a wanted provider only if
 * the provider's name, in UTF-16LE, is in its own bytes (Windows writes it as
 * a substitution value) or in the template definition it uses (a literal
 * there); and its event id, read from its substitution values, must be one
 * the provider is wanted for. libevtx then opens only a slice of the file:
 * the chunks that matter, copied behind a file header of their own, in
 * memory, so that neither its time nor its memory grows with the log. The
 * EVTX parser checks every record id it gets back against the one expected.
 *
 * Records with a value of binary XML (UserData) are always decoded: that is
 * where libevtx fails on some real records, and the report must name those
 * as it would without the prefilter.
 *
 * Any doubt makes the prefilter unusable, and the whole file is decoded: a
 * log not closed cleanly (dirty or other header flags, header and chunks
 * that disagree, a wrapped log), a damaged chunk, a record whose structure is not the expected one (it is kept
 * as a candidate), a rule that wants every event, a provider name that is not
 * plain ASCII, more candidates than the memory bound. */
#ifndef KB_EVTX_PREFILTER_H
#define KB_EVTX_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/interest.h"

#define KB_EVTX_PREFILTER_MAX 65536 /* candidates kept, at most */
#define KB_EVTX_SLICE_MAX 256        /* chunks handed to libevtx, at most (16 MiB) */
#define KB_EVTX_CHANNEL_RECORDS 16   /* records the channel is looked for in */
#define KB_EVTX_TEMPLATE_CACHE 64    /* templates remembered per chunk */

/* The chunks libevtx will see (the slice), in file order: those holding a
 * candidate, those whose slack may hold recoverable records, and the first
 * ones (the log's channel and computer come from its first records). */
typedef struct kb_evtx_prefilter {
    int usable;               /* 0: decode every record */
    const char *doubt;        /* why not usable (for notes and tests) */
    const kb_interest *interest;
    /* Wanted provider names in UTF-16LE, lower-case ASCII. */
    unsigned char **names;
    size_t *name_len;         /* in bytes */
    size_t *item;             /* the interest item of each name */
    size_t nnames;
    /* The slice: each chunk's position in the file and its record count. */
    uint64_t *slice_chunk;
    uint32_t *slice_records;
    size_t nslice;
    /* Candidates, in file order: index in the slice's records, record id. */
    uint64_t *index, *id;
    size_t n;
    uint64_t records;         /* records walked in the whole file */
    uint64_t slice_total;     /* records in the slice */
    uint64_t chunks;          /* chunks in use */
    size_t chunk_first;       /* the first candidate of the chunk being walked */
    uint32_t chunk_records;   /* records walked in it so far */
    uint64_t header_chunks, header_next_id;  /* as the file header says */
    /* The <EventID> substitution index of the chunk's templates (-1: none). */
    uint32_t cached_def[KB_EVTX_TEMPLATE_CACHE];
    long cached_index[KB_EVTX_TEMPLATE_CACHE];
    size_t ncached;
} kb_evtx_prefilter;

/* Sets up for the interest; disabled (--no-prefilter) or an interest that
 * wants everything gives an unusable prefilter. 0, or -1 out of memory. */
int kb_evtx_prefilter_init(kb_evtx_prefilter *pf, const kb_interest *interest, int disabled);

/* Looks at the 4096-byte file header: only a log closed cleanly, whose
 * header agrees with its chunks, is sliced (libevtx judges the others as a
 * whole, e.g. "corrupted" for a dirty header, and that judgement must stay). */
void kb_evtx_prefilter_header(kb_evtx_prefilter *pf, const unsigned char *header);

/* The chunk walk of layout.c shows the prefilter each chunk in use,
 * in file order: begin (intact: its checksums and signature are right),
 * each record it walks (chunk offset and size), end (position: the chunk's
 * number in the file; walked_to: where the record walk stopped). Unused,
 * zeroed chunks are not shown. */
void kb_evtx_prefilter_chunk_begin(kb_evtx_prefilter *pf, int intact);
void kb_evtx_prefilter_record(kb_evtx_prefilter *pf, const unsigned char *chunk, size_t off, size_t size);
void kb_evtx_prefilter_chunk_end(kb_evtx_prefilter *pf, const unsigned char *chunk, uint64_t position,
                                 size_t walked_to);

/* For a walk split across threads: a part set up like whole (first: the
 * part that starts the file), and the parts merged back in file order. */
int kb_evtx_prefilter_part(kb_evtx_prefilter *part, const kb_evtx_prefilter *whole, int first);
void kb_evtx_prefilter_merge(kb_evtx_prefilter *whole, const kb_evtx_prefilter *part, int first);

/* Gives up: the whole file will be decoded. */
void kb_evtx_prefilter_doubt(kb_evtx_prefilter *pf, const char *why);

void kb_evtx_prefilter_free(kb_evtx_prefilter *pf);

/* The event id of the record at chunk offset off (size bytes), read from its
 * substitution values through its template's <EventID> element. 1 when it
 * could be read for certain, else 0. */
int kb_evtx_record_event_id(const unsigned char *chunk, size_t off, size_t size, uint32_t *id);

#endif
