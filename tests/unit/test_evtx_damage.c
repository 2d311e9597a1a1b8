/* test_evtx_damage.c: hostile and damaged logs, crafted here from evtxgen's
 * logs and a sample log, byte by byte, with both chunk checksums and the
 * file header's recomputed, so that kbscan's own code (the walk, the
 * decoder) sees them past the checksums: no crafted offset is read past its
 * chunk (the three crashes of the former prefilter: a template definition
 * offset near 0xFFFFFFFF, a name offset near the end, an attribute list
 * size that wraps), and the accounting names what was lost or doubled (a
 * chunk present twice or copied over another, a walk that stops before the
 * free space offset, ids out of order or out of the chunk's range), and a
 * log copied while open, or keeping no checksums, is ok with a note. Every
 * record the chunks hold is read or failed. Run under ASan by make check.
 * libevtx, which sees the records kbscan's decoder cannot read, runs in a
 * worker, as in a scan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "core/strbuf.h"
#include "evtx/evtx.h"
#include "evtx/layout.h"
#include "evtx/worker.h"
#include "source/source.h"

#define CHUNK 65536
#define HEADER 4096

static char dir[512];
static kb_worker_pool *pool;
static kb_interest all;

/* ---- bytes -------------------------------------------------------------- */

typedef struct file {
    unsigned char *b;
    size_t n;
} file;

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static file load(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    kb_buf b = KB_BUF_INIT;
    char part[65536];
    size_t got;
    while ((got = fread(part, 1, sizeof part, fp)) > 0)
        kb_buf_append(&b, part, got);
    fclose(fp);
    file f = {(unsigned char *)b.data, b.len};
    return f;
}

static unsigned char *chunk(const file *f, size_t i)
{
    assert_true(HEADER + (i + 1) * (size_t)CHUNK <= f->n);
    return f->b + HEADER + i * (size_t)CHUNK;
}

static size_t chunks(const file *f)
{
    return (f->n - HEADER) / CHUNK;
}

/* Both checksums of a chunk, as a writer would compute them. */
static void fix_chunk(unsigned char *c)
{
    uint32_t free_off = le32(c + 48);
    put32(c + 52, (uint32_t)crc32(0L, c + 512, (uInt)(free_off - 512)));
    put32(c + 124, (uint32_t)crc32(crc32(0L, c, 120), c + 128, 384));
}

static void fix_header(file *f)
{
    put32(f->b + 124, (uint32_t)crc32(0L, f->b, 120));
}

/* The offset of record k in a chunk (walking the sizes). */
static size_t record_at(const unsigned char *c, size_t k)
{
    size_t off = 512;
    for (size_t i = 0; i < k; i++) {
        assert_int_equal(le32(c + off), 0x2a2a);
        off += le32(c + off + 4);
    }
    assert_int_equal(le32(c + off), 0x2a2a);
    return off;
}

static size_t records_in(const unsigned char *c)
{
    size_t n = 0, free_off = le32(c + 48);
    for (size_t off = 512; off + 28 <= free_off && le32(c + off) == 0x2a2a; off += le32(c + off + 4))
        n++;
    return n;
}

/* The UTF-16LE form of an ASCII name, in the chunk: its offset, or 0. */
static size_t find_name(const unsigned char *c, const char *name)
{
    unsigned char u[64];
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++)
        u[2 * i] = (unsigned char)name[i], u[2 * i + 1] = 0;
    for (size_t off = 512; off + 2 * n <= CHUNK; off++)
        if (memcmp(c + off, u, 2 * n) == 0)
            return off;
    return 0;
}

/* ---- running the parser --------------------------------------------------- */

typedef struct parsed {
    kb_inputs inputs;
    kb_factlist facts;
    kb_input *in;
    kb_status status;
    size_t events;
} parsed;

static void parse(parsed *r, const file *f, const kb_interest *want)
{
    memset(r, 0, sizeof *r);
    long i = kb_inputs_add(&r->inputs, "crafted.evtx");
    assert_true(i >= 0);
    r->in = &r->inputs.items[i];
    kb_input_set_source(r->in, "evtx", kb_source_evtx.covers, kb_source_evtx.counts);
    kb_input_handle h;
    kb_handle_from_memory(&h, f->b, f->n, "crafted.evtx");
    kb_parse_ctx ctx = {.input = r->in, .input_index = 0, .facts = &r->facts, .interest = want,
                        .since = KB_TIME_NONE, .until = KB_TIME_NONE, .threads = 1, .workers = pool};
    r->status = kb_evtx_parse(&h, &ctx);
    for (size_t k = 0; k < r->facts.n; k++)
        r->events += strcmp(r->facts.items[k]->type, "event") == 0;
}

