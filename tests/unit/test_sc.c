/* test_sc.c: what the `sc qc` / `sc queryex` parser (parsers/text/sc.c) must
 * not take for its own: its sniff() rejects other texts. What it reads in
 * its own output (service type and own process, state and PID, start type,
 * binary path, one fact per block) is tested as data: tests/cases/sc_query/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "sc_query"
#define INPUT_NAME "sc_qc.txt"

#include "text_harness.h"

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "Notes: the customer ran sc qc EventSystem but did not save it.\r\n",
        /* a service name without a TYPE line is not sc output */
        "SERVICE_NAME: EventSystem\r\n",
        "Host Name:                 SRV01\r\n"
        "OS Name:                   Microsoft Windows Server 2016 Standard\r\n"
        "System Type:               x64-based PC\r\n",
        "Image Name                     PID Services\r\n"
        "========================= ======== ============================================\r\n"
        "svchost.exe                    816 EventSystem, FontCache, netprofm, nsi\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("sc", tests, NULL, NULL);
}
