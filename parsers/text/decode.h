/* decode.h: the one place where saved command output is decoded.
 *
 * Detects the encoding (BOM, UTF-16 NUL pattern, valid UTF-8, then the OEM
 * code pages cmd.exe writes: CP932/936/949/950 when valid, CP437/850/852/866)
 * and converts to UTF-8 with iconv, splits the
 * text into lines (CRLF, LF, CR CR LF) and keeps the line numbers, so that
 * parsers see clean UTF-8 lines and never deal with bytes.
 *
 * Damage is decoded around, never guessed away: a byte that is not valid in
 * the detected encoding, a run of NUL bytes inside the text, or a file that
 * ends inside a character each becomes U+FFFD (the rest is decoded) and a
 * flaw naming its file offset; the caller reports the file as damaged.
 * NUL bytes at the very end (files preallocated or cut to a block size)
 * hold no text: they are trimmed and counted in nul_padding, not a flaw. */
#ifndef KB_TEXTDECODE_H
#define KB_TEXTDECODE_H

#include <stddef.h>

#include "core/status.h"

/* One damaged place of the file. */
typedef struct kb_text_flaw {
    size_t offset;     /* byte offset in the file */
    size_t line;       /* line (1-based) of the decoded text where its U+FFFD is */
    size_t decoded;    /* offset of that U+FFFD in buf */
    char what[112];    /* e.g. "byte 0xFF at offset 1234 is not valid UTF-8" */
} kb_text_flaw;

#define KB_TEXT_MAX_FLAWS 100  /* kept per text; more are counted in nflaws_total */

typedef struct kb_text {
    char *buf;             /* UTF-8; each line NUL-terminated in place */
    char **lines;          /* lines[i] is line i+1; no line ending */
    size_t nlines;
    const char *encoding;  /* e.g. "UTF-8", "UTF-16LE with BOM", "CP932" */
    int encoding_assumed;  /* 1 when the bytes fit several encodings and one was chosen */
    kb_text_flaw *flaws;   /* the first KB_TEXT_MAX_FLAWS damaged places, in file order */
    size_t nflaws;
    size_t nflaws_total;   /* damaged places in all (0: the text is intact) */
    size_t nul_padding;    /* trailing NUL bytes trimmed ... */
    size_t nul_padding_at; /* ... from this file offset */
} kb_text;

/* Decodes bytes into out; damaged places become U+FFFD and out->flaws
 * (see above), still KB_OK. Fails (writing a message into err) only when
 * this system cannot convert from the encoding, or out of memory.
 *
 * Bytes with no BOM that are almost all valid UTF-8 are damaged UTF-8, not
 * an OEM code page: at least 8 valid multibyte sequences and at least 4 of
 * them per invalid byte (CP932, CP936, CP949, CP950 or CP437..CP866 text
 * forms valid UTF-8 sequences only now and then, by chance: its high bytes
 * are mostly invalid). */
kb_status kb_text_decode(const unsigned char *bytes, size_t len, kb_text *out,
                         char *err, size_t errlen);
void kb_text_free(kb_text *text);
/* The same for bytes that start at file offset base (a part of a file:
 * offsets in flaws and messages are the file's). */
kb_status kb_text_decode_at(const unsigned char *bytes, size_t len, size_t base, kb_text *out, char *err,
                            size_t errlen);

/* The OEM code pages bytes that are neither marked (BOM), UTF-16 nor
 * (possibly damaged, see above) UTF-8 may be in: the double-byte pages (CP932, CP936, CP949, CP950) that
 * decode them without error, then the single-byte pages (CP437, CP850,
 * CP852, CP866), which decode anything. Returns how many (at most max) went
 * into out, 0 when the bytes are not such legacy text. parsers/text/read.c
 * picks one by what the parsers recognise in each decoding. */
size_t kb_text_candidates(const unsigned char *bytes, size_t len, const char **out, size_t max);

/* Decodes bytes as the given code page (one kb_text_candidates() gave). */
kb_status kb_text_decode_as(const unsigned char *bytes, size_t len, const char *codepage, kb_text *out,
                            char *err, size_t errlen);
kb_status kb_text_decode_as_at(const unsigned char *bytes, size_t len, size_t base, const char *codepage,
                               kb_text *out, char *err, size_t errlen);

/* 1 when the bytes look like binary data rather than text of any encoding
 * kbscan knows (used to call a file "not recognised" without decoding it).
 * NUL padding after the last line end does not count. */
int kb_bytes_look_binary(const unsigned char *bytes, size_t len);

/* Terminal display width of a UTF-8 string (East Asian wide characters
 * count 2), as the console pads tasklist and systeminfo columns. */
size_t kb_utf8_width(const char *s, size_t len);

#endif
