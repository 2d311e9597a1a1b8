/* test_sources.c: the sources keep to what they declare (source.h), which
 * `kbscan rules check`, coverage and the reports trust: every registered
 * source is complete and unlike the others; every fact the sample bundles
 * give has a declared type and only declared fields, every input feeds
 * what its source says and carries its source's coverage class and counts;
 * (several sources may feed one input: the first of them in the registry
 * is the feed's); and docs/facts.md names every declared fact type and
 * field. The parser cases (tests/cases/) are checked like a bundle. (That
 * the fuzz targets, --help, the Makefile and the docs list every source:
 * tests/e2e/sources.sh.) */
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
#include "text/sections.h"
#include "scan/scan.h"
#include "core/strbuf.h"

/* Whether feed is src's (a computed feed: any value of its placeholder). */
static int feeds(const kb_source *src, const char *feed)
{
    size_t n;
    const char *prefix = kb_source_feed_prefix(src, &n);
    return prefix ? strncmp(feed, prefix, n) == 0 : strcmp(feed, src->feed) == 0;
}

/* Every source has what its form needs, a feed, a coverage class, facts;
 * names, kinds and feeds are its own. */
static void test_registry_complete(void **state)
{
    (void)state;
    size_t n = 0;
    for (const kb_source *const *s = kb_sources(); *s; s++, n++) {
        const kb_source *src = *s;
        assert_non_null(src->name);
        assert_non_null(src->kind);
        assert_non_null(src->label);
        assert_non_null(src->facts);
        assert_ptr_equal(kb_source_of_kind(src->kind), src);
        if (!src->feed) {
            /* A container (its members are inputs of their own), or files
             * known by their place and only listed: no facts, no feed. */
            assert_true(src->form == KB_FORM_CONTAINER ? src->sniff_head && src->members && !src->parse_input
                                                       : src->sniff_place && !src->parse_input);
            assert_null(src->facts[0].type);
            assert_int_equal(src->covers, KB_COVERS_NOTHING);
            continue;
        }
        assert_non_null(src->facts[0].type);
        assert_true(src->covers == KB_COVERS_MOMENT || src->covers == KB_COVERS_EVENTS);
        if (src->form == KB_FORM_TEXT) {
            assert_true(src->sniff && src->parse && src->locale);
            assert_null(src->sniff_head);
            assert_false(src->isolated);
        } else {
            assert_true(src->form == KB_FORM_BINARY);
            assert_true(src->sniff_head && src->parse_input);
            assert_null(src->sniff);
        }
        size_t plen;
        const char *prefix = kb_source_feed_prefix(src, &plen);
        char example[128];
        snprintf(example, sizeof example, "%.*s%s", (int)plen, src->feed,
                 prefix ? (src->feed_values ? src->feed_values[0] : "x") : "");
        /* The feed's source: this one, or the first of those sharing its feed. */
        const kb_source *of_feed = kb_source_of_feed(prefix ? example : src->feed);
        assert_non_null(of_feed);
        assert_string_equal(of_feed->feed, src->feed);
        for (const kb_source *const *o = kb_sources(); *o != of_feed; o++)
            assert_true(!(*o)->feed || strcmp((*o)->feed, src->feed) != 0);
        size_t counts = 0;
        while (src->counts && src->counts[counts].name)
            counts++;
        assert_true(counts <= KB_MAX_COUNTS);
    }
    for (const kb_source *const *s = kb_sources(); *s; s++)
        for (const kb_source *const *o = kb_sources(); *o != *s; o++)
            if (strcmp((*o)->name, (*s)->name) == 0 || strcmp((*o)->kind, (*s)->kind) == 0)
                fail_msg("two sources named %s (%s)", (*s)->name, (*s)->kind);
    assert_true(n >= 5);
    assert_null(kb_source_of_kind("no_such_kind"));
    assert_null(kb_source_of_feed("no_such_feed"));
}

/* The declaration of a fact type an input may carry: its source's, or that
 * of a source whose feed the input provides; NULL when none declares it. */
static const kb_fact_decl *decl_on_input(const kb_input *in, const char *type)
{
    const kb_source *own = kb_source_of_kind(in->kind);
    /* Its own source's first: the sources of one log declare the event
     * fact each with the fields their shape has (an export's message). */
    for (const kb_fact_decl *d = own ? own->facts : NULL; d && d->type; d++)
        if (strcmp(d->type, type) == 0)
            return d;
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        int feeds_it = *s == own;
        for (size_t k = 0; !feeds_it && k < in->nfeeds; k++)
            feeds_it = feeds(*s, in->feeds[k]);
        for (const kb_fact_decl *d = (*s)->facts; feeds_it && d && d->type; d++)
            if (strcmp(d->type, type) == 0)
                return d;
    }
    return NULL;
}

static int declared(const kb_fact_decl *d, const char *name)
{
    for (const char *const *f = d->fields; *f; f++) {
        size_t n = strlen(*f);
        if ((*f)[n - 1] == '#' ? strncmp(name, *f, n - 1) == 0 && name[n - 1] >= '0' &&
                                     name[n - 1] <= '9'
            : (*f)[n - 1] == '*' ? strncmp(name, *f, n - 1) == 0 && name[n - 1] != '\0'
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
        const kb_source *src = kb_source_of_kind(in->kind);
        /* A file holding several outputs is a container of the scan's own
         * (text/sections.h): its sections are inputs, each of a source. */
        if (in->kind && !src && strcmp(in->kind, KB_TEXT_SECTIONS_KIND) != 0)
            fail_msg("%s: kind %s is no source's", in->path, in->kind);
        if (!src) {
            assert_int_equal(in->covers, KB_COVERS_NOTHING);
            continue;
        }
        assert_int_equal(in->covers, src->covers);
        assert_ptr_equal(in->count_decls, src->counts);
        /* Its source's feed, and only feeds some source declares (a vssadmin
         * file of several sub-commands feeds each sub-command's). */
        int own = 0;
        for (size_t k = 0; k < in->nfeeds; k++) {
            own |= feeds(src, in->feeds[k]);
            if (!kb_source_of_feed(in->feeds[k]))
                fail_msg("%s: feeds \"%s\", which no source declares", in->path, in->feeds[k]);
        }
        if (in->nfeeds && !own)
            fail_msg("%s: does not feed what its source declares (%s)", in->path, src->feed);
    }
    for (size_t i = 0; i < facts.n; i++) {
        const kb_fact *f = facts.items[i];
        const kb_input *in = &inputs.items[f->input];
        const kb_fact_decl *d = decl_on_input(in, f->type);
        if (!d)
            fail_msg("%s: facts \"%s\" are not declared by the %s parser, nor by a source of a feed of "
                     "its input", in->path, f->type, in->kind);
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
    /* The parser cases: every command output kbscan reads. */
    assert_true(check_bundle("tests/cases") > 100);
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
            /* "data#" is documented as `data1` ... `dataN`, "data:*" as `data:<Name>`. */
            quoted = (*f)[n - 1] == '#'   ? kb_strprintf("`%.*s1`", (int)(n - 1), *f)
                     : (*f)[n - 1] == '*' ? kb_strprintf("`%.*s<Name>`", (int)(n - 1), *f)
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
    for (const kb_source *const *s = kb_sources(); *s; s++)
        expect_documented(doc, (*s)->facts);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_complete),
        cmocka_unit_test(test_samples_keep_to_declarations),
        cmocka_unit_test(test_declarations_documented),
    };
    return cmocka_run_group_tests_name("sources", tests, NULL, NULL);
}
