/* test_view.c: the report view builder (analyzer/report/view.c): the
 * sections each format has and their order, the one computer of a run, the
 * coverage rows (logs, outputs, feeds absent), and per rule the checkpoint
 * tags, what to ask for, the damaged inputs named, the evidence values a
 * format shows, the closest facts of a near miss, what to collect, and the
 * notes of each input; a bundle of several computers. Small inline rules and facts. */
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
#include "engine/computers.h"
#include "report/view.h"
#include "log_fact.h"

#define T0 1538395219000000LL /* 2018-10-01T12:00:19Z */

/* Rule 0 cannot tell: "a" is met by an event, "b" (tasklist) is missing,
 * and the context checkpoint "ctx" (systeminfo) is missing too.
 * Rule 1 is a near miss: "a" is met, "c" is not, with eight close events
 * (seven of id 3, and the one of id 1). */
#define RULE_CANNOT_TELL                                                                           \
    "{\"id\":\"r-cannot-tell\",\"version\":1,\"title\":\"t\",\"checkpoints\":["                       \
    "{\"id\":\"a\",\"title\":\"t\",\"input\":\"eventlog:Application\",\"facts\":\"event\","           \
    "\"where\":{\"all\":[{\"field\":\"provider\",\"equals\":\"P\"},{\"field\":\"event_id\",\"equals\":1}]}," \
    "\"show\":[\"event_id\",\"msg\",\"blank\",\"absent\"]},"                                         \
    "{\"id\":\"ctx\",\"title\":\"t\",\"role\":\"context\",\"input\":\"systeminfo\",\"facts\":\"systeminfo\"," \
    "\"collect\":{\"file\":\"si.txt\",\"command\":\"systeminfo > si.txt\"}},"                       \
    "{\"id\":\"b\",\"title\":\"t\",\"input\":\"tasklist_svc\",\"facts\":\"tasklist.process\","       \
    "\"collect\":{\"file\":\"tl.txt\",\"command\":\"tasklist /svc > tl.txt\"}}],"                    \
    "\"verdict\":{\"all\":[\"a\",\"b\"]}}"
#define RULE_NEAR_MISS                                                                             \
    "{\"id\":\"r-near\",\"version\":1,\"title\":\"t\",\"checkpoints\":["                              \
    "{\"id\":\"a\",\"title\":\"t\",\"input\":\"eventlog:Application\",\"facts\":\"event\","           \
    "\"where\":{\"all\":[{\"field\":\"provider\",\"equals\":\"P\"},{\"field\":\"event_id\",\"equals\":1}]}}," \
    "{\"id\":\"c\",\"title\":\"t\",\"input\":\"eventlog:Application\",\"facts\":\"event\","           \
    "\"where\":{\"all\":[{\"field\":\"provider\",\"equals\":\"P\"},{\"field\":\"event_id\",\"equals\":2}]}}]," \
    "\"verdict\":{\"all\":[\"a\",\"c\"]}}"

typedef struct world {
    kb_ruleset rules;
    kb_inputs inputs;
    kb_factlist facts;
    kb_results results;
    kb_coverage coverage;
    kb_report report;
} world;

static void load_rule(kb_rule *rule, const char *json)
{
    char path[] = "/tmp/kbscan-rule-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    kb_buf errors = KB_BUF_INIT;
    int rc = kb_rule_load_file(path, rule, &errors);
    unlink(path);
    if (rc != 0)
        fail_msg("%s", kb_buf_str(&errors));
    kb_buf_free(&errors);
}

static size_t input(world *w, const char *path, const char *kind, const char *feed)
{
    long i = kb_inputs_add(&w->inputs, path);
    assert_true(i >= 0);
    if (kind)
        kb_input_set_source(&w->inputs.items[i], kind, strcmp(kind, "evtx") == 0 ? KB_COVERS_EVENTS : KB_COVERS_MOMENT, NULL);
    if (feed)
        kb_input_add_feed(&w->inputs.items[i], feed);
    return (size_t)i;
}

static kb_fact *event(world *w, size_t in, const char *id, uint64_t record)
{
    kb_fact *f = kb_fact_new("event", in);
    kb_fact_set(f, "provider", "P");
    kb_fact_set(f, "event_id", id);
    f->record = record;
    f->time = T0 + (int64_t)record * 1000000;
    assert_int_equal(kb_factlist_add(&w->facts, f), 0);
    return f;
}

