/* relations.h: what a checkpoint does with the facts its `where` selected
 * beyond counting them (docs/rules.md): lookups that add table columns to
 * each piece of evidence, a time relation to another checkpoint's facts
 * ("related": within N minutes before or after them), a join on another
 * checkpoint's values ("same"), and counts per sliding window of time (per
 * group) or over distinct values. engine.c calls these; they know no file
 * format either. */
#ifndef KB_RELATIONS_H
#define KB_RELATIONS_H

#include "engine/engine.h"

/* Whether the checkpoint keeps every selected fact as a piece of evidence
 * (not only the first max_evidence): its facts are filtered or counted by
 * window after selection, or another checkpoint or rule reads them all. */
int kb_cp_keeps_all(const kb_checkpoint *cp);

/* Adds the columns of the checkpoint's lookups to ev->extra. */
void kb_lookups_apply(const kb_checkpoint *cp, kb_evidence *ev);

/* Applies "related" and "same" to res's evidence (every selected fact).
 * Returns 1 when the other checkpoint settles this one without a look at
 * the facts: unknown (then *why says why) or not met (nothing to relate
 * to); 0 when the evidence was filtered. */
int kb_relations_filter(const kb_rule_result *rule_res, const kb_checkpoint *cp, kb_cp_result *res,
                        kb_cp_state *state, kb_unknown_why *why);

/* The count test over res's evidence, when it is counted per window or over
 * distinct values (else -1: the caller counts): 1 met, 0 not. A window
 * count keeps the facts of the windows that hold that many first, and
 * counts them. */
int kb_count_holds(const kb_checkpoint *cp, kb_cp_result *res);

/* count, times, first_time and last_time again, from the evidence. */
void kb_evidence_recount(kb_cp_result *res);

/* Frees the extracted values and text of one piece of evidence. */
void kb_evidence_clear(kb_evidence *ev);

#endif
