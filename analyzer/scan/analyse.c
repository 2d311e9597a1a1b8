/* analyse.c: one input recognised by its content and handed to its source
 * (see scan_internal.h): a binary source by its first bytes, an archive's
 * members as inputs of their own, a source that knows its files by where
 * they lie, else, within the text size limit, the text source surest of
 * the decoded text. Works on any handle: a file of the walk, an archive
 * member in memory or in a temporary file; text goes to text.c. */
#include "scan/scan_internal.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "text/lines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static kb_parse_ctx parse_ctx(const scan_state *st, size_t slot, const scan_target *t, int isolated)
{
    kb_parse_ctx ctx = {
        .input = t->in,
        .input_index = t->index,
        .facts = t->facts,
        .interest = st->opts->interest,
        .since = st->opts->since,
        .until = st->opts->until,
        .no_prefilter = st->opts->no_prefilter,
        .threads = st->threads_per_file,
        .stage = NULL,
        .workers = isolated ? st->pool : NULL,
        .worker_slot = slot,
        .containers = &st->containers,
        .keep = st->opts->keep_fact,
        .keep_arg = st->opts->keep_arg,
        .kept_upto = t->facts->n,
        .sink = st->opts->sink,
    };
    return ctx;
}

/* The source surest of the first bytes (binary or container), or NULL. */
static const kb_source *sniff_head(const unsigned char *head, size_t len)
{
    const kb_source *best = NULL;
    int best_score = 0;
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        int score = (*s)->form != KB_FORM_TEXT && (*s)->sniff_head ? (*s)->sniff_head(head, len) : 0;
        if (score > best_score) {
            best = *s;
            best_score = score;
        }
    }
    return best;
}

/* The binary source surest of what lies past the first bytes, or NULL. */
static const kb_source *sniff_deep(const kb_input_handle *h)
{
    const kb_source *best = NULL;
    int best_score = 0;
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        int score = (*s)->form == KB_FORM_BINARY && (*s)->sniff_deep ? (*s)->sniff_deep(h) : 0;
        if (score > best_score) {
            best = *s;
            best_score = score;
        }
    }
    return best;
}

/* The source that knows the input by where it lies, or NULL. */
static const kb_source *sniff_place(const kb_input *in)
{
    for (const kb_source *const *s = kb_sources(); *s; s++)
        if ((*s)->sniff_place && (*s)->sniff_place(in->path, in->name_at) > 0)
            return *s;
    return NULL;
}

/* ---- archives ------------------------------------------------------------------- */

typedef struct member_visit {
    const scan_state *st;
    size_t slot;
    scan_job *job;
    const scan_target *container;
    char why[128];        /* why plan_member skips a member */
} member_visit;

/* How much of a member to read: what its first bytes say it is needs. */
static uint64_t plan_member(void *arg, const kb_member_head *head, const char **why)
{
    member_visit *v = arg;
    const kb_scan_opts *o = v->st->opts;
    const kb_container_limits *l = &v->st->containers.limits;
    const kb_source *src = sniff_head(head->bytes, head->len < KB_SNIFF_BYTES ? head->len : KB_SNIFF_BYTES);
    if (src) {
        if (head->size != KB_MEMBER_SIZE_UNKNOWN && head->size > l->max_member) {
            snprintf(v->why, sizeof v->why, "larger than the limit of %llu MiB for an archive member; not read",
                     (unsigned long long)(l->max_member >> 20));
            *why = v->why;
            return 0;
        }
        return l->max_member;
    }
    if (head->size != KB_MEMBER_SIZE_UNKNOWN && head->size > o->max_text_bytes) {
        snprintf(v->why, sizeof v->why, "larger than the text file limit (%zu MiB); not read", o->max_text_bytes >> 20);
        *why = v->why;
        return 0;
    }
    /* One byte past the limit says that it is past it. */
    return (uint64_t)o->max_text_bytes + 1;
}

/* Where its base name starts in a member's shown name. */
static void name_member(kb_input *in, size_t prefix, const char *name)
{
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    in->name_at = prefix + (size_t)(base - name);
    in->name_len = strlen(base);
}

