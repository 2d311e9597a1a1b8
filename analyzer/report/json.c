/* json.c: the JSON report (format: docs/report-format.md), built with
 * cJSON from the report view (view.h): each section of the view is one key
 * of the report, written as it is built (see "writing" below). Volatile fields (when and how long the run took, the
 * kbscan version) sit under "analysis" and "kbscan" so tests can set them
 * aside. */
#include "report/view.h"

#include "report/errcodes.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static void add_time(cJSON *obj, const char *key, int64_t t)
{
    if (t == KB_TIME_NONE) {
        cJSON_AddNullToObject(obj, key);
        return;
    }
    char buf[40];
    kb_time_format(t, buf, sizeof buf);
    cJSON_AddStringToObject(obj, key, buf);
}

/* Strings that may come from file names go through kb_utf8_visible:
 * JSON must be UTF-8, file names need not be. */
static void add_string_or_null(cJSON *obj, const char *key, const char *value)
{
    char *clean = kb_utf8_visible(value);
    if (clean)
        cJSON_AddStringToObject(obj, key, clean);
    else
        cJSON_AddNullToObject(obj, key);
    free(clean);
}

static cJSON *clean_string(const char *value)
{
    char *clean = kb_utf8_visible(value);
    cJSON *s = cJSON_CreateString(clean ? clean : "");
    free(clean);
    return s;
}

static cJSON *strlist_json(const kb_strlist *l)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < l->n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(l->items[i]));
    return a;
}

static cJSON *input_json(const kb_view_input *row)
{
    const kb_input *in = row->input;
    cJSON *o = cJSON_CreateObject();
    add_string_or_null(o, "path", in->path);
    cJSON_AddStringToObject(o, "kind", in->kind ? in->kind : "not_recognised");
    add_string_or_null(o, "encoding", in->encoding);
    add_string_or_null(o, "locale", in->locale);
    cJSON_AddStringToObject(o, "status", kb_input_state_name(in->state));
    add_string_or_null(o, "message", in->message);
    cJSON *feeds = cJSON_AddArrayToObject(o, "feeds");
    for (size_t i = 0; i < in->nfeeds; i++)
        cJSON_AddItemToArray(feeds, cJSON_CreateString(in->feeds[i]));
    cJSON *counts = cJSON_AddObjectToObject(o, "counts");
    cJSON_AddNumberToObject(counts, "bytes", (double)in->bytes);
    if (row->counts_lines)
        cJSON_AddNumberToObject(counts, "lines", (double)in->lines);
    for (size_t k = 0; k < in->ncounts; k++)  /* what its source reports (input.h) */
        cJSON_AddNumberToObject(counts, in->count_decls[k].name, (double)in->counts[k]);
    cJSON_AddNumberToObject(counts, "facts", (double)in->facts);
    add_time(o, "first_time", in->first_time);
    add_time(o, "last_time", in->last_time);
    add_string_or_null(o, "computer", in->computer);
    if (in->channel)
        cJSON_AddStringToObject(o, "channel", in->channel);
    cJSON *notes = cJSON_AddArrayToObject(o, "notes");
    for (size_t i = 0; i < row->nnotes; i++) {
        cJSON *n = cJSON_CreateObject();
        add_string_or_null(n, "where", in->notes[i].where);
        add_string_or_null(n, "message", in->notes[i].message);
        cJSON_AddItemToArray(notes, n);
    }
    if (row->hidden)
        cJSON_AddNumberToObject(o, "notes_omitted", (double)row->hidden);
    return o;
}

/* A computer's name: null when nothing names it. */
static cJSON *name_json(const char *name)
{
    return name ? clean_string(name) : cJSON_CreateNull();
}

/* Several computers: whose each input is (none: unassigned). */
static void input_computers_json(cJSON *o, const kb_view_input *row)
{
    cJSON *a = cJSON_AddArrayToObject(o, "computers");
    for (size_t k = 0; k < row->ncomputers; k++)
        cJSON_AddItemToArray(a, name_json(row->computers[k]->name));
}

