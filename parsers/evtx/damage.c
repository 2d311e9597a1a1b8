/* damage.c: a log's notes and state from its reading (see damage.h). */
#include "evtx/damage.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "94th". */
static void nth(uint64_t n, char *out, size_t outlen)
{
    const char *suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                       : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    snprintf(out, outlen, "%llu%s", (unsigned long long)n, suffix);
}

static void where_chunk(uint64_t slot, char *out, size_t outlen)
{
    snprintf(out, outlen, "chunk %llu", (unsigned long long)slot);
}

static int checks_crc(const kb_evtx_chunk *ck)
{
    return !ck->no_crc;
}

static int is_cut(const kb_evtx_chunk *ck)
{
    return ck->bytes < KB_EVTX_CHUNK_SIZE;
}

/* The ids the chunk header lists that the walk did not find, as a head
 * and a tail range (the usual case: records cut off at either end), and
 * how many are missing in between. 0 when the header cannot be trusted to
 * say (its checksum fails) or lists none (an empty chunk: all ones). */
typedef struct lost_ids {
    uint64_t head_first, head_last, tail_first, tail_last, between;
    int head, tail;
} lost_ids;

static uint64_t count_lost(const kb_evtx_chunk *ck, lost_ids *l)
{
    memset(l, 0, sizeof *l);
    if (ck->kind != KB_SLOT_CHUNK || ck->bytes < KB_EVTX_CHUNK_HEADER || (checks_crc(ck) && !ck->header_crc_ok) ||
        ck->first_id > ck->last_id || ck->last_id - ck->first_id >= KB_EVTX_CHUNK_SIZE ||
        (ck->records == 0 && ck->free_off == KB_EVTX_CHUNK_HEADER))
        return 0;
    if (ck->records == 0) {
        l->head = 1;
        l->head_first = ck->first_id;
        l->head_last = ck->last_id;
        return ck->last_id - ck->first_id + 1;
    }
    uint64_t n = 0;
    if (ck->walk_first > ck->first_id && ck->walk_first <= ck->last_id) {
        l->head = 1;
        l->head_first = ck->first_id;
        l->head_last = ck->walk_first - 1;
        n += l->head_last - l->head_first + 1;
    }
    if (ck->walk_last < ck->last_id && ck->walk_last >= ck->first_id) {
        l->tail = 1;
        l->tail_first = ck->walk_last + 1;
        l->tail_last = ck->last_id;
        n += l->tail_last - l->tail_first + 1;
    }
    if (!ck->contiguous && !ck->not_rising && ck->walk_last >= ck->walk_first &&
        ck->walk_last - ck->walk_first + 1 > ck->records) {
        l->between = ck->walk_last - ck->walk_first + 1 - ck->records;
        n += l->between;
    }
    return n;
}

static const char *stop_text(uint8_t stop)
{
    switch (stop) {
    case KB_STOP_ZEROS: return "zero bytes where a record should start";
    case KB_STOP_SIGNATURE: return "no record signature where a record should start";
    case KB_STOP_SIZE: return "a record header with an impossible size";
    default: return "";
    }
}

/* Whether a chunk is damaged, and its notes when in is given (cut: its
 * records whose end was overwritten, read as far as they go). */
