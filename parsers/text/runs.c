/* runs.c: where a file's encoding changes (see runs.h).
 *
 * UTF-16LE ends its lines with 0D 00 0A 00, 8-bit text with 0D 0A. Read as
 * UTF-16LE, appended 8-bit lines hold the byte pair 0D 0A, which UTF-16LE
 * text has only in U+0A0D or U+0Dxx followed by U+xx0A (Gurmukhi and
 * Malayalam letters side by side: not in command output); read as 8-bit
 * text, UTF-16LE lines hold NUL bytes, which no 8-bit text has. Each line
 * is read in the encoding of the line before; a line that shows the other
 * encoding's mark starts a new run. */
#include "text/runs.h"

#include <string.h>

/* The first bytes look like UTF-16LE: a BOM, or NULs in the odd places of
 * ASCII text. */
static int starts_utf16(const unsigned char *b, size_t len)
{
    if (len >= 2 && b[0] == 0xff && b[1] == 0xfe)
        return 1;
    size_t n = len < 512 ? len & ~(size_t)1 : 512, odd = 0, even = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        even += b[i] == 0;
        odd += b[i + 1] == 0;
    }
    return n >= 4 && odd * 10 >= n / 2 * 3 && even * 20 < n / 2;
}

/* A UTF-16LE line from pos: its end (after 0A 00), and whether it holds
 * the 8-bit line end 0D 0A. */
static size_t utf16_line(const unsigned char *b, size_t len, size_t pos, int *eight_bit)
{
    *eight_bit = 0;
    size_t i = pos;
    for (; i + 1 < len; i += 2) {
        if (b[i] == 0x0d && b[i + 1] == 0x0a)
            *eight_bit = 1;
        if (i > pos && b[i - 1] == 0x0d && b[i] == 0x0a)
            *eight_bit = 1;
        if (b[i] == 0x0a && b[i + 1] == 0)
            return i + 2;
    }
    return len;
}

/* An 8-bit line from pos: its end (after 0A), and whether it holds a NUL. */
static size_t byte_line(const unsigned char *b, size_t len, size_t pos, int *nul)
{
    const unsigned char *lf = memchr(b + pos, '\n', len - pos);
    size_t end = lf ? (size_t)(lf - b) + 1 : len;
    *nul = memchr(b + pos, 0, end - pos) != NULL;
    return end;
}

size_t kb_text_runs(const unsigned char *b, size_t len, kb_text_run *out, size_t max, int *capped)
{
    size_t n = 0;
    *capped = 0;
    int utf16 = starts_utf16(b, len);
    out[n++] = (kb_text_run){0, len, utf16};
    size_t pos = utf16 && len >= 2 && b[0] == 0xff && b[1] == 0xfe ? 2 : 0;
    int switched = 0;  /* the line at pos starts a run: read it so, whatever it holds */
    while (pos < len) {
        int other;
        size_t end = utf16 ? utf16_line(b, len, pos, &other) : byte_line(b, len, pos, &other);
        if (switched) {
            switched = 0;
            pos = end;
            continue;
        }
        /* NULs at the very end are padding (decode.h), not UTF-16. */
        if (other && !utf16) {
            size_t k = pos;
            while (k < len && b[k] == 0)
                k++;
            other = k < len;
        }
        if (!other || n == max) {
            *capped |= other;
            pos = end;
            continue;
        }
        out[n - 1].end = pos;
        utf16 = !utf16;
        switched = 1;
        out[n++] = (kb_text_run){pos, len, utf16};
        if (utf16 && pos + 1 < len && b[pos] == 0xff && b[pos + 1] == 0xfe)
            pos += 2;
    }
    /* A run with nothing in it (a file that starts with the other mark). */
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i].end > out[i].start)
            out[w++] = out[i];
    return w ? w : 1;
}
