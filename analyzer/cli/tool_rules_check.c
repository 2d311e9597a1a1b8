/* tool_rules_check.c: what `kbscan rules check` finds beyond what loading
 * finds: checkpoints no bundle can ever satisfy (an input or fact type no
 * parser produces, a field those facts never carry, in conditions, show,
 * extract and {{placeholders}}, a count that never holds), deciding
 * checkpoints the verdict ignores, and fixtures missing or naming no
 * bundle. It reads the parsers' declarations (source.h) and the combiners'
 * (combiners.h), which is why it lives with the CLI tools: the engine knows
 * no file format. */
#include "source/source.h"
#include "combiners/combiners.h"
#include "rules/template.h"
#include "cli/tool_rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct checker {
    const kb_rule *rule;
    kb_buf *out;
    size_t n;
} checker;

KB_PRINTF(3, 4) static void problem(checker *ck, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kb_buf_printf(ck->out, "%s: %s: ", ck->rule->path ? ck->rule->path : "?", path);
    kb_buf_vprintf(ck->out, fmt, ap);
    kb_buf_putc(ck->out, '\n');
    va_end(ap);
    ck->n++;
}

char *kb_fixture_path(const kb_rule *rule, const kb_fixture *fx)
{
    if (!fx->bundle)
        return NULL;
    const char *slash = rule->path ? strrchr(rule->path, '/') : NULL;
    if (fx->bundle[0] == '/' || !slash)
        return kb_strdup(fx->bundle);
    return kb_strprintf("%.*s/%s", (int)(slash - rule->path), rule->path, fx->bundle);
}

/* ---- what the parsers produce -------------------------------------------- */

static int is_eventlog_feed(const char *feed)
{
    return strncmp(feed, KB_EVTX_FEED_PREFIX, strlen(KB_EVTX_FEED_PREFIX)) == 0;
}

/* The facts of the source that produces feed, or NULL when none does. */
static const kb_fact_decl *facts_of_feed(const char *feed)
{
    if (is_eventlog_feed(feed))
        return kb_evtx_facts;
    if (strcmp(feed, KB_FEED_DERIVED) == 0)
        return kb_derived_facts();
    for (const kb_text_parser *const *p = kb_text_parsers(); *p; p++)
        if (strcmp((*p)->feed, feed) == 0)
            return (*p)->facts;
    return NULL;
}

static const kb_fact_decl *find_type(const kb_fact_decl *decls, const char *type)
{
    for (; decls && decls->type; decls++)
        if (strcmp(decls->type, type) == 0)
            return decls;
    return NULL;
}

/* The declaration of a fact type among the sources that produce feed
 * (several text parsers may feed one input: reg query and .reg exports
 * feed "registry"); NULL when none declares it. */
static const kb_fact_decl *find_type_in_feed(const char *feed, const char *type)
{
    if (is_eventlog_feed(feed))
        return find_type(kb_evtx_facts, type);
    if (strcmp(feed, KB_FEED_DERIVED) == 0)
        return find_type(kb_derived_facts(), type);
    for (const kb_text_parser *const *p = kb_text_parsers(); *p; p++) {
        const kb_fact_decl *d = strcmp((*p)->feed, feed) == 0 ? find_type((*p)->facts, type) : NULL;
        if (d)
            return d;
    }
    return NULL;
}

/* The declaration of a fact type, from whichever source produces it, and
 * the input that brings it; NULL when no parser produces the type. */
static const kb_fact_decl *find_type_anywhere(const char *type, const char **feed)
{
    const kb_fact_decl *d;
    *feed = KB_EVTX_FEED_PREFIX "<Channel>";
    if ((d = find_type(kb_evtx_facts, type)))
        return d;
    *feed = KB_FEED_DERIVED;
    if ((d = find_type(kb_derived_facts(), type)))
        return d;
    for (const kb_text_parser *const *p = kb_text_parsers(); *p; p++) {
        *feed = (*p)->feed;
        if ((d = find_type((*p)->facts, type)))
            return d;
    }
    *feed = NULL;
    return NULL;
}

#define MAX_NAMES 128

