/* evtx.c: the event log source (see evtx.h): the file header, the reading
 * (read.c), duplicates (duplicates.c), libevtx for what kbscan's decoder
 * could not read (fallback.c, in a worker when there are workers), the
 * judgement (damage.c), then the facts, counts and feed of the input. */
#include "evtx/evtx.h"
#include "core/alloc.h"
#include "core/derived.h"
#include "core/strbuf.h"
#include "evtx/damage.h"
#include "evtx/duplicates.h"
#include "evtx/event.h"
#include "evtx/fallback.h"
#include "evtx/layout.h"
#include "evtx/read.h"
#include "evtx/wanted.h"
#include "evtx/worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A damaged signature on a header otherwise laid out as EVTX's: header
 * size 128, version 3.1 or 3.2, block size 4096, and nothing but zeros
 * after the 128 bytes. Twelve fixed bytes and hundreds of zeros: random
 * data or text never passes. */
static int header_layout(const unsigned char *head, size_t len)
{
    if (len < KB_SNIFF_BYTES || le32(head + 32) != 128 || le16(head + 38) != 3 || le16(head + 36) < 1 ||
        le16(head + 36) > 2 || le16(head + 40) != KB_EVTX_HEADER_SIZE)
        return 0;
    for (size_t i = 128; i < len; i++)
        if (head[i])
            return 0;
    return 1;
}

int kb_evtx_sniff(const unsigned char *head, size_t len)
{
    if (len >= 8 && memcmp(head, "ElfFile", 8) == 0)
        return 100;
    return header_layout(head, len) ? 60 : 0;
}

/* A file header damaged in any field (or overwritten whole), its first
 * chunk intact: the chunk signature, eight bytes with a NUL, where the
 * first chunk starts. Text never has it there. */
int kb_evtx_sniff_deep(const kb_input_handle *h)
{
    unsigned char sig[8];
    size_t got = 0;
    if (h->size < KB_EVTX_HEADER_SIZE + KB_EVTX_CHUNK_HEADER ||
        kb_handle_read_at(h, KB_EVTX_HEADER_SIZE, sig, sizeof sig, &got) != 0 || got != sizeof sig)
        return 0;
    return memcmp(sig, "ElfChnk", 8) == 0 ? 50 : 0;
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
    if (known && !in->channel)
        in->channel = kb_xstrdup(channel);
}

/* Whether the isolation test hook names this input (only with workers:
 * the hook acts in a worker). */
static int hooked(const kb_input_handle *h, const kb_parse_ctx *ctx)
{
    const char *hook = getenv(KB_EVTX_TEST_HOOK);
    const char *colon = hook ? strchr(hook, ':') : NULL;
    return ctx->workers && colon && colon[1] && h->name && strstr(h->name, colon + 1);
}

/* ---- libevtx for the records set aside ------------------------------------- */

/* The entries of one request: from pending[first], at most
 * KB_EVTX_FALLBACK_SLOTS chunks and KB_WORKER_ENTRIES records. */
static size_t batch(const kb_evtx_reading *r, size_t first, kb_evtx_fallback_entry *e, size_t *index)
{
    size_t n = 0, slots = 0;
    uint64_t slot = UINT64_MAX;
    for (size_t i = first; i < r->npending && n < KB_WORKER_ENTRIES; i++) {
        const kb_evtx_pending *p = &r->pending[i];
        if (p->final)
            continue;
        if (p->slot != slot) {
            if (slots == KB_EVTX_FALLBACK_SLOTS)
                break;
            slot = p->slot;
            slots++;
        }
        uint32_t records = p->slot < r->nchunks ? r->chunks[p->slot].records : 0;
        e[n] = (kb_evtx_fallback_entry){.slot = p->slot, .id = p->id, .off = p->off, .size = p->size,
                                        .index = p->index, .chunk_records = records};
        index[n++] = i;
    }
    return n;
}

/* What libevtx said of each entry, onto the reading: read (and its fact)
 * or failed, with the reason. */
static void apply_outcomes(kb_evtx_reading *r, const size_t *index, kb_evtx_outcome *o, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        kb_evtx_pending *p = &r->pending[index[k]];
        if (o[k].read) {
            r->read++;
            if (!r->has_ids || p->id < r->first_id)
                r->first_id = p->id;
            if (!r->has_ids || p->id > r->last_id)
                r->last_id = p->id;
            r->has_ids = 1;
            if (o[k].fact)
                kb_factlist_add(&r->facts, o[k].fact);
            o[k].fact = NULL;
        } else {
            p->failed = 1;
            p->other = o[k].why;
            o[k].why = NULL;
        }
    }
}

/* Asks libevtx about every record set aside, batch by batch; returns why
 * an isolated worker failed (the first time), or NULL. */
