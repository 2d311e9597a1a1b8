/* test_evtx_mutants.c: the bounded mutation test of make check: a few
 * hundred mutants of three logs (a sample log, and two evtxgen writes: one
 * chunk, and 400 records over several chunks), made by the fuzzer's
 * structure-aware mutator (fuzz/evtx_mutate.h) from fixed seeds, so each
 * is reproducible, with every checksum recomputed for half of them. Each is
 * read as a scan reads it (libevtx, for what kbscan's decoder cannot read,
 * in a worker): no crash, no hang, every record found read or failed once;
 * a mutant that copied a chunk over another, appended one twice or zeroed
 * a record's signature is damaged, and one read as ok lost nothing (as
 * many records read as the log holds, none failed); the records of every
 * chunk the mutation left as it was are read, whatever it did to the file
 * header or the other chunks (a damaged part costs no other part's
 * records). The end-to-end side is tests/e2e/mutants.sh: 240 mutants of
 * the same kinds, made by its own structure-aware mutations
 * (tests/e2e/mutants.py), read by the kbscan binary in bundles beside
 * other inputs (no crash or hang of kbscan itself, no mutant that lost or
 * doubled records reported ok, the rest of the bundle unchanged); the
 * hand-made reproducers are tests/e2e/crafted.sh's. Run under ASan by make
 * check. A failure prints the seed, the log and the mutation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "evtx/evtx.h"
#include "evtx/worker.h"
#include "evtx_mutate.h"
#include "source/source.h"

#define MUTANTS 300 /* over the three logs */

static char dir[512];
static kb_worker_pool *pool;
static kb_interest all;

typedef struct log_file {
    char path[600];
    uint8_t *b;
    size_t n;
    uint64_t records; /* as read whole, before any mutation */
} log_file;

static log_file logs[3];

static const char *kind_name(kb_evtx_mutation k)
{
    static const char *names[] = {"bytes",      "word",       "chunk field", "record field",
                                  "copy range", "file header", "template",   "chunk gone",
                                  "copy chunk", "dup chunk",  "zero record", "swap ids"};
    return k < KB_MUT_KINDS ? names[k] : "?";
}

static int load(log_file *f)
{
    FILE *fp = fopen(f->path, "rb");
    if (!fp)
        return -1;
    kb_buf b = KB_BUF_INIT;
    char part[65536];
    size_t got;
    while ((got = fread(part, 1, sizeof part, fp)) > 0)
        kb_buf_append(&b, part, got);
    fclose(fp);
    f->b = (uint8_t *)b.data;
    f->n = b.len;
    return f->n ? 0 : -1;
}

typedef struct parsed {
    kb_inputs inputs;
    kb_factlist facts;
    kb_input *in;
} parsed;

static void parse(parsed *r, const uint8_t *b, size_t n)
{
    memset(r, 0, sizeof *r);
    long i = kb_inputs_add(&r->inputs, "mutant.evtx");
    assert_true(i >= 0);
    r->in = &r->inputs.items[i];
    kb_input_set_source(r->in, "evtx", kb_source_evtx.covers, kb_source_evtx.counts);
    kb_input_handle h;
    kb_handle_from_memory(&h, b, n, "mutant.evtx");
    kb_parse_ctx ctx = {.input = r->in, .input_index = 0, .facts = &r->facts, .interest = &all,
                        .since = KB_TIME_NONE, .until = KB_TIME_NONE, .threads = 1, .workers = pool};
    kb_evtx_parse(&h, &ctx);
}

static void done(parsed *r)
{
    kb_factlist_free(&r->facts);
    kb_inputs_free(&r->inputs);
}

/* The record headers the chunks hold, as a walk of the sizes finds them
 * (up to each chunk's free space offset, or its end; in a chunk the file
 * cuts, up to the cut). */
