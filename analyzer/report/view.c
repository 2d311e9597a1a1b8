/* view.c: the report view builder (see view.h): every choice of what a
 * report shows is made here, once, for the format asked for. */
#include "report/view.h"
#include "report/errcodes.h"
#include "report/evtmsg.h"

#include <stdlib.h>
#include <string.h>

#define NEAR_SHOWN_TEXT 5    /* closest facts a text report lists per checkpoint */
#define NOTES_SHOWN_TEXT 10  /* notes per input in the text report */
#define NOTES_SHOWN_HTML 20

typedef struct builder {
    kb_view *view;
    const kb_report *r;
    kb_view_format format;
    int failed;
} builder;

/* n zeroed items of size each, or NULL (and the build fails). */
static void *alloc(builder *b, size_t n, size_t size)
{
    void *p = calloc(n + 1, size);
    if (!p)
        b->failed = 1;
    return p;
}

/* ---- sections ---------------------------------------------------------------- */

static void add_section(builder *b, kb_view_section_kind kind, size_t computer)
{
    kb_view *v = b->view;
    v->sections[v->nsections++] = (kb_view_section){.kind = kind, .computer = computer};
}

/* A computer in a text or HTML report: who it is, the answer, the
 * evidence of each rule worth reading, its known harmless findings, then
 * the coverage as counts and problems, and input by input. */
static void add_computer(builder *b, size_t c)
{
    kb_view *v = b->view;
    add_section(b, KB_SECTION_SUMMARY, c);
    add_section(b, KB_SECTION_ANSWER, c);
    add_section(b, KB_SECTION_RULES, c);
    if (v->computers[c].nharmless)
        add_section(b, KB_SECTION_HARMLESS, c);
    if (v->computers[c].coverage.known) {
        add_section(b, KB_SECTION_COVERAGE, c);
        add_section(b, KB_SECTION_COVERAGE_ROWS, c);
    }
}

/* The order of a report, per format. Text and HTML lead with the answer
 * (each computer's), then its evidence, then what the bundle covers, then
 * the inputs; text ends with the run in one line, the last thing left on
 * the screen. JSON follows its schema (docs/report-format.md). */
static void choose_sections(builder *b)
{
    kb_view *v = b->view;
    v->sections = alloc(b, 8 + 7 * v->ncomputers, sizeof *v->sections);
    if (!v->sections)
        return;
    if (b->format == KB_VIEW_JSON) {
        add_section(b, KB_SECTION_RUN, KB_VIEW_EVERY);
        if (v->several) {
            add_section(b, KB_SECTION_SUMMARY, KB_VIEW_EVERY);
            add_section(b, KB_SECTION_INPUTS, KB_VIEW_EVERY);
            add_section(b, KB_SECTION_COMPUTERS, KB_VIEW_EVERY);
            add_section(b, KB_SECTION_UNASSIGNED, KB_VIEW_EVERY);
            add_section(b, KB_SECTION_COVERAGE, KB_VIEW_EVERY); /* null: each computer has its own */
            add_section(b, KB_SECTION_RULES, KB_VIEW_EVERY);
            return;
        }
        for (size_t c = 0; c < v->ncomputers; c++)
            add_section(b, KB_SECTION_SUMMARY, c);
        add_section(b, KB_SECTION_INPUTS, KB_VIEW_EVERY);
        for (size_t c = 0; c < v->ncomputers; c++) {
            add_section(b, KB_SECTION_COVERAGE, c); /* null when not computed */
            add_section(b, KB_SECTION_RULES, c);
        }
        return;
    }
    if (b->format == KB_VIEW_TEXT)
        add_section(b, KB_SECTION_RUN, KB_VIEW_EVERY);
    if (v->several)
        add_section(b, KB_SECTION_COMPUTERS, KB_VIEW_EVERY);
    for (size_t c = 0; c < v->ncomputers; c++)
        add_computer(b, c);
    if (v->nunassigned)
        add_section(b, KB_SECTION_UNASSIGNED, KB_VIEW_EVERY);
    add_section(b, KB_SECTION_INPUTS, KB_VIEW_EVERY);
    if (b->format == KB_VIEW_HTML)
        add_section(b, KB_SECTION_RUN, KB_VIEW_EVERY);
    else
        add_section(b, KB_SECTION_TOTAL, KB_VIEW_EVERY);
}

/* ---- evidence ------------------------------------------------------------------ */

static void add_value(builder *b, kb_view_evidence *row, const char *name, const char *value)
{
    kb_view_value *val = &row->values[row->nvalues++];
    val->name = name;
    val->value = value;
    /* JSON lists each code apart, with its name and meaning. */
    if (b->format != KB_VIEW_JSON && value)
        val->annotation = kb_code_annotation(value);
}

