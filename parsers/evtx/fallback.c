/* fallback.c: libevtx on the records kbscan's decoder could not read (see
 * fallback.h). */
#include "evtx/fallback.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "evtx/event.h"
#include "evtx/layout.h"
#include "evtx/wanted.h"

#include <libbfio.h>
#include <libevtx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kb_evtx_libyal_cause(const char *backtrace, char *out, size_t outlen)
{
    /* The first line is the innermost call, the one that saw the cause. */
    size_t n = strcspn(backtrace, "\r\n");
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, backtrace, n);
    out[n] = '\0';
    if (!*out)
        snprintf(out, outlen, "no reason given");
}

static char *cause_of(libevtx_error_t *error)
{
    char bt[4096] = "", line[1024];
    if (error && libevtx_error_backtrace_sprint(error, bt, sizeof bt) < 0)
        bt[0] = '\0';
    bt[sizeof bt - 1] = '\0';
    kb_evtx_libyal_cause(bt, line, sizeof line);
    return kb_xstrdup(line);
}

void kb_evtx_outcomes_free(kb_evtx_outcome *o, size_t n)
{
    for (size_t i = 0; o && i < n; i++) {
        free(o[i].why);
        kb_fact_free(o[i].fact);
    }
}

/* ---- the slice ------------------------------------------------------------ */

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int b = 0; b < bytes; b++)
        p[b] = (unsigned char)(v >> (8 * b));
}

/* A file header of its own for n chunks: a log closed cleanly, its
 * chunks 0 .. n-1, whatever the log's own header says or lost. */
static void slice_header(unsigned char *h, size_t n, uint64_t next_id)
{
    memset(h, 0, KB_EVTX_HEADER_SIZE);
    memcpy(h, "ElfFile", 8);
    put_le(h + 16, n - 1, 8);
    put_le(h + 24, next_id, 8);
    put_le(h + 32, 128, 4);
    put_le(h + 36, 1, 2);
    put_le(h + 38, 3, 2);
    put_le(h + 40, KB_EVTX_HEADER_SIZE, 2);
    put_le(h + 42, n, 2);
    put_le(h + 124, kb_evtx_crc32(0, h, 120), 4);
}

typedef struct slice {
    unsigned char *bytes;
    size_t len, nslots;
    uint64_t slots[KB_EVTX_FALLBACK_SLOTS];
    uint64_t base[KB_EVTX_FALLBACK_SLOTS];  /* records of the chunks before, as the walk found them */
    uint64_t records;
} slice;

static size_t slot_of(const slice *s, uint64_t slot)
{
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i] == slot)
            return i;
    return SIZE_MAX;
}

static int build_slice(const kb_input_handle *h, const kb_evtx_fallback_entry *e, size_t n, slice *s)
{
    uint64_t next_id = 1;
    for (size_t i = 0; i < n; i++) {
        if (slot_of(s, e[i].slot) == SIZE_MAX && s->nslots < KB_EVTX_FALLBACK_SLOTS) {
            s->base[s->nslots] = s->records;
            s->records += e[i].chunk_records;
            s->slots[s->nslots++] = e[i].slot;
        }
        if (e[i].id >= next_id)
            next_id = e[i].id + 1;
    }
    s->len = KB_EVTX_HEADER_SIZE + s->nslots * (size_t)KB_EVTX_CHUNK_SIZE;
    s->bytes = kb_xcalloc(1, s->len);
    slice_header(s->bytes, s->nslots, next_id);
    for (size_t i = 0; i < s->nslots; i++) {
        size_t got = 0;
        if (s->slots[i] > (UINT64_MAX - KB_EVTX_HEADER_SIZE) / KB_EVTX_CHUNK_SIZE ||
            kb_handle_read_at(h, KB_EVTX_HEADER_SIZE + s->slots[i] * KB_EVTX_CHUNK_SIZE,
                              s->bytes + KB_EVTX_HEADER_SIZE + i * KB_EVTX_CHUNK_SIZE, KB_EVTX_CHUNK_SIZE, &got) != 0)
            return -1;
    }
    return 0;
}

/* ---- one record ------------------------------------------------------------- */

typedef int (*size_fn)(libevtx_record_t *, size_t *, libevtx_error_t **);
typedef int (*get_fn)(libevtx_record_t *, uint8_t *, size_t, libevtx_error_t **);

static char *record_string(libevtx_record_t *rec, size_fn get_size, get_fn get)
{
    size_t size = 0;
    libevtx_error_t *error = NULL;
    if (get_size(rec, &size, &error) != 1 || size == 0) {
        libevtx_error_free(&error);
        return NULL;
    }
    char *s = kb_xmalloc(size);
    if (get(rec, (uint8_t *)s, size, &error) != 1) {
        libevtx_error_free(&error);
        free(s);
        return NULL;
    }
    s[size - 1] = '\0';
    return s;
}

