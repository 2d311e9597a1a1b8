/* test_fuzz_regressions.c: replays every input kept for the fuzz targets
 * (textdecode and one per source of the registry) through what the targets
 * run (fuzz_targets.c), so a crash the fuzzers once found stays fixed;
 * under ASan+UBSan in make check: tests/fuzz/regressions/<target>/ and
 * fuzz/regressions/<target>/ (reproducers) and tests/fuzz/seeds/<target>/
 * (the seed corpus, which every target must have). Also replays a few
 * hand-made hostile inputs that need no file through every target. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_targets.h"

typedef void (*target)(const uint8_t *, size_t);

/* The target being replayed (replay_dir calls a plain function). */
static const char *current_target;

static void run_target(const uint8_t *data, size_t size)
{
    assert_int_equal(kb_fuzz_target(current_target, data, size), 0);
}

static size_t replay_dir(const char *dir, target run)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            continue;
        uint8_t *buf = malloc(4 << 20);
        size_t len = buf ? fread(buf, 1, 4 << 20, fp) : 0;
        fclose(fp);
        if (buf) {
            run(buf, len);
            n++;
        }
        free(buf);
    }
    closedir(d);
    return n;
}

static void test_regressions(void **state)
{
    (void)state;
    static const char *const hand[] = {
        "", "\xff\xfe", "\xfe\xff\x00", "\xef\xbb\xbf", "\r\r\r\n\n", "Writer name: '\n   Writer Id:",
        "========================= ======== ===\n", "SERVICE_NAME: x\n  TYPE : zz\n",
        "\"a\",\"b\",\"c\"\n\"", "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n",
        "\x83\x43\x83\x81\x81\x5b\x83\x57\x96\xbc  PID\n= == ===\n\x81", "a:\n1:1\nb:\n",
    };
    size_t reproducers = 0, seeds = 0;
    for (size_t t = 0; t < kb_fuzz_target_count(); t++) {
        current_target = kb_fuzz_target_name(t);
        char dir[256];
        snprintf(dir, sizeof dir, "tests/fuzz/regressions/%s", current_target);
        reproducers += replay_dir(dir, run_target);
        snprintf(dir, sizeof dir, "fuzz/regressions/%s", current_target);
        reproducers += replay_dir(dir, run_target);
        snprintf(dir, sizeof dir, "tests/fuzz/seeds/%s", current_target);
        size_t n = replay_dir(dir, run_target);
        if (n == 0)
            fail_msg("no seed corpus in %s", dir);
        seeds += n;
        for (size_t i = 0; i < sizeof hand / sizeof *hand; i++)
            run_target((const uint8_t *)hand[i], strlen(hand[i]));
    }
    print_message("replayed %zu reproducers and %zu seeds over %zu targets\n", reproducers, seeds,
                  kb_fuzz_target_count());
    assert_int_equal(kb_fuzz_target("no such target", (const uint8_t *)"", 0), -1);
}

/* Event logs cut short: a header alone, a header and a chunk signature
 * with nothing after. */
static void test_evtx_stubs(void **state)
{
    (void)state;
    uint8_t head[4096 + 16] = "ElfFile";
    assert_int_equal(kb_fuzz_target("evtx", head, 4096), 0);
    memcpy(head + 4096, "ElfChnk", 8);
    assert_int_equal(kb_fuzz_target("evtx", head, sizeof head), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regressions),
        cmocka_unit_test(test_evtx_stubs),
    };
    return cmocka_run_group_tests_name("fuzz_regressions", tests, NULL, NULL);
}
