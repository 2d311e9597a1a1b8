/* test_engine.c: rule loading, conditions, interest, three-valued
 * checkpoints and verdicts, evidence and remedies (analyzer/rules/load.c,
 * condition.c, engine.c), on small rules written here (inline_rule.h):
 * the production rules are tested by their fixtures (kbscan rules test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "inline_rule.h"

typedef struct world {
    kb_ruleset rules;
    kb_inputs inputs;
    kb_factlist facts;
    kb_results results;
} world;

/* A world whose one rule is TEST_RULE (inline_rule.h). */
static void load_test_rule(world *w)
{
    memset(w, 0, sizeof *w);
    test_ruleset(&w->rules);
}

/* A world whose one rule is the inline rule json. */
static void load_rule(world *w, const char *json)
{
    memset(w, 0, sizeof *w);
    inline_ruleset(&w->rules, json);
}

static void world_free(world *w)
{
    kb_results_free(&w->results);
    kb_factlist_free(&w->facts);
    kb_inputs_free(&w->inputs);
    kb_ruleset_free(&w->rules);
}

static size_t add_input(world *w, const char *path, const char *feed)
{
    long i = kb_inputs_add(&w->inputs, path);
    assert_true(i >= 0);
    kb_input_add_feed(&w->inputs.items[i], feed);
    return (size_t)i;
}

static kb_fact *add_fact(world *w, const char *type, size_t input)
{
    kb_fact *f = kb_fact_new(type, input);
    assert_int_equal(kb_factlist_add(&w->facts, f), 0);
    return f;
}

static void zero_writers(world *w, size_t in)
{
    kb_fact *f = add_fact(w, "vssadmin.listing", in);
    kb_fact_set(f, "status", "ok");
    kb_fact_set(f, "writers", "0");
    kb_fact_set(f, "latest", "yes");
    f->line = 1;
    f->line_end = 2;
}

static void vss_event(world *w, size_t in, const char *id, const char *writer, const char *hr,
                      int64_t t)
{
    kb_fact *f = add_fact(w, "event", in);
    kb_fact_set(f, "provider", "VSS");
    kb_fact_set(f, "event_id", id);
    char data[512];
    snprintf(data, sizeof data,
             "CoCreateInstance\nhr = %s, Object is not registered.\n\n\nOperation:\n   Subscribing Writer\n\n"
             "Context:\n   Writer Class Id: {be000cbe-11fe-4426-9c58-531aa6355fc4}\n   Writer Name: %s\n"
             "   Writer Instance ID: {ee000eee-11ee-4422-9c9c-cb9a0863baa6}",
             hr, writer);
    if (strcmp(id, "13") == 0)
        snprintf(data, sizeof data, "{4E14FBA2-2E22-11D1-9964-00C04FBBB345}\nCEventSystem\n%s, Object is not registered", hr);
    kb_fact_set(f, "data", data);
    f->record = 100 + w->facts.n;
    f->time = t;
}

static void svchost(world *w, size_t in, const char *pid, const char *services, const char *count)
{
    kb_fact *f = add_fact(w, "tasklist.process", in);
    kb_fact_set(f, "image", "svchost.exe");
    kb_fact_set(f, "pid", pid);
    kb_fact_set(f, "services", services);
    kb_fact_set(f, "service_count", count);
    f->line = 40;
    f->line_end = 40;
}

static const kb_cp_result *cp(const world *w, const char *id)
{
    const kb_rule_result *r = &w->results.rules[0];
    for (size_t i = 0; i < r->rule->ncheckpoints; i++)
        if (strcmp(r->rule->checkpoints[i].id, id) == 0)
            return &r->checkpoints[i];
    fail_msg("no checkpoint %s", id);
    return NULL;
}

static void evaluate(world *w)
{
    kb_eval_opts opts = {KB_LANG_EN, 20};
    assert_int_equal(kb_evaluate(&w->rules, &w->facts, &w->inputs, &opts, &w->results), KB_OK);
}

