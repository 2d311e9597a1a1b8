/* escape.c: inert HTML escaping (see escape.h). */
#include "report/escape.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void kb_html_escape_n(kb_buf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        size_t len = kb_utf8_valid_len(s + i, n - i);
        if (len == 0) {
            kb_buf_printf(out, "<span class=\"bad\" title=\"invalid UTF-8\">\\x%02X</span>", s[i]);
            i++;
            continue;
        }
        uint32_t cp = kb_utf8_code_point(s + i, len);
        if (kb_char_invisible(cp)) {
            kb_buf_printf(out, "<span class=\"ctl\" title=\"hidden character\">[U+%04X]</span>",
                          (unsigned)cp);
        } else if (cp == '&') {
            kb_buf_puts(out, "&amp;");
        } else if (cp == '<') {
            kb_buf_puts(out, "&lt;");
        } else if (cp == '>') {
            kb_buf_puts(out, "&gt;");
        } else if (cp == '"') {
            kb_buf_puts(out, "&quot;");
        } else if (cp == '\'') {
            kb_buf_puts(out, "&#39;");
        } else {
            kb_buf_append(out, (const char *)s + i, len);
        }
        i += len;
    }
}

void kb_html_escape(kb_buf *out, const char *s)
{
    if (s)
        kb_html_escape_n(out, s, strlen(s));
}
