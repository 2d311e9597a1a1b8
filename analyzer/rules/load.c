/* load.c: reads the rules directory (one JSON file per rule) into kb_rule (rule.h), checking every key
 * and value so that a broken rule is named with the file and JSON path of
 * the kb_ld_problem instead of being half-applied. */
#include "core/alloc.h"
#include "rules/loader.h"
#include "rules/rule.h"

#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void kb_ld_problem(kb_loader *ld, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kb_buf_printf(ld->errors, "%s: %s%s", ld->file, ld->path, ld->path[0] ? ": " : "");
    kb_buf_vprintf(ld->errors, fmt, ap);
    kb_buf_putc(ld->errors, '\n');
    va_end(ap);
    ld->nerrors++;
}

/* Pushes a path component; returns the old length to pop back to. */
size_t kb_ld_enter(kb_loader *ld, const char *key, int index)
{
    size_t len = strlen(ld->path);
    if (index >= 0)
        snprintf(ld->path + len, sizeof ld->path - len, "%s%s[%d]",
                 len && key && *key ? "." : "", key ? key : "", index);
    else
        snprintf(ld->path + len, sizeof ld->path - len, "%s%s", len ? "." : "", key);
    return len;
}

void kb_ld_leave(kb_loader *ld, size_t len) { ld->path[len] = '\0'; }

void kb_ld_check_keys(kb_loader *ld, const cJSON *obj, const char *const *allowed)
{
    for (const cJSON *item = obj->child; item; item = item->next) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(item->string, *a) == 0;
        if (ok)
            continue;
        const char *near = kb_closest_word(item->string, allowed);
        if (near)
            kb_ld_problem(ld, "unknown key \"%s\" (did you mean \"%s\"?)", item->string, near);
        else
            kb_ld_problem(ld, "unknown key \"%s\"", item->string);
    }
}

char *kb_ld_string(kb_loader *ld, const cJSON *obj, const char *key, int required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        if (required)
            kb_ld_problem(ld, "missing \"%s\"", key);
        return NULL;
    }
    if (!cJSON_IsString(v)) {
        kb_ld_problem(ld, "\"%s\" must be a string", key);
        return NULL;
    }
    return kb_strdup(v->valuestring);
}

void kb_ld_i18n(kb_loader *ld, const cJSON *obj, const char *key, int required, kb_i18n *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        if (required)
            kb_ld_problem(ld, "missing \"%s\"", key);
        return;
    }
    if (cJSON_IsString(v)) {
        out->en = kb_strdup(v->valuestring);
        return;
    }
    size_t mark = kb_ld_enter(ld, key, -1);
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "must be a string or {\"en\": ..., \"ja\": ...}");
    } else {
        static const char *const keys[] = {"en", "ja", NULL};
        kb_ld_check_keys(ld, v, keys);
        out->en = kb_ld_string(ld, v, "en", 1);
        out->ja = kb_ld_string(ld, v, "ja", 0);
    }
    kb_ld_leave(ld, mark);
}

void kb_ld_free_i18n(kb_i18n *t)
{
    free(t->en);
    free(t->ja);
}

const char *kb_i18n_get(const kb_i18n *t, kb_lang lang)
{
    if (lang == KB_LANG_JA && t->ja)
        return t->ja;
    return t->en ? t->en : "";
}

char **kb_ld_strings(kb_loader *ld, const cJSON *obj, const char *key, size_t *n)
{
    *n = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return NULL;
    if (cJSON_IsString(v)) { /* a single string is a one-element list */
        char **list = kb_xcalloc(2, sizeof *list); /* NULL-terminated too */
        if (list && (list[0] = kb_strdup(v->valuestring)))
            *n = 1;
        return list;
    }
    if (!cJSON_IsArray(v)) {
        kb_ld_problem(ld, "\"%s\" must be a list of strings", key);
        return NULL;
    }
    int size = cJSON_GetArraySize(v);
    char **list = kb_xcalloc((size_t)size + 1, sizeof *list);
    if (!list)
        return NULL;
    int i = 0;
    for (const cJSON *item = v->child; item; item = item->next, i++) {
        if (!cJSON_IsString(item)) {
            size_t mark = kb_ld_enter(ld, key, i);
            kb_ld_problem(ld, "must be a string");
            kb_ld_leave(ld, mark);
            continue;
        }
        list[(*n)++] = kb_strdup(item->valuestring);
    }
    return list;
}

void kb_ld_free_strings(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

/* ---- conditions ---------------------------------------------------------- */

pcre2_code *kb_ld_pattern(kb_loader *ld, const char *pattern, int ignore_case)
{
    int errcode;
    PCRE2_SIZE erroffset;
    /* Bundle text may hold invalid UTF-8: match around it instead of failing. */
    uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | (ignore_case ? PCRE2_CASELESS : 0);
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options,
                                   &errcode, &erroffset, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        kb_ld_problem(ld, "bad pattern \"%s\" at offset %zu: %s", pattern, (size_t)erroffset,
                (const char *)msg);
        return NULL;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* faster when available; optional */
    return re;
}

kb_cond *kb_ld_cond(kb_loader *ld, const cJSON *v);

static kb_cond *parse_group(kb_loader *ld, const cJSON *list, kb_cond_kind kind, const char *key)
{
    kb_cond *c = kb_xcalloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->kind = kind;
    if (kind == KB_COND_NOT) {
        c->children = kb_xcalloc(1, sizeof *c->children);
        size_t mark = kb_ld_enter(ld, key, -1);
        if (c->children && (c->children[0] = kb_ld_cond(ld, list)))
            c->nchildren = 1;
        kb_ld_leave(ld, mark);
        return c;
    }
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0) {
        size_t mark = kb_ld_enter(ld, key, -1);
        kb_ld_problem(ld, "must be a non-empty list of conditions");
        kb_ld_leave(ld, mark);
        return c;
    }
    c->children = kb_xcalloc((size_t)cJSON_GetArraySize(list), sizeof *c->children);
    int i = 0;
    for (const cJSON *item = list->child; item && c->children; item = item->next, i++) {
        size_t mark = kb_ld_enter(ld, key, i);
        kb_cond *child = kb_ld_cond(ld, item);
        if (child)
            c->children[c->nchildren++] = child;
        kb_ld_leave(ld, mark);
    }
    return c;
}

