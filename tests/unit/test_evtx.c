/* test_evtx.c: the event log parser (parsers/evtx/: evtx.c, read.c,
 * layout.c, event.c, fallback.c) on small .evtx files written at run time
 * by evtxgen (path in $EVTXGEN, default build/evtxgen; run from the
 * repository root) into a temporary folder: event facts and their fields,
 * the interest and time filters, the channel feed, the container walk
 * (counts, times), damage (a dirty header, a bad chunk checksum, a file cut
 * inside a chunk or inside the header), and libevtx's facts for the
 * records kbscan's decoder could not read, which must be the decoder's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evtx/evtx.h"
#include "evtx/fallback.h"
#include "evtx/layout.h"
#include "evtx/read.h"
#include "evtx/wanted.h"
#include "source/source.h"
#include "scan/scan.h"
#include "core/strbuf.h"

#define T_FIRST 1538395219123000LL  /* 2018-10-01T12:00:19.123Z */
#define T_LAST 1538467200000000LL   /* 2018-10-02T08:00:00Z */

/* Five Application events: two VSS 8193 (the second with qualifiers), a VSS
 * 8224, a manifest event with qualifiers, and a manifest event with named
 * data. */
static const char app_json[] =
    "{\"channel\":\"Application\",\"computer\":\"SRV01\",\"events\":[\n"
    "{\"provider\":\"VSS\",\"id\":8193,\"level\":2,\"time\":\"2018-10-01T12:00:19.123Z\","
    "\"data\":[\"CoCreateInstance\",\"0x800401fb, Object is not registered.\\r\\n\",\"ctx\"]},\n"
    "{\"provider\":\"VSS\",\"id\":8224,\"level\":4,\"time\":\"2018-10-01T12:05:00Z\","
    "\"data\":[\"idle\"]},\n"
    "{\"provider\":\"Microsoft-Windows-Security-SPP\","
    "\"provider_guid\":\"{e23b33b0-c8c9-472c-a5f9-f2bdfea0f156}\",\"id\":16384,\"level\":4,"
    "\"qualifiers\":16384,\"time\":\"2018-10-01T12:06:00Z\","
    "\"data\":[\"2018-10-31T12:00:00Z\",\"RulesEngine\"]},\n"
    "{\"provider\":\"Microsoft-Windows-Backup\","
    "\"provider_guid\":\"{1db28f2e-8f80-4027-8c5a-a11f7f10f62d}\",\"id\":4,\"level\":4,"
    "\"time\":\"2018-10-01T12:30:00Z\",\"data\":{\"HRESULT\":\"0\",\"BackupState\":\"1\"}},\n"
    "{\"provider\":\"VSS\",\"id\":8193,\"qualifiers\":49152,\"level\":2,"
    "\"time\":\"2018-10-02T08:00:00Z\","
    "\"data\":[\"second\",\"0x80070005, Access is denied.\",\"x\"]}\n"
    "]}\n";

static const char sys_json[] =
    "{\"channel\":\"System\",\"computer\":\"SRV02\",\"events\":[\n"
    "{\"provider\":\"Service Control Manager\","
    "\"provider_guid\":\"{555908d1-a6d7-4695-8e1e-26931d2012f4}\",\"id\":7031,\"level\":2,"
    "\"qualifiers\":49152,\"time\":\"2018-10-01T12:01:00Z\","
    "\"data\":{\"param1\":\"COM+ Event System\",\"param2\":\"1\",\"param3\":\"60000\","
    "\"param4\":\"1\",\"param5\":\"Restart the service\"}}\n"
    "]}\n";

#define DIRLEN 512
#define PATHLEN 1024

static struct fixture {
    char dir[DIRLEN];
    char app[PATHLEN], sys[PATHLEN];
    char dirty[PATHLEN], corrupt[PATHLEN];
    char truncated[PATHLEN], header_cut[PATHLEN];
} fx;

static const char *evtxgen(void)
{
    const char *gen = getenv("EVTXGEN");
    return gen && *gen ? gen : "build/evtxgen";
}

static int write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t len = strlen(text);
    int rc = fwrite(text, 1, len, fp) == len ? 0 : -1;
    return fclose(fp) == 0 ? rc : -1;
}

