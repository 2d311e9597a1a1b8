/* test_textdecode.c: encoding detection, conversion to UTF-8, line splitting
 * and display width (parsers/text/decode.c): BOMs, UTF-16 without BOM, UTF-8,
 * CP932 through iconv, the CP437 fallback, CRLF/LF/CR endings, damage read
 * around (U+FFFD and flaws naming the file offset and line), NUL padding,
 * and East Asian wide characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/source.h"
#include "text/decode.h"

/* Decodes a string literal (embedded NULs included) and expects success. */
#define DECODE_OK(text, lit) decode_ok(text, (const unsigned char *)(lit), sizeof(lit) - 1)
#define DECODE_ERR(text, lit, err) \
    kb_text_decode((const unsigned char *)(lit), sizeof(lit) - 1, text, err, sizeof err)

static void decode_ok(kb_text *text, const unsigned char *bytes, size_t len)
{
    char err[256];
    kb_status rc = kb_text_decode(bytes, len, text, err, sizeof err);
    if (rc != KB_OK)
        fail_msg("decode failed (%d): %s", (int)rc, err);
}

static void test_utf8_bom(void **state)
{
    (void)state;
    kb_text t;
    DECODE_OK(&t, "\xEF\xBB\xBFvssadmin 1.1\r\nWriter name: 'ASR Writer'\r\n");
    assert_string_equal(t.encoding, "UTF-8 with BOM");
    assert_int_equal(t.encoding_assumed, 0);
    assert_int_equal(t.nlines, 2);
    assert_string_equal(t.lines[0], "vssadmin 1.1"); /* the BOM is not part of the text */
    assert_string_equal(t.lines[1], "Writer name: 'ASR Writer'");
    kb_text_free(&t);
}

static void test_utf16le_bom(void **state)
{
    (void)state;
    kb_text t;
    /* "ab\r\nラ名\r\n" (U+30E9, U+540D) */
    DECODE_OK(&t, "\xFF\xFE" "a\0b\0\r\0\n\0" "\xE9\x30\x0D\x54\r\0\n\0");
    assert_string_equal(t.encoding, "UTF-16LE with BOM");
    assert_int_equal(t.nlines, 2);
    assert_string_equal(t.lines[0], "ab");
    assert_string_equal(t.lines[1], "ラ名");
    kb_text_free(&t);
}

static void test_utf16be_bom(void **state)
{
    (void)state;
    kb_text t;
    DECODE_OK(&t, "\xFE\xFF" "\0P\0I\0D\0\r\0\n" "\x30\xE9\0\r\0\n");
    assert_string_equal(t.encoding, "UTF-16BE with BOM");
    assert_int_equal(t.nlines, 2);
    assert_string_equal(t.lines[0], "PID");
    assert_string_equal(t.lines[1], "ラ");
    kb_text_free(&t);
}

static void test_utf16le_without_bom(void **state)
{
    (void)state;
    kb_text t;
    /* What `tasklist /svc > out.txt` writes from PowerShell 5: UTF-16LE, no BOM. */
    DECODE_OK(&t, "I\0m\0a\0g\0e\0 \0N\0a\0m\0e\0\r\0\n\0" "s\0m\0s\0s\0.\0e\0x\0e\0\r\0\n\0");
    assert_string_equal(t.encoding, "UTF-16LE (no BOM)");
    assert_int_equal(t.nlines, 2);
    assert_string_equal(t.lines[0], "Image Name");
    assert_string_equal(t.lines[1], "smss.exe");
    kb_text_free(&t);
}

static void test_utf16be_without_bom(void **state)
{
    (void)state;
    kb_text t;
    DECODE_OK(&t, "\0S\0y\0s\0t\0e\0m\0\r\0\n");
    assert_string_equal(t.encoding, "UTF-16BE (no BOM)");
    assert_int_equal(t.nlines, 1);
    assert_string_equal(t.lines[0], "System");
    kb_text_free(&t);
}

