/* mixed.c: a file of several encodings read as one text (see mixed.h). */
#include "text/mixed.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends the lines and flaws of one run's text to the joined one. */
static void join(kb_mixed_text *m, const kb_text *t, kb_buf *buf, size_t **offsets, size_t *cap)
{
    size_t first = m->text.nlines;
    for (size_t i = 0; i < t->nlines; i++) {
        *offsets = kb_grow(*offsets, cap, m->text.nlines + 1, sizeof **offsets, 64);
        (*offsets)[m->text.nlines++] = buf->len;
        kb_buf_append(buf, t->lines[i], strlen(t->lines[i]) + 1);
    }
    for (size_t i = 0; i < t->nflaws; i++) {
        if (!m->text.flaws)
            m->text.flaws = kb_xmalloc(KB_TEXT_MAX_FLAWS * sizeof *m->text.flaws);
        if (m->text.nflaws < KB_TEXT_MAX_FLAWS) {
            kb_text_flaw f = t->flaws[i];
            f.line += first;
            m->text.flaws[m->text.nflaws++] = f;
        }
    }
    m->text.nflaws_total += t->nflaws_total;
    if (t->nul_padding) {
        m->text.nul_padding = t->nul_padding;
        m->text.nul_padding_at = t->nul_padding_at;
    }
}

kb_status kb_mixed_read(const unsigned char *bytes, size_t len, size_t base, const kb_text_run *runs,
                        size_t nruns, kb_mixed_text *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->runs = kb_xcalloc(nruns, sizeof *m->runs);
    kb_buf buf = KB_BUF_INIT;
    size_t *offsets = NULL, cap = 0;
    for (size_t r = 0; r < nruns; r++) {
        const kb_text_run *run = &runs[r];
        if (run->end > len || run->start > run->end)
            continue;
        kb_text_reading read;
        kb_status st = kb_text_read_at(bytes + run->start, run->end - run->start, base + run->start, &read, err,
                                       errlen);
        if (st != KB_OK) {
            kb_buf_free(&buf);
            free(offsets);
            kb_mixed_free(m);
            return st;
        }
        kb_mixed_run *mr = &m->runs[m->nruns++];
        mr->first_line = m->text.nlines;
        snprintf(mr->encoding, sizeof mr->encoding, "%s", read.encoding);
        snprintf(mr->why, sizeof mr->why, "%s", read.why);
        mr->assumed = read.text.encoding_assumed;
        mr->parser = read.parser;
        mr->locale = read.locale;
        if (nruns == 1) { /* one encoding: the text as decoded, no copy */
            m->text = read.text;
            kb_buf_free(&buf);
            return KB_OK;
        }
        join(m, &read.text, &buf, &offsets, &cap);
        kb_text_free(&read.text);
    }
    kb_buf_putc(&buf, '\0');
    m->text.buf = kb_buf_take(&buf);
    m->text.lines = kb_xcalloc(m->text.nlines + 1, sizeof *m->text.lines);
    for (size_t i = 0; i < m->text.nlines; i++)
        m->text.lines[i] = m->text.buf + offsets[i];
    free(offsets);
    m->text.encoding = m->nruns ? m->runs[0].encoding : "ASCII";
    return KB_OK;
}

void kb_mixed_free(kb_mixed_text *m)
{
    kb_text_free(&m->text);
    free(m->runs);
    m->runs = NULL;
    m->nruns = 0;
}

void kb_mixed_encoding(const kb_mixed_text *m, size_t first, size_t last, char *out, size_t outlen)
{
    size_t used = 0, shown = 0;
    out[0] = '\0';
    for (size_t r = 0; r < m->nruns; r++) {
        size_t a = m->runs[r].first_line;
        size_t z = r + 1 < m->nruns ? m->runs[r + 1].first_line : m->text.nlines;
        if (z <= first || a >= last || a == z)
            continue;
        a = a < first ? first : a;
        z = z > last ? last : z;
        int w = snprintf(out + used, outlen - used, "%s%s (lines %zu-%zu)", shown ? ", " : "", m->runs[r].encoding,
                         a + 1, z);
        if (w < 0 || (size_t)w >= outlen - used)
            break;
        used += (size_t)w;
        shown++;
    }
    if (shown == 1) { /* one encoding: no lines to name */
        char *paren = strrchr(out, '(');
        if (paren && paren > out)
            paren[-1] = '\0';
    }
}

void kb_mixed_summary(const kb_mixed_text *m, char *out, size_t outlen)
{
    if (m->nruns <= 1) {
        snprintf(out, outlen, "%s", m->nruns ? m->runs[0].encoding : "ASCII");
        return;
    }
    size_t used = 0;
    for (size_t r = 0; r < m->nruns; r++) {
        int seen = 0;
        for (size_t k = 0; k < r && !seen; k++)
            seen = strcmp(m->runs[k].encoding, m->runs[r].encoding) == 0;
        if (seen)
            continue;
        int w = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "", m->runs[r].encoding);
        if (w < 0 || (size_t)w >= outlen - used)
            return;
        used += (size_t)w;
    }
    snprintf(out + used, outlen - used, " (%zu parts)", m->nruns);
}
