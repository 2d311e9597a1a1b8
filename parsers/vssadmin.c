/* vssadmin.c: saved `vssadmin list writers` output.
 *
 * Structure first, words second: a run starts at the banner line
 * ("vssadmin 1.1 - ..." in any language); a writer block is five lines:
 * a name after a label, two lines with one {GUID} each, a state line with
 * "[N]", a last-error line. So output in a language nobody listed still
 * parses; label words only name things (the state is its number).
 * Zero writers, an error printed instead of writers, and a missing file are
 * three different answers, and several runs in one file are all listed
 * (the last one counts). */
#include "lineutil.h"
#include "parser.h"
#include "strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_banner(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return len > 11 && strncmp(p, "vssadmin ", 9) == 0 && isdigit((unsigned char)p[9]);
}

static int is_copyright(const char *line)
{
    return strstr(line, "(C) Copyright") != NULL || strstr(line, "(c) Copyright") != NULL;
}

/* Lines vssadmin prints besides writers that mean nothing for the answer. */
static int is_noise(const char *line)
{
    /* "Waiting for responses..." as printed by vssadmin in en, ja, de, fr. */
    static const char *const waiting[] = {
        "Waiting for responses", "These may be delayed if a shadow copy is being prepared",
        "応答を待っています", "Warten auf Antworten", "Attente de réponses", "Attente des réponses",
        NULL};
    for (size_t i = 0; waiting[i]; i++)
        if (strstr(line, waiting[i]))
            return 1;
    return kb_is_blank(line) || kb_is_prompt(line) || is_copyright(line);
}

static int state_number(const char *line, long *out)
{
    const char *open = strchr(line, '[');
    if (!open)
        return 0;
    char *end;
    long n = strtol(open + 1, &end, 10);
    if (end == open + 1 || *end != ']')
        return 0;
    *out = n;
    return 1;
}

/* 1 when lines i..i+4 (before end) form a writer block. */
static int writer_block_at(const kb_text *t, size_t i, size_t end)
{
    char guid[39];
    long state;
    size_t len;
    if (i + 5 > end)
        return 0;
    const char *name = kb_after_colon(t->lines[i], &len);
    return name && len > 0 && kb_find_guid(t->lines[i], guid) == 0 &&
           kb_find_guid(t->lines[i + 1], guid) == 1 && kb_find_guid(t->lines[i + 2], guid) == 1 &&
           state_number(t->lines[i + 3], &state) && kb_after_colon(t->lines[i + 4], &len) != NULL;
}

static const char *state_name(long n)
{
    static const char *const names[] = {
        "Unknown", "Stable", "Waiting for freeze", "Waiting for thaw", "Waiting for post snapshot",
        "Waiting for backup complete"};
    if (n >= 0 && n <= 5)
        return names[n];
    if (n >= 6 && n <= 15)
        return "Failed";
    return "Unknown";
}

