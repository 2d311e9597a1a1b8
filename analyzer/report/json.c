/* json.c: the JSON report (format: docs/report-format.md), built
 * with cJSON. Volatile fields (when and how long the run took, the kbscan
 * version) sit under "analysis" and "kbscan" so tests can set them aside. */
#include "report/report.h"

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

static cJSON *input_json(const kb_input *in)
{
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
    if (in->encoding)
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
    for (size_t i = 0; i < in->nnotes; i++) {
        cJSON *n = cJSON_CreateObject();
        add_string_or_null(n, "where", in->notes[i].where);
        add_string_or_null(n, "message", in->notes[i].message);
        cJSON_AddItemToArray(notes, n);
    }
    if (in->notes_dropped)
        cJSON_AddNumberToObject(o, "notes_omitted", (double)in->notes_dropped);
    return o;
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

static cJSON *evidence_json(const kb_report *r, const kb_checkpoint *cp, const kb_evidence *ev)
{
    const kb_fact *f = ev->fact;
    cJSON *o = cJSON_CreateObject();
    add_string_or_null(o, "path", r->inputs->items[f->input].path);
    if (f->line) {
        cJSON_AddNumberToObject(o, "line", f->line);
        cJSON_AddNumberToObject(o, "line_end", f->line_end ? f->line_end : f->line);
    }
    if (f->record)
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
    cJSON *fields = cJSON_AddObjectToObject(o, "fields");
    cJSON *codes = cJSON_CreateArray();
    if (cp->nshow) {
        for (size_t i = 0; i < cp->nshow; i++) {
            const char *v = kb_evidence_get(ev, cp->show[i]);
            if (v) {
                cJSON_AddStringToObject(fields, cp->show[i], v);
                add_codes(codes, cp->show[i], v);
            }
        }
    } else {
        for (size_t i = 0; i < f->nfields; i++) {
            cJSON_AddStringToObject(fields, f->fields[i].name, f->fields[i].value);
            add_codes(codes, f->fields[i].name, f->fields[i].value);
        }
        for (size_t i = 0; i < ev->nextra; i++) {
            cJSON_AddStringToObject(fields, ev->extra[i].name, ev->extra[i].value);
            add_codes(codes, ev->extra[i].name, ev->extra[i].value);
        }
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
    case KB_WHY_NONE: break;
    }
    return NULL;
}

static cJSON *collect_json(const kb_report *r, const kb_checkpoint *cp)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "input", cp->feed);
    add_string_or_null(o, "file", cp->collect.file);
    add_string_or_null(o, "command", cp->collect.command);
    const char *why = kb_i18n_get(&cp->collect.why, r->lang);
    add_string_or_null(o, "why", *why ? why : NULL);
    return o;
}

/* The closest facts of a deciding checkpoint that is not met in a near
 * miss, or null. */
static cJSON *near_json(const kb_report *r, const kb_cp_result *res)
{
    const kb_cp_result *near = res->near;
    if (!near)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "basis", res->near_default ? "all_but_one_test" : "rule");
    cJSON_AddNumberToObject(o, "count", (double)near->count);
    add_string_or_null(o, "say", near->summary);
    add_time(o, "first_time", near->first_time);
    add_time(o, "last_time", near->last_time);
    cJSON *evidence = cJSON_AddArrayToObject(o, "evidence");
    for (size_t i = 0; i < near->nevidence; i++)
        cJSON_AddItemToArray(evidence, evidence_json(r, res->cp, &near->evidence[i]));
    cJSON_AddNumberToObject(o, "evidence_omitted", (double)(near->count - near->nevidence));
    return o;
}

/* Which deciding checkpoints a near-miss rule met and which it did not. */
static cJSON *near_miss_json(const kb_rule_result *res)
{
    if (!res->near_miss)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    static const char *const keys[] = {"met", "not_met", "unknown"};
    for (int state = KB_CP_MET; state <= KB_CP_UNKNOWN; state++) {
        cJSON *ids = cJSON_AddArrayToObject(o, keys[state]);
        for (size_t i = 0; i < res->rule->ncheckpoints; i++)
            if (!res->rule->checkpoints[i].context && (int)res->checkpoints[i].state == state)
                cJSON_AddItemToArray(ids, cJSON_CreateString(res->rule->checkpoints[i].id));
    }
    return o;
}

