/* evtx_craft.c: the EVTX layout and checksums for the structure-aware
 * fuzzer (see evtx_craft.h). */
#include "evtx_craft.h"

#include <string.h>
#include <zlib.h>

uint16_t kb_ec_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

uint32_t kb_ec_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t kb_ec_le64(const uint8_t *p) { return kb_ec_le32(p) | (uint64_t)kb_ec_le32(p + 4) << 32; }

void kb_ec_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void kb_ec_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void kb_ec_put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

size_t kb_ec_chunks(size_t size)
{
    return size > KB_EC_HEADER ? (size - KB_EC_HEADER) / KB_EC_CHUNK : 0;
}

int kb_ec_is_file(const uint8_t *data, size_t size)
{
    return size >= KB_EC_HEADER && memcmp(data, "ElfFile", 7) == 0;
}

int kb_ec_chunk_signed(const uint8_t *chunk)
{
    return memcmp(chunk, "ElfChnk", 8) == 0;
}

/* The free-space offset as the walk uses it: out of range means the whole chunk. */
static uint32_t walk_limit(const uint8_t *chunk)
{
    uint32_t free_off = kb_ec_le32(chunk + 48);
    return free_off < KB_EC_RECORDS_START || free_off > KB_EC_CHUNK ? KB_EC_CHUNK : free_off;
}

size_t kb_ec_records(const uint8_t *chunk, kb_ec_record *out, size_t max)
{
    if (!kb_ec_chunk_signed(chunk))
        return 0;
    uint32_t limit = walk_limit(chunk), off = KB_EC_RECORDS_START;
    size_t n = 0;
    while (n < max && limit - off >= 28) {
        uint32_t size = kb_ec_le32(chunk + off + 4);
        if (memcmp(chunk + off, "**\0\0", 4) != 0 || size < 28 || size > limit - off)
            break;
        out[n].off = off;
        out[n++].size = size;
        off += size;
    }
    return n;
}

int kb_ec_instance_of(const uint8_t *chunk, const kb_ec_record *r, kb_ec_instance *out)
{
    uint32_t body = r->off + 24, end = r->off + r->size - 4;
    if (end - body < 18 || memcmp(chunk + body, "\x0f\x01\x01\x00\x0c", 5) != 0)
        return 0;
    out->def_pos = body + 10;
    out->def = kb_ec_le32(chunk + body + 10);
    out->end = end;
    uint32_t after = body + 14;
    if (out->def == after) {  /* the definition is inline */
        if (end - after < 24)
            return 0;
        uint32_t data_size = kb_ec_le32(chunk + after + 20);
        if (data_size > end - after - 24)
            return 0;
        after += 24 + data_size;
    }
    if (end - after < 4)
        return 0;
    out->count_pos = after;
    uint32_t count = kb_ec_le32(chunk + after);
    uint32_t fit = (end - after - 4) / 4;
    out->count = count < fit ? count : fit;
    out->values_pos = after + 4 + 4 * out->count;
    return 1;
}

static int has_def(const uint32_t *defs, size_t n, uint32_t def)
{
    for (size_t i = 0; i < n; i++)
        if (defs[i] == def)
            return 1;
    return 0;
}

static int def_in_chunk(uint32_t def)
{
    return def >= KB_EC_RECORDS_START && def <= KB_EC_CHUNK - 24;
}

size_t kb_ec_templates(const uint8_t *chunk, const kb_ec_record *recs, size_t nrec, uint32_t *defs, size_t max)
{
    size_t n = 0;
    for (int k = 0; k < 32 && n < max; k++) {
        uint32_t def = kb_ec_le32(chunk + 384 + 4 * k);
        for (int hops = 0; hops < 16 && n < max && def_in_chunk(def) && !has_def(defs, n, def); hops++) {
            defs[n++] = def;
            def = kb_ec_le32(chunk + def);
        }
    }
    for (size_t i = 0; i < nrec && n < max; i++) {
        kb_ec_instance in;
        if (kb_ec_instance_of(chunk, &recs[i], &in) && def_in_chunk(in.def) && !has_def(defs, n, in.def))
            defs[n++] = in.def;
    }
    return n;
}

