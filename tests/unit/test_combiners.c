/* test_combiners.c: the derived facts (analyzer/combiners/): the host from
 * whichever inputs name it (which computer each input is: test_hosts.c), each event log's coverage, each log-clearing
 * event read by name or by position only in the layout it has, and what
 * cannot be decoded said so; the interest in the clearing events; which run
 * of a command is the latest across inputs; that the
 * passes keep to what they declare (and docs/facts.md names it); and that a
 * rule tests derived facts like any other. Small inline facts throughout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/tool_rules.h"
#include "combiners/combiners.h"
#include "engine/engine.h"
#include "scan/scan.h"
#include "source/source.h"
#include "log_fact.h"

#define T0 1538395219000000LL /* 2018-10-01T12:00:19Z */

typedef struct world {
    kb_inputs inputs;
    kb_factlist facts;
} world;

static void world_free(world *w)
{
    kb_factlist_free(&w->facts);
    kb_inputs_free(&w->inputs);
}

static size_t input(world *w, const char *path, const char *kind, const char *computer)
{
    long i = kb_inputs_add(&w->inputs, path);
    assert_true(i >= 0);
    kb_input *in = &w->inputs.items[i];
    if (kind)
        kb_input_set_source(in, kind, strcmp(kind, "evtx") == 0 ? KB_COVERS_EVENTS : KB_COVERS_MOMENT, NULL);
    in->computer = kb_strdup(computer);
    return (size_t)i;
}

static size_t log_input(world *w, const char *path, const char *channel, uint64_t first_record,
                        uint64_t last_record, uint64_t records)
{
    size_t i = input(w, path, "evtx", NULL);
    kb_input *in = &w->inputs.items[i];
    in->channel = kb_strdup(channel);
    add_evtx_log(&w->facts, i, channel, first_record, last_record, records);
    if (records) {
        in->first_time = T0;
        in->last_time = T0 + 3600000000LL;
    }
    return i;
}

static kb_fact *fact(world *w, const char *type, size_t in)
{
    kb_fact *f = kb_fact_new(type, in);
    assert_int_equal(kb_factlist_add(&w->facts, f), 0);
    return f;
}

/* The n-th derived fact of a type (0-based), or NULL. */
static const kb_fact *derived(const world *w, const char *type, size_t n)
{
    for (size_t i = 0; i < w->facts.n; i++)
        if (strcmp(w->facts.items[i]->type, type) == 0 && n-- == 0)
            return w->facts.items[i];
    return NULL;
}

static size_t count_of(const world *w, const char *type)
{
    size_t n = 0;
    for (size_t i = 0; i < w->facts.n; i++)
        n += strcmp(w->facts.items[i]->type, type) == 0;
    return n;
}

static void field_is(const kb_fact *f, const char *name, const char *want)
{
    assert_non_null(f);
    const char *v = kb_fact_get(f, name);
    if (!want) {
        if (v)
            fail_msg("field %s of %s: expected none, got \"%s\"", name, f->type, v);
        return;
    }
    if (!v || strcmp(v, want) != 0)
        fail_msg("field %s of %s: expected \"%s\", got %s%s%s", name, f->type, want, v ? "\"" : "",
                 v ? v : "none", v ? "\"" : "");
}

static void combine(world *w)
{
    assert_int_equal(kb_combine(&w->inputs, &w->facts), KB_OK);
}

/* ---- host ------------------------------------------------------------------------ */

