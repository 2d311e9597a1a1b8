/* input.c: the list of inputs of one run (see input.h). */
#include "core/input.h"
#include "core/alloc.h"
#include "core/derived.h"
#include "core/fact.h"
#include "core/strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

long kb_inputs_add(kb_inputs *l, const char *path)
{
    l->items = kb_grow(l->items, &l->cap, l->n + 1, sizeof *l->items, 16);
    kb_input *in = &l->items[l->n];
    memset(in, 0, sizeof *in);
    in->path = kb_strdup(path);
    if (!in->path)
        return -1;
    const char *slash = strrchr(in->path, '/');
    in->name_at = slash ? (size_t)(slash - in->path) + 1 : 0;
    in->name_len = strlen(in->path) - in->name_at;
    in->first_time = in->last_time = in->stamped = KB_TIME_NONE;
    return (long)l->n++;
}

void kb_input_clear(kb_input *in)
{
    free(in->path);
    free(in->kind);
    free(in->encoding);
    free(in->locale);
    free(in->message);
    for (size_t i = 0; i < in->nnotes; i++) {
        free(in->notes[i].where);
        free(in->notes[i].message);
    }
    free(in->notes);
    for (size_t i = 0; i < in->nfeeds; i++)
        free(in->feeds[i]);
    free(in->computer);
    free(in->channel);
    if (in->reduced && in->reduced_free)
        in->reduced_free(in->reduced);
    free(in->local_error);
    memset(in, 0, sizeof *in);
    in->first_time = in->last_time = in->stamped = KB_TIME_NONE;
}

void kb_inputs_free(kb_inputs *l)
{
    for (size_t i = 0; i < l->n; i++)
        kb_input_clear(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

static int replace(char **slot, const char *value)
{
    char *copy = kb_strdup(value);
    if (value && !copy)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

int kb_input_set_kind(kb_input *in, const char *kind) { return replace(&in->kind, kind); }

int kb_input_set_source(kb_input *in, const char *kind, kb_coverage_class covers, const kb_count_decl *counts)
{
    in->covers = covers;
    in->count_decls = counts;
    in->ncounts = 0;
    while (counts && counts[in->ncounts].name && in->ncounts < KB_MAX_COUNTS)
        in->counts[in->ncounts++] = 0;
    return kb_input_set_kind(in, kind);
}

uint64_t kb_input_count(const kb_input *in, const char *name)
{
    for (size_t i = 0; i < in->ncounts; i++)
        if (strcmp(in->count_decls[i].name, name) == 0)
            return in->counts[i];
    return 0;
}

size_t kb_input_shown_counts(const kb_input *in, kb_count_view view, size_t *out)
{
    size_t n = 0;
    for (int place = 1; place <= KB_MAX_COUNTS; place++)
        for (size_t i = 0; i < in->ncounts; i++)
            if ((view == KB_COUNTS_TEXT ? in->count_decls[i].text : in->count_decls[i].html) == place)
                out[n++] = i;
    return n;
}
int kb_input_set_encoding(kb_input *in, const char *e) { return replace(&in->encoding, e); }
int kb_input_set_locale(kb_input *in, const char *l) { return replace(&in->locale, l); }

/* A feed ending in ":*" (a damaged log of unknown channel) stands for
 * every feed of its family. */
static int feed_matches(const char *have, const char *want)
{
    size_t n = strlen(have);
    if (n >= 2 && strcmp(have + n - 2, ":*") == 0)
        return strncmp(have, want, n - 1) == 0;
    return strcmp(have, want) == 0;
}

int kb_input_has_feed(const kb_input *in, const char *feed)
{
    if (strcmp(feed, KB_FEED_DERIVED) == 0)
        return kb_input_is_content(in);
    for (size_t i = 0; i < in->nfeeds; i++)
        if (feed_matches(in->feeds[i], feed))
            return 1;
    return 0;
}

const char *kb_input_base_name(const kb_input *in, size_t *len)
{
    size_t n = in->path ? strlen(in->path) : 0;
    size_t at = in->name_at <= n ? in->name_at : n;
    *len = in->name_len <= n - at ? in->name_len : n - at;
    return in->path ? in->path + at : "";
}

int kb_input_is_content(const kb_input *in)
{
    return in->kind != NULL && in->covers != KB_COVERS_NOTHING;
}

/* The coverage class of an input, as its source declares it. */
int kb_input_is_log(const kb_input *in)
{
    return in->covers == KB_COVERS_EVENTS;
}

int kb_input_add_feed(kb_input *in, const char *feed)
{
    if (kb_input_has_feed(in, feed))
        return 0;
    if (in->nfeeds == KB_MAX_FEEDS)
        return -1;
    in->feeds[in->nfeeds] = kb_strdup(feed);
    if (!in->feeds[in->nfeeds])
        return -1;
    in->nfeeds++;
    return 0;
}

void kb_input_note(kb_input *in, const char *where, const char *fmt, ...)
{
    if (in->nnotes >= KB_MAX_NOTES) {
        in->notes_dropped++;
        return;
    }
    kb_note *p = in->notes = kb_xrealloc(in->notes, (in->nnotes + 1) * sizeof *p);
    kb_buf b = KB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    p[in->nnotes].where = kb_strdup(where);
    p[in->nnotes].message = kb_buf_take(&b);
    in->nnotes++;
}

void kb_input_fail(kb_input *in, kb_input_state state, const char *fmt, ...)
{
    /* ERROR outranks DAMAGED outranks the rest; the first message of the
     * worst state is the summary. */
    int rank_new = state == KB_INPUT_ERROR ? 3 : state == KB_INPUT_DAMAGED ? 2 : 1;
    int rank_old = in->state == KB_INPUT_ERROR ? 3 : in->state == KB_INPUT_DAMAGED ? 2 : 1;
    if (in->message && rank_new <= rank_old)
        return;
    kb_buf b = KB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    free(in->message);
    in->message = kb_buf_take(&b);
    if (rank_new >= rank_old)
        in->state = state;
}

void kb_input_fail_local(kb_input *in, const char *what, int err)
{
    const char *why = strerror(err);
    kb_input_fail(in, KB_INPUT_ERROR, "%s: %s", what, why);
    free(in->local_error);
    in->local_error = kb_strdup(why);
}

void kb_input_saw_time(kb_input *in, int64_t t)
{
    if (t == KB_TIME_NONE)
        return;
    if (in->first_time == KB_TIME_NONE || t < in->first_time)
        in->first_time = t;
    if (in->last_time == KB_TIME_NONE || t > in->last_time)
        in->last_time = t;
}

const char *kb_input_state_name(kb_input_state s)
{
    switch (s) {
    case KB_INPUT_OK: return "ok";
    case KB_INPUT_DAMAGED: return "damaged";
    case KB_INPUT_ERROR: return "error";
    case KB_INPUT_UNRECOGNISED: return "not_recognised";
    case KB_INPUT_SKIPPED: return "skipped";
    }
    return "error";
}
