/* scan_internal.h: what the scan driver's files share (scan.c: the walk
 * and the threads; analyse.c: one input recognised and handed to its
 * source; parts.c: the inputs found inside a file). Not for other layers. */
#ifndef KB_SCAN_INTERNAL_H
#define KB_SCAN_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "scan/scan.h"
#include "source/source.h"

/* An input found inside a file (an archive member, a section of a file
 * holding several outputs), analysed by the job that found it into an
 * input and facts of its own; moved into the run's list when every job is
 * done (kb_scan_splice), so that no thread ever grows the run's list. */
typedef struct scan_part {
    kb_input in;
    kb_factlist facts;    /* their input index is set when they join the run's facts */
    long parent;          /* the part it is inside, or -1: the job's own file */
    size_t seq;           /* found as its container's seq-th part */
    char *sort_name;      /* a member's name as stored (listed as a folder's files are); NULL:
                             a section, listed in file order */
} scan_part;

/* A file to analyse: found by the walk (which creates its input, in walk
 * order), analysed by a thread into facts of its own; the lists are
 * joined in walk order, so the report is the same for every -j. */
typedef struct scan_job {
    size_t index;         /* its input in the run's list */
    char *fs_path;
    uint64_t bytes;
    kb_factlist facts;    /* of its own input */
    scan_part **parts;    /* inputs found inside it */
    size_t nparts, capparts;
    int nomem;
} scan_job;

typedef struct scan_state {
    const kb_scan_opts *opts;
    kb_inputs *inputs;
    kb_factlist *facts;
    atomic_size_t files;       /* files and members looked at (the file limit) */
    int nomem;
    scan_job *jobs;
    size_t njobs, capjobs;
    /* Threads take jobs in order; progress is shown under the lock. */
    pthread_mutex_t lock;
    size_t next_job, jobs_done;
    uint64_t bytes_total, bytes_done;
    size_t facts_found;
    size_t threads_per_file;   /* the cores left to each file by the file threads */
    kb_worker_pool *pool;      /* isolated decoding (isolation.h), or NULL (--no-isolation) */
    size_t isolated_named;     /* files named as an isolated source's usually are: how many
                                  launchers are worth their fork */
    _Atomic uint64_t spent;    /* bytes decompressed out of archives */
    kb_container_opts containers;
} scan_state;

/* Where one analysis puts what it finds. */
typedef struct scan_target {
    kb_input *in;
    kb_factlist *facts;
    size_t index;         /* for kb_fact_new(): the run's index of the job's own file; 0 for a
                             part, whose facts get theirs when they join the run's */
    long part;            /* the part it is, or -1: the job's own file */
    unsigned depth;       /* archives it is inside */
} scan_target;

/* Recognises the input behind h by its content and hands it to its source;
 * an archive's members and a file's sections become parts of the job. */
void kb_scan_analyse(const scan_state *st, size_t slot, scan_job *job, const scan_target *t,
                     const kb_input_handle *h);

/* A text input (text.c): decoded, split into sections when it holds
 * several outputs, read by its parser. */
void kb_scan_text(const scan_state *st, scan_job *job, const scan_target *t, const unsigned char *data,
                  size_t len);

/* A new part of the job inside part parent (-1: the job's own file),
 * shown as name; sort_name NULL keeps it in the order found. */
scan_part *kb_scan_new_part(scan_job *job, long parent, const char *name, const char *sort_name);
/* The index of a part in its job. */
long kb_scan_part_index(const scan_job *job, const scan_part *part);

/* Moves every job's parts into the run's inputs, each after the file it
 * was found in, and joins every job's facts into the run's, in that order. */
void kb_scan_splice(scan_state *st);

#endif