/* The values of a piece of evidence: the checkpoint's `show` fields (a
 * text line holds those that fit on one line; an HTML table has a cell for
 * each); JSON, with no `show`, gives every field and extracted value. */
static void evidence_values(builder *b, const kb_checkpoint *cp, kb_view_evidence *row)
{
    const kb_evidence *ev = row->evidence;
    int all = b->format == KB_VIEW_JSON && !cp->nshow;
    row->values = alloc(b, all ? ev->fact->nfields + ev->nextra : cp->nshow, sizeof *row->values);
    if (!row->values)
        return;
    if (all) {
        for (size_t i = 0; i < ev->fact->nfields; i++)
            add_value(b, row, ev->fact->fields[i].name, ev->fact->fields[i].value);
        for (size_t i = 0; i < ev->nextra; i++)
            add_value(b, row, ev->extra[i].name, ev->extra[i].value);
        return;
    }
    for (size_t s = 0; s < cp->nshow; s++) {
        const char *v = kb_evidence_get(ev, cp->show[s]);
        if (b->format == KB_VIEW_HTML || (b->format == KB_VIEW_JSON && v) ||
            (b->format == KB_VIEW_TEXT && v && *v && !strchr(v, '\n')))
            add_value(b, row, cp->show[s], v);
    }
}

/* An insertion string of Windows Server Backup that is one of its decimal
 * error codes: "2155348129" becomes "0x807800a1", and the parameter
 * reference "%%2155348129" (where Event Viewer puts the code's text) its
 * name and meaning; else NULL. */
/* What a Windows Server Backup code means when no Windows header names
 * it (its facility's codes are in none): the text and KB article the
 * rules' table of its codes gives (rules/tables/wsb-error-codes.json), or
 * NULL. */
static char *wsb_table_text(const builder *b, uint32_t hr)
{
    const kb_table *t = b->r->rules ? kb_table_find(b->r->rules, "wsb-error-codes") : NULL;
    long hex = t ? kb_table_column(t, "hex") : -1, text = t ? kb_table_column(t, "text") : -1;
    long kb = t ? kb_table_column(t, "kb") : -1;
    if (hex < 0 || text < 0)
        return NULL;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *h = t->cells[r * t->ncolumns + (size_t)hex];
        const char *x = t->cells[r * t->ncolumns + (size_t)text];
        uint32_t v;
        if (!h || !x || kb_code_parse(h, &v) != 0 || v != hr)
            continue;
        const char *ref = kb >= 0 ? t->cells[r * t->ncolumns + (size_t)kb] : NULL;
        kb_buf out = KB_BUF_INIT;
        kb_buf_puts(&out, x);
        if (ref && *ref)
            kb_buf_printf(&out, " (%s)", ref);
        return kb_buf_take(&out);
    }
    return NULL;
}

static char *wsb_code(const builder *b, const char *provider, const char *s)
{
    uint32_t hr;
    if (!kb_strcaseeq(provider, "Microsoft-Windows-Backup") || !s)
        return NULL;
    int reference = s[0] == '%' && s[1] == '%';
    if (kb_evtmsg_wsb_hresult(reference ? s + 2 : s, &hr) != 0 || hr < 0x80000000u)
        return NULL;
    if (!reference) {
        char hex[16];
        snprintf(hex, sizeof hex, "0x%08x", hr);
        return kb_strdup(hex);
    }
    kb_code_info info;
    int named = kb_code_explain(hr, &info);
    if (named < 0)
        return NULL;
    char *known = named ? NULL : wsb_table_text(b, hr);
    kb_buf out = KB_BUF_INIT;
    if (known)
        kb_buf_puts(&out, known);
    else
        kb_buf_printf(&out, "%s%s%s", info.name, *info.name ? ": " : "", info.meaning);
    free(known);
    kb_code_info_free(&info);
    return kb_buf_take(&out);
}

#define MESSAGE_STRINGS 64  /* insertion strings used in a message (%1..%64) */

/* An event's message as Event Viewer shows it: the built-in table's text
 * (evtmsg.h) for its provider, id and qualifiers, filled with its
 * insertion strings; NULL when the table has no text for it. */
