/* evtmsg.c: finds an event's message in the built-in table and fills in
 * its insertion strings the way FormatMessage does (see evtmsg.h). */
#include "report/evtmsg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/errcodes.h"

/* Which message identifiers can be a provider's events. Legacy ones are
 * severity/facility bits over the event id (0xC0060019 is volsnap 25);
 * manifest ones are what mc.exe generates for manifest events (0xB...,
 * the event's version in bits 16-23). */
typedef enum kb_evtmsg_ids {
    KB_EVTMSG_LEGACY_ONLY,
    KB_EVTMSG_MANIFEST_ONLY,
    KB_EVTMSG_LEGACY_FIRST,
    KB_EVTMSG_MANIFEST_FIRST
} kb_evtmsg_ids;

typedef struct kb_evtmsg_text {
    unsigned file;        /* index into kb_evtmsg_files */
    uint32_t id;
    uint32_t builds;      /* bit i: kb_evtmsg_builds[i] has this text */
    const char *windows;
    const char *text;
} kb_evtmsg_text;

/* Identifiers lo..hi of one message file. */
typedef struct kb_evtmsg_span {
    unsigned file;
    uint32_t lo, hi;
} kb_evtmsg_span;

typedef struct kb_evtmsg_provider {
    const char *name;
    const char *guid;     /* "" for classic sources */
    kb_evtmsg_ids ids;
    const kb_evtmsg_span *spans;  /* in the order the files are searched */
    size_t nspans;
    const char *const *aliases;
    size_t naliases;
} kb_evtmsg_provider;

#include "report/evtmsg_table.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MANIFEST_ID(id) (((id) >> 28) == 0xBu)
#define MAX_WIDTH 128        /* width and precision of a format spec */
#define MAX_SPEC 32          /* length of the text between the two ! */

/* ---- providers ---- */

/* "{1db28f2e-...}" and "1DB28F2E-..." are the same GUID. */
static int guid_eq(const char *guid, const char *s)
{
    if (!*guid)
        return 0;
    guid++;                   /* the table's GUIDs have braces */
    size_t n = strlen(guid) - 1;
    if (*s == '{')
        s++;
    if (strncasecmp(guid, s, n) != 0)
        return 0;
    s += n;
    return s[0] == '\0' || (s[0] == '}' && s[1] == '\0');
}

static const kb_evtmsg_provider *find_provider(const char *name)
{
    for (size_t i = 0; i < COUNT(kb_evtmsg_providers); i++) {
        const kb_evtmsg_provider *p = &kb_evtmsg_providers[i];
        if (kb_strcaseeq(p->name, name) || guid_eq(p->guid, name))
            return p;
        for (size_t a = 0; a < p->naliases; a++)
            if (kb_strcaseeq(p->aliases[a], name))
                return p;
    }
    return NULL;
}

/* ---- the texts ---- */

