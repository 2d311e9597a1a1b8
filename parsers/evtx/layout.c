/* layout.c: checks the EVTX container (see layout.h).
 * Layout per libyal's "Windows XML Event Log (EVTX)" format notes. */
#include "evtx/layout.h"
#include "core/fact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <zlib.h>

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const unsigned char *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static uint32_t crc(const unsigned char *p, size_t n)
{
    return (uint32_t)crc32(0L, p, (uInt)n);
}

static void read_file_header(const unsigned char *h, size_t got, kb_input *in, kb_evtx_layout *out)
{
    if (got < 128 || memcmp(h, "ElfFile", 8) != 0) {
        kb_input_note(in, "file header", "no EVTX file signature");
        kb_input_fail(in, KB_INPUT_DAMAGED, "EVTX file header is damaged");
        return;
    }
    out->major = le16(h + 38);
    out->minor = le16(h + 36);
    uint32_t flags = le32(h + 120);
    out->dirty = (flags & 1) != 0;
    out->full = (flags & 2) != 0;
    out->header_ok = crc(h, 120) == le32(h + 124);
    if (!out->header_ok) {
        kb_input_note(in, "file header", "header checksum mismatch");
        kb_input_fail(in, KB_INPUT_DAMAGED, "EVTX file header checksum is wrong");
    }
    if (out->dirty)
        kb_input_note(in, "file header",
                      "the log was not closed cleanly (dirty flag): the last chunk may be incomplete");
}

/* Walks the record headers of a chunk: counts, ids and times; shows each
 * record to the prefilter (may be NULL). Returns where the walk stopped. */
static size_t read_records(const unsigned char *c, kb_evtx_layout *out, kb_evtx_prefilter *pf)
{
    uint32_t free_off = le32(c + 48);
    if (free_off > KB_EVTX_CHUNK_SIZE || free_off < 512)
        free_off = KB_EVTX_CHUNK_SIZE;
    size_t off = 512;
    while (off + 28 <= free_off) {
        const unsigned char *r = c + off;
        uint32_t size = le32(r + 4);
        if (le32(r) != 0x00002a2a || size < 28 || off + size > free_off)
            break;
        uint64_t id = le64(r + 8);
        uint64_t filetime = le64(r + 16);
        /* A zero time is an unset record, not an event from 1601. */
        int64_t t = filetime ? kb_time_from_filetime(filetime) : KB_TIME_NONE;
        if (!out->records || id < out->first_record_id)
            out->first_record_id = id;
        if (!out->records || id > out->last_record_id)
            out->last_record_id = id;
        if (t != KB_TIME_NONE && (out->first_time == KB_TIME_NONE || t < out->first_time))
            out->first_time = t;
        if (t != KB_TIME_NONE && (out->last_time == KB_TIME_NONE || t > out->last_time))
            out->last_time = t;
        out->records++;
        if (pf)
            kb_evtx_prefilter_record(pf, c, off, size);
        off += size;
    }
    return off;
}

/* Notes a chunk the file ends inside (n bytes of it, in c, which has room
 * for a whole chunk): with the records its complete part holds, which are
 * lost to the analysis (libevtx reads no partial chunk). */
static void note_cut_chunk(unsigned char *c, size_t n, uint64_t index, kb_input *in)
{
    char where[48];
    snprintf(where, sizeof where, "chunk %llu", (unsigned long long)index);
    kb_evtx_layout part;
    memset(&part, 0, sizeof part);
    part.first_time = part.last_time = KB_TIME_NONE;
    if (n >= 512 && memcmp(c, "ElfChnk", 8) == 0) {
        memset(c + n, 0, KB_EVTX_CHUNK_SIZE - n);
        if (le32(c + 48) > n)  /* records end where the file does */
            for (int b = 0; b < 4; b++)
                c[48 + b] = (unsigned char)(n >> (8 * b));
        read_records(c, &part, NULL);
    }
    if (part.records)
        kb_input_note(in, where,
                      "file ends %zu bytes into this chunk (truncated); its complete part holds "
                      "%llu record(s), ids %llu to %llu, not read",
                      n, (unsigned long long)part.records, (unsigned long long)part.first_record_id,
                      (unsigned long long)part.last_record_id);
    else
        kb_input_note(in, where, "file ends %zu bytes into this chunk (truncated)", n);
}

/* The cut chunk at the end of a truncated file, for both walks. */
static void note_truncation(unsigned char *tail, size_t n, uint64_t index, kb_input *in,
                            kb_evtx_layout *out, kb_evtx_prefilter *pf)
{
    out->trailing_bytes = n;
    note_cut_chunk(tail, n, index, in);
    out->chunks_damaged++;
    if (pf)
        kb_evtx_prefilter_doubt(pf, "the file is truncated");
}

