/* batch_index.c: the index of a batch, as text, JSON Lines and HTML (see
 * batch_index.h). The outcome of a computer is its exit status read as a
 * verdict; the words are the reports' own (report/messages.c) where they
 * have them, so an index and its reports say the same thing. */
#include "cli/batch_index.h"
#include "core/alloc.h"
#include "report/escape.h"
#include "report/report.h"

#include <cJSON.h>
#include <string.h>

typedef enum index_msg {
    IX_ERROR, IX_BUNDLE, IX_BUNDLES, IX_COMPUTER, IX_COMPUTERS, IX_RULES, IX_EXIT, IX_REPORTS,
    IX_TITLE, IX_NONE, IX_PATH, IX_WHY, IX_H_BUNDLE, IX_H_COMPUTER, IX_COUNT
} index_msg;

static const char *const index_words[2][IX_COUNT] = {
    [KB_LANG_EN] = {
        [IX_ERROR] = "ERROR", [IX_BUNDLE] = "bundle", [IX_BUNDLES] = "bundles",
        [IX_COMPUTER] = "computer", [IX_COMPUTERS] = "computers", [IX_RULES] = "Rules",
        [IX_EXIT] = "Exit status", [IX_REPORTS] = "Reports", [IX_TITLE] = "kbscan batch",
        [IX_NONE] = "none", [IX_PATH] = "Path", [IX_WHY] = "Why", [IX_H_BUNDLE] = "Bundle",
        [IX_H_COMPUTER] = "Computer",
    },
    [KB_LANG_JA] = {
        [IX_ERROR] = "エラー", [IX_BUNDLE] = "バンドル", [IX_BUNDLES] = "バンドル",
        [IX_COMPUTER] = "コンピューター", [IX_COMPUTERS] = "コンピューター", [IX_RULES] = "ルール",
        [IX_EXIT] = "終了ステータス", [IX_REPORTS] = "レポート", [IX_TITLE] = "kbscan バッチ",
        [IX_NONE] = "なし", [IX_PATH] = "パス", [IX_WHY] = "理由", [IX_H_BUNDLE] = "バンドル",
        [IX_H_COMPUTER] = "コンピューター",
    },
};

static const char *word(kb_lang lang, index_msg m)
{
    return index_words[lang == KB_LANG_JA ? KB_LANG_JA : KB_LANG_EN][m];
}

/* The outcomes, in the order the index shows them. */
static const int outcome_status[] = {1, 3, 0, 2};
#define NOUTCOMES (sizeof outcome_status / sizeof outcome_status[0])

const char *kb_batch_outcome(int exit_status)
{
    switch (exit_status) {
    case 1: return "matched";
    case 3: return "cannot_tell";
    case 0: return "not_matched";
    default: return "error";
    }
}

static const char *outcome_label(int exit_status, kb_lang lang)
{
    switch (exit_status) {
    case 1: return kb_msg_text(lang, KB_MSG_MATCHED);
    case 3: return kb_msg_text(lang, KB_MSG_CANNOT_TELL);
    case 0: return kb_msg_text(lang, KB_MSG_NOT_MATCHED);
    default: return word(lang, IX_ERROR);
    }
}

/* The rules a line names: those that matched, else those that cannot tell. */
static const kb_strlist *line_rules(const kb_batch_line *l)
{
    return l->exit_status == 1 ? &l->matched : &l->cannot_tell;
}

static void join(kb_buf *out, const kb_strlist *ids)
{
    for (size_t i = 0; i < ids->n; i++)
        kb_buf_printf(out, "%s%s", i ? ", " : "", ids->items[i]);
}

/* ---- text ---- */

static void text_line(FILE *out, const char *bundle, const char *computer, int status,
                      const char *rest, kb_lang lang, int color)
{
    static const char *const colors[4] = {"\033[32m", "\033[1;31m", "\033[1;31m", "\033[1;33m"};
    char *b = kb_text_visible(bundle), *c = kb_text_visible(computer), *r = kb_text_visible(rest);
    const char *label = outcome_label(status, lang);
    fprintf(out, "%-24s %-24s %s%-12s%s exit %d  %s\n", b, c, color ? colors[status & 3] : "",
            label, color ? "\033[0m" : "", status, r);
    free(b);
    free(c);
    free(r);
}

