/* bfio.h: a libbfio handle over an input handle (source/handle.h), so that
 * libevtx reads an event log from the bytes kbscan holds (an open file, an
 * archive member, a buffer, the file descriptor a worker was handed), never
 * by opening a path itself. */
#ifndef KB_EVTX_BFIO_H
#define KB_EVTX_BFIO_H

#include <libbfio.h>

#include "source/handle.h"

/* A new libbfio handle reading h (which must outlive it): a memory range
 * for bytes in memory, positional reads for a file. 0, or -1 out of memory.
 * Free with libbfio_handle_free(). */
int kb_bfio_open(const kb_input_handle *h, libbfio_handle_t **out);

#endif