static void done(parsed *r)
{
    kb_factlist_free(&r->facts);
    kb_inputs_free(&r->inputs);
}

static int has_note(const kb_input *in, const char *text)
{
    for (size_t i = 0; i < in->nnotes; i++)
        if (strstr(in->notes[i].message, text))
            return 1;
    return 0;
}

static void expect_note(const kb_input *in, const char *text)
{
    if (has_note(in, text))
        return;
    for (size_t i = 0; i < in->nnotes; i++)
        print_message("# note %s: %s\n", in->notes[i].where ? in->notes[i].where : "-", in->notes[i].message);
    fail_msg("no note saying \"%s\"", text);
}

static uint64_t count(const parsed *r, const char *name)
{
    return kb_input_count(r->in, name);
}

/* ---- fixtures -------------------------------------------------------------- */

static char app[600], many[600];
static const char *seed = "samples/bundles/seed-ja/Application.evtx";

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
    snprintf(dir, sizeof dir, "%s/kbscan-evtx-damage-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(app, sizeof app, "%s/app.evtx", dir);
    snprintf(many, sizeof many, "%s/many.evtx", dir);
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "{\"channel\":\"Application\",\"computer\":\"SRV01\",\"events\":[\n");
    for (int i = 0; i < 5; i++)
        kb_buf_printf(&b, "%s{\"provider\":\"VSS\",\"id\":8193,\"level\":2,\"time\":\"2018-10-01T12:0%d:00Z\","
                          "\"data\":[\"CoCreateInstance\",\"0x800401fb\",\"ctx %d\"]}\n", i ? "," : "", i, i);
    kb_buf_puts(&b, "]}\n");
    int rc = generate(app, kb_buf_str(&b));
    kb_buf_reset(&b);
    kb_buf_puts(&b, "{\"channel\":\"Application\",\"computer\":\"BULK01\",\"events\":[\n");
    for (int i = 0; i < 400; i++)
        kb_buf_printf(&b, "%s{\"provider\":\"Bulk\",\"id\":%d,\"time\":\"2018-10-01T%02d:%02d:00Z\","
                          "\"data\":[\"event %d %0300d\"]}\n", i ? "," : "", i % 2 ? 2 : 1, i / 60, i % 60, i, 0);
    kb_buf_puts(&b, "]}\n");
    rc |= generate(many, kb_buf_str(&b));
    kb_buf_free(&b);
    all.want_all = 1;
    pool = kb_worker_pool_new(1, &(kb_worker_config){30, 512, &all, KB_TIME_NONE, KB_TIME_NONE, 0});
    return rc == 0 && pool ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kb_worker_pool_free(pool);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Every record the chunks hold is read or failed, once. */
static void accounted(const parsed *r, uint64_t found)
{
    assert_int_equal(count(r, "records") + count(r, "records_failed"), found);
}

/* ---- the former prefilter's crashes ----------------------------------------- */

/* A record's template instance pointing at a definition near 0xFFFFFFFF
 * (record 2: it uses the template record 1 defines, not one inline). */
static void test_template_offset_near_the_end(void **state)
{
    (void)state;
    file f = load(app);
    unsigned char *c = chunk(&f, 0);
    size_t rec = record_at(c, 1);
    assert_memory_equal(c + rec + 24, "\x0f\x01\x01\x00\x0c", 5);
    assert_true(le32(c + rec + 34) < rec); /* defined earlier in the chunk */
    put32(c + rec + 34, 0xFFFFFFF0u);
    fix_chunk(c);
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    accounted(&r, 5);
    assert_true(count(&r, "records_failed") >= 1);
    char text[96];
    snprintf(text, sizeof text, "record id 2, the 2nd record of the file (chunk offset 0x%zx), cannot be read", rec);
    expect_note(r.in, text);
    expect_note(r.in, "template definition header runs past the chunk");
    done(&r);
    free(f.b);
}

