/* test_evtx_prefilter.c: the EVTX prefilter (parsers/evtx/prefilter.c).
 * The event id it reads from raw records must agree with libevtx's on every
 * record where it claims certainty: on evtxgen's bulk logs (where it must
 * always be certain) and on every file of the real corpus
 * (../shared/corpus/evtx, or $KBSCAN_CORPUS; skipped, and said so, when
 * absent). Its candidates must include every wanted record; doubt (damage,
 * a rule wanting everything, --no-prefilter) must disable it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libevtx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evtx/layout.h"
#include "evtx/prefilter.h"
#include "core/input.h"

#define CHUNK 65536

static char dir[256];

static const char *evtxgen(void)
{
    const char *gen = getenv("EVTXGEN");
    return gen && *gen ? gen : "build/evtxgen";
}

static int gen(const char *out, const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' %s -o '%s/%s' >/dev/null 2>&1", evtxgen(), args, dir, out);
    return system(cmd);
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/kbscan-prefilter-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    if (gen("app.evtx", "--bulk 2 --seed 5 --channel Application "
                        "--inject samples/events/seed-ja-application.json") != 0 ||
        gen("sys.evtx", "--bulk 1 --seed 6 --channel System") != 0 ||
        gen("crc.evtx", "--bulk 1 --seed 5 --channel Application --corrupt-chunk 3") != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Whether libevtx rendered the record at all: on a few real records (CAPI2
 * events with embedded binary XML) it returns id 0 and garbage, and
 * python-evtx cannot read them either; those prove nothing either way. */
static int sane_xml(libevtx_record_t *rec)
{
    size_t size = 0;
    if (libevtx_record_get_utf8_xml_string_size(rec, &size, NULL) != 1 || size < 7)
        return 0;
    char *xml = malloc(size);
    int ok = xml && libevtx_record_get_utf8_xml_string(rec, (uint8_t *)xml, size, NULL) == 1 &&
             strncmp(xml, "<Event", 6) == 0;
    free(xml);
    return ok;
}

/* Event ids of every record, in libevtx's order (-1: cannot read). */
static long *libevtx_ids(const char *path, int *count)
{
    libevtx_file_t *file = NULL;
    *count = 0;
    if (libevtx_file_initialize(&file, NULL) != 1 || libevtx_file_open(file, path, LIBEVTX_OPEN_READ, NULL) != 1) {
        libevtx_file_free(&file, NULL);
        return NULL;
    }
    libevtx_file_get_number_of_records(file, count, NULL);
    long *ids = calloc((size_t)*count + 1, sizeof *ids);
    for (int i = 0; ids && i < *count; i++) {
        libevtx_record_t *rec = NULL;
        uint32_t id = 0;
        ids[i] = -1;
        if (libevtx_file_get_record_by_index(file, i, &rec, NULL) == 1 &&
            libevtx_record_get_event_identifier(rec, &id, NULL) == 1 && sane_xml(rec))
            ids[i] = id & 0xffff;
        libevtx_record_free(&rec, NULL);
    }
    libevtx_file_close(file, NULL);
    libevtx_file_free(&file, NULL);
    return ids;
}

typedef struct agreement {
    size_t records, certain, wrong;
} agreement;

/* Compares the prefilter's event ids with libevtx's, record by record, when
 * the file's chunks are intact and both count the same records. Returns 0
 * when the comparison was possible. */
static int compare_ids(const char *path, agreement *a)
{
    int count = 0;
    long *ids = libevtx_ids(path, &count);
    FILE *fp = fopen(path, "rb");
    unsigned char *chunk = malloc(CHUNK);
    int rc = -1;
    if (!ids || !fp || !chunk || fseek(fp, 4096, SEEK_SET) != 0)
        goto out;
    size_t index = 0;
    while (fread(chunk, 1, CHUNK, fp) == CHUNK) {
        if (memcmp(chunk, "ElfChnk", 8) != 0)
            continue;
        uint32_t free_off = (uint32_t)chunk[48] | (uint32_t)chunk[49] << 8 |
                            (uint32_t)chunk[50] << 16 | (uint32_t)chunk[51] << 24;
        size_t off = 512;
        while (off + 28 <= free_off && free_off <= CHUNK) {
            uint32_t size = (uint32_t)chunk[off + 4] | (uint32_t)chunk[off + 5] << 8 |
                            (uint32_t)chunk[off + 6] << 16 | (uint32_t)chunk[off + 7] << 24;
            if (memcmp(chunk + off, "**\0\0", 4) != 0 || size < 28 || off + size > free_off)
                break;
            uint32_t id;
            if (index < (size_t)count && kb_evtx_record_event_id(chunk, off, size, &id)) {
                a->certain++;
                a->wrong += ids[index] >= 0 && ids[index] != (long)id;
            }
            a->records++;
            index++;
            off += size;
        }
    }
    rc = index == (size_t)count ? 0 : -1;
out:
    free(ids);
    free(chunk);
    if (fp)
        fclose(fp);
    return rc;
}

static void test_event_ids_on_evtxgen_logs(void **state)
{
    (void)state;
    const char *names[] = {"app.evtx", "sys.evtx"};
    for (int i = 0; i < 2; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        agreement a = {0};
        assert_int_equal(compare_ids(path, &a), 0);
        assert_true(a.records > 1000);
        assert_int_equal(a.wrong, 0);
        assert_int_equal(a.certain, a.records); /* evtxgen writes as Windows does */
    }
}

