/* list_rules.h: `kbscan --list-rules`: the loaded rules with their outcome,
 * severity, title and references (KB number and URL), as text or, with
 * --format json, as one JSON object. */
#ifndef KB_LIST_RULES_H
#define KB_LIST_RULES_H

#include <stdio.h>

#include "rules/rule.h"

/* 0, or -1 on a write error. */
int kb_list_rules(FILE *out, const kb_ruleset *rules, kb_lang lang, int json);

#endif
