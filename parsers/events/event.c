/* event.c: the event facts and the log extent every event export gives
 * (see event.h). */
#include "events/event.h"
#include "core/alloc.h"
#include "core/derived.h"
#include "core/strbuf.h"
#include "text/lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const kb_event_fields[] = {
    "provider", "event_id", "qualifiers", "level", "channel", "computer", "data", "data#",
    "strings", "binary", "binary_text", KB_FIELD_MESSAGE, NULL,
};

const kb_count_decl kb_event_counts[] = {
    {.name = "records", .word = "records", .text = 1, .html = 1},
    {.name = "records_used", .word = "used", .text = 2, .html = 2},
    {.name = NULL},
};

const char *const kb_event_log_fields[] = {
    "channel", "computer", "records", "first_record", "last_record", "first_time", "last_time", NULL,
};

/* ---- levels ---------------------------------------------------------------------- */

/* The level names Event Viewer, Get-WinEvent's LevelDisplayName and
 * wevtutil print, in the languages kbscan reads (docs/locales.md). */
static const struct {
    const char *word;
    int level;
} level_words[] = {
    {"Critical", 1}, {"Error", 2}, {"Warning", 3}, {"Information", 4}, {"Verbose", 5},
    {"Kritisch", 1}, {"Fehler", 2}, {"Warnung", 3}, {"Informationen", 4}, {"Ausf\xc3\xbchrlich", 5},
    {"\xe9\x87\x8d\xe5\xa4\xa7", 1}, {"\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc", 2}, {"\xe8\xad\xa6\xe5\x91\x8a", 3},
    {"\xe6\x83\x85\xe5\xa0\xb1", 4}, {"\xe8\xa9\xb3\xe7\xb4\xb0", 5},
    {"Critique", 1}, {"Erreur", 2}, {"Avertissement", 3}, {"Commentaires", 5},
    {"Cr\xc3\xadtico", 1}, {"Advertencia", 3}, {"Informaci\xc3\xb3n", 4}, {"Detallado", 5},
    {"Critico", 1}, {"Errore", 2}, {"Avviso", 3}, {"Informazioni", 4}, {"Dettagliato", 5},
    {"Erro", 2}, {"Aviso", 3}, {"Informa\xc3\xa7\xc3\xb5" "es", 4}, {"Detalhado", 5},
    {"\xd0\x9a\xd1\x80\xd0\xb8\xd1\x82\xd0\xb8\xd1\x87\xd0\xb5\xd1\x81\xd0\xba\xd0\xb8\xd0\xb9", 1},
    {"\xd0\x9e\xd1\x88\xd0\xb8\xd0\xb1\xd0\xba\xd0\xb0", 2},
    {"\xd0\x9f\xd1\x80\xd0\xb5\xd0\xb4\xd1\x83\xd0\xbf\xd1\x80\xd0\xb5\xd0\xb6\xd0\xb4\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5", 3},
    {"\xd0\xa1\xd0\xb2\xd0\xb5\xd0\xb4\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x8f", 4},
    {"\xe5\x85\xb3\xe9\x94\xae", 1}, {"\xe9\x94\x99\xe8\xaf\xaf", 2}, {"\xe4\xbf\xa1\xe6\x81\xaf", 4},
    {"\xe9\x8c\xaf\xe8\xaa\xa4", 2}, {"\xe8\xb3\x87\xe8\xa8\x8a", 4},
    {"\xec\x9c\x84\xed\x97\x98", 1}, {"\xec\x98\xa4\xeb\xa5\x98", 2}, {"\xea\xb2\xbd\xea\xb3\xa0", 3},
    {"\xec\xa0\x95\xeb\xb3\xb4", 4},
};

int kb_event_level(const char *word)
{
    if (!word)
        return -1;
    size_t n;
    const char *w = kb_trim(word, &n);
    for (size_t i = 0; i < sizeof level_words / sizeof level_words[0]; i++)
        if (strlen(level_words[i].word) == n && strncasecmp(level_words[i].word, w, n) == 0)
            return level_words[i].level;
    return -1;
}

/* ---- names ----------------------------------------------------------------------- */

static int word_at(const char *s, size_t len, size_t at, size_t n)
{
    int before = at == 0 || !((s[at - 1] >= 'a' && s[at - 1] <= 'z') || (s[at - 1] >= 'A' && s[at - 1] <= 'Z'));
    int after = at + n >= len || !((s[at + n] >= 'a' && s[at + n] <= 'z') || (s[at + n] >= 'A' && s[at + n] <= 'Z'));
    return before && after;
}

