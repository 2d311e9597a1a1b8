/* reduce.h: the engine's fact sink (core/sink.h): each checkpoint that
 * only needs a summary of its facts, evaluated on each fact of an event
 * log as the log is read, so that a rule matching most of a log's records
 * costs its evidence, not one fact per match.
 *
 * A checkpoint is reducible when what it makes of its facts is their
 * count, their times and the first --max-evidence of them, in input
 * order: no join, relation, window, group or distinct count (relations.h),
 * no "within_days" (it depends on every input's times) and no
 * "unknown_when". For each input and each reducible checkpoint the
 * reduction keeps, over the facts of the checkpoint's type: those `where`
 * selects (exact count, first and last time, the times up to
 * KB_MAX_TIMES, the first max_evidence facts, whether one is damaged), and
 * the closest facts as find_near sees them, for a near miss and for
 * events outside one. A fact is taken (freed, or kept as evidence) when no
 * other checkpoint could use it (kb_rules_use_fact's test) and no
 * combiner reads it; else it joins the run's facts as before, marked
 * counted. The engine then merges, for each input in its scope in input
 * order, the input's summary where it would have met its facts, and skips
 * the facts it counted: counts, evidence, times, summaries and closest
 * facts are those it would have found over every fact. */
#ifndef KB_REDUCE_H
#define KB_REDUCE_H

#include "core/input.h"
#include "core/sink.h"
#include "engine/times.h"
#include "rules/rule.h"

/* One checkpoint's selection (or closest facts) over one input's facts. */
typedef struct kb_partial {
    size_t count;
    int64_t first_time, last_time;
    int64_t *times;           /* at most KB_MAX_TIMES */
    size_t ntimes, captimes;
    kb_fact **facts;          /* the first max_evidence of them */
    size_t nfacts;
    int damaged;              /* one of them holds damaged values */
} kb_partial;

typedef enum kb_partial_kind {
    KB_PARTIAL_SELECTED = 0,  /* what `where` selects */
    KB_PARTIAL_NEAR,          /* closest facts, in a near miss (find_near, any facts) */
    KB_PARTIAL_NEAR_EVENTS,   /* closest facts outside a near miss (events only) */
    KB_PARTIAL_KINDS
} kb_partial_kind;

typedef struct kb_reducer {
    const kb_checkpoint **cps;    /* every checkpoint of the rules */
    unsigned char *reducible;     /* per checkpoint */
    size_t ncps;
    size_t max_evidence;
    int (*also_used)(const kb_fact *f);     /* another reader needs f (a combiner), or NULL */
    int (*shared)(const char *channel);     /* a log of that channel is shared out fact by fact */
} kb_reducer;

/* Whether the engine may take a checkpoint's result from the reductions. */
int kb_cp_reducible(const kb_checkpoint *cp);

/* 0, or -1 when no checkpoint is reducible (no sink is worth having). */
int kb_reducer_init(kb_reducer *red, const kb_ruleset *rules, size_t max_evidence,
                    int (*also_used)(const kb_fact *f), int (*shared)(const char *channel));
void kb_reducer_sink(const kb_reducer *red, kb_fact_sink *out);
void kb_reducer_free(kb_reducer *red);

/* The summary of cp's facts of that kind in an input, or NULL when the
 * input's facts were not reduced. */
const kb_partial *kb_reduced_partial(const kb_input *in, const kb_checkpoint *cp, kb_partial_kind kind);

/* Shared with engine.c. A fact asked by every checkpoint in turn, its
 * provider and event id (which most tests read first) looked up once. */
typedef struct kb_fact_view {
    const kb_fact *fact;
    const char *provider, *event_id;
} kb_fact_view;
void kb_fact_view_init(kb_fact_view *v, const kb_fact *f);
const char *kb_fact_view_get(const void *view, const char *name); /* a kb_field_getter */
/* Whether evaluating cp could look at the fact at all (kb_rules_use_fact's
 * test); whether a fact cp does not select is one of its closest facts
 * (events_only: the test that fails may not name the event); whether cp
 * has closest facts to find at all. */
int kb_cp_may_use_view(const kb_checkpoint *cp, const kb_fact_view *v);
int kb_cp_near_view(const kb_checkpoint *cp, const kb_fact_view *v, int events_only);
int kb_cp_has_near(const kb_checkpoint *cp);

#endif
