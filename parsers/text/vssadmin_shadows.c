/* vssadmin_shadows.c: saved `vssadmin list shadows` output: the shadow
 * copies that exist, per shadow copy set.
 *
 *   vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool
 *   (C) Copyright 2001-2013 Microsoft Corp.
 *
 *   Contents of shadow copy set ID: {43dd2d4b-3a58-487a-842d-564143d0501f}
 *      Contained 1 shadow copies at creation time: 9/10/2021 5:49:26 PM
 *         Shadow Copy ID: {eef18c41-c6bc-40bb-9863-5491249d2458}
 *            Original Volume: (C:)\\?\Volume{67a44989-8413-4a7c-a616-79385dae8605}\
 *            Shadow Copy Volume: \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy3
 *            Originating Machine: FS01.contoso.local
 *            Service Machine: FS01.contoso.local
 *            Provider: 'Microsoft Software Shadow Copy provider 1.0'
 *            Type: ClientAccessibleWriters
 *            Attributes: Persistent, Client-accessible, No auto release, Differential
 *
 * or "No items found that satisfy the query." Structure first: a set is a
 * {GUID} value, then a line with a count before its colon and a date after
 * it; a shadow copy is a {GUID} value then two values holding paths. The
 * lines after those are named by their English labels, or, in a language
 * whose labels are not known, by their place when there are the usual five.
 * The creation time is kept as printed (its format is the server's). */
#include "text/lines.h"
#include "text/vssadmin_runs.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The lines after a shadow copy's device, in the order vssadmin prints them. */
static const struct {
    const char *label, *field;
} details[] = {
    {"Originating Machine", "originating_machine"}, {"Service Machine", "service_machine"},
    {"Provider", "provider"}, {"Type", "type"}, {"Attributes", "attributes"},
};

#define NDETAILS (sizeof details / sizeof details[0])

static int is_blank_or_end(const kb_text *t, size_t i, size_t end)
{
    return i >= end || kb_is_blank(t->lines[i]);
}

/* Lines of the shadow copy at i: its three lines and the detail lines
 * (label and colon) up to a blank line, the next shadow copy or set. */
static size_t copy_lines(const kb_text *t, size_t i, size_t end)
{
    size_t j = i + kb_vss_shadow_copy_at(t, i, end), len;
    while (!is_blank_or_end(t, j, end) && !kb_vss_shadow_copy_at(t, j, end) && !kb_vss_shadow_set_at(t, j, end) &&
           kb_after_colon(t->lines[j], &len))
        j++;
    return j - i;
}

/* A set and its shadow copies. */
static size_t set_at(const kb_text *t, size_t i, size_t end)
{
    size_t n = kb_vss_shadow_set_at(t, i, end);
    if (!n)
        return 0;
    size_t j = i + n;
    while (j < end && kb_vss_shadow_copy_at(t, j, end))
        j += copy_lines(t, j, end);
    return j - i;
}

static void note_line(kb_parse_ctx *ctx, size_t line, const char *fmt, const char *arg)
{
    char where[32];
    snprintf(where, sizeof where, "line %zu", line + 1);
    kb_input_note(ctx->input, where, fmt, arg);
}

/* The index in details[] of an English label, or -1. */
static int detail_of(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    for (size_t k = 0; k < NDETAILS; k++) {
        size_t n = strlen(details[k].label);
        if (strncmp(p, details[k].label, n) == 0 && p[n] == ':')
            return (int)k;
    }
    return -1;
}

static void set_value(kb_fact *f, const char *field, const char *line)
{
    size_t len;
    const char *v = kb_after_colon(line, &len);
    char *clean = strcmp(field, "provider") == 0 ? kb_vss_unquoted(v, len) : kb_strndup(v, len);
    kb_fact_set(f, field, clean ? clean : "");
    free(clean);
}

typedef struct set_info {
    char set_id[39];
    char *created;
    char *count;
} set_info;

