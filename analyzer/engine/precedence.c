/* precedence.c: severities, quiet "cannot tell"s and explanations between
 * rules (precedence.h). */
#include "engine/precedence.h"
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- severity and quiet ------------------------------------------------------ */

static kb_severity severity_of(const kb_rule *rule, const kb_rule_result *res)
{
    for (size_t i = 0; i < rule->nseverity_when; i++) {
        const kb_severity_when *w = &rule->severity_when[i];
        if ((int)res->checkpoints[w->checkpoint].state == w->state)
            return w->severity;
    }
    return rule->severity;
}

/* A rule that cannot tell is worth a request of its own only when one of
 * its symptoms was seen (a backup failure, a writer failed) or the input
 * that would show it is there but cannot answer. Without one,
 * what it lacks is said once, in the coverage. A benign rule never asks:
 * whether something harmless happened is no reason to collect more. */
static int is_quiet(const kb_rule *rule, const kb_rule_result *res)
{
    if (res->verdict != KB_VERDICT_CANNOT_TELL)
        return 0;
    if (rule->outcome == KB_OUTCOME_BENIGN)
        return 1;
    if (!rule->has_symptoms)
        return 0;
    for (size_t i = 0; i < rule->nsymptoms; i++) {
        const kb_cp_result *cp = &res->checkpoints[rule->symptoms[i]];
        /* seen, or in an input that is there but cannot answer (damaged,
         * an error printed instead): say it, and ask for it again */
        if (cp->state == KB_CP_MET || (cp->state == KB_CP_UNKNOWN && cp->why != KB_WHY_MISSING))
            return 0;
    }
    return 1;
}

/* ---- explanations ------------------------------------------------------------- */

static int by_pointer(const void *a, const void *b)
{
    const kb_fact *x = *(const kb_fact *const *)a, *y = *(const kb_fact *const *)b;
    return x < y ? -1 : x > y;
}

static kb_rule_result *result_of(kb_results *results, const char *id)
{
    for (size_t i = 0; i < results->n; i++)
        if (results->rules[i].rule->id && strcmp(results->rules[i].rule->id, id) == 0)
            return &results->rules[i];
    return NULL;
}

/* Marks the facts of target (a checkpoint result, or its near facts) that
 * the explaining checkpoint also selected (all of them when by is NULL). */
static size_t mark_facts(kb_cp_result *target, const kb_cp_result *by, const kb_rule *rule)
{
    const kb_fact **facts = NULL;
    size_t n = 0;
    if (by) {
        facts = kb_xcalloc(by->nitems + 1, sizeof *facts);
        for (size_t i = 0; i < by->nitems; i++)
            facts[n++] = by->evidence[i].fact;
        qsort(facts, n, sizeof *facts, by_pointer);
    }
    size_t marked = 0;
    for (size_t i = 0; i < target->nitems; i++) {
        kb_evidence *ev = &target->evidence[i];
        if (ev->explained_by)
            continue;
        if (by && !bsearch(&ev->fact, facts, n, sizeof *facts, by_pointer))
            continue;
        ev->explained_by = rule;
        marked++;
    }
    free(facts);
    return marked;
}

static void add_explainer(kb_rule_result *res, const kb_rule *rule)
{
    for (size_t i = 0; i < res->nexplained_by; i++)
        if (res->explained_by[i] == rule)
            return;
    res->explained_by = kb_xrealloc(res->explained_by, (res->nexplained_by + 1) * sizeof *res->explained_by);
    res->explained_by[res->nexplained_by++] = rule;
}

static void apply_explains(const kb_rule_result *x, kb_results *results)
{
    const kb_rule *rule = x->rule;
    for (size_t e = 0; e < rule->nexplains; e++) {
        const kb_explains *ex = &rule->explains[e];
        kb_rule_result *target = ex->rule ? result_of(results, ex->rule) : NULL;
        long c = target && ex->checkpoint ? kb_rule_find_checkpoint(target->rule, ex->checkpoint) : -1;
        if (c < 0)
            continue; /* a partial rule set: the other rule is not loaded */
        kb_cp_result *cp = &target->checkpoints[c];
        const kb_cp_result *by = ex->by < rule->ncheckpoints ? &x->checkpoints[ex->by] : NULL;
        if (ex->near) {
            if (cp->near)
                mark_facts(cp->near, by, rule);
            continue;
        }
        size_t marked = mark_facts(cp, by, rule);
        cp->explained += marked;
        if (marked)
            add_explainer(target, rule);
    }
}

/* Whether every piece of deciding evidence of a rule is explained: each of
 * its met deciding checkpoints holds every fact it selected, all marked. */
static int fully_explained(const kb_rule_result *res)
{
    int any = 0;
    for (size_t c = 0; c < res->rule->ncheckpoints; c++) {
        const kb_cp_result *cp = &res->checkpoints[c];
        if (res->rule->checkpoints[c].context || cp->state != KB_CP_MET)
            continue;
        if (cp->nitems < cp->count || cp->explained < cp->count)
            return 0;
        any = 1;
    }
    return any;
}

void kb_precedence_apply(const kb_ruleset *rules, kb_results *results)
{
    (void)rules;
    for (size_t i = 0; i < results->n; i++) {
        kb_rule_result *res = &results->rules[i];
        res->severity = severity_of(res->rule, res);
        res->quiet = is_quiet(res->rule, res);
    }
    for (size_t i = 0; i < results->n; i++)
        if (results->rules[i].verdict == KB_VERDICT_MATCHED)
            apply_explains(&results->rules[i], results);
    /* Partly explained rules keep their verdict and show which facts are
     * explained; only a rule explained in full is folded. */
    for (size_t i = 0; i < results->n; i++) {
        kb_rule_result *res = &results->rules[i];
        if (res->nexplained_by && !fully_explained(res)) {
            free(res->explained_by);
            res->explained_by = NULL;
            res->nexplained_by = 0;
        }
    }
}

/* ---- what reports count -------------------------------------------------------- */

int kb_result_counts(const kb_rule_result *res)
{
    if (res->nexplained_by || res->rule->outcome == KB_OUTCOME_BENIGN)
        return 0;
    return res->verdict == KB_VERDICT_MATCHED || (res->verdict == KB_VERDICT_CANNOT_TELL && !res->quiet);
}

int kb_result_harmless(const kb_rule_result *res)
{
    return res->rule->outcome == KB_OUTCOME_BENIGN && res->verdict == KB_VERDICT_MATCHED;
}

/* ---- remedies -------------------------------------------------------------------- */

static const char *evidence_field(const void *ev, const char *name)
{
    return kb_evidence_get(ev, name);
}

int kb_remedy_applies(const kb_remedy *r, const kb_rule_result *res)
{
    if (!r->when.set)
        return 1;
    const kb_cp_result *cp = &res->checkpoints[r->when.checkpoint];
    if ((int)cp->state != r->when.state)
        return 0;
    if (!r->when.where)
        return 1;
    for (size_t i = 0; i < cp->nitems; i++)
        if (kb_cond_eval_with(r->when.where, evidence_field, &cp->evidence[i]))
            return 1;
    return 0;
}
