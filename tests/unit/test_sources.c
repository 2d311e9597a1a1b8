/* test_sources.c: the parsers keep to what they declare (parser.h,
 * kb_fact_decl), which `kbscan rules check` trusts: every fact the sample
 * bundles give has a declared type and only declared fields, every input
 * feeds what its parser says (several parsers may feed one input), and
 * docs/facts.md names every declared fact type and field. The parser
 * tests' samples (tests/unit/samples/) are checked like a bundle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/source.h"
#include "scan/scan.h"
#include "core/strbuf.h"

static const kb_fact_decl *decls_of_kind(const char *kind)
{
    if (strcmp(kind, "evtx") == 0)
        return kb_evtx_facts;
    for (const kb_text_parser *const *p = kb_text_parsers(); *p; p++)
        if (strcmp((*p)->kind, kind) == 0)
            return (*p)->facts;
    return NULL;
}

/* The feed the parser of a text kind declares, or NULL. */
static const char *feed_of_kind(const char *kind)
{
    for (const kb_text_parser *const *p = kb_text_parsers(); *p; p++)
        if (strcmp((*p)->kind, kind) == 0)
            return (*p)->feed;
    return NULL;
}

static int declared(const kb_fact_decl *d, const char *name)
{
    for (const char *const *f = d->fields; *f; f++) {
        size_t n = strlen(*f);
        if ((*f)[n - 1] == '#' ? strncmp(name, *f, n - 1) == 0 && name[n - 1] >= '0' &&
                                     name[n - 1] <= '9'
                               : strcmp(name, *f) == 0)
            return 1;
    }
    return 0;
}

/* Every fact of the bundle: declared by the parser of its input. */
static size_t check_bundle(const char *path)
{
    kb_interest everything = {1, NULL, 0};
    kb_scan_opts opts;
    kb_scan_opts_init(&opts);
    opts.interest = &everything;
    opts.jobs = 1;
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    const char *paths[] = {path};
    assert_int_equal(kb_scan(paths, 1, &opts, &inputs, &facts), KB_OK);
    for (size_t i = 0; i < inputs.n; i++) {
        const kb_input *in = &inputs.items[i];
        for (size_t k = 0; in->kind && k < in->nfeeds; k++) {
            int evtx = strcmp(in->kind, "evtx") == 0;
            const char *feed = in->feeds[k];
            const char *want = evtx ? NULL : feed_of_kind(in->kind);
            if (evtx ? strncmp(feed, KB_EVTX_FEED_PREFIX, strlen(KB_EVTX_FEED_PREFIX)) != 0
                     : !want || strcmp(feed, want) != 0)
                fail_msg("%s: feeds \"%s\", not what its parser declares", in->path, feed);
        }
    }
    for (size_t i = 0; i < facts.n; i++) {
        const kb_fact *f = facts.items[i];
        const kb_input *in = &inputs.items[f->input];
        const kb_fact_decl *d = decls_of_kind(in->kind);
        while (d && d->type && strcmp(d->type, f->type) != 0)
            d++;
        if (!d || !d->type)
            fail_msg("%s: facts \"%s\" are not declared by the %s parser", in->path, f->type, in->kind);
        for (size_t k = 0; k < f->nfields; k++)
            if (!declared(d, f->fields[k].name))
                fail_msg("%s: field \"%s\" of %s facts is not declared (parsers/, kb_fact_decl)",
                         in->path, f->fields[k].name, f->type);
    }
    size_t n = facts.n;
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
    return n;
}

static void test_samples_keep_to_declarations(void **state)
{
    (void)state;
    DIR *d = opendir("samples/bundles");
    assert_non_null(d);
    struct dirent *e;
    size_t bundles = 0, facts = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "samples/bundles/%s", e->d_name);
        facts += check_bundle(path);
        bundles++;
    }
    closedir(d);
    assert_true(bundles >= 9);
    assert_true(facts > 100);
    /* The parser tests' samples: every command output kbscan reads. */
    assert_true(check_bundle("tests/unit/samples") > 100);
}

static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    kb_buf b = KB_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        kb_buf_append(&b, chunk, n);
    fclose(fp);
    return kb_buf_take(&b);
}

static void expect_documented(const char *doc, const kb_fact_decl *decls)
{
    for (; decls->type; decls++) {
        char *quoted = kb_strprintf("`%s`", decls->type);
        if (!strstr(doc, quoted))
            fail_msg("docs/facts.md does not name the fact type %s", quoted);
        free(quoted);
        for (const char *const *f = decls->fields; *f; f++) {
            size_t n = strlen(*f);
            /* "data#" is documented as `data1` ... `dataN`. */
            quoted = (*f)[n - 1] == '#' ? kb_strprintf("`%.*s1`", (int)(n - 1), *f)
                                        : kb_strprintf("`%s`", *f);
            if (!strstr(doc, quoted))
                fail_msg("docs/facts.md does not name the field %s of %s", quoted, decls->type);
            free(quoted);
        }
    }
}

static void test_declarations_documented(void **state)
{
    (void)state;
    char *doc = read_text("docs/facts.md");
    for (const kb_text_parser *const *p = kb_text_parsers(); *p; p++)
        expect_documented(doc, (*p)->facts);
    expect_documented(doc, kb_evtx_facts);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_keep_to_declarations),
        cmocka_unit_test(test_declarations_documented),
    };
    return cmocka_run_group_tests_name("sources", tests, NULL, NULL);
}
