/* reg_export.c: `.reg` exports (`reg export`, regedit): keys and values, as
 * the same reg.key / reg.value facts as `reg query` output (reg_common.h),
 * so that a rule reads either.
 *
 *   Windows Registry Editor Version 5.00
 *
 *   [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\VSS]
 *   "DisplayName"="@%systemroot%\\system32\\vssvc.exe,-102"
 *   "ErrorControl"=dword:00000001
 *   "ImagePath"=hex(2):25,00,73,00,79,00,73,00,74,00,65,00,6d,00,72,00,6f,00,6f,00,\
 *     74,00,25,00,00,00
 *   "DependOnService"=hex(7):52,00,50,00,43,00,53,00,53,00,00,00,00,00
 *
 *   [-HKEY_LOCAL_MACHINE\SOFTWARE\Old]
 *
 * Version 5.00 files are UTF-16LE (the text layer decodes them) and their
 * hex(2)/hex(7) strings are UTF-16LE bytes; REGEDIT4 files and their
 * strings are in the ANSI code page (Windows-1252 is assumed, with a note,
 * when a string holds non-ASCII bytes). Recognised by the header line,
 * never by the file name: collectors save exports as .txt and .log. Data
 * is given as reg query prints it: DWORD and QWORD as 0x... with the
 * number in decimal, binary as upper-case hex, MULTI_SZ items joined with
 * the two characters \0. */
#include "text/lines.h"
#include "text/reg_common.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_5 "Windows Registry Editor Version 5.00"
#define HEADER_4 "REGEDIT4"

static const char *const type_names[] = {
    "REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_DWORD_BIG_ENDIAN", "REG_LINK",
    "REG_MULTI_SZ", "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTOR", "REG_RESOURCE_REQUIREMENTS_LIST",
    "REG_QWORD",
};

enum { T_NONE, T_SZ, T_EXPAND_SZ, T_BINARY, T_DWORD, T_DWORD_BE, T_LINK, T_MULTI_SZ, T_QWORD = 11 };

/* 5 for "Windows Registry Editor Version 5.00", 4 for REGEDIT4, else 0. */
static int header_of(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    if (len == strlen(HEADER_5) && strncmp(p, HEADER_5, len) == 0)
        return 5;
    if (len == strlen(HEADER_4) && strncmp(p, HEADER_4, len) == 0)
        return 4;
    return 0;
}

/* The header's line (0-based), or nlines. */
static size_t header_line(const kb_text *t, int *version)
{
    for (size_t i = 0; i < t->nlines; i++) {
        if (kb_is_blank(t->lines[i]))
            continue;
        *version = header_of(t->lines[i]);
        return *version ? i : t->nlines;
    }
    return t->nlines;
}

typedef struct reader {
    kb_parse_ctx *ctx;
    const kb_text *t;
    int version;
    kb_fact *key;
    char *key_path;
    size_t key_values;
    size_t keys, values;
    int ansi_noted;
    int nomem;
} reader;

static void note_line(reader *r, size_t line, const char *message)
{
    char where[32];
    snprintf(where, sizeof where, "line %zu", line + 1);
    kb_input_note(r->ctx->input, where, "%s", message);
}

static void end_key(reader *r)
{
    if (r->key) {
        kb_fact_setf(r->key, "values", "%zu", r->key_values);
        kb_text_release(r->ctx); /* held since read_key */
    }
    r->key = NULL;
    free(r->key_path);
    r->key_path = NULL;
}

/* "[HKEY_...\Key]" or "[-HKEY_...\Key]". */
static void read_key(reader *r, size_t first, size_t last, const char *text)
{
    end_key(r);
    size_t len;
    const char *p = kb_trim(text, &len);
    const char *close = NULL;
    for (size_t i = len; i > 1; i--)
        if (p[i - 1] == ']') {
            close = p + i - 1;
            break;
        }
    if (!close) {
        note_line(r, first, "key line without its closing ']': not read");
        return;
    }
    int deleted = p[1] == '-';
    const char *path = p + 1 + deleted;
    size_t plen = (size_t)(close - path);
    kb_fact *f = kb_text_fact(r->ctx, "reg.key", r->t, first + 1, last + 1);
    if (!f) {
        r->nomem = 1;
        return;
    }
    kb_reg_set_key(f, path, plen, "reg_export");
    kb_fact_set(f, "deleted", deleted ? "yes" : "no");
    kb_fact_set(f, "listed_only", "no");
    kb_fact_set(f, "query", "");
    if (!kb_reg_has_hive(path, plen))
        note_line(r, first, "key path without a hive name");
    r->keys++;
    if (!deleted) {
        kb_text_hold(r->ctx); /* its value count comes at its end */
        r->key = f;
        r->key_path = kb_strndup(path, plen);
        r->key_values = 0;
    }
}

