/* worker_msg.c: the isolated EVTX worker's message, written and checked
 * (see worker_msg.h). */
#include "evtx/worker_msg.h"
#include "evtx/evtx.h"

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

void kb_worker_msg_put_fact(kb_buf *out, const kb_fact *fact)
{
    size_t at = begin_record(out, 'F');
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

void kb_worker_msg_put_notes(kb_buf *out, const kb_input *in)
{
    for (size_t i = 0; i < in->nnotes; i++) {
        size_t at = begin_record(out, 'N');
        put_string(out, in->notes[i].where);
        put_string(out, in->notes[i].message ? in->notes[i].message : "");
        end_record(out, at);
    }
}

void kb_worker_msg_put_input(kb_buf *out, const kb_input *in)
{
    size_t at = begin_record(out, 'I');
    kb_buf_putc(out, (char)in->state);
    put_string(out, in->message);
    put_string(out, in->computer);
    put_string(out, in->channel);
    for (size_t k = 0; k < KB_EVTX_NCOUNTS; k++)
        put_u64(out, in->counts[k]);
    put_u64(out, in->facts);
    put_u64(out, in->notes_dropped);
    kb_buf_putc(out, (char)in->nfeeds);
    for (size_t i = 0; i < in->nfeeds; i++)
        put_string(out, in->feeds[i]);
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

/* The fields an EVTX event fact may have (parsers/evtx/evtx.c). */
static int event_field_name(const char *name)
{
    static const char *const names[] = {"provider", "event_id", "qualifiers", "level", "channel",
                                        "computer", "data", "strings", "binary", "binary_text",
                                        "service", "service_state"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    if (strncmp(name, "data", 4) != 0 || name[4] < '1' || name[4] > '9')
        return 0;
    size_t digits = strspn(name + 4, "0123456789");
    return name[4 + digits] == '\0' && digits <= 5;
}

static int read_fact(reader *r, size_t input_index, kb_factlist *facts)
{
    kb_fact *f = kb_fact_new("event", input_index);
    if (!f)
        return fail(r, "out of memory");
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
        if (!r->error && !event_field_name(name))
            fail(r, "a fact has a field the EVTX parser does not make");
        if (!r->error && kb_fact_get(f, name))
            fail(r, "a fact has a field twice");
        if (!r->error && kb_fact_set(f, name, value) != 0)
            fail(r, "out of memory");
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
    if (kb_factlist_add(facts, f) != 0)
        return fail(r, "out of memory");
    return 0;
}

static int read_note(reader *r, kb_input *in)
{
    if (in->nnotes >= KB_MAX_NOTES)
        return fail(r, "more notes than a file may have");
    char *where = get_string(r, 1);
    char *message = get_string(r, 0);
    if (!r->error)
        kb_input_note(in, where, "%s", message);
    free(where);
    free(message);
    return r->error ? -1 : 0;
}

static int read_input(reader *r, kb_input *in)
{
    unsigned state = get_u8(r);
    if (!r->error && state != KB_INPUT_OK && state != KB_INPUT_DAMAGED && state != KB_INPUT_ERROR)
        return fail(r, "the input's state is not one a decoding can leave");
    in->state = (kb_input_state)state;
    in->message = get_string(r, 1);
    in->computer = get_string(r, 1);
    in->channel = get_string(r, 1);
    for (size_t k = 0; k < KB_EVTX_NCOUNTS; k++)
        in->counts[k] = get_u64(r);
    in->facts = get_u64(r);
    in->notes_dropped = get_u64(r);
    unsigned nfeeds = get_u8(r);
    if (!r->error && nfeeds > KB_MAX_FEEDS)
        return fail(r, "the input has too many feeds");
    for (unsigned i = 0; i < nfeeds && !r->error; i++) {
        char *feed = get_string(r, 0);
        if (!r->error && (strncmp(feed, "eventlog:", 9) != 0 || strlen(feed) > 256))
            fail(r, "a feed is not an event-log feed");
        /* "eventlog:*" (any log) stands for a log whose channel damage hid. */
        if (!r->error && state == KB_INPUT_OK && strcmp(feed + strlen(feed) - 2, ":*") == 0)
            fail(r, "a feed for any log on an input that is not damaged");
        if (!r->error)
            in->feeds[in->nfeeds++] = feed;
        else
            free(feed);
    }
    return r->error ? -1 : 0;
}

int kb_worker_msg_read(const unsigned char *data, size_t len, size_t input_index, kb_worker_result *out,
                       char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->input.first_time = out->input.last_time = KB_TIME_NONE;
    reader whole = {data, len, 0, NULL};
    int have_input = 0, ended = 0;
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
        if (have_input && tag != 'E')
            fail(&r, "a record follows the input record");
        else if (tag == 'F')
            read_fact(&r, input_index, &out->facts);
        else if (tag == 'N')
            read_note(&r, &out->input);
        else if (tag == 'I')
            have_input = read_input(&r, &out->input) == 0;
        else if (tag == 'E') {
            uint32_t status = get_u32(&r);
            if (!r.error && status != KB_OK && status != KB_ERR_IO && status != KB_ERR_FORMAT &&
                status != KB_ERR_DAMAGED)
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
    if (!whole.error && (!ended || !have_input))
        fail(&whole, ended ? "no input record" : "the message ends before its end record"),
            whole.record_at = len;
    if (!whole.error && out->input.facts != out->facts.n)
        fail(&whole, "the input's fact count is not the number of facts sent"), whole.record_at = len;
    if (whole.error) {
        snprintf(err, errlen, "%s (at byte %zu of %zu)", whole.error, whole.record_at, len);
        kb_worker_result_free(out);
        return -1;
    }
    return 0;
}

int kb_worker_result_apply(kb_worker_result *r, kb_input *in, kb_factlist *facts)
{
    kb_input *w = &r->input;
    for (size_t i = 0; i < w->nnotes; i++)
        kb_input_note(in, w->notes[i].where, "%s", w->notes[i].message);
    in->notes_dropped += w->notes_dropped;
    if (w->state != KB_INPUT_OK)  /* a state without its message still counts */
        kb_input_fail(in, w->state, "%s",
                      w->message ? w->message
                                 : w->state == KB_INPUT_ERROR ? "failed while decoding" : "damaged while decoding");
    for (size_t i = 0; i < w->nfeeds; i++)
        kb_input_add_feed(in, w->feeds[i]);
    if (!in->computer) {
        in->computer = w->computer;
        w->computer = NULL;
    }
    if (!in->channel) {
        in->channel = w->channel;
        w->channel = NULL;
    }
    for (size_t k = 0; k < KB_EVTX_NCOUNTS; k++)
        in->counts[k] = w->counts[k];
    in->facts = w->facts;
    int rc = 0;
    for (size_t i = 0; i < r->facts.n; i++) {
        if (rc == 0 && kb_factlist_add(facts, r->facts.items[i]) != 0)
            rc = -1;
        else if (rc != 0)
            kb_fact_free(r->facts.items[i]);
    }
    r->facts.n = 0;
    return rc;
}

void kb_worker_result_free(kb_worker_result *r)
{
    kb_factlist_free(&r->facts);
    kb_input_clear(&r->input);
}
