/* reg_query.c: saved `reg query` output: registry keys and their values.
 *
 *   C:\Windows\system32>reg query HKLM\SYSTEM\CurrentControlSet\Services\swprv /s
 *
 *   HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\swprv
 *       DisplayName    REG_SZ    @%SystemRoot%\system32\swprv.dll,-103
 *       Start    REG_DWORD    0x3
 *       RequiredPrivileges    REG_MULTI_SZ    SeBackupPrivilege\0SeRestorePrivilege
 *
 *   HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\swprv\Parameters
 *       ServiceDll    REG_EXPAND_SZ    %Systemroot%\System32\swprv.dll
 *
 *   End of search: 2 match(es) found.
 *
 * or "ERROR: The system was unable to find the specified registry key or
 * value." (reg.exe writes it to stderr: saved only with 2>&1), which says
 * the queried key or value is absent: a reg.query fact with status
 * not_found, not an error of kbscan. Structure first: a key line starts at
 * column 0 with a hive name; a value line is a name, four blanks, a REG_*
 * type, four blanks and the data (names hold blanks: the first type token
 * after them is the type). What was queried comes from a prompt echo, a
 * TSS banner (`yyyyMMdd HH:mm:ss.fff : REG QUERY ...`) or a psSDP header
 * (a dashed line and `[HKLM\...]`); each starts a query of its own. */
#include "text/lines.h"
#include "text/reg_common.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Words reg.exe prints (English checked; the others best effort, see
 * docs/locales.md). */
static const char *const not_found[] = {
    "The system was unable to find the specified registry key or value",
    "指定されたレジストリ キーまたは値が見つかりませんでした",
};
static const char *const access_denied[] = {"Access is denied", "アクセスが拒否されました"};
static const char *const error_prefixes[] = {"ERROR:", "エラー:"};
static const char *const default_names[] = {"(Default)", "(既定)", "(Standard)", "(par défaut)",
                                            "(predeterminado)", "(Predefinito)", "(Padrão)", "(По умолчанию)"};
static const char *const value_not_set[] = {"(value not set)", "(値の設定なし)"};

#define COUNT(a) (sizeof a / sizeof a[0])

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/* ---- line shapes ---- */

/* A key line: a hive name at column 0 (reg query prints the full names). */
static int is_key_line(const char *line)
{
    size_t len = strlen(line);
    return strncmp(line, "HKEY_", 5) == 0 && kb_reg_has_hive(line, len);
}

typedef struct value_line {
    const char *name;
    size_t name_len;
    const char *type;
    size_t type_len;
    const char *data; /* may be "" */
    size_t data_len;
} value_line;

/* "    Name    REG_TYPE    data": the first REG_ token after four blanks
 * and followed by four blanks or the end. */
static int split_value(const char *line, value_line *v)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p || is_key_line(line))
        return 0;
    for (const char *q = strstr(p, "    REG_"); q; q = strstr(q + 1, "    REG_")) {
        const char *t = q + 4, *e = t + 4;
        while (isupper((unsigned char)*e) || isdigit((unsigned char)*e) || *e == '_')
            e++;
        if (e == t + 4 || (*e != '\0' && strncmp(e, "    ", 4) != 0))
            continue;
        v->name = p;
        v->name_len = (size_t)(q - p);
        v->type = t;
        v->type_len = (size_t)(e - t);
        v->data = *e ? e + 4 : e;
        size_t n = strlen(v->data);
        while (n && (v->data[n - 1] == ' ' || v->data[n - 1] == '\t'))
            n--;
        v->data_len = n;
        return 1;
    }
    return 0;
}

/* The text after "reg query" in a prompt echo or TSS banner, or NULL. */
static const char *query_of(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    for (const char *q = p; *q; q++) {
        if (strncasecmp(q, "reg", 3) != 0 || (q > p && q[-1] != '>' && q[-1] != ' ' && q[-1] != '\\'))
            continue;
        const char *r = q + 3;
        if (strncasecmp(r, ".exe", 4) == 0)
            r += 4;
        if (*r != ' ')
            continue;
        while (*r == ' ')
            r++;
        if (strncasecmp(r, "query", 5) != 0 || r[5] != ' ')
            continue;
        /* a prompt, a TSS time stamp ("... : REG QUERY"), or the line itself */
        if (q == p || kb_is_prompt(line) || (q >= p + 2 && q[-2] == ':'))
            return r + 5;
        return NULL;
    }
    return NULL;
}

