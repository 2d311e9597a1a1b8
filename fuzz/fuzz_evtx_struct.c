/* fuzz_evtx_struct.c: a structure-aware libFuzzer target for event logs.
 * Its custom mutator reads the input as an EVTX file (evtx_craft.h) and
 * edits what kbscan's chunk walk, prefilter and decoders trust: record ids,
 * sizes, signatures and bodies, template instances and definitions (name
 * offsets, element and attribute list sizes, data sizes), substitution
 * counts, sizes and types, the string and template tables, chunk header
 * fields, whole chunks (copied, doubled, dropped, zeroed) and the file
 * header; then it recomputes every checksum (7 times in 8), so that the
 * input gets past the CRC checks that stop plain byte mutations
 * (fuzz_evtx). Each input runs what fuzz_evtx runs (kb_fuzz_target
 * "evtx": the prefilter, the walk, the decoding). Built by `make fuzz`
 * into build/fuzz/fuzz_evtx_struct and run by tools/fuzz.sh; crashes are
 * kept in tests/fuzz/regressions/evtx/ (replayed by make check). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evtx_craft.h"
#include "fuzz_targets.h"

/* libFuzzer's own mutation of a buffer (for record and template bytes). */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
                                 uint8_t *out, size_t max_out_size, unsigned int seed);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kb_fuzz_target("evtx", data, size);
    return 0;
}

/* ---- randomness from libFuzzer's seed ---------------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint32_t rnd(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 16);
}

static uint32_t below(rng *r, uint32_t n) { return n ? rnd(r) % n : 0; }
static int one_in(rng *r, uint32_t n) { return below(r, n) == 0; }

/* A value that breaks 32-bit arithmetic on an offset or size stored at
 * chunk offset pos, or lands at a chunk's edges, or is near the old one. */
static uint32_t hostile32(rng *r, uint32_t pos, uint32_t old)
{
    static const uint32_t values[] = {
        0, 1, 4, 8, 23, 24, 28, 0x7f, 0x80, 0xff, 0x100, 0x1ff, 0x200, 0x201, 0x7fff, 0x8000, 0xffe8, 0xfff0,
        0xfff8, 0xfffc, 0xffff, 0x10000, 0x10001, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffff8, 0xfffffffc,
        0xfffffffe, 0xffffffff,
    };
    switch (below(r, 5)) {
    case 0:
    case 1:
        return values[below(r, sizeof values / sizeof *values)];
    case 2:  /* "pos + 4 + value" wraps to just below 4 GiB */
        return 0xfffffffbu - pos - 4 + below(r, 8);
    case 3:
        return below(r, KB_EC_CHUNK + 64);
    default:
        return old + below(r, 33) - 16;
    }
}

static uint16_t hostile16(rng *r, uint16_t old)
{
    static const uint16_t values[] = {0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff};
    return one_in(r, 2) ? values[below(r, sizeof values / sizeof *values)] : (uint16_t)(old + below(r, 9) - 4);
}

/* ---- one chunk as the mutations see it --------------------------------------- */

typedef struct view {
    uint8_t *c;
    kb_ec_record recs[KB_EC_MAX_RECORDS];
    size_t nrec;
    uint32_t defs[64];
    size_t ndefs;
} view;

static void look(view *v, uint8_t *chunk)
{
    v->c = chunk;
    v->nrec = kb_ec_records(chunk, v->recs, KB_EC_MAX_RECORDS);
    v->ndefs = kb_ec_templates(chunk, v->recs, v->nrec, v->defs, sizeof v->defs / sizeof *v->defs);
}

/* libFuzzer's mutation over bytes [off, off+len) of the chunk, their
 * number kept (so that nothing after them moves). */
static void mutate_in_place(uint8_t *c, uint32_t off, uint32_t len)
{
    uint8_t tmp[KB_EC_CHUNK];
    if (len == 0 || len > KB_EC_CHUNK || off > KB_EC_CHUNK - len)
        return;
    memcpy(tmp, c + off, len);
    size_t n = LLVMFuzzerMutate(tmp, len, len);
    memcpy(c + off, tmp, n < len ? n : len);
}

static void mutate_record_header(rng *r, view *v, const kb_ec_record *rec)
{
    uint8_t *p = v->c + rec->off;
    switch (below(r, 5)) {
    case 0:  /* an id: another record's (a duplicate), a neighbour, anything */
        if (one_in(r, 2) && v->nrec > 1)
            memcpy(p + 8, v->c + v->recs[below(r, (uint32_t)v->nrec)].off + 8, 8);
        else if (one_in(r, 2))
            kb_ec_put64(p + 8, kb_ec_le64(p + 8) + below(r, 5) - 2);
        else
            kb_ec_put64(p + 8, (uint64_t)rnd(r) << 32 | rnd(r));
        break;
    case 1: {  /* two records exchange their ids */
        uint8_t *q = v->c + v->recs[below(r, (uint32_t)v->nrec)].off + 8, tmp[8];
        memcpy(tmp, p + 8, 8);
        memcpy(p + 8, q, 8);
        memcpy(q, tmp, 8);
        break;
    }
    case 2:  /* the size, or its copy at the end */
        if (one_in(r, 3))
            kb_ec_put32(p + rec->size - 4, hostile32(r, rec->off + rec->size - 4, rec->size));
        else
            kb_ec_put32(p + 4, hostile32(r, rec->off + 4, rec->size));
        break;
    case 3:  /* the signature */
        p[below(r, 4)] ^= (uint8_t)(1u << below(r, 8));
        break;
    default:  /* the time */
        kb_ec_put64(p + 16, one_in(r, 2) ? 0 : (uint64_t)rnd(r) << 32 | rnd(r));
        break;
    }
}

