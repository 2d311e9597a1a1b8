/* events_json.c: reads evtxgen's JSON event descriptions (format in
 * samples/README.md) with cJSON. Missing optional fields get the values
 * Windows writes; a bad field is an error naming the event and field. */
#include "evtxgen.h"
#include "core/fact.h"

#include <cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CLASSIC_KEYWORDS 0x0080000000000000ULL  /* EventLogClassic */
#define MANIFEST_KEYWORDS 0x8000000000000000ULL

int gen_parse_time(const char *text, uint64_t *filetime)
{
    int64_t us;
    if (kb_time_parse(text, &us) != 0)
        return -1;
    int64_t ft = us * 10 + 116444736000000000LL;
    if (ft < 0)
        return -1;
    *filetime = (uint64_t)ft;
    /* Sub-microsecond digits (FILETIME has 100 ns) are kept when given. */
    const char *dot = strchr(text, '.');
    if (dot) {
        int digits = 0;
        const char *p = dot + 1;
        while (*p >= '0' && *p <= '9' && digits < 7) {
            digits++;
            p++;
        }
        if (digits == 7)
            *filetime += (uint64_t)(p[-1] - '0');
    }
    return 0;
}

typedef struct ctx {
    char *err;
    size_t errlen;
    int index;
} ctx;

static int bad(ctx *c, const char *field, const char *why)
{
    snprintf(c->err, c->errlen, "event %d: field \"%s\": %s", c->index, field, why);
    return -1;
}

static int get_uint(ctx *c, const cJSON *o, const char *key, unsigned long max, unsigned long dflt,
                    unsigned long *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = dflt;
    if (!v)
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > (double)max ||
        v->valuedouble != (double)(unsigned long)v->valuedouble) {
        char why[64];
        snprintf(why, sizeof why, "must be a whole number from 0 to %lu", max);
        return bad(c, key, why);
    }
    *out = (unsigned long)v->valuedouble;
    return 0;
}

static const char *get_str(ctx *c, const cJSON *o, const char *key, int required, int *rc)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) {
        if (required)
            *rc = bad(c, key, "missing");
        return NULL;
    }
    if (!cJSON_IsString(v)) {
        *rc = bad(c, key, "must be a string");
        return NULL;
    }
    return v->valuestring;
}