/* "End of search: 5 match(es) found." -> 5 */
static int end_of_search(const char *line, long *matches)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    if (strncmp(p, "End of search:", 14) != 0)
        return 0;
    *matches = strtol(p + 14, NULL, 10);
    return 1;
}

/* The error message after "ERROR:", or NULL. */
static const char *error_of(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    for (size_t i = 0; i < COUNT(error_prefixes); i++) {
        size_t n = strlen(error_prefixes[i]);
        if (strncmp(p, error_prefixes[i], n) == 0)
            return kb_trim(p + n, &len);
    }
    return NULL;
}

static int is_header_export(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return strncmp(p, "Windows Registry Editor Version", 31) == 0 || strncmp(p, "REGEDIT4", 8) == 0;
}

/* ---- the query a block of output answers ---- */

typedef struct query {
    char *text;          /* what followed "reg query", trimmed; NULL when not known */
    size_t line;         /* its line (0-based), or the first line of the output */
    char *key;           /* the queried key, as written */
    char *value;         /* /v NAME, "@" for /ve, NULL */
    int recursive;       /* /s */
    int flat;            /* known not to be /s */
    kb_fact *fact;       /* its reg.query fact */
    size_t keys, values; /* what it printed */
    long matches;        /* End of search: N, or -1 */
} query;

/* Words of the query: the key (possibly quoted) and the switches. */
static void read_query(query *q, const char *text)
{
    char *t = kb_trimmed_copy(text);
    q->text = t;
    if (!t)
        return;
    const char *p = t;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *start = p, *end;
        if (*p == '"') {
            start = ++p;
            end = strchr(p, '"');
            if (!end)
                end = p + strlen(p);
            p = *end ? end + 1 : end;
        } else {
            end = strchr(p, ' ');
            if (!end)
                end = p + strlen(p);
            p = end;
        }
        size_t n = (size_t)(end - start);
        if (!q->key && kb_reg_has_hive(start, n)) {
            q->key = kb_strndup(start, n);
        } else if (n == 2 && (start[0] == '/' || start[0] == '-') && tolower((unsigned char)start[1]) == 's') {
            q->recursive = 1;
        } else if (n == 3 && (start[0] == '/' || start[0] == '-') && strncasecmp(start + 1, "ve", 2) == 0) {
            q->value = kb_strdup("@");
        } else if (n == 2 && (start[0] == '/' || start[0] == '-') && tolower((unsigned char)start[1]) == 'v') {
            /* the next word is the value's name */
            while (*p == ' ')
                p++;
            const char *vs = p, *ve;
            if (*p == '"') {
                vs = ++p;
                ve = strchr(p, '"');
                if (!ve)
                    ve = p + strlen(p);
                p = *ve ? ve + 1 : ve;
            } else {
                ve = strchr(p, ' ');
                if (!ve)
                    ve = p + strlen(p);
                p = ve;
            }
            free(q->value);
            q->value = kb_strndup(vs, (size_t)(ve - vs));
        }
    }
    q->flat = !q->recursive;
}

static void free_query(query *q)
{
    free(q->text);
    free(q->key);
    free(q->value);
    memset(q, 0, sizeof *q);
    q->matches = -1;
}

static void note_line(kb_parse_ctx *ctx, size_t line, const char *message)
{
    char where[32];
    snprintf(where, sizeof where, "line %zu", line + 1);
    kb_input_note(ctx->input, where, "%s", message);
}

static const char *locale_of(const kb_text *t);

/* ---- parse ---- */

typedef struct reader {
    kb_parse_ctx *ctx;
    const kb_text *t;
    query q;
    int have_query;
    kb_fact *key;        /* the current key block */
    char *key_path;      /* its path as printed */
    size_t key_line;
    size_t key_values;
    int nomem;
} reader;

