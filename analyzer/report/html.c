/* html.c: the one-file HTML report a support engineer attaches to a
 * ticket: inline CSS, no script, a Content-Security-Policy that allows
 * nothing from outside the file, readable on a phone, printable. It formats
 * the report view (view.h), one section after another. Every string from
 * the bundle goes through kb_html_escape (escape.h). */
#include "report/escape.h"
#include "report/view.h"

#include <stdlib.h>
#include <string.h>

#define E(b, s) kb_html_escape((b), (s))

static const char css[] =
    ":root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#fff;--soft:#f5f7fa;"
    "--red:#b3261e;--redbg:#fdecea;--green:#1e7a3a;--greenbg:#e8f5ec;--amber:#8a5a00;"
    "--amberbg:#fff4d6;--mark:#fff1a8}"
    "*{box-sizing:border-box}"
    "body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI','Hiragino Sans','Noto Sans CJK JP',"
    "'Yu Gothic',sans-serif;color:var(--fg);background:var(--bg)}"
    "main{max-width:1040px;margin:0 auto;padding:16px}"
    "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .4em;border-bottom:1px solid var(--line)}"
    "h3{font-size:1.05em;margin:1.2em 0 .3em}"
    ".meta{color:var(--muted);margin:0 0 1em}.meta span{margin-right:1.2em;display:inline-block;max-width:100%}"
    "td,code,.src,.meta,.summary,li,summary,h2{overflow-wrap:anywhere}"
    "details{margin:.6em 0}summary{cursor:pointer}.msg{white-space:pre-wrap;margin:.2em 0 0;color:var(--fg)}"
    ".verdict{border:1px solid var(--line);border-left:8px solid var(--muted);border-radius:6px;"
    "padding:10px 14px;margin:10px 0;background:var(--soft)}"
    ".verdict.matched{border-left-color:var(--red);background:var(--redbg)}"
    ".verdict.not_matched{border-left-color:var(--green);background:var(--greenbg)}"
    ".verdict.cannot_tell{border-left-color:var(--amber);background:var(--amberbg)}"
    ".verdict.harmless,.verdict.explained{border-left-color:var(--muted);background:var(--soft)}"
    ".harmless .badge,.explained .badge{color:var(--muted)}"
    ".badge{display:inline-block;font-weight:700;font-size:.8em;letter-spacing:.04em;padding:1px 8px;"
    "border-radius:10px;border:1px solid currentColor;margin-right:6px;white-space:nowrap}"
    ".matched .badge,.badge.met{color:var(--red)}.not_matched .badge,.badge.not_met{color:var(--green)}"
    ".cannot_tell .badge,.badge.unknown{color:var(--amber)}.badge.context{color:var(--muted)}"
    ".cp{border-top:1px solid var(--line);padding:8px 0}"
    ".summary{margin:.2em 0}.why{color:var(--amber);margin:.2em 0}"
    ".ask{background:var(--amberbg);border:1px solid #e7c76b;border-radius:6px;padding:8px 12px;margin:6px 0}"
    "pre{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:8px;overflow-x:auto;"
    "white-space:pre-wrap;word-break:break-all;font:13px/1.45 ui-monospace,Menlo,Consolas,'Noto Sans Mono CJK JP',monospace;margin:.3em 0}"
    "pre .ln{color:var(--muted);user-select:none;display:inline-block;min-width:3.5em}"
    "pre mark{background:var(--mark);display:inline-block;width:100%}"
    "code{font:13px ui-monospace,Menlo,Consolas,monospace}"
    ".src{font-size:.85em;color:var(--muted);margin-top:.6em}"
    "table{border-collapse:collapse;width:100%;font-size:.9em;margin:.4em 0}"
    "th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}"
    "th{background:var(--soft)}td.num{text-align:right;white-space:nowrap}"
    ".scroll{overflow-x:auto}.errcode{color:var(--muted);font-size:.9em}"
    ".remedy{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:8px 0}"
    ".note{color:var(--amber)}.ctl,.bad{color:#fff;background:#8a1c7c;border-radius:3px;padding:0 2px;font-size:.85em}"
    ".st-ok{color:var(--green)}.st-damaged,.st-error{color:var(--red);font-weight:700}"
    ".st-not_recognised,.st-skipped{color:var(--muted)}"
    "svg{max-width:100%;height:auto}.legend{list-style:none;padding:0;margin:.2em 0 1em;font-size:.9em}"
    ".legend .key{display:inline-block;width:.8em;height:.8em;margin-right:.4em;vertical-align:-.05em;print-color-adjust:exact;-webkit-print-color-adjust:exact}"
    ".near{border:1px dashed var(--amber);border-radius:6px;padding:8px 12px;margin:8px 0}"
    "footer{color:var(--muted);font-size:.85em;margin:2em 0 1em}"
    "@media (max-width:640px){body{font-size:14px}main{padding:8px}.meta span{display:block}"
    "th,td{padding:2px 4px}}"
    "@media print{body{font-size:11pt}main{max-width:none}.verdict,.remedy,.cp{break-inside:avoid}"
    "pre{white-space:pre-wrap}a{color:inherit;text-decoration:none}}";

typedef struct html {
    kb_buf *b;
    const kb_report *r;
    const kb_view *v;
    kb_lang lang;
    char id[24];      /* several computers: the computer's ids' suffix ("-c2"); else "" */
} html;

static const char *msg(const html *h, kb_msg m) { return kb_msg_text(h->lang, m); }

static void put_time(html *h, int64_t t)
{
    char buf[40];
    kb_time_format(t, buf, sizeof buf);
    E(h->b, buf);
}

static void head(html *h)
{
    kb_buf_printf(h->b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                  h->lang == KB_LANG_JA ? "ja" : "en");
    kb_buf_puts(h->b, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
                      "<meta name=\"referrer\" content=\"no-referrer\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>kbscan: ");
    E(h->b, h->v->title);
    kb_buf_puts(h->b, "</title>\n<style>");
    kb_buf_puts(h->b, css);
    kb_buf_puts(h->b, "</style>\n</head>\n<body>\n<main>\n");
}

static void paths(html *h)
{
    const kb_report *r = h->r;
    kb_buf_puts(h->b, "<span>");
    for (size_t i = 0; i < r->npaths; i++) {
        if (i)
            kb_buf_puts(h->b, ", ");
        E(h->b, r->paths[i]);
    }
    kb_buf_puts(h->b, "</span>");
}