static void test_event_ids_on_corpus(void **state)
{
    (void)state;
    const char *env = getenv("KBSCAN_CORPUS");
    const char *corpus = env && *env ? env : "../shared/corpus/evtx";
    char manifest[4096];
    snprintf(manifest, sizeof manifest, "%s/MANIFEST.tsv", corpus);
    FILE *list = fopen(manifest, "r");
    if (!list) {
        print_message("no corpus at %s (set KBSCAN_CORPUS): skipped\n", corpus);
        skip();
    }
    agreement total = {0};
    size_t files = 0;
    char line[4096];
    while (fgets(line, sizeof line, list)) {
        char *tab = strchr(line, '\t');
        if (!tab || line[0] == '#')
            continue;
        *tab = '\0';
        size_t n = strlen(line);
        if (n < 5 || strcmp(line + n - 5, ".evtx") != 0)
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", corpus, line);
        agreement a = {0};
        if (compare_ids(path, &a) != 0)
            continue; /* damaged or counted differently: the prefilter is off there */
        if (a.wrong)
            print_error("%s: %zu of %zu event ids differ from libevtx\n", line, a.wrong, a.certain);
        total.records += a.records;
        total.certain += a.certain;
        total.wrong += a.wrong;
        files++;
    }
    fclose(list);
    print_message("corpus: %zu files, %zu records, event id certain for %zu, wrong for %zu\n", files,
                  total.records, total.certain, total.wrong);
    assert_true(files > 50);
    assert_int_equal(total.wrong, 0);
    assert_true(total.certain * 10 > total.records * 9); /* Windows' own layout is understood */
}

/* Runs the chunk walk with a prefilter for interest; returns the candidates'
 * record ids as a count and checks they include want_ids. */
static void walk(const char *name, const kb_interest *interest, int disabled, kb_evtx_prefilter *pf)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    kb_inputs inputs = {0};
    assert_true(kb_inputs_add(&inputs, name) >= 0);
    assert_int_equal(kb_evtx_prefilter_init(pf, interest, disabled), 0);
    kb_input_handle h;
    assert_int_equal(kb_handle_open_file(&h, path, name), KB_OK);
    kb_evtx_layout layout;
    assert_int_equal(kb_evtx_read_layout_filtered(&h, &inputs.items[0], &layout, pf), 0);
    kb_handle_close(&h);
    kb_inputs_free(&inputs);
}

static void test_candidates_are_the_wanted_records(void **state)
{
    (void)state;
    kb_interest want = {0};
    assert_int_equal(kb_interest_add(&want, "vss", 8193), 0); /* case does not matter */
    assert_int_equal(kb_interest_add(&want, "VSS", 13), 0);
    kb_evtx_prefilter pf;
    walk("app.evtx", &want, 0, &pf);
    assert_true(pf.usable);
    /* The 21 injected VSS 8193/13 errors, and nothing else. */
    assert_int_equal(pf.n, 21);
    assert_true(pf.chunks > 20);
    assert_true(pf.nslice <= 4); /* the first chunk, and those with candidates */
    assert_true(pf.slice_total < pf.records / 5);
    for (size_t i = 1; i < pf.n; i++)
        assert_true(pf.index[i] > pf.index[i - 1]);
    kb_evtx_prefilter_free(&pf);

    kb_interest any_id = {0};
    assert_int_equal(kb_interest_add(&any_id, "Microsoft-Windows-Backup", -1), 0);
    walk("app.evtx", &any_id, 0, &pf);
    assert_true(pf.usable);
    assert_true(pf.n >= 7); /* the injected backup events, and any of the mix */
    kb_evtx_prefilter_free(&pf);
    kb_interest_free(&any_id);
    kb_interest_free(&want);
}

static void test_doubt_disables_it(void **state)
{
    (void)state;
    kb_interest want = {0};
    assert_int_equal(kb_interest_add(&want, "VSS", 8193), 0);
    kb_evtx_prefilter pf;
    walk("crc.evtx", &want, 0, &pf);
    assert_false(pf.usable);
    assert_string_equal(pf.doubt, "a damaged chunk");
    kb_evtx_prefilter_free(&pf);
    walk("app.evtx", &want, 1, &pf);
    assert_false(pf.usable);
    kb_evtx_prefilter_free(&pf);
    want.want_all = 1;
    walk("app.evtx", &want, 0, &pf);
    assert_false(pf.usable);
    kb_evtx_prefilter_free(&pf);
    kb_interest_free(&want);

    kb_interest odd = {0};
    assert_int_equal(kb_interest_add(&odd, "Résumé", 1), 0);
    walk("app.evtx", &odd, 0, &pf);
    assert_false(pf.usable);
    kb_evtx_prefilter_free(&pf);
    kb_interest_free(&odd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_ids_on_evtxgen_logs),
        cmocka_unit_test(test_event_ids_on_corpus),
        cmocka_unit_test(test_candidates_are_the_wanted_records),
        cmocka_unit_test(test_doubt_disables_it),
    };
    return cmocka_run_group_tests_name("evtx_prefilter", tests, setup, teardown);
}
