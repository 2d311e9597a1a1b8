/* test_rule_check.c: `kbscan rules check` as a library function
 * (analyzer/cli/tool_rules_check.c): inputs, fact types and fields no parser
 * produces, placeholders, deciding checkpoints the verdict ignores, counts
 * that never hold, fixtures; and the loader's side of it (the fixtures key,
 * "did you mean", the JSON path of a bad pattern). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/tool_rules.h"
#include "inline_rule.h"

/* A folder holding the rule under test, two bundle folders its fixtures
 * can name, and one fixture of its own (tests/r/own/). */
typedef struct place {
    char dir[64];
    char file[96];
} place;

static void place_make(place *p)
{
    strcpy(p->dir, "/tmp/kbscan-check-XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    snprintf(p->file, sizeof p->file, "%s/rule.json", p->dir);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/good", p->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/bad", p->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/tests", p->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/tests/r", p->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/tests/r/own", p->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
}

static void place_remove(place *p)
{
    char sub[128];
    unlink(p->file);
    snprintf(sub, sizeof sub, "%s/good", p->dir);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/bad", p->dir);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/tests/r/own", p->dir);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/tests/r", p->dir);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/tests", p->dir);
    rmdir(sub);
    rmdir(p->dir);
}

/* Loads json as a rule file and checks it; returns the problems found,
 * loader's and checker's, one per line (caller frees). */
static char *problems_of(const char *json, int expect_load_ok)
{
    place p;
    place_make(&p);
    FILE *fp = fopen(p.file, "w");
    assert_non_null(fp);
    fputs(json, fp);
    fclose(fp);
    kb_rule rule;
    kb_buf out = KB_BUF_INIT;
    int rc = kb_rule_load_file(p.file, &rule, &out);
    if (expect_load_ok && rc != 0)
        fail_msg("the rule does not load: %s", kb_buf_str(&out));
    if (rc == 0)
        kb_rule_check(&rule, &out);
    kb_rule_free(&rule);
    place_remove(&p);
    kb_buf_puts(&out, "");
    return kb_buf_take(&out);
}

static void expect_problem(const char *json, const char *message)
{
    char *found = problems_of(json, 1);
    if (!strstr(found, message))
        fail_msg("expected \"%s\" in:\n%s", message, found);
    free(found);
}

static void expect_clean(const char *json)
{
    char *found = problems_of(json, 1);
    if (*found)
        fail_msg("expected no problem, got:\n%s", found);
    free(found);
}

#define FIXTURES ",\"fixtures\":[{\"bundle\":\"good\",\"expect\":\"matched\",\"why\":\"w\"}," \
                 "{\"bundle\":\"bad\",\"expect\":\"not_matched\",\"why\":\"w\"}," \
                 "{\"fixture\":\"own\",\"expect\":\"cannot_tell\",\"why\":\"w\"}]"
#define CP(input, facts, extra) \
    "{\"id\":\"a\",\"title\":\"t\",\"input\":\"" input "\",\"facts\":\"" facts "\"" extra "}"
#define RULE_WITH(cps, verdict, rest) \
    "{\"id\":\"r\",\"version\":1,\"title\":\"t\",\"checkpoints\":[" cps "],\"verdict\":" verdict rest "}"
#define RULE(cps, rest) RULE_WITH(cps, "\"a\"", rest FIXTURES)

/* A rule using every kind of key (unknown_when, near, extract, show,
 * templates with filters, context checkpoints, remedies with notes) is
 * clean. The production rules are checked by `kbscan rules check rules`
 * (tests/e2e/rules.sh). */
static void test_full_rule_is_clean(void **state)
{
    (void)state;
    kb_buf json = KB_BUF_INIT;
    for (const char *const *p = test_rule_parts; *p; p++)
        kb_buf_puts(&json, *p);
    for (char *c = json.data; *c; c++)
        if (*c == '\'')
            *c = '"';
    json.data[--json.len] = '\0'; /* the closing brace: the fixtures go in first */
    kb_buf_puts(&json, ",\"fixtures\":[{\"bundle\":\"good\",\"expect\":\"matched\",\"why\":\"w\"},"
                       "{\"bundle\":\"bad\",\"expect\":\"not_matched\",\"why\":\"w\"}]}");
    expect_clean(kb_buf_str(&json));
    kb_buf_free(&json);
}

