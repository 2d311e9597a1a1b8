/* sniff.c: archives and compressed files recognised by their magic bytes,
 * whatever their name (see archive.h). */
#include "archive/archive.h"

#include <string.h>

static int at(const unsigned char *head, size_t len, size_t off, const char *magic, size_t n)
{
    return len >= off + n && memcmp(head + off, magic, n) == 0;
}

/* A tar header without the POSIX "ustar" magic (V7 tar): its checksum
 * (the sum of the 512 header bytes, the checksum field counted as spaces)
 * in octal at offset 148, and a file name. */
static int v7_tar(const unsigned char *h, size_t len)
{
    if (len < 512 || h[0] == 0)
        return 0;
    unsigned long sum = 0, stored = 0;
    for (size_t i = 0; i < 512; i++)
        sum += i >= 148 && i < 156 ? ' ' : h[i];
    size_t i = 148;
    while (i < 156 && h[i] == ' ')
        i++;
    size_t digits = 0;
    for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++, digits++)
        stored = stored * 8 + (unsigned long)(h[i] - '0');
    if (digits == 0 || (i < 156 && h[i] != 0 && h[i] != ' '))
        return 0;
    for (size_t k = 0; k < 100 && h[k]; k++)
        if (h[k] < 0x20)
            return 0;
    return sum == stored;
}

const char *kb_archive_magic(const unsigned char *head, size_t len)
{
    if (at(head, len, 0, "PK\3\4", 4) || at(head, len, 0, "PK\5\6", 4) || at(head, len, 0, "PK\7\10PK\3\4", 8))
        return "zip";
    if (at(head, len, 0, "7z\xbc\xaf\x27\x1c", 6))
        return "7z";
    if (at(head, len, 0, "MSCF\0\0\0\0", 8))
        return "cab";
    if (at(head, len, 0, "\x1f\x8b\x08", 3))
        return "gzip";
    if (at(head, len, 0, "BZh", 3) && len >= 10 && head[3] >= '1' && head[3] <= '9' &&
        (at(head, len, 4, "\x31\x41\x59\x26\x53\x59", 6) || at(head, len, 4, "\x17\x72\x45\x38\x50\x90", 6)))
        return "bzip2";
    if (at(head, len, 0, "\xfd" "7zXZ\0", 6))
        return "xz";
    if (at(head, len, 257, "ustar", 5) || v7_tar(head, len))
        return "tar";
    return NULL;
}

int kb_archive_sniff(const unsigned char *head, size_t len)
{
    return kb_archive_magic(head, len) ? 100 : 0;
}
