/* worker_msg.h: what an isolated EVTX worker (worker.h) sends back to
 * kbscan over its pipe, and the parent's check of it. The worker decodes a
 * hostile file with a library that may be subverted by it, so nothing it
 * sends is believed before the whole message has been checked.
 *
 * The message is a sequence of records, each a 4-byte little-endian length
 * of its body and the body: one tag byte, then fields. Numbers are
 * little-endian; a string is a 4-byte length and its bytes (valid UTF-8,
 * no NUL); an optional string has the length 0xFFFFFFFF when absent.
 *   'F' a fact:  record id (8), time (8), recovered (1), field count (4),
 *                then name and value of each field
 *   'N' a note:  where (optional string), message
 *   'I' the input, once, after the facts and notes: state (1), message,
 *                computer, channel (optional strings), the counts an event
 *                log reports (KB_EVTX_NCOUNTS of them, in the order evtx.h
 *                gives: records, records_used, records_recovered,
 *                records_failed), facts, notes_dropped (8 each), feed
 *                count (1), the feeds
 *   'E' the end, last: the decoding's status (4)
 * Facts may only be "event" facts with the fields the EVTX parser makes;
 * feeds only event-log feeds, "eventlog:*" (any log) only on a damaged or
 * failed input. */
#ifndef KB_WORKER_MSG_H
#define KB_WORKER_MSG_H

#include <stddef.h>

#include "core/fact.h"
#include "core/input.h"
#include "core/status.h"
#include "core/strbuf.h"

#define KB_MSG_MAX_FIELDS 65536   /* fields of one fact, at most */

/* The worker's side: appends to out (out->failed tells of no memory).
 * Strings that are not valid UTF-8 are sent as kb_utf8_visible() shows them. */
void kb_worker_msg_put_fact(kb_buf *out, const kb_fact *fact);
void kb_worker_msg_put_notes(kb_buf *out, const kb_input *in);
void kb_worker_msg_put_input(kb_buf *out, const kb_input *in);
void kb_worker_msg_put_end(kb_buf *out, kb_status status);

/* A checked message. */
typedef struct kb_worker_result {
    kb_input input;       /* the worker's view of the input: notes, counts, state */
    kb_factlist facts;    /* with input = the index given to the check */
    kb_status status;
} kb_worker_result;

/* Checks and decodes a whole message. 0, or -1 with the reason (and the
 * byte offset) in err; then out holds nothing. */
int kb_worker_msg_read(const unsigned char *data, size_t len, size_t input_index, kb_worker_result *out,
                       char *err, size_t errlen);
/* Moves a checked result onto the parent's input and fact list (notes and
 * state as if the parent had decoded the file itself). 0, or -1 out of memory. */
int kb_worker_result_apply(kb_worker_result *r, kb_input *in, kb_factlist *facts);
void kb_worker_result_free(kb_worker_result *r);

#endif
