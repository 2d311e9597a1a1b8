/* lines.c: line helpers for the text parsers (see lines.h). */
#include "text/lines.h"
#include "core/strbuf.h"

#include <ctype.h>
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