static void set_query_fields(kb_fact *f, const query *q)
{
    kb_fact_set(f, "query", q->text ? q->text : "");
    if (q->key) {
        kb_fact_set(f, "key", q->key);
        char *norm = kb_reg_norm(q->key, strlen(q->key));
        kb_fact_set(f, "key_norm", norm ? norm : "");
        free(norm);
    }
    if (q->value)
        kb_fact_set(f, "value_name", q->value);
    if (q->text)
        kb_fact_set(f, "recursive", q->recursive ? "yes" : "no");
}

/* The reg.query fact of the current query, made at its first line. */
static kb_fact *query_fact(reader *r, size_t line)
{
    if (r->q.fact)
        return r->q.fact;
    if (!r->have_query) {
        r->have_query = 1;
        r->q.line = line;
    }
    r->q.fact = kb_text_fact(r->ctx, "reg.query", r->t, r->q.line + 1, line + 1);
    if (!r->q.fact) {
        r->nomem = 1;
        return NULL;
    }
    kb_text_hold(r->ctx); /* its matches come at its end */
    set_query_fields(r->q.fact, &r->q);
    kb_fact_set(r->q.fact, "status", "ok");
    return r->q.fact;
}

static void end_key(reader *r)
{
    if (r->key) {
        kb_fact_setf(r->key, "values", "%zu", r->key_values);
        kb_text_release(r->ctx); /* held since add_key */
    }
    r->key = NULL;
    free(r->key_path);
    r->key_path = NULL;
}

static void end_query(reader *r)
{
    end_key(r);
    if (r->q.fact && r->q.matches >= 0)
        kb_fact_setf(r->q.fact, "matches", "%ld", r->q.matches);
    if (r->q.fact)
        kb_text_release(r->ctx); /* held since query_fact */
    free_query(&r->q);
    r->have_query = 0;
}

static void start_query(reader *r, size_t line, const char *text)
{
    end_query(r);
    r->have_query = 1;
    r->q.line = line;
    if (text)
        read_query(&r->q, text);
}

static void add_key(reader *r, size_t i)
{
    end_key(r);
    kb_fact *qf = query_fact(r, i);
    if (!qf)
        return;
    const char *line = r->t->lines[i];
    size_t len = strlen(line);
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    kb_fact *f = kb_text_fact(r->ctx, "reg.key", r->t, i + 1, i + 1);
    if (!f) {
        r->nomem = 1;
        return;
    }
    kb_reg_set_key(f, line, len, "reg_query");
    kb_fact_set(f, "query", r->q.text ? r->q.text : "");
    kb_fact_set(f, "deleted", "no");
    kb_text_hold(r->ctx); /* its value count comes at its end */
    r->key = f;
    r->key_path = kb_strndup(line, len);
    r->key_line = i;
    r->key_values = 0;
    r->q.keys++;
}

static void add_value(reader *r, size_t i, const value_line *v)
{
    kb_fact *qf = query_fact(r, i);
    if (!qf)
        return;
    kb_fact *f = kb_text_fact(r->ctx, "reg.value", r->t, i + 1, i + 1);
    if (!f) {
        r->nomem = 1;
        return;
    }
    kb_reg_set_value_key(f, r->key_path ? r->key_path : (r->q.key ? r->q.key : ""), "reg_query");
    char *name = kb_strndup(v->name, v->name_len);
    char *data = kb_strndup(v->data, v->data_len);
    char *type = kb_strndup(v->type, v->type_len);
    if (!name || !data || !type) {
        r->nomem = 1;
    } else {
        kb_fact_set(f, "name", in_list(name, default_names, COUNT(default_names)) ? "@" : name);
        kb_fact_set(f, "type", type);
        kb_fact_set(f, "data", data);
        kb_fact_set(f, "deleted", "no");
        if (in_list(data, value_not_set, COUNT(value_not_set)))
            kb_fact_set(f, "not_set", "yes");
        if (strcmp(type, "REG_MULTI_SZ") == 0) {
            kb_buf b = KB_BUF_INIT;
            kb_buf_puts(&b, "");
            for (const char *p = data; *p; p++) {
                if (p[0] == '\\' && p[1] == '0') {
                    kb_buf_putc(&b, '\n');
                    p++;
                } else {
                    kb_buf_putc(&b, *p);
                }
            }
            kb_fact_set(f, "items", kb_buf_str(&b));
            kb_buf_free(&b);
        } else if (strcmp(type, "REG_DWORD") == 0 || strcmp(type, "REG_QWORD") == 0 ||
                   strcmp(type, "REG_DWORD_BIG_ENDIAN") == 0) {
            if (!kb_reg_number(f, data))
                note_line(r->ctx, i, "a number value whose data is not 0x...: kept as printed");
        }
        kb_reg_check_path(f, name, data);
    }
    free(name);
    free(data);
    free(type);
    if (!r->key_path)
        note_line(r->ctx, i, "a value line without its key line: its key is the queried one, if known");
    r->key_values++;
    r->q.values++;
}