static void test_host_from_names_and_systeminfo(void **state)
{
    (void)state;
    world w = {0};
    input(&w, "a/App.evtx", "evtx", "web01.example.test");
    input(&w, "a/Sys.evtx", "evtx", "DB01.example.test");
    size_t info = input(&w, "a/systeminfo.txt", "systeminfo", "db01.example.test");
    input(&w, "a/notes.txt", NULL, NULL);
    kb_fact *si = fact(&w, "systeminfo", info);
    kb_fact_set(si, "host", "DB01");
    kb_fact_set(si, "os_name", "Example OS");
    kb_fact_set(si, "os_version", "1.2.3");
    kb_fact_set(si, "virtualization", "KVM");
    combine(&w);
    assert_int_equal(count_of(&w, KB_FACT_HOST), 1);
    const kb_fact *host = derived(&w, KB_FACT_HOST, 0);
    /* Two inputs name db01 (case aside), one web01: the name most give. */
    field_is(host, "name", "DB01.example.test");
    field_is(host, "os", "Example OS (1.2.3)");
    field_is(host, "os_name", "Example OS");
    field_is(host, "os_version", "1.2.3");
    field_is(host, "virtualization", "KVM");
    field_is(host, "inputs", "a/Sys.evtx\na/systeminfo.txt");
    assert_int_equal(host->input, 1);
    assert_int_equal(w.inputs.items[info].facts, 0); /* derived facts are not an input's own */
    world_free(&w);
}

static void test_host_name_from_systeminfo_alone(void **state)
{
    (void)state;
    world w = {0};
    size_t info = input(&w, "systeminfo.txt", "systeminfo", NULL);
    kb_fact *si = fact(&w, "systeminfo", info);
    kb_fact_set(si, "host", "FS02");
    kb_fact_set(si, "os_name", "Example OS");
    combine(&w);
    const kb_fact *host = derived(&w, KB_FACT_HOST, 0);
    field_is(host, "name", "FS02");
    field_is(host, "os", "Example OS"); /* no version: no empty brackets */
    field_is(host, "virtualization", "");
    field_is(host, "inputs", "systeminfo.txt");
    world_free(&w);
}

/* Nothing names the computer: one host all the same, unnamed, with every
 * input its own (the bundle is one computer). */
static void test_unnamed_host_when_nothing_says(void **state)
{
    (void)state;
    world w = {0};
    input(&w, "vssadmin.txt", "vssadmin_writers", NULL);
    combine(&w);
    assert_int_equal(count_of(&w, KB_FACT_HOST), 1);
    const kb_fact *host = derived(&w, KB_FACT_HOST, 0);
    field_is(host, "id", "1");
    field_is(host, "name", "");
    field_is(host, "os", "");
    field_is(host, "inputs", "");
    assert_int_equal(count_of(&w, KB_FACT_HOST_INPUT), 1);
    const kb_fact *member = derived(&w, KB_FACT_HOST_INPUT, 0);
    field_is(member, "host", "1");
    field_is(member, "by", "bundle");
    field_is(member, "path", "vssadmin.txt");
    world_free(&w);
}

/* ---- log.coverage ----------------------------------------------------------------- */

static void test_log_coverage(void **state)
{
    (void)state;
    world w = {0};
    size_t app = log_input(&w, "Application.evtx", "Application", 48213, 48242, 30);
    size_t sys = log_input(&w, "System.evtx", "System", 1, 147, 47);
    size_t setup = log_input(&w, "Setup.evtx", "Setup", 1, 100, 10);
    kb_input_fail(&w.inputs.items[setup], KB_INPUT_DAMAGED, "cut short");
    size_t empty = log_input(&w, "Empty.evtx", NULL, 0, 0, 0);
    input(&w, "tasklist.txt", "tasklist_svc", NULL);
    kb_fact *e = fact(&w, "event", sys);
    kb_fact_set(e, "provider", "Microsoft-Windows-Eventlog");
    kb_fact_set(e, "event_id", "104");
    combine(&w);
    assert_int_equal(count_of(&w, KB_FACT_LOG_COVERAGE), 4); /* the logs only */
    const kb_fact *f = derived(&w, KB_FACT_LOG_COVERAGE, 0);
    assert_int_equal(f->input, app);
    field_is(f, "channel", "Application");
    field_is(f, "records", "30");
    field_is(f, "first_record", "48213");
    field_is(f, "last_record", "48242");
    field_is(f, "first_time", "2018-10-01T12:00:19Z");
    field_is(f, "last_time", "2018-10-01T13:00:19Z");
    field_is(f, "wrapped", "yes");
    field_is(f, "gaps", "0");
    field_is(f, "cleared", "0");
    assert_true(f->time == T0);
    f = derived(&w, KB_FACT_LOG_COVERAGE, 1);
    assert_int_equal(f->input, sys);
    field_is(f, "wrapped", "no");
    field_is(f, "gaps", "100");
    field_is(f, "cleared", "1");
    /* A damaged log's lost records are damage, not gaps. */
    f = derived(&w, KB_FACT_LOG_COVERAGE, 2);
    assert_int_equal(f->input, setup);
    field_is(f, "gaps", NULL);
    /* No record read: no range, no wrap, no time. */
    f = derived(&w, KB_FACT_LOG_COVERAGE, 3);
    assert_int_equal(f->input, empty);
    field_is(f, "channel", "");
    field_is(f, "records", "0");
    field_is(f, "first_record", NULL);
    field_is(f, "wrapped", NULL);
    field_is(f, "first_time", NULL);
    world_free(&w);
}

