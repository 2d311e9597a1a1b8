/* template.c: fills {{name|filters}} templates (see template.h). */
#include "rules/template.h"

#include "report/errcodes.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return kb_strndup(s, n);
}

static void filter_split(kb_strlist *items, const char *sep)
{
    kb_strlist out = {0};
    size_t seplen = strlen(sep);
    for (size_t i = 0; i < items->n; i++) {
        const char *p = items->items[i];
        for (;;) {
            const char *hit = seplen ? strstr(p, sep) : NULL;
            size_t n = hit ? (size_t)(hit - p) : strlen(p);
            char *item = trimmed(p, n);
            if (item && *item)
                kb_strlist_add(&out, item);
            free(item);
            if (!hit)
                break;
            p = hit + seplen;
        }
    }
    kb_strlist_free(items);
    *items = out;
}

static void filter_keep(kb_strlist *items, const char *except, int unique, int first)
{
    kb_strlist out = {0};
    for (size_t i = 0; i < items->n; i++) {
        const char *s = items->items[i];
        if (except && strcasecmp(s, except) == 0)
            continue;
        if (unique && kb_strlist_has(&out, s))
            continue;
        kb_strlist_add(&out, s);
        if (first)
            break;
    }
    kb_strlist_free(items);
    *items = out;
}

/* Quotes every item as a PowerShell single-quoted literal ('' for '), so a
 * name taken from a bundle stays one argument in a copied command. */
static void filter_psquote(kb_strlist *items)
{
    kb_strlist out = {0};
    for (size_t i = 0; i < items->n; i++) {
        kb_buf b = KB_BUF_INIT;
        kb_buf_puts(&b, "'");
        for (const char *c = items->items[i]; *c; c++)
            kb_buf_puts(&b, *c == '\'' ? "''" : (char[]){*c, '\0'});
        kb_buf_puts(&b, "'");
        char *quoted = kb_buf_take(&b);
        if (quoted)
            kb_strlist_add(&out, quoted);
        free(quoted);
    }
    kb_strlist_free(items);
    *items = out;
}

/* Replaces each item that is one error code ("0x800401fb", decimal, ...)
 * with "0x800401fb (CO_E_OBJNOTREG: Object is not registered)"; other
 * items stay as they are. */
static void filter_explain(kb_strlist *items)
{
    kb_strlist out = {0};
    for (size_t i = 0; i < items->n; i++) {
        uint32_t value;
        /* "%%N": an insertion of system message N (Service Control Manager,
         * Windows Server Backup), a Win32 error or an HRESULT in decimal. */
        const char *code = strncmp(items->items[i], "%%", 2) == 0 ? items->items[i] + 2 : items->items[i];
        char *described = kb_code_parse(code, &value) == 0 ? kb_code_describe(value) : NULL;
        kb_strlist_add(&out, described ? described : items->items[i]);
        free(described);
    }
    kb_strlist_free(items);
    *items = out;
}

/* Each item that is a number (decimal, or %%N) as 0x and eight hex digits:
 * Windows Server Backup writes its HRESULTs in decimal (2155348226). */
static void filter_hex(kb_strlist *items)
{
    kb_strlist out = {0};
    for (size_t i = 0; i < items->n; i++) {
        uint32_t value;
        const char *code = strncmp(items->items[i], "%%", 2) == 0 ? items->items[i] + 2 : items->items[i];
        char *hex = kb_code_parse(code, &value) == 0 ? kb_strprintf("0x%08x", (unsigned)value) : NULL;
        kb_strlist_add(&out, hex ? hex : items->items[i]);
        free(hex);
    }
    kb_strlist_free(items);
    *items = out;
}

/* A SQL Server instance name as its service's name: the default instance
 * is MSSQLSERVER, a named one MSSQL$NAME. */
static void filter_sql_service(kb_strlist *items)
{
    kb_strlist out = {0};
    for (size_t i = 0; i < items->n; i++) {
        const char *name = items->items[i];
        char *service = strcasecmp(name, "MSSQLSERVER") == 0 || strncasecmp(name, "MSSQL$", 6) == 0
                        ? kb_strdup(name) : kb_strprintf("MSSQL$%s", name);
        kb_strlist_add(&out, service ? service : name);
        free(service);
    }
    kb_strlist_free(items);
    *items = out;
}

static char *join(const kb_strlist *items, const char *sep)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (size_t i = 0; i < items->n; i++) {
        if (i)
            kb_buf_puts(&b, sep);
        kb_buf_puts(&b, items->items[i]);
    }
    return kb_buf_take(&b);
}

