/* text.c: the terminal report: verdicts first, then each
 * checkpoint with its evidence, the remedies, and the inputs. Colour only
 * when asked (the CLI asks on a TTY without NO_COLOR). */
#include "report/errcodes.h"
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

typedef struct out {
    FILE *fp;
    int color;
    kb_lang lang;
} out;

#define KB_NEAR_SHOWN 5  /* closest facts shown per checkpoint of a near miss */

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

static int verdict_color(kb_verdict v)
{
    return v == KB_VERDICT_MATCHED ? C_RED : v == KB_VERDICT_CANNOT_TELL ? C_YELLOW : C_GREEN;
}

static kb_msg verdict_msg(kb_verdict v)
{
    return v == KB_VERDICT_MATCHED ? KB_MSG_MATCHED
         : v == KB_VERDICT_NOT_MATCHED ? KB_MSG_NOT_MATCHED : KB_MSG_CANNOT_TELL;
}

static void print_header(const out *o, const kb_report *r)
{
    char first[40], last[40];
    paint(o, C_BOLD, "kbscan");
    fprintf(o->fp, " %s:", r->version);
    for (size_t i = 0; i < r->npaths; i++) {
        fputc(' ', o->fp);
        put(o, r->paths[i]);
    }
    fputc('\n', o->fp);
    fprintf(o->fp, "%s: ", kb_msg_text(o->lang, KB_MSG_COMPUTER));
    put(o, r->computer ? r->computer : "-");
    if (r->os) {
        fprintf(o->fp, "   %s: ", kb_msg_text(o->lang, KB_MSG_OS));
        put(o, r->os);
    }
    if (r->virtualization && strcmp(r->virtualization, "none") != 0) {
        fputs(" [", o->fp);
        put(o, r->virtualization);
        fputc(']', o->fp);
    }
    if (r->first_time != KB_TIME_NONE) {
        kb_time_format(r->first_time, first, sizeof first);
        kb_time_format(r->last_time, last, sizeof last);
        fprintf(o->fp, "   %s: %s .. %s (UTC)", kb_msg_text(o->lang, KB_MSG_EVENTS), first, last);
    }
    fputs("\n\n", o->fp);
}

static void print_evidence(const out *o, const kb_report *r, const kb_cp_result *res)
{
    const kb_checkpoint *cp = res->cp;
    for (size_t i = 0; i < res->nevidence; i++) {
        const kb_evidence *ev = &res->evidence[i];
        const kb_fact *f = ev->fact;
        fprintf(o->fp, "        ");
        char where[64] = "";
        if (f->line && f->line_end > f->line)
            snprintf(where, sizeof where, ":%u-%u", f->line, f->line_end);
        else if (f->line)
            snprintf(where, sizeof where, ":%u", f->line);
        char label[512];
        snprintf(label, sizeof label, "%s%s", r->inputs->items[f->input].path, where);
        paint(o, C_CYAN, label);
        if (f->record)
            fprintf(o->fp, " record %llu", (unsigned long long)f->record);
        if (f->time != KB_TIME_NONE) {
            char t[40];
            kb_time_format(f->time, t, sizeof t);
            fprintf(o->fp, " %s", t);
        }
        if (f->recovered)
            fprintf(o->fp, " (%s)", kb_msg_text(o->lang, KB_MSG_RECOVERED));
        for (size_t s = 0; s < cp->nshow; s++) {
            const char *v = kb_evidence_get(ev, cp->show[s]);
            if (v && *v && !strchr(v, '\n')) {
                fprintf(o->fp, " %s=", cp->show[s]);
                put(o, v);
                char *explained = kb_code_annotation(v);
                if (explained) {
                    fputc(' ', o->fp);
                    put(o, explained);
                }
                free(explained);
            }
        }
        fputc('\n', o->fp);
        if (f->text && !f->record) {
            fprintf(o->fp, "          | ");
            indented_with(o, f->text, "          | ");
            fprintf(o->fp, "\n");
        }
    }
    if (res->count > res->nevidence)
        fprintf(o->fp, "        (+%zu %s)\n", res->count - res->nevidence,
                kb_msg_text(o->lang, KB_MSG_MORE_EVIDENCE));
}

