/* test_systeminfo.c: what the `systeminfo` parser (parsers/text/systeminfo.c)
 * must not take for its own: its sniff() rejects other texts. What it reads
 * in its own output (English, Japanese and German labels, colons in values,
 * the virtualisation platform) is tested as data: tests/cases/systeminfo/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "systeminfo"
#define INPUT_NAME "systeminfo.txt"

#include "text_harness.h"

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "This bundle was collected on 2018-10-01.\r\nContact: admin@example.com\r\n",
        /* four known labels are not enough */
        "Host Name:                 SRV01\r\n"
        "OS Name:                   Microsoft Windows Server 2016 Standard\r\n"
        "OS Version:                10.0.14393 N/A Build 14393\r\n"
        "Domain:                    contoso.local\r\n",
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
        "Writer name: 'System Writer'\r\n",
        "SERVICE_NAME: EventSystem\r\n"
        "        TYPE               : 20  WIN32_SHARE_PROCESS\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("systeminfo", tests, NULL, NULL);
}
