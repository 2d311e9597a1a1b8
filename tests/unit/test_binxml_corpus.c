/* test_binxml_corpus.c: kbscan's BinXml decoder (parsers/evtx/binxml.c)
 * against libevtx, record by record, over the real corpus
 * (../shared/corpus/evtx, or $KBSCAN_CORPUS; skipped, and said so, when
 * absent). For every record libevtx reads, the decoder must give the same
 * record id, written time, event id, qualifiers, level, provider, source
 * name, computer, user SID, channel, time created, process and thread ids
 * (those from libevtx's XML) and the same strings in the same order, unless
 * the difference is listed in tests/binxml/libevtx_differs.tsv (known libevtx
 * bugs, with the evidence). Records libevtx cannot read but the decoder
 * can must be listed in tests/binxml/libevtx_fails.tsv with what the
 * decoder reads there (cross-checked with python-evtx when it was made).
 * KB_BINXML_CORPUS_WRITE=DIR writes both lists as found, for review. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libevtx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evtx/binxml.h"

#define FILE_HEADER 4096
#define CHUNK 65536
#define DIFFERS "tests/binxml/libevtx_differs.tsv"
#define FAILS "tests/binxml/libevtx_fails.tsv"

/* A record found by walking the chunks. */
typedef struct rec {
    uint64_t id, file_off;
    size_t chunk, off, size;
    int seen; /* libevtx read it */
} rec;

typedef struct list {
    char **lines;
    size_t n, cap;
} list;

typedef struct totals {
    size_t files, files_skipped, records, equal, known, differ, values, libevtx_failed, fails_decoded,
        fails_listed, both_failed, ours_failed, peeked;
} totals;

static const char *corpus;
static kb_binxml_ctx *peek_ctx; /* the prefilter's path, checked against the full decode */
static list differs_known, fails_known, differs_found, fails_found;
static totals tot;

static void list_add(list *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->lines = realloc(l->lines, l->cap * sizeof *l->lines);
        assert_non_null(l->lines);
    }
    l->lines[l->n] = strdup(s);
    assert_non_null(l->lines[l->n]);
    l->n++;
}

static int list_has(const list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->lines[i], s) == 0)
            return 1;
    return 0;
}

static void list_free(list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->lines[i]);
    free(l->lines);
    memset(l, 0, sizeof *l);
}

/* A data file's rows, comments and blank lines left out. */
static void list_load(list *l, const char *path)
{
    FILE *fp = fopen(path, "r");
    char line[8192];
    if (!fp)
        return;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] && line[0] != '#')
            list_add(l, line);
    }
    fclose(fp);
}

/* Tabs, newlines and backslashes escaped, long values cut (at a character
 * boundary): one TSV cell. */
