/* handle.c: reading an input from a file or from memory (see handle.h). */
#include "source/handle.h"
#include "core/alloc.h"
#include "core/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#endif

void kb_handle_from_fd(kb_input_handle *h, int fd, uint64_t size, const char *name)
{
    *h = (kb_input_handle){.name = name, .fd = fd, .data = NULL, .size = size, .owns_fd = 0};
}

void kb_handle_from_memory(kb_input_handle *h, const void *data, size_t size, const char *name)
{
    *h = (kb_input_handle){.name = name, .fd = -1, .data = data, .size = size, .owns_fd = 0};
}

kb_status kb_handle_open_file(kb_input_handle *h, const char *fs_path, const char *name)
{
    kb_handle_from_memory(h, NULL, 0, name);
    int fd = open(fs_path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0)
        return KB_ERR_IO;
    int stat_ok = fstat(fd, &sb) == 0;
    if (!stat_ok || !S_ISREG(sb.st_mode)) {
        int err = stat_ok ? EINVAL : errno;
        close(fd);
        errno = err;
        return KB_ERR_IO;
    }
    kb_handle_from_fd(h, fd, (uint64_t)sb.st_size, name);
    h->owns_fd = 1;
    return KB_OK;
}

void kb_handle_close(kb_input_handle *h)
{
    if (h->owns_fd && h->fd >= 0)
        close(h->fd);
    h->fd = -1;
    h->owns_fd = 0;
}

int kb_handle_read_at(const kb_input_handle *h, uint64_t off, void *buf, size_t len, size_t *got)
{
    *got = 0;
    if (off >= h->size)
        return 0;
    if (len > h->size - off)
        len = (size_t)(h->size - off);
    if (h->data) {
        memcpy(buf, h->data + off, len);
        *got = len;
        return 0;
    }
    while (*got < len) {
        ssize_t n = pread(h->fd, (char *)buf + *got, len - *got, (off_t)(off + *got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return 0;
}

size_t kb_handle_head(const kb_input_handle *h, unsigned char *buf, size_t len)
{
    size_t got = 0;
    kb_handle_read_at(h, 0, buf, len, &got);  /* a read error reads as a short input */
    return got;
}

const unsigned char *kb_handle_bytes(const kb_input_handle *h, size_t *len, unsigned char **copy)
{
    *copy = NULL;
    *len = 0;
    if (h->size > SIZE_MAX - 1)
        return NULL;
    if (h->data) {
        *len = (size_t)h->size;
        return h->data;
    }
    unsigned char *data = kb_xmalloc((size_t)h->size + 1);
    kb_handle_read_at(h, 0, data, (size_t)h->size, len);
    *copy = data;
    return data;
}

int kb_handle_shareable_fd(const kb_input_handle *h, int *owned)
{
    *owned = 0;
    if (!h->data)
        return h->fd;
    int fd = (int)syscall(SYS_memfd_create, "kbscan-input", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (h->size > SIZE_MAX || kb_write_full(fd, h->data, (size_t)h->size) != 0) {
        int err = errno ? errno : EIO;
        close(fd);
        errno = err;
        return -1;
    }
    *owned = 1;
    return fd;
}
