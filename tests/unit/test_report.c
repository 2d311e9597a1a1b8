/* test_report.c: the report writers: HTML escaping (hostile strings stay
 * inert), each HTML section, the JSON report's fields, the text report;
 * on a rule written here (TEST_RULE, inline_rule.h), not a production one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "combiners/combiners.h"
#include "report/escape.h"
#include "report/report.h"
#include "report/view.h"
#include "inline_rule.h"
#include "log_fact.h"
#define HOSTILE "<script>document.title='PWNED'</script>\"><img src=x onerror=alert(1)></style>"

static char *escaped(const char *s)
{
    kb_buf b = KB_BUF_INIT;
    kb_html_escape(&b, s);
    return kb_buf_take(&b);
}

static void test_escape_markup(void **state)
{
    (void)state;
    char *s = escaped("<a href=\"javascript:x\">'&'</a>");
    assert_string_equal(s, "&lt;a href=&quot;javascript:x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    free(s);
    s = escaped("plain 日本語 text\nwith\ttab");
    assert_string_equal(s, "plain 日本語 text\nwith\ttab");
    free(s);
}

static void test_escape_invisible(void **state)
{
    (void)state;
    char *s = escaped("abc\xe2\x80\xae" "def"); /* U+202E RIGHT-TO-LEFT OVERRIDE */
    assert_non_null(strstr(s, "[U+202E]"));
    assert_null(strstr(s, "\xe2\x80\xae"));
    free(s);
    s = escaped("a\x01" "b\x1b[31m");
    assert_non_null(strstr(s, "[U+0001]"));
    assert_non_null(strstr(s, "[U+001B]"));
    free(s);
    s = escaped("zero\xe2\x80\x8bwidth\xef\xbb\xbf");
    assert_non_null(strstr(s, "[U+200B]"));
    assert_non_null(strstr(s, "[U+FEFF]"));
    free(s);
}

static void test_escape_invalid_utf8(void **state)
{
    (void)state;
    char *s = escaped("ok\xff\xc0\xaf" "end\xe3\x81"); /* bad byte, overlong, truncated */
    assert_non_null(strstr(s, "\\xFF"));
    assert_non_null(strstr(s, "\\xC0"));
    assert_non_null(strstr(s, "\\xE3"));
    assert_non_null(strstr(s, "end"));
    free(s);
    s = escaped("\xed\xa0\x80"); /* a UTF-16 surrogate in UTF-8 */
    assert_non_null(strstr(s, "\\xED"));
    free(s);
}

/* A small analysed bundle: TEST_RULE, matched, with hostile strings. */
typedef struct world {
    kb_ruleset rules;
    kb_inputs inputs;
    kb_factlist facts;
    kb_results results;
    kb_report report;
} world;

