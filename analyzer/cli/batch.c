/* batch.c: `kbscan batch`'s bundles and its pool of child processes (see
 * batch.h). A child per bundle keeps each bundle's memory in its own
 * process, returned when it ends: the batch holds at most -j bundles'
 * worth at once however many there are, and the parent only the index
 * lines. The parent has no threads, so forking it is safe; each child then
 * runs a scan exactly as a single run does (its own launchers, threads). */
#include "cli/batch.h"
#include "core/alloc.h"
#include "core/fdio.h"

#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KB_BATCH_LINE_MAX 4096   /* a child's message longer than this is relayed in pieces */

int kb_batch_worse(int a, int b)
{
    static const int rank[4] = {0, 2, 3, 1}, status[4] = {0, 3, 1, 2}; /* 0 < 3 < 1 < 2 */
    int ra = a >= 0 && a <= 3 ? rank[a] : 3, rb = b >= 0 && b <= 3 ? rank[b] : 3;
    return status[ra > rb ? ra : rb];
}

/* ---- the bundles ---- */

static const char *last_name(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    return path + start;
}

static int valid_utf8(const char *s)
{
    for (size_t n = strlen(s), i = 0, len; i < n; i += len)
        if ((len = kb_utf8_valid_len((const unsigned char *)s + i, n - i)) == 0)
            return 0;
    return 1;
}

/* A report name from a bundle's name: letters, digits, '.', '_', '-' and
 * UTF-8 kept, the rest '_'; never hidden, never empty. */
static char *file_name(const char *name)
{
    size_t n = strcspn(name, "/");
    char *out = kb_xstrndup(name, n);
    int utf8 = valid_utf8(out);
    for (char *p = out; *p; p++) {
        unsigned char c = (unsigned char)*p;
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-' || (c >= 0x80 && utf8);
        if (!keep)
            *p = '_';
    }
    if (out[0] == '.' || out[0] == '\0') {
        char *prefixed = kb_strprintf("_%s", out);
        free(out);
        out = prefixed;
    }
    return out;
}

static int name_taken(const kb_batch *b, const char *file)
{
    if (strcmp(file, "index") == 0) /* the index page's name */
        return 1;
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->items[i].file, file) == 0)
            return 1;
    return 0;
}

static kb_batch_bundle *add_bundle(kb_batch *b, size_t *cap, const char *path)
{
    b->items = kb_grow(b->items, cap, b->n + 1, sizeof *b->items, 16);
    char *base = file_name(last_name(path));
    char *file = kb_xstrdup(base);
    for (unsigned k = 2; name_taken(b, file); k++) {
        free(file);
        file = kb_strprintf("%s-%u", base, k);
    }
    free(base);
    kb_batch_bundle *bundle = &b->items[b->n++];
    *bundle = (kb_batch_bundle){
        .path = kb_xstrdup(path),
        .name = kb_xstrdup(last_name(path)),
        .file = file,
    };
    return bundle;
}

static void say(const char *path, const char *what)
{
    char *shown = kb_text_visible(path);
    fprintf(stderr, "kbscan: %s: %s\n", shown ? shown : "?", what);
    free(shown);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a folder of bundles, sorted; returns how many are folders. */
static size_t list_folder(kb_batch *b, size_t *cap, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        kb_batch_bundle *bad = add_bundle(b, cap, dir);
        bad->status = 2;
        bad->done = 1;
        bad->error = kb_strprintf("cannot open the folder: %s", strerror(errno));
        say(dir, bad->error);
        return 1;
    }
    size_t folders = 0;
    kb_strlist names = {0};
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            kb_strlist_add(&names, e->d_name);
    closedir(d);
    if (names.n)
        qsort(names.items, names.n, sizeof *names.items, name_cmp);
    const char *sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
    for (size_t i = 0; i < names.n; i++) {
        char *path = kb_strprintf("%s%s%s", dir, sep, names.items[i]);
        struct stat sb;
        if (names.items[i][0] == '.')
            say(path, "hidden: not taken as a bundle");
        else if (stat(path, &sb) != 0 || !(S_ISDIR(sb.st_mode) || S_ISREG(sb.st_mode)))
            say(path, "neither a folder nor a file: not taken as a bundle");
        else {
            folders += S_ISDIR(sb.st_mode) != 0;
            add_bundle(b, cap, path);
        }
        free(path);
    }
    kb_strlist_free(&names);
    return folders;
}