/* "SRV01\nWIN-OLD" as ["SRV01", "WIN-OLD"]. */
static cJSON *lines_json(const char *text)
{
    cJSON *a = cJSON_CreateArray();
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = kb_strndup(p, len);
        cJSON_AddItemToArray(a, clean_string(line));
        free(line);
        if (!nl)
            break;
        p = nl + 1;
    }
    return a;
}

/* Explains every error code (0x + eight hex digits) in a field's value:
 * one {"field","value","name","meaning"} per code, raw value kept in
 * "fields" as it was. */
static void add_codes(cJSON *codes, const char *field, const char *value)
{
    kb_strlist found = {0};
    kb_code_scan(value, &found);
    for (size_t i = 0; i < found.n; i++) {
        uint32_t v;
        kb_code_info info;
        if (kb_code_parse(found.items[i], &v) != 0 || kb_code_explain(v, &info) < 0)
            continue;
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "field", field);
        cJSON_AddStringToObject(c, "value", found.items[i]);
        if (*info.name)
            cJSON_AddStringToObject(c, "name", info.name);
        else
            cJSON_AddNullToObject(c, "name");
        cJSON_AddStringToObject(c, "meaning", info.meaning);
        cJSON_AddItemToArray(codes, c);
        kb_code_info_free(&info);
    }
    kb_strlist_free(&found);
}

static cJSON *evidence_json(const kb_view_evidence *row)
{
    const kb_fact *f = row->fact;
    cJSON *o = cJSON_CreateObject();
    add_string_or_null(o, "path", row->path);
    if (f->line) {
        cJSON_AddNumberToObject(o, "line", f->line);
        cJSON_AddNumberToObject(o, "line_end", f->line_end ? f->line_end : f->line);
    }
    if (row->event)
        cJSON_AddNumberToObject(o, "record", (double)f->record);
    if (f->time != KB_TIME_NONE)
        add_time(o, "time", f->time);
    if (f->recovered)
        cJSON_AddTrueToObject(o, "recovered");
    if (f->text)
        cJSON_AddStringToObject(o, "text", f->text);
    if (f->before)
        cJSON_AddStringToObject(o, "context_before", f->before);
    if (f->after)
        cJSON_AddStringToObject(o, "context_after", f->after);
    add_string_or_null(o, "say", row->evidence->say);
    add_string_or_null(o, "explained_by", row->evidence->explained_by ? row->evidence->explained_by->id : NULL);
    if (row->message) {
        /* as Event Viewer shows it, and the Windows releases of that text */
        cJSON *m = cJSON_AddObjectToObject(o, "message");
        cJSON_AddStringToObject(m, "text", row->message);
        add_string_or_null(m, "windows", row->message_windows);
    } else {
        cJSON_AddNullToObject(o, "message"); /* no message known (or not an event) */
    }
    cJSON *fields = cJSON_AddObjectToObject(o, "fields");
    cJSON *codes = cJSON_CreateArray();
    for (size_t i = 0; i < row->nvalues; i++) {
        cJSON_AddStringToObject(fields, row->values[i].name, row->values[i].value);
        add_codes(codes, row->values[i].name, row->values[i].value);
    }
    if (cJSON_GetArraySize(codes))
        cJSON_AddItemToObject(o, "codes", codes);
    else
        cJSON_Delete(codes);
    return o;
}

static const char *why_name(kb_unknown_why why)
{
    switch (why) {
    case KB_WHY_MISSING: return "missing";
    case KB_WHY_DAMAGED: return "damaged";
    case KB_WHY_INPUT_SAYS: return "input_says";
    case KB_WHY_UNREADABLE: return "unreadable_here";
    case KB_WHY_NONE: break;
    }
    return NULL;
}