static void test_plain_utf8_and_ascii(void **state)
{
    (void)state;
    kb_text t;
    DECODE_OK(&t, "ライター名: 'System Writer'\n   状態: [1] 安定\n");
    assert_string_equal(t.encoding, "UTF-8");
    assert_int_equal(t.encoding_assumed, 0);
    assert_int_equal(t.nlines, 2);
    assert_string_equal(t.lines[0], "ライター名: 'System Writer'");
    assert_string_equal(t.lines[1], "   状態: [1] 安定");
    kb_text_free(&t);

    DECODE_OK(&t, "Host Name:                 SRV01\r\n");
    assert_string_equal(t.encoding, "ASCII");
    assert_int_equal(t.encoding_assumed, 0);
    assert_int_equal(t.nlines, 1);
    assert_string_equal(t.lines[0], "Host Name:                 SRV01");
    kb_text_free(&t);
}

static void test_cp932(void **state)
{
    (void)state;
    kb_text t;
    /* "ライター名: 'System Writer'" and "状態: [1] 安定" as cmd.exe writes them
     * on a Japanese system. */
    DECODE_OK(&t, "\x83\x89\x83\x43\x83\x5E\x81\x5B\x96\xBC: 'System Writer'\r\n"
                  "   \x8F\xF3\x91\xD4: [1] \x88\xC0\x92\xE8\r\n");
    /* The bytes are valid in other double-byte pages too: the decoder
     * alone takes the first and says so; kb_text_read (below) decides. */
    assert_string_equal(t.encoding, "CP932");
    assert_int_equal(t.encoding_assumed, 1);
    assert_int_equal(t.nlines, 2);
    assert_string_equal(t.lines[0], "ライター名: 'System Writer'");
    assert_string_equal(t.lines[1], "   状態: [1] 安定");
    kb_text_free(&t);
}

/* The candidates: valid double-byte pages first, then every single-byte
 * page; none for text that is not in a legacy page. */
static void test_candidates(void **state)
{
    (void)state;
    const char *pages[8];
    static const unsigned char ascii[] = "Writer name: 'x'\r\n";
    assert_int_equal(kb_text_candidates(ascii, sizeof ascii - 1, pages, 8), 0);
    /* 0x9C followed by CR is no double-byte character anywhere. */
    static const unsigned char pound[] = "Price \x9C\r\n";
    assert_int_equal(kb_text_candidates(pound, sizeof pound - 1, pages, 8), 4);
    assert_string_equal(pages[0], "CP437");
    assert_string_equal(pages[3], "CP866");
    static const unsigned char sjis[] = "\x83\x89\x83\x43\x83\x5E\x81\x5B\x96\xBC: 'x'\r\n";
    size_t n = kb_text_candidates(sjis, sizeof sjis - 1, pages, 8);
    assert_true(n > 4);
    assert_string_equal(pages[0], "CP932");
}

/* kb_text_read picks the page whose decoding shows known labels: Japanese
 * labels only in CP932, Russian only in CP866; not assumed then. */
static void test_read_picks_page_by_labels(void **state)
{
    (void)state;
    static const char vss_ja[] = "\x83\x89\x83\x43\x83\x5E\x81\x5B\x96\xBC: 'System Writer'\r\n"
                                 "   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
                                 "   Writer Instance Id: {7e631031-c695-4229-9da1-a7de057e64cb}\r\n"
                                 "   \x8F\xF3\x91\xD4: [1] \x88\xC0\x92\xE8\r\n"
                                 "   Last error: x\r\n";
    kb_text_reading r;
    char err[256];
    assert_int_equal(kb_text_read((const unsigned char *)vss_ja, sizeof vss_ja - 1, &r, err, sizeof err), KB_OK);
    assert_string_equal(r.encoding, "CP932");
    assert_string_equal(r.locale, "ja");
    assert_string_equal(r.parser->kind, "vssadmin_writers");
    assert_int_equal(r.text.encoding_assumed, 0);
    kb_text_free(&r.text);

    /* No known label in any page: the first page, assumed, and why. */
    static const char plain[] = "Price \x9C\r\n";
    assert_int_equal(kb_text_read((const unsigned char *)plain, sizeof plain - 1, &r, err, sizeof err), KB_OK);
    assert_string_equal(r.encoding, "CP437 (assumed)");
    assert_null(r.locale);
    assert_int_equal(r.text.encoding_assumed, 1);
    assert_non_null(strstr(r.why, "no code page"));
    kb_text_free(&r.text);
}