static char *event_message(builder *b, kb_view_evidence *row)
{
    const kb_fact *f = row->fact;
    const char *provider = kb_fact_get(f, "provider");
    const char *id = kb_fact_get(f, "event_id");
    const char *qual = kb_fact_get(f, "qualifiers");
    const char *nstr = kb_fact_get(f, "strings");
    if (!provider || !*provider || !id)
        return NULL;
    uint32_t event_id = (uint32_t)strtoul(id, NULL, 10);
    if (qual)
        event_id |= (uint32_t)strtoul(qual, NULL, 10) << 16;
    kb_evtmsg msg;
    if (!kb_evtmsg_find(provider, event_id, 0, &msg) &&
        !(qual && kb_evtmsg_find(provider, event_id & 0xFFFFu, 0, &msg)))
        return NULL;
    row->message_windows = msg.windows;
    size_t n = nstr ? strtoul(nstr, NULL, 10) : 0;
    if (n > MESSAGE_STRINGS)
        n = MESSAGE_STRINGS;
    const char *strings[MESSAGE_STRINGS];
    char *decoded[MESSAGE_STRINGS] = {0};
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof name, "data%zu", i + 1);
        strings[i] = kb_fact_get(f, name);
        decoded[i] = wsb_code(b, provider, strings[i]);
        if (decoded[i])
            strings[i] = decoded[i];
    }
    kb_buf out = KB_BUF_INIT;
    kb_buf_puts(&out, "");
    kb_evtmsg_result rc = kb_evtmsg_render(msg.text, strings, n, &out);
    for (size_t i = 0; i < n; i++)
        free(decoded[i]);
    if (rc == KB_EVTMSG_NOMEM)
        b->failed = 1;
    char *text = kb_buf_take(&out);
    /* A text report gives its first paragraph: one line or a few per event. */
    char *blank = b->format == KB_VIEW_TEXT && text ? strstr(text, "\n\n") : NULL;
    if (blank)
        *blank = '\0';
    return text;
}

/* The first shown of a result's evidence as rows. */
static void evidence_rows(builder *b, const kb_checkpoint *cp, const kb_cp_result *res, size_t shown,
                          kb_view_rows *rows)
{
    if (shown > res->nevidence)
        shown = res->nevidence;
    rows->more = res->count - shown;
    rows->items = alloc(b, shown, sizeof *rows->items);
    for (size_t i = 0; i < shown && rows->items; i++) {
        kb_view_evidence *row = &rows->items[rows->n++];
        row->evidence = &res->evidence[i];
        row->fact = res->evidence[i].fact;
        row->path = b->r->inputs->items[row->fact->input].path;
        row->event = row->fact->record != 0;
        rows->nevents += row->event;
        if (row->event)
            row->message = event_message(b, row);
        evidence_values(b, cp, row);
    }
}

/* ---- rules ------------------------------------------------------------------------ */

static kb_msg verdict_msg(const kb_rule_result *res)
{
    if (kb_result_harmless(res))
        return KB_MSG_HARMLESS;
    kb_verdict v = res->verdict;
    return v == KB_VERDICT_MATCHED ? KB_MSG_MATCHED
         : v == KB_VERDICT_NOT_MATCHED ? KB_MSG_NOT_MATCHED : KB_MSG_CANNOT_TELL;
}

/* Whether a rule that did not match has closest facts to tell (the same
 * event with another value, engine.c): then it is worth its block. */
static int has_close_facts(const kb_rule_result *res)
{
    for (size_t c = 0; c < res->rule->ncheckpoints; c++)
        if (res->checkpoints[c].near)
            return 1;
    return 0;
}

/* A text report gives a block to what is worth reading: a match, a known
 * harmless finding, a near miss or closest facts, a cannot tell with a
 * symptom seen; the other rules are named in one line each kind. HTML and
 * JSON show every rule. */
static kb_view_show how_shown(const builder *b, const kb_rule_result *res)
{
    if (b->format != KB_VIEW_TEXT)
        return KB_SHOW_BLOCK;
    if (res->verdict == KB_VERDICT_CANNOT_TELL)
        return res->quiet ? KB_SHOW_QUIET : KB_SHOW_BLOCK;
    if (res->verdict == KB_VERDICT_NOT_MATCHED && !res->near_miss && !has_close_facts(res))
        return KB_SHOW_NOT_MATCHED;
    return KB_SHOW_BLOCK;
}

/* The inputs of an unknown checkpoint that are damaged or unreadable, or
 * the files this machine could not read that it may need. */
static void damaged_inputs(builder *b, const kb_cp_result *res, kb_view_checkpoint *vc)
{
    if (res->state != KB_CP_UNKNOWN || (res->why != KB_WHY_DAMAGED && res->why != KB_WHY_UNREADABLE))
        return;
    vc->unreadable = res->why == KB_WHY_UNREADABLE;
    vc->damaged = alloc(b, res->ninputs, sizeof *vc->damaged);
    for (size_t i = 0; i < res->ninputs && vc->damaged; i++) {
        const kb_input *in = &b->r->inputs->items[res->inputs[i]];
        if (in->state == KB_INPUT_DAMAGED || in->state == KB_INPUT_ERROR)
            vc->damaged[vc->ndamaged++] = in;
    }
}

/* Whether the checkpoint itself says what to ask the customer for: JSON
 * gives the collect advice of every unknown checkpoint; text and HTML of
 * those with a command, text not for context checkpoints. */