static void cell(char *out, size_t outlen, const char *s)
{
    size_t o = 0;
    for (; s && *s && o + 8 < outlen; s++) {
        if (*s == '\t' || *s == '\n' || *s == '\r' || *s == '\\') {
            out[o++] = '\\';
            out[o++] = *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\r' ? 'r' : '\\';
        } else {
            out[o++] = *s;
        }
    }
    if (s && *s) {
        while (o && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
            o--;
        if (o && ((unsigned char)out[o - 1] & 0x80))
            o--;
        o += (size_t)snprintf(out + o, outlen - o, "...");
    }
    out[o] = '\0';
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *data = n > 0 ? malloc((size_t)n) : NULL;
    if (data && fread(data, 1, (size_t)n, fp) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(fp);
    *len = data ? (size_t)n : 0;
    return data;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Every record header in every chunk with the chunk signature, up to the
 * chunk's free space (what the layout walk of kbscan finds too). */
static rec *walk_records(const unsigned char *data, size_t len, size_t *n)
{
    rec *recs = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t c = 0; len >= FILE_HEADER && c < (len - FILE_HEADER) / CHUNK; c++) {
        const unsigned char *chunk = data + FILE_HEADER + c * CHUNK;
        if (memcmp(chunk, "ElfChnk", 8) != 0)
            continue;
        size_t free_off = le32(chunk + 0x30);
        if (free_off > CHUNK || free_off < 512)
            free_off = CHUNK;
        for (size_t off = 512; off + 28 <= free_off;) {
            size_t size = le32(chunk + off + 4);
            if (le32(chunk + off) != 0x2a2a || size < 28 || size > free_off - off)
                break;
            if (*n == cap) {
                cap = cap ? cap * 2 : 1024;
                recs = realloc(recs, cap * sizeof *recs);
                assert_non_null(recs);
            }
            recs[(*n)++] = (rec){le64(chunk + off + 8), FILE_HEADER + c * CHUNK + off, c, off, size, 0};
            off += size;
        }
    }
    return recs;
}

static int by_id(const void *a, const void *b)
{
    const rec *x = *(const rec *const *)a, *y = *(const rec *const *)b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->file_off < y->file_off ? -1 : x->file_off > y->file_off;
}

/* The first record with this id that libevtx has not handed out yet
 * (libevtx 20181227 gives no record offsets; ids repeat in edited logs). */
static rec *find_rec(rec **sorted, size_t n, uint64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && sorted[lo]->id == id; lo++)
        if (!sorted[lo]->seen)
            return sorted[lo];
    return NULL;
}

typedef int (*size_fn)(libevtx_record_t *, size_t *, libevtx_error_t **);
typedef int (*get_fn)(libevtx_record_t *, uint8_t *, size_t, libevtx_error_t **);

static char *lib_string(libevtx_record_t *r, size_fn get_size, get_fn get)
{
    size_t size = 0;
    libevtx_error_t *e = NULL;
    if (get_size(r, &size, &e) != 1 || size == 0) {
        libevtx_error_free(&e);
        return NULL;
    }
    char *s = malloc(size);
    assert_non_null(s);
    if (get(r, (uint8_t *)s, size, &e) != 1) {
        libevtx_error_free(&e);
        free(s);
        return NULL;
    }
    s[size - 1] = '\0';
    return s;
}

static char *lib_nth(libevtx_record_t *r, int i)
{
    size_t size = 0;
    libevtx_error_t *e = NULL;
    if (libevtx_record_get_utf8_string_size(r, i, &size, &e) != 1 || size == 0) {
        libevtx_error_free(&e);
        return strdup("");
    }
    char *s = malloc(size);
    assert_non_null(s);
    if (libevtx_record_get_utf8_string(r, i, (uint8_t *)s, size, &e) != 1) {
        libevtx_error_free(&e);
        s[0] = '\0';
    }
    s[size - 1] = '\0';
    return s;
}

/* The text between after and the next quote or '<' in libevtx's XML, or NULL. */
static char *xml_value(const char *xml, const char *after, const char *stop)
{
    const char *p = xml ? strstr(xml, after) : NULL;
    if (!p)
        return NULL;
    p += strlen(after);
    size_t n = strcspn(p, stop);
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, p, n);
    s[n] = '\0';
    /* The XML's escapes, back to characters. */
    static const char *const from[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    char *o = s;
    for (const char *q = s; *q;) {
        int done = 0;
        for (int k = 0; k < 5 && !done; k++)
            if (strncmp(q, from[k], strlen(from[k])) == 0) {
                *o++ = "&<>\"'"[k];
                q += strlen(from[k]);
                done = 1;
            }
        if (!done)
            *o++ = *q++;
    }
    *o = '\0';
    return s;
}

static void filetime_iso(uint64_t ft, char *out, size_t outlen)
{
    time_t secs = (time_t)(ft / 10000000u) - (time_t)11644473600LL;
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned long long)(ft % 10000000u * 100));
}

/* The strings libevtx lists: the substituted values below EventData (else
 * ProcessingErrorData, else UserData when it has one element), in order. */