/* "SRV01, WIN-OLD" from a list of names, one a line. */
static void name_lines(html *h, const char *lines)
{
    for (const char *p = lines; p && *p;) {
        const char *nl = strchr(p, '\n');
        kb_html_escape_n(h->b, p, nl ? (size_t)(nl - p) : strlen(p));
        if (!nl)
            break;
        kb_buf_puts(h->b, ", ");
        p = nl + 1;
    }
}

/* The computer's summary; of the one computer of a bundle, it also names
 * the paths given; of one among several, it opens its section. */
static void summary(html *h, const kb_view_computer *c)
{
    if (h->v->several) {
        kb_buf_printf(h->b, "<h2 id=\"computer-%zu\">%s %zu %s %zu: ", c->number, msg(h, KB_MSG_COMPUTER),
                      c->number, msg(h, KB_MSG_OF), h->v->ncomputers);
        E(h->b, c->name ? c->name : msg(h, KB_MSG_UNNAMED));
        kb_buf_puts(h->b, "</h2>\n<p class=\"meta\">");
    } else {
        kb_buf_puts(h->b, "<header>\n<h1>kbscan</h1>\n<p class=\"meta\">");
        kb_buf_printf(h->b, "<span>%s: <b>", msg(h, KB_MSG_COMPUTER));
        E(h->b, c->name ? c->name : "-");
        kb_buf_puts(h->b, "</b></span>");
    }
    if (c->also_named) {
        kb_buf_printf(h->b, "<span>%s: ", msg(h, KB_MSG_ALSO_NAMED));
        name_lines(h, c->also_named);
        kb_buf_puts(h->b, "</span>");
    }
    if (c->os) {
        kb_buf_printf(h->b, "<span>%s: ", msg(h, KB_MSG_OS));
        E(h->b, c->os);
        if (c->virtualization) {
            kb_buf_puts(h->b, " (");
            E(h->b, c->virtualization);
            kb_buf_puts(h->b, ")");
        }
        kb_buf_puts(h->b, "</span>");
    }
    if (c->first_time != KB_TIME_NONE) {
        kb_buf_printf(h->b, "<span>%s: ", msg(h, KB_MSG_EVENTS));
        put_time(h, c->first_time);
        kb_buf_puts(h->b, " .. ");
        put_time(h, c->last_time);
        kb_buf_puts(h->b, " UTC</span>");
    }
    if (h->v->several) {
        kb_buf_puts(h->b, "</p>\n");
        return;
    }
    paths(h);
    kb_buf_puts(h->b, "</p>\n</header>\n");
}

/* Several computers: the header, and each computer's outcome, linked to
 * its section. */
static void computers(html *h)
{
    const kb_view *v = h->v;
    kb_buf_puts(h->b, "<header>\n<h1>kbscan</h1>\n<p class=\"meta\">");
    paths(h);
    kb_buf_printf(h->b, "</p>\n</header>\n<section id=\"computers\">\n<h2>%s: %zu</h2>\n<ul>\n",
                  msg(h, KB_MSG_COMPUTERS), v->ncomputers);
    for (size_t k = 0; k < v->ncomputers; k++) {
        const kb_view_computer *c = &v->computers[k];
        kb_buf_printf(h->b, "<li><span class=\"badge %s\">%s</span><a href=\"#computer-%zu\">",
                      c->exit_status == 1 ? "met" : c->exit_status == 3 ? "unknown" : "not_met",
                      msg(h, c->outcome), c->number);
        E(h->b, c->name ? c->name : msg(h, KB_MSG_UNNAMED));
        kb_buf_puts(h->b, "</a></li>\n");
    }
    kb_buf_puts(h->b, "</ul>\n");
    if (v->nunassigned)
        kb_buf_printf(h->b, "<p class=\"note\"><a href=\"#unassigned\">%s: %zu</a></p>\n",
                      msg(h, KB_MSG_UNASSIGNED), v->nunassigned);
    kb_buf_puts(h->b, "</section>\n");
}

/* The inputs whose computer cannot be told, and the folder that says so. */
static void unassigned(html *h)
{
    const kb_view *v = h->v;
    kb_buf_printf(h->b, "<section id=\"unassigned\">\n<h2>%s</h2>\n<ul>\n", msg(h, KB_MSG_UNASSIGNED));
    for (size_t u = 0; u < v->nunassigned; u++) {
        const kb_view_unassigned *row = &v->unassigned[u];
        kb_buf_puts(h->b, "<li><code>");
        E(h->b, row->input->path);
        kb_buf_puts(h->b, "</code>: <code>");
        E(h->b, *row->folder ? row->folder : ".");
        kb_buf_printf(h->b, "</code> %s (", msg(h, KB_MSG_SEVERAL_COMPUTERS));
        for (size_t k = 0; k < row->ncomputers; k++) {
            kb_buf_puts(h->b, k ? ", " : "");
            E(h->b, row->computers[k] ? row->computers[k] : msg(h, KB_MSG_UNNAMED));
        }
        kb_buf_printf(h->b, " %s); %s</li>\n", msg(h, KB_MSG_AMONG_THEM), msg(h, KB_MSG_UNASSIGNED_WHY));
    }
    kb_buf_puts(h->b, "</ul>\n</section>\n");
}

/* ": could not be read on this machine: Permission denied". */
static void unreadable_why(html *h, const kb_input *in)
{
    kb_buf_printf(h->b, ": %s: ", msg(h, KB_MSG_READ_HERE));
    E(h->b, in->local_error);
}

/* A reference: its title, a link when its address is a web one (no
 * other scheme is followed from a report). */
static void link(html *h, const char *url, const char *title)
{
    int web = url && (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0);
    if (web) {
        kb_buf_puts(h->b, "<a rel=\"noreferrer\" href=\"");
        E(h->b, url);
        kb_buf_puts(h->b, "\">");
    }
    E(h->b, title ? title : url);
    if (web)
        kb_buf_puts(h->b, "</a>");
    else if (url) {
        kb_buf_puts(h->b, " &lt;");
        E(h->b, url);
        kb_buf_puts(h->b, "&gt;");
    }
}

