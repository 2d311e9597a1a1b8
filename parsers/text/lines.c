/* lines.c: line helpers for the text parsers, and their facts (see lines.h). */
#include "text/lines.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t blank_at(const char *p)
{
    if (*p == ' ' || *p == '\t')
        return 1;
    if ((unsigned char)p[0] == 0xe3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80)
        return 3; /* U+3000 IDEOGRAPHIC SPACE */
    return 0;
}

const char *kb_trim(const char *line, size_t *len)
{
    size_t n;
    while ((n = blank_at(line)))
        line += n;
    size_t l = strlen(line);
    while (l > 0) {
        if (line[l - 1] == ' ' || line[l - 1] == '\t')
            l--;
        else if (l >= 3 && (unsigned char)line[l - 3] == 0xe3 && (unsigned char)line[l - 2] == 0x80 &&
                 (unsigned char)line[l - 1] == 0x80)
            l -= 3;
        else
            break;
    }
    *len = l;
    return line;
}

int kb_is_blank(const char *line)
{
    size_t len;
    kb_trim(line, &len);
    return len == 0;
}

char *kb_trimmed_copy(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return kb_strndup(p, len);
}

static int guid_at(const char *p)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    if (*p++ != '{')
        return 0;
    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < groups[g]; i++)
            if (!isxdigit((unsigned char)*p++))
                return 0;
        if (*p++ != (g == 4 ? '}' : '-'))
            return 0;
    }
    return 1;
}

int kb_find_guid(const char *line, char out[39])
{
    int count = 0;
    for (const char *p = strchr(line, '{'); p; p = strchr(p + 1, '{')) {
        if (!guid_at(p))
            continue;
        if (count++ == 0) {
            for (int i = 0; i < 38; i++)
                out[i] = (char)tolower((unsigned char)p[i]);
            out[38] = '\0';
        }
    }
    return count;
}

const char *kb_after_colon(const char *line, size_t *len)
{
    const char *ascii = strchr(line, ':');
    const char *wide = strstr(line, "\xef\xbc\x9a"); /* U+FF1A FULLWIDTH COLON */
    const char *colon = ascii;
    size_t width = 1;
    if (wide && (!ascii || wide < ascii)) {
        colon = wide;
        width = 3;
    }
    if (!colon)
        return NULL;
    return kb_trim(colon + width, len);
}

int kb_is_prompt(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return len >= 3 && isalpha((unsigned char)p[0]) && p[1] == ':' && p[2] == '\\' &&
           memchr(p, '>', len) != NULL;
}

int kb_contains_nocase(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = haystack; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return 1;
    return n == 0;
}

char *kb_text_join_lines(const kb_text *text, size_t first, size_t last)
{
    if (first < 1)
        first = 1;
    if (last > text->nlines)
        last = text->nlines;
    if (first > last)
        return NULL;
    kb_buf b = KB_BUF_INIT;
    for (size_t i = first; i <= last; i++) {
        if (i > first)
            kb_buf_putc(&b, '\n');
        kb_buf_puts(&b, text->lines[i - 1]);
    }
    return kb_buf_take(&b);
}

/* Tests facts [kept_upto, upto) and moves the ones after them down over
 * those dropped. */
static void settle_upto(kb_parse_ctx *ctx, size_t upto)
{
    kb_factlist *l = ctx->facts;
    size_t kept = ctx->kept_upto <= upto ? ctx->kept_upto : upto;
    if (ctx->keep) {
        for (size_t i = kept; i < upto; i++) {
            if (ctx->keep(ctx->keep_arg, l->items[i]))
                l->items[kept++] = l->items[i];
            else
                kb_fact_free(l->items[i]);
        }
        size_t dropped = upto - kept;
        if (dropped) {
            memmove(l->items + kept, l->items + upto, (l->n - upto) * sizeof *l->items);
            l->n -= dropped;
            if (ctx->holds)
                ctx->held_at -= dropped;
        }
    }
    ctx->kept_upto = kept;
}

void kb_keep_settle(kb_parse_ctx *ctx)
{
    ctx->holds = 0; /* the parse ends (or is between facts with none held) */
    settle_upto(ctx, ctx->facts->n);
}

void kb_text_hold(kb_parse_ctx *ctx)
{
    if (!ctx->holds++)
        ctx->held_at = ctx->facts->n ? ctx->facts->n - 1 : 0;
}

void kb_text_release(kb_parse_ctx *ctx)
{
    if (ctx->holds)
        ctx->holds--;
}

kb_fact *kb_text_fact(kb_parse_ctx *ctx, const char *type, const kb_text *text,
                      size_t first, size_t last)
{
    /* The facts before this one are complete, but those held. */
    if (ctx->holds)
        settle_upto(ctx, ctx->held_at <= ctx->facts->n ? ctx->held_at : ctx->facts->n);
    else
        settle_upto(ctx, ctx->facts->n);
    kb_fact *f = kb_fact_new(type, ctx->input_index);
    if (!f)
        return NULL;
    if (first >= 1 && first <= text->nlines) {
        if (last < first)
            last = first;
        if (last > text->nlines)
            last = text->nlines;
        f->line = (uint32_t)first;
        f->line_end = (uint32_t)last;
        f->text = kb_text_join_lines(text, first, last);
        if (first > 1)
            f->before = kb_text_join_lines(text, first > KB_CONTEXT_LINES ? first - KB_CONTEXT_LINES : 1,
                                   first - 1);
        f->after = kb_text_join_lines(text, last + 1, last + KB_CONTEXT_LINES);
    }
    if (kb_factlist_add(ctx->facts, f) != 0)
        return NULL;
    ctx->input->facts++;
    return f;
}

int kb_is_rule_line(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    if (len < 5)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (p[i] != '-' && p[i] != '=')
            return 0;
    return 1;
}
