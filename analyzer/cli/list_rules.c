/* list_rules.c: `kbscan --list-rules` (list_rules.h). */
#include "cli/list_rules.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static void list_text(FILE *out, const kb_ruleset *rules, kb_lang lang)
{
    fprintf(out, "%s\n", rules->dir ? rules->dir : "");
    for (size_t i = 0; i < rules->n; i++) {
        const kb_rule *r = &rules->rules[i];
        fprintf(out, "  %-44s v%-3d %-7s %-8s %s\n", r->id, r->version, kb_outcome_name(r->outcome),
                kb_severity_name(r->severity), kb_i18n_get(&r->title, lang));
        for (size_t k = 0; k < r->nreferences; k++) {
            const kb_reference *ref = &r->references[k];
            fprintf(out, "      %s%s%s%s%s%s\n", ref->kb ? ref->kb : "", ref->kb ? " " : "", ref->title,
                    ref->url ? " <" : "", ref->url ? ref->url : "", ref->url ? ">" : "");
        }
    }
}

static cJSON *rule_json(const kb_rule *r, kb_lang lang)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", r->id);
    cJSON_AddNumberToObject(o, "version", r->version);
    cJSON_AddStringToObject(o, "outcome", kb_outcome_name(r->outcome));
    cJSON_AddStringToObject(o, "severity", kb_severity_name(r->severity));
    cJSON_AddStringToObject(o, "title", kb_i18n_get(&r->title, lang));
    cJSON_AddStringToObject(o, "summary", kb_i18n_get(&r->summary, lang));
    const char *base = r->path ? strrchr(r->path, '/') : NULL;
    cJSON_AddStringToObject(o, "file", base ? base + 1 : r->path ? r->path : "");
    cJSON *refs = cJSON_AddArrayToObject(o, "references");
    for (size_t k = 0; k < r->nreferences; k++) {
        const kb_reference *ref = &r->references[k];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "title", ref->title);
        if (ref->url)
            cJSON_AddStringToObject(x, "url", ref->url);
        else
            cJSON_AddNullToObject(x, "url");
        if (ref->kb)
            cJSON_AddStringToObject(x, "kb", ref->kb);
        else
            cJSON_AddNullToObject(x, "kb");
        cJSON_AddItemToArray(refs, x);
    }
    return o;
}

static int list_json(FILE *out, const kb_ruleset *rules, kb_lang lang)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "rules_dir", rules->dir ? rules->dir : "");
    cJSON *list = cJSON_AddArrayToObject(root, "rules");
    for (size_t i = 0; i < rules->n; i++)
        cJSON_AddItemToArray(list, rule_json(&rules->rules[i], lang));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return -1;
    int rc = fputs(text, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
    cJSON_free(text);
    return rc;
}

int kb_list_rules(FILE *out, const kb_ruleset *rules, kb_lang lang, int json)
{
    if (json)
        return list_json(out, rules, lang);
    list_text(out, rules, lang);
    return ferror(out) ? -1 : 0;
}
