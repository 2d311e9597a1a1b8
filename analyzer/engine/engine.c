/* engine.c: evaluates rules over facts (see engine.h). Every piece of
 * evidence is recorded, or the process ends (alloc.h): a checkpoint is never
 * decided on evidence that could not be kept. */
#include "engine/engine.h"
#include "core/alloc.h"
#include "engine/precedence.h"
#include "engine/reduce.h"
#include "engine/relations.h"
#include "rules/template.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *kb_cp_state_name(kb_cp_state s)
{
    return s == KB_CP_MET ? "met" : s == KB_CP_NOT_MET ? "not_met" : "unknown";
}

const char *kb_verdict_name(kb_verdict v)
{
    return v == KB_VERDICT_MATCHED ? "matched" : v == KB_VERDICT_NOT_MATCHED ? "not_matched"
                                                                              : "cannot_tell";
}

const char *kb_evidence_get(const kb_evidence *ev, const char *name)
{
    for (size_t i = 0; i < ev->nextra; i++)
        if (strcmp(ev->extra[i].name, name) == 0)
            return ev->extra[i].value;
    return kb_fact_get(ev->fact, name);
}

/* ---- template names ------------------------------------------------------ */

typedef struct lookup_ctx {
    const kb_rule_result *rule;    /* for "checkpoint-id.name" */
    const kb_cp_result *cp;        /* for bare names */
    const kb_fact *fact;           /* unknown_when: the fact that made it unknown */
    const kb_evidence *ev;         /* say_each: the piece of evidence it is said of */
} lookup_ctx;

static void add_time(kb_strlist *out, int64_t t)
{
    char buf[40];
    kb_time_format(t, buf, sizeof buf);
    kb_strlist_add(out, buf);
}

static int lookup_cp(const kb_cp_result *cp, const char *name, kb_strlist *out)
{
    if (strcmp(name, "count") == 0) {
        char buf[32];
        snprintf(buf, sizeof buf, "%zu", cp->count);
        kb_strlist_add(out, buf);
        return 0;
    }
    if (strcmp(name, "first_time") == 0 || strcmp(name, "last_time") == 0) {
        add_time(out, name[0] == 'f' ? cp->first_time : cp->last_time);
        return 0;
    }
    int all = strncmp(name, "all.", 4) == 0;
    const char *field = all ? name + 4 : name;
    for (size_t i = 0; i < cp->nevidence; i++) {
        const char *v = kb_evidence_get(&cp->evidence[i], field);
        if (v && !kb_strlist_has(out, v))
            kb_strlist_add(out, v);
        if (!all && out->n)
            break;
    }
    return 0;
}

static int lookup(void *vctx, const char *name, kb_strlist *out)
{
    const lookup_ctx *ctx = vctx;
    if (ctx->ev) {
        /* said of one piece of evidence: its own values, never another's */
        const char *v = kb_evidence_get(ctx->ev, name);
        if (v)
            kb_strlist_add(out, v);
        if (v || !(strchr(name, '.') || strcmp(name, "count") == 0 || strstr(name, "_time")))
            return 0;
    }
    if (ctx->fact) {
        const char *v = kb_fact_get(ctx->fact, name);
        if (v) {
            kb_strlist_add(out, v);
            return 0;
        }
    }
    const char *dot = strchr(name, '.');
    if (dot && ctx->rule) {
        const kb_rule *rule = ctx->rule->rule;
        for (size_t i = 0; i < rule->ncheckpoints; i++) {
            const char *id = rule->checkpoints[i].id;
            if (strlen(id) == (size_t)(dot - name) && strncmp(id, name, (size_t)(dot - name)) == 0)
                return lookup_cp(&ctx->rule->checkpoints[i], dot + 1, out);
        }
    }
    if (ctx->cp)
        return lookup_cp(ctx->cp, name, out);
    return -1;
}

static char *fill(const kb_i18n *text, kb_lang lang, const lookup_ctx *ctx)
{
    const char *t = kb_i18n_get(text, lang);
    if (!t || !*t)
        return NULL;
    return kb_template_fill(t, lookup, (void *)ctx);
}

/* ---- checkpoints ------------------------------------------------------------ */

