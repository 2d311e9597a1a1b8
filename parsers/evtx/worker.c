/* worker.c: isolated EVTX decoding (see worker.h): the launchers, the
 * workers they fork, and the scan thread's side of a request. */
#include "evtx/worker.h"
#include "core/alloc.h"
#include "core/fdio.h"
#include "core/strbuf.h"
#include "evtx/worker_msg.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Sanitizers reserve terabytes of address space up front: an address-space
 * limit cannot work there, and the launcher's watch of resident memory
 * stands for it. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define KB_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define KB_SANITIZED 1
#endif
#endif
/* Under ASan a worker checks itself for leaks before it ends (its _exit
 * skips the check at exit), so the decoding stays leak-checked. */
#if defined(__SANITIZE_ADDRESS__)
#define KB_LEAK_CHECK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KB_LEAK_CHECK 1
#endif
#endif
#ifdef KB_LEAK_CHECK
#include <sanitizer/lsan_interface.h>
#endif

#define EXIT_OUT_OF_MEMORY KB_EXIT_NOMEM  /* a worker's exit status: an allocation failed (alloc.h) */
#define EXIT_LEAKED 87         /* a worker's exit status: LeakSanitizer found a leak */
#define WATCH_MS 10            /* how often a launcher looks at its worker's memory */
#define FORK_TRIES 5           /* fork() tried again after EAGAIN, 50 ms apart */

/* What a launcher is asked: the records of one input to decode (the
 * launcher is a fork of the same program, so the entries travel as they
 * are), sent with the input's file descriptor attached (SCM_RIGHTS), then
 * its name and the entries. */
typedef struct request {
    size_t name_len;
    uint64_t size;         /* the bytes the entries were found in */
    size_t n;              /* entries, at most KB_WORKER_ENTRIES */
    size_t input_index;
} request;

typedef enum outcome {
    ENDED,          /* the worker exited; detail = exit status */
    SIGNALLED,      /* detail = the signal */
    CPU_LIMIT,
    MEMORY_LIMIT,
    WALL_LIMIT,
    OUTPUT_LIMIT,
    VANISHED,       /* reaped by another (SIGCHLD ignored): how it ended is unknown */
    CANNOT_START    /* detail = errno */
} outcome;

/* What a launcher answers, followed by len bytes of the worker's output. */
typedef struct reply {
    outcome how;
    int detail;
    int step;
    int64_t record;
    uint64_t len;
} reply;

/* ---- plumbing ---- */

static int send_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Sends len bytes with the descriptor fd attached to the first of them. */
static int send_with_fd(int sock, const void *data, size_t len, int fd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = {(void *)(uintptr_t)data, len};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    ssize_t n;
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    return send_all(sock, (const char *)data + n, len - (size_t)n);
}

static int write_all(int fd, const void *data, size_t len)
{
    return kb_write_full(fd, data, len);
}

/* 0 when all len bytes came, -1 at end of stream or on error. */
static int read_all(int fd, void *data, size_t len)
{
    return kb_read_full(fd, data, len) == len ? 0 : -1;
}

/* Reads len bytes and the descriptor sent with them (*fd; -1 when none came).
 * 0, or -1 at end of stream or on error (then no descriptor is kept). */
static int recv_with_fd(int sock, void *data, size_t len, int *fd)
{
    *fd = -1;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = {data, len};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    ssize_t n;
    do
        n = recvmsg(sock, &msg, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(sizeof(int)))
            continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int got;
            memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
            if (*fd < 0)
                *fd = got;
            else
                close(got);  /* only one was sent */
        }
    }
    if (read_all(sock, (char *)data + n, len - (size_t)n) != 0) {
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        return -1;
    }
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Field `field` (0: size, 1: resident) of /proc/PID/statm, in bytes; 0 when unknown. */
static uint64_t statm_bytes(pid_t pid, int field)
{
    char path[64], buf[128];
    snprintf(path, sizeof path, "/proc/%ld/statm", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    unsigned long long size = 0, resident = 0;
    if (sscanf(buf, "%llu %llu", &size, &resident) != 2)
        return 0;
    return (uint64_t)(field ? resident : size) * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* fork(), tried again a few times while the system is short of processes
 * for a moment (EAGAIN): a busy machine should not cost a log. */
static pid_t fork_retrying(void)
{
    pid_t pid = fork();
    for (int tries = 0; pid < 0 && errno == EAGAIN && tries < FORK_TRIES; tries++) {
        struct timespec pause_for = {0, 50 * 1000 * 1000};
        nanosleep(&pause_for, NULL);
        pid = fork();
    }
    return pid;
}

/* ---- the worker (a child of a launcher) ---- */

/* kbscan's report may go to stdout: nothing a worker does may mix into it,
 * nor read kbscan's input. stderr stays, for sanitizers' reports. */
static void quiet_stdio(void)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0)
        _exit(1);
    if (dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0)
        _exit(1);
    if (null > STDOUT_FILENO)
        close(null);
}

