/* log_fact.h: the `log.extent` fact an event log's parser gives (what the
 * log holds: record headers walked, lowest and highest record id), made by
 * hand for tests of what is derived from it (combiners, coverage, views).
 * Times are left to the input's own range, as a parser without them would. */
#ifndef KB_TEST_LOG_FACT_H
#define KB_TEST_LOG_FACT_H

#include <stdint.h>

#include "core/fact.h"

static inline void add_evtx_log(kb_factlist *facts, size_t input, const char *channel,
                                uint64_t first_record, uint64_t last_record, uint64_t records)
{
    kb_fact *f = kb_fact_new("log.extent", input);
    if (channel)
        kb_fact_set(f, "channel", channel);
    kb_fact_setf(f, "records", "%llu", (unsigned long long)records);
    if (records) {
        kb_fact_setf(f, "first_record", "%llu", (unsigned long long)first_record);
        kb_fact_setf(f, "last_record", "%llu", (unsigned long long)last_record);
    }
    kb_factlist_add(facts, f);
}

#endif