static const struct {
    const char *key;
    kb_cond_op op;
} numeric_ops[] = {
    {"<", KB_OP_LT}, {"<=", KB_OP_LE}, {">", KB_OP_GT},
    {">=", KB_OP_GE}, {"==", KB_OP_EQ}, {"!=", KB_OP_NE},
};

static char *scalar_text(const cJSON *v)
{
    if (cJSON_IsString(v))
        return kb_strdup(v->valuestring);
    if (cJSON_IsNumber(v))
        return kb_strprintf("%.15g", v->valuedouble);
    return NULL;
}

static int count_test_ops(const cJSON *v)
{
    static const char *const ops[] = {"equals", "in", "matches", "exists",
                                      "<", "<=", ">", ">=", "==", "!="};
    int n = 0;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        n += cJSON_GetObjectItemCaseSensitive(v, ops[i]) != NULL;
    return n;
}

static int parse_test_op(kb_loader *ld, const cJSON *v, kb_cond *c)
{
    const cJSON *x;
    int found = count_test_ops(v);
    if (found != 1)
        return found; /* the caller names the kb_ld_problem */
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "equals"))) {
        c->op = KB_OP_EQUALS;
        c->values = kb_xcalloc(1, sizeof *c->values);
        if (c->values && (c->values[0] = scalar_text(x)))
            c->nvalues = 1;
        else
            kb_ld_problem(ld, "\"equals\" takes a string or a number");
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "in"))) {
        c->op = KB_OP_IN;
        if (!cJSON_IsArray(x) || !cJSON_GetArraySize(x)) {
            kb_ld_problem(ld, "\"in\" takes a non-empty list");
        } else {
            c->values = kb_xcalloc((size_t)cJSON_GetArraySize(x), sizeof *c->values);
            for (const cJSON *item = x->child; item && c->values; item = item->next) {
                char *s = scalar_text(item);
                if (!s)
                    kb_ld_problem(ld, "\"in\" takes strings or numbers");
                else
                    c->values[c->nvalues++] = s;
            }
        }
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "matches"))) {
        c->op = KB_OP_MATCHES;
        if (!cJSON_IsString(x)) {
            kb_ld_problem(ld, "\"matches\" takes a pattern string");
        } else {
            c->pattern = kb_strdup(x->valuestring);
            size_t mark = kb_ld_enter(ld, "matches", -1);
            c->re = kb_ld_pattern(ld, x->valuestring, c->ignore_case);
            kb_ld_leave(ld, mark);
        }
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "exists"))) {
        c->op = KB_OP_EXISTS;
        if (!cJSON_IsBool(x))
            kb_ld_problem(ld, "\"exists\" takes true or false");
        c->flag = cJSON_IsTrue(x);
    }
    for (size_t i = 0; i < sizeof numeric_ops / sizeof numeric_ops[0]; i++) {
        if ((x = cJSON_GetObjectItemCaseSensitive(v, numeric_ops[i].key))) {
                c->op = numeric_ops[i].op;
            if (!cJSON_IsNumber(x))
                kb_ld_problem(ld, "\"%s\" takes a number", numeric_ops[i].key);
            else
                c->number = x->valuedouble;
        }
    }
    return found;
}

/* "message": a pattern over an event's rendered message, or true for the
 * test's own "matches" pattern; used when the fact has no such field. */
static void parse_message_alternative(kb_loader *ld, const cJSON *v, const char *same, int ignore_case,
                                      char **pattern, pcre2_code **re)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, "message");
    if (!x)
        return;
    size_t mark = kb_ld_enter(ld, "message", -1);
    if (cJSON_IsTrue(x) && same)
        *pattern = kb_strdup(same);
    else if (cJSON_IsString(x))
        *pattern = kb_strdup(x->valuestring);
    else
        kb_ld_problem(ld, same ? "takes a pattern over the event's message, or true for the same pattern"
                         : "takes a pattern over the event's message");
    if (*pattern)
        *re = kb_ld_pattern(ld, *pattern, ignore_case);
    kb_ld_leave(ld, mark);
}

static kb_cond *parse_test(kb_loader *ld, const cJSON *v)
{
    static const char *const keys[] = {"field", "equals", "in", "matches", "exists", "ignore_case",
                                       "<", "<=", ">", ">=", "==", "!=", "message", NULL};
    kb_ld_check_keys(ld, v, keys);
    kb_cond *c = kb_xcalloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->kind = KB_COND_TEST;
    c->field = kb_ld_string(ld, v, "field", 1);
    const cJSON *ic = cJSON_GetObjectItemCaseSensitive(v, "ignore_case");
    c->ignore_case = cJSON_IsTrue(ic);
    int found = parse_test_op(ld, v, c);
    if (found != 1)
        kb_ld_problem(ld, found ? "one test per condition (equals, in, matches, exists, <, <=, >, >=, ==, !=)"
                          : "no test (equals, in, matches, exists, <, <=, >, >=, ==, !=)");
    parse_message_alternative(ld, v, c->op == KB_OP_MATCHES ? c->pattern : NULL, c->ignore_case,
                              &c->message_pattern, &c->message_re);
    return c;
}