/* Known translations of the last-error texts; an unknown one keeps its text. */
static const char *last_error_english(const char *text)
{
    static const struct {
        const char *local;
        const char *english;
    } table[] = {
        {"No error", "No error"}, {"Inconsistent shadow copy", "Inconsistent shadow copy"},
        {"Out of resources", "Out of resources"}, {"Timed out", "Timed out"},
        {"Retryable error", "Retryable error"}, {"Non-retryable error", "Non-retryable error"},
        {"Unexpected error", "Unexpected error"},
        {"エラーなし", "No error"}, {"再試行可能なエラー", "Retryable error"},
        {"再試行できないエラー", "Non-retryable error"}, {"タイムアウト", "Timed out"},
        {"予期しないエラー", "Unexpected error"},
        {"Kein Fehler", "No error"}, {"Wiederholbarer Fehler", "Retryable error"},
        {"Nicht wiederholbarer Fehler", "Non-retryable error"},
        {"Aucune erreur", "No error"}, {"Erreur récupérable", "Retryable error"},
        {"Erreur non récupérable", "Non-retryable error"}, {"Erreur inattendue", "Unexpected error"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(text, table[i].local) == 0)
            return table[i].english;
    return text;
}

static const char *guess_locale(const char *line)
{
    if (strstr(line, "ライター") || strstr(line, "ボリューム シャドウ") || strstr(line, "状態"))
        return "ja";
    if (strstr(line, "Verfasser") || strstr(line, "Volumeschattenkopie"))
        return "de";
    if (strstr(line, "Nom de l") || strstr(line, "cliché instantané"))
        return "fr";
    if (strstr(line, "Writer name") || strstr(line, "Volume Shadow Copy Service"))
        return "en";
    return NULL;
}

static char *unquoted(const char *s, size_t len)
{
    static const char *const quotes[] = {"'", "\"", "\xe2\x80\x98", "\xe2\x80\x99",
                                         "\xe2\x80\x9c", "\xe2\x80\x9d"};
    for (int pass = 0; pass < 2; pass++)
        for (size_t q = 0; q < sizeof quotes / sizeof quotes[0]; q++) {
            size_t ql = strlen(quotes[q]);
            if (pass == 0 && len >= ql && strncmp(s, quotes[q], ql) == 0) {
                s += ql;
                len -= ql;
            } else if (pass == 1 && len >= ql && strncmp(s + len - ql, quotes[q], ql) == 0) {
                len -= ql;
            }
        }
    return kb_strndup(s, len);
}

static int add_writer(kb_parse_ctx *ctx, const kb_text *t, size_t i, size_t run, const char *latest)
{
    kb_fact *f = kb_text_fact(ctx, "vssadmin.writer", t, i + 1, i + 5);
    if (!f)
        return -1;
    size_t len;
    const char *name = kb_after_colon(t->lines[i], &len);
    char *clean = unquoted(name, len);
    kb_fact_set(f, "name", clean);
    free(clean);
    char guid[39];
    kb_find_guid(t->lines[i + 1], guid);
    kb_fact_set(f, "writer_id", guid);
    kb_find_guid(t->lines[i + 2], guid);
    kb_fact_set(f, "instance_id", guid);
    long state = 0;
    state_number(t->lines[i + 3], &state);
    kb_fact_setf(f, "state", "%ld", state);
    kb_fact_set(f, "state_name", state_name(state));
    const char *word = strchr(t->lines[i + 3], ']') + 1;
    char *state_text = kb_trimmed_copy(word);
    kb_fact_set(f, "state_text", state_text);
    free(state_text);
    const char *err = kb_after_colon(t->lines[i + 4], &len);
    char *err_text = kb_strndup(err, len);
    kb_fact_set(f, "last_error_text", err_text);
    kb_fact_set(f, "last_error", last_error_english(err_text));
    free(err_text);
    kb_fact_setf(f, "run", "%zu", run);
    kb_fact_set(f, "latest", latest);
    return 0;
}

/* One run: lines [first, end). first is the banner line, or 0 for writer
 * blocks copied without their banner. */
static int parse_run(kb_parse_ctx *ctx, const kb_text *t, size_t first, size_t end, size_t run,
                     int latest)
{
    const char *latest_s = latest ? "yes" : "no";
    size_t writers = 0, others = 0, first_other = 0;
    size_t i = is_banner(t->lines[first]) ? first + 1 : first;
    while (i < end) {
        if (writer_block_at(t, i, end)) {
            if (add_writer(ctx, t, i, run, latest_s) != 0)
                return -1;
            writers++;
            i += 5;
            continue;
        }
        if (!is_noise(t->lines[i]) && others++ == 0)
            first_other = i;
        i++;
    }
    size_t last = end;
    while (last > first + 1 && kb_is_blank(t->lines[last - 1]))
        last--;
    kb_fact *f = kb_text_fact(ctx, "vssadmin.listing", t, first + 1,
                              writers ? first + 2 : last);
    if (!f)
        return -1;
    kb_fact_setf(f, "run", "%zu", run);
    kb_fact_set(f, "latest", latest_s);
    kb_fact_setf(f, "writers", "%zu", writers);
    char *banner = is_banner(t->lines[first]) ? kb_trimmed_copy(t->lines[first]) : NULL;
    kb_fact_set(f, "banner", banner ? banner : "");
    free(banner);
    if (writers == 0 && others) {
        /* Anything but writers after the banner is vssadmin saying why it
         * could not list them: an error, never "zero writers". */
        char *err = kb_trimmed_copy(t->lines[first_other]);
        kb_fact_set(f, "status", "error");
        kb_fact_set(f, "error", err);
        free(err);
    } else {
        kb_fact_set(f, "status", "ok");
        /* Walk as above, so the lines inside writer blocks are not noted. */
        for (size_t k = i = is_banner(t->lines[first]) ? first + 1 : first; others && k < end;) {
            if (writer_block_at(t, k, end)) {
                k += 5;
                continue;
            }
            if (!is_noise(t->lines[k])) {
                char where[32];
                snprintf(where, sizeof where, "line %zu", k + 1);
                kb_input_note(ctx->input, where, "line not understood as part of a writer list");
            }
            k++;
        }
    }
    return 0;
}

static int sniff(const kb_text *t)
{
    int blocks = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        if (is_banner(t->lines[i]))
            return 90;
        blocks += writer_block_at(t, i, t->nlines);
    }
    return blocks ? 60 : 0;
}

static void set_locale(kb_parse_ctx *ctx, const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++) {
        const char *l = guess_locale(t->lines[i]);
        if (l) {
            kb_input_set_locale(ctx->input, l);
            return;
        }
    }
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    if (t->nlines == 0)
        return KB_OK;
    size_t banners[256], n = 0;
    for (size_t i = 0; i < t->nlines && n < 256; i++)
        if (is_banner(t->lines[i]))
            banners[n++] = i;
    if (n == 0)
        banners[n++] = 0; /* writer blocks without a banner */
    for (size_t r = 0; r < n; r++) {
        size_t end = r + 1 < n ? banners[r + 1] : t->nlines;
        if (parse_run(ctx, t, banners[r], end, r + 1, r + 1 == n) != 0)
            return KB_ERR_NOMEM;
    }
    set_locale(ctx, t);
    return KB_OK;
}

static const char *const listing_fields[] = {"status", "writers", "error", "banner", "run",
                                             "latest", NULL};
static const char *const writer_fields[] = {"name", "writer_id", "instance_id", "state",
                                            "state_name", "state_text", "last_error",
                                            "last_error_text", "run", "latest", NULL};
static const kb_fact_decl facts[] = {
    {"vssadmin.listing", listing_fields}, {"vssadmin.writer", writer_fields}, {NULL, NULL},
};

const kb_text_parser kb_parser_vssadmin = {
    "vssadmin_writers", "vssadmin list writers output", "vssadmin_writers", sniff, parse, facts,
};