/* The filters expand() knows; kb_template_filters() lists them for rule checks. */
static const char *const filter_names[] = {"split", "except", "unique", "first", "psquote",
                                           "explain", "hex", "default", "sql_service", "join", NULL};

const char *const *kb_template_filters(void)
{
    return filter_names;
}

/* Applies "name|f1:a|f2" to the looked-up values; NULL if name unknown. */
static char *expand(const char *expr, kb_template_lookup lookup, void *ctx)
{
    char *copy = kb_strdup(expr);
    if (!copy)
        return NULL;
    char *save = NULL;
    char *name = strtok_r(copy, "|", &save);
    kb_strlist items = {0};
    char *result = NULL;
    char *trimmed_name = name ? trimmed(name, strlen(name)) : NULL;
    if (!trimmed_name || lookup(ctx, trimmed_name, &items) != 0)
        goto done;
    const char *sep = ", ";
    for (char *f = strtok_r(NULL, "|", &save); f; f = strtok_r(NULL, "|", &save)) {
        char *arg = strchr(f, ':');
        if (arg)
            *arg++ = '\0';
        if (strcmp(f, "split") == 0)
            filter_split(&items, arg ? arg : ",");
        else if (strcmp(f, "except") == 0)
            filter_keep(&items, arg ? arg : "", 0, 0);
        else if (strcmp(f, "unique") == 0)
            filter_keep(&items, NULL, 1, 0);
        else if (strcmp(f, "first") == 0)
            filter_keep(&items, NULL, 0, 1);
        else if (strcmp(f, "psquote") == 0)
            filter_psquote(&items);
        else if (strcmp(f, "explain") == 0)
            filter_explain(&items);
        else if (strcmp(f, "hex") == 0)
            filter_hex(&items);
        else if (strcmp(f, "sql_service") == 0)
            filter_sql_service(&items);
        else if (strcmp(f, "default") == 0) {
            if (!items.n) /* nothing found: say what stands instead */
                kb_strlist_add(&items, arg ? arg : "");
        }
        else if (strcmp(f, "join") == 0)
            sep = arg ? arg : "";
        else
            goto done; /* unknown filter: leave the placeholder visible */
    }
    result = join(&items, sep);
done:
    free(trimmed_name);
    kb_strlist_free(&items);
    free(copy);
    return result;
}

char *kb_template_fill(const char *tmpl, kb_template_lookup lookup, void *ctx)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    const char *p = tmpl ? tmpl : "";
    for (;;) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close) {
            kb_buf_puts(&b, p);
            break;
        }
        kb_buf_append(&b, p, (size_t)(open - p));
        char *expr = kb_strndup(open + 2, (size_t)(close - open - 2));
        char *value = expr ? expand(expr, lookup, ctx) : NULL;
        if (value)
            kb_buf_puts(&b, value);
        else
            kb_buf_append(&b, open, (size_t)(close + 2 - open));
        free(value);
        free(expr);
        p = close + 2;
    }
    return kb_buf_take(&b);
}

/* Appends the trimmed text of [from, to) to list. */
static int add_trimmed(kb_strlist *list, const char *from, const char *to)
{
    char *item = trimmed(from, (size_t)(to - from));
    int rc = item ? kb_strlist_add(list, item) : -1;
    free(item);
    return rc;
}

static int is_filter(const char *name)
{
    for (const char *const *f = filter_names; *f; f++)
        if (strcmp(*f, name) == 0)
            return 1;
    return 0;
}

/* The filter names of one placeholder body "name|f1:a|f2" that expand()
 * does not know, appended to bad. */
static int add_unknown_filters(const char *body, const char *end, kb_strlist *bad)
{
    const char *p = memchr(body, '|', (size_t)(end - body));
    while (p && p < end) {
        const char *next = memchr(p + 1, '|', (size_t)(end - p - 1));
        const char *stop = next ? next : end;
        const char *colon = memchr(p + 1, ':', (size_t)(stop - p - 1));
        char *name = trimmed(p + 1, (size_t)((colon ? colon : stop) - p - 1));
        if (!name)
            return -1;
        int rc = is_filter(name) ? 0 : kb_strlist_add(bad, name);
        free(name);
        if (rc != 0)
            return -1;
        p = next;
    }
    return 0;
}

int kb_template_names(const char *tmpl, kb_strlist *names, kb_strlist *bad_filters)
{
    const char *p = tmpl ? tmpl : "";
    for (;;) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close)
            return 0;
        const char *end = memchr(open + 2, '|', (size_t)(close - open - 2));
        if (add_trimmed(names, open + 2, end ? end : close) != 0)
            return -1;
        if (bad_filters && add_unknown_filters(open + 2, close, bad_filters) != 0)
            return -1;
        p = close + 2;
    }
}