kb_cond *kb_ld_cond(kb_loader *ld, const cJSON *v)
{
    if (cJSON_IsArray(v))
        return parse_group(ld, v, KB_COND_ALL, "");
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "a condition must be an object");
        return NULL;
    }
    static const struct {
        const char *key;
        kb_cond_kind kind;
    } groups[] = {{"all", KB_COND_ALL}, {"any", KB_COND_ANY}, {"not", KB_COND_NOT}};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, groups[i].key);
        if (x) {
            if (cJSON_GetArraySize(v) != 1)
                kb_ld_problem(ld, "\"%s\" stands alone in its object", groups[i].key);
            return parse_group(ld, x, groups[i].kind, groups[i].key);
        }
    }
    return parse_test(ld, v);
}

void kb_cond_free(kb_cond *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nchildren; i++)
        kb_cond_free(c->children[i]);
    free(c->children);
    free(c->field);
    kb_ld_free_strings(c->values, c->nvalues);
    free(c->pattern);
    pcre2_code_free(c->re);
    free(c->message_pattern);
    pcre2_code_free(c->message_re);
    free(c);
}

/* ---- checkpoints ---------------------------------------------------------- */

int kb_ld_numeric_op(const char *key)
{
    for (size_t i = 0; i < sizeof numeric_ops / sizeof numeric_ops[0]; i++)
        if (strcmp(key, numeric_ops[i].key) == 0)
            return (int)numeric_ops[i].op;
    return -1;
}

/* "count": one comparison, optionally counted per window of time, per
 * group, or over distinct values (the keys of load_more.c). */
static void parse_count(kb_loader *ld, const cJSON *v, kb_checkpoint *cp)
{
    cp->count_op = KB_OP_GE;
    cp->count_value = 1;
    if (!v)
        return;
    size_t mark = kb_ld_enter(ld, "count", -1);
    int ncompare = 0;
    for (const cJSON *item = v ? v->child : NULL; cJSON_IsObject(v) && item; item = item->next) {
        int op = kb_ld_numeric_op(item->string);
        if (op < 0)
            continue;
        ncompare++;
        if (!cJSON_IsNumber(item)) {
            ncompare = 99;
            continue;
        }
        cp->count_op = (kb_cond_op)op;
        cp->count_value = item->valuedouble;
    }
    if (!cJSON_IsObject(v) || ncompare != 1) {
        kb_ld_problem(ld, "must be one comparison, e.g. {\">=\": 1}");
    } else {
        static const char *const keys[] = {"<", "<=", ">", ">=", "==", "!=", "window_minutes",
                                           "group_by", "distinct", NULL};
        kb_ld_check_keys(ld, v, keys);
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(v, "window_minutes");
        if (w && (!cJSON_IsNumber(w) || w->valuedouble <= 0))
            kb_ld_problem(ld, "\"window_minutes\" takes a positive number");
        else if (w)
            cp->window_us = (int64_t)(w->valuedouble * 60e6);
        cp->group_by = kb_ld_string(ld, v, "group_by", 0);
        cp->distinct = kb_ld_string(ld, v, "distinct", 0);
        if (cp->group_by && !cp->window_us)
            kb_ld_problem(ld, "\"group_by\" counts per window: give \"window_minutes\" too");
        if (cp->distinct && cp->window_us)
            kb_ld_problem(ld, "\"distinct\" counts over every fact: not with \"window_minutes\"");
        if (cp->window_us && cp->count_op != KB_OP_GE && cp->count_op != KB_OP_GT)
            kb_ld_problem(ld, "a count per window is \">=\" or \">\" (some window holds that many)");
    }
    kb_ld_leave(ld, mark);
}

static void parse_extracts(kb_loader *ld, const cJSON *v, kb_checkpoint *cp)
{
    if (!v)
        return;
    size_t mark = kb_ld_enter(ld, "extract", -1);
    if (!cJSON_IsArray(v)) {
        kb_ld_problem(ld, "must be a list of {\"field\", \"pattern\"}");
        kb_ld_leave(ld, mark);
        return;
    }
    kb_ld_leave(ld, mark);
    cp->extracts = kb_xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *cp->extracts);
    int i = 0;
    for (const cJSON *item = v->child; item && cp->extracts; item = item->next, i++) {
        mark = kb_ld_enter(ld, "extract", i);
        static const char *const keys[] = {"field", "pattern", "message", NULL};
        if (!cJSON_IsObject(item)) {
            kb_ld_problem(ld, "must be {\"field\", \"pattern\"}");
        } else {
            kb_ld_check_keys(ld, item, keys);
            kb_extract *x = &cp->extracts[cp->nextracts++];
            x->field = kb_ld_string(ld, item, "field", 1);
            x->pattern = kb_ld_string(ld, item, "pattern", 1);
            if (x->pattern) {
                size_t pmark = kb_ld_enter(ld, "pattern", -1);
                x->re = kb_ld_pattern(ld, x->pattern, 0);
                kb_ld_leave(ld, pmark);
                uint32_t names = 0;
                if (x->re)
                    pcre2_pattern_info(x->re, PCRE2_INFO_NAMECOUNT, &names);
                if (x->re && names == 0)
                    kb_ld_problem(ld, "the pattern names no group, e.g. (?<writer>...)");
            }
            parse_message_alternative(ld, item, x->pattern, 0, &x->message_pattern, &x->message_re);
        }
        kb_ld_leave(ld, mark);
    }
}