/* The bundle; with kinds, the Application log's layout too (for coverage). */
static void build_with(world *w, kb_lang lang, int kinds)
{
    memset(w, 0, sizeof *w);
    test_ruleset(&w->rules);
    const char *names[] = {"vss\xff" HOSTILE ".txt", /* file names need not be UTF-8 */ "Application.evtx", "tasklist.txt"};
    const char *feeds[] = {"vssadmin_writers", "eventlog:Application", "tasklist_svc"};
    for (int i = 0; i < 3; i++) {
        long k = kb_inputs_add(&w->inputs, names[i]);
        kb_input_add_feed(&w->inputs.items[k], feeds[i]);
        w->inputs.items[k].computer = kb_strdup("SRV" HOSTILE);
    }
    w->inputs.items[1].first_time = 1538000000000000LL;
    w->inputs.items[1].last_time = 1538395219123000LL;
    if (kinds) {
        kb_input_set_source(&w->inputs.items[0], "vssadmin_writers", KB_COVERS_MOMENT, NULL);
        kb_input_set_source(&w->inputs.items[1], "evtx", KB_COVERS_EVENTS, NULL);
        kb_input_set_source(&w->inputs.items[2], "tasklist_svc", KB_COVERS_MOMENT, NULL);
        kb_input *app = &w->inputs.items[1];
        app->channel = kb_strdup("Application");
        add_evtx_log(&w->facts, 1, "Application", 48213, 48242, 30);
    }
    kb_fact *f = kb_fact_new("vssadmin.listing", 0);
    kb_fact_set(f, "status", "ok");
    kb_fact_set(f, "writers", "0");
    kb_fact_set(f, "latest", "yes");
    f->line = 2;
    f->line_end = 3;
    f->text = kb_strdup("vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n"
                        "(C) Copyright 2001-2013 Microsoft Corp.");
    f->before = kb_strdup("C:\\>vssadmin list writers");
    kb_factlist_add(&w->facts, f);
    f = kb_fact_new("event", 1);
    kb_fact_set(f, "provider", "VSS");
    kb_fact_set(f, "event_id", "8193");
    kb_fact_set(f, "data", "CoCreateInstance\nhr = 0x800401fb, Object is not registered.\n"
                           "Writer Name: " HOSTILE "\xe2\x80\xae" "x\n");
    f->record = 4242;
    f->time = 1538395219123000LL;
    kb_factlist_add(&w->facts, f);
    f = kb_fact_new("tasklist.process", 2);
    kb_fact_set(f, "image", "svchost.exe");
    kb_fact_set(f, "pid", "816");
    kb_fact_set(f, "services", "EventSystem, FontCache, netprofm, nsi" HOSTILE);
    kb_fact_set(f, "service_count", "4");
    f->line = 40;
    f->line_end = 40;
    f->text = kb_strdup("svchost.exe                    816 EventSystem, FontCache, netprofm, nsi" HOSTILE);
    kb_factlist_add(&w->facts, f);
    kb_eval_opts opts = {lang, 20};
    assert_int_equal(kb_combine(&w->inputs, &w->facts), KB_OK);
    assert_int_equal(kb_evaluate(&w->rules, &w->facts, &w->inputs, &opts, &w->results), KB_OK);
    static const char *const paths[] = {"bundle" HOSTILE};
    kb_report r = {"9.9.9", paths, 1, "rules", &w->rules, &w->inputs, &w->results, lang,
                   KB_TIME_NONE, KB_TIME_NONE, 1538395300000000LL, 1234000,
                   kb_results_exit_status(&w->results), NULL, NULL, NULL, KB_TIME_NONE, KB_TIME_NONE,
                   NULL, NULL, 0};
    w->report = r;
    kb_report_summarise(&w->report, &w->facts);
}

static void build(world *w, kb_lang lang)
{
    build_with(w, lang, 0);
}

static void destroy(world *w)
{
    kb_results_free(&w->results);
    kb_factlist_free(&w->facts);
    kb_inputs_free(&w->inputs);
    kb_ruleset_free(&w->rules);
}

typedef int (*writer)(FILE *, const kb_report *);

static char *render(world *w, writer write)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    assert_non_null(fp);
    assert_int_equal(write(fp, &w->report), 0);
    fclose(fp);
    /* A copy: gcc's -Wdangling-pointer takes pointers into the buffer
     * open_memstream filled for pointers to the local variable. */
    char *copy = kb_strdup(text);
    free(text);
    return copy;
}

static int write_text_plain(FILE *fp, const kb_report *r) { return kb_report_write_text(fp, r, 0); }

static void test_html_inert(void **state)
{
    (void)state;
    world w;
    build(&w, KB_LANG_EN);
    char *html = render(&w, kb_report_write_html);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "</style>\"")); /* the hostile </style> is escaped */
    assert_non_null(strstr(html, "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"));
    assert_non_null(strstr(html, "[U+202E]"));
    assert_non_null(strstr(html, "\\xFF"));
    assert_non_null(strstr(html, "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'"));
    /* Exactly one <style> element: ours. */
    char *first = strstr(html, "<style>");
    assert_non_null(first);
    assert_null(strstr(first + 1, "<style>"));
    free(html);
    destroy(&w);
}