static void full_case(world *w)
{
    size_t vss = add_input(w, "vssadmin.txt", "vssadmin_writers");
    size_t app = add_input(w, "Application.evtx", "eventlog:Application");
    size_t task = add_input(w, "tasklist.txt", "tasklist_svc");
    zero_writers(w, vss);
    vss_event(w, app, "8193", "ASR Writer", "0x800401fb", 1538395219123000LL);
    vss_event(w, app, "8193", "System Writer", "0x800401fb", 1538395220000000LL);
    vss_event(w, app, "13", "", "0x800401fb", 1538395221000000LL);
    vss_event(w, app, "8193", "Registry Writer", "0x80070005", 1538395222000000LL);
    svchost(w, task, "612", "DcomLaunch, PlugPlay, Power", "3");
    svchost(w, task, "816", "EventSystem, FontCache, netprofm, nsi", "4");
}

static void test_matched(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    full_case(&w);
    evaluate(&w);
    const kb_rule_result *r = &w.results.rules[0];
    assert_int_equal(r->verdict, KB_VERDICT_MATCHED);
    assert_int_equal(cp(&w, "empty")->state, KB_CP_MET);
    const kb_cp_result *errors = cp(&w, "errors");
    assert_int_equal(errors->state, KB_CP_MET);
    assert_int_equal(errors->count, 3); /* the access-denied 8193 is not counted */
    assert_true(errors->first_time == 1538395219123000LL);
    assert_string_equal(kb_evidence_get(&errors->evidence[0], "writer"), "ASR Writer");
    assert_string_equal(kb_evidence_get(&errors->evidence[0], "hr"), "0x800401fb");
    assert_string_equal(kb_evidence_get(&errors->evidence[0], "operation"), "Subscribing Writer");
    /* {{all.writer}}: each value once, in order; the VSS 13 names none. */
    assert_string_equal(errors->summary, "3 VSS errors; writers: ASR Writer, System Writer.");
    const kb_cp_result *shared = cp(&w, "shared");
    assert_int_equal(shared->state, KB_CP_MET);
    assert_int_equal(shared->count, 1);
    assert_string_equal(shared->summary,
                        "svchost.exe PID 816 hosts EventSystem with FontCache, netprofm, nsi.");
    /* Context checkpoints without input are unknown but do not decide. */
    assert_int_equal(cp(&w, "host")->state, KB_CP_UNKNOWN);
    assert_int_equal(cp(&w, "host")->why, KB_WHY_MISSING);
    /* Remedies are filled from the evidence. */
    assert_int_equal(r->nremedies, 2);
    assert_string_equal(r->remedies[0].commands.items[0],
                        "Restart-Service -Force -Name 'EventSystem','FontCache','netprofm','nsi'");
    assert_string_equal(r->remedies[0].text, "Restart the services of PID 816.");
    assert_string_equal(r->remedies[1].commands.items[0], "sc.exe config EventSystem type= own");
    assert_int_equal(r->remedies[1].notes.n, 0);
    world_free(&w);
}

static void test_missing_tasklist(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    size_t vss = add_input(&w, "vssadmin.txt", "vssadmin_writers");
    size_t app = add_input(&w, "Application.evtx", "eventlog:Application");
    zero_writers(&w, vss);
    vss_event(&w, app, "8193", "ASR Writer", "0x800401fb", 1538395219123000LL);
    evaluate(&w);
    assert_int_equal(w.results.rules[0].verdict, KB_VERDICT_CANNOT_TELL);
    assert_int_equal(cp(&w, "shared")->state, KB_CP_UNKNOWN);
    assert_int_equal(cp(&w, "shared")->why, KB_WHY_MISSING);
    assert_int_equal(w.results.rules[0].nremedies, 0);
    world_free(&w);
}