static int asks(const builder *b, const kb_cp_result *res)
{
    /* A file this machine could not read is not the customer's to send again. */
    if (res->state != KB_CP_UNKNOWN || res->why == KB_WHY_UNREADABLE)
        return 0;
    if (b->format == KB_VIEW_JSON)
        return 1;
    /* A context checkpoint decides nothing: no request of its own (the
     * coverage names what is not in the bundle). */
    return res->cp->collect.command && !res->cp->context;
}

static void near_facts(builder *b, const kb_cp_result *res, kb_view_checkpoint *vc)
{
    if (!res->near)
        return;
    vc->near = res->near;
    vc->near_say = res->near->summary && *res->near->summary ? res->near->summary : NULL;
    /* A text report lists a few; the other reports have them all. */
    evidence_rows(b, res->cp, res->near, b->format == KB_VIEW_TEXT ? NEAR_SHOWN_TEXT : res->near->nevidence,
                  &vc->near_rows);
}

/* The title without the context word its tag says already: "Context: X"
 * and "参考: X" become "X", "Checkpoint 2 (context): X" "Checkpoint 2: X". */
static char *context_title(builder *b, const kb_checkpoint *cp)
{
    static const char *const prefixes[] = {"Context: ", "参考: "};
    static const char *const words[] = {" (context)", " (参考)"};
    const char *title = kb_i18n_get(&cp->title, b->r->lang);
    if (!cp->context)
        return kb_strdup(title);
    for (size_t i = 0; i < 2; i++)
        if (strncmp(title, prefixes[i], strlen(prefixes[i])) == 0 && title[strlen(prefixes[i])])
            return kb_strdup(title + strlen(prefixes[i]));
    for (size_t i = 0; i < 2; i++) {
        const char *w = strstr(title, words[i]);
        if (w) {
            kb_buf t = KB_BUF_INIT;
            kb_buf_append(&t, title, (size_t)(w - title));
            kb_buf_puts(&t, w + strlen(words[i]));
            return kb_buf_take(&t);
        }
    }
    return kb_strdup(title);
}

static void build_checkpoint(builder *b, const kb_cp_result *res, kb_view_checkpoint *vc)
{
    static const kb_msg states[] = {KB_MSG_MET, KB_MSG_NOT_MET, KB_MSG_UNKNOWN};
    static const char *const classes[] = {"met", "not_met", "unknown"};
    const kb_checkpoint *cp = res->cp;
    vc->result = res;
    vc->cp = cp;
    vc->state = cp->context ? KB_MSG_CONTEXT : states[res->state];
    vc->state_class = cp->context ? "context" : classes[res->state];
    vc->title = context_title(b, cp);
    if (!vc->title)
        b->failed = 1;
    vc->summary = res->summary && *res->summary ? res->summary : NULL;
    vc->why = res->state == KB_CP_UNKNOWN && res->why != KB_WHY_INPUT_SAYS;
    vc->why_msg = res->why == KB_WHY_MISSING ? KB_MSG_MISSING
                : res->why == KB_WHY_UNREADABLE ? KB_MSG_UNREADABLE : KB_MSG_DAMAGED;
    damaged_inputs(b, res, vc);
    vc->ask = asks(b, res);
    evidence_rows(b, cp, res, res->nevidence, &vc->rows);
    vc->event_span = vc->rows.nevents && res->count > 1;
    near_facts(b, res, vc);
}

/* The deciding checkpoint ids of a near miss, by state. */
static void near_ids(builder *b, const kb_rule_result *res, kb_view_rule *vr)
{
    if (!res->near_miss)
        return;
    vr->near_miss = 1;
    for (int state = KB_CP_MET; state <= KB_CP_UNKNOWN; state++) {
        kb_view_ids *ids = &vr->near_ids[state];
        ids->ids = alloc(b, res->rule->ncheckpoints, sizeof *ids->ids);
        for (size_t i = 0; i < res->rule->ncheckpoints && ids->ids; i++)
            if (!res->rule->checkpoints[i].context && (int)res->checkpoints[i].state == state)
                ids->ids[ids->n++] = res->rule->checkpoints[i].id;
    }
}

static void add_unreadable(const kb_input *in, const kb_input **list, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        if (list[i] == in)
            return;
    list[(*n)++] = in;
}

/* What would settle a rule that cannot tell: its unknown deciding
 * checkpoints, the customer's to collect, and the files this machine
 * could not read, to make readable here. */