static int listed(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* Every input, or every fact type, once each, NULL-terminated (for
 * messages and "did you mean"; several parsers may feed one input or make
 * one fact type); the strings are the parsers' own. */
static void known_names(const char **out, int types)
{
    size_t n = 0;
    for (const kb_text_parser *const *p = kb_text_parsers(); *p && n < MAX_NAMES - 3; p++) {
        if (!types && !listed(out, n, (*p)->feed))
            out[n++] = (*p)->feed;
        for (const kb_fact_decl *d = (*p)->facts; types && d && d->type && n < MAX_NAMES - 2; d++)
            if (!listed(out, n, d->type))
                out[n++] = d->type;
    }
    for (const kb_fact_decl *d = kb_evtx_facts; types && d->type && n < MAX_NAMES - 1; d++)
        out[n++] = d->type;
    for (const kb_fact_decl *d = kb_derived_facts(); types && d->type && n < MAX_NAMES - 1; d++)
        out[n++] = d->type;
    if (!types) {
        out[n++] = KB_EVTX_FEED_PREFIX "<Channel>";
        out[n++] = KB_FEED_DERIVED;
    }
    out[n] = NULL;
}

/* " (did you mean \"x\"?)" or "", for a name among words. */
static const char *did_you_mean(char *buf, size_t len, const char *name, const char *const *words)
{
    const char *near = kb_closest_word(name, words);
    if (!near)
        return "";
    snprintf(buf, len, " (did you mean \"%s\"?)", near);
    return buf;
}

static char *joined(const char *const *words)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (size_t i = 0; words[i]; i++)
        kb_buf_printf(&b, "%s%s", i ? ", " : "", words[i]);
    return kb_buf_take(&b);
}

static int field_declared(const kb_fact_decl *d, const char *name)
{
    for (const char *const *f = d->fields; *f; f++) {
        size_t n = strlen(*f);
        if (n && (*f)[n - 1] == '#') {
            const char *num = name + n - 1;
            if (strncmp(name, *f, n - 1) == 0 && *num && strspn(num, "0123456789") == strlen(num))
                return 1;
        } else if (strcmp(name, *f) == 0) {
            return 1;
        }
    }
    return 0;
}

/* ---- checkpoints ----------------------------------------------------------- */

/* What names mean inside one checkpoint: its facts' fields (when its fact
 * type is known) and the names its extract patterns set. */
typedef struct scope {
    const kb_checkpoint *cp;
    const kb_fact_decl *decl;
    kb_strlist extracted;
} scope;

static void add_extracted_names(scope *sc)
{
    for (size_t i = 0; i < sc->cp->nextracts; i++) {
        const pcre2_code *re = sc->cp->extracts[i].re;
        uint32_t count = 0, entry_size = 0;
        PCRE2_SPTR table = NULL;
        if (!re)
            continue;
        pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
        pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
        pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
        for (uint32_t n = 0; n < count; n++)
            kb_strlist_add(&sc->extracted, (const char *)table + n * entry_size + 2);
    }
}

static void unknown_field(checker *ck, const char *path, const scope *sc, const char *shown,
                          const char *field, int with_extracted)
{
    size_t n = 0, nfields = 0;
    while (sc->decl->fields[nfields])
        nfields++;
    /* Suggestions are names as written; "data#" is listed as data<N>. */
    const char **words = calloc(nfields + sc->extracted.n + 1, sizeof *words);
    kb_buf list = KB_BUF_INIT;
    kb_buf_puts(&list, "");
    for (size_t i = 0; words && i < nfields; i++) {
        const char *f = sc->decl->fields[i];
        size_t len = strlen(f);
        kb_buf_printf(&list, "%s%.*s%s", i ? ", " : "", (int)(len && f[len - 1] == '#' ? len - 1 : len),
                      f, len && f[len - 1] == '#' ? "<N>" : "");
        if (!len || f[len - 1] != '#')
            words[n++] = f;
    }
    for (size_t i = 0; words && with_extracted && i < sc->extracted.n; i++) {
        kb_buf_printf(&list, ", %s", sc->extracted.items[i]);
        words[n++] = sc->extracted.items[i];
    }
    char hint[128];
    if (words)
        problem(ck, path, "%s: no field \"%s\" in facts \"%s\"%s (%s: %s)", shown, field,
                sc->decl->type, did_you_mean(hint, sizeof hint, field, words),
                with_extracted && sc->extracted.n ? "fields and extracted names" : "fields",
                kb_buf_str(&list));
    kb_buf_free(&list);
    free(words);
}

static void check_field(checker *ck, const char *path, const scope *sc, const char *field,
                        int with_extracted)
{
    if (!sc->decl || !field || field_declared(sc->decl, field) ||
        (with_extracted && kb_strlist_has(&sc->extracted, field)))
        return;
    char *shown = kb_strprintf("\"%s\"", field);
    unknown_field(ck, path, sc, shown ? shown : field, field, with_extracted);
    free(shown);
}

