/* csv.c: event logs exported as CSV, by the header's column names:
 *   Get-WinEvent | Select ... | Export-Csv (TSS: LevelDisplayName,
 *     TimeCreated, ProviderName, Id, UserId, Message; Veeam: the same less
 *     UserId), with the culture's list separator under -UseCulture (";" in
 *     de-DE), and TSS's .txt of the same rows with tabs;
 *   psSDP's GetEvents.VBS: Date, Time, [Time Generated,] Type/Level,
 *     Computer Name, Event Code, [Source,] [Task Category,] [Username,]
 *     [Sid,] Description;
 *   Event Viewer's "Save as CSV": Level, Date and Time, Source, Event ID,
 *     Task Category, and the description in a sixth field without a name
 *     (headers in the languages of docs/locales.md where known).
 * Quoted fields may span lines. Times are the culture's and local (read
 * as if UTC, said so); the day/month order of n/n/yyyy is read from the
 * dates themselves, and said when it is assumed. The message stands for
 * the insertion strings the export lacks. */
#include "text/clock.h"
#include "events/event.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "text/lines.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { C_PROVIDER, C_ID, C_LEVEL, C_TIME, C_DATE, C_CLOCK, C_MESSAGE, C_RECORD, C_CHANNEL, C_COMPUTER, C_COUNT };

static const struct {
    const char *name;
    int col;
} names[] = {
    {"ProviderName", C_PROVIDER}, {"Source", C_PROVIDER}, {"ProviderName ", C_PROVIDER},
    {"Quelle", C_PROVIDER}, {"\xe3\x82\xbd\xe3\x83\xbc\xe3\x82\xb9", C_PROVIDER},
    {"Id", C_ID}, {"EventID", C_ID}, {"Event ID", C_ID}, {"Event Code", C_ID}, {"EventCode", C_ID},
    {"Ereignis-ID", C_ID}, {"\xe3\x82\xa4\xe3\x83\x99\xe3\x83\xb3\xe3\x83\x88 ID", C_ID},
    {"ID de l\xe2\x80\x99\xc3\xa9v\xc3\xa9nement", C_ID},
    {"LevelDisplayName", C_LEVEL}, {"Level", C_LEVEL}, {"Type/Level", C_LEVEL}, {"EntryType", C_LEVEL},
    {"Type", C_LEVEL}, {"Ebene", C_LEVEL}, {"\xe3\x83\xac\xe3\x83\x99\xe3\x83\xab", C_LEVEL}, {"Niveau", C_LEVEL},
    {"TimeCreated", C_TIME}, {"Date and Time", C_TIME}, {"TimeGenerated", C_TIME}, {"Time Generated", C_TIME},
    {"TimeWritten", C_TIME}, {"Datum und Uhrzeit", C_TIME},
    {"\xe6\x97\xa5\xe4\xbb\x98\xe3\x81\xa8\xe6\x99\x82\xe5\x88\xbb", C_TIME}, {"Date et heure", C_TIME},
    {"Date", C_DATE}, {"Time", C_CLOCK},
    {"Message", C_MESSAGE}, {"Description", C_MESSAGE},
    {"RecordId", C_RECORD}, {"RecordNumber", C_RECORD}, {"Index", C_RECORD},
    {"LogName", C_CHANNEL}, {"ContainerLog", C_CHANNEL},
    {"MachineName", C_COMPUTER}, {"Computer Name", C_COMPUTER}, {"ComputerName", C_COMPUTER},
};

#define KB_CSV_MAX_COLUMNS 64

typedef struct csv_fields {
    char *f[KB_CSV_MAX_COLUMNS + 1];
    size_t n;
} csv_fields;

typedef struct csv_layout {
    char sep;                    /* ',', ';' or '\t' */
    int col[C_COUNT];            /* the column of each, or -1 */
    size_t ncolumns;
    int trailing_message;        /* Event Viewer: the description is one field past the header */
    size_t header_line;          /* 0-based */
} csv_layout;

static int column_of(const char *name)
{
    size_t n;
    const char *s = kb_trim(name, &n);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && strncasecmp(names[i].name, s, n) == 0)
            return names[i].col;
    return -1;
}

static void fields_free(csv_fields *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->f[i]);
    r->n = 0;
}

/* Splits one record, which may span lines (a quoted field holding a line
 * break): from line *i on; *i is left after it. Fields past the limit are
 * joined into the last. */