/* The name of <EventID> at an offset near the end of the address space. */
static void test_name_offset_near_the_end(void **state)
{
    (void)state;
    file f = load(app);
    unsigned char *c = chunk(&f, 0);
    size_t name = find_name(c, "EventID");
    assert_true(name > 16);
    size_t node = name - 8; /* the name structure: next offset, hash, length, characters */
    /* The element's name offset field, just before an inline name. */
    assert_int_equal(le32(c + node - 4), node);
    put32(c + node - 4, 0xFFFFFFF8u);
    fix_chunk(c);
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    accounted(&r, 5);
    assert_true(count(&r, "records_failed") >= 1);
    expect_note(r.in, "name offset 0xfffffff8 is outside the chunk");
    done(&r);
    free(f.b);
}

/* The attribute list size of <Provider> near 0xFFFFFFFF (a position plus
 * it wraps around). */
static void test_attribute_size_wraps(void **state)
{
    (void)state;
    file f = load(app);
    unsigned char *c = chunk(&f, 0);
    size_t name = find_name(c, "Provider");
    assert_true(name > 24);
    size_t node = name - 8, chars = c[node + 6] | c[node + 7] << 8;
    size_t token = node - 11; /* token, dependency id, data size, name offset */
    assert_int_equal(c[token], 0x41); /* an element with attributes */
    size_t attrs = node + 8 + 2 * chars + 2;
    put32(c + attrs, 0xFFFFFFF0u);
    fix_chunk(c);
    parsed r;
    parse(&r, &f, &all);
    accounted(&r, 5);
    /* The attribute list's own size is not needed to walk it: read or not,
     * every record is accounted for and nothing is read past the chunk. */
    done(&r);
    free(f.b);
}

/* ---- accounting -------------------------------------------------------------------- */

/* A chunk present twice: its records are counted once, and no rule sees
 * its events twice. */
static void test_chunk_present_twice(void **state)
{
    (void)state;
    file f = load(seed);
    if (chunks(&f) != 1)
        skip();
    kb_interest vss = {0};
    kb_interest_add(&vss, "VSS", 8193);
    kb_interest_add(&vss, "VSS", 13);
    parsed before;
    parse(&before, &f, &vss);
    assert_true(before.events > 5);
    f.b = realloc(f.b, f.n + CHUNK);
    assert_non_null(f.b);
    memcpy(f.b + f.n, f.b + HEADER, CHUNK);
    f.n += CHUNK;
    put64(f.b + 16, 1); /* last chunk */
    f.b[42] = 2;        /* chunks */
    fix_header(&f);
    parsed r;
    parse(&r, &f, &vss);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    assert_int_equal(r.events, before.events);
    assert_int_equal(count(&r, "records"), count(&before, "records"));
    expect_note(r.in, "are also in chunk 0 (a chunk copied over another, or present twice): counted once");
    done(&r);
    done(&before);
    kb_interest_free(&vss);
    free(f.b);
}

/* Chunk 0 copied over chunk 1: chunk 1's records are lost (their ids are
 * in no chunk), chunk 0's are counted once. */
static void test_chunk_copied_over_another(void **state)
{
    (void)state;
    file f = load(many);
    assert_true(chunks(&f) >= 3);
    size_t lost = records_in(chunk(&f, 1));
    memcpy(chunk(&f, 1), chunk(&f, 0), CHUNK);
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    assert_int_equal(count(&r, "records"), 400 - lost);
    assert_int_equal(r.events, 400 - lost);
    accounted(&r, 400 - lost);
    expect_note(r.in, "are also in chunk 0");
    expect_note(r.in, "are in no chunk (between chunk 0 and chunk 2)");
    done(&r);
    free(f.b);
}

/* A record signature zeroed in the middle of a chunk: the walk stops
 * there, the records after it are lost, named. */
static void test_walk_stops_before_free_space(void **state)
{
    (void)state;
    file f = load(many);
    unsigned char *c = chunk(&f, 0);
    size_t n = records_in(c), off = record_at(c, 5);
    memset(c + off, 0, 4);
    fix_chunk(c);
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    assert_int_equal(count(&r, "records"), 400 - (n - 5));
    expect_note(r.in, "the record walk stops at offset");
    char lost[96];
    snprintf(lost, sizeof lost, "records with ids 6 to %zu are lost", n);
    expect_note(r.in, lost);
    done(&r);
    free(f.b);
}

