/* runs.h: a file whose encoding changes part-way (runs.c). psSDP writes
 * a header with PowerShell's Out-File -Append (UTF-16LE) and then appends
 * cmd /c vssadmin ... >> file (the console's OEM code page) to the same
 * file, again and again; decoded as one encoding, half of it is garbage.
 * Each run is a stretch of whole lines in one encoding: UTF-16LE, or 8-bit
 * text (UTF-8 or an OEM code page, as decode.h tells). */
#ifndef KB_TEXT_RUNS_H
#define KB_TEXT_RUNS_H

#include <stddef.h>

typedef struct kb_text_run {
    size_t start, end;   /* bytes [start, end) of the file */
    int utf16;           /* UTF-16LE (a BOM at start included), else 8-bit */
} kb_text_run;

#define KB_TEXT_MAX_RUNS 512  /* more: the rest is one run, said so (*capped) */

/* The runs of the bytes, at most max; 1 when the encoding never changes
 * (most files: then out[0] is the whole). *capped is set when the encoding
 * changes again after the max-th run (the rest is read as that run). */
size_t kb_text_runs(const unsigned char *bytes, size_t len, kb_text_run *out, size_t max, int *capped);

#endif
