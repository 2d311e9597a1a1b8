/* mixed.h: reading a file whose encoding changes part-way (mixed.c):
 * each run (runs.h) decoded on its own, the lines joined into one text,
 * numbered as in the file, and each line's encoding remembered, so that
 * a section of the file (sections.h) says how it was read. */
#ifndef KB_TEXT_MIXED_H
#define KB_TEXT_MIXED_H

#include "source/source.h"
#include "text/runs.h"

typedef struct kb_mixed_run {
    size_t first_line;       /* 0-based, in the joined text */
    char encoding[48];
    char why[128];           /* why its code page is assumed, or "" */
    int assumed;
    const kb_source *parser;  /* the surest text source of the run alone, or NULL */
    const char *locale;
} kb_mixed_run;

typedef struct kb_mixed_text {
    kb_text text;            /* every line of the file (free with kb_mixed_free) */
    kb_mixed_run *runs;
    size_t nruns;
} kb_mixed_text;

/* Decodes bytes (file offsets from base) run by run. KB_OK, or an error
 * with err set (a run this system cannot decode). */
kb_status kb_mixed_read(const unsigned char *bytes, size_t len, size_t base, const kb_text_run *runs,
                        size_t nruns, kb_mixed_text *out, char *err, size_t errlen);
void kb_mixed_free(kb_mixed_text *m);

/* How lines [first, last) were read: "UTF-16LE with BOM", or
 * "UTF-16LE with BOM (lines 1-3), CP437 (lines 4-20)". */
void kb_mixed_encoding(const kb_mixed_text *m, size_t first, size_t last, char *out, size_t outlen);

/* The whole file's encodings, each once, in order, and how many runs:
 * "UTF-16LE with BOM, CP437, UTF-16LE (no BOM) (10 parts)". */
void kb_mixed_summary(const kb_mixed_text *m, char *out, size_t outlen);

#endif