/* Runs evtxgen -o out [opt [arg]] in; 0 when it wrote the file. */
static int generate(char *out, const char *name, const char *in, const char *opt, const char *arg)
{
    snprintf(out, PATHLEN, "%s/%s", fx.dir, name);
    const char *argv[7];
    int n = 0;
    argv[n++] = evtxgen();
    argv[n++] = "-o";
    argv[n++] = out;
    if (opt)
        argv[n++] = opt;
    if (arg)
        argv[n++] = arg;
    argv[n++] = in;
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        alarm(20); /* kept across exec: a generator that hangs is killed */
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "test_evtx: cannot run %s (set EVTXGEN, or run `make` and run the "
                        "test from the repository root)\n", argv[0]);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "test_evtx: %s -o %s failed\n", argv[0], out);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(fx.dir);
    if (d) {
        struct dirent *e;
        char path[PATHLEN];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                snprintf(path, sizeof path, "%s/%s", fx.dir, e->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(fx.dir);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(fx.dir, sizeof fx.dir, "%s/kbscan-test-evtx-XXXXXX",
                     tmp && *tmp ? tmp : "/tmp");
    if (n < 0 || (size_t)n >= sizeof fx.dir) {
        fprintf(stderr, "test_evtx: TMPDIR is too long\n");
        return -1;
    }
    if (!mkdtemp(fx.dir)) {
        perror("test_evtx: mkdtemp");
        return -1;
    }
    char app[PATHLEN], sys[PATHLEN];
    snprintf(app, sizeof app, "%s/app.json", fx.dir);
    snprintf(sys, sizeof sys, "%s/sys.json", fx.dir);
    if (write_file(app, app_json) || write_file(sys, sys_json) ||
        generate(fx.app, "Application.evtx", app, NULL, NULL) ||
        generate(fx.sys, "System.evtx", sys, NULL, NULL) ||
        generate(fx.dirty, "dirty.evtx", app, "--dirty", NULL) ||
        generate(fx.corrupt, "corrupt.evtx", app, "--corrupt-chunk", "0") ||
        generate(fx.truncated, "truncated.evtx", app, "--truncate", "30000") ||
        generate(fx.header_cut, "header-cut.evtx", app, "--truncate", "2000")) {
        teardown(state);
        return -1;
    }
    return 0;
}

/* ---- running the parser ------------------------------------------------ */

typedef struct parsed {
    kb_inputs inputs;
    kb_factlist facts;   /* the events */
    kb_fact *log;        /* the log.extent fact, taken out of facts, or NULL */
    kb_status status;
    const kb_input *in;
} parsed;

/* Takes the log.extent fact (the last the parser makes, at most one) out of
 * the events. */
static void take_log_fact(parsed *r)
{
    for (size_t i = 0; i < r->facts.n; i++)
        if (strcmp(r->facts.items[i]->type, "log.extent") == 0) {
            assert_null(r->log);
            assert_int_equal(i, r->facts.n - 1);
            r->log = r->facts.items[i];
            r->facts.n--;
        }
}

static kb_parse_ctx ctx_for(parsed *r, kb_input *in, size_t i, const kb_interest *interest, int64_t since,
                            int64_t until)
{
    kb_parse_ctx ctx = {.input = in, .input_index = i, .facts = &r->facts, .interest = interest,
                        .since = since, .until = until, .threads = 1};
    return ctx;
}

/* Parses one file as the scan driver does for a file that sniffs as EVTX. */
static void parse_file(parsed *r, const char *path, const kb_interest *interest, int64_t since,
                       int64_t until)
{
    memset(r, 0, sizeof *r);
    long i = kb_inputs_add(&r->inputs, path);
    assert_true(i >= 0);
    kb_input *in = &r->inputs.items[i];
    kb_input_set_source(in, "evtx", kb_source_evtx.covers, kb_source_evtx.counts);
    kb_parse_ctx ctx = ctx_for(r, in, (size_t)i, interest, since, until);
    kb_input_handle h;
    assert_int_equal(kb_handle_open_file(&h, path, path), KB_OK);
    r->status = kb_evtx_parse(&h, &ctx);
    kb_handle_close(&h);
    r->in = in;
    take_log_fact(r);
}

/* Reads a file with kbscan's own walk and decoder, as the parser does;
 * wanting what want says (NULL: nothing); everything_pending sets every
 * record aside for libevtx. */
static void read_log(const char *path, const kb_interest *want, int everything_pending, kb_evtx_reading *r)
{
    kb_input_handle h;
    assert_int_equal(kb_handle_open_file(&h, path, path), KB_OK);
    unsigned char head[KB_EVTX_HEADER_SIZE];
    size_t got = 0;
    assert_int_equal(kb_handle_read_at(&h, 0, head, sizeof head, &got), 0);
    memset(r, 0, sizeof *r);
    kb_evtx_file_header_read(head, got, &r->header);
    kb_evtx_wanted w;
    kb_evtx_wanted_init(&w, want);
    kb_evtx_read_opts o = {.wanted = &w, .everything_pending = everything_pending, .since = KB_TIME_NONE,
                           .until = KB_TIME_NONE, .threads = 1};
    assert_int_equal(kb_evtx_read(&h, &o, r), 0);
    kb_evtx_wanted_free(&w);
    kb_handle_close(&h);
}

static void parse_all(parsed *r, const char *path)
{
    kb_interest all = {0};
    all.want_all = 1;
    parse_file(r, path, &all, KB_TIME_NONE, KB_TIME_NONE);
}

static void done(parsed *r)
{
    kb_fact_free(r->log);
    kb_factlist_free(&r->facts);
    kb_inputs_free(&r->inputs);
}

static const kb_fact *record(const parsed *r, uint64_t id)
{
    for (size_t i = 0; i < r->facts.n; i++)
        if (r->facts.items[i]->record == id)
            return r->facts.items[i];
    fail_msg("no fact for record %llu", (unsigned long long)id);
    return NULL;
}

static void field_is(const kb_fact *f, const char *name, const char *want)
{
    const char *have = kb_fact_get(f, name);
    if (!have)
        fail_msg("%s has no field %s (want \"%s\")", f->type, name, want);
    if (strcmp(have, want) != 0)
        fail_msg("%s.%s is \"%s\", want \"%s\"", f->type, name, have, want);
}

/* 1 when a note at `where` has a message containing text. */
static int has_note(const kb_input *in, const char *where, const char *text)
{
    for (size_t i = 0; i < in->nnotes; i++)
        if (in->notes[i].where && strcmp(in->notes[i].where, where) == 0 &&
            strstr(in->notes[i].message, text))
            return 1;
    return 0;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_sniff(void **state)
{
    (void)state;
    static const unsigned char header[] = "ElfFile\0\1\0\0\0";
    static const unsigned char chunk[] = "ElfChnk\0\0\0\0\0";
    static const unsigned char text[] = "vssadmin 1.1 - Volume";
    assert_int_equal(kb_evtx_sniff(header, 12), 100);
    assert_int_equal(kb_evtx_sniff(header, 7), 0); /* too short to tell */
    assert_int_equal(kb_evtx_sniff(chunk, 12), 0);
    assert_int_equal(kb_evtx_sniff(text, 12), 0);
}

static void test_event_facts(void **state)
{
    (void)state;
    kb_interest want = {0};
    assert_int_equal(kb_interest_add(&want, "VSS", 8193), 0);
    parsed r;
    parse_file(&r, fx.app, &want, KB_TIME_NONE, KB_TIME_NONE);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.facts.n, 2); /* the two VSS 8193 records, nothing else */

    const kb_fact *f = record(&r, 1);
    assert_string_equal(f->type, "event");
    assert_true(f->time == T_FIRST);
    assert_int_equal(f->recovered, 0);
    assert_int_equal(f->line, 0);
    field_is(f, "provider", "VSS");
    field_is(f, "event_id", "8193");
    field_is(f, "qualifiers", "0");
    field_is(f, "level", "2");
    field_is(f, "channel", "Application");
    field_is(f, "computer", "SRV01");
    field_is(f, "data1", "CoCreateInstance");
    field_is(f, "data2", "0x800401fb, Object is not registered.\r\n");
    field_is(f, "data3", "ctx");
    field_is(f, "strings", "3");
    field_is(f, "data", "CoCreateInstance\n0x800401fb, Object is not registered.\r\n\nctx");
    assert_null(kb_fact_get(f, "data4"));

    f = record(&r, 5);
    field_is(f, "event_id", "8193"); /* qualifiers are not part of the id */
    field_is(f, "qualifiers", "49152");
    field_is(f, "data2", "0x80070005, Access is denied.");
    assert_true(f->time == T_LAST);

    const kb_input *in = r.in;
    assert_int_equal(in->state, KB_INPUT_OK);
    assert_int_equal(in->nfeeds, 1);
    assert_string_equal(in->feeds[0], "eventlog:Application");
    assert_string_equal(in->channel, "Application");
    assert_string_equal(in->computer, "SRV01");
    assert_int_equal(kb_input_count(in, "records"), 5);
    assert_int_equal(kb_input_count(in, "records_used"), 2);
    assert_int_equal(kb_input_count(in, "records_failed"), 0);
    assert_int_equal(in->facts, 2);
    assert_int_equal(in->nnotes, 0);
    assert_true(in->first_time == T_FIRST); /* the file's range, not just the facts' */
    assert_true(in->last_time == T_LAST);
    done(&r);
    kb_interest_free(&want);
}

static void test_interest_filter(void **state)
{
    (void)state;
    parsed r;
    kb_interest want = {0};

    /* Every id of a provider, named in another case. */
    assert_int_equal(kb_interest_add(&want, "vss", -1), 0);
    parse_file(&r, fx.app, &want, KB_TIME_NONE, KB_TIME_NONE);
    assert_int_equal(r.facts.n, 3);
    field_is(record(&r, 2), "event_id", "8224");
    assert_int_equal(kb_input_count(r.in, "records"), 5);
    assert_int_equal(kb_input_count(r.in, "records_used"), 3);
    done(&r);
    kb_interest_free(&want);

    /* An id nobody logged. */
    assert_int_equal(kb_interest_add(&want, "VSS", 12289), 0);
    parse_file(&r, fx.app, &want, KB_TIME_NONE, KB_TIME_NONE);
    assert_int_equal(r.facts.n, 0);
    assert_int_equal(kb_input_count(r.in, "records"), 5);
    assert_string_equal(r.in->feeds[0], "eventlog:Application"); /* still covers the feed */
    done(&r);
    kb_interest_free(&want);

    /* No rule wants anything. */
    parse_file(&r, fx.app, &want, KB_TIME_NONE, KB_TIME_NONE);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.facts.n, 0);
    assert_int_equal(kb_input_count(r.in, "records_used"), 0);
    done(&r);
}

