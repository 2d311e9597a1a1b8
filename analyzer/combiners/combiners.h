/* combiners.h: derived facts. After the scan and before the rules, passes
 * derive facts from facts and from what the inputs say of themselves: the
 * computer the bundle comes from (host), each event log's coverage
 * (log.coverage) and each log-clearing event read right (log.cleared).
 *
 * One pass revises instead: of several runs of one command in a bundle,
 * only the one taken last stays `latest` (latest.c).
 *
 * Rules test derived facts like any other (input "derived", core/derived.h);
 * coverage and the reports read these, never a parser's own facts. Each
 * pass is one file; registry.c lists them in the order they run, and a pass
 * sees the facts of the passes before it. */
#ifndef KB_COMBINERS_H
#define KB_COMBINERS_H

#include "core/derived.h"
#include "core/fact.h"
#include "core/input.h"
#include "core/interest.h"
#include "core/status.h"
#include "core/strbuf.h"

typedef struct kb_combine_ctx {
    const kb_inputs *inputs;
    kb_factlist *facts;        /* every fact so far; derived facts are appended */
} kb_combine_ctx;

typedef struct kb_combiner {
    const char *name;                         /* e.g. "host" */
    kb_status (*run)(kb_combine_ctx *ctx);    /* KB_OK, or KB_ERR_NOMEM */
    /* Events the pass reads whatever the rules, for the EVTX prefilter; or
     * NULL. 0 on success. */
    int (*interest)(kb_interest *interest);
    /* The fact types it reads (NULL-terminated, or NULL): the scan keeps
     * them whatever the rules ... */
    const char *const *reads;
    /* ... or, when set, only the facts of those types this says it reads
     * (log.cleared reads two events, not every event a rule keeps). */
    int (*uses)(const kb_fact *fact);
    /* A pass that makes no facts of its own but revises one field of the
     * parsers' facts across inputs (latest.c: "latest"), or NULL. */
    const char *revises;
} kb_combiner;

/* The passes, in the order they run, NULL-terminated. */
const kb_combiner *const *kb_combiners(void);

/* Runs every pass over the facts of a scan. KB_OK, or KB_ERR_NOMEM (the
 * derived facts are then incomplete: no verdict may rest on them). */
kb_status kb_combine(const kb_inputs *inputs, kb_factlist *facts);

/* Whether some pass reads this fact. */
int kb_combiners_use_fact(const kb_fact *fact);

/* Adds the events the passes read to the rules' interest. 0 on success. */
int kb_combiners_interest(kb_interest *interest);

/* The derived fact types with their fields, ending with {NULL, NULL}, for
 * `kbscan rules check` (kb_fact_decl, core/fact.h). */
const kb_fact_decl *kb_derived_facts(void);

/* A new derived fact about one input, appended to ctx->facts; NULL when out
 * of memory. Derived facts are not counted among the input's own facts. */
kb_fact *kb_derived_fact(kb_combine_ctx *ctx, const char *type, size_t input);

/* Sets field name to value (or to the printf-style text), remembering a
 * failure in *failed, so that a pass checks once at its end. */
void kb_derived_set(kb_fact *fact, const char *name, const char *value, int *failed);
KB_PRINTF(4, 5) void kb_derived_setf(kb_fact *fact, int *failed, const char *name, const char *fmt, ...);

#endif
