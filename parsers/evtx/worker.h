/* worker.h: libevtx's decoding of records in a process of its own.
 *
 * Debian's libevtx (20181227) may crash or loop on a hostile file. It is
 * asked only about the records kbscan's own decoder could not read
 * (fallback.h), and that runs in a child process with limits on CPU time,
 * memory and wall-clock time; a child that crashes, is killed or exceeds a
 * limit costs only those records, which then count as failed, with the
 * reason in the report (the log is damaged). kbscan's own reading of the
 * log (read.h: the walk, the decoder) stays in the scan's thread: it is
 * kbscan's code, overflow-checked and fuzzed.
 *
 * Processes: a scan thread must not fork (another thread may hold a lock
 * of malloc or of a sanitizer's allocator, which the child would inherit
 * held), so each scan thread gets a launcher, forked while the process
 * still has one thread. A launcher is kbscan's code only: for each request
 * it forks a worker, sets its limits, watches it (wall clock, resident
 * memory, output size) and reaps it, then hands its thread what the worker
 * wrote and how it ended. The thread checks the output (worker_msg.h)
 * before any of it is used. */
#ifndef KB_WORKER_H
#define KB_WORKER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/interest.h"
#include "core/status.h"
#include "evtx/fallback.h"
#include "source/handle.h"
#include "source/isolation.h"

/* A worker's wall-clock limit: twice its CPU limit and 5 s more (it may
 * wait on a slow disk, or for a core on a busy machine). */
#define KB_WORKER_WALL_FACTOR 2
#define KB_WORKER_WALL_SLACK 5
#define KB_WORKER_WALL_SECONDS(cpu) ((cpu) * KB_WORKER_WALL_FACTOR + KB_WORKER_WALL_SLACK)
/* A worker's output, at most: kbscan holds it whole. A request asks about
 * the records of at most KB_EVTX_FALLBACK_SLOTS chunks (16 MiB), whose
 * facts stay far below this: a valid log never reaches it. */
#define KB_WORKER_OUTPUT_MIB 256
/* Records one request asks about, at most (a chunk holds ~2340 at most). */
#define KB_WORKER_ENTRIES (1u << 20)

typedef struct kb_launcher {
    pid_t pid;
    int sock;      /* to the launcher; -1 when it could not be started */
    int error;     /* errno of the failed start */
    pthread_mutex_t lock;  /* one request at a time (threads may share a launcher) */
} kb_launcher;

struct kb_worker_pool {
    kb_worker_config config;
    kb_launcher *launchers;
    size_t n;
};

/* Starts n launchers. Call while the process has one thread. A launcher
 * that cannot be started makes its event logs fail, said so. Each costs a
 * fork: the scan starts one per thread that may meet an event log (see
 * scan.c). 0, or -1 out of memory. */
int kb_worker_pool_start(kb_worker_pool *pool, size_t n, const kb_worker_config *config);

/* Decodes n entries of one input (of at most KB_EVTX_FALLBACK_SLOTS
 * chunks) in a worker of launcher `slot` modulo the launchers (threads
 * that share one take turns). The worker gets the bytes as a file
 * descriptor passed over the launcher's socket (the file's own, or a
 * memory file holding bytes in memory): nothing is reopened by name.
 * NULL when the worker answered (out[i] for each entry, as
 * kb_evtx_fallback() sets them); else why it did not (malloc'd), and out
 * is left as it was. */
char *kb_worker_fallback(kb_worker_pool *pool, size_t slot, const kb_input_handle *h, size_t input_index,
                         const kb_evtx_fallback_entry *entries, size_t n, kb_evtx_outcome *out);

/* Ends the launchers and reaps them. */
void kb_worker_pool_stop(kb_worker_pool *pool);

#endif
