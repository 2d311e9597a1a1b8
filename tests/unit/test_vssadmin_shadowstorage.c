/* test_vssadmin_shadowstorage.c: the `vssadmin list shadowstorage` parser
 * (parsers/text/vssadmin_shadowstorage.c), run as the scan driver runs it:
 * associations with sizes in bytes and percentages, UNBOUNDED, 0 B,
 * thousands and decimal separators of several locales, "No items found"
 * with and without the command's header, the 2003 layout without
 * percentages, labels of a language nobody listed (structure), a cut
 * association, the saved encodings, and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "vssadmin_shadowstorage"
#define INPUT_NAME "vssadmin_list_shadowstorage.txt"

#include "text_harness.h"
#include "sample_text.h"

static const char banner[] =
    "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n"
    "(C) Copyright 2001-2013 Microsoft Corp.\n"
    "\n";

/* The sample in each way it is saved: the same facts. */
static void test_sample_every_encoding(void **state)
{
    (void)state;
    static const saved_as ways[] = {SAVED_UTF8, SAVED_CRLF, SAVED_UTF16LE_BOM, SAVED_OEM};
    for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
        parsed r;
        run_sample(&r, "vssadmin_list_shadowstorage.txt", ways[k], "CP437");
        assert_int_equal(r.status, KB_OK);
        assert_int_equal(r.score, 90);
        assert_string_equal(r.best, KIND);
        assert_string_equal(r.inputs.items[0].locale, "en");
        assert_int_equal(r.inputs.items[0].nnotes, 0);
        assert_int_equal(count(&r, "vssadmin.shadowstorage"), 3);
        FIELDS(nth(&r, "vssadmin.run", 0), "command", "list shadowstorage", "command_from", "content", "status",
               "ok", "items", "3", "copyright", "2001-2013", "run", "1", "latest", "yes", "error", NULL);
        const kb_fact *c = nth(&r, "vssadmin.shadowstorage", 0);
        FIELDS(c, "for_volume", "C:", "for_volume_guid", "{67a44989-8413-4a7c-a616-79385dae8605}",
               "storage_volume", "C:", "same_volume", "yes", "used", "22.1 GB", "used_bytes", "23729694310",
               "used_pct", "4", "allocated", "22.5 GB", "allocated_bytes", "24159191040", "allocated_pct", "4",
               "maximum", "23.7 GB", "max_bytes", "25447681228", "max_pct", "5", "max_unbounded", "no",
               "used_pct_of_max", "93", "run", "1", "latest", "yes");
        assert_int_equal(c->line, 4);
        assert_int_equal(c->line_end, 9);
        const kb_fact *e = nth(&r, "vssadmin.shadowstorage", 1);
        FIELDS(e, "for_volume", "E:", "storage_volume", "F:", "storage_volume_guid",
               "{8c7d6e5f-4a3b-4c2d-9e1f-0a9b8c7d6e5f}", "same_volume", "no", "used", "1,024 MB", "used_bytes",
               "1073741824", "allocated_bytes", "1610612736", "maximum", "UNBOUNDED", "max_pct", "100",
               "max_unbounded", "yes", "max_bytes", NULL, "used_pct_of_max", NULL);
        FIELDS(nth(&r, "vssadmin.shadowstorage", 2), "for_volume", "D:", "used", "0 B", "used_bytes", "0",
               "used_pct", "0", "max_bytes", "335544320", "used_pct_of_max", "0");
        done(&r);
    }
}

/* "No items found" alone: nothing is configured; without the command's
 * header it may as well be list shadows, so the input says so. */
static void test_no_items(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "vssadmin_list_shadowstorage_none.txt", SAVED_CRLF, NULL);
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "vssadmin.shadowstorage"), 0);
    FIELDS(nth(&r, "vssadmin.run", 0), "command", "list shadowstorage", "command_from", "assumed", "status",
           "empty", "items", "0", "latest", "yes");
    assert_non_null(strstr(note_at(&r, "line 4"), "read as `vssadmin list shadowstorage`"));
    done(&r);
    /* With the prompt echo, it is certain. */
    RUN(&r, "C:\\>vssadmin list shadowstorage\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "No items found that satisfy the query.\r\n");
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "vssadmin.run", 0), "command_from", "header", "status", "empty");
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    done(&r);
}