static void mutate_instance(rng *r, view *v, const kb_ec_record *rec)
{
    kb_ec_instance in;
    if (!kb_ec_instance_of(v->c, rec, &in)) {
        mutate_in_place(v->c, rec->off + 24, rec->size - 28);
        return;
    }
    switch (below(r, 4)) {
    case 0:  /* the definition: another one, or a hostile offset */
        kb_ec_put32(v->c + in.def_pos, v->ndefs && one_in(r, 2) ? v->defs[below(r, (uint32_t)v->ndefs)]
                                                              : hostile32(r, in.def_pos, in.def));
        break;
    case 1:  /* the value count */
        kb_ec_put32(v->c + in.count_pos, hostile32(r, in.count_pos, kb_ec_le32(v->c + in.count_pos)));
        break;
    default: {  /* one value's descriptor: size or type */
        if (in.count == 0)
            break;
        uint8_t *d = v->c + in.count_pos + 4 + 4 * below(r, in.count);
        if (one_in(r, 2))
            kb_ec_put16(d, hostile16(r, kb_ec_le16(d)));
        else
            d[2] = one_in(r, 2) ? (uint8_t)rnd(r) : (uint8_t)(d[2] ^ 0x80);  /* 0x80: the array flag */
        break;
    }
    }
}

static void mutate_template(rng *r, view *v)
{
    if (v->ndefs == 0)
        return;
    uint32_t def = v->defs[below(r, (uint32_t)v->ndefs)];
    uint32_t fields[KB_EC_MAX_FIELDS];
    size_t n = kb_ec_template_fields(v->c, def, fields, KB_EC_MAX_FIELDS);
    if (n && !one_in(r, 4)) {  /* an offset or size of its binary XML */
        uint32_t pos = fields[below(r, (uint32_t)n)];
        kb_ec_put32(v->c + pos, hostile32(r, pos, kb_ec_le32(v->c + pos)));
    } else if (one_in(r, 2)) {  /* its bytes */
        uint32_t size = kb_ec_le32(v->c + def + 20), room = KB_EC_CHUNK - def - 24;
        mutate_in_place(v->c, def + 24, size < room ? size : room);
    } else {  /* its next definition */
        kb_ec_put32(v->c + def, one_in(r, 2) ? def : hostile32(r, def, kb_ec_le32(v->c + def)));
    }
}

static void mutate_tables(rng *r, view *v)
{
    uint8_t *c = v->c;
    if (one_in(r, 3)) {  /* a template table entry */
        uint32_t pos = 384 + 4 * below(r, 32);
        kb_ec_put32(c + pos, v->ndefs && one_in(r, 2) ? v->defs[below(r, (uint32_t)v->ndefs)]
                                                     : hostile32(r, pos, kb_ec_le32(c + pos)));
        return;
    }
    uint32_t pos = 128 + 4 * below(r, 64), name = kb_ec_le32(c + pos);
    if (name >= KB_EC_RECORDS_START && name <= KB_EC_CHUNK - 8 && one_in(r, 2)) {
        if (one_in(r, 2))  /* the name's length */
            kb_ec_put16(c + name + 6, hostile16(r, kb_ec_le16(c + name + 6)));
        else  /* its next name: itself, or hostile */
            kb_ec_put32(c + name, one_in(r, 2) ? name : hostile32(r, name, kb_ec_le32(c + name)));
    } else {
        kb_ec_put32(c + pos, hostile32(r, pos, name));
    }
}

static void mutate_chunk_header(rng *r, view *v)
{
    uint8_t *c = v->c;
    uint32_t field = below(r, 6);
    if (field < 4) {  /* first/last record number or id */
        uint8_t *p = c + 8 + 8 * field;
        if (v->nrec && one_in(r, 2))
            memcpy(p, c + v->recs[below(r, (uint32_t)v->nrec)].off + 8, 8);
        else
            kb_ec_put64(p, kb_ec_le64(p) + below(r, 9) - 4);
    } else if (field == 4) {  /* the last record's offset */
        kb_ec_put32(c + 44, hostile32(r, 44, kb_ec_le32(c + 44)));
    } else if (v->nrec && one_in(r, 2)) {  /* the free-space offset inside a record */
        const kb_ec_record *rec = &v->recs[below(r, (uint32_t)v->nrec)];
        kb_ec_put32(c + 48, rec->off + below(r, rec->size));
    } else {
        kb_ec_put32(c + 48, hostile32(r, 48, kb_ec_le32(c + 48)));
    }
}

