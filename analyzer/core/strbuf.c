/* strbuf.c: growable strings (see strbuf.h). */
#include "core/strbuf.h"
#include "core/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int buf_reserve(kb_buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (extra > SIZE_MAX - 1 - b->len)
        kb_out_of_memory();
    b->data = kb_grow(b->data, &b->cap, b->len + extra + 1, 1, 64);
    return 1;
}

void kb_buf_append(kb_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void kb_buf_puts(kb_buf *b, const char *s)
{
    if (s)
        kb_buf_append(b, s, strlen(s));
}

void kb_buf_putc(kb_buf *b, char c)
{
    kb_buf_append(b, &c, 1);
}

void kb_buf_vprintf(kb_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void kb_buf_printf(kb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *kb_buf_str(const kb_buf *b)
{
    return b->data ? b->data : "";
}

char *kb_buf_take(kb_buf *b)
{
    char *s = NULL;
    if (!b->failed)
        s = b->data ? b->data : kb_strdup("");
    else
        free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
    return s;
}

void kb_buf_reset(kb_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void kb_buf_free(kb_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

char *kb_strdup(const char *s)
{
    return s ? kb_strndup(s, strlen(s)) : NULL;
}

char *kb_strndup(const char *s, size_t n)
{
    return s ? kb_xstrndup(s, n) : NULL;
}

char *kb_strprintf(const char *fmt, ...)
{
    kb_buf b = KB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return kb_buf_take(&b);
}

int kb_strcaseeq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

int kb_strlist_add(kb_strlist *l, const char *s)
{
    l->items = kb_grow(l->items, &l->cap, l->n + 1, sizeof *l->items, 8);
    l->items[l->n++] = kb_xstrdup(s ? s : "");
    return 0;
}

int kb_strlist_has(const kb_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

void kb_strlist_free(kb_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

size_t kb_utf8_valid_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    size_t len;
    unsigned cp, min;
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2; min = 0x80; cp = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3; min = 0x800; cp = s[0] & 0x0f;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4; min = 0x10000; cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}


uint32_t kb_utf8_code_point(const unsigned char *s, size_t len)
{
    static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    uint32_t cp = s[0] & lead_mask[len < 5 ? len : 4];
    for (size_t i = 1; i < len; i++)
        cp = cp << 6 | (s[i] & 0x3f);
    return cp;
}

int kb_char_invisible(uint32_t cp)
{
    return (cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f) ||
           cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/* A valid UTF-8 copy of str: invalid bytes become \xNN, and, when asked,
 * invisible characters [U+XXXX]. */
static char *visible(const char *str, int mark_invisible)
{
    if (!str)
        return NULL;
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (size_t i = 0; i < n;) {
        size_t len = kb_utf8_valid_len(s + i, n - i);
        if (len == 0) {
            kb_buf_printf(&b, "\\x%02X", s[i++]);
            continue;
        }
        uint32_t cp = kb_utf8_code_point(s + i, len);
        if (mark_invisible && kb_char_invisible(cp))
            kb_buf_printf(&b, "[U+%04X]", (unsigned)cp);
        else
            kb_buf_append(&b, (const char *)s + i, len);
        i += len;
    }
    return kb_buf_take(&b);
}

char *kb_utf8_visible(const char *str) { return visible(str, 0); }
char *kb_text_visible(const char *str) { return visible(str, 1); }

size_t kb_edit_distance(const char *a, const char *b)
{
    enum { MAX = 40 };
    size_t n = strlen(a), m = strlen(b);
    if (n >= MAX || m >= MAX)
        return MAX;
    size_t d[MAX + 1][MAX + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *kb_closest_word(const char *word, const char *const *words)
{
    const char *best = NULL;
    size_t best_d = strlen(word) >= 6 ? 3 : 2;
    for (const char *const *a = words; *a; a++) {
        size_t d = kb_edit_distance(word, *a);
        if (d < best_d) {
            best = *a;
            best_d = d;
        }
    }
    return best;
}
