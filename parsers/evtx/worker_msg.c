/* worker_msg.c: the isolated EVTX worker's message, written and checked
 * (see worker_msg.h). */
#include "evtx/worker_msg.h"
#include "core/alloc.h"
#include "evtx/event.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ABSENT 0xFFFFFFFFu

/* ---- writing (in the worker) ---- */

static void put_u32(kb_buf *out, uint32_t v)
{
    char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (char)(v >> (8 * i));
    kb_buf_append(out, b, 4);
}

static void put_u64(kb_buf *out, uint64_t v)
{
    put_u32(out, (uint32_t)v);
    put_u32(out, (uint32_t)(v >> 32));
}

static void put_string(kb_buf *out, const char *s)
{
    if (!s) {
        put_u32(out, ABSENT);
        return;
    }
    size_t n = strlen(s);
    char *clean = NULL;
    for (size_t i = 0, len; i < n; i += len)
        if ((len = kb_utf8_valid_len((const unsigned char *)s + i, n - i)) == 0) {
            clean = kb_utf8_visible(s);
            if (!clean) {
                out->failed = 1;
                return;
            }
            s = clean;
            n = strlen(s);
            break;
        }
    put_u32(out, (uint32_t)n);
    kb_buf_append(out, s, n);
    free(clean);
}

/* Starts a record: its length is filled in by end_record(). */
static size_t begin_record(kb_buf *out, char tag)
{
    size_t at = out->len;
    put_u32(out, 0);
    kb_buf_putc(out, tag);
    return at;
}

static void end_record(kb_buf *out, size_t at)
{
    if (out->failed)
        return;
    uint32_t n = (uint32_t)(out->len - at - 4);
    for (int i = 0; i < 4; i++)
        out->data[at + (size_t)i] = (char)(n >> (8 * i));
}

static void put_fact(kb_buf *out, uint32_t entry, const kb_fact *fact)
{
    size_t at = begin_record(out, 'F');
    put_u32(out, entry);
    put_u64(out, fact->record);
    put_u64(out, (uint64_t)fact->time);
    kb_buf_putc(out, (char)(fact->recovered != 0));
    put_u32(out, (uint32_t)fact->nfields);
    for (size_t i = 0; i < fact->nfields; i++) {
        put_string(out, fact->fields[i].name);
        put_string(out, fact->fields[i].value);
    }
    end_record(out, at);
}

void kb_worker_msg_put_outcome(kb_buf *out, uint32_t entry, const kb_evtx_outcome *o)
{
    if (o->fact)
        put_fact(out, entry, o->fact);
    size_t at = begin_record(out, 'R');
    put_u32(out, entry);
    kb_buf_putc(out, (char)(o->read != 0));
    put_string(out, o->why);
    end_record(out, at);
}

void kb_worker_msg_put_end(kb_buf *out, kb_status status)
{
    size_t at = begin_record(out, 'E');
    put_u32(out, (uint32_t)status);
    end_record(out, at);
}

/* ---- checking (in kbscan) ---- */

/* A cursor over one record's body; the first failure sticks, with the
 * offset of the record in the message. */
typedef struct reader {
    const unsigned char *p;
    size_t left;
    size_t record_at;
    const char *error;
} reader;

static int fail(reader *r, const char *why)
{
    if (!r->error)
        r->error = why;
    return -1;
}

static int get_bytes(reader *r, void *out, size_t n)
{
    if (r->error || r->left < n)
        return fail(r, "a record ends inside a field");
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return 0;
}