static void set_limits(const kb_worker_config *cfg)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);  /* a crash must not write a core file anywhere */
    struct rlimit cpu = {cfg->cpu_seconds, (rlim_t)cfg->cpu_seconds + 1};
    setrlimit(RLIMIT_CPU, &cpu);
#ifndef KB_SANITIZED
    /* On top of what the worker inherits from kbscan (mapped, mostly shared). */
    rlim_t as = (rlim_t)statm_bytes(getpid(), 0) + ((rlim_t)cfg->memory_mib << 20);
    struct rlimit mem = {as, as};
    setrlimit(RLIMIT_AS, &mem);
#endif
}

/* The test hook (README, "Crash isolation"): KBSCAN_TEST_WORKER_CRASH=
 * MODE:TEXT makes the worker of every input whose name contains TEXT fail
 * on purpose, as a crash inside libevtx would; it acts only inside the
 * isolated worker, on that worker. Returns only for no hook. */
static void test_hook(const char *name, kb_decode_stage *stage, int out)
{
    const char *hook = getenv("KBSCAN_TEST_WORKER_CRASH");
    const char *colon = hook ? strchr(hook, ':') : NULL;
    if (!colon || !colon[1] || !strstr(name, colon + 1))
        return;
    size_t mode_len = (size_t)(colon - hook);
    stage->step = KB_STEP_RECORDS;
    stage->record = -1;
    if (mode_len == 4 && strncmp(hook, "segv", 4) == 0) {
        /* As the kernel would deliver it, past any sanitizer's handler. */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(SIGSEGV, &dfl, NULL);
        raise(SIGSEGV);
    } else if (mode_len == 4 && strncmp(hook, "loop", 4) == 0) {
        for (volatile uint64_t spin = 0;; spin++)
            ;
    } else if (mode_len == 5 && strncmp(hook, "sleep", 5) == 0) {
        for (;;)
            pause();
    } else if (mode_len == 5 && strncmp(hook, "alloc", 5) == 0) {
        void *volatile kept = NULL;  /* chained and kept: no compiler may drop the allocations */
        for (;;) {
            void **p = malloc(1 << 20);
            if (!p)
                _exit(EXIT_OUT_OF_MEMORY);
            memset(p, 0x5a, 1 << 20);
            *p = kept;
            kept = p;
        }
    } else if (mode_len == 6 && strncmp(hook, "xalloc", 6) == 0) {
        /* The same through kbscan's own allocator, which ends the process
         * when memory runs out (alloc.h): the same memory limit. */
        void *volatile kept = NULL;
        for (;;) {
            void **p = kb_xmalloc(1 << 20);
            memset(p, 0x5a, 1 << 20);
            *p = kept;
            kept = p;
        }
    } else if (mode_len == 4 && strncmp(hook, "leak", 4) == 0) {
        /* Decodes as usual, having lost a block: only a leak check tells. */
        void *volatile lost = malloc(64);
        lost = NULL;
        (void)lost;
        return;
    } else if (mode_len == 4 && strncmp(hook, "fork", 4) == 0) {
        /* A child that keeps the pipe open in the worker's process group,
         * the worker decoding as usual: the group is killed once it ends. */
        if (fork() == 0)
            for (;;)
                pause();
        return;
    } else if (mode_len == 6 && strncmp(hook, "escape", 6) == 0) {
        /* A child that leaves the process group and keeps the pipe open
         * until its reader goes (then the write end reports an error). */
        if (fork() == 0) {
            setpgid(0, 0);
            struct pollfd held = {out, 0, 0};
            poll(&held, 1, 120 * 1000);
            _exit(0);
        }
        return;
    } else if (mode_len == 7 && strncmp(hook, "garbage", 7) == 0) {
        static const unsigned char garbage[] = {0x10, 0, 0, 0, 'F', 0xde, 0xad, 0xbe, 0xef};
        write_all(out, garbage, sizeof garbage);
        _exit(0);
    } else if (mode_len == 7 && strncmp(hook, "badutf8", 7) == 0) {
        /* A well-framed outcome whose reason is not UTF-8. */
        static const unsigned char note[] = {11, 0, 0, 0, 'R', 0, 0, 0, 0, 0, 1, 0, 0, 0, 0xc3};
        write_all(out, note, sizeof note);
        _exit(0);
    }
    _exit(1);  /* an unknown mode: a worker that just fails */
}

