/* test_sc.c: the `sc qc` / `sc queryex` parser (parsers/text/sc.c), run as the
 * scan driver runs it (decode, sniff, parse): service type and whether the
 * service has its own process (TYPE 10 / 20 / 30 / 110), state and PID,
 * start type (number and name), binary path, dependencies over several
 * lines, the exit code, one fact per block with the block as evidence, a
 * service that is not installed (1060), and sniffing. */
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
#include "sample_text.h"

/* The sc.service fact of a service. */
static const kb_fact *service(const parsed *r, const char *name)
{
    for (size_t i = 0; i < r->facts.n; i++) {
        const char *s = kb_fact_get(r->facts.items[i], "service");
        if (strcmp(r->facts.items[i]->type, "sc.service") == 0 && s && strcmp(s, name) == 0)
            return r->facts.items[i];
    }
    fail_msg("no sc.service for %s", name);
    return NULL;
}

static void test_qc_share_process(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "[SC] QueryServiceConfig SUCCESS\r\n"
            "\r\n"
            "SERVICE_NAME: EventSystem\r\n"
            "        TYPE               : 20  WIN32_SHARE_PROCESS\r\n"
            "        START_TYPE         : 2   AUTO_START\r\n"
            "        ERROR_CONTROL      : 1   NORMAL\r\n"
            "        BINARY_PATH_NAME   : C:\\Windows\\system32\\svchost.exe -k LocalService\r\n"
            "        LOAD_ORDER_GROUP   :\r\n"
            "        TAG                : 0\r\n"
            "        DISPLAY_NAME       : COM+ Event System\r\n"
            "        DEPENDENCIES       : rpcss\r\n"
            "        SERVICE_START_NAME : NT AUTHORITY\\LocalService\r\n");
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.score, 90);
    assert_string_equal(r.best, KIND);
    assert_int_equal(r.facts.n, 1);
    const kb_fact *f = service(&r, "EventSystem");
    field_is(f, "type", "20");
    field_is(f, "type_name", "WIN32_SHARE_PROCESS");
    field_is(f, "own_process", "no");
    field_is(f, "start_type", "2");
    field_is(f, "binary_path", "C:\\Windows\\system32\\svchost.exe -k LocalService");
    field_is(f, "display_name", "COM+ Event System");
    assert_null(kb_fact_get(f, "state")); /* sc qc prints no state */
    assert_null(kb_fact_get(f, "pid"));
    assert_int_equal(f->line, 3);
    assert_int_equal(f->line_end, 12);
    /* The evidence is the whole block. */
    assert_non_null(f->text);
    assert_memory_equal(f->text, "SERVICE_NAME: EventSystem\n", strlen("SERVICE_NAME: EventSystem\n"));
    assert_non_null(strstr(f->text, "\n        SERVICE_START_NAME : NT AUTHORITY\\LocalService"));
    assert_null(f->after);
    assert_int_equal(r.inputs.items[0].facts, 1);
    done(&r);
}

static void test_qc_own_process(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\>sc qc EventSystem\r\n"
            "[SC] QueryServiceConfig SUCCESS\r\n"
            "\r\n"
            "SERVICE_NAME: EventSystem\r\n"
            "        TYPE               : 10  WIN32_OWN_PROCESS\r\n"
            "        START_TYPE         : 2   AUTO_START\r\n"
            "        ERROR_CONTROL      : 1   NORMAL\r\n"
            "        BINARY_PATH_NAME   : C:\\Windows\\system32\\svchost.exe -k LocalServiceNetworkRestricted\r\n"
            "        DISPLAY_NAME       : COM+ Event System\r\n");
    const kb_fact *f = service(&r, "EventSystem");
    field_is(f, "type", "10");
    field_is(f, "type_name", "WIN32_OWN_PROCESS");
    field_is(f, "own_process", "yes");
    field_is(f, "binary_path",
             "C:\\Windows\\system32\\svchost.exe -k LocalServiceNetworkRestricted");
    assert_int_equal(f->line, 4);
    done(&r);
}