static char *ask_libevtx(const kb_input_handle *h, kb_parse_ctx *ctx, kb_evtx_reading *r)
{
    for (size_t i = 0; i < r->npending; i++)
        if (r->pending[i].final)
            r->pending[i].failed = 1;
    size_t cap = r->npending < KB_WORKER_ENTRIES ? r->npending : KB_WORKER_ENTRIES;
    kb_evtx_fallback_entry *e = kb_xcalloc(cap + 1, sizeof *e);
    size_t *index = kb_xcalloc(cap + 1, sizeof *index);
    kb_evtx_outcome *o = kb_xcalloc(cap + 1, sizeof *o);
    kb_evtx_fallback_opts opts = {.interest = ctx->interest, .since = ctx->since, .until = ctx->until,
                                  .input_index = ctx->input_index, .stage = ctx->stage};
    char *worker = NULL;
    for (size_t first = 0; first < r->npending;) {
        size_t n = batch(r, first, e, index);
        if (n == 0)
            break;
        memset(o, 0, n * sizeof *o);
        char *why = NULL;
        if (ctx->own_code_only)
            for (size_t k = 0; k < n; k++)
                o[k].why = kb_xstrdup("libevtx not asked (kbscan's own code only)");
        else if (ctx->workers)
            why = kb_worker_fallback(ctx->workers, ctx->worker_slot, h, ctx->input_index, e, n, o);
        else
            kb_evtx_fallback(h, e, n, &opts, o);
        if (why) {
            for (size_t k = 0; k < n; k++)
                o[k].why = kb_strprintf("the isolated libevtx failed: %s", why);
            if (!worker)
                worker = why;
            else
                free(why);
        }
        apply_outcomes(r, index, o, n);
        kb_evtx_outcomes_free(o, n);
        first = index[n - 1] + 1;
    }
    free(e);
    free(index);
    free(o);
    return worker;
}

/* ---- the input ---------------------------------------------------------------- */

/* The log as a whole, one "log.extent" fact: which log (channel, computer)
 * and what the walk found in it: how many records (read or failed), the
 * lowest and highest EventRecordID, the oldest and newest time. Combiners
 * derive a log's coverage from it. It is about the input, not from its
 * events: the input's fact count (the events kept) leaves it out. */
static void add_log_fact(kb_parse_ctx *ctx, const kb_evtx_reading *r, uint64_t failed)
{
    const kb_input *in = ctx->input;
    kb_fact *f = kb_fact_new(KB_FACT_LOG_EXTENT, ctx->input_index);
    if (in->channel)
        kb_fact_set(f, "channel", in->channel);
    if (in->computer)
        kb_fact_set(f, "computer", in->computer);
    kb_fact_setf(f, "records", "%llu", (unsigned long long)(r->read + failed));
    if (r->has_ids) {
        kb_fact_setf(f, "first_record", "%llu", (unsigned long long)r->first_id);
        kb_fact_setf(f, "last_record", "%llu", (unsigned long long)r->last_id);
    }
    char when[40];
    if (r->first_time != KB_TIME_NONE) {
        kb_time_format(r->first_time, when, sizeof when);
        kb_fact_set(f, "first_time", when);
    }
    if (r->last_time != KB_TIME_NONE) {
        kb_time_format(r->last_time, when, sizeof when);
        kb_fact_set(f, "last_time", when);
    }
    kb_factlist_add(ctx->facts, f);
}

/* The ids of records that were failed count in the log's id range too. */
static void failed_ids(kb_evtx_reading *r)
{
    for (size_t i = 0; i < r->npending; i++) {
        if (!r->pending[i].failed)
            continue;
        uint64_t id = r->pending[i].id;
        if (!r->has_ids || id < r->first_id)
            r->first_id = id;
        if (!r->has_ids || id > r->last_id)
            r->last_id = id;
        r->has_ids = 1;
    }
}

static void finish_input(kb_parse_ctx *ctx, kb_evtx_reading *r, const kb_evtx_judgement *j)
{
    kb_input *in = ctx->input;
    in->counts[KB_EVTX_RECORDS] = r->read;
    in->counts[KB_EVTX_FAILED] = j->failed;
    size_t taken = r->reduced ? r->sink->taken(r->reduced) : 0; /* facts the sink summed up */
    in->counts[KB_EVTX_USED] = r->facts.n + taken;
    kb_input_saw_time(in, r->first_time);
    kb_input_saw_time(in, r->last_time);
    /* Named by the first record read, else by the first fact (records
     * only libevtx could read). */
    const char *channel = r->channel, *computer = r->computer;
    for (size_t i = 0; (!channel || !computer) && i < r->facts.n; i++) {
        const char *c = kb_fact_get(r->facts.items[i], "channel"), *m = kb_fact_get(r->facts.items[i], "computer");
        channel = channel ? channel : c && *c ? c : NULL;
        computer = computer ? computer : m && *m ? m : NULL;
    }
    if (!in->computer && computer)
        in->computer = kb_xstrdup(computer);
    set_feed(in, channel);
    for (size_t i = 0; i < r->facts.n; i++)
        kb_factlist_add(ctx->facts, r->facts.items[i]);
    in->facts += r->facts.n + taken;
    r->facts.n = 0;
    if (r->reduced) {
        in->reduced = r->reduced;
        in->reduced_free = r->sink->free;
        r->reduced = NULL;
    }
}

