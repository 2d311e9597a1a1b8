/* test_reg_export.c: the `.reg` export parser (parsers/text/reg_export.c),
 * run as the scan driver runs it: version 5.00 in UTF-16LE (and re-saved
 * as UTF-8), REGEDIT4 in ANSI, every value form (strings with escapes, @,
 * dword, hex, hex(2) EXPAND_SZ, hex(7) MULTI_SZ, hex(b) QWORD, hex(0),
 * deletions), continuation lines, comments, damaged data, and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "reg_export"
#define INPUT_NAME "vss.reg"

#include "text_harness.h"
#include "sample_text.h"

static const kb_fact *value(const parsed *r, const char *name)
{
    for (size_t i = 0; i < r->facts.n; i++) {
        const kb_fact *f = r->facts.items[i];
        const char *v = kb_fact_get(f, "name");
        if (strcmp(f->type, "reg.value") == 0 && v && strcmp(v, name) == 0)
            return f;
    }
    fail_msg("no reg.value %s", name);
    return NULL;
}

/* As regedit saves it: UTF-16LE with BOM, CRLF. */
static void test_vss_export_utf16(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "reg_export_vss.reg", SAVED_UTF16LE_BOM, NULL);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.score, 100);
    assert_string_equal(r.best, KIND);
    assert_null(r.inputs.items[0].locale);
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    FIELDS(nth(&r, "reg.export", 0), "format", "5.00", "keys", "5", "values", "15");
    FIELDS(nth(&r, "reg.key", 0), "path", "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\VSS", "path_norm",
           "HKLM\\SYSTEM\\CURRENTCONTROLSET\\SERVICES\\VSS", "values", "8", "deleted", "no", "listed_only", "no",
           "source", "reg_export");
    FIELDS(value(&r, "DisplayName"), "type", "REG_SZ", "data", "@%systemroot%\\system32\\vssvc.exe,-102");
    FIELDS(value(&r, "ErrorControl"), "type", "REG_DWORD", "data", "0x1", "number", "1");
    const kb_fact *ip = value(&r, "ImagePath");
    FIELDS(ip, "type", "REG_EXPAND_SZ", "data", "%systemroot%\\system32\\vssvc.exe", "path_problem", "none", "key_norm",
           "HKLM\\SYSTEM\\CURRENTCONTROLSET\\SERVICES\\VSS", "source", "reg_export", "deleted", "no");
    assert_int_equal(ip->line, 6);
    assert_int_equal(ip->line_end, 8); /* the continuation lines */
    FIELDS(value(&r, "DependOnService"), "type", "REG_MULTI_SZ", "data", "RPCSS", "items", "RPCSS");
    FIELDS(value(&r, "@"), "type", "REG_SZ", "data", "", "key_leaf", "Diag");
    FIELDS(value(&r, "MaxShadowCopies"), "data", "0x14", "number", "20");
    FIELDS(value(&r, "TestQword"), "type", "REG_QWORD", "data", "0x1000", "number", "4096");
    FIELDS(value(&r, "TestBinary"), "type", "REG_BINARY", "data", "01000480");
    FIELDS(value(&r, "MinDiffAreaFileSize"), "number", "3200");
    FIELDS(value(&r, "NT Authority\\NetworkService"), "number", "1", "key_leaf", "VssAccessControl");
    FIELDS(value(&r, "CONTOSO\\sp \"farm\""), "number", "1");
    done(&r);
}

/* An editor re-saved the 5.00 export as UTF-8: read, with a note. */
static void test_vss_export_resaved_utf8(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "reg_export_vss.reg", SAVED_CRLF, NULL);
    assert_string_equal(r.best, KIND);
    FIELDS(value(&r, "ImagePath"), "data", "%systemroot%\\system32\\vssvc.exe");
    assert_non_null(strstr(note_at(&r, "line 1"), "saved as ASCII (regedit writes UTF-16LE)"));
    done(&r);
}

/* REGEDIT4: strings in hex(2)/hex(7) are ANSI bytes. */
static void test_regedit4(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "reg_export_regedit4.reg", SAVED_CRLF, NULL);
    assert_string_equal(r.best, KIND);
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    FIELDS(nth(&r, "reg.export", 0), "format", "REGEDIT4", "keys", "2", "values", "2");
    FIELDS(value(&r, "ServiceDll"), "type", "REG_EXPAND_SZ", "data", "%Systemroot%\\System32\\swprv.dll", "key_leaf",
           "Parameters", "path_problem", "none");
    FIELDS(value(&r, "IgnoreNTFS"), "type", "REG_MULTI_SZ", "data", "\\$Extend\\* /s", "items", "\\$Extend\\* /s",
           "key_leaf", "FilesNotToBackup");
    done(&r);
    /* Non-ASCII ANSI bytes: Windows-1252 in hex strings, with a note. The
     * text itself is decoded by the OEM page guess (assumed): CP932 would
     * swallow the key's ']' into "\xe9]", so a page that keeps the lines
     * whole is chosen. */
    RUN(&r, "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\Caf\xe9]\r\n"
            "\"Path\"=hex(2):43,3a,5c,43,61,66,e9,00\r\n");
    assert_int_equal(r.score, 100);
    FIELDS(value(&r, "Path"), "data", "C:\\Caf\xc3\xa9");
    assert_non_null(strstr(kb_fact_get(value(&r, "Path"), "key_norm"), "HKCU\\SOFTWARE\\CAF"));
    assert_non_null(strstr(r.inputs.items[0].encoding, "(assumed)"));
    assert_non_null(strstr(note_at(&r, "line 4"), "Windows-1252"));
    done(&r);
}

