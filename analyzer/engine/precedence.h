/* precedence.h: what is decided once every rule is evaluated (docs/rules.md,
 * "Outcome and severity", "Precedence", "Quiet cannot tell"): each rule's
 * severity (its own, or the first severity_when that holds), whether a
 * rule that cannot tell is quiet (no symptom of it seen), and which rule
 * explains which: a matched specific rule marks the facts of a generic
 * rule's checkpoint that it explains, and a rule all of whose deciding
 * evidence is explained is reported under the rule that explains it, not
 * on its own. */
#ifndef KB_PRECEDENCE_H
#define KB_PRECEDENCE_H

#include "engine/engine.h"

void kb_precedence_apply(const kb_ruleset *rules, kb_results *results);

/* Whether a remedy of a matched rule is shown: its "when" holds (or it has none). */
int kb_remedy_applies(const kb_remedy *remedy, const kb_rule_result *res);

#endif