static void print_checkpoint(const out *o, const kb_report *r, const kb_cp_result *res)
{
    const kb_checkpoint *cp = res->cp;
    static const int colors[] = {C_RED, C_GREEN, C_YELLOW};
    static const kb_msg names[] = {KB_MSG_MET, KB_MSG_NOT_MET, KB_MSG_UNKNOWN};
    char tag[64];
    snprintf(tag, sizeof tag, "[%s]", cp->context ? kb_msg_text(o->lang, KB_MSG_CONTEXT)
                                                  : kb_msg_text(o->lang, names[res->state]));
    fprintf(o->fp, "    ");
    paint(o, cp->context ? C_DIM : colors[res->state], tag);
    fprintf(o->fp, " %s\n", kb_i18n_get(&cp->title, o->lang));
    if (res->summary && *res->summary) {
        fprintf(o->fp, "        ");
        indented(o, res->summary, 8);
        fputc('\n', o->fp);
    }
    if (res->state == KB_CP_UNKNOWN && res->why != KB_WHY_INPUT_SAYS)
        fprintf(o->fp, "        %s\n", kb_msg_text(o->lang, res->why == KB_WHY_MISSING
                                                            ? KB_MSG_MISSING : KB_MSG_DAMAGED));
    if (res->state == KB_CP_UNKNOWN && res->why == KB_WHY_DAMAGED)
        for (size_t i = 0; i < res->ninputs; i++) {
            const kb_input *in = &r->inputs->items[res->inputs[i]];
            if (in->state == KB_INPUT_DAMAGED || in->state == KB_INPUT_ERROR) {
                fprintf(o->fp, "          - ");
                put(o, in->path);
                fputc('\n', o->fp);
            }
        }
    if (res->state == KB_CP_UNKNOWN && cp->collect.command && !cp->context)
        fprintf(o->fp, "        %s: %s  (%s: %s)\n", kb_msg_text(o->lang, KB_MSG_COLLECT),
                cp->collect.file, kb_msg_text(o->lang, KB_MSG_RUN), cp->collect.command);
    print_evidence(o, r, res);
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

static void print_collect(const out *o, const kb_rule_result *res)
{
    if (res->verdict != KB_VERDICT_CANNOT_TELL)
        return;
    fprintf(o->fp, "    %s:\n", kb_msg_text(o->lang, KB_MSG_NEXT_STEPS));
    for (size_t i = 0; i < res->rule->ncheckpoints; i++) {
        const kb_checkpoint *cp = &res->rule->checkpoints[i];
        if (res->checkpoints[i].state != KB_CP_UNKNOWN || cp->context)
            continue;
        fprintf(o->fp, "      - %s", cp->collect.file ? cp->collect.file : cp->feed);
        if (cp->collect.command)
            fprintf(o->fp, ": %s", cp->collect.command);
        fputc('\n', o->fp);
    }
}

/* The deciding checkpoint ids in one state, comma-separated. */
static void print_ids(const out *o, const kb_rule_result *res, kb_cp_state state)
{
    const char *sep = "";
    for (size_t i = 0; i < res->rule->ncheckpoints; i++) {
        if (res->rule->checkpoints[i].context || res->checkpoints[i].state != state)
            continue;
        fprintf(o->fp, "%s%s", sep, res->rule->checkpoints[i].id);
        sep = ", ";
    }
}

/* A near miss: which deciding checkpoints are met, which are not, and the
 * closest facts of each that is not. */
static void print_near_miss(const out *o, const kb_report *r, const kb_rule_result *res)
{
    if (!res->near_miss)
        return;
    fprintf(o->fp, "    ");
    paint(o, C_YELLOW, kb_msg_text(o->lang, KB_MSG_NEAR_MISS));
    fprintf(o->fp, ": %s: ", kb_msg_text(o->lang, KB_MSG_MET));
    print_ids(o, res, KB_CP_MET);
    fprintf(o->fp, "; %s: ", kb_msg_text(o->lang, KB_MSG_NOT_MET));
    print_ids(o, res, KB_CP_NOT_MET);
    fputc('\n', o->fp);
    for (size_t i = 0; i < res->rule->ncheckpoints; i++) {
        const kb_cp_result *cp = &res->checkpoints[i];
        if (!cp->near)
            continue;
        fprintf(o->fp, "      %s: ", cp->cp->id);
        if (cp->near->summary && *cp->near->summary)
            indented(o, cp->near->summary, 8);
        else
            fprintf(o->fp, "%zu %s", cp->near->count, kb_msg_text(o->lang, KB_MSG_NEAR_DEFAULT));
        fputc('\n', o->fp);
        kb_cp_result shown = *cp->near; /* a few; the JSON report has them all */
        if (shown.nevidence > KB_NEAR_SHOWN)
            shown.nevidence = KB_NEAR_SHOWN;
        print_evidence(o, r, &shown);
    }
}

static void print_rule(const out *o, const kb_report *r, const kb_rule_result *res)
{
    char tag[64];
    snprintf(tag, sizeof tag, "%-12s", kb_msg_text(o->lang, verdict_msg(res->verdict)));
    paint(o, verdict_color(res->verdict), tag);
    fprintf(o->fp, " %s\n", res->rule->id);
    fprintf(o->fp, "    %s\n", kb_i18n_get(&res->rule->title, o->lang));
    for (size_t i = 0; i < res->rule->ncheckpoints; i++)
        print_checkpoint(o, r, &res->checkpoints[i]);
    print_near_miss(o, r, res);
    print_remedies(o, res);
    print_collect(o, res);
    fputc('\n', o->fp);
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
    for (size_t k = 0; k < n; k++)
        fprintf(o->fp, "%s%llu %s", k ? ", " : "", (unsigned long long)in->counts[shown[k]],
                in->count_decls[shown[k]].word);
    fputc(']', o->fp);
}

static void print_inputs(const out *o, const kb_report *r)
{
    fprintf(o->fp, "%s:\n", kb_msg_text(o->lang, KB_MSG_INPUTS));
    for (size_t i = 0; i < r->inputs->n; i++) {
        const kb_input *in = &r->inputs->items[i];
        const char *state = kb_input_state_name(in->state);
        int color = in->state == KB_INPUT_OK ? C_GREEN
                  : in->state == KB_INPUT_UNRECOGNISED || in->state == KB_INPUT_SKIPPED ? C_DIM
                  : C_YELLOW;
        char tag[32];
        snprintf(tag, sizeof tag, "%-15s", state);
        fprintf(o->fp, "  ");
        paint(o, color, tag);
        fprintf(o->fp, " %-17s ", in->kind ? in->kind : "-");
        put(o, in->path);
        if (in->encoding)
            fprintf(o->fp, " [%s%s%s]", in->encoding, in->locale ? ", " : "",
                    in->locale ? in->locale : "");
        print_counts(o, in);
        fputc('\n', o->fp);
        if (in->message) {
            fputs("                    ", o->fp);
            put(o, in->message);
            fputc('\n', o->fp);
        }
        for (size_t n = 0; n < in->nnotes && n < 10; n++) {
            fputs("                    ", o->fp);
            if (in->notes[n].where) {
                put(o, in->notes[n].where);
                fputs(": ", o->fp);
            }
            put(o, in->notes[n].message);
            fputc('\n', o->fp);
        }
        size_t hidden = (in->nnotes > 10 ? in->nnotes - 10 : 0) + in->notes_dropped;
        if (hidden)
            fprintf(o->fp, "                    (+%zu %s)\n", hidden,
                    kb_msg_text(o->lang, KB_MSG_MORE_EVIDENCE));
    }
}

/* ---- coverage (coverage.h): before the verdicts ---- */

static void print_coverage_input(const out *o, const kb_report *r, size_t i)
{
    const kb_input *in = &r->inputs->items[i];
    fputs("    ", o->fp);
    put(o, in->path);
    if (in->covers == KB_COVERS_EVENTS) {
        char first[40], last[40];
        kb_time_format(in->first_time, first, sizeof first);
        kb_time_format(in->last_time, last, sizeof last);
        fprintf(o->fp, "  %s", in->channel ? in->channel : "?");
        if (in->first_time != KB_TIME_NONE)
            fprintf(o->fp, "  %s .. %s", first, last);
        if (in->records_walked)
            fprintf(o->fp, "  %llu %s (%llu..%llu)", (unsigned long long)in->records_walked,
                    kb_msg_text(o->lang, KB_MSG_RECORDS), (unsigned long long)in->first_record,
                    (unsigned long long)in->last_record);
    } else {
        fprintf(o->fp, "  %s  ", in->kind);
        if (r->coverage->taken[i] != KB_TIME_NONE) {
            char taken[40];
            kb_cov_format_taken(r->coverage, i, taken, sizeof taken);
            fprintf(o->fp, "%s %s", kb_msg_text(o->lang, KB_MSG_TAKEN), taken);
        } else {
            fputs(kb_msg_text(o->lang, KB_MSG_TAKEN_UNKNOWN), o->fp);
        }
    }
    fputc('\n', o->fp);
}

static void print_coverage(const out *o, const kb_report *r)
{
    const kb_coverage *cov = r->coverage;
    if (!cov)
        return;
    paint(o, C_BOLD, kb_msg_text(o->lang, KB_MSG_COVERAGE));
    fputs(":\n", o->fp);
    for (int logs = 1; logs >= 0; logs--) {
        int header = 0;
        for (size_t i = 0; i < r->inputs->n; i++) {
            const kb_input *in = &r->inputs->items[i];
            if (!in->kind || (in->covers == KB_COVERS_EVENTS) != logs)
                continue;
            if (!header++)
                fprintf(o->fp, "  %s:\n", kb_msg_text(o->lang, logs ? KB_MSG_LOGS : KB_MSG_OUTPUTS));
            print_coverage_input(o, r, i);
        }
    }
    int absent = 0;
    for (size_t i = 0; i < cov->nfeeds; i++) {
        const kb_cov_feed *feed = &cov->feeds[i];
        if (feed->present)
            continue;
        if (!absent++)
            fprintf(o->fp, "  %s:\n", kb_msg_text(o->lang, KB_MSG_NOT_IN_BUNDLE));
        fprintf(o->fp, "    %s", feed->feed);
        if (feed->collect)
            fprintf(o->fp, " (%s)", feed->collect->collect.command);
        fputc('\n', o->fp);
    }
    for (size_t i = 0; i < cov->n; i++) {
        fputs("  ", o->fp);
        paint(o, C_YELLOW, "!");
        fputc(' ', o->fp);
        indented(o, cov->findings[i].say, 4);
        fputc('\n', o->fp);
    }
    if (!cov->n)
        fprintf(o->fp, "  %s\n", kb_msg_text(o->lang, KB_MSG_COVERAGE_OK));
    fputc('\n', o->fp);
}

int kb_report_write_text(FILE *fp, const kb_report *r, int color)
{
    out o = {fp, color, r->lang};
    print_header(&o, r);
    print_coverage(&o, r);
    for (size_t i = 0; i < r->results->n; i++)
        print_rule(&o, r, &r->results->rules[i]);
    print_inputs(&o, r);
    return ferror(fp) ? -1 : 0;
}
