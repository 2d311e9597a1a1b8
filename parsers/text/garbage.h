/* garbage.h: bytes that are not text before a command output (garbage.c):
 * a NUL, a run of binary junk at the head of a file (a copy tool's
 * damage, a file preallocated and written late), after which the output
 * reads as it should. Such a file is the output, damaged: it is read from
 * where its text starts, and the report names the bytes skipped. */
#ifndef KB_TEXT_GARBAGE_H
#define KB_TEXT_GARBAGE_H

#include <stddef.h>

/* Where the text starts: 0 for text, k when the first k bytes are not
 * text and the rest is; *binary is set when the bytes are not text at all
 * (more than a few stray bytes, or more than one in a hundred). Looks at most KB_GARBAGE_SCAN bytes in. */
#define KB_GARBAGE_SCAN 4096
size_t kb_text_garbage(const unsigned char *bytes, size_t len, int *binary);

#endif
