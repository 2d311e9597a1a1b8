/* computers.c: a run's computers from the derived host facts, each
 * evaluated on its own (see computers.h). */
#include "engine/computers.h"
#include "core/alloc.h"
#include "core/derived.h"

#include <stdlib.h>
#include <string.h>

/* The names an input's facts may give a computer (host.input "names"),
 * for an input that is several computers'. */
typedef struct route {
    size_t computer;
    const char *names;   /* one a line */
    size_t next;         /* the input's next route, or NONE */
} route;

#define NONE ((size_t)-1)

typedef struct builder {
    const kb_inputs *inputs;
    const kb_factlist *facts;
    kb_computers *out;
    size_t *shared;      /* per input: how many computers count it */
    route *routes;
    size_t nroutes, caproutes;
    size_t *first_route; /* per input */
    size_t *capinputs;   /* per computer */
    size_t capunassigned;
} builder;

static const char *nonempty(const kb_fact *f, const char *name)
{
    const char *v = kb_fact_get(f, name);
    return v && *v ? v : NULL;
}

/* The computer a fact's number field names (1-based), or NONE. */
static size_t computer_of(const builder *b, const kb_fact *f, const char *field)
{
    const char *v = kb_fact_get(f, field);
    char *end;
    unsigned long long id = v && *v ? strtoull(v, &end, 10) : 0;
    return id >= 1 && id <= b->out->n && *end == '\0' ? (size_t)(id - 1) : NONE;
}

static void new_computer(builder *b, const kb_fact *host)
{
    kb_computer *c = &b->out->items[b->out->n++];
    memset(c, 0, sizeof *c);
    c->host = host;
    c->name = host ? nonempty(host, "name") : NULL;
    c->also_named = host ? nonempty(host, "also_named") : NULL;
    c->os = host ? nonempty(host, "os") : NULL;
    c->virtualization = host ? nonempty(host, "virtualization") : NULL;
    c->first_time = c->last_time = KB_TIME_NONE;
    c->scope = kb_xcalloc(b->inputs->n + 1, 1);
}

static void count_in(builder *b, size_t k, size_t i)
{
    if (!b->out->items[k].scope[i]) {
        b->out->items[k].scope[i] = 1;
        b->shared[i]++;
    }
}

static void add_input(builder *b, size_t k, const kb_fact *member)
{
    kb_computer *c = &b->out->items[k];
    size_t i = member->input;
    c->inputs = kb_grow(c->inputs, &b->capinputs[k], c->ninputs + 1, sizeof *c->inputs, 16);
    c->inputs[c->ninputs++] = (kb_computer_input){i, kb_fact_get(member, "by"), kb_fact_get(member, "basis")};
    count_in(b, k, i);
    const char *names = nonempty(member, "names");
    if (names) {
        b->routes = kb_grow(b->routes, &b->caproutes, b->nroutes + 1, sizeof *b->routes, 16);
        b->routes[b->nroutes] = (route){k, names, b->first_route[i]};
        b->first_route[i] = b->nroutes++;
    }
    const kb_input *in = &b->inputs->items[i];
    if (in->first_time != KB_TIME_NONE && (c->first_time == KB_TIME_NONE || in->first_time < c->first_time))
        c->first_time = in->first_time;
    if (in->last_time != KB_TIME_NONE && (c->last_time == KB_TIME_NONE || in->last_time > c->last_time))
        c->last_time = in->last_time;
}

static void add_unassigned(builder *b, const kb_fact *f)
{
    kb_computers *out = b->out;
    out->unassigned = kb_grow(out->unassigned, &b->capunassigned, out->nunassigned + 1,
                              sizeof *out->unassigned, 8);
    kb_unassigned *u = &out->unassigned[out->nunassigned++];
    *u = (kb_unassigned){f->input, kb_fact_get(f, "folder"), {NONE, NONE}};
    /* "hosts": the ids of two computers there, one a line. */
    const char *ids = kb_fact_get(f, "hosts");
    for (int k = 0; k < 2 && ids && *ids; k++) {
        char *end;
        unsigned long long id = strtoull(ids, &end, 10);
        u->computers[k] = id >= 1 && id <= out->n ? (size_t)(id - 1) : NONE;
        ids = *end == '\n' ? end + 1 : end;
    }
    /* A file that could not be read here may be any computer's: each
     * cannot tell for want of what it may hold. */
    if (b->inputs->items[f->input].local_error)
        for (size_t k = 0; k < out->n; k++)
            count_in(b, k, f->input);
}

