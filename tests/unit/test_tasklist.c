/* test_tasklist.c: the `tasklist /svc` parser (parsers/text/tasklist.c), run as
 * the scan driver runs it (decode, sniff, parse): the default table with its
 * "=== ===" rule line and wrapped service lists, a Japanese header in CP932,
 * /FO CSV with and without header, /FO LIST, rows cut by findstr, the INFO
 * "no tasks" line, service counts, and sniffing. */
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

/* The process fact with this PID. */
static const kb_fact *pid(const parsed *r, const char *want)
{
    for (size_t i = 0; i < r->facts.n; i++) {
        const char *p = kb_fact_get(r->facts.items[i], "pid");
        if (strcmp(r->facts.items[i]->type, "tasklist.process") == 0 && p && strcmp(p, want) == 0)
            return r->facts.items[i];
    }
    fail_msg("no process with PID %s", want);
    return NULL;
}

static void process_is(const parsed *r, const char *p, const char *image, const char *services,
                       const char *service_count)
{
    const kb_fact *f = pid(r, p);
    field_is(f, "image", image);
    field_is(f, "services", services);
    field_is(f, "service_count", service_count);
}

#define RULE "========================= ======== ============================================\r\n"

static const char english_table[] =
    "\r\n"
    "Image Name                     PID Services\r\n"
    RULE
    "System Idle Process              0 N/A\r\n"
    "System                           4 N/A\r\n"
    "lsass.exe                      528 KeyIso, Netlogon, SamSs\r\n"
    "svchost.exe                    592 BrokerInfrastructure, DcomLaunch, LSM,\r\n"
    "                                   PlugPlay, Power, SystemEventsBroker\r\n"
    "svchost.exe                    816 EventSystem, FontCache, netprofm, nsi\r\n"
    "svchost.exe                    780 AudioEndpointBuilder, CertPropSvc,\r\n"
    "                                   DsmSvc, gpsvc, iphlpsvc, LanmanServer,\r\n"
    "                                   ProfSvc, Schedule, SENS, SessionEnv,\r\n"
    "                                   ShellHWDetection, Themes, Winmgmt\r\n"
    "VSSVC.exe                     2904 VSS\r\n"
    "tasklist.exe                  3344 N/A\r\n"
    "\r\n"
    "C:\\Windows\\system32>\r\n";

static void test_table(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, english_table);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.score, 85);
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "tasklist.listing"), 1);
    assert_int_equal(count(&r, "tasklist.process"), 8);
    const kb_fact *l = nth(&r, "tasklist.listing", 0);
    field_is(l, "format", "table");
    field_is(l, "processes", "8");

    process_is(&r, "0", "System Idle Process", "", "0");
    process_is(&r, "4", "System", "", "0");
    process_is(&r, "528", "lsass.exe", "KeyIso, Netlogon, SamSs", "3");
    process_is(&r, "816", "svchost.exe", "EventSystem, FontCache, netprofm, nsi", "4");
    process_is(&r, "2904", "VSSVC.exe", "VSS", "1");
    process_is(&r, "3344", "tasklist.exe", "", "0");
    assert_int_equal(pid(&r, "816")->line, 9);
    assert_int_equal(pid(&r, "816")->line_end, 9);
    assert_string_equal(r.inputs.items[0].locale, "en");
    done(&r);
}

static void test_table_wrapped_services_joined(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, english_table);
    process_is(&r, "592", "svchost.exe",
               "BrokerInfrastructure, DcomLaunch, LSM, PlugPlay, Power, SystemEventsBroker", "6");
    const kb_fact *f = pid(&r, "592");
    assert_int_equal(f->line, 7);
    assert_int_equal(f->line_end, 8); /* the evidence includes the continuation line */
    assert_string_equal(f->text,
                        "svchost.exe                    592 BrokerInfrastructure, DcomLaunch, LSM,\n"
                        "                                   PlugPlay, Power, SystemEventsBroker");
    process_is(&r, "780", "svchost.exe",
               "AudioEndpointBuilder, CertPropSvc, DsmSvc, gpsvc, iphlpsvc, LanmanServer, "
               "ProfSvc, Schedule, SENS, SessionEnv, ShellHWDetection, Themes, Winmgmt",
               "13");
    f = pid(&r, "780");
    assert_int_equal(f->line, 10);
    assert_int_equal(f->line_end, 13);
    done(&r);
}

/* Japanese Windows, cmd.exe, CP932: "イメージ名  PID サービス", and an image
 * name of double-width characters ("テスト.exe", 7 characters, 10 columns)
 * padded by display width. */
static const char japanese_table[] =
    "\r\n"
    "\x83\x43\x83\x81\x81\x5B\x83\x57\x96\xBC                     PID "
    "\x83\x54\x81\x5B\x83\x72\x83\x58\r\n"
    RULE
    "System                           4 N/A\r\n"
    "svchost.exe                    816 EventSystem, FontCache, netprofm, nsi\r\n"
    "\x83\x65\x83\x58\x83\x67.exe                    4242 TestSvc\r\n"
    "svchost.exe                    868 CryptSvc, Dnscache, LanmanWorkstation,\r\n"
    "                                   NlaSvc, WinRM\r\n";