/* One line on the input for all the damaged chunks, for both walks. */
static void note_damage_summary(const kb_evtx_layout *out, kb_input *in)
{
    if (out->chunks_damaged)
        kb_input_fail(in, KB_INPUT_DAMAGED, "%llu of %llu chunk(s) damaged",
                      (unsigned long long)out->chunks_damaged,
                      (unsigned long long)(out->chunks + (out->trailing_bytes ? 1 : 0)));
}

/* Checks one chunk (index: its number in the file) and walks its records,
 * showing it to the prefilter pf (may be NULL). */
static void check_chunk(const unsigned char *c, uint64_t index, kb_input *in, kb_evtx_layout *out,
                        kb_evtx_prefilter *pf)
{
    char where[48];
    snprintf(where, sizeof where, "chunk %llu", (unsigned long long)index);
    if (memcmp(c, "ElfChnk", 8) != 0) {
        /* Windows leaves unused chunks zeroed; that is not damage. */
        static const unsigned char zero[8];
        if (memcmp(c, zero, 8) == 0)
            return;
        kb_input_note(in, where, "bad chunk signature");
        out->chunks_damaged++;
        if (pf)
            kb_evtx_prefilter_doubt(pf, "a damaged chunk");
        return;
    }
    uint32_t header_crc = (uint32_t)crc32(crc32(0L, c, 120), c + 128, 384);
    int damaged = 0;
    if (header_crc != le32(c + 124)) {
        kb_input_note(in, where, "chunk header checksum mismatch");
        damaged = 1;
    }
    uint32_t free_off = le32(c + 48);
    if (free_off < 512 || free_off > KB_EVTX_CHUNK_SIZE) {
        kb_input_note(in, where, "free space offset %u is out of range", free_off);
        damaged = 1;
    } else if (crc(c + 512, free_off - 512) != le32(c + 52)) {
        kb_input_note(in, where, "event records checksum mismatch");
        damaged = 1;
    }
    if (damaged)
        out->chunks_damaged++;
    if (pf)
        kb_evtx_prefilter_chunk_begin(pf, !damaged);
    size_t walked_to = read_records(c, out, pf);
    if (pf)
        kb_evtx_prefilter_chunk_end(pf, c, index, walked_to);
}

/* Resets out, reads and checks the file header, shows it to the
 * prefilter; returns the bytes read, or -1 on a read error. */
static long start_walk(const kb_input_handle *h, kb_input *in, kb_evtx_layout *out, kb_evtx_prefilter *pf)
{
    static const kb_evtx_layout empty = {0};
    *out = empty;
    out->first_time = out->last_time = KB_TIME_NONE;
    unsigned char header[KB_EVTX_HEADER_SIZE];
    size_t got = 0;
    if (kb_handle_read_at(h, 0, header, sizeof header, &got) != 0)
        return -1;
    read_file_header(header, got, in, out);
    if (pf && !out->header_ok)
        kb_evtx_prefilter_doubt(pf, "the file header is damaged");
    else if (pf && got == sizeof header)
        kb_evtx_prefilter_header(pf, header);
    return (long)got;
}

/* Where chunk `index` starts in the file. */
static uint64_t chunk_offset(uint64_t index)
{
    return KB_EVTX_HEADER_SIZE + index * (uint64_t)KB_EVTX_CHUNK_SIZE;
}

int kb_evtx_read_layout(const kb_input_handle *h, kb_input *in, kb_evtx_layout *out)
{
    return kb_evtx_read_layout_filtered(h, in, out, NULL);
}

int kb_evtx_read_layout_filtered(const kb_input_handle *h, kb_input *in, kb_evtx_layout *out,
                                 kb_evtx_prefilter *pf)
{
    long got = start_walk(h, in, out, pf);
    if (got < 0)
        return -1;
    if (got < KB_EVTX_HEADER_SIZE) {
        kb_input_note(in, "file header", "file ends inside the header (%ld bytes)", got);
        kb_input_fail(in, KB_INPUT_DAMAGED, "EVTX file is truncated (%ld bytes)", got);
        return 0;
    }
    unsigned char *c = malloc(KB_EVTX_CHUNK_SIZE);
    if (!c)
        return -1;
    int read_error = 0;
    for (uint64_t index = 0;; index++) {
        size_t n = 0;
        if (kb_handle_read_at(h, chunk_offset(index), c, KB_EVTX_CHUNK_SIZE, &n) != 0) {
            read_error = 1;
            break;
        }
        if (n == KB_EVTX_CHUNK_SIZE) {
            out->chunks++;
            check_chunk(c, index, in, out, pf);
            continue;
        }
        if (n > 0) {
            note_truncation(c, n, index, in, out, pf);
        }
        break;
    }
    free(c);
    if (read_error)
        return -1;
    note_damage_summary(out, in);
    return 0;
}

/* ---- the walk split across threads ------------------------------------------ */