static size_t compat_strings(const kb_binxml_record *r, const kb_binxml_field **out, size_t max)
{
    int section = 0;
    for (size_t i = 0; i < r->nfields && !section; i++)
        if (r->fields[i].section == KB_BINXML_EVENTDATA)
            section = KB_BINXML_EVENTDATA;
    for (size_t i = 0; i < r->nfields && !section; i++)
        if (r->fields[i].section == KB_BINXML_PROCESSING_ERROR)
            section = KB_BINXML_PROCESSING_ERROR;
    if (!section)
        section = KB_BINXML_USERDATA;
    size_t n = 0;
    for (size_t i = 0; i < r->nfields && n < max; i++) {
        const kb_binxml_field *f = &r->fields[i];
        if ((int)f->section == section && (f->flags & KB_BINXML_FIELD_SUBST) && !(f->flags & KB_BINXML_FIELD_EMPTY))
            out[n++] = f;
    }
    return n;
}

typedef struct cmp {
    const char *path;
    uint64_t id;
    int differs; /* some difference not known */
    int known;
} cmp;

/* One difference: known (listed) or not; either way written when asked. */
static void differ(cmp *c, const char *field, const char *lib, const char *ours)
{
    char a[600], b[600], row[1600];
    cell(a, sizeof a, lib ? lib : "(none)");
    cell(b, sizeof b, ours ? ours : "(none)");
    snprintf(row, sizeof row, "%s\t%llu\t%s\t%s\t%s", c->path, (unsigned long long)c->id, field, a, b);
    list_add(&differs_found, row);
    if (list_has(&differs_known, row)) {
        c->known = 1;
        return;
    }
    /* A listed row has its evidence after these five cells. */
    size_t len = strlen(row);
    for (size_t i = 0; i < differs_known.n; i++)
        if (strncmp(differs_known.lines[i], row, len) == 0 && differs_known.lines[i][len] == '\t') {
            c->known = 1;
            return;
        }
    if (!c->differs)
        print_message("# %s record %llu: %s: libevtx \"%s\", ours \"%s\"\n", c->path, (unsigned long long)c->id,
                      field, a, b);
    c->differs = 1;
}

static void same_str(cmp *c, const char *field, const char *lib, const char *ours)
{
    if ((lib && *lib) || (ours && *ours))
        if (!lib || !ours || strcmp(lib, ours) != 0)
            differ(c, field, lib, ours);
}

static void same_num(cmp *c, const char *field, int lib_has, uint64_t lib, int ours_has, uint64_t ours)
{
    char a[32], b[32];
    if (lib_has == ours_has && (!lib_has || lib == ours))
        return;
    snprintf(a, sizeof a, "%llu", (unsigned long long)lib);
    snprintf(b, sizeof b, "%llu", (unsigned long long)ours);
    differ(c, field, lib_has ? a : NULL, ours_has ? b : NULL);
}

static void compare_strings(cmp *c, libevtx_record_t *lr, const kb_binxml_record *r)
{
    static const kb_binxml_field *mine[65536];
    int n = 0;
    libevtx_error_t *e = NULL;
    if (libevtx_record_get_number_of_strings(lr, &n, &e) != 1) {
        libevtx_error_free(&e);
        return; /* libevtx lists none for this layout */
    }
    size_t m = compat_strings(r, mine, sizeof mine / sizeof mine[0]);
    char field[64];
    for (int i = 0; i < n || (size_t)i < m; i++) {
        char *lib = i < n ? lib_nth(lr, i) : NULL;
        snprintf(field, sizeof field, "string %d", i);
        if (!lib || (size_t)i >= m || strcmp(lib, mine[i]->value) != 0)
            differ(c, field, lib, (size_t)i < m ? mine[i]->value : NULL);
        free(lib);
        tot.values++;
    }
}