/* Conditions see the fact's own fields only (extracted names come later). */
static void check_cond(checker *ck, const char *path, const scope *sc, const kb_cond *c)
{
    if (!c)
        return;
    if (c->kind == KB_COND_TEST) {
        check_field(ck, path, sc, c->field, 0);
        return;
    }
    for (size_t i = 0; i < c->nchildren; i++)
        check_cond(ck, path, sc, c->children[i]);
}

/* A name a checkpoint resolves (engine.c, lookup_cp): count, first_time,
 * last_time, FIELD or all.FIELD of its evidence. */
static void check_cp_name(checker *ck, const char *path, const scope *sc, const char *name,
                          const char *written)
{
    if (strcmp(name, "count") == 0 || strcmp(name, "first_time") == 0 ||
        strcmp(name, "last_time") == 0)
        return;
    const char *field = strncmp(name, "all.", 4) == 0 ? name + 4 : name;
    if (!sc->decl || field_declared(sc->decl, field) || kb_strlist_has(&sc->extracted, field))
        return;
    char *shown = kb_strprintf("{{%s}}", written);
    unknown_field(ck, path, sc, shown ? shown : written, field, 1);
    free(shown);
}

/* here: the checkpoint whose text it is, or NULL in remedies, where only
 * CHECKPOINT.NAME resolves. */
static void check_name(checker *ck, const char *path, const scope *scopes, const scope *here,
                       const char *name)
{
    const kb_rule *rule = ck->rule;
    const char *dot = strchr(name, '.');
    for (size_t i = 0; dot && i < rule->ncheckpoints; i++) {
        const char *id = rule->checkpoints[i].id;
        if (id && strlen(id) == (size_t)(dot - name) && strncmp(id, name, (size_t)(dot - name)) == 0) {
            check_cp_name(ck, path, &scopes[i], dot + 1, name);
            return;
        }
    }
    if (here) {
        check_cp_name(ck, path, here, name, name);
        return;
    }
    problem(ck, path, "{{%s}} names no checkpoint: remedies name CHECKPOINT.NAME, e.g. {{%s.count}}",
            name, rule->ncheckpoints && rule->checkpoints[0].id ? rule->checkpoints[0].id : "id");
}

static void check_template(checker *ck, const char *path, const scope *scopes, const scope *here,
                           const char *tmpl)
{
    kb_strlist names = {0}, bad_filters = {0};
    if (tmpl && kb_template_names(tmpl, &names, &bad_filters) == 0) {
        for (size_t i = 0; i < names.n; i++)
            check_name(ck, path, scopes, here, names.items[i]);
        const char *const *filters = kb_template_filters();
        for (size_t i = 0; i < bad_filters.n; i++) {
            char hint[128];
            char *list = joined(filters);
            problem(ck, path, "unknown filter \"%s\"%s: the placeholder would stay unfilled (filters: %s)",
                    bad_filters.items[i], did_you_mean(hint, sizeof hint, bad_filters.items[i], filters),
                    list ? list : "");
            free(list);
        }
    }
    kb_strlist_free(&names);
    kb_strlist_free(&bad_filters);
}

static void check_text(checker *ck, const char *path, const scope *scopes, const scope *here,
                       const kb_i18n *text)
{
    check_template(ck, path, scopes, here, text->en);
    check_template(ck, path, scopes, here, text->ja);
}

static void check_input(checker *ck, const char *path, const kb_checkpoint *cp)
{
    static const char *const channels[] = {"Application", "System", "Security", "Setup", NULL};
    const char *channel = is_eventlog_feed(cp->feed) ? cp->feed + strlen(KB_EVTX_FEED_PREFIX) : NULL;
    if (channel && (!*channel || strchr(channel, '*'))) {
        problem(ck, path, "\"%s\" names no event log channel, e.g. \"" KB_EVTX_FEED_PREFIX
                          "Application\"", cp->feed);
    } else if (channel) {
        /* Any channel can be real (Microsoft-Windows-Backup, ...), but one a
         * letter or two from a classic log's name is a typo that would keep
         * the rule at "cannot tell" for ever. */
        const char *near = NULL;
        for (const char *const *c = channels; *c && !near; c++)
            if (strcmp(channel, *c) == 0)
                return;
        for (const char *const *c = channels; *c && !near; c++)
            if (kb_strcaseeq(channel, *c))
                near = *c;
        if (!near)
            near = kb_closest_word(channel, channels);
        if (near)
            problem(ck, path, "no event log feeds \"%s\": channels are compared exactly "
                              "(did you mean \"" KB_EVTX_FEED_PREFIX "%s\"?)", cp->feed, near);
    } else if (!facts_of_feed(cp->feed)) {
        const char *known[MAX_NAMES];
        char hint[128];
        known_names(known, 0);
        char *list = joined(known);
        problem(ck, path, "no parser produces the input \"%s\"%s (inputs: %s)", cp->feed,
                did_you_mean(hint, sizeof hint, cp->feed, known), list ? list : "");
        free(list);
    }
}

