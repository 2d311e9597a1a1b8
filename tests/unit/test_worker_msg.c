/* test_worker_msg.c: the isolated EVTX worker's message (parsers/evtx/
 * worker_msg.c): what a worker writes is read back as it was; whatever a
 * subverted worker could write instead is rejected with a reason, or read
 * as something libevtx's decoding could have made, never crashes or leaks.
 * And the pool (parsers/evtx/worker.c) decodes a sample log's records as
 * libevtx does in this process, from a file or from memory, even when a
 * launcher died. */
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

#include "evtx/read.h"
#include "evtx/wanted.h"
#include "evtx/worker.h"
#include "evtx/worker_msg.h"
#include "source/source.h"

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
    kb_fact_set(f, "binary_utf16", "VSS/4");
    return f;
}

/* A whole message answering three entries: one read with a fact, one read
 * without, one failed; then the end. */
static void sample_message(kb_buf *msg)
{
    kb_evtx_outcome o[3] = {{1, NULL, sample_fact()}, {1, NULL, NULL}, {0, strdup("bad token"), NULL}};
    for (uint32_t i = 0; i < 3; i++)
        kb_worker_msg_put_outcome(msg, i, &o[i]);
    kb_worker_msg_put_end(msg, KB_OK);
    kb_evtx_outcomes_free(o, 3);
    assert_false(msg->failed);
}

static void test_round_trip(void **state)
{
    (void)state;
    kb_buf msg = KB_BUF_INIT;
    sample_message(&msg);
    kb_worker_result r;
    char err[256];
    assert_int_equal(kb_worker_msg_read((unsigned char *)msg.data, msg.len, 7, 3, &r, err, sizeof err), 0);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.n, 3);
    kb_fact *f = r.outcomes[0].fact;
    assert_non_null(f);
    assert_int_equal(r.outcomes[0].read, 1);
    assert_int_equal(f->input, 7);
    assert_int_equal(f->record, 4711);
    assert_true(f->time == 1538395219000000);
    assert_int_equal(f->recovered, 1);
    assert_string_equal(kb_fact_get(f, "data12"), "ボリューム");
    assert_int_equal(r.outcomes[1].read, 1);
    assert_null(r.outcomes[1].fact);
    assert_int_equal(r.outcomes[2].read, 0);
    assert_string_equal(r.outcomes[2].why, "bad token");
    kb_worker_result_free(&r);
    kb_buf_free(&msg);
}

static void expect_rejected(const kb_buf *msg, size_t nentries, const char *reason)
{
    kb_worker_result r;
    char err[256];
    assert_int_equal(kb_worker_msg_read((const unsigned char *)msg->data, msg->len, 0, nentries, &r, err, sizeof err),
                     -1);
    if (!strstr(err, reason))
        fail_msg("expected \"%s\", got \"%s\"", reason, err);
    assert_null(r.outcomes);
}

static void test_every_truncation_rejected(void **state)
{
    (void)state;
    kb_buf msg = KB_BUF_INIT;
    sample_message(&msg);
    for (size_t len = 0; len < msg.len; len++) {
        kb_worker_result r;
        char err[256];
        assert_int_equal(kb_worker_msg_read((unsigned char *)msg.data, len, 0, 3, &r, err, sizeof err), -1);
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
            if (kb_worker_msg_read((unsigned char *)msg.data, msg.len, 0, 3, &r, err, sizeof err) == 0) {
                assert_int_equal(r.n, 3);
                for (size_t k = 0; k < r.n; k++) {
                    assert_true(r.outcomes[k].read || r.outcomes[k].why);
                    assert_true(!r.outcomes[k].fact || (r.outcomes[k].read && kb_fact_get(r.outcomes[k].fact, "provider")));
                }
                kb_worker_result_free(&r);
            }
            msg.data[i] ^= (char)(1 << bit);
        }
    kb_buf_free(&msg);
}

