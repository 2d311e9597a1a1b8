/* read.c: reads saved command output (see kb_text_read in source.h).
 *
 * Bytes in a BOM, UTF-16 or UTF-8 decode one way. Bytes in an OEM code
 * page fit several pages (any byte is valid CP437, CP850, CP852 and CP866;
 * CJK text is often valid in more than one double-byte page), so each
 * candidate page is decoded and the one whose text a parser recognises
 * best, with the labels of a known locale, wins. The choice is marked
 * assumed when several pages show the same labels, or none shows any:
 * detection never guesses silently. */
#include "source/source.h"

#include <stdio.h>
#include <string.h>

/* The OEM code page cmd.exe uses for a locale's console. */
static const char *home_page(const char *locale)
{
    static const struct {
        const char *locale, *page;
    } pages[] = {
        {"en", "CP437"}, {"de", "CP850"}, {"fr", "CP850"}, {"es", "CP850"}, {"it", "CP850"},
        {"pt-BR", "CP850"}, {"ru", "CP866"}, {"ja", "CP932"}, {"zh-CN", "CP936"},
        {"ko", "CP949"}, {"zh-TW", "CP950"},
    };
    for (size_t i = 0; locale && i < sizeof pages / sizeof pages[0]; i++)
        if (strcmp(pages[i].locale, locale) == 0)
            return pages[i].page;
    return NULL;
}

/* The ANSI code page of the locales whose OEM page this is, or NULL (the
 * double-byte pages are both). */
static const char *ansi_page(const char *oem)
{
    static const struct {
        const char *oem, *ansi;
    } pages[] = {
        {"CP437", "WINDOWS-1252"}, {"CP850", "WINDOWS-1252"}, {"CP852", "WINDOWS-1250"}, {"CP866", "WINDOWS-1251"},
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        if (strcmp(pages[i].oem, oem) == 0)
            return pages[i].ansi;
    return NULL;
}

typedef struct judgement {
    const kb_source *parser;
    int sniff;
    const char *locale;
} judgement;

static judgement judge(const kb_text *text)
{
    judgement j = {NULL, 0, NULL};
    for (const kb_source *const *p = kb_sources(); *p; p++) {
        if ((*p)->form != KB_FORM_TEXT)
            continue;
        int score = (*p)->sniff(text);
        if (score > j.sniff) {
            j.sniff = score;
            j.parser = *p;
        }
    }
    if (j.parser)
        j.locale = j.parser->locale(text);
    return j;
}

/* Recognised kind first, then known labels, then the locale's own page. */
static int score_of(const judgement *j, const char *page)
{
    const char *home = home_page(j->locale);
    return j->sniff * 4 + (j->locale ? 2 : 0) + (home && strcmp(home, page) == 0);
}

static void set_result(kb_text_reading *r, const judgement *j)
{
    r->parser = j->parser;
    r->locale = j->locale;
}

kb_status kb_text_read(const unsigned char *bytes, size_t len, kb_text_reading *r, char *err, size_t errlen)
{
    return kb_text_read_at(bytes, len, 0, r, err, errlen);
}

void kb_text_judge(const kb_text *text, const kb_source **parser, const char **locale)
{
    judgement j = judge(text);
    *parser = j.parser;
    *locale = j.locale;
}

kb_status kb_text_read_at(const unsigned char *bytes, size_t len, size_t base, kb_text_reading *r, char *err,
                          size_t errlen)
{
    memset(r, 0, sizeof *r);
    const char *pages[8];
    size_t n = kb_text_candidates(bytes, len, pages, 8);
    if (n == 0) {
        kb_status st = kb_text_decode_at(bytes, len, base, &r->text, err, errlen);
        if (st != KB_OK)
            return st;
        judgement j = judge(&r->text);
        set_result(r, &j);
        snprintf(r->encoding, sizeof r->encoding, "%s", r->text.encoding);
        return KB_OK;
    }
    judgement seen[8];
    int scores[8], best = -1;
    kb_status last = KB_OK;
    for (size_t i = 0; i < n; i++) {
        kb_text t;
        scores[i] = -1;
        last = kb_text_decode_as_at(bytes, len, base, pages[i], &t, err, errlen);
        if (last != KB_OK)
            continue;
        seen[i] = judge(&t);
        scores[i] = score_of(&seen[i], pages[i]);
        if (best < 0 || scores[i] > scores[best]) {
            if (best >= 0)
                kb_text_free(&r->text);
            r->text = t;
            best = (int)i;
        } else {
            kb_text_free(&t);
        }
    }
    if (best < 0)
        return last;
    /* A kind written in the ANSI page: its text as that page, when the
     * same kind still reads it (a byte that page lacks keeps the OEM one). */
    const char *ansi = seen[best].parser && seen[best].parser->ansi_text ? ansi_page(pages[best]) : NULL;
    int as_ansi = 0;
    if (ansi) {
        kb_text t;
        char why[256];
        if (kb_text_decode_as(bytes, len, ansi, &t, why, sizeof why) == KB_OK) {
            judgement j = judge(&t);
            as_ansi = j.parser == seen[best].parser;
            if (as_ansi) {
                kb_text_free(&r->text);
                r->text = t;
                seen[best] = j;
                pages[best] = ansi;
            } else {
                kb_text_free(&t);
            }
        }
    }
    set_result(r, &seen[best]);
    /* Other pages that show the same kind with known labels fit as well. */
    size_t fits = 0, used = 0;
    char also[64] = "";
    for (size_t i = 0; i < n; i++) {
        if ((int)i == best || scores[i] < 0 || !seen[i].locale || seen[i].parser != seen[best].parser ||
            seen[i].sniff != seen[best].sniff)
            continue;
        fits++;
        int w = snprintf(also + used, sizeof also - used, "%s%s", used ? ", " : "", pages[i]);
        if (w > 0 && (size_t)w < sizeof also - used)
            used += (size_t)w;
    }
    r->text.encoding_assumed = !seen[best].locale || fits > 0;
    if (!r->text.encoding_assumed)
        snprintf(r->encoding, sizeof r->encoding, "%s", pages[best]);
    else
        snprintf(r->encoding, sizeof r->encoding, "%s (assumed)", pages[best]);
    if (as_ansi && r->text.encoding_assumed)
        snprintf(r->why, sizeof r->why, "such files are written in Windows' ANSI code page, which they do not record");
    else if (fits)
        snprintf(r->why, sizeof r->why, "the same labels show when decoded as %s", also);
    else if (r->text.encoding_assumed)
        snprintf(r->why, sizeof r->why, "no code page shows labels kbscan knows (%zu fit the bytes)", n);
    return KB_OK;
}