/* The first text of file whose id has low 16 bits low (or where it would be). */
static size_t lower_bound(unsigned file, unsigned low)
{
    size_t lo = 0, hi = COUNT(kb_evtmsg_texts);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const kb_evtmsg_text *t = &kb_evtmsg_texts[mid];
        if (t->file < file || (t->file == file && (t->id & 0xFFFFu) < low))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The bit of kb_evtmsg_builds for build: the newest release not after it. */
static uint32_t build_bit(unsigned build)
{
    unsigned idx = 0;
    for (unsigned i = 0; i < COUNT(kb_evtmsg_builds); i++)
        if (kb_evtmsg_builds[i] <= build)
            idx = i;
    return 1u << idx;
}

static int top_bit(uint32_t v)
{
    int top = 31;
    while (top > 0 && !(v & (1u << top)))
        top--;
    return top;
}

/* Of the texts of one identifier (newest first, at [first, end)), the one
 * of build: the text that release has, else the newest older one, else the
 * oldest. */
static const kb_evtmsg_text *pick_build(size_t first, size_t end, unsigned build)
{
    if (build == 0)
        return &kb_evtmsg_texts[first];
    uint32_t bit = build_bit(build);
    const kb_evtmsg_text *older = NULL;
    int older_top = -1;
    for (size_t i = first; i < end; i++) {
        const kb_evtmsg_text *t = &kb_evtmsg_texts[i];
        if (t->builds & bit)
            return t;
        int top = top_bit(t->builds);
        if (top <= top_bit(bit) && top > older_top) {
            older = t;
            older_top = top;
        }
    }
    return older ? older : &kb_evtmsg_texts[end - 1];
}

/* Whether the event's release (bit) has text t: its file's copy there has
 * it, or the release is newer than any copy of the file seen and the newest
 * copy has it (files stay; the source lacks some releases' copies). */
static int in_release(const kb_evtmsg_text *t, uint32_t bit)
{
    uint32_t top = 1u << top_bit(kb_evtmsg_file_builds[t->file]);
    return (t->builds & bit) || (bit > top && (t->builds & top));
}

/* How well a text fits: lower is better, compared field by field. */
typedef struct rank {
    unsigned v[6];
} rank;

static int rank_less(const rank *a, const rank *b)
{
    for (size_t i = 0; i < COUNT(a->v); i++)
        if (a->v[i] != b->v[i])
            return a->v[i] < b->v[i];
    return 0;
}

/* Exact identifier first (it carries the record's Qualifiers), then the
 * provider's preferred kind of identifier, a text of the event's release
 * (when known), the earlier message file, the lower manifest event version,
 * the lower identifier. */
static int fits(const kb_evtmsg_provider *p, size_t file_order, const kb_evtmsg_text *t,
                uint32_t event_id, uint32_t bit, rank *r)
{
    uint32_t id = t->id;
    int manifest = MANIFEST_ID(id);
    if ((p->ids == KB_EVTMSG_LEGACY_ONLY && manifest) ||
        (p->ids == KB_EVTMSG_MANIFEST_ONLY && !manifest))
        return 0;
    int preferred = p->ids == KB_EVTMSG_MANIFEST_FIRST || p->ids == KB_EVTMSG_MANIFEST_ONLY
                        ? manifest : !manifest;
    r->v[0] = id == event_id ? 0 : 1;
    r->v[1] = preferred ? 0 : 1;
    r->v[2] = !bit || in_release(t, bit) ? 0 : 1;
    r->v[3] = (unsigned)file_order;
    r->v[4] = manifest ? (id >> 16) & 0xFFu : 0;
    r->v[5] = id;
    return 1;
}

int kb_evtmsg_find(const char *provider, uint32_t event_id, unsigned build, kb_evtmsg *msg)
{
    if (!provider || !msg)
        return 0;
    const kb_evtmsg_provider *p = find_provider(provider);
    if (!p)
        return 0;
    unsigned low = event_id & 0xFFFFu;
    uint32_t bit = build ? build_bit(build) : 0;
    size_t best = SIZE_MAX;
    rank best_rank = {{0}};
    for (size_t s = 0; s < p->nspans; s++) {
        const kb_evtmsg_span *sp = &p->spans[s];
        size_t file_order = s;
        while (file_order > 0 && p->spans[file_order - 1].file == sp->file)
            file_order--;
        for (size_t i = lower_bound(sp->file, low); i < COUNT(kb_evtmsg_texts); i++) {
            const kb_evtmsg_text *t = &kb_evtmsg_texts[i];
            if (t->file != sp->file || (t->id & 0xFFFFu) != low)
                break;
            rank r;
            if (t->id < sp->lo || t->id > sp->hi || !fits(p, file_order, t, event_id, bit, &r))
                continue;
            if (best == SIZE_MAX || rank_less(&r, &best_rank)) {
                best = i;
                best_rank = r;
            }
        }
    }
    if (best == SIZE_MAX)
        return 0;
    while (best > 0 && kb_evtmsg_texts[best - 1].file == kb_evtmsg_texts[best].file &&
           kb_evtmsg_texts[best - 1].id == kb_evtmsg_texts[best].id)
        best--;                    /* the identifier's newest text */
    size_t end = best;
    while (end < COUNT(kb_evtmsg_texts) && kb_evtmsg_texts[end].file == kb_evtmsg_texts[best].file &&
           kb_evtmsg_texts[end].id == kb_evtmsg_texts[best].id)
        end++;
    const kb_evtmsg_text *t = pick_build(best, end, build);
    msg->provider = p->name;
    msg->file = kb_evtmsg_files[t->file];
    msg->id = t->id;
    msg->windows = t->windows;
    msg->text = t->text;
    return 1;
}

/* ---- parameter messages (%%N) ---- */

static size_t trimmed_len(const char *s, size_t n)
{
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

int kb_evtmsg_param(uint32_t id, const char **text, size_t *len)
{
    /* Win32 errors: kernel32's message table, which winevt-kb's pages lack;
     * kbscan's error table has their documented texts, the same words. */
    if (id <= 0xFFFFu || (id & 0xFFFF0000u) == 0x80070000u) {
        const kb_errcode *e = kb_errcode_find(id & 0xFFFFu, KB_CODE_WIN32);
        if (e && *e->meaning) {
            *text = e->meaning;
            *len = trimmed_len(e->meaning, strlen(e->meaning));
            return 1;
        }
        return 0;
    }
    for (size_t s = 0; s < COUNT(kb_evtmsg_param_spans); s++) {
        const kb_evtmsg_span *sp = &kb_evtmsg_param_spans[s];
        if (id < sp->lo || id > sp->hi)
            continue;
        for (size_t i = lower_bound(sp->file, id & 0xFFFFu); i < COUNT(kb_evtmsg_texts); i++) {
            const kb_evtmsg_text *t = &kb_evtmsg_texts[i];
            if (t->file != sp->file || (t->id & 0xFFFFu) != (id & 0xFFFFu))
                break;
            if (t->id == id) {   /* the first is the newest */
                *text = t->text;
                *len = trimmed_len(t->text, strlen(t->text));
                return 1;
            }
        }
    }
    return 0;
}

/* ---- formatting ---- */

/* Appends text, CR LF and lone CR becoming LF. */
static void put_text(kb_buf *b, const char *s, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\r')
            continue;
        kb_buf_append(b, s + from, i - from);
        kb_buf_putc(b, '\n');
        if (i + 1 < n && s[i + 1] == '\n')
            i++;
        from = i + 1;
    }
    kb_buf_append(b, s + from, n - from);
}

/* Reads "%%1234" at s (up to 10 digits, at most 0xFFFFFFFF): its length, or 0. */
static size_t param_ref(const char *s, size_t n, uint32_t *id)
{
    if (n < 3 || s[0] != '%' || s[1] != '%' || !isdigit((unsigned char)s[2]))
        return 0;
    uint64_t v = 0;
    size_t i = 2;
    while (i < n && i < 12 && isdigit((unsigned char)s[i]))
        v = v * 10 + (uint64_t)(s[i++] - '0');
    if (v > 0xFFFFFFFFu || (i < n && isdigit((unsigned char)s[i])))
        return 0;
    *id = (uint32_t)v;
    return i;
}

/* An insertion string with its %%N references replaced (once, never again). */
static void put_expanded(kb_buf *b, const char *s)
{
    size_t n = strlen(s), from = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t id;
        size_t len;
        const char *param;
        size_t plen;
        if (s[i] != '%' || !(len = param_ref(s + i, n - i, &id)))
            continue;
        if (!kb_evtmsg_param(id, &param, &plen)) {
            i += len - 1;
            continue;
        }
        put_text(b, s + from, i - from);
        put_text(b, param, plen);
        i += len - 1;
        from = i + 1;
    }
    put_text(b, s + from, n - from);
}