/* The declaration of the checkpoint's fact type: from the source of its
 * input, else from whichever produces the type (fields are still checked
 * when the input is wrong); NULL when no parser produces the type. */
static const kb_fact_decl *decl_of(const kb_checkpoint *cp)
{
    const char *feed;
    if (!cp->feed || !cp->fact_type)
        return NULL;
    const kb_fact_decl *decl = find_type_in_feed(cp->feed, cp->fact_type);
    return decl ? decl : find_type_anywhere(cp->fact_type, &feed);
}

static void check_source(checker *ck, const char *path, const kb_checkpoint *cp)
{
    char where[96];
    if (!cp->feed || !cp->fact_type)
        return;
    snprintf(where, sizeof where, "%s.input", path);
    check_input(ck, where, cp);
    snprintf(where, sizeof where, "%s.facts", path);
    const kb_fact_decl *feed_decls = facts_of_feed(cp->feed);
    if (find_type_in_feed(cp->feed, cp->fact_type))
        return;
    const char *other_feed;
    if (find_type_anywhere(cp->fact_type, &other_feed)) {
        if (feed_decls)
            problem(ck, where, "facts \"%s\" come from the input \"%s\", never from \"%s\"",
                    cp->fact_type, other_feed, cp->feed);
        return;
    }
    const char *known[MAX_NAMES];
    char hint[128];
    known_names(known, 1);
    char *list = joined(known);
    problem(ck, where, "no parser produces facts \"%s\"%s (facts: %s)", cp->fact_type,
            did_you_mean(hint, sizeof hint, cp->fact_type, known), list ? list : "");
    free(list);
}

/* A count test no number of facts passes. */
static int count_never_holds(const kb_checkpoint *cp)
{
    double v = cp->count_value;
    switch (cp->count_op) {
    case KB_OP_LT: return v <= 0;
    case KB_OP_LE: return v < 0;
    case KB_OP_EQ: return v < 0 || v != (double)(long long)v;
    default: return 0;
    }
}

static void check_checkpoint(checker *ck, size_t i, const scope *scopes)
{
    const scope *sc = &scopes[i];
    const kb_checkpoint *cp = sc->cp;
    char path[64], sub[160];
    snprintf(path, sizeof path, "checkpoints[%zu]", i);
    check_source(ck, path, cp);
    if (count_never_holds(cp)) {
        snprintf(sub, sizeof sub, "%s.count", path);
        problem(ck, sub, "no number of facts passes this count: the checkpoint is never met");
    }
    snprintf(sub, sizeof sub, "%s.where", path);
    check_cond(ck, sub, sc, cp->where);
    snprintf(sub, sizeof sub, "%s.unknown_when.where", path);
    check_cond(ck, sub, sc, cp->unknown_when);
    snprintf(sub, sizeof sub, "%s.unknown_when.say", path);
    check_text(ck, sub, scopes, sc, &cp->unknown_say);
    for (size_t k = 0; k < cp->nextracts; k++) {
        snprintf(sub, sizeof sub, "%s.extract[%zu].field", path, k);
        check_field(ck, sub, sc, cp->extracts[k].field, 0);
    }
    for (size_t k = 0; k < cp->nshow; k++) {
        snprintf(sub, sizeof sub, "%s.show[%zu]", path, k);
        check_field(ck, sub, sc, cp->show[k], 1);
    }
    snprintf(sub, sizeof sub, "%s.say.met", path);
    check_text(ck, sub, scopes, sc, &cp->met_say);
    snprintf(sub, sizeof sub, "%s.say.not_met", path);
    check_text(ck, sub, scopes, sc, &cp->not_met_say);
    snprintf(sub, sizeof sub, "%s.near.where", path);
    check_cond(ck, sub, sc, cp->near_where);
    snprintf(sub, sizeof sub, "%s.near.say", path);
    check_text(ck, sub, scopes, sc, &cp->near_say);
}

