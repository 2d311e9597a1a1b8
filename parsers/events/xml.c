/* xml.c: event logs exported as XML, read with expat as a stream (a large
 * export costs its facts, not a tree):
 *   `wevtutil qe /f:xml` (<Event> elements one after the other, no root)
 *   and Event Viewer's "Save as XML" (<Events><Event>...), the event
 *   schema: System (Provider Name, EventID Qualifiers, Level,
 *   TimeCreated SystemTime, EventRecordID, Channel, Computer), EventData
 *   (the insertion strings, <Binary>) or UserData, and RenderingInfo's
 *   Message when rendered (/f:RenderedXml);
 *   PowerShell CLIXML of event records (Export-Clixml, as CSS-Exchange
 *   VSSTester saves events-App.xml): Get-EventLog's EventLogEntry (Source,
 *   EventID, InstanceId, EntryType, TimeGenerated, Index, MachineName,
 *   ReplacementStrings, Data, Message; the log in its type name) and
 *   Get-WinEvent's EventLogRecord (ProviderName, Id, Level, TimeCreated,
 *   RecordId, LogName, MachineName, Properties, Message).
 * A document type or entity declaration is refused (exports have none).
 * Damage ends the reading with the events before it kept. */
#include "text/clock.h"
#include "events/event.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "text/lines.h"

#include <expat.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KB_XML_MAX_DEPTH 64
#define KB_XML_MAX_STRINGS 256
#define KB_XML_MAX_REFS 256

typedef enum xml_shape { XML_EVENTS = 0, XML_CLIXML } xml_shape;

/* A record being read. */
typedef struct xml_record {
    char *provider, *id, *qualifiers, *level, *level_word, *time, *record, *channel, *computer;
    char *message, *binary, *instance;
    char *strings[KB_XML_MAX_STRINGS];
    size_t nstrings;
    int has_strings;
    size_t first_line;
} xml_record;

typedef struct xml_frame {
    char name[32];      /* the element's name, cut */
    char prop[48];      /* CLIXML: its N attribute */
    char ref[16];       /* CLIXML: its RefId */
} xml_frame;

typedef struct xml_reader {
    kb_parse_ctx *ctx;
    const kb_text *text;
    XML_Parser parser;
    xml_shape shape;
    xml_frame stack[KB_XML_MAX_DEPTH];
    int depth;              /* elements open (the wrapper included) */
    int record_depth;       /* the depth of the record's element, or 0 */
    int in_record;
    xml_record rec;
    kb_buf chars;           /* the text of the element open */
    kb_event_log log;
    int refused;            /* a DTD or an entity: stop */
    int failed;             /* out of memory */
    /* CLIXML: objects serialised once and referred to later (EntryType). */
    char *ref_ids[KB_XML_MAX_REFS], *ref_values[KB_XML_MAX_REFS];
    size_t nrefs;
    char current_ref[16];   /* the RefId of the object whose ToString is read */
} xml_reader;

static void record_free(xml_record *r)
{
    char **all[] = {&r->provider, &r->id, &r->qualifiers, &r->level, &r->level_word, &r->time, &r->record,
                    &r->channel, &r->computer, &r->message, &r->binary, &r->instance};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(*all[i]);
    for (size_t i = 0; i < r->nstrings; i++)
        free(r->strings[i]);
    memset(r, 0, sizeof *r);
}

static void set(char **slot, const char *value)
{
    free(*slot);
    *slot = kb_xstrdup(value ? value : "");
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

/* The element's name without a namespace prefix. */
static const char *local(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon ? colon + 1 : name;
}

static const xml_frame *frame(const xml_reader *x, int up)
{
    int i = x->depth - 1 - up;
    return i >= 0 ? &x->stack[i] : NULL;
}

static int named(const xml_frame *f, const char *name)
{
    return f && strcmp(f->name, name) == 0;
}

static void add_string(xml_record *r, const char *s)
{
    r->has_strings = 1;
    if (r->nstrings < KB_XML_MAX_STRINGS)
        r->strings[r->nstrings++] = kb_xstrdup(s);
}

/* CLIXML writes control characters as _xHHHH_ (a line break is
 * _x000D__x000A_): decoded in place (to UTF-8, never longer). */
static void clixml_unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        unsigned v = 0;
        int ok = r[0] == '_' && r[1] == 'x' && r[6] == '_';
        for (int k = 2; ok && k < 6; k++) {
            char c = r[k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            ok = d >= 0;
            v = v * 16 + (unsigned)(d < 0 ? 0 : d);
        }
        if (!ok || v == 0 || v >= 0x800) {
            *w++ = *r++;
            continue;
        }
        if (v < 0x80) {
            *w++ = (char)v;
        } else {
            *w++ = (char)(0xc0 | v >> 6);
            *w++ = (char)(0x80 | (v & 0x3f));
        }
        r += 7;
    }
    *w = '\0';
}

