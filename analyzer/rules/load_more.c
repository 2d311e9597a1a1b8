/* load_more.c: the rule keys beyond the basic format (docs/rules.md):
 * a rule's outcome and severity, its symptoms and precedence, and per
 * checkpoint the time relation to another checkpoint ("related"), the join
 * on another checkpoint's values ("same"), the lookups in tables, and the
 * text said of each piece of evidence. Kept apart from load.c so that the
 * basic format reads on its own. */
#include "core/alloc.h"
#include "rules/loader.h"

#include <stdlib.h>
#include <string.h>

const char *kb_outcome_name(kb_outcome o)
{
    return o == KB_OUTCOME_BENIGN ? "benign" : "failure";
}

static const char *const severity_names[] = {"info", "warning", "error", "critical"};

const char *kb_severity_name(kb_severity s)
{
    return (unsigned)s < 4 ? severity_names[s] : "error";
}

static int severity_of(const char *name)
{
    for (int i = 0; i < 4 && name; i++)
        if (strcmp(name, severity_names[i]) == 0)
            return i;
    return -1;
}

static const char *const state_names[] = {"met", "not_met", "unknown"};

static int state_of(const char *name)
{
    for (int i = 0; i < 3 && name; i++)
        if (strcmp(name, state_names[i]) == 0)
            return i;
    return -1;
}

/* ---- rule level ------------------------------------------------------------ */

void kb_ld_rule_more(kb_loader *ld, const cJSON *root, kb_rule *rule)
{
    char *outcome = kb_ld_string(ld, root, "outcome", 0);
    if (outcome && strcmp(outcome, "benign") == 0)
        rule->outcome = KB_OUTCOME_BENIGN;
    else if (outcome && strcmp(outcome, "failure") != 0)
        kb_ld_problem(ld, "\"outcome\" is \"failure\" or \"benign\", not \"%s\"", outcome);
    free(outcome);
    /* A failure is an error unless it says otherwise; a harmless finding is information. */
    rule->severity = rule->outcome == KB_OUTCOME_BENIGN ? KB_SEVERITY_INFO : KB_SEVERITY_ERROR;
    char *severity = kb_ld_string(ld, root, "severity", 0);
    int s = severity_of(severity);
    if (severity && s < 0)
        kb_ld_problem(ld, "\"severity\" is \"info\", \"warning\", \"error\" or \"critical\", not \"%s\"",
                      severity);
    else if (severity)
        rule->severity = (kb_severity)s;
    if (rule->outcome == KB_OUTCOME_BENIGN && rule->severity == KB_SEVERITY_CRITICAL)
        kb_ld_problem(ld, "a benign rule (known harmless) is not \"critical\"");
    free(severity);
}

/* A checkpoint id of the rule, read from key of obj; -1 after a problem. */
static long checkpoint_ref(kb_loader *ld, const cJSON *obj, const char *key, const kb_rule *rule,
                           int required)
{
    char *id = kb_ld_string(ld, obj, key, required);
    long i = id ? kb_rule_find_checkpoint(rule, id) : -1;
    if (id && i < 0)
        kb_ld_problem(ld, "\"%s\": no checkpoint \"%s\"", key, id);
    free(id);
    return i;
}

static void parse_severity_when(kb_loader *ld, const cJSON *v, kb_rule *rule)
{
    if (!v)
        return;
    size_t mark = kb_ld_enter(ld, "severity_when", -1);
    if (!cJSON_IsArray(v)) {
        kb_ld_problem(ld, "must be a list of {\"checkpoint\", \"state\", \"severity\"}");
        kb_ld_leave(ld, mark);
        return;
    }
    kb_ld_leave(ld, mark);
    rule->severity_when = kb_xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *rule->severity_when);
    int i = 0;
    for (const cJSON *item = v->child; item; item = item->next, i++) {
        mark = kb_ld_enter(ld, "severity_when", i);
        static const char *const keys[] = {"checkpoint", "state", "severity", NULL};
        if (!cJSON_IsObject(item)) {
            kb_ld_problem(ld, "must be {\"checkpoint\", \"state\", \"severity\"}");
            kb_ld_leave(ld, mark);
            continue;
        }
        kb_ld_check_keys(ld, item, keys);
        kb_severity_when *w = &rule->severity_when[rule->nseverity_when++];
        long cp = checkpoint_ref(ld, item, "checkpoint", rule, 1);
        w->checkpoint = cp < 0 ? 0 : (size_t)cp;
        char *state = kb_ld_string(ld, item, "state", 0);
        w->state = state ? state_of(state) : 0;
        if (w->state < 0)
            kb_ld_problem(ld, "\"state\" is met, not_met or unknown");
        char *sev = kb_ld_string(ld, item, "severity", 1);
        int s = severity_of(sev);
        if (sev && s < 0)
            kb_ld_problem(ld, "\"severity\" is \"info\", \"warning\", \"error\" or \"critical\", not \"%s\"", sev);
        if (s == KB_SEVERITY_CRITICAL && rule->outcome == KB_OUTCOME_BENIGN)
            kb_ld_problem(ld, "a benign rule (known harmless) is not \"critical\"");
        w->severity = s < 0 ? KB_SEVERITY_ERROR : (kb_severity)s;
        free(state);
        free(sev);
        kb_ld_leave(ld, mark);
    }
}