static void test_fixed(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    full_case(&w);
    /* EventSystem alone: not the issue, whatever else holds. */
    kb_fact_set(w.facts.items[w.facts.n - 1], "services", "EventSystem");
    kb_fact_set(w.facts.items[w.facts.n - 1], "service_count", "1");
    evaluate(&w);
    assert_int_equal(cp(&w, "shared")->state, KB_CP_NOT_MET);
    assert_int_equal(w.results.rules[0].verdict, KB_VERDICT_NOT_MATCHED);
    world_free(&w);
}

static void test_vssadmin_error_is_unknown(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    size_t vss = add_input(&w, "vssadmin.txt", "vssadmin_writers");
    kb_fact *f = add_fact(&w, "vssadmin.listing", vss);
    kb_fact_set(f, "status", "error");
    kb_fact_set(f, "writers", "0");
    kb_fact_set(f, "latest", "yes");
    kb_fact_set(f, "error", "A Volume Shadow Copy Service component encountered an unexpected error.");
    evaluate(&w);
    const kb_cp_result *c = cp(&w, "empty");
    assert_int_equal(c->state, KB_CP_UNKNOWN);
    assert_int_equal(c->why, KB_WHY_INPUT_SAYS);
    assert_string_equal(c->summary, "vssadmin said: "
                                    "A Volume Shadow Copy Service component encountered an unexpected error.");
    world_free(&w);
}

static void test_damaged_input_is_unknown(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    size_t app = add_input(&w, "Application.evtx", "eventlog:Application");
    w.inputs.items[app].state = KB_INPUT_DAMAGED;
    evaluate(&w);
    assert_int_equal(cp(&w, "errors")->state, KB_CP_UNKNOWN);
    assert_int_equal(cp(&w, "errors")->why, KB_WHY_DAMAGED);
    world_free(&w);
    /* ... but what was read still proves a match. */
    load_test_rule(&w);
    app = add_input(&w, "Application.evtx", "eventlog:Application");
    w.inputs.items[app].state = KB_INPUT_DAMAGED;
    vss_event(&w, app, "13", "", "0x800401fb", 1538395221000000LL);
    evaluate(&w);
    assert_int_equal(cp(&w, "errors")->state, KB_CP_MET);
    world_free(&w);
}

static void test_sc_note(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    full_case(&w);
    size_t sc = add_input(&w, "sc_qc_EventSystem.txt", "sc_query");
    kb_fact *f = add_fact(&w, "sc.service", sc);
    kb_fact_set(f, "service", "EventSystem");
    kb_fact_set(f, "type", "10");
    kb_fact_set(f, "type_name", "WIN32_OWN_PROCESS");
    kb_fact_set(f, "own_process", "yes");
    evaluate(&w);
    const kb_rule_result *r = &w.results.rules[0];
    assert_int_equal(r->verdict, KB_VERDICT_MATCHED);
    assert_int_equal(r->remedies[1].notes.n, 1);
    assert_string_equal(r->remedies[1].notes.items[0], "Already TYPE 10 WIN32_OWN_PROCESS.");
    world_free(&w);
}

static void test_interest(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    kb_interest in = {0};
    assert_int_equal(kb_rules_interest(&w.rules, &in), 0);
    assert_false(in.want_all);
    assert_true(kb_interest_wants(&in, "VSS", 8193));
    assert_true(kb_interest_wants(&in, "vss", 13));
    assert_false(kb_interest_wants(&in, "VSS", 8224));
    assert_true(kb_interest_wants(&in, "Microsoft-Windows-Backup", 517));
    assert_false(kb_interest_wants(&in, "Service Control Manager", 7036));
    assert_false(kb_interest_wants(&in, NULL, 8193));
    kb_interest_free(&in);
    world_free(&w);
}

/* Loads a rule from JSON text; returns 0 and fills errors otherwise. */
static int load_text(const char *json, kb_rule *rule, kb_buf *errors)
{
    return inline_rule_load(json, rule, errors);
}

