/* vssadmin_shadowstorage.c: saved `vssadmin list shadowstorage` output:
 * where each volume's shadow copies are stored and how much room they may
 * take (rules on volsnap's deletions compare the events with it).
 *
 *   vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool
 *   (C) Copyright 2001-2013 Microsoft Corp.
 *
 *   Shadow Copy Storage association
 *      For volume: (E:)\\?\Volume{3b5f1c2d-9e8a-4f7b-a6c5-1d2e3f4a5b6c}\
 *      Shadow Copy Storage volume: (F:)\\?\Volume{8c7d6e5f-4a3b-4c2d-9e1f-0a9b8c7d6e5f}\
 *      Used Shadow Copy Storage space: 1,024 MB (0%)
 *      Allocated Shadow Copy Storage space: 1.5 GB (0%)
 *      Maximum Shadow Copy Storage space: UNBOUNDED (100%)
 *
 * or "No items found that satisfy the query." when no volume has any.
 * Structure only (no localized labels are known): a line without colon,
 * two values holding \\?\Volume{GUID}\, three sizes in the order used,
 * allocated, maximum. Sizes become bytes (B..EB are powers of 1024; the
 * decimal separator is the last one followed by one or two digits). */
#include "text/lines.h"
#include "text/vssadmin_runs.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Units as Windows prints them (en; fr octets; ru), powers of 1024. */
static const struct {
    const char *unit;
    unsigned power;
} units[] = {
    {"B", 0}, {"KB", 1}, {"MB", 2}, {"GB", 3}, {"TB", 4}, {"PB", 5}, {"EB", 6},
    {"o", 0}, {"Ko", 1}, {"Mo", 2}, {"Go", 3}, {"To", 4}, {"Po", 5}, {"Eo", 6},
    {"Б", 0}, {"КБ", 1}, {"МБ", 2}, {"ГБ", 3}, {"ТБ", 4}, {"ПБ", 5}, {"ЭБ", 6},
};

