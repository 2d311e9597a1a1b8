/* evtx_writer.c: writes EVTX 3.1 files chunk by chunk (see evtxgen.h).
 *
 * Layout per libyal's EVTX format notes, checked against real files with
 * python-evtx's evtx_record_structure.py: a record is a binary XML fragment
 * holding one template instance; the first record of a shape in a chunk
 * carries the template definition inline, later ones point at it; element
 * and attribute names are defined inline once per chunk and referenced by
 * offset afterwards (the chunk's common string table). Literal values
 * (provider, channel, computer, data names) live in the template, the rest
 * in the record's substitution array, as Windows does.
 *
 * Two layouts of EventData. Flat (the default): the record's template holds
 * <EventData> and its <Data> elements, each value a substitution of the
 * record. Windows' (gen_writer_windows_layout): the record's template ends
 * <Event> with one substitution of type BinXml, whose value is a fragment of
 * its own: a second template instance (<EventData>, its <Data Name=...>
 * elements or one string array, <Binary>) with its own values, its
 * definition inline the first time in the chunk, as in 98% of real
 * records. */
#include "evtxgen.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define HEADER_SIZE 4096
#define CHUNK_SIZE 65536
/* Records end before the chunk's last 8 bytes: libevtx 20181227 drops a
 * record that ends exactly at the end of its chunk (python-evtx reads it). */
#define RECORDS_LIMIT (CHUNK_SIZE - 8)
#define RECORDS_START 512
#define MAX_NAMES 512
#define MAX_TEMPLATES 256

enum { T_NULL = 0x00, T_STRING = 0x01, T_UINT8 = 0x04, T_UINT16 = 0x06, T_UINT32 = 0x08,
       T_UINT64 = 0x0a, T_BINARY = 0x0e, T_FILETIME = 0x11, T_SID = 0x13, T_HEX64 = 0x15,
       T_BINXML = 0x21, T_STRING_ARRAY = 0x81 };

typedef struct name_entry {
    char *name;
    uint32_t offset;
} name_entry;

typedef struct template_entry {
    char *key;
    uint32_t offset;
    uint8_t guid[16];
} template_entry;

struct gen_writer {
    FILE *fp;
    char *path;                  /* the file asked for */
    char *tmp_path;              /* written here, renamed to path once complete */
    unsigned char chunk[CHUNK_SIZE];
    size_t pos;
    int overflow;
    name_entry names[MAX_NAMES];
    size_t nnames;
    template_entry templates[MAX_TEMPLATES];
    size_t ntemplates;
    uint32_t string_table[64];
    uint32_t template_table[32];
    uint64_t chunk_index;
    uint64_t first_id, last_id, next_id;
    uint32_t last_record_offset;
    int chunk_records;
    long corrupt_chunk;
    int corrupt_done;
    size_t records_limit;   /* RECORDS_LIMIT, or CHUNK_SIZE on request */
    int windows_layout;     /* EventData as a nested BinXml value */
};

/* ---- little-endian output into the chunk --------------------------------- */

static void put(gen_writer *w, const void *p, size_t n)
{
    if (w->overflow || w->pos + n > w->records_limit) {
        w->overflow = 1;
        return;
    }
    memcpy(w->chunk + w->pos, p, n);
    w->pos += n;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put8(gen_writer *w, uint8_t v) { put(w, &v, 1); }

static void put16(gen_writer *w, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(w, b, 2);
}

static void put32(gen_writer *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(w, b, 4);
}

static void put64(gen_writer *w, uint64_t v)
{
    put32(w, (uint32_t)v);
    put32(w, (uint32_t)(v >> 32));
}

static void patch32(unsigned char *at, uint32_t v)
{
    at[0] = (uint8_t)v;
    at[1] = (uint8_t)(v >> 8);
    at[2] = (uint8_t)(v >> 16);
    at[3] = (uint8_t)(v >> 24);
}

static void patch16(unsigned char *at, uint16_t v)
{
    at[0] = (uint8_t)v;
    at[1] = (uint8_t)(v >> 8);
}

static void patch_size(gen_writer *w, size_t field)
{
    if (!w->overflow)
        patch32(w->chunk + field, (uint32_t)(w->pos - field - 4));
}

/* ---- UTF-8 to UTF-16LE ---------------------------------------------------------- */

/* Next code point of a UTF-8 string; invalid bytes become U+FFFD. */
static uint32_t next_cp(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t cp;
    size_t n;
    if (p[0] < 0x80) { cp = p[0]; n = 1; }
    else if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) { cp = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f); n = 2; }
    else if ((p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
        cp = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f); n = 3;
    } else if ((p[0] & 0xf8) == 0xf0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80) {
        cp = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 | (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
        n = 4;
    } else { cp = 0xfffd; n = 1; }
    *s = p + n;
    return cp;
}

