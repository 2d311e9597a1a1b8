/* test_wbadmin.c: the `wbadmin get versions` parser (parsers/text/wbadmin.c),
 * run as the scan driver runs it: versions with their UTC identifier as
 * the time, targets and what they can recover, "No backup was found", other
 * errors, a listing cut after its banner, versions without blank lines
 * between them, labels of a language nobody listed, and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "wbadmin_versions"
#define INPUT_NAME "wbadmin_get_versions.txt"

#include "text_harness.h"
#include "sample_text.h"

static void test_sample_every_encoding(void **state)
{
    (void)state;
    static const saved_as ways[] = {SAVED_UTF8, SAVED_CRLF, SAVED_UTF16LE_BOM, SAVED_OEM};
    for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
        parsed r;
        run_sample(&r, "wbadmin_get_versions.txt", ways[k], "CP437");
        assert_int_equal(r.status, KB_OK);
        assert_int_equal(r.score, 90);
        assert_string_equal(r.best, KIND);
        assert_string_equal(r.inputs.items[0].locale, "en");
        assert_int_equal(r.inputs.items[0].nnotes, 0);
        FIELDS(nth(&r, "wbadmin.versions", 0), "status", "ok", "count", "2", "latest_version", "09/21/2020-23:00",
               "latest_time", "2020-09-21T23:00:00Z", "error", NULL, "latest", "yes");
        const kb_fact *v = nth(&r, "wbadmin.version", 0);
        FIELDS(v, "backup_time", "9/20/2020 4:00 PM", "version_id", "09/20/2020-23:00", "time", "2020-09-20T23:00:00Z",
               "target", "Fixed Disk labeled F:", "can_recover",
               "Volume(s), File(s), Application(s), Bare Metal Recovery, System State", "system_state", "yes",
               "bare_metal", "yes", "snapshot_id", "{6f4e2c8a-1b3d-4e5f-9a7c-8d6b5e4f3a21}");
        assert_int_equal(v->line, 4);
        assert_int_equal(v->line_end, 8);
        char iso[40];
        kb_time_format(v->time, iso, sizeof iso);
        assert_string_equal(iso, "2020-09-20T23:00:00Z"); /* the fact's time, for time relations */
        FIELDS(nth(&r, "wbadmin.version", 1), "target", "Network Share labeled \\\\10.10.14.4\\blackfieldA",
               "system_state", "no", "bare_metal", "no", "snapshot_id", NULL);
        done(&r);
    }
}

static void test_no_backup_and_errors(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "wbadmin_get_versions_none.txt", SAVED_CRLF, NULL);
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "wbadmin.version"), 0);
    FIELDS(nth(&r, "wbadmin.versions", 0), "status", "none", "count", "0", "error", "ERROR - No backup was found.",
           "latest_version", NULL);
    done(&r);
    RUN(&r, "wbadmin 1.0 - Backup command-line tool\r\n"
            "(C) Copyright Microsoft Corporation. All rights reserved.\r\n"
            "\r\n"
            "ERROR - The backup storage location is not available.\r\n");
    FIELDS(nth(&r, "wbadmin.versions", 0), "status", "error", "error",
           "ERROR - The backup storage location is not available.");
    done(&r);
    /* The banner alone: cut, never "no backup". */
    RUN(&r, "wbadmin 1.0 - Backup command-line tool\r\n"
            "(C) Copyright Microsoft Corporation. All rights reserved.\r\n");
    FIELDS(nth(&r, "wbadmin.versions", 0), "status", "error", "count", "0");
    assert_non_null(note_at(&r, "line 1"));
    done(&r);
}

/* A web copy without the blank lines; a second run; a language nobody
 * listed (only the identifier and the GUID are read); a cut block. */
static void test_shapes(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\>wbadmin get versions\r\n"
            "wbadmin 1.0 - Backup command-line tool\r\n"
            "Backup time: 9/20/2020 4:00 PM\r\n"
            "Backup target: Fixed Disk labeled F:\r\n"
            "Version identifier: 09/20/2020-23:00\r\n"
            "Can recover: Volume(s)\r\n"
            "Backup time: 9/22/2020 4:00 PM\r\n"
            "Backup target: Fixed Disk labeled F:\r\n"
            "Version identifier: 09/22/2020-23:00\r\n"
            "Can recover: Volume(s), System State\r\n"
            "WBADMIN 1.0 - Outil de sauvegarde\r\n"
            "Heure: 21/09/2020 16:00\r\n"
            "Identifiant: 09/21/2020-23:00\r\n"
            "Cliche: {6f4e2c8a-1b3d-4e5f-9a7c-8d6b5e4f3a21}\r\n"
            "\r\n"
            "Backup time: 9/23/2020 4:00 PM\r\n"
            "Backup target: Fixed Disk labeled F:\r\n");
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "wbadmin.versions"), 2);
    FIELDS(nth(&r, "wbadmin.versions", 0), "count", "2", "latest_version", "09/22/2020-23:00", "latest", "no");
    FIELDS(nth(&r, "wbadmin.version", 0), "version_id", "09/20/2020-23:00", "can_recover", "Volume(s)",
           "system_state", "no");
    assert_int_equal(nth(&r, "wbadmin.version", 0)->line, 3);
    assert_int_equal(nth(&r, "wbadmin.version", 0)->line_end, 6);
    FIELDS(nth(&r, "wbadmin.version", 1), "version_id", "09/22/2020-23:00", "system_state", "yes");
    assert_int_equal(nth(&r, "wbadmin.version", 1)->line, 7);
    FIELDS(nth(&r, "wbadmin.versions", 1), "count", "1", "latest", "yes", "run", "2");
    FIELDS(nth(&r, "wbadmin.version", 2), "version_id", "09/21/2020-23:00", "time", "2020-09-21T23:00:00Z",
           "snapshot_id", "{6f4e2c8a-1b3d-4e5f-9a7c-8d6b5e4f3a21}", "backup_time", NULL, "latest", "yes");
    assert_non_null(note_at(&r, "line 12")); /* the label nobody listed */
    assert_non_null(strstr(note_at(&r, "line 16"), "without a version identifier"));
    done(&r);
}

/* Not a date: 13/45/2020-25:00 is no identifier. */
static void test_bad_identifier(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "wbadmin 1.0 - Backup command-line tool\r\n\r\nVersion identifier: 13/45/2020-25:00\r\n");
    assert_int_equal(count(&r, "wbadmin.version"), 0);
    FIELDS(nth(&r, "wbadmin.versions", 0), "status", "error");
    done(&r);
}

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "",
        "Run wbadmin get versions and send the output.\r\n",
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n",
        "Backup time: 9/20/2020 4:00 PM\r\nBackup target: Fixed Disk labeled F:\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_every_encoding),
        cmocka_unit_test(test_no_backup_and_errors),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_bad_identifier),
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("wbadmin", tests, NULL, NULL);
}
