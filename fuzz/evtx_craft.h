/* evtx_craft.h: the EVTX layout the structure-aware fuzzer
 * (fuzz_evtx_struct.c) edits: where chunks, records, template instances,
 * template definitions, their offsets and sizes, and the string table are
 * in a log's bytes, and the checksums recomputed after an edit, so that a
 * mutated log still passes its CRC checks. The same layout as
 * tests/lib/evtxcraft.py (libyal's EVTX notes); nothing here trusts the
 * bytes: every position is checked against the chunk before use. */
#ifndef KB_EVTX_CRAFT_H
#define KB_EVTX_CRAFT_H

#include <stddef.h>
#include <stdint.h>

#define KB_EC_HEADER 4096
#define KB_EC_CHUNK 65536
#define KB_EC_RECORDS_START 512
#define KB_EC_MAX_RECORDS 2400  /* 65536 / 28 records at most fit a chunk */
#define KB_EC_MAX_FIELDS 512    /* offset and size fields kept per template */

uint16_t kb_ec_le16(const uint8_t *p);
uint32_t kb_ec_le32(const uint8_t *p);
uint64_t kb_ec_le64(const uint8_t *p);
void kb_ec_put16(uint8_t *p, uint16_t v);
void kb_ec_put32(uint8_t *p, uint32_t v);
void kb_ec_put64(uint8_t *p, uint64_t v);

/* Whole chunks after the file header. */
size_t kb_ec_chunks(size_t size);
/* Whether the bytes start with an EVTX file header, or a chunk with its
 * signature. */
int kb_ec_is_file(const uint8_t *data, size_t size);
int kb_ec_chunk_signed(const uint8_t *chunk);

/* A record found by the walk (offset and size in the chunk). */
typedef struct kb_ec_record {
    uint32_t off, size;
} kb_ec_record;

/* The walk kbscan's layout makes: from offset 512 while a record signature
 * and a size that fits before the free-space offset follow. Returns the
 * records found (at most max). */
size_t kb_ec_records(const uint8_t *chunk, kb_ec_record *out, size_t max);

/* A record's template instance and substitution array (chunk offsets). */
typedef struct kb_ec_instance {
    uint32_t def_pos;     /* where the definition offset is stored */
    uint32_t def;         /* the definition offset */
    uint32_t count_pos;   /* where the value count is stored */
    uint32_t count;       /* values whose descriptors fit the record */
    uint32_t values_pos;  /* the first value */
    uint32_t end;         /* the record's end (before its size copy) */
} kb_ec_instance;

/* 1 when the record starts with a template instance, 0 otherwise. */
int kb_ec_instance_of(const uint8_t *chunk, const kb_ec_record *r, kb_ec_instance *out);

/* Template definitions of the chunk: its template table (and chains) and
 * the instances of its records (recs, from kb_ec_records); returns how
 * many (at most max), in no order. */
size_t kb_ec_templates(const uint8_t *chunk, const kb_ec_record *recs, size_t nrec, uint32_t *defs, size_t max);

/* The 32-bit offset and size fields of a template definition's binary
 * XML (element sizes, name offsets, attribute list sizes), by chunk
 * offset, and its data size field; returns how many (at most max). */
size_t kb_ec_template_fields(const uint8_t *chunk, uint32_t def, uint32_t *fields, size_t max);

/* The checksums: a chunk's header and records CRCs (when its free-space
 * offset is in range), the file header's; kb_ec_fix_all does both for
 * every chunk with its signature. */
void kb_ec_fix_chunk(uint8_t *chunk);
void kb_ec_fix_header(uint8_t *data);
void kb_ec_fix_all(uint8_t *data, size_t size);

#endif
