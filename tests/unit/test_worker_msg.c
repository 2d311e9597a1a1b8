/* test_worker_msg.c: the isolated EVTX worker's message (analyzer/
 * worker_msg.c): what a worker writes is read back as it was; whatever a
 * subverted worker could write instead is rejected with a reason, or read
 * as something the EVTX parser could have made, never crashes or leaks.
 * And the pool (parsers/evtx/worker.c) decodes a sample log as kbscan itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>

#include "source/source.h"
#include "evtx/worker.h"
#include "evtx/worker_msg.h"

static kb_fact *sample_fact(void)
{
    kb_fact *f = kb_fact_new("event", 0);
    f->record = 4711;
    f->time = 1538395219000000;
    f->recovered = 1;
    kb_fact_set(f, "provider", "VSS");
    kb_fact_set(f, "event_id", "8193");
    kb_fact_set(f, "channel", "Application");
    kb_fact_set(f, "computer", "SRV-FS01");
    kb_fact_set(f, "data1", "CoCreateInstance");
    kb_fact_set(f, "data12", "ボリューム");
    kb_fact_set(f, "data", "CoCreateInstance\nボリューム");
    kb_fact_set(f, "strings", "2");
    return f;
}

/* A whole message: two facts, a note, the input, the end. */
static void sample_message(kb_buf *msg)
{
    kb_input in;
    memset(&in, 0, sizeof in);
    in.state = KB_INPUT_DAMAGED;
    in.message = strdup("1 record(s) could not be read");
    in.computer = strdup("SRV-FS01");
    in.channel = strdup("Application");
    kb_input_set_source(&in, "evtx", kb_source_evtx.covers, kb_source_evtx.counts);
    in.counts[KB_EVTX_RECORDS] = 46;
    in.counts[KB_EVTX_USED] = 2;
    in.counts[KB_EVTX_FAILED] = 1;
    in.facts = 2;
    kb_input_note(&in, "record index 3", "libevtx cannot read it: %s", "bad");
    kb_input_note(&in, NULL, "no place");
    kb_input_add_feed(&in, "eventlog:Application");
    for (int i = 0; i < 2; i++) {
        kb_fact *f = sample_fact();
        kb_worker_msg_put_fact(msg, f);
        kb_fact_free(f);
    }
    kb_worker_msg_put_notes(msg, &in);
    kb_worker_msg_put_input(msg, &in);
    kb_worker_msg_put_end(msg, KB_ERR_DAMAGED);
    kb_input_clear(&in);
    assert_false(msg->failed);
}

static void test_round_trip(void **state)
{
    (void)state;
    kb_buf msg = KB_BUF_INIT;
    sample_message(&msg);
    kb_worker_result r;
    char err[256];
    assert_int_equal(kb_worker_msg_read((unsigned char *)msg.data, msg.len, 7, &r, err, sizeof err), 0);
    assert_int_equal(r.status, KB_ERR_DAMAGED);
    assert_int_equal(r.facts.n, 2);
    kb_fact *f = r.facts.items[1];
    assert_int_equal(f->input, 7);
    assert_int_equal(f->record, 4711);
    assert_true(f->time == 1538395219000000);
    assert_int_equal(f->recovered, 1);
    assert_string_equal(kb_fact_get(f, "data12"), "ボリューム");

    /* Applied on top of what the container walk found. */
    kb_inputs inputs = {0};
    long index = kb_inputs_add(&inputs, "Application.evtx");
    kb_input *in = &inputs.items[index];
    kb_input_fail(in, KB_INPUT_DAMAGED, "chunk 2: bad checksum");
    kb_factlist facts = {0};
    assert_int_equal(kb_worker_result_apply(&r, in, &facts), 0);
    kb_worker_result_free(&r);
    assert_int_equal(facts.n, 2);
    assert_string_equal(in->message, "chunk 2: bad checksum");  /* the first damage stays the summary */
    assert_int_equal(in->nnotes, 2);
    assert_string_equal(in->notes[0].where, "record index 3");
    assert_null(in->notes[1].where);
    assert_string_equal(in->channel, "Application");
    assert_int_equal(in->counts[KB_EVTX_RECORDS], 46);
    assert_int_equal(in->counts[KB_EVTX_USED], 2);
    assert_int_equal(in->counts[KB_EVTX_FAILED], 1);
    assert_int_equal(in->facts, 2);
    assert_true(kb_input_has_feed(in, "eventlog:Application"));
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
    kb_buf_free(&msg);
}

