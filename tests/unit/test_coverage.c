/* test_coverage.c: bundle coverage (analyzer/coverage.c): times taken from
 * file names, wrapped, late, gapped and cleared logs, inputs taken days
 * apart, the file that settles a "cannot tell", and the interest in the
 * log-cleared events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"

#define SEED_RULE "rules/vss-writers-missing-eventsystem-shared.json"
#define DAY (86400LL * 1000000LL)
#define T0 1538395219000000LL /* 2018-10-01T12:00:19Z */

typedef struct world {
    kb_ruleset rules;
    kb_inputs inputs;
    kb_factlist facts;
    kb_results results;
    kb_coverage cov;
} world;

static void world_init(world *w)
{
    memset(w, 0, sizeof *w);
    w->rules.rules = calloc(1, sizeof(kb_rule));
    kb_buf errors = KB_BUF_INIT;
    assert_int_equal(kb_rule_load_file(SEED_RULE, &w->rules.rules[0], &errors), 0);
    w->rules.n = 1;
    kb_buf_free(&errors);
}

static void world_free(world *w)
{
    kb_coverage_free(&w->cov);
    kb_results_free(&w->results);
    kb_factlist_free(&w->facts);
    kb_inputs_free(&w->inputs);
    kb_ruleset_free(&w->rules);
}

static size_t output(world *w, const char *path, const char *kind)
{
    long i = kb_inputs_add(&w->inputs, path);
    assert_true(i >= 0);
    kb_input_set_kind(&w->inputs.items[i], kind);
    kb_input_add_feed(&w->inputs.items[i], kind);
    return (size_t)i;
}

/* An event log with its layout: first..last time, record ids, count. */
static size_t log_input(world *w, const char *path, const char *channel, int64_t first, int64_t last,
                        uint64_t first_record, uint64_t last_record, uint64_t records)
{
    long i = kb_inputs_add(&w->inputs, path);
    assert_true(i >= 0);
    kb_input *in = &w->inputs.items[i];
    kb_input_set_kind(in, "evtx");
    char feed[64];
    snprintf(feed, sizeof feed, "eventlog:%s", channel);
    kb_input_add_feed(in, feed);
    in->channel = kb_strdup(channel);
    in->first_time = first;
    in->last_time = last;
    in->first_record = first_record;
    in->last_record = last_record;
    in->records_walked = records;
    return (size_t)i;
}

static void compute(world *w, kb_lang lang)
{
    kb_eval_opts opts = {lang, 20};
    assert_int_equal(kb_evaluate(&w->rules, &w->facts, &w->inputs, &opts, &w->results), KB_OK);
    assert_int_equal(kb_coverage_compute(&w->inputs, &w->facts, &w->rules, &w->results, lang, &w->cov), KB_OK);
}

static size_t count(const world *w, kb_cov_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < w->cov.n; i++)
        n += w->cov.findings[i].kind == kind;
    return n;
}

static const kb_cov_finding *find(const world *w, kb_cov_kind kind)
{
    for (size_t i = 0; i < w->cov.n; i++)
        if (w->cov.findings[i].kind == kind)
            return &w->cov.findings[i];
    fail_msg("no %s finding", kb_cov_kind_name(kind));
    return NULL;
}

static void test_taken_from_file_name(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    size_t a = output(&w, "bundle/vssadmin_2018-10-08_0930.txt", "vssadmin_writers");
    size_t b = output(&w, "bundle/tasklist-20181005.txt", "tasklist_svc");
    size_t c = output(&w, "bundle/sc_20181340.txt", "sc_query");        /* month 13: no date */
    size_t d = output(&w, "bundle/run12018-10-08.txt", "systeminfo");   /* part of a longer number */
    size_t e = log_input(&w, "bundle/App_2018-10-08.evtx", "Application", T0, T0, 1, 1, 1);
    compute(&w, KB_LANG_EN);
    char buf[40];
    kb_cov_format_taken(w.cov.taken[a], buf, sizeof buf);
    assert_string_equal(buf, "2018-10-08T09:30");
    kb_cov_format_taken(w.cov.taken[b], buf, sizeof buf);
    assert_string_equal(buf, "2018-10-05T00:00");
    assert_true(w.cov.taken[c] == KB_TIME_NONE);
    assert_true(w.cov.taken[d] == KB_TIME_NONE);
    assert_true(w.cov.taken[e] == KB_TIME_NONE); /* logs have their events' times */
    world_free(&w);
}