/* Two records' ids swapped: they do not rise. */
static void test_ids_not_rising(void **state)
{
    (void)state;
    file f = load(many);
    unsigned char *c = chunk(&f, 0);
    put64(c + record_at(c, 2) + 8, 4);
    put64(c + record_at(c, 3) + 8, 3);
    fix_chunk(c);
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    expect_note(r.in, "record id 3 follows record id 4: ids do not rise");
    accounted(&r, 400);
    done(&r);
    free(f.b);
}

/* A record id beyond the chunk header's range; and an id twice. */
static void test_ids_out_of_range_or_twice(void **state)
{
    (void)state;
    file f = load(many);
    unsigned char *c = chunk(&f, 0);
    size_t n = records_in(c);
    put64(c + 32, n - 1); /* the header's last id: one short */
    fix_chunk(c);
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    expect_note(r.in, "record id(s) outside the chunk's range");
    done(&r);
    free(f.b);

    f = load(many);
    c = chunk(&f, 0);
    put64(c + record_at(c, 3) + 8, 3); /* record 4 says it is record 3 */
    fix_chunk(c);
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    assert_int_equal(count(&r, "records"), 399);
    assert_int_equal(r.events, 399);
    expect_note(r.in, "counted once");
    done(&r);
    free(f.b);
}

/* ---- what is not damage ------------------------------------------------------------- */

/* ElfFile -> EleFile: still an event log, damaged, its chunks read. */
static void test_header_signature_damaged(void **state)
{
    (void)state;
    file f = load(app);
    f.b[2] = 'e';
    assert_true(kb_evtx_sniff(f.b, KB_SNIFF_BYTES) > 0);
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    assert_string_equal(r.in->message, "EVTX file header is damaged");
    assert_int_equal(r.events, 5);
    assert_string_equal(r.in->feeds[0], "eventlog:Application");
    done(&r);
    free(f.b);

    /* Random bytes and text are never taken for one. */
    unsigned char noise[KB_SNIFF_BYTES];
    srand(7);
    for (int round = 0; round < 1000; round++) {
        for (size_t i = 0; i < sizeof noise; i++)
            noise[i] = (unsigned char)rand();
        assert_int_equal(kb_evtx_sniff(noise, sizeof noise), 0);
    }
    memset(noise, ' ', sizeof noise);
    assert_int_equal(kb_evtx_sniff(noise, sizeof noise), 0);
}

/* A header damaged in a field of its layout (and its checksum made to
 * match), or overwritten whole (then found by its first chunk at 4096):
 * still an event log, damaged, the damage named, its chunks read. */
static void test_header_layout_damaged(void **state)
{
    (void)state;
    for (int round = 0; round < 3; round++) {
        file f = load(app);
        if (round == 0)
            f.b[32] ^= 0x10; /* header size */
        else if (round == 1)
            f.b[38] ^= 0x40; /* major version */
        else
            memset(f.b, 0, KB_EVTX_HEADER_SIZE);
        if (round < 2)
            fix_header(&f);
        /* Its signature, when kept, says what it is; else its first chunk. */
        assert_int_equal(kb_evtx_sniff(f.b, KB_SNIFF_BYTES), round < 2 ? 100 : 0);
        kb_input_handle h;
        kb_handle_from_memory(&h, f.b, f.n, "Application.evtx");
        assert_true(kb_evtx_sniff_deep(&h) > 0);
        parsed r;
        parse(&r, &f, &all);
        assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
        assert_string_equal(r.in->message, "EVTX file header is damaged");
        assert_int_equal(r.events, 5);
        expect_note(r.in, round < 2 ? "an EVTX file header's are 128, 3.1 or 3.2, 4096" : "no EVTX file signature");
        done(&r);
        /* Nothing at 4096: not an event log. */
        memset(f.b + KB_EVTX_HEADER_SIZE, 'x', 8);
        kb_handle_from_memory(&h, f.b, f.n, "Application.evtx");
        assert_int_equal(kb_evtx_sniff_deep(&h), 0);
        free(f.b);
    }
}

/* A log copied while open: dirty, its header lagging the chunks and ids
 * written. ok, with a note; every record read. */