static void test_interactive_own_process(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "SERVICE_NAME: LegacySvc\r\n"
            "        TYPE               : 110  WIN32_OWN_PROCESS  (interactive)\r\n"
            "        START_TYPE         : 3   DEMAND_START\r\n");
    const kb_fact *f = service(&r, "LegacySvc");
    field_is(f, "type", "110");
    field_is(f, "type_name", "WIN32_OWN_PROCESS  (interactive)");
    field_is(f, "own_process", "yes");
    field_is(f, "start_type", "3");
    done(&r);
}

static void test_queryex_state_and_pid(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "\r\n"
            "SERVICE_NAME: EventSystem\r\n"
            "        TYPE               : 30  WIN32\r\n"
            "        STATE              : 4  RUNNING\r\n"
            "                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\r\n"
            "        WIN32_EXIT_CODE    : 0  (0x0)\r\n"
            "        SERVICE_EXIT_CODE  : 0  (0x0)\r\n"
            "        CHECKPOINT         : 0x0\r\n"
            "        WAIT_HINT          : 0x0\r\n"
            "        PID                : 816\r\n"
            "        FLAGS              :\r\n");
    assert_int_equal(r.score, 90);
    assert_string_equal(r.best, KIND);
    const kb_fact *f = service(&r, "EventSystem");
    field_is(f, "type", "30");
    field_is(f, "type_name", "WIN32");
    field_is(f, "own_process", "yes (share process running alone)");
    field_is(f, "state", "4");
    field_is(f, "state_name", "RUNNING");
    field_is(f, "win32_exit_code", "0");
    field_is(f, "pid", "816");
    assert_int_equal(f->line, 2);
    assert_int_equal(f->line_end, 11);
    done(&r);
}

static void test_queryex_two_services(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "SERVICE_NAME: EventSystem\r\n"
            "        TYPE               : 20  WIN32_SHARE_PROCESS\r\n"
            "        STATE              : 4  RUNNING\r\n"
            "                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\r\n"
            "        PID                : 816\r\n"
            "        FLAGS              :\r\n"
            "\r\n"
            "SERVICE_NAME: VSS\r\n"
            "        TYPE               : 10  WIN32_OWN_PROCESS\r\n"
            "        STATE              : 1  STOPPED\r\n"
            "        WIN32_EXIT_CODE    : 0  (0x0)\r\n"
            "        PID                : 0\r\n"
            "        FLAGS              :\r\n");
    assert_int_equal(r.facts.n, 2);
    const kb_fact *es = service(&r, "EventSystem");
    field_is(es, "own_process", "no");
    field_is(es, "state", "4");
    field_is(es, "state_name", "RUNNING");
    field_is(es, "pid", "816");
    assert_int_equal(es->line, 1);
    assert_int_equal(es->line_end, 6);
    const kb_fact *vss = service(&r, "VSS");
    field_is(vss, "own_process", "yes");
    field_is(vss, "state", "1");
    field_is(vss, "state_name", "STOPPED");
    field_is(vss, "pid", "0");
    assert_int_equal(vss->line, 8);
    assert_int_equal(vss->line_end, 13);
    assert_string_equal(vss->text, "SERVICE_NAME: VSS\n"
                                   "        TYPE               : 10  WIN32_OWN_PROCESS\n"
                                   "        STATE              : 1  STOPPED\n"
                                   "        WIN32_EXIT_CODE    : 0  (0x0)\n"
                                   "        PID                : 0\n"
                                   "        FLAGS              :");
    done(&r);
}

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

/* Regression: every later line with a colon once extended the current
 * block, so the prompt of the next command and the error of a failed
 * `sc qc` (lines 9-14) became part of EventSystem's block and its evidence;
 * the block ends at line 7. */
