/* latest.c: which run of a command is the latest, across inputs. A parser
 * marks the last run in its own input `latest` (vssadmin: the last of the
 * runs a file holds). A bundle may hold the same command's output more
 * than once: two files (VSSTester's vssWritersBefore.txt and
 * vssWritersAfter.txt, TSS's _Start_ and _Stop_ files, two collections a
 * day apart), or two sections of one file (a collector's runs, each under
 * its header). Of the inputs of one kind and one computer (as the host pass
 * told them: it runs before) whose facts say latest, only the one taken
 * last keeps it, when the bundle tells the
 * order (core/taken.h: a section header's time, a time in the file or
 * archive name, Before/After or _Start_/_Stop_, a file's sections in file
 * order); the others' `latest` becomes "no". When the order cannot be
 * told, each keeps its own, as they were read. */
#include "combiners/combiners.h"
#include "core/alloc.h"
#include "core/taken.h"

#include <stdlib.h>
#include <string.h>

#define DAY_US (86400LL * 1000000)

typedef struct run {
    size_t input;
    kb_taken taken;
} run;

static int has_latest(const kb_factlist *facts, size_t input)
{
    for (size_t i = 0; i < facts->n; i++) {
        const char *v = facts->items[i]->input == input ? kb_fact_get(facts->items[i], "latest") : NULL;
        if (v && strcmp(v, "yes") == 0)
            return 1;
    }
    return 0;
}

/* The computer the host pass gave the input (its host.input fact's
 * `host`), or NULL when none: such an input is a group of its own. */
static const char *host_of(const kb_factlist *facts, size_t input)
{
    for (size_t i = 0; i < facts->n; i++)
        if (facts->items[i]->input == input && strcmp(facts->items[i]->type, "host.input") == 0)
            return kb_fact_get(facts->items[i], "host");
    return NULL;
}

static int same_group(const kb_input *a, const char *host_a, const kb_input *b, const char *host_b)
{
    return a->kind && b->kind && strcmp(a->kind, b->kind) == 0 && host_a && host_b && strcmp(host_a, host_b) == 0;
}

/* Sections of one file: the same name before their "#N". */
static int same_file(const kb_input *a, const kb_input *b)
{
    if (!a->section || !b->section)
        return 0;
    const char *ha = strrchr(a->path, '#'), *hb = strrchr(b->path, '#');
    return ha && hb && ha - a->path == hb - b->path && strncmp(a->path, b->path, (size_t)(ha - a->path)) == 0;
}

/* -1, 1: a was taken before, after b; 0: the bundle does not say. */
static int order(const kb_inputs *inputs, const run *a, const run *b)
{
    const kb_taken *x = &a->taken, *y = &b->taken;
    if (x->time != KB_TIME_NONE && y->time != KB_TIME_NONE) {
        int exact = x->has_time && y->has_time;
        int64_t d = x->time - y->time;
        if (exact ? d != 0 : (d >= DAY_US || d <= -DAY_US))
            return d < 0 ? -1 : 1;
    }
    if (x->phase && y->phase && x->phase != y->phase)
        return x->phase < y->phase ? -1 : 1;
    const kb_input *ia = &inputs->items[a->input], *ib = &inputs->items[b->input];
    if (same_file(ia, ib))
        return ia->section < ib->section ? -1 : 1;
    return 0;
}

static void demote(kb_factlist *facts, size_t input, int *failed)
{
    for (size_t i = 0; i < facts->n; i++) {
        kb_fact *f = facts->items[i];
        const char *v = f->input == input ? kb_fact_get(f, "latest") : NULL;
        if (v && strcmp(v, "yes") == 0 && kb_fact_set(f, "latest", "no") != 0)
            *failed = 1;
    }
}

/* The group's latest, or -1 when some pair cannot be ordered. */
static long latest_of(const kb_inputs *inputs, const run *runs, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++) {
        int o = order(inputs, &runs[i], &runs[best]);
        if (o == 0)
            return -1;
        if (o > 0)
            best = i;
    }
    for (size_t i = 0; i < n; i++)
        if (i != best && order(inputs, &runs[i], &runs[best]) >= 0)
            return -1;
    return (long)best;
}

static kb_status derive_latest(kb_combine_ctx *ctx)
{
    const kb_inputs *inputs = ctx->inputs;
    kb_taken_reader *reader = kb_taken_reader_new();
    if (!reader)
        return KB_ERR_NOMEM;
    unsigned char *done = kb_xcalloc(inputs->n + 1, 1);
    run *runs = kb_xcalloc(inputs->n + 1, sizeof *runs);
    int failed = 0;
    for (size_t i = 0; i < inputs->n; i++) {
        if (done[i] || !kb_input_is_content(&inputs->items[i]) || !has_latest(ctx->facts, i))
            continue;
        size_t n = 0;
        const char *host = host_of(ctx->facts, i);
        for (size_t j = i; j < inputs->n; j++)
            if (!done[j] && (j == i || same_group(&inputs->items[i], host, &inputs->items[j],
                                                  host_of(ctx->facts, j))) &&
                has_latest(ctx->facts, j)) {
                done[j] = 1;
                runs[n++] = (run){j, kb_taken_of(reader, &inputs->items[j])};
            }
        long best = n > 1 ? latest_of(inputs, runs, n) : -1;
        for (size_t k = 0; best >= 0 && k < n; k++)
            if ((long)k != best)
                demote(ctx->facts, runs[k].input, &failed);
    }
    free(runs);
    free(done);
    kb_taken_reader_free(reader);
    return failed ? KB_ERR_NOMEM : KB_OK;
}

const kb_combiner kb_combiner_latest = {
    .name = "latest",
    .run = derive_latest,
    .interest = NULL,
    .reads = NULL,
    .revises = "latest",
};