/* CLIXML's byte arrays (<BA>) are base64: the hex the EVTX parser gives. */
static char *base64_to_hex(const char *s)
{
    kb_buf out = KB_BUF_INIT;
    kb_buf_puts(&out, "");
    unsigned acc = 0;
    int bits = 0;
    for (; *s; s++) {
        const char *set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const char *p = *s ? strchr(set, *s) : NULL;
        if (!p)
            continue;
        acc = acc << 6 | (unsigned)(p - set);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            kb_buf_printf(&out, "%02X", (acc >> bits) & 0xff);
        }
    }
    return kb_buf_take(&out);
}

/* ---- the event schema --------------------------------------------------------- */

static void event_start(xml_reader *x, const char *name, const XML_Char **atts)
{
    xml_record *r = &x->rec;
    if (strcmp(name, "Provider") == 0 && attr(atts, "Name"))
        set(&r->provider, attr(atts, "Name"));
    else if (strcmp(name, "EventID") == 0 && attr(atts, "Qualifiers"))
        set(&r->qualifiers, attr(atts, "Qualifiers"));
    else if (strcmp(name, "TimeCreated") == 0 && attr(atts, "SystemTime"))
        set(&r->time, attr(atts, "SystemTime"));
    else if (strcmp(name, "EventData") == 0 || strcmp(name, "UserData") == 0)
        r->has_strings = 1;
}

static void event_end(xml_reader *x, const char *name, const char *text)
{
    xml_record *r = &x->rec;
    const xml_frame *parent = frame(x, 1);
    if (named(parent, "System")) {
        if (strcmp(name, "EventID") == 0)
            set(&r->id, text);
        else if (strcmp(name, "Level") == 0)
            set(&r->level, text);
        else if (strcmp(name, "EventRecordID") == 0)
            set(&r->record, text);
        else if (strcmp(name, "Channel") == 0)
            set(&r->channel, text);
        else if (strcmp(name, "Computer") == 0)
            set(&r->computer, text);
        return;
    }
    if (named(parent, "EventData")) {
        if (strcmp(name, "Binary") == 0)
            set(&r->binary, text);
        else if (strcmp(name, "Data") == 0)
            add_string(r, text);
        return;
    }
    if (named(parent, "RenderingInfo") && strcmp(name, "Message") == 0) {
        set(&r->message, text);
        return;
    }
    /* UserData: each value of its one element, in order. */
    for (int up = 2; up < x->depth - x->record_depth + 1; up++)
        if (named(frame(x, up), "UserData") && !named(frame(x, 0), "UserData")) {
            add_string(r, text);
            return;
        }
}

/* ---- CLIXML ---------------------------------------------------------------------- */

/* "System.Diagnostics.EventLogEntry#Application/VSS/8193": the log. */
static void clixml_type(xml_reader *x, const char *t)
{
    const char *hash = strstr(t, "EventLogEntry#");
    if (!hash || x->rec.channel)
        return;
    hash += strlen("EventLogEntry#");
    size_t n = strcspn(hash, "/");
    x->rec.channel = kb_xstrndup(hash, n);
}

static const char *ref_value(const xml_reader *x, const char *id)
{
    for (size_t i = 0; id && i < x->nrefs; i++)
        if (strcmp(x->ref_ids[i], id) == 0)
            return x->ref_values[i];
    return NULL;
}

/* The property a value of the record belongs to: the N of the element, or of
 * the object it is in (a list's item, an enum's ToString). */
