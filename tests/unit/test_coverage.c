/* test_coverage.c: bundle coverage (analyzer/engine/coverage.c): times taken from
 * file names, wrapped, late, gapped and cleared logs (from the derived
 * facts the combiners make of the inputs and events), inputs taken days
 * apart, and the file that settles a "cannot tell". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "combiners/combiners.h"
#include "engine/coverage.h"
#include "inline_rule.h"
#include "log_fact.h"
#define DAY (86400LL * 1000000LL)
#define T0 1538395219000000LL /* 2018-10-01T12:00:19Z */

typedef struct world {
    kb_ruleset rules;
    kb_inputs inputs;
    kb_factlist facts;
    kb_results results;
    kb_coverage cov;
} world;

/* A world whose one rule is TEST_RULE (inline_rule.h). */
static void world_init(world *w)
{
    memset(w, 0, sizeof *w);
    test_ruleset(&w->rules);
}

/* A world with one rule given as JSON text: System service crashes (the
 * problem) and Application events (read, to check their coverage). */
static void world_init_rule(world *w, const char *json)
{
    memset(w, 0, sizeof *w);
    inline_ruleset(&w->rules, json);
}

#define CRASH_RULE                                                                              \
    "{\"id\":\"crash-then-app\",\"version\":1,\"title\":\"t\",\"checkpoints\":["                     \
    "{\"id\":\"crash\",\"title\":\"t\",\"input\":\"eventlog:System\",\"facts\":\"event\","            \
    "\"where\":{\"field\":\"event_id\",\"equals\":7031}},"                                           \
    "{\"id\":\"app\",\"title\":\"t\",\"input\":\"eventlog:Application\",\"facts\":\"event\","        \
    "\"where\":{\"field\":\"event_id\",\"equals\":1000}}],"                                          \
    "\"verdict\":{\"all\":[\"crash\",\"app\"]}}"

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
    kb_input_set_source(&w->inputs.items[i], kind, KB_COVERS_MOMENT, NULL);
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
    kb_input_set_source(in, "evtx", KB_COVERS_EVENTS, NULL);
    char feed[64];
    snprintf(feed, sizeof feed, "eventlog:%s", channel);
    kb_input_add_feed(in, feed);
    in->channel = kb_strdup(channel);
    in->first_time = first;
    in->last_time = last;
    add_evtx_log(&w->facts, (size_t)i, channel, first_record, last_record, records);
    return (size_t)i;
}

