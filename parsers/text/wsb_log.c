/* wsb_log.c: Windows Server Backup's own failure logs,
 * C:\Windows\Logs\WindowsServerBackup\Backup_Error-<dd-mm-yyyy_hh-mm-ss>.log
 * (named in the texts of backup events 517 and 547): one line per file the
 * backup could not read or write.
 *
 *   Error in backup of F:\$Extend\$RmMetadata\$TxfLog\ during write: Error [0x80070005] Access is denied.
 *
 * Structure first: a line with a path (X:\..., \\?\..., \\server\...)
 * and a bracketed HRESULT [0x........]; the path runs from its start to
 * the colon before the HRESULT, less the English " during <phase>" (other
 * languages' wording is not known: their phase stays empty and the path
 * keeps what follows it). The log's time is the date in its file name (the
 * server's local time), when the name has one. Other WSB logs (the
 * Backup-<date>.log of a successful run) are not described by the sources
 * kbscan was written from, and are not read. */
#include "text/lines.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct error_line {
    const char *path;
    size_t path_len;
    const char *phase;
    size_t phase_len;
    const char *hr;    /* the 8 hex digits after "0x" */
    const char *text;  /* after the "]" */
    size_t text_len;
} error_line;

/* Where a path starts in the line: a drive "X:\", "\\?\" or "\\server". */
static const char *path_start(const char *line, const char *before)
{
    for (const char *p = line; p + 2 < before; p++) {
        if (isalpha((unsigned char)p[0]) && p[1] == ':' && p[2] == '\\' && (p == line || p[-1] == ' '))
            return p;
        if (p[0] == '\\' && p[1] == '\\' && (p == line || p[-1] == ' '))
            return p;
    }
    return NULL;
}

/* "[0x80070005]": the first such bracket, or NULL. */
static const char *hr_bracket(const char *line)
{
    for (const char *p = strchr(line, '['); p; p = strchr(p + 1, '[')) {
        if (p[1] != '0' || (p[2] != 'x' && p[2] != 'X'))
            continue;
        int ok = 1;
        for (int i = 3; i < 11 && ok; i++)
            ok = isxdigit((unsigned char)p[i]);
        if (ok && p[11] == ']')
            return p;
    }
    return NULL;
}

static int split_line(const char *line, error_line *e)
{
    const char *bracket = hr_bracket(line);
    if (!bracket)
        return 0;
    const char *path = path_start(line, bracket);
    if (!path)
        return 0;
    /* The colon before the HRESULT ends the path part. */
    const char *colon = NULL;
    for (const char *p = path + 2; p < bracket; p++)
        if (*p == ':' && p[1] == ' ')
            colon = p;
    const char *end = colon ? colon : bracket;
    memset(e, 0, sizeof *e);
    /* English: "<path> during <phase>" */
    const char *during = NULL;
    for (const char *p = path; p + 8 <= end; p++)
        if (strncmp(p, " during ", 8) == 0)
            during = p;
    if (during) {
        e->phase = during + 8;
        e->phase_len = (size_t)(end - e->phase);
        end = during;
    }
    while (end > path && end[-1] == ' ')
        end--;
    e->path = path;
    e->path_len = (size_t)(end - path);
    e->hr = bracket + 3;
    size_t len;
    e->text = kb_trim(bracket + 12, &len);
    e->text_len = len;
    return e->path_len > 0;
}

/* "Backup_Error-31-03-2012_02-00-05.log" -> "2012-03-31T02:00:05": the
 * date in the input's name, or 0. */