static void expect_rejected(const kb_buf *msg, const char *reason)
{
    kb_worker_result r;
    char err[256];
    assert_int_equal(kb_worker_msg_read((const unsigned char *)msg->data, msg->len, 0, &r, err, sizeof err), -1);
    if (!strstr(err, reason))
        fail_msg("expected \"%s\", got \"%s\"", reason, err);
    assert_int_equal(r.facts.n, 0);
}

static void test_every_truncation_rejected(void **state)
{
    (void)state;
    kb_buf msg = KB_BUF_INIT;
    sample_message(&msg);
    for (size_t len = 0; len < msg.len; len++) {
        kb_worker_result r;
        char err[256];
        assert_int_equal(kb_worker_msg_read((unsigned char *)msg.data, len, 0, &r, err, sizeof err), -1);
    }
    kb_buf_free(&msg);
}

/* Every byte flipped in turn: read or rejected, never a crash or a leak
 * (ASan in make check); what is read is a message of the allowed shape. */
static void test_flipped_bytes_never_crash(void **state)
{
    (void)state;
    kb_buf msg = KB_BUF_INIT;
    sample_message(&msg);
    for (size_t i = 0; i < msg.len; i++)
        for (int bit = 0; bit < 8; bit++) {
            msg.data[i] ^= (char)(1 << bit);
            kb_worker_result r;
            char err[256];
            if (kb_worker_msg_read((unsigned char *)msg.data, msg.len, 0, &r, err, sizeof err) == 0) {
                assert_int_equal(r.facts.n, r.input.facts);
                for (size_t k = 0; k < r.facts.n; k++)
                    assert_non_null(kb_fact_get(r.facts.items[k], "provider"));
                kb_worker_result_free(&r);
            }
            msg.data[i] ^= (char)(1 << bit);
        }
    kb_buf_free(&msg);
}

/* A message of one fact and its input, with fact f. */
static void one_fact_message(kb_buf *msg, const kb_fact *f, size_t facts_claimed)
{
    kb_input in;
    memset(&in, 0, sizeof in);
    in.facts = facts_claimed;
    kb_worker_msg_put_fact(msg, f);
    kb_worker_msg_put_input(msg, &in);
    kb_worker_msg_put_end(msg, KB_OK);
}

static void test_rejections(void **state)
{
    (void)state;
    kb_buf msg = KB_BUF_INIT;
    kb_fact *f = sample_fact();
    kb_fact_set(f, "password", "x");
    one_fact_message(&msg, f, 1);
    expect_rejected(&msg, "a field the EVTX parser does not make");
    kb_fact_free(f);

    kb_buf_reset(&msg);
    f = sample_fact();
    one_fact_message(&msg, f, 2);
    expect_rejected(&msg, "fact count is not the number of facts sent");

    kb_buf_reset(&msg);
    one_fact_message(&msg, f, 1);
    kb_buf_append(&msg, "\x01\x00\x00\x00N", 5);
    expect_rejected(&msg, "something follows the end record");

    /* Invalid UTF-8 or a NUL inside a string, written by hand. */
    static const char bad_utf8[] = "\x0a\x00\x00\x00N\xff\xff\xff\xff\x01\x00\x00\x00\xc3";
    kb_buf_reset(&msg);
    kb_buf_append(&msg, bad_utf8, sizeof bad_utf8 - 1);
    expect_rejected(&msg, "not valid UTF-8");
    static const char nul[] = "\x0b\x00\x00\x00N\xff\xff\xff\xff\x02\x00\x00\x00" "a\x00";
    kb_buf_reset(&msg);
    kb_buf_append(&msg, nul, sizeof nul - 1);
    expect_rejected(&msg, "NUL byte");
    static const char huge[] = "\xff\xff\xff\x7f";
    kb_buf_reset(&msg);
    kb_buf_append(&msg, huge, sizeof huge - 1);
    expect_rejected(&msg, "longer than the message");
    kb_buf_reset(&msg);
    kb_buf_append(&msg, "\x01\x00\x00\x00Z", 5);
    expect_rejected(&msg, "unknown kind");
    kb_buf_reset(&msg);
    expect_rejected(&msg, "ends before its end record");

    /* An input state or feed a decoding cannot leave. */
    kb_input in;
    memset(&in, 0, sizeof in);
    in.state = KB_INPUT_SKIPPED;
    kb_buf_reset(&msg);
    kb_worker_msg_put_input(&msg, &in);
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, "state");
    in.state = KB_INPUT_OK;
    kb_input_add_feed(&in, "vssadmin_writers");
    kb_buf_reset(&msg);
    kb_worker_msg_put_input(&msg, &in);
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, "not an event-log feed");
    kb_input_clear(&in);
    kb_buf_reset(&msg);
    kb_worker_msg_put_input(&msg, &in);
    kb_worker_msg_put_end(&msg, KB_ERR_NOMEM);
    expect_rejected(&msg, "status");
    kb_fact_free(f);
    kb_buf_free(&msg);
}