static uint32_t get_u32(reader *r)
{
    unsigned char b[4] = {0};
    get_bytes(r, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t get_u64(reader *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

static unsigned get_u8(reader *r)
{
    unsigned char b = 0;
    get_bytes(r, &b, 1);
    return b;
}

/* A string: valid UTF-8 without NUL; *absent set for an absent optional one. */
static char *get_string(reader *r, int optional)
{
    uint32_t n = get_u32(r);
    if (r->error)
        return NULL;
    if (n == ABSENT) {
        if (!optional)
            fail(r, "a required string is absent");
        return NULL;
    }
    if (n > r->left) {
        fail(r, "a string is longer than its record");
        return NULL;
    }
    for (size_t i = 0, len; i < n; i += len) {
        len = kb_utf8_valid_len(r->p + i, n - i);
        if (len == 0 || r->p[i] == 0) {
            fail(r, len ? "a string holds a NUL byte" : "a string is not valid UTF-8");
            return NULL;
        }
    }
    char *s = kb_strndup((const char *)r->p, n);
    if (!s)
        fail(r, "out of memory");
    r->p += n;
    r->left -= n;
    return s;
}

/* One fact, for the entry it comes first with. */
static int read_fact(reader *r, size_t input_index, size_t nentries, kb_worker_result *out)
{
    uint32_t entry = get_u32(r);
    if (!r->error && entry >= nentries)
        return fail(r, "a fact of a record not asked about");
    if (!r->error && (out->outcomes[entry].fact || out->outcomes[entry].read || out->outcomes[entry].why))
        return fail(r, "a fact after its record's outcome, or twice");
    kb_fact *f = kb_fact_new("event", input_index);
    f->record = get_u64(r);
    f->time = (int64_t)get_u64(r);
    unsigned recovered = get_u8(r);
    uint32_t nfields = get_u32(r);
    if (!r->error && recovered > 1)
        fail(r, "a fact's recovered flag is neither 0 nor 1");
    if (!r->error && nfields > KB_MSG_MAX_FIELDS)
        fail(r, "a fact has too many fields");
    f->recovered = (int)recovered;
    for (uint32_t i = 0; i < nfields && !r->error; i++) {
        char *name = get_string(r, 0);
        char *value = get_string(r, 0);
        if (!r->error && !kb_evtx_event_field_ok(name))
            fail(r, "a fact has a field the EVTX parser does not make");
        if (!r->error && kb_fact_get(f, name))
            fail(r, "a fact has a field twice");
        if (!r->error)
            kb_fact_set(f, name, value);
        free(name);
        free(value);
    }
    static const char *const required[] = {"provider", "event_id", "channel", "computer", "data", "strings"};
    for (size_t i = 0; i < sizeof required / sizeof *required && !r->error; i++)
        if (!kb_fact_get(f, required[i]))
            fail(r, "a fact lacks a field every event has");
    if (r->error) {
        kb_fact_free(f);
        return -1;
    }
    out->outcomes[entry].fact = f;
    return 0;
}

static int read_outcome(reader *r, size_t nentries, kb_worker_result *out, unsigned char *answered)
{
    uint32_t entry = get_u32(r);
    unsigned read = get_u8(r);
    if (!r->error && entry >= nentries)
        return fail(r, "an outcome of a record not asked about");
    if (!r->error && answered[entry])
        return fail(r, "two outcomes of one record");
    if (!r->error && read > 1)
        return fail(r, "an outcome neither read nor failed");
    char *why = get_string(r, 1);
    if (r->error) {
        free(why);
        return -1;
    }
    if (!read && !why)
        why = kb_strdup("libevtx gives no reason");
    if (!read && out->outcomes[entry].fact) {
        free(why);
        return fail(r, "a fact of a record not read");
    }
    out->outcomes[entry].read = (int)read;
    out->outcomes[entry].why = why;
    answered[entry] = 1;
    return 0;
}

int kb_worker_msg_read(const unsigned char *data, size_t len, size_t input_index, size_t nentries,
                       kb_worker_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->outcomes = kb_xcalloc(nentries + 1, sizeof *out->outcomes);
    out->n = nentries;
    unsigned char *answered = kb_xcalloc(nentries + 1, 1);
    reader whole = {data, len, 0, NULL};
    int ended = 0;
    size_t outcomes = 0;
    while (whole.left && !whole.error) {
        size_t at = len - whole.left;
        if (ended) {
            fail(&whole, "something follows the end record");
            break;
        }
        uint32_t n = get_u32(&whole);
        if (whole.error || n == 0 || n > whole.left) {
            whole.error = NULL;
            fail(&whole, n == 0 ? "an empty record" : "a record is longer than the message");
            whole.record_at = at;
            break;
        }
        reader r = {whole.p, n, at, NULL};
        whole.p += n;
        whole.left -= n;
        unsigned tag = get_u8(&r);
        if (tag == 'F')
            read_fact(&r, input_index, nentries, out);
        else if (tag == 'R')
            outcomes += read_outcome(&r, nentries, out, answered) == 0;
        else if (tag == 'E') {
            uint32_t status = get_u32(&r);
            if (!r.error && status != KB_OK && status != KB_ERR_IO)
                fail(&r, "the status is not one a decoding can end with");
            out->status = (kb_status)status;
            ended = 1;
        } else
            fail(&r, "a record of an unknown kind");
        if (!r.error && r.left)
            fail(&r, "a record is longer than its fields");
        if (r.error) {
            whole.error = r.error;
            whole.record_at = at;
        }
    }
    if (!whole.error && (!ended || outcomes != nentries))
        fail(&whole, ended ? "a record asked about has no outcome" : "the message ends before its end record"),
            whole.record_at = len;
    free(answered);
    if (whole.error) {
        snprintf(err, errlen, "%s (at byte %zu of %zu)", whole.error, whole.record_at, len);
        kb_worker_result_free(out);
        return -1;
    }
    return 0;
}

void kb_worker_result_free(kb_worker_result *r)
{
    kb_evtx_outcomes_free(r->outcomes, r->n);
    free(r->outcomes);
    memset(r, 0, sizeof *r);
}