const char *kb_event_channel_from_name(const char *shown, size_t name_at)
{
    static const struct {
        const char *name, *channel;
    } names[] = {
        {"Application", "Application"}, {"System", "System"}, {"Security", "Security"}, {"Setup", "Setup"},
        {"AppEvent", "Application"}, {"SysEvent", "System"}, {"SecEvent", "Security"},
    };
    const char *base = shown + name_at;
    size_t len = strcspn(base, "#");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i].name);
        for (size_t at = 0; at + n <= len; at++)
            if (strncasecmp(base + at, names[i].name, n) == 0 && word_at(base, len, at, n))
                return names[i].channel;
    }
    return NULL;
}

void kb_event_clean_message(char *m)
{
    if (!m)
        return;
    char *w = m;
    for (const char *r = m; *r;) {
        /* U+200E LEFT-TO-RIGHT MARK, U+200F RIGHT-TO-LEFT MARK */
        if ((unsigned char)r[0] == 0xe2 && (unsigned char)r[1] == 0x80 &&
            ((unsigned char)r[2] == 0x8e || (unsigned char)r[2] == 0x8f)) {
            r += 3;
            continue;
        }
        if (*r == '\r') {
            r++;
            continue;
        }
        if (*r == '\n')
            while (w > m && (w[-1] == ' ' || w[-1] == '\t'))
                w--;
        *w++ = *r++;
    }
    while (w > m && (w[-1] == ' ' || w[-1] == '\t' || w[-1] == '\n'))
        w--;
    *w = '\0';
}

/* ---- facts ----------------------------------------------------------------------- */

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* <Binary> kept as text too when it is printable ASCII (VSS writes its
 * call site, process and account there), as the EVTX parser does. */