static void compute(world *w, kb_lang lang)
{
    kb_eval_opts opts = {lang, 20};
    assert_int_equal(kb_combine(&w->inputs, &w->facts), KB_OK);
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
    kb_cov_format_taken(&w.cov, a, buf, sizeof buf);
    assert_string_equal(buf, "2018-10-08T09:30");
    kb_cov_format_taken(&w.cov, b, buf, sizeof buf);
    assert_string_equal(buf, "2018-10-05"); /* a date only: no invented hour */
    assert_false(w.cov.taken_has_time[b]);
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

/* A service crash event (the rule's problem) in the System log. */
static void crash_event(world *w, size_t input, int64_t t, uint64_t record)
{
    kb_fact *f = kb_fact_new("event", input);
    kb_fact_set(f, "provider", "Service Control Manager");
    kb_fact_set(f, "event_id", "7031");
    f->time = t;
    f->record = record;
    assert_int_equal(kb_factlist_add(&w->facts, f), 0);
}

static void test_starts_late(void **state)
{
    (void)state;
    world w;
    world_init_rule(&w, CRASH_RULE);
    log_input(&w, "Application.evtx", "Application", T0, T0 + DAY, 48213, 48242, 30);
    log_input(&w, "Security.evtx", "Security", T0 - DAY, T0 + DAY, 1, 4, 4);  /* no rule reads it */
    size_t sys = log_input(&w, "System.evtx", "System", T0 - 10 * DAY, T0 + DAY, 1, 17, 17);
    crash_event(&w, sys, T0 - 3 * DAY, 5);
    crash_event(&w, sys, T0 - 2 * DAY, 9);
    compute(&w, KB_LANG_EN);
    /* Application starts after the crashes System shows: it cannot show
     * what the application did then. */
    assert_int_equal(count(&w, KB_COV_LOG_STARTS_LATE), 1);
    const kb_cov_finding *late = find(&w, KB_COV_LOG_STARTS_LATE);
    assert_int_equal(late->input, 0);
    assert_int_equal(late->other, (long)sys);
    assert_string_equal(late->say,
                        "Application.evtx starts at 2018-10-01T12:00:19Z, 3.0 days after the first event "
                        "crash-then-app found in System.evtx (2018-09-28T12:00:19Z), with record 48213: it has "
                        "wrapped; events before 2018-10-01T12:00:19Z are not in the bundle (ask for an older "
                        "export, or a larger log).");
    world_free(&w);

    /* The same logs without a crash: a log that merely starts later than
     * another (created or cleared then) is no finding. */
    world_init_rule(&w, CRASH_RULE);
    log_input(&w, "Application.evtx", "Application", T0, T0 + DAY, 1, 30, 30);
    log_input(&w, "System.evtx", "System", T0 - 10 * DAY, T0 + DAY, 1, 17, 17);
    compute(&w, KB_LANG_EN);
    assert_int_equal(w.cov.n, 0);
    world_free(&w);

    /* A crash in a damaged System log (its times may be garbage) places no
     * window. */
    world_init_rule(&w, CRASH_RULE);
    log_input(&w, "Application.evtx", "Application", T0, T0 + DAY, 1, 30, 30);
    sys = log_input(&w, "System.evtx", "System", T0 - 10 * DAY, T0 + DAY, 1, 17, 17);
    kb_input_fail(&w.inputs.items[sys], KB_INPUT_DAMAGED, "cut short");
    crash_event(&w, sys, T0 - 9 * DAY, 5);
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_LOG_STARTS_LATE), 0);
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 0);
    world_free(&w);

    /* Record 1, in Japanese. */
    world_init_rule(&w, CRASH_RULE);
    log_input(&w, "Application.evtx", "Application", T0, T0 + DAY, 1, 30, 30);
    sys = log_input(&w, "System.evtx", "System", T0 - 10 * DAY, T0 + DAY, 1, 17, 17);
    crash_event(&w, sys, T0 - 2 * DAY, 5);
    compute(&w, KB_LANG_JA);
    assert_int_equal(count(&w, KB_COV_LOG_STARTS_LATE), 1);
    assert_non_null(strstr(find(&w, KB_COV_LOG_STARTS_LATE)->say,
                           "その 2.0 日前に crash-then-app が System.evtx で最初のイベント (2018-09-29T12:00:19Z) を"
                           "見つけています。最初のレコードは 1 です。"));
    world_free(&w);
}

/* A log the rules read that ends days before the last problem seen
 * elsewhere; a log that merely goes quiet is no finding. */