/* ---- log.cleared ------------------------------------------------------------------ */

static kb_fact *clearing(world *w, size_t in, const char *id, uint64_t record, const char *const *strings,
                         int n)
{
    kb_fact *f = fact(w, "event", in);
    kb_fact_set(f, "provider", "microsoft-windows-eventlog"); /* any case */
    kb_fact_set(f, "event_id", id);
    kb_fact_set(f, "channel", w->inputs.items[in].channel);
    f->record = record;
    f->time = T0 + (int64_t)record;
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "data%d", i + 1);
        kb_fact_set(f, name, strings[i]);
    }
    if (n >= 0)
        kb_fact_setf(f, "strings", "%d", n);
    return f;
}

static void test_cleared_by_position(void **state)
{
    (void)state;
    world w = {0};
    size_t sec = log_input(&w, "Security.evtx", "Security", 1, 9, 9);
    size_t sys = log_input(&w, "System.evtx", "System", 1, 9, 9);
    static const char *const v0[] = {"S-1-5-21-7-8-9-500", "alice", "EXAMPLE", "0x3e7"};
    static const char *const v1[] = {"S-1-5-21-7-8-9-501", "bob", "EXAMPLE", "0x1", "4242", "77"};
    static const char *const sys104[] = {"carol", "LAB", "Windows PowerShell", ""};
    clearing(&w, sec, "1102", 3, v0, 4);
    clearing(&w, sec, "1102", 5, v1, 6);
    clearing(&w, sys, "104", 7, sys104, 4);
    clearing(&w, sys, "105", 8, sys104, 4); /* not a clearing */
    combine(&w);
    assert_int_equal(count_of(&w, KB_FACT_LOG_CLEARED), 3);
    const kb_fact *f = derived(&w, KB_FACT_LOG_CLEARED, 0);
    assert_int_equal(f->input, sec);
    assert_int_equal(f->record, 3);
    assert_true(f->time == T0 + 3);
    field_is(f, "event_id", "1102");
    field_is(f, "record", "3");
    field_is(f, "time", "2018-10-01T12:00:19.000003Z");
    field_is(f, "log", "Security");
    field_is(f, "channel", "Security");
    field_is(f, "user", "alice");
    field_is(f, "domain", "EXAMPLE");
    field_is(f, "decoded", "yes");
    field_is(f, "read_from", "positions");
    field_is(f, "strings", "4");
    f = derived(&w, KB_FACT_LOG_CLEARED, 1); /* the newer layout: two strings more */
    field_is(f, "user", "bob");
    field_is(f, "decoded", "yes");
    f = derived(&w, KB_FACT_LOG_CLEARED, 2);
    assert_int_equal(f->input, sys);
    field_is(f, "event_id", "104");
    field_is(f, "log", "System");
    field_is(f, "channel", "Windows PowerShell");
    field_is(f, "user", "carol");
    field_is(f, "domain", "LAB");
    /* The log holding them counts them. */
    field_is(derived(&w, KB_FACT_LOG_COVERAGE, 0), "cleared", "2");
    field_is(derived(&w, KB_FACT_LOG_COVERAGE, 1), "cleared", "1");
    world_free(&w);
}