static cJSON *collect_json(const kb_view *v, const kb_checkpoint *cp)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "input", cp->feed);
    add_string_or_null(o, "file", cp->collect.file);
    add_string_or_null(o, "command", cp->collect.command);
    const char *why = kb_i18n_get(&cp->collect.why, v->lang);
    add_string_or_null(o, "why", *why ? why : NULL);
    return o;
}

static cJSON *rows_json(cJSON *o, const kb_view_rows *rows)
{
    cJSON *evidence = cJSON_AddArrayToObject(o, "evidence");
    for (size_t i = 0; i < rows->n; i++)
        cJSON_AddItemToArray(evidence, evidence_json(&rows->items[i]));
    cJSON_AddNumberToObject(o, "evidence_omitted", (double)rows->more);
    return o;
}

/* The closest facts of a deciding checkpoint that is not met in a near
 * miss, or null. */
static cJSON *near_json(const kb_view_checkpoint *vc)
{
    const kb_cp_result *near = vc->near;
    if (!near)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "basis", vc->result->near_default ? "all_but_one_test" : "rule");
    cJSON_AddNumberToObject(o, "count", (double)near->count);
    add_string_or_null(o, "say", near->summary);
    add_time(o, "first_time", near->first_time);
    add_time(o, "last_time", near->last_time);
    return rows_json(o, &vc->near_rows);
}

/* Which deciding checkpoints a near-miss rule met and which it did not. */
static cJSON *near_miss_json(const kb_view_rule *vr)
{
    if (!vr->near_miss)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    static const char *const keys[] = {"met", "not_met", "unknown"};
    for (int state = KB_CP_MET; state <= KB_CP_UNKNOWN; state++) {
        cJSON *ids = cJSON_AddArrayToObject(o, keys[state]);
        for (size_t i = 0; i < vr->near_ids[state].n; i++)
            cJSON_AddItemToArray(ids, cJSON_CreateString(vr->near_ids[state].ids[i]));
    }
    return o;
}

static cJSON *checkpoint_json(const kb_view *v, const kb_view_checkpoint *vc)
{
    const kb_cp_result *res = vc->result;
    const kb_checkpoint *cp = vc->cp;
    const kb_report *r = v->report;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", cp->id);
    cJSON_AddStringToObject(o, "title", kb_i18n_get(&cp->title, v->lang));
    cJSON_AddStringToObject(o, "role", cp->context ? "context" : "decides");
    cJSON_AddStringToObject(o, "state", kb_cp_state_name(res->state));
    add_string_or_null(o, "reason", why_name(res->why));
    add_string_or_null(o, "summary", res->summary);
    cJSON_AddStringToObject(o, "input", cp->feed);
    cJSON *inputs = cJSON_AddArrayToObject(o, "inputs");
    for (size_t i = 0; i < res->ninputs; i++)
        cJSON_AddItemToArray(inputs, clean_string(r->inputs->items[res->inputs[i]].path));
    cJSON_AddNumberToObject(o, "count", (double)res->count);
    add_time(o, "first_time", res->first_time);
    add_time(o, "last_time", res->last_time);
    rows_json(o, &vc->rows);
    if (vc->ask)
        cJSON_AddItemToObject(o, "missing", collect_json(v, cp));
    else
        cJSON_AddNullToObject(o, "missing");
    cJSON_AddItemToObject(o, "near", near_json(vc));
    return o;
}

static cJSON *remedy_json(const kb_view *v, const kb_remedy_result *rem)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", rem->remedy->id);
    cJSON_AddStringToObject(o, "title", kb_i18n_get(&rem->remedy->title, v->lang));
    add_string_or_null(o, "text", rem->text);
    cJSON_AddBoolToObject(o, "lasting", rem->remedy->lasting);
    cJSON_AddItemToObject(o, "commands", strlist_json(&rem->commands));
    cJSON *verify = cJSON_AddObjectToObject(o, "verify");
    add_string_or_null(verify, "text", rem->verify_text);
    cJSON_AddItemToObject(verify, "commands", strlist_json(&rem->verify_commands));
    cJSON_AddItemToObject(o, "notes", strlist_json(&rem->notes));
    return o;
}

