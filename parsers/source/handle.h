/* handle.h: what a source reads an input from: an open file, an archive
 * member or a buffer in memory, with the name the report shows for it
 * ("bundle/Application.evtx", "outer.zip!inner/System.evtx").
 *
 * The scan driver opens each file once and hands its handle to the source;
 * nothing reopens an input by its name. Reads are positional (pread), so
 * threads (the split EVTX walk) and processes (an isolated worker, which
 * gets the file descriptor itself) can share one handle. */
#ifndef KB_HANDLE_H
#define KB_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct kb_input_handle {
    const char *name;           /* for reports and notes; borrowed */
    int fd;                     /* a file open for reading, or -1 */
    const unsigned char *data;  /* the bytes, when they are in memory (then fd is -1) */
    uint64_t size;              /* bytes; reads stop there, whatever the file does later */
    int owns_fd;                /* kb_handle_close() closes fd */
} kb_input_handle;

/* A handle over an open file of size bytes (fstat's); the caller keeps fd. */
void kb_handle_from_fd(kb_input_handle *h, int fd, uint64_t size, const char *name);
/* A handle over bytes in memory, which must outlive it. */
void kb_handle_from_memory(kb_input_handle *h, const void *data, size_t size, const char *name);
/* Opens a regular file read-only (for tools and tests; the scan driver opens
 * its files itself). KB_OK, or KB_ERR_IO with errno set. */
kb_status kb_handle_open_file(kb_input_handle *h, const char *fs_path, const char *name);
void kb_handle_close(kb_input_handle *h);

/* Reads up to len bytes at offset off (fewer at the end): 0 and *got, or -1
 * on a read error (errno set). */
int kb_handle_read_at(const kb_input_handle *h, uint64_t off, void *buf, size_t len, size_t *got);

/* The first bytes, up to len (a short input gives fewer). */
size_t kb_handle_head(const kb_input_handle *h, unsigned char *buf, size_t len);

/* All the bytes, for a text source: the memory itself, or a malloc'd copy
 * of the file (*copy set: free it). NULL when out of memory. A read error
 * ends the copy early, as a short file would. */
const unsigned char *kb_handle_bytes(const kb_input_handle *h, size_t *len, unsigned char **copy);

/* A file descriptor holding the bytes, to hand to another process: the
 * file's own, or a new memory file (memfd) with a copy of the bytes in
 * memory (*owned set: close it when handed over). -1 with errno set. */
int kb_handle_shareable_fd(const kb_input_handle *h, int *owned);

#endif