static const char *record_prop(const xml_reader *x, int *up_out)
{
    for (int up = 0; up < x->depth - x->record_depth; up++) {
        const xml_frame *f = frame(x, up);
        if (f->prop[0]) {
            *up_out = up;
            return f->prop;
        }
    }
    return NULL;
}

static void clixml_value(xml_reader *x, const char *name, const char *text)
{
    xml_record *r = &x->rec;
    int up = 0;
    const char *prop = record_prop(x, &up);
    if (!prop)
        return;
    if (strcmp(prop, "ReplacementStrings") == 0 && up > 0 && strcmp(name, "S") == 0) {
        add_string(r, text);
        return;
    }
    if (strcmp(prop, "ReplacementStrings") == 0) {
        r->has_strings = 1;
        return;
    }
    if (strcmp(prop, "Value") == 0 && up == 0) {
        /* Properties: each EventProperty's Value, in order */
        for (int k = 1; k < x->depth - x->record_depth; k++)
            if (strcmp(frame(x, k)->prop, "Properties") == 0) {
                add_string(r, text);
                return;
            }
    }
    if (up != 0 && !(strcmp(name, "ToString") == 0 && up == 1))
        return;
    static const struct {
        const char *prop;
        size_t field;
    } props[] = {
        {"Source", offsetof(xml_record, provider)}, {"ProviderName", offsetof(xml_record, provider)},
        {"EventID", offsetof(xml_record, id)}, {"Id", offsetof(xml_record, id)},
        {"InstanceId", offsetof(xml_record, instance)}, {"Level", offsetof(xml_record, level)},
        {"EntryType", offsetof(xml_record, level_word)}, {"LevelDisplayName", offsetof(xml_record, level_word)},
        {"TimeGenerated", offsetof(xml_record, time)}, {"TimeCreated", offsetof(xml_record, time)},
        {"Index", offsetof(xml_record, record)}, {"RecordId", offsetof(xml_record, record)},
        {"LogName", offsetof(xml_record, channel)}, {"MachineName", offsetof(xml_record, computer)},
        {"Message", offsetof(xml_record, message)}, {"Data", offsetof(xml_record, binary)},
    };
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
        if (strcmp(prop, props[i].prop) != 0)
            continue;
        char **slot = (char **)((char *)r + props[i].field);
        if (strcmp(prop, "Data") == 0) {
            free(*slot);
            *slot = strcmp(name, "BA") == 0 ? base64_to_hex(text) : kb_xstrdup("");
        } else if (!*slot || strcmp(prop, "EntryType") != 0 || strcmp(name, "ToString") == 0) {
            set(slot, text);
        }
        return;
    }
}

static void clixml_start(xml_reader *x, const char *name, const XML_Char **atts)
{
    const char *ref = attr(atts, "RefId");
    const char *n = attr(atts, "N");
    /* <Ref N="EntryType" RefId="5"/>: the ToString of object 5 again. */
    if (strcmp(name, "Ref") == 0 && n && strcmp(n, "EntryType") == 0) {
        const char *v = ref_value(x, ref);
        if (v)
            set(&x->rec.level_word, v);
    }
    if (strcmp(name, "Obj") == 0 && ref)
        snprintf(x->current_ref, sizeof x->current_ref, "%s", ref);
}

static void clixml_end(xml_reader *x, const char *name, const char *text)
{
    if (strcmp(name, "T") == 0) {
        clixml_type(x, text);
        return;
    }
    if (strcmp(name, "ToString") == 0 && x->current_ref[0] && x->nrefs < KB_XML_MAX_REFS &&
        !ref_value(x, x->current_ref)) {
        x->ref_ids[x->nrefs] = kb_xstrdup(x->current_ref);
        x->ref_values[x->nrefs++] = kb_xstrdup(text);
    }
    clixml_value(x, name, text);
}

/* ---- records ------------------------------------------------------------------- */