static int chunk_damage(kb_input *in, const kb_evtx_chunk *ck, const kb_evtx_dups *dups, size_t cut, int zeroed,
                        uint64_t *lost)
{
    char where[48];
    where_chunk(ck->slot, where, sizeof where);
    int damaged = 0;
    if (zeroed)
        return 1;
    if (ck->kind == KB_SLOT_RECORDS) {
        if (in)
            kb_input_note(in, where,
                          "no chunk signature, yet %u record header(s) in it (ids %llu to %llu): a chunk that "
                          "cannot be walked; its records are lost",
                          (unsigned)ck->stray, (unsigned long long)ck->stray_first, (unsigned long long)ck->stray_last);
        *lost += ck->stray;
        return 1;
    }
    if (ck->kind != KB_SLOT_CHUNK)
        return 0;
    if (is_cut(ck)) {
        damaged = 1;
        if (in && ck->bytes < KB_EVTX_CHUNK_HEADER)
            kb_input_note(in, where, "file ends %u bytes into this chunk, inside its header (truncated)",
                          (unsigned)ck->bytes);
        else if (in && ck->records)
            kb_input_note(in, where,
                          "file ends %u bytes into this chunk (truncated): the %u complete record(s) before the cut "
                          "are read (ids %llu to %llu)",
                          (unsigned)ck->bytes, (unsigned)ck->records, (unsigned long long)ck->walk_first,
                          (unsigned long long)ck->walk_last);
        else if (in)
            kb_input_note(in, where, "file ends %u bytes into this chunk (truncated), before any complete record",
                          (unsigned)ck->bytes);
    }
    if (ck->bytes >= KB_EVTX_CHUNK_HEADER && checks_crc(ck) && !ck->header_crc_ok) {
        damaged = 1;
        if (in)
            kb_input_note(in, where, "chunk header checksum mismatch");
    }
    if (ck->bytes >= KB_EVTX_CHUNK_HEADER && !ck->free_ok) {
        damaged = 1;
        if (in)
            kb_input_note(in, where, "free space offset %u is out of range", (unsigned)ck->free_off);
    } else if (!is_cut(ck) && checks_crc(ck) && !ck->data_crc_ok) {
        damaged = 1;
        if (in)
            kb_input_note(in, where, "event records checksum mismatch");
    }
    if (ck->stop != KB_STOP_NONE && ck->stop != KB_STOP_END) {
        damaged = 1;
        if (in)
            kb_input_note(in, where, "the record walk stops at offset 0x%x, before the free space offset 0x%x: %s",
                          (unsigned)ck->walked_to, (unsigned)ck->free_off, stop_text(ck->stop));
    }
    if (ck->not_rising || ck->out_of_range) {
        damaged = 1;
        if (in && ck->bad_after)
            kb_input_note(in, where, "record id %llu follows record id %llu: ids do not rise (%u record(s) out of order)",
                          (unsigned long long)ck->bad_id, (unsigned long long)ck->bad_after, (unsigned)ck->not_rising);
        if (in && ck->out_of_range)
            kb_input_note(in, where, "%u record id(s) outside the chunk's range %llu to %llu (the first: %llu)",
                          (unsigned)ck->out_of_range, (unsigned long long)ck->first_id,
                          (unsigned long long)ck->last_id,
                          (unsigned long long)(ck->bad_after ? ck->walk_last : ck->bad_id));
    }
    lost_ids l;
    uint64_t n = count_lost(ck, &l);
    if (n) {
        damaged = 1;
        *lost += n;
        if (in && l.head)
            kb_input_note(in, where, "records with ids %llu to %llu are lost (the chunk header lists ids %llu to %llu)",
                          (unsigned long long)l.head_first, (unsigned long long)l.head_last,
                          (unsigned long long)ck->first_id, (unsigned long long)ck->last_id);
        if (in && l.tail)
            kb_input_note(in, where, "records with ids %llu to %llu are lost (the chunk header lists ids %llu to %llu)",
                          (unsigned long long)l.tail_first, (unsigned long long)l.tail_last,
                          (unsigned long long)ck->first_id, (unsigned long long)ck->last_id);
        if (in && l.between)
            kb_input_note(in, where, "%llu record id(s) missing between ids %llu and %llu",
                          (unsigned long long)l.between, (unsigned long long)ck->walk_first,
                          (unsigned long long)ck->walk_last);
    }
    if (cut)
        damaged = 1;
    if (dups) {
        damaged = 1;
        if (in)
            kb_input_note(in, where,
                          "%u record(s), ids %llu to %llu, are also in chunk %llu (a chunk copied over another, or "
                          "present twice): counted once",
                          (unsigned)dups->count, (unsigned long long)dups->first, (unsigned long long)dups->last,
                          (unsigned long long)dups->of_slot);
    }
    return damaged;
}

/* A record neither decoder could read, named by id and place. */
static void note_failed(kb_input *in, const kb_evtx_pending *p)
{
    char where[48], place[32];
    where_chunk(p->slot, where, sizeof where);
    nth(p->ordinal + 1, place, sizeof place);
    if (p->final || !p->other)
        kb_input_note(in, where, "record id %llu, the %s record of the file (chunk offset 0x%x), cannot be read: %s",
                      (unsigned long long)p->id, place, (unsigned)p->off, p->why ? p->why : "no reason kept");
    else
        kb_input_note(in, where,
                      "record id %llu, the %s record of the file (chunk offset 0x%x), cannot be read: kbscan's "
                      "decoder: %s; libevtx: %s",
                      (unsigned long long)p->id, place, (unsigned)p->off, p->why ? p->why : "no reason kept",
                      p->other);
}

