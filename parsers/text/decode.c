/* decode.c: detects the encoding of saved command output, converts it
 * to UTF-8 with iconv, and splits it into lines (see decode.h). */
#include "text/decode.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- detection ----------------------------------------------------------- */

/* UTF-16 without a BOM shows as a NUL in every other byte of ASCII text:
 * odd bytes for little endian, even bytes for big endian. Text that is
 * mostly CJK, Hangul or Cyrillic has fewer such NULs; no other text
 * encoding has NULs at all, so a UTF-16 line feed (0A 00 at an even
 * offset, or 00 0A) with more NULs on that side also says UTF-16. */
static int utf16_nul_pattern(const unsigned char *b, size_t len, int *big_endian)
{
    size_t n = len < 4096 ? len : 4096;
    n &= ~(size_t)1;
    if (n < 4)
        return 0;
    size_t even_nul = 0, odd_nul = 0;
    for (size_t i = 0; i < n; i += 2) {
        even_nul += b[i] == 0;
        odd_nul += b[i + 1] == 0;
    }
    size_t pairs = n / 2;
    if (odd_nul * 10 >= pairs * 3 && even_nul * 20 < pairs) {
        *big_endian = 0;
        return 1;
    }
    if (even_nul * 10 >= pairs * 3 && odd_nul * 20 < pairs) {
        *big_endian = 1;
        return 1;
    }
    size_t le_lf = 0, be_lf = 0;
    for (size_t i = 0; i < n; i += 2) {
        le_lf += b[i] == '\n' && b[i + 1] == 0;
        be_lf += b[i] == 0 && b[i + 1] == '\n';
    }
    if (le_lf && !be_lf && odd_nul > even_nul) {
        *big_endian = 0;
        return 1;
    }
    if (be_lf && !le_lf && even_nul > odd_nul) {
        *big_endian = 1;
        return 1;
    }
    return 0;
}

/* Offset of the first byte that is not valid UTF-8, or len. */
static size_t utf8_invalid_at(const unsigned char *b, size_t len, int *multibyte)
{
    *multibyte = 0;
    for (size_t i = 0; i < len;) {
        size_t n = kb_utf8_valid_len(b + i, len - i);
        if (!n)
            return i;
        *multibyte |= n > 1;
        i += n;
    }
    return len;
}

/* Length without the NUL bytes at the end (preallocation, block padding). */
static size_t without_nul_padding(const unsigned char *b, size_t len)
{
    while (len > 0 && b[len - 1] == 0)
        len--;
    return len;
}

/* The bytes detection looks at: without the padding, taken off in pairs of
 * NULs so that a UTF-16LE line feed (0A 00) at the end stays whole. */
static size_t detection_len(const unsigned char *b, size_t len)
{
    size_t n = len;
    while (n >= 2 && b[n - 1] == 0 && b[n - 2] == 0)
        n -= 2;
    return n;
}

/* Almost all valid UTF-8 with a few bad bytes: damaged UTF-8 rather than an
 * OEM code page (the thresholds are explained in decode.h). */
static int damaged_utf8(const unsigned char *b, size_t len)
{
    size_t multibyte = 0, invalid = 0;
    for (size_t i = 0; i < len;) {
        size_t n = kb_utf8_valid_len(b + i, len - i);
        if (!n) {
            invalid++;
            i++;
            continue;
        }
        multibyte += n > 1;
        i += n;
    }
    return invalid > 0 && multibyte >= 8 && multibyte >= 4 * invalid;
}

int kb_bytes_look_binary(const unsigned char *b, size_t len)
{
    /* NULs after the last line end are padding of a text file; after
     * anything else ("ElfFile\0\0...") they are part of binary data. */
    size_t text_len = without_nul_padding(b, len);
    if (text_len > 0 && (b[text_len - 1] == '\n' || b[text_len - 1] == '\r'))
        len = text_len;
    if (len >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff)))
        return 0;
    if (len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
        return 0;
    int big;
    if (utf16_nul_pattern(b, len, &big))
        return 0;
    size_t n = len < 8192 ? len : 8192, controls = 0;
    for (size_t i = 0; i < n; i++) {
        if (b[i] == 0)
            return 1;
        if (b[i] < 0x20 && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' && b[i] != '\f' &&
            b[i] != 0x1a && b[i] != 0x1b)
            controls++;
    }
    return controls * 100 > n;
}

/* ---- conversion ----------------------------------------------------------- */

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD in UTF-8 */

