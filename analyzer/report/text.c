/* text.c: the terminal report: it formats the report view (view.h), one
 * section after another: the run, the bundle summary, the coverage, each
 * rule with its checkpoints, evidence, near miss, remedies and what to
 * collect, and the inputs. Colour only when asked (the CLI asks on a TTY
 * without NO_COLOR). */
#include "report/view.h"

#include <stdlib.h>
#include <string.h>

typedef struct out {
    FILE *fp;
    int color;
    kb_lang lang;
} out;

enum { C_RESET, C_BOLD, C_RED, C_GREEN, C_YELLOW, C_DIM, C_CYAN };
static const char *const codes[] = {"\033[0m", "\033[1m", "\033[1;31m", "\033[32m",
                                    "\033[1;33m", "\033[2m", "\033[36m"};

/* Prints text from a bundle (or filled from one): an escape sequence or a
 * bidi override in a log must not drive the reader's terminal. */
static void put(const out *o, const char *text)
{
    char *visible = kb_text_visible(text);
    fputs(visible ? visible : "", o->fp);
    free(visible);
}

static void paint(const out *o, int c, const char *text)
{
    if (o->color)
        fputs(codes[c], o->fp);
    put(o, text);
    if (o->color)
        fputs(codes[C_RESET], o->fp);
}

/* The columns a terminal gives text: a wide (CJK) character two, any
 * other one (UTF-8 continuation bytes none). */
static size_t columns(const char *text)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        n += *p >= 0xE3 && *p <= 0xED ? 2 : 1; /* U+3000..U+DFFF: kana, CJK, Hangul */
    }
    return n;
}

/* "MATCHED     ", "該当        ": a tag padded to width columns, not bytes,
 * so that Japanese reports line up too. */
static void pad_tag(char *out, size_t size, const char *text, size_t width)
{
    size_t cols = columns(text), len = strlen(text);
    size_t pad = cols < width ? width - cols : 0;
    if (len + pad + 1 > size)
        pad = len + 1 < size ? size - len - 1 : 0;
    snprintf(out, size, "%s%*s", text, (int)pad, "");
}

/* Prints text with every line after the first indented by prefix. */
static void indented_with(const out *o, const char *raw, const char *prefix)
{
    char *text = kb_text_visible(raw);
    if (!text)
        return;
    for (const char *p = text; *p; p++) {
        fputc(*p, o->fp);
        if (*p == '\n' && p[1])
            fputs(prefix, o->fp);
    }
    free(text);
}

static void indented(const out *o, const char *text, int indent)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%*s", indent < 30 ? indent : 30, "");
    indented_with(o, text, prefix);
}

static int verdict_color(const kb_rule_result *res)
{
    if (kb_result_harmless(res) || res->nexplained_by)
        return C_DIM;
    kb_verdict v = res->verdict;
    return v == KB_VERDICT_MATCHED ? C_RED : v == KB_VERDICT_CANNOT_TELL ? C_YELLOW : C_GREEN;
}

/* "KB2009550 <url>" or the title and url of each reference. */
static void print_references(const out *o, const kb_rule *rule, const char *indent)
{
    if (!rule->nreferences)
        return;
    fprintf(o->fp, "%s%s:\n", indent, kb_msg_text(o->lang, KB_MSG_REFERENCES));
    for (size_t i = 0; i < rule->nreferences; i++) {
        const kb_reference *ref = &rule->references[i];
        fprintf(o->fp, "%s  - ", indent);
        if (ref->kb)
            fprintf(o->fp, "%s ", ref->kb);
        put(o, ref->title);
        if (ref->url) {
            fputs(" <", o->fp);
            put(o, ref->url);
            fputc('>', o->fp);
        }
        fputc('\n', o->fp);
    }
}

static void print_run(const out *o, const kb_report *r)
{
    paint(o, C_BOLD, "kbscan");
    fprintf(o->fp, " %s:", r->version);
    for (size_t i = 0; i < r->npaths; i++) {
        fputc(' ', o->fp);
        put(o, r->paths[i]);
    }
    fputc('\n', o->fp);
}

/* "SRV01, WIN-OLD": the lines of a list of names, on one line. */
static void put_lines(const out *o, const char *lines)
{
    for (const char *p = lines; p && *p;) {
        const char *nl = strchr(p, '\n');
        char *name = kb_strndup(p, nl ? (size_t)(nl - p) : strlen(p));
        put(o, name);
        free(name);
        if (!nl)
            break;
        fputs(", ", o->fp);
        p = nl + 1;
    }
}