/* A record by hand: its length, tag and body. */
static void put_record(kb_buf *msg, char tag, const char *body, size_t len)
{
    uint32_t n = (uint32_t)len + 1;
    unsigned char head[5] = {(unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                             (unsigned char)(n >> 24), (unsigned char)tag};
    kb_buf_append(msg, (const char *)head, 5);
    kb_buf_append(msg, body, len);
}

/* A fact record whose fields are given as name, value pairs (NULL: an
 * absent string); flag is the recovered byte. */
static void put_raw_fact(kb_buf *msg, unsigned flag, uint32_t nfields, const char *const *pairs, size_t npairs)
{
    kb_buf body = KB_BUF_INIT;
    static const char ids[16] = {0};
    kb_buf_append(&body, ids, 16);
    kb_buf_putc(&body, (char)flag);
    char count[4] = {(char)nfields, (char)(nfields >> 8), (char)(nfields >> 16), (char)(nfields >> 24)};
    kb_buf_append(&body, count, 4);
    for (size_t i = 0; i < npairs; i++) {
        uint32_t n = pairs[i] ? (uint32_t)strlen(pairs[i]) : 0xFFFFFFFFu;
        char len[4] = {(char)n, (char)(n >> 8), (char)(n >> 16), (char)(n >> 24)};
        kb_buf_append(&body, len, 4);
        if (pairs[i])
            kb_buf_append(&body, pairs[i], n);
    }
    put_record(msg, 'F', body.data, body.len);
    kb_buf_free(&body);
}

static void end_with_input(kb_buf *msg, size_t facts)
{
    kb_input in;
    memset(&in, 0, sizeof in);
    in.facts = facts;
    kb_worker_msg_put_input(msg, &in);
    kb_worker_msg_put_end(msg, KB_OK);
}

/* Each rule of the message, broken on its own. */
static void test_more_rejections(void **state)
{
    (void)state;
    static const char *const whole[] = {"provider", "VSS",         "event_id", "1", "channel", "A",
                                        "computer", "C",           "data",     "",  "strings", "0"};
    kb_buf msg = KB_BUF_INIT;
    put_raw_fact(&msg, 0, 6, whole, 12);
    end_with_input(&msg, 1);
    kb_worker_result r;
    char err[256];
    assert_int_equal(kb_worker_msg_read((unsigned char *)msg.data, msg.len, 0, &r, err, sizeof err), 0);
    kb_worker_result_free(&r);

    kb_buf_reset(&msg);
    put_raw_fact(&msg, 2, 6, whole, 12);
    end_with_input(&msg, 1);
    expect_rejected(&msg, "recovered flag is neither 0 nor 1");

    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, KB_MSG_MAX_FIELDS + 1, whole, 12);
    end_with_input(&msg, 1);
    expect_rejected(&msg, "too many fields");

    static const char *const twice[] = {"provider", "VSS", "provider", "VSS"};
    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, 2, twice, 4);
    end_with_input(&msg, 1);
    expect_rejected(&msg, "a field twice");

    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, 5, whole, 10);  /* no "strings" */
    end_with_input(&msg, 1);
    expect_rejected(&msg, "lacks a field every event has");

    static const char *const absent[] = {"provider", NULL};
    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, 1, absent, 2);
    end_with_input(&msg, 1);
    expect_rejected(&msg, "a required string is absent");

    /* Order: facts and notes, then the input once, then the end. */
    kb_buf_reset(&msg);
    kb_input in;
    memset(&in, 0, sizeof in);
    kb_worker_msg_put_input(&msg, &in);
    put_raw_fact(&msg, 0, 6, whole, 12);
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, "a record follows the input record");
    kb_buf_reset(&msg);
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, "no input record");

    /* More notes or feeds than an input may have. */
    kb_buf_reset(&msg);
    static const char note[] = "\xff\xff\xff\xff\x01\x00\x00\x00n";
    for (int i = 0; i <= KB_MAX_NOTES; i++)
        put_record(&msg, 'N', note, sizeof note - 1);
    end_with_input(&msg, 0);
    expect_rejected(&msg, "more notes than a file may have");
    kb_buf_reset(&msg);
    char feeds[] = "\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
                   "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
                   "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
                   "?";
    feeds[sizeof feeds - 2] = KB_MAX_FEEDS + 1; /* the count of feeds: one too many */
    put_record(&msg, 'I', feeds, sizeof feeds - 1);
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, "too many feeds");

    /* "Any log" only where damage hid the channel. */
    kb_buf_reset(&msg);
    in.state = KB_INPUT_OK;
    kb_input_add_feed(&in, "eventlog:*");
    kb_worker_msg_put_input(&msg, &in);
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, "a feed for any log on an input that is not damaged");
    kb_buf_reset(&msg);
    in.state = KB_INPUT_DAMAGED;
    kb_worker_msg_put_input(&msg, &in);
    kb_worker_msg_put_end(&msg, KB_ERR_DAMAGED);
    assert_int_equal(kb_worker_msg_read((unsigned char *)msg.data, msg.len, 0, &r, err, sizeof err), 0);
    kb_worker_result_free(&r);
    kb_input_clear(&in);
    kb_buf_free(&msg);
}

