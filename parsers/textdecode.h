/* textdecode.h: the one place where saved command output is decoded.
 *
 * Detects the encoding (BOM, UTF-16 NUL pattern, valid UTF-8, then the OEM
 * code pages cmd.exe writes) and converts to UTF-8 with iconv, splits the
 * text into lines (CRLF, LF, CR CR LF) and keeps the line numbers, so that
 * parsers see clean UTF-8 lines and never deal with bytes. */
#ifndef KB_TEXTDECODE_H
#define KB_TEXTDECODE_H

#include <stddef.h>

#include "status.h"

typedef struct kb_text {
    char *buf;             /* UTF-8; each line NUL-terminated in place */
    char **lines;          /* lines[i] is line i+1; no line ending */
    size_t nlines;
    const char *encoding;  /* e.g. "UTF-8", "UTF-16LE with BOM", "CP932" */
    int encoding_assumed;  /* 1 when the bytes fit several encodings and one was chosen */
} kb_text;

/* Decodes bytes into out. On failure returns an error status and writes a
 * message naming the byte offset into err (e.g. "byte 0x81 at offset 1234
 * is not valid CP932"). */
kb_status kb_text_decode(const unsigned char *bytes, size_t len, kb_text *out,
                         char *err, size_t errlen);
void kb_text_free(kb_text *text);

/* 1 when the bytes look like binary data rather than text of any encoding
 * kbscan knows (used to call a file "not recognised" without decoding it). */
int kb_bytes_look_binary(const unsigned char *bytes, size_t len);

/* Terminal display width of a UTF-8 string (East Asian wide characters
 * count 2), as the console pads tasklist and systeminfo columns. */
size_t kb_utf8_width(const char *s, size_t len);

#endif
