/* feeds.c: the feed catalogue (see feeds.h). */
#include "core/feeds.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* The placeholder of a computed feed ("<Channel>" in "eventlog:<Channel>"):
 * where it starts, and its length; 0 for a fixed feed. */
static size_t placeholder(const char *feed, const char **at)
{
    const char *open = strchr(feed, '<');
    const char *close = open ? strchr(open, '>') : NULL;
    *at = open;
    return close ? (size_t)(close - open + 1) : 0;
}

const kb_feed_entry *kb_catalogue_find(const kb_feed_catalogue *cat, const char *feed)
{
    for (size_t i = 0; cat && feed && i < cat->n; i++) {
        const kb_feed_entry *e = &cat->entries[i];
        const char *at;
        if (placeholder(e->feed, &at) ? strncmp(feed, e->feed, (size_t)(at - e->feed)) == 0
                                      : strcmp(feed, e->feed) == 0)
            return e;
    }
    return NULL;
}

static void put_value(kb_buf *b, const char *value, size_t len, kb_advice_part part)
{
    int quote = part == KB_ADVICE_COMMAND && memchr(value, ' ', len) != NULL;
    if (quote)
        kb_buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        char c = value[i];
        if (part == KB_ADVICE_FILE && c == '/')
            kb_buf_puts(b, "%4");
        else if (part == KB_ADVICE_FILE && (c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
                                             c == '<' || c == '>' || c == '|' || (unsigned char)c < 0x20))
            kb_buf_putc(b, '_');
        else
            kb_buf_putc(b, c);
    }
    if (quote)
        kb_buf_putc(b, '"');
}

char *kb_advice_expand(const kb_feed_entry *e, const char *feed, const char *text, kb_advice_part part,
                       const char *file, int *nomem)
{
    if (!text)
        return NULL;
    const char *at;
    size_t len = placeholder(e->feed, &at);
    const char *value = feed + (len ? (size_t)(at - e->feed) : strlen(feed));
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (const char *p = text; *p;) {
        if (len && strncmp(p, at, len) == 0) {
            put_value(&b, value, strlen(value), part);
            p += len;
        } else if (part == KB_ADVICE_COMMAND && file && strncmp(p, "<file>", 6) == 0) {
            put_value(&b, file, strlen(file), part);
            p += 6;
        } else {
            kb_buf_putc(&b, *p++);
        }
    }
    char *out = kb_buf_take(&b);
    if (!out)
        *nomem = 1;
    return out;
}
