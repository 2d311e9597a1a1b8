/* reduce.c: the engine's fact sink (see reduce.h). */
#include "engine/reduce.h"
#include "core/alloc.h"
#include "engine/engine.h"
#include "engine/relations.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One input's (or one part's) summaries: per checkpoint and kind. */
typedef struct reduced {
    const kb_reducer *by;
    kb_partial *partials;     /* [cp * KB_PARTIAL_KINDS + kind], reducible checkpoints only;
                                 NULL until a fact is offered (most logs hold none a rule wants) */
    kb_fact **owned;          /* facts it took that some summary keeps as evidence */
    size_t nowned, capowned;
    size_t taken;
} reduced;

int kb_cp_reducible(const kb_checkpoint *cp)
{
    return !kb_cp_keeps_all(cp) && !cp->within_us && !cp->unknown_when;
}

static int by_cp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(const kb_checkpoint *const *)a, y = (uintptr_t)*(const kb_checkpoint *const *)b;
    return x < y ? -1 : x > y;
}

int kb_reducer_init(kb_reducer *red, const kb_ruleset *rules, size_t max_evidence,
                    int (*also_used)(const kb_fact *f), int (*shared)(const char *channel))
{
    memset(red, 0, sizeof *red);
    size_t n = 0;
    for (size_t r = 0; r < rules->n; r++)
        n += rules->rules[r].ncheckpoints;
    red->cps = kb_xcalloc(n + 1, sizeof *red->cps);
    red->reducible = kb_xcalloc(n + 1, 1);
    for (size_t r = 0; r < rules->n; r++)
        for (size_t c = 0; c < rules->rules[r].ncheckpoints; c++)
            red->cps[red->ncps++] = &rules->rules[r].checkpoints[c];
    /* sorted by address, so that the engine finds a checkpoint's summary by bsearch */
    qsort(red->cps, red->ncps, sizeof *red->cps, by_cp);
    size_t reducible = 0;
    for (size_t i = 0; i < red->ncps; i++)
        reducible += red->reducible[i] = (unsigned char)kb_cp_reducible(red->cps[i]);
    red->max_evidence = max_evidence;
    red->also_used = also_used;
    red->shared = shared;
    return reducible ? 0 : -1;
}

void kb_reducer_free(kb_reducer *red)
{
    free(red->cps);
    free(red->reducible);
    memset(red, 0, sizeof *red);
}

/* ---- summaries ------------------------------------------------------------------- */

static void partial_init(kb_partial *p)
{
    memset(p, 0, sizeof *p);
    p->first_time = p->last_time = KB_TIME_NONE;
}

static kb_times_ref times_of(kb_partial *p)
{
    return (kb_times_ref){&p->times, &p->ntimes, &p->captimes, &p->first_time, &p->last_time};
}

/* Counts f; 1 when the summary keeps it as evidence. */
static int add(kb_partial *p, kb_fact *f, size_t max)
{
    p->count++;
    kb_times_ref to = times_of(p);
    kb_times_saw(&to, f->time);
    p->damaged |= f->damaged;
    if (p->nfacts >= max)
        return 0;
    if (!p->facts)
        p->facts = kb_xcalloc(max + 1, sizeof *p->facts);
    p->facts[p->nfacts++] = f;
    return 1;
}

/* Appends later after p (as if p had gone on counting later's facts). */
static void merge(kb_partial *p, const kb_partial *later, size_t max)
{
    p->count += later->count;
    kb_times_ref to = times_of(p);
    kb_times_join(&to, later->times, later->ntimes, later->first_time, later->last_time);
    p->damaged |= later->damaged;
    for (size_t i = 0; i < later->nfacts && p->nfacts < max; i++) {
        if (!p->facts)
            p->facts = kb_xcalloc(max + 1, sizeof *p->facts);
        p->facts[p->nfacts++] = later->facts[i];
    }
}

static void partial_free(kb_partial *p)
{
    free(p->times);
    free(p->facts);
}

/* ---- the sink ---------------------------------------------------------------------- */

static void *begin(const void *arg)
{
    const kb_reducer *by = arg;
    reduced *r = kb_xcalloc(1, sizeof *r);
    r->by = by;
    return r;
}

static void make_partials(reduced *r)
{
    size_t n = r->by->ncps * KB_PARTIAL_KINDS;
    r->partials = kb_xcalloc(n + 1, sizeof *r->partials);
    for (size_t i = 0; i < n; i++)
        partial_init(&r->partials[i]);
}

/* What counting a fact for the checkpoints made of it. */
enum { USED = 1, KEPT = 2 }; /* some checkpoint could use it; some summary keeps it */