static void add_error(reader *r, size_t i, const char *text)
{
    end_key(r);
    char *message = kb_trimmed_copy(text);
    kb_fact *qf = query_fact(r, i);
    if (!qf) {
        free(message);
        return;
    }
    int nf = 0, ad = 0;
    for (size_t k = 0; k < COUNT(not_found); k++)
        nf |= strstr(message, not_found[k]) != NULL;
    for (size_t k = 0; k < COUNT(access_denied); k++)
        ad |= strstr(message, access_denied[k]) != NULL;
    kb_fact_set(qf, "status", nf ? "not_found" : ad ? "access_denied" : "error");
    kb_fact_set(qf, "error", message ? message : "");
    free(message);
    if (!r->q.text)
        note_line(r->ctx, i, "reg.exe's error without the query that printed it: it answers no question");
}

/* listed_only for keys without values: a subkey listed after the queried
 * key's values (reg query without /s) shows no values of its own. */
static void settle_listed_only(kb_parse_ctx *ctx, const kb_text *t, size_t first_fact)
{
    /* Output with /s: the query says so, or it ends with End of search, or
     * more than one key shows values. */
    size_t with_values = 0;
    int recursive = 0, flat = 0;
    for (size_t i = first_fact; i < ctx->facts->n; i++) {
        kb_fact *f = ctx->facts->items[i];
        if (f->input != ctx->input_index)
            continue;
        if (strcmp(f->type, "reg.query") == 0) {
            const char *rec = kb_fact_get(f, "recursive");
            recursive |= kb_fact_get(f, "matches") != NULL || (rec && strcmp(rec, "yes") == 0);
            flat |= rec && strcmp(rec, "no") == 0;
        } else if (strcmp(f->type, "reg.key") == 0) {
            const char *v = kb_fact_get(f, "values");
            with_values += v && strcmp(v, "0") != 0;
        }
    }
    recursive |= with_values > 1;
    size_t keys_seen = 0;
    for (size_t i = first_fact; i < ctx->facts->n; i++) {
        kb_fact *f = ctx->facts->items[i];
        if (f->input != ctx->input_index)
            continue;
        if (strcmp(f->type, "reg.query") == 0) {
            keys_seen = 0;
            continue;
        }
        if (strcmp(f->type, "reg.key") != 0)
            continue;
        keys_seen++;
        const char *v = kb_fact_get(f, "values");
        const char *state = "no";
        if (v && strcmp(v, "0") == 0) {
            /* A key line right next to another key line is a listed subkey. */
            size_t l = f->line - 1;
            int beside = (l > 0 && is_key_line(t->lines[l - 1])) || (l + 1 < t->nlines && is_key_line(t->lines[l + 1]));
            if (beside || (flat && keys_seen > 1))
                state = "yes";
            else if (!recursive && !flat)
                state = "unknown";
        }
        kb_fact_set(f, "listed_only", state);
    }
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.t = t;
    r.q.matches = -1;
    size_t first_fact = ctx->facts->n;
    for (size_t i = 0; i < t->nlines && !r.nomem; i++) {
        const char *line = t->lines[i];
        value_line v;
        long matches;
        const char *q = query_of(line), *err;
        if (q) {
            start_query(&r, i, q);
        } else if (kb_is_blank(line) || kb_is_rule_line(line) || kb_is_prompt(line)) {
            /* A blank line ends a key's block; a prompt echo of another command ends nothing here. */
            if (kb_is_blank(line))
                end_key(&r);
        } else if (line[0] == '[' && i > 0 && kb_is_rule_line(t->lines[i - 1])) {
            /* psSDP: a dashed line, then [HKLM\...] naming what follows */
            size_t len;
            const char *p = kb_trim(line, &len);
            char *name = kb_strndup(p + 1, len > 1 && p[len - 1] == ']' ? len - 2 : len - 1);
            start_query(&r, i, name);
            free(name);
        } else if (is_key_line(line)) {
            add_key(&r, i);
        } else if (split_value(line, &v)) {
            add_value(&r, i, &v);
        } else if (end_of_search(line, &matches)) {
            if (query_fact(&r, i))
                r.q.matches = matches;
            end_query(&r);
        } else if ((err = error_of(line)) != NULL) {
            add_error(&r, i, err);
        } else {
            note_line(ctx, i, "line not understood as reg query output");
        }
    }
    end_query(&r);
    if (r.nomem)
        return KB_ERR_NOMEM;
    settle_listed_only(ctx, t, first_fact);
    return KB_OK;
}