static size_t utf16_units(const char *s)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p)
        n += next_cp(&p) >= 0x10000 ? 2 : 1;
    return n;
}

static void put_utf16(gen_writer *w, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp = next_cp(&p);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put16(w, (uint16_t)(0xd800 | (cp >> 10)));
            put16(w, (uint16_t)(0xdc00 | (cp & 0x3ff)));
        } else {
            put16(w, (uint16_t)cp);
        }
    }
}

/* ---- names (the chunk's common string table) ------------------------------------ */

static uint16_t name_hash(const char *s)
{
    uint32_t h = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p)
        h = h * 65599 + next_cp(&p);
    return (uint16_t)h;
}

/* Writes a name offset, defining the name inline the first time. */
static void put_name(gen_writer *w, const char *name)
{
    for (size_t i = 0; i < w->nnames; i++)
        if (strcmp(w->names[i].name, name) == 0) {
            put32(w, w->names[i].offset);
            return;
        }
    uint32_t offset = (uint32_t)w->pos + 4;
    uint16_t hash = name_hash(name);
    put32(w, offset);
    put32(w, w->string_table[hash % 64]);
    put16(w, hash);
    put16(w, (uint16_t)utf16_units(name));
    put_utf16(w, name);
    put16(w, 0);
    if (!w->overflow && w->nnames < MAX_NAMES) {
        w->names[w->nnames].name = strdup(name);
        w->names[w->nnames].offset = offset;
        w->nnames++;
        w->string_table[hash % 64] = offset;
    }
}

/* ---- binary XML tokens ------------------------------------------------------------- */

/* Opens <name ...>; returns the position of its data size field. When it
 * has attributes, *attr_size gets the position of the attribute list size. */
static size_t open_element(gen_writer *w, const char *name, int has_attributes, size_t *attr_size)
{
    put8(w, has_attributes ? 0x41 : 0x01);
    put16(w, 0xffff); /* no dependency */
    size_t size_field = w->pos;
    put32(w, 0);
    put_name(w, name);
    if (has_attributes) {
        *attr_size = w->pos;
        put32(w, 0);
    }
    return size_field;
}

static void attribute(gen_writer *w, const char *name, int more)
{
    put8(w, more ? 0x46 : 0x06);
    put_name(w, name);
}

static void text_value(gen_writer *w, const char *text)
{
    put8(w, 0x05);
    put8(w, T_STRING);
    put16(w, (uint16_t)utf16_units(text));
    put_utf16(w, text);
}

static void substitution(gen_writer *w, uint16_t index, uint8_t type)
{
    put8(w, 0x0e); /* optional substitution: omitted when its value is null */
    put16(w, index);
    put8(w, type);
}

/* A normal substitution (0x0d), as Windows writes inside nested EventData. */
static void normal_substitution(gen_writer *w, uint16_t index, uint8_t type)
{
    put8(w, 0x0d);
    put16(w, index);
    put8(w, type);
}

/* <name>{substitution}</name> */
static void sub_element(gen_writer *w, const char *name, uint16_t index, uint8_t type)
{
    size_t size = open_element(w, name, 0, NULL);
    put8(w, 0x02);
    substitution(w, index, type);
    put8(w, 0x04);
    patch_size(w, size);
}

static void text_element(gen_writer *w, const char *name, const char *text)
{
    size_t size = open_element(w, name, 0, NULL);
    put8(w, 0x02);
    text_value(w, text);
    put8(w, 0x04);
    patch_size(w, size);
}

