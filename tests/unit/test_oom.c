/* test_oom.c: out of memory is never a verdict (analyzer/core/alloc.h).
 *
 * This test is linked with every malloc, calloc, realloc, strdup and
 * strndup of kbscan's own code wrapped (-Wl,--wrap, Makefile): once armed,
 * the Nth call fails, as an allocation does when memory runs out. For
 * N = 1, 2, ... a child process runs an analysis with its Nth allocation
 * failing; it must end with exit status 2 and "kbscan: out of memory", or
 * with an error returned: never with a verdict, never with a fact that lost
 * a field. N grows until an analysis makes fewer allocations than N; that
 * run, which failed nothing, must give the verdict it gives without the
 * hook. Two analyses: facts set by hand and evaluated, and a bundle of
 * saved command output scanned by the real parsers, then evaluated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "engine/engine.h"
#include "scan/scan.h"
#include "inline_rule.h"

/* ---- the allocation hook ----------------------------------------------------- */

/* Mutable globals, in this test only: the hook has no other way in. */
static atomic_long fail_at = -1;  /* the call that fails (1-based), or -1 */
static atomic_long calls;
static atomic_int failed;

static int should_fail(void)
{
    long at = atomic_load(&fail_at);
    if (at < 0 || atomic_fetch_add(&calls, 1) + 1 != at)
        return 0;
    atomic_store(&failed, 1);
    return 1;
}

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

void *__wrap_malloc(size_t size) { return should_fail() ? NULL : __real_malloc(size); }
void *__wrap_calloc(size_t n, size_t size) { return should_fail() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t size) { return should_fail() ? NULL : __real_realloc(p, size); }
char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return should_fail() ? NULL : __real_strndup(s, n); }

/* ---- the analyses ------------------------------------------------------------ */

/* How a child ends, besides KB_EXIT_NOMEM. */
enum {
    ENDED_CLEAN = 0,         /* no allocation failed, the expected verdict */
    ENDED_VERDICT = 3,       /* an allocation failed, and yet a verdict came */
    ENDED_ERROR = 4,         /* an allocation failed and an error was returned */
    ENDED_WRONG = 5,         /* nothing failed, but not the expected verdict */
    ENDED_LOST_FIELD = 6,    /* a fact lost a field */
};

static kb_ruleset rules;  /* TEST_RULE, loaded before the hook is armed */

static kb_fact *fact(kb_factlist *facts, const char *type, size_t input)
{
    kb_fact *f = kb_fact_new(type, input);
    kb_factlist_add(facts, f);
    return f;
}

/* The test rule's case, set by hand: matched. */
static int by_hand(void)
{
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    const char *names[] = {"vssadmin.txt", "Application.evtx", "tasklist.txt"};
    const char *feeds[] = {"vssadmin_writers", "eventlog:Application", "tasklist_svc"};
    for (size_t i = 0; i < 3; i++) {
        long k = kb_inputs_add(&inputs, names[i]);
        if (k < 0 || kb_input_add_feed(&inputs.items[k], feeds[i]) != 0)
            return ENDED_ERROR;
    }
    kb_fact *f = fact(&facts, "vssadmin.listing", 0);
    kb_fact_set(f, "status", "ok");
    kb_fact_set(f, "writers", "0");
    kb_fact_set(f, "latest", "yes");
    for (int i = 0; i < 3; i++) {
        f = fact(&facts, "event", 1);
        kb_fact_set(f, "provider", "VSS");
        kb_fact_setf(f, "event_id", "%d", 8193);
        kb_fact_set(f, "data", "CoCreateInstance\nhr = 0x800401fb, Object is not registered.\n"
                               "Operation:\n   Subscribing Writer\nWriter Name: ASR Writer\n");
        f->time = 1538395219123000LL + i;
    }
    f = fact(&facts, "tasklist.process", 2);
    kb_fact_set(f, "image", "svchost.exe");
    kb_fact_set(f, "pid", "816");
    kb_fact_set_n(f, "services", "EventSystem, FontCache, netprofm, nsi, and more", 37);
    kb_fact_set(f, "service_count", "4");
    kb_fact_set_text(f, "svchost.exe   816 EventSystem, FontCache, netprofm, nsi");
    static const size_t nfields[] = {3, 3, 3, 3, 4};
    for (size_t i = 0; i < facts.n; i++)
        if (facts.items[i]->nfields != nfields[i])
            return ENDED_LOST_FIELD;
    kb_results results = {0};
    kb_eval_opts opts = {KB_LANG_EN, 20};
    if (kb_evaluate(&rules, &facts, &inputs, &opts, &results) != KB_OK)
        return ENDED_ERROR;
    int matched = results.rules[0].verdict == KB_VERDICT_MATCHED &&
                  results.rules[0].nremedies == 2 && results.rules[0].remedies[0].commands.n == 1;
    kb_results_free(&results);
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
    return atomic_load(&failed) ? ENDED_VERDICT : matched ? ENDED_CLEAN : ENDED_WRONG;
}

