/* binxml_value.c: BinXml values as text, the way libevtx 20181227 (through
 * libfvalue) shows them, so that rules written against its output keep
 * matching: integers in decimal, hexadecimal integers as 0x and every digit
 * of their width in lower case, GUIDs upper case in braces, binary upper-case
 * hexadecimal, FILETIME as ISO 8601 with nine fraction digits, SYSTEMTIME
 * with three, booleans as true/false, reals as d.dddddde+ddd.
 *
 * Two libevtx quirks are not copied, on purpose: it shows a negative signed
 * integer as the minus sign and the magnitude of its low bits (-1 as
 * -2147483647), and it decodes UTF-16 surrogate pairs wrongly. */
#include "evtx/binxml_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

kb_bx_result kb_bx_text_reserve(kb_bx_text *t, size_t more)
{
    if (more > t->limit || t->len > t->limit - more)
        return KB_BX_FULL;
    if (more <= t->cap - t->len)
        return KB_BX_OK;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap - t->len < more)
        cap *= 2;
    char *p = realloc(t->data, cap);
    if (!p)
        return KB_BX_NOMEM;
    t->data = p;
    t->cap = cap;
    return KB_BX_OK;
}

kb_bx_result kb_bx_text_append(kb_bx_text *t, const char *s, size_t n)
{
    kb_bx_result r = kb_bx_text_reserve(t, n);
    if (r == KB_BX_OK && n) {
        memcpy(t->data + t->len, s, n);
        t->len += n;
    }
    return r;
}

void kb_bx_text_free(kb_bx_text *t)
{
    free(t->data);
    t->data = NULL;
    t->len = t->cap = 0;
}