/* A damaged or failed state without a message still makes the input so. */
static void test_state_without_message_applied(void **state)
{
    (void)state;
    for (int failed = 0; failed < 2; failed++) {
        kb_input w;
        memset(&w, 0, sizeof w);
        w.state = failed ? KB_INPUT_ERROR : KB_INPUT_DAMAGED;
        kb_buf msg = KB_BUF_INIT;
        kb_worker_msg_put_input(&msg, &w);
        kb_worker_msg_put_end(&msg, KB_ERR_DAMAGED);
        kb_worker_result r;
        char err[256];
        assert_int_equal(kb_worker_msg_read((unsigned char *)msg.data, msg.len, 0, &r, err, sizeof err), 0);
        kb_inputs inputs = {0};
        long index = kb_inputs_add(&inputs, "Application.evtx");
        assert_true(index >= 0);
        kb_input *in = &inputs.items[index];
        kb_factlist facts = {0};
        assert_int_equal(kb_worker_result_apply(&r, in, &facts), 0);
        kb_worker_result_free(&r);
        assert_int_equal(in->state, w.state);
        assert_string_equal(in->message, failed ? "failed while decoding" : "damaged while decoding");
        kb_factlist_free(&facts);
        kb_inputs_free(&inputs);
        kb_buf_free(&msg);
    }
}

/* What the worker cannot send as it is, it sends as kbscan shows it. */
static void test_invalid_utf8_sent_visible(void **state)
{
    (void)state;
    kb_fact *f = sample_fact();
    kb_fact_set(f, "data1", "a\xff" "b");
    kb_buf msg = KB_BUF_INIT;
    one_fact_message(&msg, f, 1);
    kb_worker_result r;
    char err[256];
    assert_int_equal(kb_worker_msg_read((unsigned char *)msg.data, msg.len, 0, &r, err, sizeof err), 0);
    assert_string_equal(kb_fact_get(r.facts.items[0], "data1"), "a\\xFFb");
    kb_worker_result_free(&r);
    kb_fact_free(f);
    kb_buf_free(&msg);
}

/* The sample log, decoded by a pool worker and in this process: the same
 * facts and input. */