static char bundle[64];  /* a folder of saved command output, made by setup */

/* The same case read by the parsers from saved command output: matched
 * but for the event log, which the bundle lacks: cannot tell. */
static int scanned(void)
{
    kb_interest interest = {0};
    kb_scan_opts opts;
    kb_scan_opts_init(&opts);
    opts.interest = &interest;
    opts.jobs = 1;
    opts.no_isolation = 1;
    const char *paths[] = {bundle};
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    if (kb_scan(paths, 1, &opts, &inputs, &facts) != KB_OK)
        return ENDED_ERROR;
    kb_results results = {0};
    kb_eval_opts eval = {KB_LANG_EN, 20};
    if (kb_evaluate(&rules, &facts, &inputs, &eval, &results) != KB_OK)
        return ENDED_ERROR;
    const kb_rule_result *r = &results.rules[0];
    int expected = facts.n == 10 && r->verdict == KB_VERDICT_CANNOT_TELL &&
                   r->checkpoints[0].state == KB_CP_MET && r->checkpoints[4].state == KB_CP_MET &&
                   r->checkpoints[4].summary != NULL;
    kb_results_free(&results);
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
    return atomic_load(&failed) ? ENDED_VERDICT : expected ? ENDED_CLEAN : ENDED_WRONG;
}

/* Runs analysis in a child whose nth allocation fails (-1: none); returns
 * its wait status and keeps what it wrote on stderr in err. */
static int run_failing(int (*analysis)(void), long nth, char *err, size_t errlen)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        atomic_store(&calls, 0);
        atomic_store(&failed, 0);
        atomic_store(&fail_at, nth);
        int how = analysis();
        atomic_store(&fail_at, -1);
        _exit(how);  /* no exit handlers or leak check in the child */
    }
    close(fds[1]);
    size_t got = 0;
    ssize_t n;
    while (got + 1 < errlen && (n = read(fds[0], err + got, errlen - 1 - got)) > 0)
        got += (size_t)n;
    err[got] = '\0';
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

/* Fails allocation 1, 2, ... of analysis until one run fails none. */
static void fail_each_allocation(int (*analysis)(void), const char *what)
{
    char err[512];
    int status = run_failing(analysis, -1, err, sizeof err);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != ENDED_CLEAN)
        fail_msg("%s: without a failing allocation: status %d (%s)", what, status, err);
    long stopped = 0, errors = 0, nth;
    for (nth = 1;; nth++) {
        status = run_failing(analysis, nth, err, sizeof err);
        if (!WIFEXITED(status))
            fail_msg("%s: allocation %ld failing: killed by signal %d (%s)", what, nth,
                     WIFSIGNALED(status) ? WTERMSIG(status) : 0, err);
        int code = WEXITSTATUS(status);
        if (code == ENDED_CLEAN)
            break;  /* the analysis makes fewer allocations than nth */
        if (code == KB_EXIT_NOMEM) {
            if (!strstr(err, "kbscan: out of memory\n"))
                fail_msg("%s: allocation %ld failing: exit 2 without saying why: %s", what, nth, err);
            stopped++;
        } else if (code == ENDED_ERROR) {
            errors++;
        } else {
            fail_msg("%s: allocation %ld failing: %s", what, nth,
                     code == ENDED_VERDICT ? "a verdict came all the same"
                     : code == ENDED_LOST_FIELD ? "a fact lost a field" : "not the expected verdict");
        }
    }
    /* Each one failed: the process stopped or an error was returned. */
    assert_int_equal(stopped + errors, nth - 1);
    assert_true(nth > 20);
    print_message("%s: %ld allocations, each failing in turn: %ld stopped with status 2, "
                  "%ld returned an error, none gave a verdict\n", what, nth - 1, stopped, errors);
}

