/* tool_rules.h: `kbscan rules check` and `kbscan rules test`, the rule
 * author's tools. They sit beside the CLI, not in the engine: the checks
 * read what the parsers declare they produce (source.h), and the tests run
 * the scan and the engine over each rule's fixture bundles. */
#ifndef KB_TOOL_RULES_H
#define KB_TOOL_RULES_H

#include <stddef.h>

#include "rules/rule.h"
#include "core/strbuf.h"

/* Runs `kbscan rules SUBCOMMAND ...` (argv[0] is "rules"); default_dir is
 * the rule directory kbscan uses without --rules. Returns the exit status:
 * 0 all good, 1 a problem or a failed fixture, 2 a usage error or (test)
 * rules that do not load. */
int kb_tool_rules(int argc, char **argv, const char *default_dir);

/* Checks a loaded rule against what the parsers produce and against its
 * fixtures: appends one line per problem ("FILE: JSON.PATH: message") to
 * problems and returns how many it found. */
size_t kb_rule_check(const kb_rule *rule, kb_buf *problems);

/* The checks of a rule against the other rules checked with it: its
 * "explains" entries and its fixtures' "explained_by". */
size_t kb_rules_check_set(const kb_ruleset *set, const kb_rule *rule, kb_buf *problems);

/* Where a fixture's bundle is: a "bundle" taken relative to the folder of
 * the rule file (an absolute path stays as it is); a "fixture" where
 * tools/build-fixtures.sh builds it, fixtures_dir/<rule id>/<name> (NULL
 * without fixtures_dir). Caller frees. */
char *kb_fixture_path(const kb_rule *rule, const kb_fixture *fixture, const char *fixtures_dir);
/* Where a "fixture"'s readable sources are: tests/<rule id>/<name> in the
 * folder of the rule file (NULL for a "bundle"). Caller frees. */
char *kb_fixture_sources(const kb_rule *rule, const kb_fixture *fixture);
/* A fixture as messages name it: its bundle, or its fixture's name. */
const char *kb_fixture_name(const kb_fixture *fixture);

#endif
