/* text.c: a text input (see scan_internal.h): bytes that are not text
 * before it skipped and named, decoded (run by run when its encoding
 * changes part-way, text/runs.h), and read by the surest text source; a
 * file holding several command outputs (text/sections.h) becomes a
 * container whose sections are inputs of their own ("file.txt#2"), each
 * read by its parser, their facts and notes numbered as the file's lines. */
#include "scan/scan_internal.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "text/garbage.h"
#include "text/lines.h"
#include "text/mixed.h"
#include "text/sections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How a text was read: its lines, and what they were decoded from. */
typedef struct text_read {
    kb_mixed_text whole;       /* every line of the file */
    char encoding[256];        /* of the whole file */
    const char *why;           /* why the encoding is assumed, or "" */
    int assumed;
} text_read;

/* Padding trimmed is told; damaged places (decoded as U+FFFD) make the
 * input damaged, so that no rule reads an absence in it as an answer. */
static void note_text_damage(kb_input *in, const kb_text *text, int recognised)
{
    if (text->nul_padding)
        kb_input_note(in, NULL, "%zu NUL byte(s) of padding at the end (from offset %zu) ignored",
                      text->nul_padding, text->nul_padding_at);
    if (!text->nflaws_total)
        return;
    const char *first = text->nflaws ? text->flaws[0].what : "damaged text";
    char more[48] = "";
    if (text->nflaws_total > 1)
        snprintf(more, sizeof more, " (and %zu more place(s))", text->nflaws_total - 1);
    kb_input_fail(in, KB_INPUT_DAMAGED, "%sdamaged text, read around the damage: %s%s",
                  recognised ? "" : "text that no parser recognises, ", first, more);
    for (size_t i = 0; i < text->nflaws; i++) {
        char where[48];
        snprintf(where, sizeof where, "line %zu", text->flaws[i].line);
        kb_input_note(in, where, "%s", text->flaws[i].what);
    }
    in->notes_dropped += text->nflaws_total - text->nflaws;
}

/* Facts read from lines with a damaged place are marked: the engine does
 * not take them as an answer. Past KB_TEXT_MAX_FLAWS places, where the
 * rest are is not known: every fact after the last known one is marked. */
static void mark_damaged_facts(const kb_text *text, kb_factlist *facts, size_t from)
{
    size_t beyond = text->nflaws < text->nflaws_total && text->nflaws ? text->flaws[text->nflaws - 1].line : 0;
    for (size_t i = from; i < facts->n; i++) {
        kb_fact *f = facts->items[i];
        if (!f->line)
            continue;
        size_t end = f->line_end ? f->line_end : f->line;
        for (size_t k = 0; k < text->nflaws && !f->damaged; k++)
            f->damaged = text->flaws[k].line >= f->line && text->flaws[k].line <= end;
        if (beyond && end >= beyond)
            f->damaged = 1;
    }
}

static kb_parse_ctx parse_ctx(const scan_state *st, const scan_target *t)
{
    kb_parse_ctx ctx = {
        .input = t->in, .input_index = t->index, .facts = t->facts, .interest = st->opts->interest,
        .since = st->opts->since, .until = st->opts->until, .no_prefilter = st->opts->no_prefilter,
        .threads = st->threads_per_file, .containers = &st->containers, .keep = st->opts->keep_fact,
        .keep_arg = st->opts->keep_arg, .kept_upto = t->facts->n,
    };
    return ctx;
}

