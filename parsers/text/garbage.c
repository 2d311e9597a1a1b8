/* garbage.c: bytes that are not text before a command output (see
 * garbage.h). */
#include "text/garbage.h"
#include "text/decode.h"

/* A byte no 8-bit text kbscan reads has: NUL and the control characters
 * but tab, line ends, form feed, ^Z and ESC. */
static int not_text(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1a && c != 0x1b;
}

/* At most this many stray bytes in the first 8 KiB, and at most one in a
 * hundred, are damage in a text, not a binary file (random bytes have one
 * in eight). */
#define KB_STRAY_BYTES 8

/* The least text after junk for the junk to be a damaged head of it: a
 * command output's first line. */
#define KB_GARBAGE_MIN_TEXT 32

/* No byte that is not text in the first 8 KiB from b (random bytes have
 * one in eight: a binary file's tail is never taken for text). */
static int clean_text(const unsigned char *b, size_t len)
{
    size_t n = len < 8192 ? len : 8192;
    for (size_t i = 0; i < n; i++)
        if (not_text(b[i]))
            return 0;
    return 1;
}

size_t kb_text_garbage(const unsigned char *b, size_t len, int *binary)
{
    *binary = 0;
    if (!kb_bytes_look_binary(b, len))
        return 0;
    size_t scan = len < KB_GARBAGE_SCAN ? len : KB_GARBAGE_SCAN;
    for (size_t i = 0; i + 1 < scan; i++) {
        if (!not_text(b[i]) || not_text(b[i + 1]))
            continue;
        /* The text may start after this run of junk: a few bytes before
         * most of the file (a binary file that ends in text is binary). */
        size_t rest = len - i - 1;
        if (rest < KB_GARBAGE_MIN_TEXT || rest < 2 * (i + 1))
            break;
        if (clean_text(b + i + 1, rest))
            return i + 1;
    }
    size_t n = len < 8192 ? len : 8192, stray = 0;
    for (size_t i = 0; i < n; i++)
        stray += not_text(b[i]);
    *binary = stray > KB_STRAY_BYTES || stray * 100 > n;
    return 0;
}
