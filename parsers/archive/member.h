/* member.h: reading one member's bytes within the limits (member.c).
 * Internal to the archive reader. */
#ifndef KB_ARCHIVE_MEMBER_H
#define KB_ARCHIVE_MEMBER_H

#include <archive.h>
#include <stdint.h>

#include "source/container.h"

/* How a member's reading ended. */
typedef enum kb_member_end {
    KB_MEMBER_WHOLE = 0,   /* every byte read (or as many as asked) */
    KB_MEMBER_CUT,         /* the archive is damaged inside the member: what came before is kept */
    KB_MEMBER_FAILED,      /* the member cannot be read (a password, a method libarchive lacks) */
    KB_MEMBER_LIMIT        /* a limit was hit: not read (what was read is dropped) */
} kb_member_end;

typedef struct kb_member_data {
    unsigned char *mem;    /* the bytes in memory ... */
    size_t len, cap;
    int fd;                /* ... or in a temporary file (then mem holds nothing), or -1 */
    uint64_t size;         /* bytes read (with the one past max that says more follow) */
    uint64_t more;         /* 1 when the member goes on past the bytes asked for */
    uint64_t raw_at_start; /* the archive's raw bytes read when the member began */
    kb_member_end end;
    int stop;              /* the rest of the archive cannot be read either */
    char why[256];         /* for an end other than whole */
} kb_member_data;

/* The state of reading one archive: its limits and what it cost so far. */
typedef struct kb_member_reader {
    struct archive *a;
    const kb_container_opts *opts;
    int cheap_skip;        /* skipping a member's bytes is a seek (zip, plain tar) */
} kb_member_reader;

/* Reads the member libarchive is at: head first (up to n bytes, for the
 * plan), then the rest up to max bytes in all. */
void kb_member_read_head(const kb_member_reader *r, kb_member_data *d, size_t n);
void kb_member_read_rest(const kb_member_reader *r, kb_member_data *d, uint64_t max);
/* Passes over the rest of the member without keeping it, within the limits
 * (skipping a compressed stream decompresses it). */
void kb_member_skip(const kb_member_reader *r, kb_member_data *d);
/* The member's bytes as an input handle (memory or its file). */
void kb_member_handle(const kb_member_data *d, kb_input_handle *h, const char *name);
void kb_member_data_free(kb_member_data *d);

#endif
