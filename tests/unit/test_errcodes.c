/* test_errcodes.c: the error code table and its explanations
 * (analyzer/report/errcodes.c, analyzer/report/errcodes_table.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "report/errcodes.h"

static void expect_code(uint32_t value, int named, const char *name, const char *meaning)
{
    kb_code_info info;
    assert_int_equal(kb_code_explain(value, &info), named);
    assert_int_equal(info.value, value);
    assert_string_equal(info.name, name);
    assert_string_equal(info.meaning, meaning);
    kb_code_info_free(&info);
}

static void test_table_sorted_without_conflicts(void **state)
{
    (void)state;
    size_t n;
    const kb_errcode *t = kb_errcode_all(&n);
    assert_true(n > 3000);
    for (size_t i = 1; i < n; i++) {
        /* Strictly increasing (value, kind): binary search needs the order,
         * and one value of one kind has one name. */
        int ordered = t[i - 1].value < t[i].value ||
                      (t[i - 1].value == t[i].value && t[i - 1].kind < t[i].kind);
        if (!ordered)
            fail_msg("entry %zu (%s) out of order after %s", i, t[i].name, t[i - 1].name);
    }
    for (size_t i = 0; i < n; i++) {
        assert_non_null(t[i].name);
        assert_non_null(t[i].meaning);
        if (t[i].kind == KB_CODE_WIN32)
            assert_true(t[i].value <= 0xFFFFu);
        assert_ptr_equal(kb_errcode_find(t[i].value, t[i].kind), &t[i]);
    }
}

static void test_families_present(void **state)
{
    (void)state;
    /* Every family the task needs has members in the table. */
    static const char *const prefixes[] = {"VSS_E_", "VSS_S_", "CO_E_", "RPC_E_", "RPC_S_",
                                           "E_", "ERROR_", "STATUS_", "EVENT_E_", "REGDB_E_"};
    size_t n;
    const kb_errcode *t = kb_errcode_all(&n);
    for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
        size_t hits = 0;
        for (size_t i = 0; i < n; i++)
            hits += strncmp(t[i].name, prefixes[p], strlen(prefixes[p])) == 0;
        if (hits == 0)
            fail_msg("no %s code in the table", prefixes[p]);
    }
    static const char *const common[] = {"E_FAIL", "E_ACCESSDENIED", "E_OUTOFMEMORY",
                                         "E_INVALIDARG", "E_UNEXPECTED", "E_NOINTERFACE",
                                         "E_POINTER", "E_ABORT", "E_NOTIMPL", "E_HANDLE",
                                         "E_PENDING"};
    for (size_t c = 0; c < sizeof common / sizeof common[0]; c++) {
        const kb_errcode *found = NULL;
        for (size_t i = 0; i < n && !found; i++)
            if (strcmp(t[i].name, common[c]) == 0)
                found = &t[i];
        if (!found || !*found->meaning)
            fail_msg("%s missing or without meaning", common[c]);
    }
}

static void test_com_and_vss_codes(void **state)
{
    (void)state;
    expect_code(0x800401fbu, 1, "CO_E_OBJNOTREG", "Object is not registered");
    expect_code(0x80004005u, 1, "E_FAIL", "Unspecified error");
    expect_code(0x8000ffffu, 1, "E_UNEXPECTED", "Catastrophic failure");
    expect_code(0x80040201u, 1, "EVENT_E_ALL_SUBSCRIBERS_FAILED",
                "An event was unable to invoke any of the subscribers");
    expect_code(0x80042318u, 1, "VSS_E_WRITER_INFRASTRUCTURE",
                "The writer infrastructure is not operating properly. Check that the Event Service "
                "and VSS have been started, and check for errors associated with those services in "
                "the error log.");
    expect_code(0x800423f4u, 1, "VSS_E_WRITERERROR_NONRETRYABLE",
                "The writer operation failed because of an error that might recur if another shadow "
                "copy is created.");
    expect_code(0x80042319u, 1, "VSS_E_WRITER_NOT_RESPONDING", "The writer is not responding.");
    expect_code(0x8004230fu, 1, "VSS_E_UNEXPECTED_PROVIDER_ERROR",
                "The provider returned an unexpected error code. This can be a transient problem. "
                "It is recommended to wait ten minutes and try again, up to three times.");
    expect_code(0x80010108u, 1, "RPC_E_DISCONNECTED", "The object invoked has disconnected from its clients.");
    /* A name without a copied meaning: the name, and what the bits say. */
    expect_code(0x8004232eu, 1, "VSS_E_CLUSTER_TIMEOUT", "HRESULT facility 4, code 9006");
    const kb_errcode *e = kb_errcode_find(0x00042309u, KB_CODE_HRESULT);
    assert_non_null(e);
    assert_string_equal(e->name, "VSS_S_ASYNC_PENDING");
}

static void test_hresult_from_win32(void **state)
{
    (void)state;
    /* The HRESULT's own name first, then the Win32 code's; Windows prints
     * the Win32 text for these. */
    expect_code(0x80070005u, 1, "E_ACCESSDENIED / ERROR_ACCESS_DENIED", "Access is denied.");
    expect_code(0x80070002u, 1, "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified.");
    /* A Win32 code whose HRESULT has no name of its own. */
    expect_code(0x800706bau, 1, "RPC_S_SERVER_UNAVAILABLE", "The RPC server is unavailable.");
    expect_code(1722, 1, "RPC_S_SERVER_UNAVAILABLE", "The RPC server is unavailable.");
    /* Facility WIN32, code not in the table: the bits are explained. */
    expect_code(0x8007fffeu, 0, "", "HRESULT facility WIN32, Win32 error 65534");
}