static void read_record(const kb_text *t, size_t *i, char sep, csv_fields *out)
{
    out->n = 0;
    kb_buf field = KB_BUF_INIT;
    int quoted = 0, in_field = 0;
    kb_buf_puts(&field, "");
    while (*i < t->nlines) {
        const char *p = t->lines[(*i)++];
        for (; *p; p++) {
            if (quoted) {
                if (*p == '"' && p[1] == '"')
                    kb_buf_putc(&field, *p++);
                else if (*p == '"')
                    quoted = 0;
                else
                    kb_buf_putc(&field, *p);
            } else if (*p == '"' && !in_field) {
                quoted = in_field = 1;
            } else if (*p == sep && out->n < KB_CSV_MAX_COLUMNS) {
                out->f[out->n++] = kb_buf_take(&field);
                kb_buf_puts(&field, "");
                in_field = 0;
            } else {
                kb_buf_putc(&field, *p);
                in_field = 1;
            }
        }
        if (!quoted)
            break;
        kb_buf_putc(&field, '\n');
    }
    out->f[out->n++] = kb_buf_take(&field);
}

/* TSS's .txt: the CSV rows with "," turned into tabs, so that only the
 * first and the last quote of a record are left. */
static void read_tab_record(const kb_text *t, size_t *i, csv_fields *out)
{
    out->n = 0;
    kb_buf rec = KB_BUF_INIT;
    kb_buf_puts(&rec, "");
    int open = t->lines[*i][0] == '"';
    for (size_t first = *i; *i < t->nlines; (*i)++) {
        const char *line = t->lines[*i];
        if (*i > first)
            kb_buf_putc(&rec, '\n');
        kb_buf_puts(&rec, line + (*i == first && open));
        size_t n = strlen(line);
        if (!open || (n && line[n - 1] == '"' && (*i > first || n > 1))) {
            (*i)++;
            break;
        }
    }
    char *s = kb_buf_take(&rec);
    size_t n = strlen(s);
    if (open && n && s[n - 1] == '"')
        s[n - 1] = '\0';
    char *save = s;
    for (char *tab; (tab = strchr(save, '\t')) && out->n < KB_CSV_MAX_COLUMNS; save = tab + 1) {
        *tab = '\0';
        out->f[out->n++] = kb_xstrdup(save);
    }
    out->f[out->n++] = kb_xstrdup(save);
    free(s);
}

static void next_record(const kb_text *t, const csv_layout *l, size_t *i, csv_fields *out)
{
    if (l->sep == '\t')
        read_tab_record(t, i, out);
    else
        read_record(t, i, l->sep, out);
}

/* The header with the separator that names most known columns: provider,
 * event id and a time or a level at least. */
static int find_layout(const kb_text *t, csv_layout *best)
{
    static const char seps[] = {',', ';', '\t'};
    int best_known = 0;
    for (size_t h = 0; h < t->nlines && h < 5; h++) {
        if (kb_is_blank(t->lines[h]))
            continue;
        for (size_t k = 0; k < sizeof seps; k++) {
            csv_layout l = {.sep = seps[k], .header_line = h};
            for (int c = 0; c < C_COUNT; c++)
                l.col[c] = -1;
            csv_fields r;
            size_t i = h;
            next_record(t, &l, &i, &r);
            int known = 0;
            for (size_t f = 0; f < r.n; f++) {
                int c = column_of(r.f[f]);
                if (c >= 0 && l.col[c] < 0) {
                    l.col[c] = (int)f;
                    known++;
                }
            }
            l.ncolumns = r.n;
            fields_free(&r);
            int usable = l.col[C_PROVIDER] >= 0 && l.col[C_ID] >= 0 &&
                         (l.col[C_TIME] >= 0 || l.col[C_DATE] >= 0 || l.col[C_LEVEL] >= 0);
            if (usable && known > best_known) {
                best_known = known;
                *best = l;
            }
        }
        break; /* the header is the first line that is not blank */
    }
    return best_known;
}

static int sniff(const kb_text *t)
{
    csv_layout l;
    return find_layout(t, &l) ? 85 : 0;
}

static const char *locale(const kb_text *t)
{
    (void)t;
    return NULL; /* the column names are PowerShell's, in English whatever the culture */
}

static const char *field(const csv_fields *r, int col)
{
    return col >= 0 && (size_t)col < r->n ? r->f[col] : NULL;
}

/* The time of a row: one column, or psSDP's Date and Time apart. */
static char *time_text(const csv_layout *l, const csv_fields *r)
{
    const char *whole = field(r, l->col[C_TIME]);
    if (whole && *whole)
        return kb_xstrdup(whole);
    const char *d = field(r, l->col[C_DATE]), *c = field(r, l->col[C_CLOCK]);
    return d ? kb_strprintf("%s %s", d, c ? c : "") : NULL;
}

