/* case_facts.c: prints what kbscan reads in one saved command output, in
 * the text form of the parser cases (tests/cases/README.md): the input as
 * the report lists it, then every fact with its lines and fields.
 *
 *   case-facts KIND FILE
 *
 * FILE is read as `kbscan FILE` reads it (kb_scan: the decoding, the choice
 * of the surest parser, the parse, the damage marking); KIND is the parser
 * the case is for (its folder), whose sniff() score is printed too, or
 * "none" for an output no parser may read (the best score of all then).
 * KIND "sections" is for files holding several outputs (text/sections.h):
 * the file and then each section are printed, each with its facts.
 * tests/cases/cases.sh compares the output with FILE's .facts file. */
#include "scan/scan.h"
#include "core/strbuf.h"
#include "source/source.h"
#include "text/mixed.h"
#include "text/sections.h"
#include "text/lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- values ------------------------------------------------------------------ */

/* 1 when s holds something a plain line would hide or garble. */
static int needs_quotes(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || s[0] == ' ' || s[0] == '\t' || s[0] == '"' || s[n - 1] == ' ' || s[n - 1] == '\t')
        return 1;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len = kb_utf8_valid_len(u + i, n - i);
        if (len == 0 || kb_char_invisible(kb_utf8_code_point(u + i, len)))
            return 1;
        i += len;
    }
    return 0;
}

/* s in double quotes: \" \\ \n \r \t, other invisible characters as
 * \u{XXXX}, bytes that are not UTF-8 as \xNN. */
static void put_quoted(kb_buf *b, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    kb_buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        size_t len = kb_utf8_valid_len(u + i, n - i);
        if (len == 0) {
            kb_buf_printf(b, "\\x%02X", u[i++]);
            continue;
        }
        uint32_t cp = kb_utf8_code_point(u + i, len);
        if (cp == '"' || cp == '\\')
            kb_buf_printf(b, "\\%c", (char)cp);
        else if (cp == '\n')
            kb_buf_puts(b, "\\n");
        else if (cp == '\r')
            kb_buf_puts(b, "\\r");
        else if (cp == '\t')
            kb_buf_puts(b, "\\t");
        else if (kb_char_invisible(cp))
            kb_buf_printf(b, "\\u{%04X}", (unsigned)cp);
        else
            kb_buf_append(b, s + i, len);
        i += len;
    }
    kb_buf_putc(b, '"');
}

/* "  name: value"; a value of several lines as a block of "    | " lines. */
static void put_value(kb_buf *b, const char *indent, const char *name, const char *value)
{
    kb_buf_printf(b, "%s%s:", indent, name);
    if (!value) {
        kb_buf_puts(b, " none\n");
        return;
    }
    if (!strchr(value, '\n')) {
        kb_buf_putc(b, ' ');
        if (needs_quotes(value))
            put_quoted(b, value);
        else
            kb_buf_puts(b, value);
        kb_buf_putc(b, '\n');
        return;
    }
    kb_buf_putc(b, '\n');
    for (const char *line = value; line;) {
        const char *end = strchr(line, '\n');
        char *one = kb_strndup(line, end ? (size_t)(end - line) : strlen(line));
        char *shown = kb_text_visible(one);
        kb_buf_printf(b, "%s  | %s\n", indent, shown ? shown : "");
        free(shown);
        free(one);
        line = end ? end + 1 : NULL;
    }
}

/* ---- the input ------------------------------------------------------------------ */

static void put_time_range(kb_buf *b, int64_t first, int64_t last)
{
    char a[40], z[40];
    kb_time_format(first, a, sizeof a);
    kb_time_format(last, z, sizeof z);
    kb_buf_printf(b, "times: %s .. %s\n", a, z);
}

