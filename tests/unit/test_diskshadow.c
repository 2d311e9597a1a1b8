/* test_diskshadow.c: the diskshadow `list writers status` parser
 * (parsers/text/diskshadow.c), run as the scan driver runs it: the writer
 * facts of vssadmin list writers with the printed symbols and HRESULTs, a
 * known HRESULT named as vssadmin names it, bare writer names, a count
 * that does not match, a cut output, and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "diskshadow_writers"
#define INPUT_NAME "diskshadow_writers.txt"

#include "text_harness.h"
#include "sample_text.h"

static void test_sample(void **state)
{
    (void)state;
    static const saved_as ways[] = {SAVED_UTF8, SAVED_CRLF, SAVED_UTF16LE_BOM, SAVED_OEM};
    for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
        parsed r;
        run_sample(&r, "diskshadow_list_writers_status.txt", ways[k], "CP437");
        assert_int_equal(r.score, 90);
        assert_string_equal(r.best, KIND);
        assert_int_equal(r.inputs.items[0].nnotes, 0);
        FIELDS(nth(&r, "vssadmin.listing", 0), "status", "ok", "writers", "2", "latest", "yes", "tool", "diskshadow",
               "banner", "Microsoft DiskShadow version 1.0", "copyright", "2013");
        FIELDS(nth(&r, "vssadmin.writer", 0), "name", "System Writer", "state", "5", "state_name",
               "Waiting for backup complete", "state_text", "VSS_WS_WAITING_FOR_BACKUP_COMPLETE", "last_error",
               "No error", "last_error_code", "0x00000000", "writer_id", "{e8132975-6f93-4464-a53e-1050253ae220}",
               "instance_id", "{7e631031-c695-4229-9da1-a7de057e64cb}", "tool", "diskshadow");
        const kb_fact *sql = nth(&r, "vssadmin.writer", 1);
        FIELDS(sql, "name", "SqlServerWriter", "state", "8", "state_name", "Failed", "last_error",
               "Non-retryable error", "last_error_code", "0x800423F4", "last_error_text",
               "0x800423f4 (VSS_E_WRITERERROR_NONRETRYABLE)");
        assert_int_equal(sql->line, 15);
        assert_int_equal(sql->line_end, 19);
        done(&r);
    }
}

static void test_shapes(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "Microsoft DiskShadow version 1.0\r\n"
            "DISKSHADOW> list writers status\r\n"
            "* WRITER System Writer\r\n"
            "        - Status: 11 (VSS_WS_FAILED_AT_POST_SNAPSHOT)\r\n"
            "        - Writer Failure code: 0x80042318 (VSS_E_WRITER_INFRASTRUCTURE)\r\n"
            "        - Writer ID: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
            "        - Instance ID: {7e631031-c695-4229-9da1-a7de057e64cb}\r\n"
            "* WRITER \"Cut Writer\"\r\n"
            "        - Status: 1 (VSS_WS_STABLE)\r\n"
            "2 writers listed.\r\n");
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "vssadmin.writer", 0), "name", "System Writer", "state", "11", "state_name", "Failed",
           "last_error", "VSS_E_WRITER_INFRASTRUCTURE", "last_error_code", "0x80042318");
    FIELDS(nth(&r, "vssadmin.listing", 0), "writers", "1", "status", "ok");
    assert_string_equal(note_at(&r, "line 10"), "diskshadow says 2 writers, 1 were read");
    assert_non_null(note_at(&r, "line 8"));
    done(&r);
    /* The banner and nothing else: cut, never zero writers. */
    RUN(&r, "Microsoft DiskShadow version 1.0\r\nCopyright (C) 2013 Microsoft Corporation\r\n");
    FIELDS(nth(&r, "vssadmin.listing", 0), "status", "error", "writers", "0");
    done(&r);
}

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "",
        "Microsoft DiskShadow version 1.0\r\nDISKSHADOW> exit\r\n",
        "* WRITER \"System Writer\"\r\n  - Status: 5\r\n",
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("diskshadow", tests, NULL, NULL);
}
