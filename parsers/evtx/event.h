/* event.h: the "event" fact of one record (docs/facts.md), made from what
 * kbscan's BinXml decoder read (binxml.h), or, for a record only libevtx
 * could read, from libevtx's strings (fallback.c). Both give the same
 * fields for the same record:
 *
 *   provider, event_id, qualifiers, level, channel, computer: the System
 *     fields (provider: the EventSourceName, else the Provider Name, as
 *     libevtx's "source name"; event_id without the severity bits above
 *     the low 16 that classic events carry);
 *   data1..N, data, strings: the values substituted into the payload, in
 *     order (EventData, else ProcessingErrorData, else UserData), as
 *     libevtx lists them, the EventData <Binary> left out;
 *   binary (hex), binary_text, binary_utf16, and what a Binary says for
 *     some providers (service, service_state; io_error_code, io_final_status);
 *   data:<Name> for every named value, payload (which element holds the
 *     values), provider_name (the Provider Name when it is not the provider).
 */
#ifndef KB_EVTX_EVENT_H
#define KB_EVTX_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/fact.h"
#include "evtx/binxml.h"

/* The provider as rules see it: EventSourceName, else Provider Name. */
const char *kb_evtx_provider(const kb_binxml_record *r);

/* The fact of a decoded record; channel is the log's, used when the record
 * names none. The caller sets record, time and recovered. */
kb_fact *kb_evtx_event_fact(const kb_binxml_record *r, size_t input, const char *channel);

/* The fields a <Binary> gives (binary and what follows from it), from its
 * hex form, for a record of provider and event_id. */
void kb_evtx_event_binary(kb_fact *f, const char *hex, const char *provider, uint32_t event_id);

/* The fields every event fact carries, the NULL-terminated list declared in
 * the source's kb_fact_decl (names ending in '#' or ':*' stand for families). */
extern const char *const kb_evtx_event_fields[];

/* Whether name is a field an event fact may carry (checked on what an
 * isolated worker sends back). */
int kb_evtx_event_field_ok(const char *name);

#endif