static void expect_error(const char *json, const char *message)
{
    kb_rule rule;
    kb_buf errors = KB_BUF_INIT;
    assert_int_not_equal(load_text(json, &rule, &errors), 0);
    if (!strstr(kb_buf_str(&errors), message))
        fail_msg("expected \"%s\" in: %s", message, kb_buf_str(&errors));
    kb_rule_free(&rule);
    kb_buf_free(&errors);
}

#define CP(extra) "{\"id\":\"a\",\"title\":\"t\",\"input\":\"x\",\"facts\":\"f\"" extra "}"
#define RULE(cps, verdict) "{\"id\":\"r\",\"version\":1,\"title\":\"t\",\"checkpoints\":[" cps "],\"verdict\":" verdict "}"

static void test_rule_errors(void **state)
{
    (void)state;
    expect_error("{not json", "not valid JSON");
    expect_error(RULE(CP(",\"colour\":1"), "\"a\""), "checkpoints[0]: unknown key \"colour\"");
    expect_error(RULE(CP(""), "\"b\""), "verdict: no checkpoint \"b\"");
    expect_error(RULE(CP(",\"where\":{\"field\":\"x\",\"matches\":\"(\"}"), "\"a\""),
                 "bad pattern \"(\" at offset 1");
    expect_error(RULE(CP(",\"where\":{\"field\":\"x\"}"), "\"a\""), "checkpoints[0].where: no test");
    expect_error(RULE(CP(",\"where\":{\"any\":[{\"field\":\"x\",\"equals\":1,\"in\":[2]}]}"), "\"a\""),
                 "checkpoints[0].where.any[0]: one test per condition");
    expect_error(RULE(CP(",\"count\":{\"about\":3}"), "\"a\""), "checkpoints[0].count");
    expect_error(RULE(CP(",\"role\":\"context\""), "\"a\""), "has role context and cannot decide");
    expect_error(RULE(CP("") "," CP(""), "\"a\""), "checkpoint id \"a\" is used twice");
    expect_error("{\"id\":\"r\",\"title\":\"t\",\"checkpoints\":[],\"verdict\":\"a\"}", "\"version\"");
    expect_error(RULE(CP(",\"extract\":[{\"field\":\"d\",\"pattern\":\"x\"}]"), "\"a\""), "names no group");
}

static void test_logic(void **state)
{
    (void)state;
    /* any(a, not(b)) with a unknown (missing input), b not met -> met. */
    const char *json = RULE(CP("") "," "{\"id\":\"b\",\"title\":\"t\",\"input\":\"y\",\"facts\":\"g\"}",
                            "{\"any\":[\"a\",{\"not\":\"b\"}]}");
    world w;
    load_rule(&w, json);
    add_input(&w, "y.txt", "y");
    evaluate(&w);
    assert_int_equal(cp(&w, "a")->state, KB_CP_UNKNOWN);
    assert_int_equal(cp(&w, "b")->state, KB_CP_NOT_MET);
    assert_int_equal(w.results.rules[0].verdict, KB_VERDICT_MATCHED);
    world_free(&w);
}

static void test_count_and_window(void **state)
{
    (void)state;
    const char *json = RULE(CP(",\"count\":{\">=\":2},\"within_days\":1"), "\"a\"");
    world w;
    load_rule(&w, json);
    size_t in = add_input(&w, "x.evtx", "x");
    int64_t day = 86400000000LL;
    w.inputs.items[in].last_time = 10 * day;
    add_fact(&w, "f", in)->time = 10 * day;
    add_fact(&w, "f", in)->time = 5 * day; /* outside the window */
    evaluate(&w);
    assert_int_equal(cp(&w, "a")->count, 1);
    assert_int_equal(cp(&w, "a")->state, KB_CP_NOT_MET);
    kb_results_free(&w.results);
    add_fact(&w, "f", in)->time = 9 * day + 1;
    evaluate(&w);
    assert_int_equal(cp(&w, "a")->count, 2);
    assert_int_equal(cp(&w, "a")->state, KB_CP_MET);
    world_free(&w);
}