void kb_batch_list(const char *const *operands, size_t n, kb_batch *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(operands[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            size_t before = out->n;
            size_t folders = list_folder(out, &cap, operands[i]);
            if (out->n == before)
                say(operands[i], "no bundle in this folder");
            else if (folders == 0)
                say(operands[i], "no folder in it: each of its files is taken as a bundle "
                                 "(to analyse it as one bundle: kbscan PATH, or name its parent)");
            continue;
        }
        kb_batch_bundle *bundle = add_bundle(out, &cap, operands[i]);
        if (lstat(operands[i], &sb) != 0) {
            /* A missing operand fails as in a single run (exit status 2). */
            bundle->status = 2;
            bundle->done = 1;
            bundle->error = kb_strprintf("cannot read: %s", strerror(errno));
            say(operands[i], bundle->error);
        }
    }
}

static void free_line(kb_batch_line *line)
{
    free(line->computer);
    kb_strlist_free(&line->matched);
    kb_strlist_free(&line->cannot_tell);
}

void kb_batch_free(kb_batch *batch)
{
    for (size_t i = 0; i < batch->n; i++) {
        kb_batch_bundle *b = &batch->items[i];
        for (size_t l = 0; l < b->nlines; l++)
            free_line(&b->lines[l]);
        free(b->lines);
        free(b->path);
        free(b->name);
        free(b->file);
        free(b->error);
    }
    free(batch->items);
    memset(batch, 0, sizeof *batch);
}

/* ---- the child's lines ---- */

/* The rules of one verdict that count (kb_result_counts): a known harmless
 * finding, an explained rule or a quiet "cannot tell" is not an outcome of
 * the computer, as in its exit status. */
static cJSON *id_array(const kb_results *results, kb_verdict verdict)
{
    cJSON *ids = cJSON_CreateArray();
    for (size_t i = 0; ids && i < results->n; i++)
        if (results->rules[i].verdict == verdict && kb_result_counts(&results->rules[i]))
            cJSON_AddItemToArray(ids, cJSON_CreateString(results->rules[i].rule->id));
    return ids;
}

int kb_batch_send(int fd, const kb_computers *computers)
{
    int rc = 0;
    for (size_t c = 0; c < computers->n && rc == 0; c++) {
        const kb_computer *pc = &computers->items[c];
        cJSON *line = cJSON_CreateObject();
        if (!line)
            return -1;
        cJSON_AddItemToObject(line, "computer",
                              pc->name ? cJSON_CreateString(pc->name) : cJSON_CreateNull());
        cJSON_AddNumberToObject(line, "exit_status", pc->exit_status);
        cJSON_AddItemToObject(line, "matched", id_array(&pc->results, KB_VERDICT_MATCHED));
        cJSON_AddItemToObject(line, "cannot_tell", id_array(&pc->results, KB_VERDICT_CANNOT_TELL));
        char *text = cJSON_PrintUnformatted(line);
        cJSON_Delete(line);
        if (!text)
            return -1;
        rc = kb_write_full(fd, text, strlen(text)) || kb_write_full(fd, "\n", 1) ? -1 : 0;
        cJSON_free(text);
    }
    return rc;
}

static int read_ids(const cJSON *array, kb_strlist *out)
{
    if (!cJSON_IsArray(array))
        return -1;
    for (const cJSON *id = array->child; id; id = id->next) {
        if (!cJSON_IsString(id))
            return -1;
        kb_strlist_add(out, id->valuestring);
    }
    return 0;
}