static void visit_member(void *arg, const kb_member *m)
{
    const member_visit *v = arg;
    char *shown = kb_strprintf("%s!%s", v->container->in->path, m->name);
    scan_part *part = kb_scan_new_part(v->job, v->container->part, shown, m->sort_name);
    name_member(&part->in, strlen(v->container->in->path) + 1, m->name);
    free(shown);
    kb_input *in = &part->in;
    in->bytes = m->size;
    if (m->name_note)
        kb_input_note(in, NULL, "%s", m->name_note);
    size_t seen = atomic_fetch_add((atomic_size_t *)&v->st->files, 1);
    if (seen >= v->st->opts->max_files) {
        in->state = KB_INPUT_SKIPPED;
        in->message = kb_strdup("file limit reached: this and further files not read");
        return;
    }
    if (m->handle) {
        scan_target t = {.in = in, .facts = &part->facts, .index = 0,
                         .part = kb_scan_part_index(v->job, part), .depth = v->container->depth + 1};
        kb_scan_analyse(v->st, v->slot, v->job, &t, m->handle);
    }
    if (m->state != KB_INPUT_OK)
        kb_input_fail(in, m->state, "%s", m->message ? m->message : kb_input_state_name(m->state));
}

static void analyse_container(const scan_state *st, size_t slot, scan_job *job, const scan_target *t,
                              const kb_source *src, const kb_input_handle *h)
{
    kb_input *in = t->in;
    kb_input_set_source(in, src->kind, src->covers, src->counts);
    in->label = src->label;
    if (t->depth >= st->containers.limits.max_depth) {
        in->state = KB_INPUT_SKIPPED;
        in->message = kb_strprintf("an archive inside %u archives: deeper than the nesting limit; not read",
                                   t->depth);
        return;
    }
    member_visit v = {st, slot, job, t, ""};
    kb_member_visitor visit = {.arg = &v, .plan = plan_member, .member = visit_member};
    kb_parse_ctx ctx = parse_ctx(st, slot, t, 0);
    if (src->members(h, &ctx, &visit) == KB_ERR_NOMEM)
        job->nomem = 1;
}

/* ---- any input ------------------------------------------------------------------ */

void kb_scan_analyse(const scan_state *st, size_t slot, scan_job *job, const scan_target *t,
                     const kb_input_handle *h)
{
    kb_input *in = t->in;
    unsigned char head[KB_SNIFF_BYTES];
    size_t got = kb_handle_head(h, head, sizeof head);
    const kb_source *src = sniff_head(head, got);
    if (src && src->form == KB_FORM_CONTAINER) {
        analyse_container(st, slot, job, t, src, h);
        return;
    }
    if (!src)
        src = sniff_deep(h);
    if (!src)
        src = sniff_place(in);
    if (src) {
        kb_input_set_source(in, src->kind, src->covers, src->counts);
        in->label = src->label;
        if (!src->parse_input)
            return; /* known by its place: listed, nothing to read */
        kb_parse_ctx ctx = parse_ctx(st, slot, t, src->isolated);
        if (src->parse_input(h, &ctx) == KB_ERR_NOMEM)
            job->nomem = 1;
        kb_keep_settle(&ctx);
        return;
    }
    if (h->size == 0) {
        in->state = KB_INPUT_UNRECOGNISED;
        in->message = kb_strdup("empty file");
        return;
    }
    if (h->size > st->opts->max_text_bytes) {
        in->state = KB_INPUT_SKIPPED;
        in->message = kb_strprintf("larger than the text file limit (%zu MiB); not read",
                                   st->opts->max_text_bytes >> 20);
        return;
    }
    size_t len = 0;
    unsigned char *copy = NULL;
    errno = 0;
    const unsigned char *data = kb_handle_bytes(h, &len, &copy);
    if (!data) {
        job->nomem = 1;
        return;
    }
    /* A short read is this machine's I/O error (or the file shrank while
     * it was read), never text that ends early. */
    if (len < h->size) {
        kb_input_fail_local(in, "cannot read", errno ? errno : EIO);
        free(copy);
        return;
    }
    kb_scan_text(st, job, t, data, len);
    free(copy);
}