static void add_binary(kb_fact *f, const char *hex)
{
    kb_fact_set(f, "binary", hex);
    size_t len = strlen(hex);
    if (len == 0 || len % 2)
        return;
    char *text = kb_xmalloc(len / 2 + 1);
    size_t n = 0;
    int printable = 1;
    for (size_t i = 0; i < len && printable; i += 2) {
        int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
        unsigned char c = (unsigned char)(hi << 4 | lo);
        printable = hi >= 0 && lo >= 0 && ((c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t' || c == 0);
        text[n++] = (char)c;
    }
    while (n && text[n - 1] == 0)
        n--;
    if (printable && n && !memchr(text, 0, n))
        kb_fact_set_n(f, "binary_text", text, n);
    free(text);
}

static void add_strings(kb_fact *f, const kb_event_record *r)
{
    kb_buf all = KB_BUF_INIT;
    kb_buf_puts(&all, "");
    for (size_t i = 0; i < r->nstrings; i++) {
        char name[32];
        snprintf(name, sizeof name, "data%zu", i + 1);
        const char *s = r->strings[i] ? r->strings[i] : "";
        kb_fact_set(f, name, s);
        if (i)
            kb_buf_putc(&all, '\n');
        kb_buf_puts(&all, s);
    }
    kb_fact_set(f, "data", kb_buf_str(&all));
    kb_fact_setf(f, "strings", "%zu", r->nstrings);
    kb_buf_free(&all);
}

static void extend(const kb_parse_ctx *ctx, kb_event_log *log, const kb_event_record *r)
{
    log->records++;
    if (!log->named && r->channel && *r->channel) {
        free(log->channel);
        log->channel = kb_xstrdup(r->channel);
        log->named = 1;
    }
    if (!log->channel) {
        const char *guess = kb_event_channel_from_name(ctx->input->path, ctx->input->name_at);
        log->channel = guess ? kb_xstrdup(guess) : NULL;
    }
    if (!log->computer && r->computer && *r->computer)
        log->computer = kb_xstrdup(r->computer);
    if (r->record) {
        if (!log->have_ids || r->record < log->first_record)
            log->first_record = r->record;
        if (!log->have_ids || r->record > log->last_record)
            log->last_record = r->record;
        log->have_ids = 1;
    }
    if (r->time != KB_TIME_NONE) {
        if (log->first_time == KB_TIME_NONE || r->time < log->first_time)
            log->first_time = r->time;
        if (log->last_time == KB_TIME_NONE || r->time > log->last_time)
            log->last_time = r->time;
    }
}

static int wanted(const kb_parse_ctx *ctx, const kb_event_record *r)
{
    if (r->event_id < 0 || !kb_interest_wants(ctx->interest, r->provider ? r->provider : "",
                                              (uint32_t)(r->event_id & 0xffff)))
        return 0;
    return r->time == KB_TIME_NONE || ((ctx->since == KB_TIME_NONE || r->time >= ctx->since) &&
                                       (ctx->until == KB_TIME_NONE || r->time <= ctx->until));
}

int kb_event_add(kb_parse_ctx *ctx, const kb_text *text, const kb_event_record *r, kb_event_log *log)
{
    if (log->records == 0)
        log->first_time = log->last_time = KB_TIME_NONE;
    extend(ctx, log, r);
    kb_input *in = ctx->input;
    if (in->ncounts > 0)
        in->counts[0]++;
    if (!wanted(ctx, r))
        return 0;
    if (in->ncounts > 1)
        in->counts[1]++;
    kb_fact *f;
    if (text && r->first_line) {
        f = kb_text_fact(ctx, "event", text, r->first_line, r->last_line);
        if (!f)
            return -1;
        free(f->before);
        free(f->after);
        f->before = f->after = NULL; /* around an event are other events, not its context */
    } else {
        kb_keep_settle(ctx);
        f = kb_fact_new("event", ctx->input_index);
        if (kb_factlist_add(ctx->facts, f) != 0)
            return -1;
        ctx->input->facts++;
    }
    f->record = r->record;
    f->time = r->time;
    kb_input_saw_time(ctx->input, r->time);
    kb_fact_set(f, "provider", r->provider ? r->provider : "");
    kb_fact_setf(f, "event_id", "%ld", r->event_id & 0xffff);
    if (r->qualifiers >= 0)
        kb_fact_setf(f, "qualifiers", "%ld", r->qualifiers);
    if (r->level >= 0)
        kb_fact_setf(f, "level", "%d", r->level);
    kb_fact_set(f, "channel", r->channel ? r->channel : log->channel ? log->channel : "");
    kb_fact_set(f, "computer", r->computer ? r->computer : "");
    if (r->has_strings)
        add_strings(f, r);
    if (r->binary_hex && *r->binary_hex)
        add_binary(f, r->binary_hex);
    if (r->message) {
        char *m = kb_xstrdup(r->message);
        kb_event_clean_message(m);
        kb_fact_set(f, KB_FIELD_MESSAGE, m);
        free(m);
    }
    return 0;
}

static void set_time(kb_fact *f, const char *name, int64_t t)
{
    char buf[40];
    if (t == KB_TIME_NONE)
        return;
    kb_time_format(t, buf, sizeof buf);
    kb_fact_set(f, name, buf);
}

kb_status kb_event_log_end(kb_parse_ctx *ctx, kb_event_log *log)
{
    kb_input *in = ctx->input;
    if (log->records == 0)
        log->first_time = log->last_time = KB_TIME_NONE;
    const char *channel = log->channel ? log->channel : kb_event_channel_from_name(in->path, in->name_at);
    if (channel) {
        char *feed = kb_strprintf("eventlog:%s", channel);
        kb_input_add_feed(in, feed);
        free(feed);
        if (!in->channel)
            in->channel = kb_xstrdup(channel);
        if (!log->named)
            kb_input_note(in, NULL, "the export names no log: the file name says %s", channel);
    } else {
        kb_input_note(in, NULL, "the export names no log, nor does the file name: its events feed no rule");
    }
    if (log->computer && !in->computer)
        in->computer = kb_xstrdup(log->computer);
    kb_input_saw_time(in, log->first_time);
    kb_input_saw_time(in, log->last_time);
    kb_fact *f = kb_fact_new(KB_FACT_LOG_EXTENT, ctx->input_index);
    if (channel)
        kb_fact_set(f, "channel", channel);
    if (log->computer)
        kb_fact_set(f, "computer", log->computer);
    kb_fact_setf(f, "records", "%llu", (unsigned long long)log->records);
    if (log->have_ids) {
        kb_fact_setf(f, "first_record", "%llu", (unsigned long long)log->first_record);
        kb_fact_setf(f, "last_record", "%llu", (unsigned long long)log->last_record);
    }
    set_time(f, "first_time", log->first_time);
    set_time(f, "last_time", log->last_time);
    kb_keep_settle(ctx);
    kb_factlist_add(ctx->facts, f);
    free(log->channel);
    free(log->computer);
    memset(log, 0, sizeof *log);
    return KB_OK;
}
