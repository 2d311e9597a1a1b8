/* fuzz_binxml.h: what the BinXml fuzz target runs on one input, shared
 * with the unit test that replays the kept reproducers
 * (tests/fuzz/regressions/binxml/). The input is cut into 64 KiB chunks
 * (the last one zero-padded), at most four, decoded in order with one
 * decoder context, so that templates cached from one chunk meet the next;
 * in each chunk every record header from offset 0x200 on is decoded in
 * full, through the cheap path, and both ways as a record whose end was
 * overwritten. It lives in a header (static inline)
 * so that both the fuzzer and the unit tests build it without a library
 * of their own. */
#ifndef KB_FUZZ_BINXML_H
#define KB_FUZZ_BINXML_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evtx/binxml.h"

#define KB_FUZZ_BINXML_CHUNK 65536
#define KB_FUZZ_BINXML_CHUNKS 4

static inline uint32_t kb_fuzz_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Every record header of one chunk, as the chunk walk finds them. */
static inline void kb_fuzz_binxml_chunk(kb_binxml_ctx *ctx, const uint8_t *chunk)
{
    kb_binxml_record r;
    for (size_t off = 0x200; off <= KB_FUZZ_BINXML_CHUNK - 28;) {
        size_t size = kb_fuzz_le32(chunk + off + 4);
        if (kb_fuzz_le32(chunk + off) != 0x2a2a || size < 28 || size > KB_FUZZ_BINXML_CHUNK - off)
            break;
        if (kb_binxml_decode(ctx, chunk, KB_FUZZ_BINXML_CHUNK, off, size, &r) == KB_OK) {
            /* Touch what was read: a bad pointer shows here. */
            for (size_t i = 0; i < r.nfields; i++)
                if (strlen(r.fields[i].value) != r.fields[i].value_len)
                    abort();
            if (r.binary && r.binary_len)
                (void)r.binary[r.binary_len - 1];
        }
        kb_binxml_peek(ctx, chunk, KB_FUZZ_BINXML_CHUNK, off, size, &r);
        /* The path for a record whose end was overwritten, both ways. */
        if (kb_binxml_decode_cut(ctx, chunk, KB_FUZZ_BINXML_CHUNK, off, size, &r, 0) == KB_OK)
            for (size_t i = 0; i < r.nfields; i++)
                if (strlen(r.fields[i].value) != r.fields[i].value_len)
                    abort();
        kb_binxml_decode_cut(ctx, chunk, KB_FUZZ_BINXML_CHUNK, off, size, &r, 1);
        off += size;
    }
}

static inline void kb_fuzz_binxml(const uint8_t *data, size_t size)
{
    kb_binxml_ctx *ctx = kb_binxml_new();
    uint8_t *chunk = malloc(KB_FUZZ_BINXML_CHUNK);
    if (ctx && chunk) {
        for (size_t c = 0; c < KB_FUZZ_BINXML_CHUNKS && c * KB_FUZZ_BINXML_CHUNK < size; c++) {
            size_t n = size - c * KB_FUZZ_BINXML_CHUNK;
            if (n > KB_FUZZ_BINXML_CHUNK)
                n = KB_FUZZ_BINXML_CHUNK;
            memset(chunk, 0, KB_FUZZ_BINXML_CHUNK);
            memcpy(chunk, data + c * KB_FUZZ_BINXML_CHUNK, n);
            kb_fuzz_binxml_chunk(ctx, chunk);
        }
    }
    free(chunk);
    kb_binxml_free(ctx);
}

#endif