static void build(world *w, int with_coverage)
{
    memset(w, 0, sizeof *w);
    w->rules.rules = calloc(2, sizeof(kb_rule));
    load_rule(&w->rules.rules[0], RULE_CANNOT_TELL);
    load_rule(&w->rules.rules[1], RULE_NEAR_MISS);
    w->rules.n = 2;
    size_t app = input(w, "b/Application.evtx", "evtx", "eventlog:Application");
    kb_input *log = &w->inputs.items[app];
    log->channel = kb_strdup("Application");
    add_evtx_log(&w->facts, app, "Application", 5, 20, 16);
    log->first_time = T0;
    log->last_time = T0 + 20000000;
    size_t vss = input(w, "b/vssadmin_2018-10-08_0930.txt", "vssadmin_writers", "vssadmin_writers");
    kb_input_set_encoding(&w->inputs.items[vss], "UTF-8");
    for (int i = 0; i < 25; i++)
        kb_input_note(&w->inputs.items[vss], NULL, "note %d", i);
    w->inputs.items[vss].notes_dropped = 3;
    input(w, "b/readme.txt", NULL, NULL);
    kb_fact *f = event(w, app, "1", 5);
    kb_fact_set(f, "msg", "two\nlines");
    kb_fact_set(f, "blank", "");
    for (uint64_t r = 10; r < 17; r++)
        event(w, app, "3", r); /* one test off "c" */
    kb_eval_opts opts = {KB_LANG_EN, 20};
    assert_int_equal(kb_combine(&w->inputs, &w->facts), KB_OK);
    assert_int_equal(kb_evaluate(&w->rules, &w->facts, &w->inputs, &opts, &w->results), KB_OK);
    if (with_coverage)
        assert_int_equal(kb_coverage_compute(&w->inputs, &w->facts, &w->rules, &w->results, KB_LANG_EN,
                                             &w->coverage), KB_OK);
    static const char *const paths[] = {"b"};
    w->report = (kb_report){
        .version = "9.9.9",
        .paths = paths,
        .npaths = 1,
        .rules = &w->rules,
        .inputs = &w->inputs,
        .results = &w->results,
        .lang = KB_LANG_EN,
        .since = KB_TIME_NONE,
        .until = KB_TIME_NONE,
        .exit_status = kb_results_exit_status(&w->results),
        .coverage = with_coverage ? &w->coverage : NULL,
    };
    kb_report_summarise(&w->report, &w->facts);
    w->report.virtualization = "VMware"; /* with no OS known */
}

static void destroy(world *w)
{
    kb_coverage_free(&w->coverage);
    kb_results_free(&w->results);
    kb_factlist_free(&w->facts);
    kb_inputs_free(&w->inputs);
    kb_ruleset_free(&w->rules);
}

static void view_of(world *w, kb_view_format format, kb_view *v)
{
    assert_int_equal(kb_view_build(&w->report, format, v), KB_OK);
}

static void expect_sections(const kb_view *v, const kb_view_section_kind *kinds, size_t n)
{
    assert_int_equal(v->nsections, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v->sections[i].kind, kinds[i]);
        int whole = kinds[i] == KB_SECTION_RUN || kinds[i] == KB_SECTION_INPUTS || kinds[i] == KB_SECTION_TOTAL;
        assert_true(v->sections[i].computer == (whole ? KB_VIEW_EVERY : 0));
    }
}

