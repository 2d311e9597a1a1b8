/* tool_rules_check.c: what `kbscan rules check` finds beyond what loading
 * finds: checkpoints no bundle can ever satisfy (an input or fact type no
 * parser produces, a field those facts never carry, in conditions, show,
 * extract and {{placeholders}}, a count that never holds), deciding
 * checkpoints the verdict ignores, and fixtures missing or naming no
 * bundle. It reads the sources' declarations (the registry, source.h) and
 * the combiners' (combiners.h), which is why it lives with the CLI tools:
 * the engine knows no file format. */
#include "core/alloc.h"
#include "source/source.h"
#include "cli/sources.h"
#include "combiners/combiners.h"
#include "rules/template.h"
#include "cli/tool_rules.h"

#include <dirent.h>
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

/* path taken relative to the folder of the rule file. */
static char *beside_rule(const kb_rule *rule, const char *path)
{
    const char *slash = rule->path ? strrchr(rule->path, '/') : NULL;
    if (path[0] == '/' || !slash)
        return kb_strdup(path);
    return kb_strprintf("%.*s/%s", (int)(slash - rule->path), rule->path, path);
}

char *kb_fixture_path(const kb_rule *rule, const kb_fixture *fx, const char *fixtures_dir)
{
    if (fx->bundle)
        return beside_rule(rule, fx->bundle);
    if (!fx->fixture || !rule->id || !fixtures_dir)
        return NULL;
    return kb_strprintf("%s/%s/%s", fixtures_dir, rule->id, fx->fixture);
}

char *kb_fixture_sources(const kb_rule *rule, const kb_fixture *fx)
{
    if (!fx->fixture || !rule->id)
        return NULL;
    char *rel = kb_strprintf("tests/%s/%s", rule->id, fx->fixture);
    char *path = rel ? beside_rule(rule, rel) : NULL;
    free(rel);
    return path;
}

const char *kb_fixture_name(const kb_fixture *fx)
{
    return fx->bundle ? fx->bundle : fx->fixture ? fx->fixture : "?";
}

/* ---- what the sources produce -------------------------------------------- */

/* The facts of the source that produces feed, or NULL when none does. */
static const kb_fact_decl *facts_of_feed(const char *feed)
{
    if (strcmp(feed, KB_FEED_DERIVED) == 0)
        return kb_derived_facts();
    const kb_source *src = kb_source_of_feed(feed);
    return src ? src->facts : NULL;
}

static const kb_fact_decl *find_type(const kb_fact_decl *decls, const char *type)
{
    for (; decls && decls->type; decls++)
        if (strcmp(decls->type, type) == 0)
            return decls;
    return NULL;
}

/* Whether src's inputs provide feed (a computed feed: any of its values;
 * a container or a file only listed provides none). */
static int source_feeds(const kb_source *src, const char *feed)
{
    if (!src->feed)
        return 0;
    size_t n;
    const char *prefix = kb_source_feed_prefix(src, &n);
    return prefix ? strncmp(feed, prefix, n) == 0 : strcmp(feed, src->feed) == 0;
}

/* The declaration of a fact type among the sources that provide feed
 * (several sources may feed one input: reg query output and .reg exports
 * feed "registry"); NULL when none declares it. */
static const kb_fact_decl *find_type_in_feed(const char *feed, const char *type)
{
    if (strcmp(feed, KB_FEED_DERIVED) == 0)
        return find_type(kb_derived_facts(), type);
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        const kb_fact_decl *d = source_feeds(*s, feed) ? find_type((*s)->facts, type) : NULL;
        if (d)
            return d;
    }
    return NULL;
}

/* The declaration of a fact type, from whichever source produces it, and
 * the input that brings it; NULL when no source produces the type. */
static const kb_fact_decl *find_type_anywhere(const char *type, const char **feed)
{
    const kb_fact_decl *d = find_type(kb_derived_facts(), type);
    if (d) {
        *feed = KB_FEED_DERIVED;
        return d;
    }
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        d = find_type((*s)->facts, type);
        if (d) {
            *feed = (*s)->feed;
            return d;
        }
    }
    *feed = NULL;
    return NULL;
}

#define MAX_NAMES 128

/* Adds name to out[0..*n) unless it is there (sources of one log share
 * its feed and its fact types). */
static void add_name(const char **out, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(out[i], name) == 0)
            return;
    out[(*n)++] = name;
}

/* Every input, or every fact type, NULL-terminated (for messages and
 * "did you mean"); the strings are the sources' own. */