static void worker_main(const kb_worker_config *cfg, const request *req, const kb_evtx_fallback_entry *entries,
                        const char *name, int input_fd, kb_decode_stage *stage, int out)
{
    set_limits(cfg);
    kb_alloc_quiet();  /* out of memory: the launcher says "memory limit exceeded" */
    test_hook(name, stage, out);
    kb_input_handle h;
    kb_handle_from_fd(&h, input_fd, req->size, name);
    kb_evtx_fallback_opts opts = {.interest = cfg->interest, .since = cfg->since, .until = cfg->until,
                                  .input_index = req->input_index, .stage = stage};
    kb_evtx_outcome *outcomes = kb_xcalloc(req->n + 1, sizeof *outcomes);
    kb_status status = kb_evtx_fallback(&h, entries, req->n, &opts, outcomes);
    stage->step = KB_STEP_NONE;
    kb_buf msg = KB_BUF_INIT;
    for (size_t i = 0; i < req->n; i++)
        kb_worker_msg_put_outcome(&msg, (uint32_t)i, &outcomes[i]);
    kb_worker_msg_put_end(&msg, status);
    if (msg.failed)
        _exit(EXIT_OUT_OF_MEMORY);
    int wrote = write_all(out, msg.data, msg.len) == 0;
    kb_buf_free(&msg);
    kb_evtx_outcomes_free(outcomes, req->n);
    free(outcomes);
#ifdef KB_LEAK_CHECK
    if (__lsan_do_recoverable_leak_check())
        _exit(EXIT_LEAKED);
#endif
    _exit(wrote ? 0 : 1);
}

/* ---- the launcher ---- */

/* Watches a started worker until it is reaped and its output read. The
 * worker leads a process group of its own: whatever it forked is killed
 * with it, and once it is reaped, so that nothing keeps its pipe open. The
 * wall clock applies until both are done: a process that left the group
 * and holds the pipe costs the file, never the scan. */
static void watch(const kb_worker_config *cfg, pid_t pid, int rfd, reply *rep, kb_buf *output)
{
    uint64_t cap = (uint64_t)cfg->memory_mib << 20;
    const uint64_t output_cap = (uint64_t)KB_WORKER_OUTPUT_MIB << 20;
    uint64_t base_rss = statm_bytes(getpid(), 1);
    int64_t deadline = now_ms() + (int64_t)KB_WORKER_WALL_SECONDS(cfg->cpu_seconds) * 1000;
#ifdef SYS_pidfd_open
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
    int pidfd = -1;
#endif
    int reaped = 0, status = 0, vanished = 0;
    outcome killed_for = ENDED;
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    char buf[65536];
    while (!reaped || rfd >= 0) {
        struct pollfd fds[2];
        nfds_t nfds = 0;
        if (rfd >= 0)
            fds[nfds++] = (struct pollfd){rfd, POLLIN, 0};
        if (!reaped && pidfd >= 0)
            fds[nfds++] = (struct pollfd){pidfd, POLLIN, 0};
        poll(fds, nfds, rfd < 0 && pidfd < 0 ? 1 : WATCH_MS);
        if (rfd >= 0 && fds[0].revents) {
            ssize_t n = read(rfd, buf, sizeof buf);
            if (n > 0 && output->len + (uint64_t)n > output_cap) {
                killed_for = killed_for == ENDED ? OUTPUT_LIMIT : killed_for;
                kill(-pid, SIGKILL);
                n = 0;
            } else if (n > 0) {
                kb_buf_append(output, buf, (size_t)n);
            }
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
                close(rfd);
                rfd = -1;
            }
        }
        if (!reaped) {
            pid_t got = wait4(pid, &status, WNOHANG, &usage);
            /* ECHILD: something reaped it for us (SIGCHLD ignored); how it
             * ended is lost. */
            if (got == pid || (got < 0 && errno == ECHILD)) {
                reaped = 1;
                vanished = got < 0;
                kill(-pid, SIGKILL);
                continue;
            }
        }
        if (now_ms() >= deadline) {
            killed_for = killed_for == ENDED ? WALL_LIMIT : killed_for;
            kill(-pid, SIGKILL);
            if (reaped && rfd >= 0) {  /* a process out of the group holds the pipe */
                close(rfd);
                rfd = -1;
            }
        } else if (!reaped && killed_for == ENDED && base_rss && statm_bytes(pid, 1) > base_rss + cap) {
            killed_for = MEMORY_LIMIT;
            kill(-pid, SIGKILL);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    double cpu = (double)usage.ru_utime.tv_sec + (double)usage.ru_stime.tv_sec +
                 (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    if (killed_for != ENDED)
        rep->how = killed_for;
    else if (vanished)
        rep->how = VANISHED;
    else if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU ||
                                     (WTERMSIG(status) == SIGKILL && cpu >= cfg->cpu_seconds)))
        rep->how = CPU_LIMIT;
    else if (WIFSIGNALED(status))
        rep->how = SIGNALLED, rep->detail = WTERMSIG(status);
    else if (WEXITSTATUS(status) == EXIT_OUT_OF_MEMORY)
        rep->how = MEMORY_LIMIT;
    else
        rep->how = ENDED, rep->detail = WEXITSTATUS(status);
}

