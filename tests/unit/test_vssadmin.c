/* test_vssadmin.c: what the `vssadmin list writers` parser
 * (parsers/text/vssadmin.c) must not take for its own: its sniff() rejects
 * other texts. What it reads in its own output (writer blocks, zero writers
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("vssadmin", tests, NULL, NULL);
}
