/* errcodes.c: looks up and explains Windows error codes (see errcodes.h). */
#include "report/errcodes.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <errno.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "report/errcodes_table.h"

#define FACILITY_WIN32 7u
#define HRESULT_FROM_NT_BIT 0x10000000u   /* FACILITY_NT_BIT */

const kb_errcode *kb_errcode_all(size_t *n)
{
    *n = sizeof kb_errcode_table / sizeof kb_errcode_table[0];
    return kb_errcode_table;
}

static int entry_cmp(uint32_t value, kb_code_kind kind, const kb_errcode *e)
{
    if (value != e->value)
        return value < e->value ? -1 : 1;
    if (kind != e->kind)
        return kind < e->kind ? -1 : 1;
    return 0;
}

const kb_errcode *kb_errcode_find(uint32_t value, kb_code_kind kind)
{
    size_t n;
    const kb_errcode *t = kb_errcode_all(&n);
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = entry_cmp(value, kind, &t[mid]);
        if (c == 0)
            return &t[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Adds e's name to names and keeps the first documented meaning. */
static void take(const kb_errcode *e, kb_buf *names, const char **meaning)
{
    if (!e)
        return;
    if (names->len)
        kb_buf_puts(names, " / ");
    kb_buf_puts(names, e->name);
    if (!*meaning && *e->meaning)
        *meaning = e->meaning;
}

/* What the bits of a code without a name say. */
static char *bits_meaning(uint32_t v)
{
    unsigned facility = (v >> 16) & 0x7FFu, code = v & 0xFFFFu;
    if (v <= 0xFFFFu)
        return kb_strprintf("Win32 error %u", code);
    if ((v & 0xC0000000u) == 0xC0000000u)
        return kb_strprintf("NTSTATUS error, facility %u, code %u", facility & 0xFFFu, code);
    if ((v & 0xC0000000u) == 0x40000000u)
        return kb_strprintf("NTSTATUS informational, facility %u, code %u", facility, code);
    if (v & 0x80000000u) {
        if (facility == FACILITY_WIN32)
            return kb_strprintf("HRESULT facility WIN32, Win32 error %u", code);
        return kb_strprintf("HRESULT facility %u, code %u", facility, code);
    }
    return kb_strprintf("HRESULT success, facility %u, code %u", facility, code);
}

int kb_code_explain(uint32_t v, kb_code_info *info)
{
    memset(info, 0, sizeof *info);
    info->value = v;
    kb_buf names = KB_BUF_INIT;
    kb_buf_puts(&names, "");
    const char *meaning = NULL;
    const char *win32_meaning = NULL;
    if (v <= 0xFFFFu) {
        take(kb_errcode_find(v, KB_CODE_WIN32), &names, &meaning);
    } else {
        take(kb_errcode_find(v, KB_CODE_HRESULT), &names, &meaning);
        if ((v & 0x80000000u) && ((v >> 16) & 0x7FFu) == FACILITY_WIN32) {
            /* HRESULT_FROM_WIN32: the Win32 text is what Windows prints. */
            const kb_errcode *w = kb_errcode_find(v & 0xFFFFu, KB_CODE_WIN32);
            take(w, &names, &win32_meaning);
        }
        take(kb_errcode_find(v, KB_CODE_NTSTATUS), &names, &meaning);
        if ((v & HRESULT_FROM_NT_BIT) && !names.len)
            take(kb_errcode_find(v & ~HRESULT_FROM_NT_BIT, KB_CODE_NTSTATUS), &names, &meaning);
    }
    int named = names.len > 0;
    info->name = kb_buf_take(&names);
    if (win32_meaning)
        meaning = win32_meaning;
    info->meaning = meaning ? kb_strdup(meaning) : bits_meaning(v);
    if (!info->name || !info->meaning) {
        kb_code_info_free(info);
        return -1;
    }
    return named;
}

void kb_code_info_free(kb_code_info *info)
{
    free(info->name);
    free(info->meaning);
    info->name = info->meaning = NULL;
}

static int all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return n > 0;
}

int kb_code_parse(const char *text, uint32_t *value)
{
    if (!text)
        return -1;
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r' || text[n - 1] == '\n'))
        n--;
    if (n == 0 || n > 20)
        return -1;
    char s[24];
    memcpy(s, text, n);
    s[n] = '\0';
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (n < 3 || n > 10 || !all_hex(s + 2, n - 2))
            return -1;
        *value = (uint32_t)strtoul(s + 2, NULL, 16);
        return 0;
    }
    /* Eight hex digits without a prefix are a code as event texts print
     * it; decimal codes that long would not fit an HRESULT's meaning. */
    if (n == 8 && all_hex(s, 8)) {
        *value = (uint32_t)strtoul(s, NULL, 16);
        return 0;
    }
    int negative = s[0] == '-';
    const char *digits = negative ? s + 1 : s;
    for (const char *c = digits; *c; c++)
        if (!isdigit((unsigned char)*c))
            return -1;
    if (!*digits)
        return -1;
    errno = 0;
    unsigned long long u = strtoull(digits, NULL, 10);
    if (errno || u > (negative ? 0x80000000ull : 0xFFFFFFFFull))
        return -1;
    *value = negative ? (uint32_t)(0x100000000ull - u) : (uint32_t)u;
    return 0;
}