/* A message of one entry read, with fact f. */
static void one_fact_message(kb_buf *msg, kb_fact *f)
{
    kb_evtx_outcome o = {1, NULL, f};
    kb_worker_msg_put_outcome(msg, 0, &o);
    kb_worker_msg_put_end(msg, KB_OK);
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

static void put_u32(kb_buf *b, uint32_t v)
{
    char le[4] = {(char)v, (char)(v >> 8), (char)(v >> 16), (char)(v >> 24)};
    kb_buf_append(b, le, 4);
}

/* An outcome record by hand: entry, read byte, reason of len bytes (NULL:
 * absent). */
static void put_raw_outcome_n(kb_buf *msg, uint32_t entry, unsigned read, const char *why, size_t len)
{
    kb_buf body = KB_BUF_INIT;
    put_u32(&body, entry);
    kb_buf_putc(&body, (char)read);
    put_u32(&body, why ? (uint32_t)len : 0xFFFFFFFFu);
    if (why)
        kb_buf_append(&body, why, len);
    put_record(msg, 'R', body.data, body.len);
    kb_buf_free(&body);
}

static void put_raw_outcome(kb_buf *msg, uint32_t entry, unsigned read, const char *why)
{
    put_raw_outcome_n(msg, entry, read, why, why ? strlen(why) : 0);
}

/* A fact record of entry 0 whose fields are given as name, value pairs
 * (NULL: an absent string); flag is the recovered byte. */
static void put_raw_fact(kb_buf *msg, unsigned flag, uint32_t nfields, const char *const *pairs, size_t npairs)
{
    kb_buf body = KB_BUF_INIT;
    static const char ids[20] = {0};
    kb_buf_append(&body, ids, 20);
    kb_buf_putc(&body, (char)flag);
    put_u32(&body, nfields);
    for (size_t i = 0; i < npairs; i++) {
        put_u32(&body, pairs[i] ? (uint32_t)strlen(pairs[i]) : 0xFFFFFFFFu);
        if (pairs[i])
            kb_buf_append(&body, pairs[i], strlen(pairs[i]));
    }
    put_record(msg, 'F', body.data, body.len);
    kb_buf_free(&body);
}

static void test_rejections(void **state)
{
    (void)state;
    kb_buf msg = KB_BUF_INIT;
    kb_fact *f = sample_fact();
    kb_fact_set(f, "password", "x");
    one_fact_message(&msg, f);
    expect_rejected(&msg, 1, "a field the EVTX parser does not make");
    kb_fact_free(f);

    f = sample_fact();
    kb_buf_reset(&msg);
    one_fact_message(&msg, f);
    expect_rejected(&msg, 2, "a record asked about has no outcome");
    kb_buf_reset(&msg);
    one_fact_message(&msg, f);
    kb_buf_append(&msg, "\x01\x00\x00\x00R", 5);
    expect_rejected(&msg, 1, "something follows the end record");
    kb_fact_free(f);

    /* Invalid UTF-8 or a NUL inside a string. */
    kb_buf_reset(&msg);
    put_raw_outcome(&msg, 0, 0, "\xc3");
    expect_rejected(&msg, 1, "not valid UTF-8");
    kb_buf_reset(&msg);
    put_raw_outcome_n(&msg, 0, 0, "a\0", 2);
    expect_rejected(&msg, 1, "NUL byte");
    static const char huge[] = "\xff\xff\xff\x7f";
    kb_buf_reset(&msg);
    kb_buf_append(&msg, huge, sizeof huge - 1);
    expect_rejected(&msg, 1, "longer than the message");
    kb_buf_reset(&msg);
    kb_buf_append(&msg, "\x01\x00\x00\x00Z", 5);
    expect_rejected(&msg, 1, "unknown kind");
    kb_buf_reset(&msg);
    expect_rejected(&msg, 1, "ends before its end record");

    /* Outcomes that cannot be. */
    kb_buf_reset(&msg);
    put_raw_outcome(&msg, 5, 1, NULL);
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, 1, "not asked about");
    kb_buf_reset(&msg);
    put_raw_outcome(&msg, 0, 1, NULL);
    put_raw_outcome(&msg, 0, 0, "x");
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, 1, "two outcomes of one record");
    kb_buf_reset(&msg);
    put_raw_outcome(&msg, 0, 2, NULL);
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, 1, "neither read nor failed");
    kb_buf_reset(&msg);
    put_raw_outcome(&msg, 0, 1, NULL);
    kb_worker_msg_put_end(&msg, KB_ERR_NOMEM);
    expect_rejected(&msg, 1, "status");
    kb_buf_free(&msg);
}