static void test_html_sections(void **state)
{
    (void)state;
    world w;
    build(&w, KB_LANG_EN);
    char *html = render(&w, kb_report_write_html);
    /* Verdict first, then evidence, remedies, timeline, inputs, footer. */
    char *verdict = strstr(html, "class=\"verdict matched\"");
    char *evidence = strstr(html, "<mark><span class=\"ln\">40</span>");
    char *remedy = strstr(html, "sc.exe config EventSystem type= own");
    char *timeline = strstr(html, "<svg");
    char *inputs = strstr(html, "id=\"inputs\"");
    char *footer = strstr(html, "<footer>kbscan 9.9.9");
    assert_non_null(verdict);
    assert_non_null(evidence);
    assert_non_null(remedy);
    assert_non_null(timeline);
    assert_non_null(inputs);
    assert_non_null(footer);
    assert_true(verdict < evidence && evidence < remedy && remedy < timeline && timeline < inputs &&
                inputs < footer);
    /* Context lines around text evidence, numbered from the real line. */
    assert_non_null(strstr(html, "<span class=\"ln\">1</span>C:\\&gt;vssadmin list writers"));
    assert_non_null(strstr(html, "<mark><span class=\"ln\">2</span>vssadmin 1.1"));
    /* Event rows carry time, record and the extracted writer and hr. */
    assert_non_null(strstr(html, "2018-10-01T12:00:19.123Z</td><td class=\"num\">4242</td>"));
    assert_non_null(strstr(html, "<td>0x800401fb <span class=\"errcode\">"));
    assert_non_null(strstr(html, "test-writers-gone v1"));
    assert_non_null(strstr(html, "1234 ms"));
    assert_non_null(strstr(html, "@media print"));
    assert_non_null(strstr(html, "name=\"viewport\""));
    free(html);
    destroy(&w);
}

static void test_html_japanese(void **state)
{
    (void)state;
    world w;
    build(&w, KB_LANG_JA);
    char *html = render(&w, kb_report_write_html);
    assert_non_null(strstr(html, "<html lang=\"ja\">"));
    assert_non_null(strstr(html, "該当"));
    assert_non_null(strstr(html, "テスト対処 (2): 分離"));
    free(html);
    destroy(&w);
}

static void test_json(void **state)
{
    (void)state;
    world w;
    build(&w, KB_LANG_EN);
    char *json = render(&w, kb_report_write_json);
    assert_non_null(strstr(json, "\"schema\":\t\"kbscan-report/1\""));
    assert_non_null(strstr(json, "\"verdict\":\t\"matched\""));
    assert_non_null(strstr(json, "\"exit_status\":\t1"));
    assert_non_null(strstr(json, "\"record\":\t4242"));
    assert_non_null(strstr(json, "\"time\":\t\"2018-10-01T12:00:19.123Z\""));
    assert_non_null(strstr(json, "\"line\":\t40"));
    assert_non_null(strstr(json, "\"context_before\":\t\"C:\\\\>vssadmin list writers\""));
    assert_non_null(strstr(json, "\"reason\":\t\"missing\"")); /* systeminfo absent */
    assert_non_null(strstr(json, "\"command\":\t\"systeminfo > systeminfo.txt\""));
    /* A file name that is not UTF-8 is shown byte by byte, and the JSON stays UTF-8. */
    assert_non_null(strstr(json, "\"path\":\t\"vss\\\\xFF<script>"));
    free(json);
    destroy(&w);
}

static void test_text(void **state)
{
    (void)state;
    world w;
    build(&w, KB_LANG_EN);
    char *text = render(&w, write_text_plain);
    assert_non_null(strstr(text, "MATCHED      test-writers-gone"));
    assert_non_null(strstr(text, "tasklist.txt:40"));
    assert_non_null(strstr(text, "record 4242 2018-10-01T12:00:19.123Z"));
    assert_non_null(strstr(text, "sc.exe config EventSystem type= own"));
    assert_null(strstr(text, "\033["));
    free(text);
    destroy(&w);
}

