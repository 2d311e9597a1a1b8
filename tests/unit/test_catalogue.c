/* test_catalogue.c: the feed catalogue (analyzer/core/feeds.c) and what a
 * checkpoint asks for (analyzer/rules/collect.c): a checkpoint without
 * advice of its own takes its feed's, made concrete for a computed feed
 * (file names Windows can hold, commands quoted where needed); a "why"
 * alone keeps the catalogue's file and command; a file or command of its
 * own replaces the advice whole. And the registry's catalogue
 * (analyzer/cli/sources.c) has an entry for every source. */
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
#include "source/source.h"

static const kb_collect_advice tasks = {"tasks.txt", "tasklist /svc > <file>", "Why tasks.", "タスク。"};
static const kb_collect_advice logs = {"<Channel>.evtx", "wevtutil epl <Channel> <file>",
                                       "Export <Channel>.", NULL};
static const kb_feed_entry entries[] = {{"tasklist_svc", &tasks}, {"eventlog:<Channel>", &logs}};
static const kb_feed_catalogue catalogue = {entries, 2};

#define CP(id, input, collect)                                                                       \
    "{\"id\":\"" id "\",\"title\":{\"en\":\"t\"},\"input\":\"" input "\",\"facts\":\"x\"" collect "}"

/* Loads a rule of the checkpoints (JSON, comma-separated) and applies the catalogue. */
static void load(kb_rule *rule, const char *checkpoints)
{
    char path[] = "/tmp/kbscan-catalogue-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fprintf(fp, "{\"id\":\"r\",\"version\":1,\"title\":{\"en\":\"t\"},\"summary\":{\"en\":\"s\"},"
                "\"checkpoints\":[%s],\"verdict\":{\"all\":[\"a\"]}}", checkpoints);
    fclose(fp);
    kb_buf errors = KB_BUF_INIT;
    int rc = kb_rule_load_file(path, rule, &errors);
    unlink(path);
    if (rc != 0)
        fail_msg("the rule does not load: %s", kb_buf_str(&errors));
    kb_buf_free(&errors);
    assert_int_equal(kb_rule_apply_catalogue(rule, &catalogue), 0);
}

static void advice_is(const kb_checkpoint *cp, const char *file, const char *command, const char *why_en,
                      const char *why_ja)
{
    const char *got[] = {cp->collect.file, cp->collect.command, cp->collect.why.en, cp->collect.why.ja};
    const char *want[] = {file, command, why_en, why_ja};
    for (int i = 0; i < 4; i++) {
        if (!want[i] && got[i])
            fail_msg("%s: part %d is \"%s\", want none", cp->id, i, got[i]);
        if (want[i] && (!got[i] || strcmp(got[i], want[i]) != 0))
            fail_msg("%s: part %d is \"%s\", want \"%s\"", cp->id, i, got[i] ? got[i] : "(none)", want[i]);
    }
}

static void test_inherited_and_overridden(void **state)
{
    (void)state;
    kb_rule rule;
    load(&rule, CP("a", "tasklist_svc", "") "," CP("b", "tasklist_svc", ",\"collect\":{\"why\":{\"en\":\"Mine.\"}}")
                "," CP("c", "tasklist_svc", ",\"collect\":{\"file\":\"f.txt\",\"command\":\"c > f.txt\"}")
                "," CP("d", "sc_query", ""));
    advice_is(&rule.checkpoints[0], "tasks.txt", "tasklist /svc > tasks.txt", "Why tasks.", "タスク。");
    advice_is(&rule.checkpoints[1], "tasks.txt", "tasklist /svc > tasks.txt", "Mine.", NULL);
    advice_is(&rule.checkpoints[2], "f.txt", "c > f.txt", NULL, NULL);
    advice_is(&rule.checkpoints[3], NULL, NULL, NULL, NULL);  /* no entry for its feed */
    kb_rule_free(&rule);
}

static void test_computed_feed(void **state)
{
    (void)state;
    kb_rule rule;
    load(&rule, CP("a", "eventlog:Application", "") "," CP("b", "eventlog:Microsoft-Windows-Backup/Operational", "")
                "," CP("c", "eventlog:Windows PowerShell", ""));
    advice_is(&rule.checkpoints[0], "Application.evtx", "wevtutil epl Application Application.evtx",
              "Export Application.", NULL);
    advice_is(&rule.checkpoints[1], "Microsoft-Windows-Backup%4Operational.evtx",
              "wevtutil epl Microsoft-Windows-Backup/Operational Microsoft-Windows-Backup%4Operational.evtx",
              "Export Microsoft-Windows-Backup/Operational.", NULL);
    advice_is(&rule.checkpoints[2], "Windows PowerShell.evtx",
              "wevtutil epl \"Windows PowerShell\" \"Windows PowerShell.evtx\"", "Export Windows PowerShell.", NULL);
    kb_rule_free(&rule);
    assert_null(kb_catalogue_find(&catalogue, "eventlo"));
    assert_ptr_equal(kb_catalogue_find(&catalogue, "eventlog:System"), &entries[1]);
}

/* The registry's catalogue: every source says what to collect, and each
 * feed has one entry: its source's (the first of the sources that share
 * it, as vssadmin and diskshadow share vssadmin_writers). */
static void test_registry_catalogue(void **state)
{
    (void)state;
    const kb_feed_catalogue *cat = kb_cli_catalogue();
    size_t feeds = 0, shared = 0;
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        if (!(*s)->feed) {
            assert_true((*s)->form == KB_FORM_CONTAINER || (*s)->covers == KB_COVERS_NOTHING);
            continue; /* a container, or a file only listed: nothing to ask for */
        }
        const kb_source *first = kb_source_of_feed((*s)->feed);
        const kb_feed_entry *e = kb_catalogue_find(cat, (*s)->feed);
        assert_non_null(e);
        assert_non_null(first);
        /* The first source's advice is the feed's; the others may say what
         * to collect for themselves (diskshadow) or nothing (a log's
         * exports: the .evtx is asked for). */
        assert_ptr_equal(e->advice, &first->collect);
        assert_true(e->advice->file && e->advice->command && e->advice->why_en && e->advice->why_ja);
        feeds += first == *s;
        shared += first != *s;
    }
    assert_true(shared >= 2);
    assert_int_equal(cat->n, feeds);
    assert_ptr_equal(kb_cli_catalogue(), cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inherited_and_overridden),
        cmocka_unit_test(test_computed_feed),
        cmocka_unit_test(test_registry_catalogue),
    };
    return cmocka_run_group_tests_name("catalogue", tests, NULL, NULL);
}
