/* duplicates.c: records present twice in one log (see duplicates.h). */
#include "evtx/duplicates.h"
#include "core/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One record of a chunk whose ids another chunk's overlap. */
typedef struct seen {
    uint64_t id, slot;
    uint32_t index;            /* in its chunk */
    uint64_t of;               /* a duplicate: the chunk of the first copy */
} seen;

static int by_first(const void *a, const void *b)
{
    const kb_evtx_chunk *x = *(const kb_evtx_chunk *const *)a, *y = *(const kb_evtx_chunk *const *)b;
    if (x->walk_first != y->walk_first)
        return x->walk_first < y->walk_first ? -1 : 1;
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int by_id_then_place(const void *a, const void *b)
{
    const seen *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    if (x->slot != y->slot)
        return x->slot < y->slot ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int by_place(const void *a, const void *b)
{
    const seen *x = a, *y = b;
    if (x->slot != y->slot)
        return x->slot < y->slot ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The ids of one chunk's records, walked again from the file. */
static int reread(const kb_input_handle *h, uint64_t slot, unsigned char *buf, seen **ids, size_t *n, size_t *cap)
{
    size_t got = 0;
    uint64_t off = KB_EVTX_HEADER_SIZE + slot * (uint64_t)KB_EVTX_CHUNK_SIZE;
    if (kb_handle_read_at(h, off, buf, KB_EVTX_CHUNK_SIZE, &got) != 0)
        return -1;
    kb_evtx_chunk ck;
    kb_evtx_chunk_check(buf, got, slot, &ck);
    if (ck.kind != KB_SLOT_CHUNK)
        return 0;
    size_t limit = kb_evtx_walk_limit(&ck), at = KB_EVTX_CHUNK_HEADER;
    kb_evtx_rec rec;
    kb_evtx_stop stop;
    int more;
    for (uint32_t index = 0; (more = kb_evtx_next_record(buf, limit, at, &ck, &rec, &stop)) != 0; index++) {
        *ids = kb_grow(*ids, cap, *n + 1, sizeof **ids, 256);
        (*ids)[(*n)++] = (seen){rec.id, slot, index, 0};
        if (more == 2)
            break;
        at += rec.size;
    }
    return 0;
}

/* The duplicates among the records of a group of overlapping chunks,
 * appended to dups (the second and later copies of each id). */
static void mark(seen *ids, size_t n, seen **dups, size_t *ndups, size_t *cap)
{
    qsort(ids, n, sizeof *ids, by_id_then_place);
    for (size_t i = 1, first = 0; i < n; i++) {
        if (ids[i].id != ids[i - 1].id) {
            first = i;
            continue;
        }
        *dups = kb_grow(*dups, cap, *ndups + 1, sizeof **dups, 64);
        (*dups)[*ndups] = ids[i];
        (*dups)[(*ndups)++].of = ids[first].slot;
    }
}

/* Whether the record at this place (chunk, index in it) is a duplicate. */
static int is_dup(const seen *dups, size_t n, uint64_t slot, uint32_t index)
{
    seen key = {0, slot, index, 0};
    return bsearch(&key, dups, n, sizeof *dups, by_place) != NULL;
}

/* Takes the duplicates out of the reading and counts them per chunk. */
static void apply(kb_evtx_reading *r, seen *dups, size_t n, kb_evtx_dup_result *out)
{
    /* Per chunk, in file order; "of" is kept for each chunk's first. */
    qsort(dups, n, sizeof *dups, by_place);
    for (size_t i = 0; i < n; i++) {
        kb_evtx_dups *d = out->n ? &out->chunks[out->n - 1] : NULL;
        if (!d || d->slot != dups[i].slot) {
            out->chunks = kb_xrealloc(out->chunks, (out->n + 1) * sizeof *out->chunks);
            d = &out->chunks[out->n++];
            *d = (kb_evtx_dups){.slot = dups[i].slot, .first = dups[i].id, .last = dups[i].id, .of_slot = dups[i].of};
        }
        d->count++;
        if (dups[i].id < d->first)
            d->first = dups[i].id;
        if (dups[i].id > d->last)
            d->last = dups[i].id;
        if (dups[i].slot < r->nchunks)
            r->chunks[dups[i].slot].duplicates++;
    }
    size_t facts = 0;
    for (size_t i = 0; i < r->facts.n; i++) {
        if (is_dup(dups, n, r->tags[i].slot, r->tags[i].index)) {
            kb_fact_free(r->facts.items[i]);
        } else {
            r->tags[facts] = r->tags[i];
            r->facts.items[facts++] = r->facts.items[i];
        }
    }
    r->facts.n = facts;
    size_t kept = 0, pending_dups = 0;
    for (size_t i = 0; i < r->npending; i++) {
        if (is_dup(dups, n, r->pending[i].slot, r->pending[i].index)) {
            free(r->pending[i].why);
            free(r->pending[i].other);
            pending_dups++;
        } else {
            r->pending[kept++] = r->pending[i];
        }
    }
    r->npending = kept;
    out->total = n;
    out->read_dropped = n > pending_dups ? n - pending_dups : 0;
    r->read = r->read > out->read_dropped ? r->read - out->read_dropped : 0;
}

int kb_evtx_remove_duplicates(const kb_input_handle *h, kb_evtx_reading *r, kb_evtx_dup_result *out)
{
    memset(out, 0, sizeof *out);
    const kb_evtx_chunk **used = kb_xcalloc(r->nchunks + 1, sizeof *used);
    size_t nused = 0;
    for (size_t i = 0; i < r->nchunks; i++)
        if (r->chunks[i].kind == KB_SLOT_CHUNK && r->chunks[i].records)
            used[nused++] = &r->chunks[i];
    qsort(used, nused, sizeof *used, by_first);
    unsigned char *buf = kb_xmalloc(KB_EVTX_CHUNK_SIZE);
    seen *ids = NULL, *dups = NULL;
    size_t nids = 0, ids_cap = 0, ndups = 0, dups_cap = 0, checked = 0;
    int rc = 0;
    for (size_t i = 0; i < nused && rc == 0;) {
        /* A group: chunks whose ranges chain into each other's. */
        size_t j = i + 1;
        uint64_t last = used[i]->walk_last;
        while (j < nused && used[j]->walk_first <= last) {
            if (used[j]->walk_last > last)
                last = used[j]->walk_last;
            j++;
        }
        /* One chunk alone can repeat an id only out of order. */
        if (j - i > 1 || used[i]->not_rising) {
            nids = 0;
            for (size_t k = i; k < j && rc == 0; k++)
                rc = reread(h, used[k]->slot, buf, &ids, &nids, &ids_cap);
            checked += nids;
            if (checked > KB_EVTX_DUP_CHECK_MAX)
                out->unchecked = 1;
            else if (rc == 0)
                mark(ids, nids, &dups, &ndups, &dups_cap);
        }
        i = j;
    }
    if (rc == 0 && !out->unchecked && ndups)
        apply(r, dups, ndups, out);
    int saved = errno;
    free(used);
    free(buf);
    free(ids);
    free(dups);
    errno = saved;
    return rc;
}

void kb_evtx_dup_result_free(kb_evtx_dup_result *d)
{
    free(d->chunks);
    memset(d, 0, sizeof *d);
}