static void what_to_collect(builder *b, const kb_rule_result *res, kb_view_rule *vr)
{
    if (res->verdict != KB_VERDICT_CANNOT_TELL)
        return;
    vr->collect_shown = 1;
    vr->collect = alloc(b, res->rule->ncheckpoints, sizeof *vr->collect);
    vr->unreadable = alloc(b, b->r->inputs->n, sizeof *vr->unreadable);
    for (size_t i = 0; i < res->rule->ncheckpoints && vr->collect && vr->unreadable; i++) {
        const kb_cp_result *cr = &res->checkpoints[i];
        if (cr->state != KB_CP_UNKNOWN || res->rule->checkpoints[i].context)
            continue;
        if (cr->why != KB_WHY_UNREADABLE) {
            vr->collect[vr->ncollect++] = &res->rule->checkpoints[i];
            continue;
        }
        for (size_t k = 0; k < cr->ninputs; k++)
            add_unreadable(&b->r->inputs->items[cr->inputs[k]], vr->unreadable, &vr->nunreadable);
    }
}

/* Rule index of results, numbered from first for anchors that are unique
 * over the computers. */
static void build_rule(builder *b, const kb_results *results, size_t index, size_t first, kb_view_rule *vr)
{
    const kb_rule_result *res = &results->rules[index];
    vr->result = res;
    vr->index = first + index;
    vr->verdict = verdict_msg(res);
    vr->show = how_shown(b, res);
    vr->harmless = kb_result_harmless(res);
    vr->severity_shown = res->verdict == KB_VERDICT_MATCHED;
    vr->checkpoints = alloc(b, res->rule->ncheckpoints, sizeof *vr->checkpoints);
    for (size_t c = 0; c < res->rule->ncheckpoints && vr->checkpoints; c++) {
        build_checkpoint(b, &res->checkpoints[c], &vr->checkpoints[c]);
        vr->ncheckpoints++;
        vr->close_facts |= !res->near_miss && res->checkpoints[c].near;
        /* Only HTML draws a timeline: of the checkpoints' events, if any. */
        vr->timeline |= b->format == KB_VIEW_HTML && res->checkpoints[c].ntimes > 0;
    }
    near_ids(b, res, vr);
    /* a quiet rule asks nothing of its own: the coverage names the feeds absent */
    if (!res->quiet)
        what_to_collect(b, res, vr);
}

/* The known harmless findings and the rules named in one line. */
static void sort_rules(builder *b, kb_view_computer *c)
{
    c->harmless = alloc(b, c->nrules, sizeof *c->harmless);
    c->not_matched = alloc(b, c->nrules, sizeof *c->not_matched);
    c->quiet = alloc(b, c->nrules, sizeof *c->quiet);
    for (size_t i = 0; i < c->nrules && c->harmless && c->not_matched && c->quiet; i++) {
        const kb_view_rule *vr = &c->rules[i];
        if (vr->harmless)
            c->harmless[c->nharmless++] = vr;
        if (vr->show == KB_SHOW_NOT_MATCHED)
            c->not_matched[c->nnot_matched++] = vr;
        if (vr->show == KB_SHOW_QUIET)
            c->quiet[c->nquiet++] = vr;
    }
}

/* ---- the answer ------------------------------------------------------------------ */

/* Why a matched rule matched: its first deciding checkpoint met that says
 * so in a sentence. Why one cannot tell: its first unknown deciding
 * checkpoint's title (what is not known). */
static const char *answer_reason(const builder *b, const kb_view_rule *vr, kb_view_answer *a)
{
    const kb_rule_result *res = vr->result;
    if (vr->harmless) {
        const char *why = kb_i18n_get(&res->rule->summary, b->r->lang);
        return *why ? why : NULL;
    }
    kb_cp_state want = res->verdict == KB_VERDICT_MATCHED ? KB_CP_MET : KB_CP_UNKNOWN;
    for (size_t i = 0; i < vr->ncheckpoints; i++) {
        const kb_view_checkpoint *vc = &vr->checkpoints[i];
        if (vc->cp->context || vc->result->state != want)
            continue;
        if (want == KB_CP_MET && vc->summary)
            return vc->summary;
        if (want == KB_CP_UNKNOWN) {
            a->reason_why = vc->why;
            a->why_msg = vc->why_msg;
            return kb_i18n_get(&vc->cp->title, b->r->lang);
        }
    }
    return NULL;
}

/* The first thing to do: the first remedy of a match (none when another
 * rule explains it: that rule's), what to collect for a cannot tell. */