static void test_feeds(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    output(&w, "vssadmin.txt", "vssadmin_writers");
    compute(&w, KB_LANG_EN);
    assert_int_equal(w.cov.nfeeds, 5); /* vssadmin, systeminfo, Application, tasklist, sc */
    assert_string_equal(w.cov.feeds[0].feed, "vssadmin_writers");
    assert_true(w.cov.feeds[0].present);
    assert_string_equal(w.cov.feeds[3].feed, "tasklist_svc");
    assert_false(w.cov.feeds[3].present);
    assert_string_equal(w.cov.feeds[3].collect->collect.command, "tasklist /svc > tasklist_svc.txt");
    world_free(&w);
}

static void test_wrapped_and_gap(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    log_input(&w, "Application.evtx", "Application", T0, T0 + DAY, 48213, 48242, 30);
    log_input(&w, "System.evtx", "System", T0 - DAY / 2, T0 + DAY, 1, 147, 47);
    size_t damaged = log_input(&w, "Setup.evtx", "Setup", T0, T0 + DAY, 1, 100, 10);
    kb_input_fail(&w.inputs.items[damaged], KB_INPUT_DAMAGED, "cut short");
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_LOG_WRAPPED), 1);
    assert_string_equal(find(&w, KB_COV_LOG_WRAPPED)->say,
                        "Application.evtx starts at record 48213: the 48212 older records are not in it "
                        "(the log wrapped and overwrote them, or it was exported with a filter).");
    /* The damaged log's lost records are damage, not a gap. */
    assert_int_equal(count(&w, KB_COV_RECORD_GAP), 1);
    const kb_cov_finding *gap = find(&w, KB_COV_RECORD_GAP);
    assert_int_equal(gap->input, 1);
    assert_non_null(strstr(gap->say, "holds records 1 to 147 but only 47 of them: 100 are missing"));
    /* Less than a day apart: no late start. */
    assert_int_equal(count(&w, KB_COV_LOG_STARTS_LATE), 0);
    world_free(&w);
}

static void test_starts_late(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    log_input(&w, "Application.evtx", "Application", T0, T0 + DAY, 48213, 48242, 30);
    log_input(&w, "Security.evtx", "Security", T0 - DAY, T0 + DAY, 1, 4, 4);
    log_input(&w, "System.evtx", "System", T0 - 10 * DAY, T0 + DAY, 1, 17, 17);
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_LOG_STARTS_LATE), 2);
    const kb_cov_finding *late = find(&w, KB_COV_LOG_STARTS_LATE);
    assert_int_equal(late->input, 0);
    assert_int_equal(late->other, 2);
    assert_string_equal(late->say,
                        "Application.evtx starts at 2018-10-01T12:00:19Z, 10.0 days after System.evtx "
                        "(2018-09-21T12:00:19Z), with record 48213: it has wrapped; events before "
                        "2018-10-01T12:00:19Z are not in the bundle (ask for an older export, or a larger log).");
    assert_non_null(strstr(w.cov.findings[w.cov.n - 1].say,
                           "Security.evtx starts at 2018-09-30T12:00:19Z, 9.0 days after System.evtx "
                           "(2018-09-21T12:00:19Z), with record 1: the log was created or cleared then"));
    world_free(&w);
}