/* Records a damaged place (the first KB_TEXT_MAX_FLAWS; all are counted). */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void add_flaw(kb_text *t, const kb_buf *decoded, size_t offset, const char *fmt, ...)
{
    t->nflaws_total++;
    if (t->nflaws >= KB_TEXT_MAX_FLAWS)
        return;
    if (!t->flaws)
        t->flaws = kb_xmalloc(KB_TEXT_MAX_FLAWS * sizeof *t->flaws);
    kb_text_flaw *f = &t->flaws[t->nflaws++];
    f->offset = offset;
    f->decoded = decoded->len;
    f->line = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->what, sizeof f->what, fmt, ap);
    va_end(ap);
}

/* Converts with iconv; base is the file offset of in. Strict (flaws NULL):
 * the first bad byte is an error naming its offset. Tolerant: each bad
 * code unit (unit bytes) becomes U+FFFD and a flaw, and so does a
 * character cut by the end of in. */
static kb_status convert(const char *from, const unsigned char *in, size_t len, size_t base, size_t unit,
                         kb_buf *out, kb_text *flaws, char *err, size_t errlen)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        snprintf(err, errlen, "this system cannot convert from %s", from);
        return KB_ERR_ENCODING;
    }
    char *src = (char *)in;
    size_t left = len;
    char chunk[16384];
    kb_status st = KB_OK;
    while (left > 0) {
        char *dst = chunk;
        size_t room = sizeof chunk;
        size_t rc = iconv(cd, &src, &left, &dst, &room);
        kb_buf_append(out, chunk, sizeof chunk - room);
        if (rc != (size_t)-1 || errno == E2BIG)
            continue;
        size_t offset = base + (size_t)((unsigned char *)src - in);
        int cut = errno != EILSEQ;
        if (!flaws) {
            if (!cut)
                snprintf(err, errlen, "byte 0x%02X at offset %zu is not valid %s", (unsigned char)*src, offset,
                         from);
            else
                snprintf(err, errlen, "the text ends inside a %s character at offset %zu", from, offset);
            st = KB_ERR_ENCODING;
            break;
        }
        kb_buf_append(out, replacement, sizeof replacement - 1);
        if (cut) {
            add_flaw(flaws, out, offset, "the text ends inside a %s character at offset %zu", from, offset);
            break;
        }
        const unsigned char *at = (const unsigned char *)src;
        if (unit == 2 && left >= 2) /* a lone surrogate */
            add_flaw(flaws, out, offset, "code unit 0x%04X at offset %zu is not valid %s",
                     strstr(from, "BE") ? (unsigned)(at[0] << 8 | at[1]) : (unsigned)(at[1] << 8 | at[0]), offset,
                     from);
        else
            add_flaw(flaws, out, offset, "byte 0x%02X at offset %zu is not valid %s", at[0], offset, from);
        size_t step = unit < left ? unit : left;
        src += step;
        left -= step;
        iconv(cd, NULL, NULL, NULL, NULL); /* back to the initial state */
    }
    iconv_close(cd);
    if (st == KB_OK && out->failed)
        st = KB_ERR_NOMEM;
    return st;
}

/* UTF-8 is copied as it is; each invalid byte becomes U+FFFD and a flaw. */
static void copy_utf8(const unsigned char *in, size_t len, size_t base, kb_buf *out, kb_text *flaws)
{
    int multibyte;
    while (len > 0) {
        size_t good = utf8_invalid_at(in, len, &multibyte);
        kb_buf_append(out, (const char *)in, good);
        if (good == len)
            return;
        add_flaw(flaws, out, base + good, "byte 0x%02X at offset %zu is not valid UTF-8", in[good], base + good);
        kb_buf_append(out, replacement, sizeof replacement - 1);
        in += good + 1;
        len -= good + 1;
        base += good + 1;
    }
}

/* Splits the UTF-8 text into lines in place: CRLF, LF, lone CR, and the
 * CR CR LF of re-saved console captures each end one line. */
static kb_status split_lines(kb_text *t, size_t len, char *err, size_t errlen)
{
    size_t cap = 0;
    t->lines = kb_grow(NULL, &cap, 1, sizeof *t->lines, 64);
    char *p = t->buf, *end = t->buf + len, *start = p;
    while (p < end) {
        if (*p == '\0') { /* decode_with() took NULs out: only a converter's fault */
            snprintf(err, errlen, "NUL character on line %zu after conversion", t->nlines + 1);
            return KB_ERR_ENCODING;
        }
        if (*p != '\r' && *p != '\n') {
            p++;
            continue;
        }
        size_t skip = 1;
        if (p[0] == '\r' && p + 1 < end && p[1] == '\n')
            skip = 2;
        else if (p[0] == '\r' && p + 2 < end && p[1] == '\r' && p[2] == '\n')
            skip = 3;
        *p = '\0';
        t->lines = kb_grow(t->lines, &cap, t->nlines + 1, sizeof *t->lines, 64);
        t->lines[t->nlines++] = start;
        p += skip;
        start = p;
    }
    if (start < end) { /* a final line without newline */
        t->lines = kb_grow(t->lines, &cap, t->nlines + 1, sizeof *t->lines, 64);
        t->lines[t->nlines++] = start;
    }
    return KB_OK;
}

