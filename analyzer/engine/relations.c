/* relations.c: lookups, time relations, joins and counts per window
 * (relations.h). */
#include "engine/relations.h"
#include "core/alloc.h"
#include "engine/times.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int kb_cp_keeps_all(const kb_checkpoint *cp)
{
    return cp->keep_all || cp->related.set || cp->same.set || cp->window_us || cp->distinct;
}

void kb_evidence_clear(kb_evidence *ev)
{
    for (size_t j = 0; j < ev->nextra; j++) {
        free(ev->extra[j].name);
        free(ev->extra[j].value);
    }
    free(ev->extra);
    free(ev->say);
    ev->extra = NULL;
    ev->nextra = 0;
    ev->say = NULL;
}

/* ---- lookups ---------------------------------------------------------------- */

/* How well a row matches: one point per key that matches, the first key
 * weighing most (a writer's id before its name, which may be localized);
 * 0 when none does. */
static unsigned row_score(const kb_lookup *lk, const kb_evidence *ev, size_t r)
{
    unsigned score = 0;
    for (size_t k = 0; k < lk->nkeys; k++) {
        long c = kb_table_column(lk->resolved, lk->columns[k]);
        const char *want = kb_evidence_get(ev, lk->fields[k]);
        const char *have = c >= 0 ? kb_table_cell(lk->resolved, r, (size_t)c) : NULL;
        if (want && have && *want && strcasecmp(want, have) == 0)
            score += 1u << (lk->nkeys - k);
    }
    return score;
}

static void add_extra(kb_evidence *ev, const char *name, const char *value)
{
    kb_field *p = ev->extra = kb_xrealloc(ev->extra, (ev->nextra + 1) * sizeof *p);
    p[ev->nextra].name = kb_strdup(name);
    p[ev->nextra].value = kb_strdup(value);
    ev->nextra++;
}

static void apply_lookup(const kb_lookup *lk, kb_evidence *ev)
{
    if (!lk->resolved)
        return;
    size_t best = 0;
    unsigned best_score = 0;
    for (size_t r = 0; r < lk->resolved->nrows; r++) {
        unsigned s = row_score(lk, ev, r);
        if (s > best_score) {
            best_score = s;
            best = r;
        }
    }
    for (size_t a = 0; a < lk->nadd; a++) {
        long c = kb_table_column(lk->resolved, lk->add[a]);
        const char *v = best_score && c >= 0 ? kb_table_cell(lk->resolved, best, (size_t)c) : NULL;
        if (!v)
            v = lk->missing;
        if (v)
            add_extra(ev, lk->add[a], v);
    }
}

void kb_lookups_apply(const kb_checkpoint *cp, kb_evidence *ev)
{
    for (size_t i = 0; i < cp->nlookups; i++)
        apply_lookup(&cp->lookups[i], ev);
}

/* ---- keeping some of the evidence -------------------------------------------- */

/* Keeps the evidence for which keep[i] is set, in order; frees the rest. */
static void compact(kb_cp_result *res, const unsigned char *keep)
{
    size_t n = 0;
    for (size_t i = 0; i < res->nitems; i++) {
        if (keep[i])
            res->evidence[n++] = res->evidence[i];
        else
            kb_evidence_clear(&res->evidence[i]);
    }
    res->nitems = n;
}

void kb_evidence_recount(kb_cp_result *res)
{
    res->count = res->nitems;
    res->ntimes = 0;
    res->first_time = res->last_time = KB_TIME_NONE;
    kb_times_ref to = {&res->times, &res->ntimes, &res->captimes, &res->first_time, &res->last_time};
    for (size_t i = 0; i < res->nitems; i++)
        kb_times_saw(&to, res->evidence[i].fact->time);
}

/* ---- related: within a window around another checkpoint's facts ---------------- */