static void compare_record(cmp *c, libevtx_record_t *lr, const kb_binxml_record *r)
{
    uint64_t u64 = 0;
    uint32_t u32 = 0;
    uint8_t u8 = 0;
    libevtx_error_t *e = NULL;
    char iso[64];
    int has = libevtx_record_get_written_time(lr, &u64, &e) == 1;
    same_num(c, "written time", has, u64, 1, r->written_time);
    has = libevtx_record_get_event_identifier(lr, &u32, &e) == 1;
    same_num(c, "event id", has, u32, r->has_event_id, r->event_id);
    u32 = 0;
    has = libevtx_record_get_event_identifier_qualifiers(lr, &u32, &e) == 1;
    same_num(c, "qualifiers", has, u32, r->has_qualifiers, r->qualifiers);
    has = libevtx_record_get_event_level(lr, &u8, &e) == 1;
    same_num(c, "level", has, u8, r->has_level, r->level);
    libevtx_error_free(&e);
    char *s = lib_string(lr, libevtx_record_get_utf8_source_name_size, libevtx_record_get_utf8_source_name);
    same_str(c, "source name", s, r->event_source_name ? r->event_source_name : r->provider_name);
    free(s);
    s = lib_string(lr, libevtx_record_get_utf8_computer_name_size, libevtx_record_get_utf8_computer_name);
    same_str(c, "computer", s, r->computer);
    free(s);
    s = lib_string(lr, libevtx_record_get_utf8_user_security_identifier_size,
                   libevtx_record_get_utf8_user_security_identifier);
    same_str(c, "user id", s, r->user_id);
    free(s);
    char *xml = lib_string(lr, libevtx_record_get_utf8_xml_string_size, libevtx_record_get_utf8_xml_string);
    s = xml_value(xml, "<Channel>", "<");
    same_str(c, "channel", s, r->channel);
    free(s);
    s = xml_value(xml, "<Provider Name=\"", "\"");
    same_str(c, "provider name", s, r->provider_name);
    free(s);
    /* libevtx 20181227's provider identifier getter gives nothing: the XML has it. */
    s = xml_value(xml, " Guid=\"", "\"");
    same_str(c, "provider guid", s, r->provider_guid);
    free(s);
    s = xml_value(xml, "SystemTime=\"", "\"");
    if (r->has_time_created)
        filetime_iso(r->time_created, iso, sizeof iso);
    same_str(c, "time created", s, r->has_time_created ? iso : NULL);
    free(s);
    s = xml_value(xml, "ProcessID=\"", "\"");
    snprintf(iso, sizeof iso, "%u", (unsigned)r->process_id);
    same_str(c, "process id", s, r->has_process_id ? iso : NULL);
    free(s);
    s = xml_value(xml, "<EventRecordID>", "<");
    snprintf(iso, sizeof iso, "%llu", (unsigned long long)r->event_record_id);
    same_str(c, "event record id", s, r->has_event_record_id ? iso : NULL);
    free(s);
    free(xml);
    compare_strings(c, lr, r);
}

/* A record libevtx cannot read: what the decoder reads there, one row:
 * path, record id, provider, event id, the number of element values and
 * their FNV-1a hash (values joined by 0x1f; attributes left out), the first
 * two values, then (when written for review) libevtx's reason. */
static void note_libevtx_failure(const char *path, const kb_binxml_record *r, const char *libevtx_why)
{
    char row[2048], v[256], why[512];
    uint64_t hash = 14695981039346656037u;
    size_t values = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        if (r->fields[i].flags & KB_BINXML_FIELD_ATTR)
            continue;
        for (const char *p = values++ ? "\x1f" : ""; *p; p++)
            hash = (hash ^ (unsigned char)*p) * 1099511628211u;
        for (const char *p = r->fields[i].value; *p; p++)
            hash = (hash ^ (unsigned char)*p) * 1099511628211u;
    }
    cell(v, sizeof v, r->provider_name);
    int o = snprintf(row, sizeof row, "%s\t%llu\t%s\t%u\t%zu values, %016llx\t", path, (unsigned long long)r->record_id,
                     v, (unsigned)r->event_id, values, (unsigned long long)hash);
    for (size_t i = 0, k = 0; i < r->nfields && k < 2; i++) {
        if (r->fields[i].flags & KB_BINXML_FIELD_ATTR)
            continue;
        cell(v, 48, r->fields[i].value);
        o += snprintf(row + o, sizeof row - (size_t)o, "%s%s", k++ ? " | " : "", v);
    }
    list_add(&fails_found, row);
    size_t len = strlen(row);
    for (size_t i = 0; i < fails_known.n; i++)
        if (strncmp(fails_known.lines[i], row, len) == 0 &&
            (fails_known.lines[i][len] == '\t' || fails_known.lines[i][len] == '\0')) {
            tot.fails_listed++;
            return;
        }
    cell(why, sizeof why, libevtx_why ? libevtx_why : "?");
    snprintf(row + len, sizeof row - len, "\t%s", why);
    free(fails_found.lines[fails_found.n - 1]);
    fails_found.lines[fails_found.n - 1] = strdup(row);
    print_message("# %s: libevtx cannot read record %llu; not listed: %s\n", path, (unsigned long long)r->record_id,
                  row);
}

