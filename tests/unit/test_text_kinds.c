/* test_text_kinds.c: no two text parsers claim the same text. Every sample
 * of tests/unit/samples/ (one per command output kbscan knows of, read or
 * not) is saved as a server saves it and read as analyzer/scan/scan.c reads
 * it; exactly the kind tests/unit/samples/kinds.tsv names may sniff it
 * (none for outputs no parser reads), and every sample in the folder must
 * be listed there: a new kind's samples are a line each in that data.
 * Every parser case (tests/cases/<kind>/, saved as the server saved it)
 * is claimed by its folder's kind alone, or by none in tests/cases/none/. */
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

#define CASES_DIR "tests/cases/"

/* The file's bytes, or NULL when it is not a regular file. */
static unsigned char *file_bytes(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    kb_buf b = KB_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        kb_buf_append(&b, chunk, n);
    int bad = ferror(fp);
    fclose(fp);
    *len = b.len;
    if (bad) {
        kb_buf_free(&b);
        return NULL;
    }
    kb_buf_puts(&b, "");
    return (unsigned char *)kb_buf_take(&b);
}

/* Which text kinds claim the case: exactly `kind` (NULL: none) may. */
static void check_case(const char *path, const char *kind)
{
    size_t len = 0;
    unsigned char *bytes = file_bytes(path, &len);
    if (!bytes)
        fail_msg("%s: cannot be read", path);
    kb_text_reading read;
    char err[256];
    if (kb_text_read(bytes, len, &read, err, sizeof err) != KB_OK)
        fail_msg("%s: %s", path, err);
    free(bytes);
    for (const kb_source *const *p = kb_sources(); *p; p++)
        if ((*p)->form == KB_FORM_TEXT && (*p)->sniff(&read.text) > 0 && (!kind || strcmp((*p)->kind, kind) != 0))
            fail_msg("%s: claimed by %s too", path, (*p)->kind);
    const char *chosen = read.parser ? read.parser->kind : NULL;
    kb_text_free(&read.text);
    if ((kind == NULL) != (chosen == NULL) || (kind && strcmp(kind, chosen) != 0))
        fail_msg("%s: read as %s, want %s", path, chosen ? chosen : "nothing", kind ? kind : "nothing");
}

static int is_case_input(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && strncmp(name, "README", 6) != 0 && !(n > 6 && strcmp(name + n - 6, ".facts") == 0);
}

static void test_each_case_its_kind(void **state)
{
    (void)state;
    DIR *top = opendir(CASES_DIR);
    assert_non_null(top);
    struct dirent *k;
    size_t cases = 0;
    while ((k = readdir(top))) {
        char dir[512];
        snprintf(dir, sizeof dir, CASES_DIR "%s", k->d_name);
        DIR *d = k->d_name[0] == '.' ? NULL : opendir(dir);
        if (!d)
            continue; /* a file (README.md, case_facts.c) */
        const char *kind = strcmp(k->d_name, "none") == 0 ? NULL : k->d_name;
        const kb_source *src = kind ? kb_source_of_kind(kind) : NULL;
        if (kind && (!src || src->form != KB_FORM_TEXT)) {
            closedir(d); /* a binary kind's cases, or files of several outputs (sections) */
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!is_case_input(e->d_name))
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            check_case(path, kind);
            cases++;
        }
        closedir(d);
    }
    closedir(top);
    assert_true(cases > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_sample_one_kind),
        cmocka_unit_test(test_every_sample_listed),
        cmocka_unit_test(test_each_case_its_kind),
    };
    return cmocka_run_group_tests_name("text_kinds", tests, NULL, NULL);
}