static void mark_used(const kb_logic *l, char *used, size_t n)
{
    if (!l)
        return;
    if (l->kind == KB_COND_TEST && l->checkpoint < n)
        used[l->checkpoint] = 1;
    for (size_t i = 0; i < l->nchildren; i++)
        mark_used(l->children[i], used, n);
}

static void check_verdict_uses(checker *ck)
{
    const kb_rule *rule = ck->rule;
    char *used = calloc(rule->ncheckpoints + 1, 1);
    if (!used)
        return;
    mark_used(rule->verdict, used, rule->ncheckpoints);
    for (size_t i = 0; i < rule->ncheckpoints; i++) {
        if (used[i] || rule->checkpoints[i].context)
            continue;
        char path[64];
        snprintf(path, sizeof path, "checkpoints[%zu]", i);
        problem(ck, path, "\"%s\" decides (the default role) but the verdict never names it: "
                          "name it there or give it \"role\": \"context\"",
                rule->checkpoints[i].id ? rule->checkpoints[i].id : "?");
    }
    free(used);
}

static void check_remedies(checker *ck, const scope *scopes)
{
    const kb_rule *rule = ck->rule;
    char path[160];
    for (size_t i = 0; i < rule->nremedies; i++) {
        const kb_remedy *r = &rule->remedies[i];
        snprintf(path, sizeof path, "remedies[%zu].text", i);
        check_text(ck, path, scopes, NULL, &r->text);
        for (size_t k = 0; k < r->ncommands; k++) {
            snprintf(path, sizeof path, "remedies[%zu].commands[%zu]", i, k);
            check_template(ck, path, scopes, NULL, r->commands[k]);
        }
        snprintf(path, sizeof path, "remedies[%zu].verify.text", i);
        check_text(ck, path, scopes, NULL, &r->verify_text);
        for (size_t k = 0; k < r->nverify; k++) {
            snprintf(path, sizeof path, "remedies[%zu].verify.commands[%zu]", i, k);
            check_template(ck, path, scopes, NULL, r->verify_commands[k]);
        }
        for (size_t k = 0; k < r->nnotes; k++) {
            snprintf(path, sizeof path, "remedies[%zu].notes[%zu].text", i, k);
            check_text(ck, path, scopes, NULL, &r->notes[k].text);
        }
    }
}

/* ---- fixtures -------------------------------------------------------------- */

static void check_fixtures(checker *ck)
{
    const kb_rule *rule = ck->rule;
    size_t matched = 0, not_matched = 0;
    for (size_t i = 0; i < rule->nfixtures; i++) {
        const kb_fixture *fx = &rule->fixtures[i];
        matched += fx->expect == 0;      /* KB_VERDICT_MATCHED */
        not_matched += fx->expect == 1;  /* KB_VERDICT_NOT_MATCHED */
        char *where = kb_fixture_path(rule, fx);
        struct stat sb;
        if (where && stat(where, &sb) != 0) {
            char path[64];
            snprintf(path, sizeof path, "fixtures[%zu].bundle", i);
            problem(ck, path, "no bundle \"%s\" (looked for %s)", fx->bundle, where);
        }
        free(where);
    }
    if (!matched || !not_matched)
        problem(ck, "fixtures", "%s: a rule is tested on at least one bundle it matches and one "
                                "it does not (docs/rules.md, \"Testing a rule\")",
                !rule->nfixtures ? "none"
                : !matched ? "no fixture expects \"matched\""
                           : "no fixture expects \"not_matched\"");
}

size_t kb_rule_check(const kb_rule *rule, kb_buf *problems)
{
    checker ck = {rule, problems, 0};
    scope *scopes = calloc(rule->ncheckpoints + 1, sizeof *scopes);
    if (!scopes) {
        problem(&ck, "checkpoints", "out of memory");
        return ck.n;
    }
    for (size_t i = 0; i < rule->ncheckpoints; i++) {
        scopes[i].cp = &rule->checkpoints[i];
        scopes[i].decl = decl_of(scopes[i].cp);
        add_extracted_names(&scopes[i]);
    }
    for (size_t i = 0; i < rule->ncheckpoints; i++)
        check_checkpoint(&ck, i, scopes);
    check_verdict_uses(&ck);
    check_remedies(&ck, scopes);
    check_fixtures(&ck);
    for (size_t i = 0; i < rule->ncheckpoints; i++)
        kb_strlist_free(&scopes[i].extracted);
    free(scopes);
    return ck.n;
}