/* libevtx's reason, the first line of its backtrace. */
static void lib_error(libevtx_error_t *e, char *out, size_t outlen)
{
    char buf[4096];
    out[0] = '\0';
    if (!e || libevtx_error_backtrace_sprint(e, buf, sizeof buf) < 0)
        return;
    buf[sizeof buf - 1] = '\0';
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    /* The first line is the cause, the others the callers. */
    n = strcspn(buf, "\n");
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, buf, n);
    out[n] = '\0';
}

/* The cheap path reads the same event id and provider as the full decode. */
static void check_peek(cmp *c, const unsigned char *chunk, const rec *mine, const kb_binxml_record *r)
{
    kb_binxml_record p;
    if (kb_binxml_peek(peek_ctx, chunk, CHUNK, mine->off, mine->size, &p) != KB_OK) {
        differ(c, "peek", "read", kb_binxml_error(peek_ctx));
        return;
    }
    same_num(c, "peek event id", r->has_event_id, r->event_id, p.has_event_id, p.event_id);
    same_str(c, "peek provider", r->provider_name, p.provider_name);
    tot.peeked++;
}

/* One file: 0 when every difference is known. */
static int check_file(kb_binxml_ctx *ctx, const char *rel)
{
    char path[8192 + 4096];
    size_t len, n;
    snprintf(path, sizeof path, "%s/%s", corpus, rel);
    unsigned char *data = read_file(path, &len);
    if (!data)
        return 0;
    rec *recs = walk_records(data, len, &n);
    rec **sorted = malloc((n ? n : 1) * sizeof *sorted);
    assert_non_null(sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = &recs[i];
    qsort(sorted, n, sizeof *sorted, by_id);
    libevtx_file_t *file = NULL;
    libevtx_error_t *e = NULL;
    int records = 0, bad = 0;
    kb_binxml_record r;
    list whys = {0};
    char why[512];
    if (libevtx_file_initialize(&file, &e) != 1 || libevtx_file_open(file, path, LIBEVTX_OPEN_READ, &e) != 1 ||
        libevtx_file_get_number_of_records(file, &records, &e) != 1) {
        libevtx_error_free(&e);
        records = 0;
        tot.files_skipped++;
    }
    for (int i = 0; i < records; i++) {
        libevtx_record_t *lr = NULL;
        uint64_t id = 0;
        if (libevtx_file_get_record_by_index(file, i, &lr, &e) != 1 || libevtx_record_get_identifier(lr, &id, &e) != 1) {
            lib_error(e, why, sizeof why);
            list_add(&whys, why);
            libevtx_error_free(&e);
            libevtx_record_free(&lr, NULL);
            tot.libevtx_failed++;
            continue;
        }
        rec *mine = find_rec(sorted, n, id);
        tot.records++;
        cmp c = {.path = rel, .id = id};
        if (!mine) {
            differ(&c, "record", "read", "not found by the chunk walk");
        } else {
            mine->seen = 1;
            kb_status st = kb_binxml_decode(ctx, data + FILE_HEADER + mine->chunk * CHUNK, CHUNK, mine->off,
                                            mine->size, &r);
            if (st != KB_OK) {
                tot.ours_failed++;
                differ(&c, "decode", "read", kb_binxml_error(ctx));
            } else {
                same_num(&c, "record id", 1, c.id, 1, r.record_id);
                compare_record(&c, lr, &r);
                check_peek(&c, data + FILE_HEADER + mine->chunk * CHUNK, mine, &r);
            }
        }
        tot.equal += !c.differs && !c.known;
        tot.known += !c.differs && c.known;
        tot.differ += c.differs;
        bad |= c.differs;
        libevtx_record_free(&lr, NULL);
    }
    /* Records libevtx did not hand out: its failures, in the same order. */
    for (size_t i = 0, k = 0; i < n; i++) {
        if (recs[i].seen)
            continue;
        kb_status st = kb_binxml_decode(ctx, data + FILE_HEADER + recs[i].chunk * CHUNK, CHUNK, recs[i].off,
                                        recs[i].size, &r);
        if (st == KB_OK) {
            tot.fails_decoded++;
            note_libevtx_failure(rel, &r, k < whys.n ? whys.lines[k++] : NULL);
        } else {
            tot.both_failed++; /* not a record (stale bytes past the last one): neither reads it */
        }
    }
    list_free(&whys);
    if (file) {
        libevtx_file_close(file, NULL);
        libevtx_file_free(&file, NULL);
    }
    free(sorted);
    free(recs);
    free(data);
    tot.files++;
    return bad;
}

static void write_found(const char *dir, const char *name, const list *l)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (size_t i = 0; i < l->n; i++)
        fprintf(fp, "%s\n", l->lines[i]);
    fclose(fp);
}