/* " [error]" after a match's badge, and the rules that explain it. */
static void severity_and_explained(html *h, const kb_view_rule *vr)
{
    const kb_rule_result *res = vr->result;
    if (vr->severity_shown)
        kb_buf_printf(h->b, "<span class=\"errcode\">[%s]</span> ", kb_severity_name(res->severity));
    for (size_t i = 0; i < res->nexplained_by; i++) {
        kb_buf_puts(h->b, i ? ", " : "<span class=\"errcode\">");
        if (!i)
            kb_buf_printf(h->b, "%s ", msg(h, KB_MSG_EXPLAINED_BY));
        E(h->b, res->explained_by[i]->id);
        if (i + 1 == res->nexplained_by)
            kb_buf_puts(h->b, "</span> ");
    }
}

static const char *card_class(const kb_view_rule *vr)
{
    return vr->harmless ? "harmless" : vr->result->nexplained_by ? "explained" : kb_verdict_name(vr->result->verdict);
}

/* What to collect for a rule that cannot tell, and the files to make
 * readable here. */
static void collect_box(html *h, const kb_view_rule *vr)
{
    kb_buf_printf(h->b, "<div class=\"ask\"><b>%s:</b><ul>", msg(h, KB_MSG_NEXT_STEPS));
    for (size_t k = 0; k < vr->ncollect; k++) {
        const kb_checkpoint *cp = vr->collect[k];
        kb_buf_puts(h->b, "<li><b>");
        E(h->b, cp->collect.file ? cp->collect.file : cp->feed);
        kb_buf_puts(h->b, "</b>");
        if (cp->collect.command) {
            kb_buf_puts(h->b, ": <code>");
            E(h->b, cp->collect.command);
            kb_buf_puts(h->b, "</code>");
        }
        kb_buf_puts(h->b, "</li>");
    }
    for (size_t k = 0; k < vr->nunreadable; k++) {
        kb_buf_puts(h->b, "<li><code>");
        E(h->b, vr->unreadable[k]->path);
        kb_buf_puts(h->b, "</code>");
        unreadable_why(h, vr->unreadable[k]);
        kb_buf_printf(h->b, "; %s</li>", msg(h, KB_MSG_READ_AGAIN));
    }
    kb_buf_puts(h->b, "</ul></div>\n");
}

/* One card of the answer: the outcome, the rule's headline linked to its
 * evidence, the one-sentence reason and the first thing to do. */
static void answer_card(html *h, const kb_view_answer *a)
{
    const kb_view_rule *vr = a->rule;
    const kb_rule_result *res = vr->result;
    kb_buf_printf(h->b, "<section class=\"verdict %s\" id=\"verdict-%zu\">\n<p><span class=\"badge\">%s</span>",
                  card_class(vr), vr->index, msg(h, vr->verdict));
    severity_and_explained(h, vr);
    kb_buf_printf(h->b, "<a href=\"#rule-%zu\"><b>", vr->index);
    E(h->b, kb_i18n_get(&res->rule->title, h->lang));
    kb_buf_puts(h->b, "</b></a></p>\n");
    if (a->reason) {
        kb_buf_puts(h->b, "<p class=\"summary\">");
        E(h->b, a->reason);
        if (a->reason_why)
            kb_buf_printf(h->b, ": <span class=\"why\">%s</span>", msg(h, a->why_msg));
        kb_buf_puts(h->b, "</p>\n");
    }
    if (a->todo && a->todo_kind == KB_MSG_REMEDIES) {
        kb_buf_printf(h->b, "<p class=\"summary\"><b>%s:</b> ", msg(h, KB_MSG_DO_FIRST));
        E(h->b, a->todo);
        if (a->todo_command) {
            kb_buf_puts(h->b, " <code>");
            E(h->b, a->todo_command);
            kb_buf_puts(h->b, "</code>");
        }
        kb_buf_puts(h->b, "</p>\n");
    }
    if (vr->collect_shown)
        collect_box(h, vr);
    kb_buf_puts(h->b, "</section>\n");
}

/* A computer's answer first: a card per match, cannot tell and known
 * harmless finding; the rules not matched counted, named when unfolded. */
static void answer(html *h, const kb_view_computer *c)
{
    kb_buf_printf(h->b, "<section id=\"answer%s\">\n<h2>%s</h2>\n", h->id, msg(h, KB_MSG_ANSWER));
    int issue = 0;
    for (size_t i = 0; i < c->nanswers; i++)
        issue |= c->answers[i].rule->verdict != KB_MSG_HARMLESS;
    if (!issue)
        kb_buf_printf(h->b, "<section class=\"verdict not_matched\"><p><span class=\"badge\">%s</span><b>%s</b></p></section>\n",
                      msg(h, KB_MSG_NOT_MATCHED), msg(h, KB_MSG_NO_ISSUE));
    for (size_t i = 0; i < c->nanswers; i++)
        answer_card(h, &c->answers[i]);
    if (c->nnot_matched_all) {
        kb_buf_printf(h->b, "<details class=\"not_matched\"><summary><span class=\"badge\">%s</span>",
                      msg(h, KB_MSG_NOT_MATCHED));
        kb_msg_count(h->lang, KB_NOUN_RULE, c->nnot_matched_all, h->b);
        kb_buf_puts(h->b, "</summary><ul>");
        for (size_t i = 0; i < c->nrules; i++)
            if (c->rules[i].verdict == KB_MSG_NOT_MATCHED) {
                kb_buf_printf(h->b, "<li><a href=\"#rule-%zu\"><code>", c->rules[i].index);
                E(h->b, c->rules[i].result->rule->id);
                kb_buf_puts(h->b, "</code></a> ");
                E(h->b, kb_i18n_get(&c->rules[i].result->rule->title, h->lang));
                kb_buf_puts(h->b, "</li>");
            }
        kb_buf_puts(h->b, "</ul></details>\n");
    }
    kb_buf_puts(h->b, "</section>\n");
}

/* Numbered lines of saved output around the evidence; its lines marked. */
static void text_evidence(html *h, const kb_fact *f)
{
    kb_buf_puts(h->b, "<pre>");
    uint32_t n = f->line;
    if (f->before) {
        uint32_t lines = 1;
        for (const char *p = f->before; *p; p++)
            lines += *p == '\n';
        n = f->line > lines ? f->line - lines : 1;
    }
    const char *parts[3] = {f->before, f->text, f->after};
    for (int part = 0; part < 3; part++) {
        const char *p = parts[part];
        if (!p)
            continue;
        for (;;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            if (part == 1)
                kb_buf_puts(h->b, "<mark>");
            kb_buf_printf(h->b, "<span class=\"ln\">%u</span>", n++);
            kb_html_escape_n(h->b, p, len);
            kb_buf_puts(h->b, part == 1 ? "</mark>\n" : "\n");
            if (!nl)
                break;
            p = nl + 1;
        }
    }
    kb_buf_puts(h->b, "</pre>\n");
}