static cJSON *checkpoint_json(const kb_report *r, const kb_cp_result *res)
{
    const kb_checkpoint *cp = res->cp;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", cp->id);
    cJSON_AddStringToObject(o, "title", kb_i18n_get(&cp->title, r->lang));
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
    cJSON *evidence = cJSON_AddArrayToObject(o, "evidence");
    for (size_t i = 0; i < res->nevidence; i++)
        cJSON_AddItemToArray(evidence, evidence_json(r, cp, &res->evidence[i]));
    cJSON_AddNumberToObject(o, "evidence_omitted", (double)(res->count - res->nevidence));
    if (res->state == KB_CP_UNKNOWN)
        cJSON_AddItemToObject(o, "missing", collect_json(r, cp));
    else
        cJSON_AddNullToObject(o, "missing");
    cJSON_AddItemToObject(o, "near", near_json(r, res));
    return o;
}

static cJSON *remedy_json(const kb_report *r, const kb_remedy_result *rem)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", rem->remedy->id);
    cJSON_AddStringToObject(o, "title", kb_i18n_get(&rem->remedy->title, r->lang));
    add_string_or_null(o, "text", rem->text);
    cJSON_AddBoolToObject(o, "lasting", rem->remedy->lasting);
    cJSON_AddItemToObject(o, "commands", strlist_json(&rem->commands));
    cJSON *verify = cJSON_AddObjectToObject(o, "verify");
    add_string_or_null(verify, "text", rem->verify_text);
    cJSON_AddItemToObject(verify, "commands", strlist_json(&rem->verify_commands));
    cJSON_AddItemToObject(o, "notes", strlist_json(&rem->notes));
    return o;
}

static cJSON *rule_json(const kb_report *r, const kb_rule_result *res)
{
    const kb_rule *rule = res->rule;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", rule->id);
    cJSON_AddNumberToObject(o, "version", rule->version);
    cJSON_AddStringToObject(o, "title", kb_i18n_get(&rule->title, r->lang));
    cJSON_AddStringToObject(o, "verdict", kb_verdict_name(res->verdict));
    cJSON_AddItemToObject(o, "near_miss", near_miss_json(res));
    cJSON *cps = cJSON_AddArrayToObject(o, "checkpoints");
    for (size_t i = 0; i < rule->ncheckpoints; i++)
        cJSON_AddItemToArray(cps, checkpoint_json(r, &res->checkpoints[i]));
    cJSON *remedies = cJSON_AddArrayToObject(o, "remedies");
    for (size_t i = 0; i < res->nremedies; i++)
        cJSON_AddItemToArray(remedies, remedy_json(r, &res->remedies[i]));
    /* What to collect next: every deciding checkpoint that is unknown. */
    cJSON *collect = cJSON_AddArrayToObject(o, "collect");
    if (res->verdict == KB_VERDICT_CANNOT_TELL)
        for (size_t i = 0; i < rule->ncheckpoints; i++)
            if (res->checkpoints[i].state == KB_CP_UNKNOWN && !rule->checkpoints[i].context)
                cJSON_AddItemToArray(collect, collect_json(r, &rule->checkpoints[i]));
    cJSON *refs = cJSON_AddArrayToObject(o, "references");
    for (size_t i = 0; i < rule->nreferences; i++) {
        cJSON *ref = cJSON_CreateObject();
        cJSON_AddStringToObject(ref, "title", rule->references[i].title);
        add_string_or_null(ref, "url", rule->references[i].url);
        cJSON_AddItemToArray(refs, ref);
    }
    return o;
}

/* ---- coverage (coverage.h) ---- */