/* Named fields, where the event has them (the EVTX parser's data:<Name>
 * of UserData <LogFileCleared>), are read by name. */
static void test_cleared_by_name(void **state)
{
    (void)state;
    world w = {0};
    size_t sys = log_input(&w, "System.evtx", "System", 1, 9, 9);
    kb_fact *f = clearing(&w, sys, "104", 2, NULL, -1);
    kb_fact_set(f, "payload", "UserData/LogFileCleared");
    kb_fact_set(f, "data:SubjectUserName", "dave");
    kb_fact_set(f, "data:SubjectDomainName", "CORP");
    kb_fact_set(f, "data:Channel", "Setup");
    kb_fact_set(f, "data1", "not read");
    combine(&w);
    const kb_fact *c = derived(&w, KB_FACT_LOG_CLEARED, 0);
    field_is(c, "user", "dave");
    field_is(c, "domain", "CORP");
    field_is(c, "channel", "Setup");
    field_is(c, "read_from", "names");
    field_is(c, "decoded", "yes");
    field_is(c, "strings", NULL);
    world_free(&w);
}

/* Data in another layout is undecoded: no user, domain or log name is
 * taken from it. */
static void test_cleared_undecoded(void **state)
{
    (void)state;
    world w = {0};
    size_t sec = log_input(&w, "Security.evtx", "Security", 1, 9, 9);
    size_t sys = log_input(&w, "System.evtx", "System", 1, 9, 9);
    /* ProcessingErrorData: ErrorCode, DataItemName, EventPayload. */
    static const char *const error_data[] = {"15005", "ClientProcessId", "4100640000"};
    static const char *const no_sid[] = {"alice", "EXAMPLE", "x", "y"};
    clearing(&w, sys, "104", 1, error_data, 3);
    clearing(&w, sec, "1102", 2, no_sid, 4);
    clearing(&w, sys, "104", 3, NULL, -1); /* no strings said */
    /* ProcessingErrorData as the EVTX parser names it: never a layout of
     * LogFileCleared, whatever its strings. */
    static const char *const four[] = {"15005", "ClientProcessId", "4100640000", "x"};
    kb_fact *pe = clearing(&w, sys, "104", 4, four, 4);
    kb_fact_set(pe, "payload", "ProcessingErrorData");
    kb_fact_set(pe, "data:ErrorCode", "15005");
    combine(&w);
    assert_int_equal(count_of(&w, KB_FACT_LOG_CLEARED), 4);
    const kb_fact *f = derived(&w, KB_FACT_LOG_CLEARED, 0);
    field_is(f, "decoded", "no");
    field_is(f, "read_from", "");
    field_is(f, "user", "");
    field_is(f, "domain", "");
    field_is(f, "channel", "");
    field_is(f, "log", "System");
    field_is(f, "strings", "3");
    f = derived(&w, KB_FACT_LOG_CLEARED, 1);
    field_is(f, "decoded", "no");
    field_is(f, "user", "");
    field_is(f, "channel", "Security"); /* 1102 is the Security log's own */
    f = derived(&w, KB_FACT_LOG_CLEARED, 2);
    field_is(f, "decoded", "no");
    field_is(f, "strings", NULL);
    f = derived(&w, KB_FACT_LOG_CLEARED, 3);
    field_is(f, "decoded", "no");
    field_is(f, "user", "");
    field_is(f, "channel", "");
    world_free(&w);
}

static void test_interest(void **state)
{
    (void)state;
    kb_interest interest = {0};
    assert_int_equal(kb_combiners_interest(&interest), 0);
    assert_false(interest.want_all);
    assert_true(kb_interest_wants(&interest, "Microsoft-Windows-Eventlog", 1102));
    assert_true(kb_interest_wants(&interest, "microsoft-windows-eventlog", 104));
    assert_false(kb_interest_wants(&interest, "Microsoft-Windows-Eventlog", 105));
    assert_false(kb_interest_wants(&interest, "VSS", 8193));
    kb_interest_free(&interest);
}