void kb_batch_write_text_lines(FILE *out, const kb_batch_bundle *b, kb_lang lang, int color)
{
    if (b->nlines == 0) {
        text_line(out, b->name, "-", 2, b->error ? b->error : "", lang, color);
        return;
    }
    for (size_t i = 0; i < b->nlines; i++) {
        const kb_batch_line *l = &b->lines[i];
        kb_buf rest = KB_BUF_INIT;
        join(&rest, line_rules(l));
        if (b->status == 2)
            kb_buf_printf(&rest, "%s(%s: exit 2: %s)", rest.len ? "  " : "", word(lang, IX_BUNDLE),
                          b->error ? b->error : "");
        text_line(out, b->name, l->computer ? l->computer : kb_msg_text(lang, KB_MSG_UNNAMED),
                  l->exit_status, rest.len ? kb_buf_str(&rest) : "-", lang, color);
        kb_buf_free(&rest);
    }
}

typedef struct tally {
    size_t bundles, computers, by_outcome[NOUTCOMES];
} tally;

static size_t outcome_index(int status)
{
    for (size_t i = 0; i < NOUTCOMES; i++)
        if (outcome_status[i] == status)
            return i;
    return NOUTCOMES - 1;
}

static tally count(const kb_batch *batch)
{
    tally t = {.bundles = batch->n};
    for (size_t i = 0; i < batch->n; i++) {
        const kb_batch_bundle *b = &batch->items[i];
        t.computers += b->nlines;
        for (size_t l = 0; l < b->nlines; l++)
            t.by_outcome[outcome_index(b->lines[l].exit_status)]++;
        if (b->status == 2)
            t.by_outcome[NOUTCOMES - 1]++;
    }
    return t;
}

void kb_batch_write_summary(FILE *out, const kb_batch *batch, int status, kb_lang lang)
{
    tally t = count(batch);
    if (lang == KB_LANG_JA) {
        fprintf(out, "バンドル %zu 件、コンピューター %zu 台: 該当 %zu、判定不能 %zu、非該当 %zu、"
                     "エラー %zu; 終了ステータス %d\n",
                t.bundles, t.computers, t.by_outcome[0], t.by_outcome[1], t.by_outcome[2],
                t.by_outcome[3], status);
        return;
    }
    fprintf(out, "%zu bundle%s, %zu computer%s: %zu matched, %zu cannot tell, %zu not matched, "
                 "%zu bundle%s in error; exit status %d\n",
            t.bundles, t.bundles == 1 ? "" : "s", t.computers, t.computers == 1 ? "" : "s",
            t.by_outcome[0], t.by_outcome[1], t.by_outcome[2], t.by_outcome[3],
            t.by_outcome[3] == 1 ? "" : "s", status);
}

/* ---- JSON Lines ---- */

static cJSON *visible_string(const char *s)
{
    if (!s)
        return cJSON_CreateNull();
    char *clean = kb_utf8_visible(s);
    cJSON *item = cJSON_CreateString(clean);
    free(clean);
    return item;
}

static cJSON *ids_json(const kb_strlist *ids)
{
    cJSON *array = cJSON_CreateArray();
    for (size_t i = 0; array && i < ids->n; i++)
        cJSON_AddItemToArray(array, cJSON_CreateString(ids->items[i]));
    return array;
}