/* A record whose end was overwritten, read as far as it goes. */
static void note_cut(kb_input *in, const kb_evtx_cut_record *c)
{
    char where[48], place[32];
    where_chunk(c->slot, where, sizeof where);
    nth(c->ordinal + 1, place, sizeof place);
    kb_input_note(in, where,
                  "record id %llu, the %s record of the file (chunk offset 0x%x): the copy of its size at its end "
                  "says %u, not %u (its end was overwritten): read as far as it goes, its values may be "
                  "incomplete, its event is never taken as an answer",
                  (unsigned long long)c->id, place, (unsigned)c->off, (unsigned)c->copy, (unsigned)c->size);
}

/* How many records of this chunk were cut. */
static size_t cut_in(const kb_evtx_reading *r, uint64_t slot)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ncut; i++)
        n += r->cut[i].slot == slot;
    return n;
}

static const kb_evtx_dups *dups_of(const kb_evtx_dup_result *d, uint64_t slot)
{
    for (size_t i = 0; d && i < d->n; i++)
        if (d->chunks[i].slot == slot)
            return &d->chunks[i];
    return NULL;
}

/* The last slot holding a chunk, or SIZE_MAX when none does. */
static size_t last_chunk(const kb_evtx_reading *r)
{
    for (size_t i = r->nchunks; i-- > 0;)
        if (r->chunks[i].kind == KB_SLOT_CHUNK || r->chunks[i].kind == KB_SLOT_RECORDS)
            return i;
    return SIZE_MAX;
}

/* Slots of one kind in a row, from i: said once. */
static size_t note_run(kb_input *in, const kb_evtx_reading *r, size_t i, const char *what)
{
    size_t j = i;
    while (j + 1 < r->nchunks && r->chunks[j + 1].kind == r->chunks[i].kind)
        j++;
    char where[64];
    if (j == i)
        where_chunk(r->chunks[i].slot, where, sizeof where);
    else
        snprintf(where, sizeof where, "chunks %llu to %llu", (unsigned long long)r->chunks[i].slot,
                 (unsigned long long)r->chunks[j].slot);
    kb_input_note(in, where, "%s", what);
    return j;
}

static uint64_t chunks_in_use(const kb_evtx_reading *r)
{
    uint64_t n = 0;
    for (size_t i = 0; i < r->nchunks; i++)
        n += r->chunks[i].kind == KB_SLOT_CHUNK;
    return n;
}

/* The note of a log copied while it was open, or that keeps no checksums:
 * what its header says and what was written instead. */
static void note_live_copy(kb_input *in, const kb_evtx_reading *r, const kb_evtx_judgement *j)
{
    const kb_evtx_file_header *hd = &r->header;
    if (!hd->signature_ok || !hd->layout_ok)
        return;
    uint64_t used = chunks_in_use(r), highest = 0;
    for (size_t i = 0; i < r->nchunks; i++)
        if (r->chunks[i].kind == KB_SLOT_CHUNK && r->chunks[i].records && r->chunks[i].walk_last > highest)
            highest = r->chunks[i].walk_last;
    int dirty = (hd->flags & KB_EVTX_FLAG_DIRTY) != 0, lag_chunks = used > hd->chunk_count,
        lag_ids = highest && hd->next_record_id <= highest, full = (hd->flags & KB_EVTX_FLAG_FULL) != 0,
        no_crc = (hd->flags & KB_EVTX_FLAG_NO_CRC) != 0;
    if (!dirty && !lag_chunks && !lag_ids && !full && !no_crc)
        return;
    kb_buf b = KB_BUF_INIT;
    const char *sep = "";
    if (dirty)
        kb_buf_printf(&b, "the log was not closed cleanly (dirty flag): copied while it was open"), sep = "; ";
    if (lag_chunks)
        kb_buf_printf(&b, "%sthe header lags the %llu chunks written (it says %u)", sep, (unsigned long long)used,
                      (unsigned)hd->chunk_count), sep = "; ";
    if (lag_ids)
        kb_buf_printf(&b, "%sits next record id, %llu, lags the records written (up to id %llu)", sep,
                      (unsigned long long)hd->next_record_id, (unsigned long long)highest), sep = "; ";
    if (full)
        kb_buf_printf(&b, "%sthe log is full (full flag)", sep), sep = "; ";
    if (no_crc)
        kb_buf_printf(&b, "%sthe log keeps no checksums (flag 0x4): its chunks cannot be checked", sep), sep = "; ";
    if (!j->failed && !j->lost && !j->chunks_damaged)
        kb_buf_printf(&b, "; all %llu records read", (unsigned long long)r->read);
    kb_input_note(in, "file header", "%s", kb_buf_str(&b));
    kb_buf_free(&b);
}

