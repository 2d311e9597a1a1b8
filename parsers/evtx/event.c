/* event.c: the event fact of a record (see event.h). */
#include "evtx/event.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const kb_evtx_event_fields[] = {
    "provider", "event_id", "qualifiers", "level", "channel", "computer", "data", "data#", "strings",
    "binary", "binary_text", "binary_utf16", "service", "service_state", "io_error_code", "io_final_status",
    "data:*", "payload", "provider_name", NULL,
};

int kb_evtx_event_field_ok(const char *name)
{
    for (const char *const *f = kb_evtx_event_fields; *f; f++) {
        size_t n = strlen(*f);
        if ((*f)[n - 1] == '#') {
            size_t digits = strspn(name + n - 1, "0123456789");
            if (strncmp(name, *f, n - 1) == 0 && digits && digits <= 5 && name[n - 1] != '0' &&
                name[n - 1 + digits] == '\0')
                return 1;
        } else if ((*f)[n - 1] == '*') {
            if (strncmp(name, *f, n - 1) == 0 && name[n - 1])
                return 1;
        } else if (strcmp(name, *f) == 0) {
            return 1;
        }
    }
    return 0;
}

const char *kb_evtx_provider(const kb_binxml_record *r)
{
    return r->event_source_name && *r->event_source_name ? r->event_source_name : r->provider_name;
}