static void test_evidence_limit(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    size_t app = add_input(&w, "Application.evtx", "eventlog:Application");
    for (int i = 0; i < 50; i++)
        vss_event(&w, app, "8193", "ASR Writer", "0x800401fb", 1538395219000000LL + i);
    kb_eval_opts opts = {KB_LANG_EN, 5};
    assert_int_equal(kb_evaluate(&w.rules, &w.facts, &w.inputs, &opts, &w.results), KB_OK);
    assert_int_equal(cp(&w, "errors")->count, 50);
    assert_int_equal(cp(&w, "errors")->nevidence, 5);
    world_free(&w);
}

static void test_japanese_texts(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    full_case(&w);
    kb_eval_opts opts = {KB_LANG_JA, 20};
    assert_int_equal(kb_evaluate(&w.rules, &w.facts, &w.inputs, &opts, &w.results), KB_OK);
    assert_string_equal(cp(&w, "shared")->summary,
                        "svchost.exe (PID 816) で FontCache, netprofm, nsi と同居");
    assert_string_equal(kb_i18n_get(&w.rules.rules[0].checkpoints[0].title, KB_LANG_JA),
                        "テスト (1): Writer なし");
    /* Text without Japanese falls back to English. */
    assert_string_equal(cp(&w, "errors")->summary, "3 VSS errors; writers: ASR Writer, System Writer.");
    world_free(&w);
}

/* ---- near misses ---- */

static void test_near_miss_other_hr(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    size_t vss = add_input(&w, "vssadmin.txt", "vssadmin_writers");
    size_t app = add_input(&w, "Application.evtx", "eventlog:Application");
    size_t task = add_input(&w, "tasklist.txt", "tasklist_svc");
    zero_writers(&w, vss);
    vss_event(&w, app, "8193", "ASR Writer", "0x80070005", 1538395219000000LL);
    vss_event(&w, app, "8193", "WMI Writer", "0x80070005", 1538395220000000LL);
    vss_event(&w, app, "8224", "", "0x80070005", 1538395221000000LL); /* not near: another id */
    svchost(&w, task, "816", "EventSystem, FontCache, netprofm, nsi", "4");
    evaluate(&w);
    const kb_rule_result *r = &w.results.rules[0];
    assert_int_equal(r->verdict, KB_VERDICT_NOT_MATCHED);
    assert_true(r->near_miss);
    const kb_cp_result *errors = cp(&w, "errors");
    assert_int_equal(errors->state, KB_CP_NOT_MET);
    assert_non_null(errors->near);
    assert_false(errors->near_default);
    assert_int_equal(errors->near->count, 2);
    assert_int_equal(errors->near->nevidence, 2);
    assert_string_equal(kb_evidence_get(&errors->near->evidence[1], "writer"), "WMI Writer");
    assert_true(errors->near->first_time == 1538395219000000LL);
    assert_string_equal(errors->near->summary, "VSS 8193 2 times, hr 0x80070005, Object is not registered.");
    /* Met checkpoints have no closest facts. */
    assert_null(cp(&w, "empty")->near);
    assert_null(cp(&w, "shared")->near);
    world_free(&w);
}

static void test_near_miss_eventsystem_alone(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    full_case(&w);
    kb_fact_set(w.facts.items[w.facts.n - 1], "services", "EventSystem");
    kb_fact_set(w.facts.items[w.facts.n - 1], "service_count", "1");
    evaluate(&w);
    const kb_rule_result *r = &w.results.rules[0];
    assert_int_equal(r->verdict, KB_VERDICT_NOT_MATCHED);
    assert_true(r->near_miss);
    const kb_cp_result *shared = cp(&w, "shared");
    assert_non_null(shared->near);
    assert_int_equal(shared->near->count, 1); /* PID 612 hosts no EventSystem */
    assert_string_equal(shared->near->summary, "EventSystem alone in svchost.exe PID 816.");
    assert_string_equal(kb_evidence_get(&shared->near->evidence[0], "pid"), "816");
    world_free(&w);
}