static void json_line(FILE *out, const kb_batch_bundle *b, const kb_batch_line *l,
                      const char *out_dir)
{
    static const kb_strlist none = {0};
    cJSON *o = cJSON_CreateObject();
    if (!o)
        kb_out_of_memory(); /* cJSON's allocation failed */
    char *report = out_dir && b->nlines ? kb_strprintf("%s/%s.html", out_dir, b->file) : NULL;
    cJSON_AddItemToObject(o, "bundle", visible_string(b->name));
    cJSON_AddItemToObject(o, "path", visible_string(b->path));
    cJSON_AddItemToObject(o, "computer", visible_string(l ? l->computer : NULL));
    cJSON_AddStringToObject(o, "outcome", kb_batch_outcome(l ? l->exit_status : 2));
    cJSON_AddNumberToObject(o, "exit_status", l ? l->exit_status : 2);
    cJSON_AddItemToObject(o, "matched", ids_json(l ? &l->matched : &none));
    cJSON_AddItemToObject(o, "cannot_tell", ids_json(l ? &l->cannot_tell : &none));
    cJSON_AddNumberToObject(o, "bundle_exit_status", b->status);
    cJSON_AddItemToObject(o, "error", visible_string(b->error));
    cJSON_AddItemToObject(o, "report", visible_string(report));
    free(report);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        kb_out_of_memory();
    fprintf(out, "%s\n", text);
    cJSON_free(text);
}

void kb_batch_write_json_lines(FILE *out, const kb_batch_bundle *b, const char *out_dir)
{
    if (b->nlines == 0)
        json_line(out, b, NULL, out_dir);
    for (size_t i = 0; i < b->nlines; i++)
        json_line(out, b, &b->lines[i], out_dir);
}

/* ---- HTML ---- */

static const char html_style[] =
    ":root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee7;--soft:#f5f7fa;--red:#b3261e;"
    "--redbg:#fdecea;--green:#1e7a3a;--greenbg:#e8f5ec;--amber:#8a5a00;--amberbg:#fff4d6}"
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI','Hiragino Sans','Yu Gothic',"
    "sans-serif;color:var(--fg);margin:0 auto;padding:1em 1.5em;max-width:72em}"
    "h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.15em;margin:1.4em 0 .4em;padding:.2em .5em;"
    "border-left:6px solid var(--line)}"
    ".meta{color:var(--muted)}.nav a{margin-right:1.2em}"
    "table{border-collapse:collapse;width:100%;table-layout:fixed}"
    "th:nth-child(1){width:20%}th:nth-child(2){width:24%}th:nth-child(3){width:30%}"
    "th:nth-child(4){width:11%}th:nth-child(5){width:15%}"
    "@media (max-width:40em){table{table-layout:auto}}"
    "th,td{text-align:left;padding:.3em .6em;"
    "border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}"
    "th{background:var(--soft)}a{color:#1f4fa3}"
    "h2.matched,h2.error{border-left-color:var(--red);background:var(--redbg);color:var(--red)}"
    "h2.cannot_tell{border-left-color:var(--amber);background:var(--amberbg);color:var(--amber)}"
    "h2.not_matched{border-left-color:var(--green);background:var(--greenbg);color:var(--green)}"
    ".none{color:var(--muted)}"
    "@media print{a{color:inherit}}";

/* A report's address relative to the index: its name, %-encoded where a
 * byte is not plain ASCII (file_name in batch.c keeps nothing else). */
static void href(kb_buf *h, const char *file, const char *ext)
{
    for (const unsigned char *p = (const unsigned char *)file; *p; p++) {
        if (*p >= 0x80 || *p == '%' || *p == '"' || *p == '<' || *p == '>' || *p == '&')
            kb_buf_printf(h, "%%%02X", *p);
        else
            kb_buf_putc(h, (char)*p);
    }
    kb_buf_puts(h, ext);
}

static void report_links(kb_buf *h, const kb_batch_bundle *b)
{
    static const char *const exts[] = {".html", ".txt", ".json"};
    static const char *const names[] = {"HTML", "text", "JSON"};
    for (size_t i = 0; i < 3; i++) {
        kb_buf_puts(h, i ? " · <a href=\"" : "<a href=\"");
        href(h, b->file, exts[i]);
        kb_buf_printf(h, "\">%s</a>", names[i]);
    }
}

