/* isolation.h: decoding in processes of their own, for a source whose
 * library may crash, loop or run out of memory on a hostile input (a
 * source with .isolated set; the pool is parsers/evtx/worker.c's, see
 * worker.h). The scan driver starts a pool while it has one thread, hands
 * it to every parse through kb_parse_ctx.workers, and ends it after the
 * scan; the source sends its decoding there. */
#ifndef KB_ISOLATION_H
#define KB_ISOLATION_H

#include <stddef.h>
#include <stdint.h>

#include "core/interest.h"

#define KB_DEFAULT_WORKER_CPU_SECONDS 300
#define KB_DEFAULT_WORKER_MEMORY_MIB 2048

/* What every worker of a scan gets. */
typedef struct kb_worker_config {
    unsigned cpu_seconds;         /* RLIMIT_CPU */
    unsigned memory_mib;          /* address space (RLIMIT_AS) and resident memory */
    const kb_interest *interest;  /* of the scan, inherited by the launchers */
    int64_t since, until;
    int no_prefilter;
} kb_worker_config;

typedef struct kb_worker_pool kb_worker_pool;

/* n launchers (one per scan thread that may need one). Call while the
 * process has one thread. NULL out of memory; a launcher that cannot be
 * started makes the inputs sent to it fail, said so. */
kb_worker_pool *kb_worker_pool_new(size_t n, const kb_worker_config *config);
/* Ends the launchers, reaps them, frees the pool (NULL is no pool). */
void kb_worker_pool_free(kb_worker_pool *pool);

#endif
