/* evtx.c: Windows event logs (.evtx) through libevtx.
 *
 * The container is checked first by layout.c (damage, counts, time
 * range). Records are then fetched from libevtx; a record whose provider
 * and event id no loaded rule can use is dropped before anything else of
 * it is read. Recovered records (libevtx finds them in free space and
 * damaged chunks) are used too, marked as recovered. */
#include "evtx/evtx.h"
#include "evtx/bfio.h"
#include "evtx/worker.h"
#include "core/derived.h"
#include "core/strbuf.h"

#include <errno.h>
#include <limits.h>
#include <libbfio.h>
#include <libevtx.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <zlib.h>

int kb_evtx_sniff(const unsigned char *head, size_t len)
{
    return len >= 8 && memcmp(head, "ElfFile", 8) == 0 ? 100 : 0;
}

/* libyal errors are a backtrace, innermost call last; its last line names
 * the cause. */
static void error_text(libevtx_error_t *error, char *out, size_t outlen)
{
    char buf[2048];
    out[0] = '\0';
    if (!error || libevtx_error_sprint(error, buf, sizeof buf) < 0)
        return;
    char *line = buf, *last = buf;
    for (char *p = buf; *p; p++)
        if (*p == '\n') {
            *p = '\0';
            if (*line)
                last = line;
            line = p + 1;
        }
    if (*line)
        last = line;
    size_t n = strlen(last);
    if (n >= outlen)
        n = outlen - 1; /* a long cause is cut, not lost: the rest is libyal's backtrace */
    memcpy(out, last, n);
    out[n] = '\0';
}

/* Reads a UTF-8 string attribute through a libevtx size/get pair. */
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
    char *s = malloc(size);
    if (!s)
        return NULL;
    if (get(rec, (uint8_t *)s, size, &error) != 1) {
        libevtx_error_free(&error);
        free(s);
        return NULL;
    }
    s[size - 1] = '\0';
    return s;
}

static char *record_nth_string(libevtx_record_t *rec, int index)
{
    size_t size = 0;
    libevtx_error_t *error = NULL;
    if (libevtx_record_get_utf8_string_size(rec, index, &size, &error) != 1 || size == 0) {
        libevtx_error_free(&error);
        return kb_strdup("");
    }
    char *s = malloc(size);
    if (!s)
        return NULL;
    if (libevtx_record_get_utf8_string(rec, index, (uint8_t *)s, size, &error) != 1) {
        libevtx_error_free(&error);
        free(s);
        return kb_strdup("");
    }
    s[size - 1] = '\0';
    return s;
}

/* The <Channel> of a record, from its XML (libevtx has no getter for it). */
static char *record_channel(libevtx_record_t *rec)
{
    char *xml = record_string(rec, libevtx_record_get_utf8_xml_string_size,
                              libevtx_record_get_utf8_xml_string);
    if (!xml)
        return NULL;
    char *channel = NULL;
    const char *p = strstr(xml, "<Channel>");
    if (p) {
        p += strlen("<Channel>");
        const char *end = strstr(p, "</Channel>");
        if (end)
            channel = kb_strndup(p, (size_t)(end - p));
    } else if (strstr(xml, "<Channel/>") || strstr(xml, "<Channel></Channel>")) {
        channel = kb_strdup("");
    }
    free(xml);
    return channel;
}

/* Whether the record's EventData has a <Binary> element: libevtx 20181227
 * hands it out as one more string, in hex, after the <Data> strings. */