/* A printf-style spec between the ! of %N!spec!. */
typedef struct spec {
    int left, plus, space, alt, zero;
    int width, prec;          /* -1: not given */
    int width_star, prec_star;
    int wide64;               /* ll, I64, j, q: a 64-bit argument */
    char conv;
} spec;

static int read_count(const char *s, size_t n, size_t *i)
{
    int v = 0;
    while (*i < n && isdigit((unsigned char)s[*i])) {
        if (v <= MAX_WIDTH)
            v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    return v > MAX_WIDTH ? MAX_WIDTH : v;
}

static int parse_spec(const char *s, size_t n, spec *sp)
{
    memset(sp, 0, sizeof *sp);
    sp->width = sp->prec = -1;
    size_t i = 0;
    for (; i < n && s[i] && strchr("-+ #0", s[i]); i++) {
        switch (s[i]) {
        case '-': sp->left = 1; break;
        case '+': sp->plus = 1; break;
        case ' ': sp->space = 1; break;
        case '#': sp->alt = 1; break;
        default: sp->zero = 1; break;
        }
    }
    if (i < n && s[i] == '*') {
        sp->width_star = 1;
        i++;
    } else if (i < n && isdigit((unsigned char)s[i])) {
        sp->width = read_count(s, n, &i);
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i < n && s[i] == '*') {
            sp->prec_star = 1;
            i++;
        } else {
            sp->prec = read_count(s, n, &i);
        }
    }
    static const char *const sizes[] = {"I64", "I32", "hh", "ll", "h", "l", "L", "I", "w", "z", "j", "t", "q"};
    for (size_t k = 0; k < COUNT(sizes); k++) {
        size_t len = strlen(sizes[k]);
        if (n - i > len && memcmp(s + i, sizes[k], len) == 0) {
            sp->wide64 = !strcmp(sizes[k], "I64") || !strcmp(sizes[k], "ll") ||
                         !strcmp(sizes[k], "j") || !strcmp(sizes[k], "q");
            i += len;
            break;
        }
    }
    if (n - i != 1 || !strchr("sSZcCdiuoxXpeEfgGaA", s[i]) || s[i] == '\0')
        return -1;
    sp->conv = s[i];
    return 0;
}