static void test_block_ends_at_block(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\>sc qc EventSystem\r\n"
            "[SC] QueryServiceConfig SUCCESS\r\n"
            "\r\n"
            "SERVICE_NAME: EventSystem\r\n"
            "        TYPE               : 20  WIN32_SHARE_PROCESS\r\n"
            "        START_TYPE         : 2   AUTO_START\r\n"
            "        SERVICE_START_NAME : NT AUTHORITY\\LocalService\r\n"
            "\r\n"
            "C:\\>sc qc NoSuchSvc\r\n"
            "[SC] OpenService FAILED 1060:\r\n"
            "\r\n"
            "The specified service does not exist as an installed service.\r\n"
            "\r\n"
            "C:\\>\r\n");
    uint32_t line_end = service(&r, "EventSystem")->line_end;
    done(&r);
    assert_int_equal(line_end, 7);
}


/* DEPENDENCIES continue on lines with an empty label; DISABLED keeps its
 * number; two blocks in one file. */
static void test_dependencies_and_start_type(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "sc_qc_eventsystem_disabled.txt", SAVED_CRLF, NULL);
    assert_string_equal(r.best, KIND);
    assert_int_equal(r.facts.n, 2);
    FIELDS(service(&r, "EventSystem"), "start_type", "4", "start_type_name", "DISABLED", "dependencies", "rpcss",
           "installed", "yes", "own_process", "no");
    const kb_fact *com = service(&r, "COMSysApp");
    FIELDS(com, "start_type", "3", "start_type_name", "DEMAND_START", "dependencies", "RpcSs, EventSystem",
           "own_process", "yes");
    assert_int_equal(com->line, 16);
    assert_int_equal(com->line_end, 26);
    assert_non_null(strstr(com->text, "                           : EventSystem"));
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    done(&r);
    run_sample(&r, "sc_queryex_vss.txt", SAVED_UTF16LE_BOM, NULL);
    FIELDS(service(&r, "VSS"), "state", "1", "state_name", "STOPPED", "win32_exit_code", "1077", "pid", "0");
    done(&r);
}

/* `sc qc` of a service that is not installed: a fact saying so, for the
 * service the prompt echo names; without an echo, a note. */
static void test_not_installed(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\Windows\\system32>sc qc swprv\r\n"
            "[SC] OpenService FAILED 1060:\r\n"
            "\r\n"
            "The specified service does not exist as an installed service.\r\n"
            "\r\n"
            "C:\\Windows\\system32>sc.exe queryex VSS\r\n"
            "[SC] OpenService FAILED 5:\r\n"
            "\r\n"
            "Access is denied.\r\n"
            "\r\n"
            "SERVICE_NAME: EventSystem\r\n"
            "        TYPE               : 20  WIN32_SHARE_PROCESS\r\n");
    assert_string_equal(r.best, KIND);
    const kb_fact *f = service(&r, "swprv");
    FIELDS(f, "installed", "no", "type", NULL);
    assert_int_equal(f->line, 2);
    assert_string_equal(note_at(&r, "line 7"), "sc failed (error 5) for VSS: nothing read");
    FIELDS(service(&r, "EventSystem"), "installed", "yes");
    done(&r);
    RUN(&r, "[SC] OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n"
            "SERVICE_NAME: x\r\n  TYPE : 10  WIN32_OWN_PROCESS\r\n");
    assert_non_null(strstr(note_at(&r, "line 1"), "no command echo names it"));
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qc_share_process),
        cmocka_unit_test(test_qc_own_process),
        cmocka_unit_test(test_interactive_own_process),
        cmocka_unit_test(test_queryex_state_and_pid),
        cmocka_unit_test(test_queryex_two_services),
        cmocka_unit_test(test_sniff_rejects_other_text),
        cmocka_unit_test(test_block_ends_at_block),
        cmocka_unit_test(test_dependencies_and_start_type),
        cmocka_unit_test(test_not_installed),
    };
    return cmocka_run_group_tests_name("sc", tests, NULL, NULL);
}
