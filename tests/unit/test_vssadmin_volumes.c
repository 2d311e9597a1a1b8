/* test_vssadmin_volumes.c: the `vssadmin list volumes` parser
 * (parsers/text/vssadmin_volumes.c), run as the scan driver runs it:
 * paths with their volume GUID paths (drive letters, a mount folder, a
 * volume without one), no indentation (web copies), labels of a language
 * nobody listed, the saved encodings, and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "vssadmin_volumes"
#define INPUT_NAME "vssadmin_list_volumes.txt"

#include "text_harness.h"
#include "sample_text.h"

static void test_sample_every_encoding(void **state)
{
    (void)state;
    static const saved_as ways[] = {SAVED_UTF8, SAVED_CRLF, SAVED_UTF16LE_BOM, SAVED_OEM};
    for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
        parsed r;
        run_sample(&r, "vssadmin_list_volumes.txt", ways[k], "CP437");
        assert_int_equal(r.status, KB_OK);
        assert_int_equal(r.score, 90);
        assert_string_equal(r.best, KIND);
        assert_string_equal(r.inputs.items[0].locale, "en");
        assert_int_equal(r.inputs.items[0].nnotes, 0);
        assert_int_equal(count(&r, "vssadmin.volume"), 3);
        FIELDS(nth(&r, "vssadmin.run", 0), "command", "list volumes", "status", "ok", "items", "3");
        const kb_fact *v = nth(&r, "vssadmin.volume", 0);
        FIELDS(v, "path", "C:\\", "name", "\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\", "guid",
               "{67a44989-8413-4a7c-a616-79385dae8605}", "run", "1", "latest", "yes");
        assert_int_equal(v->line, 4);
        assert_int_equal(v->line_end, 5);
        FIELDS(nth(&r, "vssadmin.volume", 2), "path", "F:\\", "guid", "{8c7d6e5f-4a3b-4c2d-9e1f-0a9b8c7d6e5f}");
        done(&r);
    }
}

static void test_mount_folder_and_no_letter(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "vssadmin 1.1 - Ilo por administri la ombrokopian servon\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "Voja nomo: C:\\Mount\\Data\\\r\n"
            "Volumo: \\\\?\\Volume{3B5F1C2D-9E8A-4F7B-A6C5-1D2E3F4A5B6C}\\\r\n"
            "Voja nomo: \\\\?\\Volume{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}\\\r\n"
            "Volumo: \\\\?\\Volume{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}\\\r\n"
            "stray text\r\n");
    assert_string_equal(r.best, KIND);
    assert_null(r.inputs.items[0].locale);
    FIELDS(nth(&r, "vssadmin.volume", 0), "path", "C:\\Mount\\Data\\", "guid", "{3b5f1c2d-9e8a-4f7b-a6c5-1d2e3f4a5b6c}");
    FIELDS(nth(&r, "vssadmin.volume", 1), "path", "\\\\?\\Volume{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}\\");
    assert_string_equal(note_at(&r, "line 8"), "line not understood as part of a volume list");
    done(&r);
}

static void test_sniff_rejects_other_subcommands(void **state)
{
    (void)state;
    static const char *const names[] = {
        "vssadmin_list_shadowstorage.txt", "vssadmin_list_shadowstorage_none.txt", "vssadmin_list_writers.txt",
        "vssadmin_list_shadows.txt", "vssadmin_list_providers.txt", "vssadmin_sdp_combined.txt",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        parsed r;
        run_sample(&r, names[i], SAVED_CRLF, NULL);
        if (r.score != 0)
            fail_msg("%s: sniff %d", names[i], r.score);
        done(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_every_encoding),
        cmocka_unit_test(test_mount_folder_and_no_letter),
        cmocka_unit_test(test_sniff_rejects_other_subcommands),
    };
    return cmocka_run_group_tests_name("vssadmin_volumes", tests, NULL, NULL);
}
