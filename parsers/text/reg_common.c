/* reg_common.c: key paths, shared facts and the service path check of the
 * registry parsers (see reg_common.h). */
#include "text/reg_common.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *full, *abbr;
} hives[] = {
    {"HKEY_LOCAL_MACHINE", "HKLM"}, {"HKEY_CURRENT_USER", "HKCU"}, {"HKEY_CLASSES_ROOT", "HKCR"},
    {"HKEY_USERS", "HKU"},          {"HKEY_CURRENT_CONFIG", "HKCC"},
};

#define NHIVES (sizeof hives / sizeof hives[0])

/* The hive's index and the length of its name in path, or -1. */
static int hive_of(const char *path, size_t len, size_t *name_len)
{
    for (size_t h = 0; h < NHIVES; h++)
        for (int form = 0; form < 2; form++) {
            const char *name = form ? hives[h].abbr : hives[h].full;
            size_t n = strlen(name);
            if (len >= n && strncasecmp(path, name, n) == 0 && (len == n || path[n] == '\\')) {
                *name_len = n;
                return (int)h;
            }
        }
    return -1;
}

int kb_reg_has_hive(const char *path, size_t len)
{
    size_t n;
    return hive_of(path, len, &n) >= 0;
}

char *kb_reg_norm(const char *path, size_t len)
{
    size_t n;
    int h = hive_of(path, len, &n);
    if (h < 0)
        return NULL;
    while (len > n && path[len - 1] == '\\')
        len--;
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, hives[h].abbr);
    for (size_t i = n; i < len; i++)
        kb_buf_putc(&b, (char)toupper((unsigned char)path[i]));
    return kb_buf_take(&b);
}

void kb_reg_set_key(kb_fact *f, const char *path, size_t len, const char *source)
{
    while (len > 1 && path[len - 1] == '\\')
        len--;
    kb_fact_set_n(f, "path", path, len);
    char *norm = kb_reg_norm(path, len);
    kb_fact_set(f, "path_norm", norm ? norm : "");
    const char *slash = NULL;
    for (size_t i = 0; i < len; i++)
        if (path[i] == '\\')
            slash = path + i;
    char *parent = slash ? kb_reg_norm(path, (size_t)(slash - path)) : NULL;
    kb_fact_set(f, "parent", parent ? parent : "");
    kb_fact_set_n(f, "leaf", slash ? slash + 1 : path, slash ? len - (size_t)(slash + 1 - path) : len);
    kb_fact_set(f, "source", source);
    free(parent);
    free(norm);
}

void kb_reg_set_value_key(kb_fact *f, const char *key, const char *source)
{
    size_t len = strlen(key);
    kb_fact_set(f, "key", key);
    char *norm = kb_reg_norm(key, len);
    kb_fact_set(f, "key_norm", norm ? norm : "");
    free(norm);
    const char *slash = strrchr(key, '\\');
    kb_fact_set(f, "key_leaf", slash ? slash + 1 : key);
    kb_fact_set(f, "source", source);
}

int kb_reg_number(kb_fact *f, const char *data)
{
    const char *p = data;
    while (*p == ' ')
        p++;
    if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X') || !isxdigit((unsigned char)p[2]))
        return 0;
    uint64_t v = 0;
    size_t digits = 0;
    for (p += 2; isxdigit((unsigned char)*p); p++, digits++) {
        if (digits >= 16)
            return 0;
        v = v * 16 + (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10);
    }
    while (*p == ' ')
        p++;
    if (*p)
        return 0;
    kb_fact_setf(f, "number", "%llu", (unsigned long long)v);
    return 1;
}

/* The executable part of a command line: the quoted part, or up to the
 * first ".exe", ".dll" or ".sys" that ends a word, or up to the first
 * blank; *quote_open when a '"' is never closed. */
static char *executable(const char *data, int *quote_open)
{
    *quote_open = 0;
    if (data[0] == '"') {
        const char *close = strchr(data + 1, '"');
        if (!close) {
            *quote_open = 1;
            return kb_strdup(data + 1);
        }
        return kb_strndup(data + 1, (size_t)(close - data - 1));
    }
    static const char *const exts[] = {".exe", ".dll", ".sys"};
    const char *best = NULL;
    for (size_t e = 0; e < sizeof exts / sizeof exts[0]; e++)
        for (const char *p = data; (p = strchr(p, '.')) != NULL; p++)
            if (strncasecmp(p, exts[e], 4) == 0 && (p[4] == '\0' || p[4] == ' ')) {
                if (!best || p + 4 < best)
                    best = p + 4;
                break;
            }
    if (best)
        return kb_strndup(data, (size_t)(best - data));
    const char *blank = strchr(data, ' ');
    return blank ? kb_strndup(data, (size_t)(blank - data)) : kb_strdup(data);
}

static int starts_nocase(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Existence cannot be checked offline: only the shape of the path. The
 * kernel resolves \SystemRoot\..., \??\... and system32\drivers\... itself. */
static const char *path_problem(const char *data, const char *path, int quote_open)
{
    if (!*data)
        return "empty";
    if (quote_open)
        return "unbalanced_quote";
    const char *p = path;
    if (starts_nocase(p, "\\??\\") || starts_nocase(p, "\\\\?\\"))
        p += 4;
    for (const char *c = p; *c; c++)
        if (strchr("<>|*?\"", *c))
            return "illegal_char";
    if ((isalpha((unsigned char)p[0]) && p[1] == ':') || strchr(path, '%') || starts_nocase(path, "\\SystemRoot\\") ||
        starts_nocase(path, "\\??\\") || starts_nocase(path, "\\\\") || starts_nocase(path, "system32\\drivers\\"))
        return "none";
    return "relative";
}

void kb_reg_check_path(kb_fact *f, const char *name, const char *data)
{
    if (!kb_strcaseeq(name, "ImagePath") && !kb_strcaseeq(name, "ServiceDll") && !kb_strcaseeq(name, "DllName"))
        return;
    int quote_open;
    char *path = executable(data, &quote_open);
    kb_fact_set(f, "path", path ? path : "");
    kb_fact_set(f, "path_problem", path_problem(data, path ? path : "", quote_open));
    free(path);
}

const char *const kb_reg_key_fields[] = {"path", "path_norm", "parent", "leaf", "values", "listed_only",
                                         "deleted", "query", "source", NULL};
const char *const kb_reg_value_fields[] = {"key", "key_norm", "key_leaf", "name", "type", "data", "items",
                                           "number", "not_set", "deleted", "path", "path_problem", "source",
                                           NULL};