/* Other locales' separators; the 2003 layout prints no percentages. */
static void test_separators_and_2003(void **state)
{
    (void)state;
    size_t len;
    char *text = kb_strprintf("%s"
                              "Shadow Copy Storage association\n"
                              "   For volume: (C:)\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\n"
                              "   Shadow Copy Storage volume: (C:)\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\n"
                              "   Used Shadow Copy Storage space: 22,1 GB (4%%)\n"
                              "   Allocated Shadow Copy Storage space: 1 024 MB (4 %%)\n"
                              "   Maximum Shadow Copy Storage space: 1.234,5 MB (5%%)\n"
                              "\n"
                              "Shadow Copy Storage association\n"
                              "   For volume: (D:)\\\\?\\Volume{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}\\\n"
                              "   Shadow Copy Storage volume: (E:)\\\\?\\Volume{3b5f1c2d-9e8a-4f7b-a6c5-1d2e3f4a5b6c}\\\n"
                              "   Used Shadow Copy Storage space: 0 B\n"
                              "   Allocated Shadow Copy Storage space: 0 B\n"
                              "   Maximum Shadow Copy Storage space: unbounded\n",
                              banner);
    char *bytes = saved_text(text, SAVED_CRLF, NULL, &len);
    free(text);
    parsed r;
    run(&r, bytes, len);
    free(bytes);
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "vssadmin.shadowstorage", 0), "used_bytes", "23729694310", "allocated_bytes", "1073741824",
           "allocated_pct", "4", "max_bytes", "1294467072", "maximum", "1.234,5 MB");
    FIELDS(nth(&r, "vssadmin.shadowstorage", 1), "for_volume", "D:", "storage_volume", "E:", "same_volume", "no",
           "used_bytes", "0", "used_pct", NULL, "max_unbounded", "yes", "max_bytes", NULL);
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    done(&r);
}

/* A language whose labels nobody listed: read by structure; a unit kbscan
 * does not know keeps the size as printed, with a note. */
static void test_unknown_labels_by_structure(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "vssadmin 1.1 - Ilo por administri la ombrokopian servon\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "Asocio de ombrokopia konservejo\r\n"
            "   Por volumo: (C:)\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\r\n"
            "   Konservejo: (F:)\\\\?\\Volume{8c7d6e5f-4a3b-4c2d-9e1f-0a9b8c7d6e5f}\\\r\n"
            "   Uzata: 2,5 GB (1%)\r\n"
            "   Asignita: 3 GiB (1%)\r\n"
            "   Maksimuma: SENLIMA (100%)\r\n");
    assert_string_equal(r.best, KIND);
    assert_null(r.inputs.items[0].locale);
    const kb_fact *f = nth(&r, "vssadmin.shadowstorage", 0);
    FIELDS(f, "for_volume", "C:", "storage_volume", "F:", "used_bytes", "2684354560", "allocated", "3 GiB",
           "allocated_bytes", NULL, "maximum", "SENLIMA", "max_pct", "100", "max_unbounded", NULL, "max_bytes",
           NULL, "used_pct_of_max", NULL);
    assert_string_equal(note_at(&r, "line 8"), "size kbscan cannot read: kept as printed");
    assert_non_null(strstr(note_at(&r, "line 9"), "neither a size kbscan reads nor UNBOUNDED"));
    done(&r);
}

/* A cut association is no association: its lines are noted, and with no
 * association the run is not claimed to list none. */
