/* inline_rule.h: rules written in the tests themselves, for the engine,
 * coverage and report tests: JSON with single quotes standing for double
 * ones (so that a rule reads as JSON inside a C string), loaded through the
 * real loader from a temporary file. TEST_RULE (test_ruleset()) is a small rule of the seed
 * rule's shape whose wording belongs to the tests: the production rules
 * (rules/) are tested by their own fixtures (`kbscan rules test`). */
#ifndef KB_INLINE_RULE_H
#define KB_INLINE_RULE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/sources.h"
#include "rules/rule.h"

/* Loads text (single quotes for double ones) as a rule file. 0 on
 * success; the loader's problems are appended to errors. */
static inline int inline_rule_load(const char *text, kb_rule *rule, kb_buf *errors)
{
    char path[] = "/tmp/kbscan-rule-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char *json = kb_strdup(text);
    assert_non_null(json);
    for (char *p = json; *p; p++)
        if (*p == '\'')
            *p = '"';
    size_t len = strlen(json);
    assert_int_equal(write(fd, json, len), (ssize_t)len);
    close(fd);
    free(json);
    int rc = kb_rule_load_file(path, rule, errors);
    unlink(path);
    return rc;
}

/* A rule set of one inline rule; fails the test when it does not load. */
static inline void inline_ruleset(kb_ruleset *set, const char *text)
{
    memset(set, 0, sizeof *set);
    set->rules = calloc(1, sizeof(kb_rule));
    assert_non_null(set->rules);
    kb_buf errors = KB_BUF_INIT;
    int rc = inline_rule_load(text, &set->rules[0], &errors);
    if (rc != 0)
        fail_msg("the inline rule does not load: %s", kb_buf_str(&errors));
    set->n = 1;
    kb_buf_free(&errors);
}

/* TEST_RULE: all writers gone (empty), VSS errors with an hr (errors) and EventSystem
 * sharing its process (shared) decide; the host, the backups and an
 * EventSystem configured alone are context. Its inputs, in order:
 * vssadmin_writers, systeminfo, eventlog:Application, tasklist_svc,
 * sc_query. */