static void answer_todo(const builder *b, const kb_view_rule *vr, kb_view_answer *a)
{
    const kb_rule_result *res = vr->result;
    if (vr->harmless)
        return;
    if (res->nexplained_by) {
        a->todo_kind = KB_MSG_EXPLAINED_BY;
        a->todo = res->explained_by[0]->id;
        return;
    }
    if (res->verdict == KB_VERDICT_MATCHED && res->nremedies) {
        a->todo_kind = KB_MSG_REMEDIES;
        a->todo = kb_i18n_get(&res->remedies[0].remedy->title, b->r->lang);
        a->todo_command = res->remedies[0].commands.n ? res->remedies[0].commands.items[0] : NULL;
        return;
    }
    if (res->verdict == KB_VERDICT_CANNOT_TELL && vr->ncollect) {
        const kb_checkpoint *cp = vr->collect[0];
        a->todo_kind = KB_MSG_NEXT_STEPS;
        a->todo = cp->collect.file ? cp->collect.file : cp->feed;
        a->todo_command = cp->collect.command;
    } else if (res->verdict == KB_VERDICT_CANNOT_TELL && vr->nunreadable) {
        a->todo_kind = KB_MSG_READ_AGAIN;
        a->todo = vr->unreadable[0]->path;
    }
}

/* A computer's answer: its matches, then what cannot be told, then the
 * known harmless findings; the rules not matched are counted (and named
 * when asked). A quiet cannot tell (no symptom seen) is not an answer. */
static void build_answer(builder *b, kb_view_computer *c)
{
    static const kb_msg order[] = {KB_MSG_MATCHED, KB_MSG_CANNOT_TELL, KB_MSG_HARMLESS};
    c->answers = alloc(b, c->nrules, sizeof *c->answers);
    c->list_not_matched = b->r->show_not_matched;
    for (size_t i = 0; i < c->nrules; i++)
        c->nnot_matched_all += c->rules[i].verdict == KB_MSG_NOT_MATCHED;
    for (size_t k = 0; k < 3 && c->answers; k++)
        for (size_t i = 0; i < c->nrules; i++) {
            kb_view_rule *vr = &c->rules[i];
            if (vr->verdict != order[k] || vr->result->quiet)
                continue;
            vr->in_answer = 1;
            kb_view_answer *a = &c->answers[c->nanswers++];
            a->rule = vr;
            a->reason = answer_reason(b, vr, a);
            answer_todo(b, vr, a);
        }
}

/* The run in one line: the counts over every computer. */
static void build_total(builder *b)
{
    kb_view *v = b->view;
    kb_view_total *t = &v->total;
    t->computers = v->ncomputers;
    t->exit_status = b->r->exit_status;
    for (size_t k = 0; k < v->ncomputers; k++)
        for (size_t i = 0; i < v->computers[k].nrules; i++) {
            const kb_view_rule *vr = &v->computers[k].rules[i];
            if (vr->harmless)
                t->harmless++;
            else if (kb_result_counts(vr->result))
                t->matched += vr->result->verdict == KB_VERDICT_MATCHED,
                t->cannot_tell += vr->result->verdict == KB_VERDICT_CANNOT_TELL;
        }
    t->inputs = b->r->inputs->n;
    for (size_t i = 0; i < b->r->inputs->n; i++) {
        const kb_input *in = &b->r->inputs->items[i];
        t->damaged += in->state == KB_INPUT_DAMAGED;
        t->damaged += in->state == KB_INPUT_ERROR;
        t->unrecognised += in->state == KB_INPUT_UNRECOGNISED;
    }
}

/* ---- coverage ------------------------------------------------------------------- */

static void coverage_row(builder *b, const kb_coverage *cov, size_t i, kb_view_cov_row *row)
{
    const kb_input *in = &b->r->inputs->items[i];
    const kb_cov_log *log = &cov->logs[i];
    row->input = in;
    row->index = i;
    row->log = kb_input_is_log(in);
    row->first_time = row->last_time = KB_TIME_NONE;
    if (row->log) {
        row->channel = log->channel;
        row->first_time = log->first_time;
        row->last_time = log->last_time;
        row->has_records = log->records != 0;
        row->records = log->records;
        row->first_record = log->first_record;
        row->last_record = log->last_record;
    }
    if (cov->taken[i] != KB_TIME_NONE) {
        kb_cov_format_taken(cov, i, row->taken, sizeof row->taken);
        row->taken_from = cov->taken_from[i];
    }
}