/* A quoted string with \\ and \" escapes, from p (at the opening quote);
 * *end just past the closing quote. NULL when it does not close. */
static char *quoted(const char *p, const char **end)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (p++; *p; p++) {
        if (*p == '\\' && (p[1] == '\\' || p[1] == '"')) {
            kb_buf_putc(&b, p[1]);
            p++;
        } else if (*p == '"') {
            *end = p + 1;
            return kb_buf_take(&b);
        } else {
            kb_buf_putc(&b, *p);
        }
    }
    kb_buf_free(&b);
    return NULL;
}

/* "25,00,73,00" -> bytes; -1 when an item is not two hex digits. */
static long hex_bytes(const char *p, unsigned char **out)
{
    size_t cap = strlen(p) / 2 + 1, n = 0;
    unsigned char *bytes = malloc(cap);
    if (!bytes)
        return -2;
    while (*p == ' ')
        p++;
    while (*p) {
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1])) {
            free(bytes);
            return -1;
        }
        unsigned hi = (unsigned)(isdigit((unsigned char)p[0]) ? p[0] - '0' : tolower((unsigned char)p[0]) - 'a' + 10);
        unsigned lo = (unsigned)(isdigit((unsigned char)p[1]) ? p[1] - '0' : tolower((unsigned char)p[1]) - 'a' + 10);
        bytes[n++] = (unsigned char)(hi << 4 | lo);
        p += 2;
        while (*p == ' ')
            p++;
        if (*p == ',') {
            p++;
            while (*p == ' ')
                p++;
            if (!*p) {
                free(bytes);
                return -1;
            }
        } else if (*p) {
            free(bytes);
            return -1;
        }
    }
    *out = bytes;
    return (long)n;
}

/* Bytes in a code page to UTF-8; NULL when they are not valid in it. */
static char *convert(const unsigned char *bytes, size_t n, const char *from)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return NULL;
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    char *in = (char *)bytes;
    size_t left = n;
    int ok = 1;
    while (left && ok) {
        char chunk[1024], *dst = chunk;
        size_t room = sizeof chunk;
        size_t rc = iconv(cd, &in, &left, &dst, &room);
        kb_buf_append(&b, chunk, sizeof chunk - room);
        if (rc == (size_t)-1 && errno != E2BIG)
            ok = 0;
    }
    iconv_close(cd);
    if (!ok || b.failed) {
        kb_buf_free(&b);
        return NULL;
    }
    return kb_buf_take(&b);
}

/* Appends bytes[start, end) converted from a code page; 0 when invalid. */
static int append_converted(kb_buf *b, const unsigned char *bytes, size_t start, size_t end, const char *from)
{
    if (end == start)
        return 1;
    char *s = convert(bytes + start, end - start, from);
    if (!s)
        return 0;
    kb_buf_puts(b, s);
    free(s);
    return 1;
}

/* String data as UTF-8 with its NULs kept (they separate MULTI_SZ items),
 * from UTF-16LE (5.00) or ANSI (REGEDIT4) bytes; 0 and *why when they
 * cannot be read. */