static void test_log_ends_before_problem(void **state)
{
    (void)state;
    world w;
    world_init_rule(&w, CRASH_RULE);
    log_input(&w, "Application.evtx", "Application", T0 - 5 * DAY, T0 - 3 * DAY, 1, 30, 30);
    size_t sys = log_input(&w, "System.evtx", "System", T0 - 10 * DAY, T0 + DAY, 1, 17, 17);
    crash_event(&w, sys, T0 - 4 * DAY, 5);
    crash_event(&w, sys, T0, 9);
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 1);
    const kb_cov_finding *early = find(&w, KB_COV_TIME_SKEW);
    assert_int_equal(early->input, 0);
    assert_int_equal(early->other, (long)sys);
    assert_string_equal(early->say,
                        "Application.evtx ends at 2018-09-28T12:00:19Z, 3.0 days before the last event "
                        "crash-then-app found in System.evtx (2018-10-01T12:00:19Z): it was exported earlier, "
                        "or nothing was logged since; it cannot show what happened then.");
    world_free(&w);

    /* System (no rule reads it) ends days before Application: quiet, no finding. */
    world_init(&w);
    log_input(&w, "Application.evtx", "Application", T0 - DAY, T0 + 2 * DAY, 1, 46, 46);
    log_input(&w, "System.evtx", "System", T0 - DAY, T0 - 2 * DAY / 3, 1, 17, 17);
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 0);
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
    kb_fact_set(f, "data4", "0x3e7");
    kb_fact_set(f, "strings", "4");
    f = clear_event(&w, sys, "104", T0 + 3600000000LL, 12);
    kb_fact_set(f, "data1", "admin2");
    kb_fact_set(f, "data2", "CONTOSO");
    kb_fact_set(f, "data3", "Application");
    kb_fact_set(f, "data4", "");
    kb_fact_set(f, "strings", "4");
    clear_event(&w, sys, "105", T0, 13); /* not a clearing */
    /* ProcessingErrorData (ErrorCode, DataItemName, EventPayload): undecoded. */
    f = clear_event(&w, sys, "104", T0 + 7200000000LL, 14);
    kb_fact_set(f, "data1", "15005");
    kb_fact_set(f, "data2", "ClientProcessId");
    kb_fact_set(f, "data3", "410064006D0069006E00");
    kb_fact_set(f, "strings", "3");
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_LOG_CLEARED), 3);
    const kb_cov_finding *c = find(&w, KB_COV_LOG_CLEARED);
    assert_true(c->time == T0);
    assert_int_equal(c->fact->record, 1);
    assert_string_equal(c->say, "The Security log was cleared at 2018-10-01T12:00:19Z by CONTOSO\\Administrator "
                                "(event 1102, record 1 in Security.evtx): its events before then are gone.");
    assert_string_equal(w.cov.findings[1].say,
                        "The Application log was cleared at 2018-10-01T13:00:19Z by CONTOSO\\admin2 "
                        "(event 104, record 12 in System.evtx): its events before then are gone.");
    assert_string_equal(w.cov.findings[2].say,
                        "A log was cleared at 2018-10-01T14:00:19Z (event 104, record 14 in System.evtx); which "
                        "log, and by whom, is undecoded: the event's data (3 strings) is not laid out as "
                        "LogFileCleared. That log's events before then are gone.");
    assert_int_equal(w.cov.findings[2].fact->record, 14);
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
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 3);
    const kb_cov_finding *among = find(&w, KB_COV_TIME_SKEW);
    assert_int_equal(among->input, 0);
    assert_int_equal(among->other, 2);
    assert_string_equal(among->say, "vssadmin_2018-10-08_0930.txt was taken at 2018-10-08T09:30, 4.9 days after "
                                    "systeminfo_2018-10-03_1200.txt, taken at 2018-10-03T12:00: they may not show "
                                    "the same state (file-name times are the server's local time).");
    /* Against the log (UTC), each side widened by 14 hours for the zone. */
    assert_non_null(strstr(w.cov.findings[1].say, "vssadmin_2018-10-08_0930.txt was taken at 2018-10-08T09:30, "
                                                  "at least 4.3 days after the newest event of any log "
                                                  "(2018-10-03T12:00:19Z in Application.evtx; file-name times are "
                                                  "the server's local time, allowed any time zone)"));
    assert_non_null(strstr(w.cov.findings[2].say,
                           "tasklist_svc_20181005-1800.txt was taken at 2018-10-05T18:00, at least 1.7 days after"));
    world_free(&w);
    /* An output taken days before the logs end. */
    world_init(&w);
    output(&w, "b/vssadmin_2018-09-25.txt", "vssadmin_writers");
    log_input(&w, "b/Application.evtx", "Application", T0 - DAY, T0, 1, 46, 46);
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 1);
    assert_non_null(strstr(find(&w, KB_COV_TIME_SKEW)->say,
                           "vssadmin_2018-09-25.txt was taken on 2018-09-25 (time of day unknown), at least 4.9 days "
                           "before the newest event of Application.evtx"));
    world_free(&w);
}