/* The child's lines, as kb_batch_send wrote them. 0, or -1 when one is not. */
static int read_lines(kb_batch_bundle *b, char *text)
{
    size_t cap = 0;
    for (char *line = text, *next; *line; line = next) {
        char *end = line + strcspn(line, "\n");
        next = *end ? end + 1 : end;
        *end = '\0';
        cJSON *obj = cJSON_Parse(line);
        const cJSON *computer = cJSON_GetObjectItemCaseSensitive(obj, "computer");
        const cJSON *exit_status = cJSON_GetObjectItemCaseSensitive(obj, "exit_status");
        b->lines = kb_grow(b->lines, &cap, b->nlines + 1, sizeof *b->lines, 4);
        kb_batch_line *l = &b->lines[b->nlines];
        memset(l, 0, sizeof *l);
        int ok = obj && (cJSON_IsString(computer) || cJSON_IsNull(computer)) &&
                 cJSON_IsNumber(exit_status) &&
                 (exit_status->valueint == 0 || exit_status->valueint == 1 ||
                  exit_status->valueint == 3) && exit_status->valuedouble == exit_status->valueint &&
                 read_ids(cJSON_GetObjectItemCaseSensitive(obj, "matched"), &l->matched) == 0 &&
                 read_ids(cJSON_GetObjectItemCaseSensitive(obj, "cannot_tell"), &l->cannot_tell) == 0;
        if (ok) {
            l->computer = cJSON_IsString(computer) ? kb_xstrdup(computer->valuestring) : NULL;
            l->exit_status = exit_status->valueint;
            b->nlines++;
        } else {
            free_line(l);
        }
        cJSON_Delete(obj);
        if (!ok)
            return -1;
    }
    return 0;
}

/* ---- the pool ---- */

typedef struct slot {
    pid_t pid;               /* 0: free */
    size_t bundle;
    int errfd, resfd;        /* -1 once closed */
    kb_buf partial;          /* the child's message line so far */
    kb_buf last;             /* its last message: why, when there is no report */
    kb_buf results;
} slot;

typedef struct pool {
    kb_batch *batch;
    const kb_batch_opts *opts;
    slot *slots;
    size_t nslots, running, last_started, ended, threads;
    int progress_shown;
    struct timespec t0;
} pool;

static void clear_progress(pool *p)
{
    if (p->progress_shown) {
        fputs("\r\033[K", stderr);
        p->progress_shown = 0;
    }
}

static void show_progress(pool *p)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!p->opts->progress ||
        (now.tv_sec - p->t0.tv_sec) * 1000 + (now.tv_nsec - p->t0.tv_nsec) / 1000000 < p->opts->progress_after_ms)
        return;
    const char *name = p->batch->items[p->last_started].name;
    char *shown = kb_text_visible(name);
    fprintf(stderr, "\r\033[Kkbscan: batch: %zu/%zu bundles done, %zu running  %.40s", p->ended,
            p->batch->n, p->running, shown ? shown : "");
    free(shown);
    fflush(stderr);
    p->progress_shown = 1;
}

/* One message line of a child, on stderr with its bundle's name. */
static void relay(pool *p, slot *s, const char *line, size_t n)
{
    if (n >= 8 && strncmp(line, "kbscan: ", 8) == 0) {
        line += 8;
        n -= 8;
    }
    kb_buf_reset(&s->last);
    kb_buf_append(&s->last, line, n);
    clear_progress(p);
    /* A child's messages are made visible already; once more costs little
     * and keeps the terminal safe whatever a message holds. */
    char *name = kb_text_visible(p->batch->items[s->bundle].name);
    char *text = kb_text_visible(kb_buf_str(&s->last));
    fprintf(stderr, "kbscan: %s: %s\n", name, text);
    free(name);
    free(text);
}

static void relay_lines(pool *p, slot *s, int flush)
{
    const char *text = kb_buf_str(&s->partial);
    size_t len = s->partial.len, start = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') {
            relay(p, s, text + start, i - start);
            start = i + 1;
        }
    if (len - start >= KB_BATCH_LINE_MAX || (flush && len > start)) {
        relay(p, s, text + start, len - start);
        start = len;
    }
    char *rest = kb_xstrndup(text + start, len - start);
    kb_buf_reset(&s->partial);
    kb_buf_puts(&s->partial, rest);
    free(rest);
}

/* Reads what is there; 1 when the pipe ended (it is then closed). */
static int drain(pool *p, slot *s, int *fd)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(*fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0) {
            kb_buf_append(fd == &s->errfd ? &s->partial : &s->results, buf, (size_t)n);
            if (fd == &s->errfd)
                relay_lines(p, s, 0);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        close(*fd); /* the end, or an error reading it */
        *fd = -1;
        return 1;
    }
}

