/* evtx.h: the event log source (parsers/evtx/evtx.c): Windows event logs
 * (.evtx) read from an input handle. kbscan reads a log itself (read.h):
 * its own walk of the container finds every record, its own BinXml
 * decoder reads each record's System element and decodes the records a
 * rule wants into event facts. libevtx is asked only about the records
 * kbscan's decoder cannot read (fallback.h), in an isolated worker process
 * (worker.h) when the parse context has workers. What the reading shows is
 * judged (damage.h): damage is lost or unreadable records, named. */
#ifndef KB_EVTX_H
#define KB_EVTX_H

#include "source/handle.h"
#include "source/source.h"

/* Whether the first bytes are an event log's: 100 for its signature, less
 * for a header whose signature is damaged but whose layout is that of an
 * EVTX header (its chunks may be intact); 0 otherwise. */
int kb_evtx_sniff(const unsigned char *head, size_t len);
/* Whether a file whose first bytes kb_evtx_sniff does not know holds a
 * chunk where an event log's first chunk starts (the file header damaged
 * in any field, or overwritten): 50, else 0. */
int kb_evtx_sniff_deep(const kb_input_handle *h);
kb_status kb_evtx_parse(const kb_input_handle *h, kb_parse_ctx *ctx);

/* An event log feeds KB_EVTX_FEED_PREFIX + its channel ("eventlog:System"). */
#define KB_EVTX_FEED_PREFIX "eventlog:"

/* The counts a log reports (kb_input.counts; declared in evtx.c). */
enum {
    KB_EVTX_RECORDS = 0,  /* records read (their System element at least) */
    KB_EVTX_USED,         /* records decoded into facts */
    KB_EVTX_RECOVERED,    /* records read from free space (none: kbscan does not read it) */
    KB_EVTX_FAILED,       /* records found but read by neither decoder */
    KB_EVTX_NCOUNTS
};

/* The source (registry.c). */
extern const kb_source kb_source_evtx;

/* The isolation test hook (README, "Crash isolation"):
 * KBSCAN_TEST_WORKER_CRASH=MODE:TEXT sends every record of each log whose
 * name contains TEXT to an isolated worker, which then fails in MODE. */
#define KB_EVTX_TEST_HOOK "KBSCAN_TEST_WORKER_CRASH"

#endif