static kb_fact *clear_event(world *w, size_t input, const char *id, int64_t t, uint64_t record)
{
    kb_fact *f = kb_fact_new("event", input);
    kb_fact_set(f, "provider", "Microsoft-Windows-Eventlog");
    kb_fact_set(f, "event_id", id);
    f->time = t;
    f->record = record;
    assert_int_equal(kb_factlist_add(&w->facts, f), 0);
    return f;
}

static void test_cleared(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    size_t sec = log_input(&w, "Security.evtx", "Security", T0, T0 + DAY, 1, 4, 4);
    size_t sys = log_input(&w, "System.evtx", "System", T0, T0 + DAY, 1, 18, 18);
    kb_fact *f = clear_event(&w, sec, "1102", T0, 1);
    kb_fact_set(f, "data1", "S-1-5-21-1-2-3-500");
    kb_fact_set(f, "data2", "Administrator");
    kb_fact_set(f, "data3", "CONTOSO");
    f = clear_event(&w, sys, "104", T0 + 3600000000LL, 12);
    kb_fact_set(f, "data1", "admin2");
    kb_fact_set(f, "data2", "CONTOSO");
    kb_fact_set(f, "data3", "Application");
    clear_event(&w, sys, "105", T0, 13); /* not a clearing */
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_LOG_CLEARED), 2);
    const kb_cov_finding *c = find(&w, KB_COV_LOG_CLEARED);
    assert_true(c->time == T0);
    assert_int_equal(c->fact->record, 1);
    assert_string_equal(c->say, "The Security log was cleared at 2018-10-01T12:00:19Z by CONTOSO\\Administrator "
                                "(event 1102, record 1 in Security.evtx): its events before then are gone.");
    assert_string_equal(w.cov.findings[1].say,
                        "The Application log was cleared at 2018-10-01T13:00:19Z by CONTOSO\\admin2 "
                        "(event 104, record 12 in System.evtx): its events before then are gone.");
    world_free(&w);
}

static void test_time_skew(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    output(&w, "b/vssadmin_2018-10-08_0930.txt", "vssadmin_writers");
    output(&w, "b/tasklist_svc_20181005-1800.txt", "tasklist_svc");
    output(&w, "b/systeminfo_2018-10-03_1200.txt", "systeminfo"); /* close to the log: fine */
    log_input(&w, "b/Application.evtx", "Application", T0 - DAY, T0 + 2 * DAY, 1, 46, 46);
    log_input(&w, "b/System.evtx", "System", T0 - DAY, T0 - 2 * DAY / 3, 1, 17, 17);
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 4);
    const kb_cov_finding *among = find(&w, KB_COV_TIME_SKEW);
    assert_int_equal(among->input, 0);
    assert_int_equal(among->other, 2);
    assert_string_equal(among->say, "vssadmin_2018-10-08_0930.txt was taken 2018-10-08T09:30, 4.9 days after "
                                    "systeminfo_2018-10-03_1200.txt (2018-10-03T12:00): they may not show the same state.");
    assert_non_null(strstr(w.cov.findings[1].say, "vssadmin_2018-10-08_0930.txt was taken 2018-10-08T09:30, "
                                                  "4.9 days after the newest event of any log "
                                                  "(2018-10-03T12:00:19Z in Application.evtx)"));
    assert_non_null(strstr(w.cov.findings[2].say, "tasklist_svc_20181005-1800.txt was taken 2018-10-05T18:00, 2.2 days after"));
    /* The logs: System ends 2.7 days before Application. */
    assert_string_equal(w.cov.findings[3].say,
                        "System.evtx ends at 2018-09-30T20:00:19Z, 2.7 days before Application.evtx "
                        "(2018-10-03T12:00:19Z): exported at another time, or nothing was logged since.");
    world_free(&w);
    /* An output taken days before the logs end. */
    world_init(&w);
    output(&w, "b/vssadmin_2018-09-25.txt", "vssadmin_writers");
    log_input(&w, "b/Application.evtx", "Application", T0 - DAY, T0, 1, 46, 46);
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 1);
    assert_non_null(strstr(find(&w, KB_COV_TIME_SKEW)->say,
                           "vssadmin_2018-09-25.txt was taken 2018-09-25T00:00, 6.5 days before the newest event of Application.evtx"));
    world_free(&w);
}