static void emit(xml_reader *x, size_t last_line)
{
    xml_record *r = &x->rec;
    int64_t when = KB_TIME_NONE;
    int zoned;
    if (r->time && kb_event_time(r->time, KB_DATE_MONTH_FIRST, &when, &zoned) != 0)
        when = KB_TIME_NONE;
    char *end = NULL;
    long id = r->id ? strtol(r->id, &end, 10) : -1;
    if (!r->id || end == r->id)
        id = -1;
    long qualifiers = r->qualifiers ? strtol(r->qualifiers, NULL, 10) : -1;
    if (qualifiers < 0 && r->instance)
        qualifiers = (long)(strtoll(r->instance, NULL, 10) >> 16 & 0xffff);
    int level = r->level ? (int)strtol(r->level, NULL, 10) : -1;
    if (level < 0 && r->level_word)
        level = kb_event_level(r->level_word);
    if (r->message && x->shape == XML_CLIXML)
        clixml_unescape(r->message);
    for (size_t i = 0; x->shape == XML_CLIXML && i < r->nstrings; i++)
        clixml_unescape(r->strings[i]);
    kb_event_record e = {
        .provider = r->provider, .event_id = id, .qualifiers = qualifiers, .level = level, .time = when,
        .record = r->record ? strtoull(r->record, NULL, 10) : 0, .computer = r->computer, .channel = r->channel,
        .strings = (const char *const *)r->strings, .nstrings = r->nstrings, .has_strings = r->has_strings,
        .binary_hex = r->binary, .message = r->message, .first_line = r->first_line, .last_line = last_line,
    };
    if (kb_event_add(x->ctx, x->text, &e, &x->log) != 0)
        x->failed = 1;
    record_free(r);
}

static size_t line_now(const xml_reader *x)
{
    return (size_t)XML_GetCurrentLineNumber(x->parser);
}

static int is_record(const xml_reader *x, const char *name)
{
    if (x->in_record)
        return 0;
    if (x->shape == XML_EVENTS)
        return strcmp(name, "Event") == 0;
    return strcmp(name, "Obj") == 0 && named(frame(x, 0), "Objs");
}

static void XMLCALL on_start(void *arg, const XML_Char *qname, const XML_Char **atts)
{
    xml_reader *x = arg;
    const char *name = local(qname);
    if (x->depth >= KB_XML_MAX_DEPTH) {
        x->depth++;
        return;
    }
    if (is_record(x, name)) {
        record_free(&x->rec);
        x->in_record = 1;
        x->record_depth = x->depth + 1;
        x->rec.first_line = line_now(x);
    }
    xml_frame *f = &x->stack[x->depth++];
    snprintf(f->name, sizeof f->name, "%s", name);
    const char *n = attr(atts, "N");
    snprintf(f->prop, sizeof f->prop, "%s", n && x->shape == XML_CLIXML ? n : "");
    kb_buf_reset(&x->chars);
    if (!x->in_record)
        return;
    if (x->shape == XML_EVENTS)
        event_start(x, name, atts);
    else
        clixml_start(x, name, atts);
}

static void XMLCALL on_end(void *arg, const XML_Char *qname)
{
    xml_reader *x = arg;
    if (x->depth > KB_XML_MAX_DEPTH) {
        x->depth--;
        return;
    }
    const char *name = local(qname);
    if (x->in_record && x->depth > x->record_depth) {
        const char *text = kb_buf_str(&x->chars);
        if (x->shape == XML_EVENTS)
            event_end(x, name, text);
        else
            clixml_end(x, name, text);
    }
    if (x->in_record && x->depth == x->record_depth) {
        emit(x, line_now(x));
        x->in_record = 0;
        x->record_depth = 0;
    }
    x->depth--;
    kb_buf_reset(&x->chars);
}

static void XMLCALL on_chars(void *arg, const XML_Char *s, int len)
{
    xml_reader *x = arg;
    if (x->in_record && len > 0)
        kb_buf_append(&x->chars, s, (size_t)len);
}

static void XMLCALL on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int internal)
{
    (void)name, (void)sysid, (void)pubid, (void)internal;
    xml_reader *x = arg;
    x->refused = 1;
    XML_StopParser(x->parser, XML_FALSE);
}

static void XMLCALL on_entity(void *arg, const XML_Char *name, int param, const XML_Char *value, int len,
                              const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
    (void)name, (void)param, (void)value, (void)len, (void)base, (void)sysid, (void)pubid, (void)notation;
    xml_reader *x = arg;
    x->refused = 1;
    XML_StopParser(x->parser, XML_FALSE);
}