/* Each rule of a fact, broken on its own. */
static void test_more_rejections(void **state)
{
    (void)state;
    static const char *const whole[] = {"provider", "VSS",         "event_id", "1", "channel", "A",
                                        "computer", "C",           "data",     "",  "strings", "0"};
    kb_buf msg = KB_BUF_INIT;
    put_raw_fact(&msg, 0, 6, whole, 12);
    put_raw_outcome(&msg, 0, 1, NULL);
    kb_worker_msg_put_end(&msg, KB_OK);
    kb_worker_result r;
    char err[256];
    assert_int_equal(kb_worker_msg_read((unsigned char *)msg.data, msg.len, 0, 1, &r, err, sizeof err), 0);
    kb_worker_result_free(&r);

    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, 6, whole, 12);
    put_raw_outcome(&msg, 0, 0, "x");
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, 1, "a fact of a record not read");

    kb_buf_reset(&msg);
    put_raw_outcome(&msg, 0, 1, NULL);
    put_raw_fact(&msg, 0, 6, whole, 12);
    kb_worker_msg_put_end(&msg, KB_OK);
    expect_rejected(&msg, 1, "a fact after its record's outcome");

    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, 6, whole, 12);
    put_raw_fact(&msg, 0, 6, whole, 12);
    expect_rejected(&msg, 1, "or twice");

    kb_buf_reset(&msg);
    put_raw_fact(&msg, 2, 6, whole, 12);
    expect_rejected(&msg, 1, "recovered flag is neither 0 nor 1");

    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, KB_MSG_MAX_FIELDS + 1, whole, 12);
    expect_rejected(&msg, 1, "too many fields");

    static const char *const twice[] = {"provider", "VSS", "provider", "VSS"};
    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, 2, twice, 4);
    expect_rejected(&msg, 1, "a field twice");

    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, 5, whole, 10); /* no "strings" */
    expect_rejected(&msg, 1, "lacks a field every event has");

    static const char *const absent[] = {"provider", NULL};
    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, 1, absent, 2);
    expect_rejected(&msg, 1, "a required string is absent");

    kb_buf_reset(&msg);
    put_raw_fact(&msg, 0, 6, whole, 12);
    expect_rejected(&msg, 0, "a fact of a record not asked about");
    kb_buf_free(&msg);
}

/* What the worker cannot send as it is, it sends as kbscan shows it. */
static void test_invalid_utf8_sent_visible(void **state)
{
    (void)state;
    kb_fact *f = sample_fact();
    kb_fact_set(f, "data1", "a\xff" "b");
    kb_buf msg = KB_BUF_INIT;
    one_fact_message(&msg, f);
    kb_worker_result r;
    char err[256];
    assert_int_equal(kb_worker_msg_read((unsigned char *)msg.data, msg.len, 0, 1, &r, err, sizeof err), 0);
    assert_string_equal(kb_fact_get(r.outcomes[0].fact, "data1"), "a\\xFFb");
    kb_worker_result_free(&r);
    kb_fact_free(f);
    kb_buf_free(&msg);
}

/* ---- the pool ------------------------------------------------------------ */

#define SAMPLE "samples/bundles/seed-ja/Application.evtx"

/* Every record of the handle's log, as entries for libevtx. */
static kb_evtx_fallback_entry *entries_of(const kb_input_handle *h, size_t *n)
{
    kb_evtx_reading r;
    memset(&r, 0, sizeof r);
    unsigned char head[KB_EVTX_HEADER_SIZE];
    size_t got = 0;
    assert_int_equal(kb_handle_read_at(h, 0, head, sizeof head, &got), 0);
    kb_evtx_file_header_read(head, got, &r.header);
    kb_evtx_wanted w;
    kb_evtx_wanted_init(&w, NULL);
    kb_evtx_read_opts o = {.wanted = &w, .everything_pending = 1, .since = KB_TIME_NONE, .until = KB_TIME_NONE,
                           .threads = 1};
    assert_int_equal(kb_evtx_read(h, &o, &r), 0);
    kb_evtx_fallback_entry *e = calloc(r.npending + 1, sizeof *e);
    assert_non_null(e);
    for (size_t i = 0; i < r.npending; i++) {
        const kb_evtx_pending *p = &r.pending[i];
        e[i] = (kb_evtx_fallback_entry){.slot = p->slot, .id = p->id, .off = p->off, .size = p->size,
                                        .index = p->index, .chunk_records = r.chunks[p->slot].records};
    }
    *n = r.npending;
    kb_evtx_wanted_free(&w);
    kb_evtx_reading_free(&r);
    return e;
}

