/* scan.c: the scan driver (see scan.h). The one place that knows both the
 * file system and the sources (by their registry, never by a kind); the
 * engine and the reports know neither. */
#include "scan/scan_internal.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A scan thread, and its launcher of isolated workers. */
typedef struct scan_thread {
    scan_state *st;
    size_t slot;
} scan_thread;

void kb_scan_opts_init(kb_scan_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->since = opts->until = KB_TIME_NONE;
    opts->max_text_bytes = KB_DEFAULT_MAX_TEXT_BYTES;
    opts->max_files = KB_DEFAULT_MAX_FILES;
    opts->max_depth = KB_DEFAULT_MAX_DEPTH;
    opts->worker_cpu_seconds = KB_DEFAULT_WORKER_CPU_SECONDS;
    opts->worker_memory_mib = KB_DEFAULT_WORKER_MEMORY_MIB;
    kb_container_limits_init(&opts->containers);
}

size_t kb_inputs_recognised(const kb_inputs *inputs)
{
    size_t n = 0;
    for (size_t i = 0; i < inputs->n; i++)
        n += kb_input_is_content(&inputs->items[i]);
    return n;
}

static kb_input *new_input(scan_state *st, const char *shown, size_t *index)
{
    long i = kb_inputs_add(st->inputs, shown);
    if (i < 0) {
        st->nomem = 1;
        return NULL;
    }
    *index = (size_t)i;
    return &st->inputs->items[i];
}

/* Runs in a scan thread: touches only its job and its own input. The file
 * is opened once, here; its parser reads it through the handle. */
static void analyse_file(const scan_state *st, size_t slot, scan_job *job, kb_input *in)
{
    int fd = open(job->fs_path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        /* The file is in the bundle; this machine cannot read it. */
        kb_input_fail_local(in, "cannot open", errno);
        if (fd >= 0)
            close(fd);
        return;
    }
    in->bytes = (uint64_t)sb.st_size;
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        in->state = KB_INPUT_SKIPPED;
        in->message = kb_strdup("not a regular file");
        return;
    }
    kb_input_handle h;
    kb_handle_from_fd(&h, fd, (uint64_t)sb.st_size, in->path);
    scan_target t = {.in = in, .facts = &job->facts, .index = job->index, .part = -1, .depth = 0};
    kb_scan_analyse(st, slot, job, &t, &h);
    close(fd);
}

/* Whether the name ends as an isolated source's files usually do. */
static int named_as_isolated(const char *path)
{
    size_t n = strlen(path);
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        const char *hint = (*s)->isolated ? (*s)->name_hint : NULL;
        size_t k = hint ? strlen(hint) : 0;
        if (k && n >= k && kb_strcaseeq(path + n - k, hint))
            return 1;
    }
    return 0;
}