static void known_names(const char **out, int types)
{
    size_t n = 0;
    for (const kb_source *const *s = kb_sources(); *s && n < MAX_NAMES - 2; s++) {
        if (!types && (*s)->feed)
            add_name(out, &n, (*s)->feed);
        for (const kb_fact_decl *d = (*s)->facts; types && d && d->type && n < MAX_NAMES - 1; d++)
            add_name(out, &n, d->type);
    }
    for (const kb_fact_decl *d = kb_derived_facts(); types && d->type && n < MAX_NAMES - 1; d++)
        out[n++] = d->type;
    if (!types)
        out[n++] = KB_FEED_DERIVED;
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
        } else if (n && (*f)[n - 1] == '*') {
            if (strncmp(name, *f, n - 1) == 0 && name[n - 1])
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

/* The names a checkpoint's evidence has beyond its facts' fields: what its
 * extract patterns set and the columns its lookups add. */
static void add_lookup_names(scope *sc)
{
    for (size_t i = 0; i < sc->cp->nlookups; i++)
        for (size_t k = 0; k < sc->cp->lookups[i].nadd; k++)
            if (!kb_strlist_has(&sc->extracted, sc->cp->lookups[i].add[k]))
                kb_strlist_add(&sc->extracted, sc->cp->lookups[i].add[k]);
}

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
    /* Suggestions are names as written; "data#" is listed as data<N>,
     * "data:*" as data:<Name>. */
    const char **words = kb_xcalloc(nfields + sc->extracted.n + 1, sizeof *words);
    kb_buf list = KB_BUF_INIT;
    kb_buf_puts(&list, "");
    for (size_t i = 0; words && i < nfields; i++) {
        const char *f = sc->decl->fields[i];
        size_t len = strlen(f);
        int family = len && (f[len - 1] == '#' || f[len - 1] == '*');
        kb_buf_printf(&list, "%s%.*s%s", i ? ", " : "", (int)(family ? len - 1 : len), f,
                      !family ? "" : f[len - 1] == '#' ? "<N>" : "<Name>");
        if (!family)
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

/* A computed feed ("eventlog:<Channel>"): its placeholder, lower case
 * ("channel"), into out. */
static void placeholder_of(const kb_source *src, char *out, size_t outlen)
{
    size_t n;
    kb_source_feed_prefix(src, &n);
    const char *name = src->feed + n + 1, *end = strchr(name, '>');
    size_t len = end ? (size_t)(end - name) : strlen(name);
    snprintf(out, outlen, "%.*s", (int)len, name);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
}

/* The value of a computed feed (the channel of "eventlog:Application"):
 * empty or a pattern names nothing; one a letter or two from a well-known
 * value (a classic log's name) is a typo that would keep the rule at
 * "cannot tell" for ever. Any other value can be real
 * (Microsoft-Windows-Backup, ...). */
static void check_feed_value(checker *ck, const char *path, const kb_checkpoint *cp, const kb_source *src)
{
    size_t n;
    const char *prefix = kb_source_feed_prefix(src, &n);
    const char *value = cp->feed + n;
    const char *const *known = src->feed_values;
    char what[64];
    placeholder_of(src, what, sizeof what);
    if (!*value || strchr(value, '*')) {
        problem(ck, path, "\"%s\" names no %s %s, e.g. \"%.*s%s\"", cp->feed, src->label, what, (int)n,
                prefix, known && *known ? *known : "...");
        return;
    }
    const char *near = NULL;
    for (const char *const *c = known; c && *c; c++)
        if (strcmp(value, *c) == 0)
            return;
    for (const char *const *c = known; c && *c && !near; c++)
        if (kb_strcaseeq(value, *c))
            near = *c;
    if (!near && known)
        near = kb_closest_word(value, known);
    if (near)
        problem(ck, path, "no %s feeds \"%s\": %ss are compared exactly (did you mean \"%.*s%s\"?)",
                src->label, cp->feed, what, (int)n, prefix, near);
}

static void check_input(checker *ck, const char *path, const kb_checkpoint *cp)
{
    if (strcmp(cp->feed, KB_FEED_DERIVED) == 0)
        return; /* the combiners' facts: every recognised input feeds it */
    const kb_source *src = kb_source_of_feed(cp->feed);
    size_t n;
    if (src && kb_source_feed_prefix(src, &n)) {
        check_feed_value(ck, path, cp, src);
    } else if (!src) {
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
    for (size_t k = 0; k < cp->nfeeds; k++) {
        /* each feed of a list is checked as if it stood alone */
        kb_checkpoint one = *cp;
        one.feed = cp->feeds[k];
        if (cp->nfeeds > 1)
            snprintf(where, sizeof where, "%s.input[%zu]", path, k);
        else
            snprintf(where, sizeof where, "%s.input", path);
        check_input(ck, where, &one);
        const kb_fact_decl *decls = facts_of_feed(one.feed);
        if (k && decls && !find_type(decls, cp->fact_type))
            problem(ck, where, "the input \"%s\" gives no facts \"%s\"", one.feed, cp->fact_type);
    }
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

/* A checkpoint's collect that says again what the source of its feed says
 * (the feed catalogue): said twice, the two would drift apart. */
static void check_collect(checker *ck, const char *path, const kb_checkpoint *cp)
{
    const kb_collect *c = &cp->collect;
    const kb_feed_entry *e = cp->feed ? kb_catalogue_find(kb_cli_catalogue(), cp->feed) : NULL;
    if (!e || (!c->file && !c->why.en))
        return;
    int nomem = 0;
    char *file = kb_advice_expand(e, cp->feed, e->advice->file, KB_ADVICE_FILE, NULL, &nomem);
    char *command = kb_advice_expand(e, cp->feed, e->advice->command, KB_ADVICE_COMMAND, file, &nomem);
    char *why = kb_advice_expand(e, cp->feed, e->advice->why_en, KB_ADVICE_PROSE, NULL, &nomem);
    if (c->file && file && command && strcmp(c->file, file) == 0 && strcmp(c->command, command) == 0)
        problem(ck, path, "gives the file and command the source of \"%s\" gives (%s): leave them out%s",
                cp->feed, command, c->why.en ? ", keep \"why\"" : " (and \"collect\")");
    else if (!c->file && why && strcmp(c->why.en, why) == 0)
        problem(ck, path, "\"why\" says what the source of \"%s\" says: leave \"collect\" out", cp->feed);
    free(file);
    free(command);
    free(why);
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

/* The keys of load_more.c: the fields a join, a lookup, a count and a
 * say_each name; a relation to facts of no time. */
static void check_checkpoint_more(checker *ck, const char *path, const scope *scopes, size_t i)
{
    const scope *sc = &scopes[i];
    const kb_checkpoint *cp = sc->cp;
    char sub[160];
    for (size_t k = 0; k < cp->nlookups; k++)
        for (size_t f = 0; f < cp->lookups[k].nkeys; f++) {
            snprintf(sub, sizeof sub, "%s.lookup[%zu].key", path, k);
            check_field(ck, sub, sc, cp->lookups[k].fields[f], 1);
        }
    if (cp->same.set) {
        snprintf(sub, sizeof sub, "%s.same.field", path);
        check_field(ck, sub, sc, cp->same.field, 1);
        snprintf(sub, sizeof sub, "%s.same.other_field", path);
        check_field(ck, sub, &scopes[cp->same.checkpoint], cp->same.other_field, 1);
    }
    if (cp->related.set && cp->related.before_us == 0 && cp->related.after_us == 0) {
        snprintf(sub, sizeof sub, "%s.related.within_minutes", path);
        problem(ck, sub, "\"before\" and \"after\" are both 0: only facts of the very same instant would relate");
    }
    snprintf(sub, sizeof sub, "%s.count.group_by", path);
    check_field(ck, sub, sc, cp->group_by, 1);
    snprintf(sub, sizeof sub, "%s.count.distinct", path);
    check_field(ck, sub, sc, cp->distinct, 1);
    snprintf(sub, sizeof sub, "%s.say_each", path);
    check_text(ck, sub, scopes, sc, &cp->say_each);
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
    snprintf(sub, sizeof sub, "%s.collect", path);
    check_collect(ck, sub, cp);
    check_checkpoint_more(ck, path, scopes, i);
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
    char *used = kb_xcalloc(rule->ncheckpoints + 1, 1);
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

/* A condition over evidence (a remedy's when.where): fields, extracted
 * and looked-up names. */
static void check_evidence_cond(checker *ck, const char *path, const scope *sc, const kb_cond *c)
{
    if (!c)
        return;
    if (c->kind == KB_COND_TEST) {
        check_field(ck, path, sc, c->field, 1);
        return;
    }
    for (size_t i = 0; i < c->nchildren; i++)
        check_evidence_cond(ck, path, sc, c->children[i]);
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
        if (r->when.set && r->when.where) {
            snprintf(path, sizeof path, "remedies[%zu].when.where", i);
            check_evidence_cond(ck, path, &scopes[r->when.checkpoint], r->when.where);
        }
    }
}

/* ---- fixtures -------------------------------------------------------------- */

/* Every folder of tests/<rule id>/ is a fixture the rule names: one that
 * no fixture names is never tested. */
static void check_fixture_folders(checker *ck)
{
    const kb_rule *rule = ck->rule;
    char *rel = rule->id ? kb_strprintf("tests/%s", rule->id) : NULL;
    char *dir = rel ? beside_rule(rule, rel) : NULL;
    free(rel);
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        int named = 0;
        for (size_t i = 0; i < rule->nfixtures && !named; i++)
            named = rule->fixtures[i].fixture && strcmp(rule->fixtures[i].fixture, e->d_name) == 0;
        if (!named)
            problem(ck, "fixtures", "the fixture folder %s/%s is named by no fixture", dir, e->d_name);
    }
    if (d)
        closedir(d);
    free(dir);
}

static void check_fixtures(checker *ck)
{
    const kb_rule *rule = ck->rule;
    size_t matched = 0, not_matched = 0;
    for (size_t i = 0; i < rule->nfixtures; i++) {
        const kb_fixture *fx = &rule->fixtures[i];
        matched += fx->expect == 0;      /* KB_VERDICT_MATCHED */
        not_matched += fx->expect == 1;  /* KB_VERDICT_NOT_MATCHED */
        char path[64];
        struct stat sb;
        if (fx->bundle) {
            char *where = kb_fixture_path(rule, fx, NULL);
            snprintf(path, sizeof path, "fixtures[%zu].bundle", i);
            if (where && stat(where, &sb) != 0)
                problem(ck, path, "no bundle \"%s\" (looked for %s)", fx->bundle, where);
            free(where);
        } else if (fx->fixture) {
            char *where = kb_fixture_sources(rule, fx);
            snprintf(path, sizeof path, "fixtures[%zu].fixture", i);
            if (where && (stat(where, &sb) != 0 || !S_ISDIR(sb.st_mode)))
                problem(ck, path, "no fixture \"%s\" (looked for the folder %s)", fx->fixture, where);
            free(where);
        }
    }
    check_fixture_folders(ck);
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
    scope *scopes = kb_xcalloc(rule->ncheckpoints + 1, sizeof *scopes);
    for (size_t i = 0; i < rule->ncheckpoints; i++) {
        scopes[i].cp = &rule->checkpoints[i];
        scopes[i].decl = decl_of(scopes[i].cp);
        add_extracted_names(&scopes[i]);
        add_lookup_names(&scopes[i]);
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

/* ---- across the rule set ------------------------------------------------------ */

/* An "explains" entry: the other rule, when it is among the rules checked
 * (a partial set is fine), has that checkpoint, and "by" selects facts of
 * the same type (else no fact can be shared); no two rules explain each
 * other. */
static void check_explains(checker *ck, const kb_ruleset *set)
{
    const kb_rule *rule = ck->rule;
    for (size_t e = 0; e < rule->nexplains; e++) {
        const kb_explains *ex = &rule->explains[e];
        char path[64];
        snprintf(path, sizeof path, "explains[%zu]", e);
        const kb_rule *other = kb_ruleset_find(set, ex->rule);
        if (!other)
            continue;
        long c = ex->checkpoint ? kb_rule_find_checkpoint(other, ex->checkpoint) : -1;
        if (c < 0) {
            problem(ck, path, "rule \"%s\" has no checkpoint \"%s\"", ex->rule, ex->checkpoint ? ex->checkpoint : "?");
            continue;
        }
        const kb_checkpoint *target = &other->checkpoints[c];
        const kb_checkpoint *by = ex->by < rule->ncheckpoints ? &rule->checkpoints[ex->by] : NULL;
        if (by && by->fact_type && target->fact_type && strcmp(by->fact_type, target->fact_type) != 0)
            problem(ck, path, "\"by\" selects facts \"%s\", %s.%s facts \"%s\": they can share none",
                    by->fact_type, ex->rule, ex->checkpoint, target->fact_type);
        for (size_t k = 0; k < other->nexplains; k++)
            if (other->explains[k].rule && rule->id && strcmp(other->explains[k].rule, rule->id) == 0)
                problem(ck, path, "\"%s\" explains this rule too: one of the two is the specific one", ex->rule);
    }
}

/* A fixture's explained_by names a rule that explains this one. */
static void check_fixture_rules(checker *ck, const kb_ruleset *set)
{
    const kb_rule *rule = ck->rule;
    for (size_t i = 0; i < rule->nfixtures; i++) {
        const char *by = rule->fixtures[i].explained_by;
        if (!by)
            continue;
        char path[64];
        snprintf(path, sizeof path, "fixtures[%zu].explained_by", i);
        const kb_rule *other = kb_ruleset_find(set, by);
        int explains = 0;
        for (size_t k = 0; other && k < other->nexplains; k++)
            explains |= other->explains[k].rule && strcmp(other->explains[k].rule, rule->id) == 0;
        if (other && !explains)
            problem(ck, path, "rule \"%s\" has no \"explains\" entry for this rule", by);
    }
}

size_t kb_rules_check_set(const kb_ruleset *set, const kb_rule *rule, kb_buf *problems)
{
    checker ck = {rule, problems, 0};
    check_explains(&ck, set);
    check_fixture_rules(&ck, set);
    return ck.n;
}