static void parse_symptoms(kb_loader *ld, const cJSON *root, kb_rule *rule)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "symptoms");
    if (!v)
        return;
    size_t n = 0;
    char **ids = kb_ld_strings(ld, root, "symptoms", &n);
    rule->has_symptoms = 1;
    rule->symptoms = kb_xcalloc(n + 1, sizeof *rule->symptoms);
    for (size_t i = 0; i < n; i++) {
        long cp = kb_rule_find_checkpoint(rule, ids[i]);
        size_t mark = kb_ld_enter(ld, "symptoms", (int)i);
        if (cp < 0)
            kb_ld_problem(ld, "no checkpoint \"%s\"", ids[i]);
        else
            rule->symptoms[rule->nsymptoms++] = (size_t)cp;
        kb_ld_leave(ld, mark);
    }
    kb_ld_free_strings(ids, n);
}

static void parse_explains(kb_loader *ld, const cJSON *v, kb_rule *rule)
{
    if (!v)
        return;
    size_t mark = kb_ld_enter(ld, "explains", -1);
    if (!cJSON_IsArray(v)) {
        kb_ld_problem(ld, "must be a list of {\"rule\", \"checkpoint\", \"by\"}");
        kb_ld_leave(ld, mark);
        return;
    }
    kb_ld_leave(ld, mark);
    rule->explains = kb_xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *rule->explains);
    int i = 0;
    for (const cJSON *item = v->child; item; item = item->next, i++) {
        mark = kb_ld_enter(ld, "explains", i);
        static const char *const keys[] = {"rule", "checkpoint", "by", "near", NULL};
        if (!cJSON_IsObject(item)) {
            kb_ld_problem(ld, "must be {\"rule\", \"checkpoint\", \"by\"}");
            kb_ld_leave(ld, mark);
            continue;
        }
        kb_ld_check_keys(ld, item, keys);
        kb_explains *x = &rule->explains[rule->nexplains++];
        x->rule = kb_ld_string(ld, item, "rule", 1);
        x->checkpoint = kb_ld_string(ld, item, "checkpoint", 1);
        x->by = (size_t)-1;
        if (cJSON_HasObjectItem(item, "by")) {
            long by = checkpoint_ref(ld, item, "by", rule, 1);
            x->by = by < 0 ? (size_t)-1 : (size_t)by;
        }
        x->near = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "near"));
        if (x->rule && rule->id && strcmp(x->rule, rule->id) == 0)
            kb_ld_problem(ld, "a rule does not explain itself");
        kb_ld_leave(ld, mark);
    }
}

/* ---- checkpoint level ---------------------------------------------------------- */

/* "within_minutes": {"before": N or null, "after": N or null}; a missing
 * side is 0 (not on that side), null unbounded. */
static int64_t minutes(kb_loader *ld, const cJSON *w, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(w, key);
    if (!v)
        return 0;
    if (cJSON_IsNull(v))
        return -1;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0) {
        kb_ld_problem(ld, "\"%s\" takes minutes (0 or more) or null (unbounded)", key);
        return 0;
    }
    return (int64_t)(v->valuedouble * 60e6);
}

/* "related" is read here but its checkpoint resolved in kb_ld_link_rule,
 * when every checkpoint of the rule is known: the raw JSON is kept. */