static const char *const test_rule_parts[] = {
    "{'id': 'test-writers-gone', 'version': 1,"
    " 'title': {'en': 'Test: the writers are gone', 'ja': 'テスト: Writer がない'},"
    " 'checkpoints': [",
    "  {'id': 'empty', 'title': {'en': 'Test 1: no writer', 'ja': 'テスト (1): Writer なし'},"
    "   'input': 'vssadmin_writers', 'facts': 'vssadmin.listing',"
    "   'where': [{'field': 'latest', 'equals': 'yes'}, {'field': 'status', 'equals': 'ok'},"
    "             {'field': 'writers', '==': 0}],"
    "   'unknown_when': {'where': {'field': 'status', 'equals': 'error'},"
    "                    'say': 'vssadmin said: {{error}}'},"
    "   'show': ['writers'],"
    "   'near': {'where': {'field': 'status', 'equals': 'ok'}, 'say': '{{writers}} writers listed'}},",
    "  {'id': 'host', 'title': 'Test: the host', 'role': 'context', 'input': 'systeminfo',"
    "   'facts': 'systeminfo', 'show': ['os_name']},",
    "  {'id': 'backups', 'title': 'Test: failed backups', 'role': 'context',"
    "   'input': 'eventlog:Application', 'facts': 'event',"
    "   'where': [{'field': 'provider', 'equals': 'Microsoft-Windows-Backup'},"
    "             {'field': 'event_id', 'in': [517, 521]}]},",
    "  {'id': 'errors', 'title': 'Test 2: VSS errors', 'input': 'eventlog:Application', 'facts': 'event',"
    "   'where': {'any': ["
    "     {'all': [{'field': 'provider', 'equals': 'VSS'}, {'field': 'event_id', 'equals': 8193},"
    "              {'field': 'data', 'matches': 'CoCreateInstance'},"
    "              {'field': 'data', 'matches': '(?i)0x800401fb'}]},"
    "     {'all': [{'field': 'provider', 'equals': 'VSS'}, {'field': 'event_id', 'equals': 13},"
    "              {'field': 'data', 'matches': 'CEventSystem'},"
    "              {'field': 'data', 'matches': '(?i)0x800401fb'}]}]},"
    "   'extract': [{'field': 'data', 'pattern': 'Writer Name: *(?<writer>[^\\\\r\\\\n]+?) *(?:\\\\r?\\\\n|$)'},"
    "               {'field': 'data', 'pattern': '(?<hr>0x[0-9A-Fa-f]{8})'},"
    "               {'field': 'data', 'pattern': '(?<operation>Subscribing Writer)'},"
    "               {'field': 'data', 'pattern': '(?<hr_text>0x[0-9A-Fa-f]{8}, [^\\\\r\\\\n]*?)\\\\.?(?:\\\\r?\\\\n|$)'}],"
    "   'show': ['event_id', 'writer', 'hr', 'operation'],"
    "   'say': {'met': '{{count}} VSS errors; writers: {{all.writer}}.', 'not_met': 'No VSS error.'},"
    "   'near': {'where': [{'field': 'provider', 'equals': 'VSS'}, {'field': 'event_id', 'in': [8193, 13]}],"
    "            'say': 'VSS {{all.event_id}} {{count}} times, hr {{all.hr_text|join:; }}.'}},",
    "  {'id': 'shared', 'title': 'Test 3: EventSystem shares its process', 'input': 'tasklist_svc',"
    "   'facts': 'tasklist.process',"
    "   'where': [{'field': 'services', 'matches': '(?i)(^|,)\\\\s*EventSystem\\\\s*(,|$)'},"
    "             {'field': 'service_count', '>': 1}],"
    "   'show': ['image', 'pid', 'services'],"
    "   'say': {'met': {'en': '{{image}} PID {{pid}} hosts EventSystem with {{services|split:,|except:EventSystem}}.',"
    "                   'ja': '{{image}} (PID {{pid}}) で {{services|split:,|except:EventSystem}} と同居'}},"
    "   'near': {'where': {'field': 'services', 'matches': '(?i)(^|,)\\\\s*EventSystem\\\\s*(,|$)'},"
    "            'say': 'EventSystem alone in {{image}} PID {{pid}}.'}},",
    "  {'id': 'alone', 'title': 'Test: EventSystem configured alone', 'role': 'context',"
    "   'input': 'sc_query', 'facts': 'sc.service',"
    "   'where': [{'field': 'service', 'equals': 'EventSystem', 'ignore_case': true},"
    "             {'field': 'own_process', 'matches': '^yes'}],"
    "   'show': ['service', 'type', 'type_name']}],",
    " 'verdict': {'all': ['empty', 'errors', 'shared']},"
    " 'remedies': [",
    "  {'id': 'restart', 'title': {'en': 'Test remedy 1: restart them', 'ja': 'テスト対処 (1): 再起動'},"
    "   'text': 'Restart the services of PID {{shared.pid}}.',"
    "   'commands': ['Restart-Service -Force -Name {{shared.services|split:,|psquote|join:,}}']},",
    "  {'id': 'isolate', 'title': {'en': 'Test remedy 2: isolate EventSystem', 'ja': 'テスト対処 (2): 分離'},"
    "   'text': 'Give EventSystem its own process.', 'lasting': true,"
    "   'commands': ['sc.exe config EventSystem type= own'],"
    "   'notes': [{'when': {'checkpoint': 'alone', 'state': 'met'},"
    "              'text': 'Already TYPE {{alone.type}} {{alone.type_name}}.'}]}]}",
    NULL,
};

/* The rule set of TEST_RULE alone. */
static inline void test_ruleset(kb_ruleset *set)
{
    kb_buf json = KB_BUF_INIT;
    for (const char *const *p = test_rule_parts; *p; p++)
        kb_buf_puts(&json, *p);
    inline_ruleset(set, kb_buf_str(&json));
    kb_buf_free(&json);
    /* what to collect, as kbscan gives it: the sources' advice */
    assert_int_equal(kb_rules_apply_catalogue(set, kb_cli_catalogue()), 0);
}

#endif