/* Reads a request: the input's descriptor (*fd, -1 when none came), its
 * name and its entries. 0, or -1 at end of stream. */
static int read_request(int sock, request *req, char **name, int *fd, kb_evtx_fallback_entry **entries)
{
    if (recv_with_fd(sock, req, sizeof *req, fd) != 0 || req->n > KB_WORKER_ENTRIES)
        return -1;
    *name = kb_xmalloc(req->name_len + 1);
    *entries = kb_xcalloc(req->n + 1, sizeof **entries);
    if (read_all(sock, *name, req->name_len) != 0 || read_all(sock, *entries, req->n * sizeof **entries) != 0)
        return -1;
    (*name)[req->name_len] = '\0';
    return 0;
}

static void serve(const kb_worker_config *cfg, const request *req, const kb_evtx_fallback_entry *entries,
                  const char *name, int input_fd, int sock)
{
    reply rep = {CANNOT_START, 0, KB_STEP_NONE, -1, 0};
    kb_buf output = KB_BUF_INIT;
    kb_decode_stage *stage = mmap(NULL, sizeof *stage, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int fds[2] = {-1, -1};
    pid_t pid = -1, launcher = getpid();
    if (input_fd < 0) {
        rep.detail = EBADF;  /* the request came without the input */
    } else if (stage == MAP_FAILED || pipe(fds) != 0 || (pid = fork_retrying()) < 0) {
        rep.detail = errno;
    } else if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);  /* a launcher that dies takes its worker along */
        if (getppid() != launcher)
            _exit(1);
        setpgid(0, 0);  /* a group of its own: what it forks is killed with it */
        close(sock);
        close(fds[0]);
        quiet_stdio();
        stage->step = KB_STEP_NONE;
        stage->record = -1;
        worker_main(cfg, req, entries, name, input_fd, stage, fds[1]);
    } else {
        setpgid(pid, pid);  /* as the worker does: whichever runs first */
        close(fds[1]);
        fds[1] = -1;
        watch(cfg, pid, fds[0], &rep, &output);
        fds[0] = -1;
        rep.step = stage->step >= 0 && stage->step < KB_STEP_COUNT ? stage->step : KB_STEP_NONE;
        rep.record = stage->record;
    }
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (stage != MAP_FAILED)
        munmap(stage, sizeof *stage);
    if (output.failed)
        rep.how = MEMORY_LIMIT;  /* the launcher's own copy: counted against the same limit */
    /* Only a worker that ended well has output worth sending. */
    rep.len = rep.how == ENDED && rep.detail == 0 && !output.failed ? output.len : 0;
    if (send_all(sock, &rep, sizeof rep) != 0 || send_all(sock, output.data, (size_t)rep.len) != 0)
        _exit(0);
    kb_buf_free(&output);
}

static void launcher_main(const kb_worker_config *cfg, int sock)
{
    /* Its workers are its to reap: with SIGCHLD ignored (inherited across
     * exec) the kernel would reap them and their end would be lost. */
    signal(SIGCHLD, SIG_DFL);
    for (;;) {
        request req;
        char *name = NULL;
        int input_fd = -1;
        kb_evtx_fallback_entry *entries = NULL;
        if (read_request(sock, &req, &name, &input_fd, &entries) != 0)
            _exit(0);
        serve(cfg, &req, entries, name, input_fd, sock);
        if (input_fd >= 0)
            close(input_fd);  /* the worker had its own copy */
        free(name);
        free(entries);
    }
}