/* Substitution indices, in the order Windows uses for System values. */
enum { S_LEVEL, S_OPCODE, S_TASK, S_ID, S_QUALIFIERS, S_KEYWORDS, S_TIME, S_UNUSED, S_PID, S_TID,
       S_RECORD, S_VERSION, S_SID, S_DATA };

static void system_element(gen_writer *w, const gen_event *ev)
{
    size_t attrs, size = open_element(w, "System", 0, NULL);
    put8(w, 0x02);
    size_t p = open_element(w, "Provider", 1, &attrs);
    attribute(w, "Name", ev->provider_guid != NULL);
    text_value(w, ev->provider);
    if (ev->provider_guid) {
        attribute(w, "Guid", 0);
        text_value(w, ev->provider_guid);
    }
    patch_size(w, attrs);
    put8(w, 0x03);
    patch_size(w, p);
    size_t e = open_element(w, "EventID", ev->has_qualifiers, &attrs);
    if (ev->has_qualifiers) {
        attribute(w, "Qualifiers", 0);
        substitution(w, S_QUALIFIERS, T_UINT16);
        patch_size(w, attrs);
    }
    put8(w, 0x02);
    substitution(w, S_ID, T_UINT16);
    put8(w, 0x04);
    patch_size(w, e);
    sub_element(w, "Version", S_VERSION, T_UINT8);
    sub_element(w, "Level", S_LEVEL, T_UINT8);
    sub_element(w, "Task", S_TASK, T_UINT16);
    sub_element(w, "Opcode", S_OPCODE, T_UINT8);
    sub_element(w, "Keywords", S_KEYWORDS, T_HEX64);
    size_t t = open_element(w, "TimeCreated", 1, &attrs);
    attribute(w, "SystemTime", 0);
    substitution(w, S_TIME, T_FILETIME);
    patch_size(w, attrs);
    put8(w, 0x03);
    patch_size(w, t);
    sub_element(w, "EventRecordID", S_RECORD, T_UINT64);
    size_t c = open_element(w, "Correlation", 0, NULL);
    put8(w, 0x03);
    patch_size(w, c);
    size_t x = open_element(w, "Execution", 1, &attrs);
    attribute(w, "ProcessID", 1);
    substitution(w, S_PID, T_UINT32);
    attribute(w, "ThreadID", 0);
    substitution(w, S_TID, T_UINT32);
    patch_size(w, attrs);
    put8(w, 0x03);
    patch_size(w, x);
    text_element(w, "Channel", ev->channel);
    text_element(w, "Computer", ev->computer);
    size_t s = open_element(w, "Security", ev->user_sid != NULL, &attrs);
    if (ev->user_sid) {
        attribute(w, "UserID", 0);
        substitution(w, S_SID, T_SID);
        patch_size(w, attrs);
    }
    put8(w, 0x03);
    patch_size(w, s);
    put8(w, 0x04);
    patch_size(w, size);
}

/* <EventData>: its values are substitutions from index `first` on (S_DATA
 * in the flat layout, 0 in a nested fragment's own template). */
static void event_data_element(gen_writer *w, const gen_event *ev, uint16_t first)
{
    void (*sub)(gen_writer *, uint16_t, uint8_t) = first ? substitution : normal_substitution;
    size_t attrs, size = open_element(w, "EventData", 0, NULL);
    put8(w, 0x02);
    uint16_t next = first;
    if (ev->named) {
        for (size_t i = 0; i < ev->ndata; i++) {
            size_t d = open_element(w, "Data", 1, &attrs);
            attribute(w, "Name", 0);
            text_value(w, ev->names[i]);
            patch_size(w, attrs);
            put8(w, 0x02);
            sub(w, next++, T_STRING);
            put8(w, 0x04);
            patch_size(w, d);
        }
    } else if (ev->ndata) {
        /* Classic sources: every insertion string in one string array. */
        size_t d = open_element(w, "Data", 0, NULL);
        put8(w, 0x02);
        sub(w, next++, T_STRING_ARRAY);
        put8(w, 0x04);
        patch_size(w, d);
    }
    if (ev->binary) {
        size_t b = open_element(w, "Binary", 0, NULL);
        put8(w, 0x02);
        sub(w, next, T_BINARY);
        put8(w, 0x04);
        patch_size(w, b);
    }
    put8(w, 0x04);
    patch_size(w, size);
}