/* Reads one text (a file, or a section of one) with its parser. */
static void read_with(const scan_state *st, scan_job *job, const scan_target *t, const kb_text *text,
                      const kb_source *parser, const char *locale)
{
    kb_input *in = t->in;
    if (locale)
        kb_input_set_locale(in, locale);
    in->lines = text->nlines;
    if (!parser && !text->nflaws_total) {
        in->state = KB_INPUT_UNRECOGNISED;
        if (!in->message)
            in->message = kb_strdup("text that no parser recognises");
        return;
    }
    note_text_damage(in, text, parser != NULL);
    if (!parser)
        return;
    kb_input_set_source(in, parser->kind, parser->covers, parser->counts);
    in->label = parser->label;
    size_t n;
    if (!kb_source_feed_prefix(parser, &n)) /* a computed feed ("eventlog:<Channel>"): the parser adds it */
        kb_input_add_feed(in, parser->feed);
    kb_parse_ctx ctx = parse_ctx(st, t);
    size_t from = t->facts->n;
    kb_status rc = parser->parse(text, &ctx);
    kb_keep_settle(&ctx);
    if (text->nflaws_total)
        mark_damaged_facts(text, t->facts, from);
    if (rc == KB_ERR_NOMEM)
        job->nomem = 1;
    else if (rc != KB_OK && in->state == KB_INPUT_OK)
        kb_input_fail(in, KB_INPUT_ERROR, "%s", kb_status_name(rc));
}

/* ---- sections ---------------------------------------------------------------------- */

/* A section's facts and notes are numbered as the file's lines. */
static void renumber(kb_input *in, kb_factlist *facts, size_t from, size_t offset)
{
    for (size_t i = from; i < facts->n; i++) {
        kb_fact *f = facts->items[i];
        if (f->line) {
            f->line += (uint32_t)offset;
            f->line_end += (uint32_t)offset;
        }
    }
    for (size_t i = 0; i < in->nnotes; i++) {
        unsigned long line;
        char *where = in->notes[i].where;
        if (where && sscanf(where, "line %lu", &line) == 1) {
            free(where);
            in->notes[i].where = kb_strprintf("line %lu", line + (unsigned long)offset);
        }
    }
}

/* The parser of a section: among the sources that declare the command its
 * header names, the surest (none of them recognising it makes it "not
 * recognised": it is not the output its header says); when no source
 * declares the command, the surest for its text, as for any text. */
static const kb_source *section_parser(const kb_section *s, const kb_text *view, const char **locale,
                                       kb_input *in)
{
    if (!s->command) {
        *locale = s->locale;
        return s->parser;
    }
    int declared;
    const kb_source *p = kb_source_of_command(s->command, view, locale, &declared);
    if (!p && !declared)
        kb_text_judge(view, &p, locale);
    if (!p)
        in->message = kb_strprintf(declared ? "not readable as the output of `%s` its header names"
                                            : "the output of `%s`, which kbscan does not read",
                                   s->command);
    return p;
}

static void read_section(const scan_state *st, scan_job *job, const scan_target *file, const text_read *r,
                         const kb_section *s, size_t index, size_t count)
{
    char *name = kb_strprintf("%s#%zu", file->in->path, index + 1);
    scan_part *part = kb_scan_new_part(job, file->part, name, NULL);
    free(name);
    kb_input *in = &part->in;
    in->name_at = file->in->name_at;
    in->name_len = file->in->name_len;
    in->section = (unsigned)(index + 1);
    in->stamped = s->stamped;
    char encoding[256];
    kb_mixed_encoding(&r->whole, s->first, s->last, encoding, sizeof encoding);
    kb_input_set_encoding(in, encoding);
    kb_text view;
    /* The header's lines are part of the section: parsers that know
     * collectors' headers read the command from them. */
    size_t body = s->first;
    kb_text_view(&r->whole.text, body, s->last, &view);
    const char *locale = NULL;
    const kb_source *parser = section_parser(s, &view, &locale, in);
    scan_target t = {.in = in, .facts = &part->facts, .index = 0, .part = kb_scan_part_index(job, part),
                     .depth = file->depth};
    read_with(st, job, &t, &view, parser, locale);
    renumber(in, &part->facts, 0, body);
    char where[48];
    snprintf(where, sizeof where, "lines %zu-%zu", s->first + 1, s->last);
    if (s->command)
        kb_input_note(in, where, "section %zu of %zu: `%s`, as the %s header above it says", index + 1, count,
                      s->command, s->header);
    else
        kb_input_note(in, where, "section %zu of %zu", index + 1, count);
    kb_text_view_free(&view);
}

/* ---- any text ---------------------------------------------------------------------- */