static int read_copy(kb_parse_ctx *ctx, const kb_text *t, size_t i, size_t n, const set_info *set, size_t run,
                     int latest)
{
    kb_fact *f = kb_text_fact(ctx, "vssadmin.shadow", t, i + 1, i + n);
    if (!f)
        return -1;
    kb_fact_set(f, "set_id", set->set_id);
    kb_fact_set(f, "set_count", set->count ? set->count : "");
    kb_fact_set(f, "created", set->created ? set->created : "");
    char guid[39];
    kb_find_guid(t->lines[i], guid);
    kb_fact_set(f, "shadow_id", guid);
    size_t len;
    const char *v = kb_after_colon(t->lines[i + 1], &len);
    char *volume = kb_vss_volume_name(v, len, guid);
    kb_fact_set(f, "original_volume", volume ? volume : "");
    kb_fact_set(f, "original_volume_guid", guid);
    free(volume);
    set_value(f, "shadow_device", t->lines[i + 2]);
    /* Details by their English labels; in another language by their place,
     * when all five are there and none is English. */
    size_t ndetails = n - 3;
    int english = 0;
    for (size_t k = 0; k < ndetails; k++)
        english |= detail_of(t->lines[i + 3 + k]) >= 0;
    for (size_t k = 0; k < ndetails; k++) {
        const char *line = t->lines[i + 3 + k];
        int d = detail_of(line);
        if (d >= 0)
            set_value(f, details[d].field, line);
        else if (!english && ndetails == NDETAILS)
            set_value(f, details[k].field, line);
        else
            note_line(ctx, i + 3 + k, "%s", "shadow copy line not understood");
    }
    kb_vss_set_run(f, run, latest);
    return 0;
}

/* "Contained 2 shadow copies at creation time: 25-08-2022 12:16:16": the
 * number before the colon and the time after it. */
static void read_contained(const char *line, set_info *set)
{
    size_t len;
    const char *v = kb_after_colon(line, &len);
    set->created = kb_strndup(v, len);
    const char *p = line;
    while (p < v && !isdigit((unsigned char)*p))
        p++;
    size_t n = 0;
    while (p + n < v && isdigit((unsigned char)p[n]))
        n++;
    set->count = n ? kb_strndup(p, n) : NULL;
}

static int read_set(kb_parse_ctx *ctx, const kb_text *t, size_t i, size_t len, size_t run, int latest)
{
    set_info set;
    memset(&set, 0, sizeof set);
    kb_find_guid(t->lines[i], set.set_id);
    read_contained(t->lines[i + 1], &set);
    size_t copies = 0, end = i + len;
    int rc = 0;
    for (size_t j = i + 2; j < end && rc == 0; copies++) {
        size_t n = copy_lines(t, j, end);
        rc = read_copy(ctx, t, j, n, &set, run, latest);
        j += n;
    }
    /* A cut file (or a pasted part) lists fewer shadow copies than the set says. */
    if (rc == 0 && set.count && strtoul(set.count, NULL, 10) != copies) {
        char where[32];
        snprintf(where, sizeof where, "line %zu", i + 2);
        kb_input_note(ctx->input, where, "the set says %s shadow copies, %zu are listed", set.count, copies);
    }
    free(set.created);
    free(set.count);
    return rc == 0 ? (int)copies : -1;
}

const kb_vss_lister kb_vss_shadows_lister = {
    .command = KB_VSS_SHADOWS,
    .source = &kb_source_vssadmin_shadows,
    .item_at = set_at,
    .read_item = read_set,
    .what = "a shadow copy list",
};

/* The banner's tool name; the English set line and "No items" too. */
static const char *locale_of(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++) {
        const char *l = kb_vss_line_locale(t->lines[i]);
        if (l)
            return l;
        size_t len;
        const char *p = kb_trim(t->lines[i], &len);
        if (strncmp(p, "Contents of shadow copy set ID:", 31) == 0 || kb_vss_is_no_items(p))
            return "en";
    }
    return NULL;
}

static int sniff(const kb_text *t)
{
    return kb_vss_sniff(t, KB_VSS_SHADOWS);
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    return kb_vss_read(t, ctx, KB_VSS_SHADOWS);
}

static const char *const run_fields[] = {"command", "command_from", "status", "error", "banner",
                                         "copyright", "items", "run", "latest", NULL};
static const char *const shadow_fields[] = {
    "set_id", "set_count", "created", "shadow_id", "original_volume", "original_volume_guid", "shadow_device",
    "originating_machine", "service_machine", "provider", "type", "attributes", "run", "latest", NULL};
static const kb_fact_decl facts[] = {
    {"vssadmin.run", run_fields}, {"vssadmin.shadow", shadow_fields}, {NULL, NULL},
};

const kb_source kb_source_vssadmin_shadows = {
    .name = "vssadmin_shadows",
    .kind = "vssadmin_shadows",
    .label = "vssadmin list shadows output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "vssadmin_shadows",
    .collect = {
        .file = "vssadmin_list_shadows.txt",
        .command = "vssadmin list shadows > <file>",
        .why_en = "Run in an elevated command prompt on the server.",
        .why_ja = "管理者として起動したコマンド プロンプトで実行してください。",
    },
    .covers = KB_COVERS_MOMENT,
};
