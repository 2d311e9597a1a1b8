/* test_reg_query.c: the `reg query` parser (parsers/text/reg_query.c), run
 * as the scan driver runs it: keys and values of every type, /s searches
 * with End of search, the not-found error after its prompt echo, listed
 * subkeys, names and data holding blanks and type words, several queries
 * in one file (psSDP, TSS), ImagePath checks, UTF-16LE, and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "reg_query"
#define INPUT_NAME "reg_query.txt"

#include "text_harness.h"
#include "sample_text.h"

/* The n-th reg.value named name. */
static const kb_fact *value(const parsed *r, const char *name, size_t n)
{
    size_t seen = 0;
    for (size_t i = 0; i < r->facts.n; i++) {
        const kb_fact *f = r->facts.items[i];
        const char *v = kb_fact_get(f, "name");
        if (strcmp(f->type, "reg.value") == 0 && v && strcmp(v, name) == 0 && seen++ == n)
            return f;
    }
    fail_msg("no reg.value %s #%zu", name, n);
    return NULL;
}

static void test_swprv_every_encoding(void **state)
{
    (void)state;
    static const saved_as ways[] = {SAVED_UTF8, SAVED_CRLF, SAVED_UTF16LE_BOM, SAVED_OEM};
    for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
        parsed r;
        run_sample(&r, "reg_query_swprv.txt", ways[k], "CP437");
        assert_int_equal(r.status, KB_OK);
        assert_int_equal(r.score, 90);
        assert_string_equal(r.best, KIND);
        assert_int_equal(r.inputs.items[0].nnotes, 0);
        assert_int_equal(count(&r, "reg.query"), 1);
        assert_int_equal(count(&r, "reg.key"), 3);
        assert_int_equal(count(&r, "reg.value"), 12);
        FIELDS(nth(&r, "reg.query", 0), "status", "ok", "query", "", "error", NULL);
        const kb_fact *key = nth(&r, "reg.key", 0);
        FIELDS(key, "path", "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\swprv", "path_norm",
               "HKLM\\SYSTEM\\CURRENTCONTROLSET\\SERVICES\\SWPRV", "parent", "HKLM\\SYSTEM\\CURRENTCONTROLSET\\SERVICES",
               "leaf", "swprv", "values", "10", "listed_only", "no", "source", "reg_query", "deleted", "no");
        assert_int_equal(key->line, 2);
        FIELDS(nth(&r, "reg.key", 1), "leaf", "Parameters", "values", "1", "listed_only", "no");
        const kb_fact *dll = value(&r, "ServiceDll", 0);
        FIELDS(dll, "key", "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\swprv\\Parameters", "key_norm",
               "HKLM\\SYSTEM\\CURRENTCONTROLSET\\SERVICES\\SWPRV\\PARAMETERS", "key_leaf", "Parameters", "type",
               "REG_EXPAND_SZ", "data", "%Systemroot%\\System32\\swprv.dll", "path", "%Systemroot%\\System32\\swprv.dll",
               "path_problem", "none");
        assert_int_equal(dll->line, 15);
        FIELDS(value(&r, "Start", 0), "type", "REG_DWORD", "data", "0x3", "number", "3");
        FIELDS(value(&r, "Type", 0), "data", "0x10", "number", "16");
        FIELDS(value(&r, "RequiredPrivileges", 0), "type", "REG_MULTI_SZ", "data",
               "SeBackupPrivilege\\0SeRestorePrivilege\\0SeSecurityPrivilege\\0SeTcbPrivilege\\0SeImpersonatePrivilege"
               "\\0SeCreateGlobalPrivilege",
               "items",
               "SeBackupPrivilege\nSeRestorePrivilege\nSeSecurityPrivilege\nSeTcbPrivilege\nSeImpersonatePrivilege\n"
               "SeCreateGlobalPrivilege");
        FIELDS(value(&r, "ImagePath", 0), "path", "%SystemRoot%\\System32\\svchost.exe", "path_problem", "none");
        const char *binary = kb_fact_get(value(&r, "Security", 0), "data");
        assert_int_equal(strlen(binary), 360 - 4 - 8 - 4 - 10 - 4);
        done(&r);
    }
}

/* KB2009513's case: the Parameters key is there, with no value: a /s
 * output (two keys show values), so it has none, ServiceDll included. */