static int header_damage(kb_input *in, const kb_evtx_file_header *hd)
{
    if (!hd->signature_ok) {
        if (in)
            kb_input_note(in, "file header", "no EVTX file signature: the log is read by its chunks");
        return 1;
    }
    if (!hd->layout_ok) {
        if (in)
            kb_input_note(in, "file header",
                          "header size %lu, version %u.%u, block size %u (an EVTX file header's are 128, 3.1 or 3.2, "
                          "4096): the log is read by its chunks",
                          (unsigned long)hd->header_size, (unsigned)hd->major, (unsigned)hd->minor,
                          (unsigned)hd->block_size);
        return 1;
    }
    if (!hd->crc_ok && !(hd->flags & KB_EVTX_FLAG_NO_CRC)) {
        if (in)
            kb_input_note(in, "file header", "header checksum mismatch");
        return 1;
    }
    return 0;
}

/* Whether the file header's counts can be believed: its signature, its
 * layout and its checksum (unless the log keeps none) intact. */
static int header_trusted(const kb_evtx_file_header *hd)
{
    return hd->signature_ok && hd->layout_ok && (hd->crc_ok || (hd->flags & KB_EVTX_FLAG_NO_CRC));
}

/* Whether a zeroed slot is one the intact file header counts among its
 * chunks: then what it held is lost, not yet to be written. */
static int zeroed_counted(const kb_evtx_reading *r, const kb_evtx_chunk *ck)
{
    const kb_evtx_file_header *hd = &r->header;
    return ck->kind == KB_SLOT_ZERO && header_trusted(hd) && ck->slot < hd->chunk_count;
}

/* Zeroed slots in a row from i, all counted by the header or all not. */
static size_t zero_run_end(const kb_evtx_reading *r, size_t i)
{
    size_t j = i;
    while (j + 1 < r->nchunks && r->chunks[j + 1].kind == KB_SLOT_ZERO &&
           zeroed_counted(r, &r->chunks[j + 1]) == zeroed_counted(r, &r->chunks[i]))
        j++;
    return j;
}

static void note_zeroed(kb_input *in, const kb_evtx_reading *r, size_t i, size_t j)
{
    char where[64];
    if (j == i)
        where_chunk(r->chunks[i].slot, where, sizeof where);
    else
        snprintf(where, sizeof where, "chunks %llu to %llu", (unsigned long long)r->chunks[i].slot,
                 (unsigned long long)r->chunks[j].slot);
    if (zeroed_counted(r, &r->chunks[i]))
        kb_input_note(in, where, "zeroed, though the file header counts %s among its %u chunks: what %s held is lost",
                      j == i ? "it" : "them", (unsigned)r->header.chunk_count, j == i ? "it" : "they");
    else
        kb_input_note(in, where, "zeroed (never written, or not yet written when the log was copied): skipped");
}

/* Record ids in no chunk: between the chunks that hold the ids around
 * them (a chunk lost, zeroed or copied over). Said of a damaged log only:
 * of an intact one, the coverage says it (a gap, log.coverage). */
static void note_id_gaps(kb_input *in, const kb_evtx_reading *r)
{
    const kb_evtx_chunk **used = kb_xcalloc(r->nchunks + 1, sizeof *used);
    size_t n = 0;
    for (size_t i = 0; i < r->nchunks; i++)
        if (r->chunks[i].kind == KB_SLOT_CHUNK && r->chunks[i].records)
            used[n++] = &r->chunks[i];
    for (size_t i = 1; i < n; i++) /* insertion sort by lowest id: chunks come nearly in order */
        for (size_t k = i; k > 0 && used[k]->walk_first < used[k - 1]->walk_first; k--) {
            const kb_evtx_chunk *t = used[k];
            used[k] = used[k - 1];
            used[k - 1] = t;
        }
    uint64_t high = n ? used[0]->walk_last : 0;
    const kb_evtx_chunk *below = n ? used[0] : NULL;
    for (size_t i = 1; i < n; i++) {
        if (used[i]->walk_first > high + 1)
            kb_input_note(in, NULL, "records with ids %llu to %llu are in no chunk (between chunk %llu and chunk %llu)",
                          (unsigned long long)(high + 1), (unsigned long long)(used[i]->walk_first - 1),
                          (unsigned long long)below->slot, (unsigned long long)used[i]->slot);
        if (used[i]->walk_last > high) {
            high = used[i]->walk_last;
            below = used[i];
        }
    }
    free(used);
}