static void child(pool *p, slot *s, int errw, int resw)
{
    /* The other children's pipes are the parent's business. */
    for (size_t i = 0; i < p->nslots; i++)
        if (&p->slots[i] != s && p->slots[i].pid) {
            close(p->slots[i].errfd);
            close(p->slots[i].resfd);
        }
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
        dup2(errw, STDERR_FILENO) < 0)
        _exit(2);
    close(null);
    close(errw);
    const kb_batch_bundle *b = &p->batch->items[s->bundle];
    const char *dir = p->opts->out_dir;
    char *text = dir ? kb_strprintf("%s/%s.txt", dir, b->file) : NULL;
    char *json = dir ? kb_strprintf("%s/%s.json", dir, b->file) : NULL;
    char *html = dir ? kb_strprintf("%s/%s.html", dir, b->file) : NULL;
    kb_batch_job job = {
        .bundle = b->path,
        .text_file = text,
        .json_file = json,
        .html_file = html,
        .threads = p->threads,
        .result_fd = resw,
    };
    int status = p->opts->run(p->opts->ctx, &job);
    close(resw);
    free(text);
    free(json);
    free(html);
    exit(status);
}

static int start(pool *p, slot *s, size_t bundle)
{
    int errp[2], resp[2];
    if (pipe(errp) != 0)
        return -1;
    if (pipe(resp) != 0) {
        close(errp[0]);
        close(errp[1]);
        return -1;
    }
    s->bundle = bundle;
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(errp[0]), close(errp[1]), close(resp[0]), close(resp[1]);
        errno = err;
        return -1;
    }
    if (pid == 0) {
        close(errp[0]);
        close(resp[0]);
        child(p, s, errp[1], resp[1]);
    }
    close(errp[1]);
    close(resp[1]);
    fcntl(errp[0], F_SETFL, O_NONBLOCK);
    fcntl(resp[0], F_SETFL, O_NONBLOCK);
    fcntl(errp[0], F_SETFD, FD_CLOEXEC);
    fcntl(resp[0], F_SETFD, FD_CLOEXEC);
    s->pid = pid;
    s->errfd = errp[0];
    s->resfd = resp[0];
    p->running++;
    return 0;
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGBUS: return "SIGBUS";
    case SIGTERM: return "SIGTERM";
    default: return "a signal";
    }
}

/* A child ended: its lines, its status; the slot is free again. */
static void finish(pool *p, slot *s, int wstatus)
{
    if (s->errfd >= 0) {
        drain(p, s, &s->errfd);
        relay_lines(p, s, 1);
        if (s->errfd >= 0)
            close(s->errfd);
    }
    if (s->resfd >= 0) {
        drain(p, s, &s->resfd);
        if (s->resfd >= 0)
            close(s->resfd);
    }
    kb_batch_bundle *b = &p->batch->items[s->bundle];
    char *results = kb_buf_take(&s->results);
    int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 2;
    if (WIFSIGNALED(wstatus))
        b->error = kb_strprintf("the analysis was ended by signal %d (%s)", WTERMSIG(wstatus),
                                signal_name(WTERMSIG(wstatus)));
    else if (status > 3)
        b->error = kb_strprintf("the analysis ended with exit status %d", status);
    else if (read_lines(b, results) != 0)
        b->error = kb_xstrdup("the analysis sent a result that is not its lines");
    if (b->error) {
        clear_progress(p);
        say(b->name, b->error);
        status = 2; /* no verdict from a run that did not end as one ends */
        for (size_t l = 0; l < b->nlines; l++)
            free_line(&b->lines[l]);
        b->nlines = 0;
    } else if (b->nlines == 0 || status == 2) {
        /* No report (nothing recognised, ...), or a report that failed: the
         * child said why on stderr; its last message is kept for the index. */
        b->error = kb_xstrdup(s->last.len ? kb_buf_str(&s->last) : "no report");
        status = 2;
    }
    free(results);
    b->status = status;
    b->done = 1;
    kb_buf_reset(&s->partial);
    kb_buf_reset(&s->last);
    s->pid = 0;
    s->errfd = s->resfd = -1;
    p->running--;
    p->ended++;
}

