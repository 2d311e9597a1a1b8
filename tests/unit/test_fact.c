/* test_fact.c: facts, fact lists and time parsing/formatting (analyzer/core/fact.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fact.h"

static void test_fields(void **state)
{
    (void)state;
    kb_fact *f = kb_fact_new("tasklist.process", 3);
    assert_non_null(f);
    assert_int_equal(f->input, 3);
    assert_true(f->time == KB_TIME_NONE);
    assert_int_equal(kb_fact_set(f, "image", "svchost.exe"), 0);
    assert_int_equal(kb_fact_setf(f, "pid", "%d", 816), 0);
    assert_string_equal(kb_fact_get(f, "image"), "svchost.exe");
    assert_string_equal(kb_fact_get(f, "pid"), "816");
    assert_null(kb_fact_get(f, "services"));
    assert_int_equal(kb_fact_set(f, "pid", "1025"), 0); /* replace */
    assert_string_equal(kb_fact_get(f, "pid"), "1025");
    assert_int_equal(f->nfields, 2);
    kb_factlist list = {0};
    assert_int_equal(kb_factlist_add(&list, f), 0);
    assert_int_equal(list.n, 1);
    kb_factlist_free(&list);
}

static void test_many_fields(void **state)
{
    (void)state;
    kb_fact *f = kb_fact_new("event", 0);
    char name[16];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "data%d", i);
        assert_int_equal(kb_fact_set(f, name, name), 0);
    }
    assert_string_equal(kb_fact_get(f, "data99"), "data99");
    kb_fact_free(f);
}

static void test_time_parse(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(kb_time_parse("1970-01-01T00:00:00Z", &t), 0);
    assert_true(t == 0);
    assert_int_equal(kb_time_parse("2018-10-01T12:00:19.123Z", &t), 0);
    assert_true(t == 1538395219123000LL);
    assert_int_equal(kb_time_parse("2018-10-01 12:00:19", &t), 0);
    assert_true(t == 1538395219000000LL);
    assert_int_equal(kb_time_parse("2018-10-01", &t), 0);
    assert_true(t == 1538352000000000LL);
    assert_int_equal(kb_time_parse("2018-10-01T21:00:19+09:00", &t), 0);
    assert_true(t == 1538395219000000LL);
    assert_int_equal(kb_time_parse("2018-10-01T12:00:19.1234567Z", &t), 0);
    assert_true(t == 1538395219123456LL);
    assert_int_not_equal(kb_time_parse("yesterday", &t), 0);
    assert_int_not_equal(kb_time_parse("2018-13-01", &t), 0);
    assert_int_not_equal(kb_time_parse("2018-10-01T25:00:00Z", &t), 0);
    assert_int_not_equal(kb_time_parse("2018-10-01T12:00:19Zjunk", &t), 0);
    /* What kb_time_format writes reads back, from FILETIME 0 to its end. */
    static const uint64_t filetimes[] = {0, 116444736000000000ULL, 131828688191230000ULL, UINT64_MAX};
    for (size_t i = 0; i < sizeof filetimes / sizeof *filetimes; i++) {
        char buf[48];
        int64_t want = kb_time_from_filetime(filetimes[i]);
        kb_time_format(want, buf, sizeof buf);
        assert_int_equal(kb_time_parse(buf, &t), 0);
        assert_true(t == want);
    }
    assert_int_not_equal(kb_time_parse("201810-01", &t), 0);
}

static void test_time_format(void **state)
{
    (void)state;
    char buf[40];
    kb_time_format(1538395219123000LL, buf, sizeof buf);
    assert_string_equal(buf, "2018-10-01T12:00:19.123Z");
    kb_time_format(1538395219000000LL, buf, sizeof buf);
    assert_string_equal(buf, "2018-10-01T12:00:19Z");
    kb_time_format(1538395219000001LL, buf, sizeof buf);
    assert_string_equal(buf, "2018-10-01T12:00:19.000001Z");
    kb_time_format(KB_TIME_NONE, buf, sizeof buf);
    assert_string_equal(buf, "-");
}

static void test_filetime(void **state)
{
    (void)state;
    /* 2018-10-01T12:00:19.123Z as FILETIME (100 ns since 1601). */
    assert_true(kb_time_from_filetime(131828688191230000ULL) == 1538395219123000LL);
    assert_true(kb_time_from_filetime(116444736000000000ULL) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_many_fields),
        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_filetime),
    };
    return cmocka_run_group_tests_name("fact", tests, NULL, NULL);
}
