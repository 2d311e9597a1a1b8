/* taken.h: when a command output was taken, from what the bundle says of
 * it: a collector's header above the output (a file holding several, see
 * kb_input.stamped), else the names it was saved under: its file name
 * (vssadmin_2018-10-08_0930.txt, TSS's <COMPUTER>_181008-093012_...), then
 * the names of the archives it came in (Veeam's 2018-10-08T093012_HOST.zip).
 * A file's modification time is never used: copying, zipping and mailing
 * change it.
 *
 * Names also tell an order without a time: Before/After (VSSTester's
 * vssWritersBefore.txt, vssWritersAfter.txt) and _Start_/_Stop_ (TSS's
 * SystemInfo_Start_.txt, SystemInfo_Stop_.txt). */
#ifndef KB_TAKEN_H
#define KB_TAKEN_H

#include <stdint.h>

#include "core/input.h"

typedef enum kb_taken_phase {
    KB_PHASE_NONE = 0,
    KB_PHASE_BEFORE,   /* "Before", "_Start_": the first of a pair */
    KB_PHASE_AFTER     /* "After", "_Stop_": the second */
} kb_taken_phase;

typedef struct kb_taken {
    int64_t time;          /* the server's local time read as UTC, or KB_TIME_NONE */
    int has_time;          /* 1: the time of day is known; 0: a date only */
    kb_taken_phase phase;  /* from the file name */
    const char *from;      /* "section_header", "file_name", "archive_name", or NULL */
} kb_taken;

/* The compiled patterns; one per run, shared by threads. */
typedef struct kb_taken_reader kb_taken_reader;

/* NULL out of memory. */
kb_taken_reader *kb_taken_reader_new(void);
void kb_taken_reader_free(kb_taken_reader *reader);

/* When the input was taken, as far as the bundle says. */
kb_taken kb_taken_of(const kb_taken_reader *reader, const kb_input *in);

/* The time in one name ("vssadmin_2018-10-08_0930.txt"); len bytes of it. */
kb_taken kb_taken_in_name(const kb_taken_reader *reader, const char *name, size_t len);

#endif