static void print_summary(const out *o, const kb_view *v, const kb_view_computer *c)
{
    char first[40], last[40];
    if (v->several)
        fprintf(o->fp, "%s %zu %s %zu: ", kb_msg_text(o->lang, KB_MSG_COMPUTER), c->number,
                kb_msg_text(o->lang, KB_MSG_OF), v->ncomputers);
    else
        fprintf(o->fp, "%s: ", kb_msg_text(o->lang, KB_MSG_COMPUTER));
    put(o, c->name ? c->name : "-");
    if (c->also_named) {
        fprintf(o->fp, " (%s ", kb_msg_text(o->lang, KB_MSG_ALSO_NAMED));
        put_lines(o, c->also_named);
        fputc(')', o->fp);
    }
    if (c->os) {
        fprintf(o->fp, "   %s: ", kb_msg_text(o->lang, KB_MSG_OS));
        put(o, c->os);
    }
    if (c->virtualization) {
        fputs(" [", o->fp);
        put(o, c->virtualization);
        fputc(']', o->fp);
    }
    if (c->first_time != KB_TIME_NONE) {
        kb_time_format(c->first_time, first, sizeof first);
        kb_time_format(c->last_time, last, sizeof last);
        fprintf(o->fp, "   %s: %s .. %s (UTC)", kb_msg_text(o->lang, KB_MSG_EVENTS), first, last);
    }
    fputs("\n\n", o->fp);
}

/* Each line of text after prefix and a blank (a blank line: prefix alone). */
static void print_quoted(const out *o, const char *raw, const char *prefix)
{
    char *text = kb_text_visible(raw);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(o->fp, "%s%s%.*s\n", prefix, n ? " " : "", (int)n, p);
        p = nl ? nl + 1 : p + n;
    }
    free(text);
}

static void print_evidence(const out *o, const kb_view_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++) {
        const kb_view_evidence *row = &rows->items[i];
        const kb_fact *f = row->fact;
        fprintf(o->fp, "        ");
        char where[64] = "";
        if (f->line && f->line_end > f->line)
            snprintf(where, sizeof where, ":%u-%u", f->line, f->line_end);
        else if (f->line)
            snprintf(where, sizeof where, ":%u", f->line);
        char label[512];
        snprintf(label, sizeof label, "%s%s", row->path, where);
        paint(o, C_CYAN, label);
        if (row->event)
            fprintf(o->fp, " record %llu", (unsigned long long)f->record);
        if (f->time != KB_TIME_NONE) {
            char t[40];
            kb_time_format(f->time, t, sizeof t);
            fprintf(o->fp, " %s", t);
        }
        if (f->recovered)
            fprintf(o->fp, " (%s)", kb_msg_text(o->lang, KB_MSG_RECOVERED));
        for (size_t s = 0; s < row->nvalues; s++) {
            const kb_view_value *val = &row->values[s];
            fprintf(o->fp, " %s=", val->name);
            put(o, val->value);
            if (val->annotation) {
                fputc(' ', o->fp);
                put(o, val->annotation);
            }
        }
        if (row->evidence->explained_by) {
            fprintf(o->fp, " (%s ", kb_msg_text(o->lang, KB_MSG_EXPLAINED_BY));
            put(o, row->evidence->explained_by->id);
            fputc(')', o->fp);
        }
        fputc('\n', o->fp);
        if (row->message && *row->message) {
            /* the event's message as Event Viewer shows it */
            print_quoted(o, row->message, "          >");
        }
        if (row->evidence->say) {
            fputs("          - ", o->fp);
            indented(o, row->evidence->say, 12);
            fputc('\n', o->fp);
        }
        if (f->text && !row->event) {
            fprintf(o->fp, "          | ");
            indented_with(o, f->text, "          | ");
            fprintf(o->fp, "\n");
        }
    }
    if (rows->more)
        fprintf(o->fp, "        (+%zu %s)\n", rows->more, kb_msg_text(o->lang, KB_MSG_MORE_EVIDENCE));
}

/* ": could not be read on this machine: Permission denied". */
static void print_unreadable_why(const out *o, const kb_input *in)
{
    fprintf(o->fp, ": %s: ", kb_msg_text(o->lang, KB_MSG_READ_HERE));
    put(o, in->local_error);
}