static cJSON *references_json(const kb_rule *rule)
{
    cJSON *refs = cJSON_CreateArray();
    for (size_t i = 0; i < rule->nreferences; i++) {
        cJSON *ref = cJSON_CreateObject();
        cJSON_AddStringToObject(ref, "title", rule->references[i].title);
        add_string_or_null(ref, "url", rule->references[i].url);
        add_string_or_null(ref, "kb", rule->references[i].kb);
        cJSON_AddItemToArray(refs, ref);
    }
    return refs;
}

static cJSON *name_json(const char *name);

/* A rule's result; of a computer among several, naming it first. */
static cJSON *rule_json(const kb_view *v, const kb_view_rule *vr, const kb_view_computer *of)
{
    const kb_rule_result *res = vr->result;
    const kb_rule *rule = res->rule;
    cJSON *o = cJSON_CreateObject();
    if (of)
        cJSON_AddItemToObject(o, "computer", name_json(of->name));
    cJSON_AddStringToObject(o, "id", rule->id);
    cJSON_AddNumberToObject(o, "version", rule->version);
    cJSON_AddStringToObject(o, "title", kb_i18n_get(&rule->title, v->lang));
    cJSON_AddStringToObject(o, "verdict", kb_verdict_name(res->verdict));
    cJSON_AddItemToObject(o, "near_miss", near_miss_json(vr));
    cJSON_AddStringToObject(o, "outcome", kb_outcome_name(rule->outcome));
    cJSON_AddStringToObject(o, "severity", kb_severity_name(res->severity));
    cJSON_AddBoolToObject(o, "quiet", res->quiet);
    if (res->nexplained_by) {
        cJSON *by = cJSON_AddArrayToObject(o, "explained_by");
        for (size_t i = 0; i < res->nexplained_by; i++)
            cJSON_AddItemToArray(by, cJSON_CreateString(res->explained_by[i]->id));
    } else {
        cJSON_AddNullToObject(o, "explained_by");
    }
    cJSON *cps = cJSON_AddArrayToObject(o, "checkpoints");
    for (size_t i = 0; i < vr->ncheckpoints; i++)
        cJSON_AddItemToArray(cps, checkpoint_json(v, &vr->checkpoints[i]));
    cJSON *remedies = cJSON_AddArrayToObject(o, "remedies");
    for (size_t i = 0; i < res->nremedies; i++)
        cJSON_AddItemToArray(remedies, remedy_json(v, &res->remedies[i]));
    cJSON *collect = cJSON_AddArrayToObject(o, "collect");
    for (size_t i = 0; i < vr->ncollect; i++)
        cJSON_AddItemToArray(collect, collect_json(v, vr->collect[i]));
    cJSON_AddItemToObject(o, "references", references_json(rule));
    const char *base = rule->path ? strrchr(rule->path, '/') : NULL;
    add_string_or_null(o, "file", base ? base + 1 : rule->path);
    return o;
}

/* ---- coverage (coverage.h) ---- */

static cJSON *coverage_input_json(const kb_view_cov_row *row)
{
    const kb_input *in = row->input;
    cJSON *o = cJSON_CreateObject();
    add_string_or_null(o, "path", in->path);
    cJSON_AddStringToObject(o, "kind", in->kind);
    cJSON *feeds = cJSON_AddArrayToObject(o, "feeds");
    for (size_t f = 0; f < in->nfeeds; f++)
        cJSON_AddItemToArray(feeds, cJSON_CreateString(in->feeds[f]));
    cJSON_AddStringToObject(o, "status", kb_input_state_name(in->state));
    add_string_or_null(o, "channel", row->channel);
    add_time(o, "first_time", row->first_time);
    add_time(o, "last_time", row->last_time);
    if (row->has_records) {
        cJSON_AddNumberToObject(o, "records", (double)row->records);
        cJSON_AddNumberToObject(o, "first_record", (double)row->first_record);
        cJSON_AddNumberToObject(o, "last_record", (double)row->last_record);
    } else {
        cJSON_AddNullToObject(o, "records");
        cJSON_AddNullToObject(o, "first_record");
        cJSON_AddNullToObject(o, "last_record");
    }
    if (*row->taken) {
        cJSON_AddStringToObject(o, "taken", row->taken);
        cJSON_AddStringToObject(o, "taken_from", row->taken_from ? row->taken_from : "file_name");
    } else {
        cJSON_AddNullToObject(o, "taken");
        cJSON_AddNullToObject(o, "taken_from");
    }
    return o;
}