static int cmp_time(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The other checkpoint's times to relate to, sorted: each, or its first or
 * last only. */
static int64_t *anchor_times(const kb_related *rel, const kb_cp_result *other, size_t *n)
{
    int64_t *times = kb_xcalloc(other->ntimes + 1, sizeof *times);
    *n = 0;
    if (rel->edge == KB_EDGE_FIRST && other->first_time != KB_TIME_NONE) {
        times[(*n)++] = other->first_time;
    } else if (rel->edge == KB_EDGE_LAST && other->last_time != KB_TIME_NONE) {
        times[(*n)++] = other->last_time;
    } else if (rel->edge == KB_EDGE_EACH) {
        memcpy(times, other->times, other->ntimes * sizeof *times);
        *n = other->ntimes;
        qsort(times, *n, sizeof *times, cmp_time);
    }
    return times;
}

/* Whether some anchor o has o - before <= t <= o + after, that is
 * t - after <= o <= t + before (a negative bound: unbounded). */
static int near_anchor(const kb_related *rel, const int64_t *anchors, size_t n, int64_t t)
{
    size_t lo = 0, hi = n;
    if (rel->after_us >= 0) { /* the first anchor at or after t - after */
        int64_t from = t - rel->after_us;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (anchors[mid] < from)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    if (lo >= n)
        return 0;
    return rel->before_us < 0 || anchors[lo] <= t + rel->before_us;
}

static void filter_related(const kb_related *rel, const kb_cp_result *other, kb_cp_result *res)
{
    size_t n;
    int64_t *anchors = anchor_times(rel, other, &n);
    unsigned char *keep = kb_xcalloc(res->nitems + 1, 1);
    for (size_t i = 0; i < res->nitems; i++) {
        int64_t t = res->evidence[i].fact->time;
        keep[i] = t != KB_TIME_NONE && near_anchor(rel, anchors, n, t);
    }
    compact(res, keep);
    free(keep);
    free(anchors);
}

/* ---- same: a join on another checkpoint's values ----------------------------------- */

static int same_value(const kb_same *same, const char *mine, const char *theirs)
{
    if (!mine || !theirs || !*theirs)
        return 0;
    int eq = same->ignore_case ? strcasecmp(mine, theirs) == 0 : strcmp(mine, theirs) == 0;
    if (eq || !same->suffix)
        return eq;
    /* DOMAIN\name against name: the value after the last backslash. */
    const char *slash = strrchr(mine, '\\');
    return slash && (same->ignore_case ? strcasecmp(slash + 1, theirs) == 0 : strcmp(slash + 1, theirs) == 0);
}

static void filter_same(const kb_same *same, const kb_cp_result *other, kb_cp_result *res)
{
    unsigned char *keep = kb_xcalloc(res->nitems + 1, 1);
    for (size_t i = 0; i < res->nitems; i++) {
        const char *mine = kb_evidence_get(&res->evidence[i], same->field);
        for (size_t k = 0; k < other->nitems && !keep[i]; k++)
            keep[i] = same_value(same, mine, kb_evidence_get(&other->evidence[k], same->other_field));
    }
    compact(res, keep);
    free(keep);
}

/* The other checkpoint decides first: unknown makes this one unknown, not
 * met leaves nothing to relate to. */
static int settled_by(const kb_cp_result *other, kb_cp_state *state, kb_unknown_why *why)
{
    if (other->state == KB_CP_MET)
        return 0;
    *state = other->state;
    *why = other->state == KB_CP_UNKNOWN ? other->why : KB_WHY_NONE;
    return 1;
}

int kb_relations_filter(const kb_rule_result *rule_res, const kb_checkpoint *cp, kb_cp_result *res,
                        kb_cp_state *state, kb_unknown_why *why)
{
    if (cp->related.set) {
        const kb_cp_result *other = &rule_res->checkpoints[cp->related.checkpoint];
        if (settled_by(other, state, why))
            return 1;
        filter_related(&cp->related, other, res);
    }
    if (cp->same.set) {
        const kb_cp_result *other = &rule_res->checkpoints[cp->same.checkpoint];
        if (settled_by(other, state, why))
            return 1;
        filter_same(&cp->same, other, res);
    }
    return 0;
}

/* ---- counts per window, distinct values --------------------------------------------- */

static int holds(const kb_checkpoint *cp, double c)
{
    double v = cp->count_value;
    switch (cp->count_op) {
    case KB_OP_LT: return c < v;
    case KB_OP_LE: return c <= v;
    case KB_OP_GT: return c > v;
    case KB_OP_EQ: return c == v;
    case KB_OP_NE: return c != v;
    default: return c >= v;
    }
}

static int count_distinct(const kb_checkpoint *cp, kb_cp_result *res)
{
    kb_strlist seen = {0};
    for (size_t i = 0; i < res->nitems; i++) {
        const char *v = kb_evidence_get(&res->evidence[i], cp->distinct);
        if (v && !kb_strlist_has(&seen, v))
            kb_strlist_add(&seen, v);
    }
    int met = holds(cp, (double)seen.n);
    kb_strlist_free(&seen);
    return met;
}

typedef struct timed {
    size_t item;
    int64_t time;
    const char *group;
} timed;

static int by_group_time(const void *a, const void *b)
{
    const timed *x = a, *y = b;
    int g = strcmp(x->group, y->group);
    if (g)
        return g;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->item < y->item ? -1 : x->item > y->item;
}

/* Marks in passing[] every fact of a window (per group) that holds as many
 * facts as the count asks; returns how many facts are marked. */
static size_t mark_windows(const kb_checkpoint *cp, const kb_cp_result *res, unsigned char *passing)
{
    timed *t = kb_xcalloc(res->nitems + 1, sizeof *t);
    size_t n = 0, marked = 0;
    for (size_t i = 0; i < res->nitems; i++) {
        const kb_evidence *ev = &res->evidence[i];
        if (ev->fact->time == KB_TIME_NONE)
            continue; /* a fact with no time is in no window */
        const char *g = cp->group_by ? kb_evidence_get(ev, cp->group_by) : "";
        t[n++] = (timed){i, ev->fact->time, g ? g : ""};
    }
    qsort(t, n, sizeof *t, by_group_time);
    for (size_t lo = 0, hi = 0; hi < n; hi++) {
        while (strcmp(t[lo].group, t[hi].group) != 0 || t[hi].time - t[lo].time > cp->window_us)
            lo++;
        if (!holds(cp, (double)(hi - lo + 1)))
            continue;
        for (size_t k = lo; k <= hi; k++)
            if (!passing[t[k].item]) {
                passing[t[k].item] = 1;
                marked++;
            }
    }
    free(t);
    return marked;
}

/* Puts the facts of the passing windows first, in their order. */
static void passing_first(kb_cp_result *res, const unsigned char *passing)
{
    kb_evidence *sorted = kb_xcalloc(res->nitems + 1, sizeof *sorted);
    size_t n = 0;
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < res->nitems; i++)
            if (!passing[i] == !pass)
                sorted[n++] = res->evidence[i];
    memcpy(res->evidence, sorted, res->nitems * sizeof *sorted);
    free(sorted);
}

int kb_count_holds(const kb_checkpoint *cp, kb_cp_result *res)
{
    if (cp->distinct)
        return count_distinct(cp, res);
    if (!cp->window_us)
        return -1;
    unsigned char *passing = kb_xcalloc(res->nitems + 1, 1);
    size_t marked = mark_windows(cp, res, passing);
    if (marked) {
        passing_first(res, passing);
        res->count = marked;
    }
    free(passing);
    return marked > 0;
}