static void test_no_near_miss(void **state)
{
    (void)state;
    world w;
    /* Matched: no near miss. */
    load_test_rule(&w);
    full_case(&w);
    evaluate(&w);
    assert_false(w.results.rules[0].near_miss);
    world_free(&w);
    /* Nothing met (writers listed, no VSS errors, EventSystem alone): not a
     * near miss, and command outputs' closest facts are not kept (their
     * not-met summaries say what they show). */
    load_test_rule(&w);
    size_t vss = add_input(&w, "vssadmin.txt", "vssadmin_writers");
    size_t task = add_input(&w, "tasklist.txt", "tasklist_svc");
    add_input(&w, "Application.evtx", "eventlog:Application");
    kb_fact *f = add_fact(&w, "vssadmin.listing", vss);
    kb_fact_set(f, "status", "ok");
    kb_fact_set(f, "writers", "9");
    kb_fact_set(f, "latest", "yes");
    svchost(&w, task, "1025", "EventSystem", "1");
    evaluate(&w);
    assert_int_equal(w.results.rules[0].verdict, KB_VERDICT_NOT_MATCHED);
    assert_false(w.results.rules[0].near_miss);
    assert_null(cp(&w, "empty")->near);
    assert_null(cp(&w, "shared")->near);
    world_free(&w);
}

/* Events of the same provider and id with another hr are told for the
 * checkpoint they miss, whatever the other checkpoints say: an Application
 * log alone (the others unknown) is not matched, yet not silent. */
static void test_close_events_without_near_miss(void **state)
{
    (void)state;
    world w;
    load_test_rule(&w);
    size_t app = add_input(&w, "Application.evtx", "eventlog:Application");
    vss_event(&w, app, "13", "", "0x8007045b", 1538395219000000LL);
    vss_event(&w, app, "8193", "System Writer", "0x8007045b", 1538395219100000LL);
    vss_event(&w, app, "8224", "", "0x8007045b", 1538395221000000LL); /* another id: not close */
    evaluate(&w);
    const kb_rule_result *r = &w.results.rules[0];
    assert_int_equal(r->verdict, KB_VERDICT_NOT_MATCHED);
    assert_false(r->near_miss);
    assert_int_equal(cp(&w, "empty")->state, KB_CP_UNKNOWN);
    const kb_cp_result *errors = cp(&w, "errors");
    assert_int_equal(errors->state, KB_CP_NOT_MET);
    assert_non_null(errors->near);
    assert_int_equal(errors->near->count, 2);
    assert_string_equal(errors->near->summary, "VSS 13, 8193 2 times, hr 0x8007045b, Object is not registered.");
    world_free(&w);
    /* In a near miss (writers gone), as before. */
    load_test_rule(&w);
    size_t vss = add_input(&w, "vssadmin.txt", "vssadmin_writers");
    app = add_input(&w, "Application.evtx", "eventlog:Application");
    zero_writers(&w, vss);
    vss_event(&w, app, "8193", "System Writer", "0x8007045b", 1538395219100000LL);
    evaluate(&w);
    assert_int_equal(w.results.rules[0].verdict, KB_VERDICT_NOT_MATCHED);
    assert_true(w.results.rules[0].near_miss);
    assert_non_null(cp(&w, "errors")->near);
    world_free(&w);
}