/* The position after a name structure when it is inline at `after`
 * (0 when it runs past end). */
static uint32_t skip_name(const uint8_t *c, uint32_t name_off, uint32_t after, uint32_t end)
{
    if (name_off != after)
        return after;
    if (end - after < 8)
        return 0;
    uint32_t bytes = 8 + 2 * (uint32_t)kb_ec_le16(c + after + 6) + 2;
    return bytes <= end - after ? after + bytes : 0;
}

size_t kb_ec_template_fields(const uint8_t *c, uint32_t def, uint32_t *fields, size_t max)
{
    if (!def_in_chunk(def))
        return 0;
    size_t n = 0;
    fields[n++] = def + 20;  /* the data size */
    uint32_t pos = def + 24, size = kb_ec_le32(c + def + 20);
    uint32_t end = size <= KB_EC_CHUNK - pos ? pos + size : KB_EC_CHUNK;
    while (pos < end && n + 3 <= max) {
        uint8_t t = c[pos], base = t & 0xbf;
        if (t == 0x00)
            break;
        if (t == 0x0f) {
            pos += 4;
        } else if (base == 0x01) {  /* element: dependency id, size, name, [attribute list size] */
            if (end - pos < 11)
                break;
            fields[n++] = pos + 3;
            fields[n++] = pos + 7;
            pos = skip_name(c, kb_ec_le32(c + pos + 7), pos + 11, end);
            if (pos && (t & 0x40)) {
                fields[n++] = pos;
                pos += 4;
            }
        } else if (t == 0x02 || t == 0x03 || t == 0x04) {
            pos++;
        } else if (base == 0x05 || base == 0x07 || t == 0x0b) {  /* a counted UTF-16 string */
            uint32_t at = base == 0x05 ? pos + 2 : pos + 1;
            if (end - pos < 4 || at + 2 > end)
                break;
            pos = at + 2 + 2 * (uint32_t)kb_ec_le16(c + at);
        } else if (base == 0x06 || base == 0x09 || t == 0x0a) {  /* a name offset */
            if (end - pos < 5)
                break;
            fields[n++] = pos + 1;
            pos = skip_name(c, kb_ec_le32(c + pos + 1), pos + 5, end);
        } else if (base == 0x08 || t == 0x0d || t == 0x0e) {
            pos += t == 0x08 || t == 0x48 ? 3 : 4;
        } else {
            break;
        }
        if (pos == 0)
            break;
    }
    return n;
}

void kb_ec_fix_chunk(uint8_t *chunk)
{
    uint32_t free_off = kb_ec_le32(chunk + 48);
    if (free_off >= KB_EC_RECORDS_START && free_off <= KB_EC_CHUNK)
        kb_ec_put32(chunk + 52, (uint32_t)crc32(0L, chunk + KB_EC_RECORDS_START, free_off - KB_EC_RECORDS_START));
    kb_ec_put32(chunk + 124, (uint32_t)crc32(crc32(0L, chunk, 120), chunk + 128, 384));
}

void kb_ec_fix_header(uint8_t *data)
{
    kb_ec_put32(data + 124, (uint32_t)crc32(0L, data, 120));
}

void kb_ec_fix_all(uint8_t *data, size_t size)
{
    if (size < KB_EC_HEADER)
        return;
    for (size_t i = 0; i < kb_ec_chunks(size); i++) {
        uint8_t *chunk = data + KB_EC_HEADER + i * KB_EC_CHUNK;
        if (kb_ec_chunk_signed(chunk))
            kb_ec_fix_chunk(chunk);
    }
    kb_ec_fix_header(data);
}
