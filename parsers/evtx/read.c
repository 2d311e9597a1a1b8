/* read.c: an event log read in kbscan's own process (see read.h). */
#include "evtx/read.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "evtx/binxml.h"
#include "evtx/event.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 16 /* slots read at once: 1 MiB reads, not 64 KiB ones */

typedef struct part {
    const kb_input_handle *h;
    const kb_evtx_read_opts *opts;
    uint64_t first, end;          /* slots [first, end) */
    uint64_t file_slots;          /* slots in the file, the last one maybe cut */
    kb_binxml_ctx *bx;
    kb_evtx_reading out;          /* this part's share */
} part;

static void empty_reading(kb_evtx_reading *r)
{
    memset(r, 0, sizeof *r);
    r->first_time = r->last_time = KB_TIME_NONE;
}

void kb_evtx_pend(kb_evtx_reading *r, const kb_evtx_pending *p, const char *why)
{
    r->pending = kb_grow(r->pending, &r->pending_cap, r->npending + 1, sizeof *r->pending, 16);
    kb_evtx_pending *q = &r->pending[r->npending++];
    *q = *p;
    q->why = why && r->reasons < KB_EVTX_REASONS ? kb_xstrdup(why) : NULL;
    q->other = NULL;
    r->reasons += q->why != NULL;
}

static void add_fact(kb_evtx_reading *r, kb_fact *f, kb_evtx_tag tag)
{
    r->tags = kb_grow(r->tags, &r->tags_cap, r->facts.n + 1, sizeof *r->tags, 64);
    r->tags[r->facts.n] = tag;
    kb_factlist_add(&r->facts, f);
}

static void saw_time(kb_evtx_reading *r, uint64_t filetime)
{
    if (!filetime) /* an unset record, not an event of 1601 */
        return;
    int64_t t = kb_time_from_filetime(filetime);
    if (r->first_time == KB_TIME_NONE || t < r->first_time)
        r->first_time = t;
    if (r->last_time == KB_TIME_NONE || t > r->last_time)
        r->last_time = t;
}

static void saw_id(kb_evtx_reading *r, uint64_t id)
{
    if (!r->has_ids || id < r->first_id)
        r->first_id = id;
    if (!r->has_ids || id > r->last_id)
        r->last_id = id;
    r->has_ids = 1;
}

/* What the first record naming them says the log's channel and computer are. */
static void saw_names(kb_evtx_reading *r, const kb_binxml_record *rec)
{
    if (!r->channel && rec->channel)
        r->channel = kb_xstrdup(rec->channel);
    if (!r->computer && rec->computer && *rec->computer)
        r->computer = kb_xstrdup(rec->computer);
}

static int time_filtered(const kb_evtx_read_opts *o, int64_t t)
{
    return (o->since != KB_TIME_NONE && t < o->since) || (o->until != KB_TIME_NONE && t > o->until);
}