static int sniff(const kb_text *t)
{
    size_t keys = 0, values = 0, echoes = 0, errors = 0, ends = 0, other = 0, nonblank = 0;
    int first = 1;
    for (size_t i = 0; i < t->nlines; i++) {
        const char *line = t->lines[i];
        if (kb_is_blank(line))
            continue;
        if (first && is_header_export(line))
            return 0;
        first = 0;
        nonblank++;
        value_line v;
        long m;
        if (query_of(line))
            echoes++;
        else if (is_key_line(line))
            keys++;
        else if (split_value(line, &v))
            values++;
        else if (end_of_search(line, &m))
            ends++;
        else if (error_of(line))
            errors++;
        else if (!kb_is_rule_line(line) && !kb_is_prompt(line) && !(line[0] == '[' && i > 0 && kb_is_rule_line(t->lines[i - 1])))
            other++;
        /* A large text that is mostly something else: no need to read on. */
        if (other > 100 && other * 5 > nonblank)
            return 0;
    }
    /* Mostly understood lines, and something only reg query prints. */
    if (nonblank == 0 || other * 5 > nonblank)
        return 0;
    if (keys && values)
        return 90;
    if ((keys || errors || values) && echoes)
        return 80;
    if (keys && !other)
        return 60;
    if (values && !other && values >= 2)
        return 50;
    if (errors && !other) {
        for (size_t i = 0; i < t->nlines; i++) {
            const char *e = error_of(t->lines[i]);
            for (size_t k = 0; e && k < COUNT(not_found); k++)
                if (strstr(e, not_found[k]))
                    return 50;
        }
    }
    (void)ends;
    return 0;
}

/* reg.exe's messages are the only words; key and value lines show none. */
static const char *locale_of(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++) {
        const char *e = error_of(t->lines[i]);
        long m;
        if (end_of_search(t->lines[i], &m))
            return "en";
        if (!e)
            continue;
        for (size_t k = 0; k < COUNT(not_found); k++)
            if (strstr(e, not_found[k]))
                return k == 0 ? "en" : "ja";
        for (size_t k = 0; k < COUNT(access_denied); k++)
            if (strstr(e, access_denied[k]))
                return k == 0 ? "en" : "ja";
    }
    return NULL;
}

static const char *const query_fields[] = {"query", "key", "key_norm", "value_name", "recursive", "status",
                                           "error", "matches", NULL};
static const kb_fact_decl facts[] = {
    {"reg.query", query_fields},
    {"reg.key", kb_reg_key_fields},
    {"reg.value", kb_reg_value_fields},
    {NULL, NULL},
};

const kb_source kb_source_reg_query = {
    .name = "reg_query",
    .kind = "reg_query",
    .label = "reg query output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = KB_REG_FEED,
    .collect = {
        .file = "reg_query_vss.txt",
        .command = "reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\VSS /s > <file> 2>&1",
        .why_en = "The VSS service's key (a rule about another key names it); 2>&1 keeps reg.exe's errors, which it writes to stderr.",
        .why_ja = "VSS サービスのキーです (別のキーが必要なルールはそのキーを示します)。reg.exe はエラーを標準エラーに出すため、2>&1 を付けてください。",
    },
    .covers = KB_COVERS_MOMENT,
};