/* A separator inside a number: . , ' space, no-break space, narrow no-break space. */
static size_t separator_at(const char *p)
{
    if (*p == '.' || *p == ',' || *p == '\'' || *p == ' ')
        return 1;
    if ((unsigned char)p[0] == 0xc2 && (unsigned char)p[1] == 0xa0)
        return 2;
    if ((unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xaf)
        return 3;
    return 0;
}

typedef struct size_value {
    char *printed;   /* "22.1 GB", "UNBOUNDED" */
    char *pct;       /* "4" of "(4%)", or NULL */
    int has_bytes;
    uint64_t bytes;
    int unbounded;
} size_value;

/* "1,024" "22,1" "1.5" "1 024" -> whole and fraction digits; 0 when the
 * number is not one. */
static int read_number(const char *s, size_t len, uint64_t *whole, uint64_t *frac, unsigned *frac_digits)
{
    /* The last separator followed by one or two digits (then the end) is the decimal one. */
    size_t last_sep = len, last_sep_len = 0;
    for (size_t i = 0; i < len;) {
        size_t n = separator_at(s + i);
        if (n) {
            last_sep = i;
            last_sep_len = n;
            i += n;
        } else if (isdigit((unsigned char)s[i])) {
            i++;
        } else {
            return 0;
        }
    }
    size_t decimal = len;
    if (last_sep < len) {
        size_t digits = len - last_sep - last_sep_len;
        if (digits >= 1 && digits <= 2)
            decimal = last_sep;
    }
    *whole = 0;
    *frac = 0;
    *frac_digits = 0;
    int any = 0;
    for (size_t i = 0; i < decimal;) {
        size_t n = separator_at(s + i);
        if (n) {
            i += n;
            continue;
        }
        if (*whole > (UINT64_MAX - 9) / 10)
            return 0;
        *whole = *whole * 10 + (uint64_t)(s[i] - '0');
        any = 1;
        i++;
    }
    if (decimal < len)
        for (size_t i = decimal + last_sep_len; i < len; i++) {
            *frac = *frac * 10 + (uint64_t)(s[i] - '0');
            (*frac_digits)++;
        }
    return any;
}

/* "22.1 GB (4%)" -> the size as printed, its bytes, the percentage. */
static void read_size(const char *value, size_t len, size_value *out)
{
    memset(out, 0, sizeof *out);
    const char *open = memchr(value, '(', len);
    size_t size_len = open ? (size_t)(open - value) : len;
    while (size_len && value[size_len - 1] == ' ')
        size_len--;
    out->printed = kb_strndup(value, size_len);
    if (open) {
        const char *p = open + 1;
        while (p < value + len && *p == ' ')
            p++;
        size_t n = 0;
        while (p + n < value + len && isdigit((unsigned char)p[n]))
            n++;
        const char *q = p + n;
        while (q < value + len && *q == ' ')
            q++;
        if (n && q < value + len && *q == '%')
            out->pct = kb_strndup(p, n);
    }
    if (size_len == 9 && strncasecmp(value, "UNBOUNDED", 9) == 0) {
        out->unbounded = 1;
        return;
    }
    /* The number runs to the last digit; the unit follows it. */
    size_t num_end = 0;
    for (size_t i = 0; i < size_len; i++)
        if (isdigit((unsigned char)value[i]))
            num_end = i + 1;
    size_t u = num_end;
    while (u < size_len && value[u] == ' ')
        u++;
    if (num_end == 0 || u == size_len)
        return;
    uint64_t whole, frac;
    unsigned digits;
    if (!read_number(value, num_end, &whole, &frac, &digits))
        return;
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        size_t ul = strlen(units[k].unit);
        if (ul != size_len - u || strncasecmp(value + u, units[k].unit, ul) != 0)
            continue;
        uint64_t unit = (uint64_t)1 << (10 * units[k].power);
        uint64_t scale = digits == 2 ? 100 : digits == 1 ? 10 : 1;
        if (whole > UINT64_MAX / unit)
            return;
        uint64_t bytes = whole * unit;
        /* frac < scale <= 100: exact unless the unit is near 2^64 (EB). */
        uint64_t part = unit <= UINT64_MAX / 100 ? frac * unit / scale : frac * (unit / scale);
        if (bytes > UINT64_MAX - part)
            return;
        out->bytes = bytes + part;
        out->has_bytes = 1;
        return;
    }
}

static void free_size(size_value *v)
{
    free(v->printed);
    free(v->pct);
}

static void note_line(kb_parse_ctx *ctx, size_t line, const char *message)
{
    char where[32];
    snprintf(where, sizeof where, "line %zu", line + 1);
    kb_input_note(ctx->input, where, "%s", message);
}

static void set_volume(kb_fact *f, const char *line, const char *field, const char *guid_field, char guid[39])
{
    size_t len;
    const char *v = kb_after_colon(line, &len);
    char *name = kb_vss_volume_name(v, len, guid);
    kb_fact_set(f, field, name ? name : "");
    kb_fact_set(f, guid_field, guid);
    free(name);
}