typedef struct walk_part {
    const kb_input_handle *h;
    uint64_t first, end;      /* chunks [first, end) */
    kb_inputs notes;          /* one input that collects this part's notes */
    kb_evtx_layout out;
    kb_evtx_prefilter pf;
    int use_pf, failed;
} walk_part;

static void *walk_part_run(void *arg)
{
    walk_part *w = arg;
    unsigned char *c = malloc(KB_EVTX_CHUNK_SIZE);
    w->out.first_time = w->out.last_time = KB_TIME_NONE;
    if (!c) {
        w->failed = 1;
    } else {
        for (uint64_t index = w->first; index < w->end; index++) {
            size_t n = 0;
            if (kb_handle_read_at(w->h, chunk_offset(index), c, KB_EVTX_CHUNK_SIZE, &n) != 0 ||
                n != KB_EVTX_CHUNK_SIZE) {
                w->failed = 1;
                break;
            }
            w->out.chunks++;
            check_chunk(c, index, &w->notes.items[0], &w->out, w->use_pf ? &w->pf : NULL);
        }
    }
    free(c);
    return NULL;
}

static void merge_layout(kb_evtx_layout *out, const kb_evtx_layout *part)
{
    out->chunks += part->chunks;
    out->chunks_damaged += part->chunks_damaged;
    if (part->records) {
        if (!out->records || part->first_record_id < out->first_record_id)
            out->first_record_id = part->first_record_id;
        if (!out->records || part->last_record_id > out->last_record_id)
            out->last_record_id = part->last_record_id;
    }
    out->records += part->records;
    if (part->first_time != KB_TIME_NONE && (out->first_time == KB_TIME_NONE || part->first_time < out->first_time))
        out->first_time = part->first_time;
    if (part->last_time != KB_TIME_NONE && (out->last_time == KB_TIME_NONE || part->last_time > out->last_time))
        out->last_time = part->last_time;
}

int kb_evtx_read_layout_split(const kb_input_handle *h, kb_input *in, kb_evtx_layout *out,
                              kb_evtx_prefilter *pf, size_t threads)
{
    uint64_t chunks = h->size > KB_EVTX_HEADER_SIZE ? (h->size - KB_EVTX_HEADER_SIZE) / KB_EVTX_CHUNK_SIZE : 0;
    if (threads > KB_EVTX_WALK_THREADS)
        threads = KB_EVTX_WALK_THREADS;
    if (threads < 2 || chunks < KB_EVTX_SPLIT_CHUNKS)
        return kb_evtx_read_layout_filtered(h, in, out, pf);
    /* The header, then the full chunks in parts, then what is left. */
    if (start_walk(h, in, out, pf) < 0)
        return -1;
    walk_part parts[KB_EVTX_WALK_THREADS];
    memset(parts, 0, sizeof parts);
    pthread_t tids[KB_EVTX_WALK_THREADS];
    int started[KB_EVTX_WALK_THREADS] = {0}, failed = 0;
    for (size_t t = 0; t < threads; t++) {
        walk_part *w = &parts[t];
        w->h = h;
        w->first = chunks * t / threads;
        w->end = chunks * (t + 1) / threads;
        w->use_pf = pf != NULL;
        if (kb_inputs_add(&w->notes, in->path) < 0 || (pf && kb_evtx_prefilter_part(&w->pf, pf, t == 0) != 0)) {
            failed = 1;
            continue;
        }
        started[t] = pthread_create(&tids[t], NULL, walk_part_run, w) == 0;
        if (!started[t])
            walk_part_run(w);
    }
    for (size_t t = 0; t < threads; t++) {
        walk_part *w = &parts[t];
        if (started[t])
            pthread_join(tids[t], NULL);
        failed |= w->failed;
        if (!failed) {
            merge_layout(out, &w->out);
            if (pf)
                kb_evtx_prefilter_merge(pf, &w->pf, t == 0);
            const kb_input *notes = w->notes.n ? &w->notes.items[0] : NULL;
            for (size_t k = 0; notes && k < notes->nnotes; k++)
                kb_input_note(in, notes->notes[k].where, "%s", notes->notes[k].message);
            if (notes)
                in->notes_dropped += notes->notes_dropped;
        }
        if (pf)
            kb_evtx_prefilter_free(&w->pf);
        kb_inputs_free(&w->notes);
    }
    /* A partial chunk at the end: the file was cut. */
    size_t trailing = (size_t)(h->size - chunk_offset(chunks));
    unsigned char *tail = !failed && trailing ? malloc(KB_EVTX_CHUNK_SIZE) : NULL;
    failed |= !failed && trailing && !tail;
    size_t got = 0;
    if (tail && kb_handle_read_at(h, chunk_offset(chunks), tail, trailing, &got) == 0 && got == trailing)
        note_truncation(tail, trailing, chunks, in, out, pf);
    free(tail);
    if (failed)
        return -1;
    note_damage_summary(out, in);
    return 0;
}
