/* test_batch.c: `kbscan batch`'s bundles and pool (analyzer/cli/batch.c):
 * which entries are bundles and the unique names of their reports; the
 * worst exit status; a pool of children whose lines come back in bundle
 * order whatever order they end in, and a child that crashes, says
 * nothing or garbles its lines gives an error line (exit status 2), never
 * a verdict. The analysis itself is a stand-in here (tests/e2e/batch.sh
 * runs the real one). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/batch.h"
#include "core/fdio.h"

static void test_worse(void **state)
{
    (void)state;
    assert_int_equal(kb_batch_worse(0, 0), 0);
    assert_int_equal(kb_batch_worse(0, 3), 3);
    assert_int_equal(kb_batch_worse(3, 1), 1);
    assert_int_equal(kb_batch_worse(1, 3), 1);
    assert_int_equal(kb_batch_worse(1, 2), 2);
    assert_int_equal(kb_batch_worse(2, 0), 2);
    assert_int_equal(kb_batch_worse(0, 87), 2); /* anything else is no verdict */
}

static char *make_dir(const char *fmt, const char *base, const char *name)
{
    char *path = kb_strprintf(fmt, base, name);
    assert_int_equal(mkdir(path, 0755), 0);
    return path;
}

static void touch(const char *dir, const char *name)
{
    char *path = kb_strprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    free(path);
}

static void test_list(void **state)
{
    (void)state;
    char base[] = "/tmp/kbscan-test-batch-XXXXXX";
    assert_non_null(mkdtemp(base));
    char *one = make_dir("%s/%s", base, "one"), *two = make_dir("%s/%s", base, "two");
    free(make_dir("%s/%s", one, "b"));
    free(make_dir("%s/%s", one, "a"));
    free(make_dir("%s/%s", one, ".hidden"));
    free(make_dir("%s/%s", one, "index"));
    touch(one, "x y.zip");
    char *fifo = kb_strprintf("%s/fifo", one);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    free(make_dir("%s/%s", two, "a"));
    char *missing = kb_strprintf("%s/missing", base);
    const char *operands[] = {one, two, missing};
    kb_batch batch;
    kb_batch_list(operands, 3, &batch);
    assert_int_equal(batch.n, 6);
    static const char *const names[] = {"a", "b", "index", "x y.zip", "a", "missing"};
    static const char *const files[] = {"a", "b", "index-2", "x_y.zip", "a-2", "missing"};
    for (size_t i = 0; i < batch.n; i++) {
        assert_string_equal(batch.items[i].name, names[i]);
        assert_string_equal(batch.items[i].file, files[i]);
        assert_int_equal(batch.items[i].done, i == 5);
    }
    assert_int_equal(batch.items[5].status, 2);
    assert_non_null(strstr(batch.items[5].error, "cannot read"));
    kb_batch_free(&batch);
    char *rm = kb_strprintf("rm -rf '%s'", base);
    assert_int_equal(system(rm), 0);
    free(rm);
    free(fifo);
    free(missing);
    free(one);
    free(two);
}

/* The stand-in analysis: the bundle's name says what it does. */
static int fake_run(void *ctx, const kb_batch_job *job)
{
    (void)ctx;
    const char *name = strrchr(job->bundle, '/') + 1;
    static const char ok[] = "{\"computer\":\"SRV01\",\"exit_status\":1,\"matched\":[\"r1\"],\"cannot_tell\":[]}\n"
                             "{\"computer\":null,\"exit_status\":3,\"matched\":[],\"cannot_tell\":[\"r2\"]}\n";
    if (strcmp(name, "slow") == 0)
        usleep(300000); /* ends after the ones started after it */
    if (strcmp(name, "crash") == 0)
        raise(SIGKILL);
    if (strcmp(name, "silent") == 0) {
        fputs("kbscan: nothing in the given paths that kbscan recognises (1 files)\n", stderr);
        return 2;
    }
    if (strcmp(name, "garbled") == 0) { /* a good line, then a cut one: neither is kept */
        kb_write_full(job->result_fd, ok, strlen(ok) / 2 + 10);
        return 1;
    }
    kb_write_full(job->result_fd, ok, strlen(ok));
    return 1;
}

typedef struct seen {
    char order[8][16];
    size_t n;
} seen;

static void record(void *ctx, const kb_batch_bundle *bundle)
{
    seen *s = ctx;
    assert_true(s->n < 8);
    snprintf(s->order[s->n++], sizeof s->order[0], "%s", bundle->name);
}

static void test_pool(void **state)
{
    (void)state;
    char base[] = "/tmp/kbscan-test-batch-XXXXXX";
    assert_non_null(mkdtemp(base));
    static const char *const names[] = {"slow", "good", "crash", "silent", "garbled", "good2"};
    for (size_t i = 0; i < 6; i++)
        free(make_dir("%s/%s", base, names[i]));
    const char *operands[] = {base};
    kb_batch batch;
    kb_batch_list(operands, 1, &batch);
    assert_int_equal(batch.n, 6); /* sorted: crash garbled good good2 silent slow */
    seen s = {.n = 0};
    kb_batch_opts opts = {.jobs = 3, .run = fake_run, .done = record, .ctx = &s};
    assert_int_equal(kb_batch_run(&batch, &opts), 2);
    assert_int_equal(s.n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(s.order[i], batch.items[i].name); /* bundle order */
    const kb_batch_bundle *crash = &batch.items[0], *garbled = &batch.items[1];
    const kb_batch_bundle *good = &batch.items[2], *silent = &batch.items[4], *slow = &batch.items[5];
    assert_int_equal(crash->status, 2);
    assert_non_null(strstr(crash->error, "signal 9"));
    assert_int_equal(crash->nlines, 0);
    assert_int_equal(garbled->status, 2);
    assert_int_equal(garbled->nlines, 0);
    assert_int_equal(silent->status, 2);
    assert_string_equal(silent->error, "nothing in the given paths that kbscan recognises (1 files)");
    const kb_batch_bundle *const answered[] = {good, slow};
    for (size_t i = 0; i < 2; i++) {
        const kb_batch_bundle *b = answered[i];
        assert_int_equal(b->status, 1);
        assert_null(b->error);
        assert_int_equal(b->nlines, 2);
        assert_string_equal(b->lines[0].computer, "SRV01");
        assert_int_equal(b->lines[0].exit_status, 1);
        assert_string_equal(b->lines[0].matched.items[0], "r1");
        assert_null(b->lines[1].computer);
        assert_int_equal(b->lines[1].exit_status, 3);
        assert_string_equal(b->lines[1].cannot_tell.items[0], "r2");
    }
    kb_batch_free(&batch);
    char *rm = kb_strprintf("rm -rf '%s'", base);
    assert_int_equal(system(rm), 0);
    free(rm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worse),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_pool),
    };
    return cmocka_run_group_tests_name("batch", tests, NULL, NULL);
}