/* Deletions, hex(0), empty hex(2), upper-case digits, several MULTI_SZ
 * items, a comment, a value outside any key. */
static void test_forms(void **state)
{
    (void)state;
    size_t len;
    char *bytes = saved_text("Windows Registry Editor Version 5.00\n"
                             "\n"
                             "\"Orphan\"=\"x\"\n"
                             "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Old]\n"
                             "\n"
                             "[HKEY_LOCAL_MACHINE\\SOFTWARE\\New]\n"
                             "; removed below\n"
                             "\"Gone\"=-\n"
                             "\"None\"=hex(0):DE,AD\n"
                             "\"Empty\"=hex(2):\n"
                             "\"List\"=hex(7):61,00,00,00,62,00,63,00,00,00,00,00\n"
                             "\"Be\"=hex(5):00,00,01,00\n"
                             "\"Quote\"=\"a\\\\b \\\"c\\\"\"\n"
                             "@=\"default\"\n",
                             SAVED_UTF16LE_BOM, NULL, &len);
    parsed r;
    run(&r, bytes, len);
    free(bytes);
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "reg.key", 0), "path_norm", "HKLM\\SOFTWARE\\OLD", "deleted", "yes", "values", NULL);
    FIELDS(nth(&r, "reg.key", 1), "path_norm", "HKLM\\SOFTWARE\\NEW", "deleted", "no", "values", "7");
    FIELDS(value(&r, "Orphan"), "key", "", "data", "x");
    assert_non_null(strstr(note_at(&r, "line 3"), "outside any key"));
    FIELDS(value(&r, "Gone"), "deleted", "yes", "type", "", "key_leaf", "New");
    FIELDS(value(&r, "None"), "type", "REG_NONE", "data", "DEAD");
    FIELDS(value(&r, "Empty"), "type", "REG_EXPAND_SZ", "data", "");
    FIELDS(value(&r, "List"), "data", "a\\0bc", "items", "a\nbc");
    FIELDS(value(&r, "Be"), "type", "REG_DWORD_BIG_ENDIAN", "number", "256");
    FIELDS(value(&r, "Quote"), "data", "a\\b \"c\"");
    FIELDS(value(&r, "@"), "data", "default");
    assert_int_equal(r.inputs.items[0].nnotes, 1);
    done(&r);
    bytes = saved_text("Windows Registry Editor Version 5.00\n\n[HKEY_USERS\\S-1-5-18\\X]\n"
                       "\"Two\"=hex(7):61,00,00,00,62,00,00,00,00,00\n",
                       SAVED_UTF16LE_BOM, NULL, &len);
    run(&r, bytes, len);
    free(bytes);
    FIELDS(value(&r, "Two"), "data", "a\\0b", "items", "a\nb", "key_norm", "HKU\\S-1-5-18\\X");
    done(&r);
}

/* Damaged data is kept, marked damaged and noted, never guessed. */
static void test_damaged_values(void **state)
{
    (void)state;
    size_t len;
    char *bytes = saved_text("Windows Registry Editor Version 5.00\n"
                             "\n"
                             "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\swprv\\Parameters]\n"
                             "\"ServiceDll\"=hex(2):25,00,53,00,79\n"
                             "\"Bad\"=hex:0g,11\n"
                             "\"Short\"=dword:1234567890\n"
                             "\"Q\"=hex(b):01,02\n"
                             "\"Open\"=\"no end\n"
                             "\"Lone\"=hex(2):00,d8,41,00,00,00\n"
                             "\"Odd\"=bytes:00\n"
                             "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Cut\n"
                             "stray\n",
                             SAVED_UTF16LE_BOM, NULL, &len);
    parsed r;
    run(&r, bytes, len);
    free(bytes);
    assert_string_equal(r.best, KIND);
    const char *names[] = {"ServiceDll", "Bad", "Short", "Q", "Open", "Lone", "Odd"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const kb_fact *f = value(&r, names[i]);
        if (!f->damaged)
            fail_msg("%s not marked damaged", names[i]);
    }
    FIELDS(value(&r, "ServiceDll"), "data", "", "path", NULL);
    for (int line = 4; line <= 12; line++) {
        char where[32];
        snprintf(where, sizeof where, "line %d", line);
        if (!note_at(&r, where))
            fail_msg("no note at %s", where);
    }
    done(&r);
}

/* A value wrapped over many lines, and a last line that continues into
 * the end of the file. */
static void test_long_continuations(void **state)
{
    (void)state;
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Big]\r\n\"Blob\"=hex:00");
    for (int i = 0; i < 5000; i++)
        kb_buf_puts(&b, ",01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,16,17,\\\r\n  18");
    kb_buf_puts(&b, "\r\n\"Tail\"=hex:01,\\\r\n");
    parsed r;
    run(&r, b.data, b.len);
    kb_buf_free(&b);
    assert_string_equal(r.best, KIND);
    const kb_fact *blob = value(&r, "Blob");
    assert_int_equal(strlen(kb_fact_get(blob, "data")), 2 * (1 + 5000 * 24));
    assert_int_equal(blob->line_end - blob->line, 5000);
    assert_true(value(&r, "Tail")->damaged);
    done(&r);
}

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "",
        "Please run regedit and export the key.\r\nWindows Registry Editor Version 5.00\r\n",
        "REGEDIT4 is the old format\r\n",
        "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\A\r\n    V    REG_SZ    x\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vss_export_utf16),
        cmocka_unit_test(test_vss_export_resaved_utf8),
        cmocka_unit_test(test_regedit4),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_damaged_values),
        cmocka_unit_test(test_long_continuations),
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("reg_export", tests, NULL, NULL);
}
