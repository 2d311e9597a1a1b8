/* batch.h: `kbscan batch`: many bundles in one run. Each entry of a folder
 * given (a bundle folder, or a file: an archive, a single log) and each file
 * given is one bundle, analysed on its own in a child process, up to -j of
 * them at once; each child writes that bundle's reports and sends the
 * parent one line per computer (its outcome, the rules that matched or
 * cannot tell). The parent keeps those lines only, and writes the index
 * (batch_index.h). It sits in the CLI alone: the scan, the engine and the
 * writers see one bundle at a time, as in a single run. */
#ifndef KB_CLI_BATCH_H
#define KB_CLI_BATCH_H

#include <stddef.h>

#include "core/strbuf.h"
#include "engine/computers.h"

/* One computer of one bundle: one line of the index. */
typedef struct kb_batch_line {
    char *computer;          /* NULL when nothing names it (or no report) */
    int exit_status;         /* its own (0, 1, 3), or 2 for a bundle without a report */
    kb_strlist matched;      /* rule ids */
    kb_strlist cannot_tell;
} kb_batch_line;

typedef struct kb_batch_bundle {
    char *path;              /* as the run found it: the operand, or operand/entry */
    char *name;              /* its last name (what the index shows) */
    char *file;              /* its reports' name in the output folder (unique) */
    int status;              /* the bundle's exit status, as a single run's */
    int done;
    char *error;             /* why there is no report (its last message), or NULL */
    kb_batch_line *lines;
    size_t nlines;
} kb_batch_bundle;

/* The bundles of the operands, in order: a folder's entries sorted by
 * name (hidden ones, and what is neither a folder nor a file, said on
 * stderr and left out), a file as itself. A missing operand is a bundle
 * of its own that fails (exit status 2), as in a single run. */
typedef struct kb_batch {
    kb_batch_bundle *items;
    size_t n;
} kb_batch;

void kb_batch_list(const char *const *operands, size_t n, kb_batch *out);
void kb_batch_free(kb_batch *batch);

/* One bundle's analysis, run in the child: writes the reports named
 * (NULL: none), sends its computers (kb_batch_send) to result_fd and
 * returns the bundle's exit status. */
typedef struct kb_batch_job {
    const char *bundle;
    const char *text_file, *json_file, *html_file;
    size_t threads;
    int result_fd;
} kb_batch_job;
typedef int (*kb_batch_run_fn)(void *ctx, const kb_batch_job *job);

/* What the parent does with each bundle as it ends (in bundle order, once
 * the bundles before it have ended): ctx's index lines on stdout. */
typedef void (*kb_batch_done_fn)(void *ctx, const kb_batch_bundle *bundle);

typedef struct kb_batch_opts {
    const char *out_dir;     /* reports go to OUT/<file>.{txt,json,html}; NULL: none */
    size_t jobs;             /* bundles at once */
    int progress;            /* one overwritten line on stderr ... */
    long progress_after_ms;  /* ... once the batch has run this long (a short
                                batch ends before it would be read) */
    kb_batch_run_fn run;
    kb_batch_done_fn done;
    void *ctx;
} kb_batch_opts;

/* Runs every bundle of the batch, at most opts->jobs at once, each in a
 * child process (a child's messages are relayed on stderr, "kbscan:
 * <bundle>: ..."). Returns the worst exit status over the bundles: 2, then
 * 1, then 3, then 0. */
int kb_batch_run(kb_batch *batch, const kb_batch_opts *opts);

/* In the child: one JSON line per computer on fd. 0, or -1 on a write error. */
int kb_batch_send(int fd, const kb_computers *computers);

/* The worse of two exit statuses (2 > 1 > 3 > 0). */
int kb_batch_worse(int a, int b);

#endif