static void test_sources(void **state)
{
    (void)state;
    expect_clean(RULE(CP("tasklist_svc", "tasklist.process", ""), ""));
    expect_clean(RULE(CP("eventlog:Microsoft-Windows-Backup", "event", ""), ""));
    expect_problem(RULE(CP("tasklist", "tasklist.process", ""), ""),
                   "rule.json: checkpoints[0].input: no parser produces the input \"tasklist\"");
    expect_problem(RULE(CP("tasklist_sv", "tasklist.process", ""), ""),
                   "(did you mean \"tasklist_svc\"?)");
    expect_problem(RULE(CP("tasklist_svc", "tasklist.proc", ""), ""),
                   "checkpoints[0].facts: no parser produces facts \"tasklist.proc\"");
    expect_problem(RULE(CP("tasklist_svc", "vssadmin.writer", ""), ""),
                   "checkpoints[0].facts: facts \"vssadmin.writer\" come from the input "
                   "\"vssadmin_writers\", never from \"tasklist_svc\"");
    expect_problem(RULE(CP("eventlog:application", "event", ""), ""),
                   "(did you mean \"eventlog:Application\"?)");
    expect_problem(RULE(CP("eventlog:Aplication", "event", ""), ""),
                   "no event log feeds \"eventlog:Aplication\": channels are compared exactly "
                   "(did you mean \"eventlog:Application\"?)");
    expect_clean(RULE(CP("eventlog:Security", "event", ""), ""));
    expect_problem(RULE(CP("eventlog:", "event", ""), ""), "names no event log channel");
    expect_problem(RULE(CP("eventlog:*", "event", ""), ""), "names no event log channel");
    /* Two parsers feed "registry" (reg query, .reg exports): the facts of
     * either come from it. */
    expect_clean(RULE(CP("registry", "reg.export", ""), ""));
    expect_clean(RULE(CP("registry", "reg.query", ""), ""));
    expect_clean(RULE(CP("registry", "reg.value", ",\"where\":{\"field\":\"path_problem\",\"equals\":\"relative\"}"), ""));
    expect_problem(RULE(CP("vssadmin_shadows", "vssadmin.shadowstorage", ""), ""),
                   "facts \"vssadmin.shadowstorage\" come from the input \"vssadmin_shadowstorage\", never from "
                   "\"vssadmin_shadows\"");
}

/* A collect that says again what the source of its feed says is told;
 * one that knows better, or gives only its own reason, is not. And the
 * loader wants a file and its command together. */
static void test_collect(void **state)
{
    (void)state;
    expect_problem(RULE(CP("tasklist_svc", "tasklist.process",
                           ",\"collect\":{\"file\":\"tasklist_svc.txt\",\"command\":\"tasklist /svc > tasklist_svc.txt\"}"), ""),
                   "checkpoints[0].collect: gives the file and command the source of \"tasklist_svc\" gives "
                   "(tasklist /svc > tasklist_svc.txt): leave them out (and \"collect\")");
    expect_problem(RULE(CP("eventlog:System", "event",
                           ",\"collect\":{\"file\":\"System.evtx\",\"command\":\"wevtutil epl System System.evtx\","
                           "\"why\":\"Mine.\"}"), ""),
                   "leave them out, keep \"why\"");
    expect_problem(RULE(CP("eventlog:System", "event",
                           ",\"collect\":{\"why\":\"Export the System event log, covering the time of the problem.\"}"), ""),
                   "checkpoints[0].collect: \"why\" says what the source of \"eventlog:System\" says");
    expect_clean(RULE(CP("sc_query", "sc.service",
                         ",\"collect\":{\"file\":\"sc_qc_X.txt\",\"command\":\"sc qc X > sc_qc_X.txt\"}"), ""));
    expect_clean(RULE(CP("tasklist_svc", "tasklist.process", ",\"collect\":{\"why\":\"Mine.\"}"), ""));
    char *found = problems_of(RULE(CP("tasklist_svc", "tasklist.process", ",\"collect\":{\"file\":\"f.txt\"}"), ""), 0);
    assert_non_null(strstr(found, "checkpoints[0].collect: give \"file\" and \"command\" together"));
    free(found);
    found = problems_of(RULE(CP("tasklist_svc", "tasklist.process", ",\"collect\":{}"), ""), 0);
    assert_non_null(strstr(found, "checkpoints[0].collect: says nothing"));
    free(found);
}