static void test_japanese_header(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, japanese_table);
    assert_int_equal(r.status, KB_OK);
    assert_string_equal(r.best, KIND);
    assert_string_equal(r.inputs.items[0].encoding, "CP932");
    assert_string_equal(r.inputs.items[0].locale, "ja");
    field_is(nth(&r, "tasklist.listing", 0), "format", "table");
    field_is(nth(&r, "tasklist.listing", 0), "processes", "4");
    process_is(&r, "4", "System", "", "0");
    process_is(&r, "816", "svchost.exe", "EventSystem, FontCache, netprofm, nsi", "4");
    process_is(&r, "4242", "テスト.exe", "TestSvc", "1");
    process_is(&r, "868", "svchost.exe", "CryptSvc, Dnscache, LanmanWorkstation, NlaSvc, WinRM",
               "5");
    done(&r);
}

static const char csv_rows[] =
    "\"System Idle Process\",\"0\",\"N/A\"\r\n"
    "\"svchost.exe\",\"816\",\"EventSystem,FontCache,netprofm,nsi\"\r\n"
    "\"svchost.exe\",\"592\",\"BrokerInfrastructure,DcomLaunch,LSM,PlugPlay,Power,SystemEventsBroker\"\r\n"
    "\"VSSVC.exe\",\"2904\",\"VSS\"\r\n";

static void check_csv(const parsed *r, uint32_t first_row)
{
    assert_int_equal(r->status, KB_OK);
    assert_int_equal(r->score, 80);
    assert_string_equal(r->best, KIND);
    assert_int_equal(count(r, "tasklist.process"), 4);
    const kb_fact *l = nth(r, "tasklist.listing", 0);
    field_is(l, "format", "csv");
    field_is(l, "processes", "4");
    assert_int_equal(l->line, first_row);
    process_is(r, "0", "System Idle Process", "", "0");
    process_is(r, "816", "svchost.exe", "EventSystem, FontCache, netprofm, nsi", "4");
    process_is(r, "592", "svchost.exe",
               "BrokerInfrastructure, DcomLaunch, LSM, PlugPlay, Power, SystemEventsBroker", "6");
    process_is(r, "2904", "VSSVC.exe", "VSS", "1");
    assert_int_equal(pid(r, "816")->line, first_row + 1);
}

static void test_csv_with_header(void **state)
{
    (void)state;
    static const char csv[] = "\"Image Name\",\"PID\",\"Services\"\r\n";
    char text[1024];
    snprintf(text, sizeof text, "%s%s", csv, csv_rows);
    parsed r;
    run(&r, text, strlen(text));
    check_csv(&r, 2);
    assert_int_equal(count(&r, "tasklist.process"), 4); /* the header is not a process */
    done(&r);
}

static void test_csv_without_header(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, csv_rows);
    check_csv(&r, 1);
    done(&r);
}

static void test_csv_quotes_in_field(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "\"Image Name\",\"PID\",\"Services\"\r\n"
            "\"we\"\"ird.exe\",\"77\",\"A,B\"\r\n");
    process_is(&r, "77", "we\"ird.exe", "A, B", "2");
    done(&r);
}

static const char list_format[] =
    "\r\n"
    "Image Name:   System Idle Process\r\n"
    "PID:          0\r\n"
    "Services:     N/A\r\n"
    "\r\n"
    "Image Name:   svchost.exe\r\n"
    "PID:          816\r\n"
    "Services:     EventSystem\r\n"
    "              FontCache\r\n"
    "              netprofm\r\n"
    "              nsi\r\n"
    "\r\n"
    "Image Name:   VSSVC.exe\r\n"
    "PID:          2904\r\n"
    "Services:     VSS\r\n";

static void test_list(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, list_format);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.score, 80);
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "tasklist.process"), 3);
    const kb_fact *l = nth(&r, "tasklist.listing", 0);
    field_is(l, "format", "list");
    field_is(l, "processes", "3");
    process_is(&r, "0", "System Idle Process", "", "0");
    process_is(&r, "816", "svchost.exe", "EventSystem, FontCache, netprofm, nsi", "4");
    process_is(&r, "2904", "VSSVC.exe", "VSS", "1");
    assert_int_equal(pid(&r, "816")->line, 6);
    assert_int_equal(pid(&r, "816")->line_end, 11);
    assert_string_equal(r.inputs.items[0].locale, "en");
    done(&r);
}

static void test_list_japanese_labels(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "イメージ名:   svchost.exe\n"
            "PID:          816\n"
            "サービス:     EventSystem\n"
            "              FontCache\n");
    field_is(nth(&r, "tasklist.listing", 0), "format", "list");
    process_is(&r, "816", "svchost.exe", "EventSystem, FontCache", "2");
    assert_string_equal(r.inputs.items[0].locale, "ja");
    done(&r);
}