/* "collect" (optional): the rule's own advice, replacing the source's
 * (rule.h, kb_collect): a file and its command together, or a "why" alone
 * that keeps the source's file and command. */
static void parse_collect(kb_loader *ld, const cJSON *v, kb_collect *out)
{
    if (!v)
        return;
    size_t mark = kb_ld_enter(ld, "collect", -1);
    static const char *const keys[] = {"file", "command", "why", NULL};
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "must be {\"file\", \"command\", \"why\"}");
    } else {
        kb_ld_check_keys(ld, v, keys);
        out->file = kb_ld_string(ld, v, "file", 0);
        out->command = kb_ld_string(ld, v, "command", 0);
        kb_ld_i18n(ld, v, "why", 0, &out->why);
        if (!out->file != !out->command)
            kb_ld_problem(ld, "give \"file\" and \"command\" together (or neither: the source's are used)");
        else if (!out->file && !out->why.en)
            kb_ld_problem(ld, "says nothing: give \"file\" and \"command\", or \"why\", or kb_ld_leave \"collect\" out "
                        "(the source of the input says what to collect)");
    }
    kb_ld_leave(ld, mark);
}

/* "near": {"where": condition, "say": template}: which facts of the
 * checkpoint's type come closest when it is not met (engine.h, near misses). */
static void parse_near(kb_loader *ld, const cJSON *v, kb_checkpoint *cp)
{
    if (!v)
        return;
    size_t mark = kb_ld_enter(ld, "near", -1);
    static const char *const keys[] = {"where", "say", NULL};
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "must be {\"where\": ..., \"say\": ...}");
    } else {
        kb_ld_check_keys(ld, v, keys);
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(v, "where");
        if (!w) {
            kb_ld_problem(ld, "missing \"where\"");
        } else {
            size_t wmark = kb_ld_enter(ld, "where", -1);
            cp->near_where = kb_ld_cond(ld, w);
            kb_ld_leave(ld, wmark);
        }
        kb_ld_i18n(ld, v, "say", 0, &cp->near_say);
    }
    kb_ld_leave(ld, mark);
}

static void parse_checkpoint(kb_loader *ld, const cJSON *v, kb_checkpoint *cp)
{
    static const char *const keys[] = {"id", "title", "description", "role", "input", "facts",
                                       "where", "count", "unknown_when", "within_days",
                                       "extract", "show", "say", "collect", "near",
                                       "related", "same", "lookup", "say_each", NULL};
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "a checkpoint must be an object");
        return;
    }
    kb_ld_check_keys(ld, v, keys);
    cp->id = kb_ld_string(ld, v, "id", 1);
    kb_ld_i18n(ld, v, "title", 1, &cp->title);
    kb_ld_i18n(ld, v, "description", 0, &cp->description);
    char *role = kb_ld_string(ld, v, "role", 0);
    if (role && strcmp(role, "context") == 0)
        cp->context = 1;
    else if (role && strcmp(role, "decides") != 0)
        kb_ld_problem(ld, "\"role\" is \"decides\" or \"context\", not \"%s\"", role);
    free(role);
    /* "input": one feed, or a list of feeds read alike (the backup events
     * of the Application log and of Windows Server Backup's own). */
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(v, "input");
    if (cJSON_IsArray(input)) {
        cp->feeds = kb_ld_strings(ld, v, "input", &cp->nfeeds);
        if (!cp->nfeeds)
            kb_ld_problem(ld, "\"input\" lists no feed");
        else
            cp->feed = kb_strdup(cp->feeds[0]);
    } else {
        cp->feed = kb_ld_string(ld, v, "input", 1);
        if (cp->feed) {
            cp->feeds = kb_xcalloc(1, sizeof *cp->feeds);
            cp->feeds[cp->nfeeds++] = kb_strdup(cp->feed);
        }
    }
    cp->fact_type = kb_ld_string(ld, v, "facts", 1);
    const cJSON *where = cJSON_GetObjectItemCaseSensitive(v, "where");
    if (where) {
        size_t mark = kb_ld_enter(ld, "where", -1);
        cp->where = kb_ld_cond(ld, where);
        kb_ld_leave(ld, mark);
    }
    parse_count(ld, cJSON_GetObjectItemCaseSensitive(v, "count"), cp);
    const cJSON *uw = cJSON_GetObjectItemCaseSensitive(v, "unknown_when");
    if (uw) {
        size_t mark = kb_ld_enter(ld, "unknown_when", -1);
        static const char *const ukeys[] = {"where", "say", NULL};
        if (!cJSON_IsObject(uw)) {
            kb_ld_problem(ld, "must be {\"where\": ..., \"say\": ...}");
        } else {
            kb_ld_check_keys(ld, uw, ukeys);
            const cJSON *w = cJSON_GetObjectItemCaseSensitive(uw, "where");
            if (!w)
                kb_ld_problem(ld, "missing \"where\"");
            else
                cp->unknown_when = kb_ld_cond(ld, w);
            kb_ld_i18n(ld, uw, "say", 1, &cp->unknown_say);
        }
        kb_ld_leave(ld, mark);
    }
    const cJSON *days = cJSON_GetObjectItemCaseSensitive(v, "within_days");
    if (days) {
        if (!cJSON_IsNumber(days) || days->valuedouble <= 0)
            kb_ld_problem(ld, "\"within_days\" takes a positive number");
        else
            cp->within_us = (int64_t)(days->valuedouble * 86400.0 * 1e6);
    }
    parse_extracts(ld, cJSON_GetObjectItemCaseSensitive(v, "extract"), cp);
    cp->show = kb_ld_strings(ld, v, "show", &cp->nshow);
    const cJSON *say = cJSON_GetObjectItemCaseSensitive(v, "say");
    if (say) {
        size_t mark = kb_ld_enter(ld, "say", -1);
        static const char *const skeys[] = {"met", "not_met", NULL};
        if (!cJSON_IsObject(say)) {
            kb_ld_problem(ld, "must be {\"met\": ..., \"not_met\": ...}");
        } else {
            kb_ld_check_keys(ld, say, skeys);
            kb_ld_i18n(ld, say, "met", 0, &cp->met_say);
            kb_ld_i18n(ld, say, "not_met", 0, &cp->not_met_say);
        }
        kb_ld_leave(ld, mark);
    }
    parse_collect(ld, cJSON_GetObjectItemCaseSensitive(v, "collect"), &cp->collect);
    parse_near(ld, cJSON_GetObjectItemCaseSensitive(v, "near"), cp);
    kb_ld_checkpoint_more(ld, v, cp);
}

