/* sample_text.h: the saved command outputs of tests/unit/samples/ (UTF-8,
 * LF, as reviewed), read and saved again the way a Windows server saves
 * them (CRLF; UTF-16LE with BOM as PowerShell 5.1 writes; an OEM code page
 * as cmd.exe writes), and a check of a fact against a list of expected
 * fields. For the parser unit tests; include after text_harness.h. */
#ifndef KB_SAMPLE_TEXT_H
#define KB_SAMPLE_TEXT_H

#include <errno.h>
#include <iconv.h>

#include "core/strbuf.h"

#define SAMPLES_DIR "tests/unit/samples/"

typedef enum saved_as { SAVED_UTF8, SAVED_CRLF, SAVED_UTF16LE_BOM, SAVED_OEM } saved_as;

/* The sample's bytes, as committed; fails the test when it is missing. */
static inline char *sample_bytes(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, SAMPLES_DIR "%s", name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("no sample %s", path);
    kb_buf b = KB_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        kb_buf_append(&b, chunk, n);
    fclose(fp);
    kb_buf_puts(&b, "");
    *len = b.len;
    return kb_buf_take(&b);
}

static inline void sample_iconv(kb_buf *out, const char *to, const char *utf8, size_t len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    if (cd == (iconv_t)-1)
        fail_msg("iconv cannot write %s", to);
    char *in = (char *)utf8;
    size_t left = len;
    while (left) {
        char chunk[4096], *dst = chunk;
        size_t room = sizeof chunk;
        size_t rc = iconv(cd, &in, &left, &dst, &room);
        kb_buf_append(out, chunk, sizeof chunk - room);
        if (rc == (size_t)-1 && errno != E2BIG)
            fail_msg("\"%.40s\" has no %s form", in, to);
    }
    iconv_close(cd);
}

/* The text (UTF-8, LF) saved as a server saves it; oem names the code
 * page for SAVED_OEM. */
static inline char *saved_text(const char *utf8, saved_as as, const char *oem, size_t *len)
{
    kb_buf crlf = KB_BUF_INIT;
    kb_buf_puts(&crlf, "");
    for (const char *p = utf8; *p; p++) {
        if (*p == '\n' && as != SAVED_UTF8 && (p == utf8 || p[-1] != '\r'))
            kb_buf_putc(&crlf, '\r');
        kb_buf_putc(&crlf, *p);
    }
    if (as == SAVED_UTF8 || as == SAVED_CRLF) {
        *len = crlf.len;
        return kb_buf_take(&crlf);
    }
    kb_buf out = KB_BUF_INIT;
    if (as == SAVED_UTF16LE_BOM) {
        kb_buf_append(&out, "\xff\xfe", 2);
        sample_iconv(&out, "UTF-16LE", crlf.data, crlf.len);
    } else {
        sample_iconv(&out, oem, crlf.data, crlf.len);
    }
    kb_buf_free(&crlf);
    *len = out.len;
    return kb_buf_take(&out);
}

/* Runs the parser on a sample saved one way. */
static inline void run_sample(parsed *r, const char *name, saved_as as, const char *oem)
{
    size_t len, n;
    char *utf8 = sample_bytes(name, &len);
    char *bytes = saved_text(utf8, as, oem, &n);
    free(utf8);
    run(r, bytes, n);
    free(bytes);
}

/* Checks a fact's fields: pairs of name and value, NULL-terminated; a
 * NULL value means the field must be absent. */
static inline void fields_are(const kb_fact *f, const char *const *pairs)
{
    for (size_t i = 0; pairs[i]; i += 2) {
        if (!pairs[i + 1]) {
            if (kb_fact_get(f, pairs[i]))
                fail_msg("%s has a field %s (\"%s\"), want none", f->type, pairs[i], kb_fact_get(f, pairs[i]));
            continue;
        }
        field_is(f, pairs[i], pairs[i + 1]);
    }
}

#define FIELDS(f, ...) fields_are(f, (const char *const[]){__VA_ARGS__, NULL})

/* The input's note at a place ("line 7", "lines 4-8"), or NULL. */
static inline const char *note_at(const parsed *r, const char *where)
{
    const kb_input *in = &r->inputs.items[0];
    for (size_t i = 0; i < in->nnotes; i++)
        if (in->notes[i].where && strcmp(in->notes[i].where, where) == 0)
            return in->notes[i].message;
    return NULL;
}

#endif