static void evidence_source(html *h, const kb_view_evidence *row)
{
    const kb_fact *f = row->fact;
    kb_buf_puts(h->b, "<div class=\"src\">");
    E(h->b, row->path);
    if (f->line)
        kb_buf_printf(h->b, f->line_end > f->line ? ", lines %u-%u" : ", line %u", f->line, f->line_end);
    kb_buf_puts(h->b, "</div>\n");
}

/* Events in a table: time, record, the rule's shown fields. */
static void event_table(html *h, const kb_checkpoint *cp, const kb_view_rows *rows)
{
    kb_buf_puts(h->b, "<div class=\"scroll\"><table><tr><th>time (UTC)</th><th>record</th><th>file</th>");
    for (size_t s = 0; s < cp->nshow; s++) {
        kb_buf_puts(h->b, "<th>");
        E(h->b, cp->show[s]);
        kb_buf_puts(h->b, "</th>");
    }
    kb_buf_puts(h->b, "</tr>\n");
    for (size_t i = 0; i < rows->n; i++) {
        const kb_view_evidence *row = &rows->items[i];
        const kb_fact *f = row->fact;
        if (!row->event)
            continue;
        kb_buf_puts(h->b, "<tr><td class=\"num\">");
        put_time(h, f->time);
        kb_buf_printf(h->b, "</td><td class=\"num\">%llu%s</td><td>", (unsigned long long)f->record,
                      f->recovered ? " *" : "");
        E(h->b, row->path);
        kb_buf_puts(h->b, "</td>");
        for (size_t s = 0; s < row->nvalues; s++) {
            const kb_view_value *val = &row->values[s];
            kb_buf_puts(h->b, "<td>");
            E(h->b, val->value);
            if (val->annotation) {
                kb_buf_puts(h->b, " <span class=\"errcode\">");
                E(h->b, val->annotation);
                kb_buf_puts(h->b, "</span>");
            }
            kb_buf_puts(h->b, "</td>");
        }
        kb_buf_puts(h->b, "</tr>\n");
        if (row->message && *row->message) {
            /* the message as Event Viewer shows it, under its event */
            kb_buf_printf(h->b, "<tr><td colspan=\"%zu\"><p class=\"msg\">", 3 + cp->nshow);
            E(h->b, row->message);
            kb_buf_puts(h->b, "</p></td></tr>\n");
        }
    }
    kb_buf_puts(h->b, "</table></div>\n");
}

/* What the rule says of each piece of evidence, and which are explained
 * by another rule. */
static void evidence_says(html *h, const kb_view_rows *rows)
{
    int open = 0;
    for (size_t i = 0; i < rows->n; i++) {
        const kb_evidence *ev = rows->items[i].evidence;
        if (!ev->say && !ev->explained_by)
            continue;
        kb_buf_puts(h->b, open ? "<li>" : "<ul><li>");
        open = 1;
        if (ev->say)
            E(h->b, ev->say);
        if (ev->explained_by) {
            kb_buf_printf(h->b, " <span class=\"errcode\">(%s ", msg(h, KB_MSG_EXPLAINED_BY));
            E(h->b, ev->explained_by->id);
            kb_buf_puts(h->b, ")</span>");
        }
        kb_buf_puts(h->b, "</li>\n");
    }
    if (open)
        kb_buf_puts(h->b, "</ul>\n");
}

/* Text evidence where it stands, then the events in one table. */
static void evidence(html *h, const kb_checkpoint *cp, const kb_view_rows *rows, int event_span,
                     const kb_cp_result *res)
{
    for (size_t i = 0; i < rows->n; i++) {
        const kb_view_evidence *row = &rows->items[i];
        if (row->event)
            continue;
        evidence_source(h, row);
        if (row->fact->text)
            text_evidence(h, row->fact);
    }
    if (rows->nevents) {
        if (event_span) {
            kb_buf_printf(h->b, "<p>%zu &middot; ", res->count);
            put_time(h, res->first_time);
            kb_buf_puts(h->b, " .. ");
            put_time(h, res->last_time);
            kb_buf_puts(h->b, " UTC</p>\n");
        }
        event_table(h, cp, rows);
    }
    evidence_says(h, rows);
    if (rows->more)
        kb_buf_printf(h->b, "<p class=\"src\">+%zu %s</p>\n", rows->more, msg(h, KB_MSG_MORE_EVIDENCE));
}

static void checkpoint(html *h, const kb_view_checkpoint *vc)
{
    const kb_checkpoint *cp = vc->cp;
    kb_buf_printf(h->b, "<div class=\"cp\" id=\"cp-");
    E(h->b, cp->id);
    kb_buf_printf(h->b, "%s\"><p><span class=\"badge %s\">%s</span><b>", h->id, vc->state_class, msg(h, vc->state));
    E(h->b, vc->title);
    kb_buf_puts(h->b, "</b></p>\n");
    if (vc->summary) {
        kb_buf_puts(h->b, "<p class=\"summary\">");
        E(h->b, vc->summary);
        kb_buf_puts(h->b, "</p>\n");
    }
    if (vc->why) {
        kb_buf_printf(h->b, "<p class=\"why\">%s", msg(h, vc->why_msg));
        for (size_t i = 0; i < vc->ndamaged; i++) {
            kb_buf_puts(h->b, "<br><code>");
            E(h->b, vc->damaged[i]->path);
            kb_buf_puts(h->b, "</code>");
            if (vc->unreadable)
                unreadable_why(h, vc->damaged[i]);
        }
        kb_buf_puts(h->b, "</p>\n");
    }
    if (vc->ask) {
        kb_buf_printf(h->b, "<div class=\"ask\">%s: <b>", msg(h, KB_MSG_COLLECT));
        E(h->b, cp->collect.file);
        kb_buf_printf(h->b, "</b><br>%s: <code>", msg(h, KB_MSG_RUN));
        E(h->b, cp->collect.command);
        kb_buf_puts(h->b, "</code>");
        const char *why = kb_i18n_get(&cp->collect.why, h->lang);
        if (*why) {
            kb_buf_puts(h->b, "<br>");
            E(h->b, why);
        }
        kb_buf_puts(h->b, "</div>\n");
    }
    evidence(h, cp, &vc->rows, vc->event_span, vc->result);
    kb_buf_puts(h->b, "</div>\n");
}