/* Walks the log and takes its duplicates out. 0, or -1 on a read error. */
static int read_log(const kb_input_handle *h, const kb_evtx_read_opts *opts, kb_evtx_reading *r,
                    kb_evtx_dup_result *dups)
{
    return kb_evtx_read(h, opts, r) != 0 || kb_evtx_remove_duplicates(h, r, dups) != 0 ? -1 : 0;
}

/* Whether the facts the sink summed up are the log's: not when some were
 * duplicates (taken out after the walk, which a summary cannot undo), nor
 * when the log is one whose facts are shared out one by one (the sink
 * says which), nor when no record named the log (its first fact would). */
static int reduction_holds(const kb_evtx_reading *r, const kb_evtx_dup_result *dups)
{
    if (!r->reduced)
        return 1;
    if (!r->sink->taken(r->reduced))
        return 1;
    return dups->n == 0 && r->channel && r->sink->holds(r->sink->arg, r->channel);
}

/* A file shorter than its header holds no chunk: nothing to read. */
static kb_status header_cut(kb_parse_ctx *ctx, size_t got)
{
    kb_input *in = ctx->input;
    kb_input_note(in, "file header", "file ends inside the header (%zu bytes)", got);
    kb_input_fail(in, KB_INPUT_ERROR, "EVTX file is truncated inside its header (%zu bytes): no chunk to read", got);
    set_feed(in, NULL);
    kb_evtx_reading empty;
    memset(&empty, 0, sizeof empty);
    empty.first_time = empty.last_time = KB_TIME_NONE;
    add_log_fact(ctx, &empty, 0);
    return KB_ERR_FORMAT;
}

kb_status kb_evtx_parse(const kb_input_handle *h, kb_parse_ctx *ctx)
{
    kb_input *in = ctx->input;
    unsigned char head[KB_EVTX_HEADER_SIZE];
    size_t got = 0;
    if (kb_handle_read_at(h, 0, head, sizeof head, &got) != 0) {
        kb_input_fail(in, KB_INPUT_ERROR, "read error: %s", strerror(errno));
        return KB_ERR_IO;
    }
    if (got < KB_EVTX_HEADER_SIZE)
        return header_cut(ctx, got);
    kb_evtx_reading r;
    memset(&r, 0, sizeof r);
    kb_evtx_file_header_read(head, got, &r.header);
    kb_evtx_wanted wanted;
    kb_evtx_wanted_init(&wanted, ctx->interest);
    kb_evtx_read_opts opts = {.wanted = &wanted, .decode_all = ctx->no_prefilter,
                              .everything_pending = hooked(h, ctx), .since = ctx->since, .until = ctx->until,
                              .input_index = ctx->input_index, .threads = ctx->threads,
                              .keep = ctx->keep, .keep_arg = ctx->keep_arg, .sink = ctx->sink};
    kb_status status = KB_OK;
    kb_evtx_dup_result dups;
    memset(&dups, 0, sizeof dups);
    int failed = read_log(h, &opts, &r, &dups);
    if (!failed && !reduction_holds(&r, &dups)) {
        /* read it again, every fact kept: rare (duplicated chunks, forwarded events) */
        kb_evtx_reading_free(&r);
        kb_evtx_dup_result_free(&dups);
        memset(&dups, 0, sizeof dups);
        opts.sink = NULL;
        failed = read_log(h, &opts, &r, &dups);
    }
    if (failed) {
        kb_input_fail(in, KB_INPUT_ERROR, "read error: %s", strerror(r.io_error ? r.io_error : errno));
        set_feed(in, NULL);
        status = KB_ERR_IO;
    } else {
        char *worker = ask_libevtx(h, ctx, &r);
        failed_ids(&r);
        kb_evtx_judgement j;
        kb_evtx_judge(in, &r, &dups, worker, &j);
        free(worker);
        finish_input(ctx, &r, &j);
        add_log_fact(ctx, &r, j.failed);
        status = in->state == KB_INPUT_DAMAGED ? KB_ERR_DAMAGED : KB_OK;
    }
    kb_evtx_dup_result_free(&dups);
    kb_evtx_reading_free(&r);
    kb_evtx_wanted_free(&wanted);
    return status;
}

/* ---- the source (registry.c) ---------------------------------------------- */

static const char *const log_fields[] = {
    "channel", "computer", "records", "first_record", "last_record", "first_time", "last_time", NULL,
};
static const kb_fact_decl evtx_facts[] = {{"event", kb_evtx_event_fields}, {KB_FACT_LOG_EXTENT, log_fields}, {NULL, NULL}};

/* What reports show of a log: records read, decoded into facts (only
 * those a rule can use are), read from free space, unreadable. */
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
    .sniff_deep = kb_evtx_sniff_deep,
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