static cJSON *coverage_finding_json(const kb_report *r, const kb_cov_finding *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", kb_cov_kind_name(f->kind));
    add_string_or_null(o, "input", f->input >= 0 ? r->inputs->items[f->input].path : NULL);
    add_string_or_null(o, "other", f->other >= 0 ? r->inputs->items[f->other].path : NULL);
    add_time(o, "time", f->time);
    if (f->fact && f->fact->record)
        cJSON_AddNumberToObject(o, "record", (double)f->fact->record);
    else
        cJSON_AddNullToObject(o, "record");
    add_string_or_null(o, "rule", f->rule ? f->rule->id : NULL);
    add_string_or_null(o, "checkpoint", f->checkpoint ? f->checkpoint->id : NULL);
    add_string_or_null(o, "reason", f->checkpoint ? why_name(f->why) : NULL);
    /* What to ask the customer for; nothing when the file is there but
     * this machine could not read it. */
    const kb_checkpoint *ask = f->checkpoint && f->ask ? f->checkpoint : NULL;
    add_string_or_null(o, "file", ask ? ask->collect.file : NULL);
    add_string_or_null(o, "command", ask ? ask->collect.command : NULL);
    add_string_or_null(o, "say", f->say);
    return o;
}

static cJSON *coverage_json(const kb_view *v, const kb_view_coverage *cov)
{
    if (!cov->known)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON *inputs = cJSON_AddArrayToObject(o, "inputs");
    for (size_t i = 0; i < cov->nrows; i++)
        cJSON_AddItemToArray(inputs, coverage_input_json(&cov->rows[i]));
    cJSON *feeds = cJSON_AddArrayToObject(o, "feeds");
    for (size_t i = 0; i < cov->nfeeds; i++) {
        const kb_cov_feed *feed = &cov->feeds[i];
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "feed", feed->feed);
        if (feed->unreadable) /* not known: it may be in a file this machine could not read */
            cJSON_AddNullToObject(f, "present");
        else
            cJSON_AddBoolToObject(f, "present", feed->present);
        add_string_or_null(f, "file", feed->collect ? feed->collect->collect.file : NULL);
        add_string_or_null(f, "command", feed->collect ? feed->collect->collect.command : NULL);
        cJSON_AddItemToArray(feeds, f);
    }
    cJSON *findings = cJSON_AddArrayToObject(o, "findings");
    for (size_t i = 0; i < cov->nfindings; i++)
        cJSON_AddItemToArray(findings, coverage_finding_json(v->report, &cov->findings[i]));
    return o;
}

/* ---- sections ---- */

static void run_json(cJSON *root, const kb_report *r)
{
    cJSON_AddStringToObject(root, "schema", KB_REPORT_SCHEMA);
    cJSON *tool = cJSON_AddObjectToObject(root, "kbscan");
    cJSON_AddStringToObject(tool, "version", r->version);
    cJSON *analysis = cJSON_AddObjectToObject(root, "analysis");
    add_time(analysis, "started", r->started);
    cJSON_AddNumberToObject(analysis, "duration_ms", (double)(r->duration_us / 1000));
    cJSON *paths = cJSON_AddArrayToObject(analysis, "paths");
    for (size_t i = 0; i < r->npaths; i++)
        cJSON_AddItemToArray(paths, clean_string(r->paths[i]));
    cJSON_AddStringToObject(analysis, "lang", r->lang == KB_LANG_JA ? "ja" : "en");
    add_time(analysis, "since", r->since);
    add_time(analysis, "until", r->until);
}