static void build_coverage(builder *b, const kb_coverage *cov, kb_view_coverage *vc)
{
    const kb_inputs *inputs = b->r->inputs;
    if (!cov)
        return;
    vc->known = 1;
    vc->rows = alloc(b, inputs->n, sizeof *vc->rows);
    vc->logs = alloc(b, inputs->n, sizeof *vc->logs);
    vc->outputs = alloc(b, inputs->n, sizeof *vc->outputs);
    vc->absent = alloc(b, cov->nfeeds, sizeof *vc->absent);
    vc->unreadable = alloc(b, inputs->n, sizeof *vc->unreadable);
    if (!vc->rows || !vc->logs || !vc->outputs || !vc->absent || !vc->unreadable)
        return;
    for (size_t i = 0; i < inputs->n; i++) {
        if (inputs->items[i].local_error && kb_cov_in_scope(cov, i))
            vc->unreadable[vc->nunreadable++] = &inputs->items[i];
        const kb_input *in = &inputs->items[i];
        /* An archive or a file of several outputs: its members are the
         * inputs; it counts itself only when it is damaged. */
        int container = in->kind && !kb_input_is_content(in);
        if (!kb_cov_in_scope(cov, i) || (container && in->state == KB_INPUT_OK))
            continue;
        vc->ninputs++;
        vc->ndamaged += in->state == KB_INPUT_DAMAGED || in->state == KB_INPUT_ERROR;
        vc->nunrecognised += in->state == KB_INPUT_UNRECOGNISED;
        vc->nok += in->state == KB_INPUT_OK;
        if (!in->kind || container)
            continue; /* not recognised, or a container: no coverage to speak of */
        kb_view_cov_row *row = &vc->rows[vc->nrows++];
        coverage_row(b, cov, i, row);
        if (row->log)
            vc->logs[vc->nlogs++] = row;
        else
            vc->outputs[vc->noutputs++] = row;
    }
    vc->feeds = cov->feeds;
    vc->nfeeds = cov->nfeeds;
    for (size_t i = 0; i < cov->nfeeds; i++)
        if (!cov->feeds[i].present && !cov->feeds[i].unreadable)
            vc->absent[vc->nabsent++] = &cov->feeds[i];
    vc->findings = cov->findings;
    vc->nfindings = cov->n;
}

const char *kb_view_kind(const kb_input *in)
{
    return in->label ? in->label : in->kind;
}

void kb_view_feed(const kb_cov_feed *feed, kb_lang lang, kb_buf *out)
{
    static const char channel[] = "eventlog:";
    if (strncmp(feed->feed, channel, sizeof channel - 1) == 0 && feed->feed[sizeof channel - 1])
        kb_buf_printf(out, "%s %s", feed->feed + sizeof channel - 1, kb_msg_noun(lang, KB_NOUN_LOG));
    else
        kb_buf_puts(out, feed->collect && feed->collect->collect.file ? feed->collect->collect.file : feed->feed);
}

/* ---- computers and inputs --------------------------------------------------------- */

/* JSON gives the virtualisation as found; text shows one when there is
 * one, HTML next to the OS. */
static const char *shown_virtualization(const builder *b, const char *virt, const char *os)
{
    int shown = virt && strcmp(virt, "none") != 0;
    return b->format == KB_VIEW_JSON ? virt
         : b->format == KB_VIEW_HTML ? (shown && os ? virt : NULL)
         : shown ? virt : NULL;
}

static kb_msg outcome_of(int exit_status)
{
    return exit_status == 1 ? KB_MSG_MATCHED : exit_status == 3 ? KB_MSG_CANNOT_TELL : KB_MSG_NOT_MATCHED;
}

static void build_rules(builder *b, const kb_results *results, size_t first, kb_view_computer *c)
{
    c->rules = alloc(b, results->n, sizeof *c->rules);
    for (size_t i = 0; i < results->n && c->rules; i++)
        build_rule(b, results, i, first, &c->rules[c->nrules++]);
    sort_rules(b, c);
    build_answer(b, c);
}

/* The one computer of a bundle: the bundle summary (summary.c). */
static void build_one_computer(builder *b)
{
    kb_view *v = b->view;
    const kb_report *r = b->r;
    v->computers = alloc(b, 1, sizeof *v->computers);
    if (!v->computers)
        return;
    kb_view_computer *c = &v->computers[v->ncomputers++];
    const kb_computers *all = r->computers;
    c->number = 1;
    c->name = r->computer;
    c->also_named = all && all->n ? all->items[0].also_named : NULL;
    c->os = r->os;
    c->virtualization = shown_virtualization(b, r->virtualization, r->os);
    c->first_time = r->first_time;
    c->last_time = r->last_time;
    c->exit_status = kb_results_exit_status(r->results);
    c->outcome = outcome_of(c->exit_status);
    build_coverage(b, r->coverage, &c->coverage);
    build_rules(b, r->results, 0, c);
}

/* Each computer of a bundle of several, with its own coverage and rules. */
static void build_several(builder *b)
{
    kb_view *v = b->view;
    const kb_computers *all = b->r->computers;
    v->several = 1;
    v->computers = alloc(b, all->n, sizeof *v->computers);
    for (size_t k = 0; k < all->n && v->computers; k++) {
        const kb_computer *src = &all->items[k];
        kb_view_computer *c = &v->computers[v->ncomputers++];
        c->number = k + 1;
        c->name = src->name;
        c->also_named = src->also_named;
        c->os = src->os;
        c->virtualization = shown_virtualization(b, src->virtualization, src->os);
        c->first_time = src->first_time;
        c->last_time = src->last_time;
        c->exit_status = src->exit_status;
        c->outcome = outcome_of(src->exit_status);
        c->inputs = src->inputs;
        c->ninputs = src->ninputs;
        build_coverage(b, &src->coverage, &c->coverage);
        build_rules(b, &src->results, k * src->results.n, c);
    }
    v->unassigned = alloc(b, all->nunassigned, sizeof *v->unassigned);
    for (size_t u = 0; u < all->nunassigned && v->unassigned; u++) {
        const kb_unassigned *src = &all->unassigned[u];
        kb_view_unassigned *row = &v->unassigned[v->nunassigned++];
        row->input = &b->r->inputs->items[src->input];
        row->folder = src->folder;
        for (int n = 0; n < 2; n++)
            if (src->computers[n] < all->n)
                row->computers[row->ncomputers++] = all->items[src->computers[n]].name;
    }
}