static void print_checkpoint(const out *o, const kb_view_checkpoint *vc)
{
    const kb_checkpoint *cp = vc->cp;
    static const int colors[] = {C_RED, C_GREEN, C_YELLOW};
    char tag[64];
    snprintf(tag, sizeof tag, "[%s]", kb_msg_text(o->lang, vc->state));
    fprintf(o->fp, "    ");
    paint(o, cp->context ? C_DIM : colors[vc->result->state], tag);
    fputc(' ', o->fp);
    put(o, vc->title);
    fputc('\n', o->fp);
    if (vc->summary) {
        fprintf(o->fp, "        ");
        indented(o, vc->summary, 8);
        fputc('\n', o->fp);
    }
    if (vc->why)
        fprintf(o->fp, "        %s\n", kb_msg_text(o->lang, vc->why_msg));
    for (size_t i = 0; i < vc->ndamaged; i++) {
        fprintf(o->fp, "          - ");
        put(o, vc->damaged[i]->path);
        if (vc->unreadable)
            print_unreadable_why(o, vc->damaged[i]);
        fputc('\n', o->fp);
    }
    if (vc->ask)
        fprintf(o->fp, "        %s: %s  (%s: %s)\n", kb_msg_text(o->lang, KB_MSG_COLLECT),
                cp->collect.file, kb_msg_text(o->lang, KB_MSG_RUN), cp->collect.command);
    print_evidence(o, &vc->rows);
}

static void print_remedies(const out *o, const kb_rule_result *res)
{
    if (!res->nremedies)
        return;
    fprintf(o->fp, "    %s:\n", kb_msg_text(o->lang, KB_MSG_REMEDIES));
    for (size_t i = 0; i < res->nremedies; i++) {
        const kb_remedy_result *rem = &res->remedies[i];
        fprintf(o->fp, "      %zu. ", i + 1);
        paint(o, C_BOLD, kb_i18n_get(&rem->remedy->title, o->lang));
        fprintf(o->fp, " (%s)\n", kb_msg_text(o->lang, rem->remedy->lasting ? KB_MSG_LASTING
                                                                            : KB_MSG_TEMPORARY));
        if (rem->text && *rem->text) {
            fprintf(o->fp, "         ");
            indented(o, rem->text, 9);
            fputc('\n', o->fp);
        }
        for (size_t c = 0; c < rem->commands.n; c++) {
            fprintf(o->fp, "           ");
            paint(o, C_CYAN, rem->commands.items[c]);
            fputc('\n', o->fp);
        }
        for (size_t n = 0; n < rem->notes.n; n++) {
            fputs("         ! ", o->fp);
            put(o, rem->notes.items[n]);
            fputc('\n', o->fp);
        }
        if (rem->verify_text || rem->verify_commands.n) {
            fprintf(o->fp, "         %s: ", kb_msg_text(o->lang, KB_MSG_VERIFY));
            if (rem->verify_text)
                indented(o, rem->verify_text, 9);
            fputc('\n', o->fp);
            for (size_t c = 0; c < rem->verify_commands.n; c++) {
                fprintf(o->fp, "           ");
                paint(o, C_CYAN, rem->verify_commands.items[c]);
                fputc('\n', o->fp);
            }
        }
    }
}

static void print_collect(const out *o, const kb_view_rule *vr)
{
    if (!vr->collect_shown)
        return;
    fprintf(o->fp, "    %s:\n", kb_msg_text(o->lang, KB_MSG_NEXT_STEPS));
    for (size_t i = 0; i < vr->ncollect; i++) {
        const kb_checkpoint *cp = vr->collect[i];
        fprintf(o->fp, "      - %s", cp->collect.file ? cp->collect.file : cp->feed);
        if (cp->collect.command)
            fprintf(o->fp, ": %s", cp->collect.command);
        fputc('\n', o->fp);
    }
    for (size_t i = 0; i < vr->nunreadable; i++) {
        fprintf(o->fp, "      - ");
        put(o, vr->unreadable[i]->path);
        print_unreadable_why(o, vr->unreadable[i]);
        fprintf(o->fp, "; %s\n", kb_msg_text(o->lang, KB_MSG_READ_AGAIN));
    }
}

/* Checkpoint ids, comma-separated. */
static void print_ids(const out *o, const kb_view_ids *ids)
{
    for (size_t i = 0; i < ids->n; i++)
        fprintf(o->fp, "%s%s", i ? ", " : "", ids->ids[i]);
}