static void test_want_all(void **state)
{
    (void)state;
    parsed r;
    parse_all(&r, fx.app);
    assert_int_equal(r.facts.n, 5);
    for (uint64_t id = 1; id <= 5; id++)
        assert_int_equal(record(&r, id)->record, id);
    field_is(record(&r, 3), "provider", "Microsoft-Windows-Security-SPP");
    field_is(record(&r, 3), "event_id", "16384");
    field_is(record(&r, 3), "data", "2018-10-31T12:00:00Z\nRulesEngine");
    done(&r);
}

static void test_named_data(void **state)
{
    (void)state;
    kb_interest want = {0};
    assert_int_equal(kb_interest_add(&want, "Microsoft-Windows-Backup", 4), 0);
    parsed r;
    parse_file(&r, fx.app, &want, KB_TIME_NONE, KB_TIME_NONE);
    assert_int_equal(r.facts.n, 1);
    const kb_fact *f = record(&r, 4);
    field_is(f, "provider", "Microsoft-Windows-Backup");
    field_is(f, "event_id", "4");
    field_is(f, "level", "4");
    field_is(f, "data1", "0"); /* <Data Name="HRESULT"> */
    field_is(f, "data2", "1"); /* <Data Name="BackupState"> */
    field_is(f, "strings", "2");
    assert_null(kb_fact_get(f, "qualifiers")); /* a manifest event has none */
    done(&r);
    kb_interest_free(&want);
}