static void add_job(scan_state *st, const char *fs_path, const char *shown, uint64_t bytes)
{
    size_t index;
    if (!new_input(st, shown, &index))
        return;
    st->jobs = kb_grow(st->jobs, &st->capjobs, st->njobs + 1, sizeof *st->jobs, 64);
    st->isolated_named += named_as_isolated(fs_path);
    scan_job job = {.index = index, .fs_path = kb_strdup(fs_path), .bytes = bytes};
    st->bytes_total += bytes;
    if (!job.fs_path) {
        st->nomem = 1;
        return;
    }
    st->jobs[st->njobs++] = job;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(scan_state *st, const char *fs_path, const char *shown, int depth);

static void walk_dir(scan_state *st, const char *fs_path, const char *shown, int depth)
{
    DIR *d = opendir(fs_path);
    if (!d) {
        size_t index;
        int err = errno;
        kb_input *in = new_input(st, shown, &index);
        if (in)
            kb_input_fail_local(in, "cannot open the folder", err);
        return;
    }
    kb_strlist names = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            kb_strlist_add(&names, e->d_name);
    closedir(d);
    if (names.n)
        qsort(names.items, names.n, sizeof *names.items, name_cmp);
    for (size_t i = 0; i < names.n && !st->nomem; i++) {
        char *child_fs = kb_strprintf("%s/%s", fs_path, names.items[i]);
        char *child_shown = kb_strprintf("%s/%s", shown, names.items[i]);
        if (child_fs && child_shown)
            walk(st, child_fs, child_shown, depth + 1);
        else
            st->nomem = 1;
        free(child_fs);
        free(child_shown);
    }
    kb_strlist_free(&names);
}

static void skip(scan_state *st, const char *shown, const char *why)
{
    size_t index;
    kb_input *in = new_input(st, shown, &index);
    if (in) {
        in->state = KB_INPUT_SKIPPED;
        in->message = kb_strdup(why);
    }
}

static void walk(scan_state *st, const char *fs_path, const char *shown, int depth)
{
    struct stat sb;
    if (lstat(fs_path, &sb) != 0) {
        int err = errno;
        size_t index;
        kb_input *in = new_input(st, shown, &index);
        /* An operand that does not exist is a mistake on the command line
         * (exit status 2), not a file this machine cannot read. */
        if (in && depth == 0 && err == ENOENT)
            kb_input_fail(in, KB_INPUT_ERROR, "cannot read: %s", strerror(err));
        else if (in)
            kb_input_fail_local(in, "cannot read", err);
        return;
    }
    /* Links inside a bundle are not followed: they could loop or lead out
     * of the bundle. A link named on the command line is followed. */
    if (S_ISLNK(sb.st_mode)) {
        if (depth > 0) {
            skip(st, shown, "symbolic link: not followed");
            return;
        }
        if (stat(fs_path, &sb) != 0) {
            skip(st, shown, "symbolic link to nothing");
            return;
        }
    }
    if (S_ISDIR(sb.st_mode)) {
        if (depth >= st->opts->max_depth) {
            skip(st, shown, "folder nested deeper than the depth limit; not read");
            return;
        }
        walk_dir(st, fs_path, shown, depth);
        return;
    }
    if (!S_ISREG(sb.st_mode)) {
        skip(st, shown, S_ISFIFO(sb.st_mode) ? "named pipe: not read"
                        : S_ISSOCK(sb.st_mode) ? "socket: not read"
                        : "device: not read");
        return;
    }
    size_t seen = atomic_fetch_add(&st->files, 1);
    if (seen >= st->opts->max_files) {
        if (seen == st->opts->max_files)
            skip(st, shown, "file limit reached: this and further files not read");
        return;
    }
    add_job(st, fs_path, shown, (uint64_t)sb.st_size);
}

static void *worker(void *arg)
{
    scan_state *st = ((scan_thread *)arg)->st;
    size_t slot = ((scan_thread *)arg)->slot;
    for (;;) {
        pthread_mutex_lock(&st->lock);
        size_t i = st->next_job++;
        if (i < st->njobs && st->opts->progress) {
            kb_scan_progress p = {st->inputs->items[st->jobs[i].index].path, st->jobs_done, st->njobs,
                                  st->bytes_done, st->bytes_total, st->facts_found};
            st->opts->progress(st->opts->progress_ctx, &p);
        }
        pthread_mutex_unlock(&st->lock);
        if (i >= st->njobs)
            return NULL;
        scan_job *job = &st->jobs[i];
        analyse_file(st, slot, job, &st->inputs->items[job->index]);
        pthread_mutex_lock(&st->lock);
        st->jobs_done++;
        st->bytes_done += job->bytes;
        st->facts_found += job->facts.n;
        pthread_mutex_unlock(&st->lock);
    }
}

/* Analyses the jobs with up to opts->jobs threads (the inputs array no
 * longer grows now), then joins their facts in walk order. */
static void run_jobs(scan_state *st)
{
    size_t nthreads = st->opts->jobs ? st->opts->jobs : 1;
    if (nthreads > st->njobs)
        nthreads = st->njobs;
    /* A large log may be read by as many threads as -j allows, whatever
     * else runs: one log of a bundle is often most of its bytes (System,
     * Security), and it would otherwise keep one core busy long after the
     * rest is done. While others run the threads share the cores. */
    st->threads_per_file = st->opts->jobs ? st->opts->jobs : 1;
    /* The launchers are forked now, while the process has one thread: one
     * per thread that may meet an input to isolate (inputs are recognised
     * by content, so there is always one; threads beyond the launchers
     * share them). */
    if (!st->opts->no_isolation && nthreads) {
        size_t launchers = st->isolated_named < nthreads ? st->isolated_named : nthreads;
        kb_worker_config config = {
            .cpu_seconds = st->opts->worker_cpu_seconds,
            .memory_mib = st->opts->worker_memory_mib,
            .interest = st->opts->interest,
            .since = st->opts->since,
            .until = st->opts->until,
            .no_prefilter = st->opts->no_prefilter,
        };
        st->pool = kb_worker_pool_new(launchers ? launchers : 1, &config);
        st->nomem |= st->pool == NULL;
    }
    pthread_t threads[KB_MAX_JOBS];
    scan_thread args[KB_MAX_JOBS];
    size_t started = 0;
    args[0] = (scan_thread){st, 0};
    for (size_t t = 1; t < nthreads && t < KB_MAX_JOBS; t++) {
        args[t] = (scan_thread){st, t};
        started += pthread_create(&threads[started], NULL, worker, &args[t]) == 0;
    }
    worker(&args[0]);
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    kb_worker_pool_free(st->pool);
    st->pool = NULL;
    kb_scan_splice(st);
    for (size_t i = 0; i < st->njobs; i++) {
        free(st->jobs[i].fs_path);
        st->nomem |= st->jobs[i].nomem;
    }
}

kb_status kb_scan(const char *const *paths, size_t npaths, const kb_scan_opts *opts,
                  kb_inputs *inputs, kb_factlist *facts)
{
    scan_state st = {.opts = opts, .inputs = inputs, .facts = facts, .lock = PTHREAD_MUTEX_INITIALIZER,
                     .threads_per_file = 1};
    atomic_init(&st.files, 0);
    atomic_init(&st.spent, 0);
    st.containers = (kb_container_opts){.limits = opts->containers, .spent = &st.spent, .tmpdir = opts->tmpdir,
                                        .password = opts->archive_password};
    for (size_t i = 0; i < npaths && !st.nomem; i++) {
        /* Shown paths keep what the user typed, without a trailing slash. */
        char *shown = kb_strdup(paths[i]);
        if (!shown) {
            st.nomem = 1;
            break;
        }
        size_t len = strlen(shown);
        while (len > 1 && shown[len - 1] == '/')
            shown[--len] = '\0';
        walk(&st, paths[i], shown, 0);
        free(shown);
    }
    run_jobs(&st);
    free(st.jobs);
    pthread_mutex_destroy(&st.lock);
    return st.nomem ? KB_ERR_NOMEM : KB_OK;
}
