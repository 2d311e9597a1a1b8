/* escape.h: HTML escaping that keeps bundle content inert. Every string from
 * a bundle is untrusted: markup characters are escaped, and control
 * characters, bidirectional overrides, zero-width characters and invalid
 * UTF-8 are shown visibly (as marked code points or bytes), never obeyed. */
#ifndef KB_HTML_H
#define KB_HTML_H

#include "core/strbuf.h"

/* Appends s, escaped for HTML text and for double- or single-quoted
 * attribute values. Newlines and tabs are kept (for <pre>). */
void kb_html_escape(kb_buf *out, const char *s);
void kb_html_escape_n(kb_buf *out, const char *s, size_t n);

#endif
