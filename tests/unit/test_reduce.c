/* test_reduce.c: event facts summed up as they are read (engine/reduce.c)
 * give the engine the same results as the facts themselves: counts,
 * evidence in order, times, closest facts, with a checkpoint that cannot
 * be reduced (related) beside, over two logs, one summed up in two parts
 * joined in order, and an input never offered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/reduce.h"
#include "inline_rule.h"

/* "svc" (reducible, closest facts by the default), "other" (reducible,
 * context), "after" (related to svc: not reducible, so the facts it may
 * use stay in the run's list). */
static const char *const rule_json =
    "{'id': 'reduce-test', 'version': 1, 'title': 'Reduce test',"
    " 'checkpoints': ["
    "  {'id': 'svc', 'title': 'SCM 7036 of BITS', 'input': 'eventlog:System', 'facts': 'event',"
    "   'where': [{'field': 'provider', 'equals': 'Service Control Manager'},"
    "             {'field': 'event_id', 'equals': 7036}, {'field': 'data1', 'equals': 'BITS'}],"
    "   'count': {'>=': 1000}, 'show': ['data1'], 'say': {'met': '{{count}} {{all.data1}}', 'not_met': 'only {{count}}'}},"
    "  {'id': 'other', 'role': 'context', 'title': 'Any 7036', 'input': 'eventlog:System', 'facts': 'event',"
    "   'where': [{'field': 'provider', 'equals': 'Service Control Manager'}, {'field': 'event_id', 'equals': 7036}]},"
    "  {'id': 'after', 'title': 'Wuauserv after BITS', 'input': 'eventlog:System', 'facts': 'event',"
    "   'where': [{'field': 'event_id', 'equals': 7036}, {'field': 'data1', 'equals': 'wuauserv'}],"
    "   'related': {'checkpoint': 'svc', 'within_minutes': {'before': 0, 'after': 5}}}],"
    " 'verdict': {'all': ['svc', 'after']},"
    " 'fixtures': []}";

typedef struct world {
    kb_ruleset rules;
    kb_inputs inputs;
    kb_factlist facts;
    kb_results results;
    kb_reducer reducer;
    kb_fact_sink sink;
} world;

static kb_fact *event(size_t input, int i)
{
    static const char *const services[] = {"BITS", "wuauserv", "Spooler", "BITS"};
    kb_fact *f = kb_fact_new("event", input);
    kb_fact_set(f, "provider", "Service Control Manager");
    kb_fact_set(f, "event_id", i % 7 == 0 ? "7040" : "7036");
    kb_fact_set(f, "data1", services[i % 4]);
    f->record = (uint64_t)i + 1;
    f->time = 1538395219000000LL + (int64_t)i * 60000000LL;
    return f;
}

/* Two System logs and a third input never offered; reduced: the first two
 * logs' facts go through the sink (the second in two parts). */
static void build(world *w, int reduced)
{
    memset(w, 0, sizeof *w);
    inline_ruleset(&w->rules, rule_json);
    for (int k = 0; k < 3; k++) {
        char name[32];
        snprintf(name, sizeof name, "System%d.evtx", k);
        long i = kb_inputs_add(&w->inputs, name);
        assert_true(i == k);
        kb_input_add_feed(&w->inputs.items[i], "eventlog:System");
    }
    if (reduced) {
        assert_int_equal(kb_reducer_init(&w->reducer, &w->rules, 5, NULL, NULL), 0);
        kb_reducer_sink(&w->reducer, &w->sink);
    }
    int n = 0;
    for (size_t in = 0; in < 3; in++) {
        void *parts[2] = {NULL, NULL};
        if (reduced && in < 2) {
            parts[0] = w->sink.begin(w->sink.arg);
            parts[1] = in == 1 ? w->sink.begin(w->sink.arg) : NULL;
        }
        for (int j = 0; j < 40; j++, n++) {
            kb_fact *f = event(in, n);
            void *part = parts[j >= 20 && parts[1] ? 1 : 0];
            if (!part || !w->sink.offer(part, f))
                kb_factlist_add(&w->facts, f);
        }
        if (parts[1])
            w->sink.append(parts[0], parts[1]);
        if (parts[0]) {
            w->inputs.items[in].reduced = parts[0];
            w->inputs.items[in].reduced_free = w->sink.free;
        }
    }
    kb_eval_opts opts = {KB_LANG_EN, 5};
    assert_int_equal(kb_evaluate(&w->rules, &w->facts, &w->inputs, &opts, &w->results), KB_OK);
}

static void world_free(world *w)
{
    kb_results_free(&w->results);
    kb_factlist_free(&w->facts);
    kb_inputs_free(&w->inputs);
    kb_reducer_free(&w->reducer);
    kb_ruleset_free(&w->rules);
}

static void same_result(const kb_cp_result *a, const kb_cp_result *b)
{
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->count, b->count);
    assert_int_equal(a->nevidence, b->nevidence);
    assert_int_equal(a->nitems, b->nitems);
    for (size_t i = 0; i < a->nitems; i++) {
        assert_int_equal(a->evidence[i].fact->record, b->evidence[i].fact->record);
        assert_int_equal(a->evidence[i].fact->input, b->evidence[i].fact->input);
    }
    assert_int_equal(a->ntimes, b->ntimes);
    for (size_t i = 0; i < a->ntimes; i++)
        assert_int_equal(a->times[i], b->times[i]);
    assert_int_equal(a->first_time, b->first_time);
    assert_int_equal(a->last_time, b->last_time);
    if (a->summary || b->summary)
        assert_string_equal(a->summary, b->summary);
    assert_int_equal(a->near != NULL, b->near != NULL);
    if (a->near)
        same_result(a->near, b->near);
}

static void test_same_results(void **state)
{
    (void)state;
    world plain, reduced;
    build(&plain, 0);
    build(&reduced, 1);
    /* the reduction took facts: only those "after" may use stay */
    assert_true(reduced.facts.n < plain.facts.n);
    const kb_rule_result *a = &plain.results.rules[0], *b = &reduced.results.rules[0];
    assert_int_equal(a->verdict, b->verdict);
    assert_int_equal(a->near_miss, b->near_miss);
    for (size_t c = 0; c < plain.rules.rules[0].ncheckpoints; c++)
        same_result(&a->checkpoints[c], &b->checkpoints[c]);
    /* svc is not met (too few), with closest facts: the other 7036s */
    assert_int_equal(a->checkpoints[0].state, KB_CP_NOT_MET);
    assert_non_null(a->checkpoints[0].near);
    world_free(&plain);
    world_free(&reduced);
}

static void test_reducible(void **state)
{
    (void)state;
    kb_ruleset rules;
    inline_ruleset(&rules, rule_json);
    assert_true(kb_cp_reducible(&rules.rules[0].checkpoints[0]));
    assert_true(kb_cp_reducible(&rules.rules[0].checkpoints[1]));
    assert_false(kb_cp_reducible(&rules.rules[0].checkpoints[2]));
    kb_ruleset_free(&rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_results),
        cmocka_unit_test(test_reducible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
