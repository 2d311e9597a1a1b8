/* log_coverage.c: the `log.coverage` pass: one fact per event log, saying
 * what stretch of the log's history the bundle holds: its channel, its time
 * and record-id ranges, how many records, whether it wrapped (its first
 * record id is above 1: older records were overwritten, or left out of an
 * export), the record ids missing between its first and last in an intact
 * log (gaps), and how many log-clearing events it holds. */
#include "combiners/combiners.h"
#include "core/alloc.h"

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

static uint64_t u64_of(const kb_fact *f, const char *name)
{
    const char *v = f ? kb_fact_get(f, name) : NULL;
    return v ? strtoull(v, NULL, 10) : 0;
}

static int64_t time_of(const kb_fact *f, const char *name, int64_t fallback)
{
    const char *v = f ? kb_fact_get(f, name) : NULL;
    int64_t t;
    return v && kb_time_parse(v, &t) == 0 ? t : fallback;
}

/* The extent of input i, from what its parser says of the log as a whole
 * (the `log.extent` fact: records walked, record-id and time ranges,
 * channel); a log whose container could not be walked has none, and then
 * only what the input says of itself (channel, time range) is known. */
static log_extent extent_of(const kb_combine_ctx *ctx, size_t i, const kb_fact *log)
{
    const kb_input *in = &ctx->inputs->items[i];
    const char *channel = log ? kb_fact_get(log, "channel") : NULL;
    log_extent e = {
        .channel = channel ? channel : in->channel,
        .records = u64_of(log, "records"),
        .first_record = u64_of(log, "first_record"),
        .last_record = u64_of(log, "last_record"),
        .first_time = time_of(log, "first_time", in->first_time),
        .last_time = time_of(log, "last_time", in->last_time),
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

static int add_coverage(kb_combine_ctx *ctx, size_t i, size_t cleared, const kb_fact *log)
{
    const kb_input *in = &ctx->inputs->items[i];
    log_extent e = extent_of(ctx, i, log);
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
    size_t *cleared = kb_xcalloc(inputs->n + 1, sizeof *cleared);
    const kb_fact **log = kb_xcalloc(inputs->n + 1, sizeof *log);
    for (size_t i = 0; i < ctx->facts->n; i++) {
        const kb_fact *f = ctx->facts->items[i];
        if (f->input >= inputs->n)
            continue;
        if (strcmp(f->type, KB_FACT_LOG_CLEARED) == 0)
            cleared[f->input]++;
        else if (strcmp(f->type, KB_FACT_LOG_EXTENT) == 0)
            log[f->input] = f;
    }
    kb_status st = KB_OK;
    for (size_t i = 0; i < inputs->n && st == KB_OK; i++)
        if (kb_input_is_log(&inputs->items[i]) && add_coverage(ctx, i, cleared[i], log[i]) != 0)
            st = KB_ERR_NOMEM;
    free(cleared);
    free(log);
    return st;
}

static const char *const reads[] = {KB_FACT_LOG_EXTENT, NULL};

const kb_combiner kb_combiner_log_coverage = {
    .name = KB_FACT_LOG_COVERAGE,
    .run = derive_coverage,
    .reads = reads,
    .interest = NULL,
};