/* Bundle text must not drive the terminal: escape sequences, bidi
 * overrides and invalid bytes come out visible. */
static void test_text_visible(void **state)
{
    (void)state;
    char *s = kb_text_visible("a\033[2J\033]0;title\007b\xe2\x80\xae" "c\xff\nline\ttab");
    assert_string_equal(s, "a[U+001B][2J[U+001B]]0;title[U+0007]b[U+202E]c\\xFF\nline\ttab");
    free(s);
    assert_null(kb_text_visible(NULL));

    world w;
    build(&w, KB_LANG_EN);
    char *text = render(&w, write_text_plain);
    assert_null(strstr(text, "\xe2\x80\xae"));
    assert_non_null(strstr(text, "[U+202E]"));
    assert_non_null(strstr(text, "vss\\xFF<script>")); /* the file name, bytes shown */
    free(text);
    destroy(&w);
}

/* The timeline's legend is HTML (it wraps), one entry per series. */
static void test_html_timeline(void **state)
{
    (void)state;
    world w;
    build(&w, KB_LANG_JA);
    char *html = render(&w, kb_report_write_html);
    char *svg = strstr(html, "<svg");
    assert_non_null(svg);
    assert_non_null(strstr(html, "タイムライン"));
    char *legend = strstr(svg, "<ul class=\"legend\">");
    assert_non_null(legend);
    assert_non_null(strstr(legend, "<li><span class=\"key\" style=\"background:#b3261e\"></span>"));
    assert_non_null(strstr(legend, " (1)</li>"));
    free(html);
    destroy(&w);
}

/* Error codes in evidence are explained next to the raw value in every
 * report; the JSON keeps the raw field and adds codes[]. */
static void test_error_codes(void **state)
{
    (void)state;
    world w;
    build(&w, KB_LANG_EN);
    char *text = render(&w, write_text_plain);
    assert_non_null(strstr(text, "hr=0x800401fb (CO_E_OBJNOTREG: Object is not registered)"));
    assert_null(strstr(text, "pid=816 (")); /* decimal fields are not codes */
    free(text);
    char *html = render(&w, kb_report_write_html);
    assert_non_null(strstr(html, "<td>0x800401fb <span class=\"errcode\">(CO_E_OBJNOTREG: "
                                 "Object is not registered)</span></td>"));
    free(html);
    char *json = render(&w, kb_report_write_json);
    assert_non_null(strstr(json, "\"hr\":\t\"0x800401fb\""));
    assert_non_null(strstr(json, "\"codes\":\t[{\n"));
    assert_non_null(strstr(json, "\"field\":\t\"hr\",\n"));
    assert_non_null(strstr(json, "\"name\":\t\"CO_E_OBJNOTREG\",\n"));
    assert_non_null(strstr(json, "\"meaning\":\t\"Object is not registered\"\n"));
    free(json);
    destroy(&w);
}

/* The small bundle turned into a near miss: the VSS error carries
 * 0x80070005 (access denied), not 0x800401fb. */
static void build_near_miss(world *w)
{
    build(w, KB_LANG_EN);
    kb_fact_set(w->facts.items[1], "data", "CoCreateInstance\n0x80070005, Access is denied.\n"
                                           "Writer Name: ASR Writer\n");
    kb_results_free(&w->results);
    kb_eval_opts opts = {KB_LANG_EN, 20};
    assert_int_equal(kb_evaluate(&w->rules, &w->facts, &w->inputs, &opts, &w->results), KB_OK);
    w->report.exit_status = kb_results_exit_status(&w->results);
}