static void test_sections_per_format(void **state)
{
    (void)state;
    world w;
    build(&w, 1);
    kb_view v;
    /* The answer first, then the evidence, the coverage (counts and
     * problems, then input by input), the inputs; text ends with the total. */
    static const kb_view_section_kind text[] = {KB_SECTION_RUN, KB_SECTION_SUMMARY, KB_SECTION_ANSWER,
                                                KB_SECTION_RULES, KB_SECTION_COVERAGE, KB_SECTION_COVERAGE_ROWS,
                                                KB_SECTION_INPUTS, KB_SECTION_TOTAL};
    static const kb_view_section_kind html[] = {KB_SECTION_SUMMARY, KB_SECTION_ANSWER, KB_SECTION_RULES,
                                                KB_SECTION_COVERAGE, KB_SECTION_COVERAGE_ROWS,
                                                KB_SECTION_INPUTS, KB_SECTION_RUN};
    static const kb_view_section_kind json[] = {KB_SECTION_RUN, KB_SECTION_SUMMARY, KB_SECTION_INPUTS,
                                                KB_SECTION_COVERAGE, KB_SECTION_RULES};
    view_of(&w, KB_VIEW_TEXT, &v);
    expect_sections(&v, text, 8);
    assert_int_equal(v.ncomputers, 1);
    kb_view_free(&v);
    view_of(&w, KB_VIEW_HTML, &v);
    expect_sections(&v, html, 7);
    kb_view_free(&v);
    view_of(&w, KB_VIEW_JSON, &v);
    expect_sections(&v, json, 5);
    kb_view_free(&v);
    destroy(&w);
    /* No coverage computed: text and HTML leave it out, JSON says null. */
    build(&w, 0);
    view_of(&w, KB_VIEW_TEXT, &v);
    assert_int_equal(v.nsections, 6);
    assert_int_equal(v.sections[3].kind, KB_SECTION_RULES);
    assert_int_equal(v.sections[4].kind, KB_SECTION_INPUTS);
    kb_view_free(&v);
    view_of(&w, KB_VIEW_JSON, &v);
    assert_int_equal(v.sections[3].kind, KB_SECTION_COVERAGE);
    assert_false(v.computers[0].coverage.known);
    kb_view_free(&v);
    destroy(&w);
}

static void test_computer(void **state)
{
    (void)state;
    world w;
    build(&w, 1);
    kb_view v;
    view_of(&w, KB_VIEW_TEXT, &v);
    assert_null(v.computers[0].name); /* no input names it */
    assert_string_equal(v.title, "b");
    assert_string_equal(v.computers[0].virtualization, "VMware");
    assert_true(v.computers[0].first_time == T0);
    kb_view_free(&v);
    view_of(&w, KB_VIEW_HTML, &v);
    assert_null(v.computers[0].virtualization); /* shown beside the OS, and there is none */
    kb_view_free(&v);
    w.report.virtualization = "none";
    w.report.computer = "SRV1";
    view_of(&w, KB_VIEW_TEXT, &v);
    assert_null(v.computers[0].virtualization);
    assert_string_equal(v.title, "SRV1");
    kb_view_free(&v);
    view_of(&w, KB_VIEW_JSON, &v);
    assert_string_equal(v.computers[0].virtualization, "none"); /* as found */
    kb_view_free(&v);
    destroy(&w);
}

static void test_coverage_rows(void **state)
{
    (void)state;
    world w;
    build(&w, 1);
    kb_view v;
    view_of(&w, KB_VIEW_TEXT, &v);
    const kb_view_coverage *cov = &v.computers[0].coverage;
    assert_true(cov->known);
    assert_int_equal(cov->nrows, 2); /* the unrecognised readme is not covered */
    assert_int_equal(cov->nlogs, 1);
    assert_int_equal(cov->noutputs, 1);
    const kb_view_cov_row *log = cov->logs[0];
    assert_int_equal(log->index, 0);
    assert_string_equal(log->channel, "Application");
    assert_true(log->has_records);
    assert_int_equal(log->records, 16);
    assert_int_equal(log->first_record, 5);
    assert_int_equal(log->last_record, 20);
    assert_true(log->last_time == T0 + 20000000);
    assert_string_equal(log->taken, "");
    const kb_view_cov_row *out = cov->outputs[0];
    assert_false(out->log);
    assert_string_equal(out->taken, "2018-10-08T09:30");
    assert_true(out->first_time == KB_TIME_NONE);
    /* systeminfo and tasklist_svc are used and absent. */
    assert_int_equal(cov->nabsent, 2);
    assert_string_equal(cov->absent[0]->feed, "systeminfo");
    assert_string_equal(cov->absent[1]->feed, "tasklist_svc");
    assert_int_equal(cov->nfeeds, 3); /* the feeds the rules use */
    assert_true(cov->nfindings >= 1); /* starts at record 5 */
    kb_view_free(&v);
    destroy(&w);
}