/* ---- latest ------------------------------------------------------------------------ */

/* A vssadmin listing of one run that its parser calls the latest. */
static void listing(world *w, size_t in)
{
    kb_fact *f = fact(w, "vssadmin.listing", in);
    assert_int_equal(kb_fact_set(f, "latest", "yes"), 0);
}

static const char *latest_of(const world *w, size_t in)
{
    for (size_t i = 0; i < w->facts.n; i++)
        if (w->facts.items[i]->input == in && strcmp(w->facts.items[i]->type, "vssadmin.listing") == 0)
            return kb_fact_get(w->facts.items[i], "latest");
    return NULL;
}

/* Of the runs of one command on one computer, the one the bundle says was
 * taken last stays latest: Before/After in the names, a section header's
 * time, the sections of one file in file order; a pair the bundle cannot
 * order keeps both, and other computers are apart. */
static void test_latest_across_inputs(void **state)
{
    (void)state;
    world w = {0};
    size_t after = input(&w, "b/vssWritersAfter.txt", "vssadmin_writers", "SRV1");
    size_t before = input(&w, "b/vssWritersBefore.txt", "vssadmin_writers", "SRV1");
    size_t other = input(&w, "b/other/vssadmin.txt", "vssadmin_writers", "SRV2");
    listing(&w, after);
    listing(&w, before);
    listing(&w, other);
    combine(&w);
    assert_string_equal(latest_of(&w, after), "yes");
    assert_string_equal(latest_of(&w, before), "no");
    assert_string_equal(latest_of(&w, other), "yes");
    world_free(&w);

    /* Two sections of one file: a later header's time wins, even when the
     * section comes first; without times, the later section. */
    memset(&w, 0, sizeof w);
    size_t s1 = input(&w, "b/SRV_VSSAdmin.TXT#1", "vssadmin_writers", NULL);
    size_t s2 = input(&w, "b/SRV_VSSAdmin.TXT#2", "vssadmin_writers", NULL);
    w.inputs.items[s1].section = 1;
    w.inputs.items[s2].section = 2;
    w.inputs.items[s1].stamped = T0 + 3600000000LL;
    w.inputs.items[s2].stamped = T0;
    listing(&w, s1);
    listing(&w, s2);
    combine(&w);
    assert_string_equal(latest_of(&w, s1), "yes");
    assert_string_equal(latest_of(&w, s2), "no");
    world_free(&w);

    memset(&w, 0, sizeof w);
    s1 = input(&w, "b/runs.txt#1", "vssadmin_writers", NULL);
    s2 = input(&w, "b/runs.txt#2", "vssadmin_writers", NULL);
    w.inputs.items[s1].section = 1;
    w.inputs.items[s2].section = 2;
    listing(&w, s1);
    listing(&w, s2);
    combine(&w);
    assert_string_equal(latest_of(&w, s1), "no");
    assert_string_equal(latest_of(&w, s2), "yes");
    world_free(&w);

    /* Two files the bundle does not order: each keeps its own. */
    memset(&w, 0, sizeof w);
    size_t a = input(&w, "b/one/vssadmin.txt", "vssadmin_writers", "SRV1");
    size_t b = input(&w, "b/two/vssadmin.txt", "vssadmin_writers", "SRV1");
    listing(&w, a);
    listing(&w, b);
    combine(&w);
    assert_string_equal(latest_of(&w, a), "yes");
    assert_string_equal(latest_of(&w, b), "yes");
    world_free(&w);
}

/* ---- declarations ----------------------------------------------------------------- */

static int declared(const kb_fact_decl *d, const char *name)
{
    for (const char *const *f = d->fields; *f; f++)
        if (strcmp(name, *f) == 0)
            return 1;
    return 0;
}

static const kb_fact_decl *decl_of(const char *type)
{
    for (const kb_fact_decl *d = kb_derived_facts(); d->type; d++)
        if (strcmp(d->type, type) == 0)
            return d;
    return NULL;
}

/* Every derived fact of a real scan has a declared type and only declared
 * fields, and each pass is in the registry under the type it makes. */
