/* taken.c: when a command output was taken (see taken.h). */
#include "core/taken.h"
#include "core/alloc.h"
#include "core/fact.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kb_taken_reader {
    pcre2_code *date;
    pcre2_code *phase;
};

/* A date with an optional time, as collection scripts write them: 2018-10-08,
 * 20181008-1800, 2018-10-08_0930, 2018-10-08T093012 (groups 1-6); or TSS's
 * yyMMdd-HHmmss, 181008-093012 (groups 7-12). */
static const char date_pattern[] =
    "(?<![0-9])(20[0-9]{2})[-_.]?([01][0-9])[-_.]?([0-3][0-9])"
    "(?:[T_ -]?([0-2][0-9]| [0-9])[-_.:]?([0-5][0-9])(?:[-_.:]?([0-5][0-9]))?)?(?![0-9])"
    "|(?<![0-9])([0-9]{2})([01][0-9])([0-3][0-9])-([0-2][0-9])([0-5][0-9])([0-5][0-9])(?![0-9])";

/* Before/After and Start/Stop as words: after a non-letter, or capitalised
 * after a lower-case letter (vssWritersBefore). */
static const char phase_pattern[] =
    "(?:(?<![A-Za-z])(?i:(before|start)|(after|stop))"
    "|(?<=[a-z])(?:(Before|Start)|(After|Stop)))(?![a-z])";

static pcre2_code *compile(const char *pattern)
{
    int err;
    PCRE2_SIZE off;
    return pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
}

kb_taken_reader *kb_taken_reader_new(void)
{
    kb_taken_reader *r = kb_xcalloc(1, sizeof *r);
    r->date = compile(date_pattern);
    r->phase = compile(phase_pattern);
    if (!r->date || !r->phase) {
        kb_taken_reader_free(r);
        return NULL;
    }
    return r;
}

void kb_taken_reader_free(kb_taken_reader *r)
{
    if (!r)
        return;
    pcre2_code_free(r->date);
    pcre2_code_free(r->phase);
    free(r);
}

static int group_set(const PCRE2_SIZE *ov, int group)
{
    return ov[2 * group] != PCRE2_UNSET;
}

/* The digits of a group (cmd's %time% pads a one-digit hour with a space). */
static int number(const char *s, const PCRE2_SIZE *ov, int group)
{
    int v = 0;
    for (PCRE2_SIZE i = ov[2 * group]; group_set(ov, group) && i < ov[2 * group + 1]; i++)
        if (s[i] != ' ')
            v = v * 10 + (s[i] - '0');
    return v;
}

static void read_date(const char *name, const PCRE2_SIZE *ov, kb_taken *t)
{
    int g = group_set(ov, 1) ? 1 : 7;  /* which of the two forms matched */
    int y = number(name, ov, g) + (g == 7 ? 2000 : 0);
    int mo = number(name, ov, g + 1), d = number(name, ov, g + 2);
    int h = number(name, ov, g + 3), mi = number(name, ov, g + 4), s = number(name, ov, g + 5);
    t->has_time = group_set(ov, g + 3);
    char iso[32];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || kb_time_parse(iso, &t->time) != 0) {
        t->time = KB_TIME_NONE;
        t->has_time = 0;
    }
}

static int match(pcre2_code *re, const char *s, size_t len, pcre2_match_data *md)
{
    int rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
    if (rc == PCRE2_ERROR_NOMEMORY)
        kb_out_of_memory();
    return rc >= 0;
}

kb_taken kb_taken_in_name(const kb_taken_reader *r, const char *name, size_t len)
{
    kb_taken t = {KB_TIME_NONE, 0, KB_PHASE_NONE, NULL};
    pcre2_match_data *md = pcre2_match_data_create(16, NULL);
    if (!md)
        kb_out_of_memory();
    if (match(r->date, name, len, md))
        read_date(name, pcre2_get_ovector_pointer(md), &t);
    if (match(r->phase, name, len, md)) {
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        t.phase = group_set(ov, 1) || group_set(ov, 3) ? KB_PHASE_BEFORE : KB_PHASE_AFTER;
    }
    pcre2_match_data_free(md);
    return t;
}

/* The archives an input came in, innermost first: the parts of its path
 * before name_at that end in '!' (a member's container). */
static kb_taken from_archives(const kb_taken_reader *r, const kb_input *in)
{
    kb_taken none = {KB_TIME_NONE, 0, KB_PHASE_NONE, NULL};
    size_t end = in->name_at;
    while (end > 0) {
        const char *bang = NULL;
        for (size_t i = end; i > 0 && !bang; i--)
            if (in->path[i - 1] == '!')
                bang = in->path + i - 1;
        if (!bang)
            return none;
        size_t stop = (size_t)(bang - in->path), start = stop;
        while (start > 0 && in->path[start - 1] != '/' && in->path[start - 1] != '\\' && in->path[start - 1] != '!')
            start--;
        kb_taken t = kb_taken_in_name(r, in->path + start, stop - start);
        if (t.time != KB_TIME_NONE) {
            t.phase = KB_PHASE_NONE;  /* a phase is the file's own, never its archive's */
            t.from = "archive_name";
            return t;
        }
        end = stop;
    }
    return none;
}

kb_taken kb_taken_of(const kb_taken_reader *r, const kb_input *in)
{
    size_t len;
    const char *base = kb_input_base_name(in, &len);
    kb_taken t = kb_taken_in_name(r, base, len);
    if (in->stamped != KB_TIME_NONE) {
        t.time = in->stamped;
        t.has_time = 1;
        t.from = "section_header";
        return t;
    }
    if (t.time != KB_TIME_NONE) {
        t.from = "file_name";
        return t;
    }
    kb_taken outer = from_archives(r, in);
    if (outer.time != KB_TIME_NONE) {
        outer.phase = t.phase;
        return outer;
    }
    return t;
}