static void test_pool_decodes_as_in_process(void **state)
{
    (void)state;
    const char *path = "samples/bundles/seed-ja/Application.evtx";
    FILE *probe = fopen(path, "rb");
    if (!probe)
        skip();
    fclose(probe);
    kb_interest interest = {0};
    kb_interest_add(&interest, "VSS", 8193);
    kb_interest_add(&interest, "Microsoft-Windows-Backup", -1);
    kb_inputs inputs = {0};
    kb_factlist own = {0}, isolated = {0};
    long ia = kb_inputs_add(&inputs, path);
    kb_input *a = &inputs.items[ia];
    kb_input_handle h;
    assert_int_equal(kb_handle_open_file(&h, path, path), KB_OK);
    kb_parse_ctx ctx = {.input = a, .input_index = 0, .facts = &own, .interest = &interest,
                        .since = KB_TIME_NONE, .until = KB_TIME_NONE, .threads = 1};
    assert_int_equal(kb_evtx_parse(&h, &ctx), KB_OK);

    kb_worker_pool pool;
    kb_worker_config config = {10, 256, &interest, KB_TIME_NONE, KB_TIME_NONE, 0};
    assert_int_equal(kb_worker_pool_start(&pool, 1, &config), 0);
    long ib = kb_inputs_add(&inputs, path);
    kb_input *b = &inputs.items[ib];
    a = &inputs.items[ia];
    kb_parse_ctx ctx2 = {.input = b, .input_index = 1, .facts = &isolated, .interest = &interest,
                         .since = KB_TIME_NONE, .until = KB_TIME_NONE, .threads = 1, .workers = &pool};
    assert_int_equal(kb_evtx_parse(&h, &ctx2), KB_OK);
    kb_worker_pool_stop(&pool);
    kb_handle_close(&h);

    assert_true(own.n > 0);
    assert_int_equal(isolated.n, own.n);
    for (size_t i = 0; i < own.n; i++) {
        assert_int_equal(isolated.items[i]->record, own.items[i]->record);
        assert_int_equal(isolated.items[i]->input, 1);
        assert_int_equal(isolated.items[i]->nfields, own.items[i]->nfields);
        for (size_t k = 0; k < own.items[i]->nfields; k++)
            assert_string_equal(kb_fact_get(isolated.items[i], own.items[i]->fields[k].name),
                                own.items[i]->fields[k].value);
    }
    assert_int_equal(b->state, a->state);
    for (size_t k = 0; k < KB_EVTX_NCOUNTS; k++)
        assert_int_equal(b->counts[k], a->counts[k]);
    assert_string_equal(b->channel, a->channel);
    assert_string_equal(b->computer, a->computer);
    assert_int_equal(b->nfeeds, a->nfeeds);
    kb_factlist_free(&own);
    kb_factlist_free(&isolated);
    kb_inputs_free(&inputs);
    kb_interest_free(&interest);
}

/* Reads a whole file into memory (NULL when absent). */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    kb_buf b = KB_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        kb_buf_append(&b, chunk, n);
    fclose(fp);
    *len = b.len;
    return (unsigned char *)kb_buf_take(&b);
}

static void expect_same_facts(const kb_factlist *a, const kb_factlist *b)
{
    assert_int_equal(b->n, a->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(b->items[i]->record, a->items[i]->record);
        assert_int_equal(b->items[i]->nfields, a->items[i]->nfields);
        for (size_t k = 0; k < a->items[i]->nfields; k++)
            assert_string_equal(kb_fact_get(b->items[i], a->items[i]->fields[k].name), a->items[i]->fields[k].value);
    }
}

/* A log that is no file (an archive member, a buffer): read from memory, in
 * this process and by a pool worker (which gets a memory file's
 * descriptor), the same as from the file; the name is the handle's. */