/* Checkpoint ids, as code, comma-separated. */
static void near_ids(html *h, const kb_view_ids *ids)
{
    for (size_t i = 0; i < ids->n; i++) {
        kb_buf_printf(h->b, "%s<code>", i ? ", " : "");
        E(h->b, ids->ids[i]);
        kb_buf_puts(h->b, "</code>");
    }
}

/* A near miss: the deciding checkpoints met and not met, and the closest
 * facts of each one not met. */
static void near_miss(html *h, const kb_view_rule *vr)
{
    if (!vr->near_miss && !vr->close_facts)
        return;
    if (vr->near_miss) {
        kb_buf_printf(h->b, "<div class=\"near\"><p><span class=\"badge unknown\">%s</span>%s: ",
                      msg(h, KB_MSG_NEAR_MISS), msg(h, KB_MSG_MET));
        near_ids(h, &vr->near_ids[KB_CP_MET]);
        kb_buf_printf(h->b, "; %s: ", msg(h, KB_MSG_NOT_MET));
        near_ids(h, &vr->near_ids[KB_CP_NOT_MET]);
    } else {
        kb_buf_printf(h->b, "<div class=\"near\"><p><span class=\"badge unknown\">%s</span>",
                      msg(h, KB_MSG_CLOSE_FACTS));
    }
    kb_buf_puts(h->b, "</p>\n");
    for (size_t i = 0; i < vr->ncheckpoints; i++) {
        const kb_view_checkpoint *vc = &vr->checkpoints[i];
        if (!vc->near)
            continue;
        kb_buf_puts(h->b, "<p class=\"summary\"><code>");
        E(h->b, vc->cp->id);
        kb_buf_puts(h->b, "</code>: ");
        if (vc->near_say)
            E(h->b, vc->near_say);
        else
            kb_buf_printf(h->b, "%zu %s", vc->near->count, msg(h, KB_MSG_NEAR_DEFAULT));
        kb_buf_puts(h->b, "</p>\n");
        evidence(h, vc->cp, &vc->near_rows, 0, vc->near);
    }
    kb_buf_puts(h->b, "</div>\n");
}

static void command_block(html *h, const kb_strlist *commands)
{
    if (!commands->n)
        return;
    kb_buf_puts(h->b, "<pre><code>");
    for (size_t i = 0; i < commands->n; i++) {
        E(h->b, commands->items[i]);
        kb_buf_putc(h->b, '\n');
    }
    kb_buf_puts(h->b, "</code></pre>\n");
}

static void remedies(html *h, const kb_rule_result *res)
{
    if (!res->nremedies)
        return;
    kb_buf_printf(h->b, "<h3>%s</h3>\n", msg(h, KB_MSG_REMEDIES));
    for (size_t i = 0; i < res->nremedies; i++) {
        const kb_remedy_result *rem = &res->remedies[i];
        kb_buf_puts(h->b, "<div class=\"remedy\"><p><b>");
        E(h->b, kb_i18n_get(&rem->remedy->title, h->lang));
        kb_buf_printf(h->b, "</b> <span class=\"src\">(%s)</span></p>\n",
                      msg(h, rem->remedy->lasting ? KB_MSG_LASTING : KB_MSG_TEMPORARY));
        if (rem->text) {
            kb_buf_puts(h->b, "<p>");
            E(h->b, rem->text);
            kb_buf_puts(h->b, "</p>\n");
        }
        command_block(h, &rem->commands);
        for (size_t n = 0; n < rem->notes.n; n++) {
            kb_buf_puts(h->b, "<p class=\"note\">&#9888; ");
            E(h->b, rem->notes.items[n]);
            kb_buf_puts(h->b, "</p>\n");
        }
        if (rem->verify_text || rem->verify_commands.n) {
            kb_buf_printf(h->b, "<p><b>%s:</b> ", msg(h, KB_MSG_VERIFY));
            E(h->b, rem->verify_text);
            kb_buf_puts(h->b, "</p>\n");
            command_block(h, &rem->verify_commands);
        }
        kb_buf_puts(h->b, "</div>\n");
    }
}

/* ---- timeline --------------------------------------------------------------- */

#define TL_W 720
#define TL_H 160
#define TL_LEFT 40
#define TL_BOTTOM 24

static const char *const series_colors[] = {"#b3261e", "#d9822b", "#2b6cb0", "#6b46c1"};

static void timeline_range(const kb_view_computer *c, const kb_rule_result *res, int64_t *lo, int64_t *hi)
{
    *lo = c->first_time;
    *hi = c->last_time;
    for (size_t c = 0; c < res->rule->ncheckpoints; c++) {
        const kb_cp_result *cp = &res->checkpoints[c];
        for (size_t i = 0; i < cp->ntimes; i++) {
            if (*lo == KB_TIME_NONE || cp->times[i] < *lo)
                *lo = cp->times[i];
            if (*hi == KB_TIME_NONE || cp->times[i] > *hi)
                *hi = cp->times[i];
        }
    }
}