/* One edit inside chunk c. */
static void mutate_chunk(rng *r, uint8_t *c)
{
    view *v = &(view){.c = c};
    look(v, c);
    if (v->nrec == 0) {
        mutate_chunk_header(r, v);
        return;
    }
    const kb_ec_record *rec = &v->recs[below(r, (uint32_t)v->nrec)];
    switch (below(r, 8)) {
    case 0:
    case 1:
        mutate_record_header(r, v, rec);
        break;
    case 2:
        mutate_in_place(c, rec->off + 24, rec->size - 28);
        break;
    case 3:
    case 4:
        mutate_instance(r, v, rec);
        break;
    case 5:
        mutate_template(r, v);
        break;
    case 6:
        mutate_tables(r, v);
        break;
    default:
        mutate_chunk_header(r, v);
        break;
    }
}

/* ---- whole chunks and the file header ----------------------------------------- */

static size_t mutate_file(rng *r, uint8_t *data, size_t size, size_t max_size)
{
    size_t n = kb_ec_chunks(size);
    uint8_t *chunk0 = data + KB_EC_HEADER;
    size_t a = below(r, (uint32_t)n), b = below(r, (uint32_t)n);
    switch (below(r, 6)) {
    case 0:  /* a chunk copied over another */
        if (a != b)
            memcpy(chunk0 + b * KB_EC_CHUNK, chunk0 + a * KB_EC_CHUNK, KB_EC_CHUNK);
        return size;
    case 1:  /* a chunk present twice */
        if (max_size < KB_EC_CHUNK || size > max_size - KB_EC_CHUNK)
            return size;
        memmove(chunk0 + (b + 1) * KB_EC_CHUNK, chunk0 + b * KB_EC_CHUNK, size - KB_EC_HEADER - b * KB_EC_CHUNK);
        memcpy(chunk0 + b * KB_EC_CHUNK, chunk0 + (a < b ? a : a + 1) * KB_EC_CHUNK, KB_EC_CHUNK);
        return size + KB_EC_CHUNK;
    case 2:  /* a chunk dropped */
        if (n < 2)
            return size;
        memmove(chunk0 + a * KB_EC_CHUNK, chunk0 + (a + 1) * KB_EC_CHUNK, size - KB_EC_HEADER - (a + 1) * KB_EC_CHUNK);
        return size - KB_EC_CHUNK;
    case 3:  /* a chunk zeroed */
        memset(chunk0 + a * KB_EC_CHUNK, 0, KB_EC_CHUNK);
        return size;
    case 4:  /* cut anywhere */
        return one_in(r, 4) ? size : below(r, (uint32_t)size);
    default: {  /* the file header: flags, chunk numbers and count, next record id */
        static const uint8_t offsets[] = {8, 16, 24, 42, 120};
        uint8_t off = offsets[below(r, sizeof offsets)];
        if (off == 120)
            data[120] ^= (uint8_t)(1u << below(r, 3));
        else if (off == 42)
            kb_ec_put16(data + 42, hostile16(r, kb_ec_le16(data + 42)));
        else
            kb_ec_put64(data + off, kb_ec_le64(data + off) + below(r, 9) - 4);
        return size;
    }
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    rng r = {.s = (uint64_t)seed * 0x9e3779b97f4a7c15ull | 1};
    size_t n = kb_ec_chunks(size);
    if (!kb_ec_is_file(data, size) || n == 0 || one_in(&r, 32))
        return LLVMFuzzerMutate(data, size, max_size);
    for (uint32_t edits = 1 + below(&r, 3); edits > 0 && kb_ec_chunks(size) > 0; edits--) {
        if (one_in(&r, 8))
            size = mutate_file(&r, data, size, max_size);
        else
            mutate_chunk(&r, data + KB_EC_HEADER + below(&r, (uint32_t)kb_ec_chunks(size)) * KB_EC_CHUNK);
    }
    if (!one_in(&r, 8))
        kb_ec_fix_all(data, size);
    return size;
}

/* Crossover: a chunk of the second log put in place of one of the first. */
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
                                 uint8_t *out, size_t max_out_size, unsigned int seed)
{
    rng r = {.s = (uint64_t)seed * 0x9e3779b97f4a7c15ull | 1};
    size_t n1 = kb_ec_chunks(size1), n2 = kb_ec_chunks(size2);
    size_t size = size1 < max_out_size ? size1 : max_out_size;
    memcpy(out, data1, size);
    if (n1 == 0 || n2 == 0 || size != size1)
        return size;
    memcpy(out + KB_EC_HEADER + below(&r, (uint32_t)n1) * KB_EC_CHUNK,
           data2 + KB_EC_HEADER + below(&r, (uint32_t)n2) * KB_EC_CHUNK, KB_EC_CHUNK);
    kb_ec_fix_all(out, size);
    return size;
}
