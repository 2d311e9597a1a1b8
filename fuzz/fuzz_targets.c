/* fuzz_targets.c: the work of the fuzz targets (see fuzz_targets.h). */
#include "fuzz_targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/source.h"

static kb_parse_ctx fuzz_ctx(kb_inputs *inputs, long i, kb_factlist *facts, const kb_interest *interest,
                             int no_prefilter, size_t threads)
{
    /* kbscan's own code only: libevtx, which a scan runs in isolated
     * workers, is Debian's, not fuzzed here. */
    kb_parse_ctx ctx = {.input = &inputs->items[i], .input_index = (size_t)i, .facts = facts,
                        .interest = interest, .since = KB_TIME_NONE, .until = KB_TIME_NONE,
                        .no_prefilter = no_prefilter, .threads = threads, .own_code_only = 1};
    return ctx;
}

static void parse_text_with(const kb_source *src, const kb_text *text)
{
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    kb_interest interest = {0};
    long i = kb_inputs_add(&inputs, "fuzz.txt");
    if (i >= 0) {
        kb_parse_ctx ctx = fuzz_ctx(&inputs, i, &facts, &interest, 0, 1);
        src->parse(text, &ctx);
    }
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
}

/* The decoder alone: the default choice, every candidate code page, the
 * choice by labels, and the display width the table parsers measure. */
static void fuzz_textdecode(const uint8_t *data, size_t size)
{
    char err[256];
    kb_bytes_look_binary(data, size);
    kb_text text;
    if (kb_text_decode(data, size, &text, err, sizeof err) == KB_OK) {
        for (size_t i = 0; i < text.nlines; i++)
            kb_utf8_width(text.lines[i], strlen(text.lines[i]));
        kb_text_free(&text);
    }
    const char *pages[8];
    size_t n = kb_text_candidates(data, size, pages, 8);
    for (size_t i = 0; i < n; i++)
        if (kb_text_decode_as(data, size, pages[i], &text, err, sizeof err) == KB_OK)
            kb_text_free(&text);
    kb_text_reading read;
    if (kb_text_read(data, size, &read, err, sizeof err) == KB_OK)
        kb_text_free(&read.text);
}

/* A text source over the decoded text, whatever the other sources think of it. */
static void fuzz_text_source(const kb_source *src, const uint8_t *data, size_t size)
{
    kb_text text;
    char err[256];
    if (kb_text_decode(data, size, &text, err, sizeof err) != KB_OK)
        return;
    src->sniff(&text);
    src->locale(&text);
    parse_text_with(src, &text);
    kb_text_free(&text);
}

static void parse_binary(const kb_source *src, const kb_input_handle *h, int no_prefilter, size_t threads)
{
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    kb_interest interest = {0};
    kb_interest_add(&interest, "VSS", 8193);
    kb_interest_add(&interest, "VSS", 13);
    kb_interest_add(&interest, "Microsoft-Windows-Backup", -1);
    long i = kb_inputs_add(&inputs, h->name);
    if (i >= 0) {
        kb_input_set_source(&inputs.items[i], src->kind, src->covers, src->counts);
        kb_parse_ctx ctx = fuzz_ctx(&inputs, i, &facts, &interest, no_prefilter, threads);
        src->parse_input(h, &ctx);
    }
    kb_interest_free(&interest);
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
}

/* A binary source over the bytes as a memory input, when it recognises
 * them, by their first bytes or (as the scan asks next) further in: an
 * event log whose file header is damaged is still read. */
static void fuzz_binary_source(const kb_source *src, const uint8_t *data, size_t size)
{
    kb_input_handle h;
    kb_handle_from_memory(&h, data, size, "fuzz.bin");
    if (!src->sniff_head(data, size < KB_SNIFF_BYTES ? size : KB_SNIFF_BYTES) &&
        !(src->sniff_deep && src->sniff_deep(&h)))
        return;
    parse_binary(src, &h, 0, 1);
    parse_binary(src, &h, 1, 1);
    parse_binary(src, &h, 0, 2);
}