static void test_checkpoints(void **state)
{
    (void)state;
    world w;
    build(&w, 1);
    kb_view v;
    view_of(&w, KB_VIEW_TEXT, &v);
    const kb_view_rule *rule = &v.computers[0].rules[0];
    assert_int_equal(rule->verdict, KB_MSG_CANNOT_TELL);
    assert_int_equal(rule->ncheckpoints, 3);
    const kb_view_checkpoint *a = &rule->checkpoints[0], *ctx = &rule->checkpoints[1],
                             *b = &rule->checkpoints[2];
    assert_int_equal(a->state, KB_MSG_MET);
    assert_string_equal(a->state_class, "met");
    assert_false(a->why);
    assert_int_equal(ctx->state, KB_MSG_CONTEXT);
    assert_true(ctx->why);
    assert_int_equal(ctx->why_msg, KB_MSG_MISSING);
    assert_false(ctx->ask); /* text asks for no context input */
    assert_true(b->ask);
    /* What to collect: the unknown deciding checkpoint only. */
    assert_true(rule->collect_shown);
    assert_int_equal(rule->ncollect, 1);
    assert_string_equal(rule->collect[0]->id, "b");
    assert_false(rule->timeline);
    /* Text shows the values that fit on a line. */
    assert_int_equal(a->rows.n, 1);
    assert_int_equal(a->rows.nevents, 1);
    assert_false(a->event_span);
    const kb_view_evidence *ev = &a->rows.items[0];
    assert_true(ev->event);
    assert_string_equal(ev->path, "b/Application.evtx");
    assert_int_equal(ev->nvalues, 1);
    assert_string_equal(ev->values[0].name, "event_id");
    kb_view_free(&v);
    /* HTML: a cell for every column; no context checkpoint asks the
     * customer for a file there either (it decides nothing). */
    view_of(&w, KB_VIEW_HTML, &v);
    rule = &v.computers[0].rules[0];
    assert_false(rule->checkpoints[1].ask);
    assert_true(rule->checkpoints[2].ask);
    assert_true(rule->timeline);
    ev = &rule->checkpoints[0].rows.items[0];
    assert_int_equal(ev->nvalues, 4);
    assert_string_equal(ev->values[1].value, "two\nlines");
    assert_string_equal(ev->values[2].value, "");
    assert_null(ev->values[3].value);
    kb_view_free(&v);
    /* JSON: the values the fact has; every unknown checkpoint's collect. */
    view_of(&w, KB_VIEW_JSON, &v);
    rule = &v.computers[0].rules[0];
    assert_true(rule->checkpoints[1].ask);
    assert_int_equal(rule->checkpoints[0].rows.items[0].nvalues, 3);
    assert_null(rule->checkpoints[0].rows.items[0].values[0].annotation);
    /* With no `show`, JSON gives every field. */
    const kb_view_checkpoint *near_a = &v.computers[0].rules[1].checkpoints[0];
    assert_int_equal(near_a->rows.items[0].nvalues, w.facts.items[0]->nfields);
    kb_view_free(&v);
    destroy(&w);
}

static void test_damaged_inputs_named(void **state)
{
    (void)state;
    world w;
    build(&w, 1);
    kb_input_fail(&w.inputs.items[0], KB_INPUT_DAMAGED, "cut short");
    kb_results_free(&w.results);
    kb_eval_opts opts = {KB_LANG_EN, 20};
    assert_int_equal(kb_evaluate(&w.rules, &w.facts, &w.inputs, &opts, &w.results), KB_OK);
    kb_view v;
    view_of(&w, KB_VIEW_TEXT, &v);
    const kb_view_checkpoint *c = &v.computers[0].rules[1].checkpoints[1]; /* "c": none found */
    assert_int_equal(c->state, KB_MSG_UNKNOWN);
    assert_true(c->why);
    assert_int_equal(c->why_msg, KB_MSG_DAMAGED);
    assert_int_equal(c->ndamaged, 1);
    assert_string_equal(c->damaged[0]->path, "b/Application.evtx");
    assert_false(c->ask); /* no collect advice in the rule */
    kb_view_free(&v);
    destroy(&w);
}