static size_t put_code_point(char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xc0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xe0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        o[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (c >> 18));
    o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    o[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

kb_bx_result kb_bx_utf16_append(kb_bx_text *t, const uint8_t *p, size_t n)
{
    size_t units = n / 2;
    /* At most 3 bytes of UTF-8 per UTF-16 unit (a pair gives 4 for 2). */
    if (units > SIZE_MAX / 3)
        return KB_BX_FULL;
    kb_bx_result r = kb_bx_text_reserve(t, units * 3);
    if (r != KB_BX_OK)
        return r;
    char *o = t->data + t->len;
    size_t i = 0;
    /* ASCII runs are the common case: copy them byte by byte. */
    while (i < units) {
        uint32_t c = kb_bx_u16(p + 2 * i);
        if (c == 0)
            break;
        i++;
        if (c < 0x80) {
            *o++ = (char)c;
            continue;
        }
        if (c >= 0xd800 && c <= 0xdbff && i < units) {
            uint32_t lo = kb_bx_u16(p + 2 * i);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                i++;
            } else {
                c = 0xfffd;
            }
        } else if (c >= 0xd800 && c <= 0xdfff) {
            c = 0xfffd;
        }
        o += put_code_point(o, c);
    }
    t->len = (size_t)(o - t->data);
    return KB_BX_OK;
}

/* Code page 1252's 0x80-0x9f (0: unassigned, shown as U+FFFD). */
static const uint16_t cp1252_high[32] = {
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178};

static kb_bx_result render_ansi(kb_bx_text *t, const uint8_t *p, size_t n)
{
    if (n > SIZE_MAX / 3)
        return KB_BX_FULL;
    kb_bx_result r = kb_bx_text_reserve(t, n * 3);
    if (r != KB_BX_OK)
        return r;
    char *o = t->data + t->len;
    for (size_t i = 0; i < n && p[i]; i++) {
        uint32_t c = p[i];
        if (c >= 0x80 && c < 0xa0)
            c = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : 0xfffd;
        o += put_code_point(o, c);
    }
    t->len = (size_t)(o - t->data);
    return KB_BX_OK;
}

static kb_bx_result render_hex_bytes(kb_bx_text *t, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    if (n > SIZE_MAX / 2)
        return KB_BX_FULL;
    kb_bx_result r = kb_bx_text_reserve(t, n * 2);
    if (r != KB_BX_OK)
        return r;
    char *o = t->data + t->len;
    for (size_t i = 0; i < n; i++) {
        *o++ = digits[p[i] >> 4];
        *o++ = digits[p[i] & 15];
    }
    t->len += n * 2;
    return KB_BX_OK;
}

static kb_bx_result printf_text(kb_bx_text *t, const char *s, int n)
{
    return n < 0 ? KB_BX_BADTYPE : kb_bx_text_append(t, s, (size_t)n);
}

/* Digit writers: snprintf was a fifth of the decoding time. */
static size_t put_decimal(char *o, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        o[i] = tmp[n - 1 - i];
    return n;
}

/* v in exactly width digits (zero-padded, cut to the low digits). */
static void put_fixed(char *o, uint64_t v, size_t width)
{
    while (width--) {
        o[width] = (char)('0' + v % 10);
        v /= 10;
    }
}

static void put_hex(char *o, uint64_t v, size_t width, const char *digits)
{
    while (width--) {
        o[width] = digits[v & 15];
        v >>= 4;
    }
}

static const char lower_hex[] = "0123456789abcdef", upper_hex[] = "0123456789ABCDEF";

static int64_t read_signed(const uint8_t *p, size_t n)
{
    switch (n) {
    case 1: return (int8_t)p[0];
    case 2: return (int16_t)kb_bx_u16(p);
    case 4: return (int32_t)kb_bx_u32(p);
    default: return (int64_t)kb_bx_u64(p);
    }
}

static uint64_t read_unsigned(const uint8_t *p, size_t n)
{
    switch (n) {
    case 1: return p[0];
    case 2: return kb_bx_u16(p);
    case 4: return kb_bx_u32(p);
    default: return kb_bx_u64(p);
    }
}

/* d.dddddde+ddd: the exponent always has three digits. */
static kb_bx_result render_real(kb_bx_text *t, double v)
{
    char s[64];
    if (v != v)
        return kb_bx_text_append(t, "NaN", 3);
    if (v > 1e308 * 10 || v < -1e308 * 10)
        return kb_bx_text_append(t, "Inf", 3);
    int n = snprintf(s, sizeof s, "%.6e", v);
    char *e = n > 0 ? strchr(s, 'e') : NULL;
    if (!e)
        return printf_text(t, s, n);
    int exponent = atoi(e + 1);
    n = (int)(e - s);
    n += snprintf(e, sizeof s - (size_t)n, "e%c%03d", exponent < 0 ? '-' : '+', abs(exponent));
    return printf_text(t, s, n);
}

/* FILETIME (100 ns since 1601) as YYYY-MM-DDThh:mm:ss.fffffffffZ. */
static kb_bx_result render_filetime(kb_bx_text *t, uint64_t ft)
{
    uint64_t secs = ft / 10000000u, frac = ft % 10000000u;
    int64_t days = (int64_t)(secs / 86400u) - 134774; /* days since 1970 */
    uint64_t rem = secs % 86400u;
    /* Civil date from days (H. Hinnant's algorithm). */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    char s[40];
    size_t o = 4; /* years past 9999 (FILETIME reaches 60056) get their digits */
    if (y > 9999)
        o = put_decimal(s, (uint64_t)y);
    else
        put_fixed(s, (uint64_t)y, 4);
    s[o] = '-';
    put_fixed(s + o + 1, (uint64_t)m, 2);
    s[o + 3] = '-';
    put_fixed(s + o + 4, (uint64_t)d, 2);
    s[o + 6] = 'T';
    put_fixed(s + o + 7, rem / 3600, 2);
    s[o + 9] = ':';
    put_fixed(s + o + 10, rem / 60 % 60, 2);
    s[o + 12] = ':';
    put_fixed(s + o + 13, rem % 60, 2);
    s[o + 15] = '.';
    put_fixed(s + o + 16, frac * 100, 9);
    s[o + 25] = 'Z';
    return kb_bx_text_append(t, s, o + 26);
}

static kb_bx_result render_systemtime(kb_bx_text *t, const uint8_t *p)
{
    char s[64];
    int n = snprintf(s, sizeof s, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", kb_bx_u16(p), kb_bx_u16(p + 2),
                     kb_bx_u16(p + 6), kb_bx_u16(p + 8), kb_bx_u16(p + 10), kb_bx_u16(p + 12), kb_bx_u16(p + 14));
    return printf_text(t, s, n);
}

static kb_bx_result render_guid(kb_bx_text *t, const uint8_t *p)
{
    char s[38];
    s[0] = '{';
    put_hex(s + 1, kb_bx_u32(p), 8, upper_hex);
    s[9] = '-';
    put_hex(s + 10, kb_bx_u16(p + 4), 4, upper_hex);
    s[14] = '-';
    put_hex(s + 15, kb_bx_u16(p + 6), 4, upper_hex);
    s[19] = '-';
    put_hex(s + 20, (uint64_t)p[8] << 8 | p[9], 4, upper_hex);
    s[24] = '-';
    for (int i = 0; i < 6; i++)
        put_hex(s + 25 + 2 * i, p[10 + i], 2, upper_hex);
    s[37] = '}';
    return kb_bx_text_append(t, s, 38);
}

/* S-revision-authority-sub...; the sub-authority count says how many. */
static kb_bx_result render_sid(kb_bx_text *t, const uint8_t *p, size_t n)
{
    (void)n; /* kb_bx_value_check saw the sub-authorities fit */
    uint64_t authority = 0;
    for (int i = 2; i < 8; i++)
        authority = authority << 8 | p[i];
    char s[32];
    int k = authority >> 32 ? snprintf(s, sizeof s, "S-%u-0x%012llX", p[0], (unsigned long long)authority)
                            : snprintf(s, sizeof s, "S-%u-%llu", p[0], (unsigned long long)authority);
    kb_bx_result r = printf_text(t, s, k);
    for (size_t i = 0; r == KB_BX_OK && i < p[1]; i++) {
        s[0] = '-';
        r = kb_bx_text_append(t, s, 1 + put_decimal(s + 1, kb_bx_u32(p + 8 + 4 * i)));
    }
    return r;
}

/* The fixed size of a type's values (0: any size). */
static size_t fixed_size(uint8_t base)
{
    switch (base) {
    case KB_BX_INT8: case KB_BX_UINT8: return 1;
    case KB_BX_INT16: case KB_BX_UINT16: return 2;
    case KB_BX_INT32: case KB_BX_UINT32: case KB_BX_REAL32: case KB_BX_BOOL: case KB_BX_HEX32: return 4;
    case KB_BX_INT64: case KB_BX_UINT64: case KB_BX_REAL64: case KB_BX_FILETIME: case KB_BX_HEX64: return 8;
    case KB_BX_GUID: case KB_BX_SYSTEMTIME: return 16;
    default: return 0;
    }
}

static kb_bx_result render_number(kb_bx_text *t, uint8_t type, const uint8_t *p, size_t n)
{
    char s[24];
    size_t k;
    switch (type) {
    case KB_BX_INT8: case KB_BX_INT16: case KB_BX_INT32: case KB_BX_INT64: {
        int64_t v = read_signed(p, n);
        s[0] = '-';
        k = v < 0 ? 1 + put_decimal(s + 1, 0 - (uint64_t)v) : put_decimal(s, (uint64_t)v);
        break;
    }
    case KB_BX_HEX32: case KB_BX_HEX64:
        s[0] = '0', s[1] = 'x';
        k = 2 + 2 * n;
        put_hex(s + 2, read_unsigned(p, n), 2 * n, lower_hex);
        break;
    case KB_BX_BOOL:
        return kb_bx_u32(p) ? kb_bx_text_append(t, "true", 4) : kb_bx_text_append(t, "false", 5);
    default: /* unsigned, and size_t of 4 or 8 bytes */
        k = put_decimal(s, read_unsigned(p, n));
        break;
    }
    return kb_bx_text_append(t, s, k);
}

kb_bx_result kb_bx_value_check(uint8_t type, const uint8_t *p, size_t n)
{
    size_t want = fixed_size(type);
    if (want && n != want)
        return KB_BX_BADSIZE;
    switch (type) {
    case KB_BX_NULL: case KB_BX_STRING: case KB_BX_ANSI: case KB_BX_BINARY: return KB_BX_OK;
    case KB_BX_SID: return n < 8 || (size_t)p[1] > (n - 8) / 4 ? KB_BX_BADSIZE : KB_BX_OK;
    case KB_BX_SIZET: return n != 4 && n != 8 ? KB_BX_BADSIZE : KB_BX_OK;
    default: return want ? KB_BX_OK : KB_BX_BADTYPE;
    }
}

kb_bx_result kb_bx_render(kb_bx_text *t, uint8_t type, const uint8_t *p, size_t n)
{
    kb_bx_result checked = kb_bx_value_check(type, p, n);
    if (checked != KB_BX_OK)
        return checked;
    switch (type) {
    case KB_BX_NULL: return KB_BX_OK;
    case KB_BX_STRING: return kb_bx_utf16_append(t, p, n);
    case KB_BX_ANSI: return render_ansi(t, p, n);
    case KB_BX_REAL32: {
        float f;
        uint32_t u = kb_bx_u32(p);
        memcpy(&f, &u, sizeof f);
        return render_real(t, (double)f);
    }
    case KB_BX_REAL64: {
        double d;
        uint64_t u = kb_bx_u64(p);
        memcpy(&d, &u, sizeof d);
        return render_real(t, d);
    }
    case KB_BX_BINARY: return render_hex_bytes(t, p, n);
    case KB_BX_GUID: return render_guid(t, p);
    case KB_BX_FILETIME: return render_filetime(t, kb_bx_u64(p));
    case KB_BX_SYSTEMTIME: return render_systemtime(t, p);
    case KB_BX_SID: return render_sid(t, p, n);
    default: return render_number(t, type, p, n); /* the integers, size_t: checked above */
    }
}

/* The length in bytes of the string item starting at p (n bytes left),
 * without its NUL, and the bytes it uses with its NUL. */
static size_t string_item(uint8_t base, const uint8_t *p, size_t n, size_t *used)
{
    size_t unit = base == KB_BX_ANSI ? 1 : 2, i = 0;
    while (n - i >= unit) {
        if (p[i] == 0 && (unit == 1 || p[i + 1] == 0)) {
            *used = i + unit;
            return i;
        }
        i += unit;
    }
    *used = n;
    return i;
}

static int is_string(uint8_t base)
{
    return base == KB_BX_STRING || base == KB_BX_ANSI;
}

size_t kb_bx_array_count(uint8_t type, const uint8_t *p, size_t n)
{
    uint8_t base = type & 0x7f;
    if (!is_string(base)) {
        size_t size = base == KB_BX_SIZET ? 8 : fixed_size(base);
        return size ? n / size : 0;
    }
    size_t count = 0, off = 0, used;
    while (off < n) {
        string_item(base, p + off, n - off, &used);
        if (used == 0)
            break;
        off += used;
        count++;
    }
    return count;
}

int kb_bx_array_item(uint8_t type, const uint8_t *p, size_t n, size_t i, const uint8_t **item, size_t *item_len)
{
    kb_bx_array_cursor at = {0};
    return kb_bx_array_item_at(&at, type, p, n, i, item, item_len);
}

int kb_bx_array_item_at(kb_bx_array_cursor *at, uint8_t type, const uint8_t *p, size_t n, size_t i,
                        const uint8_t **item, size_t *item_len)
{
    uint8_t base = type & 0x7f;
    if (!is_string(base)) {
        size_t size = base == KB_BX_SIZET ? 8 : fixed_size(base);
        if (!size || i >= n / size)
            return -1;
        *item = p + i * size;
        *item_len = size;
        return 0;
    }
    /* From the cursor when it is at this array, at or before item i. */
    size_t k = 0, off = 0, used;
    if (at->p == p && at->n == n && at->type == type && at->index <= i)
        k = at->index, off = at->off;
    for (; off < n; k++) {
        size_t len = string_item(base, p + off, n - off, &used);
        if (used == 0)
            break;
        if (k == i) {
            *at = (kb_bx_array_cursor){.p = p, .n = n, .type = type, .index = k, .off = off};
            *item = p + off;
            *item_len = len;
            return 0;
        }
        off += used;
    }
    return -1;
}

const char *kb_bx_type_name(uint8_t type)
{
    static const char *const names[] = {"null", "string", "ansi string", "int8", "uint8", "int16",
                                        "uint16", "int32", "uint32", "int64", "uint64", "real32",
                                        "real64", "bool", "binary", "guid", "size_t", "filetime",
                                        "systemtime", "sid", "hex32", "hex64"};
    uint8_t base = type & 0x7f;
    if (base < sizeof names / sizeof names[0])
        return names[base];
    if (base == KB_BX_EVTHANDLE)
        return "EvtHandle";
    if (base == KB_BX_BINXML)
        return "BinXml";
    if (base == KB_BX_EVTXML)
        return "EvtXml";
    return "unknown";
}