/* The slots in file order: damage, and the failed records of each chunk. */
static void note_slots(kb_input *in, const kb_evtx_reading *r, const kb_evtx_dup_result *dups)
{
    size_t last = last_chunk(r), p = 0, c = 0;
    uint64_t lost = 0;
    for (size_t i = 0; i < r->nchunks; i++) {
        const kb_evtx_chunk *ck = &r->chunks[i];
        if (ck->kind == KB_SLOT_ZERO && ((last != SIZE_MAX && i < last) || zeroed_counted(r, ck))) {
            size_t j = zero_run_end(r, i);
            note_zeroed(in, r, i, j);
            i = j;
            continue;
        }
        if (ck->kind == KB_SLOT_OTHER) {
            i = note_run(in, r, i, "neither a chunk nor a record in it: not part of the log, skipped");
            continue;
        }
        chunk_damage(in, ck, dups_of(dups, ck->slot), cut_in(r, ck->slot), 0, &lost);
        for (; c < r->ncut && r->cut[c].slot <= ck->slot; c++)
            if (r->cut[c].slot == ck->slot)
                note_cut(in, &r->cut[c]);
        for (; p < r->npending && r->pending[p].slot <= ck->slot; p++)
            if (r->pending[p].failed && r->pending[p].slot == ck->slot)
                note_failed(in, &r->pending[p]);
    }
}

/* Whether an intact file header counts more chunks than the file holds
 * (the last slot counted even when cut): the file was cut short, and what
 * the missing chunks held is lost. A header never runs ahead of what was
 * written (a live copy's lags), so this is damage, not a note. */
static int cut_short(kb_input *in, const kb_evtx_reading *r)
{
    const kb_evtx_file_header *hd = &r->header;
    if (!header_trusted(hd) || hd->chunk_count <= r->nchunks)
        return 0;
    if (in)
        kb_input_note(in, "file header", "it counts %u chunks, the file ends after %zu: the file was cut short and "
                      "the records of the missing chunks are lost", (unsigned)hd->chunk_count, r->nchunks);
    return 1;
}

void kb_evtx_judge(kb_input *in, const kb_evtx_reading *r, const kb_evtx_dup_result *dups, const char *worker,
                   kb_evtx_judgement *out)
{
    memset(out, 0, sizeof *out);
    out->slots = r->nchunks;
    for (size_t i = 0; i < r->nchunks; i++)
        out->chunks_damaged += (uint64_t)chunk_damage(NULL, &r->chunks[i], dups_of(dups, r->chunks[i].slot),
                                                      cut_in(r, r->chunks[i].slot), zeroed_counted(r, &r->chunks[i]),
                                                      &out->lost);
    for (size_t i = 0; i < r->npending; i++)
        out->failed += r->pending[i].failed != 0;
    int header = header_damage(in, &r->header), shorter = cut_short(in, r);
    note_live_copy(in, r, out);
    note_slots(in, r, dups);
    if (header || shorter || worker || out->chunks_damaged || out->failed || (dups && dups->unchecked))
        note_id_gaps(in, r);
    if (header)
        kb_input_fail(in, KB_INPUT_DAMAGED, "%s",
                      r->header.signature_ok && r->header.layout_ok ? "EVTX file header checksum is wrong"
                                                                    : "EVTX file header is damaged");
    if (out->chunks_damaged)
        kb_input_fail(in, KB_INPUT_DAMAGED, "%llu of %llu chunk(s) damaged", (unsigned long long)out->chunks_damaged,
                      (unsigned long long)out->slots);
    if (shorter)
        kb_input_fail(in, KB_INPUT_DAMAGED, "the file is shorter than its header says: records lost");
    if (worker)
        kb_input_fail(in, KB_INPUT_DAMAGED, "%s", worker);
    if (out->failed)
        kb_input_fail(in, KB_INPUT_DAMAGED, "%llu record(s) could not be read", (unsigned long long)out->failed);
    if (dups && dups->unchecked) {
        kb_input_note(in, NULL, "too many chunks share record ids to check them all for duplicates");
        kb_input_fail(in, KB_INPUT_DAMAGED, "chunks share record ids: records may be counted twice");
    }
}