static void parse_related(kb_loader *ld, const cJSON *v, kb_checkpoint *cp)
{
    if (!v)
        return;
    size_t mark = kb_ld_enter(ld, "related", -1);
    static const char *const keys[] = {"checkpoint", "within_minutes", "edge", NULL};
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "must be {\"checkpoint\", \"within_minutes\": {\"before\", \"after\"}, \"edge\"}");
        kb_ld_leave(ld, mark);
        return;
    }
    kb_ld_check_keys(ld, v, keys);
    cp->related.set = 1;
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(v, "within_minutes");
    if (!cJSON_IsObject(w)) {
        kb_ld_problem(ld, "missing \"within_minutes\": {\"before\": N, \"after\": N}");
    } else {
        static const char *const wkeys[] = {"before", "after", NULL};
        size_t wmark = kb_ld_enter(ld, "within_minutes", -1);
        kb_ld_check_keys(ld, w, wkeys);
        cp->related.before_us = minutes(ld, w, "before");
        cp->related.after_us = minutes(ld, w, "after");
        kb_ld_leave(ld, wmark);
    }
    char *edge = kb_ld_string(ld, v, "edge", 0);
    if (edge && strcmp(edge, "first") == 0)
        cp->related.edge = KB_EDGE_FIRST;
    else if (edge && strcmp(edge, "last") == 0)
        cp->related.edge = KB_EDGE_LAST;
    else if (edge && strcmp(edge, "each") != 0)
        kb_ld_problem(ld, "\"edge\" is \"each\", \"first\" or \"last\", not \"%s\"", edge);
    free(edge);
    kb_ld_leave(ld, mark);
}

static void parse_same(kb_loader *ld, const cJSON *v, kb_checkpoint *cp)
{
    if (!v)
        return;
    size_t mark = kb_ld_enter(ld, "same", -1);
    static const char *const keys[] = {"checkpoint", "field", "other_field", "ignore_case", "suffix", NULL};
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "must be {\"checkpoint\", \"field\", \"other_field\"}");
        kb_ld_leave(ld, mark);
        return;
    }
    kb_ld_check_keys(ld, v, keys);
    cp->same.set = 1;
    cp->same.field = kb_ld_string(ld, v, "field", 1);
    cp->same.other_field = kb_ld_string(ld, v, "other_field", 0);
    if (!cp->same.other_field && cp->same.field)
        cp->same.other_field = kb_strdup(cp->same.field);
    cp->same.ignore_case = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "ignore_case"));
    cp->same.suffix = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "suffix"));
    kb_ld_leave(ld, mark);
}

/* One lookup: {"table", "key": FIELD or [FIELD...], "column": COLUMN or
 * [COLUMN...] (default: the same names), "add": [COLUMN...], "missing": V}. */
static void parse_lookup(kb_loader *ld, const cJSON *v, kb_lookup *lk)
{
    static const char *const keys[] = {"table", "key", "column", "add", "missing", NULL};
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "must be {\"table\", \"key\", \"add\"}");
        return;
    }
    kb_ld_check_keys(ld, v, keys);
    lk->table = kb_ld_string(ld, v, "table", 1);
    size_t ncolumns = 0;
    lk->fields = kb_ld_strings(ld, v, "key", &lk->nkeys);
    char **columns = kb_ld_strings(ld, v, "column", &ncolumns);
    if (!lk->nkeys)
        kb_ld_problem(ld, "missing \"key\": the evidence field(s) to look up");
    if (columns && ncolumns != lk->nkeys)
        kb_ld_problem(ld, "\"column\" names one column per \"key\" field");
    lk->columns = kb_xcalloc(lk->nkeys + 1, sizeof *lk->columns);
    for (size_t i = 0; i < lk->nkeys; i++)
        lk->columns[i] = kb_strdup(columns && i < ncolumns ? columns[i] : lk->fields[i]);
    kb_ld_free_strings(columns, ncolumns);
    lk->add = kb_ld_strings(ld, v, "add", &lk->nadd);
    if (!lk->nadd)
        kb_ld_problem(ld, "missing \"add\": the columns to add to the evidence");
    lk->missing = kb_ld_string(ld, v, "missing", 0);
}

static void parse_lookups(kb_loader *ld, const cJSON *v, kb_checkpoint *cp)
{
    if (!v)
        return;
    if (cJSON_IsObject(v)) { /* one lookup alone */
        cp->lookups = kb_xcalloc(1, sizeof *cp->lookups);
        size_t mark = kb_ld_enter(ld, "lookup", -1);
        parse_lookup(ld, v, &cp->lookups[cp->nlookups++]);
        kb_ld_leave(ld, mark);
        return;
    }
    if (!cJSON_IsArray(v)) {
        size_t mark = kb_ld_enter(ld, "lookup", -1);
        kb_ld_problem(ld, "must be a lookup {\"table\", \"key\", \"add\"} or a list of them");
        kb_ld_leave(ld, mark);
        return;
    }
    cp->lookups = kb_xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *cp->lookups);
    int i = 0;
    for (const cJSON *item = v->child; item; item = item->next, i++) {
        size_t mark = kb_ld_enter(ld, "lookup", i);
        parse_lookup(ld, item, &cp->lookups[cp->nlookups++]);
        kb_ld_leave(ld, mark);
    }
}

