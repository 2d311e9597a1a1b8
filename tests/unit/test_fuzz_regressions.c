/* test_fuzz_regressions.c: replays every input kept for the fuzz targets
 * through what the targets run (fuzz_targets.c), so a crash the fuzzers
 * once found stays fixed; under ASan+UBSan in make check. Text targets:
 * tests/fuzz/regressions/<target>/ (reproducers) and tests/fuzz/seeds/<target>/
 * (the seed corpus); EVTX: fuzz/regressions/evtx/. Also replays a few
 * hand-made hostile inputs that need no file through every text target. */
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

/* The text target being replayed (replay_dir calls a plain function). */
static const char *current_text_target;

static void run_text_target(const uint8_t *data, size_t size)
{
    assert_int_equal(kb_fuzz_text_target(current_text_target, data, size), 0);
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

static void test_text_regressions(void **state)
{
    (void)state;
    static const char *const hand[] = {
        "", "\xff\xfe", "\xfe\xff\x00", "\xef\xbb\xbf", "\r\r\r\n\n", "Writer name: '\n   Writer Id:",
        "========================= ======== ===\n", "SERVICE_NAME: x\n  TYPE : zz\n",
        "\"a\",\"b\",\"c\"\n\"", "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n",
        "\x83\x43\x83\x81\x81\x5b\x83\x57\x96\xbc  PID\n= == ===\n\x81", "a:\n1:1\nb:\n",
    };
    size_t reproducers = 0, seeds = 0;
    for (size_t t = 0; kb_fuzz_text_targets[t]; t++) {
        current_text_target = kb_fuzz_text_targets[t];
        char dir[256];
        snprintf(dir, sizeof dir, "tests/fuzz/regressions/%s", current_text_target);
        reproducers += replay_dir(dir, run_text_target);
        snprintf(dir, sizeof dir, "tests/fuzz/seeds/%s", current_text_target);
        size_t n = replay_dir(dir, run_text_target);
        if (n == 0)
            fail_msg("no seed corpus in %s", dir);
        seeds += n;
        for (size_t i = 0; i < sizeof hand / sizeof *hand; i++)
            run_text_target((const uint8_t *)hand[i], strlen(hand[i]));
    }
    print_message("replayed %zu reproducers and %zu seeds over the text targets\n", reproducers, seeds);
    assert_int_equal(kb_fuzz_text_target("no such target", (const uint8_t *)"", 0), -1);
}

static void test_evtx_regressions(void **state)
{
    (void)state;
    size_t n = replay_dir("fuzz/regressions/evtx", kb_fuzz_evtx);
    print_message("replayed %zu EVTX inputs\n", n);
    /* A header alone, a header and a chunk signature with nothing after. */
    uint8_t head[4096 + 16] = "ElfFile";
    kb_fuzz_evtx(head, 4096);
    memcpy(head + 4096, "ElfChnk", 8);
    kb_fuzz_evtx(head, sizeof head);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_regressions),
        cmocka_unit_test(test_evtx_regressions),
    };
    return cmocka_run_group_tests_name("fuzz_regressions", tests, NULL, NULL);
}