static uint64_t records_found(const uint8_t *b, size_t n)
{
    uint64_t found = 0;
    size_t slots = kb_mut_chunks(n) + (n > KB_EVTX_HEADER_SIZE && (n - KB_EVTX_HEADER_SIZE) % KB_EVTX_CHUNK_SIZE);
    for (size_t i = 0; i < slots; i++) {
        const uint8_t *c = b + KB_EVTX_HEADER_SIZE + i * (size_t)KB_EVTX_CHUNK_SIZE;
        size_t have = n - KB_EVTX_HEADER_SIZE - i * (size_t)KB_EVTX_CHUNK_SIZE;
        if (have > KB_EVTX_CHUNK_SIZE)
            have = KB_EVTX_CHUNK_SIZE;
        if (have < KB_EVTX_CHUNK_HEADER || memcmp(c, "ElfChnk", 8) != 0)
            continue;
        size_t end = kb_mut_le32(c + 48);
        if (end < KB_EVTX_CHUNK_HEADER || end > KB_EVTX_CHUNK_SIZE)
            end = KB_EVTX_CHUNK_SIZE;
        if (end > have)
            end = have;
        for (size_t off = KB_EVTX_CHUNK_HEADER; end - off >= KB_EVTX_RECORD_MIN && kb_mut_le32(c + off) == 0x2a2a;) {
            size_t sz = kb_mut_le32(c + off + 4);
            found++;
            if (sz < KB_EVTX_RECORD_MIN || sz > end - off)
                break;
            off += sz;
        }
    }
    return found;
}

/* The records of the mutant's chunks that are byte for byte as in the
 * log it came from, at the same place: whatever else was done (a file
 * header or another chunk damaged), their records are read. */
static uint64_t records_untouched(const uint8_t *m, size_t n, const log_file *f)
{
    uint64_t found = 0;
    size_t both = kb_mut_chunks(n) < kb_mut_chunks(f->n) ? kb_mut_chunks(n) : kb_mut_chunks(f->n);
    for (size_t i = 0; i < both; i++) {
        size_t at = KB_EVTX_HEADER_SIZE + i * (size_t)KB_EVTX_CHUNK_SIZE;
        if (memcmp(m + at, f->b + at, KB_EVTX_CHUNK_SIZE) == 0)
            found += records_found(f->b + at - KB_EVTX_HEADER_SIZE, KB_EVTX_HEADER_SIZE + KB_EVTX_CHUNK_SIZE);
    }
    return found;
}

static void print_notes(const kb_input *in)
{
    for (size_t i = 0; i < in->nnotes; i++)
        print_message("#   %s: %s\n", in->notes[i].where ? in->notes[i].where : "-", in->notes[i].message);
}

