/* bfio.c: libbfio over an input handle (see bfio.h). For a file, libbfio's
 * custom-handle interface: each read is a pread at the handle's own offset,
 * so clones (libbfio may make them) and threads do not disturb each other. */
#include "evtx/bfio.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

typedef struct bfio_reader {
    const kb_input_handle *h;
    uint64_t offset;
    int open;
} bfio_reader;

static int reader_free(intptr_t **io, libbfio_error_t **error)
{
    (void)error;
    free(*io);
    *io = NULL;
    return 1;
}

static int reader_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **error)
{
    (void)error;
    bfio_reader *copy = malloc(sizeof *copy);
    if (!copy)
        return -1;
    *copy = *(bfio_reader *)src;
    copy->open = 0;
    *dst = (intptr_t *)copy;
    return 1;
}

static int reader_open(intptr_t *io, int flags, libbfio_error_t **error)
{
    (void)error;
    if (flags & LIBBFIO_ACCESS_FLAG_WRITE)
        return -1;
    ((bfio_reader *)io)->open = 1;
    ((bfio_reader *)io)->offset = 0;
    return 1;
}

static int reader_close(intptr_t *io, libbfio_error_t **error)
{
    (void)error;
    ((bfio_reader *)io)->open = 0;
    return 0;
}

static ssize_t reader_read(intptr_t *io, uint8_t *buf, size_t size, libbfio_error_t **error)
{
    (void)error;
    bfio_reader *r = (bfio_reader *)io;
    size_t got = 0;
    if (kb_handle_read_at(r->h, r->offset, buf, size, &got) != 0 || got > (size_t)SSIZE_MAX)
        return -1;
    r->offset += got;
    return (ssize_t)got;
}

static ssize_t reader_write(intptr_t *io, const uint8_t *buf, size_t size, libbfio_error_t **error)
{
    (void)io, (void)buf, (void)size, (void)error;
    return -1;
}

static off64_t reader_seek(intptr_t *io, off64_t offset, int whence, libbfio_error_t **error)
{
    (void)error;
    bfio_reader *r = (bfio_reader *)io;
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)r->offset
                 : whence == SEEK_END ? (int64_t)r->h->size : -1;
    if (base < 0 || (offset < 0 && offset < -base) || (offset > 0 && offset > INT64_MAX - base))
        return -1;
    r->offset = (uint64_t)(base + offset);
    return (off64_t)r->offset;
}

static int reader_exists(intptr_t *io, libbfio_error_t **error)
{
    (void)io, (void)error;
    return 1;
}

static int reader_is_open(intptr_t *io, libbfio_error_t **error)
{
    (void)error;
    return ((bfio_reader *)io)->open;
}

static int reader_size(intptr_t *io, size64_t *size, libbfio_error_t **error)
{
    (void)error;
    *size = ((bfio_reader *)io)->h->size;
    return 1;
}

int kb_bfio_open(const kb_input_handle *h, libbfio_handle_t **out)
{
    *out = NULL;
    if (h->data) {
        /* libbfio's type is not const; the handle is opened for reading only. */
        if (libbfio_memory_range_initialize(out, NULL) != 1 ||
            libbfio_memory_range_set(*out, (uint8_t *)(uintptr_t)h->data, (size_t)h->size, NULL) != 1) {
            libbfio_handle_free(out, NULL);
            return -1;
        }
        return 0;
    }
    bfio_reader *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    r->h = h;
    if (libbfio_handle_initialize(out, (intptr_t *)r, reader_free, reader_clone, reader_open, reader_close,
                                  reader_read, reader_write, reader_seek, reader_exists, reader_is_open,
                                  reader_size, LIBBFIO_FLAG_IO_HANDLE_MANAGED | LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION,
                                  NULL) != 1) {
        free(r);
        *out = NULL;
        return -1;
    }
    return 0;
}