static void template_body(gen_writer *w, const gen_event *ev)
{
    put32(w, 0x0001010f); /* fragment header: 0F 01 01 00 */
    size_t attrs, size = open_element(w, "Event", 1, &attrs);
    attribute(w, "xmlns", 0);
    text_value(w, "http://schemas.microsoft.com/win/2004/08/events/event");
    patch_size(w, attrs);
    put8(w, 0x02);
    system_element(w, ev);
    if (w->windows_layout)
        substitution(w, S_DATA, T_BINXML); /* the nested EventData fragment */
    else
        event_data_element(w, ev, S_DATA);
    put8(w, 0x04);
    patch_size(w, size);
    put8(w, 0x00); /* end of fragment */
}

/* The nested fragment's template: <EventData> alone. */
static void nested_template_body(gen_writer *w, const gen_event *ev)
{
    put32(w, 0x0001010f);
    event_data_element(w, ev, 0);
    put8(w, 0x00);
}

/* ---- templates ----------------------------------------------------------------------- */

/* Everything that changes the template: literals and the value layout. */
static char *shape_key(const gen_event *ev, int windows_layout)
{
    size_t len = 64 + strlen(ev->provider) + strlen(ev->channel) + strlen(ev->computer) +
                 (ev->provider_guid ? strlen(ev->provider_guid) : 0);
    for (size_t i = 0; ev->named && i < ev->ndata; i++)
        len += strlen(ev->names[i]) + 1;
    char *key = malloc(len);
    if (!key)
        return NULL;
    /* The flat layout's keys (hence template GUIDs and bytes) are those of
     * the files written before the nested layout existed. */
    int n = snprintf(key, len, "%s\x1f%s\x1f%s\x1f%s\x1f%d%d%d%d%d%s", ev->provider,
                     ev->provider_guid ? ev->provider_guid : "", ev->channel, ev->computer,
                     ev->has_qualifiers, ev->user_sid != NULL, ev->binary != NULL, ev->named,
                     !ev->named && ev->ndata > 0, windows_layout ? "\x1fW" : "");
    for (size_t i = 0; ev->named && i < ev->ndata && n > 0 && (size_t)n < len; i++)
        n += snprintf(key + n, len - (size_t)n, "\x1f%s", ev->names[i]);
    return key;
}

/* A template GUID derived from the shape, so output is reproducible. */
static void shape_guid(const char *key, uint8_t guid[16])
{
    uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        a = (a ^ *p) * 0x100000001b3ULL;
        b = (b ^ *p) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
    }
    for (int i = 0; i < 8; i++) {
        guid[i] = (uint8_t)(a >> (8 * i));
        guid[8 + i] = (uint8_t)(b >> (8 * i));
    }
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The shape of a nested EventData fragment's template: the data names and
 * which values there are, whatever the provider. */
static char *nested_key(const gen_event *ev)
{
    size_t len = 16;
    for (size_t i = 0; ev->named && i < ev->ndata; i++)
        len += strlen(ev->names[i]) + 1;
    char *key = malloc(len);
    if (!key)
        return NULL;
    int n = snprintf(key, len, "\x1e%d%d%d", ev->binary != NULL, ev->named, !ev->named && ev->ndata > 0);
    for (size_t i = 0; ev->named && i < ev->ndata && n > 0 && (size_t)n < len; i++)
        n += snprintf(key + n, len - (size_t)n, "\x1f%s", ev->names[i]);
    return key;
}

/* The template instance token, with the definition (written by body) when
 * it is new here. */