/* A known harmless finding: the rule, how many events or facts it saw,
 * why they are harmless (its summary) and where that is written. */
static cJSON *harmless_json(const kb_view *v, const kb_rule_result *res)
{
    const kb_rule *rule = res->rule;
    size_t count = 0;
    for (size_t k = 0; k < rule->ncheckpoints; k++)
        if (!rule->checkpoints[k].context && res->checkpoints[k].state == KB_CP_MET)
            count += res->checkpoints[k].count;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "rule", rule->id);
    cJSON_AddStringToObject(o, "title", kb_i18n_get(&rule->title, v->lang));
    cJSON_AddStringToObject(o, "severity", kb_severity_name(res->severity));
    cJSON_AddNumberToObject(o, "count", (double)count);
    const char *why = kb_i18n_get(&rule->summary, v->lang);
    add_string_or_null(o, "reason", *why ? why : NULL);
    cJSON_AddItemToObject(o, "references", references_json(rule));
    return o;
}

/* A computer's known harmless findings, in rule order. */
static cJSON *harmless_list_json(const kb_view *v, const kb_view_computer *c)
{
    cJSON *harmless = cJSON_CreateArray();
    for (size_t i = 0; i < c->nharmless; i++)
        cJSON_AddItemToArray(harmless, harmless_json(v, c->harmless[i]->result));
    return harmless;
}

static void summary_json(cJSON *root, const kb_view *v, const kb_report *r, const kb_view_computer *c)
{
    cJSON *summary = cJSON_AddObjectToObject(root, "summary");
    add_string_or_null(summary, "computer", c->name);
    add_string_or_null(summary, "os", c->os);
    add_string_or_null(summary, "virtualization", c->virtualization);
    add_time(summary, "first_time", c->first_time);
    add_time(summary, "last_time", c->last_time);
    cJSON_AddNumberToObject(summary, "exit_status", r->exit_status);
    cJSON_AddItemToObject(summary, "known_harmless", harmless_list_json(v, c));
}

/* ---- writing ------------------------------------------------------------------
 * The report is written a key at a time, and the long arrays (inputs,
 * rules, computers) an item at a time, so that a run of a thousand logs
 * holds one item's tree and text, not the whole report's twice. The text
 * is cJSON_Print's of the whole: a value printed alone is printed as at
 * depth 0, and at depth d every line break is followed by d more tabs. */

typedef struct json_out {
    FILE *out;
    int members; /* written so far at the top level */
    int failed;
} json_out;

static void put_indented(json_out *o, const char *text, int depth)
{
    static const char tabs[] = "\t\t\t\t\t\t\t\t";
    /* depth is 1 or 2: what follows a line break fits in tabs */
    size_t ntabs = (size_t)depth < sizeof tabs - 1 ? (size_t)depth : sizeof tabs - 1;
    while (*text && !o->failed) {
        const char *nl = strchr(text, '\n');
        size_t len = nl ? (size_t)(nl - text) + 1 : strlen(text);
        if (fwrite(text, 1, len, o->out) != len || (nl && fwrite(tabs, 1, ntabs, o->out) != ntabs))
            o->failed = 1;
        text += len;
    }
}

static void put_value(json_out *o, cJSON *value, int depth)
{
    char *text = value ? cJSON_Print(value) : NULL;
    if (!text)
        o->failed = 1;
    else
        put_indented(o, text, depth);
    cJSON_free(text);
}

static void begin_member(json_out *o, const char *key)
{
    if (fprintf(o->out, "%s\t\"%s\":\t", o->members++ ? ",\n" : "{\n", key) < 0)
        o->failed = 1;
}

