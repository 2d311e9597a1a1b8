/* diskshadow.c: saved diskshadow `list writers status` output: the same
 * writer facts as `vssadmin list writers` (vssadmin.c), feeding the same
 * input, with the state's and last error's symbols and HRESULT printed.
 *
 *   Microsoft DiskShadow version 1.0
 *   Copyright (C) 2013 Microsoft Corporation
 *   On computer:  FS01,  10/8/2018 9:31:05 AM
 *
 *   DISKSHADOW> list writers status
 *
 *   Listing writer status ...
 *
 *   * WRITER "SqlServerWriter"
 *           - Status: 8 (VSS_WS_FAILED_AT_PREPARE_SNAPSHOT)
 *           - Writer Failure code: 0x800423f4 (VSS_E_WRITERERROR_NONRETRYABLE)
 *           - Writer ID: {a65faa63-5ea8-4ebc-9dbd-a0c4db26912a}
 *           - Instance ID: {add8e096-1fc7-4e93-93c5-22a0d7ddec1a}
 *
 *   1 writers listed.
 *
 * Structure first: a "* <word> <name>" line (the name quoted or, on newer
 * builds, bare), then four "- <label>: <value>" lines: a number with its
 * symbol, an HRESULT with its symbol, two {GUID}s. A known HRESULT gets
 * the English last-error name vssadmin prints, so one rule reads both. */
#include "text/lines.h"
#include "text/vssadmin_runs.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* vssadmin's words for the writer errors (vssadmin.c prints them). */
static const struct {
    const char *code, *name;
} last_errors[] = {
    {"0x00000000", "No error"},          {"0x800423F0", "Inconsistent shadow copy"},
    {"0x800423F1", "Out of resources"},  {"0x800423F2", "Timed out"},
    {"0x800423F3", "Retryable error"},   {"0x800423F4", "Non-retryable error"},
};

static int is_banner(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return strncmp(p, "Microsoft DiskShadow version ", 29) == 0;
}

/* The value of a "- <label>: <value>" line, or NULL. */
static const char *dash_value(const char *line, size_t *len)
{
    size_t n;
    const char *p = kb_trim(line, &n);
    if (n < 3 || p[0] != '-' || p[1] != ' ')
        return NULL;
    return kb_after_colon(p, len);
}

/* "8 (VSS_WS_FAILED_AT_PREPARE_SNAPSHOT)" or "0x800423f4 (VSS_E_...)":
 * the part before the blank and the symbol in the parentheses. */
static int value_and_symbol(const char *v, size_t len, const char **symbol, size_t *symbol_len, size_t *value_len)
{
    const char *open = memchr(v, '(', len);
    if (!open || v[len - 1] != ')')
        return 0;
    *symbol = open + 1;
    *symbol_len = (size_t)(v + len - 1 - *symbol);
    size_t n = (size_t)(open - v);
    while (n && v[n - 1] == ' ')
        n--;
    *value_len = n;
    return n > 0;
}

static int is_hresult(const char *v, size_t len)
{
    if (len != 10 || v[0] != '0' || (v[1] != 'x' && v[1] != 'X'))
        return 0;
    for (size_t i = 2; i < 10; i++)
        if (!isxdigit((unsigned char)v[i]))
            return 0;
    return 1;
}

/* 1 when lines i..i+4 are a writer block. */
static int writer_at(const kb_text *t, size_t i)
{
    if (i + 5 > t->nlines)
        return 0;
    size_t len, n, sl, vl;
    const char *p = kb_trim(t->lines[i], &n);
    if (n < 4 || p[0] != '*' || p[1] != ' ' || !isalpha((unsigned char)p[2]) || !strchr(p + 2, ' '))
        return 0;
    const char *status = dash_value(t->lines[i + 1], &len), *sym;
    if (!status || !value_and_symbol(status, len, &sym, &sl, &vl) || !isdigit((unsigned char)status[0]))
        return 0;
    const char *code = dash_value(t->lines[i + 2], &len);
    if (!code || !value_and_symbol(code, len, &sym, &sl, &vl) || !is_hresult(code, vl))
        return 0;
    char guid[39];
    return dash_value(t->lines[i + 3], &len) && kb_find_guid(t->lines[i + 3], guid) == 1 &&
           dash_value(t->lines[i + 4], &len) && kb_find_guid(t->lines[i + 4], guid) == 1;
}

static int add_writer(kb_parse_ctx *ctx, const kb_text *t, size_t i)
{
    kb_fact *f = kb_text_fact(ctx, "vssadmin.writer", t, i + 1, i + 5);
    if (!f)
        return -1;
    size_t n, len, sl, vl;
    const char *p = kb_trim(t->lines[i], &n);
    const char *name = strchr(p + 2, ' ');
    while (*name == ' ')
        name++;
    char *clean = kb_vss_unquoted(name, n - (size_t)(name - p));
    kb_fact_set(f, "name", clean);
    free(clean);
    char guid[39];
    kb_find_guid(t->lines[i + 3], guid);
    kb_fact_set(f, "writer_id", guid);
    kb_find_guid(t->lines[i + 4], guid);
    kb_fact_set(f, "instance_id", guid);
    const char *status = dash_value(t->lines[i + 1], &len), *sym;
    value_and_symbol(status, len, &sym, &sl, &vl);
    long state = strtol(status, NULL, 10);
    kb_fact_setf(f, "state", "%ld", state);
    kb_fact_set(f, "state_name", kb_vss_state_name(state));
    kb_fact_set_n(f, "state_text", sym, sl);
    const char *code = dash_value(t->lines[i + 2], &len);
    value_and_symbol(code, len, &sym, &sl, &vl);
    char hr[11] = "0x";
    for (int k = 0; k < 8; k++)
        hr[2 + k] = (char)toupper((unsigned char)code[2 + k]);
    hr[10] = '\0';
    kb_fact_set(f, "last_error_code", hr);
    kb_fact_set_n(f, "last_error_text", code, len);
    const char *known = NULL;
    for (size_t k = 0; k < sizeof last_errors / sizeof last_errors[0]; k++)
        if (strcmp(last_errors[k].code, hr) == 0)
            known = last_errors[k].name;
    if (known)
        kb_fact_set(f, "last_error", known);
    else
        kb_fact_set_n(f, "last_error", sym, sl);
    kb_fact_set(f, "run", "1");
    kb_fact_set(f, "latest", "yes");
    kb_fact_set(f, "tool", "diskshadow");
    return 0;
}