static int read_association(kb_parse_ctx *ctx, const kb_text *t, size_t i, size_t len, size_t run, int latest)
{
    kb_fact *f = kb_text_fact(ctx, "vssadmin.shadowstorage", t, i + 1, i + len);
    if (!f)
        return -1;
    char for_guid[39], on_guid[39];
    set_volume(f, t->lines[i + 1], "for_volume", "for_volume_guid", for_guid);
    set_volume(f, t->lines[i + 2], "storage_volume", "storage_volume_guid", on_guid);
    kb_fact_set(f, "same_volume", for_guid[0] && strcmp(for_guid, on_guid) == 0 ? "yes" : "no");
    static const char *const names[3][3] = {
        {"used", "used_bytes", "used_pct"},
        {"allocated", "allocated_bytes", "allocated_pct"},
        {"maximum", "max_bytes", "max_pct"},
    };
    size_value sizes[3];
    for (int k = 0; k < 3; k++) {
        size_t vlen;
        const char *v = kb_after_colon(t->lines[i + 3 + (size_t)k], &vlen);
        read_size(v, vlen, &sizes[k]);
        kb_fact_set(f, names[k][0], sizes[k].printed ? sizes[k].printed : "");
        if (sizes[k].has_bytes)
            kb_fact_setf(f, names[k][1], "%llu", (unsigned long long)sizes[k].bytes);
        if (sizes[k].pct)
            kb_fact_set(f, names[k][2], sizes[k].pct);
        if (!sizes[k].has_bytes && !(k == 2 && sizes[k].unbounded))
            note_line(ctx, i + 3 + (size_t)k, k == 2 ? "maximum neither a size kbscan reads nor UNBOUNDED: kept as printed"
                                                     : "size kbscan cannot read: kept as printed");
    }
    if (sizes[2].unbounded || sizes[2].has_bytes)
        kb_fact_set(f, "max_unbounded", sizes[2].unbounded ? "yes" : "no");
    if (sizes[0].has_bytes && sizes[2].has_bytes && sizes[2].bytes > 0) {
        uint64_t used = sizes[0].bytes, max = sizes[2].bytes;
        uint64_t pct = used <= UINT64_MAX / 100 ? used * 100 / max : used / (max / 100 ? max / 100 : 1);
        kb_fact_setf(f, "used_pct_of_max", "%llu", (unsigned long long)pct);
    }
    for (int k = 0; k < 3; k++)
        free_size(&sizes[k]);
    kb_vss_set_run(f, run, latest);
    return 1;
}

const kb_vss_lister kb_vss_shadowstorage_lister = {
    .command = KB_VSS_SHADOWSTORAGE,
    .source = &kb_source_vssadmin_shadowstorage,
    .item_at = kb_vss_storage_at,
    .read_item = read_association,
    .what = "a shadow copy storage list",
};

/* The banner's tool name; the English block head and "No items" too. */
static const char *locale_of(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++) {
        const char *l = kb_vss_line_locale(t->lines[i]);
        if (l)
            return l;
        size_t len;
        const char *p = kb_trim(t->lines[i], &len);
        if ((len == 31 && strncmp(p, "Shadow Copy Storage association", 31) == 0) ||
            kb_vss_is_no_items(p))
            return "en";
    }
    return NULL;
}

static int sniff(const kb_text *t)
{
    return kb_vss_sniff(t, KB_VSS_SHADOWSTORAGE);
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    return kb_vss_read(t, ctx, KB_VSS_SHADOWSTORAGE);
}

static const char *const run_fields[] = {"command", "command_from", "status", "error", "banner",
                                         "copyright", "items", "run", "latest", NULL};
static const char *const storage_fields[] = {
    "for_volume", "for_volume_guid", "storage_volume", "storage_volume_guid", "same_volume", "used",
    "allocated", "maximum", "used_bytes", "allocated_bytes", "max_bytes", "used_pct", "allocated_pct",
    "max_pct", "max_unbounded", "used_pct_of_max", "run", "latest", NULL};
static const kb_fact_decl facts[] = {
    {"vssadmin.run", run_fields}, {"vssadmin.shadowstorage", storage_fields}, {NULL, NULL},
};

const kb_source kb_source_vssadmin_shadowstorage = {
    .name = "vssadmin_shadowstorage",
    .kind = "vssadmin_shadowstorage",
    .label = "vssadmin list shadowstorage output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "vssadmin_shadowstorage",
    .collect = {
        .file = "vssadmin_list_shadowstorage.txt",
        .command = "vssadmin list shadowstorage > <file>",
        .why_en = "Run in an elevated command prompt on the server.",
        .why_ja = "管理者として起動したコマンド プロンプトで実行してください。",
    },
    .covers = KB_COVERS_MOMENT,
};