static void free_checkpoint(kb_checkpoint *cp)
{
    free(cp->id);
    kb_ld_free_i18n(&cp->title);
    kb_ld_free_i18n(&cp->description);
    free(cp->feed);
    kb_ld_free_strings(cp->feeds, cp->nfeeds);
    free(cp->fact_type);
    kb_cond_free(cp->where);
    kb_cond_free(cp->unknown_when);
    kb_ld_free_i18n(&cp->unknown_say);
    for (size_t i = 0; i < cp->nextracts; i++) {
        free(cp->extracts[i].field);
        free(cp->extracts[i].pattern);
        pcre2_code_free(cp->extracts[i].re);
        free(cp->extracts[i].message_pattern);
        pcre2_code_free(cp->extracts[i].message_re);
    }
    free(cp->extracts);
    kb_ld_free_strings(cp->show, cp->nshow);
    kb_ld_free_i18n(&cp->met_say);
    kb_ld_free_i18n(&cp->not_met_say);
    free(cp->collect.file);
    free(cp->collect.command);
    kb_ld_free_i18n(&cp->collect.why);
    kb_cond_free(cp->near_where);
    kb_ld_free_i18n(&cp->near_say);
    kb_ld_free_checkpoint_more(cp);
}

/* ---- verdict formula ------------------------------------------------------ */

long kb_rule_find_checkpoint(const kb_rule *rule, const char *id)
{
    for (size_t i = 0; i < rule->ncheckpoints; i++)
        if (rule->checkpoints[i].id && strcmp(rule->checkpoints[i].id, id) == 0)
            return (long)i;
    return -1;
}

static kb_logic *parse_logic(kb_loader *ld, const cJSON *v, const kb_rule *rule)
{
    kb_logic *l = kb_xcalloc(1, sizeof *l);
    if (!l)
        return NULL;
    if (cJSON_IsString(v)) {
        l->kind = KB_COND_TEST;
        long i = kb_rule_find_checkpoint(rule, v->valuestring);
        if (i < 0)
            kb_ld_problem(ld, "no checkpoint \"%s\"", v->valuestring);
        else if (rule->checkpoints[i].context)
            kb_ld_problem(ld, "checkpoint \"%s\" has role context and cannot decide", v->valuestring);
        l->checkpoint = i < 0 ? 0 : (size_t)i;
        return l;
    }
    static const struct {
        const char *key;
        kb_cond_kind kind;
    } groups[] = {{"all", KB_COND_ALL}, {"any", KB_COND_ANY}, {"not", KB_COND_NOT}};
    if (!cJSON_IsObject(v) || cJSON_GetArraySize(v) != 1) {
        kb_ld_problem(ld, "must be a checkpoint id or {\"all\"|\"any\": [...]} or {\"not\": ...}");
        return l;
    }
    for (size_t g = 0; g < 3; g++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, groups[g].key);
        if (!x)
            continue;
        l->kind = groups[g].kind;
        if (l->kind == KB_COND_NOT) {
            l->children = kb_xcalloc(1, sizeof *l->children);
            size_t mark = kb_ld_enter(ld, "not", -1);
            if (l->children && (l->children[0] = parse_logic(ld, x, rule)))
                l->nchildren = 1;
            kb_ld_leave(ld, mark);
            return l;
        }
        if (!cJSON_IsArray(x) || !cJSON_GetArraySize(x)) {
            kb_ld_problem(ld, "\"%s\" takes a non-empty list", groups[g].key);
            return l;
        }
        l->children = kb_xcalloc((size_t)cJSON_GetArraySize(x), sizeof *l->children);
        int i = 0;
        for (const cJSON *item = x->child; item && l->children; item = item->next, i++) {
            size_t mark = kb_ld_enter(ld, groups[g].key, i);
            kb_logic *child = parse_logic(ld, item, rule);
            if (child)
                l->children[l->nchildren++] = child;
            kb_ld_leave(ld, mark);
        }
        return l;
    }
    kb_ld_problem(ld, "must be a checkpoint id or {\"all\"|\"any\": [...]} or {\"not\": ...}");
    return l;
}

static void free_logic(kb_logic *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nchildren; i++)
        free_logic(l->children[i]);
    free(l->children);
    free(l);
}

/* ---- remedies ------------------------------------------------------------- */

static const char *const cp_state_names[] = {"met", "not_met", "unknown"};