static void expect_same_outcomes(const kb_evtx_outcome *a, const kb_evtx_outcome *b, size_t n)
{
    size_t facts = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(b[i].read, a[i].read);
        assert_int_equal(b[i].fact != NULL, a[i].fact != NULL);
        if (!a[i].fact)
            continue;
        facts++;
        assert_int_equal(b[i].fact->record, a[i].fact->record);
        assert_int_equal(b[i].fact->nfields, a[i].fact->nfields);
        for (size_t k = 0; k < a[i].fact->nfields; k++)
            assert_string_equal(kb_fact_get(b[i].fact, a[i].fact->fields[k].name), a[i].fact->fields[k].value);
    }
    assert_true(facts > 0);
}

/* The sample log's records, decoded by libevtx in a pool worker and in this
 * process, from the file and from memory (a worker then gets a memory
 * file's descriptor): the same outcomes. */
static void test_pool_decodes_as_in_process(void **state)
{
    (void)state;
    FILE *fp = fopen(SAMPLE, "rb");
    if (!fp)
        skip();
    kb_buf bytes = KB_BUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        kb_buf_append(&bytes, chunk, got);
    fclose(fp);
    kb_interest interest = {0};
    kb_interest_add(&interest, "VSS", 8193);
    kb_interest_add(&interest, "Microsoft-Windows-Backup", -1);
    kb_input_handle file, memory;
    assert_int_equal(kb_handle_open_file(&file, SAMPLE, SAMPLE), KB_OK);
    kb_handle_from_memory(&memory, bytes.data, bytes.len, "outer.zip!inner/Application.evtx");
    size_t n = 0;
    kb_evtx_fallback_entry *e = entries_of(&file, &n);
    assert_true(n > 10);
    kb_evtx_outcome *own = calloc(n, sizeof *own), *isolated = calloc(n, sizeof *isolated);
    kb_evtx_fallback_opts opts = {.interest = &interest, .since = KB_TIME_NONE, .until = KB_TIME_NONE};
    assert_int_equal(kb_evtx_fallback(&file, e, n, &opts, own), KB_OK);
    kb_worker_pool *pool = kb_worker_pool_new(1, &(kb_worker_config){10, 256, &interest, KB_TIME_NONE, KB_TIME_NONE, 0});
    assert_non_null(pool);
    const kb_input_handle *handles[] = {&file, &memory};
    for (int i = 0; i < 2; i++) {
        assert_null(kb_worker_fallback(pool, 0, handles[i], 0, e, n, isolated));
        expect_same_outcomes(own, isolated, n);
        kb_evtx_outcomes_free(isolated, n);
        memset(isolated, 0, n * sizeof *isolated);
    }
    kb_worker_pool_free(pool);
    kb_evtx_outcomes_free(own, n);
    free(own);
    free(isolated);
    free(e);
    kb_handle_close(&file);
    kb_buf_free(&bytes);
    kb_interest_free(&interest);
}

/* A launcher that died: its requests go to another, and the records are read. */
static void test_dead_launcher_replaced(void **state)
{
    (void)state;
    kb_input_handle h;
    if (kb_handle_open_file(&h, SAMPLE, SAMPLE) != KB_OK)
        skip();
    kb_interest interest = {0};
    kb_interest_add(&interest, "VSS", 8193);
    kb_worker_pool pool;
    kb_worker_config config = {10, 256, &interest, KB_TIME_NONE, KB_TIME_NONE, 0};
    assert_int_equal(kb_worker_pool_start(&pool, 2, &config), 0);
    assert_int_equal(kill(pool.launchers[0].pid, SIGKILL), 0);
    assert_int_equal(waitpid(pool.launchers[0].pid, NULL, 0), pool.launchers[0].pid);
    pool.launchers[0].pid = -1; /* reaped here */
    size_t n = 0;
    kb_evtx_fallback_entry *e = entries_of(&h, &n);
    kb_evtx_outcome *o = calloc(n, sizeof *o);
    for (int round = 0; round < 2; round++) { /* the failed exchange, then the closed stream */
        assert_null(kb_worker_fallback(&pool, 0, &h, 0, e, n, o));
        size_t facts = 0;
        for (size_t i = 0; i < n; i++) {
            assert_true(o[i].read);
            facts += o[i].fact != NULL;
        }
        assert_true(facts > 0);
        kb_evtx_outcomes_free(o, n);
        memset(o, 0, n * sizeof *o);
    }
    kb_worker_pool_stop(&pool);
    free(o);
    free(e);
    kb_handle_close(&h);
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
        cmocka_unit_test(test_pool_decodes_as_in_process),
        cmocka_unit_test(test_dead_launcher_replaced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