static void test_near_miss_reports(void **state)
{
    (void)state;
    world w;
    build_near_miss(&w);
    const char *say = "VSS 8193 1 times, hr 0x80070005, Access is denied.";
    char *json = render(&w, kb_report_write_json);
    assert_non_null(strstr(json, "\"verdict\":\t\"not_matched\",\n\t\t\t\"near_miss\":\t{\n\t\t\t\t\"met\":\t[\"empty\", \"shared\"],\n\t\t\t\t\"not_met\":\t[\"errors\"]"));
    assert_non_null(strstr(json, "\"near\":\t{\n\t\t\t\t\t\t\"basis\":\t\"rule\",\n\t\t\t\t\t\t\"count\":\t1"));
    assert_non_null(strstr(json, say));
    assert_non_null(strstr(json, "\"hr\":\t\"0x80070005\""));
    free(json);
    char *text = render(&w, write_text_plain);
    const char *section = strstr(text, "Near miss: met: empty, shared; not met: errors\n");
    const char *near_say = strstr(text, say);
    assert_non_null(section);
    assert_true(near_say > section);
    assert_non_null(strstr(text, "record 4242 2018-10-01T12:00:19.123Z event_id=8193 writer=ASR Writer hr=0x80070005"));
    free(text);
    char *html = render(&w, kb_report_write_html);
    char *box = strstr(html, "<div class=\"near\">");
    assert_non_null(box);
    assert_non_null(strstr(box, "not met: <code>errors</code>"));
    assert_non_null(strstr(box, say));
    assert_non_null(strstr(box, "<td>0x80070005 <span class=\"errcode\">(E_ACCESSDENIED / ERROR_ACCESS_DENIED: Access is denied.)</span></td>"));
    free(html);
    destroy(&w);
    /* A matched rule is no near miss: no such section. */
    build(&w, KB_LANG_EN);
    char *matched_text = render(&w, write_text_plain);
    assert_null(strstr(matched_text, "Near miss"));
    free(matched_text);
    char *matched_json = render(&w, kb_report_write_json);
    assert_non_null(strstr(matched_json, "\"near_miss\":\tnull"));
    free(matched_json);
    destroy(&w);
}

/* Where needle starts in text, or -1. */
static long offset_of(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    return at ? (long)(at - text) : -1;
}

/* Text and HTML lead with the answer; the coverage, as counts and
 * problems, then input by input, comes after the evidence; its findings
 * are in the JSON. */
static void test_coverage_reports(void **state)
{
    (void)state;
    world w;
    build_with(&w, KB_LANG_EN, 1);
    kb_coverage cov;
    assert_int_equal(kb_coverage_compute(&w.inputs, &w.facts, &w.rules, &w.results, KB_LANG_EN, &cov), KB_OK);
    w.report.coverage = &cov;
    const char *say = "Application.evtx starts at record 48213: the 48212 older records are not in it";
    char *text = render(&w, write_text_plain);
    long answer = offset_of(text, "Answer:\n  MATCHED      test-writers-gone: ");
    long verdict = offset_of(text, "\nMATCHED      test-writers-gone");
    long section = offset_of(text, "Coverage:\n  3 inputs: 3 ok; 1 event log, 2 command outputs\n");
    long finding = offset_of(text, say);
    long rows = offset_of(text, "Coverage, input by input:\n  event logs:\n    Application.evtx  Application  "
                                "2018-09-26T22:13:20Z .. 2018-10-01T12:00:19.123Z  30 records (48213..48242)\n");
    long total = offset_of(text, "\n1 computer, 1 issue matched; exit 1\n");
    assert_true(answer >= 0 && answer < verdict && verdict < section && section < finding && finding < rows &&
                rows < total);
    assert_int_equal((size_t)total + strlen("\n1 computer, 1 issue matched; exit 1\n"), strlen(text));
    assert_non_null(strstr(text, "  not in the bundle:\n    systeminfo.txt (systeminfo > systeminfo.txt)\n"));
    free(text);
    char *json = render(&w, kb_report_write_json);
    assert_non_null(strstr(json, "\"kind\":\t\"log_wrapped\""));
    assert_non_null(strstr(json, "\"first_record\":\t48213"));
    assert_non_null(strstr(json, say));
    free(json);
    char *html = render(&w, kb_report_write_html);
    long cards = offset_of(html, "<section id=\"answer\">\n<h2>Answer</h2>\n<section class=\"verdict matched\"");
    long hsection = offset_of(html, "<section id=\"coverage\">");
    long hfinding = offset_of(html, "<li class=\"note\" data-kind=\"log_wrapped\">");
    long folded = offset_of(html, "<details id=\"coverage-rows\"><summary>");
    long inputs = offset_of(html, "<section id=\"inputs\">\n<details>");
    assert_true(cards >= 0 && cards < hsection && hsection < hfinding && hfinding < folded && folded < inputs);
    assert_non_null(strstr(html, "<li>systeminfo.txt: <code>systeminfo &gt; systeminfo.txt</code>"));
    free(html);
    kb_coverage_free(&cov);
    destroy(&w);
}