static void template_instance(gen_writer *w, const gen_event *ev, char *key,
                              void (*body)(gen_writer *, const gen_event *))
{
    for (size_t i = 0; i < w->ntemplates; i++)
        if (strcmp(w->templates[i].key, key) == 0) {
            put8(w, 0x0c);
            put8(w, 0x01);
            put32(w, le32(w->templates[i].guid));
            put32(w, w->templates[i].offset);
            free(key);
            return;
        }
    uint8_t guid[16];
    shape_guid(key, guid);
    uint32_t id = le32(guid);
    put8(w, 0x0c);
    put8(w, 0x01);
    put32(w, id);
    uint32_t offset = (uint32_t)w->pos + 4;
    put32(w, offset);
    put32(w, w->template_table[id % 32]);
    put(w, guid, 16);
    size_t data_size = w->pos;
    put32(w, 0);
    body(w, ev);
    patch_size(w, data_size);
    if (!w->overflow && w->ntemplates < MAX_TEMPLATES) {
        template_entry *t = &w->templates[w->ntemplates++];
        t->key = key;
        t->offset = offset;
        memcpy(t->guid, guid, 16);
        w->template_table[id % 32] = offset;
    } else {
        free(key);
    }
}

/* ---- substitution values ------------------------------------------------------------------ */

/* "S-1-5-18" -> binary SID; returns its size, 0 when malformed. */
static size_t parse_sid(const char *s, uint8_t out[68])
{
    if (strncmp(s, "S-", 2) != 0)
        return 0;
    char *end;
    unsigned long rev = strtoul(s + 2, &end, 10);
    if (*end != '-')
        return 0;
    unsigned long long auth = strtoull(end + 1, &end, 10);
    size_t count = 0;
    uint32_t sub[15];
    while (*end == '-' && count < 15) {
        sub[count++] = (uint32_t)strtoul(end + 1, &end, 10);
    }
    if (*end)
        return 0;
    out[0] = (uint8_t)rev;
    out[1] = (uint8_t)count;
    for (int i = 0; i < 6; i++)
        out[2 + i] = (uint8_t)(auth >> (8 * (5 - i)));
    for (size_t i = 0; i < count; i++)
        patch32(out + 8 + 4 * i, sub[i]);
    return 8 + 4 * count;
}

typedef struct value {
    uint8_t type;
    uint16_t size;
} value;

/* The descriptors of the EventData values (the flat layout's last ones, or
 * a nested fragment's). */
static void data_descriptors(gen_writer *w, const gen_event *ev)
{
    if (ev->named) {
        for (size_t i = 0; i < ev->ndata; i++) {
            put16(w, (uint16_t)(2 * utf16_units(ev->values[i])));
            put8(w, T_STRING);
            put8(w, 0);
        }
    } else if (ev->ndata) {
        size_t bytes = 0;
        for (size_t i = 0; i < ev->ndata; i++)
            bytes += 2 * (utf16_units(ev->values[i]) + 1);
        put16(w, (uint16_t)bytes);
        put8(w, T_STRING_ARRAY);
        put8(w, 0);
    }
    if (ev->binary) {
        put16(w, (uint16_t)ev->nbinary);
        put8(w, T_BINARY);
        put8(w, 0);
    }
}

static void data_values(gen_writer *w, const gen_event *ev)
{
    for (size_t i = 0; i < ev->ndata; i++) {
        put_utf16(w, ev->values[i]);
        if (!ev->named)
            put16(w, 0);
    }
    if (ev->binary)
        put(w, ev->binary, ev->nbinary);
}

/* Windows' layout: EventData as a BinXml fragment holding a template
 * instance of its own; the caller patches the value's size. */
static void nested_event_data(gen_writer *w, const gen_event *ev)
{
    put32(w, 0x0001010f);
    char *key = nested_key(ev);
    if (!key) {
        w->overflow = 1;
        return;
    }
    template_instance(w, ev, key, nested_template_body);
    size_t data_subs = ev->named ? ev->ndata : ev->ndata > 0;
    put32(w, (uint32_t)(data_subs + (ev->binary != NULL)));
    data_descriptors(w, ev);
    data_values(w, ev);
    put8(w, 0x00); /* end of the nested fragment */
}