/* Writes every member of obj (a key of the report each) and frees it. */
static void put_members(json_out *o, cJSON *obj)
{
    if (!obj)
        o->failed = 1;
    for (cJSON *m = obj ? obj->child : NULL; m && !o->failed; m = m->next) {
        begin_member(o, m->string);
        put_value(o, m, 1);
    }
    cJSON_Delete(obj);
}

/* An array member written item by item: item(i) makes each, freed once
 * written. */
typedef cJSON *(*item_fn)(const kb_view *v, const void *arg, size_t i);

static void put_array(json_out *o, const char *key, size_t n, item_fn item, const kb_view *v, const void *arg)
{
    begin_member(o, key);
    if (fputc('[', o->out) == EOF)
        o->failed = 1;
    for (size_t i = 0; i < n && !o->failed; i++) {
        if (i && fputs(", ", o->out) == EOF)
            o->failed = 1;
        cJSON *it = item(v, arg, i);
        put_value(o, it, 2);
        cJSON_Delete(it);
    }
    if (fputc(']', o->out) == EOF)
        o->failed = 1;
}

static cJSON *input_item(const kb_view *v, const void *arg, size_t i)
{
    (void)arg;
    cJSON *o = input_json(&v->inputs[i]);
    if (v->several)
        input_computers_json(o, &v->inputs[i]);
    return o;
}

/* The rules of one computer, or (arg NULL) every computer's, each result
 * naming its computer, for a bundle of several: item i of either list. */
static size_t rule_count(const kb_view *v, const kb_view_computer *c)
{
    size_t n = 0;
    for (size_t k = 0; k < (c ? 1 : v->ncomputers); k++)
        n += (c ? c : &v->computers[k])->nrules;
    return n;
}

static cJSON *rule_item(const kb_view *v, const void *arg, size_t i)
{
    const kb_view_computer *c = arg;
    for (size_t k = 0; k < (c ? 1 : v->ncomputers); k++) {
        const kb_view_computer *of = c ? c : &v->computers[k];
        if (i < of->nrules)
            return rule_json(v, &of->rules[i], c ? NULL : of);
        i -= of->nrules;
    }
    return NULL;
}

/* A bundle of several: the run's summary, its computers' names. */
static void run_summary_json(cJSON *root, const kb_view *v)
{
    const kb_report *r = v->report;
    cJSON *summary = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddNullToObject(summary, "computer");
    cJSON_AddNullToObject(summary, "os");
    cJSON_AddNullToObject(summary, "virtualization");
    add_time(summary, "first_time", r->first_time);
    add_time(summary, "last_time", r->last_time);
    cJSON_AddNumberToObject(summary, "exit_status", r->exit_status);
    /* every computer's, each naming it */
    cJSON *harmless = cJSON_AddArrayToObject(summary, "known_harmless");
    for (size_t k = 0; k < v->ncomputers; k++)
        for (size_t i = 0; i < v->computers[k].nharmless; i++) {
            cJSON *o = harmless_json(v, v->computers[k].harmless[i]->result);
            cJSON_AddItemToObject(o, "computer", name_json(v->computers[k].name));
            cJSON_AddItemToArray(harmless, o);
        }
    cJSON *names = cJSON_AddArrayToObject(summary, "computers");
    for (size_t k = 0; k < v->ncomputers; k++)
        cJSON_AddItemToArray(names, name_json(v->computers[k].name));
}

