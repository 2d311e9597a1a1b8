/* log_coverage.c: the `log.coverage` pass: one fact per event log, saying
 * what stretch of the log's history the bundle holds: its channel, its time
 * and record-id ranges, how many records, whether it wrapped (its first
 * record id is above 1: older records were overwritten, or left out of an
 * export), the record ids missing between its first and last in an intact
 * log (gaps), and how many log-clearing events it holds. */
#include "combiners/combiners.h"

#include <stdlib.h>
#include <string.h>

const char *const kb_log_coverage_fields[] = {
    "channel", "records", "first_record", "last_record", "first_time", "last_time",
    "wrapped", "gaps", "cleared", NULL,
};

/* What a log says of its own extent. */
typedef struct log_extent {
    const char *channel;             /* NULL when unknown */
    uint64_t records;                /* record headers walked, decoded or not */
    uint64_t first_record, last_record;
    int64_t first_time, last_time;   /* KB_TIME_NONE when unknown */
} log_extent;

/* The extent of input i, read from the EVTX counters the scan left on the
 * input (records walked, record-id range, time range, channel). This is
 * the one place that reads them: it is replaced by reading the parser's
 * `evtx.log` fact of the log (channel, computer, records, first_record,
 * last_record, first_time, last_time) when the parser gives one. */
static log_extent extent_of(const kb_combine_ctx *ctx, size_t i)
{
    const kb_input *in = &ctx->inputs->items[i];
    log_extent e = {
        .channel = in->channel,
        .records = in->records_walked,
        .first_record = in->first_record,
        .last_record = in->last_record,
        .first_time = in->first_time,
        .last_time = in->last_time,
    };
    return e;
}

static void set_time(kb_fact *f, const char *name, int64_t t, int *failed)
{
    char buf[40];
    if (t == KB_TIME_NONE)
        return;
    kb_time_format(t, buf, sizeof buf);
    kb_derived_set(f, name, buf, failed);
}

static int add_coverage(kb_combine_ctx *ctx, size_t i, size_t cleared)
{
    const kb_input *in = &ctx->inputs->items[i];
    log_extent e = extent_of(ctx, i);
    kb_fact *f = kb_derived_fact(ctx, KB_FACT_LOG_COVERAGE, i);
    if (!f)
        return -1;
    int failed = 0;
    kb_derived_set(f, "channel", e.channel, &failed);
    kb_derived_setf(f, &failed, "records", "%llu", (unsigned long long)e.records);
    if (e.records) {
        kb_derived_setf(f, &failed, "first_record", "%llu", (unsigned long long)e.first_record);
        kb_derived_setf(f, &failed, "last_record", "%llu", (unsigned long long)e.last_record);
        kb_derived_set(f, "wrapped", e.first_record > 1 ? "yes" : "no", &failed);
        /* In a damaged log, records lost are damage (said on the input),
         * not gaps. */
        uint64_t span = e.last_record >= e.first_record ? e.last_record - e.first_record + 1 : 0;
        if (in->state == KB_INPUT_OK)
            kb_derived_setf(f, &failed, "gaps", "%llu",
                            (unsigned long long)(span > e.records ? span - e.records : 0));
    }
    set_time(f, "first_time", e.first_time, &failed);
    set_time(f, "last_time", e.last_time, &failed);
    kb_derived_setf(f, &failed, "cleared", "%zu", cleared);
    f->time = e.first_time;
    return failed ? -1 : 0;
}

static kb_status derive_coverage(kb_combine_ctx *ctx)
{
    const kb_inputs *inputs = ctx->inputs;
    size_t *cleared = calloc(inputs->n + 1, sizeof *cleared);
    if (!cleared)
        return KB_ERR_NOMEM;
    for (size_t i = 0; i < ctx->facts->n; i++) {
        const kb_fact *f = ctx->facts->items[i];
        if (f->input < inputs->n && strcmp(f->type, KB_FACT_LOG_CLEARED) == 0)
            cleared[f->input]++;
    }
    kb_status st = KB_OK;
    for (size_t i = 0; i < inputs->n && st == KB_OK; i++)
        if (kb_input_is_log(&inputs->items[i]) && add_coverage(ctx, i, cleared[i]) != 0)
            st = KB_ERR_NOMEM;
    free(cleared);
    return st;
}

const kb_combiner kb_combiner_log_coverage = {
    .name = KB_FACT_LOG_COVERAGE,
    .run = derive_coverage,
    .interest = NULL,
};