static void test_time_filter(void **state)
{
    (void)state;
    kb_interest want = {0};
    assert_int_equal(kb_interest_add(&want, "VSS", -1), 0);
    parsed r;
    int64_t since, until;
    assert_int_equal(kb_time_parse("2018-10-02", &since), 0);
    parse_file(&r, fx.app, &want, since, KB_TIME_NONE);
    assert_int_equal(r.facts.n, 1);
    assert_int_equal(r.facts.items[0]->record, 5);
    done(&r);

    assert_int_equal(kb_time_parse("2018-10-01T12:05:00Z", &until), 0);
    parse_file(&r, fx.app, &want, KB_TIME_NONE, until); /* the bound is inclusive */
    assert_int_equal(r.facts.n, 2);
    record(&r, 1);
    record(&r, 2);
    done(&r);

    parse_file(&r, fx.app, &want, T_FIRST, T_FIRST);
    assert_int_equal(r.facts.n, 1);
    assert_int_equal(r.facts.items[0]->record, 1);
    done(&r);
    kb_interest_free(&want);
}

static void test_system_channel(void **state)
{
    (void)state;
    kb_interest want = {0};
    assert_int_equal(kb_interest_add(&want, "Service Control Manager", 7031), 0);
    parsed r;
    parse_file(&r, fx.sys, &want, KB_TIME_NONE, KB_TIME_NONE);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.facts.n, 1);
    const kb_fact *f = record(&r, 1);
    field_is(f, "channel", "System");
    field_is(f, "computer", "SRV02");
    field_is(f, "event_id", "7031");
    field_is(f, "qualifiers", "49152");
    field_is(f, "data1", "COM+ Event System");
    field_is(f, "data5", "Restart the service");
    field_is(f, "strings", "5");
    assert_string_equal(r.in->feeds[0], "eventlog:System");
    assert_false(kb_input_has_feed(r.in, "eventlog:Application"));
    assert_string_equal(r.in->channel, "System");
    done(&r);
    kb_interest_free(&want);
}