/* The day/month order of the file, from every date in it. */
static kb_date_order date_order(const kb_text *t, const csv_layout *l, int *assumed)
{
    int day = 0, month = 0, ampm = 0, slashes = 0;
    csv_fields r;
    for (size_t i = l->header_line + 1; i < t->nlines;) {
        next_record(t, l, &i, &r);
        char *s = time_text(l, &r);
        int a;
        kb_date_order o = kb_date_order_of(s, &a);
        day += o == KB_DATE_DAY_FIRST;
        month += o == KB_DATE_MONTH_FIRST;
        ampm |= a;
        slashes += s && strchr(s, '/') && !(s[0] && s[1] && s[2] && s[3] && s[4] == '/');
        free(s);
        fields_free(&r);
    }
    *assumed = !day && !month && slashes;
    if (day || month)
        return day >= month ? KB_DATE_DAY_FIRST : KB_DATE_MONTH_FIRST;
    return ampm ? KB_DATE_MONTH_FIRST : KB_DATE_DAY_FIRST;
}

static int level_of(const char *s)
{
    if (!s)
        return -1;
    char *end;
    long v = strtol(s, &end, 10);
    if (end != s && kb_is_blank(end))
        return v >= 0 && v <= 255 ? (int)v : -1;
    return kb_event_level(s);
}

static int read_row(kb_parse_ctx *ctx, const kb_text *t, const csv_layout *l, kb_date_order order,
                    const csv_fields *r, size_t first, size_t last, kb_event_log *log)
{
    char *when_s = time_text(l, r);
    int64_t when = KB_TIME_NONE;
    int zoned;
    if (when_s && kb_event_time(when_s, order, &when, &zoned) != 0)
        when = KB_TIME_NONE;
    free(when_s);
    const char *id_s = field(r, l->col[C_ID]), *rec_s = field(r, l->col[C_RECORD]);
    char *end = NULL;
    long id = id_s ? strtol(id_s, &end, 10) : -1;
    if (!id_s || end == id_s)
        id = -1;
    const char *message = field(r, l->col[C_MESSAGE]);
    if (!message && l->trailing_message)
        message = field(r, (int)l->ncolumns);
    kb_event_record rec = {
        .provider = field(r, l->col[C_PROVIDER]), .event_id = id, .qualifiers = -1,
        .level = level_of(field(r, l->col[C_LEVEL])), .time = when,
        .record = rec_s ? strtoull(rec_s, NULL, 10) : 0, .computer = field(r, l->col[C_COMPUTER]),
        .channel = field(r, l->col[C_CHANNEL]), .message = message, .first_line = first, .last_line = last,
    };
    return kb_event_add(ctx, t, &rec, log);
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    csv_layout l;
    if (!find_layout(t, &l))
        return KB_ERR_FORMAT;
    l.trailing_message = l.col[C_MESSAGE] < 0;
    int assumed;
    kb_date_order order = date_order(t, &l, &assumed);
    if (assumed)
        kb_input_note(ctx->input, NULL, "no date tells whether the day or the month comes first: read as %s",
                      order == KB_DATE_DAY_FIRST ? "day/month/year" : "month/day/year");
    kb_event_log log = {0};
    csv_fields r;
    for (size_t i = l.header_line + 1; i < t->nlines;) {
        size_t first = i + 1;
        if (kb_is_blank(t->lines[i])) {
            i++;
            continue;
        }
        next_record(t, &l, &i, &r);
        int rc = read_row(ctx, t, &l, order, &r, first, i, &log);
        fields_free(&r);
        if (rc != 0) {
            kb_event_log_end(ctx, &log);
            return KB_ERR_NOMEM;
        }
    }
    kb_input_note(ctx->input, NULL, "times are the server's local time, as the export printed them");
    return kb_event_log_end(ctx, &log);
}

static const kb_fact_decl facts[] = {
    {"event", kb_event_fields}, {KB_FACT_LOG_EXTENT, kb_event_log_fields}, {NULL, NULL},
};

const kb_source kb_source_evt_csv = {
    .name = "evt_csv",
    .kind = "evt_csv",
    .label = "event log exported as CSV (Export-Csv, Event Viewer, psSDP)",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale,
    .parse = parse,
    .facts = facts,
    .feed = "eventlog:<Channel>",
    .covers = KB_COVERS_EVENTS,
    .counts = kb_event_counts,
};