/* ---- the source ------------------------------------------------------------------- */

static xml_shape shape_of(const kb_text *t, int *found)
{
    int objs = 0, events = 0;
    for (size_t i = 0; i < t->nlines && i < 50; i++) {
        const char *l = t->lines[i];
        events |= strstr(l, "schemas.microsoft.com/win/2004/08/events/event") != NULL;
        objs |= strstr(l, "<Objs") && strstr(l, "schemas.microsoft.com/powershell/2004/04");
        if (objs && (strstr(l, "System.Diagnostics.EventLogEntry") ||
                     strstr(l, "System.Diagnostics.Eventing.Reader.EventLogRecord")))
            objs = 2;
    }
    *found = events || objs == 2;
    return objs == 2 ? XML_CLIXML : XML_EVENTS;
}

static int sniff(const kb_text *t)
{
    int found;
    shape_of(t, &found);
    return found ? 90 : 0;
}

static const char *locale(const kb_text *t)
{
    (void)t;
    return NULL;
}

/* Feeds the decoded lines, joined by line feeds, inside a wrapper element
 * (wevtutil prints its events without a root), the XML declaration left
 * out: the text is UTF-8 now, whatever the declaration says. */
static int feed(xml_reader *x, const kb_text *t)
{
    if (XML_Parse(x->parser, "<kbscan-export>", 15, 0) != XML_STATUS_OK)
        return -1;
    for (size_t i = 0; i < t->nlines; i++) {
        const char *l = t->lines[i];
        if (i == 0 && strncmp(l, "<?xml", 5) == 0) {
            const char *end = strstr(l, "?>");
            l = end ? end + 2 : "";
        }
        if (XML_Parse(x->parser, l, (int)strlen(l), 0) != XML_STATUS_OK ||
            XML_Parse(x->parser, "\n", 1, 0) != XML_STATUS_OK)
            return -1;
        if (x->failed)
            return -1;
    }
    return XML_Parse(x->parser, "</kbscan-export>", 16, 1) == XML_STATUS_OK ? 0 : -1;
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    int found;
    xml_reader *x = kb_xcalloc(1, sizeof *x);
    x->ctx = ctx;
    x->text = t;
    x->shape = shape_of(t, &found);
    x->parser = XML_ParserCreate("UTF-8");
    if (!x->parser)
        kb_out_of_memory();
    XML_SetUserData(x->parser, x);
    XML_SetElementHandler(x->parser, on_start, on_end);
    XML_SetCharacterDataHandler(x->parser, on_chars);
    XML_SetStartDoctypeDeclHandler(x->parser, on_doctype);
    XML_SetEntityDeclHandler(x->parser, on_entity);
    kb_status st = KB_OK;
    if (feed(x, t) != 0 && !x->failed) {
        char where[32];
        snprintf(where, sizeof where, "line %lu", (unsigned long)XML_GetCurrentLineNumber(x->parser));
        const char *why = x->refused ? "a document type or entity declaration, which no event export has"
                                     : XML_ErrorString(XML_GetErrorCode(x->parser));
        kb_input_note(ctx->input, where, "%s", why);
        kb_input_fail(ctx->input, KB_INPUT_DAMAGED, "XML read up to %s: %s", where, why);
    }
    if (x->failed)
        st = KB_ERR_NOMEM;
    record_free(&x->rec);
    for (size_t i = 0; i < x->nrefs; i++) {
        free(x->ref_ids[i]);
        free(x->ref_values[i]);
    }
    kb_buf_free(&x->chars);
    XML_ParserFree(x->parser);
    kb_event_log_end(ctx, &x->log);
    free(x);
    return st;
}

static const kb_fact_decl facts[] = {
    {"event", kb_event_fields}, {KB_FACT_LOG_EXTENT, kb_event_log_fields}, {NULL, NULL},
};

const kb_source kb_source_evt_xml = {
    .name = "evt_xml",
    .kind = "evt_xml",
    .label = "event log exported as XML (wevtutil /f:xml, Event Viewer, PowerShell CLIXML)",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale,
    .parse = parse,
    .facts = facts,
    .feed = "eventlog:<Channel>",
    .covers = KB_COVERS_EVENTS,
    .counts = kb_event_counts,
};