static void put_input(kb_buf *b, const kb_input *in, const char *kind, int score)
{
    kb_buf_printf(b, "kind: %s\n", in->kind ? in->kind : "none");
    kb_buf_printf(b, "sniff: %s %d\n", kind, score);
    put_value(b, "", "encoding", in->encoding);
    kb_buf_printf(b, "locale: %s\n", in->locale ? in->locale : "none");
    if (in->state != KB_INPUT_OK) {
        kb_buf_printf(b, "state: %s\n", kb_input_state_name(in->state));
        put_value(b, "", "message", in->message);
    }
    /* The feeds, when they are not just the source's own (a vssadmin file
     * of several sub-commands feeds each). */
    const kb_source *src = in->kind ? kb_source_of_kind(in->kind) : NULL;
    if (in->nfeeds > 1 || (in->nfeeds == 1 && (!src || strcmp(in->feeds[0], src->feed) != 0))) {
        kb_buf_puts(b, "feeds:");
        for (size_t i = 0; i < in->nfeeds; i++)
            kb_buf_printf(b, "%s %s", i ? "," : "", in->feeds[i]);
        kb_buf_putc(b, '\n');
    }
    if (in->computer)
        put_value(b, "", "computer", in->computer);
    if (in->first_time != KB_TIME_NONE || in->last_time != KB_TIME_NONE)
        put_time_range(b, in->first_time, in->last_time);
    if (in->stamped != KB_TIME_NONE) {
        char t[40];
        kb_time_format(in->stamped, t, sizeof t);
        kb_buf_printf(b, "stamped: %s\n", t);
    }
    kb_buf_printf(b, "lines: %llu\n", (unsigned long long)in->lines);
    kb_buf_printf(b, "facts: %llu\n", (unsigned long long)in->facts);
    for (size_t i = 0; i < in->nnotes; i++) {
        kb_buf b2 = KB_BUF_INIT;
        if (in->notes[i].where)
            kb_buf_printf(&b2, "%s: ", in->notes[i].where);
        kb_buf_puts(&b2, in->notes[i].message);
        put_value(b, "", "note", kb_buf_str(&b2));
        kb_buf_free(&b2);
    }
    if (in->notes_dropped)
        kb_buf_printf(b, "notes dropped: %zu\n", in->notes_dropped);
}

/* ---- the facts --------------------------------------------------------------------- */

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* text, before and after are shown only where they are not the fact's
 * lines and the KB_CONTEXT_LINES lines around them. */
static void put_evidence(kb_buf *b, const kb_fact *f, const kb_text *text)
{
    char *text_lines = NULL, *before = NULL, *after = NULL;
    if (f->line) {
        size_t first = f->line, last = f->line_end ? f->line_end : f->line;
        text_lines = kb_text_join_lines(text, first, last);
        if (first > 1)
            before = kb_text_join_lines(text, first > KB_CONTEXT_LINES ? first - KB_CONTEXT_LINES : 1, first - 1);
        after = kb_text_join_lines(text, last + 1, last + KB_CONTEXT_LINES);
    }
    if (!same(f->text, text_lines))
        put_value(b, "  ", "text", f->text);
    if (!same(f->before, before))
        put_value(b, "  ", "before", f->before);
    if (!same(f->after, after))
        put_value(b, "  ", "after", f->after);
    free(text_lines);
    free(before);
    free(after);
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const kb_field *const *)a)->name, (*(const kb_field *const *)b)->name);
}

static void put_fact(kb_buf *b, const kb_fact *f, const kb_text *text)
{
    kb_buf_printf(b, "\nfact %s:", f->type);
    if (f->line && f->line_end > f->line)
        kb_buf_printf(b, " lines %u-%u", (unsigned)f->line, (unsigned)f->line_end);
    else if (f->line)
        kb_buf_printf(b, " line %u", (unsigned)f->line);
    if (f->record)
        kb_buf_printf(b, " record %llu", (unsigned long long)f->record);
    if (f->time != KB_TIME_NONE) {
        char t[40];
        kb_time_format(f->time, t, sizeof t);
        kb_buf_printf(b, " at %s", t);
    }
    if (f->damaged)
        kb_buf_puts(b, " damaged");
    if (f->recovered)
        kb_buf_puts(b, " recovered");
    kb_buf_putc(b, '\n');
    /* Sorted by name: a parser that sets its fields in another order
     * produces the same facts. */
    const kb_field **sorted = calloc(f->nfields + 1, sizeof *sorted);
    for (size_t i = 0; i < f->nfields && sorted; i++)
        sorted[i] = &f->fields[i];
    if (sorted)
        qsort(sorted, f->nfields, sizeof *sorted, by_name);
    for (size_t i = 0; i < f->nfields && sorted; i++)
        put_value(b, "  ", sorted[i]->name, sorted[i]->value);
    free(sorted);
    put_evidence(b, f, text);
}

