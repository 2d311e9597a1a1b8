/* test_vssadmin_shadows.c: the `vssadmin list shadows` parser
 * (parsers/text/vssadmin_shadows.c), run as the scan driver runs it: sets
 * with one and with several shadow copies, volumes by letter and GUID,
 * "No items found" under its header (psSDP), a set cut short, details of a
 * language nobody listed (by place), the saved encodings, and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "vssadmin_shadows"
#define INPUT_NAME "vssadmin_list_shadows.txt"

#include "text_harness.h"
#include "sample_text.h"

static void test_sample_every_encoding(void **state)
{
    (void)state;
    static const saved_as ways[] = {SAVED_UTF8, SAVED_CRLF, SAVED_UTF16LE_BOM, SAVED_OEM};
    for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
        parsed r;
        run_sample(&r, "vssadmin_list_shadows.txt", ways[k], "CP850");
        assert_int_equal(r.status, KB_OK);
        assert_int_equal(r.score, 90);
        assert_string_equal(r.best, KIND);
        assert_string_equal(r.inputs.items[0].locale, "en");
        assert_int_equal(r.inputs.items[0].nnotes, 0);
        assert_int_equal(count(&r, "vssadmin.shadow"), 3);
        FIELDS(nth(&r, "vssadmin.run", 0), "command", "list shadows", "command_from", "content", "status", "ok",
               "items", "3", "latest", "yes");
        const kb_fact *s = nth(&r, "vssadmin.shadow", 0);
        FIELDS(s, "set_id", "{43dd2d4b-3a58-487a-842d-564143d0501f}", "set_count", "1", "created",
               "9/10/2021 5:49:26 PM", "shadow_id", "{eef18c41-c6bc-40bb-9863-5491249d2458}", "original_volume", "C:",
               "original_volume_guid", "{67a44989-8413-4a7c-a616-79385dae8605}", "shadow_device",
               "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3", "originating_machine", "FS01.contoso.local",
               "service_machine", "FS01.contoso.local", "provider", "Microsoft Software Shadow Copy provider 1.0",
               "type", "ClientAccessibleWriters", "attributes",
               "Persistent, Client-accessible, No auto release, Differential, Auto recovered", "run", "1", "latest",
               "yes");
        assert_int_equal(s->line, 6);
        assert_int_equal(s->line_end, 13);
        /* Two shadow copies of one set share its id, count and time. */
        FIELDS(nth(&r, "vssadmin.shadow", 1), "set_id", "{b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e}", "set_count", "2",
               "created", "25-08-2022 12:16:16", "original_volume", "E:", "shadow_device",
               "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy7", "type", "ClientAccessible");
        FIELDS(nth(&r, "vssadmin.shadow", 2), "set_id", "{b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e}", "shadow_id",
               "{d4e5f6a7-b8c9-4d0e-9f1a-3b4c5d6e7f80}", "original_volume", "C:");
        done(&r);
    }
}

/* psSDP's header says list shadows; vssadmin found none. */
static void test_no_items_under_header(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "-----------------------------------------------------\r\n"
            "[10/08/2018 09:30:14] VSSAdmin.exe list shadows\r\n"
            "-----------------------------------------------------\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "No items found that satisfy the query.\r\n"
            "\r\n");
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "vssadmin.shadow"), 0);
    FIELDS(nth(&r, "vssadmin.run", 0), "command", "list shadows", "command_from", "header", "status", "empty",
           "items", "0");
    assert_int_equal(nth(&r, "vssadmin.run", 0)->line, 4);
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    done(&r);
}

/* A set whose shadow copies were cut off: what is there is read, and the
 * input says how many are missing. A volume without a letter keeps its
 * GUID path. */
