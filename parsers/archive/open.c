/* open.c: libarchive over an input handle (see open.h). Bytes in memory
 * are read with libarchive's own memory reader; a file through positional
 * reads, seekable, so that a zip is read by its central directory (zip64,
 * each member's encryption flag, its size) rather than streamed, and
 * skipping a member of a zip or tar costs a seek, not its bytes. */
#include "archive/open.h"
#include "core/alloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KB_ARCHIVE_BLOCK 65536

struct kb_archive_io {
    const kb_input_handle *h;
    uint64_t pos;
    unsigned char block[KB_ARCHIVE_BLOCK];
};

static la_ssize_t io_read(struct archive *a, void *arg, const void **out)
{
    kb_archive_io *io = arg;
    size_t got = 0;
    if (kb_handle_read_at(io->h, io->pos, io->block, sizeof io->block, &got) != 0) {
        archive_set_error(a, EIO, "read error at offset %llu", (unsigned long long)io->pos);
        return -1;
    }
    io->pos += got;
    *out = io->block;
    return (la_ssize_t)got;
}

static la_int64_t io_seek(struct archive *a, void *arg, la_int64_t offset, int whence)
{
    (void)a;
    kb_archive_io *io = arg;
    la_int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (la_int64_t)io->pos : (la_int64_t)io->h->size;
    if ((offset < 0 && -offset > base) || (offset > 0 && offset > INT64_MAX - base))
        return ARCHIVE_FATAL;
    la_int64_t to = base + offset;
    io->pos = (uint64_t)to > io->h->size ? io->h->size : (uint64_t)to;
    return (la_int64_t)io->pos;
}

static la_int64_t io_skip(struct archive *a, void *arg, la_int64_t request)
{
    (void)a;
    kb_archive_io *io = arg;
    uint64_t left = io->h->size - io->pos;
    uint64_t n = request > 0 ? (uint64_t)request : 0;
    if (n > left)
        n = left;
    io->pos += n;
    return (la_int64_t)n;
}

/* The formats a magic allows: a compressed stream holds a tar or one file
 * ("raw"), never a zip that the zip reader would have refused. */
static void allow_formats(struct archive *a, const char *magic)
{
    if (strcmp(magic, "zip") == 0) {
        archive_read_support_format_zip(a);
    } else if (strcmp(magic, "7z") == 0) {
        archive_read_support_format_7zip(a);
    } else if (strcmp(magic, "cab") == 0) {
        archive_read_support_format_cab(a);
    } else if (strcmp(magic, "tar") == 0) {
        archive_read_support_format_tar(a);
    } else {
        archive_read_support_filter_gzip(a);
        archive_read_support_filter_bzip2(a);
        archive_read_support_filter_xz(a);
        archive_read_support_format_tar(a);
        archive_read_support_format_raw(a);
    }
}

struct archive *kb_archive_open(const kb_input_handle *h, const char *magic, const char *password,
                                kb_archive_io **io_out, char *err, size_t errlen)
{
    *io_out = NULL;
    struct archive *a = archive_read_new();
    if (!a)
        kb_out_of_memory();
    allow_formats(a, magic);
    if (password && *password)
        archive_read_add_passphrase(a, password);
    int rc;
    kb_archive_io *io = NULL;
    if (h->data) {
        rc = archive_read_open_memory(a, h->data, (size_t)h->size);
    } else {
        io = kb_xcalloc(1, sizeof *io);
        io->h = h;
        archive_read_set_read_callback(a, io_read);
        archive_read_set_seek_callback(a, io_seek);
        archive_read_set_skip_callback(a, io_skip);
        archive_read_set_callback_data(a, io);
        rc = archive_read_open1(a);
    }
    if (rc != ARCHIVE_OK) {
        const char *why = archive_error_string(a);
        snprintf(err, errlen, "%s", why ? why : "not readable as an archive");
        archive_read_free(a);
        free(io);
        return NULL;
    }
    *io_out = io;
    return a;
}

void kb_archive_close(struct archive *a, kb_archive_io *io)
{
    archive_read_free(a);
    free(io);
}

uint64_t kb_archive_raw_bytes(struct archive *a)
{
    la_int64_t n = archive_filter_bytes(a, -1);
    return n > 0 ? (uint64_t)n : 0;
}