static int decode_strings(reader *r, size_t line, const unsigned char *bytes, size_t n, kb_buf *out,
                          const char **why)
{
    int wide = r->version == 5;
    size_t unit = wide ? 2 : 1;
    if (wide && n % 2) {
        *why = "UTF-16 string data with an odd number of bytes: damaged, not read";
        return 0;
    }
    int ascii = 1;
    for (size_t i = 0; !wide && i < n; i++)
        ascii &= bytes[i] < 0x80;
    const char *from = wide ? "UTF-16LE" : ascii ? "ASCII" : "WINDOWS-1252";
    if (!wide && !ascii && !r->ansi_noted) {
        note_line(r, line, "REGEDIT4 string data with non-ASCII bytes: read as Windows-1252 (the ANSI code page "
                           "of the export is not recorded)");
        r->ansi_noted = 1;
    }
    kb_buf_puts(out, "");
    size_t start = 0;
    for (size_t i = 0; i < n; i += unit) {
        if (bytes[i] || (wide && bytes[i + 1]))
            continue;
        if (!append_converted(out, bytes, start, i, from)) {
            *why = wide ? "UTF-16 string data that is not valid UTF-16: damaged, not read"
                        : "string data that is not valid Windows-1252: damaged, not read";
            return 0;
        }
        kb_buf_append(out, "", 1);
        start = i + unit;
    }
    if (!append_converted(out, bytes, start, n, from)) {
        *why = "string data kbscan cannot decode: damaged, not read";
        return 0;
    }
    return !out->failed;
}

/* The strings up to the first NUL (SZ, EXPAND_SZ: the trailing NUL is
 * dropped), or as items up to the first empty one (MULTI_SZ ends with an
 * empty string). */
static void set_strings(kb_fact *f, const char *s, size_t total, int multi)
{
    if (!multi) {
        kb_fact_set(f, "data", s);
        return;
    }
    kb_buf data = KB_BUF_INIT, items = KB_BUF_INIT;
    kb_buf_puts(&data, "");
    kb_buf_puts(&items, "");
    size_t count = 0;
    for (size_t off = 0; off < total;) {
        size_t n = strnlen(s + off, total - off);
        if (n == 0)
            break;
        if (count++) {
            kb_buf_puts(&data, "\\0");
            kb_buf_putc(&items, '\n');
        }
        kb_buf_append(&data, s + off, n);
        kb_buf_append(&items, s + off, n);
        off += n + 1;
    }
    kb_fact_set(f, "data", kb_buf_str(&data));
    kb_fact_set(f, "items", kb_buf_str(&items));
    kb_buf_free(&data);
    kb_buf_free(&items);
}

static void set_number(kb_fact *f, uint64_t v)
{
    kb_fact_setf(f, "data", "0x%llx", (unsigned long long)v);
    kb_fact_setf(f, "number", "%llu", (unsigned long long)v);
}

static void set_hex(kb_fact *f, const unsigned char *bytes, size_t n)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (size_t i = 0; i < n; i++)
        kb_buf_printf(&b, "%02X", bytes[i]);
    kb_fact_set(f, "data", kb_buf_str(&b));
    kb_buf_free(&b);
}

/* hex(N): and hex: data. */
static void set_hex_value(reader *r, kb_fact *f, size_t line, unsigned type, const char *list)
{
    unsigned char *bytes = NULL;
    long got = hex_bytes(list, &bytes);
    if (got == -2) {
        r->nomem = 1;
        return;
    }
    if (got < 0) {
        note_line(r, line, "hex data that is not comma-separated byte pairs: damaged, not read");
        f->damaged = 1;
        kb_fact_set(f, "data", "");
        return;
    }
    size_t n = (size_t)got;
    const char *why = NULL;
    switch (type) {
    case T_SZ:
    case T_EXPAND_SZ:
    case T_LINK:
    case T_MULTI_SZ: {
        kb_buf s = KB_BUF_INIT;
        if (!decode_strings(r, line, bytes, n, &s, &why)) {
            if (s.failed)
                r->nomem = 1;
            note_line(r, line, why ? why : "string data kbscan cannot decode");
            f->damaged = 1;
            kb_fact_set(f, "data", "");
        } else {
            set_strings(f, kb_buf_str(&s), s.len, type == T_MULTI_SZ);
        }
        kb_buf_free(&s);
        break;
    }
    case T_DWORD:
    case T_DWORD_BE:
    case T_QWORD: {
        size_t want = type == T_QWORD ? 8 : 4;
        if (n != want) {
            note_line(r, line, "number data of the wrong size: damaged, not read");
            f->damaged = 1;
            set_hex(f, bytes, n);
            break;
        }
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++)
            v |= (uint64_t)bytes[type == T_DWORD_BE ? i : n - 1 - i] << (8 * (n - 1 - i));
        set_number(f, v);
        break;
    }
    default:
        set_hex(f, bytes, n);
    }
    free(bytes);
}