/* ---- the Binary --------------------------------------------------------- */

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The bytes of a hex string (malloc'd), or NULL when it is not one. */
static unsigned char *hex_bytes(const char *hex, size_t *n)
{
    size_t len = strlen(hex);
    if (len == 0 || len % 2)
        return NULL;
    unsigned char *b = kb_xmalloc(len / 2);
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return NULL;
        }
        b[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    *n = len / 2;
    return b;
}

/* Kept as text when it is printable ASCII (VSS writes its call site,
 * process and account there), NUL padding at its end left out. */
static void add_text(kb_fact *f, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = b[i];
        if (!((c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t' || c == 0))
            return;
    }
    while (n && b[n - 1] == 0)
        n--;
    if (n && !memchr(b, 0, n))
        kb_fact_set_n(f, "binary_text", (const char *)b, n);
}

/* UTF-16LE text ending in one NUL unit, every unit before it printable:
 * what services.exe writes (the service's key name, "VSS/4" for 7036). */
static char *utf16_text(const unsigned char *b, size_t n)
{
    if (n < 4 || n % 2 || b[n - 2] || b[n - 1])
        return NULL;
    kb_buf out = KB_BUF_INIT;
    for (size_t i = 0; i + 2 < n; i += 2) {
        unsigned u = (unsigned)b[i] | (unsigned)b[i + 1] << 8;
        if (u < 0x20 || (u >= 0x7f && u < 0xa0) || (u >= 0xd800 && u < 0xe000) || u >= 0xfffe) {
            kb_buf_free(&out);
            return NULL;
        }
        char enc[3];
        size_t len = u < 0x80 ? 1 : u < 0x800 ? 2 : 3;
        if (len == 1) {
            enc[0] = (char)u;
        } else if (len == 2) {
            enc[0] = (char)(0xc0 | u >> 6);
            enc[1] = (char)(0x80 | (u & 0x3f));
        } else {
            enc[0] = (char)(0xe0 | u >> 12);
            enc[1] = (char)(0x80 | ((u >> 6) & 0x3f));
            enc[2] = (char)(0x80 | (u & 0x3f));
        }
        kb_buf_append(&out, enc, len);
    }
    return kb_buf_take(&out);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Service Control Manager: the service's key name, and after a '/' the
 * state 7036 reports (1 stopped ... 4 running ... 7 paused). */
static void add_service(kb_fact *f, const char *text)
{
    const char *slash = strrchr(text, '/');
    if (slash && slash[1] && strspn(slash + 1, "0123456789") == strlen(slash + 1)) {
        kb_fact_set_n(f, "service", text, (size_t)(slash - text));
        kb_fact_set(f, "service_state", slash + 1);
    } else {
        kb_fact_set(f, "service", text);
    }
}

/* A driver's IO_ERROR_LOG_PACKET (disk, Ntfs, storport, volsnap): its
 * ErrorCode at 0x0C, whose low 16 bits are the event id (the guard), and
 * the NTSTATUS at 0x14. */
static void add_io_error(kb_fact *f, const unsigned char *b, size_t n, uint32_t event_id)
{
    if (n < 0x28 || (le32(b + 0x0c) & 0xffff) != (event_id & 0xffff))
        return;
    kb_fact_setf(f, "io_error_code", "0x%08x", (unsigned)le32(b + 0x0c));
    kb_fact_setf(f, "io_final_status", "0x%08x", (unsigned)le32(b + 0x14));
}

void kb_evtx_event_binary(kb_fact *f, const char *hex, const char *provider, uint32_t event_id)
{
    kb_fact_set(f, "binary", hex);
    size_t n = 0;
    unsigned char *b = hex_bytes(hex, &n);
    if (!b)
        return;
    add_text(f, b, n);
    char *utf16 = utf16_text(b, n);
    if (utf16) {
        kb_fact_set(f, "binary_utf16", utf16);
        if (kb_strcaseeq(provider, "Service Control Manager"))
            add_service(f, utf16);
        free(utf16);
    }
    add_io_error(f, b, n, event_id);
    free(b);
}

/* ---- the payload ---------------------------------------------------------- */

/* The section libevtx lists strings of: EventData, else
 * ProcessingErrorData, else UserData. */
static kb_binxml_section string_section(const kb_binxml_record *r)
{
    int pe = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        if (r->fields[i].section == KB_BINXML_EVENTDATA)
            return KB_BINXML_EVENTDATA;
        pe |= r->fields[i].section == KB_BINXML_PROCESSING_ERROR;
    }
    return pe ? KB_BINXML_PROCESSING_ERROR : KB_BINXML_USERDATA;
}

/* A value libevtx lists as a string: substituted, not empty. */
static int is_string(const kb_binxml_field *f, kb_binxml_section section)
{
    return f->section == section && (f->flags & KB_BINXML_FIELD_SUBST) && !(f->flags & KB_BINXML_FIELD_EMPTY);
}

/* The EventData <Binary> (a child of EventData itself). */
static int is_binary(const kb_binxml_field *f)
{
    return f->section == KB_BINXML_EVENTDATA && strcmp(f->elem, "Binary") == 0 && !f->name &&
           !(f->flags & KB_BINXML_FIELD_ATTR);
}

static void add_strings(kb_fact *f, const kb_binxml_record *r, uint32_t event_id)
{
    kb_binxml_section section = string_section(r);
    const kb_binxml_field *binary = NULL;
    kb_buf all = KB_BUF_INIT;
    kb_buf_puts(&all, "");
    unsigned n = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        const kb_binxml_field *v = &r->fields[i];
        if (!is_string(v, section))
            continue;
        if (!binary && r->has_binary && is_binary(v)) {
            binary = v;
            continue;
        }
        char name[24];
        snprintf(name, sizeof name, "data%u", ++n);
        kb_fact_set_n(f, name, v->value, v->value_len);
        if (n > 1)
            kb_buf_putc(&all, '\n');
        kb_buf_append(&all, v->value, v->value_len);
    }
    if (binary)
        kb_evtx_event_binary(f, binary->value, kb_fact_get(f, "provider"), event_id);
    kb_fact_set(f, "data", kb_buf_str(&all));
    kb_buf_free(&all);
    kb_fact_setf(f, "strings", "%u", n);
}

/* The name of a named value: a Data's Name; below UserData, the path
 * below its one element (LogFileCleared/SubjectUserName: SubjectUserName);
 * below ProcessingErrorData or DebugData, the path below it. */
static const char *value_name(const kb_binxml_field *v)
{
    if (!v->name || !*v->name)
        return NULL;
    if (v->section != KB_BINXML_USERDATA)
        return v->name;
    const char *slash = strchr(v->name, '/');
    return slash && slash[1] ? slash + 1 : NULL;
}

/* data:<Name> for each named value (an array's items joined by newlines),
 * and payload: the element the values are in. */
static void add_named(kb_fact *f, const kb_binxml_record *r)
{
    static const char *const sections[] = {"", "EventData", "UserData", "ProcessingErrorData", "DebugData"};
    for (size_t i = 0; i < r->nfields; i++) {
        const kb_binxml_field *v = &r->fields[i];
        const char *name = value_name(v);
        if (i == 0 && v->section >= KB_BINXML_EVENTDATA && v->section <= KB_BINXML_DEBUGDATA) {
            if (v->section == KB_BINXML_USERDATA && v->name) {
                size_t root = strcspn(v->name, "/");
                kb_fact_setf(f, "payload", "UserData/%.*s", (int)root, v->name);
            } else {
                kb_fact_set(f, "payload", sections[v->section]);
            }
        }
        if (!name)
            continue;
        char *key = kb_strprintf("data:%s", name);
        const char *had = kb_fact_get(f, key);
        if (!had) {
            kb_fact_set_n(f, key, v->value, v->value_len);
        } else if (v->flags & KB_BINXML_FIELD_ARRAY) {
            char *joined = kb_strprintf("%s\n%.*s", had, (int)v->value_len, v->value);
            kb_fact_set(f, key, joined);
            free(joined);
        }
        free(key);
    }
}

kb_fact *kb_evtx_event_fact(const kb_binxml_record *r, size_t input, const char *channel)
{
    kb_fact *f = kb_fact_new("event", input);
    const char *provider = kb_evtx_provider(r);
    uint32_t event_id = r->event_id & 0xffff; /* classic ids carry severity/facility bits above */
    kb_fact_set(f, "provider", provider ? provider : "");
    kb_fact_setf(f, "event_id", "%u", (unsigned)event_id);
    if (r->has_qualifiers)
        kb_fact_setf(f, "qualifiers", "%u", (unsigned)r->qualifiers);
    if (r->has_level)
        kb_fact_setf(f, "level", "%u", (unsigned)r->level);
    kb_fact_set(f, "channel", r->channel ? r->channel : channel ? channel : "");
    kb_fact_set(f, "computer", r->computer ? r->computer : "");
    add_strings(f, r, event_id);
    add_named(f, r);
    if (r->provider_name && provider && strcmp(r->provider_name, provider) != 0)
        kb_fact_set(f, "provider_name", r->provider_name);
    return f;
}