static void parse_remedy_notes(kb_loader *ld, const cJSON *v, const kb_rule *rule, kb_remedy *r)
{
    if (!v)
        return;
    if (!cJSON_IsArray(v)) {
        kb_ld_problem(ld, "\"notes\" must be a list");
        return;
    }
    r->notes = kb_xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *r->notes);
    int i = 0;
    for (const cJSON *item = v->child; item && r->notes; item = item->next, i++) {
        size_t mark = kb_ld_enter(ld, "notes", i);
        static const char *const keys[] = {"when", "text", NULL};
        static const char *const wkeys[] = {"checkpoint", "state", NULL};
        kb_remedy_note *note = &r->notes[r->nnotes++];
        const cJSON *when = cJSON_GetObjectItemCaseSensitive(item, "when");
        if (!cJSON_IsObject(item) || !cJSON_IsObject(when)) {
            kb_ld_problem(ld, "must be {\"when\": {\"checkpoint\", \"state\"}, \"text\"}");
        } else {
            kb_ld_check_keys(ld, item, keys);
            kb_ld_check_keys(ld, when, wkeys);
            char *cp = kb_ld_string(ld, when, "checkpoint", 1);
            char *state = kb_ld_string(ld, when, "state", 1);
            long idx = cp ? kb_rule_find_checkpoint(rule, cp) : -1;
            if (cp && idx < 0)
                kb_ld_problem(ld, "no checkpoint \"%s\"", cp);
            note->checkpoint = idx < 0 ? 0 : (size_t)idx;
            note->state = -1;
            for (int s = 0; s < 3 && state; s++)
                if (strcmp(state, cp_state_names[s]) == 0)
                    note->state = s;
            if (state && note->state < 0)
                kb_ld_problem(ld, "\"state\" is met, not_met or unknown");
            free(cp);
            free(state);
            kb_ld_i18n(ld, item, "text", 1, &note->text);
        }
        kb_ld_leave(ld, mark);
    }
}

static void parse_remedy(kb_loader *ld, const cJSON *v, const kb_rule *rule, kb_remedy *r)
{
    static const char *const keys[] = {"id", "title", "text", "commands", "verify", "lasting",
                                       "notes", "when", NULL};
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "a remedy must be an object");
        return;
    }
    kb_ld_check_keys(ld, v, keys);
    r->id = kb_ld_string(ld, v, "id", 1);
    kb_ld_i18n(ld, v, "title", 1, &r->title);
    kb_ld_i18n(ld, v, "text", 0, &r->text);
    r->commands = kb_ld_strings(ld, v, "commands", &r->ncommands);
    const cJSON *verify = cJSON_GetObjectItemCaseSensitive(v, "verify");
    if (verify) {
        size_t mark = kb_ld_enter(ld, "verify", -1);
        static const char *const vkeys[] = {"text", "commands", NULL};
        if (!cJSON_IsObject(verify)) {
            kb_ld_problem(ld, "must be {\"text\", \"commands\"}");
        } else {
            kb_ld_check_keys(ld, verify, vkeys);
            kb_ld_i18n(ld, verify, "text", 0, &r->verify_text);
            r->verify_commands = kb_ld_strings(ld, verify, "commands", &r->nverify);
        }
        kb_ld_leave(ld, mark);
    }
    r->lasting = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "lasting"));
    parse_remedy_notes(ld, cJSON_GetObjectItemCaseSensitive(v, "notes"), rule, r);
    kb_ld_remedy_more(ld, v, rule, r);
}

static void free_remedy(kb_remedy *r)
{
    free(r->id);
    kb_ld_free_i18n(&r->title);
    kb_ld_free_i18n(&r->text);
    kb_ld_free_strings(r->commands, r->ncommands);
    kb_ld_free_i18n(&r->verify_text);
    kb_ld_free_strings(r->verify_commands, r->nverify);
    for (size_t i = 0; i < r->nnotes; i++)
        kb_ld_free_i18n(&r->notes[i].text);
    free(r->notes);
    kb_cond_free(r->when.where);
}

/* ---- fixtures -------------------------------------------------------------- */

static const char *const verdict_names[] = {"matched", "not_matched", "cannot_tell"};

static int name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n && name; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

static void parse_fixture_states(kb_loader *ld, const cJSON *v, const kb_rule *rule, kb_fixture *fx)
{
    size_t mark = kb_ld_enter(ld, "checkpoints", -1);
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "must be {\"checkpoint id\": \"met\" | \"not_met\" | \"unknown\", ...}");
        kb_ld_leave(ld, mark);
        return;
    }
    fx->states = kb_xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *fx->states);
    for (const cJSON *item = v->child; item && fx->states; item = item->next) {
        size_t imark = kb_ld_enter(ld, item->string, -1);
        long cp = kb_rule_find_checkpoint(rule, item->string);
        int state = name_index(cp_state_names, 3, cJSON_IsString(item) ? item->valuestring : NULL);
        if (cp < 0)
            kb_ld_problem(ld, "no checkpoint \"%s\"", item->string);
        else if (state < 0)
            kb_ld_problem(ld, "the state is \"met\", \"not_met\" or \"unknown\"");
        else
            fx->states[fx->nstates++] = (kb_fixture_state){(size_t)cp, state};
        kb_ld_leave(ld, imark);
    }
    kb_ld_leave(ld, mark);
}