/* ---- main -------------------------------------------------------------------------- */

/* The source of a kind (text or binary), or NULL. */
static const kb_source *parser_of(const char *kind)
{
    const kb_source *src = kb_source_of_kind(kind);
    return src && (src->form == KB_FORM_TEXT || src->form == KB_FORM_BINARY) ? src : NULL;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    kb_buf b = KB_BUF_INIT;
    char chunk[65536];
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
    return (unsigned char *)kb_buf_take(&b);
}

/* The text as the scan decodes it (run by run when the encoding changes),
 * for the sniff score and the lines evidence is compared with. */
static int decode(const unsigned char *bytes, size_t len, kb_mixed_text *m)
{
    kb_text_run runs[KB_TEXT_MAX_RUNS];
    int capped;
    size_t n = kb_text_runs(bytes, len, runs, KB_TEXT_MAX_RUNS, &capped);
    char err[256];
    return kb_mixed_read(bytes, len, 0, runs, n, m, err, sizeof err) == KB_OK;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: case-facts KIND FILE\n", stderr);
        return 2;
    }
    /* "none": an output no source reads (tests/cases/none/); "sections": a
     * file of several outputs, read by the parsers of its sections. */
    int none = strcmp(argv[1], "none") == 0;
    int split = strcmp(argv[1], KB_TEXT_SECTIONS_KIND) == 0;
    const kb_source *parser = none || split ? NULL : parser_of(argv[1]);
    if (!parser && !none && !split) {
        fprintf(stderr, "case-facts: no parser of kind %s\n", argv[1]);
        return 2;
    }
    size_t len = 0;
    unsigned char *bytes = slurp(argv[2], &len);
    if (!bytes) {
        fprintf(stderr, "case-facts: cannot read %s\n", argv[2]);
        return 2;
    }
    kb_mixed_text mixed;
    int decoded = decode(bytes, len, &mixed);
    kb_text empty = {0};
    const kb_text *text = decoded ? &mixed.text : &empty;
    int score = 0;
    if (parser && parser->form != KB_FORM_TEXT)
        score = parser->sniff_head(bytes, len < KB_SNIFF_BYTES ? len : KB_SNIFF_BYTES);
    else if (parser)
        score = decoded ? parser->sniff(text) : 0;
    for (const kb_source *const *s = kb_sources(); none && decoded && *s; s++)
        if ((*s)->form == KB_FORM_TEXT && (*s)->sniff(text) > score)
            score = (*s)->sniff(text); /* the surest of all, for an output none should read */
    free(bytes);

    /* Every event: the cases show what a parser reads, whatever the rules want. */
    kb_interest interest = {.want_all = 1};
    kb_scan_opts opts;
    kb_scan_opts_init(&opts);
    opts.interest = &interest;
    opts.jobs = 1;
    const char *paths[] = {argv[2]};
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    int status = 0;
    if (kb_scan(paths, 1, &opts, &inputs, &facts) != KB_OK || (!split && inputs.n != 1) || inputs.n == 0) {
        fprintf(stderr, "case-facts: %s: the scan failed (%zu inputs)\n", argv[2], inputs.n);
        status = 2;
    } else {
        kb_buf out = KB_BUF_INIT;
        for (size_t k = 0; k < inputs.n; k++) {
            if (split)
                kb_buf_printf(&out, "%sinput %s\n", k ? "\n" : "",
                              k ? inputs.items[k].path + strlen(argv[2]) : "(the file)");
            put_input(&out, &inputs.items[k], split ? KB_TEXT_SECTIONS_KIND : parser ? parser->kind : "none",
                      split ? (int)inputs.items[0].counts[0] : score);
            for (size_t i = 0; i < facts.n; i++)
                if (facts.items[i]->input == k)
                    put_fact(&out, facts.items[i], text);
        }
        fputs(kb_buf_str(&out), stdout);
        kb_buf_free(&out);
    }
    if (decoded)
        kb_mixed_free(&mixed);
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
    return status;
}