static void timeline(html *h, const kb_view_computer *c, const kb_rule_result *res)
{
    size_t nseries = 0;
    for (size_t c = 0; c < res->rule->ncheckpoints; c++)
        nseries += res->checkpoints[c].ntimes > 0;
    if (!nseries)
        return;
    int64_t lo, hi;
    timeline_range(c, res, &lo, &hi);
    const int64_t hour = 3600000000LL, day = 24 * hour;
    int64_t bin = hi - lo <= 3 * day ? hour : hi - lo <= 120 * day ? day : 7 * day;
    lo -= lo % bin;
    size_t nbins = (size_t)((hi - lo) / bin) + 1;
    if (nbins > 400)
        nbins = 400;
    size_t *counts = calloc(nbins * nseries, sizeof *counts);
    if (!counts)
        return;
    size_t series = 0, max = 1;
    for (size_t c = 0; c < res->rule->ncheckpoints; c++) {
        const kb_cp_result *cp = &res->checkpoints[c];
        if (!cp->ntimes)
            continue;
        for (size_t i = 0; i < cp->ntimes; i++) {
            size_t b = (size_t)((cp->times[i] - lo) / bin);
            if (b < nbins && ++counts[series * nbins + b] > max)
                max = counts[series * nbins + b];
        }
        series++;
    }
    kb_buf_printf(h->b, "<h3>%s (%s)</h3>\n", msg(h, KB_MSG_TIMELINE),
                  msg(h, bin == hour ? KB_MSG_PER_HOUR : bin == day ? KB_MSG_PER_DAY : KB_MSG_PER_WEEK));
    kb_buf_printf(h->b, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
                        "xmlns=\"http://www.w3.org/2000/svg\">\n",
                  TL_W, TL_H, TL_W, TL_H);
    double plot_w = TL_W - TL_LEFT - 10, plot_h = TL_H - TL_BOTTOM - 10;
    double bw = plot_w / (double)nbins;
    kb_buf_printf(h->b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\"/>\n", TL_LEFT,
                  10 + plot_h, TL_W - 10, 10 + plot_h);
    kb_buf_printf(h->b, "<text x=\"%d\" y=\"18\" font-size=\"11\" text-anchor=\"end\">%zu</text>\n",
                  TL_LEFT - 4, max);
    series = 0;
    for (size_t c = 0; c < res->rule->ncheckpoints; c++) {
        const kb_cp_result *cp = &res->checkpoints[c];
        if (!cp->ntimes)
            continue;
        const char *color = series_colors[series % 4];
        for (size_t b = 0; b < nbins; b++) {
            size_t n = counts[series * nbins + b];
            if (!n)
                continue;
            double hgt = plot_h * (double)n / (double)max;
            double x = TL_LEFT + bw * (double)b + bw * (double)series / (double)nseries;
            kb_buf_printf(h->b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                                "<title>%zu</title></rect>\n",
                          x, 10 + plot_h - hgt, bw / (double)nseries > 1 ? bw / (double)nseries - 0.5 : 1.0,
                          hgt, color, n);
        }
        series++;
    }
    char a[40], z[40];
    kb_time_format(lo, a, sizeof a);
    kb_time_format(lo + (int64_t)nbins * bin, z, sizeof z);
    kb_buf_printf(h->b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">%.10s</text>"
                        "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.10s</text>\n",
                  TL_LEFT, 10 + plot_h + 14, a, TL_W - 10, 10 + plot_h + 14, z);
    kb_buf_puts(h->b, "</svg>\n<ul class=\"legend\">\n");
    /* The legend is HTML, so long titles wrap on a narrow screen. */
    series = 0;
    for (size_t c = 0; c < res->rule->ncheckpoints; c++) {
        const kb_cp_result *cp = &res->checkpoints[c];
        if (!cp->ntimes)
            continue;
        kb_buf_printf(h->b, "<li><span class=\"key\" style=\"background:%s\"></span>",
                      series_colors[series++ % 4]);
        E(h->b, kb_i18n_get(&cp->cp->title, h->lang));
        kb_buf_printf(h->b, " (%zu)</li>\n", cp->count);
    }
    kb_buf_puts(h->b, "</ul>\n");
    free(counts);
}

static void rule_detail(html *h, const kb_view_computer *c, const kb_view_rule *vr)
{
    const kb_rule_result *res = vr->result;
    kb_buf_printf(h->b, "<section id=\"rule-%zu\">\n<h2><span class=\"badge %s\">%s</span>", vr->index,
                  vr->harmless || res->nexplained_by ? "context"
                  : res->verdict == KB_VERDICT_MATCHED ? "met"
                  : res->verdict == KB_VERDICT_NOT_MATCHED ? "not_met" : "unknown",
                  msg(h, vr->verdict));
    severity_and_explained(h, vr);
    E(h->b, res->rule->id);
    kb_buf_puts(h->b, "</h2>\n");
    for (size_t i = 0; i < vr->ncheckpoints; i++)
        checkpoint(h, &vr->checkpoints[i]);
    near_miss(h, vr);
    if (!res->nexplained_by) /* the explaining rule's remedies apply */
        remedies(h, res);
    if (vr->timeline)
        timeline(h, c, res);
    if (res->rule->nreferences) {
        kb_buf_puts(h->b, "<p class=\"src\">");
        for (size_t i = 0; i < res->rule->nreferences; i++) {
            const kb_reference *ref = &res->rule->references[i];
            if (ref->kb) {
                E(h->b, ref->kb);
                kb_buf_puts(h->b, " ");
            }
            link(h, ref->url, ref->title);
            kb_buf_puts(h->b, "<br>");
        }
        kb_buf_puts(h->b, "</p>\n");
    }
    kb_buf_puts(h->b, "</section>\n");
}

/* Known harmless findings: what, how many, why harmless, the reference. */
static void harmless(html *h, const kb_view_computer *c)
{
    kb_buf_printf(h->b, "<section class=\"verdict harmless\" id=\"harmless\">\n<h3>%s</h3>\n<ul>\n",
                  msg(h, KB_MSG_KNOWN_HARMLESS));
    for (size_t i = 0; i < c->nharmless; i++) {
        const kb_view_rule *vr = c->harmless[i];
        const kb_rule *rule = vr->result->rule;
        kb_buf_printf(h->b, "<li><a href=\"#rule-%zu\"><b>", vr->index);
        E(h->b, kb_i18n_get(&rule->title, h->lang));
        kb_buf_puts(h->b, "</b></a><br>");
        E(h->b, kb_i18n_get(&rule->summary, h->lang));
        for (size_t k = 0; k < rule->nreferences; k++) {
            kb_buf_puts(h->b, "<br><span class=\"src\">");
            if (rule->references[k].kb) {
                E(h->b, rule->references[k].kb);
                kb_buf_puts(h->b, " ");
            }
            link(h, rule->references[k].url, rule->references[k].title);
            kb_buf_puts(h->b, "</span>");
        }
        kb_buf_puts(h->b, "</li>\n");
    }
    kb_buf_puts(h->b, "</ul>\n</section>\n");
}

/* The evidence of the rules in the answer, in its order, then the others. */
static void rules(html *h, const kb_view_computer *c)
{
    for (size_t i = 0; i < c->nanswers; i++)
        rule_detail(h, c, c->answers[i].rule);
    /* The others (not matched, or cannot tell without a symptom) folded:
     * shown on request, without script. */
    size_t others = c->nrules - c->nanswers;
    if (!others)
        return;
    kb_buf_printf(h->b, "<details id=\"other-rules%s\"><summary><b>%s</b> ", h->id, msg(h, KB_MSG_OTHER_RULES));
    kb_msg_count(h->lang, KB_NOUN_RULE, others, h->b);
    kb_buf_puts(h->b, "</summary>\n");
    for (size_t i = 0; i < c->nrules; i++)
        if (!c->rules[i].in_answer)
            rule_detail(h, c, &c->rules[i]);
    kb_buf_puts(h->b, "</details>\n");
}