static void fixture_item(kb_loader *ld, const cJSON *v, void *item, const kb_rule *rule)
{
    kb_fixture *fx = item;
    static const char *const keys[] = {"bundle", "fixture", "expect", "why", "checkpoints",
                                       "explained_by", "quiet", "severity", NULL};
    fx->expect = -1;
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "a fixture must be {\"bundle\" or \"fixture\", \"expect\", \"why\"}");
        return;
    }
    kb_ld_check_keys(ld, v, keys);
    int named = cJSON_HasObjectItem(v, "fixture");
    if (named && cJSON_HasObjectItem(v, "bundle"))
        kb_ld_problem(ld, "\"bundle\" or \"fixture\", not both");
    if (named) {
        /* A folder of the rule's own: tests/<rule id>/<name>. */
        fx->fixture = kb_ld_string(ld, v, "fixture", 1);
        if (fx->fixture && (!*fx->fixture || strchr(fx->fixture, '/') || fx->fixture[0] == '.'))
            kb_ld_problem(ld, "\"fixture\" is the name of a folder in tests/%s/, not \"%s\"",
                    rule->id ? rule->id : "<rule id>", fx->fixture);
    } else {
        fx->bundle = kb_ld_string(ld, v, "bundle", 1);
        if (fx->bundle && !*fx->bundle)
            kb_ld_problem(ld, "\"bundle\" is empty");
    }
    char *expect = kb_ld_string(ld, v, "expect", 1);
    fx->expect = name_index(verdict_names, 3, expect);
    if (expect && fx->expect < 0)
        kb_ld_problem(ld, "\"expect\" is \"matched\", \"not_matched\" or \"cannot_tell\", not \"%s\"",
                expect);
    free(expect);
    fx->why = kb_ld_string(ld, v, "why", 1);
    const cJSON *states = cJSON_GetObjectItemCaseSensitive(v, "checkpoints");
    if (states)
        parse_fixture_states(ld, states, rule, fx);
    kb_ld_fixture_more(ld, v, fx);
}

/* ---- rule ------------------------------------------------------------------ */

typedef void (*item_parser)(kb_loader *, const cJSON *, void *item, const kb_rule *);

static void *parse_list(kb_loader *ld, const cJSON *root, const char *key, size_t size, size_t *n,
                        int required, item_parser parse, const kb_rule *rule)
{
    *n = 0;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!list) {
        if (required)
            kb_ld_problem(ld, "missing \"%s\"", key);
        return NULL;
    }
    if (!cJSON_IsArray(list) || (required && !cJSON_GetArraySize(list))) {
        kb_ld_problem(ld, "\"%s\" must be a%s list", key, required ? " non-empty" : "");
        return NULL;
    }
    char *items = kb_xcalloc((size_t)cJSON_GetArraySize(list) + 1, size);
    int i = 0;
    for (const cJSON *item = list->child; item && items; item = item->next, i++) {
        size_t mark = kb_ld_enter(ld, key, i);
        parse(ld, item, items + size * (*n)++, rule);
        kb_ld_leave(ld, mark);
    }
    return items;
}

static void checkpoint_item(kb_loader *ld, const cJSON *v, void *item, const kb_rule *rule)
{
    (void)rule;
    parse_checkpoint(ld, v, item);
}

static void remedy_item(kb_loader *ld, const cJSON *v, void *item, const kb_rule *rule)
{
    parse_remedy(ld, v, rule, item);
}

static void reference_item(kb_loader *ld, const cJSON *v, void *item, const kb_rule *rule)
{
    (void)rule;
    kb_reference *ref = item;
    static const char *const keys[] = {"title", "url", "kb", NULL};
    if (!cJSON_IsObject(v)) {
        kb_ld_problem(ld, "a reference must be {\"title\", \"url\", \"kb\"}");
        return;
    }
    kb_ld_check_keys(ld, v, keys);
    ref->title = kb_ld_string(ld, v, "title", 1);
    ref->url = kb_ld_string(ld, v, "url", 0);
    ref->kb = kb_ld_string(ld, v, "kb", 0);
    /* A KB number is how support engineers look an article up: KB and digits. */
    if (ref->kb && (strncmp(ref->kb, "KB", 2) != 0 || !ref->kb[2] ||
                    strspn(ref->kb + 2, "0123456789") != strlen(ref->kb + 2)))
        kb_ld_problem(ld, "\"kb\" is KB and the article's number, e.g. \"KB2009550\", not \"%s\"", ref->kb);
}

static void check_unique_ids(kb_loader *ld, const kb_rule *rule)
{
    for (size_t i = 0; i < rule->ncheckpoints; i++)
        for (size_t j = i + 1; j < rule->ncheckpoints; j++)
            if (rule->checkpoints[i].id && rule->checkpoints[j].id &&
                strcmp(rule->checkpoints[i].id, rule->checkpoints[j].id) == 0)
                kb_ld_problem(ld, "checkpoint id \"%s\" is used twice", rule->checkpoints[i].id);
}