/* A near miss: which deciding checkpoints are met, which are not, and the
 * closest facts of each that is not; or, in another rule not matched, the
 * closest events of its checkpoints not met. */
static void print_near_miss(const out *o, const kb_view_rule *vr)
{
    if (!vr->near_miss && !vr->close_facts)
        return;
    fprintf(o->fp, "    ");
    if (vr->near_miss) {
        paint(o, C_YELLOW, kb_msg_text(o->lang, KB_MSG_NEAR_MISS));
        fprintf(o->fp, ": %s: ", kb_msg_text(o->lang, KB_MSG_MET));
        print_ids(o, &vr->near_ids[KB_CP_MET]);
        fprintf(o->fp, "; %s: ", kb_msg_text(o->lang, KB_MSG_NOT_MET));
        print_ids(o, &vr->near_ids[KB_CP_NOT_MET]);
    } else {
        paint(o, C_YELLOW, kb_msg_text(o->lang, KB_MSG_CLOSE_FACTS));
        fputc(':', o->fp);
    }
    fputc('\n', o->fp);
    for (size_t i = 0; i < vr->ncheckpoints; i++) {
        const kb_view_checkpoint *vc = &vr->checkpoints[i];
        if (!vc->near)
            continue;
        fprintf(o->fp, "      %s: ", vc->cp->id);
        if (vc->near_say)
            indented(o, vc->near_say, 8);
        else
            fprintf(o->fp, "%zu %s", vc->near->count, kb_msg_text(o->lang, KB_MSG_NEAR_DEFAULT));
        fputc('\n', o->fp);
        print_evidence(o, &vc->near_rows);
    }
}

/* The rule's verdict line: "MATCHED      id  [error]", and the rules that
 * explain it. */
static void print_rule_head(const out *o, const kb_view_rule *vr)
{
    const kb_rule_result *res = vr->result;
    char tag[64];
    pad_tag(tag, sizeof tag, kb_msg_text(o->lang, vr->verdict), 12);
    paint(o, verdict_color(res), tag);
    fprintf(o->fp, " %s", res->rule->id);
    if (vr->severity_shown)
        fprintf(o->fp, "  [%s]", kb_severity_name(res->severity));
    for (size_t i = 0; i < res->nexplained_by; i++) {
        fprintf(o->fp, "%s", i ? ", " : "  ");
        if (!i)
            fprintf(o->fp, "%s ", kb_msg_text(o->lang, KB_MSG_EXPLAINED_BY));
        put(o, res->explained_by[i]->id);
    }
    fputc('\n', o->fp);
}

static void print_rule(const out *o, const kb_view_rule *vr)
{
    const kb_rule_result *res = vr->result;
    if (vr->show != KB_SHOW_BLOCK)
        return;
    print_rule_head(o, vr);
    /* a rule not matched names what was looked for, not a finding */
    if (res->verdict == KB_VERDICT_NOT_MATCHED)
        fprintf(o->fp, "    %s: ", kb_msg_text(o->lang, KB_MSG_LOOKED_FOR));
    else
        fputs("    ", o->fp);
    put(o, kb_i18n_get(&res->rule->title, o->lang));
    fputc('\n', o->fp);
    for (size_t i = 0; i < vr->ncheckpoints; i++)
        print_checkpoint(o, &vr->checkpoints[i]);
    print_near_miss(o, vr);
    if (!res->nexplained_by) /* the explaining rule's remedies apply */
        print_remedies(o, res);
    print_collect(o, vr);
    if (res->verdict == KB_VERDICT_MATCHED)
        print_references(o, res->rule, "    ");
    fputc('\n', o->fp);
}

/* One line naming the rules of a list: "Not matched: a, b, c". */
static void print_rule_list(const out *o, kb_msg title, const kb_view_rule *const *rules, size_t n)
{
    if (!n)
        return;
    fprintf(o->fp, "%s (%zu): ", kb_msg_text(o->lang, title), n);
    for (size_t i = 0; i < n; i++)
        fprintf(o->fp, "%s%s", i ? ", " : "", rules[i]->result->rule->id);
    fputs("\n\n", o->fp);
}

/* Known harmless findings: what was seen, why it is harmless, and where
 * that is written down. */