static void test_fields(void **state)
{
    (void)state;
    expect_problem(RULE(CP("tasklist_svc", "tasklist.process",
                           ",\"where\":{\"all\":[{\"field\":\"pid\",\"equals\":4},"
                           "{\"not\":{\"field\":\"sevices\",\"matches\":\"x\"}}]}"), ""),
                   "checkpoints[0].where: \"sevices\": no field \"sevices\" in facts "
                   "\"tasklist.process\" (did you mean \"services\"?)");
    expect_problem(RULE(CP("tasklist_svc", "tasklist.process", ",\"show\":[\"image\",\"imag\"]"), ""),
                   "checkpoints[0].show[1]: \"imag\": no field");
    expect_problem(RULE(CP("eventlog:Application", "event",
                           ",\"unknown_when\":{\"where\":{\"field\":\"id\",\"equals\":1},\"say\":\"x\"}"), ""),
                   "checkpoints[0].unknown_when.where: \"id\": no field");
    /* data1, data2, ... are fields of events; "datax" is not. */
    expect_clean(RULE(CP("eventlog:Application", "event", ",\"show\":[\"data12\",\"binary_text\"]"), ""));
    expect_problem(RULE(CP("eventlog:Application", "event", ",\"show\":[\"datax\"]"), ""),
                   "show[0]: \"datax\": no field");
    /* Extracted names count in show and templates, never in conditions. */
    const char *extract = ",\"extract\":[{\"field\":\"data\",\"pattern\":\"(?<hr>0x[0-9a-f]+)\"}]";
    char json[2048];
    snprintf(json, sizeof json, RULE(CP("eventlog:Application", "event", "%s,\"show\":[\"hr\"],"
                                        "\"say\":{\"met\":\"{{count}} {{hr}} {{all.hr|unique}} {{first_time}}\"}"), ""),
             extract);
    expect_clean(json);
    snprintf(json, sizeof json, RULE(CP("eventlog:Application", "event", "%s,\"where\":{\"field\":\"hr\",\"exists\":true}"), ""),
             extract);
    expect_problem(json, "checkpoints[0].where: \"hr\": no field \"hr\" in facts \"event\"");
    snprintf(json, sizeof json, RULE(CP("eventlog:Application", "event", "%s,\"extract\":[{\"field\":\"dta\",\"pattern\":\"(?<x>.)\"}]"), ""), "");
    expect_problem(json, "checkpoints[0].extract[0].field: \"dta\": no field");
}