static void test_cut_association(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "Shadow Copy Storage association\r\n"
            "   For volume: (C:)\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\r\n"
            "   Shadow Copy Storage volume: (C:)\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\r\n"
            "   Used Shadow Copy Storage space: 2.3 GB (1%)\r\n"
            "\r\n"
            "Shadow Copy Storage association\r\n"
            "   For volume: (D:)\\\\?\\Volume{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}\\\r\n"
            "   Shadow Copy Storage volume: (D:)\\\\?\\Volume{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}\\\r\n"
            "   Used Shadow Copy Storage space: 0 B (0%)\r\n"
            "   Allocated Shadow Copy Storage space: 0 B (0%)\r\n"
            "   Maximum Shadow Copy Storage space: 320 MB (1%)\r\n");
    assert_int_equal(count(&r, "vssadmin.shadowstorage"), 1);
    FIELDS(nth(&r, "vssadmin.shadowstorage", 0), "for_volume", "D:");
    FIELDS(nth(&r, "vssadmin.run", 0), "status", "ok", "items", "1");
    for (int line = 4; line <= 7; line++) {
        char where[32];
        snprintf(where, sizeof where, "line %d", line);
        assert_non_null(note_at(&r, where));
    }
    done(&r);
    /* Only the cut one: its English label tells the command; the run
     * cannot say "no storage", nor is it a writer listing. */
    RUN(&r, "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "\r\n"
            "Shadow Copy Storage association\r\n"
            "   For volume: (C:)\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\r\n");
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "vssadmin.run", 0), "command_from", "labels", "status", "error", "items", "0");
    assert_non_null(strstr(note_at(&r, "line 3"), "cannot be told from an error"));
    done(&r);
}

/* An error under the command's header is this command's error. */
static void test_error_under_header(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\Windows\\system32>vssadmin list shadowstorage\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "Error: You don't have the correct permissions to run this command.  Please run this utility from a command\r\n"
            "window that has elevated administrator privileges.\r\n");
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "vssadmin.run", 0), "status", "error", "command_from", "header", "items", "0", "error",
           "Error: You don't have the correct permissions to run this command.  Please run this utility from a "
           "command window that has elevated administrator privileges.");
    done(&r);
}

/* Long lines and hostile values: read or noted, never past a buffer. */
static void test_hostile(void **state)
{
    (void)state;
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, banner);
    kb_buf_puts(&b, "Shadow Copy Storage association\n"
                    "   For volume: (C:)\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\n"
                    "   Shadow Copy Storage volume: (");
    for (int i = 0; i < 70000; i++)
        kb_buf_putc(&b, 'X');
    kb_buf_puts(&b, ")\\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\n"
                    "   Used Shadow Copy Storage space: 99999999999999999999999 EB (1%)\n"
                    "   Allocated Shadow Copy Storage space: 15 EB (");
    for (int i = 0; i < 5000; i++)
        kb_buf_putc(&b, '9');
    kb_buf_puts(&b, "%)\n   Maximum Shadow Copy Storage space: 16 EB (5%)\n");
    parsed r;
    run(&r, b.data, b.len);
    kb_buf_free(&b);
    assert_string_equal(r.best, KIND);
    const kb_fact *f = nth(&r, "vssadmin.shadowstorage", 0);
    FIELDS(f, "used_bytes", NULL, "allocated_bytes", "17293822569102704640", "max_bytes", NULL);
    assert_int_equal(strlen(kb_fact_get(f, "storage_volume")), 70000);
    done(&r);
}

static void test_sniff_rejects_other_subcommands(void **state)
{
    (void)state;
    static const char *const names[] = {
        "vssadmin_list_shadows.txt", "vssadmin_list_writers.txt", "vssadmin_list_volumes.txt",
        "vssadmin_list_providers.txt", "vssadmin_sdp_combined.txt", "vssadmin_list_writers_error_0x8000ffff.txt",
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
        cmocka_unit_test(test_no_items),
        cmocka_unit_test(test_separators_and_2003),
        cmocka_unit_test(test_unknown_labels_by_structure),
        cmocka_unit_test(test_cut_association),
        cmocka_unit_test(test_error_under_header),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_sniff_rejects_other_subcommands),
    };
    return cmocka_run_group_tests_name("vssadmin_shadowstorage", tests, NULL, NULL);
}