int kb_worker_pool_start(kb_worker_pool *pool, size_t n, const kb_worker_config *config)
{
    pool->config = *config;
    pool->n = 0;
    pool->launchers = calloc(n ? n : 1, sizeof *pool->launchers);
    if (!pool->launchers)
        return -1;
    fflush(NULL);  /* nothing buffered is inherited, to be written twice */
    pid_t kbscan = getpid();
    for (size_t i = 0; i < n; i++) {
        kb_launcher *l = &pool->launchers[i];
        int sv[2] = {-1, -1};
        l->sock = -1;
        l->pid = -1;
        pthread_mutex_init(&l->lock, NULL);
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 || (l->pid = fork_retrying()) < 0) {
            l->error = errno;
            if (sv[0] >= 0) {
                close(sv[0]);
                close(sv[1]);
            }
            pool->n++;
            continue;
        }
        if (l->pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);  /* kbscan killed: no launcher stays */
            if (getppid() != kbscan)
                _exit(0);
            /* Only this launcher's end of the stream: the others' ends
             * must close when their threads are done. */
            for (size_t k = 0; k < i; k++)
                if (pool->launchers[k].sock >= 0)
                    close(pool->launchers[k].sock);
            close(sv[0]);
            launcher_main(&pool->config, sv[1]);
        }
        close(sv[1]);
        l->sock = sv[0];
        pool->n++;
    }
    return 0;
}

kb_worker_pool *kb_worker_pool_new(size_t n, const kb_worker_config *config)
{
    kb_worker_pool *pool = malloc(sizeof *pool);
    if (pool && kb_worker_pool_start(pool, n, config) != 0) {
        free(pool);
        pool = NULL;
    }
    return pool;
}

void kb_worker_pool_free(kb_worker_pool *pool)
{
    if (!pool)
        return;
    kb_worker_pool_stop(pool);
    free(pool);
}

void kb_worker_pool_stop(kb_worker_pool *pool)
{
    for (size_t i = 0; i < pool->n; i++)
        if (pool->launchers[i].sock >= 0)
            close(pool->launchers[i].sock);
    for (size_t i = 0; i < pool->n; i++) {
        if (pool->launchers[i].pid > 0)
            waitpid(pool->launchers[i].pid, NULL, 0);
        pthread_mutex_destroy(&pool->launchers[i].lock);
    }
    free(pool->launchers);
    pool->launchers = NULL;
    pool->n = 0;
}

/* ---- the scan thread's side ---- */

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    case SIGXFSZ: return "SIGXFSZ";
    default: return "another signal";
    }
}

/* " while decoding records (chunk 3, record id 17)", or "". */
static void stage_text(const reply *rep, const kb_evtx_fallback_entry *entries, size_t n, char *out, size_t outlen)
{
    static const char *const steps[KB_STEP_COUNT] = {
        "", " while opening the log", " while reading its channel", " while decoding records",
        " while decoding recovered records"};
    const char *step = rep->step >= 0 && rep->step < KB_STEP_COUNT ? steps[rep->step] : "";
    if (*step && rep->record >= 0 && (uint64_t)rep->record < n)
        snprintf(out, outlen, "%s (chunk %llu, record id %llu)", step,
                 (unsigned long long)entries[rep->record].slot, (unsigned long long)entries[rep->record].id);
    else
        snprintf(out, outlen, "%s", step);
}

static char *failure_reason(const kb_worker_config *cfg, const reply *rep, const kb_evtx_fallback_entry *entries,
                            size_t n)
{
    char where[128];
    stage_text(rep, entries, n, where, sizeof where);
    switch (rep->how) {
    case SIGNALLED:
        return kb_strprintf("worker killed by signal %d (%s)%s", rep->detail, signal_name(rep->detail), where);
    case CPU_LIMIT:
        return kb_strprintf("CPU time limit of %u s exceeded%s", cfg->cpu_seconds, where);
    case MEMORY_LIMIT:
        return kb_strprintf("memory limit of %u MiB exceeded%s", cfg->memory_mib, where);
    case WALL_LIMIT:
        return kb_strprintf("wall-clock limit of %u s exceeded%s", KB_WORKER_WALL_SECONDS(cfg->cpu_seconds), where);
    case OUTPUT_LIMIT:
        return kb_strprintf("worker output larger than the limit of %u MiB%s", KB_WORKER_OUTPUT_MIB, where);
    case VANISHED:
        return kb_strprintf("worker ended, reaped by another process: how is unknown%s", where);
    case CANNOT_START:
        return kb_strprintf("cannot start a worker: %s", strerror(rep->detail));
    case ENDED:
        break;
    }
    return kb_strprintf("worker exited with status %d%s%s", rep->detail,
                        rep->detail == EXIT_LEAKED ? " (LeakSanitizer found a leak in it)" : "", where);
}

