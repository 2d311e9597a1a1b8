/* open.h: libarchive over an input handle (open.c). Internal to the
 * archive reader. */
#ifndef KB_ARCHIVE_OPEN_H
#define KB_ARCHIVE_OPEN_H

#include <archive.h>
#include <stddef.h>

#include "source/handle.h"

typedef struct kb_archive_io kb_archive_io;

/* Opens the archive in h, whose magic bytes said magic (archive.h), for
 * reading with the formats that magic allows only; NULL with the reason in
 * err. Close with kb_archive_close. */
struct archive *kb_archive_open(const kb_input_handle *h, const char *magic, const char *password,
                                kb_archive_io **io, char *err, size_t errlen);
void kb_archive_close(struct archive *a, kb_archive_io *io);

/* Bytes read from the handle so far (what the archive's data cost). */
uint64_t kb_archive_raw_bytes(struct archive *a);

#endif