/* Reads a whole string as an integer: optional blanks and sign, then
 * decimal or 0x hex digits. */
static int parse_int(const char *s, unsigned long long *mag, int *neg)
{
    while (*s == ' ' || *s == '\t')
        s++;
    *neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!isxdigit((unsigned char)*s))
        return -1;
    unsigned long long v = 0;
    for (; *s && *s != ' ' && *s != '\t'; s++) {
        int d = isdigit((unsigned char)*s) ? *s - '0'
                : isxdigit((unsigned char)*s) ? tolower((unsigned char)*s) - 'a' + 10 : 99;
        if (d >= base || v > (~0ull - (unsigned)d) / (unsigned)base)
            return -1;
        v = v * (unsigned)base + (unsigned)d;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s)
        return -1;
    *mag = v;
    return 0;
}

static void pad(kb_buf *b, char c, int n)
{
    for (int i = 0; i < n; i++)
        kb_buf_putc(b, c);
}

/* printf's integer conversions, written out (no format string is built). */
static void put_int(kb_buf *b, const spec *sp, unsigned long long mag, int neg)
{
    char conv = sp->conv == 'i' ? 'd' : sp->conv;
    unsigned long long v = neg ? 0ull - mag : mag;   /* two's complement */
    int prec = sp->prec, alt = sp->alt;
    if (conv == 'p') {
        conv = 'X';
        prec = 16;
        alt = 0;
    } else if (!sp->wide64) {
        v &= 0xFFFFFFFFull;
    }
    int negative = 0;
    if (conv == 'd') {
        if (sp->wide64)
            negative = (v >> 63) != 0;
        else
            negative = (v >> 31) != 0;
        if (negative)
            v = sp->wide64 ? 0ull - v : (0x100000000ull - v) & 0xFFFFFFFFull;
    }
    unsigned base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
    const char *digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char num[32];
    int nd = 0;
    for (unsigned long long x = v; x; x /= base)
        num[nd++] = digits[x % base];
    int zeros = prec > nd ? prec - nd : 0;
    if (prec < 0 && nd == 0)
        zeros = 1;                          /* "0" */
    const char *prefix = "";
    if (conv == 'd')
        prefix = negative ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    else if (alt && v && base == 16)
        prefix = conv == 'X' ? "0X" : "0x";
    else if (alt && base == 8 && zeros == 0)
        zeros = 1;
    int body = (int)strlen(prefix) + zeros + nd;
    int fill = sp->width > body ? sp->width - body : 0;
    if (!sp->left && !(sp->zero && prec < 0))
        pad(b, ' ', fill);
    kb_buf_puts(b, prefix);
    if (!sp->left && sp->zero && prec < 0)
        pad(b, '0', fill);
    pad(b, '0', zeros);
    while (nd)
        kb_buf_putc(b, num[--nd]);
    if (sp->left)
        pad(b, ' ', fill);
}

/* The length of the first n bytes of s cut back to a whole UTF-8 character. */
static size_t utf8_cut(const char *s, size_t n)
{
    while (n && ((unsigned char)s[n] & 0xC0u) == 0x80u)
        n--;
    return n;
}

static void put_string(kb_buf *b, const spec *sp, const char *s)
{
    size_t n = strlen(s);
    if (sp->prec >= 0 && (size_t)sp->prec < n)
        n = utf8_cut(s, (size_t)sp->prec);
    int fill = sp->width > (int)n ? sp->width - (int)n : 0;
    if (!sp->left)
        pad(b, ' ', fill);
    put_text(b, s, n);
    if (sp->left)
        pad(b, ' ', fill);
}