void kb_ld_checkpoint_more(kb_loader *ld, const cJSON *v, kb_checkpoint *cp)
{
    parse_related(ld, cJSON_GetObjectItemCaseSensitive(v, "related"), cp);
    parse_same(ld, cJSON_GetObjectItemCaseSensitive(v, "same"), cp);
    parse_lookups(ld, cJSON_GetObjectItemCaseSensitive(v, "lookup"), cp);
    kb_ld_i18n(ld, v, "say_each", 0, &cp->say_each);
}

/* ---- linking: checkpoint references and the order of evaluation ------------- */

/* The checkpoint "checkpoint" names in the raw "related" / "same" object
 * of checkpoint i; -1 after a problem. */
static long resolve(kb_loader *ld, const cJSON *cps, size_t i, const char *key, const kb_rule *rule)
{
    const cJSON *cp = cJSON_GetArrayItem(cps, (int)i);
    const cJSON *obj = cp ? cJSON_GetObjectItemCaseSensitive(cp, key) : NULL;
    if (!cJSON_IsObject(obj))
        return -1;
    size_t mark = kb_ld_enter(ld, "checkpoints", (int)i);
    size_t kmark = kb_ld_enter(ld, key, -1);
    long other = checkpoint_ref(ld, obj, "checkpoint", rule, 1);
    if (other >= 0 && (size_t)other == i) {
        kb_ld_problem(ld, "a checkpoint does not relate to itself");
        other = -1;
    }
    kb_ld_leave(ld, kmark);
    kb_ld_leave(ld, mark);
    return other;
}

/* Depth-first: every checkpoint after those it reads. 0, or -1 on a cycle. */
static int visit(const kb_rule *rule, size_t i, unsigned char *mark, size_t *order, size_t *n)
{
    if (mark[i] == 2)
        return 0;
    if (mark[i] == 1)
        return -1;
    mark[i] = 1;
    const kb_checkpoint *cp = &rule->checkpoints[i];
    if (cp->related.set && visit(rule, cp->related.checkpoint, mark, order, n) != 0)
        return -1;
    if (cp->same.set && visit(rule, cp->same.checkpoint, mark, order, n) != 0)
        return -1;
    mark[i] = 2;
    order[(*n)++] = i;
    return 0;
}

static void order_checkpoints(kb_loader *ld, kb_rule *rule)
{
    rule->order = kb_xcalloc(rule->ncheckpoints + 1, sizeof *rule->order);
    unsigned char *mark = kb_xcalloc(rule->ncheckpoints + 1, 1);
    size_t n = 0;
    for (size_t i = 0; i < rule->ncheckpoints; i++)
        if (visit(rule, i, mark, rule->order, &n) != 0) {
            kb_ld_problem(ld, "checkpoints: \"related\" and \"same\" go round in a circle (through \"%s\")",
                          rule->checkpoints[i].id ? rule->checkpoints[i].id : "?");
            break;
        }
    for (size_t i = n; i < rule->ncheckpoints; i++) /* after a cycle: the rest in file order */
        rule->order[i] = i;
    free(mark);
}

void kb_ld_link_rule(kb_loader *ld, const cJSON *root, kb_rule *rule)
{
    const cJSON *cps = cJSON_GetObjectItemCaseSensitive(root, "checkpoints");
    for (size_t i = 0; i < rule->ncheckpoints; i++) {
        kb_checkpoint *cp = &rule->checkpoints[i];
        long other;
        if (cp->related.set && (other = resolve(ld, cps, i, "related", rule)) >= 0)
            cp->related.checkpoint = (size_t)other;
        else
            cp->related.set = 0;
        if (cp->same.set && (other = resolve(ld, cps, i, "same", rule)) >= 0) {
            cp->same.checkpoint = (size_t)other;
            rule->checkpoints[other].keep_all = 1; /* its values are joined on, all of them */
        } else {
            cp->same.set = 0;
        }
    }
    order_checkpoints(ld, rule);
    parse_severity_when(ld, cJSON_GetObjectItemCaseSensitive(root, "severity_when"), rule);
    parse_symptoms(ld, root, rule);
    parse_explains(ld, cJSON_GetObjectItemCaseSensitive(root, "explains"), rule);
    for (size_t i = 0; i < rule->nexplains; i++)
        if (rule->explains[i].by < rule->ncheckpoints)
            rule->checkpoints[rule->explains[i].by].keep_all = 1;
}