static void test_corpus(void **state)
{
    (void)state;
    char manifest[4096], line[8192];
    snprintf(manifest, sizeof manifest, "%s/MANIFEST.tsv", corpus);
    FILE *fp = fopen(manifest, "r");
    if (!fp) {
        print_message("corpus absent: no %s (set KBSCAN_CORPUS)\n", manifest);
        skip();
    }
    list_load(&differs_known, DIFFERS);
    list_load(&fails_known, FAILS);
    kb_binxml_ctx *ctx = kb_binxml_new();
    peek_ctx = kb_binxml_new();
    assert_non_null(ctx);
    assert_non_null(peek_ctx);
    size_t bad_files = 0;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\t\n")] = '\0';
        if (strcmp(line, "path") == 0 || !line[0])
            continue;
        bad_files += (size_t)check_file(ctx, line);
    }
    fclose(fp);
    print_message("%zu files (%zu libevtx cannot open), %zu records libevtx reads: %zu equal, %zu differ only as "
                  "listed, %zu differ (%zu not decoded by us); %zu strings compared; libevtx fails on %zu records: "
                  "we decode %zu (%zu as listed); %zu stale record headers past the last record, read by neither; "
                  "%zu templates compiled, %llu reused; %zu peeks agree\n",
                  tot.files, tot.files_skipped, tot.records, tot.equal, tot.known, tot.differ, tot.ours_failed,
                  tot.values, tot.libevtx_failed, tot.fails_decoded, tot.fails_listed, tot.both_failed,
                  kb_binxml_templates(ctx), (unsigned long long)kb_binxml_template_reuses(ctx), tot.peeked);
    const char *out = getenv("KB_BINXML_CORPUS_WRITE");
    if (out && *out) {
        write_found(out, "libevtx_differs.tsv", &differs_found);
        write_found(out, "libevtx_fails.tsv", &fails_found);
    }
    size_t unlisted = tot.fails_decoded - tot.fails_listed;
    kb_binxml_free(ctx);
    kb_binxml_free(peek_ctx);
    list_free(&differs_known);
    list_free(&fails_known);
    list_free(&differs_found);
    list_free(&fails_found);
    assert_int_equal(bad_files, 0);
    assert_int_equal(unlisted, 0);
}

int main(void)
{
    const char *env = getenv("KBSCAN_CORPUS");
    corpus = env && *env ? env : "../shared/corpus/evtx";
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_corpus)};
    return cmocka_run_group_tests_name("binxml_corpus", tests, NULL, NULL);
}