/* One log.extent fact per log, from the walk over every record header. */
static void test_log_fact(void **state)
{
    (void)state;
    kb_interest want = {0};
    assert_int_equal(kb_interest_add(&want, "VSS", 8193), 0);
    parsed r;
    parse_file(&r, fx.app, &want, KB_TIME_NONE, KB_TIME_NONE);
    assert_non_null(r.log);
    assert_int_equal(r.log->input, 0);
    field_is(r.log, "channel", "Application");
    field_is(r.log, "computer", "SRV01");
    field_is(r.log, "records", "5");  /* every record, decoded or not */
    field_is(r.log, "first_record", "1");
    field_is(r.log, "last_record", "5");
    field_is(r.log, "first_time", "2018-10-01T12:00:19.123Z");
    field_is(r.log, "last_time", "2018-10-02T08:00:00Z");
    assert_int_equal(r.in->facts, 2);  /* the events only */
    done(&r);
    kb_interest_free(&want);

    /* A log cut inside its header: walked, nothing in it, no channel. */
    parse_all(&r, fx.header_cut);
    assert_non_null(r.log);
    field_is(r.log, "records", "0");
    assert_null(kb_fact_get(r.log, "channel"));
    assert_null(kb_fact_get(r.log, "first_record"));
    assert_null(kb_fact_get(r.log, "first_time"));
    done(&r);
}

static void test_layout(void **state)
{
    (void)state;
    kb_evtx_reading r;
    read_log(fx.app, NULL, 0, &r);
    assert_int_equal(r.header.signature_ok, 1);
    assert_int_equal(r.header.crc_ok, 1);
    assert_int_equal(r.header.flags, 0);
    assert_int_equal(r.header.major, 3);
    assert_int_equal(r.header.minor, 1);
    assert_int_equal(r.nchunks, 1);
    const kb_evtx_chunk *ck = &r.chunks[0];
    assert_int_equal(ck->kind, KB_SLOT_CHUNK);
    assert_int_equal(ck->header_crc_ok, 1);
    assert_int_equal(ck->data_crc_ok, 1);
    assert_int_equal(ck->stop, KB_STOP_NONE);
    assert_int_equal(ck->walked_to, ck->free_off);
    assert_int_equal(ck->records, 5);
    assert_int_equal(ck->walk_first, 1);
    assert_int_equal(ck->walk_last, 5);
    assert_int_equal(ck->contiguous, 1);
    assert_int_equal(ck->not_rising + ck->out_of_range, 0);
    assert_int_equal(r.found, 5);
    assert_int_equal(r.read, 5);
    assert_int_equal(r.npending, 0);
    assert_int_equal(r.facts.n, 0); /* nothing wanted: only System read */
    assert_true(r.has_ids && r.first_id == 1 && r.last_id == 5);
    assert_true(r.first_time == T_FIRST);
    assert_true(r.last_time == T_LAST);
    assert_string_equal(r.channel, "Application");
    assert_string_equal(r.computer, "SRV01");
    kb_evtx_reading_free(&r);
}

static void test_dirty_gets_a_note(void **state)
{
    (void)state;
    parsed r;
    parse_all(&r, fx.dirty);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.in->state, KB_INPUT_OK); /* not closed is not damaged */
    assert_true(has_note(r.in, "file header", "not closed cleanly"));
    assert_int_equal(r.facts.n, 5);
    done(&r);

    kb_evtx_reading rd;
    read_log(fx.dirty, NULL, 0, &rd);
    assert_int_equal(rd.header.flags & KB_EVTX_FLAG_DIRTY, KB_EVTX_FLAG_DIRTY);
    assert_int_equal(rd.header.crc_ok, 1);
    kb_evtx_reading_free(&rd);
}