static void test_templates(void **state)
{
    (void)state;
    const char *two = CP("tasklist_svc", "tasklist.process", ",\"say\":{\"not_met\":{\"en\":\"{{pid}}\",\"ja\":\"{{b.all.nme}}\"}}") ","
                      "{\"id\":\"b\",\"title\":\"t\",\"input\":\"vssadmin_writers\",\"facts\":\"vssadmin.writer\"}";
    char json[2048];
    snprintf(json, sizeof json, RULE_WITH("%s", "{\"all\":[\"a\",\"b\"]}", FIXTURES), two);
    expect_problem(json, "checkpoints[0].say.not_met: {{b.all.nme}}: no field \"nme\" in facts "
                         "\"vssadmin.writer\" (did you mean \"name\"?)");
    snprintf(json, sizeof json,
             RULE_WITH("%s", "{\"all\":[\"a\",\"b\"]}",
                       ",\"remedies\":[{\"id\":\"x\",\"title\":\"t\",\"text\":\"{{a.services|split:,}}\","
                       "\"commands\":[\"stop {{pid}}\"],\"verify\":{\"commands\":[\"{{b.name}} {{c.name}}\"]}}]" FIXTURES),
             two);
    char *found = problems_of(json, 1);
    assert_non_null(strstr(found, "remedies[0].commands[0]: {{pid}} names no checkpoint"));
    assert_non_null(strstr(found, "remedies[0].verify.commands[0]: {{c.name}} names no checkpoint"));
    assert_null(strstr(found, "remedies[0].text"));
    assert_null(strstr(found, "{{b.name}}"));
    free(found);
    /* An unknown filter would leave the placeholder unfilled. */
    expect_problem(RULE(CP("tasklist_svc", "tasklist.process", ",\"say\":{\"met\":\"{{all.pid|explian}}\"}"), ""),
                   "checkpoints[0].say.met: unknown filter \"explian\" (did you mean \"explain\"?)");
    /* near.where and near.say are checked like where and say. */
    expect_problem(RULE(CP("tasklist_svc", "tasklist.process",
                           ",\"near\":{\"where\":{\"field\":\"servics\",\"matches\":\"x\"},\"say\":\"x\"}"), ""),
                   "checkpoints[0].near.where: \"servics\": no field \"servics\" in facts "
                   "\"tasklist.process\" (did you mean \"services\"?)");
    expect_problem(RULE(CP("tasklist_svc", "tasklist.process",
                           ",\"near\":{\"where\":{\"field\":\"pid\",\"exists\":true},\"say\":\"{{all.imag}}\"}"), ""),
                   "checkpoints[0].near.say: {{all.imag}}: no field \"imag\"");
}

static void test_verdict_and_count(void **state)
{
    (void)state;
    const char *two = CP("tasklist_svc", "tasklist.process", "") ","
                      "{\"id\":\"b\",\"title\":\"t\",\"input\":\"systeminfo\",\"facts\":\"systeminfo\"}";
    char json[2048];
    snprintf(json, sizeof json, RULE("%s", ""), two);
    expect_problem(json, "checkpoints[1]: \"b\" decides (the default role) but the verdict never names it");
    snprintf(json, sizeof json, RULE_WITH("%s", "{\"all\":[\"a\",{\"not\":\"b\"}]}", FIXTURES), two);
    expect_clean(json);
    expect_problem(RULE(CP("tasklist_svc", "tasklist.process", ",\"count\":{\"<\":0}"), ""),
                   "checkpoints[0].count: no number of facts passes this count");
    expect_clean(RULE(CP("tasklist_svc", "tasklist.process", ",\"count\":{\"==\":0}"), ""));
}

