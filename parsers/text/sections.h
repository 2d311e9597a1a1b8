/* sections.h: a file holding several command outputs, split into sections
 * (sections.c), each read by its own parser:
 *   - at collectors' headers, each of which names the command and when it
 *     ran: psSDP's dashed "[10/08/2018 09:30:12] VSSAdmin.exe list writers"
 *     block, TSS's "======" / "20181008 09:30:12.123 : vssadmin list
 *     writers" / "======" banner; every header starts a section;
 *   - else where the output changes kind: at command prompt echoes
 *     ("C:\Windows\system32>tasklist /svc") and where the encoding changes
 *     (runs.h), adjacent parts of the same kind being one section (runs of
 *     one command stay together: their parser tells the latest).
 * The scan lists the file as a container and each section as an input of
 * its own, "file.txt#2"; facts and notes keep the line numbers of the
 * whole file. */
#ifndef KB_TEXT_SECTIONS_H
#define KB_TEXT_SECTIONS_H

#include <stdint.h>

#include "source/source.h"

/* The kind the scan gives a file split into sections (a container), and
 * the count it reports. */
#define KB_TEXT_SECTIONS_KIND "sections"
extern const kb_count_decl kb_text_sections_counts[];

typedef struct kb_section {
    size_t first, last;      /* its lines [first, last), 0-based, in the file's text */
    size_t body;             /* where its output starts: after its header's lines, else first
                                (the section read includes the header: parsers may read it) */
    char *command;           /* the command its header names, or NULL */
    int64_t stamped;         /* when it ran, as its header says (local time), or KB_TIME_NONE */
    const char *header;      /* "psSDP", "TSS", or NULL (split by kind) */
    const kb_source *parser; /* the text source that reads it, or NULL */
    const char *locale;
} kb_section;

/* At most this many sections: a file with more is read whole, as one
 * output, by its surest parser (which keeps every run it reads apart), and
 * says so; no section is folded into another. */
#define KB_TEXT_MAX_SECTIONS 10000

/* The sections of the text; run_lines are the first lines of the file's
 * encoding runs (mixed.h; NULL and 0 for one encoding). Returns how many
 * (0: a file of one output, nothing is allocated), in *out (free with
 * kb_sections_free); *too_many is set (and 0 returned) past
 * KB_TEXT_MAX_SECTIONS. */
size_t kb_text_sections(const kb_text *text, const size_t *run_lines, size_t nruns, kb_section **out,
                        int *too_many);
void kb_sections_free(kb_section *sections, size_t n);

/* Lines [first, last) of whole as a text of their own (its flaws too,
 * renumbered); free with kb_text_view_free, never kb_text_free. */
void kb_text_view(const kb_text *whole, size_t first, size_t last, kb_text *view);
void kb_text_view_free(kb_text *view);

/* The sources that read a command's output (kb_source.commands): the
 * surest of them that recognises the text, or NULL (*declared: some source
 * declares the command at all). */
const kb_source *kb_source_of_command(const char *command, const kb_text *text, const char **locale,
                                      int *declared);

#endif