static void print_harmless(const out *o, const kb_view_computer *c)
{
    paint(o, C_BOLD, kb_msg_text(o->lang, KB_MSG_KNOWN_HARMLESS));
    fputs(":\n", o->fp);
    for (size_t i = 0; i < c->nharmless; i++) {
        const kb_rule_result *res = c->harmless[i]->result;
        size_t count = 0;
        for (size_t k = 0; k < res->rule->ncheckpoints; k++)
            if (!res->rule->checkpoints[k].context && res->checkpoints[k].state == KB_CP_MET)
                count += res->checkpoints[k].count;
        fputs("  - ", o->fp);
        put(o, kb_i18n_get(&res->rule->title, o->lang));
        fprintf(o->fp, " (%s, %zu)\n", res->rule->id, count);
        const char *why = kb_i18n_get(&res->rule->summary, o->lang);
        if (*why) {
            fputs("    ", o->fp);
            indented(o, why, 4);
            fputc('\n', o->fp);
        }
        print_references(o, res->rule, "    ");
    }
    fputc('\n', o->fp);
}

/* A computer's answer: one line per match, cannot tell and known harmless
 * finding, with its reason and the first thing to do under it; then the
 * rules not matched, counted (named with --show-not-matched). */
static void print_answer(const out *o, const kb_view_computer *c)
{
    paint(o, C_BOLD, kb_msg_text(o->lang, KB_MSG_ANSWER));
    fputs(":\n", o->fp);
    for (size_t i = 0; i < c->nanswers; i++) {
        const kb_view_answer *a = &c->answers[i];
        const kb_rule_result *res = a->rule->result;
        char tag[64];
        pad_tag(tag, sizeof tag, kb_msg_text(o->lang, a->rule->verdict), 12);
        fputs("  ", o->fp);
        paint(o, verdict_color(res), tag);
        fprintf(o->fp, " %s: ", res->rule->id);
        put(o, kb_i18n_get(&res->rule->title, o->lang));
        fputc('\n', o->fp);
        if (a->reason) {
            fputs("               ", o->fp);
            indented(o, a->reason, 15);
            if (a->reason_why)
                fprintf(o->fp, ": %s", kb_msg_text(o->lang, a->why_msg));
            fputc('\n', o->fp);
        }
        if (a->todo) {
            fprintf(o->fp, "               %s: ",
                    kb_msg_text(o->lang, a->todo_kind == KB_MSG_REMEDIES ? KB_MSG_DO_FIRST : a->todo_kind));
            put(o, a->todo);
            if (a->todo_command) {
                fputs(a->todo_kind == KB_MSG_REMEDIES ? ": " : "  (", o->fp);
                paint(o, C_CYAN, a->todo_command);
                if (a->todo_kind != KB_MSG_REMEDIES)
                    fputc(')', o->fp);
            }
            fputc('\n', o->fp);
        }
    }
    int issue = 0;
    for (size_t i = 0; i < c->nanswers; i++)
        issue |= c->answers[i].rule->verdict != KB_MSG_HARMLESS;
    if (!issue) {
        fputs("  ", o->fp);
        paint(o, C_GREEN, kb_msg_text(o->lang, KB_MSG_NO_ISSUE));
        fputc('\n', o->fp);
    }
    if (c->nnot_matched_all) {
        kb_buf n = KB_BUF_INIT;
        kb_msg_count(o->lang, KB_NOUN_RULE, c->nnot_matched_all, &n);
        fprintf(o->fp, "  %s: %s", kb_msg_text(o->lang, KB_MSG_NOT_MATCHED_LIST), kb_buf_str(&n));
        kb_buf_free(&n);
        if (!c->list_not_matched)
            fprintf(o->fp, " (%s)", kb_msg_text(o->lang, KB_MSG_NOT_MATCHED_HINT));
        for (size_t i = 0, k = 0; c->list_not_matched && i < c->nrules; i++)
            if (c->rules[i].verdict == KB_MSG_NOT_MATCHED)
                fprintf(o->fp, "%s%s", k++ ? ", " : ": ", c->rules[i].result->rule->id);
        fputc('\n', o->fp);
    }
    fputc('\n', o->fp);
}

/* The evidence of the rules in the answer, in its order, then the others. */
static void print_rules(const out *o, const kb_view_computer *c)
{
    for (size_t i = 0; i < c->nanswers; i++)
        print_rule(o, c->answers[i].rule);
    for (size_t i = 0; i < c->nrules; i++)
        if (!c->rules[i].in_answer)
            print_rule(o, &c->rules[i]);
    print_rule_list(o, KB_MSG_QUIET_LIST, c->quiet, c->nquiet);
}

/* " [System, 46 records, 2 used]": the counts the input's source shows
 * here (input.h), after a log's channel. */
