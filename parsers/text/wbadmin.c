/* wbadmin.c: saved `wbadmin get versions` output: the Windows Server Backup
 * versions a target holds (when backups last worked, what they can recover).
 *
 *   wbadmin 1.0 - Backup command-line tool
 *   (C) Copyright Microsoft Corporation. All rights reserved.
 *
 *   Backup time: 9/21/2020 4:00 PM
 *   Backup location: Network Share labeled \\10.10.14.4\blackfieldA
 *   Version identifier: 09/21/2020-23:00
 *   Can recover: Volume(s), File(s), Application(s), Bare Metal Recovery, System State
 *   Snapshot ID: {6f4e2c8a-1b3d-4e5f-9a7c-8d6b5e4f3a21}
 *
 * or "ERROR - No backup was found." Structure first: a run starts at the
 * "wbadmin N.N - " banner (any case); a version is a block of label lines
 * holding a value of the identifier's shape MM/dd/yyyy-HH:mm, which is UTC
 * (the backup time above it is the server's local time, shown as printed):
 * the identifier gives the version's time. The other lines are named by
 * their English labels; in another language they stay empty. */
#include "text/lines.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_banner(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return len > 12 && strncasecmp(p, "wbadmin ", 8) == 0 && isdigit((unsigned char)p[8]) &&
           strstr(p, " - ") != NULL;
}

static int is_copyright(const char *line)
{
    return strstr(line, "(C)") || strstr(line, "(c)") || strstr(line, "\xc2\xa9");
}

/* "09/21/2020-23:00" -> microseconds since 1970 UTC; 0 when not that shape. */
static int identifier_time(const char *v, size_t len, int64_t *out)
{
    static const char shape[] = "00/00/0000-00:00";
    if (len != sizeof shape - 1)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (shape[i] == '0' ? !isdigit((unsigned char)v[i]) : v[i] != shape[i])
            return 0;
    char iso[32];
    snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:00Z", v + 6, v, v + 3, v + 11, v + 14);
    int month = atoi(iso + 5), day = atoi(iso + 8), hour = atoi(iso + 11), minute = atoi(iso + 14);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59)
        return 0;
    return kb_time_parse(iso, out) == 0;
}

/* The value of a label line that is a version identifier. */
static int identifier_line(const char *line, int64_t *t)
{
    size_t len;
    const char *v = kb_after_colon(line, &len);
    return v && identifier_time(v, len, t);
}

/* "ERROR - No backup was found." and wbadmin's other errors. */
static const char *error_of(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return strncmp(p, "ERROR - ", 8) == 0 ? p : NULL;
}

static int is_no_backup(const char *error)
{
    return strstr(error, "No backup was found") != NULL;
}

static const struct {
    const char *label, *field;
} labels[] = {
    {"Backup time", "backup_time"}, {"Backup target", "target"}, {"Backup location", "target"},
    {"Version identifier", "version_id"}, {"Can recover", "can_recover"}, {"Snapshot ID", "snapshot_id"},
};

static const char *field_of(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        size_t n = strlen(labels[i].label);
        if (strncmp(p, labels[i].label, n) == 0 && p[n] == ':')
            return labels[i].field;
    }
    return NULL;
}

/* The last line of the block of label lines that starts at line i. */
static size_t block_end(const kb_text *t, size_t i, size_t to)
{
    size_t len, last = i;
    while (last + 1 < to && !kb_is_blank(t->lines[last + 1]) && kb_after_colon(t->lines[last + 1], &len) &&
           !is_banner(t->lines[last + 1]) && !error_of(t->lines[last + 1]))
        last++;
    return last;
}

static void note_line(kb_parse_ctx *ctx, size_t line, const char *message)
{
    char where[32];
    snprintf(where, sizeof where, "line %zu", line + 1);
    kb_input_note(ctx->input, where, "%s", message);
}

static int add_version(kb_parse_ctx *ctx, const kb_text *t, size_t first, size_t last, size_t id_line,
                       int64_t when, size_t run, int latest)
{
    kb_fact *f = kb_text_fact(ctx, "wbadmin.version", t, first + 1, last + 1);
    if (!f)
        return -1;
    f->time = when;
    char iso[40];
    kb_time_format(when, iso, sizeof iso);
    kb_fact_set(f, "time", iso);
    for (size_t i = first; i <= last; i++) {
        size_t len;
        const char *v = kb_after_colon(t->lines[i], &len);
        const char *field = field_of(t->lines[i]);
        char guid[39];
        if (i == id_line)
            field = "version_id";
        else if (!field && kb_find_guid(t->lines[i], guid) == 1)
            field = "snapshot_id";
        if (field && strcmp(field, "snapshot_id") == 0 && kb_find_guid(t->lines[i], guid) == 1)
            kb_fact_set(f, field, guid);
        else if (field)
            kb_fact_set_n(f, field, v, len);
        else
            note_line(ctx, i, "backup version line not understood");
    }
    const char *recover = kb_fact_get(f, "can_recover");
    if (recover) {
        kb_fact_set(f, "system_state", kb_contains_nocase(recover, "System State") ? "yes" : "no");
        kb_fact_set(f, "bare_metal", kb_contains_nocase(recover, "Bare Metal Recovery") ? "yes" : "no");
    }
    kb_input_saw_time(ctx->input, when);
    kb_fact_setf(f, "run", "%zu", run);
    kb_fact_set(f, "latest", latest ? "yes" : "no");
    return 0;
}