/* "46 (2 used, 0 failed, 0 recovered)": the counts the input's source
 * shows here (input.h), the first bare; else a text's lines. */
static void counts_cell(html *h, const kb_input *in)
{
    size_t shown[KB_MAX_COUNTS];
    size_t n = kb_input_shown_counts(in, KB_COUNTS_HTML, shown);
    for (size_t k = 0; k < n; k++) {
        unsigned long long v = (unsigned long long)in->counts[shown[k]];
        if (k == 0)
            kb_buf_printf(h->b, "%llu", v);
        else
            kb_buf_printf(h->b, "%s%llu %s", k == 1 ? " (" : ", ", v, in->count_decls[shown[k]].word);
    }
    if (n > 1)
        kb_buf_puts(h->b, ")");
    if (!n && in->encoding)
        kb_buf_printf(h->b, "%llu lines", (unsigned long long)in->lines);
}

/* Several computers: whose the input is. */
static void input_computers(html *h, const kb_view_input *row)
{
    kb_buf_puts(h->b, "<td>");
    if (!row->ncomputers)
        kb_buf_puts(h->b, msg(h, KB_MSG_NO_COMPUTER));
    for (size_t k = 0; k < row->ncomputers; k++) {
        kb_buf_printf(h->b, "%s<a href=\"#computer-%zu\">", k ? ", " : "", row->computers[k]->number);
        E(h->b, row->computers[k]->name ? row->computers[k]->name : msg(h, KB_MSG_UNNAMED));
        kb_buf_puts(h->b, "</a>");
    }
    kb_buf_puts(h->b, "</td>");
}

static void inputs_table(html *h)
{
    kb_buf_printf(h->b, "<section id=\"inputs\">\n<details><summary><b>%s</b> (%zu)</summary>\n<div class=\"scroll\"><table>\n"
                        "<tr><th>file</th>%s<th>kind</th><th>status</th><th>encoding</th><th>records / lines</th>"
                        "<th>time range (UTC)</th><th>notes</th></tr>\n", msg(h, KB_MSG_INPUTS), h->v->ninputs,
                  h->v->several ? "<th>computer</th>" : "");
    for (size_t i = 0; i < h->v->ninputs; i++) {
        const kb_view_input *row = &h->v->inputs[i];
        const kb_input *in = row->input;
        kb_buf_puts(h->b, "<tr><td>");
        E(h->b, in->path);
        kb_buf_puts(h->b, "</td>");
        if (h->v->several)
            input_computers(h, row);
        kb_buf_puts(h->b, "<td>");
        E(h->b, in->kind ? kb_view_kind(in) : msg(h, KB_MSG_NOT_RECOGNISED));
        if (in->channel) {
            kb_buf_puts(h->b, " (");
            E(h->b, in->channel);
            kb_buf_puts(h->b, ")");
        }
        kb_buf_printf(h->b, "</td><td class=\"st-%s\">%s</td><td>", kb_input_state_name(in->state),
                      in->state == KB_INPUT_UNRECOGNISED ? msg(h, KB_MSG_NOT_RECOGNISED)
                                                         : kb_input_state_name(in->state));
        E(h->b, in->encoding ? in->encoding : "");
        if (in->locale) {
            kb_buf_puts(h->b, ", ");
            E(h->b, in->locale);
        }
        kb_buf_puts(h->b, "</td><td class=\"num\">");
        counts_cell(h, in);
        kb_buf_puts(h->b, "</td><td>");
        if (in->first_time != KB_TIME_NONE) {
            put_time(h, in->first_time);
            kb_buf_puts(h->b, " .. ");
            put_time(h, in->last_time);
        }
        kb_buf_puts(h->b, "</td><td>");
        E(h->b, in->message);
        for (size_t n = 0; n < row->nnotes; n++) {
            kb_buf_puts(h->b, "<br>");
            if (in->notes[n].where) {
                E(h->b, in->notes[n].where);
                kb_buf_puts(h->b, ": ");
            }
            E(h->b, in->notes[n].message);
        }
        if (row->hidden)
            kb_buf_printf(h->b, "<br>(+%zu)", row->hidden);
        kb_buf_puts(h->b, "</td></tr>\n");
    }
    kb_buf_puts(h->b, "</table></div>\n</details>\n</section>\n");
}

/* The run: kbscan's version, the rules, when and how long. */
static void footer(html *h)
{
    const kb_report *r = h->r;
    kb_buf_printf(h->b, "<footer>kbscan %s &middot; ", r->version);
    for (size_t i = 0; i < r->rules->n; i++) {
        E(h->b, r->rules->rules[i].id);
        kb_buf_printf(h->b, " v%d &middot; ", r->rules->rules[i].version);
    }
    put_time(h, r->started);
    kb_buf_printf(h->b, " &middot; %lld ms</footer>\n", (long long)(r->duration_us / 1000));
}

/* ---- coverage (coverage.h) ---- */

static void coverage_row(html *h, const kb_view_cov_row *row)
{
    const kb_input *in = row->input;
    kb_buf_puts(h->b, "<tr><td>");
    E(h->b, in->path);
    kb_buf_puts(h->b, "</td><td>");
    E(h->b, row->log && row->channel ? row->channel : kb_view_kind(in));
    kb_buf_puts(h->b, "</td><td class=\"num\">");
    if (row->first_time != KB_TIME_NONE)
        put_time(h, row->first_time);
    kb_buf_puts(h->b, "</td><td class=\"num\">");
    if (row->last_time != KB_TIME_NONE)
        put_time(h, row->last_time);
    kb_buf_puts(h->b, "</td><td class=\"num\">");
    if (row->has_records)
        kb_buf_printf(h->b, "%llu (%llu..%llu)", (unsigned long long)row->records,
                      (unsigned long long)row->first_record, (unsigned long long)row->last_record);
    kb_buf_puts(h->b, "</td><td>");
    if (!row->log)
        E(h->b, *row->taken ? row->taken : msg(h, KB_MSG_TAKEN_UNKNOWN));
    kb_buf_puts(h->b, "</td></tr>\n");
}