static void html_row(kb_buf *h, const kb_batch_bundle *b, const kb_batch_line *l, kb_lang lang)
{
    kb_buf_puts(h, "<tr><td>");
    if (b->nlines) {
        kb_buf_puts(h, "<a href=\"");
        href(h, b->file, ".html");
        kb_buf_puts(h, "\">");
        kb_html_escape(h, b->name);
        kb_buf_puts(h, "</a>");
    } else {
        kb_html_escape(h, b->name);
    }
    kb_buf_puts(h, "</td><td>");
    if (l)
        kb_html_escape(h, l->computer ? l->computer : kb_msg_text(lang, KB_MSG_UNNAMED));
    else
        kb_html_escape(h, b->path);
    kb_buf_puts(h, "</td><td>");
    if (l) {
        kb_buf rules = KB_BUF_INIT;
        join(&rules, line_rules(l));
        kb_html_escape(h, rules.len ? kb_buf_str(&rules) : "–");
        kb_buf_free(&rules);
    } else {
        kb_html_escape(h, b->error ? b->error : "");
    }
    kb_buf_printf(h, "</td><td>%d</td><td>", l ? l->exit_status : b->status);
    if (b->nlines)
        report_links(h, b);
    kb_buf_puts(h, "</td></tr>\n");
}

static void html_table(kb_buf *h, const kb_batch *batch, size_t o, size_t n, kb_lang lang)
{
    int status = outcome_status[o];
    const char *outcome = kb_batch_outcome(status);
    kb_buf_printf(h, "<div class=\"outcome\" id=\"%s\">\n<h2 class=\"%s\">", outcome, outcome);
    kb_html_escape(h, outcome_label(status, lang));
    kb_buf_printf(h, " (%zu)</h2>\n", n);
    if (n == 0) {
        kb_buf_printf(h, "<p class=\"none\">%s</p>\n</div>\n", word(lang, IX_NONE));
        return;
    }
    int error = status == 2;
    kb_buf_printf(h, "<table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                     "<th>%s</th></tr></thead>\n<tbody>\n",
                  word(lang, IX_H_BUNDLE), word(lang, error ? IX_PATH : IX_H_COMPUTER),
                  error ? word(lang, IX_WHY) : word(lang, IX_RULES), word(lang, IX_EXIT),
                  word(lang, IX_REPORTS));
    for (size_t i = 0; i < batch->n; i++) {
        const kb_batch_bundle *b = &batch->items[i];
        if (error && b->status == 2)
            html_row(h, b, NULL, lang);
        for (size_t l = 0; !error && l < b->nlines; l++)
            if (b->lines[l].exit_status == status)
                html_row(h, b, &b->lines[l], lang);
    }
    kb_buf_puts(h, "</tbody>\n</table>\n</div>\n");
}

int kb_batch_write_html(FILE *out, const kb_batch *batch, int status, kb_lang lang,
                        const char *version)
{
    tally t = count(batch);
    kb_buf h = KB_BUF_INIT;
    kb_buf_printf(&h, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>%s: %zu %s</title>\n<style>%s</style>\n</head>\n<body>\n",
                  lang == KB_LANG_JA ? "ja" : "en", word(lang, IX_TITLE), t.bundles,
                  word(lang, IX_BUNDLES), html_style);
    kb_buf_printf(&h, "<h1>%s: %zu %s, %zu %s</h1>\n<p class=\"nav\">", word(lang, IX_TITLE), t.bundles,
                  word(lang, IX_BUNDLES), t.computers, word(lang, IX_COMPUTERS));
    for (size_t o = 0; o < NOUTCOMES; o++) {
        kb_buf_printf(&h, "<a href=\"#%s\">", kb_batch_outcome(outcome_status[o]));
        kb_html_escape(&h, outcome_label(outcome_status[o], lang));
        kb_buf_printf(&h, " %zu</a>", t.by_outcome[o]);
    }
    kb_buf_printf(&h, "</p>\n<p class=\"meta\">%s %d · kbscan %s</p>\n", word(lang, IX_EXIT),
                  status, version);
    for (size_t o = 0; o < NOUTCOMES; o++)
        html_table(&h, batch, o, t.by_outcome[o], lang);
    kb_buf_puts(&h, "</body>\n</html>\n");
    int rc = h.failed || fwrite(h.data, 1, h.len, out) != h.len ? -1 : 0;
    kb_buf_free(&h);
    return rc;
}