/* 1 when some byte of 0x81..0xFE is followed by another byte: what every
 * double-byte OEM page needs before it can be a candidate. */
static int has_double_byte_pair(const unsigned char *b, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++)
        if (b[i] >= 0x81 && b[i] <= 0xfe)
            return 1;
    return 0;
}

static int converts(const char *from, const unsigned char *b, size_t len)
{
    kb_buf probe = KB_BUF_INIT;
    char err[8];
    kb_status st = convert(from, b, len, 0, 1, &probe, NULL, err, sizeof err);
    kb_buf_free(&probe);
    return st == KB_OK;
}

/* Bytes that are neither marked nor UTF-16 nor valid UTF-8: saved by cmd.exe
 * in the console's OEM code page. */
static int is_legacy(const unsigned char *b, size_t len)
{
    int big, multibyte;
    if (len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
        return 0;
    if (len >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff)))
        return 0;
    len = detection_len(b, len);
    if (utf16_nul_pattern(b, len, &big))
        return 0;
    return utf8_invalid_at(b, len, &multibyte) != len && !damaged_utf8(b, len);
}

size_t kb_text_candidates(const unsigned char *b, size_t len, const char **out, size_t max)
{
    /* Double-byte pages first: their validity rules most texts out, while
     * every byte is valid in the single-byte pages. */
    static const char *const double_byte[] = {"CP932", "CP936", "CP949", "CP950"};
    static const char *const single_byte[] = {"CP437", "CP850", "CP852", "CP866"};
    size_t n = 0;
    if (!is_legacy(b, len))
        return 0;
    if (has_double_byte_pair(b, len))
        for (size_t i = 0; i < 4 && n < max; i++)
            if (converts(double_byte[i], b, len))
                out[n++] = double_byte[i];
    for (size_t i = 0; i < 4 && n < max; i++)
        out[n++] = single_byte[i];
    return n;
}

/* Picks the encoding and the bytes to convert (after any BOM). */
static const char *detect(const unsigned char *b, size_t len, size_t *skip, const char **iconv_name,
                          int *assumed)
{
    *skip = 0;
    *assumed = 0;
    int big, multibyte;
    if (len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
        *skip = 3;
        *iconv_name = "UTF-8";
        return "UTF-8 with BOM";
    }
    if (len >= 2 && b[0] == 0xff && b[1] == 0xfe) {
        *skip = 2;
        *iconv_name = "UTF-16LE";
        return "UTF-16LE with BOM";
    }
    if (len >= 2 && b[0] == 0xfe && b[1] == 0xff) {
        *skip = 2;
        *iconv_name = "UTF-16BE";
        return "UTF-16BE with BOM";
    }
    len = detection_len(b, len);
    if (utf16_nul_pattern(b, len, &big)) {
        *iconv_name = big ? "UTF-16BE" : "UTF-16LE";
        return big ? "UTF-16BE (no BOM)" : "UTF-16LE (no BOM)";
    }
    if (utf8_invalid_at(b, len, &multibyte) == len) {
        *iconv_name = "UTF-8";
        return multibyte ? "UTF-8" : "ASCII";
    }
    if (damaged_utf8(b, len)) {
        *iconv_name = "UTF-8";
        return "UTF-8";
    }
    /* Without the parsers' help (parsers/text/read.c), the likeliest page:
     * the first candidate, assumed when others fit the bytes too. */
    const char *cands[8];
    size_t n = kb_text_candidates(b, len, cands, 8);
    *assumed = n > 1;
    *iconv_name = cands[0];
    return cands[0];
}

static kb_status decode_with(const unsigned char *bytes, size_t len, size_t base, size_t skip,
                             const char *iconv_name, kb_text *out, char *err, size_t errlen);

kb_status kb_text_decode_as_at(const unsigned char *bytes, size_t len, size_t base, const char *codepage,
                               kb_text *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    err[0] = '\0';
    out->encoding = codepage;
    return decode_with(bytes, len, base, 0, codepage, out, err, errlen);
}

kb_status kb_text_decode_as(const unsigned char *bytes, size_t len, const char *codepage, kb_text *out,
                            char *err, size_t errlen)
{
    return kb_text_decode_as_at(bytes, len, 0, codepage, out, err, errlen);
}

kb_status kb_text_decode_at(const unsigned char *bytes, size_t len, size_t base, kb_text *out, char *err,
                            size_t errlen)
{
    memset(out, 0, sizeof *out);
    err[0] = '\0';
    size_t skip;
    const char *iconv_name;
    out->encoding = detect(bytes, len, &skip, &iconv_name, &out->encoding_assumed);
    return decode_with(bytes, len, base, skip, iconv_name, out, err, errlen);
}