static void test_passes_keep_to_declarations(void **state)
{
    (void)state;
    for (const kb_combiner *const *p = kb_combiners(); *p; p++)
        if (!(*p)->revises)
            assert_non_null(decl_of((*p)->name));
    static const char *const bundles[] = {"samples/bundles/coverage-cleared", "samples/bundles/seed-en",
                                          "samples/bundles/damaged-log"};
    size_t derived_facts = 0;
    for (size_t b = 0; b < sizeof bundles / sizeof *bundles; b++) {
        kb_interest interest = {0};
        assert_int_equal(kb_combiners_interest(&interest), 0);
        kb_scan_opts opts;
        kb_scan_opts_init(&opts);
        opts.interest = &interest;
        opts.jobs = 1;
        world w = {0};
        assert_int_equal(kb_scan(&bundles[b], 1, &opts, &w.inputs, &w.facts), KB_OK);
        size_t scanned = w.facts.n;
        combine(&w);
        for (size_t i = scanned; i < w.facts.n; i++) {
            const kb_fact *f = w.facts.items[i];
            const kb_fact_decl *d = decl_of(f->type);
            if (!d)
                fail_msg("%s: derived facts \"%s\" are not declared", bundles[b], f->type);
            for (size_t k = 0; k < f->nfields; k++)
                if (!declared(d, f->fields[k].name))
                    fail_msg("%s: field \"%s\" of %s is not declared", bundles[b], f->fields[k].name, f->type);
        }
        derived_facts += w.facts.n - scanned;
        world_free(&w);
        kb_interest_free(&interest);
    }
    assert_true(derived_facts >= 6);
}

static void test_declarations_documented(void **state)
{
    (void)state;
    FILE *fp = fopen("docs/facts.md", "rb");
    assert_non_null(fp);
    kb_buf doc = KB_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        kb_buf_append(&doc, chunk, n);
    fclose(fp);
    assert_non_null(strstr(kb_buf_str(&doc), "input `" KB_FEED_DERIVED "`"));
    for (const kb_fact_decl *d = kb_derived_facts(); d->type; d++) {
        char *quoted = kb_strprintf("`%s`", d->type);
        if (!strstr(kb_buf_str(&doc), quoted))
            fail_msg("docs/facts.md does not name the derived fact type %s", quoted);
        free(quoted);
        for (const char *const *f = d->fields; *f; f++) {
            quoted = kb_strprintf("`%s`", *f);
            if (!strstr(kb_buf_str(&doc), quoted))
                fail_msg("docs/facts.md does not name the field %s of %s", quoted, d->type);
            free(quoted);
        }
    }
    kb_buf_free(&doc);
}

/* ---- rules over derived facts ------------------------------------------------------ */

#define CLEARED_RULE(field)                                                                       \
    "{\"id\":\"cleared\",\"version\":1,\"title\":\"t\",\"checkpoints\":["                         \
    "{\"id\":\"c\",\"title\":\"t\",\"input\":\"derived\",\"facts\":\"log.cleared\","             \
    "\"where\":{\"field\":\"" field "\",\"equals\":\"yes\"},\"show\":[\"user\",\"channel\"]}],"  \
    "\"verdict\":{\"all\":[\"c\"]}}"

static void load_rule(const char *json, kb_ruleset *set)
{
    memset(set, 0, sizeof *set);
    set->rules = calloc(1, sizeof(kb_rule));
    char path[] = "/tmp/kbscan-rule-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    kb_buf errors = KB_BUF_INIT;
    int rc = kb_rule_load_file(path, &set->rules[0], &errors);
    unlink(path);
    if (rc != 0)
        fail_msg("%s", kb_buf_str(&errors));
    set->n = 1;
    kb_buf_free(&errors);
}