static int decode(const unsigned char *data, size_t len, size_t base, text_read *r, kb_input *in)
{
    kb_text_run runs[KB_TEXT_MAX_RUNS];
    int capped;
    size_t nruns = kb_text_runs(data, len, runs, KB_TEXT_MAX_RUNS, &capped);
    char err[256];
    if (kb_mixed_read(data, len, base, runs, nruns, &r->whole, err, sizeof err) != KB_OK) {
        kb_input_fail(in, KB_INPUT_ERROR, "cannot decode the text: %s", err);
        return -1;
    }
    kb_mixed_summary(&r->whole, r->encoding, sizeof r->encoding);
    r->assumed = r->whole.nruns == 1 && r->whole.runs[0].assumed;
    r->why = r->whole.nruns ? r->whole.runs[0].why : "";
    if (r->whole.nruns > 1)
        kb_input_note(in, NULL, "the encoding changes %zu times (parts appended by other programs): each "
                      "part is decoded on its own", r->whole.nruns - 1);
    if (capped)
        kb_input_note(in, NULL, "the encoding changes more than %d times: the rest of the file is decoded as "
                      "its last part (the limit of parts)", KB_TEXT_MAX_RUNS - 1);
    return 0;
}

void kb_scan_text(const scan_state *st, scan_job *job, const scan_target *t, const unsigned char *data, size_t len)
{
    kb_input *in = t->in;
    int binary;
    size_t skip = kb_text_garbage(data, len, &binary);
    if (binary) {
        in->state = KB_INPUT_UNRECOGNISED;
        in->message = kb_strdup("binary data of a kind kbscan does not read");
        return;
    }
    text_read r = {0};
    if (decode(data + skip, len - skip, skip, &r, in) != 0)
        return;
    kb_input_set_encoding(in, r.encoding);
    const kb_text *text = &r.whole.text;
    size_t *run_lines = kb_xcalloc(r.whole.nruns + 1, sizeof *run_lines);
    for (size_t i = 0; i < r.whole.nruns; i++)
        run_lines[i] = r.whole.runs[i].first_line;
    kb_section *sections = NULL;
    int too_many;
    size_t n = kb_text_sections(text, run_lines, r.whole.nruns, &sections, &too_many);
    free(run_lines);
    if (too_many)
        kb_input_note(in, NULL, "more than %d command outputs in one file (the limit of sections): read whole, "
                      "as one output", KB_TEXT_MAX_SECTIONS);
    if (n >= 2) {
        kb_input_set_source(in, KB_TEXT_SECTIONS_KIND, KB_COVERS_NOTHING, kb_text_sections_counts);
        in->label = "file of several command outputs";
        in->counts[0] = n;
        in->lines = text->nlines;
        for (size_t i = 0; i < n; i++)
            read_section(st, job, t, &r, &sections[i], i, n);
    } else {
        const kb_source *parser = r.whole.nruns == 1 ? r.whole.runs[0].parser : NULL;
        const char *locale = r.whole.nruns == 1 ? r.whole.runs[0].locale : NULL;
        if (r.whole.nruns != 1)
            kb_text_judge(text, &parser, &locale);
        if (skip && !parser) { /* junk, then text no parser knows: binary all the same */
            kb_input_set_encoding(in, NULL);
            in->state = KB_INPUT_UNRECOGNISED;
            in->message = kb_strdup("binary data of a kind kbscan does not read");
            kb_sections_free(sections, n);
            kb_mixed_free(&r.whole);
            return;
        }
        read_with(st, job, t, text, parser, locale);
        if (r.assumed && parser)
            kb_input_note(in, NULL, "encoding %s assumed: %s", text->encoding, r.why);
    }
    if (skip) {
        kb_input_note(in, "offset 0", "%zu byte(s) that are not text before the text (offsets 0 to %zu): skipped",
                      skip, skip - 1);
        kb_input_fail(in, KB_INPUT_DAMAGED, "%zu byte(s) that are not text before the text, skipped", skip);
    }
    kb_sections_free(sections, n);
    kb_mixed_free(&r.whole);
}
