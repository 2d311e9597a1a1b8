/* evtx_mutate.h: structure-aware mutations of an EVTX file, shared by the
 * fuzz_evtx target's custom mutator (fuzz/evtx_mutator.c) and the bounded
 * mutation test of make check (tests/unit/test_evtx_mutants.c). Random byte
 * flips break a chunk's checksums first, so they never reach kbscan's own
 * walk and decoder past the checksum checks; these mutate what the format
 * gives meaning to (a chunk header's ids and offsets, its string and
 * template tables, a record's size, id and BinXml tokens, whole chunks
 * copied over others or appended twice), and kb_evtx_mutate_fix then
 * recomputes every checksum as a writer would. A seeded generator, so a
 * mutant is reproducible from its seed. It lives in a header (static
 * inline) so that the fuzzer and the unit test build it without a library
 * of their own. */
#ifndef KB_EVTX_MUTATE_H
#define KB_EVTX_MUTATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evtx/layout.h"

typedef struct kb_mut_rng {
    uint64_t s;
} kb_mut_rng;

static inline uint32_t kb_mut_next(kb_mut_rng *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(r->s >> 33);
}

static inline uint32_t kb_mut_below(kb_mut_rng *r, uint32_t n)
{
    return n ? kb_mut_next(r) % n : 0;
}

/* What a mutation did: the kinds that lose or double records by
 * construction come last, so that a test knows what to expect of them. */
typedef enum kb_evtx_mutation {
    KB_MUT_BYTES = 0,     /* a few bytes of a chunk set at random */
    KB_MUT_WORD,          /* a 32-bit value of interest somewhere in a chunk */
    KB_MUT_CHUNK_FIELD,   /* a chunk header's id, offset, string or template table entry */
    KB_MUT_RECORD_FIELD,  /* a record's size, id, time, size copy or a BinXml byte */
    KB_MUT_COPY_RANGE,    /* bytes of a chunk copied elsewhere in it */
    KB_MUT_FILE_HEADER,   /* a field of the file header */
    KB_MUT_LOSES,         /* (the kinds below lose or double records) */
    KB_MUT_COPY_CHUNK = KB_MUT_LOSES, /* a chunk copied over another */
    KB_MUT_DUP_CHUNK,     /* a chunk appended a second time */
    KB_MUT_ZERO_RECORD,   /* a record's signature zeroed */
    KB_MUT_KINDS
} kb_evtx_mutation;

static inline uint32_t kb_mut_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void kb_mut_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline size_t kb_mut_chunks(size_t size)
{
    return size < KB_EVTX_HEADER_SIZE ? 0 : (size - KB_EVTX_HEADER_SIZE) / KB_EVTX_CHUNK_SIZE;
}

static inline uint8_t *kb_mut_chunk(uint8_t *data, size_t i)
{
    return data + KB_EVTX_HEADER_SIZE + i * (size_t)KB_EVTX_CHUNK_SIZE;
}

/* A 32-bit value a parser may trip on. */
static inline uint32_t kb_mut_value(kb_mut_rng *r, uint32_t was)
{
    static const uint32_t values[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x1ff, 0x200, 0xffff, 0x10000, 0x10001,
                                      0xfff0, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffe, 0xffffffff};
    switch (kb_mut_below(r, 4)) {
    case 0: return values[kb_mut_below(r, sizeof values / sizeof values[0])];
    case 1: return was + 1 + kb_mut_below(r, 16);
    case 2: return was - 1 - kb_mut_below(r, 16);
    default: return kb_mut_below(r, KB_EVTX_CHUNK_SIZE + 64);
    }
}