static void values(gen_writer *w, const gen_event *ev, uint64_t record_id)
{
    uint8_t sid[68];
    size_t sid_size = ev->user_sid ? parse_sid(ev->user_sid, sid) : 0;
    size_t data_subs = ev->named ? ev->ndata : ev->ndata > 0;
    size_t count = S_DATA + (w->windows_layout ? 1 : data_subs + (ev->binary != NULL));
    value v[S_DATA] = {
        [S_LEVEL] = {T_UINT8, 1}, [S_OPCODE] = {T_UINT8, 1}, [S_TASK] = {T_UINT16, 2},
        [S_ID] = {T_UINT16, 2}, [S_QUALIFIERS] = {ev->has_qualifiers ? T_UINT16 : T_NULL, ev->has_qualifiers ? 2 : 0},
        [S_KEYWORDS] = {T_HEX64, 8}, [S_TIME] = {T_FILETIME, 8}, [S_UNUSED] = {T_NULL, 0},
        [S_PID] = {T_UINT32, 4}, [S_TID] = {T_UINT32, 4}, [S_RECORD] = {T_UINT64, 8},
        [S_VERSION] = {T_UINT8, 1}, [S_SID] = {sid_size ? T_SID : T_NULL, (uint16_t)sid_size},
    };
    put32(w, (uint32_t)count);
    for (size_t i = 0; i < S_DATA; i++) {
        put16(w, v[i].size);
        put8(w, v[i].type);
        put8(w, 0);
    }
    size_t nested_size = 0; /* the nested value's descriptor, patched once written */
    if (w->windows_layout) {
        nested_size = w->pos;
        put16(w, 0);
        put8(w, T_BINXML);
        put8(w, 0);
    } else {
        data_descriptors(w, ev);
    }
    put8(w, ev->level);
    put8(w, ev->opcode);
    put16(w, ev->task);
    put16(w, ev->id);
    if (ev->has_qualifiers)
        put16(w, ev->qualifiers);
    put64(w, ev->keywords);
    put64(w, ev->filetime);
    put32(w, ev->process_id);
    put32(w, ev->thread_id);
    put64(w, record_id);
    put8(w, ev->version);
    put(w, sid, sid_size);
    if (!w->windows_layout) {
        data_values(w, ev);
        return;
    }
    size_t start = w->pos;
    nested_event_data(w, ev);
    if (w->pos - start > 0xffff)
        w->overflow = 1; /* a value's size is 16 bits */
    if (!w->overflow)
        patch16(w->chunk + nested_size, (uint16_t)(w->pos - start));
}

/* ---- records and chunks ----------------------------------------------------------------------- */

static void start_chunk(gen_writer *w)
{
    memset(w->chunk, 0, sizeof w->chunk);
    w->pos = RECORDS_START;
    w->overflow = 0;
    for (size_t i = 0; i < w->nnames; i++)
        free(w->names[i].name);
    for (size_t i = 0; i < w->ntemplates; i++)
        free(w->templates[i].key);
    w->nnames = w->ntemplates = 0;
    memset(w->string_table, 0, sizeof w->string_table);
    memset(w->template_table, 0, sizeof w->template_table);
    w->chunk_records = 0;
}

static int write_record(gen_writer *w, const gen_event *ev, uint64_t id)
{
    size_t start = w->pos;
    put32(w, 0x00002a2a);
    put32(w, 0);
    put64(w, id);
    put64(w, ev->filetime);
    put32(w, 0x0001010f);
    char *key = shape_key(ev, w->windows_layout);
    if (!key)
        return -1;
    template_instance(w, ev, key, template_body);
    values(w, ev, id);
    put8(w, 0x00); /* end of fragment */
    while (!w->overflow && (w->pos - start + 4) % 8) /* put() stops at overflow */
        put8(w, 0);
    put32(w, (uint32_t)(w->pos - start + 4));
    if (w->overflow)
        return -1;
    patch32(w->chunk + start + 4, (uint32_t)(w->pos - start));
    w->last_record_offset = (uint32_t)start;
    return 0;
}