static int count_ok(const kb_checkpoint *cp, size_t count)
{
    double c = (double)count, v = cp->count_value;
    switch (cp->count_op) {
    case KB_OP_LT: return c < v;
    case KB_OP_LE: return c <= v;
    case KB_OP_GT: return c > v;
    case KB_OP_GE: return c >= v;
    case KB_OP_EQ: return c == v;
    case KB_OP_NE: return c != v;
    default: return c >= 1;
    }
}

static int feeds_checkpoint(const kb_cp_result *res, size_t input)
{
    for (size_t i = 0; i < res->ninputs; i++)
        if (res->inputs[i] == input)
            return 1;
    return 0;
}

static int in_scope(const unsigned char *scope, size_t input)
{
    return !scope || scope[input];
}

static int feeds_from(const kb_checkpoint *cp, const kb_input *in)
{
    for (size_t k = 0; k < cp->nfeeds; k++)
        if (kb_input_has_feed(in, cp->feeds[k]))
            return 1;
    return 0;
}

/* The inputs in scope that feed cp, in a list of their own size: every
 * checkpoint of every computer holds one, and a batch of a thousand logs
 * has a hundred computers. */
static void find_inputs(const kb_checkpoint *cp, const kb_inputs *inputs, const unsigned char *scope,
                        kb_cp_result *res)
{
    size_t n = 0;
    for (size_t i = 0; i < inputs->n; i++)
        n += in_scope(scope, i) && feeds_from(cp, &inputs->items[i]);
    res->inputs = kb_xcalloc(n + 1, sizeof *res->inputs);
    for (size_t i = 0; i < inputs->n && res->ninputs < n; i++)
        if (in_scope(scope, i) && feeds_from(cp, &inputs->items[i]))
            res->inputs[res->ninputs++] = i;
}

/* The files this machine could not read: any may be the input a
 * checkpoint lacks. Returns how many (res->inputs, empty before, lists them). */
static size_t find_unreadable(const kb_inputs *inputs, const unsigned char *scope, kb_cp_result *res)
{
    size_t n = 0;
    for (size_t i = 0; i < inputs->n; i++)
        n += in_scope(scope, i) && inputs->items[i].local_error;
    free(res->inputs);
    res->inputs = kb_xcalloc(n + 1, sizeof *res->inputs);
    for (size_t i = 0; i < inputs->n && res->ninputs < n; i++)
        if (in_scope(scope, i) && inputs->items[i].local_error)
            res->inputs[res->ninputs++] = i;
    return res->ninputs;
}

static int64_t window_start(const kb_checkpoint *cp, const kb_inputs *inputs,
                            const kb_cp_result *res)
{
    if (!cp->within_us)
        return KB_TIME_NONE;
    int64_t newest = KB_TIME_NONE;
    for (size_t i = 0; i < res->ninputs; i++) {
        int64_t t = inputs->items[res->inputs[i]].last_time;
        if (t != KB_TIME_NONE && (newest == KB_TIME_NONE || t > newest))
            newest = t;
    }
    return newest == KB_TIME_NONE ? KB_TIME_NONE : newest - cp->within_us;
}

