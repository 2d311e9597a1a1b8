/* registry.c: the combiner passes in the order they run, the fact types
 * they derive, and the helpers they share (see combiners.h). */
#include "combiners/combiners.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

extern const kb_combiner kb_combiner_latest;
extern const kb_combiner kb_combiner_host;
extern const kb_combiner kb_combiner_log_cleared;
extern const kb_combiner kb_combiner_log_coverage;

extern const char *const kb_host_fields[];
extern const char *const kb_host_input_fields[];
extern const char *const kb_host_unassigned_fields[];
extern const char *const kb_log_cleared_fields[];
extern const char *const kb_log_coverage_fields[];

const kb_combiner *const *kb_combiners(void)
{
    /* latest after host (runs are compared within a computer), before the
     * rest: they see the runs as the bundle orders them; log.coverage counts
     * the log.cleared facts of each log: after it. */
    static const kb_combiner *const passes[] = {
        &kb_combiner_host,
        &kb_combiner_latest,
        &kb_combiner_log_cleared,
        &kb_combiner_log_coverage,
        NULL,
    };
    return passes;
}

const struct kb_fact_decl *kb_derived_facts(void)
{
    static const kb_fact_decl decls[] = {
        {KB_FACT_HOST, kb_host_fields},
        {KB_FACT_HOST_INPUT, kb_host_input_fields},
        {KB_FACT_HOST_UNASSIGNED, kb_host_unassigned_fields},
        {KB_FACT_LOG_CLEARED, kb_log_cleared_fields},
        {KB_FACT_LOG_COVERAGE, kb_log_coverage_fields},
        {NULL, NULL},
    };
    return decls;
}

kb_status kb_combine(const kb_inputs *inputs, kb_factlist *facts)
{
    kb_combine_ctx ctx = {.inputs = inputs, .facts = facts};
    for (const kb_combiner *const *p = kb_combiners(); *p; p++) {
        kb_status st = (*p)->run(&ctx);
        if (st != KB_OK)
            return st;
    }
    return KB_OK;
}

int kb_combiners_use_fact(const kb_fact *fact)
{
    for (const kb_combiner *const *p = kb_combiners(); *p; p++)
        for (const char *const *t = (*p)->reads; t && *t; t++)
            if (strcmp(*t, fact->type) == 0 && (!(*p)->uses || (*p)->uses(fact)))
                return 1;
    return 0;
}

int kb_combiners_interest(kb_interest *interest)
{
    for (const kb_combiner *const *p = kb_combiners(); *p; p++)
        if ((*p)->interest && (*p)->interest(interest) != 0)
            return -1;
    return 0;
}

kb_fact *kb_derived_fact(kb_combine_ctx *ctx, const char *type, size_t input)
{
    kb_fact *f = kb_fact_new(type, input);
    return f && kb_factlist_add(ctx->facts, f) == 0 ? f : NULL;
}

void kb_derived_set(kb_fact *fact, const char *name, const char *value, int *failed)
{
    if (kb_fact_set(fact, name, value) != 0)
        *failed = 1;
}

void kb_derived_setf(kb_fact *fact, int *failed, const char *name, const char *fmt, ...)
{
    kb_buf b = KB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.failed || kb_fact_set(fact, name, kb_buf_str(&b)) != 0)
        *failed = 1;
    kb_buf_free(&b);
}
