/* test_text_kinds.c: no two text parsers claim the same text. Every sample
 * of tests/unit/samples/ (one per command output kbscan knows of, read or
 * not) is saved as a server saves it and read as analyzer/scan/scan.c reads
 * it; exactly the kind tests/unit/samples/kinds.tsv names may sniff it
 * (none for outputs no parser reads), and every sample in the folder must
 * be listed there: a new kind's samples are a line each in that data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "vssadmin_writers" /* unused: the harness needs one */
#define INPUT_NAME "sample.txt"

#include "text_harness.h"
#include "sample_text.h"

/* tests/unit/samples/kinds.tsv: a sample and the kind that must read it
 * ("-": none), one per line, '#' lines aside. */
typedef struct expectation {
    char file[256];
    char kind[256]; /* "" for none */
} expectation;

static size_t read_expected(expectation *out, size_t max)
{
    FILE *fp = fopen(SAMPLES_DIR "kinds.tsv", "r");
    if (!fp)
        fail_msg("no " SAMPLES_DIR "kinds.tsv");
    char line[256];
    size_t n = 0;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab || n == max)
            fail_msg("kinds.tsv: bad line \"%s\"", line);
        *tab = '\0';
        char *kind = tab + 1;
        kind[strcspn(kind, "\r\n")] = '\0';
        snprintf(out[n].file, sizeof out[n].file, "%s", line);
        snprintf(out[n].kind, sizeof out[n].kind, "%s", strcmp(kind, "-") == 0 ? "" : kind);
        n++;
    }
    fclose(fp);
    return n;
}



static void check_one(const char *file, const char *kind, saved_as as, const char *how)
{
    size_t len, n;
    char *utf8 = sample_bytes(file, &len);
    char *bytes = saved_text(utf8, as, "CP437", &n);
    free(utf8);
    kb_text_reading read;
    char err[256];
    if (kb_text_read((const unsigned char *)bytes, n, &read, err, sizeof err) != KB_OK)
        fail_msg("%s (%s): %s", file, how, err);
    free(bytes);
    const char *claimed = NULL;
    for (const kb_source *const *p = kb_sources(); *p; p++) {
        if ((*p)->form != KB_FORM_TEXT)
            continue;
        if ((*p)->sniff(&read.text) == 0)
            continue;
        if (claimed)
            fail_msg("%s (%s): claimed by %s and %s", file, how, claimed, (*p)->kind);
        claimed = (*p)->kind;
    }
    const char *chosen = read.parser ? read.parser->kind : NULL;
    kb_text_free(&read.text);
    if ((kind == NULL) != (chosen == NULL) || (kind && strcmp(kind, chosen) != 0))
        fail_msg("%s (%s): read as %s, want %s", file, how, chosen ? chosen : "nothing", kind ? kind : "nothing");
}

static expectation expected[256];

static void test_each_sample_one_kind(void **state)
{
    (void)state;
    size_t n = read_expected(expected, sizeof expected / sizeof expected[0]);
    assert_true(n > 30);
    for (size_t i = 0; i < n; i++) {
        const char *kind = expected[i].kind[0] ? expected[i].kind : NULL;
        check_one(expected[i].file, kind, SAVED_UTF8, "as written");
        check_one(expected[i].file, kind, SAVED_CRLF, "CRLF");
        check_one(expected[i].file, kind, SAVED_UTF16LE_BOM, "UTF-16LE");
    }
}

static void test_every_sample_listed(void **state)
{
    (void)state;
    size_t n = read_expected(expected, sizeof expected / sizeof expected[0]);
    DIR *d = opendir(SAMPLES_DIR);
    assert_non_null(d);
    struct dirent *e;
    size_t seen = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0 || strcmp(e->d_name, "kinds.tsv") == 0)
            continue;
        size_t i = 0;
        while (i < n && strcmp(expected[i].file, e->d_name) != 0)
            i++;
        if (i == n)
            fail_msg("%s%s is not in %skinds.tsv", SAMPLES_DIR, e->d_name, SAMPLES_DIR);
        seen++;
    }
    closedir(d);
    assert_int_equal(seen, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_sample_one_kind),
        cmocka_unit_test(test_every_sample_listed),
    };
    return cmocka_run_group_tests_name("text_kinds", tests, NULL, NULL);
}
