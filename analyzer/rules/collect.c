/* collect.c: what each checkpoint asks the customer for when its input is
 * missing or damaged: its rule's own advice, or its feed's in the
 * catalogue (see kb_collect in rule.h, and core/feeds.h). */
#include "rules/rule.h"

#include <stdlib.h>

/* The catalogue's file and command, and its why unless the rule gives one. */
static int inherit(kb_checkpoint *cp, const kb_feed_entry *e)
{
    kb_collect *c = &cp->collect;
    const kb_collect_advice *a = e->advice;
    int nomem = 0;
    c->file = kb_advice_expand(e, cp->feed, a->file, KB_ADVICE_FILE, NULL, &nomem);
    c->command = kb_advice_expand(e, cp->feed, a->command, KB_ADVICE_COMMAND, c->file, &nomem);
    c->from_source = 1;
    if (!c->why.en && !c->why.ja) {
        c->why.en = kb_advice_expand(e, cp->feed, a->why_en, KB_ADVICE_PROSE, NULL, &nomem);
        c->why.ja = kb_advice_expand(e, cp->feed, a->why_ja, KB_ADVICE_PROSE, NULL, &nomem);
    }
    return nomem ? -1 : 0;
}

int kb_rule_apply_catalogue(kb_rule *rule, const kb_feed_catalogue *catalogue)
{
    for (size_t i = 0; i < rule->ncheckpoints; i++) {
        kb_checkpoint *cp = &rule->checkpoints[i];
        if (cp->collect.file || cp->collect.command || !cp->feed)
            continue;  /* the rule's own advice, whole */
        const kb_feed_entry *e = kb_catalogue_find(catalogue, cp->feed);
        if (e && e->advice && inherit(cp, e) != 0)
            return -1;
    }
    return 0;
}

int kb_rules_apply_catalogue(kb_ruleset *set, const kb_feed_catalogue *catalogue)
{
    for (size_t i = 0; i < set->n; i++)
        if (kb_rule_apply_catalogue(&set->rules[i], catalogue) != 0)
            return -1;
    return 0;
}