/* A date-only name may have been taken any time that day, in any zone. */
static void test_date_only_name(void **state)
{
    (void)state;
    world w;
    /* Taken 2018-10-02 (some time), newest event 2018-10-03T12:00:19Z:
     * within a day and a half of midnight, yet it may be minutes apart. */
    world_init(&w);
    output(&w, "b/tasklist_svc_20181002.txt", "tasklist_svc");
    log_input(&w, "b/Application.evtx", "Application", T0 - DAY, T0 + 2 * DAY, 1, 46, 46);
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 0);
    world_free(&w);
    /* Three days before: reported, with the date only. */
    world_init(&w);
    output(&w, "b/tasklist_svc_20180928.txt", "tasklist_svc");
    log_input(&w, "b/Application.evtx", "Application", T0 - DAY, T0 + 2 * DAY, 1, 46, 46);
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 1);
    const kb_cov_finding *f = find(&w, KB_COV_TIME_SKEW);
    assert_string_equal(f->say, "tasklist_svc_20180928.txt was taken on 2018-09-28 (time of day unknown), "
                                "at least 3.9 days before the newest event of Application.evtx "
                                "(2018-10-03T12:00:19Z; file-name times are the server's local time, allowed "
                                "any time zone): it may not show the state the logs end in.");
    assert_null(strstr(f->say, "T00:00"));
    world_free(&w);
    /* Two outputs of the same day, one with a time: not apart. Two a day
     * and a half apart by date: not more than a day apart for sure. */
    world_init(&w);
    output(&w, "b/tasklist_svc_20181002.txt", "tasklist_svc");
    output(&w, "b/vssadmin_20181002_2330.txt", "vssadmin_writers");
    output(&w, "b/sc_20181003.txt", "sc_query");
    compute(&w, KB_LANG_EN);
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 0);
    world_free(&w);
    /* Dates five days apart: at least four days, in Japanese too. */
    world_init(&w);
    output(&w, "b/tasklist_svc_20181002.txt", "tasklist_svc");
    output(&w, "b/sc_20181007.txt", "sc_query");
    compute(&w, KB_LANG_JA);
    assert_int_equal(count(&w, KB_COV_TIME_SKEW), 1);
    assert_non_null(strstr(find(&w, KB_COV_TIME_SKEW)->say,
                           "sc_20181007.txt は 2018-10-07 (時刻不明) に取得されており、少なくとも 4.0 日前に取得された "
                           "tasklist_svc_20181002.txt (2018-10-02 (時刻不明))"));
    world_free(&w);
}

/* cmd's %time% pads a one-digit hour with a space: "20181008_ 930". */
static void test_space_padded_hour(void **state)
{
    (void)state;
    world w;
    world_init(&w);
    size_t a = output(&w, "b/tasklist_20181008_ 930.txt", "tasklist_svc");
    size_t b = output(&w, "b/vssadmin_20181008 930.txt", "vssadmin_writers");
    size_t c = output(&w, "b/sc_2018-10-08_ 93015.txt", "sc_query");
    compute(&w, KB_LANG_EN);
    char buf[40];
    kb_cov_format_taken(&w.cov, a, buf, sizeof buf);
    assert_string_equal(buf, "2018-10-08T09:30");
    kb_cov_format_taken(&w.cov, b, buf, sizeof buf);
    assert_string_equal(buf, "2018-10-08T09:30");
    kb_cov_format_taken(&w.cov, c, buf, sizeof buf);
    assert_string_equal(buf, "2018-10-08T09:30");
    assert_true(w.cov.taken_has_time[a] && w.cov.taken_has_time[b] && w.cov.taken_has_time[c]);
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
    assert_string_equal(m->checkpoint->id, "shared");
    assert_int_equal(m->why, KB_WHY_MISSING);
    assert_int_equal(m->input, -1);
    /* the file to collect, not the feed's token */
    assert_string_equal(m->say, "test-writers-gone cannot tell without tasklist_svc.txt: "
                                "run tasklist /svc > tasklist_svc.txt");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_taken_from_file_name),
        cmocka_unit_test(test_feeds),
        cmocka_unit_test(test_wrapped_and_gap),
        cmocka_unit_test(test_starts_late),
        cmocka_unit_test(test_log_ends_before_problem),
        cmocka_unit_test(test_cleared),
        cmocka_unit_test(test_time_skew),
        cmocka_unit_test(test_date_only_name),
        cmocka_unit_test(test_space_padded_hour),
        cmocka_unit_test(test_missing_input),
        cmocka_unit_test(test_japanese),
        cmocka_unit_test(test_nothing_to_say),
    };
    return cmocka_run_group_tests_name("coverage", tests, NULL, NULL);
}