static void test_near_miss(void **state)
{
    (void)state;
    world w;
    build(&w, 1);
    kb_view v;
    view_of(&w, KB_VIEW_TEXT, &v);
    const kb_view_rule *rule = &v.computers[0].rules[1];
    assert_int_equal(rule->verdict, KB_MSG_NOT_MATCHED);
    assert_true(rule->near_miss);
    assert_false(rule->collect_shown);
    assert_int_equal(rule->near_ids[KB_CP_MET].n, 1);
    assert_string_equal(rule->near_ids[KB_CP_MET].ids[0], "a");
    assert_int_equal(rule->near_ids[KB_CP_NOT_MET].n, 1);
    assert_string_equal(rule->near_ids[KB_CP_NOT_MET].ids[0], "c");
    const kb_view_checkpoint *c = &rule->checkpoints[1];
    assert_non_null(c->near);
    assert_null(c->near_say); /* the rule gives no "near.say": the default wording */
    assert_int_equal(c->near_rows.n, 5);  /* a text report lists a few */
    assert_int_equal(c->near_rows.more, 3);
    assert_null(rule->checkpoints[0].near);
    kb_view_free(&v);
    view_of(&w, KB_VIEW_HTML, &v);
    c = &v.computers[0].rules[1].checkpoints[1];
    assert_int_equal(c->near_rows.n, 8);
    assert_int_equal(c->near_rows.more, 0);
    assert_int_equal(c->near_rows.nevents, 8);
    kb_view_free(&v);
    destroy(&w);
}

static void test_input_notes(void **state)
{
    (void)state;
    world w;
    build(&w, 1);
    kb_view v;
    static const kb_view_format formats[] = {KB_VIEW_TEXT, KB_VIEW_HTML, KB_VIEW_JSON};
    static const size_t shown[] = {10, 20, 25};
    for (int f = 0; f < 3; f++) {
        view_of(&w, formats[f], &v);
        assert_int_equal(v.ninputs, 3);
        const kb_view_input *vss = &v.inputs[1];
        assert_int_equal(vss->nnotes, shown[f]);
        assert_int_equal(vss->hidden, 25 - shown[f] + 3);
        assert_true(vss->counts_lines);
        assert_false(vss->counts_records);
        assert_true(v.inputs[0].counts_records);
        assert_false(v.inputs[2].counts_lines);
        kb_view_free(&v);
    }
    destroy(&w);
}

/* Several computers: their list first, each with its own coverage and
 * rules, the inputs no computer could be told for; JSON: the computers
 * with their coverage, then every computer's rules; each input whose. */