static int name_time(const char *path, char out[32])
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (const char *p = base; *p; p++) {
        int ok = 1;
        static const char shape[] = "00-00-0000_00-00-00";
        for (size_t i = 0; i < sizeof shape - 1 && ok; i++)
            ok = shape[i] == '0' ? isdigit((unsigned char)p[i]) != 0 : p[i] == shape[i];
        if (!ok)
            continue;
        snprintf(out, 32, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", p + 6, p + 3, p, p + 11, p + 14, p + 17);
        int month = atoi(out + 5), day = atoi(out + 8);
        return month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }
    return 0;
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    char log_time[32];
    int timed = ctx->input->path && name_time(ctx->input->path, log_time);
    size_t errors = 0, first = 0, unphased = 0, first_unphased = 0;
    kb_strlist volumes = {0};
    for (size_t i = 0; i < t->nlines; i++) {
        const char *line = t->lines[i];
        error_line e;
        if (kb_is_blank(line))
            continue;
        if (!split_line(line, &e)) {
            char where[32];
            snprintf(where, sizeof where, "line %zu", i + 1);
            kb_input_note(ctx->input, where, "line not understood as a Windows Server Backup error line");
            continue;
        }
        kb_fact *f = kb_text_fact(ctx, "wsb.file_error", t, i + 1, i + 1);
        if (!f) {
            kb_strlist_free(&volumes);
            return KB_ERR_NOMEM;
        }
        if (errors++ == 0)
            first = i;
        kb_fact_set_n(f, "path", e.path, e.path_len);
        char volume[3] = {0};
        if (isalpha((unsigned char)e.path[0]) && e.path[1] == ':') {
            volume[0] = (char)toupper((unsigned char)e.path[0]);
            volume[1] = ':';
            if (!kb_strlist_has(&volumes, volume))
                kb_strlist_add(&volumes, volume);
        }
        kb_fact_set(f, "volume", volume);
        kb_fact_set_n(f, "phase", e.phase ? e.phase : "", e.phase_len);
        if (!e.phase && unphased++ == 0)
            first_unphased = i;
        char hr[11] = "0x";
        for (int k = 0; k < 8; k++)
            hr[2 + k] = (char)tolower((unsigned char)e.hr[k]);
        hr[10] = '\0';
        kb_fact_set(f, "hr", hr);
        kb_fact_set_n(f, "text", e.text, e.text_len);
        kb_fact_set(f, "log_time", timed ? log_time : "");
    }
    if (unphased) {
        /* The path cannot be told from the words after it then. */
        char where[32];
        snprintf(where, sizeof where, "line %zu", first_unphased + 1);
        kb_input_note(ctx->input, where,
                      "%zu error line(s) without the English \" during <phase>\": their path is all before "
                      "the colon, words of another language included",
                      unphased);
    }
    kb_fact *log = kb_text_fact(ctx, "wsb.log", t, errors ? first + 1 : 1, errors ? first + 1 : 1);
    if (!log) {
        kb_strlist_free(&volumes);
        return KB_ERR_NOMEM;
    }
    kb_fact_setf(log, "errors", "%zu", errors);
    kb_fact_set(log, "log_time", timed ? log_time : "");
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (size_t k = 0; k < volumes.n; k++)
        kb_buf_printf(&b, "%s%s", k ? ", " : "", volumes.items[k]);
    kb_fact_set(log, "volumes", kb_buf_str(&b));
    kb_buf_free(&b);
    kb_strlist_free(&volumes);
    return KB_OK;
}

/* Two lines in three at least are error lines: a path and a bracketed HRESULT. */
static int sniff(const kb_text *t)
{
    size_t hits = 0, other = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        error_line e;
        if (kb_is_blank(t->lines[i]))
            continue;
        if (split_line(t->lines[i], &e))
            hits++;
        else
            other++;
        if (other > 100 && hits < 2 * other)
            return 0;
    }
    return hits && hits >= 2 * other ? 80 : 0;
}

static const char *locale_of(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++)
        if (strncmp(t->lines[i], "Error in backup of ", 19) == 0)
            return "en";
    return NULL;
}

static const char *const error_fields[] = {"path", "volume", "phase", "hr", "text", "log_time", NULL};
static const char *const log_fields[] = {"errors", "volumes", "log_time", NULL};
static const kb_fact_decl facts[] = {
    {"wsb.log", log_fields}, {"wsb.file_error", error_fields}, {NULL, NULL},
};

const kb_source kb_source_wsb_log = {
    .name = "wsb_log",
    .kind = "wsb_log",
    .label = "Windows Server Backup failure log (Backup_Error-*.log)",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "wsb_logs",
    .collect = {
        .file = "WindowsServerBackup",
        .command = "xcopy %SystemRoot%\\Logs\\WindowsServerBackup <file>\\ /i",
        .why_en = "The folder of Windows Server Backup's logs, with its Backup_Error-*.log files.",
        .why_ja = "Windows Server バックアップのログ フォルダーです (Backup_Error-*.log を含みます)。",
    },
    .covers = KB_COVERS_MOMENT,
};
