/* test_template.c: the rule template language (analyzer/rules/template.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "rules/template.h"

/* Names: "services", "hostile" -> one value; "writers", "hr" -> three;
 * "none" -> no value. */
static int lookup(void *ctx, const char *name, kb_strlist *out)
{
    (void)ctx;
    if (strcmp(name, "services") == 0)
        return kb_strlist_add(out, "EventSystem, FontCache, netprofm, nsi");
    if (strcmp(name, "writers") == 0) {
        kb_strlist_add(out, "ASR Writer");
        kb_strlist_add(out, "System Writer");
        kb_strlist_add(out, "ASR Writer");
        return 0;
    }
    if (strcmp(name, "none") == 0)
        return 0;
    if (strcmp(name, "hr") == 0) {
        kb_strlist_add(out, "0x800401FB");
        kb_strlist_add(out, "0x80070005");
        kb_strlist_add(out, "0x800401fb");
        return 0;
    }
    if (strcmp(name, "hostile") == 0)
        return kb_strlist_add(out, "it's; Remove-Item C:\\ \"x\" $(y)");
    return -1;
}

static void check(const char *tmpl, const char *expected)
{
    char *s = kb_template_fill(tmpl, lookup, NULL);
    assert_non_null(s);
    assert_string_equal(s, expected);
    free(s);
}

static void test_plain_text(void **state)
{
    (void)state;
    check("no placeholders here", "no placeholders here");
    check("", "");
}

static void test_single_value(void **state)
{
    (void)state;
    check("[{{services}}]", "[EventSystem, FontCache, netprofm, nsi]");
    check("{{ services }}", "EventSystem, FontCache, netprofm, nsi");
}

static void test_split_except_join(void **state)
{
    (void)state;
    check("{{services|split:,|except:EventSystem}}", "FontCache, netprofm, nsi");
    check("{{services|split:,|except:eventsystem|join:;}}", "FontCache;netprofm;nsi");
    check("Restart-Service -Name {{services|split:,|join:,}}",
          "Restart-Service -Name EventSystem,FontCache,netprofm,nsi");
}

/* A name from a bundle stays one PowerShell argument, whatever it holds. */
static void test_psquote(void **state)
{
    (void)state;
    check("Restart-Service -Name {{services|split:,|psquote|join:,}}",
          "Restart-Service -Name 'EventSystem','FontCache','netprofm','nsi'");
    check("{{hostile|psquote}}", "'it''s; Remove-Item C:\\ \"x\" $(y)'");
}

static void test_explain(void **state)
{
    (void)state;
    check("{{hr|first|explain}}", "0x800401fb (CO_E_OBJNOTREG: Object is not registered)");
    check("{{hr|explain|unique}}",
          "0x800401fb (CO_E_OBJNOTREG: Object is not registered), "
          "0x80070005 (E_ACCESSDENIED / ERROR_ACCESS_DENIED: Access is denied.)");
    /* Items that are not one code stay as they are. */
    check("{{writers|first|explain}}", "ASR Writer");
}

static void test_lists(void **state)
{
    (void)state;
    check("{{writers}}", "ASR Writer, System Writer, ASR Writer");
    check("{{writers|unique}}", "ASR Writer, System Writer");
    check("{{writers|first}}", "ASR Writer");
    check("<{{none}}>", "<>");
}

static void test_unknown_stays_visible(void **state)
{
    (void)state;
    check("a {{nosuch.name}} b", "a {{nosuch.name}} b");
    check("{{services|nosuchfilter}}", "{{services|nosuchfilter}}");
    check("unterminated {{services", "unterminated {{services");
}

static void test_names(void **state)
{
    (void)state;
    kb_strlist names = {0}, bad = {0};
    assert_int_equal(kb_template_names("x {{a.b|split:,}} y {{ c }}", &names, NULL), 0);
    assert_int_equal(names.n, 2);
    assert_string_equal(names.items[0], "a.b");
    assert_string_equal(names.items[1], "c");
    kb_strlist_free(&names);
    /* Filters it does not know are listed (their placeholder stays unfilled). */
    assert_int_equal(kb_template_names("{{hr|explian}} {{s|split: ; |join:, }} {{x| unique |frist}}",
                                       &names, &bad), 0);
    assert_int_equal(names.n, 3);
    assert_int_equal(bad.n, 2);
    assert_string_equal(bad.items[0], "explian");
    assert_string_equal(bad.items[1], "frist");
    kb_strlist_free(&names);
    kb_strlist_free(&bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text),
        cmocka_unit_test(test_single_value),
        cmocka_unit_test(test_split_except_join),
        cmocka_unit_test(test_psquote),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_unknown_stays_visible),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