/* Runs the checkpoint's extract patterns over one piece of evidence. */
static void extract(const kb_checkpoint *cp, kb_evidence *ev)
{
    for (size_t i = 0; i < cp->nextracts; i++) {
        const kb_extract *x = &cp->extracts[i];
        const pcre2_code *re = x->re;
        const char *value = x->re ? kb_fact_get(ev->fact, x->field) : NULL;
        if (!value && x->message_re) { /* an export with the rendered message only */
            re = x->message_re;
            value = kb_fact_get(ev->fact, KB_FIELD_MESSAGE);
        }
        if (!value)
            continue;
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
        if (!md)
            kb_out_of_memory();
        int rc = pcre2_match(re, (PCRE2_SPTR)value, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
        if (rc == PCRE2_ERROR_NOMEMORY)
            kb_out_of_memory();
        if (rc >= 0) {
            uint32_t count = 0, entry_size = 0;
            PCRE2_SPTR table = NULL;
            pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
            pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
            pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            for (uint32_t n = 0; n < count; n++) {
                const unsigned char *e = table + n * entry_size;
                int group = e[0] << 8 | e[1];
                if (ov[2 * group] == PCRE2_UNSET)
                    continue;
                kb_field *p = ev->extra = kb_xrealloc(ev->extra, (ev->nextra + 1) * sizeof *p);
                p[ev->nextra].name = kb_strdup((const char *)e + 2);
                p[ev->nextra].value = kb_strndup(value + ov[2 * group], ov[2 * group + 1] - ov[2 * group]);
                ev->nextra++;
            }
        }
        pcre2_match_data_free(md);
    }
}

/* Counts a selected fact's time among the checkpoint's. */
static kb_times_ref times_of(kb_cp_result *res)
{
    return (kb_times_ref){&res->times, &res->ntimes, &res->captimes, &res->first_time, &res->last_time};
}

static void count_time(kb_cp_result *res, int64_t t)
{
    kb_times_ref to = times_of(res);
    kb_times_saw(&to, t);
}

/* Keeps f as a piece of evidence (with its extracted and looked-up
 * values) while fewer than max are kept, or always when the checkpoint
 * keeps them all. */
static void add_evidence(const kb_checkpoint *cp, kb_cp_result *res, const kb_fact *f, size_t max)
{
    int all = kb_cp_keeps_all(cp);
    if (res->nitems >= max && !all)
        return;
    if (all && res->nitems >= max) {
        if (!res->capitems)
            res->capitems = max + 1; /* what evaluate_checkpoint allocated */
        res->evidence = kb_grow(res->evidence, &res->capitems, res->nitems + 1, sizeof *res->evidence, 64);
    }
    kb_evidence *ev = &res->evidence[res->nitems++];
    memset(ev, 0, sizeof *ev);
    ev->fact = f;
    extract(cp, ev);
    kb_lookups_apply(cp, ev);
    res->nevidence = res->nitems < max ? res->nitems : max;
}

/* Counts f among the selected facts and keeps it as evidence (add_evidence). */
static void keep_evidence(const kb_checkpoint *cp, kb_cp_result *res, const kb_fact *f,
                          size_t max)
{
    res->count++;
    count_time(res, f->time);
    add_evidence(cp, res, f, max);
}

/* What an input's reduction counted (reduce.h), taken as keep_evidence
 * would have taken each of those facts, in their order. */
static void absorb(const kb_checkpoint *cp, kb_cp_result *res, const kb_partial *p, size_t input, size_t max)
{
    res->count += p->count;
    kb_times_ref to = times_of(res);
    kb_times_join(&to, p->times, p->ntimes, p->first_time, p->last_time);
    for (size_t i = 0; i < p->nfacts; i++) {
        p->facts[i]->input = input; /* a fact it took never joined the run's list, which sets it */
        add_evidence(cp, res, p->facts[i], max);
    }
}

/* The reductions of the inputs that feed a checkpoint, merged in input
 * order where the engine meets the facts (reduce.h). */
typedef struct merging {
    const kb_inputs *inputs;
    const kb_cp_result *res;  /* its inputs, in input order */
    kb_partial_kind kind;
    size_t next;              /* the next of res->inputs to merge */
    int on;                   /* the checkpoint is reducible */
} merging;

/* Merges the reductions of the inputs up to `upto` (the input of the
 * next fact; SIZE_MAX: all); returns whether that input's facts were
 * counted there. damaged: set when a merged fact is. */
static int merge_upto(merging *m, const kb_checkpoint *cp, kb_cp_result *into, size_t upto, size_t max,
                      int *damaged)
{
    int counted = 0;
    for (; m->on && m->next < m->res->ninputs && m->res->inputs[m->next] <= upto; m->next++) {
        size_t i = m->res->inputs[m->next];
        const kb_partial *p = kb_reduced_partial(&m->inputs->items[i], cp, m->kind);
        if (!p)
            continue;
        absorb(cp, into, p, i, max);
        if (damaged)
            *damaged |= p->damaged;
        counted |= i == upto;
    }
    return counted;
}

/* Whether the engine already counted f through its input's reduction. */
static int counted_in(const merging *m, const kb_checkpoint *cp, const kb_fact *f)
{
    return m->on && f->counted && f->input < m->inputs->n &&
           kb_reduced_partial(&m->inputs->items[f->input], cp, m->kind) != NULL;
}

/* The say_each text of each piece of evidence shown. */
static void say_each(const kb_checkpoint *cp, kb_cp_result *res, kb_lang lang, kb_rule_result *rule_res)
{
    const char *t = kb_i18n_get(&cp->say_each, lang);
    for (size_t i = 0; t && *t && i < res->nevidence; i++) {
        lookup_ctx ctx = {rule_res, res, NULL, &res->evidence[i]};
        res->evidence[i].say = kb_template_fill(t, lookup, &ctx);
    }
}

/* After selection: a relation to another checkpoint, a join, a count per
 * window or over distinct values (relations.h). Returns the state, or -1
 * when the plain count decides. */
static int relate(const kb_checkpoint *cp, kb_rule_result *rule_res, kb_cp_result *res, size_t max)
{
    if (!kb_cp_keeps_all(cp))
        return -1;
    kb_cp_state state;
    kb_unknown_why why;
    if (kb_relations_filter(rule_res, cp, res, &state, &why)) {
        /* decided by the other checkpoint: none of these facts is evidence */
        for (size_t i = 0; i < res->nitems; i++)
            kb_evidence_clear(&res->evidence[i]);
        res->nitems = res->nevidence = 0;
        kb_evidence_recount(res);
        res->why = why;
        return (int)state;
    }
    kb_evidence_recount(res);
    res->nevidence = res->nitems < max ? res->nitems : max;
    int held = kb_count_holds(cp, res);
    if (held < 0)
        return count_ok(cp, res->count) ? KB_CP_MET : KB_CP_NOT_MET;
    return held ? KB_CP_MET : KB_CP_NOT_MET;
}

static int input_damaged(const kb_inputs *inputs, const kb_cp_result *res)
{
    for (size_t i = 0; i < res->ninputs; i++) {
        kb_input_state s = inputs->items[res->inputs[i]].state;
        if (s == KB_INPUT_DAMAGED || s == KB_INPUT_ERROR)
            return 1;
    }
    return 0;
}

/* The first fact that makes the checkpoint unknown by its own say-so. */
static const kb_fact *unknown_fact(const kb_checkpoint *cp, const kb_factlist *facts,
                                   const kb_cp_result *res)
{
    if (!cp->unknown_when)
        return NULL;
    for (size_t i = 0; i < facts->n; i++) {
        const kb_fact *f = facts->items[i];
        if (feeds_checkpoint(res, f->input) &&
            kb_cond_eval(cp->unknown_when, f))
            return f;
    }
    return NULL;
}

/* facts: those of the checkpoint's type (facts_of). */
static void evaluate_checkpoint(const kb_checkpoint *cp, const kb_factlist *facts,
                                const kb_inputs *inputs, const unsigned char *scope,
                                const kb_eval_opts *opts,
                                kb_rule_result *rule_res, kb_cp_result *res)
{
    res->cp = cp;
    res->first_time = res->last_time = KB_TIME_NONE;
    find_inputs(cp, inputs, scope, res);
    if (res->ninputs == 0) {
        res->state = KB_CP_UNKNOWN;
        res->why = find_unreadable(inputs, scope, res) ? KB_WHY_UNREADABLE : KB_WHY_MISSING;
        return;
    }
    res->evidence = kb_xcalloc(opts->max_evidence + 1, sizeof *res->evidence);
    int64_t start = window_start(cp, inputs, res);
    int damaged_evidence = 0;
    merging m = {.inputs = inputs, .res = res, .kind = KB_PARTIAL_SELECTED, .on = kb_cp_reducible(cp)};
    for (size_t i = 0; i < facts->n; i++) {
        const kb_fact *f = facts->items[i];
        if (!feeds_checkpoint(res, f->input))
            continue;
        merge_upto(&m, cp, res, f->input, opts->max_evidence, &damaged_evidence);
        if (counted_in(&m, cp, f))
            continue;
        if (start != KB_TIME_NONE && f->time != KB_TIME_NONE && f->time < start)
            continue;
        if (kb_cond_eval(cp->where, f)) {
            keep_evidence(cp, res, f, opts->max_evidence);
            damaged_evidence |= f->damaged;
        }
    }
    merge_upto(&m, cp, res, SIZE_MAX, opts->max_evidence, &damaged_evidence);
    int related = relate(cp, rule_res, res, opts->max_evidence);
    if (related == KB_CP_UNKNOWN) {
        res->state = KB_CP_UNKNOWN; /* the checkpoint it relates to cannot tell */
        return;
    }
    res->state = related >= 0 ? (kb_cp_state)related
               : count_ok(cp, res->count) ? KB_CP_MET : KB_CP_NOT_MET;
    say_each(cp, res, opts->lang, rule_res);
    lookup_ctx ctx = {rule_res, res, NULL, NULL};
    const kb_fact *says = res->state == KB_CP_NOT_MET ? unknown_fact(cp, facts, res) : NULL;
    if (says && says->damaged) {
        damaged_evidence = 1; /* damaged lines do not speak for the input either */
    } else if (says) {
        res->state = KB_CP_UNKNOWN;
        res->why = KB_WHY_INPUT_SAYS;
        ctx.fact = says;
        res->summary = fill(&cp->unknown_say, opts->lang, &ctx);
        return;
    }
    /* A damaged input may have lost what would change the answer: an
     * absence, or too few, proves nothing then; nor does evidence read from
     * damaged lines (a "no writer" listing may have lost one). */
    if ((input_damaged(inputs, res) && (res->state == KB_CP_NOT_MET || res->count == 0)) ||
        damaged_evidence) {
        res->state = KB_CP_UNKNOWN;
        res->why = KB_WHY_DAMAGED;
        return;
    }
    res->summary = fill(res->state == KB_CP_MET ? &cp->met_say : &cp->not_met_say, opts->lang, &ctx);
}

/* ---- facts by type ------------------------------------------------------------ */

/* The facts of one type, in the order given: a checkpoint reads one type
 * only, and a computer's facts are mostly events, so each checkpoint walks
 * its own type's list instead of every fact with a strcmp each. */
typedef struct facts_by_type {
    const char *type;
    kb_factlist facts; /* borrowed facts */
} facts_by_type;

typedef struct fact_index {
    facts_by_type *types;
    size_t n, cap;
    kb_factlist none;
} fact_index;

static void index_facts(fact_index *idx, const kb_factlist *facts)
{
    memset(idx, 0, sizeof *idx);
    for (size_t i = 0; i < facts->n; i++) {
        kb_fact *f = facts->items[i];
        size_t t = 0;
        while (t < idx->n && strcmp(idx->types[t].type, f->type) != 0)
            t++;
        if (t == idx->n) {
            idx->types = kb_grow(idx->types, &idx->cap, idx->n + 1, sizeof *idx->types, 8);
            idx->types[idx->n++] = (facts_by_type){.type = f->type};
        }
        kb_factlist_add(&idx->types[t].facts, f);
    }
}

static const kb_factlist *facts_of(const fact_index *idx, const char *type)
{
    for (size_t t = 0; type && t < idx->n; t++)
        if (strcmp(idx->types[t].type, type) == 0)
            return &idx->types[t].facts;
    return &idx->none;
}

static void free_index(fact_index *idx)
{
    for (size_t t = 0; t < idx->n; t++)
        free(idx->types[t].facts.items); /* the facts are the caller's */
    free(idx->types);
}

/* ---- near misses ------------------------------------------------------------ */

/* A test of which event it is: its provider or its id. */
static int names_the_event(const kb_cond *test)
{
    return test->kind == KB_COND_TEST && test->field &&
           (strcmp(test->field, "provider") == 0 || strcmp(test->field, "event_id") == 0);
}

/* The default closeness: the fact fails exactly one test of a top-level
 * "all" (one field off, e.g. the same event with another error code).
 * same_event: that test may not be the provider's or the id's (close
 * events outside a near miss are the same event with other values, not
 * another event: a successful backup is not close to a failed one). */
static int all_but_one_with(const kb_cond *where, kb_field_getter get, const void *ctx, int same_event)
{
    if (!where || where->kind != KB_COND_ALL || where->nchildren < 2)
        return 0;
    size_t failed = 0;
    for (size_t i = 0; i < where->nchildren; i++)
        if (!kb_cond_eval_with(where->children[i], get, ctx)) {
            if (++failed > 1 || (same_event && names_the_event(where->children[i])))
                return 0;
        }
    return failed == 1;
}

static int is_near(const kb_checkpoint *cp, const kb_fact *f, int events_only)
{
    kb_fact_view v;
    kb_fact_view_init(&v, f);
    if (kb_cond_eval_with(cp->where, kb_fact_view_get, &v))
        return 0; /* selected by the checkpoint itself: evidence, not a near fact */
    return kb_cp_near_view(cp, &v, events_only);
}

static void free_cp_result(kb_cp_result *cp);

/* The closest facts of a checkpoint that is not met (facts: those of its
 * type); events only (facts with a record id) when events_only. */
static void find_near(const kb_checkpoint *cp, const kb_factlist *facts, const kb_inputs *inputs,
                      const kb_eval_opts *opts, int events_only, kb_rule_result *rule_res,
                      kb_cp_result *res)
{
    int by_default = !cp->near_where;
    if (!kb_cp_has_near(cp))
        return;
    merging m = {.inputs = inputs, .res = res, .kind = events_only ? KB_PARTIAL_NEAR_EVENTS : KB_PARTIAL_NEAR,
                 .on = kb_cp_reducible(cp)};
    kb_cp_result *near = kb_xcalloc(1, sizeof *near);
    near->cp = cp;
    near->first_time = near->last_time = KB_TIME_NONE;
    near->evidence = kb_xcalloc(opts->max_evidence + 1, sizeof *near->evidence);
    /* closest facts are listed, never joined on: the first max of them */
    const kb_checkpoint *own = cp; /* its reductions are known by the rule's checkpoint */
    kb_checkpoint plain = *cp;
    plain.keep_all = 0;
    plain.related.set = plain.same.set = 0;
    plain.window_us = 0;
    plain.distinct = NULL;
    cp = &plain;
    int64_t start = window_start(cp, inputs, res);
    for (size_t i = 0; i < facts->n; i++) {
        const kb_fact *f = facts->items[i];
        if (!feeds_checkpoint(res, f->input))
            continue;
        merge_upto(&m, own, near, f->input, opts->max_evidence, NULL);
        if (counted_in(&m, own, f))
            continue;
        if (start != KB_TIME_NONE && f->time != KB_TIME_NONE && f->time < start)
            continue;
        if ((!events_only || f->record) && is_near(cp, f, events_only))
            keep_evidence(cp, near, f, opts->max_evidence);
    }
    merge_upto(&m, own, near, SIZE_MAX, opts->max_evidence, NULL);
    if (!near->count) {
        free_cp_result(near);
        free(near);
        return;
    }
    lookup_ctx ctx = {rule_res, near, NULL, NULL};
    near->summary = fill(&cp->near_say, opts->lang, &ctx);
    res->near = near;
    res->near_default = by_default;
}

/* ---- which facts the rules can use ----------------------------------------- */

int kb_cp_has_near(const kb_checkpoint *cp)
{
    return cp->near_where || (cp->where && cp->where->kind == KB_COND_ALL && cp->where->nchildren >= 2);
}

void kb_fact_view_init(kb_fact_view *v, const kb_fact *f)
{
    *v = (kb_fact_view){.fact = f, .provider = kb_fact_get(f, "provider"), .event_id = kb_fact_get(f, "event_id")};
}

const char *kb_fact_view_get(const void *ctx, const char *name)
{
    const kb_fact_view *v = ctx;
    if (name[0] == 'p' && strcmp(name, "provider") == 0)
        return v->provider;
    if (name[0] == 'e' && strcmp(name, "event_id") == 0)
        return v->event_id;
    return kb_fact_get(v->fact, name);
}

/* Whether evaluating cp could look at f: as evidence, as the fact that
 * makes it unknown, or as a near fact (the same tests as evaluate_checkpoint
 * and is_near; a context checkpoint has none: find_close_facts looks only
 * at deciding ones, and a broad context, such as every start of one
 * service, would otherwise keep every service's). */
int kb_cp_may_use_view(const kb_checkpoint *cp, const kb_fact_view *v)
{
    /* Asked of every fact a wanted record makes, for every checkpoint:
     * the first byte tells most types apart. */
    const kb_fact *f = v->fact;
    if (f->type[0] != cp->fact_type[0] || strcmp(f->type, cp->fact_type) != 0)
        return 0;
    if (!cp->where || kb_cond_eval_with(cp->where, kb_fact_view_get, v))
        return 1;
    if (cp->unknown_when && kb_cond_eval_with(cp->unknown_when, kb_fact_view_get, v))
        return 1;
    return !cp->context && kb_cp_near_view(cp, v, 0);
}

int kb_cp_near_view(const kb_checkpoint *cp, const kb_fact_view *v, int events_only)
{
    return cp->near_where ? kb_cond_eval_with(cp->near_where, kb_fact_view_get, v)
                          : all_but_one_with(cp->where, kb_fact_view_get, v, events_only);
}

int kb_rules_use_fact(const kb_ruleset *rules, const kb_fact *f)
{
    kb_fact_view v;
    kb_fact_view_init(&v, f);
    for (size_t r = 0; r < rules->n; r++)
        for (size_t c = 0; c < rules->rules[r].ncheckpoints; c++)
            if (kb_cp_may_use_view(&rules->rules[r].checkpoints[c], &v))
                return 1;
    return 0;
}

/* Marks a not-matched rule with a met deciding checkpoint as a near miss,
 * and finds the closest facts of the deciding checkpoints not met of a rule
 * that did not match: in a near miss any facts; else events only, since
 * events of the same provider and id with other values (another hr,
 * another CLSID) are worth a word whatever the other checkpoints say, and
 * are otherwise lost among thousands, where a command output's not-met
 * summary already says what it shows. */
static void find_close_facts(const kb_rule *rule, const fact_index *idx, const kb_inputs *inputs,
                             const kb_eval_opts *opts, kb_rule_result *res)
{
    /* A harmless event that is not quite there is nothing to show. */
    if (res->verdict == KB_VERDICT_MATCHED || rule->outcome == KB_OUTCOME_BENIGN)
        return;
    for (size_t i = 0; i < rule->ncheckpoints && res->verdict == KB_VERDICT_NOT_MATCHED; i++)
        if (!rule->checkpoints[i].context && res->checkpoints[i].state == KB_CP_MET)
            res->near_miss = 1;
    /* With symptoms named, only a symptom seen makes it close: a met
     * precondition (a writer listing was saved) alone does not. */
    if (res->near_miss && rule->has_symptoms) {
        res->near_miss = 0;
        for (size_t i = 0; i < rule->nsymptoms; i++)
            res->near_miss |= res->checkpoints[rule->symptoms[i]].state == KB_CP_MET;
    }
    for (size_t i = 0; i < rule->ncheckpoints; i++)
        if (!rule->checkpoints[i].context && res->checkpoints[i].state == KB_CP_NOT_MET)
            find_near(&rule->checkpoints[i], facts_of(idx, rule->checkpoints[i].fact_type), inputs, opts,
                      !res->near_miss, res, &res->checkpoints[i]);
}

/* ---- verdict ----------------------------------------------------------------- */

static kb_cp_state logic_eval(const kb_logic *l, const kb_rule_result *res)
{
    if (!l)
        return KB_CP_UNKNOWN;
    int unknown = 0;
    switch (l->kind) {
    case KB_COND_TEST:
        return res->checkpoints[l->checkpoint].state;
    case KB_COND_NOT: {
        kb_cp_state s = l->nchildren ? logic_eval(l->children[0], res) : KB_CP_UNKNOWN;
        return s == KB_CP_MET ? KB_CP_NOT_MET : s == KB_CP_NOT_MET ? KB_CP_MET : KB_CP_UNKNOWN;
    }
    case KB_COND_ALL:
        for (size_t i = 0; i < l->nchildren; i++) {
            kb_cp_state s = logic_eval(l->children[i], res);
            if (s == KB_CP_NOT_MET)
                return KB_CP_NOT_MET;
            unknown |= s == KB_CP_UNKNOWN;
        }
        return unknown ? KB_CP_UNKNOWN : KB_CP_MET;
    case KB_COND_ANY:
        for (size_t i = 0; i < l->nchildren; i++) {
            kb_cp_state s = logic_eval(l->children[i], res);
            if (s == KB_CP_MET)
                return KB_CP_MET;
            unknown |= s == KB_CP_UNKNOWN;
        }
        return unknown ? KB_CP_UNKNOWN : KB_CP_NOT_MET;
    }
    return KB_CP_UNKNOWN;
}

/* ---- remedies ------------------------------------------------------------------ */

static void fill_list(char *const *templates, size_t n, const lookup_ctx *ctx, kb_strlist *out)
{
    for (size_t i = 0; i < n; i++) {
        char *s = kb_template_fill(templates[i], lookup, (void *)ctx);
        if (s)
            kb_strlist_add(out, s);
        free(s);
    }
}

static void fill_remedies(const kb_rule *rule, kb_rule_result *res, kb_lang lang)
{
    res->remedies = kb_xcalloc(rule->nremedies + 1, sizeof *res->remedies);
    lookup_ctx ctx = {res, NULL, NULL, NULL};
    for (size_t i = 0; i < rule->nremedies; i++) {
        const kb_remedy *r = &rule->remedies[i];
        if (!kb_remedy_applies(r, res))
            continue;
        kb_remedy_result *out = &res->remedies[res->nremedies++];
        out->remedy = r;
        out->text = fill(&r->text, lang, &ctx);
        fill_list(r->commands, r->ncommands, &ctx, &out->commands);
        out->verify_text = fill(&r->verify_text, lang, &ctx);
        fill_list(r->verify_commands, r->nverify, &ctx, &out->verify_commands);
        for (size_t j = 0; j < r->nnotes; j++) {
            const kb_remedy_note *note = &r->notes[j];
            if ((int)res->checkpoints[note->checkpoint].state != note->state)
                continue;
            char *s = fill(&note->text, lang, &ctx);
            if (s)
                kb_strlist_add(&out->notes, s);
            free(s);
        }
    }
}

kb_status kb_evaluate(const kb_ruleset *rules, const kb_factlist *facts, const kb_inputs *inputs,
                      const kb_eval_opts *opts, kb_results *out)
{
    return kb_evaluate_for(rules, facts, inputs, NULL, opts, out);
}

kb_status kb_evaluate_for(const kb_ruleset *rules, const kb_factlist *all_facts, const kb_inputs *inputs,
                          const unsigned char *scope, const kb_eval_opts *opts, kb_results *out)
{
    fact_index idx;
    index_facts(&idx, all_facts);
    memset(out, 0, sizeof *out);
    out->rules = kb_xcalloc(rules->n + 1, sizeof *out->rules);
    for (size_t i = 0; i < rules->n; i++) {
        const kb_rule *rule = &rules->rules[i];
        kb_rule_result *res = &out->rules[out->n++];
        res->rule = rule;
        res->checkpoints = kb_xcalloc(rule->ncheckpoints + 1, sizeof *res->checkpoints);
        for (size_t j = 0; j < rule->ncheckpoints; j++) {
            size_t c = rule->order ? rule->order[j] : j; /* related and same after what they read */
            evaluate_checkpoint(&rule->checkpoints[c], facts_of(&idx, rule->checkpoints[c].fact_type), inputs,
                                scope, opts, res, &res->checkpoints[c]);
        }
        kb_cp_state s = logic_eval(rule->verdict, res);
        res->verdict = s == KB_CP_MET ? KB_VERDICT_MATCHED
                     : s == KB_CP_NOT_MET ? KB_VERDICT_NOT_MATCHED : KB_VERDICT_CANNOT_TELL;
        if (res->verdict == KB_VERDICT_MATCHED)
            fill_remedies(rule, res, opts->lang);
        find_close_facts(rule, &idx, inputs, opts, res);
    }
    free_index(&idx);
    kb_precedence_apply(rules, out);
    return KB_OK;
}

static void free_cp_result(kb_cp_result *cp)
{
    for (size_t i = 0; i < cp->nitems; i++)
        kb_evidence_clear(&cp->evidence[i]);
    free(cp->evidence);
    free(cp->times);
    free(cp->summary);
    free(cp->inputs);
    if (cp->near) {
        free_cp_result(cp->near);
        free(cp->near);
    }
}

void kb_results_free(kb_results *results)
{
    for (size_t i = 0; i < results->n; i++) {
        kb_rule_result *r = &results->rules[i];
        for (size_t j = 0; j < r->rule->ncheckpoints; j++)
            free_cp_result(&r->checkpoints[j]);
        free(r->checkpoints);
        for (size_t j = 0; j < r->nremedies; j++) {
            free(r->remedies[j].text);
            kb_strlist_free(&r->remedies[j].commands);
            free(r->remedies[j].verify_text);
            kb_strlist_free(&r->remedies[j].verify_commands);
            kb_strlist_free(&r->remedies[j].notes);
        }
        free(r->remedies);
        free(r->explained_by);
    }
    free(results->rules);
    memset(results, 0, sizeof *results);
}

/* Known harmless findings, rules another rule explains and quiet "cannot
 * tell"s (no symptom seen) do not count (kb_result_counts). */
int kb_results_exit_status(const kb_results *results)
{
    int cannot_tell = 0;
    for (size_t i = 0; i < results->n; i++) {
        if (!kb_result_counts(&results->rules[i]))
            continue;
        if (results->rules[i].verdict == KB_VERDICT_MATCHED)
            return 1;
        cannot_tell |= results->rules[i].verdict == KB_VERDICT_CANNOT_TELL;
    }
    return cannot_tell ? 3 : 0;
}