static void test_several_computers(void **state)
{
    (void)state;
    world w;
    memset(&w, 0, sizeof w);
    w.rules.rules = calloc(1, sizeof(kb_rule));
    load_rule(&w.rules.rules[0], RULE_NEAR_MISS);
    w.rules.n = 1;
    size_t a = input(&w, "b/SRV01/Application.evtx", "evtx", "eventlog:Application");
    w.inputs.items[a].computer = kb_strdup("SRV01");
    w.inputs.items[a].channel = kb_strdup("Application");
    size_t c = input(&w, "b/SRV02/Application.evtx", "evtx", "eventlog:Application");
    w.inputs.items[c].computer = kb_strdup("SRV02");
    w.inputs.items[c].channel = kb_strdup("Application");
    size_t loose = input(&w, "b/vssadmin.txt", "vssadmin_writers", "vssadmin_writers");
    event(&w, a, "1", 1);
    event(&w, a, "2", 2); /* SRV01 matches, SRV02 has one of the two */
    event(&w, c, "1", 1);
    kb_eval_opts opts = {KB_LANG_EN, 20};
    kb_computers computers;
    assert_int_equal(kb_combine(&w.inputs, &w.facts), KB_OK);
    kb_computers_build(&w.inputs, &w.facts, &computers);
    assert_int_equal(kb_computers_evaluate(&computers, &w.rules, &w.inputs, &opts), KB_OK);
    static const char *const paths[] = {"b"};
    w.report = (kb_report){
        .version = "9.9.9", .paths = paths, .npaths = 1, .rules = &w.rules, .inputs = &w.inputs,
        .results = &computers.items[0].results, .lang = KB_LANG_EN, .since = KB_TIME_NONE,
        .until = KB_TIME_NONE, .exit_status = kb_computers_exit_status(&computers),
        .coverage = &computers.items[0].coverage, .computers = &computers,
    };
    kb_report_summarise(&w.report, &w.facts);
    kb_view v;
    view_of(&w, KB_VIEW_TEXT, &v);
    assert_true(v.several);
    assert_int_equal(v.ncomputers, 2);
    assert_string_equal(v.title, "b");
    static const kb_view_section_kind text[] = {
        KB_SECTION_RUN, KB_SECTION_COMPUTERS,
        KB_SECTION_SUMMARY, KB_SECTION_ANSWER, KB_SECTION_RULES, KB_SECTION_COVERAGE, KB_SECTION_COVERAGE_ROWS,
        KB_SECTION_SUMMARY, KB_SECTION_ANSWER, KB_SECTION_RULES, KB_SECTION_COVERAGE, KB_SECTION_COVERAGE_ROWS,
        KB_SECTION_UNASSIGNED, KB_SECTION_INPUTS, KB_SECTION_TOTAL};
    assert_int_equal(v.nsections, 15);
    for (size_t i = 0; i < 15; i++)
        assert_int_equal(v.sections[i].kind, text[i]);
    assert_int_equal(v.sections[7].computer, 1);
    assert_int_equal(v.total.computers, 2);
    assert_int_equal(v.total.matched, 1);      /* SRV01's match; SRV02's near miss is not one */
    const kb_view_computer *srv01 = &v.computers[0], *srv02 = &v.computers[1];
    assert_string_equal(srv01->name, "SRV01");
    assert_int_equal(srv01->outcome, KB_MSG_MATCHED);
    assert_int_equal(srv02->outcome, KB_MSG_NOT_MATCHED);
    assert_true(srv02->rules[0].near_miss);
    /* The answer: SRV01's match on a line; SRV02's rule not matched, counted. */
    assert_int_equal(srv01->nanswers, 1);
    assert_true(srv01->answers[0].rule == &srv01->rules[0]);
    assert_int_equal(srv02->nanswers, 0);
    assert_int_equal(srv02->nnot_matched_all, 1);
    assert_false(srv02->list_not_matched);
    assert_int_equal(srv01->rules[0].index, 0);
    assert_int_equal(srv02->rules[0].index, 1); /* anchors unique over the computers */
    /* Each computer's coverage rows are its own inputs. */
    assert_int_equal(srv01->coverage.nrows, 1);
    assert_int_equal(srv01->coverage.rows[0].index, a);
    assert_int_equal(srv02->coverage.rows[0].index, c);
    assert_int_equal(v.nunassigned, 1);
    assert_true(v.unassigned[0].input == &w.inputs.items[loose]);
    assert_int_equal(v.unassigned[0].ncomputers, 2);
    assert_string_equal(v.unassigned[0].computers[1], "SRV02");
    assert_int_equal(v.inputs[a].ncomputers, 1);
    assert_true(v.inputs[a].computers[0] == srv01);
    assert_int_equal(v.inputs[loose].ncomputers, 0);
    kb_view_free(&v);
    view_of(&w, KB_VIEW_JSON, &v);
    static const kb_view_section_kind json[] = {KB_SECTION_RUN, KB_SECTION_SUMMARY, KB_SECTION_INPUTS,
                                                KB_SECTION_COMPUTERS, KB_SECTION_UNASSIGNED,
                                                KB_SECTION_COVERAGE, KB_SECTION_RULES};
    assert_int_equal(v.nsections, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(v.sections[i].kind, json[i]);
        assert_true(v.sections[i].computer == KB_VIEW_EVERY);
    }
    kb_view_free(&v);
    kb_computers_free(&computers);
    kb_factlist_free(&w.facts);
    kb_inputs_free(&w.inputs);
    kb_ruleset_free(&w.rules);
}

/* An evidence event shows its message as Event Viewer does: the table's
 * text with the insertion strings, Windows Server Backup's decimal code
 * in hex and its parameter reference decoded; a text report gives the
 * first paragraph. The view reads the fact as the report shows it. */