static cJSON *coverage_input_json(const kb_report *r, size_t i)
{
    const kb_input *in = &r->inputs->items[i];
    cJSON *o = cJSON_CreateObject();
    add_string_or_null(o, "path", in->path);
    cJSON_AddStringToObject(o, "kind", in->kind);
    cJSON *feeds = cJSON_AddArrayToObject(o, "feeds");
    for (size_t f = 0; f < in->nfeeds; f++)
        cJSON_AddItemToArray(feeds, cJSON_CreateString(in->feeds[f]));
    cJSON_AddStringToObject(o, "status", kb_input_state_name(in->state));
    int log = in->covers == KB_COVERS_EVENTS;
    add_string_or_null(o, "channel", log ? in->channel : NULL);
    add_time(o, "first_time", log ? in->first_time : KB_TIME_NONE);
    add_time(o, "last_time", log ? in->last_time : KB_TIME_NONE);
    if (log && in->records_walked) {
        cJSON_AddNumberToObject(o, "records", (double)in->records_walked);
        cJSON_AddNumberToObject(o, "first_record", (double)in->first_record);
        cJSON_AddNumberToObject(o, "last_record", (double)in->last_record);
    } else {
        cJSON_AddNullToObject(o, "records");
        cJSON_AddNullToObject(o, "first_record");
        cJSON_AddNullToObject(o, "last_record");
    }
    int64_t taken = r->coverage->taken[i];
    if (taken != KB_TIME_NONE) {
        char buf[40];
        kb_cov_format_taken(r->coverage, i, buf, sizeof buf);
        cJSON_AddStringToObject(o, "taken", buf);
        cJSON_AddStringToObject(o, "taken_from", "file_name");
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
    add_string_or_null(o, "file", f->checkpoint ? f->checkpoint->collect.file : NULL);
    add_string_or_null(o, "command", f->checkpoint ? f->checkpoint->collect.command : NULL);
    add_string_or_null(o, "say", f->say);
    return o;
}

static cJSON *coverage_json(const kb_report *r)
{
    const kb_coverage *cov = r->coverage;
    if (!cov)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON *inputs = cJSON_AddArrayToObject(o, "inputs");
    for (size_t i = 0; i < r->inputs->n; i++)
        if (r->inputs->items[i].kind)
            cJSON_AddItemToArray(inputs, coverage_input_json(r, i));
    cJSON *feeds = cJSON_AddArrayToObject(o, "feeds");
    for (size_t i = 0; i < cov->nfeeds; i++) {
        const kb_cov_feed *feed = &cov->feeds[i];
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "feed", feed->feed);
        cJSON_AddBoolToObject(f, "present", feed->present);
        add_string_or_null(f, "file", feed->collect ? feed->collect->collect.file : NULL);
        add_string_or_null(f, "command", feed->collect ? feed->collect->collect.command : NULL);
        cJSON_AddItemToArray(feeds, f);
    }
    cJSON *findings = cJSON_AddArrayToObject(o, "findings");
    for (size_t i = 0; i < cov->n; i++)
        cJSON_AddItemToArray(findings, coverage_finding_json(r, &cov->findings[i]));
    return o;
}

static cJSON *report_json(const kb_report *r)
{
    cJSON *root = cJSON_CreateObject();
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
    cJSON *summary = cJSON_AddObjectToObject(root, "summary");
    add_string_or_null(summary, "computer", r->computer);
    add_string_or_null(summary, "os", r->os);
    add_string_or_null(summary, "virtualization", r->virtualization);
    add_time(summary, "first_time", r->first_time);
    add_time(summary, "last_time", r->last_time);
    cJSON_AddNumberToObject(summary, "exit_status", r->exit_status);
    cJSON *inputs = cJSON_AddArrayToObject(root, "inputs");
    for (size_t i = 0; i < r->inputs->n; i++)
        cJSON_AddItemToArray(inputs, input_json(&r->inputs->items[i]));
    cJSON_AddItemToObject(root, "coverage", coverage_json(r));
    cJSON *rules = cJSON_AddArrayToObject(root, "rules");
    for (size_t i = 0; i < r->results->n; i++) {
        cJSON *rule = rule_json(r, &r->results->rules[i]);
        const char *file = r->results->rules[i].rule->path;
        const char *base = file ? strrchr(file, '/') : NULL;
        add_string_or_null(rule, "file", base ? base + 1 : file);
        cJSON_AddItemToArray(rules, rule);
    }
    return root;
}

int kb_report_write_json(FILE *out, const kb_report *r)
{
    cJSON *root = report_json(r);
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return -1;
    int rc = fputs(text, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
    cJSON_free(text);
    return rc;
}
