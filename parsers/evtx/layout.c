/* layout.c: the EVTX container, read and checked (see layout.h). */
#include "evtx/layout.h"

#include <libdeflate.h>
#include <string.h>

#define RECORD_MAGIC 0x00002a2au

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const unsigned char *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

uint32_t kb_evtx_crc32(uint32_t crc, const unsigned char *p, size_t n)
{
    return libdeflate_crc32(crc, p, n);
}

void kb_evtx_file_header_read(const unsigned char *h, size_t n, kb_evtx_file_header *out)
{
    memset(out, 0, sizeof *out);
    out->bytes = n;
    if (n < 128)
        return;
    out->signature_ok = memcmp(h, "ElfFile", 8) == 0;
    out->first_chunk = le64(h + 8);
    out->last_chunk = le64(h + 16);
    out->next_record_id = le64(h + 24);
    out->minor = le16(h + 36);
    out->major = le16(h + 38);
    out->chunk_count = le16(h + 42);
    out->header_size = le32(h + 32);
    out->block_size = le16(h + 40);
    out->layout_ok = out->header_size == 128 && out->major == 3 && (out->minor == 1 || out->minor == 2) &&
                     out->block_size == KB_EVTX_HEADER_SIZE;
    out->flags = le32(h + 120);
    out->crc_ok = kb_evtx_crc32(0, h, 120) == le32(h + 124);
}

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* A record header at off whose size and trailing copy of it agree and fit
 * in the n bytes: what a slot without a chunk signature may still hold. */
static int stray_record_at(const unsigned char *c, size_t n, size_t off, uint64_t *id)
{
    if (n - off < KB_EVTX_RECORD_MIN || le32(c + off) != RECORD_MAGIC)
        return 0;
    uint32_t size = le32(c + off + 4);
    if (size < KB_EVTX_RECORD_MIN || size > n - off || le32(c + off + size - 4) != size)
        return 0;
    *id = le64(c + off + 8);
    return 1;
}

/* Record headers in a slot that is not a chunk: counted, with their ids. */
static void count_strays(const unsigned char *c, size_t n, kb_evtx_chunk *out)
{
    for (size_t off = 0; n >= KB_EVTX_RECORD_MIN && off <= n - KB_EVTX_RECORD_MIN;) {
        const unsigned char *hit = memchr(c + off, '*', n - KB_EVTX_RECORD_MIN + 1 - off);
        if (!hit)
            break;
        off = (size_t)(hit - c);
        uint64_t id;
        if (!stray_record_at(c, n, off, &id)) {
            off++;
            continue;
        }
        if (!out->stray || id < out->stray_first)
            out->stray_first = id;
        if (!out->stray || id > out->stray_last)
            out->stray_last = id;
        out->stray++;
        off += le32(c + off + 4);
    }
}

void kb_evtx_chunk_check(const unsigned char *c, size_t n, uint64_t slot, kb_evtx_chunk *out)
{
    memset(out, 0, sizeof *out);
    out->slot = slot;
    out->bytes = (uint32_t)(n > KB_EVTX_CHUNK_SIZE ? KB_EVTX_CHUNK_SIZE : n);
    out->contiguous = 1;
    n = out->bytes;
    if (n < 8 || memcmp(c, "ElfChnk", 8) != 0) {
        out->kind = all_zero(c, n) ? KB_SLOT_ZERO : KB_SLOT_OTHER;
        if (out->kind == KB_SLOT_OTHER) {
            count_strays(c, n, out);
            out->kind = out->stray ? KB_SLOT_RECORDS : KB_SLOT_OTHER;
        }
        return;
    }
    out->kind = KB_SLOT_CHUNK;
    if (n < KB_EVTX_CHUNK_HEADER)
        return; /* a cut chunk with not even its header: nothing is known of it */
    out->first_id = le64(c + 24);
    out->last_id = le64(c + 32);
    out->free_off = le32(c + 48);
    out->flags = le32(c + 120);
    out->no_crc = (out->flags & KB_EVTX_FLAG_NO_CRC) != 0;
    out->header_crc_ok = kb_evtx_crc32(kb_evtx_crc32(0, c, 120), c + 128, 384) == le32(c + 124);
    out->free_ok = out->free_off >= KB_EVTX_CHUNK_HEADER && out->free_off <= KB_EVTX_CHUNK_SIZE;
    /* The records' checksum covers 512 .. free space offset: only a
     * complete chunk can be checked. */
    out->data_crc_ok = out->free_ok && out->free_off <= n &&
                       kb_evtx_crc32(0, c + KB_EVTX_CHUNK_HEADER, out->free_off - KB_EVTX_CHUNK_HEADER) ==
                           le32(c + 52);
}

