/* sections.c: a file of several command outputs split (see sections.h). */
#include "text/sections.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "text/clock.h"
#include "text/lines.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const kb_count_decl kb_text_sections_counts[] = {
    {.name = "sections", .word = "sections", .text = 1, .html = 1},
    {.name = NULL},
};

/* ---- views ------------------------------------------------------------------------ */

void kb_text_view(const kb_text *whole, size_t first, size_t last, kb_text *v)
{
    memset(v, 0, sizeof *v);
    v->buf = whole->buf;
    v->lines = whole->lines + first;
    v->nlines = last - first;
    v->encoding = whole->encoding;
    for (size_t i = 0; i < whole->nflaws; i++) {
        const kb_text_flaw *f = &whole->flaws[i];
        if (f->line < first + 1 || f->line > last)
            continue;
        if (!v->flaws)
            v->flaws = kb_xmalloc(KB_TEXT_MAX_FLAWS * sizeof *v->flaws);
        v->flaws[v->nflaws] = *f;
        v->flaws[v->nflaws++].line -= first;
    }
    v->nflaws_total = v->nflaws;
}

void kb_text_view_free(kb_text *v)
{
    free(v->flaws);
    memset(v, 0, sizeof *v);
}

/* ---- headers ------------------------------------------------------------------------ */

/* A line of ten or more '-' (psSDP) or '=' (TSS), alone. */
static int rule_line(const char *line, char *c)
{
    size_t n;
    const char *s = kb_trim(line, &n);
    if (n < 10 || (s[0] != '-' && s[0] != '='))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != s[0])
            return 0;
    *c = s[0];
    return 1;
}

/* "[10/08/2018 09:30:12] VSSAdmin.exe list writers" (psSDP) or
 * "20181008 09:30:12.123 : vssadmin list writers" (TSS): the time's text
 * and the command. */
static int header_line(const char *line, char **when, char **command)
{
    size_t n;
    const char *s = kb_trim(line, &n);
    const char *end = s + n;
    if (n > 2 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close || close - s < 9)
            return 0;
        *when = kb_xstrndup(s + 1, (size_t)(close - s - 1));
        const char *cmd = close + 1;
        while (cmd < end && (*cmd == ' ' || *cmd == '\t'))
            cmd++;
        *command = kb_xstrndup(cmd, (size_t)(end - cmd));
        return **command != '\0';
    }
    for (int i = 0; i < 8; i++)
        if (i >= (int)n || !isdigit((unsigned char)s[i]))
            return 0;
    const char *colon = strstr(s, " : ");
    if (!colon || colon > end)
        return 0;
    *when = kb_xstrndup(s, (size_t)(colon - s));
    *command = kb_xstrndup(colon + 3, (size_t)(end - colon - 3));
    return **command != '\0';
}

/* "20181008 09:30:12.123" and the bracketed dates of psSDP. */
static int64_t header_time(const char *when, kb_date_order order)
{
    char buf[64];
    if (strlen(when) >= 8 && isdigit((unsigned char)when[0]) && isdigit((unsigned char)when[7]) &&
        (when[8] == ' ' || when[8] == 'T')) {
        snprintf(buf, sizeof buf, "%.4s-%.2s-%.2s%s", when, when + 4, when + 6, when + 8);
        when = buf;
    }
    int64_t t;
    int zoned;
    return kb_event_time(when, order, &t, &zoned) == 0 ? t : KB_TIME_NONE;
}

/* Appends s; -1 (nothing added) past KB_TEXT_MAX_SECTIONS. */
static int add(kb_section **out, size_t *n, size_t *cap, kb_section s)
{
    if (*n >= KB_TEXT_MAX_SECTIONS)
        return -1;
    *out = kb_grow(*out, cap, *n + 1, sizeof **out, 8);
    (*out)[(*n)++] = s;
    return 0;
}

/* Sections at collectors' headers; *over past the limit. */
static size_t by_headers(const kb_text *t, kb_section **out, int *over)
{
    size_t n = 0, cap = 0;
    char **whens = NULL;
    size_t nwhens = 0, capwhens = 0;
    for (size_t i = 0; i + 2 < t->nlines; i++) {
        char a, b;
        char *when = NULL, *command = NULL;
        if (!rule_line(t->lines[i], &a) || !header_line(t->lines[i + 1], &when, &command) ||
            !rule_line(t->lines[i + 2], &b) || a != b) {
            free(when);
            free(command);
            continue;
        }
        if (n == 0 && i > 0) {
            for (size_t k = 0; k < i; k++)
                if (!kb_is_blank(t->lines[k])) {
                    add(out, &n, &cap, (kb_section){.first = 0, .stamped = KB_TIME_NONE});
                    whens = kb_grow(whens, &capwhens, nwhens + 1, sizeof *whens, 8);
                    whens[nwhens++] = NULL;
                    break;
                }
        }
        if (add(out, &n, &cap, (kb_section){.first = i, .body = i + 3, .command = command,
                                            .stamped = KB_TIME_NONE, .header = a == '-' ? "psSDP" : "TSS"}) != 0) {
            free(when);
            free(command);
            *over = 1;
            break;
        }
        whens = kb_grow(whens, &capwhens, nwhens + 1, sizeof *whens, 8);
        whens[nwhens++] = when;
        i += 2;
    }
    /* Which of day and month comes first, from every header's date. */
    int day = 0, month = 0, ampm = 0;
    for (size_t k = 0; k < nwhens; k++) {
        int a;
        kb_date_order o = kb_date_order_of(whens[k], &a);
        day += o == KB_DATE_DAY_FIRST;
        month += o == KB_DATE_MONTH_FIRST;
        ampm |= a;
    }
    kb_date_order order = day > month ? KB_DATE_DAY_FIRST : KB_DATE_MONTH_FIRST;
    for (size_t k = 0; k < n; k++) {
        (*out)[k].last = k + 1 < n ? (*out)[k + 1].first : t->nlines;
        if (whens[k])
            (*out)[k].stamped = header_time(whens[k], order);
        free(whens[k]);
    }
    free(whens);
    (void)ampm;
    return n;
}