static void test_near_default_all_but_one(void **state)
{
    (void)state;
    const char *json = RULE(CP("") "," "{\"id\":\"b\",\"title\":\"t\",\"input\":\"x\",\"facts\":\"g\","
                            "\"where\":[{\"field\":\"k\",\"equals\":\"1\"},{\"field\":\"v\",\"equals\":\"2\"}]}",
                            "{\"all\":[\"a\",\"b\"]}");
    world w;
    load_rule(&w, json);
    size_t in = add_input(&w, "x.txt", "x");
    add_fact(&w, "f", in);                      /* a is met */
    kb_fact *near = add_fact(&w, "g", in);      /* k right, v wrong: near */
    kb_fact_set(near, "k", "1");
    kb_fact_set(near, "v", "3");
    kb_fact *far = add_fact(&w, "g", in);       /* both wrong: not near */
    kb_fact_set(far, "k", "0");
    kb_fact_set(far, "v", "3");
    evaluate(&w);
    assert_true(w.results.rules[0].near_miss);
    const kb_cp_result *b = cp(&w, "b");
    assert_non_null(b->near);
    assert_true(b->near_default);
    assert_int_equal(b->near->count, 1);
    assert_ptr_equal(b->near->evidence[0].fact, near);
    assert_null(b->near->summary); /* no near.say: the report says it generically */
    world_free(&w);
}

static void test_near_rule_errors(void **state)
{
    (void)state;
    expect_error(RULE(CP(",\"near\":{\"say\":\"x\"}"), "\"a\""), "checkpoints[0].near: missing \"where\"");
    expect_error(RULE(CP(",\"near\":{\"where\":[],\"colour\":1}"), "\"a\""),
                 "checkpoints[0].near: unknown key \"colour\"");
    expect_error(RULE(CP(",\"near\":{\"where\":{\"field\":\"x\",\"matches\":\"(\"}}"), "\"a\""),
                 "checkpoints[0].near.where.matches: bad pattern");
}

static void test_near_interest(void **state)
{
    (void)state;
    /* Events named only in near.where are read too. */
    const char *json = RULE("{\"id\":\"a\",\"title\":\"t\",\"input\":\"x\",\"facts\":\"event\","
                            "\"where\":[{\"field\":\"provider\",\"equals\":\"P\"},{\"field\":\"event_id\",\"equals\":1}],"
                            "\"near\":{\"where\":[{\"field\":\"provider\",\"equals\":\"Q\"},{\"field\":\"event_id\",\"equals\":2}]}}",
                            "\"a\"");
    kb_ruleset set = {.rules = calloc(1, sizeof(kb_rule)), .n = 1};
    kb_buf errors = KB_BUF_INIT;
    assert_int_equal(load_text(json, &set.rules[0], &errors), 0);
    kb_interest interest = {0};
    assert_int_equal(kb_rules_interest(&set, &interest), 0);
    assert_true(kb_interest_wants(&interest, "P", 1));
    assert_true(kb_interest_wants(&interest, "Q", 2));
    assert_false(kb_interest_wants(&interest, "Q", 1));
    kb_interest_free(&interest);
    kb_buf_free(&errors);
    kb_ruleset_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matched),
        cmocka_unit_test(test_missing_tasklist),
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_vssadmin_error_is_unknown),
        cmocka_unit_test(test_damaged_input_is_unknown),
        cmocka_unit_test(test_sc_note),
        cmocka_unit_test(test_interest),
        cmocka_unit_test(test_rule_errors),
        cmocka_unit_test(test_logic),
        cmocka_unit_test(test_count_and_window),
        cmocka_unit_test(test_evidence_limit),
        cmocka_unit_test(test_japanese_texts),
        cmocka_unit_test(test_near_miss_other_hr),
        cmocka_unit_test(test_near_miss_eventsystem_alone),
        cmocka_unit_test(test_no_near_miss),
        cmocka_unit_test(test_close_events_without_near_miss),
        cmocka_unit_test(test_near_default_all_but_one),
        cmocka_unit_test(test_near_rule_errors),
        cmocka_unit_test(test_near_interest),
    };
    return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