static void test_parameters_without_servicedll(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "reg_query_swprv_no_servicedll.txt", SAVED_CRLF, NULL);
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "reg.key", 1), "leaf", "Parameters", "values", "0", "listed_only", "no");
    for (size_t i = 0; i < r.facts.n; i++) {
        const char *n = kb_fact_get(r.facts.items[i], "name");
        assert_false(n && strcmp(n, "ServiceDll") == 0);
    }
    done(&r);
}

static void test_value_not_found(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "reg_query_value_not_found.txt", SAVED_CRLF, NULL);
    assert_int_equal(r.score, 80);
    assert_string_equal(r.best, KIND);
    assert_string_equal(r.inputs.items[0].locale, "en");
    assert_int_equal(r.facts.n, 1);
    const kb_fact *q = nth(&r, "reg.query", 0);
    FIELDS(q, "query", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\swprv\\Parameters /v ServiceDll", "key",
           "HKLM\\SYSTEM\\CurrentControlSet\\Services\\swprv\\Parameters", "key_norm",
           "HKLM\\SYSTEM\\CURRENTCONTROLSET\\SERVICES\\SWPRV\\PARAMETERS", "value_name", "ServiceDll", "recursive", "no",
           "status", "not_found", "error", "The system was unable to find the specified registry key or value.");
    assert_int_equal(q->line, 1);
    assert_int_equal(q->line_end, 2);
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    done(&r);
    /* Without its query the error answers nothing. */
    RUN(&r, "ERROR: The system was unable to find the specified registry key or value.\r\n");
    assert_int_equal(r.score, 50);
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "reg.query", 0), "query", "", "status", "not_found", "key", NULL);
    assert_non_null(strstr(note_at(&r, "line 1"), "answers no question"));
    done(&r);
    RUN(&r, "C:\\>reg query \"HKLM\\SOFTWARE\\Contoso App\" /ve\r\nERROR: Access is denied.\r\n");
    FIELDS(nth(&r, "reg.query", 0), "key", "HKLM\\SOFTWARE\\Contoso App", "value_name", "@", "status", "access_denied");
    done(&r);
}

/* /s /v ImagePath: End of search, and the shapes of broken paths. */
static void test_imagepath_search(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "reg_query_services_imagepath.txt", SAVED_UTF16LE_BOM, NULL);
    assert_string_equal(r.best, KIND);
    assert_string_equal(r.inputs.items[0].encoding, "UTF-16LE with BOM");
    FIELDS(nth(&r, "reg.query", 0), "matches", "5", "status", "ok");
    FIELDS(value(&r, "ImagePath", 0), "key_leaf", "1394ohci", "path_problem", "none");
    FIELDS(value(&r, "ImagePath", 1), "key_leaf", "ContosoAgent", "path_problem", "unbalanced_quote", "path",
           "C:\\Program Files\\Contoso\\Agent\\agent.exe");
    FIELDS(value(&r, "ImagePath", 2), "key_leaf", "CryptSvc", "path", "%SystemRoot%\\system32\\svchost.exe",
           "path_problem", "none");
    FIELDS(value(&r, "ImagePath", 3), "key_leaf", "LegacyScan", "path_problem", "illegal_char", "path",
           "C:\\Program Files\\Old Scanner\\scan<svc>.exe");
    FIELDS(value(&r, "ImagePath", 4), "key_leaf", "VSS", "path_problem", "none");
    for (size_t i = 0; i < 5; i++)
        FIELDS(nth(&r, "reg.key", i), "listed_only", "no", "values", "1");
    done(&r);
    RUN(&r, "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Odd\r\n"
            "    ImagePath    REG_EXPAND_SZ    Odd\\odd.exe\r\n"
            "    ServiceDll    REG_EXPAND_SZ    \r\n"
            "    DllName    REG_SZ    \\??\\C:\\Windows\\odd.dll\r\n"
            "    Driver    REG_EXPAND_SZ    system32\\drivers\\odd.sys\r\n");
    FIELDS(value(&r, "ImagePath", 0), "path_problem", "relative");
    FIELDS(value(&r, "ServiceDll", 0), "data", "", "path_problem", "empty");
    FIELDS(value(&r, "DllName", 0), "path_problem", "none");
    FIELDS(value(&r, "Driver", 0), "path", NULL);
    done(&r);
}