/* ---- parts of one kind ------------------------------------------------------------ */

/* "C:\Windows\system32>tasklist /svc": a prompt with a command after it. */
static int prompt_with_command(const char *line)
{
    if (!kb_is_prompt(line))
        return 0;
    const char *gt = strchr(line, '>');
    return gt && !kb_is_blank(gt + 1);
}

static int is_run_start(size_t line, const size_t *run_lines, size_t nruns)
{
    for (size_t r = 1; r < nruns; r++)
        if (run_lines[r] == line)
            return 1;
    return 0;
}

static size_t by_kind(const kb_text *t, const size_t *run_lines, size_t nruns, kb_section **out, int *over)
{
    size_t n = 0, cap = 0;
    size_t start = 0;
    for (size_t i = 1; i <= t->nlines; i++) {
        if (i < t->nlines && !prompt_with_command(t->lines[i]) && !is_run_start(i, run_lines, nruns))
            continue;
        kb_section s = {.first = start, .body = start, .last = i, .stamped = KB_TIME_NONE};
        kb_text v;
        kb_text_view(t, start, i, &v);
        kb_text_judge(&v, &s.parser, &s.locale);
        kb_text_view_free(&v);
        /* A part no parser knows goes with the one before; one of the same
         * kind joins it. */
        if (n && (!s.parser || s.parser == (*out)[n - 1].parser))
            (*out)[n - 1].last = i;
        else if (n == 1 && !(*out)[0].parser)
            (*out)[0] = (kb_section){.first = 0, .body = 0, .last = i, .stamped = KB_TIME_NONE, .parser = s.parser,
                                     .locale = s.locale};
        else if (add(out, &n, &cap, s) != 0) {
            *over = 1;
            break;
        }
        start = i;
    }
    return n;
}

size_t kb_text_sections(const kb_text *t, const size_t *run_lines, size_t nruns, kb_section **out,
                        int *too_many)
{
    *out = NULL;
    *too_many = 0;
    size_t n = by_headers(t, out, too_many);
    if (n == 0 && !*too_many)
        n = by_kind(t, run_lines, nruns, out, too_many);
    if (n < 2 || *too_many) {
        kb_sections_free(*out, n);
        *out = NULL;
        return 0;
    }
    return n;
}

void kb_sections_free(kb_section *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i].command);
    free(s);
}

/* ---- commands ---------------------------------------------------------------------- */

/* The program's name: the last part of a path, without ".exe", lower case. */
static void program_of(const char *word, size_t n, char *out, size_t outlen)
{
    const char *base = word;
    for (size_t i = 0; i < n; i++)
        if (word[i] == '\\' || word[i] == '/')
            base = word + i + 1;
    size_t len = (size_t)(word + n - base);
    if (len > 4 && strncasecmp(base + len - 4, ".exe", 4) == 0)
        len -= 4;
    if (len >= outlen)
        len = outlen - 1;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)base[i]);
    out[len] = '\0';
}

static int has_word(const char *line, const char *word, size_t n)
{
    for (const char *p = line; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t k = strcspn(p, " \t");
        if (k == n && strncasecmp(p, word, n) == 0)
            return 1;
        p += k;
    }
    return 0;
}

/* Whether a header's command is a declared one: the same program, and
 * every other word of the declared command among the header's. */
static int command_matches(const char *declared, const char *command)
{
    char a[64], b[64];
    size_t na = strcspn(declared, " "), nb = strcspn(command, " \t");
    program_of(declared, na, a, sizeof a);
    program_of(command, nb, b, sizeof b);
    if (strcmp(a, b) != 0)
        return 0;
    for (const char *p = declared + na; *p;) {
        while (*p == ' ')
            p++;
        size_t k = strcspn(p, " ");
        if (k && !has_word(command + nb, p, k))
            return 0;
        p += k;
    }
    return 1;
}

const kb_source *kb_source_of_command(const char *command, const kb_text *text, const char **locale,
                                      int *declared)
{
    const kb_source *best = NULL;
    int best_score = 0;
    *declared = 0;
    *locale = NULL;
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        int match = 0;
        for (const char *const *c = (*s)->commands; c && *c && !match; c++)
            match = command_matches(*c, command);
        if (!match || (*s)->form != KB_FORM_TEXT)
            continue;
        *declared = 1;
        int score = (*s)->sniff(text);
        if (score > best_score) {
            best = *s;
            best_score = score;
        }
    }
    if (best)
        *locale = best->locale(text);
    return best;
}