static cJSON *computer_json(const kb_view *v, const kb_view_computer *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "computer", name_json(c->name));
    cJSON_AddItemToObject(o, "also_named", lines_json(c->also_named));
    add_string_or_null(o, "os", c->os);
    add_string_or_null(o, "virtualization", c->virtualization);
    add_time(o, "first_time", c->first_time);
    add_time(o, "last_time", c->last_time);
    cJSON_AddNumberToObject(o, "exit_status", c->exit_status);
    cJSON_AddItemToObject(o, "known_harmless", harmless_list_json(v, c));
    cJSON *inputs = cJSON_AddArrayToObject(o, "inputs");
    for (size_t m = 0; m < c->ninputs; m++) {
        cJSON *in = cJSON_CreateObject();
        add_string_or_null(in, "path", v->report->inputs->items[c->inputs[m].input].path);
        add_string_or_null(in, "by", c->inputs[m].by);
        add_string_or_null(in, "basis", c->inputs[m].basis);
        cJSON_AddItemToArray(inputs, in);
    }
    cJSON_AddItemToObject(o, "coverage", coverage_json(v, &c->coverage));
    return o;
}

static cJSON *computer_item(const kb_view *v, const void *arg, size_t k)
{
    (void)arg;
    return computer_json(v, &v->computers[k]);
}

static void unassigned_json(cJSON *root, const kb_view *v)
{
    cJSON *a = cJSON_AddArrayToObject(root, "unassigned");
    for (size_t u = 0; u < v->nunassigned; u++) {
        const kb_view_unassigned *row = &v->unassigned[u];
        cJSON *o = cJSON_CreateObject();
        add_string_or_null(o, "path", row->input->path);
        add_string_or_null(o, "folder", row->folder);
        cJSON *names = cJSON_AddArrayToObject(o, "computers");
        for (size_t k = 0; k < row->ncomputers; k++)
            cJSON_AddItemToArray(names, name_json(row->computers[k]));
        cJSON_AddItemToArray(a, o);
    }
}

/* Writes each section of the view as its key (or keys) of the report. */
static void write_sections(json_out *o, const kb_view *v)
{
    const kb_report *r = v->report;
    for (size_t i = 0; i < v->nsections && !o->failed; i++) {
        const kb_view_section *s = &v->sections[i];
        const kb_view_computer *c = s->computer < v->ncomputers ? &v->computers[s->computer] : NULL;
        cJSON *obj = NULL;
        switch (s->kind) {
        case KB_SECTION_RUN: run_json(obj = cJSON_CreateObject(), r); break;
        case KB_SECTION_SUMMARY:
            obj = cJSON_CreateObject();
            if (c)
                summary_json(obj, v, r, c);
            else
                run_summary_json(obj, v);
            break;
        case KB_SECTION_INPUTS: put_array(o, "inputs", v->ninputs, input_item, v, NULL); break;
        case KB_SECTION_COVERAGE:
            obj = cJSON_CreateObject();
            cJSON_AddItemToObject(obj, "coverage", c ? coverage_json(v, &c->coverage) : cJSON_CreateNull());
            break;
        case KB_SECTION_RULES: put_array(o, "rules", rule_count(v, c), rule_item, v, c); break;
        case KB_SECTION_COMPUTERS: put_array(o, "computers", v->ncomputers, computer_item, v, NULL); break;
        case KB_SECTION_UNASSIGNED: unassigned_json(obj = cJSON_CreateObject(), v); break;
        case KB_SECTION_VERDICTS: break; /* each rule object holds its verdict */
        case KB_SECTION_HARMLESS: break; /* the summary lists them */
        case KB_SECTION_ANSWER: break;   /* each rule object holds its outcome */
        case KB_SECTION_COVERAGE_ROWS: break; /* the coverage holds every input */
        case KB_SECTION_TOTAL: break;    /* the summary holds the counts */
        }
        if (obj)
            put_members(o, obj);
    }
}

int kb_report_write_json(FILE *out, const kb_report *r)
{
    kb_view v;
    json_out o = {.out = out};
    if (kb_view_build(r, KB_VIEW_JSON, &v) != KB_OK)
        o.failed = 1;
    else
        write_sections(&o, &v);
    kb_view_free(&v);
    if (!o.failed && fputs(o.members ? "\n}\n" : "{\n}\n", out) == EOF)
        o.failed = 1;
    return o.failed ? -1 : 0;
}