static int hex_digit(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
         : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

static int parse_binary(ctx *c, const char *hex, gen_event *ev)
{
    size_t len = strlen(hex);
    if (len % 2)
        return bad(c, "binary", "hex string of odd length");
    uint8_t *b = malloc(len / 2 + 1);
    if (!b)
        return bad(c, "binary", "out of memory");
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return bad(c, "binary", "not a hex string");
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    ev->binary = b;
    ev->nbinary = len / 2;
    return 0;
}

/* The arrays belong to the event (freed by gen_events_free) from the start. */
static int parse_data(ctx *c, const cJSON *data, gen_event *ev)
{
    if (!data)
        return 0;
    size_t n = (size_t)cJSON_GetArraySize(data);
    const char **names = calloc(n + 1, sizeof *names);
    const char **values = calloc(n + 1, sizeof *values);
    ev->names = names;
    ev->values = values;
    if (!names || !values)
        return bad(c, "data", "out of memory");
    if (cJSON_IsArray(data)) {
        size_t i = 0;
        for (const cJSON *v = data->child; v; v = v->next, i++) {
            if (!cJSON_IsString(v)) {
                char why[64];
                snprintf(why, sizeof why, "element %zu is not a string", i);
                return bad(c, "data", why);
            }
            values[i] = v->valuestring;
        }
    } else if (cJSON_IsObject(data)) {
        ev->named = 1;
        size_t i = 0;
        for (const cJSON *v = data->child; v; v = v->next, i++) {
            if (!cJSON_IsString(v)) {
                char why[128];
                snprintf(why, sizeof why, "value of \"%s\" is not a string", v->string);
                return bad(c, "data", why);
            }
            names[i] = v->string;
            values[i] = v->valuestring;
        }
    } else {
        return bad(c, "data", "must be a list of strings or an object of strings");
    }
    ev->ndata = n;
    return 0;
}

static const char *const known_keys[] = {
    "provider", "provider_guid", "id", "qualifiers", "version", "level", "task", "opcode",
    "keywords", "time", "record_id", "process_id", "thread_id", "user_sid", "data", "binary",
    "computer", "channel", "$comment", NULL};

static int parse_event(ctx *c, const cJSON *o, const gen_events *all, gen_event *ev)
{
    if (!cJSON_IsObject(o)) {
        snprintf(c->err, c->errlen, "event %d: not an object", c->index);
        return -1;
    }
    for (const cJSON *k = o->child; k; k = k->next) {
        int ok = 0;
        for (const char *const *a = known_keys; *a && !ok; a++)
            ok = strcmp(*a, k->string) == 0;
        if (!ok)
            return bad(c, k->string, "unknown field");
    }
    int rc = 0;
    ev->provider = get_str(c, o, "provider", 1, &rc);
    ev->provider_guid = get_str(c, o, "provider_guid", 0, &rc);
    const char *computer = get_str(c, o, "computer", 0, &rc);
    const char *channel = get_str(c, o, "channel", 0, &rc);
    ev->computer = computer ? computer : all->computer;
    ev->channel = channel ? channel : all->channel;
    if (rc)
        return rc;
    unsigned long v;
    if (!cJSON_GetObjectItemCaseSensitive(o, "id"))
        return bad(c, "id", "missing");
    if (get_uint(c, o, "id", 65535, 0, &v)) return -1;
    ev->id = (uint16_t)v;
    /* Classic sources carry Qualifiers (0 unless given); manifest ones do not. */
    ev->has_qualifiers = ev->provider_guid == NULL || cJSON_GetObjectItemCaseSensitive(o, "qualifiers");
    if (get_uint(c, o, "qualifiers", 65535, 0, &v)) return -1;
    ev->qualifiers = (uint16_t)v;
    if (get_uint(c, o, "version", 255, 0, &v)) return -1;
    ev->version = (uint8_t)v;
    if (get_uint(c, o, "level", 255, 4, &v)) return -1;
    ev->level = (uint8_t)v;
    if (get_uint(c, o, "task", 65535, 0, &v)) return -1;
    ev->task = (uint16_t)v;
    if (get_uint(c, o, "opcode", 255, 0, &v)) return -1;
    ev->opcode = (uint8_t)v;
    if (get_uint(c, o, "process_id", 0xffffffffUL, 0, &v)) return -1;
    ev->process_id = (uint32_t)v;
    if (get_uint(c, o, "thread_id", 0xffffffffUL, 0, &v)) return -1;
    ev->thread_id = (uint32_t)v;
    const cJSON *rid = cJSON_GetObjectItemCaseSensitive(o, "record_id");
    if (rid && (!cJSON_IsNumber(rid) || rid->valuedouble < 1))
        return bad(c, "record_id", "must be a whole number from 1");
    ev->record_id = rid ? (uint64_t)rid->valuedouble : 0;
    const char *kw = get_str(c, o, "keywords", 0, &rc);
    ev->keywords = ev->provider_guid ? MANIFEST_KEYWORDS : CLASSIC_KEYWORDS;
    if (kw) {
        char *end;
        errno = 0;
        ev->keywords = strtoull(kw, &end, 16);
        if (errno || *end || strncmp(kw, "0x", 2) != 0)
            return bad(c, "keywords", "not a hex string like 0x0080000000000000");
    }
    const char *time = get_str(c, o, "time", 1, &rc);
    if (rc)
        return rc;
    if (gen_parse_time(time, &ev->filetime) != 0)
        return bad(c, "time", "not ISO 8601 UTC like 2018-10-01T12:00:19.123Z");
    ev->user_sid = get_str(c, o, "user_sid", 0, &rc);
    if (ev->user_sid && strncmp(ev->user_sid, "S-1-", 4) != 0)
        return bad(c, "user_sid", "not a SID like S-1-5-18");
    if (parse_data(c, cJSON_GetObjectItemCaseSensitive(o, "data"), ev))
        return -1;
    const char *bin = get_str(c, o, "binary", 0, &rc);
    if (rc)
        return rc;
    if (bin && parse_binary(c, bin, ev))
        return -1;
    return 0;
}

int gen_events_load(const char *path, gen_events *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    size_t n;
    while (text && (n = fread(text + len, 1, cap - len - 1, fp)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *p = realloc(text, cap *= 2);
            if (!p) {
                free(text);
                text = NULL;
            }
            text = p;
        }
    }
    fclose(fp);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    text[len] = '\0';
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        size_t line = 1;
        for (const char *p = text; at && p < at; p++)
            line += *p == '\n';
        snprintf(err, errlen, "not valid JSON (near line %zu)", line);
        free(text);
        return -1;
    }
    free(text);
    out->storage = root;
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(root, "events");
    const cJSON *channel = cJSON_GetObjectItemCaseSensitive(root, "channel");
    const cJSON *computer = cJSON_GetObjectItemCaseSensitive(root, "computer");
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(root, "start_record_id");
    if (!cJSON_IsArray(events) || !cJSON_IsString(channel) || !cJSON_IsString(computer)) {
        snprintf(err, errlen, "needs \"channel\" and \"computer\" strings and an \"events\" list");
        return -1;
    }
    out->channel = channel->valuestring;
    out->computer = computer->valuestring;
    out->start_record_id = cJSON_IsNumber(start) && start->valuedouble >= 1 ? (uint64_t)start->valuedouble : 1;
    size_t count = (size_t)cJSON_GetArraySize(events);
    out->items = calloc(count + 1, sizeof *out->items);
    if (!out->items) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    ctx c = {err, errlen, 0};
    for (const cJSON *o = events->child; o; o = o->next, c.index++)
        if (parse_event(&c, o, out, &out->items[out->n++]) != 0)
            return -1;
    return 0;
}

void gen_events_free(gen_events *events)
{
    for (size_t i = 0; i < events->n; i++) {
        free((void *)events->items[i].names);
        free((void *)events->items[i].values);
        free((void *)events->items[i].binary);
    }
    free(events->items);
    cJSON_Delete(events->storage);
    memset(events, 0, sizeof *events);
}