/* "2 writers listed." -> 2, or -1. */
static long listed_count(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    char *end;
    long n = strtol(p, &end, 10);
    return end != p && strncmp(end, " writers listed", 15) == 0 ? n : -1;
}

static int is_known_noise(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return kb_is_blank(line) || strncasecmp(p, "DISKSHADOW>", 11) == 0 || strncmp(p, "Listing writer", 14) == 0 ||
           strncmp(p, "Copyright", 9) == 0 || strncmp(p, "On computer:", 12) == 0 || kb_is_prompt(line);
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    size_t writers = 0, banner = t->nlines, count_line = 0;
    long listed = -1;
    for (size_t i = 0; i < t->nlines; i++) {
        if (writer_at(t, i)) {
            if (add_writer(ctx, t, i) != 0)
                return KB_ERR_NOMEM;
            writers++;
            i += 4;
            continue;
        }
        const char *line = t->lines[i];
        if (is_banner(line) && banner == t->nlines) {
            banner = i;
            continue;
        }
        long n = listed_count(line);
        if (n >= 0) {
            listed = n;
            count_line = i;
            continue;
        }
        if (!is_known_noise(line)) {
            char where[32];
            snprintf(where, sizeof where, "line %zu", i + 1);
            kb_input_note(ctx->input, where, "line not understood as diskshadow list writers status output");
        }
    }
    size_t first = banner < t->nlines ? banner : 0;
    kb_fact *f = kb_text_fact(ctx, "vssadmin.listing", t, first + 1, first + 1);
    if (!f)
        return KB_ERR_NOMEM;
    kb_fact_setf(f, "writers", "%zu", writers);
    char *b = banner < t->nlines ? kb_trimmed_copy(t->lines[banner]) : NULL;
    kb_fact_set(f, "banner", b ? b : "");
    free(b);
    const char *copyright = NULL;
    for (size_t i = first; i < t->nlines && i < first + 3 && !copyright; i++)
        copyright = strstr(t->lines[i], "Copyright (C) ");
    if (copyright) {
        size_t n = 0;
        copyright += 14;
        while (isdigit((unsigned char)copyright[n]) || copyright[n] == '-')
            n++;
        kb_fact_set_n(f, "copyright", copyright, n);
    } else {
        kb_fact_set(f, "copyright", "");
    }
    /* No count line and no writer: the output may be cut; never zero writers. */
    if (writers == 0 && listed < 0) {
        kb_fact_set(f, "status", "error");
        kb_fact_set(f, "error", "");
        kb_input_note(ctx->input, NULL, "no writer and no \"writers listed\" line: the listing may be cut");
    } else {
        kb_fact_set(f, "status", "ok");
    }
    if (listed >= 0 && (size_t)listed != writers) {
        char where[32];
        snprintf(where, sizeof where, "line %zu", count_line + 1);
        kb_input_note(ctx->input, where, "diskshadow says %ld writers, %zu were read", listed, writers);
    }
    kb_fact_set(f, "run", "1");
    kb_fact_set(f, "latest", "yes");
    kb_fact_set(f, "tool", "diskshadow");
    return KB_OK;
}

static int sniff(const kb_text *t)
{
    int banner = 0, blocks = 0, listed = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        banner |= is_banner(t->lines[i]);
        blocks += writer_at(t, i);
        listed |= listed_count(t->lines[i]) >= 0;
    }
    if (banner && (blocks || listed))
        return 90;
    return blocks ? 60 : 0;
}

/* diskshadow prints English only. */
static const char *locale_of(const kb_text *t)
{
    return sniff(t) ? "en" : NULL;
}

static const char *const listing_fields[] = {"status", "writers", "error", "banner", "copyright", "run", "latest",
                                             "tool", NULL};
static const char *const writer_fields[] = {"name", "writer_id", "instance_id", "state", "state_name",
                                            "state_text", "last_error", "last_error_code", "last_error_text",
                                            "run", "latest", "tool", NULL};
static const kb_fact_decl facts[] = {
    {"vssadmin.listing", listing_fields}, {"vssadmin.writer", writer_fields}, {NULL, NULL},
};

const kb_source kb_source_diskshadow = {
    .name = "diskshadow",
    .kind = "diskshadow_writers",
    .label = "diskshadow list writers status output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "vssadmin_writers",
    .collect = {
        .file = "diskshadow_list_writers_status.txt",
        .command = "diskshadow /s list_writers.dsh > <file>",
        .why_en = "Run in an elevated command prompt on the server; list_writers.dsh is a text file holding the line: list writers status.",
        .why_ja = "管理者として起動したコマンド プロンプトで実行してください。list_writers.dsh は「list writers status」の 1 行を書いたテキスト ファイルです。",
    },
    .covers = KB_COVERS_MOMENT,
};
