/* test_tasklist.c: what the `tasklist /svc` parser (parsers/text/tasklist.c)
 * must not take for its own: its sniff() rejects other texts. What it reads
 * in its own output (the table with wrapped service lists, a Japanese
 * header in CP932, /FO CSV with and without header, /FO LIST, rows cut by
 * findstr, the INFO "no tasks" line) is tested as data: tests/cases/tasklist_svc/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "tasklist_svc"
#define INPUT_NAME "tasklist_svc.txt"

#include "text_harness.h"

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "This bundle was collected on 2018-10-01 by the customer.\r\nCase 12345.\r\n",
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
        "Writer name: 'System Writer'\r\n"
        "   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
        "   Writer Instance Id: {7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}\r\n"
        "   State: [1] Stable\r\n"
        "   Last error: No error\r\n",
        "Host Name:                 SRV01\r\n"
        "OS Version:                10.0.17763 N/A Build 17763\r\n"
        "Processor(s):              1 Processor(s) Installed.\r\n"
        "                           [01]: Intel64 Family 6 Model 85 Stepping 4 GenuineIntel\r\n",
        "SERVICE_NAME: EventSystem\r\n"
        "        TYPE               : 20  WIN32_SHARE_PROCESS\r\n"
        "        BINARY_PATH_NAME   : C:\\Windows\\system32\\svchost.exe -k LocalService\r\n",
        /* Regression: three dword lines of a .reg export once read as a
         * /FO LIST record (a label, a PID with digits, a label). */
        "\"Start\"=dword:00000003\r\n"
        "\"Type\"=dword:00000010\r\n"
        "\"DependOnService\"=hex(7):52,00,50,00,43,00,53,00,53,00,00,00,00,00\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("tasklist", tests, NULL, NULL);
}