static void print_counts(const out *o, const kb_input *in)
{
    size_t shown[KB_MAX_COUNTS];
    size_t n = kb_input_shown_counts(in, KB_COUNTS_TEXT, shown);
    if (!n)
        return;
    fputs(" [", o->fp);
    if (in->covers == KB_COVERS_EVENTS)
        fprintf(o->fp, "%s, ", in->channel ? in->channel : "?");
    for (size_t k = 0; k < n; k++) {
        uint64_t v = in->counts[shown[k]];
        const char *word = in->count_decls[shown[k]].word;
        fputs(k ? ", " : "", o->fp);
        if (strcmp(word, "records") == 0) { /* a noun: pluralised, in the report's language */
            kb_buf c = KB_BUF_INIT;
            kb_msg_count(o->lang, KB_NOUN_RECORD, (size_t)v, &c);
            fputs(kb_buf_str(&c), o->fp);
            kb_buf_free(&c);
        } else {
            fprintf(o->fp, "%llu %s", (unsigned long long)v, word);
        }
    }
    fputc(']', o->fp);
}

/* Several computers: whose the input is. */
static void print_input_computers(const out *o, const kb_view_input *row)
{
    fputs("  (", o->fp);
    if (!row->ncomputers)
        fputs(kb_msg_text(o->lang, KB_MSG_NO_COMPUTER), o->fp);
    for (size_t k = 0; k < row->ncomputers; k++) {
        fputs(k ? ", " : "", o->fp);
        put(o, row->computers[k]->name ? row->computers[k]->name : kb_msg_text(o->lang, KB_MSG_UNNAMED));
    }
    fputc(')', o->fp);
}

static void print_inputs(const out *o, const kb_view *v)
{
    fprintf(o->fp, "%s:\n", kb_msg_text(o->lang, KB_MSG_INPUTS));
    for (size_t i = 0; i < v->ninputs; i++) {
        const kb_view_input *row = &v->inputs[i];
        const kb_input *in = row->input;
        /* words, not the JSON token; damaged in the red of every report */
        const char *state = in->state == KB_INPUT_UNRECOGNISED ? kb_msg_text(o->lang, KB_MSG_NOT_RECOGNISED)
                                                                : kb_input_state_name(in->state);
        int color = in->state == KB_INPUT_OK ? C_GREEN
                  : in->state == KB_INPUT_UNRECOGNISED || in->state == KB_INPUT_SKIPPED ? C_DIM
                  : C_RED;
        char tag[32];
        pad_tag(tag, sizeof tag, state, 15);
        fprintf(o->fp, "  ");
        paint(o, color, tag);
        fputc(' ', o->fp);
        put(o, in->path);
        if (in->kind) {
            fputs("  (", o->fp);
            put(o, kb_view_kind(in));
            fputc(')', o->fp);
        }
        if (in->encoding)
            fprintf(o->fp, " [%s%s%s]", in->encoding, in->locale ? ", " : "",
                    in->locale ? in->locale : "");
        print_counts(o, in);
        if (v->several)
            print_input_computers(o, row);
        fputc('\n', o->fp);
        if (in->message) {
            fputs("                    ", o->fp);
            put(o, in->message);
            fputc('\n', o->fp);
        }
        for (size_t n = 0; n < row->nnotes; n++) {
            fputs("                    ", o->fp);
            if (in->notes[n].where) {
                put(o, in->notes[n].where);
                fputs(": ", o->fp);
            }
            put(o, in->notes[n].message);
            fputc('\n', o->fp);
        }
        if (row->hidden)
            fprintf(o->fp, "                    (+%zu %s)\n", row->hidden,
                    kb_msg_text(o->lang, KB_MSG_MORE_EVIDENCE));
    }
}

/* ---- coverage ---- */

static void print_coverage_row(const out *o, const kb_view_cov_row *row)
{
    fputs("    ", o->fp);
    put(o, row->input->path);
    if (row->log) {
        char first[40], last[40];
        kb_time_format(row->first_time, first, sizeof first);
        kb_time_format(row->last_time, last, sizeof last);
        fprintf(o->fp, "  %s", row->channel ? row->channel : "?");
        if (row->first_time != KB_TIME_NONE)
            fprintf(o->fp, "  %s .. %s", first, last);
        if (row->has_records) {
            kb_buf n = KB_BUF_INIT;
            kb_msg_count(o->lang, KB_NOUN_RECORD, (size_t)row->records, &n);
            fprintf(o->fp, "  %s (%llu..%llu)", kb_buf_str(&n), (unsigned long long)row->first_record,
                    (unsigned long long)row->last_record);
            kb_buf_free(&n);
        }
    } else {
        fputs("  ", o->fp);
        put(o, kb_view_kind(row->input));
        fputs("  ", o->fp);
        if (*row->taken)
            fprintf(o->fp, "%s %s", kb_msg_text(o->lang, KB_MSG_TAKEN), row->taken);
        else
            fputs(kb_msg_text(o->lang, KB_MSG_TAKEN_UNKNOWN), o->fp);
    }
    fputc('\n', o->fp);
}