static void test_fixtures(void **state)
{
    (void)state;
    const char *cp = CP("tasklist_svc", "tasklist.process", "");
    char json[2048];
    snprintf(json, sizeof json, RULE_WITH("%s", "\"a\"", ""), cp);
    expect_problem(json, "rule.json: fixtures: none: a rule is tested on at least one bundle it "
                         "matches and one it does not");
    snprintf(json, sizeof json, RULE_WITH("%s", "\"a\"", ",\"fixtures\":[{\"bundle\":\"good\","
                                          "\"expect\":\"matched\",\"why\":\"w\"}]"), cp);
    expect_problem(json, "fixtures: no fixture expects \"not_matched\"");
    snprintf(json, sizeof json, RULE_WITH("%s", "\"a\"", ",\"fixtures\":[{\"bundle\":\"good\","
                                          "\"expect\":\"matched\",\"why\":\"w\"},{\"bundle\":"
                                          "\"gone\",\"expect\":\"not_matched\",\"why\":\"w\"}]"), cp);
    expect_problem(json, "fixtures[1].bundle: no bundle \"gone\" (looked for /tmp/kbscan-check-");
    /* A fixture of the rule's own: a folder of tests/<rule id>/, each of
     * them named by a fixture. */
    snprintf(json, sizeof json, RULE_WITH("%s", "\"a\"", FIXTURES), cp);
    expect_clean(json);
    snprintf(json, sizeof json, RULE_WITH("%s", "\"a\"", ",\"fixtures\":[{\"bundle\":\"good\","
                                          "\"expect\":\"matched\",\"why\":\"w\"},{\"fixture\":"
                                          "\"gone\",\"expect\":\"not_matched\",\"why\":\"w\"}]"), cp);
    char *found = problems_of(json, 1);
    assert_non_null(strstr(found, "fixtures[1].fixture: no fixture \"gone\" (looked for the folder /tmp/kbscan-check-"));
    assert_non_null(strstr(found, "/tests/r/gone)\n"));
    assert_non_null(strstr(found, "rule.json: fixtures: the fixture folder /tmp/kbscan-check-"));
    assert_non_null(strstr(found, "/tests/r/own is named by no fixture\n"));
    free(found);
    snprintf(json, sizeof json, RULE_WITH("%s", "\"a\"", ",\"fixtures\":[{\"fixture\":\"../own\","
                                          "\"expect\":\"matched\",\"why\":\"w\"},{\"fixture\":\"own\","
                                          "\"bundle\":\"good\",\"expect\":\"not_matched\",\"why\":\"w\"}]"), cp);
    found = problems_of(json, 0);
    assert_non_null(strstr(found, "fixtures[0]: \"fixture\" is the name of a folder in tests/r/, not \"../own\""));
    assert_non_null(strstr(found, "fixtures[1]: \"bundle\" or \"fixture\", not both"));
    free(found);
    /* The loader's side: keys, verdicts and checkpoint states. */
    snprintf(json, sizeof json, RULE_WITH("%s", "\"a\"", ",\"fixtures\":[{\"bundle\":\"good\","
                                          "\"expect\":\"match\",\"why\":\"w\",\"checkpoints\":"
                                          "{\"a\":\"yes\",\"z\":\"met\"},\"note\":1}]"), cp);
    found = problems_of(json, 0);
    assert_non_null(strstr(found, "fixtures[0]: \"expect\" is \"matched\", \"not_matched\" or "
                                  "\"cannot_tell\", not \"match\""));
    assert_non_null(strstr(found, "fixtures[0].checkpoints.a: the state is \"met\", \"not_met\" or \"unknown\""));
    assert_non_null(strstr(found, "fixtures[0].checkpoints.z: no checkpoint \"z\""));
    assert_non_null(strstr(found, "fixtures[0]: unknown key \"note\""));
    free(found);
    snprintf(json, sizeof json, RULE_WITH("%s", "\"a\"", ",\"fixture\":[]"), cp);
    found = problems_of(json, 0);
    assert_non_null(strstr(found, "unknown key \"fixture\" (did you mean \"fixtures\"?)"));
    free(found);
}

static void test_loader_messages(void **state)
{
    (void)state;
    char *found = problems_of(RULE(CP("tasklist_svc", "tasklist.process",
                                      ",\"where\":[{\"field\":\"pid\",\"equals\":1},"
                                      "{\"field\":\"image\",\"matches\":\"svc(host\"}],\"unknwon_when\":1"), ""), 0);
    assert_non_null(strstr(found, "rule.json: checkpoints[0].where[1].matches: bad pattern "
                                  "\"svc(host\" at offset 8: missing closing parenthesis"));
    assert_non_null(strstr(found, "checkpoints[0]: unknown key \"unknwon_when\" (did you mean \"unknown_when\"?)"));
    free(found);
    /* No suggestion for a key nothing resembles. */
    found = problems_of(RULE(CP("tasklist_svc", "tasklist.process", ",\"fild\":1"), ""), 0);
    assert_non_null(strstr(found, "unknown key \"fild\"\n"));
    free(found);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(kb_edit_distance("", ""), 0);
    assert_int_equal(kb_edit_distance("field", "fild"), 1);
    assert_int_equal(kb_edit_distance("unknown_when", "unknwon_when"), 1);
    assert_int_equal(kb_edit_distance("abc", "xyz"), 3);
    static const char *const words[] = {"id", "title", "input", "facts", NULL};
    assert_string_equal(kb_closest_word("fatcs", words), "facts");
    assert_null(kb_closest_word("fild", words));
    assert_null(kb_closest_word("zzzzzzzz", words));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_rule_is_clean),
        cmocka_unit_test(test_sources),
        cmocka_unit_test(test_collect),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_templates),
        cmocka_unit_test(test_verdict_and_count),
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_loader_messages),
        cmocka_unit_test(test_edit_distance),
    };
    return cmocka_run_group_tests_name("rule_check", tests, NULL, NULL);
}