static void parse_rule(kb_loader *ld, const cJSON *root, kb_rule *rule)
{
    static const char *const keys[] = {"$comment", "id", "version", "title", "summary",
                                       "checkpoints", "verdict", "remedies", "references",
                                       "fixtures", "outcome", "severity", "severity_when",
                                       "symptoms", "explains", NULL};
    if (!cJSON_IsObject(root)) {
        kb_ld_problem(ld, "a rule file holds one JSON object");
        return;
    }
    kb_ld_check_keys(ld, root, keys);
    rule->id = kb_ld_string(ld, root, "id", 1);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsNumber(version) || version->valuedouble < 1)
        kb_ld_problem(ld, "\"version\" must be a positive whole number");
    else
        rule->version = version->valueint;
    kb_ld_i18n(ld, root, "title", 1, &rule->title);
    kb_ld_i18n(ld, root, "summary", 0, &rule->summary);
    rule->checkpoints = parse_list(ld, root, "checkpoints", sizeof(kb_checkpoint),
                                   &rule->ncheckpoints, 1, checkpoint_item, rule);
    check_unique_ids(ld, rule);
    kb_ld_rule_more(ld, root, rule);
    kb_ld_link_rule(ld, root, rule);
    const cJSON *verdict = cJSON_GetObjectItemCaseSensitive(root, "verdict");
    if (!verdict) {
        kb_ld_problem(ld, "missing \"verdict\"");
    } else {
        size_t mark = kb_ld_enter(ld, "verdict", -1);
        rule->verdict = parse_logic(ld, verdict, rule);
        kb_ld_leave(ld, mark);
    }
    rule->remedies = parse_list(ld, root, "remedies", sizeof(kb_remedy), &rule->nremedies, 0,
                                remedy_item, rule);
    rule->references = parse_list(ld, root, "references", sizeof(kb_reference),
                                  &rule->nreferences, 0, reference_item, rule);
    rule->fixtures = parse_list(ld, root, "fixtures", sizeof(kb_fixture), &rule->nfixtures, 0,
                                fixture_item, rule);
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    kb_buf b = KB_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 && b.len < (4u << 20))
        kb_buf_append(&b, chunk, n);
    int bad = ferror(fp) || b.len >= (4u << 20);
    fclose(fp);
    if (bad) {
        snprintf(err, errlen, "read error or larger than 4 MiB");
        kb_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return kb_buf_take(&b);
}

int kb_rule_load_file(const char *path, kb_rule *rule, kb_buf *errors)
{
    memset(rule, 0, sizeof *rule);
    rule->path = kb_strdup(path);
    kb_loader ld = {path, errors, 0, ""};
    char err[256];
    size_t len = 0;
    char *text = read_file(path, &len, err, sizeof err);
    if (!text) {
        kb_ld_problem(&ld, "cannot read: %s", err);
        return -1;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        size_t offset = end ? (size_t)(end - text) : 0;
        size_t line = 1;
        for (size_t i = 0; i < offset && i < len; i++)
            line += text[i] == '\n';
        kb_ld_problem(&ld, "not valid JSON (near line %zu, byte %zu)", line, offset);
        free(text);
        return -1;
    }
    parse_rule(&ld, root, rule);
    cJSON_Delete(root);
    free(text);
    return ld.nerrors ? -1 : 0;
}

void kb_rule_free(kb_rule *rule)
{
    free(rule->path);
    free(rule->id);
    kb_ld_free_i18n(&rule->title);
    kb_ld_free_i18n(&rule->summary);
    for (size_t i = 0; i < rule->ncheckpoints; i++)
        free_checkpoint(&rule->checkpoints[i]);
    free(rule->checkpoints);
    free_logic(rule->verdict);
    for (size_t i = 0; i < rule->nremedies; i++)
        free_remedy(&rule->remedies[i]);
    free(rule->remedies);
    for (size_t i = 0; i < rule->nreferences; i++) {
        free(rule->references[i].title);
        free(rule->references[i].url);
        free(rule->references[i].kb);
    }
    free(rule->references);
    for (size_t i = 0; i < rule->nfixtures; i++) {
        free(rule->fixtures[i].bundle);
        free(rule->fixtures[i].fixture);
        free(rule->fixtures[i].why);
        free(rule->fixtures[i].states);
        free(rule->fixtures[i].explained_by);
    }
    free(rule->fixtures);
    kb_ld_free_rule_more(rule);
    memset(rule, 0, sizeof *rule);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json names in dir, sorted, so rules load in a stable order. */
char **kb_rule_files(const char *dir, size_t *n, kb_buf *errors)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        kb_buf_printf(errors, "%s: cannot open rules directory: %s\n", dir, strerror(errno));
        return NULL;
    }
    char **names = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 || e->d_name[0] == '.')
            continue;
        names = kb_grow(names, &cap, *n + 1, sizeof *names, 16);
        names[(*n)++] = kb_strprintf("%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (names)
        qsort(names, *n, sizeof *names, name_cmp);
    return names;
}

kb_status kb_rules_load_dir(const char *dir, kb_ruleset *set, kb_buf *errors)
{
    memset(set, 0, sizeof *set);
    set->dir = kb_strdup(dir);
    size_t n = 0;
    char **files = kb_rule_files(dir, &n, errors);
    if (!files && n == 0) {
        if (!errors->len)
            kb_buf_printf(errors, "%s: no rule files (*.json)\n", dir);
        return KB_ERR_RULES;
    }
    set->rules = kb_xcalloc(n, sizeof *set->rules);
    int bad = !set->rules;
    for (size_t i = 0; i < n && set->rules; i++) {
        if (kb_rule_load_file(files[i], &set->rules[set->n], errors) != 0)
            bad = 1;
        set->n++;
    }
    if (!bad && kb_rules_link_tables(set, dir, errors) != 0)
        bad = 1;
    for (size_t i = 0; i < set->n && !bad; i++)
        for (size_t j = i + 1; j < set->n; j++)
            if (set->rules[i].id && set->rules[j].id &&
                strcmp(set->rules[i].id, set->rules[j].id) == 0) {
                kb_buf_printf(errors, "%s: rule id \"%s\" is also used by %s\n",
                              set->rules[j].path, set->rules[j].id, set->rules[i].path);
                bad = 1;
            }
    kb_ld_free_strings(files, n);
    return bad ? KB_ERR_RULES : KB_OK;
}

void kb_rule_files_free(char **files, size_t n)
{
    kb_ld_free_strings(files, n);
}

void kb_ruleset_free(kb_ruleset *set)
{
    for (size_t i = 0; i < set->n; i++)
        kb_rule_free(&set->rules[i]);
    free(set->rules);
    free(set->dir);
    kb_tables_free(set->tables, set->ntables);
    memset(set, 0, sizeof *set);
}