static void test_live_copy_is_a_note(void **state)
{
    (void)state;
    file f = load(many);
    put32(f.b + 120, 1);  /* dirty */
    f.b[42] = 1;          /* one chunk, it says */
    f.b[43] = 0;
    put64(f.b + 16, 0);   /* last chunk */
    put64(f.b + 24, 2);   /* next record id */
    fix_header(&f);
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_OK);
    assert_int_equal(r.status, KB_OK);
    char text[160];
    snprintf(text, sizeof text, "copied while it was open; the header lags the %zu chunks written (it says 1)",
             chunks(&f));
    expect_note(r.in, text);
    expect_note(r.in, "all 400 records read");
    assert_int_equal(r.events, 400);
    done(&r);
    free(f.b);
}

/* A zeroed chunk: lost when the header counts it; a note when the header
 * lags it (not yet written when the log was copied). */
static void test_zeroed_chunk(void **state)
{
    (void)state;
    file f = load(many);
    size_t lost = records_in(chunk(&f, 1));
    memset(chunk(&f, 1), 0, CHUNK);
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    expect_note(r.in, "zeroed, though the file header counts it among its");
    assert_int_equal(count(&r, "records"), 400 - lost);
    done(&r);
    f.b[42] = 1;
    f.b[43] = 0;
    put64(f.b + 16, 0);
    fix_header(&f);
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_OK);
    expect_note(r.in, "zeroed (never written, or not yet written when the log was copied): skipped");
    assert_false(has_note(r.in, "in no chunk")); /* the coverage says it: a gap */
    done(&r);
    free(f.b);
}

/* A file cut at a chunk boundary, its header intact: the chunks the
 * header counts past the end are lost (a header never runs ahead of what
 * was written), so the log is damaged; the chunks before are read. */
static void test_cut_at_chunk_boundary(void **state)
{
    (void)state;
    file f = load(many);
    size_t n = chunks(&f);
    assert_true(n >= 2);
    size_t lost = records_in(chunk(&f, n - 1));
    f.n -= CHUNK;
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    expect_note(r.in, "the file was cut short and the records of the missing chunks are lost");
    assert_int_equal(count(&r, "records"), 400 - lost);
    done(&r);
    f.n = 4096; /* the file header alone */
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    done(&r);
    free(f.b);
}

/* A log that keeps no checksums (flag 0x4 in the file and chunk headers). */
static void test_no_checksums(void **state)
{
    (void)state;
    file f = load(app);
    unsigned char *c = chunk(&f, 0);
    put32(c + 120, le32(c + 120) | 4);
    put32(c + 52, 0x12345678);
    put32(c + 124, 0x9abcdef0);
    put32(f.b + 120, 4);
    put32(f.b + 124, 0);
    parsed r;
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_OK);
    expect_note(r.in, "the log keeps no checksums (flag 0x4)");
    assert_int_equal(r.events, 5);
    done(&r);
    /* Without the flag, the same checksums are damage. */
    put32(c + 120, le32(c + 120) & ~4u);
    put32(f.b + 120, 0);
    fix_header(&f);
    parse(&r, &f, &all);
    assert_int_equal(r.in->state, KB_INPUT_DAMAGED);
    expect_note(r.in, "chunk header checksum mismatch");
    expect_note(r.in, "event records checksum mismatch");
    assert_int_equal(r.events, 5); /* its records are still read */
    done(&r);
    free(f.b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_offset_near_the_end),
        cmocka_unit_test(test_name_offset_near_the_end),
        cmocka_unit_test(test_attribute_size_wraps),
        cmocka_unit_test(test_chunk_present_twice),
        cmocka_unit_test(test_chunk_copied_over_another),
        cmocka_unit_test(test_walk_stops_before_free_space),
        cmocka_unit_test(test_ids_not_rising),
        cmocka_unit_test(test_ids_out_of_range_or_twice),
        cmocka_unit_test(test_header_signature_damaged),
        cmocka_unit_test(test_header_layout_damaged),
        cmocka_unit_test(test_live_copy_is_a_note),
        cmocka_unit_test(test_zeroed_chunk),
        cmocka_unit_test(test_cut_at_chunk_boundary),
        cmocka_unit_test(test_no_checksums),
    };
    return cmocka_run_group_tests_name("evtx_damage", tests, setup, teardown);
}