static uint32_t size_copy(const unsigned char *c, const kb_evtx_rec *rec)
{
    const unsigned char *p = c + rec->off + rec->size - 4;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Decodes the record (peek: its System only). One whose size copy at its
 * end disagrees had its end overwritten: it is decoded as far as it goes
 * (*cut set), or the reason says both. */
static kb_status decode(part *p, const unsigned char *c, const kb_evtx_chunk *ck, const kb_evtx_rec *rec, int peek,
                        kb_binxml_record *r, int *cut, char *why, size_t whylen)
{
    uint32_t copy = size_copy(c, rec);
    if (copy == rec->size) {
        kb_status st = peek ? kb_binxml_peek(p->bx, c, ck->bytes, rec->off, rec->size, r)
                            : kb_binxml_decode(p->bx, c, ck->bytes, rec->off, rec->size, r);
        snprintf(why, whylen, "%s", kb_binxml_error(p->bx));
        return st;
    }
    /* Decoded whole even for a peek: whether it reads at all must not
     * depend on whether a rule wants it (--no-prefilter gives the same). */
    kb_status st = kb_binxml_decode_cut(p->bx, c, ck->bytes, rec->off, rec->size, r, 0);
    *cut = st == KB_OK;
    snprintf(why, whylen, "the copy of its size at its end says %u, not %zu (its end was overwritten), and without "
                          "it: %s", (unsigned)copy, rec->size, kb_binxml_error(p->bx));
    return st;
}

static void saw_cut(kb_evtx_reading *out, const kb_evtx_chunk *ck, const kb_evtx_rec *rec, uint64_t ordinal,
                    uint32_t copy)
{
    out->cut = kb_grow(out->cut, &out->cut_cap, out->ncut + 1, sizeof *out->cut, 8);
    out->cut[out->ncut++] = (kb_evtx_cut_record){.slot = ck->slot, .id = rec->id, .ordinal = ordinal,
                                                 .off = (uint32_t)rec->off, .size = (uint32_t)rec->size, .copy = copy};
}

/* One record the walk found: read, decoded into a fact when wanted, or set aside. */
static void read_record(part *p, const unsigned char *c, const kb_evtx_chunk *ck, const kb_evtx_rec *rec,
                        uint32_t index)
{
    kb_evtx_reading *out = &p->out;
    const kb_evtx_read_opts *o = p->opts;
    kb_evtx_pending pend = {.slot = ck->slot, .off = (uint32_t)rec->off, .size = (uint32_t)rec->size,
                            .index = index, .id = rec->id, .ordinal = out->found};
    out->found++;
    saw_time(out, rec->written);
    if (o->everything_pending) {
        kb_evtx_pend(out, &pend, "set aside for libevtx by the isolation test hook");
        return;
    }
    int whole = o->decode_all || o->wanted->all, cut = 0;
    char why[512];
    kb_binxml_record r;
    if (decode(p, c, ck, rec, !whole, &r, &cut, why, sizeof why) != KB_OK) {
        kb_evtx_pend(out, &pend, why);
        return;
    }
    saw_names(out, &r);
    /* A cut record's EventRecordID may be among what was lost: its
     * header's id is intact. */
    uint64_t erid = r.has_event_record_id && !cut ? r.event_record_id : rec->id;
    int64_t t = kb_time_from_filetime(rec->written);
    int wanted = r.has_event_id && kb_evtx_wanted_has(o->wanted, kb_evtx_provider(&r), r.event_id & 0xffff) &&
                 !time_filtered(o, t);
    if (wanted && !whole && decode(p, c, ck, rec, 0, &r, &cut, why, sizeof why) != KB_OK) {
        pend.wanted = 1;
        kb_evtx_pend(out, &pend, why);
        return;
    }
    out->read++;
    saw_id(out, erid);
    if (cut)
        saw_cut(out, ck, rec, pend.ordinal, size_copy(c, rec));
    if (!wanted)
        return;
    kb_fact *f = kb_evtx_event_fact(&r, o->input_index, out->channel);
    f->record = erid;
    f->time = t;
    f->damaged = cut; /* values may be lost with its end: never an answer */
    if (out->reduced) {
        if (out->sink->offer(out->reduced, f))
            return; /* summed up as it came (or of no use: the sink asks what keep would) */
    } else if (o->keep && !o->keep(o->keep_arg, f)) {
        kb_fact_free(f);
        return;
    }
    add_fact(out, f, (kb_evtx_tag){ck->slot, rec->id, index});
}

/* A record signature with a size no record can have: found, and failed
 * here (no reader could find where it ends). */
static void impossible_record(part *p, const kb_evtx_chunk *ck, const kb_evtx_rec *rec, uint32_t index,
                              size_t limit)
{
    kb_evtx_reading *out = &p->out;
    kb_evtx_pending pend = {.slot = ck->slot, .off = (uint32_t)rec->off, .index = index, .id = rec->id,
                            .ordinal = out->found, .final = 1};
    char why[160];
    if (rec->bad_size < KB_EVTX_RECORD_MIN)
        snprintf(why, sizeof why, "its size, %u bytes, is less than a record header", (unsigned)rec->bad_size);
    else
        snprintf(why, sizeof why, "its size, %u bytes, runs past the end of the records at offset 0x%zx",
                 (unsigned)rec->bad_size, limit);
    out->found++;
    saw_time(out, rec->written);
    kb_evtx_pend(out, &pend, why);
}

static void walk_chunk(part *p, const unsigned char *c, kb_evtx_chunk *ck)
{
    size_t limit = kb_evtx_walk_limit(ck), off = KB_EVTX_CHUNK_HEADER;
    uint32_t index = 0;
    kb_evtx_rec rec;
    kb_evtx_stop stop;
    int got;
    while ((got = kb_evtx_next_record(c, limit, off, ck, &rec, &stop)) == 1) {
        read_record(p, c, ck, &rec, index++);
        off += rec.size;
    }
    if (got == 2)
        impossible_record(p, ck, &rec, index, limit);
    ck->stop = (uint8_t)stop;
}

static void add_chunk(kb_evtx_reading *r, const kb_evtx_chunk *ck, size_t *cap)
{
    r->chunks = kb_grow(r->chunks, cap, r->nchunks + 1, sizeof *r->chunks, 16);
    r->chunks[r->nchunks++] = *ck;
}

/* The slots [first, first + n) of the file, in one read (or in place, for
 * bytes in memory); *len: the bytes there. */
static const unsigned char *slots_at(part *p, unsigned char *buf, uint64_t first, uint64_t n, size_t *len)
{
    uint64_t off = KB_EVTX_HEADER_SIZE + first * (uint64_t)KB_EVTX_CHUNK_SIZE;
    uint64_t want = n * (uint64_t)KB_EVTX_CHUNK_SIZE;
    if (off >= p->h->size)
        return *len = 0, buf;
    if (want > p->h->size - off)
        want = p->h->size - off;
    if (p->h->data) {
        *len = (size_t)want;
        return p->h->data + off;
    }
    if (kb_handle_read_at(p->h, off, buf, (size_t)want, len) != 0) {
        p->out.io_error = errno ? errno : EIO;
        return NULL;
    }
    return buf;
}

static void *read_part(void *arg)
{
    part *p = arg;
    size_t cap = 0;
    unsigned char *buf = p->h->data ? NULL : kb_xmalloc((size_t)BATCH * KB_EVTX_CHUNK_SIZE);
    for (uint64_t s = p->first; s < p->end && !p->out.io_error;) {
        uint64_t n = p->end - s < BATCH ? p->end - s : BATCH;
        size_t len = 0;
        const unsigned char *b = slots_at(p, buf, s, n, &len);
        if (!b)
            break;
        for (uint64_t k = 0; k < n && (size_t)k * KB_EVTX_CHUNK_SIZE < len; k++) {
            size_t at = (size_t)k * KB_EVTX_CHUNK_SIZE, bytes = len - at;
            kb_evtx_chunk ck;
            kb_evtx_chunk_check(b + at, bytes, s + k, &ck);
            if (ck.kind == KB_SLOT_CHUNK)
                walk_chunk(p, b + at, &ck);
            add_chunk(&p->out, &ck, &cap);
        }
        s += n;
    }
    free(buf);
    return NULL;
}

/* Moves what part holds onto out, after what out already holds. */
static void join(kb_evtx_reading *out, kb_evtx_reading *part, size_t *chunk_cap)
{
    uint64_t base = out->found;
    if (part->nchunks) { /* a part may hold none (a cut file): no memcpy from NULL */
        out->chunks = kb_grow(out->chunks, chunk_cap, out->nchunks + part->nchunks, sizeof *out->chunks, 16);
        memcpy(out->chunks + out->nchunks, part->chunks, part->nchunks * sizeof *part->chunks);
        out->nchunks += part->nchunks;
    }
    for (size_t i = 0; i < part->facts.n; i++)
        add_fact(out, part->facts.items[i], part->tags[i]);
    part->facts.n = 0;
    if (part->reduced && !out->reduced) {
        out->sink = part->sink;
        out->reduced = part->reduced;
    } else if (part->reduced) {
        out->sink->append(out->reduced, part->reduced);
    }
    part->reduced = NULL;
    out->pending = kb_grow(out->pending, &out->pending_cap, out->npending + part->npending, sizeof *out->pending, 16);
    for (size_t i = 0; i < part->npending; i++) {
        kb_evtx_pending *q = &out->pending[out->npending++];
        *q = part->pending[i];
        q->ordinal += base;
        if (q->why && out->reasons >= KB_EVTX_REASONS) {
            free(q->why);
            q->why = NULL;
        }
        out->reasons += q->why != NULL;
    }
    part->npending = 0;
    out->cut = kb_grow(out->cut, &out->cut_cap, out->ncut + part->ncut, sizeof *out->cut, 8);
    for (size_t i = 0; i < part->ncut; i++) {
        out->cut[out->ncut] = part->cut[i];
        out->cut[out->ncut++].ordinal += base;
    }
    out->found += part->found;
    out->read += part->read;
    if (part->has_ids) {
        saw_id(out, part->first_id);
        saw_id(out, part->last_id);
    }
    if (part->first_time != KB_TIME_NONE && (out->first_time == KB_TIME_NONE || part->first_time < out->first_time))
        out->first_time = part->first_time;
    if (part->last_time != KB_TIME_NONE && (out->last_time == KB_TIME_NONE || part->last_time > out->last_time))
        out->last_time = part->last_time;
    if (!out->channel) {
        out->channel = part->channel;
        part->channel = NULL;
    }
    if (!out->computer) {
        out->computer = part->computer;
        part->computer = NULL;
    }
    if (!out->io_error)
        out->io_error = part->io_error;
    kb_evtx_reading_free(part);
}

int kb_evtx_read(const kb_input_handle *h, const kb_evtx_read_opts *opts, kb_evtx_reading *out)
{
    kb_evtx_file_header header = out->header;
    empty_reading(out);
    out->header = header;
    uint64_t body = h->size > KB_EVTX_HEADER_SIZE ? h->size - KB_EVTX_HEADER_SIZE : 0;
    uint64_t slots = body / KB_EVTX_CHUNK_SIZE + (body % KB_EVTX_CHUNK_SIZE != 0);
    size_t threads = opts->threads < KB_EVTX_READ_THREADS ? opts->threads : KB_EVTX_READ_THREADS;
    if (threads < 1 || slots < KB_EVTX_SPLIT_SLOTS)
        threads = 1;
    part parts[KB_EVTX_READ_THREADS];
    pthread_t tids[KB_EVTX_READ_THREADS];
    int started[KB_EVTX_READ_THREADS] = {0};
    for (size_t t = 0; t < threads; t++) {
        part *p = &parts[t];
        memset(p, 0, sizeof *p);
        empty_reading(&p->out);
        p->out.sink = opts->sink;
        p->out.reduced = opts->sink ? opts->sink->begin(opts->sink->arg) : NULL;
        p->h = h;
        p->opts = opts;
        p->first = slots * t / threads;
        p->end = slots * (t + 1) / threads;
        p->bx = kb_binxml_new();
        if (!p->bx)
            kb_out_of_memory();
        started[t] = threads > 1 && pthread_create(&tids[t], NULL, read_part, p) == 0;
        if (!started[t])
            read_part(p);
    }
    size_t chunk_cap = 0;
    for (size_t t = 0; t < threads; t++) {
        if (started[t])
            pthread_join(tids[t], NULL);
        kb_binxml_free(parts[t].bx);
        join(out, &parts[t].out, &chunk_cap);
    }
    uint64_t ordinal = 0;
    for (size_t i = 0; i < out->nchunks; i++) {
        out->chunks[i].ordinal = ordinal;
        ordinal += out->chunks[i].records;
    }
    return out->io_error ? -1 : 0;
}

void kb_evtx_reading_free(kb_evtx_reading *r)
{
    free(r->chunks);
    kb_factlist_free(&r->facts);
    free(r->tags);
    for (size_t i = 0; i < r->npending; i++) {
        free(r->pending[i].why);
        free(r->pending[i].other);
    }
    free(r->pending);
    free(r->cut);
    free(r->channel);
    free(r->computer);
    if (r->reduced)
        r->sink->free(r->reduced);
    kb_evtx_file_header header = r->header;
    empty_reading(r);
    r->header = header;
}
