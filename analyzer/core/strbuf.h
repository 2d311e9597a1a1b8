/* strbuf.h: a growable NUL-terminated string and a list of strings, the
 * string builders used across kbscan (report writers, templates, messages). */
#ifndef KB_STRBUF_H
#define KB_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define KB_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define KB_PRINTF(fmt, args)
#endif

typedef struct kb_buf {
    char *data;   /* always NUL-terminated once anything was added */
    size_t len;
    size_t cap;
    int failed;   /* set by a writer whose contents went wrong; later appends are no-ops
                   * (an allocation does not fail: out of memory ends the process, alloc.h) */
} kb_buf;

#define KB_BUF_INIT {0, 0, 0, 0}

void kb_buf_append(kb_buf *b, const char *s, size_t n);
void kb_buf_puts(kb_buf *b, const char *s);
void kb_buf_putc(kb_buf *b, char c);
KB_PRINTF(2, 3) void kb_buf_printf(kb_buf *b, const char *fmt, ...);
void kb_buf_vprintf(kb_buf *b, const char *fmt, va_list ap);
/* The contents ("" when empty); valid until the next append. */
const char *kb_buf_str(const kb_buf *b);
/* Hands the string over to the caller (NULL if an allocation failed). */
char *kb_buf_take(kb_buf *b);
void kb_buf_reset(kb_buf *b);
void kb_buf_free(kb_buf *b);

/* Small string helpers used everywhere (they do not fail, alloc.h). */
char *kb_strdup(const char *s);             /* NULL-safe */
char *kb_strndup(const char *s, size_t n);
KB_PRINTF(1, 2) char *kb_strprintf(const char *fmt, ...);
int kb_strcaseeq(const char *a, const char *b); /* ASCII case-insensitive */

/* A copy of s that is valid UTF-8: each byte of an invalid sequence
 * becomes the four characters \xNN (file names need not be UTF-8, and
 * JSON must be). NULL-safe. */
char *kb_utf8_visible(const char *s);

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
size_t kb_utf8_valid_len(const unsigned char *s, size_t n);

/* The code point of a valid UTF-8 sequence of len bytes. */
uint32_t kb_utf8_code_point(const unsigned char *s, size_t len);

/* Characters that change how the text around them is shown without being
 * seen: controls (but newline and tab), bidi embeddings, overrides and
 * isolates, marks, zero-width characters. */
int kb_char_invisible(uint32_t cp);

/* A copy of untrusted text safe for a terminal: invisible characters (see
 * above; escape sequences among them) become [U+XXXX], invalid bytes \xNN.
 * NULL-safe. */
char *kb_text_visible(const char *s);

/* Edits (insert, delete, replace, swap of neighbours) from a to b; words of
 * 40 bytes or more count as 40 apart. For "did you mean". */
size_t kb_edit_distance(const char *a, const char *b);
/* The word of the NULL-terminated list closest to a misspelt one: one edit
 * away, or two for words of six bytes or more; NULL when none is. */
const char *kb_closest_word(const char *word, const char *const *words);

/* A list of owned strings. */
typedef struct kb_strlist {
    char **items;
    size_t n;
    size_t cap;
} kb_strlist;

int kb_strlist_add(kb_strlist *l, const char *s);   /* copies; returns 0 */
int kb_strlist_has(const kb_strlist *l, const char *s);
void kb_strlist_free(kb_strlist *l);

#endif
