/* loader.h: the rule loader's helpers, shared by the files that read rule
 * JSON (load.c: the format of docs/rules.md; load_more.c: outcomes,
 * severities, time relations, joins, lookups, counts per window,
 * precedence; tables.c: lookup tables). Every problem names the file and
 * the JSON path, so a broken rule is never half-applied. */
#ifndef KB_RULES_LOADER_H
#define KB_RULES_LOADER_H

#include <cJSON.h>

#include "core/strbuf.h"
#include "rules/rule.h"

/* Where in the JSON the loader is, for messages like
 * "rules/x.json: checkpoints[2].where.any[0]: unknown key \"fild\"". */
typedef struct kb_loader {
    const char *file;
    kb_buf *errors;
    int nerrors;
    char path[256];
} kb_loader;

KB_PRINTF(2, 3) void kb_ld_problem(kb_loader *ld, const char *fmt, ...);
/* Pushes a path component (index >= 0: key[index]); returns the old length
 * to pop back to with kb_ld_leave. */
size_t kb_ld_enter(kb_loader *ld, const char *key, int index);
void kb_ld_leave(kb_loader *ld, size_t len);
/* A problem for each key of obj that is not in allowed (NULL-terminated). */
void kb_ld_check_keys(kb_loader *ld, const cJSON *obj, const char *const *allowed);
char *kb_ld_string(kb_loader *ld, const cJSON *obj, const char *key, int required);
void kb_ld_i18n(kb_loader *ld, const cJSON *obj, const char *key, int required, kb_i18n *out);
char **kb_ld_strings(kb_loader *ld, const cJSON *obj, const char *key, size_t *n);
void kb_ld_free_strings(char **list, size_t n);
void kb_ld_free_i18n(kb_i18n *text);
pcre2_code *kb_ld_pattern(kb_loader *ld, const char *pattern, int ignore_case);
kb_cond *kb_ld_cond(kb_loader *ld, const cJSON *v);

/* load_more.c: the keys beyond the basic format. */
void kb_ld_rule_more(kb_loader *ld, const cJSON *root, kb_rule *rule);
void kb_ld_checkpoint_more(kb_loader *ld, const cJSON *v, kb_checkpoint *cp);
/* After every checkpoint is read: resolves "related" and "same" to
 * checkpoint indices, orders the checkpoints for evaluation (rejecting
 * cycles), and reads the rule's keys that name checkpoints. */
void kb_ld_link_rule(kb_loader *ld, const cJSON *root, kb_rule *rule);
void kb_ld_remedy_more(kb_loader *ld, const cJSON *v, const kb_rule *rule, kb_remedy *r);
void kb_ld_fixture_more(kb_loader *ld, const cJSON *v, kb_fixture *fx);
/* Across the rule set: what another rule's "explains" needs of a checkpoint. */
void kb_ld_link_explains(kb_ruleset *set);
void kb_ld_free_checkpoint_more(kb_checkpoint *cp);
void kb_ld_free_rule_more(kb_rule *rule);
/* The numeric comparison named by key ("<", ">=", ...), or -1. */
int kb_ld_numeric_op(const char *key);

#endif
