/* scan.h: walks the paths given on the command line, recognises every file
 * by its content, and hands it to its parser. Every file found becomes an
 * input in the report: its kind, "not recognised", or its error; so does
 * every member of an archive ("outer.zip!inner/path", read where it lies)
 * and every section of a file holding several command outputs
 * ("file.txt#2"), listed after the file they are in. Inputs are opened
 * read-only; nothing is ever written inside a bundle or next to it. */
#ifndef KB_SCAN_H
#define KB_SCAN_H

#include "core/fact.h"
#include "core/input.h"
#include "core/interest.h"
#include "core/sink.h"
#include "core/status.h"
#include "source/container.h"

/* Where a scan is, for a progress display. */
typedef struct kb_scan_progress {
    const char *path;              /* the file about to be analysed */
    size_t files_done, files_total;
    uint64_t bytes_done, bytes_total;
    size_t facts;                  /* facts (events of interest, ...) found so far */
} kb_scan_progress;

typedef struct kb_scan_opts {
    const kb_interest *interest;
    int64_t since, until;          /* event time filter, KB_TIME_NONE = open */
    int no_prefilter;              /* decode every EVTX record (for tests) */
    size_t jobs;                   /* files analysed at once (threads), 1..KB_MAX_JOBS */
    size_t max_text_bytes;         /* larger text files are skipped, said so */
    size_t max_files;              /* files looked at, at most */
    int max_depth;                 /* directory depth, at most */
    int no_isolation;              /* decode EVTX in the scan's threads (for debugging) */
    unsigned worker_cpu_seconds;   /* limits of an isolated EVTX worker (worker.h) */
    unsigned worker_memory_mib;
    kb_container_limits containers; /* archives: bombs, members, nesting, names, memory */
    struct kb_tmpdir *tmpdir;      /* where archive members too large for memory go, or NULL */
    const char *archive_password;  /* for encrypted archive members, or NULL */
    /* Whether a fact is worth keeping (some rule or combiner can use it);
     * NULL keeps every fact (see kb_parse_ctx.keep). */
    int (*keep_fact)(const void *arg, const kb_fact *fact);
    const void *keep_arg;
    /* Where sources that make a fact per record offer each one (core/sink.h),
     * or NULL: every fact is kept. */
    const kb_fact_sink *sink;
    /* Called before each file is analysed (progress display); may be NULL. */
    void (*progress)(void *ctx, const struct kb_scan_progress *progress);
    void *progress_ctx;
} kb_scan_opts;

#define KB_DEFAULT_MAX_TEXT_BYTES ((size_t)64 << 20)
#define KB_DEFAULT_MAX_FILES 100000
#define KB_DEFAULT_MAX_DEPTH 32
#define KB_MAX_JOBS 64

void kb_scan_opts_init(kb_scan_opts *opts);

/* Scans every path. Returns KB_OK, or KB_ERR_NOMEM; problems with single
 * files are recorded on their inputs, never fatal. */
kb_status kb_scan(const char *const *paths, size_t npaths, const kb_scan_opts *opts,
                  kb_inputs *inputs, kb_factlist *facts);

/* How many inputs were recognised by some parser. */
size_t kb_inputs_recognised(const kb_inputs *inputs);

#endif
