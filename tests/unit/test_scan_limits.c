/* test_scan_limits.c: the scan driver's limits (analyzer/scan/scan.c) are
 * applied as documented and said so on the inputs: files per run, folder
 * depth, text file size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/scan.h"

static char dir[64];

static void write_file(const char *name, size_t bytes)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (size_t i = 0; i < bytes; i++)
        fputc(i % 40 == 39 ? '\n' : 'a', fp);
    fclose(fp);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kbscan-limits-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char path[128];
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "file%d.txt", i);
        write_file(path, 200);
    }
    snprintf(path, sizeof path, "%s/sub", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/sub/deeper", dir);
    mkdir(path, 0755);
    write_file("sub/deeper/inner.txt", 10);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const kb_input *find(const kb_inputs *inputs, const char *suffix)
{
    for (size_t i = 0; i < inputs->n; i++) {
        size_t n = strlen(inputs->items[i].path), k = strlen(suffix);
        if (n >= k && strcmp(inputs->items[i].path + n - k, suffix) == 0)
            return &inputs->items[i];
    }
    return NULL;
}

static void scan_with(kb_scan_opts *opts, kb_inputs *inputs, kb_factlist *facts)
{
    kb_interest none = {0};
    opts->interest = &none;
    const char *paths[] = {dir};
    memset(inputs, 0, sizeof *inputs);
    memset(facts, 0, sizeof *facts);
    assert_int_equal(kb_scan(paths, 1, opts, inputs, facts), KB_OK);
}

static void test_file_limit_said(void **state)
{
    (void)state;
    kb_scan_opts opts;
    kb_scan_opts_init(&opts);
    opts.max_files = 3;
    kb_inputs inputs;
    kb_factlist facts;
    scan_with(&opts, &inputs, &facts);
    /* Walk order is by name: file0..file2 read, file3 says the limit. */
    assert_int_equal(inputs.n, 4);
    const kb_input *cut = find(&inputs, "/file3.txt");
    assert_non_null(cut);
    assert_int_equal(cut->state, KB_INPUT_SKIPPED);
    assert_string_equal(cut->message, "file limit reached: this and further files not read");
    assert_null(find(&inputs, "/file4.txt"));
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
}

static void test_depth_limit_said(void **state)
{
    (void)state;
    kb_scan_opts opts;
    kb_scan_opts_init(&opts);
    opts.max_depth = 2;
    kb_inputs inputs;
    kb_factlist facts;
    scan_with(&opts, &inputs, &facts);
    const kb_input *deep = find(&inputs, "/sub/deeper");
    assert_non_null(deep);
    assert_int_equal(deep->state, KB_INPUT_SKIPPED);
    assert_string_equal(deep->message, "folder nested deeper than the depth limit; not read");
    assert_null(find(&inputs, "/inner.txt"));
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
}

static void test_text_size_limit_said(void **state)
{
    (void)state;
    kb_scan_opts opts;
    kb_scan_opts_init(&opts);
    opts.max_text_bytes = 100;
    kb_inputs inputs;
    kb_factlist facts;
    scan_with(&opts, &inputs, &facts);
    const kb_input *big = find(&inputs, "/file0.txt");
    assert_non_null(big);
    assert_int_equal(big->state, KB_INPUT_SKIPPED);
    assert_non_null(strstr(big->message, "larger than the text file limit"));
    const kb_input *small = find(&inputs, "/inner.txt");
    assert_non_null(small);
    assert_int_not_equal(small->state, KB_INPUT_SKIPPED);
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_limit_said),
        cmocka_unit_test(test_depth_limit_said),
        cmocka_unit_test(test_text_size_limit_said),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