/* A source that knows its files by their place: the bytes as a name. */
static void fuzz_place_source(const kb_source *src, const uint8_t *data, size_t size)
{
    char name[512];
    size_t n = size < sizeof name - 1 ? size : sizeof name - 1;
    memcpy(name, data, n);
    name[n] = '\0';
    const char *slash = strrchr(name, '/');
    src->sniff_place(name, slash ? (size_t)(slash - name) + 1 : 0);
}

/* ---- containers ---------------------------------------------------------------- */

typedef struct fuzz_visit {
    const kb_source *src;
    const kb_container_opts *opts;
    unsigned depth;
} fuzz_visit;

static void fuzz_container(const kb_source *src, const kb_input_handle *h, const kb_container_opts *opts,
                           unsigned depth);

static uint64_t fuzz_plan(void *arg, const kb_member_head *head, const char **why)
{
    const fuzz_visit *v = arg;
    (void)why;
    return head->len == 0 ? 1 : v->opts->limits.max_member;
}

/* Every member is read; one that is an archive again is walked, a few deep. */
static void fuzz_member(void *arg, const kb_member *m)
{
    const fuzz_visit *v = arg;
    if (!m->handle || v->depth >= 3)
        return;
    unsigned char head[KB_SNIFF_BYTES];
    size_t n = kb_handle_head(m->handle, head, sizeof head);
    if (v->src->sniff_head(head, n))
        fuzz_container(v->src, m->handle, v->opts, v->depth + 1);
}

static void fuzz_container(const kb_source *src, const kb_input_handle *h, const kb_container_opts *opts,
                           unsigned depth)
{
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    kb_interest interest = {0};
    long i = kb_inputs_add(&inputs, h->name);
    if (i >= 0) {
        kb_input_set_source(&inputs.items[i], src->kind, src->covers, src->counts);
        kb_parse_ctx ctx = fuzz_ctx(&inputs, i, &facts, &interest, 0, 1);
        ctx.containers = opts;
        fuzz_visit v = {src, opts, depth};
        kb_member_visitor visit = {.arg = &v, .plan = fuzz_plan, .member = fuzz_member};
        src->members(h, &ctx, &visit);
    }
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
}

/* A container source over the bytes in memory (libarchive's memory
 * reader), with small limits and no temporary directory. */
static void fuzz_container_source(const kb_source *src, const uint8_t *data, size_t size)
{
    if (!src->sniff_head(data, size < KB_SNIFF_BYTES ? size : KB_SNIFF_BYTES))
        return;
    _Atomic uint64_t spent;
    atomic_init(&spent, 0);
    kb_container_opts opts = {.spent = &spent, .tmpdir = NULL, .password = "fuzz"};
    kb_container_limits_init(&opts.limits);
    opts.limits.max_total_bytes = 64u << 20;
    opts.limits.memory_member = 1u << 20;
    opts.limits.max_member = 4u << 20;
    opts.limits.ratio_after = 1u << 20;
    opts.limits.max_members = 1000;
    kb_input_handle h;
    kb_handle_from_memory(&h, data, size, "fuzz.zip");
    fuzz_container(src, &h, &opts, 0);
}

static size_t source_count(void)
{
    size_t n = 0;
    while (kb_sources()[n])
        n++;
    return n;
}

size_t kb_fuzz_target_count(void)
{
    return 1 + source_count();
}

const char *kb_fuzz_target_name(size_t i)
{
    return i == 0 ? "textdecode" : i <= source_count() ? kb_sources()[i - 1]->name : NULL;
}

int kb_fuzz_target(const char *target, const uint8_t *data, size_t size)
{
    if (strcmp(target, "textdecode") == 0) {
        fuzz_textdecode(data, size);
        return 0;
    }
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        if (strcmp((*s)->name, target) != 0)
            continue;
        if ((*s)->form == KB_FORM_TEXT)
            fuzz_text_source(*s, data, size);
        else if ((*s)->form == KB_FORM_CONTAINER)
            fuzz_container_source(*s, data, size);
        else if ((*s)->parse_input)
            fuzz_binary_source(*s, data, size);
        else
            fuzz_place_source(*s, data, size);
        return 0;
    }
    return -1;
}