int kb_code_scan(const char *text, kb_strlist *codes)
{
    if (!text)
        return 0;
    static const char pattern[] = "(?<![0-9A-Za-z_])0[xX][0-9A-Fa-f]{8}(?![0-9A-Za-z_])";
    int err;
    PCRE2_SIZE erroff;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &erroff, NULL);
    if (!re)
        return -1;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = md ? 0 : -1;
    size_t len = strlen(text), at = 0;
    while (rc == 0 && at < len &&
           pcre2_match(re, (PCRE2_SPTR)text, len, at, 0, md, NULL) >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        char code[11];
        memcpy(code, text + ov[0], 10);
        code[10] = '\0';
        uint32_t v = (uint32_t)strtoul(code + 2, NULL, 16);
        char *norm = kb_strprintf("0x%08x", (unsigned)v);
        if (!norm || (!kb_strlist_has(codes, norm) && kb_strlist_add(codes, norm) != 0))
            rc = -1;
        free(norm);
        at = ov[1];
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc;
}

/* "NAME: meaning", or the meaning alone for a code without a name. */
static void put_explained(kb_buf *b, uint32_t v)
{
    kb_code_info info;
    if (kb_code_explain(v, &info) < 0) {
        b->failed = 1;
        return;
    }
    if (*info.name) {
        kb_buf_puts(b, info.name);
        kb_buf_puts(b, ": ");
    }
    kb_buf_puts(b, info.meaning);
    kb_code_info_free(&info);
}

char *kb_code_describe(uint32_t value)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_printf(&b, "0x%08x (", (unsigned)value);
    put_explained(&b, value);
    kb_buf_puts(&b, ")");
    return kb_buf_take(&b);
}

char *kb_code_annotation(const char *value)
{
    kb_strlist codes = {0};
    if (kb_code_scan(value, &codes) != 0 || codes.n == 0) {
        kb_strlist_free(&codes);
        return NULL;
    }
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "(");
    for (size_t i = 0; i < codes.n; i++) {
        uint32_t v;
        if (kb_code_parse(codes.items[i], &v) != 0)
            continue;
        if (i)
            kb_buf_puts(&b, "; ");
        if (codes.n > 1) {
            kb_buf_puts(&b, codes.items[i]);
            kb_buf_puts(&b, " ");
        }
        put_explained(&b, v);
    }
    kb_buf_puts(&b, ")");
    kb_strlist_free(&codes);
    return kb_buf_take(&b);
}