static void expect_count(kb_lang lang, kb_count_noun noun, size_t n, const char *want)
{
    kb_buf b = KB_BUF_INIT;
    kb_msg_count(lang, noun, n, &b);
    assert_string_equal(kb_buf_str(&b), want);
    kb_buf_free(&b);
}

static void expect_total(kb_lang lang, kb_view_total t, const char *want)
{
    char *line = kb_msg_total(lang, &t);
    assert_string_equal(line, want);
    free(line);
}

/* "1 file", "2 files" in English; a counter in Japanese; the run's line. */
static void test_counts_pluralised(void **state)
{
    (void)state;
    expect_count(KB_LANG_EN, KB_NOUN_RECORD, 1, "1 record");
    expect_count(KB_LANG_EN, KB_NOUN_RECORD, 0, "0 records");
    expect_count(KB_LANG_EN, KB_NOUN_FILE, 1, "1 file");
    expect_count(KB_LANG_EN, KB_NOUN_FILE, 2, "2 files");
    expect_count(KB_LANG_EN, KB_NOUN_COMPUTER, 1, "1 computer");
    expect_count(KB_LANG_EN, KB_NOUN_LOG, 110, "110 event logs");
    expect_count(KB_LANG_JA, KB_NOUN_RECORD, 1, "レコード 1 件");
    expect_count(KB_LANG_JA, KB_NOUN_COMPUTER, 2, "コンピューター 2 台");
    expect_total(KB_LANG_EN, (kb_view_total){.computers = 2, .matched = 1, .cannot_tell = 1, .damaged = 3,
                                             .exit_status = 1},
                 "2 computers, 1 issue matched, 1 cannot tell, 3 inputs damaged; exit 1");
    expect_total(KB_LANG_EN, (kb_view_total){.computers = 1, .matched = 2, .damaged = 1, .exit_status = 1},
                 "1 computer, 2 issues matched, 1 input damaged; exit 1");
    expect_total(KB_LANG_EN, (kb_view_total){.computers = 1, .harmless = 1},
                 "1 computer, 1 known harmless, no known issue found; exit 0");
    expect_total(KB_LANG_JA, (kb_view_total){.computers = 2, .matched = 1, .cannot_tell = 1, .damaged = 3,
                                             .exit_status = 1},
                 "コンピューター 2 台、該当 1 件、判定不能 1 件、破損した入力 3 件; 終了コード 1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_markup),
        cmocka_unit_test(test_escape_invisible),
        cmocka_unit_test(test_escape_invalid_utf8),
        cmocka_unit_test(test_html_inert),
        cmocka_unit_test(test_html_sections),
        cmocka_unit_test(test_html_japanese),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_visible),
        cmocka_unit_test(test_html_timeline),
        cmocka_unit_test(test_error_codes),
        cmocka_unit_test(test_near_miss_reports),
        cmocka_unit_test(test_coverage_reports),
        cmocka_unit_test(test_counts_pluralised),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