static slot *slot_of(pool *p, pid_t pid)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (p->slots[i].pid == pid)
            return &p->slots[i];
    return NULL;
}

/* Waits for output or an end (at most 200 ms) and handles what came. */
static void step(pool *p)
{
    struct pollfd fds[2 * 64 + 2];
    slot *owner[2 * 64 + 2];
    size_t nfds = 0;
    for (size_t i = 0; i < p->nslots; i++) {
        slot *s = &p->slots[i];
        if (!s->pid)
            continue;
        if (s->errfd >= 0)
            fds[nfds] = (struct pollfd){.fd = s->errfd, .events = POLLIN}, owner[nfds++] = s;
        if (s->resfd >= 0)
            fds[nfds] = (struct pollfd){.fd = s->resfd, .events = POLLIN}, owner[nfds++] = s;
    }
    if (poll(fds, nfds, 200) > 0)
        for (size_t i = 0; i < nfds; i++)
            if (fds[i].revents) {
                slot *s = owner[i];
                int *fd = fds[i].fd == s->errfd ? &s->errfd : &s->resfd;
                if (*fd >= 0)
                    drain(p, s, fd);
            }
    /* Both pipes ended: the child has exited (or is exiting). A child
     * whose pipes stay open (held by something it left behind) is found
     * by the WNOHANG sweep. */
    for (size_t i = 0; i < p->nslots; i++) {
        slot *s = &p->slots[i];
        int ws;
        if (s->pid && s->errfd < 0 && s->resfd < 0 && waitpid(s->pid, &ws, 0) == s->pid)
            finish(p, s, ws);
    }
    int ws;
    for (pid_t pid; (pid = waitpid(-1, &ws, WNOHANG)) > 0;) {
        slot *s = slot_of(p, pid);
        if (s)
            finish(p, s, ws);
    }
}

int kb_batch_run(kb_batch *batch, const kb_batch_opts *opts)
{
    size_t torun = 0;
    for (size_t i = 0; i < batch->n; i++)
        torun += !batch->items[i].done;
    size_t jobs = opts->jobs ? opts->jobs : 1;
    if (jobs > 64)
        jobs = 64;
    pool p = {
        .batch = batch,
        .opts = opts,
        .nslots = torun < jobs ? (torun ? torun : 1) : jobs,
    };
    /* The cores go to bundles first: one thread each when there are more
     * bundles than jobs, the jobs shared out when there are fewer. */
    p.threads = jobs / p.nslots;
    p.slots = kb_xcalloc(p.nslots, sizeof *p.slots);
    for (size_t i = 0; i < p.nslots; i++)
        p.slots[i].errfd = p.slots[i].resfd = -1;
    clock_gettime(CLOCK_MONOTONIC, &p.t0);
    size_t next = 0, printed = 0;
    int worst = 0;
    while (printed < batch->n) {
        for (size_t i = 0; i < p.nslots; i++) {
            while (next < batch->n && batch->items[next].done)
                next++; /* failed before it could run (a missing operand) */
            if (next == batch->n)
                break;
            if (p.slots[i].pid)
                continue;
            p.last_started = next;
            if (start(&p, &p.slots[i], next) != 0) {
                kb_batch_bundle *b = &batch->items[next];
                b->status = 2;
                b->done = 1;
                b->error = kb_strprintf("cannot start its analysis: %s", strerror(errno));
                clear_progress(&p);
                say(b->name, b->error);
            }
            next++;
        }
        if (p.running)
            step(&p);
        for (; printed < batch->n && batch->items[printed].done; printed++) {
            worst = kb_batch_worse(worst, batch->items[printed].status);
            if (opts->done) {
                clear_progress(&p);
                opts->done(opts->ctx, &batch->items[printed]);
            }
        }
        show_progress(&p);
    }
    clear_progress(&p);
    for (size_t i = 0; i < p.nslots; i++) {
        kb_buf_free(&p.slots[i].partial);
        kb_buf_free(&p.slots[i].last);
        kb_buf_free(&p.slots[i].results);
    }
    free(p.slots);
    return batch->n ? worst : 2;
}