/* `tasklist /svc | findstr svchost`: no header, no rule line, and the
 * wrapped continuation lines are cut away. */
static void test_findstr_rows(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "svchost.exe                    592 BrokerInfrastructure, DcomLaunch, LSM,\r\n"
            "svchost.exe                    816 EventSystem, FontCache, netprofm, nsi\r\n"
            "svchost.exe                    940 BFE, DPS, MpsSvc\r\n");
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.score, 50);
    assert_string_equal(r.best, KIND);
    const kb_fact *l = nth(&r, "tasklist.listing", 0);
    field_is(l, "format", "rows");
    field_is(l, "processes", "3");
    process_is(&r, "592", "svchost.exe", "BrokerInfrastructure, DcomLaunch, LSM", "3");
    process_is(&r, "816", "svchost.exe", "EventSystem, FontCache, netprofm, nsi", "4");
    process_is(&r, "940", "svchost.exe", "BFE, DPS, MpsSvc", "3");
    assert_int_equal(pid(&r, "940")->line, 3);
    assert_null(r.inputs.items[0].locale);
    done(&r);
}

/* Rows copied without header but with their continuation lines. */
static void test_rows_with_continuation(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "svchost.exe                    868 CryptSvc, Dnscache, LanmanWorkstation,\r\n"
            "                                   NlaSvc, WinRM\r\n"
            "svchost.exe                    816 EventSystem, FontCache\r\n");
    field_is(nth(&r, "tasklist.listing", 0), "format", "rows");
    process_is(&r, "868", "svchost.exe", "CryptSvc, Dnscache, LanmanWorkstation, NlaSvc, WinRM", "5");
    process_is(&r, "816", "svchost.exe", "EventSystem, FontCache", "2");
    done(&r);
}

static void test_info_no_tasks(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "INFO: No tasks are running which match the specified criteria.\r\n");
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.score, 70);
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "tasklist.process"), 0);
    const kb_fact *l = nth(&r, "tasklist.listing", 0);
    field_is(l, "format", "info");
    field_is(l, "processes", "0");
    done(&r);

    /* 情報: 指定された条件に一致するタスクは実行されていません。 (CP932) */
    RUN(&r, "\x8F\xEE\x95\xF1: \x8E\x77\x92\xE8\x82\xB3\x82\xEA\x82\xBD\x8F\xF0\x8C\x8F\x82\xC9"
            "\x88\xEA\x92\x76\x82\xB7\x82\xE9\x83\x5E\x83\x58\x83\x4E\x82\xCD\x8E\xC0\x8D\x73\x82\xB3"
            "\x82\xEA\x82\xC4\x82\xA2\x82\xDC\x82\xB9\x82\xF1\x81\x42\r\n");
    assert_int_equal(r.score, 70);
    field_is(nth(&r, "tasklist.listing", 0), "format", "info");
    field_is(nth(&r, "tasklist.listing", 0), "processes", "0");
    done(&r);
}

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

/* Regression: a console prompt echoed above findstr output, such as
 *   C:\Windows\system32>tasklist /svc | findstr 816
 * once split by shape into a process (image "C:\Windows\system32>tasklist
 * /svc | findstr", PID 816). */
static void test_prompt_is_not_a_process(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\Windows\\system32>tasklist /svc | findstr 816\r\n"
            "svchost.exe                    816 EventSystem, FontCache\r\n"
            "\r\n"
            "C:\\Windows\\system32>\r\n");
    size_t n = count(&r, "tasklist.process");
    done(&r);
    assert_int_equal(n, 1);
}

/* Regression: two tables in one file once gave one listing with both
 * tables' processes; docs/facts.md says one listing per table. */
static void test_listing_per_table(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "Image Name                     PID Services\r\n"
            RULE
            "svchost.exe                    816 EventSystem, FontCache\r\n"
            "\r\n"
            "C:\\>tasklist /svc\r\n"
            "\r\n"
            "Image Name                     PID Services\r\n"
            RULE
            "svchost.exe                    820 EventSystem\r\n");
    size_t n = count(&r, "tasklist.listing");
    done(&r);
    assert_int_equal(n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_table_wrapped_services_joined),
        cmocka_unit_test(test_japanese_header),
        cmocka_unit_test(test_csv_with_header),
        cmocka_unit_test(test_csv_without_header),
        cmocka_unit_test(test_csv_quotes_in_field),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_list_japanese_labels),
        cmocka_unit_test(test_findstr_rows),
        cmocka_unit_test(test_rows_with_continuation),
        cmocka_unit_test(test_info_no_tasks),
        cmocka_unit_test(test_sniff_rejects_other_text),
        cmocka_unit_test(test_prompt_is_not_a_process),
        cmocka_unit_test(test_listing_per_table),
    };
    return cmocka_run_group_tests_name("tasklist", tests, NULL, NULL);
}