static int put_float(kb_buf *b, const spec *sp, const char *s)
{
    char *end;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return -1;
    double d = strtod(s, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end)
        return -1;
    int w = sp->left ? -sp->width : sp->width, p = sp->prec;
    char out[640];
    int len;
    switch (sp->conv) {
    case 'e': len = snprintf(out, sizeof out, "%*.*e", w, p, d); break;
    case 'E': len = snprintf(out, sizeof out, "%*.*E", w, p, d); break;
    case 'f': len = snprintf(out, sizeof out, "%*.*f", w, p, d); break;
    case 'g': len = snprintf(out, sizeof out, "%*.*g", w, p, d); break;
    case 'G': len = snprintf(out, sizeof out, "%*.*G", w, p, d); break;
    case 'a': len = snprintf(out, sizeof out, "%*.*a", w, p, d); break;
    default: len = snprintf(out, sizeof out, "%*.*A", w, p, d); break;
    }
    if (len < 0 || (size_t)len >= sizeof out)
        return -1;
    kb_buf_append(b, out, (size_t)len);
    return 0;
}

/* The number a '*' takes from strings[i], or -1. */
static int star_arg(const char *const strings[], size_t nstrings, size_t i, int *left)
{
    unsigned long long mag;
    int neg;
    if (i >= nstrings || !strings[i] || parse_int(strings[i], &mag, &neg) != 0)
        return -1;
    if (neg)
        *left = 1;
    return mag > MAX_WIDTH ? MAX_WIDTH : (int)mag;
}

/* %N!spec! with strings[n - 1] (already %%N-expanded in value). */
static void put_insert(kb_buf *b, const char *value, const spec *given,
                       const char *const strings[], size_t nstrings, size_t n)
{
    if (!given) {
        put_text(b, value, strlen(value));
        return;
    }
    spec sp = *given;
    size_t next = n;       /* '*' arguments follow the insert: %n+1, %n+2 */
    if (sp.width_star)
        sp.width = star_arg(strings, nstrings, next++, &sp.left);
    if (sp.prec_star) {
        int ignored = 0;
        sp.prec = star_arg(strings, nstrings, next, &ignored);
    }
    unsigned long long mag;
    int neg;
    switch (sp.conv) {
    case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'p':
        if (parse_int(value, &mag, &neg) == 0) {
            put_int(b, &sp, mag, neg);
            return;
        }
        break;
    case 'e': case 'E': case 'f': case 'g': case 'G': case 'a': case 'A':
        if (put_float(b, &sp, value) == 0)
            return;
        break;
    default:
        put_string(b, &sp, value);
        return;
    }
    put_text(b, value, strlen(value));   /* no number: as it is */
}

/* %N at text (after the %): its number (1..99) and length, or 0. */
static size_t insert_number(const char *t, size_t *n)
{
    if (!isdigit((unsigned char)t[0]) || t[0] == '0')
        return 0;
    size_t len = isdigit((unsigned char)t[1]) ? 2 : 1;
    *n = len == 2 ? (size_t)((t[0] - '0') * 10 + (t[1] - '0')) : (size_t)(t[0] - '0');
    return len;
}

static int at_line_start(const kb_buf *b, size_t start)
{
    return b->len == start || b->data[b->len - 1] == '\n';
}