static int generate(const char *out, const char *json)
{
    char in[600], cmd[2048];
    snprintf(in, sizeof in, "%s/in.json", dir);
    FILE *fp = fopen(in, "w");
    if (!fp || fputs(json, fp) < 0 || fclose(fp) != 0)
        return -1;
    const char *gen = getenv("EVTXGEN");
    snprintf(cmd, sizeof cmd, "'%s' -o '%s' '%s' >/dev/null 2>&1", gen && *gen ? gen : "build/evtxgen", out, in);
    return system(cmd) == 0 ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/kbscan-evtx-mutants-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(logs[0].path, sizeof logs[0].path, "samples/bundles/seed-ja/Application.evtx");
    snprintf(logs[1].path, sizeof logs[1].path, "%s/app.evtx", dir);
    snprintf(logs[2].path, sizeof logs[2].path, "%s/many.evtx", dir);
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "{\"channel\":\"Application\",\"computer\":\"SRV01\",\"events\":[\n");
    for (int i = 0; i < 5; i++)
        kb_buf_printf(&b, "%s{\"provider\":\"VSS\",\"id\":8193,\"level\":2,\"time\":\"2018-10-01T12:0%d:00Z\","
                          "\"data\":[\"CoCreateInstance\",\"0x800401fb\",\"ctx %d\"]}\n", i ? "," : "", i, i);
    kb_buf_puts(&b, "]}\n");
    int rc = generate(logs[1].path, kb_buf_str(&b));
    kb_buf_reset(&b);
    kb_buf_puts(&b, "{\"channel\":\"Application\",\"computer\":\"BULK01\",\"events\":[\n");
    for (int i = 0; i < 400; i++)
        kb_buf_printf(&b, "%s{\"provider\":\"Bulk\",\"id\":%d,\"time\":\"2018-10-01T%02d:%02d:00Z\","
                          "\"data\":[\"event %d %0300d\"]}\n", i ? "," : "", i % 2 ? 2 : 1, i / 60, i % 60, i, 0);
    kb_buf_puts(&b, "]}\n");
    rc |= generate(logs[2].path, kb_buf_str(&b));
    kb_buf_free(&b);
    all.want_all = 1;
    pool = kb_worker_pool_new(1, &(kb_worker_config){30, 512, &all, KB_TIME_NONE, KB_TIME_NONE, 0});
    for (size_t i = 0; i < 3 && rc == 0; i++) {
        rc |= load(&logs[i]);
        if (rc == 0) {
            parsed r;
            parse(&r, logs[i].b, logs[i].n);
            logs[i].records = kb_input_count(r.in, "records");
            rc |= r.in->state == KB_INPUT_OK && logs[i].records ? 0 : -1;
            done(&r);
        }
    }
    return rc == 0 && pool ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kb_worker_pool_free(pool);
    for (size_t i = 0; i < 3; i++)
        free(logs[i].b);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_mutants(void **state)
{
    (void)state;
    unsigned failures = 0, damaged = 0, fixed = 0;
    unsigned by_kind[KB_MUT_KINDS] = {0};
    for (unsigned seed = 1; seed <= MUTANTS; seed++) {
        const log_file *f = &logs[seed % 3];
        size_t max = f->n + KB_EVTX_CHUNK_SIZE;
        uint8_t *m = malloc(max);
        assert_non_null(m);
        memcpy(m, f->b, f->n);
        kb_mut_rng rng = {seed * 0x9e3779b97f4a7c15ULL};
        kb_evtx_mutation kind;
        size_t n = kb_evtx_mutate(m, f->n, max, &rng, &kind);
        int fix = seed % 2 == 0;
        if (fix)
            kb_evtx_mutate_fix(m, n);
        fixed += (unsigned)fix;
        by_kind[kind]++;
        parsed r;
        parse(&r, m, n);
        uint64_t read = kb_input_count(r.in, "records"), failed = kb_input_count(r.in, "records_failed");
        int is_ok = r.in->state == KB_INPUT_OK;
        damaged += !is_ok;
        const char *wrong = NULL;
        if (r.in->state != KB_INPUT_OK && r.in->state != KB_INPUT_DAMAGED)
            wrong = "neither ok nor damaged";
        else if (kind >= KB_MUT_LOSES && is_ok)
            wrong = "records lost or doubled, yet ok";
        else if (is_ok && (read != f->records || failed))
            wrong = "ok, yet not every record read";
        else if (read + failed > records_found(m, n))
            wrong = "more records read or failed than the chunks hold";
        else if (read < records_untouched(m, n, f))
            wrong = "records of chunks the mutation did not touch not read";
        if (wrong) {
            failures++;
            print_message("# seed %u, %s, %s%s: %s (%llu read, %llu failed, %llu in the log)\n", seed, f->path,
                          kind_name(kind), fix ? ", checksums recomputed" : "", wrong, (unsigned long long)read,
                          (unsigned long long)failed, (unsigned long long)f->records);
            print_notes(r.in);
        }
        done(&r);
        free(m);
    }
    print_message("# %u mutants (%u with checksums recomputed), %u damaged; by kind:", MUTANTS, fixed, damaged);
    for (unsigned k = 0; k < KB_MUT_KINDS; k++)
        print_message(" %s %u%s", kind_name((kb_evtx_mutation)k), by_kind[k], k + 1 < KB_MUT_KINDS ? "," : "\n");
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutants),
    };
    return cmocka_run_group_tests_name("evtx_mutants", tests, setup, teardown);
}