/* Whether value is one of the lines of list, ignoring case. */
static int line_in(const char *list, const char *value)
{
    size_t n = strlen(value);
    for (const char *p = list; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == n) {
            char *line = kb_xstrndup(p, len);
            int same = kb_strcaseeq(line, value);
            free(line);
            if (same)
                return 1;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}

/* Whether fact f, of an input that several computers count, is computer
 * k's: when it names no computer, or names this one. */
static int shared_fact_of(const builder *b, size_t k, const kb_fact *f)
{
    if (!b->out->items[k].scope[f->input])
        return 0;
    const char *named = nonempty(f, "computer");
    if (!named)
        return 1;
    for (size_t r = b->first_route[f->input]; r != NONE; r = b->routes[r].next)
        if (b->routes[r].computer == k)
            return line_in(b->routes[r].names, named);
    return 0;
}

/* Each fact to its computers: a host fact and a host.input fact to the
 * computer they are about; any other to the computers that count its
 * input (host.unassigned facts to none). */
static void share_facts(builder *b)
{
    kb_computers *out = b->out;
    size_t *only = kb_xcalloc(b->inputs->n + 1, sizeof *only); /* an input's one computer */
    for (size_t k = out->n; k-- > 0;)
        for (size_t i = 0; i < b->inputs->n; i++)
            if (out->items[k].scope[i])
                only[i] = k;
    for (size_t i = 0; i < b->facts->n; i++) {
        kb_fact *f = b->facts->items[i];
        size_t k = NONE;
        if (strcmp(f->type, KB_FACT_HOST) == 0)
            k = computer_of(b, f, "id");
        else if (strcmp(f->type, KB_FACT_HOST_INPUT) == 0)
            k = computer_of(b, f, "host");
        else if (strcmp(f->type, KB_FACT_HOST_UNASSIGNED) == 0 || f->input >= b->inputs->n ||
                 !b->shared[f->input])
            continue;
        else if (b->shared[f->input] == 1)
            k = only[f->input];
        if (k != NONE) {
            kb_factlist_add(&out->items[k].facts, f);
            continue;
        }
        for (size_t c = 0; c < out->n; c++)
            if (shared_fact_of(b, c, f))
                kb_factlist_add(&out->items[c].facts, f);
    }
    free(only);
}

/* No host pass ran (a test of the engine alone): one computer, everything. */
static void one_computer(builder *b)
{
    new_computer(b, NULL);
    for (size_t i = 0; i < b->inputs->n; i++) {
        kb_fact member = {.input = i};
        add_input(b, 0, &member);
    }
}

void kb_computers_build(const kb_inputs *inputs, const kb_factlist *facts, kb_computers *out)
{
    memset(out, 0, sizeof *out);
    builder b = {.inputs = inputs, .facts = facts, .out = out};
    size_t hosts = 0;
    for (size_t i = 0; i < facts->n; i++)
        hosts += strcmp(facts->items[i]->type, KB_FACT_HOST) == 0;
    out->items = kb_xcalloc(hosts + 2, sizeof *out->items);
    b.capinputs = kb_xcalloc(hosts + 2, sizeof *b.capinputs);
    b.shared = kb_xcalloc(inputs->n + 1, sizeof *b.shared);
    b.first_route = kb_xcalloc(inputs->n + 1, sizeof *b.first_route);
    for (size_t i = 0; i < inputs->n; i++)
        b.first_route[i] = NONE;
    for (size_t i = 0; i < facts->n; i++)
        if (strcmp(facts->items[i]->type, KB_FACT_HOST) == 0)
            new_computer(&b, facts->items[i]);
    if (!out->n)
        one_computer(&b);
    for (size_t i = 0; i < facts->n; i++) {
        const kb_fact *f = facts->items[i];
        size_t k = strcmp(f->type, KB_FACT_HOST_INPUT) == 0 ? computer_of(&b, f, "host") : NONE;
        if (k != NONE && f->input < inputs->n)
            add_input(&b, k, f);
    }
    for (size_t i = 0; i < facts->n; i++)
        if (strcmp(facts->items[i]->type, KB_FACT_HOST_UNASSIGNED) == 0 && facts->items[i]->input < inputs->n)
            add_unassigned(&b, facts->items[i]);
    share_facts(&b);
    free(b.shared);
    free(b.routes);
    free(b.first_route);
    free(b.capinputs);
}

kb_status kb_computers_evaluate(kb_computers *computers, const kb_ruleset *rules, const kb_inputs *inputs,
                                const kb_eval_opts *opts)
{
    for (size_t k = 0; k < computers->n; k++) {
        kb_computer *c = &computers->items[k];
        if (kb_evaluate_for(rules, &c->facts, inputs, c->scope, opts, &c->results) != KB_OK ||
            kb_coverage_compute_for(inputs, c->scope, &c->facts, rules, &c->results, opts->lang,
                                    &c->coverage) != KB_OK)
            return KB_ERR_NOMEM;
        c->exit_status = kb_results_exit_status(&c->results);
    }
    return KB_OK;
}

int kb_computers_exit_status(const kb_computers *computers)
{
    int status = 0;
    for (size_t k = 0; k < computers->n; k++) {
        int s = computers->items[k].exit_status;
        if (s == 1 || (s == 3 && status == 0))
            status = s;
    }
    return status;
}

void kb_computers_free(kb_computers *computers)
{
    for (size_t k = 0; k < computers->n; k++) {
        kb_computer *c = &computers->items[k];
        free(c->scope);
        free(c->inputs);
        free(c->facts.items); /* the facts are the run's */
        kb_results_free(&c->results);
        kb_coverage_free(&c->coverage);
    }
    free(computers->items);
    free(computers->unassigned);
    memset(computers, 0, sizeof *computers);
}