size_t kb_evtx_walk_limit(const kb_evtx_chunk *ck)
{
    if (ck->kind != KB_SLOT_CHUNK || ck->bytes < KB_EVTX_CHUNK_HEADER)
        return KB_EVTX_CHUNK_HEADER;
    if (ck->free_ok && ck->free_off <= ck->bytes)
        return ck->free_off;
    return ck->bytes;
}

/* Counts a record found: its id's order and range. */
static void count_record(kb_evtx_chunk *ck, uint64_t id)
{
    if (ck->records) {
        if (id <= ck->prev_id) {
            if (!ck->not_rising && !ck->out_of_range)
                ck->bad_id = id, ck->bad_after = ck->prev_id;
            ck->not_rising++;
        }
        if (id != ck->prev_id + 1)
            ck->contiguous = 0;
    }
    if (id < ck->first_id || id > ck->last_id) {
        if (!ck->not_rising && !ck->out_of_range)
            ck->bad_id = id, ck->bad_after = 0;
        ck->out_of_range++;
    }
    if (!ck->records || id < ck->walk_first)
        ck->walk_first = id;
    if (!ck->records || id > ck->walk_last)
        ck->walk_last = id;
    ck->prev_id = id;
    ck->records++;
}

/* Whether the file ends inside this chunk before its records do. */
static int is_cut(const kb_evtx_chunk *ck)
{
    return ck->bytes < KB_EVTX_CHUNK_SIZE && (!ck->free_ok || ck->free_off > ck->bytes);
}

int kb_evtx_next_record(const unsigned char *c, size_t limit, size_t off, kb_evtx_chunk *ck, kb_evtx_rec *rec,
                        kb_evtx_stop *stop)
{
    *stop = KB_STOP_NONE;
    ck->walked_to = (uint32_t)off;
    if (off >= limit || limit - off < KB_EVTX_RECORD_MIN) {
        if (is_cut(ck))
            *stop = KB_STOP_END;
        else if (off < limit)
            *stop = all_zero(c + off, limit - off) ? KB_STOP_ZEROS : KB_STOP_SIGNATURE;
        return 0;
    }
    if (le32(c + off) != RECORD_MAGIC) {
        *stop = le32(c + off) == 0 ? KB_STOP_ZEROS : KB_STOP_SIGNATURE;
        return 0;
    }
    uint32_t size = le32(c + off + 4);
    memset(rec, 0, sizeof *rec);
    rec->off = off;
    rec->id = le64(c + off + 8);
    rec->written = le64(c + off + 16);
    if (size >= KB_EVTX_RECORD_MIN && size <= limit - off) {
        rec->size = size;
        count_record(ck, rec->id);
        return 1;
    }
    /* Past the end of a cut chunk a record is cut, not impossible. */
    if (is_cut(ck) && size >= KB_EVTX_RECORD_MIN && size <= KB_EVTX_CHUNK_SIZE - off) {
        *stop = KB_STOP_END;
        return 0;
    }
    rec->bad_size = size;
    count_record(ck, rec->id);
    *stop = KB_STOP_SIZE;
    return 2;
}