static void test_corrupt_chunk_is_damaged(void **state)
{
    (void)state;
    parsed r;
    parse_all(&r, fx.corrupt);
    assert_int_equal(r.status, KB_ERR_DAMAGED);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    assert_true(has_note(r.in, "chunk 0", "event records checksum mismatch"));
    assert_string_equal(r.in->message, "1 of 1 chunk(s) damaged");
    assert_string_equal(r.in->feeds[0], "eventlog:Application");
    assert_int_equal(r.facts.n, 5); /* its records are still read */
    done(&r);
}

static void test_truncated_is_damaged(void **state)
{
    (void)state;
    parsed r;
    parse_all(&r, fx.truncated); /* 30000 bytes: the header and part of chunk 0 */
    assert_int_equal(r.status, KB_ERR_DAMAGED);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    assert_true(has_note(r.in, "chunk 0", "file ends 25904 bytes into this chunk (truncated)"));
    /* The complete records are read: here all five fit before the cut
     * (a cut through records is tests/unit/test_evtx_damage.c's). */
    assert_true(has_note(r.in, "chunk 0", "the 5 complete record(s) before the cut are read (ids 1 to 5)"));
    assert_string_equal(r.in->message, "1 of 1 chunk(s) damaged");
    assert_int_equal(r.facts.n, 5);
    assert_int_equal(kb_input_count(r.in, "records"), 5);
    assert_string_equal(r.in->feeds[0], "eventlog:Application");
    done(&r);
}

static void test_header_cut_is_error(void **state)
{
    (void)state;
    parsed r;
    parse_all(&r, fx.header_cut); /* 2000 bytes: inside the 4096-byte header */
    assert_int_equal(r.status, KB_ERR_FORMAT);
    assert_int_equal(r.in->state, KB_INPUT_ERROR);
    assert_true(has_note(r.in, "file header", "file ends inside the header (2000 bytes)"));
    assert_int_equal(r.facts.n, 0);
    assert_string_equal(r.in->feeds[0], "eventlog:*");
    done(&r);
}

/* A file that cannot be opened is an error of its own, said by the scan
 * driver (the parser never opens anything). */
static void test_missing_file(void **state)
{
    (void)state;
    char path[PATHLEN];
    snprintf(path, sizeof path, "%s/no-such.evtx", fx.dir);
    kb_input_handle h;
    assert_int_equal(kb_handle_open_file(&h, path, path), KB_ERR_IO);
    kb_scan_opts opts;
    kb_scan_opts_init(&opts);
    kb_interest none = {0};
    opts.interest = &none;
    const char *paths[] = {path};
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    assert_int_equal(kb_scan(paths, 1, &opts, &inputs, &facts), KB_OK);
    assert_int_equal(inputs.n, 1);
    assert_int_equal(inputs.items[0].state, KB_INPUT_ERROR);
    assert_non_null(strstr(inputs.items[0].message, "cannot read: "));
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
}

/* Through the scan driver: recognised by content, kind "evtx". */
static void test_scan_recognises_evtx(void **state)
{
    (void)state;
    kb_interest want = {0};
    assert_int_equal(kb_interest_add(&want, "VSS", 8193), 0);
    kb_scan_opts opts;
    kb_scan_opts_init(&opts);
    opts.interest = &want;
    const char *paths[] = {fx.app};
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    assert_int_equal(kb_scan(paths, 1, &opts, &inputs, &facts), KB_OK);
    assert_int_equal(inputs.n, 1);
    assert_string_equal(inputs.items[0].kind, "evtx");
    assert_null(inputs.items[0].encoding);
    assert_string_equal(inputs.items[0].feeds[0], "eventlog:Application");
    assert_int_equal(facts.n, 3);  /* the two VSS 8193 events and the log */
    assert_int_equal(facts.items[0]->input, 0);
    assert_string_equal(facts.items[2]->type, "log.extent");
    assert_int_equal(inputs.items[0].facts, 2);  /* the events */
    assert_int_equal(kb_inputs_recognised(&inputs), 1);
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
    kb_interest_free(&want);
}

/* Logs of several chunks. Regressions: evtxgen once looped forever when an
 * event overflowed its chunk, and --corrupt-chunk failed for any chunk but
 * the last. The child gets an alarm after 20 s, so a hang fails the test. */
#define MANY_EVENTS 250 /* about 200 KB of records: several chunks */

/* many.json in the fixture folder: MANY_EVENTS events of provider Bulk, id 1
 * and 2 in turn, each with a 300-character string. */