static char *nth_string(libevtx_record_t *rec, int index)
{
    size_t size = 0;
    libevtx_error_t *error = NULL;
    if (libevtx_record_get_utf8_string_size(rec, index, &size, &error) != 1 || size == 0) {
        libevtx_error_free(&error);
        return kb_xstrdup("");
    }
    char *s = kb_xmalloc(size);
    if (libevtx_record_get_utf8_string(rec, index, (uint8_t *)s, size, &error) != 1) {
        libevtx_error_free(&error);
        s[0] = '\0';
    }
    s[size - 1] = '\0';
    return s;
}

/* The text of an element or attribute in libevtx's XML ("<Channel>" up
 * to "<", "Name=\"" up to the quote), its five escapes undone; NULL when
 * absent. */
static char *xml_text(const char *xml, const char *after, char stop)
{
    const char *p = xml ? strstr(xml, after) : NULL;
    if (!p)
        return NULL;
    p += strlen(after);
    const char *end = strchr(p, stop);
    if (!end)
        return NULL;
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    static const char *const escapes[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    while (p < end) {
        size_t k = 0;
        while (k < 5 && strncmp(p, escapes[k], strlen(escapes[k])) != 0)
            k++;
        if (k < 5) {
            kb_buf_putc(&b, "&<>\"'"[k]);
            p += strlen(escapes[k]);
        } else {
            kb_buf_putc(&b, *p++);
        }
    }
    return kb_buf_take(&b);
}

/* data1..N, data, strings and the <Binary>: libevtx lists a record's
 * <Binary> as one more string, in hex, after the others; its XML is the
 * only place that tells whether there is one. */
static void add_strings(kb_fact *f, libevtx_record_t *rec, const char *xml, uint32_t event_id)
{
    int count = 0;
    libevtx_error_t *error = NULL;
    if (libevtx_record_get_number_of_strings(rec, &count, &error) != 1) {
        libevtx_error_free(&error);
        count = 0;
    }
    int binary = count > 0 && xml && (strstr(xml, "<Binary>") || strstr(xml, "<Binary/>"));
    int ndata = binary ? count - 1 : count;
    kb_buf all = KB_BUF_INIT;
    kb_buf_puts(&all, "");
    for (int i = 0; i < count; i++) {
        char *s = nth_string(rec, i);
        if (i == ndata) {
            kb_evtx_event_binary(f, s, kb_fact_get(f, "provider"), event_id);
        } else {
            char name[24];
            snprintf(name, sizeof name, "data%d", i + 1);
            kb_fact_set(f, name, s);
            if (i)
                kb_buf_putc(&all, '\n');
            kb_buf_puts(&all, s);
        }
        free(s);
    }
    kb_fact_set(f, "data", kb_buf_str(&all));
    kb_buf_free(&all);
    kb_fact_setf(f, "strings", "%d", ndata);
}

static kb_fact *make_fact(libevtx_record_t *rec, const char *provider, uint32_t event_id, size_t input)
{
    libevtx_error_t *error = NULL;
    char *xml = record_string(rec, libevtx_record_get_utf8_xml_string_size, libevtx_record_get_utf8_xml_string);
    kb_fact *f = kb_fact_new("event", input);
    kb_fact_set(f, "provider", provider ? provider : "");
    kb_fact_setf(f, "event_id", "%u", (unsigned)event_id);
    uint32_t qualifiers = 0;
    if (libevtx_record_get_event_identifier_qualifiers(rec, &qualifiers, &error) == 1)
        kb_fact_setf(f, "qualifiers", "%u", (unsigned)qualifiers);
    libevtx_error_free(&error);
    uint8_t level = 0;
    if (libevtx_record_get_event_level(rec, &level, &error) == 1)
        kb_fact_setf(f, "level", "%u", (unsigned)level);
    libevtx_error_free(&error);
    char *channel = xml_text(xml, "<Channel>", '<');
    kb_fact_set(f, "channel", channel ? channel : "");
    free(channel);
    char *computer = record_string(rec, libevtx_record_get_utf8_computer_name_size,
                                   libevtx_record_get_utf8_computer_name);
    kb_fact_set(f, "computer", computer ? computer : "");
    free(computer);
    add_strings(f, rec, xml, event_id);
    char *name = xml_text(xml, "<Provider Name=\"", '"');
    if (name && provider && strcmp(name, provider) != 0)
        kb_fact_set(f, "provider_name", name);
    free(name);
    char *erid = xml_text(xml, "<EventRecordID>", '<');
    if (erid && *erid)
        f->record = strtoull(erid, NULL, 10);
    free(erid);
    free(xml);
    return f;
}

/* Reads entry e as libevtx record index, into out. */
static void decode_one(libevtx_file_t *file, int index, const kb_evtx_fallback_entry *e,
                       const kb_evtx_fallback_opts *o, const kb_evtx_wanted *wanted, kb_evtx_outcome *out)
{
    libevtx_record_t *rec = NULL;
    libevtx_error_t *error = NULL;
    uint64_t id = 0, filetime = 0;
    uint32_t event_id = 0;
    if (libevtx_file_get_record_by_index(file, index, &rec, &error) != 1) {
        out->why = cause_of(error);
        libevtx_error_free(&error);
        return;
    }
    if (libevtx_record_get_identifier(rec, &id, &error) != 1 || id != e->id) {
        libevtx_error_free(&error);
        out->why = kb_strprintf("libevtx finds another record there (id %llu)", (unsigned long long)id);
        libevtx_record_free(&rec, NULL);
        return;
    }
    out->read = 1;
    libevtx_record_get_written_time(rec, &filetime, NULL);
    int64_t t = kb_time_from_filetime(filetime);
    char *provider = record_string(rec, libevtx_record_get_utf8_source_name_size, libevtx_record_get_utf8_source_name);
    int have_id = libevtx_record_get_event_identifier(rec, &event_id, &error) == 1;
    libevtx_error_free(&error);
    event_id &= 0xffff;
    if (have_id && kb_evtx_wanted_has(wanted, provider, event_id) &&
        !((o->since != KB_TIME_NONE && t < o->since) || (o->until != KB_TIME_NONE && t > o->until))) {
        out->fact = make_fact(rec, provider, event_id, o->input_index);
        if (!out->fact->record)
            out->fact->record = id;
        out->fact->time = t;
    }
    free(provider);
    libevtx_record_free(&rec, NULL);
}

/* The index libevtx gives entry e: where the walk put it, when libevtx
 * found as many records in the slice as the walk; else the first record
 * with its id. -1 when libevtx has none. */
static int libevtx_index(libevtx_file_t *file, int count, const slice *s, const kb_evtx_fallback_entry *e)
{
    size_t k = slot_of(s, e->slot);
    if (k != SIZE_MAX && (uint64_t)count == s->records && s->base[k] + e->index < (uint64_t)count)
        return (int)(s->base[k] + e->index);
    for (int i = 0; i < count; i++) {
        libevtx_record_t *rec = NULL;
        uint64_t id = 0;
        if (libevtx_file_get_record_by_index(file, i, &rec, NULL) == 1 && libevtx_record_get_identifier(rec, &id, NULL) == 1 &&
            id == e->id) {
            libevtx_record_free(&rec, NULL);
            return i;
        }
        libevtx_record_free(&rec, NULL);
    }
    return -1;
}

static void fail_all(kb_evtx_outcome *out, size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++)
        if (!out[i].why && !out[i].read)
            out[i].why = kb_xstrdup(why);
}