/* Names with blanks and backslashes; a name holding a type word; data
 * holding a type word; the default value; a key with braces. */
static void test_names_and_data(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "reg_query_vssaccesscontrol.txt", SAVED_CRLF, NULL);
    FIELDS(value(&r, "NT Authority\\NetworkService", 0), "type", "REG_DWORD", "number", "0");
    FIELDS(value(&r, "CONTOSO\\spfarm", 0), "number", "1");
    done(&r);
    run_sample(&r, "reg_query_filesnottobackup.txt", SAVED_CRLF, NULL);
    FIELDS(value(&r, "Temporary Files", 0), "type", "REG_MULTI_SZ", "data", "%TEMP%\\* /s", "items", "%TEMP%\\* /s");
    FIELDS(value(&r, "VSS Default Provider", 0), "data", "\\System Volume Information\\*{3808876B-C176-4e48-B7AE-04046E6CC752} /s");
    done(&r);
    run_sample(&r, "reg_query_vss_eventclass.txt", SAVED_CRLF, NULL);
    FIELDS(nth(&r, "reg.key", 0), "leaf",
           "{FAF53CC4-BD73-4E36-83F1-2B23F46E513E}-{00000000-0000-0000-0000-000000000000}-{00000000-0000-0000-0000-000000000000}");
    FIELDS(value(&r, "TypeLib", 0), "data", "C:\\Windows\\system32\\EVENTCLS.DLL");
    done(&r);
    RUN(&r, "\r\nHKEY_CURRENT_USER\\Software\\Test\r\n"
            "    (Default)    REG_SZ    (value not set)\r\n"
            "    Odd    REG_SZ    name    REG_SZ    REG_SZ    data    \r\n"
            "    Empty    REG_BINARY\r\n"
            "    Big    REG_QWORD    0x1ffffffffffff\r\n"
            "    Bad    REG_DWORD    one\r\n");
    FIELDS(value(&r, "@", 0), "data", "(value not set)", "not_set", "yes", "key_norm", "HKCU\\SOFTWARE\\TEST");
    FIELDS(value(&r, "Odd", 0), "type", "REG_SZ", "data", "name    REG_SZ    REG_SZ    data");
    FIELDS(value(&r, "Empty", 0), "type", "REG_BINARY", "data", "");
    FIELDS(value(&r, "Big", 0), "number", "562949953421311");
    FIELDS(value(&r, "Bad", 0), "data", "one", "number", NULL);
    assert_non_null(note_at(&r, "line 7"));
    done(&r);
}

/* Without /s, the subkeys are listed after the values: their values are
 * not shown. */
static void test_listed_subkeys(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\>reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\NetSetupSvc\r\n"
            "\r\n"
            "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\NetSetupSvc\r\n"
            "    ErrorControl    REG_DWORD    0x1\r\n"
            "    Type    REG_DWORD    0x20\r\n"
            "\r\n"
            "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\NetSetupSvc\\Parameters\r\n"
            "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\NetSetupSvc\\Security\r\n");
    FIELDS(nth(&r, "reg.query", 0), "recursive", "no", "key", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NetSetupSvc");
    FIELDS(nth(&r, "reg.key", 0), "listed_only", "no", "values", "2", "query",
           "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NetSetupSvc");
    FIELDS(nth(&r, "reg.key", 1), "listed_only", "yes", "values", "0");
    FIELDS(nth(&r, "reg.key", 2), "listed_only", "yes");
    done(&r);
    /* One key line, no values, nothing else to tell: unknown. */
    RUN(&r, "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\A\r\n    V    REG_SZ    x\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\A\\B\r\n");
    FIELDS(nth(&r, "reg.key", 1), "listed_only", "unknown");
    done(&r);
}