static void test_cp437_fallback(void **state)
{
    (void)state;
    kb_text t;
    /* 0x9C is a CP932 lead byte, but not followed by a trail byte: not CP932. */
    DECODE_OK(&t, "Price \x9C\r\n\xC9\xCD\xBB\r\n");
    assert_string_equal(t.encoding, "CP437");
    assert_int_equal(t.encoding_assumed, 1);
    assert_int_equal(t.nlines, 2);
    assert_string_equal(t.lines[0], "Price £");
    assert_string_equal(t.lines[1], "╔═╗");
    kb_text_free(&t);
}

static void test_line_endings(void **state)
{
    (void)state;
    kb_text t;
    /* CRLF, LF, lone CR, the CR CR LF of re-saved console captures, and a
     * final line without newline. */
    DECODE_OK(&t, "one\r\ntwo\nthree\rfour\r\r\nfive");
    assert_int_equal(t.nlines, 5);
    assert_string_equal(t.lines[0], "one");
    assert_string_equal(t.lines[1], "two");
    assert_string_equal(t.lines[2], "three");
    assert_string_equal(t.lines[3], "four");
    assert_string_equal(t.lines[4], "five");
    kb_text_free(&t);
}

static void test_blank_lines_kept(void **state)
{
    (void)state;
    kb_text t;
    DECODE_OK(&t, "a\r\n\r\n\nb\r\n");
    assert_int_equal(t.nlines, 4); /* the trailing CRLF adds no empty line */
    assert_string_equal(t.lines[0], "a");
    assert_string_equal(t.lines[1], "");
    assert_string_equal(t.lines[2], "");
    assert_string_equal(t.lines[3], "b");
    kb_text_free(&t);
}

static void test_final_line_without_newline(void **state)
{
    (void)state;
    kb_text t;
    DECODE_OK(&t, "last");
    assert_int_equal(t.nlines, 1);
    assert_string_equal(t.lines[0], "last");
    kb_text_free(&t);

    DECODE_OK(&t, "\xFF\xFE" "a\0\r\0\n\0b\0");
    assert_int_equal(t.nlines, 2);
    assert_string_equal(t.lines[1], "b");
    kb_text_free(&t);
}