static int send_request(int sock, const kb_input_handle *h, int fd, size_t input_index,
                        const kb_evtx_fallback_entry *entries, size_t n)
{
    const char *name = h->name ? h->name : "";
    request req;
    memset(&req, 0, sizeof req);
    req.name_len = strlen(name);
    req.size = h->size;
    req.n = n;
    req.input_index = input_index;
    return send_with_fd(sock, &req, sizeof req, fd) == 0 && send_all(sock, name, req.name_len) == 0 &&
                   send_all(sock, entries, n * sizeof *entries) == 0
               ? 0 : -1;
}

/* One request to a launcher and its answer; the output is malloc'd. 0,
 * -1 when the launcher was never started, -2 when the exchange failed:
 * then the stream is out of step, so it is closed (the launcher ends) and
 * later requests to this launcher fail at once. */
static int ask(kb_launcher *l, const kb_input_handle *h, int fd, size_t input_index,
               const kb_evtx_fallback_entry *entries, size_t n, reply *rep, unsigned char **output)
{
    *output = NULL;
    pthread_mutex_lock(&l->lock);
    int started = l->sock >= 0;
    int ok = started && send_request(l->sock, h, fd, input_index, entries, n) == 0 &&
             read_all(l->sock, rep, sizeof *rep) == 0 && rep->len <= (uint64_t)KB_WORKER_OUTPUT_MIB << 20 &&
             (*output = malloc((size_t)rep->len + 1)) != NULL && read_all(l->sock, *output, (size_t)rep->len) == 0;
    if (started && !ok) {
        close(l->sock);
        l->sock = -1;
    }
    pthread_mutex_unlock(&l->lock);
    if (!ok) {
        free(*output);
        *output = NULL;
    }
    return ok ? 0 : started || l->error == 0 ? -2 : -1;
}

/* kb_worker_fallback() with the descriptor to hand over. */
static char *fallback_with(kb_worker_pool *pool, size_t slot, const kb_input_handle *h, int fd, size_t input_index,
                           const kb_evtx_fallback_entry *entries, size_t n, kb_evtx_outcome *out)
{
    kb_launcher *l = pool->n ? &pool->launchers[slot % pool->n] : NULL;
    reply rep;
    unsigned char *output = NULL;
    int asked = l ? ask(l, h, fd, input_index, entries, n, &rep, &output) : -1;
    /* A launcher unusable: the others, in turn, so that which files fail
     * does not depend on which thread took them. The reason, if all fail,
     * is that of the first. */
    for (size_t k = 1; asked != 0 && k < pool->n; k++) {
        reply other;
        if (ask(&pool->launchers[(slot + k) % pool->n], h, fd, input_index, entries, n, &other, &output) == 0) {
            asked = 0;
            rep = other;
        }
    }
    if (asked == -1)
        return kb_strprintf("cannot start a worker: %s", strerror(l ? l->error : EINVAL));
    if (asked != 0)
        return kb_strprintf("the worker's launcher stopped");
    char *reason = NULL;
    if (rep.how == ENDED && rep.detail == 0) {
        kb_worker_result result;
        char err[256];
        if (kb_worker_msg_read(output, (size_t)rep.len, input_index, n, &result, err, sizeof err) == 0) {
            memcpy(out, result.outcomes, n * sizeof *out);
            free(result.outcomes);
        } else {
            reason = kb_strprintf("worker output rejected: %s", err);
        }
    } else {
        reason = failure_reason(&pool->config, &rep, entries, n);
    }
    free(output);
    return reason;
}

char *kb_worker_fallback(kb_worker_pool *pool, size_t slot, const kb_input_handle *h, size_t input_index,
                         const kb_evtx_fallback_entry *entries, size_t n, kb_evtx_outcome *out)
{
    int owned = 0;
    int fd = kb_handle_shareable_fd(h, &owned);
    if (fd < 0)
        return kb_strprintf("cannot hand the log to a worker: %s", strerror(errno));
    char *reason = fallback_with(pool, slot, h, fd, input_index, entries, n, out);
    if (owned)
        close(fd);
    return reason;
}