/* "110 inputs: 108 ok, 2 damaged; 108 event logs, 0 command outputs". */
static void coverage_counts(html *h, const kb_view_coverage *cov)
{
    kb_msg_count(h->lang, KB_NOUN_INPUT, cov->ninputs, h->b);
    kb_buf_printf(h->b, ": <span class=\"st-ok\">%zu %s</span>", cov->nok, msg(h, KB_MSG_INPUT_OK));
    if (cov->ndamaged)
        kb_buf_printf(h->b, ", <span class=\"st-damaged\">%zu %s</span>", cov->ndamaged, kb_input_state_name(KB_INPUT_DAMAGED));
    if (cov->nunrecognised)
        kb_buf_printf(h->b, ", <span class=\"st-not_recognised\">%zu %s</span>", cov->nunrecognised,
                      msg(h, KB_MSG_NOT_RECOGNISED));
    kb_buf_puts(h->b, "; ");
    kb_msg_count(h->lang, KB_NOUN_LOG, cov->nlogs, h->b);
    kb_buf_puts(h->b, ", ");
    kb_msg_count(h->lang, KB_NOUN_OUTPUT, cov->noutputs, h->b);
}

/* The coverage input by input, folded: the counts above say it in short. */
static void coverage_rows(html *h, const kb_view_coverage *cov)
{
    if (!cov->nrows)
        return;
    kb_buf_printf(h->b, "<details id=\"coverage-rows%s\"><summary>%s (%zu)</summary>\n", h->id,
                  msg(h, KB_MSG_COVERAGE_ROWS), cov->nrows);
    kb_buf_printf(h->b, "<div class=\"scroll\"><table><tr><th></th><th></th><th>%s</th><th>%s</th>"
                        "<th>%s</th><th>%s</th></tr>\n",
                  msg(h, KB_MSG_FIRST_EVENT), msg(h, KB_MSG_LAST_EVENT), msg(h, KB_MSG_RECORDS),
                  msg(h, KB_MSG_TAKEN));
    for (size_t i = 0; i < cov->nrows; i++)
        coverage_row(h, &cov->rows[i]);
    kb_buf_puts(h->b, "</table></div>\n</details>\n");
}

static void coverage(html *h, const kb_view_coverage *cov)
{
    kb_buf_printf(h->b, "<section id=\"coverage%s\">\n<h2>%s</h2>\n<p>", h->id, msg(h, KB_MSG_COVERAGE));
    coverage_counts(h, cov);
    kb_buf_puts(h->b, "</p>\n");
    if (cov->nfindings) {
        kb_buf_puts(h->b, "<ul>\n");
        for (size_t i = 0; i < cov->nfindings; i++) {
            kb_buf_printf(h->b, "<li class=\"note\" data-kind=\"%s\">", kb_cov_kind_name(cov->findings[i].kind));
            E(h->b, cov->findings[i].say);
            kb_buf_puts(h->b, "</li>\n");
        }
        kb_buf_puts(h->b, "</ul>\n");
    } else {
        kb_buf_printf(h->b, "<p>%s</p>\n", msg(h, KB_MSG_COVERAGE_OK));
    }
    if (cov->nabsent)
        kb_buf_printf(h->b, "<p>%s:</p>\n<ul>\n", msg(h, KB_MSG_NOT_IN_BUNDLE));
    for (size_t i = 0; i < cov->nabsent; i++) {
        const kb_cov_feed *feed = cov->absent[i];
        kb_buf name = KB_BUF_INIT;
        kb_view_feed(feed, h->lang, &name);
        kb_buf_puts(h->b, "<li>");
        E(h->b, kb_buf_str(&name));
        kb_buf_free(&name);
        if (feed->collect) {
            kb_buf_puts(h->b, ": <code>");
            E(h->b, feed->collect->collect.command);
            kb_buf_puts(h->b, "</code>");
        }
        kb_buf_puts(h->b, "</li>\n");
    }
    if (cov->nabsent)
        kb_buf_puts(h->b, "</ul>\n");
    if (cov->nunreadable)
        kb_buf_printf(h->b, "<p>%s:</p>\n<ul>\n", msg(h, KB_MSG_UNREADABLE_FILES));
    for (size_t i = 0; i < cov->nunreadable; i++) {
        kb_buf_puts(h->b, "<li><code>");
        E(h->b, cov->unreadable[i]->path);
        kb_buf_puts(h->b, "</code>");
        unreadable_why(h, cov->unreadable[i]);
        kb_buf_puts(h->b, "</li>\n");
    }
    if (cov->nunreadable)
        kb_buf_puts(h->b, "</ul>\n");
    kb_buf_puts(h->b, "</section>\n");
}

static void sections(html *h)
{
    const kb_view *v = h->v;
    for (size_t i = 0; i < v->nsections; i++) {
        const kb_view_section *s = &v->sections[i];
        const kb_view_computer *c = s->computer < v->ncomputers ? &v->computers[s->computer] : NULL;
        if (v->several && c)
            snprintf(h->id, sizeof h->id, "-c%zu", c->number);
        switch (s->kind) {
        case KB_SECTION_COMPUTERS: computers(h); break;
        case KB_SECTION_UNASSIGNED: unassigned(h); break;
        case KB_SECTION_SUMMARY: summary(h, c); break;
        case KB_SECTION_COVERAGE: coverage(h, &c->coverage); break;
        case KB_SECTION_VERDICTS: break; /* the answer holds them */
        case KB_SECTION_ANSWER: answer(h, c); break;
        case KB_SECTION_COVERAGE_ROWS: coverage_rows(h, &c->coverage); break;
        case KB_SECTION_TOTAL: break; /* the answer and the coverage say it */
        case KB_SECTION_HARMLESS: harmless(h, c); break;
        case KB_SECTION_RULES: rules(h, c); break;
        case KB_SECTION_INPUTS: inputs_table(h); break;
        case KB_SECTION_RUN: footer(h); break;
        }
    }
}

int kb_report_write_html(FILE *out, const kb_report *r)
{
    kb_view v;
    if (kb_view_build(r, KB_VIEW_HTML, &v) != KB_OK) {
        kb_view_free(&v);
        return -1;
    }
    kb_buf b = KB_BUF_INIT;
    html h = {.b = &b, .r = r, .v = &v, .lang = r->lang};
    head(&h);
    sections(&h);
    kb_buf_puts(&b, "</main>\n</body>\n</html>\n");
    int rc = b.failed || fwrite(b.data, 1, b.len, out) != b.len ? -1 : 0;
    kb_buf_free(&b);
    kb_view_free(&v);
    return rc;
}
