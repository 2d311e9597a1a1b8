/* layout.h: kbscan's own reading of the EVTX container, without decoding
 * any binary XML: the file header, each 64 KiB slot after it (a chunk, a
 * never used slot, or something else), a chunk's checksums, and the walk
 * of its record headers. Layout per libyal's "Windows XML Event Log (EVTX)"
 * format notes. The walk, not the file header, decides which chunks exist:
 * a log copied while open has a header that lags what was written.
 *
 * Everything read from the file is checked against the room left before
 * it is used (no offset is added to before it is compared), so a crafted
 * chunk gives a chunk described as damaged, never a read outside it. */
#ifndef KB_EVTX_LAYOUT_H
#define KB_EVTX_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define KB_EVTX_HEADER_SIZE 4096
#define KB_EVTX_CHUNK_SIZE 65536
#define KB_EVTX_CHUNK_HEADER 512   /* records start here */
#define KB_EVTX_RECORD_MIN 28      /* signature, size, id, time, the size again at the end */
#define KB_EVTX_FLAG_DIRTY 0x1     /* file and chunk flags */
#define KB_EVTX_FLAG_FULL 0x2
#define KB_EVTX_FLAG_NO_CRC 0x4    /* the writer keeps no checksums */

typedef struct kb_evtx_file_header {
    size_t bytes;             /* of the 4096 present */
    int signature_ok;         /* "ElfFile\0" */
    int crc_ok;
    int layout_ok;            /* header size 128, version 3.1 or 3.2, block size 4096 */
    uint32_t header_size;
    uint16_t block_size;
    uint32_t flags;
    uint16_t major, minor;
    uint64_t first_chunk, last_chunk, next_record_id;
    uint16_t chunk_count;
} kb_evtx_file_header;

void kb_evtx_file_header_read(const unsigned char *h, size_t n, kb_evtx_file_header *out);

/* What a 64 KiB slot after the file header holds. */
typedef enum kb_evtx_slot_kind {
    KB_SLOT_CHUNK = 0,  /* the chunk signature */
    KB_SLOT_ZERO,       /* nothing: a slot never used */
    KB_SLOT_RECORDS,    /* no chunk signature, yet record headers: a chunk that cannot be walked */
    KB_SLOT_OTHER       /* neither a chunk nor a record in it */
} kb_evtx_slot_kind;

/* Why a record walk stopped before the chunk's free space offset. */
typedef enum kb_evtx_stop {
    KB_STOP_NONE = 0,   /* it reached the free space offset */
    KB_STOP_ZEROS,      /* zero bytes where a record should start */
    KB_STOP_SIGNATURE,  /* no record signature */
    KB_STOP_SIZE,       /* a record header with an impossible size (counted as a failed record) */
    KB_STOP_END         /* the file ends first (a cut chunk) */
} kb_evtx_stop;

typedef struct kb_evtx_chunk {
    uint64_t slot;             /* its number after the file header */
    uint32_t bytes;            /* present in the file: 65536, fewer for a cut last chunk */
    uint8_t kind;              /* kb_evtx_slot_kind */
    uint8_t header_crc_ok, data_crc_ok, no_crc, free_ok;
    uint32_t flags;
    uint32_t free_off;         /* the header's free space offset */
    uint64_t first_id, last_id; /* the header's first and last record identifiers */
    /* The record walk (header ids, in file order). */
    uint32_t records;          /* record headers found: each read, failed or a duplicate */
    uint32_t walked_to;        /* where the walk stopped */
    uint8_t stop;              /* kb_evtx_stop */
    uint64_t walk_first, walk_last;  /* the lowest and highest id found */
    uint64_t prev_id;          /* the last id found, during the walk */
    uint32_t not_rising, out_of_range;
    uint64_t bad_id, bad_after;  /* the first id out of order (after bad_after) or range */
    int contiguous;            /* ids walk_first..walk_last, each once, none missing */
    /* A slot of kind KB_SLOT_RECORDS: the record headers seen in it. */
    uint32_t stray;
    uint64_t stray_first, stray_last;
    /* Filled in after the walk. */
    uint64_t ordinal;          /* records found before this chunk, in file order */
    uint32_t failed, duplicates;
} kb_evtx_chunk;

/* Looks at a slot of n bytes (at most KB_EVTX_CHUNK_SIZE): its kind, and
 * for a chunk its header, checksums and free space offset; the walk's
 * fields start empty. */
void kb_evtx_chunk_check(const unsigned char *c, size_t n, uint64_t slot, kb_evtx_chunk *out);

/* The end of the record walk in a checked chunk: its free space offset,
 * or the bytes present when that is out of range or past them. */
size_t kb_evtx_walk_limit(const kb_evtx_chunk *ck);

/* One record header found by the walk. */
typedef struct kb_evtx_rec {
    size_t off, size;          /* size 0 for a header whose size cannot be */
    uint64_t id;
    uint64_t written;          /* FILETIME */
    uint32_t bad_size;         /* the impossible size, when size is 0 */
} kb_evtx_rec;

/* The record at off (limit: kb_evtx_walk_limit). 1: a record (rec set;
 * the walk goes on at off + rec->size); 2: a record signature with an
 * impossible size (rec set with size 0, the walk ends); 0: the walk ends
 * (at the limit, or *stop says why). Counts it on ck (ids, order, range). */
int kb_evtx_next_record(const unsigned char *c, size_t limit, size_t off, kb_evtx_chunk *ck, kb_evtx_rec *rec,
                        kb_evtx_stop *stop);

/* The CRC-32 the EVTX checksums use. */
uint32_t kb_evtx_crc32(uint32_t crc, const unsigned char *p, size_t n);

#endif
