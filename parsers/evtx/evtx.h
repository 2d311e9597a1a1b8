/* evtx.h: the event log source (parsers/evtx/evtx.c): Windows event logs
 * (.evtx) read from an input handle. Parsing is a plan, then a decoding:
 * the plan is kbscan's own walk of the container (damage, counts, the
 * prefilter's candidates, layout.h); the decoding is libevtx's, done in an
 * isolated worker process (worker.h) when the parse context has workers. */
#ifndef KB_EVTX_H
#define KB_EVTX_H

#include "evtx/layout.h"
#include "source/handle.h"
#include "source/source.h"

int kb_evtx_sniff(const unsigned char *head, size_t len);
/* The plan, the decoding (isolated when ctx->workers), the log's summary. */
kb_status kb_evtx_parse(const kb_input_handle *h, kb_parse_ctx *ctx);

/* An event log feeds KB_EVTX_FEED_PREFIX + its channel ("eventlog:System"). */
#define KB_EVTX_FEED_PREFIX "eventlog:"

/* The counts a log reports (kb_input.counts; declared in evtx.c). */
enum {
    KB_EVTX_RECORDS = 0,  /* records in the log (libevtx's count, or the walk's for a slice) */
    KB_EVTX_USED,         /* records decoded into facts */
    KB_EVTX_RECOVERED,    /* records libevtx recovered from free space */
    KB_EVTX_FAILED,       /* records libevtx could not read */
    KB_EVTX_NCOUNTS
};

/* The source (registry.c). */
extern const kb_source kb_source_evtx;

typedef struct kb_evtx_plan {
    kb_evtx_layout layout;
    kb_evtx_prefilter pf;
} kb_evtx_plan;

/* Walks the container. KB_OK (then kb_evtx_plan_free() the plan), or an
 * error already recorded on ctx->input (the input is done). */
kb_status kb_evtx_plan_input(const kb_input_handle *h, kb_parse_ctx *ctx, kb_evtx_plan *plan);
/* Decodes with libevtx what the plan says; frees nothing of the plan. */
kb_status kb_evtx_decode(const kb_input_handle *h, kb_parse_ctx *ctx, kb_evtx_plan *plan);
void kb_evtx_plan_free(kb_evtx_plan *plan);
/* Sets the stage of a decoding (ctx->stage may be NULL). */
void kb_evtx_stage(const kb_parse_ctx *ctx, kb_decode_step step, int64_t record);

#endif