static void test_memory_input(void **state)
{
    (void)state;
    const char *path = "samples/bundles/seed-ja/Application.evtx";
    size_t len = 0;
    unsigned char *bytes = slurp(path, &len);
    if (!bytes)
        skip();
    kb_interest interest = {0};
    kb_interest_add(&interest, "VSS", 8193);
    kb_interest_add(&interest, "Microsoft-Windows-Backup", -1);
    kb_inputs inputs = {0};
    kb_factlist from_file = {0}, from_memory = {0}, isolated = {0};
    const char *name = "outer.zip!inner/Application.evtx";
    for (int i = 0; i < 3; i++)
        assert_true(kb_inputs_add(&inputs, i ? name : path) == i);
    kb_input_handle file, memory;
    assert_int_equal(kb_handle_open_file(&file, path, path), KB_OK);
    kb_handle_from_memory(&memory, bytes, len, name);
    kb_worker_pool *pool = kb_worker_pool_new(1, &(kb_worker_config){10, 256, &interest, KB_TIME_NONE, KB_TIME_NONE, 0});
    assert_non_null(pool);
    kb_factlist *lists[] = {&from_file, &from_memory, &isolated};
    for (size_t i = 0; i < 3; i++) {
        kb_parse_ctx ctx = {.input = &inputs.items[i], .input_index = i, .facts = lists[i], .interest = &interest,
                            .since = KB_TIME_NONE, .until = KB_TIME_NONE, .threads = i + 1,
                            .workers = i == 2 ? pool : NULL};
        assert_int_equal(kb_evtx_parse(i ? &memory : &file, &ctx), KB_OK);
    }
    kb_worker_pool_free(pool);
    kb_handle_close(&file);
    assert_true(from_file.n > 0);
    expect_same_facts(&from_file, &from_memory);
    expect_same_facts(&from_file, &isolated);
    for (size_t i = 1; i < 3; i++) {
        assert_int_equal(inputs.items[i].state, inputs.items[0].state);
        assert_string_equal(inputs.items[i].channel, inputs.items[0].channel);
        assert_string_equal(inputs.items[i].feeds[0], "eventlog:Application");
    }
    kb_factlist_free(&from_file);
    kb_factlist_free(&from_memory);
    kb_factlist_free(&isolated);
    kb_inputs_free(&inputs);
    kb_interest_free(&interest);
    free(bytes);
}

/* A launcher that died: its requests go to another, and the log is read. */
static void test_dead_launcher_replaced(void **state)
{
    (void)state;
    const char *path = "samples/bundles/seed-ja/Application.evtx";
    FILE *probe = fopen(path, "rb");
    if (!probe)
        skip();
    fclose(probe);
    kb_interest interest = {0};
    kb_interest_add(&interest, "VSS", 8193);
    kb_worker_pool pool;
    kb_worker_config config = {10, 256, &interest, KB_TIME_NONE, KB_TIME_NONE, 0};
    assert_int_equal(kb_worker_pool_start(&pool, 2, &config), 0);
    assert_int_equal(kill(pool.launchers[0].pid, SIGKILL), 0);
    assert_int_equal(waitpid(pool.launchers[0].pid, NULL, 0), pool.launchers[0].pid);
    pool.launchers[0].pid = -1;  /* reaped here */
    for (int round = 0; round < 2; round++) {  /* the failed exchange, then the closed stream */
        kb_inputs inputs = {0};
        kb_factlist facts = {0};
        long i = kb_inputs_add(&inputs, path);
        kb_parse_ctx ctx = {.input = &inputs.items[i], .input_index = 0, .facts = &facts, .interest = &interest,
                            .since = KB_TIME_NONE, .until = KB_TIME_NONE, .threads = 1, .workers = &pool};
        kb_input_handle h;
        assert_int_equal(kb_handle_open_file(&h, path, path), KB_OK);
        assert_int_equal(kb_evtx_parse(&h, &ctx), KB_OK);
        kb_handle_close(&h);
        assert_int_equal(inputs.items[i].state, KB_INPUT_OK);
        assert_true(facts.n > 0);
        kb_factlist_free(&facts);
        kb_inputs_free(&inputs);
    }
    kb_worker_pool_stop(&pool);
    kb_interest_free(&interest);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_truncation_rejected),
        cmocka_unit_test(test_flipped_bytes_never_crash),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_invalid_utf8_sent_visible),
        cmocka_unit_test(test_more_rejections),
        cmocka_unit_test(test_state_without_message_applied),
        cmocka_unit_test(test_pool_decodes_as_in_process),
        cmocka_unit_test(test_memory_input),
        cmocka_unit_test(test_dead_launcher_replaced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
