/* hostname.c: computer names compared, and found in file and folder names
 * (see hostname.h). ASCII only: Windows computer names are. */
#include "combiners/hostname.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define NAME_MAX_LEN 63  /* a DNS label; NetBIOS names are shorter still */

static int alnum(char c)
{
    return isalnum((unsigned char)c) != 0;
}

int kb_hostname_usable(const char *name)
{
    if (!name || kb_strcaseeq(name, "localhost"))
        return 0;
    for (const char *p = name; *p; p++)
        if (alnum(*p))
            return 1;
    return 0;
}

size_t kb_hostname_label_len(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

/* A bare name and the full name it is the first label of. */
static int bare_of(const char *bare, const char *full)
{
    size_t n = strlen(bare);
    return !strchr(bare, '.') && strchr(full, '.') && kb_hostname_label_len(full) == n &&
           strncasecmp(bare, full, n) == 0;
}

int kb_hostname_same(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    return kb_strcaseeq(a, b) || bare_of(a, b) || bare_of(b, a);
}

int kb_hostname_conflict(const char *a, const char *b)
{
    size_t n = kb_hostname_label_len(a);
    return strchr(a, '.') && strchr(b, '.') && kb_hostname_label_len(b) == n &&
           strncasecmp(a, b, n) == 0 && !kb_strcaseeq(a, b);
}

int kb_hostname_in(const char *text, const char *name)
{
    size_t n = kb_hostname_label_len(name), len = strlen(text);
    if (n < 2 || n > len)
        return 0;
    for (size_t i = 0; i + n <= len; i++) {
        if (i > 0 && alnum(text[i - 1]))
            continue;
        if (strncasecmp(text + i, name, n) == 0 && !alnum(text[i + n]))
            return 1;
    }
    return 0;
}

/* ---- collectors' names ---------------------------------------------------------- */

/* The length of a computer name at s (a letter or digit, then letters,
 * digits and hyphens), 0 when there is none. */
static size_t name_at(const char *s)
{
    size_t n = 0;
    if (!alnum(s[0]))
        return 0;
    while ((alnum(s[n]) || s[n] == '-') && n <= NAME_MAX_LEN)
        n++;
    return n <= NAME_MAX_LEN ? n : 0;
}

/* TSS's time stamp, "yyMMdd-HHmmss", at s. */
static int stamp_at(const char *s)
{
    for (int i = 0; i < 13; i++)
        if (i == 6 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int copy_name(const char *s, size_t n, char *out, size_t outlen)
{
    if (!n || n >= outlen)
        return 0;
    memcpy(out, s, n);
    out[n] = '\0';
    return 1;
}

int kb_hostname_from_file(const char *base, char *out, size_t outlen)
{
    /* psSDP's tss_<yyMMdd-HHmmss>_<COMPUTER>_psSDP_<tech>.zip starts as a
     * <COMPUTER>_<yyMMdd-HHmmss>_ name would: its computer comes after. */
    if (strncasecmp(base, "tss_", 4) == 0 && kb_hostname_from_folder(base, out, outlen))
        return 1;
    /* A name's hyphens end at the underscore that follows it. */
    size_t n = name_at(base);
    if (!n || base[n] != '_')
        return 0;
    const char *rest = base + n + 1;
    if ((stamp_at(rest) && rest[13] == '_') || strncasecmp(rest, "evt_", 4) == 0)
        return copy_name(base, n, out, outlen);
    return 0;
}

int kb_hostname_from_folder(const char *base, char *out, size_t outlen)
{
    size_t n;
    if (strncasecmp(base, "TSS_", 4) == 0 && (n = name_at(base + 4)) && base[4 + n] == '_' &&
        stamp_at(base + 5 + n)) {
        char end = base[5 + n + 13];
        if (end == '\0' || end == '_' || end == '.')
            return copy_name(base + 4, n, out, outlen);
    }
    if (strncasecmp(base, "tss_", 4) == 0 && stamp_at(base + 4) && base[17] == '_' &&
        (n = name_at(base + 18)) && strncasecmp(base + 18 + n, "_psSDP", 6) == 0)
        return copy_name(base + 18, n, out, outlen);
    if (strncasecmp(base, "Node_", 5) == 0 && (n = name_at(base + 5)) && base[5 + n] == '\0')
        return copy_name(base + 5, n, out, outlen);
    return 0;
}