static void test_missing_input(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    size_t vss = output(&w, "vssadmin.txt", "vssadmin_writers");
    log_input(&w, "Application.evtx", "Application", T0, T0, 1, 1, 1);
    kb_fact *f = kb_fact_new("vssadmin.listing", vss);
    kb_fact_set(f, "status", "ok");
    kb_fact_set(f, "writers", "0");
    kb_fact_set(f, "latest", "yes");
    kb_factlist_add(&w.facts, f);
    f = kb_fact_new("event", 1);
    kb_fact_set(f, "provider", "VSS");
    kb_fact_set(f, "event_id", "8193");
    kb_fact_set(f, "data", "CoCreateInstance\n0x800401fb, Object is not registered.\n");
    kb_factlist_add(&w.facts, f);
    compute(&w, KB_LANG_EN);
    assert_int_equal(w.results.rules[0].verdict, KB_VERDICT_CANNOT_TELL);
    assert_int_equal(count(&w, KB_COV_MISSING_INPUT), 1); /* context checkpoints do not count */
    const kb_cov_finding *m = find(&w, KB_COV_MISSING_INPUT);
    assert_string_equal(m->checkpoint->id, "eventsystem-shared");
    assert_int_equal(m->why, KB_WHY_MISSING);
    assert_int_equal(m->input, -1);
    assert_string_equal(m->say, "vss-writers-missing-eventsystem-shared cannot tell without tasklist_svc.txt "
                                "(tasklist_svc): run tasklist /svc > tasklist_svc.txt");
    world_free(&w);
}

static void test_japanese(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    log_input(&w, "Application.evtx", "Application", T0, T0 + DAY, 48213, 48242, 30);
    compute(&w, KB_LANG_JA);
    assert_non_null(strstr(find(&w, KB_COV_LOG_WRAPPED)->say, "Application.evtx はレコード 48213 から始まっています"));
    assert_int_equal(count(&w, KB_COV_MISSING_INPUT), 0); /* not matched: no vss error */
    world_free(&w);
}

static void test_nothing_to_say(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    log_input(&w, "Application.evtx", "Application", T0, T0 + DAY, 1, 46, 46);
    log_input(&w, "System.evtx", "System", T0 - DAY / 2, T0 + DAY, 1, 17, 17);
    output(&w, "vssadmin.txt", "vssadmin_writers");
    output(&w, "tasklist.txt", "tasklist_svc");
    compute(&w, KB_LANG_EN);
    assert_int_equal(w.cov.n, 0);
    world_free(&w);
}

static void test_interest(void **state)
{
    (void)state;
    kb_interest interest = {0};
    assert_int_equal(kb_coverage_interest(&interest), 0);
    assert_true(kb_interest_wants(&interest, "Microsoft-Windows-Eventlog", 1102));
    assert_true(kb_interest_wants(&interest, "microsoft-windows-eventlog", 104));
    assert_false(kb_interest_wants(&interest, "Microsoft-Windows-Eventlog", 105));
    kb_interest_free(&interest);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_taken_from_file_name),
        cmocka_unit_test(test_feeds),
        cmocka_unit_test(test_wrapped_and_gap),
        cmocka_unit_test(test_starts_late),
        cmocka_unit_test(test_cleared),
        cmocka_unit_test(test_time_skew),
        cmocka_unit_test(test_missing_input),
        cmocka_unit_test(test_japanese),
        cmocka_unit_test(test_nothing_to_say),
        cmocka_unit_test(test_interest),
    };
    return cmocka_run_group_tests_name("coverage", tests, NULL, NULL);
}