static void build_computers(builder *b)
{
    if (b->r->computers && b->r->computers->n > 1)
        build_several(b);
    else
        build_one_computer(b);
}

/* Whose each input is, when there are several computers. */
static void inputs_computers(builder *b)
{
    kb_view *v = b->view;
    for (size_t k = 0; k < v->ncomputers; k++)
        for (size_t m = 0; m < v->computers[k].ninputs; m++) {
            size_t i = v->computers[k].inputs[m].input;
            kb_view_input *row = i < v->ninputs ? &v->inputs[i] : NULL;
            if (!row)
                continue;
            if (!row->computers)
                row->computers = alloc(b, v->ncomputers, sizeof *row->computers);
            if (row->computers && row->ncomputers < v->ncomputers)
                row->computers[row->ncomputers++] = &v->computers[k];
        }
}

static void build_inputs(builder *b)
{
    kb_view *v = b->view;
    const kb_inputs *inputs = b->r->inputs;
    v->inputs = alloc(b, inputs->n, sizeof *v->inputs);
    size_t limit = b->format == KB_VIEW_TEXT ? NOTES_SHOWN_TEXT
                 : b->format == KB_VIEW_HTML ? NOTES_SHOWN_HTML : (size_t)-1;
    for (size_t i = 0; i < inputs->n && v->inputs; i++) {
        const kb_input *in = &inputs->items[i];
        kb_view_input *row = &v->inputs[v->ninputs++];
        row->input = in;
        row->counts_records = kb_input_is_log(in);
        row->counts_lines = in->encoding != NULL;
        row->nnotes = in->nnotes < limit ? in->nnotes : limit;
        row->hidden = in->nnotes - row->nnotes + in->notes_dropped;
    }
    if (v->several)
        inputs_computers(b);
}

kb_status kb_view_build(const kb_report *r, kb_view_format format, kb_view *view)
{
    memset(view, 0, sizeof *view);
    builder b = {.view = view, .r = r, .format = format};
    view->format = format;
    view->report = r;
    view->lang = r->lang;
    build_computers(&b);
    view->title = r->computer && !view->several ? r->computer : r->npaths ? r->paths[0] : "bundle";
    build_inputs(&b);
    build_total(&b);
    if (!b.failed)
        choose_sections(&b);
    return b.failed ? KB_ERR_NOMEM : KB_OK;
}

/* ---- freeing ------------------------------------------------------------------------ */

static void free_rows(kb_view_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++) {
        for (size_t k = 0; k < rows->items[i].nvalues; k++)
            free(rows->items[i].values[k].annotation);
        free(rows->items[i].message);
        free(rows->items[i].values);
    }
    free(rows->items);
}

static void free_rule(kb_view_rule *vr)
{
    for (size_t c = 0; c < vr->ncheckpoints; c++) {
        free(vr->checkpoints[c].damaged);
        free(vr->checkpoints[c].title);
        free_rows(&vr->checkpoints[c].rows);
        free_rows(&vr->checkpoints[c].near_rows);
    }
    free(vr->checkpoints);
    for (int s = 0; s < 3; s++)
        free(vr->near_ids[s].ids);
    free(vr->collect);
    free(vr->unreadable);
}

void kb_view_free(kb_view *view)
{
    for (size_t c = 0; c < view->ncomputers; c++) {
        kb_view_computer *comp = &view->computers[c];
        for (size_t i = 0; i < comp->nrules; i++)
            free_rule(&comp->rules[i]);
        free(comp->rules);
        free(comp->coverage.rows);
        free(comp->coverage.logs);
        free(comp->coverage.outputs);
        free(comp->coverage.absent);
        free(comp->harmless);
        free(comp->not_matched);
        free(comp->quiet);
        free(comp->answers);
        free(comp->coverage.unreadable);
    }
    free(view->computers);
    for (size_t i = 0; i < view->ninputs; i++)
        free(view->inputs[i].computers);
    free(view->inputs);
    free(view->unassigned);
    free(view->sections);
    memset(view, 0, sizeof *view);
}