static void test_win32_plain(void **state)
{
    (void)state;
    expect_code(5, 1, "ERROR_ACCESS_DENIED", "Access is denied.");
    expect_code(0, 1, "ERROR_SUCCESS", "The operation completed successfully.");
    const kb_errcode *e = kb_errcode_find(1060, KB_CODE_WIN32);
    assert_non_null(e);
    assert_string_equal(e->name, "ERROR_SERVICE_DOES_NOT_EXIST");
    expect_code(0xfffeu, 0, "", "Win32 error 65534");
}

static void test_ntstatus(void **state)
{
    (void)state;
    kb_code_info info;
    assert_int_equal(kb_code_explain(0xc0000005u, &info), 1);
    assert_string_equal(info.name, "STATUS_ACCESS_VIOLATION");
    kb_code_info_free(&info);
    assert_int_equal(kb_code_explain(0xc0000022u, &info), 1);
    assert_string_equal(info.name, "STATUS_ACCESS_DENIED");
    kb_code_info_free(&info);
    /* HRESULT_FROM_NT(STATUS_ACCESS_DENIED). */
    assert_int_equal(kb_code_explain(0xd0000022u, &info), 1);
    assert_string_equal(info.name, "STATUS_ACCESS_DENIED");
    kb_code_info_free(&info);
    expect_code(0xc0ddfffeu, 0, "", "NTSTATUS error, facility 221, code 65534");
    expect_code(0x40ddfffeu, 0, "", "NTSTATUS informational, facility 221, code 65534");
}

static void test_unknown_hresult(void **state)
{
    (void)state;
    expect_code(0x8123fffeu, 0, "", "HRESULT facility 291, code 65534");
    expect_code(0x0123fffeu, 0, "", "HRESULT success, facility 291, code 65534");
}

static void test_parse(void **state)
{
    (void)state;
    static const char *const forms[] = {"0x800401fb", "0x800401FB", "0X800401FB", "800401fb",
                                        "800401FB", "2147746299", "-2147220997", "  0x800401fb \r\n"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        uint32_t v = 0;
        if (kb_code_parse(forms[i], &v) != 0 || v != 0x800401fbu)
            fail_msg("'%s' read as 0x%08x", forms[i], (unsigned)v);
    }
    uint32_t v;
    assert_int_equal(kb_code_parse("5", &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(kb_code_parse("0x5", &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(kb_code_parse("-2147483648", &v), 0);
    assert_int_equal(v, 0x80000000u);
    assert_int_equal(kb_code_parse("4294967295", &v), 0);
    assert_int_equal(v, 0xffffffffu);
    static const char *const bad[] = {"", "0x", "0x1234567890", "4294967296", "-2147483649",
                                      "12ab", "0x80040g1b", "hr=0x800401fb", "-", "--5", NULL};
    for (size_t i = 0; bad[i]; i++)
        if (kb_code_parse(bad[i], &v) == 0)
            fail_msg("'%s' read as a code", bad[i]);
    assert_int_equal(kb_code_parse(NULL, &v), -1);
}

static void test_scan(void **state)
{
    (void)state;
    kb_strlist codes = {0};
    assert_int_equal(kb_code_scan("Error: CoCreateInstance. hr = 0x800401FB, Object is not registered.\n"
                                  "retry hr=0x800401fb then 0x80070005; not 0x8007000 nor 0x800700051 "
                                  "nor x0x80070006 nor 0x8004230Fz",
                                  &codes), 0);
    assert_int_equal(codes.n, 2);
    assert_string_equal(codes.items[0], "0x800401fb");
    assert_string_equal(codes.items[1], "0x80070005");
    kb_strlist_free(&codes);
    assert_int_equal(kb_code_scan(NULL, &codes), 0);
    assert_int_equal(kb_code_scan("PID 1025, no code", &codes), 0);
    assert_int_equal(codes.n, 0);
}

static void test_describe_and_annotate(void **state)
{
    (void)state;
    char *s = kb_code_describe(0x800401fbu);
    assert_string_equal(s, "0x800401fb (CO_E_OBJNOTREG: Object is not registered)");
    free(s);
    s = kb_code_describe(0x8123fffeu);
    assert_string_equal(s, "0x8123fffe (HRESULT facility 291, code 65534)");
    free(s);
    s = kb_code_annotation("0x800401FB");
    assert_string_equal(s, "(CO_E_OBJNOTREG: Object is not registered)");
    free(s);
    s = kb_code_annotation("hr 0x800401fb then 0x80070005");
    assert_string_equal(s, "(0x800401fb CO_E_OBJNOTREG: Object is not registered; "
                           "0x80070005 E_ACCESSDENIED / ERROR_ACCESS_DENIED: Access is denied.)");
    free(s);
    assert_null(kb_code_annotation("1025"));
    assert_null(kb_code_annotation(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_sorted_without_conflicts),
        cmocka_unit_test(test_families_present),
        cmocka_unit_test(test_com_and_vss_codes),
        cmocka_unit_test(test_hresult_from_win32),
        cmocka_unit_test(test_win32_plain),
        cmocka_unit_test(test_ntstatus),
        cmocka_unit_test(test_unknown_hresult),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_describe_and_annotate),
    };
    return cmocka_run_group_tests_name("errcodes", tests, NULL, NULL);
}