kb_evtmsg_result kb_evtmsg_render(const char *text, const char *const strings[], size_t nstrings,
                                  kb_buf *out)
{
    size_t start = out->len;
    kb_buf value = KB_BUF_INIT;
    const char *t = text ? text : "";
    if (!strings)
        nstrings = 0;
    while (*t) {
        if (*t == '\r') {
            kb_buf_putc(out, '\n');
            t += t[1] == '\n' ? 2 : 1;
            continue;
        }
        if (*t != '%') {
            const char *run = t;
            while (*t && *t != '%' && *t != '\r')
                t++;
            kb_buf_append(out, run, (size_t)(t - run));
            continue;
        }
        const char *esc = t++;     /* t: the character after % */
        size_t n, len;
        uint32_t id;
        const char *param;
        size_t plen;
        if (*t == '\0') {
            kb_buf_putc(out, '%');             /* a % at the end stays */
        } else if (*t == '0') {
            break;                              /* %0: the message ends */
        } else if ((len = insert_number(t, &n)) != 0) {
            t += len;
            spec sp;
            const spec *given = NULL;
            if (*t == '!') {
                const char *close = memchr(t + 1, '!', strnlen(t + 1, MAX_SPEC));
                if (close) {
                    if (parse_spec(t + 1, (size_t)(close - t - 1), &sp) == 0)
                        given = &sp;
                    t = close + 1;
                }
            }
            if (n > nstrings || !strings[n - 1]) {
                kb_buf_append(out, esc, (size_t)(t - esc));   /* stays visible */
                continue;
            }
            kb_buf_reset(&value);
            put_expanded(&value, strings[n - 1]);
            put_insert(out, kb_buf_str(&value), given, strings, nstrings, n);
            continue;
        } else if ((len = param_ref(esc, strnlen(esc, 13), &id)) != 0) {
            if (kb_evtmsg_param(id, &param, &plen))
                put_text(out, param, plen);
            else
                kb_buf_append(out, esc, len);
            t = esc + len;
            continue;
        } else if (*t == 'n') {
            kb_buf_putc(out, '\n');
        } else if (*t == 't') {
            kb_buf_putc(out, '\t');
        } else if (*t == 'b') {
            kb_buf_putc(out, ' ');
        } else if (*t == 'r') {
            if (!at_line_start(out, start))
                kb_buf_putc(out, '\n');
        } else {
            kb_buf_putc(out, *t);              /* %% %. %! "% " and the rest */
        }
        if (*t)
            t++;
    }
    int failed = out->failed || value.failed;
    kb_buf_free(&value);
    if (failed)
        return KB_EVTMSG_NOMEM;
    while (out->len > start && strchr("\n \t", out->data[out->len - 1]))
        out->data[--out->len] = '\0';
    return KB_EVTMSG_FORMATTED;
}

kb_evtmsg_result kb_evtmsg_format(const char *provider, uint32_t event_id,
                                  const char *const strings[], size_t nstrings, kb_buf *out)
{
    kb_evtmsg msg;
    if (!kb_evtmsg_find(provider, event_id, 0, &msg))
        return KB_EVTMSG_UNKNOWN;
    return kb_evtmsg_render(msg.text, strings, nstrings, out);
}

/* ---- Windows Server Backup's error codes ---- */

int kb_evtmsg_wsb_hresult(const char *text, uint32_t *hresult)
{
    if (!text)
        return -1;
    while (*text == ' ' || *text == '\t')
        text++;
    uint64_t v = 0;
    size_t digits = 0;
    for (; isdigit((unsigned char)*text); text++, digits++) {
        v = v * 10 + (uint64_t)(*text - '0');
        if (v > 0xFFFFFFFFu)
            return -1;
    }
    while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')
        text++;
    if (!digits || *text)
        return -1;
    *hresult = (uint32_t)v;
    return 0;
}

/* ---- checks ---- */

int kb_evtmsg_table_ok(void)
{
    if (COUNT(kb_evtmsg_file_builds) != COUNT(kb_evtmsg_files))
        return 0;
    for (size_t i = 0; i < COUNT(kb_evtmsg_texts); i++) {
        const kb_evtmsg_text *t = &kb_evtmsg_texts[i];
        if (t->file >= COUNT(kb_evtmsg_files) || !t->builds || !t->text || !t->windows)
            return 0;
        if (COUNT(kb_evtmsg_builds) < 32 && t->builds >> COUNT(kb_evtmsg_builds))
            return 0;
        if ((t->builds & kb_evtmsg_file_builds[t->file]) != t->builds)
            return 0;
        if (i == 0)
            continue;
        const kb_evtmsg_text *p = &kb_evtmsg_texts[i - 1];
        if (p->file != t->file ? p->file > t->file
            : (p->id & 0xFFFFu) != (t->id & 0xFFFFu) ? (p->id & 0xFFFFu) > (t->id & 0xFFFFu)
            : p->id > t->id)
            return 0;
    }
    for (size_t i = 0; i < COUNT(kb_evtmsg_providers); i++) {
        const kb_evtmsg_provider *p = &kb_evtmsg_providers[i];
        for (size_t s = 0; s < p->nspans; s++)
            if (p->spans[s].file >= COUNT(kb_evtmsg_files) || p->spans[s].lo > p->spans[s].hi)
                return 0;
    }
    return 1;
}