static int flush_chunk(gen_writer *w, char *err, size_t errlen)
{
    unsigned char *c = w->chunk;
    memcpy(c, "ElfChnk", 8);
    patch32(c + 8, (uint32_t)w->first_id);
    patch32(c + 12, (uint32_t)(w->first_id >> 32));
    patch32(c + 16, (uint32_t)w->last_id);
    patch32(c + 20, (uint32_t)(w->last_id >> 32));
    memcpy(c + 24, c + 8, 16); /* record identifiers = record numbers */
    patch32(c + 40, 128);
    patch32(c + 44, w->last_record_offset);
    patch32(c + 48, (uint32_t)w->pos);
    uint32_t data_crc = (uint32_t)crc32(0L, c + RECORDS_START, (uInt)(w->pos - RECORDS_START));
    if (w->corrupt_chunk == (long)w->chunk_index) {
        data_crc = ~data_crc; /* damage on request */
        w->corrupt_done = 1;
    }
    patch32(c + 52, data_crc);
    for (int i = 0; i < 64; i++)
        patch32(c + 128 + 4 * i, w->string_table[i]);
    for (int i = 0; i < 32; i++)
        patch32(c + 384 + 4 * i, w->template_table[i]);
    patch32(c + 124, (uint32_t)crc32(crc32(0L, c, 120), c + 128, 384));
    if (fseek(w->fp, (long)(HEADER_SIZE + w->chunk_index * CHUNK_SIZE), SEEK_SET) != 0 ||
        fwrite(c, 1, CHUNK_SIZE, w->fp) != CHUNK_SIZE) {
        snprintf(err, errlen, "write error");
        return -1;
    }
    w->chunk_index++;
    start_chunk(w);
    return 0;
}

/* The log is written to a temporary file next to path and renamed over it
 * only once complete: a failed run never leaves a valid-looking partial log. */