/* ---- remedies and fixtures ------------------------------------------------------ */

void kb_ld_remedy_more(kb_loader *ld, const cJSON *v, const kb_rule *rule, kb_remedy *r)
{
    const cJSON *when = cJSON_GetObjectItemCaseSensitive(v, "when");
    if (!when)
        return;
    size_t mark = kb_ld_enter(ld, "when", -1);
    static const char *const keys[] = {"checkpoint", "state", "where", NULL};
    if (!cJSON_IsObject(when)) {
        kb_ld_problem(ld, "must be {\"checkpoint\", \"state\", \"where\"}");
        kb_ld_leave(ld, mark);
        return;
    }
    kb_ld_check_keys(ld, when, keys);
    r->when.set = 1;
    long cp = checkpoint_ref(ld, when, "checkpoint", rule, 1);
    r->when.checkpoint = cp < 0 ? 0 : (size_t)cp;
    char *state = kb_ld_string(ld, when, "state", 0);
    r->when.state = state ? state_of(state) : 0;
    if (r->when.state < 0)
        kb_ld_problem(ld, "\"state\" is met, not_met or unknown");
    free(state);
    const cJSON *where = cJSON_GetObjectItemCaseSensitive(when, "where");
    if (where) {
        size_t wmark = kb_ld_enter(ld, "where", -1);
        r->when.where = kb_ld_cond(ld, where);
        kb_ld_leave(ld, wmark);
    }
    kb_ld_leave(ld, mark);
}

void kb_ld_fixture_more(kb_loader *ld, const cJSON *v, kb_fixture *fx)
{
    fx->explained_by = kb_ld_string(ld, v, "explained_by", 0);
    fx->quiet = -1;
    const cJSON *quiet = cJSON_GetObjectItemCaseSensitive(v, "quiet");
    if (quiet && !cJSON_IsBool(quiet))
        kb_ld_problem(ld, "\"quiet\" takes true or false");
    else if (quiet)
        fx->quiet = cJSON_IsTrue(quiet);
    fx->severity = -1;
    char *severity = kb_ld_string(ld, v, "severity", 0);
    if (severity && (fx->severity = severity_of(severity)) < 0)
        kb_ld_problem(ld, "\"severity\" is \"info\", \"warning\", \"error\" or \"critical\", not \"%s\"",
                      severity);
    free(severity);
}

/* ---- freeing ---------------------------------------------------------------------- */

void kb_ld_free_checkpoint_more(kb_checkpoint *cp)
{
    free(cp->group_by);
    free(cp->distinct);
    free(cp->same.field);
    free(cp->same.other_field);
    for (size_t i = 0; i < cp->nlookups; i++) {
        kb_lookup *lk = &cp->lookups[i];
        free(lk->table);
        kb_ld_free_strings(lk->fields, lk->nkeys);
        kb_ld_free_strings(lk->columns, lk->nkeys);
        kb_ld_free_strings(lk->add, lk->nadd);
        free(lk->missing);
    }
    free(cp->lookups);
    kb_ld_free_i18n(&cp->say_each);
}

void kb_ld_free_rule_more(kb_rule *rule)
{
    free(rule->severity_when);
    free(rule->symptoms);
    for (size_t i = 0; i < rule->nexplains; i++) {
        free(rule->explains[i].rule);
        free(rule->explains[i].checkpoint);
    }
    free(rule->explains);
    free(rule->order);
}

const kb_rule *kb_ruleset_find(const kb_ruleset *set, const char *id)
{
    for (size_t i = 0; set && id && i < set->n; i++)
        if (set->rules[i].id && strcmp(set->rules[i].id, id) == 0)
            return &set->rules[i];
    return NULL;
}

/* A checkpoint another rule explains keeps every fact it selects: whether
 * all of them are explained is counted, not guessed from the first few. */
void kb_ld_link_explains(kb_ruleset *set)
{
    for (size_t i = 0; i < set->n; i++)
        for (size_t e = 0; e < set->rules[i].nexplains; e++) {
            const kb_explains *ex = &set->rules[i].explains[e];
            kb_rule *target = (kb_rule *)kb_ruleset_find(set, ex->rule);
            long c = target && ex->checkpoint ? kb_rule_find_checkpoint(target, ex->checkpoint) : -1;
            if (c >= 0 && !ex->near)
                target->checkpoints[c].keep_all = 1;
        }
}