static void write_many_json(char *path)
{
    snprintf(path, PATHLEN, "%s/many.json", fx.dir);
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "{\"channel\":\"Application\",\"computer\":\"BULK01\",\"events\":[\n");
    for (int i = 0; i < MANY_EVENTS; i++)
        kb_buf_printf(&b,
                      "%s{\"provider\":\"Bulk\",\"id\":%d,\"time\":\"2018-10-01T%02d:%02d:00Z\","
                      "\"data\":[\"event %d %0300d\"]}\n",
                      i ? "," : "", i % 2 ? 2 : 1, i / 60, i % 60, i, 0);
    kb_buf_puts(&b, "]}\n");
    char *text = kb_buf_take(&b);
    assert_non_null(text);
    int rc = write_file(path, text);
    free(text);
    assert_int_equal(rc, 0);
}

static void test_several_chunks(void **state)
{
    (void)state;
    char json[PATHLEN], many[PATHLEN];
    write_many_json(json);
    assert_int_equal(generate(many, "many.evtx", json, NULL, NULL), 0);

    kb_evtx_reading rd;
    read_log(many, NULL, 0, &rd);
    assert_true(rd.nchunks >= 2);
    assert_int_equal(rd.found, MANY_EVENTS);
    assert_int_equal(rd.read, MANY_EVENTS);
    assert_true(rd.first_id == 1 && rd.last_id == MANY_EVENTS);
    for (size_t i = 0; i < rd.nchunks; i++) {
        assert_int_equal(rd.chunks[i].kind, KB_SLOT_CHUNK);
        assert_true(rd.chunks[i].header_crc_ok && rd.chunks[i].data_crc_ok);
    }
    kb_evtx_reading_free(&rd);

    kb_interest want = {0};
    assert_int_equal(kb_interest_add(&want, "Bulk", 2), 0);
    parsed r;
    parse_file(&r, many, &want, KB_TIME_NONE, KB_TIME_NONE);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.in->state, KB_INPUT_OK);
    assert_int_equal(kb_input_count(r.in, "records"), MANY_EVENTS);
    assert_int_equal(r.facts.n, MANY_EVENTS / 2); /* the odd-numbered events have id 2 */
    assert_non_null(strstr(kb_fact_get(record(&r, MANY_EVENTS), "data1"), "event 249 000"));
    done(&r);
    kb_interest_free(&want);
}

/* The facts libevtx makes (fallback.c) of every record of a log, as if
 * kbscan's decoder had read none of them. */
static void facts_of_libevtx(const char *path, const kb_interest *want, kb_factlist *out)
{
    kb_evtx_reading r;
    read_log(path, want, 1, &r);
    assert_int_equal(r.npending, r.found);
    kb_evtx_fallback_entry *e = calloc(r.npending + 1, sizeof *e);
    kb_evtx_outcome *o = calloc(r.npending + 1, sizeof *o);
    assert_non_null(e);
    assert_non_null(o);
    for (size_t i = 0; i < r.npending; i++) {
        const kb_evtx_pending *p = &r.pending[i];
        e[i] = (kb_evtx_fallback_entry){.slot = p->slot, .id = p->id, .off = p->off, .size = p->size,
                                        .index = p->index, .chunk_records = r.chunks[p->slot].records};
    }
    kb_input_handle h;
    assert_int_equal(kb_handle_open_file(&h, path, path), KB_OK);
    kb_evtx_fallback_opts opts = {.interest = want, .since = KB_TIME_NONE, .until = KB_TIME_NONE};
    assert_int_equal(kb_evtx_fallback(&h, e, r.npending, &opts, o), KB_OK);
    kb_handle_close(&h);
    for (size_t i = 0; i < r.npending; i++) {
        assert_true(o[i].read);
        if (o[i].fact)
            kb_factlist_add(out, o[i].fact);
        o[i].fact = NULL;
    }
    kb_evtx_outcomes_free(o, r.npending);
    free(o);
    free(e);
    kb_evtx_reading_free(&r);
}

/* Fields only kbscan's decoder makes: libevtx gives no names of values. */
static int decoder_only(const char *name)
{
    return strncmp(name, "data:", 5) == 0 || strcmp(name, "payload") == 0;
}

