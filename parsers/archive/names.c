/* names.c: a member's name as the report shows it (see archive.h). The
 * name is never used as a path: it is only shown, so what matters is that
 * the engineer can find the member, and that a name made to mislead (one
 * that climbs out with "../", an absolute path, a drive letter, control
 * characters, bytes that are not UTF-8) is shown for what it is. */
#include "archive/archive.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_sep(char c)
{
    return c == '/' || c == '\\';
}

/* Whether the name leaves the archive's own tree when joined to a folder:
 * absolute ("/etc", "\\server\share"), a drive ("C:"), or a ".." part. */
static const char *climbs(const char *name)
{
    if (is_sep(name[0]))
        return "an absolute path";
    if (((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) && name[1] == ':')
        return "a drive letter";
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return "a \"..\" part";
        p += n;
        if (*p)
            p++;
    }
    return NULL;
}

/* Escapes what cannot be shown as it is: control characters and bytes
 * that are not UTF-8 always; the separators too when the name climbs, so
 * that it reads as one opaque name. Stops at max bytes of the name. */
static void escape(kb_buf *out, const char *name, size_t max, int opaque, int *bad)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t len = strlen(name), i = 0;
    while (i < len && i < max) {
        size_t n = kb_utf8_valid_len(s + i, len - i);
        if (n == 0 || s[i] < 0x20 || s[i] == 0x7f || (opaque && is_sep((char)s[i]))) {
            *bad |= n == 0 || s[i] < 0x20 || s[i] == 0x7f;
            kb_buf_printf(out, "\\x%02X", s[i]);
            i++;
            continue;
        }
        if (i + n > max)
            break;
        kb_buf_append(out, name + i, n);
        i += n;
    }
}

void kb_member_name(const char *stored, size_t max, char **shown, char **note)
{
    *note = NULL;
    /* "./eventlogs/x" (tar and zip made from a folder's ".") is "eventlogs/x". */
    while (stored && stored[0] == '.' && (stored[1] == '/' || stored[1] == '\\') && stored[2])
        stored += 2;
    if (!stored || !*stored) {
        *shown = kb_xstrdup("(no name)");
        *note = kb_xstrdup("the member has no name in the archive");
        return;
    }
    const char *climb = climbs(stored);
    int bad = 0;
    kb_buf b = KB_BUF_INIT;
    escape(&b, stored, max, climb != NULL, &bad);
    size_t len = strlen(stored);
    if (len > max)
        kb_buf_puts(&b, "\xe2\x80\xa6"); /* U+2026 HORIZONTAL ELLIPSIS */
    *shown = kb_buf_take(&b);
    if (!*shown)
        kb_out_of_memory();
    kb_buf n = KB_BUF_INIT;
    if (climb)
        kb_buf_printf(&n, "the member's name is %s, which would climb out of the archive: shown escaped, "
                          "never used as a path", climb);
    else if (bad)
        kb_buf_puts(&n, "the member's name holds control characters or bytes that are not UTF-8: shown "
                        "escaped (\\xNN)");
    if (len > max)
        kb_buf_printf(&n, "%sthe member's name of %zu bytes is cut to the limit of %zu", n.len ? "; " : "", len, max);
    *note = n.len ? kb_buf_take(&n) : NULL;
    kb_buf_free(&n);
}