static void test_many_lines(void **state)
{
    (void)state;
    /* More lines than the first allocation holds. */
    char buf[1000];
    size_t len = 0;
    for (int i = 0; i < 150; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%d\n", i);
    kb_text t;
    decode_ok(&t, (const unsigned char *)buf, len);
    assert_int_equal(t.nlines, 150);
    assert_string_equal(t.lines[0], "0");
    assert_string_equal(t.lines[64], "64");
    assert_string_equal(t.lines[149], "149");
    kb_text_free(&t);
}

static void test_empty(void **state)
{
    (void)state;
    kb_text t;
    DECODE_OK(&t, "");
    assert_int_equal(t.nlines, 0);
    kb_text_free(&t);
}

#define FFFD "\xEF\xBF\xBD"

/* Expects flaw i of t at file offset, on line, saying what. */
static void expect_flaw(const kb_text *t, size_t i, size_t offset, size_t line, const char *what)
{
    assert_true(i < t->nflaws);
    assert_int_equal(t->flaws[i].offset, offset);
    assert_int_equal(t->flaws[i].line, line);
    assert_string_equal(t->flaws[i].what, what);
}

static void test_bad_utf8_after_bom(void **state)
{
    (void)state;
    kb_text t;
    /* BOM (3 bytes), "abc", then 0xFF at file offset 6: read around it. */
    DECODE_OK(&t, "\xEF\xBB\xBF" "abc\xFF" "def\r\nnext\r\n");
    assert_string_equal(t.encoding, "UTF-8 with BOM");
    assert_int_equal(t.nflaws_total, 1);
    expect_flaw(&t, 0, 6, 1, "byte 0xFF at offset 6 is not valid UTF-8");
    assert_int_equal(t.nlines, 2);
    assert_string_equal(t.lines[0], "abc" FFFD "def");
    assert_string_equal(t.lines[1], "next");
    kb_text_free(&t);
    /* A truncated multi-byte sequence at the end: each byte is one place. */
    DECODE_OK(&t, "\xEF\xBB\xBF" "ok\r\n\xE3\x81");
    assert_int_equal(t.nflaws_total, 2);
    expect_flaw(&t, 0, 7, 2, "byte 0xE3 at offset 7 is not valid UTF-8");
    expect_flaw(&t, 1, 8, 2, "byte 0x81 at offset 8 is not valid UTF-8");
    assert_string_equal(t.lines[1], FFFD FFFD);
    kb_text_free(&t);
}

/* Japanese vssadmin output saved as UTF-8 without BOM. */
static const char vss_ja_utf8[] =
    "\r\nC:\\Windows\\system32>vssadmin list writers\r\n"
    "vssadmin 1.1 - \xE3\x83\x9C\xE3\x83\xAA\xE3\x83\xA5\xE3\x83\xBC\xE3\x83\xA0 "
    "\xE3\x82\xB7\xE3\x83\xA3\xE3\x83\x89\xE3\x82\xA6 \xE3\x82\xB3\xE3\x83\x94\xE3\x83\xBC "
    "\xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x93\xE3\x82\xB9\xE7\xAE\xA1\xE7\x90\x86\xE3\x82\xB3\xE3\x83\x9E"
    "\xE3\x83\xB3\xE3\x83\x89 \xE3\x83\xA9\xE3\x82\xA4\xE3\x83\xB3 \xE3\x83\x84\xE3\x83\xBC\xE3\x83\xAB\r\n"
    "(C) Copyright 2001-2013 Microsoft Corp.\r\n\r\n";

/* Almost all valid UTF-8 with one bad byte and no BOM: damaged UTF-8,
 * never CP437 mojibake read as if nothing were wrong. */
static void test_damaged_utf8_without_bom(void **state)
{
    (void)state;
    unsigned char b[sizeof vss_ja_utf8];
    memcpy(b, vss_ja_utf8, sizeof b);
    size_t at = (size_t)(strstr(vss_ja_utf8, "\xE3\x82\xB7") - vss_ja_utf8); /* シ */
    assert_int_equal(at, 76);
    b[at] = 0xFF; /* its two continuation bytes are stray now too */
    const char *pages[8];
    assert_int_equal(kb_text_candidates(b, sizeof b - 1, pages, 8), 0);
    kb_text t;
    decode_ok(&t, b, sizeof b - 1);
    assert_string_equal(t.encoding, "UTF-8");
    assert_int_equal(t.encoding_assumed, 0);
    assert_int_equal(t.nflaws_total, 3);
    expect_flaw(&t, 0, 76, 3, "byte 0xFF at offset 76 is not valid UTF-8");
    expect_flaw(&t, 1, 77, 3, "byte 0x82 at offset 77 is not valid UTF-8");
    expect_flaw(&t, 2, 78, 3, "byte 0xB7 at offset 78 is not valid UTF-8");
    assert_non_null(strstr(t.lines[2], FFFD FFFD FFFD "\xE3\x83\xA3")); /* ...ャ follows */
    kb_text_free(&t);
    /* kb_text_read: the parser still recognises it, the encoding is UTF-8. */
    kb_text_reading r;
    char err[256];
    assert_int_equal(kb_text_read(b, sizeof b - 1, &r, err, sizeof err), KB_OK);
    assert_string_equal(r.encoding, "UTF-8");
    assert_non_null(r.parser);
    assert_string_equal(r.parser->kind, "vssadmin_writers");
    assert_int_equal(r.text.nflaws_total, 3);
    kb_text_free(&r.text);
}

/* Too few valid multibyte sequences (7) to outweigh a bad byte: legacy
 * text, as OEM text forms a few valid sequences by chance. */
static void test_few_utf8_sequences_stay_legacy(void **state)
{
    (void)state;
    static const unsigned char seven[] = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 \xFF\r\n";
    const char *pages[8];
    assert_true(kb_text_candidates(seven, sizeof seven - 1, pages, 8) > 0);
    static const unsigned char eight[] = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 \xFF\r\n";
    assert_int_equal(kb_text_candidates(eight, sizeof eight - 1, pages, 8), 0);
    /* More than one bad byte per four valid sequences: legacy again. */
    static const unsigned char mixed[] =
        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 \xFF\xFF\xFF\r\n";
    assert_true(kb_text_candidates(mixed, sizeof mixed - 1, pages, 8) > 0);
    /* CP932 Japanese stays CP932 (the same banner as above). */
    static const unsigned char sjis[] = "vssadmin 1.1 - \x83\x7B\x83\x8A\x83\x85\x81\x5B\x83\x80 "
                                        "\x83\x56\x83\x83\x83\x68\x83\x45\r\n";
    assert_true(kb_text_candidates(sjis, sizeof sjis - 1, pages, 8) > 0);
    assert_string_equal(pages[0], "CP932");
}

static void test_bad_utf16(void **state)
{
    (void)state;
    kb_text t;
    /* An odd byte count: the text ends inside a UTF-16 code unit at 6. */
    DECODE_OK(&t, "\xFF\xFE" "a\0b\0c");
    assert_string_equal(t.encoding, "UTF-16LE with BOM");
    assert_int_equal(t.nflaws_total, 1);
    expect_flaw(&t, 0, 6, 1, "the text ends inside a UTF-16LE character at offset 6");
    assert_string_equal(t.lines[0], "ab" FFFD);
    kb_text_free(&t);
    /* A lone high surrogate at offset 4, then text again. */
    DECODE_OK(&t, "\xFF\xFE" "a\0\x00\xD8" "b\0\r\0\n\0c\0");
    assert_int_equal(t.nflaws_total, 1);
    expect_flaw(&t, 0, 4, 1, "code unit 0xD800 at offset 4 is not valid UTF-16LE");
    assert_int_equal(t.nlines, 2);
    assert_string_equal(t.lines[0], "a" FFFD "b");
    assert_string_equal(t.lines[1], "c");
    kb_text_free(&t);
}

static void test_nul_in_text(void **state)
{
    (void)state;
    kb_text t;
    /* NULs inside the text: a flaw at their file offset, the rest read. */
    DECODE_OK(&t, "ab\r\ncdef\0\0gh\r\n");
    assert_int_equal(t.nflaws_total, 1);
    expect_flaw(&t, 0, 8, 2, "2 NUL byte(s) at offset 8: not text");
    assert_string_equal(t.lines[1], "cdef" FFFD "gh");
    kb_text_free(&t);
    /* In UTF-16 a NUL is a code unit of two zero bytes, at its file offset. */
    DECODE_OK(&t, "\xFF\xFE" "a\0\r\0\n\0b\0\0\0c\0");
    assert_int_equal(t.nflaws_total, 1);
    expect_flaw(&t, 0, 10, 2, "2 NUL byte(s) at offset 10: not text");
    assert_string_equal(t.lines[1], "b" FFFD "c");
    kb_text_free(&t);
}

/* NULs at the very end are padding: trimmed and counted, not damage. */
static void test_nul_padding(void **state)
{
    (void)state;
    kb_text t;
    DECODE_OK(&t, "\xFF\xFE" "a\0\r\0\n\0" "\0\0\0\0\0\0\0\0");
    assert_int_equal(t.nflaws_total, 0);
    assert_int_equal(t.nul_padding, 8);
    assert_int_equal(t.nul_padding_at, 8);
    assert_int_equal(t.nlines, 1);
    assert_string_equal(t.lines[0], "a");
    kb_text_free(&t);
    /* Padding of odd length after whole UTF-16 code units. */
    DECODE_OK(&t, "\xFF\xFE" "a\0" "\0\0\0");
    assert_int_equal(t.nflaws_total, 0);
    assert_int_equal(t.nul_padding, 3);
    assert_int_equal(t.nul_padding_at, 4);
    kb_text_free(&t);
    DECODE_OK(&t, "abc\r\n\0\0\0\0");
    assert_string_equal(t.encoding, "ASCII");
    assert_int_equal(t.nflaws_total, 0);
    assert_int_equal(t.nul_padding, 4);
    assert_int_equal(t.nul_padding_at, 5);
    kb_text_free(&t);
    /* Padding does not hide UTF-16 without BOM: its last 0A 00 stays whole. */
    DECODE_OK(&t, "a\0b\0\r\0\n\0\0\0\0\0");
    assert_string_equal(t.encoding, "UTF-16LE (no BOM)");
    assert_int_equal(t.nul_padding, 4);
    kb_text_free(&t);
}

static void test_looks_binary(void **state)
{
    (void)state;
    static const unsigned char evtx[] = "ElfFile\0\0\0\0\0\0\0\0\0";
    static const unsigned char text[] = "Image Name   PID Services\r\n";
    static const unsigned char utf16[] = "I\0m\0a\0g\0e\0\r\0\n\0";
    static const unsigned char bom[] = "\xFF\xFE" "a\0";
    static const unsigned char ctrl[] = "\x01\x02\x03\x04\x05 text";
    static const unsigned char padded[] = "text\r\n\0\0\0\0";
    assert_int_equal(kb_bytes_look_binary(padded, sizeof padded - 1), 0); /* padding after a line end */
    assert_int_equal(kb_bytes_look_binary(evtx, sizeof evtx - 1), 1);
    assert_int_equal(kb_bytes_look_binary(text, sizeof text - 1), 0);
    assert_int_equal(kb_bytes_look_binary(utf16, sizeof utf16 - 1), 0);
    assert_int_equal(kb_bytes_look_binary(bom, sizeof bom - 1), 0);
    assert_int_equal(kb_bytes_look_binary(ctrl, sizeof ctrl - 1), 1);
}

static size_t width(const char *s)
{
    return kb_utf8_width(s, strlen(s));
}

static void test_display_width(void **state)
{
    (void)state;
    assert_int_equal(width(""), 0);
    assert_int_equal(width("svchost.exe"), 11);
    assert_int_equal(width("イメージ名"), 10);        /* katakana and kanji: 2 each */
    assert_int_equal(width("OS 名"), 5);
    assert_int_equal(width("サービス"), 8);
    assert_int_equal(width("\xE3\x80\x80"), 2);      /* U+3000 ideographic space */
    assert_int_equal(width("ＡＢ"), 4);              /* fullwidth Latin */
    assert_int_equal(width("ｱｲ"), 2);                /* halfwidth katakana: 1 each */
    assert_int_equal(width("한국"), 4);              /* Hangul syllables */
    assert_int_equal(width("e\xCC\x81"), 1);         /* combining acute accent: 0 */
    assert_int_equal(width("a\xFF" "b"), 3);         /* an invalid byte counts 1 */
    /* Only len bytes are measured. */
    assert_int_equal(kb_utf8_width("名前abc", 6), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_bom),
        cmocka_unit_test(test_utf16le_bom),
        cmocka_unit_test(test_utf16be_bom),
        cmocka_unit_test(test_utf16le_without_bom),
        cmocka_unit_test(test_utf16be_without_bom),
        cmocka_unit_test(test_plain_utf8_and_ascii),
        cmocka_unit_test(test_cp932),
        cmocka_unit_test(test_candidates),
        cmocka_unit_test(test_read_picks_page_by_labels),
        cmocka_unit_test(test_cp437_fallback),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_blank_lines_kept),
        cmocka_unit_test(test_final_line_without_newline),
        cmocka_unit_test(test_many_lines),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_bad_utf8_after_bom),
        cmocka_unit_test(test_damaged_utf8_without_bom),
        cmocka_unit_test(test_few_utf8_sequences_stay_legacy),
        cmocka_unit_test(test_bad_utf16),
        cmocka_unit_test(test_nul_in_text),
        cmocka_unit_test(test_nul_padding),
        cmocka_unit_test(test_looks_binary),
        cmocka_unit_test(test_display_width),
    };
    return cmocka_run_group_tests_name("textdecode", tests, NULL, NULL);
}
