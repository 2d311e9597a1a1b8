/* wevtutil_text.c: event logs saved as `wevtutil qe <log> /f:text` prints
 * them (psSDP saves them so, as COMPUTER_evt_<log>.txt): one block per
 * record, "Event[N]:", then indented "Label: value" lines in a fixed order
 * (Log Name, Source, Date, Event ID, Task, Level, Opcode, Keyword, User,
 * User Name, Computer, Description), then the rendered message up to the
 * next block. The labels are read in English, and by their place when
 * wevtutil printed them in another language. The message stands for the
 * insertion strings the export lacks; there is no EventRecordID. Date is
 * the server's local time (read as if it were UTC, said so). */
#include "events/event.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "text/lines.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { F_LOG, F_SOURCE, F_DATE, F_ID, F_TASK, F_LEVEL, F_OPCODE, F_KEYWORD, F_USER, F_USER_NAME, F_COMPUTER,
       F_DESCRIPTION, F_COUNT };

static const char *const labels[F_COUNT] = {
    "Log Name", "Source", "Date", "Event ID", "Task", "Level", "Opcode", "Keyword", "User", "User Name",
    "Computer", "Description",
};

/* "Event[12]:" */
static int block_start(const char *line)
{
    if (strncmp(line, "Event[", 6) != 0)
        return 0;
    const char *p = line + 6;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p))
        p++;
    return p[0] == ']' && p[1] == ':' && kb_is_blank(p + 2);
}

/* "  Label: value": the label's index (English, else by place), and the value. */
static int header_line(const char *line, int place, const char **value)
{
    if (line[0] != ' ' || line[1] != ' ' || line[2] == ' ')
        return -1;
    const char *colon = strchr(line + 2, ':');
    if (!colon)
        return -1;
    size_t n = (size_t)(colon - (line + 2));
    size_t vlen;
    *value = kb_trim(colon + 1, &vlen);
    for (int i = 0; i < F_COUNT; i++)
        if (strlen(labels[i]) == n && strncasecmp(line + 2, labels[i], n) == 0)
            return i;
    return place < F_COUNT ? place : -1;
}

static int sniff(const kb_text *t)
{
    for (size_t i = 0; i + 2 < t->nlines && i < 200; i++) {
        const char *v;
        if (block_start(t->lines[i]) && header_line(t->lines[i + 1], 0, &v) >= 0 &&
            header_line(t->lines[i + 2], 1, &v) >= 0)
            return 90;
    }
    return 0;
}

static const char *locale(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines && i < 200; i++)
        if (strncmp(t->lines[i], "  Log Name:", 11) == 0)
            return "en";
    return NULL;
}

/* One block: lines [first, end). */
static int read_block(kb_parse_ctx *ctx, const kb_text *t, size_t first, size_t end, kb_event_log *log)
{
    char *v[F_COUNT] = {0};
    size_t i = first + 1;
    int place = 0;
    for (; i < end && place < F_COUNT; i++, place++) {
        const char *value;
        int f = header_line(t->lines[i], place, &value);
        if (f < 0)
            break;
        size_t n;
        value = kb_trim(value, &n);
        free(v[f]);
        v[f] = kb_xstrndup(value, n);
        if (f == F_DESCRIPTION) {
            i++;
            break;
        }
    }
    size_t last = end;
    while (last > i && kb_is_blank(t->lines[last - 1]))
        last--;
    kb_buf msg = KB_BUF_INIT;
    if (v[F_DESCRIPTION] && *v[F_DESCRIPTION])
        kb_buf_puts(&msg, v[F_DESCRIPTION]);
    for (size_t k = i; k < last; k++) {
        if (msg.len)
            kb_buf_putc(&msg, '\n');
        kb_buf_puts(&msg, t->lines[k]);
    }
    int64_t when = KB_TIME_NONE;
    if (v[F_DATE] && kb_time_parse(v[F_DATE], &when) != 0)
        when = KB_TIME_NONE;
    char *endp = NULL;
    long id = v[F_ID] ? strtol(v[F_ID], &endp, 10) : -1;
    if (!v[F_ID] || endp == v[F_ID])
        id = -1;
    kb_event_record r = {
        .provider = v[F_SOURCE], .event_id = id, .qualifiers = -1, .level = kb_event_level(v[F_LEVEL]),
        .time = when, .record = 0, .computer = v[F_COMPUTER], .channel = v[F_LOG],
        .message = kb_buf_str(&msg), .first_line = first + 1, .last_line = last > first ? last : first + 1,
    };
    int rc = kb_event_add(ctx, t, &r, log);
    kb_buf_free(&msg);
    for (int k = 0; k < F_COUNT; k++)
        free(v[k]);
    return rc;
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    kb_event_log log = {0};
    size_t i = 0;
    while (i < t->nlines && !block_start(t->lines[i]))
        i++;
    if (i > 0)
        kb_input_note(ctx->input, "line 1", "%zu line(s) before the first event block not read", i);
    while (i < t->nlines) {
        size_t end = i + 1;
        while (end < t->nlines && !block_start(t->lines[end]))
            end++;
        if (read_block(ctx, t, i, end, &log) != 0) {
            kb_event_log_end(ctx, &log);
            return KB_ERR_NOMEM;
        }
        i = end;
    }
    kb_input_note(ctx->input, NULL, "times are the server's local time, as wevtutil printed them");
    return kb_event_log_end(ctx, &log);
}

static const kb_fact_decl facts[] = {
    {"event", kb_event_fields}, {KB_FACT_LOG_EXTENT, kb_event_log_fields}, {NULL, NULL},
};

const kb_source kb_source_evt_text = {
    .name = "evt_text",
    .kind = "evt_text",
    .label = "event log exported as text (wevtutil qe /f:text)",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale,
    .parse = parse,
    .facts = facts,
    .feed = "eventlog:<Channel>",
    .covers = KB_COVERS_EVENTS,
    .counts = kb_event_counts,
};