kb_status kb_text_decode(const unsigned char *bytes, size_t len, kb_text *out, char *err,
                         size_t errlen)
{
    return kb_text_decode_at(bytes, len, 0, out, err, errlen);
}

static int nul_unit(const unsigned char *b, size_t unit)
{
    return b[0] == 0 && (unit == 1 || b[1] == 0);
}

/* Converts the text between runs of NUL code units, each run a flaw: NUL
 * is never text, and iconv would pass it into the lines. base is the file
 * offset of b. */
static kb_status convert_around_nuls(const char *iconv_name, const unsigned char *b, size_t len, size_t base,
                                     size_t unit, kb_buf *buf, kb_text *out, char *err, size_t errlen)
{
    size_t i = 0;
    while (i < len) {
        size_t seg = i;
        while (len - seg >= unit && !nul_unit(b + seg, unit))
            seg += unit;
        if (len - seg < unit)
            seg = len; /* a cut character at the end: the converter says so */
        kb_status st;
        if (strcmp(iconv_name, "UTF-8") == 0) {
            copy_utf8(b + i, seg - i, base + i, buf, out);
            st = buf->failed ? KB_ERR_NOMEM : KB_OK;
        } else {
            st = convert(iconv_name, b + i, seg - i, base + i, unit, buf, out, err, errlen);
        }
        if (st != KB_OK)
            return st;
        if (seg == len)
            break;
        size_t run = seg;
        while (len - run >= unit && nul_unit(b + run, unit))
            run += unit;
        add_flaw(out, buf, base + seg, "%zu NUL byte(s) at offset %zu: not text", run - seg, base + seg);
        kb_buf_append(buf, replacement, sizeof replacement - 1);
        i = run;
    }
    return buf->failed ? KB_ERR_NOMEM : KB_OK;
}

/* Each flaw's line: the last line starting at or before its U+FFFD. */
static void locate_flaws(kb_text *t)
{
    size_t line = 0;
    for (size_t i = 0; i < t->nflaws; i++) {
        while (line + 1 < t->nlines && (size_t)(t->lines[line + 1] - t->buf) <= t->flaws[i].decoded)
            line++;
        t->flaws[i].line = t->nlines ? line + 1 : 0;
    }
}

static kb_status decode_with(const unsigned char *bytes, size_t len, size_t base, size_t skip,
                             const char *iconv_name, kb_text *out, char *err, size_t errlen)
{
    size_t unit = strncmp(iconv_name, "UTF-16", 6) == 0 ? 2 : 1;
    /* Trailing NUL padding is trimmed whole code units at a time: what is
     * left of a unit belongs to the last character. */
    size_t end = skip + without_nul_padding(bytes + skip, len - skip);
    end = skip + (end - skip + unit - 1) / unit * unit;
    if (end > len)
        end = len;
    out->nul_padding = len - end;
    out->nul_padding_at = base + end;
    kb_buf buf = KB_BUF_INIT;
    kb_status st = convert_around_nuls(iconv_name, bytes + skip, end - skip, base + skip, unit, &buf, out, err,
                                       errlen);
    if (st != KB_OK) {
        kb_buf_free(&buf);
        kb_text_free(out);
        return st;
    }
    size_t text_len = buf.len;
    kb_buf_puts(&buf, "");
    out->buf = kb_buf_take(&buf);
    if (!out->buf) {
        kb_text_free(out);
        return KB_ERR_NOMEM;
    }
    st = split_lines(out, text_len, err, errlen);
    if (st != KB_OK) {
        kb_text_free(out);
        return st;
    }
    locate_flaws(out);
    return KB_OK;
}

void kb_text_free(kb_text *t)
{
    free(t->buf);
    free(t->lines);
    free(t->flaws);
    t->buf = NULL;
    t->lines = NULL;
    t->nlines = 0;
    t->flaws = NULL;
    t->nflaws = t->nflaws_total = 0;
}

/* ---- display width ----------------------------------------------------------- */

static int wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp != 0x303f) ||
           (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
           (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
}

size_t kb_utf8_width(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t width = 0;
    for (size_t i = 0; i < len;) {
        size_t n = kb_utf8_valid_len(s + i, len - i);
        if (!n) {
            width++;
            i++;
            continue;
        }
        static const unsigned char mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
        uint32_t cp = s[i] & mask[n];
        for (size_t k = 1; k < n; k++)
            cp = cp << 6 | (s[i + k] & 0x3f);
        if (!(cp >= 0x300 && cp <= 0x36f) && cp != 0x200b)
            width += wide(cp) ? 2 : 1;
        i += n;
    }
    return width;
}