static void test_event_message(void **state)
{
    (void)state;
    world w;
    build(&w, 1);
    kb_view v;
    view_of(&w, KB_VIEW_JSON, &v);
    assert_null(v.computers[0].rules[0].checkpoints[0].rows.items[0].message); /* provider P: none known */
    kb_view_free(&v);
    const kb_rule_result *res = &w.results.rules[0];
    kb_fact *ev = (kb_fact *)res->checkpoints[0].evidence[0].fact;
    kb_fact_set(ev, "provider", "Microsoft-Windows-Backup");
    kb_fact_set(ev, "event_id", "517");
    kb_fact_set(ev, "data1", "2018-10-01T12:00:26.450Z");
    kb_fact_set(ev, "data2", "2155348129");
    kb_fact_set(ev, "data3", "%%2155348129");
    kb_fact_set(ev, "strings", "3");
    view_of(&w, KB_VIEW_JSON, &v);
    const kb_view_evidence *row = &v.computers[0].rules[0].checkpoints[0].rows.items[0];
    assert_non_null(row->message);
    assert_non_null(strstr(row->message, "The backup operation that started at '2018-10-01T12:00:26.450Z' has "
                                         "failed with following error code '0x807800a1' ("));
    assert_null(strstr(row->message, "2155348129")); /* the decimal code is decoded, both times */
    assert_string_equal(row->message_windows, "Windows 7/2008 R2 - Windows 11 21H2");
    kb_view_free(&v);
    /* A message of several paragraphs: text shows the first only. */
    kb_fact_set(ev, "provider", "VSS");
    kb_fact_set(ev, "event_id", "8193");
    kb_fact_set(ev, "qualifiers", "0");
    kb_fact_set(ev, "data1", "CoCreateInstance");
    kb_fact_set(ev, "data2", "0x800401fb, Object is not registered");
    kb_fact_set(ev, "data3", "\n\nOperation:\n   Subscribing Writer");
    kb_fact_set(ev, "strings", "3");
    view_of(&w, KB_VIEW_HTML, &v);
    row = &v.computers[0].rules[0].checkpoints[0].rows.items[0];
    assert_non_null(row->message);
    assert_non_null(strstr(row->message, "\n\n"));
    kb_view_free(&v);
    view_of(&w, KB_VIEW_TEXT, &v);
    row = &v.computers[0].rules[0].checkpoints[0].rows.items[0];
    assert_non_null(strstr(row->message, "routine CoCreateInstance.  hr = 0x800401fb, Object is not registered."));
    assert_null(strstr(row->message, "\n\n"));
    kb_view_free(&v);
    destroy(&w);
}

/* The context tag is not said twice: a title's "Context: " or
 * " (context)" goes, the tag says it. */
static void test_context_title(void **state)
{
    (void)state;
    world w;
    build(&w, 1);
    kb_checkpoint *ctx = &w.rules.rules[0].checkpoints[1];
    static const char *const titles[][2] = {
        {"Context: successful runs", "successful runs"},
        {"Checkpoint 2 (context): OS", "Checkpoint 2: OS"},
        {"参考: volsnap 36", "volsnap 36"},
        {"確認ポイント (2) (参考): OS", "確認ポイント (2): OS"},
        {"Context: ", "Context: "},
    };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        free(ctx->title.en);
        ctx->title.en = kb_strdup(titles[i][0]);
        kb_view v;
        view_of(&w, KB_VIEW_TEXT, &v);
        assert_string_equal(v.computers[0].rules[0].checkpoints[1].title, titles[i][1]);
        assert_string_equal(v.computers[0].rules[0].checkpoints[0].title, "t"); /* not context: as is */
        kb_view_free(&v);
    }
    destroy(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections_per_format),
        cmocka_unit_test(test_computer),
        cmocka_unit_test(test_coverage_rows),
        cmocka_unit_test(test_checkpoints),
        cmocka_unit_test(test_damaged_inputs_named),
        cmocka_unit_test(test_near_miss),
        cmocka_unit_test(test_input_notes),
        cmocka_unit_test(test_several_computers),
        cmocka_unit_test(test_event_message),
        cmocka_unit_test(test_context_title),
    };
    return cmocka_run_group_tests_name("view", tests, NULL, NULL);
}