/* One run: lines [start, end); start is the banner, or 0 without one. */
static int parse_run(kb_parse_ctx *ctx, const kb_text *t, size_t start, size_t end, int banner, size_t run,
                     int latest)
{
    size_t body = banner ? start + 1 : start;
    size_t count = 0, error_line = 0;
    const char *error = NULL;
    int64_t newest = KB_TIME_NONE;
    const char *newest_id = NULL;
    size_t newest_len = 0;
    for (size_t i = body; i < end; i++) {
        const char *line = t->lines[i];
        size_t len;
        if (kb_after_colon(line, &len) && !kb_is_blank(line) && !error_of(line) && !kb_is_prompt(line) &&
            !is_copyright(line)) {
            /* A block of label lines: a version per identifier in it (the
             * blank lines between versions may be lost in a web copy: each
             * then starts as far before its identifier as the first one). */
            size_t last = block_end(t, i, end), ids[64], nids = 0;
            int64_t times[64];
            for (size_t k = i; k <= last && nids < 64; k++)
                if (identifier_line(t->lines[k], &times[nids]))
                    ids[nids++] = k;
            if (nids == 0) {
                for (size_t k = i; k <= last; k++)
                    note_line(ctx, k, "backup version line without a version identifier in its block: not read");
                i = last;
                continue;
            }
            size_t lead = ids[0] - i;
            for (size_t v = 0; v < nids; v++) {
                size_t first = v == 0 ? i : (ids[v] - lead > ids[v - 1] ? ids[v] - lead : ids[v - 1] + 1);
                size_t next = v + 1 < nids ? (ids[v + 1] - lead > ids[v] ? ids[v + 1] - lead : ids[v] + 1) : last + 1;
                if (add_version(ctx, t, first, next - 1, ids[v], times[v], run, latest) != 0)
                    return -1;
                count++;
                if (newest == KB_TIME_NONE || times[v] >= newest) {
                    newest = times[v];
                    newest_id = kb_after_colon(t->lines[ids[v]], &newest_len);
                }
            }
            i = last;
            continue;
        }
        if (kb_is_blank(line) || kb_is_prompt(line) || is_copyright(line))
            continue;
        const char *e = error_of(line);
        if (e && !error) {
            error = e;
            error_line = i;
            continue;
        }
        note_line(ctx, i, "line not understood as wbadmin get versions output");
    }
    size_t last = end;
    while (last > start + 1 && kb_is_blank(t->lines[last - 1]))
        last--;
    kb_fact *f = kb_text_fact(ctx, "wbadmin.versions", t, start + 1, error ? error_line + 1 : banner ? start + 2 : start + 1);
    if (!f)
        return -1;
    kb_fact_setf(f, "count", "%zu", count);
    /* Versions listed are the answer, whatever else was printed; no
     * version and no error is a listing that may be cut, never "none". */
    kb_fact_set(f, "status", count ? "ok" : error && is_no_backup(error) ? "none" : "error");
    if (error || !count)
        kb_fact_set(f, "error", error ? error : "");
    if (newest_id) {
        kb_fact_set_n(f, "latest_version", newest_id, newest_len);
        char iso[40];
        kb_time_format(newest, iso, sizeof iso);
        kb_fact_set(f, "latest_time", iso);
    }
    if (!count && !error)
        note_line(ctx, start, "no backup version and no error: the listing may be cut");
    kb_fact_setf(f, "run", "%zu", run);
    kb_fact_set(f, "latest", latest ? "yes" : "no");
    return 0;
}

static size_t next_banner(const kb_text *t, size_t from)
{
    while (from < t->nlines && !is_banner(t->lines[from]))
        from++;
    return from;
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    if (t->nlines == 0)
        return KB_OK;
    size_t start = next_banner(t, 0);
    int banner = start < t->nlines;
    if (!banner)
        start = 0;
    for (size_t i = 0; banner && i < start; i++)
        if (!kb_is_blank(t->lines[i]) && !kb_is_prompt(t->lines[i]))
            note_line(ctx, i, "line before wbadmin's banner, not read");
    for (size_t run = 1;; run++) {
        size_t end = next_banner(t, start + 1);
        int latest = end >= t->nlines;
        if (parse_run(ctx, t, start, end, banner, run, latest) != 0)
            return KB_ERR_NOMEM;
        if (latest)
            break;
        start = end;
    }
    return KB_OK;
}

static int sniff(const kb_text *t)
{
    int64_t when;
    int ids = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        if (is_banner(t->lines[i]))
            return 90;
        ids += identifier_line(t->lines[i], &when);
    }
    return ids ? 60 : 0;
}

static const char *locale_of(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++)
        if (field_of(t->lines[i]) || strstr(t->lines[i], "Backup command-line tool") || error_of(t->lines[i]))
            return "en";
    return NULL;
}

static const char *const versions_fields[] = {"status", "count", "latest_version", "latest_time", "error", "run",
                                              "latest", NULL};
static const char *const version_fields[] = {"backup_time", "version_id", "time", "target", "can_recover",
                                             "system_state", "bare_metal", "snapshot_id", "run", "latest", NULL};
static const kb_fact_decl facts[] = {
    {"wbadmin.versions", versions_fields}, {"wbadmin.version", version_fields}, {NULL, NULL},
};

const kb_source kb_source_wbadmin = {
    .name = "wbadmin",
    .kind = "wbadmin_versions",
    .label = "wbadmin get versions output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "wbadmin_versions",
    .collect = {
        .file = "wbadmin_get_versions.txt",
        .command = "wbadmin get versions > <file>",
        .why_en = "Run in an elevated command prompt on the server.",
        .why_ja = "管理者として起動したコマンド プロンプトで実行してください。",
    },
    .covers = KB_COVERS_MOMENT,
};