/* Counts f for one reducible checkpoint: USED and KEPT as above. */
static int count_for(const kb_checkpoint *cp, kb_partial *p, const kb_fact_view *v, size_t max)
{
    kb_fact *f = (kb_fact *)v->fact; /* the sink's to keep: offer() was given it */
    if (!cp->where || kb_cond_eval_with(cp->where, kb_fact_view_get, v))
        return USED | (add(&p[KB_PARTIAL_SELECTED], f, max) ? KEPT : 0);
    if (cp->context || !kb_cp_has_near(cp))
        return 0; /* closest facts are looked for only for deciding checkpoints */
    int got = 0;
    if (kb_cp_near_view(cp, v, 0))
        got |= USED | (add(&p[KB_PARTIAL_NEAR], f, max) ? KEPT : 0);
    if (f->record && kb_cp_near_view(cp, v, 1))
        got |= add(&p[KB_PARTIAL_NEAR_EVENTS], f, max) ? KEPT : 0;
    return got;
}

/* Counts f for every reducible checkpoint of its type. A fact no
 * checkpoint and no combiner can use is freed uncounted, as keep would
 * (kb_rules_use_fact: the same tests); one another reader needs is left
 * to the caller; any other is the reduction's. */
static int offer(void *arg, kb_fact *f)
{
    reduced *r = arg;
    const kb_reducer *by = r->by;
    kb_fact_view v;
    kb_fact_view_init(&v, f);
    int needed = by->also_used && by->also_used(f), got = 0;
    if (!r->partials)
        make_partials(r);
    for (size_t i = 0; i < by->ncps; i++) {
        const kb_checkpoint *cp = by->cps[i];
        if (f->type[0] != cp->fact_type[0] || strcmp(f->type, cp->fact_type) != 0)
            continue;
        if (!by->reducible[i])
            needed = needed || kb_cp_may_use_view(cp, &v);
        else
            got |= count_for(cp, &r->partials[i * KB_PARTIAL_KINDS], &v, by->max_evidence);
    }
    if (needed) {
        f->counted = 1;
        return 0; /* it joins the run's facts; the summaries point to it there */
    }
    if (!(got & USED)) {
        kb_fact_free(f); /* nothing reads it: not one of the input's facts */
        return 1;
    }
    f->counted = 1;
    r->taken++;
    if (got & KEPT) {
        r->owned = kb_grow(r->owned, &r->capowned, r->nowned + 1, sizeof *r->owned, 64);
        r->owned[r->nowned++] = f;
    } else {
        kb_fact_free(f);
    }
    return 1;
}

static void red_free(void *arg)
{
    reduced *r = arg;
    if (!r)
        return;
    for (size_t i = 0; r->partials && i < r->by->ncps * KB_PARTIAL_KINDS; i++)
        partial_free(&r->partials[i]);
    free(r->partials);
    for (size_t i = 0; i < r->nowned; i++)
        kb_fact_free(r->owned[i]);
    free(r->owned);
    free(r);
}

static void append(void *arg, void *later_arg)
{
    reduced *r = arg, *later = later_arg;
    if (later->partials && !r->partials)
        make_partials(r);
    for (size_t i = 0; later->partials && i < r->by->ncps * KB_PARTIAL_KINDS; i++)
        merge(&r->partials[i], &later->partials[i], r->by->max_evidence);
    /* later's facts are r's now (a few beyond the evidence may stay, freed with r) */
    for (size_t i = 0; i < later->nowned; i++) {
        r->owned = kb_grow(r->owned, &r->capowned, r->nowned + 1, sizeof *r->owned, 64);
        r->owned[r->nowned++] = later->owned[i];
    }
    later->nowned = 0;
    r->taken += later->taken;
    red_free(later);
}

static int holds(const void *arg, const char *channel)
{
    const kb_reducer *by = arg;
    return !channel || !by->shared || !by->shared(channel);
}

static size_t taken(const void *arg)
{
    return ((const reduced *)arg)->taken;
}

void kb_reducer_sink(const kb_reducer *red, kb_fact_sink *out)
{
    *out = (kb_fact_sink){
        .arg = red,
        .begin = begin,
        .offer = offer,
        .append = append,
        .holds = holds,
        .taken = taken,
        .free = red_free,
    };
}

const kb_partial *kb_reduced_partial(const kb_input *in, const kb_checkpoint *cp, kb_partial_kind kind)
{
    const reduced *r = in->reduced;
    if (!r || in->reduced_free != red_free)
        return NULL;
    const kb_checkpoint **at = bsearch(&cp, r->by->cps, r->by->ncps, sizeof *r->by->cps, by_cp);
    if (!at || !r->by->reducible[at - r->by->cps])
        return NULL;
    static const kb_partial none = {.first_time = KB_TIME_NONE, .last_time = KB_TIME_NONE};
    if (!r->partials)
        return &none; /* nothing was offered: an empty summary */
    return &r->partials[(size_t)(at - r->by->cps) * KB_PARTIAL_KINDS + kind];
}