/* psSDP and TSS append queries to one file: each is a query of its own. */
static void test_several_queries(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "-------------------------------------\r\n"
            "[HKLM\\SYSTEM\\CurrentControlSet\\Services\\VSS\\VssAccessControl]\r\n"
            "-------------------------------------\r\n"
            "\r\n"
            "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\VSS\\VssAccessControl\r\n"
            "    NT Authority\\NetworkService    REG_DWORD    0x1\r\n"
            "\r\n"
            "20181008 09:30:12.123 : REG QUERY HKLM\\SYSTEM\\CurrentControlSet\\Services\\VolSnap /v MinDiffAreaFileSize\r\n"
            "ERROR: The system was unable to find the specified registry key or value.\r\n"
            "C:\\Windows\\system32>reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\swprv /s /reg:32\r\n"
            "\r\n"
            "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\swprv\r\n"
            "    Start    REG_DWORD    0x3\r\n");
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "reg.query"), 3);
    FIELDS(nth(&r, "reg.query", 0), "query", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\VSS\\VssAccessControl",
           "status", "ok");
    FIELDS(nth(&r, "reg.query", 1), "key_norm", "HKLM\\SYSTEM\\CURRENTCONTROLSET\\SERVICES\\VOLSNAP", "value_name",
           "MinDiffAreaFileSize", "status", "not_found");
    FIELDS(nth(&r, "reg.query", 2), "recursive", "yes", "status", "ok");
    FIELDS(value(&r, "Start", 0), "key_leaf", "swprv");
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    done(&r);
}

/* Japanese Windows, saved from cmd.exe (CP932): the not-found error and
 * the default value's name (best-effort wording, docs/locales.md). */
static void test_japanese_cp932(void **state)
{
    (void)state;
    size_t len;
    char *bytes = saved_text("C:\\Windows\\system32>reg query HKLM\\SOFTWARE\\Contoso /v Path\n"
                             "エラー: 指定されたレジストリ キーまたは値が見つかりませんでした。\n"
                             "C:\\Windows\\system32>reg query HKLM\\SOFTWARE\\Contoso\n"
                             "\n"
                             "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\n"
                             "    (既定)    REG_SZ    値\n",
                             SAVED_OEM, "CP932", &len);
    parsed r;
    run(&r, bytes, len);
    free(bytes);
    assert_string_equal(r.best, KIND);
    assert_string_equal(r.inputs.items[0].encoding, "CP932");
    assert_string_equal(r.inputs.items[0].locale, "ja");
    FIELDS(nth(&r, "reg.query", 0), "status", "not_found", "value_name", "Path", "key_norm", "HKLM\\SOFTWARE\\CONTOSO");
    FIELDS(value(&r, "@", 0), "data", "値", "type", "REG_SZ");
    done(&r);
}

static void test_hostile(void **state)
{
    (void)state;
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "\r\nHKEY_LOCAL_MACHINE\r\n    Blob    REG_BINARY    ");
    for (int i = 0; i < 100000; i++)
        kb_buf_putc(&b, "0123456789ABCDEF"[i % 16]);
    kb_buf_puts(&b, "\r\n    ");
    for (int i = 0; i < 20000; i++)
        kb_buf_puts(&b, "    REG_");
    kb_buf_puts(&b, "\r\n    x    REG_DWORD    0x11111111111111111111\r\nHKEY_\r\n");
    parsed r;
    run(&r, b.data, b.len); /* parsed whatever sniff() thinks of it */
    kb_buf_free(&b);
    assert_int_equal(r.status, KB_OK);
    FIELDS(nth(&r, "reg.key", 0), "path_norm", "HKLM", "parent", "", "leaf", "HKEY_LOCAL_MACHINE");
    assert_int_equal(strlen(kb_fact_get(value(&r, "Blob", 0), "data")), 100000);
    FIELDS(value(&r, "x", 0), "number", NULL);
    done(&r);
}

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "",
        "The key HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso was checked by the customer.\r\n",
        "Notes\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\r\nwas deleted\r\nthen re-created\r\nby a script\r\n",
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\A]\r\n\"V\"=\"x\"\r\n",
        "ERROR: Invalid syntax.\r\nType \"REG QUERY /?\" for usage.\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_swprv_every_encoding),
        cmocka_unit_test(test_parameters_without_servicedll),
        cmocka_unit_test(test_value_not_found),
        cmocka_unit_test(test_imagepath_search),
        cmocka_unit_test(test_names_and_data),
        cmocka_unit_test(test_listed_subkeys),
        cmocka_unit_test(test_several_queries),
        cmocka_unit_test(test_japanese_cp932),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("reg_query", tests, NULL, NULL);
}