/* The offset of a random record of a chunk (walking the sizes), or 0. */
static inline size_t kb_mut_record(kb_mut_rng *r, const uint8_t *c, size_t *size)
{
    size_t offs[512], n = 0;
    for (size_t off = KB_EVTX_CHUNK_HEADER; n < 512 && KB_EVTX_CHUNK_SIZE - off >= KB_EVTX_RECORD_MIN;) {
        size_t sz = kb_mut_le32(c + off + 4);
        if (kb_mut_le32(c + off) != 0x2a2a || sz < KB_EVTX_RECORD_MIN || sz > KB_EVTX_CHUNK_SIZE - off)
            break;
        offs[n++] = off;
        off += sz;
    }
    if (!n)
        return 0;
    size_t off = offs[kb_mut_below(r, (uint32_t)n)];
    *size = kb_mut_le32(c + off + 4);
    return off;
}

/* One mutation of the file in data (size bytes, room for max): the new
 * size. *kind says what was done (KB_MUT_BYTES when nothing structured
 * could be: no whole chunk). */
static inline size_t kb_evtx_mutate(uint8_t *data, size_t size, size_t max, kb_mut_rng *r, kb_evtx_mutation *kind)
{
    size_t n = kb_mut_chunks(size);
    *kind = KB_MUT_BYTES;
    if (!n) {
        if (size)
            data[kb_mut_below(r, (uint32_t)size)] = (uint8_t)kb_mut_next(r);
        return size;
    }
    size_t a = kb_mut_below(r, (uint32_t)n), b = kb_mut_below(r, (uint32_t)n);
    uint8_t *c = kb_mut_chunk(data, a);
    *kind = (kb_evtx_mutation)kb_mut_below(r, KB_MUT_KINDS);
    switch (*kind) {
    case KB_MUT_BYTES:
        for (uint32_t i = 1 + kb_mut_below(r, 8); i > 0; i--)
            c[kb_mut_below(r, KB_EVTX_CHUNK_SIZE)] = (uint8_t)kb_mut_next(r);
        break;
    case KB_MUT_WORD: {
        size_t off = kb_mut_below(r, KB_EVTX_CHUNK_SIZE - 3);
        kb_mut_put32(c + off, kb_mut_value(r, kb_mut_le32(c + off)));
        break;
    }
    case KB_MUT_CHUNK_FIELD: {
        /* first/last record numbers and ids (low halves), header size,
         * last record and free space offsets, then the 64 string and 32
         * template table entries. */
        static const size_t fields[] = {8, 16, 24, 32, 40, 44, 48};
        uint32_t k = kb_mut_below(r, 7 + 64 + 32);
        size_t off = k < 7 ? fields[k] : 128 + 4 * (size_t)(k - 7);
        kb_mut_put32(c + off, kb_mut_value(r, kb_mut_le32(c + off)));
        break;
    }
    case KB_MUT_RECORD_FIELD: {
        size_t sz = 0, off = kb_mut_record(r, c, &sz);
        if (!off) {
            *kind = KB_MUT_BYTES;
            c[kb_mut_below(r, KB_EVTX_CHUNK_SIZE)] ^= (uint8_t)(1u << kb_mut_below(r, 8));
            break;
        }
        switch (kb_mut_below(r, 5)) {
        case 0: kb_mut_put32(c + off + 4, kb_mut_value(r, (uint32_t)sz)); break;
        case 1: kb_mut_put32(c + off + 8, kb_mut_value(r, kb_mut_le32(c + off + 8))); break;
        case 2: kb_mut_put32(c + off + 16, kb_mut_next(r)); break;
        case 3: kb_mut_put32(c + off + sz - 4, kb_mut_value(r, (uint32_t)sz)); break;
        default: {
            /* A BinXml byte: a token, a length or an offset. */
            size_t at = off + 24 + kb_mut_below(r, (uint32_t)(sz - 28));
            c[at] = kb_mut_below(r, 2) ? (uint8_t)kb_mut_below(r, 0x50) : (uint8_t)kb_mut_next(r);
            if (kb_mut_below(r, 2) && at + 4 <= off + sz - 4)
                kb_mut_put32(c + at, kb_mut_value(r, kb_mut_le32(c + at)));
        }
        }
        break;
    }
    case KB_MUT_COPY_RANGE: {
        size_t len = 1 + kb_mut_below(r, 256);
        size_t from = KB_EVTX_CHUNK_HEADER + kb_mut_below(r, (uint32_t)(KB_EVTX_CHUNK_SIZE - KB_EVTX_CHUNK_HEADER - len));
        size_t to = KB_EVTX_CHUNK_HEADER + kb_mut_below(r, (uint32_t)(KB_EVTX_CHUNK_SIZE - KB_EVTX_CHUNK_HEADER - len));
        memmove(c + to, c + from, len);
        break;
    }
    case KB_MUT_FILE_HEADER: {
        static const size_t fields[] = {0, 8, 16, 24, 32, 36, 38, 40, 42, 120};
        size_t off = fields[kb_mut_below(r, sizeof fields / sizeof fields[0])];
        uint32_t v = kb_mut_value(r, kb_mut_le32(data + off));
        if (off == 36 || off == 38 || off == 40 || off == 42) {
            data[off] = (uint8_t)v;
            data[off + 1] = (uint8_t)(v >> 8);
        } else {
            kb_mut_put32(data + off, v);
        }
        break;
    }
    case KB_MUT_COPY_CHUNK:
        if (n < 2) {
            *kind = KB_MUT_DUP_CHUNK;
        } else {
            if (a == b)
                b = (a + 1) % n;
            if (memcmp(kb_mut_chunk(data, b), c, KB_EVTX_CHUNK_SIZE) == 0) {
                *kind = KB_MUT_BYTES; /* the same bytes: nothing lost */
                break;
            }
            memcpy(kb_mut_chunk(data, b), c, KB_EVTX_CHUNK_SIZE);
            break;
        }
        /* fall through */
    case KB_MUT_DUP_CHUNK:
        /* Appended after the last whole chunk (a cut tail is replaced). */
        if (max - KB_EVTX_HEADER_SIZE < (n + 1) * (size_t)KB_EVTX_CHUNK_SIZE) {
            *kind = KB_MUT_BYTES;
            c[kb_mut_below(r, KB_EVTX_CHUNK_SIZE)] ^= 0x01;
            break;
        }
        memcpy(kb_mut_chunk(data, n), c, KB_EVTX_CHUNK_SIZE);
        size = KB_EVTX_HEADER_SIZE + (n + 1) * (size_t)KB_EVTX_CHUNK_SIZE;
        break;
    case KB_MUT_ZERO_RECORD: {
        size_t sz = 0, off = kb_mut_record(r, c, &sz);
        if (!off)
            *kind = KB_MUT_BYTES;
        else
            memset(c + off, 0, 4);
        break;
    }
    default:
        break;
    }
    return size;
}

/* Every checksum recomputed: each chunk's header and records checksums
 * (the latter over its offset 512 to its free space offset, when that
 * offset is possible) and the file header's. */
static inline void kb_evtx_mutate_fix(uint8_t *data, size_t size)
{
    for (size_t i = 0; i < kb_mut_chunks(size); i++) {
        uint8_t *c = kb_mut_chunk(data, i);
        if (memcmp(c, "ElfChnk", 8) != 0)
            continue;
        uint32_t free_off = kb_mut_le32(c + 48);
        if (free_off >= KB_EVTX_CHUNK_HEADER && free_off <= KB_EVTX_CHUNK_SIZE)
            kb_mut_put32(c + 52, kb_evtx_crc32(0, c + KB_EVTX_CHUNK_HEADER, free_off - KB_EVTX_CHUNK_HEADER));
        kb_mut_put32(c + 124, kb_evtx_crc32(kb_evtx_crc32(0, c, 120), c + 128, 384));
    }
    if (size >= KB_EVTX_HEADER_SIZE)
        kb_mut_put32(data + 124, kb_evtx_crc32(0, data, 120));
}

#endif