static void test_rules_check_knows_derived_facts(void **state)
{
    (void)state;
    kb_ruleset set;
    load_rule(CLEARED_RULE("decoded"), &set);
    kb_buf out = KB_BUF_INIT;
    kb_rule_check(&set.rules[0], &out);
    /* Only the fixtures are missing: input, facts and fields are known. */
    assert_null(strstr(kb_buf_str(&out), "input"));
    assert_null(strstr(kb_buf_str(&out), "facts \""));
    assert_null(strstr(kb_buf_str(&out), "no field"));
    kb_buf_free(&out);
    kb_ruleset_free(&set);
    load_rule(CLEARED_RULE("decodde"), &set);
    out = (kb_buf)KB_BUF_INIT;
    kb_rule_check(&set.rules[0], &out);
    assert_non_null(strstr(kb_buf_str(&out), "no field \"decodde\" in facts \"log.cleared\" (did you mean \"decoded\"?)"));
    kb_buf_free(&out);
    kb_ruleset_free(&set);
}

static void test_rule_over_derived_facts(void **state)
{
    (void)state;
    kb_ruleset set;
    load_rule(CLEARED_RULE("decoded"), &set);
    kb_eval_opts opts = {KB_LANG_EN, 20};
    /* Recognised inputs feed derived facts: never "missing". */
    world w = {0};
    size_t sys = log_input(&w, "System.evtx", "System", 1, 9, 9);
    static const char *const cleared[] = {"erin", "LAB", "Application", ""};
    clearing(&w, sys, "104", 4, cleared, 4);
    combine(&w);
    kb_results res;
    assert_int_equal(kb_evaluate(&set, &w.facts, &w.inputs, &opts, &res), KB_OK);
    assert_int_equal(res.rules[0].verdict, KB_VERDICT_MATCHED);
    assert_int_equal(res.rules[0].checkpoints[0].count, 1);
    assert_string_equal(kb_evidence_get(&res.rules[0].checkpoints[0].evidence[0], "user"), "erin");
    kb_results_free(&res);
    world_free(&w);
    /* No clearing: not met. */
    w = (world){0};
    log_input(&w, "System.evtx", "System", 1, 9, 9);
    combine(&w);
    assert_int_equal(kb_evaluate(&set, &w.facts, &w.inputs, &opts, &res), KB_OK);
    assert_int_equal(res.rules[0].verdict, KB_VERDICT_NOT_MATCHED);
    kb_results_free(&res);
    /* ... unless some input is damaged: it may have held one. */
    input(&w, "vssadmin.txt", "vssadmin_writers", NULL);
    kb_input_fail(&w.inputs.items[1], KB_INPUT_DAMAGED, "cut short");
    assert_int_equal(kb_evaluate(&set, &w.facts, &w.inputs, &opts, &res), KB_OK);
    assert_int_equal(res.rules[0].verdict, KB_VERDICT_CANNOT_TELL);
    assert_int_equal(res.rules[0].checkpoints[0].why, KB_WHY_DAMAGED);
    kb_results_free(&res);
    world_free(&w);
    /* Nothing recognised feeds nothing. */
    w = (world){0};
    input(&w, "notes.txt", NULL, NULL);
    combine(&w);
    assert_int_equal(kb_evaluate(&set, &w.facts, &w.inputs, &opts, &res), KB_OK);
    assert_int_equal(res.rules[0].checkpoints[0].why, KB_WHY_MISSING);
    kb_results_free(&res);
    world_free(&w);
    kb_ruleset_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_from_names_and_systeminfo),
        cmocka_unit_test(test_host_name_from_systeminfo_alone),
        cmocka_unit_test(test_unnamed_host_when_nothing_says),
        cmocka_unit_test(test_log_coverage),
        cmocka_unit_test(test_cleared_by_position),
        cmocka_unit_test(test_cleared_by_name),
        cmocka_unit_test(test_cleared_undecoded),
        cmocka_unit_test(test_interest),
        cmocka_unit_test(test_latest_across_inputs),
        cmocka_unit_test(test_passes_keep_to_declarations),
        cmocka_unit_test(test_declarations_documented),
        cmocka_unit_test(test_rules_check_knows_derived_facts),
        cmocka_unit_test(test_rule_over_derived_facts),
    };
    return cmocka_run_group_tests_name("combiners", tests, NULL, NULL);
}
