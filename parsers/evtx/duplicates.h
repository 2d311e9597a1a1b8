/* duplicates.h: records present twice in one log. Within a chunk the walk
 * already checks that ids rise (layout.c); across chunks, a chunk copied
 * over another or present twice repeats ids, and no rule may count those
 * records twice. The chunks' id ranges are compared first (each chunk
 * keeps only its lowest and highest id, so memory stays flat in the size of
 * the log); only chunks whose ranges overlap are read again, to find the
 * very ids they share. The first copy in file order is the one kept: the
 * others are duplicates, their facts and set-aside records dropped. */
#ifndef KB_EVTX_DUPLICATES_H
#define KB_EVTX_DUPLICATES_H

#include "evtx/read.h"
#include "source/handle.h"

/* Ids of overlapping chunks looked at, at most; past it the check is not
 * made, and the log says so. */
#define KB_EVTX_DUP_CHECK_MAX (4u << 20)

/* The duplicates of one chunk: how many, their id range, and the chunk
 * holding the first copy of the first of them. */
typedef struct kb_evtx_dups {
    uint64_t slot;
    uint32_t count;
    uint64_t first, last, of_slot;
} kb_evtx_dups;

typedef struct kb_evtx_dup_result {
    kb_evtx_dups *chunks;      /* one per chunk with duplicates, in file order */
    size_t n;
    uint64_t total;            /* records that are duplicates */
    uint64_t read_dropped;     /* of them, records that had been read */
    int unchecked;             /* too many overlapping ids: not checked */
} kb_evtx_dup_result;

/* Finds the duplicates of r and takes them out of it: its facts and its
 * set-aside records; r->read loses those that had been read, each chunk's
 * duplicates count is set. 0, or -1 on a read error (errno). */
int kb_evtx_remove_duplicates(const kb_input_handle *h, kb_evtx_reading *r, kb_evtx_dup_result *out);
void kb_evtx_dup_result_free(kb_evtx_dup_result *d);

#endif
