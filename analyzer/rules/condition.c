/* condition.c: evaluates rule conditions on facts, and derives from the
 * rules which events they can use at all (the EVTX parser's skip list). */
#include "core/alloc.h"
#include "core/fact.h"
#include "rules/rule.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int parse_number(const char *s, double *out)
{
    if (!s || !*s)
        return 0;
    char *end;
    double v = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? (double)strtoull(s, &end, 16)
                                                              : strtod(s, &end);
    if (*end)
        return 0;
    *out = v;
    return 1;
}

static int equal(const kb_cond *c, const char *a, const char *b)
{
    return c->ignore_case ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

static int re_matches(const pcre2_code *re, const char *value)
{
    if (!re)
        return 0;
    /* PCRE2 out of memory is not "no match". */
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!md)
        kb_out_of_memory();
    int rc = pcre2_match(re, (PCRE2_SPTR)value, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    if (rc == PCRE2_ERROR_NOMEMORY)
        kb_out_of_memory();
    return rc >= 0;
}

static int test(const kb_cond *c, kb_field_getter get, const void *ctx)
{
    const char *value = get(ctx, c->field);
    /* An event exported with its rendered text only: how the rule says the
     * message reads stands for the insertion strings it lacks. */
    const char *message = !value && c->message_re ? get(ctx, KB_FIELD_MESSAGE) : NULL;
    if (message)
        return re_matches(c->message_re, message);
    if (c->op == KB_OP_EXISTS)
        return (value != NULL) == c->flag;
    if (!value)
        return 0;
    double v;
    switch (c->op) {
    case KB_OP_EQUALS:
        return c->nvalues && equal(c, value, c->values[0]);
    case KB_OP_IN:
        for (size_t i = 0; i < c->nvalues; i++)
            if (equal(c, value, c->values[i]))
                return 1;
        return 0;
    case KB_OP_MATCHES:
        return re_matches(c->re, value);
    case KB_OP_LT: return parse_number(value, &v) && v < c->number;
    case KB_OP_LE: return parse_number(value, &v) && v <= c->number;
    case KB_OP_GT: return parse_number(value, &v) && v > c->number;
    case KB_OP_GE: return parse_number(value, &v) && v >= c->number;
    case KB_OP_EQ: return parse_number(value, &v) && v == c->number;
    case KB_OP_NE: return parse_number(value, &v) && v != c->number;
    case KB_OP_EXISTS: break;
    }
    return 0;
}

int kb_cond_eval_with(const kb_cond *c, kb_field_getter get, const void *ctx)
{
    if (!c)
        return 1;
    switch (c->kind) {
    case KB_COND_ALL:
        for (size_t i = 0; i < c->nchildren; i++)
            if (!kb_cond_eval_with(c->children[i], get, ctx))
                return 0;
        return 1;
    case KB_COND_ANY:
        for (size_t i = 0; i < c->nchildren; i++)
            if (kb_cond_eval_with(c->children[i], get, ctx))
                return 1;
        return 0;
    case KB_COND_NOT:
        return c->nchildren ? !kb_cond_eval_with(c->children[0], get, ctx) : 1;
    case KB_COND_TEST:
        return test(c, get, ctx);
    }
    return 0;
}

static const char *fact_field(const void *fact, const char *name)
{
    return kb_fact_get(fact, name);
}

int kb_cond_eval(const kb_cond *c, const kb_fact *f)
{
    return kb_cond_eval_with(c, fact_field, f);
}

/* ---- interest -------------------------------------------------------------
 * A condition restricts events to some providers (and ids) only through
 * equals / in tests on "provider" and "event_id" that every match must
 * pass: tests in an "all" (or the top level), or in every branch of an
 * "any". Anything else wants every event. */

typedef struct restriction {
    int any_provider;        /* 1 = not restricted */
    char **providers;
    size_t nproviders;
    int any_id;
    long *ids;
    size_t nids;
} restriction;

static void restriction_free(restriction *r)
{
    free(r->providers);  /* borrowed strings */
    free(r->ids);
}

static void restrict_test(const kb_cond *c, restriction *r)
{
    int is_equals = c->op == KB_OP_EQUALS || c->op == KB_OP_IN;
    if (is_equals && strcmp(c->field, "provider") == 0 && r->any_provider) {
        r->any_provider = 0;
        r->providers = kb_xcalloc(c->nvalues, sizeof *r->providers);
        for (size_t i = 0; i < c->nvalues; i++)
            r->providers[r->nproviders++] = c->values[i];
    } else if (strcmp(c->field, "event_id") == 0 && r->any_id &&
               (is_equals || c->op == KB_OP_EQ)) {
        r->any_id = 0;
        size_t n = c->op == KB_OP_EQ ? 1 : c->nvalues;
        r->ids = kb_xcalloc(n, sizeof *r->ids);
        for (size_t i = 0; i < n; i++)
            r->ids[r->nids++] = c->op == KB_OP_EQ ? (long)c->number : strtol(c->values[i], NULL, 10);
    }
}

static int add_restriction(kb_interest *out, const restriction *r);

/* Adds to out what condition c (an event selection) can match. */
static int add_cond_interest(kb_interest *out, const kb_cond *c)
{
    if (c && c->kind == KB_COND_ANY) {
        for (size_t i = 0; i < c->nchildren; i++)
            if (add_cond_interest(out, c->children[i]) != 0)
                return -1;
        return 0;
    }
    restriction r = {1, NULL, 0, 1, NULL, 0};
    if (c && c->kind == KB_COND_TEST)
        restrict_test(c, &r);
    else if (c && c->kind == KB_COND_ALL)
        for (size_t i = 0; i < c->nchildren; i++)
            if (c->children[i]->kind == KB_COND_TEST)
                restrict_test(c->children[i], &r);
    int rc = add_restriction(out, &r);
    restriction_free(&r);
    return rc;
}

static int add_restriction(kb_interest *out, const restriction *r)
{
    if (r->any_provider) {
        out->want_all = 1;
        return 0;
    }
    for (size_t p = 0; p < r->nproviders; p++) {
        if (r->any_id) {
            if (kb_interest_add(out, r->providers[p], -1) != 0)
                return -1;
            continue;
        }
        for (size_t i = 0; i < r->nids; i++)
            if (kb_interest_add(out, r->providers[p], r->ids[i]) != 0)
                return -1;
    }
    return 0;
}

int kb_rules_interest(const kb_ruleset *set, kb_interest *out)
{
    for (size_t i = 0; i < set->n; i++) {
        const kb_rule *rule = &set->rules[i];
        for (size_t j = 0; j < rule->ncheckpoints; j++) {
            const kb_checkpoint *cp = &rule->checkpoints[j];
            if (!cp->fact_type || strcmp(cp->fact_type, "event") != 0)
                continue;
            if (add_cond_interest(out, cp->where) != 0)
                return -1;
            /* unknown_when looks at events too: they must not be skipped. */
            if (cp->unknown_when && add_cond_interest(out, cp->unknown_when) != 0)
                return -1;
            /* and so does "near", for the closest facts of a near miss. */
            if (cp->near_where && add_cond_interest(out, cp->near_where) != 0)
                return -1;
        }
    }
    return 0;
}
