/* test_vssadmin.c: what the `vssadmin list writers` parser
 * (parsers/text/vssadmin.c) must not take for its own (its sniff() rejects
 * other texts), and a generated limit case (more runs than any fixed table
 * would hold). What it reads in its own output (writer blocks, zero writers
 * vs an error, several runs in one file, Japanese output in CP932, blocks
 * without a banner, stray lines) is tested as data: tests/cases/vssadmin_writers/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "vssadmin_writers"
#define INPUT_NAME "vssadmin_list_writers.txt"

#include "text_harness.h"

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "This bundle was collected on 2018-10-01.\r\nSee the notes for the case number.\r\n",
        "Image Name                     PID Services\r\n"
        "========================= ======== ============================================\r\n"
        "svchost.exe                    816 EventSystem, FontCache, netprofm, nsi\r\n",
        "SERVICE_NAME: EventSystem\r\n        TYPE               : 20  WIN32_SHARE_PROCESS\r\n",
        /* A GUID and a state line are not a writer block on their own. */
        "Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\nState: [1] Stable\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

/* More runs than any fixed table would hold: every run is its own listing
 * and the last one, with zero writers, is the latest (it decides). */
static void test_many_runs_latest_decides(void **state)
{
    (void)state;
    static const char writer_run[] =
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
        "Writer name: 'System Writer'\r\n"
        "   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
        "   Writer Instance Id: {7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}\r\n"
        "   State: [1] Stable\r\n"
        "   Last error: No error\r\n";
    static const char empty_run[] =
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n\r\n";
    enum { RUNS = 300 };
    size_t len = (RUNS - 1) * (sizeof writer_run - 1) + sizeof empty_run - 1;
    char *bytes = malloc(len + 1);
    assert_non_null(bytes);
    char *p = bytes;
    for (int i = 0; i < RUNS - 1; i++, p += sizeof writer_run - 1)
        memcpy(p, writer_run, sizeof writer_run - 1);
    memcpy(p, empty_run, sizeof empty_run);
    parsed r;
    run(&r, bytes, len);
    free(bytes);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(count(&r, "vssadmin.listing"), RUNS);
    assert_int_equal(count(&r, "vssadmin.writer"), RUNS - 1);
    const kb_fact *last = nth(&r, "vssadmin.listing", RUNS - 1);
    field_is(last, "run", "300");
    field_is(last, "latest", "yes");
    field_is(last, "writers", "0");
    field_is(nth(&r, "vssadmin.listing", 255), "run", "256");
    field_is(nth(&r, "vssadmin.listing", 255), "latest", "no");
    field_is(nth(&r, "vssadmin.listing", 255), "writers", "1");
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_rejects_other_text),
        cmocka_unit_test(test_many_runs_latest_decides),
    };
    return cmocka_run_group_tests_name("vssadmin", tests, NULL, NULL);
}