/* libevtx's facts of a log equal kbscan's decoder's, field by field. */
static void same_facts(const char *path)
{
    kb_interest all = {0};
    all.want_all = 1;
    parsed r;
    parse_file(&r, path, &all, KB_TIME_NONE, KB_TIME_NONE);
    kb_factlist lib = {0};
    facts_of_libevtx(path, &all, &lib);
    assert_int_equal(lib.n, r.facts.n);
    for (size_t i = 0; i < lib.n; i++) {
        const kb_fact *a = r.facts.items[i], *b = lib.items[i];
        assert_int_equal(a->record, b->record);
        assert_true(a->time == b->time);
        for (size_t k = 0; k < a->nfields; k++) {
            const kb_field *f = &a->fields[k];
            if (decoder_only(f->name))
                continue;
            const char *other = kb_fact_get(b, f->name);
            if (!other || strcmp(other, f->value) != 0)
                fail_msg("%s record %llu: %s is \"%s\" decoded, \"%s\" by libevtx", path,
                         (unsigned long long)a->record, f->name, f->value, other ? other : "(none)");
        }
        for (size_t k = 0; k < b->nfields; k++)
            if (!kb_fact_get(a, b->fields[k].name))
                fail_msg("%s record %llu: libevtx gives %s, the decoder does not", path,
                         (unsigned long long)a->record, b->fields[k].name);
    }
    kb_factlist_free(&lib);
    done(&r);
}

static void test_libevtx_facts_are_the_decoders(void **state)
{
    (void)state;
    char json[PATHLEN], many[PATHLEN];
    write_many_json(json);
    assert_int_equal(generate(many, "many.evtx", json, NULL, NULL), 0);
    same_facts(fx.app);
    same_facts(fx.sys);
    same_facts(many);
}

static void test_corrupt_earlier_chunk(void **state)
{
    (void)state;
    char json[PATHLEN], corrupt[PATHLEN];
    write_many_json(json);
    assert_int_equal(generate(corrupt, "corrupt-first.evtx", json, "--corrupt-chunk", "0"), 0);
    parsed r;
    parse_all(&r, corrupt);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    assert_true(has_note(r.in, "chunk 0", "event records checksum mismatch"));
    assert_false(has_note(r.in, "chunk 1", "checksum"));
    assert_non_null(strstr(r.in->message, "1 of "));
    done(&r);
}

/* A VSS event with <Binary> data: "- Code: VSSAPI00000042- PID:  00002904". */
static const char binary_json[] =
    "{\"channel\":\"Application\",\"computer\":\"SRV01\",\"events\":[\n"
    "{\"provider\":\"VSS\",\"id\":8193,\"level\":2,\"time\":\"2018-10-01T12:00:19Z\","
    "\"data\":[\"CoCreateInstance\",\"0x800401fb\",\"ctx\"],"
    "\"binary\":\"2D20436F64653A2056535341504930303030303034322D205049443A20203030303032393034\"}\n"
    "]}\n";

/* The <Binary> is kept apart from the Data strings, as binary (hex) and
 * binary_text; libevtx, which hands it out as one more string and whose
 * libevtx_record_get_data() gives nothing, makes the same fields. */
static void test_binary_data(void **state)
{
    (void)state;
    char json[PATHLEN], evtx[PATHLEN];
    snprintf(json, sizeof json, "%s/binary.json", fx.dir);
    assert_int_equal(write_file(json, binary_json), 0);
    assert_int_equal(generate(evtx, "binary.evtx", json, NULL, NULL), 0);
    parsed r;
    parse_all(&r, evtx);
    const kb_fact *f = record(&r, 1);
    field_is(f, "strings", "3");
    assert_null(kb_fact_get(f, "data4"));
    field_is(f, "data", "CoCreateInstance\n0x800401fb\nctx");
    field_is(f, "binary_text", "- Code: VSSAPI00000042- PID:  00002904");
    field_is(f, "binary", "2D20436F64653A2056535341504930303030303034322D205049443A20203030303032393034");
    done(&r);
    same_facts(evtx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_event_facts),
        cmocka_unit_test(test_interest_filter),
        cmocka_unit_test(test_want_all),
        cmocka_unit_test(test_named_data),
        cmocka_unit_test(test_time_filter),
        cmocka_unit_test(test_system_channel),
        cmocka_unit_test(test_log_fact),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_dirty_gets_a_note),
        cmocka_unit_test(test_corrupt_chunk_is_damaged),
        cmocka_unit_test(test_truncated_is_damaged),
        cmocka_unit_test(test_header_cut_is_error),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_scan_recognises_evtx),
        cmocka_unit_test(test_binary_data),
        cmocka_unit_test(test_several_chunks),
        cmocka_unit_test(test_corrupt_earlier_chunk),
        cmocka_unit_test(test_libevtx_facts_are_the_decoders),
    };
    return cmocka_run_group_tests_name("evtx", tests, setup, teardown);
}
