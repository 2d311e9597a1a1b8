/* fdio.h: a whole buffer read from or written to a file descriptor, with
 * interrupted and short transfers retried (files, pipes, sockets). */
#ifndef KB_FDIO_H
#define KB_FDIO_H

#include <stddef.h>

/* Reads until len bytes came or the input ended; returns how many came
 * (fewer than len: the end, or an error, errno set). */
size_t kb_read_full(int fd, void *buf, size_t len);

/* Writes all len bytes; 0, or -1 on an error (errno set). */
int kb_write_full(int fd, const void *buf, size_t len);

#endif