kb_status kb_evtx_fallback(const kb_input_handle *h, const kb_evtx_fallback_entry *entries, size_t n,
                           const kb_evtx_fallback_opts *opts, kb_evtx_outcome *out)
{
    memset(out, 0, n * sizeof *out);
    slice s;
    memset(&s, 0, sizeof s);
    if (n == 0)
        return KB_OK;
    if (build_slice(h, entries, n, &s) != 0) {
        free(s.bytes);
        fail_all(out, n, "its chunk could not be read again");
        return KB_ERR_IO;
    }
    kb_evtx_wanted wanted;
    kb_evtx_wanted_init(&wanted, opts->interest);
    libbfio_handle_t *io = NULL;
    libevtx_file_t *file = NULL;
    libevtx_error_t *error = NULL;
    int count = 0;
    if (opts->stage)
        opts->stage->step = KB_STEP_OPEN, opts->stage->record = -1;
    if (libbfio_memory_range_initialize(&io, &error) != 1 || libbfio_memory_range_set(io, s.bytes, s.len, &error) != 1 ||
        libevtx_file_initialize(&file, &error) != 1 ||
        libevtx_file_open_file_io_handle(file, io, LIBEVTX_OPEN_READ, &error) != 1 ||
        libevtx_file_get_number_of_records(file, &count, &error) != 1) {
        char *why = cause_of(error);
        char *text = kb_strprintf("libevtx cannot open its chunk: %s", why);
        fail_all(out, n, text);
        free(why);
        free(text);
        libevtx_error_free(&error);
    } else {
        for (size_t i = 0; i < n; i++) {
            if (opts->stage)
                opts->stage->step = KB_STEP_RECORDS, opts->stage->record = (int64_t)i;
            int index = libevtx_index(file, count, &s, &entries[i]);
            if (index < 0)
                out[i].why = kb_xstrdup("libevtx does not find it in its chunk");
            else
                decode_one(file, index, &entries[i], opts, &wanted, &out[i]);
        }
        libevtx_file_close(file, NULL);
    }
    libevtx_file_free(&file, NULL);
    libbfio_handle_free(&io, NULL);
    kb_evtx_wanted_free(&wanted);
    free(s.bytes);
    return KB_OK;
}