gen_writer *gen_writer_open(const char *path, uint64_t first_record_id, char *err, size_t errlen)
{
    gen_writer *w = calloc(1, sizeof *w);
    size_t n = strlen(path);
    char *tmp = malloc(n + sizeof ".tmp-XXXXXX");
    char *final = strdup(path);
    if (!w || !tmp || !final) {
        snprintf(err, errlen, "out of memory");
        free(w);
        free(tmp);
        free(final);
        return NULL;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    int fd = mkstemp(tmp);
    mode_t mask = umask(0);
    umask(mask);
    if (fd >= 0)
        fchmod(fd, 0666 & ~mask); /* as fopen would create it, not mkstemp's 0600 */
    w->fp = fd >= 0 ? fdopen(fd, "w+b") : NULL; /* read back by --corrupt-chunk */
    if (!w->fp) {
        snprintf(err, errlen, "cannot write %s", path);
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        free(final);
        free(w);
        return NULL;
    }
    w->path = final;
    w->tmp_path = tmp;
    w->next_id = first_record_id ? first_record_id : 1;
    w->corrupt_chunk = -1;
    w->records_limit = RECORDS_LIMIT;
    start_chunk(w);
    return w;
}

void gen_writer_fill_chunks(gen_writer *w)
{
    w->records_limit = CHUNK_SIZE;
}

void gen_writer_windows_layout(gen_writer *w)
{
    w->windows_layout = 1;
}

int gen_writer_add(gen_writer *w, const gen_event *ev, char *err, size_t errlen)
{
    uint64_t id = ev->record_id ? ev->record_id : w->next_id;
    for (int attempt = 0; attempt < 2; attempt++) {
        size_t mark = w->pos, names = w->nnames, templates = w->ntemplates;
        uint32_t strings[64], tables[32];
        memcpy(strings, w->string_table, sizeof strings);
        memcpy(tables, w->template_table, sizeof tables);
        if (write_record(w, ev, id) == 0) {
            if (!w->chunk_records++)
                w->first_id = id;
            w->last_id = id;
            w->next_id = id + 1;
            return 0;
        }
        /* It did not fit: undo, and put it first in a new chunk. */
        memset(w->chunk + mark, 0, CHUNK_SIZE - mark);
        w->pos = mark;
        w->overflow = 0;
        while (w->nnames > names)
            free(w->names[--w->nnames].name);
        while (w->ntemplates > templates)
            free(w->templates[--w->ntemplates].key);
        memcpy(w->string_table, strings, sizeof strings);
        memcpy(w->template_table, tables, sizeof tables);
        if (!w->chunk_records)
            break;
        if (flush_chunk(w, err, errlen) != 0)
            return -1;
    }
    snprintf(err, errlen, "the event does not fit in a 64 KiB chunk");
    return -1;
}

uint64_t gen_writer_size(const gen_writer *w)
{
    return HEADER_SIZE + w->chunk_index * CHUNK_SIZE + (w->chunk_records ? CHUNK_SIZE : 0);
}

static void write_header(gen_writer *w, const gen_damage *d, unsigned char h[HEADER_SIZE])
{
    memset(h, 0, HEADER_SIZE);
    memcpy(h, "ElfFile", 8);
    uint64_t last = w->chunk_index ? w->chunk_index - 1 : 0;
    patch32(h + 16, (uint32_t)last);
    patch32(h + 20, (uint32_t)(last >> 32));
    patch32(h + 24, (uint32_t)w->next_id);
    patch32(h + 28, (uint32_t)(w->next_id >> 32));
    patch32(h + 32, 128);
    h[36] = 1; /* minor version */
    h[38] = 3; /* major version */
    h[40] = HEADER_SIZE & 0xff;
    h[41] = HEADER_SIZE >> 8;
    h[42] = (uint8_t)w->chunk_index;
    h[43] = (uint8_t)(w->chunk_index >> 8);
    patch32(h + 120, d && d->dirty ? 1 : 0);
    patch32(h + 124, (uint32_t)crc32(0L, h, 120));
}

int gen_writer_close(gen_writer *w, const gen_damage *d, char *err, size_t errlen)
{
    int rc = 0;
    w->corrupt_chunk = d ? d->corrupt_chunk : -1;
    if (w->chunk_records && flush_chunk(w, err, errlen) != 0)
        rc = -1;
    if (rc == 0 && w->corrupt_chunk >= 0 && !w->corrupt_done) {
        /* Chunks already written: damage the stored records CRC in place. */
        if (w->corrupt_chunk < (long)w->chunk_index) {
            unsigned char head[512];
            long at = HEADER_SIZE + w->corrupt_chunk * (long)CHUNK_SIZE;
            if (fseek(w->fp, at, SEEK_SET) != 0 || fread(head, 1, sizeof head, w->fp) != sizeof head) {
                rc = -1;
            } else {
                /* Wrong records CRC, but a chunk header CRC that matches it:
                 * exactly the damage asked for, nothing else. */
                patch32(head + 52, ~get32(head + 52));
                patch32(head + 124, (uint32_t)crc32(crc32(0L, head, 120), head + 128, 384));
                rc = fseek(w->fp, at, SEEK_SET) || fwrite(head, 1, sizeof head, w->fp) != sizeof head
                         ? -1 : 0;
            }
            if (rc)
                snprintf(err, errlen, "write error");
        } else {
            snprintf(err, errlen, "--corrupt-chunk %ld: the file has %llu chunk(s)", w->corrupt_chunk,
                     (unsigned long long)w->chunk_index);
            rc = -1;
        }
    }
    if (w->chunk_index > 0xffff) {
        snprintf(err, errlen, "more than 65535 chunks do not fit in an EVTX header");
        rc = -1;
    }
    unsigned char header[HEADER_SIZE];
    write_header(w, d, header);
    if (rc == 0 && (fseek(w->fp, 0, SEEK_SET) != 0 || fwrite(header, 1, HEADER_SIZE, w->fp) != HEADER_SIZE)) {
        snprintf(err, errlen, "write error");
        rc = -1;
    }
    if (rc == 0 && d && d->truncate >= 0) {
        fflush(w->fp);
        if (ftruncate(fileno(w->fp), (off_t)d->truncate) != 0) {
            snprintf(err, errlen, "cannot truncate");
            rc = -1;
        }
    }
    if (fclose(w->fp) != 0 && rc == 0) {
        snprintf(err, errlen, "write error");
        rc = -1;
    }
    w->fp = NULL;
    if (rc == 0 && rename(w->tmp_path, w->path) != 0) {
        snprintf(err, errlen, "cannot rename the finished file into place");
        rc = -1;
    }
    gen_writer_abort(w);
    return rc;
}

void gen_writer_abort(gen_writer *w)
{
    if (w->fp)
        fclose(w->fp);
    unlink(w->tmp_path); /* gone already after a successful rename */
    free(w->tmp_path);
    free(w->path);
    for (size_t i = 0; i < w->nnames; i++)
        free(w->names[i].name);
    for (size_t i = 0; i < w->ntemplates; i++)
        free(w->templates[i].key);
    free(w);
}