/* "name"=value or @=value, lines first..last joined as text. */
static void read_value(reader *r, size_t first, size_t last, const char *text)
{
    const char *p = text, *after = NULL;
    char *name = NULL;
    if (*p == '@') {
        name = kb_strdup("@");
        after = p + 1;
    } else {
        name = quoted(p, &after);
    }
    if (!name) {
        note_line(r, first, "value name without its closing quote: not read");
        return;
    }
    while (*after == ' ')
        after++;
    if (*after != '=') {
        note_line(r, first, "value line without '=': not read");
        free(name);
        return;
    }
    const char *v = after + 1;
    while (*v == ' ')
        v++;
    kb_fact *f = kb_text_fact(r->ctx, "reg.value", r->t, first + 1, last + 1);
    if (!f) {
        r->nomem = 1;
        free(name);
        return;
    }
    kb_reg_set_value_key(f, r->key_path ? r->key_path : "", "reg_export");
    kb_fact_set(f, "name", name);
    if (!r->key_path)
        note_line(r, first, "value outside any key (or under a deleted one)");
    kb_fact_set(f, "deleted", "no");
    if (v[0] == '-' && kb_is_blank(v + 1)) {
        kb_fact_set(f, "deleted", "yes");
        kb_fact_set(f, "type", "");
        kb_fact_set(f, "data", "");
    } else if (v[0] == '"') {
        const char *end = NULL;
        char *s = quoted(v, &end);
        if (!s) {
            note_line(r, first, "string value without its closing quote: damaged, not read");
            f->damaged = 1;
        } else if (!kb_is_blank(end)) {
            note_line(r, first, "text after a string value's closing quote");
        }
        kb_fact_set(f, "type", "REG_SZ");
        kb_fact_set(f, "data", s ? s : "");
        free(s);
    } else if (strncmp(v, "dword:", 6) == 0) {
        char *end;
        size_t len;
        const char *digits = kb_trim(v + 6, &len);
        unsigned long long n = strtoull(digits, &end, 16);
        kb_fact_set(f, "type", "REG_DWORD");
        if (len == 0 || len > 8 || end != digits + len) {
            note_line(r, first, "dword value that is not eight hex digits: damaged, not read");
            f->damaged = 1;
            kb_fact_set(f, "data", "");
        } else {
            set_number(f, n);
        }
    } else if (strncmp(v, "hex", 3) == 0) {
        unsigned type = T_BINARY;
        const char *list = v + 3;
        int ok = 1;
        if (*list == '(') {
            char *end;
            unsigned long n = strtoul(list + 1, &end, 16);
            ok = end != list + 1 && *end == ')' && n <= 0xffffffffUL;
            type = (unsigned)n;
            list = ok ? end + 1 : list;
        }
        if (!ok || *list != ':') {
            note_line(r, first, "value of a form kbscan does not read: not read");
            f->damaged = 1;
            kb_fact_set(f, "type", "");
            kb_fact_set(f, "data", "");
        } else {
            if (type < sizeof type_names / sizeof type_names[0])
                kb_fact_set(f, "type", type_names[type]);
            else
                kb_fact_setf(f, "type", "hex(%x)", type);
            set_hex_value(r, f, first, type, list + 1);
        }
    } else {
        note_line(r, first, "value of a form kbscan does not read: not read");
        f->damaged = 1;
        kb_fact_set(f, "type", "");
        kb_fact_set(f, "data", "");
    }
    const char *data = kb_fact_get(f, "data");
    if (data && !f->damaged)
        kb_reg_check_path(f, name, data);
    free(name);
    r->values++;
    r->key_values++;
}

