/* text_harness.h: runs one text parser on bytes as analyzer/scan/scan.c does
 * (decode, sniff every parser, parse), for the parser unit tests. Include
 * after defining KIND (the parser's kind) and INPUT_NAME (the file name the
 * input gets). Functions are static inline: a test uses what it needs. */
#ifndef KB_TEXT_HARNESS_H
#define KB_TEXT_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/source.h"

typedef struct parsed {
    kb_inputs inputs;
    kb_factlist facts;
    kb_interest interest;
    kb_status status;
    int score;          /* this parser's sniff() */
    const char *best;   /* kind of the surest parser, as the scan driver picks it */
} parsed;

static inline const kb_source *parser_of(const char *kind)
{
    const kb_source *src = kb_source_of_kind(kind);
    if (!src || src->form != KB_FORM_TEXT)
        fail_msg("no text source %s", kind);
    return src;
}

/* Reads bytes (kb_text_read) and hands them to the parser as
 * analyzer/scan/scan.c does: same encoding, locale and "assumed" choice. */
static inline void run(parsed *r, const char *bytes, size_t len)
{
    memset(r, 0, sizeof *r);
    kb_text_reading read;
    char err[256];
    if (kb_text_read((const unsigned char *)bytes, len, &read, err, sizeof err) != KB_OK)
        fail_msg("decode: %s", err);
    kb_text *text = &read.text;
    r->best = read.parser ? read.parser->kind : NULL;
    const kb_source *parser = parser_of(KIND);
    r->score = parser->sniff(text);
    long i = kb_inputs_add(&r->inputs, INPUT_NAME);
    assert_true(i >= 0);
    kb_input *in = &r->inputs.items[i];
    kb_input_set_source(in, parser->kind, parser->covers, parser->counts);
    kb_input_set_encoding(in, read.encoding);
    if (read.locale)
        kb_input_set_locale(in, read.locale);
    kb_input_add_feed(in, parser->feed);
    kb_parse_ctx ctx = {.input = in, .input_index = (size_t)i, .facts = &r->facts, .interest = &r->interest,
                        .since = KB_TIME_NONE, .until = KB_TIME_NONE, .threads = 1};
    r->status = parser->parse(text, &ctx);
    kb_text_free(text);
}

#define RUN(r, lit) run(r, lit, sizeof(lit) - 1)

static inline void done(parsed *r)
{
    kb_factlist_free(&r->facts);
    kb_inputs_free(&r->inputs);
}

static inline size_t count(const parsed *r, const char *type)
{
    size_t n = 0;
    for (size_t i = 0; i < r->facts.n; i++)
        n += strcmp(r->facts.items[i]->type, type) == 0;
    return n;
}

/* The n-th (0-based) fact of a type. */
static inline const kb_fact *nth(const parsed *r, const char *type, size_t n)
{
    size_t seen = 0;
    for (size_t i = 0; i < r->facts.n; i++)
        if (strcmp(r->facts.items[i]->type, type) == 0 && seen++ == n)
            return r->facts.items[i];
    fail_msg("no fact %s #%zu (%zu of that type)", type, n, seen);
    return NULL;
}

static inline void field_is(const kb_fact *f, const char *name, const char *want)
{
    const char *have = kb_fact_get(f, name);
    if (!have)
        fail_msg("%s has no field %s (want \"%s\")", f->type, name, want);
    if (strcmp(have, want) != 0)
        fail_msg("%s.%s is \"%s\", want \"%s\"", f->type, name, have, want);
}

/* Fails unless this parser's sniff() rejects every one of the texts. */
static inline void assert_sniff_rejects(const char *const *texts, size_t n)
{
    const kb_source *parser = parser_of(KIND);
    for (size_t i = 0; i < n; i++) {
        kb_text text;
        char err[128];
        assert_int_equal(kb_text_decode((const unsigned char *)texts[i], strlen(texts[i]), &text, err,
                                        sizeof err),
                         KB_OK);
        if (parser->sniff(&text) != 0)
            fail_msg("sniff accepted text #%zu", i);
        kb_text_free(&text);
    }
}

#endif