static void print_coverage_group(const out *o, kb_msg title, const kb_view_cov_row *const *rows, size_t n)
{
    if (!n)
        return;
    fprintf(o->fp, "  %s:\n", kb_msg_text(o->lang, title));
    for (size_t i = 0; i < n; i++)
        print_coverage_row(o, rows[i]);
}

/* The coverage input by input, after the counts and problems. */
static void print_coverage_rows(const out *o, const kb_view_coverage *cov)
{
    if (!cov->nrows)
        return;
    paint(o, C_BOLD, kb_msg_text(o->lang, KB_MSG_COVERAGE_ROWS));
    fputs(":\n", o->fp);
    print_coverage_group(o, KB_MSG_LOGS, cov->logs, cov->nlogs);
    print_coverage_group(o, KB_MSG_OUTPUTS, cov->outputs, cov->noutputs);
    fputc('\n', o->fp);
}

/* "5 inputs: 4 ok, 1 not recognised; 1 event log, 3 command outputs". */
static void print_coverage_counts(const out *o, const kb_view_coverage *cov)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "  ");
    kb_msg_count(o->lang, KB_NOUN_INPUT, cov->ninputs, &b);
    kb_buf_printf(&b, ": %zu %s", cov->nok, kb_msg_text(o->lang, KB_MSG_INPUT_OK));
    fputs(kb_buf_str(&b), o->fp);
    if (cov->ndamaged) {
        fputs(", ", o->fp);
        char n[64];
        snprintf(n, sizeof n, "%zu %s", cov->ndamaged, kb_input_state_name(KB_INPUT_DAMAGED));
        paint(o, C_RED, n);
    }
    if (cov->nunrecognised)
        fprintf(o->fp, ", %zu %s", cov->nunrecognised, kb_msg_text(o->lang, KB_MSG_NOT_RECOGNISED));
    kb_buf_reset(&b);
    kb_buf_puts(&b, "; ");
    kb_msg_count(o->lang, KB_NOUN_LOG, cov->nlogs, &b);
    kb_buf_puts(&b, ", ");
    kb_msg_count(o->lang, KB_NOUN_OUTPUT, cov->noutputs, &b);
    fprintf(o->fp, "%s\n", kb_buf_str(&b));
    kb_buf_free(&b);
}

static void print_coverage(const out *o, const kb_view_coverage *cov)
{
    paint(o, C_BOLD, kb_msg_text(o->lang, KB_MSG_COVERAGE));
    fputs(":\n", o->fp);
    print_coverage_counts(o, cov);
    if (cov->nabsent)
        fprintf(o->fp, "  %s:\n", kb_msg_text(o->lang, KB_MSG_NOT_IN_BUNDLE));
    for (size_t i = 0; i < cov->nabsent; i++) {
        const kb_cov_feed *feed = cov->absent[i];
        kb_buf name = KB_BUF_INIT;
        kb_view_feed(feed, o->lang, &name);
        fputs("    ", o->fp);
        put(o, kb_buf_str(&name));
        kb_buf_free(&name);
        if (feed->collect)
            fprintf(o->fp, " (%s)", feed->collect->collect.command);
        fputc('\n', o->fp);
    }
    if (cov->nunreadable)
        fprintf(o->fp, "  %s:\n", kb_msg_text(o->lang, KB_MSG_UNREADABLE_FILES));
    for (size_t i = 0; i < cov->nunreadable; i++) {
        fputs("    ", o->fp);
        put(o, cov->unreadable[i]->path);
        print_unreadable_why(o, cov->unreadable[i]);
        fputc('\n', o->fp);
    }
    for (size_t i = 0; i < cov->nfindings; i++) {
        fputs("  ", o->fp);
        paint(o, C_YELLOW, "!");
        fputc(' ', o->fp);
        indented(o, cov->findings[i].say, 4);
        fputc('\n', o->fp);
    }
    if (!cov->nfindings)
        fprintf(o->fp, "  %s\n", kb_msg_text(o->lang, KB_MSG_COVERAGE_OK));
    fputc('\n', o->fp);
}