static void test_set_cut_short(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "\r\n"
            "Contents of shadow copy set ID: {b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e}\r\n"
            "   Contained 3 shadow copies at creation time: 25.08.2022 12:16:16\r\n"
            "      Shadow Copy ID: {c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f}\r\n"
            "         Original Volume: \\\\?\\Volume{3b5f1c2d-9e8a-4f7b-a6c5-1d2e3f4a5b6c}\\\r\n"
            "         Shadow Copy Volume: \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy7\r\n"
            "         Originating Machine: FS01.contoso.local\r\n");
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "vssadmin.shadow"), 1);
    FIELDS(nth(&r, "vssadmin.shadow", 0), "set_count", "3", "created", "25.08.2022 12:16:16", "original_volume",
           "\\\\?\\Volume{3b5f1c2d-9e8a-4f7b-a6c5-1d2e3f4a5b6c}\\", "original_volume_guid",
           "{3b5f1c2d-9e8a-4f7b-a6c5-1d2e3f4a5b6c}", "originating_machine", "FS01.contoso.local", "provider", NULL);
    assert_string_equal(note_at(&r, "line 4"), "the set says 3 shadow copies, 1 are listed");
    done(&r);
}

/* Labels nobody listed: the five details by their place; an extra line
 * in English output is noted. */
static void test_details_by_place(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "vssadmin 1.1 - Ilo por administri la ombrokopian servon\r\n"
            "\r\n"
            "Enhavo de aro: {43dd2d4b-3a58-487a-842d-564143d0501f}\r\n"
            "   Enhavis 1 kopiojn je: 2021-09-10 17:49:26\r\n"
            "      Kopio: {eef18c41-c6bc-40bb-9863-5491249d2458}\r\n"
            "         Originala: (C:)\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\r\n"
            "         Kopia volumo: \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3\r\n"
            "         Deveno: FS01\r\n"
            "         Servo: FS02\r\n"
            "         Provizanto: \"Microsoft Software Shadow Copy provider 1.0\"\r\n"
            "         Tipo: ClientAccessible\r\n"
            "         Atributoj: Persistent\r\n");
    assert_string_equal(r.best, KIND);
    assert_null(r.inputs.items[0].locale);
    FIELDS(nth(&r, "vssadmin.shadow", 0), "originating_machine", "FS01", "service_machine", "FS02", "provider",
           "Microsoft Software Shadow Copy provider 1.0", "type", "ClientAccessible", "attributes", "Persistent",
           "created", "2021-09-10 17:49:26");
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    done(&r);
    RUN(&r, "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "\r\n"
            "Contents of shadow copy set ID: {43dd2d4b-3a58-487a-842d-564143d0501f}\r\n"
            "   Contained 1 shadow copies at creation time: 9/10/2021 5:49:26 PM\r\n"
            "      Shadow Copy ID: {eef18c41-c6bc-40bb-9863-5491249d2458}\r\n"
            "         Original Volume: (C:)\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\r\n"
            "         Shadow Copy Volume: \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3\r\n"
            "         Originating Machine: FS01.contoso.local\r\n"
            "         Exposed locally as: X:\\\r\n"
            "         Type: ClientAccessible\r\n");
    FIELDS(nth(&r, "vssadmin.shadow", 0), "originating_machine", "FS01.contoso.local", "type", "ClientAccessible",
           "service_machine", NULL);
    assert_string_equal(note_at(&r, "line 9"), "shadow copy line not understood");
    done(&r);
}

static void test_sniff_rejects_other_subcommands(void **state)
{
    (void)state;
    static const char *const names[] = {
        "vssadmin_list_shadowstorage.txt", "vssadmin_list_shadowstorage_none.txt", "vssadmin_list_writers.txt",
        "vssadmin_list_volumes.txt", "vssadmin_list_providers.txt", "vssadmin_sdp_combined.txt",
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
        cmocka_unit_test(test_no_items_under_header),
        cmocka_unit_test(test_set_cut_short),
        cmocka_unit_test(test_details_by_place),
        cmocka_unit_test(test_sniff_rejects_other_subcommands),
    };
    return cmocka_run_group_tests_name("vssadmin_shadows", tests, NULL, NULL);
}
