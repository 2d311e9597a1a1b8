/* textdecode.h: the one place where saved command output is decoded.
 *
 * Detects the encoding (BOM, UTF-16 NUL pattern, valid UTF-8, then the OEM
 * code pages cmd.exe writes: CP932/936/949/950 when valid, CP437/850/852/866)
 * and converts to UTF-8 with iconv, splits the
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

/* The OEM code pages bytes that are neither marked (BOM), UTF-16 nor valid
 * UTF-8 may be in: the double-byte pages (CP932, CP936, CP949, CP950) that
 * decode them without error, then the single-byte pages (CP437, CP850,
 * CP852, CP866), which decode anything. Returns how many (at most max) went
 * into out, 0 when the bytes are not such legacy text. parsers/textread.c
 * picks one by what the parsers recognise in each decoding. */
size_t kb_text_candidates(const unsigned char *bytes, size_t len, const char **out, size_t max);

/* Decodes bytes as the given code page (one kb_text_candidates() gave). */
kb_status kb_text_decode_as(const unsigned char *bytes, size_t len, const char *codepage, kb_text *out,
                            char *err, size_t errlen);

/* 1 when the bytes look like binary data rather than text of any encoding
 * kbscan knows (used to call a file "not recognised" without decoding it). */
int kb_bytes_look_binary(const unsigned char *bytes, size_t len);

/* Terminal display width of a UTF-8 string (East Asian wide characters
 * count 2), as the console pads tasklist and systeminfo columns. */
size_t kb_utf8_width(const char *s, size_t len);

#endif