static void test_by_hand(void **state)
{
    (void)state;
    fail_each_allocation(by_hand, "facts set and evaluated");
}

static void test_scanned(void **state)
{
    (void)state;
    fail_each_allocation(scanned, "bundle scanned and evaluated");
}

/* Asks for more items than memory has room for. */
static int grow_too_far(void)
{
    size_t cap = 0;
    kb_grow(NULL, &cap, SIZE_MAX / 4, sizeof(uint64_t), 8);
    return ENDED_CLEAN;
}

/* The allocator itself: what it returns is usable, kb_grow doubles, and a
 * size no allocator can give ends the process with status 2. */
static void test_allocator(void **state)
{
    (void)state;
    size_t cap = 0;
    int *a = kb_grow(NULL, &cap, 1, sizeof *a, 8);
    assert_int_equal(cap, 8);
    a = kb_grow(a, &cap, 8, sizeof *a, 8);
    assert_int_equal(cap, 8);
    a = kb_grow(a, &cap, 9, sizeof *a, 8);
    assert_int_equal(cap, 16);
    a = kb_grow(a, &cap, 100, sizeof *a, 8);
    assert_int_equal(cap, 128);
    a[127] = 1;
    free(a);
    char *s = kb_xstrndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
    assert_non_null(s = kb_xmalloc(0));
    free(s);
    char err[512];
    int status = run_failing(grow_too_far, -1, err, sizeof err);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), KB_EXIT_NOMEM);
    assert_string_equal(err, "kbscan: out of memory\n");
}

static int setup(void **state)
{
    (void)state;
    test_ruleset(&rules);
    snprintf(bundle, sizeof bundle, "/tmp/kbscan-oom-XXXXXX");
    if (!mkdtemp(bundle))
        return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/vssadmin.txt", bundle);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    fputs("vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
          "(C) Copyright 2001-2013 Microsoft Corp.\r\n\r\n", fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/tasklist.txt", bundle);
    fp = fopen(path, "w");
    if (!fp)
        return -1;
    fputs("\r\nImage Name                     PID Services\r\n"
          "========================= ======== ============================================\r\n"
          "System Idle Process              0 N/A\r\n"
          "System                           4 N/A\r\n"
          "lsass.exe                      528 KeyIso, Netlogon, SamSs\r\n"
          "svchost.exe                    592 BrokerInfrastructure, DcomLaunch, LSM,\r\n"
          "                                   PlugPlay, Power, SystemEventsBroker\r\n"
          "svchost.exe                    816 EventSystem, FontCache, netprofm, nsi\r\n"
          "svchost.exe                    780 AudioEndpointBuilder, CertPropSvc,\r\n"
          "                                   DsmSvc, gpsvc, iphlpsvc, LanmanServer\r\n"
          "VSSVC.exe                     2904 VSS\r\n"
          "tasklist.exe                  3344 N/A\r\n", fp);
    fclose(fp);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/vssadmin.txt", bundle);
    unlink(path);
    snprintf(path, sizeof path, "%s/tasklist.txt", bundle);
    unlink(path);
    rmdir(bundle);
    kb_ruleset_free(&rules);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocator),
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_scanned),
    };
    return cmocka_run_group_tests_name("oom", tests, setup, teardown);
}