static int record_has_binary(libevtx_record_t *rec)
{
    char *xml = record_string(rec, libevtx_record_get_utf8_xml_string_size,
                              libevtx_record_get_utf8_xml_string);
    int has = xml && (strstr(xml, "<Binary>") || strstr(xml, "<Binary/>"));
    free(xml);
    return has;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* <Binary> data, kept as text when it is printable ASCII (VSS writes its
 * call site, process and account there); hex is the form libevtx gives. */
static void add_binary_text(kb_fact *f, const char *hex)
{
    size_t len = strlen(hex);
    if (len == 0 || len % 2)
        return;
    char *text = malloc(len / 2 + 1);
    if (!text)
        return;
    size_t n = 0;
    int printable = 1;
    for (size_t i = 0; i < len && printable; i += 2) {
        int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            printable = 0;
            break;
        }
        unsigned char c = (unsigned char)(hi << 4 | lo);
        printable = (c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t' || c == 0;
        text[n++] = (char)c;
    }
    while (n && text[n - 1] == 0)
        n--;
    if (printable && n && !memchr(text, 0, n))
        kb_fact_set_n(f, "binary_text", text, n);
    free(text);
}

static int add_strings(kb_fact *f, libevtx_record_t *rec)
{
    int count = 0;
    libevtx_error_t *error = NULL;
    if (libevtx_record_get_number_of_strings(rec, &count, &error) != 1) {
        libevtx_error_free(&error);
        count = 0;
    }
    int binary = count > 0 && record_has_binary(rec);
    int ndata = binary ? count - 1 : count;
    kb_buf all = KB_BUF_INIT;
    kb_buf_puts(&all, "");
    for (int i = 0; i < count; i++) {
        char *s = record_nth_string(rec, i);
        if (!s) {
            kb_buf_free(&all);
            return -1;
        }
        if (i == ndata) {
            kb_fact_set(f, "binary", s);
            add_binary_text(f, s);
            free(s);
            break;
        }
        char name[24];
        snprintf(name, sizeof name, "data%d", i + 1);
        kb_fact_set(f, name, s);
        if (i)
            kb_buf_putc(&all, '\n');
        kb_buf_puts(&all, s);
        free(s);
    }
    kb_fact_set(f, "data", kb_buf_str(&all));
    kb_buf_free(&all);
    kb_fact_setf(f, "strings", "%d", ndata);
    return 0;
}

typedef struct evtx_state {
    kb_parse_ctx *ctx;
    const char *channel;
    uint64_t *seen_ids;   /* record ids of the facts made, to skip recovered duplicates */
    size_t nseen, capseen;
} evtx_state;

static int seen_before(const evtx_state *st, uint64_t id)
{
    for (size_t i = 0; i < st->nseen; i++)
        if (st->seen_ids[i] == id)
            return 1;
    return 0;
}

static void remember(evtx_state *st, uint64_t id)
{
    if (st->nseen == st->capseen) {
        size_t cap = st->capseen ? st->capseen * 2 : 64;
        uint64_t *p = realloc(st->seen_ids, cap * sizeof *p);
        if (!p)
            return;
        st->seen_ids = p;
        st->capseen = cap;
    }
    st->seen_ids[st->nseen++] = id;
}

/* Turns one record into a fact when a rule can use it. Returns 0, or -1 on
 * out-of-memory. */
static int use_record(evtx_state *st, libevtx_record_t *rec, int recovered)
{
    kb_parse_ctx *ctx = st->ctx;
    libevtx_error_t *error = NULL;
    uint32_t event_id = 0;
    if (libevtx_record_get_event_identifier(rec, &event_id, &error) != 1) {
        libevtx_error_free(&error);
        return 0;
    }
    event_id &= 0xffff;  /* classic ids carry severity/facility bits above */
    char *provider = record_string(rec, libevtx_record_get_utf8_source_name_size,
                                   libevtx_record_get_utf8_source_name);
    if (!kb_interest_wants(ctx->interest, provider, event_id)) {
        free(provider);
        return 0;
    }
    uint64_t id = 0, filetime = 0;
    libevtx_record_get_identifier(rec, &id, &error);
    libevtx_error_free(&error);
    libevtx_record_get_written_time(rec, &filetime, &error);
    libevtx_error_free(&error);
    int64_t t = kb_time_from_filetime(filetime);
    if ((ctx->since != KB_TIME_NONE && t < ctx->since) ||
        (ctx->until != KB_TIME_NONE && t > ctx->until) || (recovered && seen_before(st, id))) {
        free(provider);
        return 0;
    }
    kb_fact *f = kb_fact_new("event", ctx->input_index);
    if (!f) {
        free(provider);
        return -1;
    }
    f->record = id;
    f->time = t;
    f->recovered = recovered;
    kb_fact_set(f, "provider", provider ? provider : "");
    free(provider);
    kb_fact_setf(f, "event_id", "%u", event_id);
    uint32_t qualifiers = 0;
    if (libevtx_record_get_event_identifier_qualifiers(rec, &qualifiers, &error) == 1)
        kb_fact_setf(f, "qualifiers", "%u", qualifiers);
    libevtx_error_free(&error);
    uint8_t level = 0;
    if (libevtx_record_get_event_level(rec, &level, &error) == 1)
        kb_fact_setf(f, "level", "%u", level);
    libevtx_error_free(&error);
    kb_fact_set(f, "channel", st->channel ? st->channel : "");
    char *computer = record_string(rec, libevtx_record_get_utf8_computer_name_size,
                                   libevtx_record_get_utf8_computer_name);
    kb_fact_set(f, "computer", computer ? computer : "");
    if (computer && !ctx->input->computer)
        ctx->input->computer = computer;
    else
        free(computer);
    if (add_strings(f, rec) != 0) {
        kb_fact_free(f);
        return -1;
    }
    if (kb_factlist_add(ctx->facts, f) != 0)
        return -1;
    remember(st, id);
    ctx->input->facts++;
    ctx->input->counts[KB_EVTX_USED]++;
    return 0;
}

/* The channel name (and the computer name, for the report) from the first
 * record libevtx can read. */
static char *find_channel(const kb_parse_ctx *ctx, libevtx_file_t *file, int count)
{
    kb_input *in = ctx->input;
    for (int i = 0; i < count && i < 16; i++) {
        kb_evtx_stage(ctx, KB_STEP_CHANNEL, i);
        libevtx_record_t *rec = NULL;
        libevtx_error_t *error = NULL;
        if (libevtx_file_get_record_by_index(file, i, &rec, &error) != 1) {
            libevtx_error_free(&error);
            continue;
        }
        char *channel = record_channel(rec);
        if (!in->computer)
            in->computer = record_string(rec, libevtx_record_get_utf8_computer_name_size,
                                         libevtx_record_get_utf8_computer_name);
        libevtx_record_free(&rec, NULL);
        if (channel)
            return channel;
    }
    return NULL;
}

/* Decodes only the prefilter's candidates. A record id other than the one
 * expected, or a record libevtx cannot give, ends the shortcut (the caller
 * then decodes everything, after undoing what this made: rollback_decode). */
static kb_status read_candidates(libevtx_file_t *file, evtx_state *st, kb_evtx_prefilter *pf)
{
    for (size_t i = 0; i < pf->n; i++) {
        libevtx_record_t *rec = NULL;
        libevtx_error_t *error = NULL;
        uint64_t id = 0;
        kb_evtx_stage(st->ctx, KB_STEP_RECORDS, (int64_t)pf->index[i]);
        if (pf->index[i] > INT_MAX) {
            kb_evtx_prefilter_doubt(pf, "too many records");
            return KB_OK;
        }
        if (libevtx_file_get_record_by_index(file, (int)pf->index[i], &rec, &error) != 1) {
            char msg[512], where[64];
            error_text(error, msg, sizeof msg);
            libevtx_error_free(&error);
            snprintf(where, sizeof where, "record index %d", (int)pf->index[i]);
            st->ctx->input->counts[KB_EVTX_FAILED]++;
            kb_input_note(st->ctx->input, where, "libevtx cannot read it: %s", msg);
            continue;
        }
        if (libevtx_record_get_identifier(rec, &id, &error) != 1 || id != pf->id[i]) {
            libevtx_error_free(&error);
            libevtx_record_free(&rec, NULL);
            kb_evtx_prefilter_doubt(pf, "a record is not where the chunk walk put it");
            return KB_OK;
        }
        int failed = use_record(st, rec, 0);
        libevtx_record_free(&rec, NULL);
        if (failed)
            return KB_ERR_NOMEM;
    }
    return KB_OK;
}

static kb_status read_records(libevtx_file_t *file, evtx_state *st, int recovered)
{
    kb_input *in = st->ctx->input;
    libevtx_error_t *error = NULL;
    int count = 0;
    int rc = recovered ? libevtx_file_get_number_of_recovered_records(file, &count, &error)
                       : libevtx_file_get_number_of_records(file, &count, &error);
    if (rc != 1) {
        libevtx_error_free(&error);
        return KB_OK;
    }
    if (recovered)
        in->counts[KB_EVTX_RECOVERED] = (uint64_t)count;
    for (int i = 0; i < count; i++) {
        kb_evtx_stage(st->ctx, recovered ? KB_STEP_RECOVERED : KB_STEP_RECORDS, i);
        libevtx_record_t *rec = NULL;
        rc = recovered ? libevtx_file_get_recovered_record_by_index(file, i, &rec, &error)
                       : libevtx_file_get_record_by_index(file, i, &rec, &error);
        if (rc != 1) {
            char msg[512], where[64];
            error_text(error, msg, sizeof msg);
            libevtx_error_free(&error);
            snprintf(where, sizeof where, "%srecord index %d", recovered ? "recovered " : "", i);
            if (!recovered) {
                in->counts[KB_EVTX_FAILED]++;
                kb_input_note(in, where, "libevtx cannot read it: %s", msg);
            }
            continue;
        }
        int failed = use_record(st, rec, recovered);
        libevtx_record_free(&rec, NULL);
        if (failed)
            return KB_ERR_NOMEM;
    }
    return KB_OK;
}


/* A log whose channel cannot be read, and that is damaged, may be the log
 * any rule needs: it feeds every event-log checkpoint ("eventlog:*"), which
 * then says "cannot tell" rather than "not found". */
static void set_feed(kb_input *in, const char *channel)
{
    char feed[256];
    int known = channel && *channel;
    snprintf(feed, sizeof feed, KB_EVTX_FEED_PREFIX "%s",
             known ? channel : in->state == KB_INPUT_OK ? "unknown" : "*");
    kb_input_add_feed(in, feed);
    if (channel && *channel && !in->channel)
        in->channel = kb_strdup(channel);
}

/* The slice: the file header, patched to describe only the chosen chunks
 * (numbers, count, checksum), then those chunks as they are in the file. */
static unsigned char *build_slice(const kb_input_handle *h, const kb_evtx_prefilter *pf, size_t *len)
{
    *len = KB_EVTX_HEADER_SIZE + pf->nslice * (size_t)KB_EVTX_CHUNK_SIZE;
    /* Mapped with its pages in place: one system call, not a page fault per
     * 4 KiB (dear in a worker process, whose memory is all new). */
    unsigned char *buf = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (buf == MAP_FAILED)
        return NULL;
    size_t got = 0;
    int ok = kb_handle_read_at(h, 0, buf, KB_EVTX_HEADER_SIZE, &got) == 0 && got == KB_EVTX_HEADER_SIZE;
    for (size_t i = 0; ok && i < pf->nslice; i++)
        ok = pf->slice_chunk[i] <= (UINT64_MAX - KB_EVTX_HEADER_SIZE) / KB_EVTX_CHUNK_SIZE &&
             kb_handle_read_at(h, KB_EVTX_HEADER_SIZE + pf->slice_chunk[i] * KB_EVTX_CHUNK_SIZE,
                               buf + KB_EVTX_HEADER_SIZE + i * KB_EVTX_CHUNK_SIZE, KB_EVTX_CHUNK_SIZE, &got) == 0 &&
             got == KB_EVTX_CHUNK_SIZE;
    if (!ok) {
        munmap(buf, *len);
        return NULL;
    }
    uint64_t last = pf->nslice - 1;
    memset(buf + 8, 0, 8);                       /* first chunk number */
    for (int b = 0; b < 8; b++)                  /* last chunk number */
        buf[16 + b] = (unsigned char)(last >> (8 * b));
    buf[42] = (unsigned char)pf->nslice;         /* number of chunks */
    buf[43] = (unsigned char)(pf->nslice >> 8);
    uint32_t crc = (uint32_t)crc32(0L, buf, 120);
    for (int b = 0; b < 4; b++)
        buf[124 + b] = (unsigned char)(crc >> (8 * b));
    return buf;
}

/* What a finished reading of the file says about it, whichever way. */
static kb_status finish(kb_input *in, const kb_evtx_layout *layout, uint64_t count, char *channel,
                        evtx_state *st, kb_status status)
{
    if (in->counts[KB_EVTX_FAILED])
        kb_input_fail(in, KB_INPUT_DAMAGED, "%llu record(s) could not be read",
                      (unsigned long long)in->counts[KB_EVTX_FAILED]);
    /* libevtx 20181227 silently drops, e.g., a record that ends exactly at
     * the end of its chunk: what the intact chunks hold but libevtx did not
     * hand out is lost to the analysis, and the report must say so. */
    if (layout->records > count) {
        unsigned long long lost = (unsigned long long)(layout->records - count);
        kb_input_note(in, "records", "the intact chunks hold %llu records, libevtx read %llu",
                      (unsigned long long)layout->records, (unsigned long long)count);
        kb_input_fail(in, KB_INPUT_DAMAGED, "%llu record(s) in intact chunks could not be read", lost);
    }
    set_feed(in, channel);
    free(st->seen_ids);
    free(channel);
    if (status != KB_OK)
        return status;
    return in->state == KB_INPUT_DAMAGED ? KB_ERR_DAMAGED : KB_OK;
}

/* What read_candidates() changes on the input and the fact list, taken
 * before it so that a shortcut given up part-way leaves no trace: the whole
 * decoding that follows makes every fact, count and note again. */
typedef struct decode_mark {
    size_t facts, nnotes;
    uint64_t input_facts, records_used, records_failed, notes_dropped;
} decode_mark;

static decode_mark mark_decode(const kb_parse_ctx *ctx)
{
    const kb_input *in = ctx->input;
    return (decode_mark){ctx->facts->n, in->nnotes, in->facts, in->counts[KB_EVTX_USED], in->counts[KB_EVTX_FAILED],
                         in->notes_dropped};
}

static void rollback_decode(kb_parse_ctx *ctx, const decode_mark *m)
{
    kb_input *in = ctx->input;
    while (ctx->facts->n > m->facts)
        kb_fact_free(ctx->facts->items[--ctx->facts->n]);
    while (in->nnotes > m->nnotes) {
        in->nnotes--;
        free(in->notes[in->nnotes].where);
        free(in->notes[in->nnotes].message);
    }
    in->facts = m->input_facts;
    in->counts[KB_EVTX_USED] = m->records_used;
    in->counts[KB_EVTX_FAILED] = m->records_failed;
    in->notes_dropped = m->notes_dropped;
}

/* The fast way: libevtx sees only the slice, in memory. Returns 1 when the
 * file is done, 0 when the caller must read the whole file instead. */
static int parse_slice(const kb_input_handle *h, kb_parse_ctx *ctx, const kb_evtx_layout *layout,
                       kb_evtx_prefilter *pf, kb_status *result)
{
    kb_input *in = ctx->input;
    if (in->state != KB_INPUT_OK || pf->nslice == 0 || pf->chunks != pf->header_chunks)
        return 0;
    size_t len = 0;
    unsigned char *buf = build_slice(h, pf, &len);
    if (!buf)
        return 0;
    libbfio_handle_t *io = NULL;
    libevtx_file_t *file = NULL;
    int count = 0, done = 0;
    kb_evtx_stage(ctx, KB_STEP_OPEN, -1);
    if (libbfio_memory_range_initialize(&io, NULL) == 1 && libbfio_memory_range_set(io, buf, len, NULL) == 1 &&
        libevtx_file_initialize(&file, NULL) == 1 &&
        libevtx_file_open_file_io_handle(file, io, LIBEVTX_OPEN_READ, NULL) == 1 &&
        libevtx_file_get_number_of_records(file, &count, NULL) == 1 &&
        (uint64_t)count == pf->slice_total && libevtx_file_is_corrupted(file, NULL) != 1) {
        in->counts[KB_EVTX_RECORDS] = layout->records;
        char *channel = find_channel(ctx, file, count);
        evtx_state st = {ctx, channel, NULL, 0, 0};
        decode_mark mark = mark_decode(ctx);
        kb_status status = read_candidates(file, &st, pf);
        if (status == KB_OK && pf->usable) {
            status = read_records(file, &st, 1);
            *result = finish(in, layout, layout->records, channel, &st, status);
            done = 1;
        } else {
            free(st.seen_ids);
            free(channel);
            if (status == KB_OK)
                rollback_decode(ctx, &mark);
            if (status != KB_OK) {
                *result = status;
                done = 1;
            }
        }
        libevtx_file_close(file, NULL);
    }
    libevtx_file_free(&file, NULL);
    libbfio_handle_free(&io, NULL);
    munmap(buf, len);
    return done;
}

/* The whole input through libevtx: every record is decoded. */
static kb_status parse_whole(const kb_input_handle *h, kb_parse_ctx *ctx, const kb_evtx_layout *layout)
{
    kb_input *in = ctx->input;
    libevtx_file_t *file = NULL;
    libevtx_error_t *error = NULL;
    libbfio_handle_t *io = NULL;
    kb_evtx_stage(ctx, KB_STEP_OPEN, -1);
    if (kb_bfio_open(h, &io) != 0)
        return KB_ERR_NOMEM;
    if (libevtx_file_initialize(&file, &error) != 1 ||
        libevtx_file_open_file_io_handle(file, io, LIBEVTX_OPEN_READ, &error) != 1) {
        char msg[512];
        error_text(error, msg, sizeof msg);
        libevtx_error_free(&error);
        libevtx_file_free(&file, NULL);
        libbfio_handle_free(&io, NULL);
        kb_input_fail(in, KB_INPUT_ERROR, "libevtx cannot open it: %s", msg);
        set_feed(in, NULL);
        return KB_ERR_FORMAT;
    }
    int count = 0;
    if (libevtx_file_get_number_of_records(file, &count, &error) != 1) {
        libevtx_error_free(&error);
        count = 0;
    }
    in->counts[KB_EVTX_RECORDS] = (uint64_t)count;
    if (libevtx_file_is_corrupted(file, &error) == 1)
        kb_input_fail(in, KB_INPUT_DAMAGED, "libevtx reports the file as corrupted");
    libevtx_error_free(&error);
    char *channel = find_channel(ctx, file, count);
    evtx_state st = {ctx, channel, NULL, 0, 0};
    kb_status status = read_records(file, &st, 0);
    if (status == KB_OK)
        status = read_records(file, &st, 1);
    status = finish(in, layout, (uint64_t)count, channel, &st, status);
    libevtx_file_close(file, NULL);
    libevtx_file_free(&file, NULL);
    libbfio_handle_free(&io, NULL);
    return status;
}

void kb_evtx_stage(const kb_parse_ctx *ctx, kb_decode_step step, int64_t record)
{
    if (ctx->stage) {
        ctx->stage->step = (int)step;
        ctx->stage->record = record;
    }
}

kb_status kb_evtx_plan_input(const kb_input_handle *h, kb_parse_ctx *ctx, kb_evtx_plan *plan)
{
    kb_input *in = ctx->input;
    if (kb_evtx_prefilter_init(&plan->pf, ctx->interest, ctx->no_prefilter) != 0) {
        kb_evtx_prefilter_free(&plan->pf);
        return KB_ERR_NOMEM;
    }
    if (kb_evtx_read_layout_split(h, in, &plan->layout, &plan->pf, ctx->threads) != 0) {
        kb_evtx_prefilter_free(&plan->pf);
        kb_input_fail(in, KB_INPUT_ERROR, "read error");
        return KB_ERR_IO;
    }
    kb_input_saw_time(in, plan->layout.first_time);
    kb_input_saw_time(in, plan->layout.last_time);
    return KB_OK;
}

kb_status kb_evtx_decode(const kb_input_handle *h, kb_parse_ctx *ctx, kb_evtx_plan *plan)
{
    kb_status status = KB_OK;
    int done = plan->pf.usable && parse_slice(h, ctx, &plan->layout, &plan->pf, &status);
    return done ? status : parse_whole(h, ctx, &plan->layout);
}

void kb_evtx_plan_free(kb_evtx_plan *plan)
{
    kb_evtx_prefilter_free(&plan->pf);
}

/* The log as a whole, one "log.extent" fact: which log (channel, computer,
 * as the decoding read them) and what the walk over every record header
 * found in it (decoded or not): how many, the lowest and highest record
 * id, the oldest and newest time. Combiners derive a log's coverage from
 * it. It is about the input, not from its events: the input's fact count
 * (the events kept) leaves it out. */
static kb_status add_log_fact(kb_parse_ctx *ctx, const kb_evtx_layout *layout)
{
    const kb_input *in = ctx->input;
    kb_fact *f = kb_fact_new(KB_FACT_LOG_EXTENT, ctx->input_index);
    if (!f)
        return KB_ERR_NOMEM;
    int failed = 0;
    if (in->channel)
        failed |= kb_fact_set(f, "channel", in->channel);
    if (in->computer)
        failed |= kb_fact_set(f, "computer", in->computer);
    failed |= kb_fact_setf(f, "records", "%llu", (unsigned long long)layout->records);
    if (layout->records) {
        failed |= kb_fact_setf(f, "first_record", "%llu", (unsigned long long)layout->first_record_id);
        failed |= kb_fact_setf(f, "last_record", "%llu", (unsigned long long)layout->last_record_id);
    }
    char when[40];
    if (layout->first_time != KB_TIME_NONE) {
        kb_time_format(layout->first_time, when, sizeof when);
        failed |= kb_fact_set(f, "first_time", when);
    }
    if (layout->last_time != KB_TIME_NONE) {
        kb_time_format(layout->last_time, when, sizeof when);
        failed |= kb_fact_set(f, "last_time", when);
    }
    if (failed) {
        kb_fact_free(f);
        return KB_ERR_NOMEM;
    }
    return kb_factlist_add(ctx->facts, f) == 0 ? KB_OK : KB_ERR_NOMEM;
}

kb_status kb_evtx_parse(const kb_input_handle *h, kb_parse_ctx *ctx)
{
    kb_evtx_plan plan;
    kb_status status = kb_evtx_plan_input(h, ctx, &plan);
    if (status != KB_OK)
        return status;
    if (ctx->workers)
        status = kb_worker_decode(ctx->workers, ctx->worker_slot, h, ctx, &plan);
    else
        status = kb_evtx_decode(h, ctx, &plan);
    if (status != KB_ERR_NOMEM && add_log_fact(ctx, &plan.layout) != KB_OK)
        status = KB_ERR_NOMEM;
    kb_evtx_plan_free(&plan);
    return status;
}

/* ---- the source (registry.c) ---------------------------------------------- */

static const char *const event_fields[] = {
    "provider", "event_id", "qualifiers", "level", "channel", "computer", "data", "data#",
    "strings", "binary", "binary_text", NULL,
};
static const char *const log_fields[] = {
    "channel", "computer", "records", "first_record", "last_record", "first_time", "last_time", NULL,
};
static const kb_fact_decl evtx_facts[] = {{"event", event_fields}, {KB_FACT_LOG_EXTENT, log_fields}, {NULL, NULL}};

/* What reports show of a log: records in it, decoded (the prefilter skips
 * what no rule can use), read from free space, unreadable. */
static const kb_count_decl evtx_counts[] = {
    [KB_EVTX_RECORDS] = {.name = "records", .word = "records", .text = 1, .html = 1},
    [KB_EVTX_USED] = {.name = "records_used", .word = "used", .text = 2, .html = 2},
    [KB_EVTX_RECOVERED] = {.name = "records_recovered", .word = "recovered", .text = 0, .html = 4},
    [KB_EVTX_FAILED] = {.name = "records_failed", .word = "failed", .text = 0, .html = 3},
    [KB_EVTX_NCOUNTS] = {.name = NULL},
};

/* The classic logs: a channel a letter away from one is a typo in a rule. */
static const char *const classic_channels[] = {"Application", "System", "Security", "Setup", NULL};

const kb_source kb_source_evtx = {
    .name = "evtx",
    .kind = "evtx",
    .label = "event log",
    .form = KB_FORM_BINARY,
    .sniff_head = kb_evtx_sniff,
    .parse_input = kb_evtx_parse,
    .facts = evtx_facts,
    .feed = KB_EVTX_FEED_PREFIX "<Channel>",
    .feed_values = classic_channels,
    .collect = {
        .file = "<Channel>.evtx",
        .command = "wevtutil epl <Channel> <file>",
        .why_en = "Export the <Channel> event log, covering the time of the problem.",
        .why_ja = "問題が発生した期間を含む <Channel> イベント ログをエクスポートしてください。",
    },
    .counts = evtx_counts,
    .covers = KB_COVERS_EVENTS,
    .name_hint = ".evtx",
    .isolated = 1,
};
