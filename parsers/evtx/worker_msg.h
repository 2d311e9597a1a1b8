/* worker_msg.h: what an isolated EVTX worker (worker.h) sends back to
 * kbscan over its pipe: the outcome of each record it was asked to decode
 * (fallback.h), and the parent's check of it. The worker decodes a hostile
 * file with a library that may be subverted by it, so nothing it sends is
 * believed before the whole message has been checked.
 *
 * The message is a sequence of records, each a 4-byte little-endian length
 * of its body and the body: one tag byte, then fields. Numbers are
 * little-endian; a string is a 4-byte length and its bytes (valid UTF-8,
 * no NUL); an optional string has the length 0xFFFFFFFF when absent.
 *   'F' a fact:     entry (4), record id (8), time (8), recovered (1), field
 *                   count (4), then name and value of each field
 *   'R' an outcome: entry (4), read (1), libevtx's reason (optional string)
 *   'E' the end, last: the decoding's status (4)
 * Entries are the indexes of the records asked about; each has one
 * outcome, and at most one fact, which only a record read can have. Facts
 * may only be "event" facts with fields the EVTX parser makes (event.h). */
#ifndef KB_WORKER_MSG_H
#define KB_WORKER_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "core/fact.h"
#include "core/status.h"
#include "core/strbuf.h"
#include "evtx/fallback.h"

#define KB_MSG_MAX_FIELDS 65536   /* fields of one fact, at most */

/* The worker's side: appends to out (out->failed tells of no memory).
 * Strings that are not valid UTF-8 are sent as kb_utf8_visible() shows them. */
void kb_worker_msg_put_outcome(kb_buf *out, uint32_t entry, const kb_evtx_outcome *o);
void kb_worker_msg_put_end(kb_buf *out, kb_status status);

/* A checked message: one outcome per entry (facts with input = the index
 * given to the check). */
typedef struct kb_worker_result {
    kb_evtx_outcome *outcomes;
    size_t n;
    kb_status status;
} kb_worker_result;

/* Checks and decodes a whole message answering nentries entries. 0, or -1
 * with the reason (and the byte offset) in err; then out holds nothing. */
int kb_worker_msg_read(const unsigned char *data, size_t len, size_t input_index, size_t nentries,
                       kb_worker_result *out, char *err, size_t errlen);
void kb_worker_result_free(kb_worker_result *r);

#endif
