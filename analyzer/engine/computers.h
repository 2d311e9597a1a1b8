/* computers.h: each computer of a bundle on its own. The `host` pass
 * (analyzer/combiners/host.c) tells which inputs are whose, as derived
 * facts (host, host.input, host.unassigned); from them each computer gets
 * its inputs and its facts, and is evaluated and covered as if it were the
 * only one: the engine sees one computer's facts and inputs at a time.
 *
 * An input of several computers (a log of forwarded events) counts for
 * each; its facts that name a computer (a `computer` field) go to the one
 * they name, the others to each. A file this machine could not read whose
 * computer cannot be told counts for every computer: it may be any one's. */
#ifndef KB_COMPUTERS_H
#define KB_COMPUTERS_H

#include "engine/coverage.h"
#include "engine/engine.h"

typedef struct kb_computer_input {
    size_t input;
    const char *by;      /* how it was found to be this computer's (docs/facts.md, host.input) */
    const char *basis;   /* the name, file or folder that said so */
} kb_computer_input;

typedef struct kb_computer {
    const kb_fact *host;             /* its host fact, or NULL (no host pass ran) */
    const char *name;                /* NULL when nothing names it */
    const char *also_named;          /* the other names its inputs give, one a line, or NULL */
    const char *os, *virtualization; /* NULL when unknown */
    int64_t first_time, last_time;   /* of its inputs' events */
    unsigned char *scope;            /* per input of the run: 1 when the rules count it for this computer */
    kb_computer_input *inputs;       /* its own inputs, in input order */
    size_t ninputs;
    kb_factlist facts;               /* its facts (borrowed: the list is its own, not the facts) */
    kb_results results;
    kb_coverage coverage;
    int exit_status;                 /* 0, 1 or 3 (kb_results_exit_status) */
} kb_computer;

#define KB_COMPUTER_NONE ((size_t)-1)

typedef struct kb_unassigned {
    size_t input;
    const char *folder;              /* the folder that holds several computers' files */
    size_t computers[2];             /* two of them (indexes), or KB_COMPUTER_NONE */
} kb_unassigned;

typedef struct kb_computers {
    kb_computer *items;              /* in the order of their first input */
    size_t n;
    kb_unassigned *unassigned;       /* inputs whose computer cannot be told */
    size_t nunassigned;
} kb_computers;

/* The computers of a run, from the derived facts; one computer with every
 * input when there are none. Out of memory ends the process (alloc.h). */
void kb_computers_build(const kb_inputs *inputs, const kb_factlist *facts, kb_computers *out);

/* Evaluates the rules and computes the coverage of each computer. KB_OK,
 * or KB_ERR_NOMEM (no verdict may then be reported). */
kb_status kb_computers_evaluate(kb_computers *computers, const kb_ruleset *rules, const kb_inputs *inputs,
                                const kb_eval_opts *opts);

/* The worst exit status over the computers: 1 when a known issue matched
 * on one, else 3 when a rule cannot tell on one, else 0. */
int kb_computers_exit_status(const kb_computers *computers);

void kb_computers_free(kb_computers *computers);

#endif