/* Several computers: each with its outcome, before each in full. */
static void print_computers(const out *o, const kb_view *v)
{
    paint(o, C_BOLD, kb_msg_text(o->lang, KB_MSG_COMPUTERS));
    fprintf(o->fp, ": %zu\n", v->ncomputers);
    for (size_t k = 0; k < v->ncomputers; k++) {
        const kb_view_computer *c = &v->computers[k];
        char tag[64];
        pad_tag(tag, sizeof tag, kb_msg_text(o->lang, c->outcome), 12);
        fprintf(o->fp, "  %zu. ", c->number);
        paint(o, c->exit_status == 1 ? C_RED : c->exit_status == 3 ? C_YELLOW : C_GREEN, tag);
        fputc(' ', o->fp);
        put(o, c->name ? c->name : kb_msg_text(o->lang, KB_MSG_UNNAMED));
        fputc('\n', o->fp);
    }
    if (v->nunassigned)
        fprintf(o->fp, "  %s: %zu\n", kb_msg_text(o->lang, KB_MSG_UNASSIGNED), v->nunassigned);
    fputc('\n', o->fp);
}

/* The inputs whose computer cannot be told, and the folder that says so. */
static void print_unassigned(const out *o, const kb_view *v)
{
    fprintf(o->fp, "%s:\n", kb_msg_text(o->lang, KB_MSG_UNASSIGNED));
    for (size_t u = 0; u < v->nunassigned; u++) {
        const kb_view_unassigned *row = &v->unassigned[u];
        fputs("  ", o->fp);
        put(o, row->input->path);
        fputs(": ", o->fp);
        put(o, *row->folder ? row->folder : ".");
        fprintf(o->fp, " %s (", kb_msg_text(o->lang, KB_MSG_SEVERAL_COMPUTERS));
        for (size_t k = 0; k < row->ncomputers; k++) {
            fputs(k ? ", " : "", o->fp);
            put(o, row->computers[k] ? row->computers[k] : kb_msg_text(o->lang, KB_MSG_UNNAMED));
        }
        fprintf(o->fp, " %s); %s\n", kb_msg_text(o->lang, KB_MSG_AMONG_THEM),
                kb_msg_text(o->lang, KB_MSG_UNASSIGNED_WHY));
    }
    fputc('\n', o->fp);
}

/* The last line: the run in one line, what stays on the screen. */
static void print_total(const out *o, const kb_view *v)
{
    char *line = kb_msg_total(o->lang, &v->total);
    paint(o, C_BOLD, line ? line : "");
    fputc('\n', o->fp);
    free(line);
}

int kb_report_write_text(FILE *fp, const kb_report *r, int color)
{
    out o = {fp, color, r->lang};
    kb_view v;
    if (kb_view_build(r, KB_VIEW_TEXT, &v) != KB_OK) {
        kb_view_free(&v);
        return -1;
    }
    for (size_t i = 0; i < v.nsections; i++) {
        const kb_view_section *s = &v.sections[i];
        const kb_view_computer *c = s->computer < v.ncomputers ? &v.computers[s->computer] : NULL;
        switch (s->kind) {
        case KB_SECTION_RUN: print_run(&o, r); break;
        case KB_SECTION_SUMMARY: print_summary(&o, &v, c); break;
        case KB_SECTION_COVERAGE: print_coverage(&o, &c->coverage); break;
        case KB_SECTION_HARMLESS: print_harmless(&o, c); break;
        case KB_SECTION_RULES: print_rules(&o, c); break;
        case KB_SECTION_INPUTS: print_inputs(&o, &v); break;
        case KB_SECTION_VERDICTS: break; /* the answer holds them */
        case KB_SECTION_ANSWER: print_answer(&o, c); break;
        case KB_SECTION_COVERAGE_ROWS: print_coverage_rows(&o, &c->coverage); break;
        case KB_SECTION_TOTAL: print_total(&o, &v); break;
        case KB_SECTION_COMPUTERS: print_computers(&o, &v); break;
        case KB_SECTION_UNASSIGNED: print_unassigned(&o, &v); break;
        }
    }
    kb_view_free(&v);
    return ferror(fp) ? -1 : 0;
}