/* A hex value continues on the next line when the line ends with '\'. */
static int continues(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return len && p[len - 1] == '\\';
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.t = t;
    size_t head = header_line(t, &r.version);
    if (head >= t->nlines) {
        kb_input_note(ctx->input, NULL, "no \"" HEADER_5 "\" or \"" HEADER_4 "\" header: not read as a .reg export");
        return KB_OK;
    }
    kb_fact *ex = kb_text_fact(ctx, "reg.export", t, head + 1, head + 1);
    if (!ex)
        return KB_ERR_NOMEM;
    kb_text_hold(ctx); /* its key and value counts come at the end */
    kb_fact_set(ex, "format", r.version == 5 ? "5.00" : "REGEDIT4");
    if (r.version == 5 && t->encoding && strncmp(t->encoding, "UTF-16", 6) != 0)
        kb_input_note(ctx->input, "line 1", "a version 5.00 export saved as %s (regedit writes UTF-16LE): read as it is",
                      t->encoding);
    for (size_t i = head + 1; i < t->nlines && !r.nomem; i++) {
        const char *line = t->lines[i];
        size_t len;
        const char *p = kb_trim(line, &len);
        if (len == 0) {
            end_key(&r);
            continue;
        }
        if (p[0] == ';')
            continue;
        if (p[0] == '[') {
            read_key(&r, i, i, line);
            continue;
        }
        if (p[0] != '"' && p[0] != '@') {
            note_line(&r, i, "line not understood as part of a .reg export");
            continue;
        }
        /* Join continuation lines (hex data wrapped at 80 columns). */
        size_t last = i;
        kb_buf b = KB_BUF_INIT;
        kb_buf_append(&b, p, len);
        while (continues(t->lines[last]) && last + 1 < t->nlines) {
            b.len--; /* the '\' */
            b.data[b.len] = '\0';
            last++;
            size_t n;
            const char *more = kb_trim(t->lines[last], &n);
            kb_buf_append(&b, more, n);
        }
        if (b.failed) {
            kb_buf_free(&b);
            return KB_ERR_NOMEM;
        }
        read_value(&r, i, last, kb_buf_str(&b));
        kb_buf_free(&b);
        i = last;
    }
    end_key(&r);
    if (r.nomem)
        return KB_ERR_NOMEM;
    kb_fact_setf(ex, "keys", "%zu", r.keys);
    kb_fact_setf(ex, "values", "%zu", r.values);
    return KB_OK;
}

/* Certain with the header; surest when every line has an export's shape
 * too, which also picks, among the code pages an ANSI REGEDIT4 file fits,
 * one that does not swallow a key's ']' into a double-byte character. */
static int sniff(const kb_text *t)
{
    int version = 0;
    size_t head = header_line(t, &version);
    if (head >= t->nlines)
        return 0;
    int continued = 0;
    for (size_t i = head + 1; i < t->nlines; i++) {
        size_t len;
        const char *p = kb_trim(t->lines[i], &len);
        int ok = len == 0 || p[0] == ';' || p[0] == '"' || p[0] == '@' || continued ||
                 (p[0] == '[' && p[len - 1] == ']');
        if (!ok)
            return 95;
        continued = len && p[len - 1] == '\\';
    }
    return 100;
}

/* A .reg export shows no language. */
static const char *locale_of(const kb_text *t)
{
    (void)t;
    return NULL;
}

static const char *const export_fields[] = {"format", "keys", "values", NULL};
static const kb_fact_decl facts[] = {
    {"reg.export", export_fields},
    {"reg.key", kb_reg_key_fields},
    {"reg.value", kb_reg_value_fields},
    {NULL, NULL},
};

const kb_source kb_source_reg_export = {
    .name = "reg_export",
    .kind = "reg_export",
    .label = ".reg export (reg export, regedit)",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .ansi_text = 1, /* REGEDIT4: the ANSI page (5.00 exports are UTF-16LE) */
    .facts = facts,
    .feed = KB_REG_FEED,
    .collect = {
        .file = "vss.reg",
        .command = "reg export HKLM\\SYSTEM\\CurrentControlSet\\Services\\VSS <file> /y",
        .why_en = "The VSS service's key as a .reg file (regedit's File > Export of the key gives the same).",
        .why_ja = "VSS サービスのキーを .reg ファイルに書き出します (regedit の [ファイル] > [エクスポート] でも同じです)。",
    },
    .covers = KB_COVERS_MOMENT,
};
