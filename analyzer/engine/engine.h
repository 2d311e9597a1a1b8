/* engine.h: matches facts against rules. Knows nothing of file formats:
 * it sees facts, inputs (what each feeds, whether it is damaged) and rules.
 *
 * A checkpoint is met, not met, or unknown (its input is missing or damaged,
 * or the input says it cannot answer); a rule's verdict combines its
 * deciding checkpoints with three-valued logic: matched, not matched, or
 * cannot tell.
 *
 * A near miss is a rule that is not matched although some of its deciding
 * checkpoints are met. For each of its deciding checkpoints that is not met
 * the engine then finds the closest facts: facts of the checkpoint's type
 * and feed that its `where` does not select but its "near" condition does
 * (or, when the rule gives no "near", that fail exactly one test of a
 * top-level "all" in `where`). A rule that did not match but is no near miss
 * gets the closest events the same way (facts with a record id: the same
 * event with another hr), whatever its other checkpoints say. */
#ifndef KB_ENGINE_H
#define KB_ENGINE_H

#include "core/fact.h"
#include "core/input.h"
#include "rules/rule.h"

typedef enum kb_cp_state { KB_CP_MET = 0, KB_CP_NOT_MET = 1, KB_CP_UNKNOWN = 2 } kb_cp_state;

typedef enum kb_verdict {
    KB_VERDICT_MATCHED = 0,
    KB_VERDICT_NOT_MATCHED,
    KB_VERDICT_CANNOT_TELL
} kb_verdict;

typedef struct kb_evidence {
    const kb_fact *fact;
    kb_field *extra;      /* values the checkpoint's extract patterns pulled out, and
                             the columns its lookups added */
    size_t nextra;
    char *say;            /* the checkpoint's say_each filled for it, or NULL */
    const kb_rule *explained_by; /* the matched rule that explains this fact, or NULL */
} kb_evidence;

typedef enum kb_unknown_why {
    KB_WHY_NONE = 0,
    KB_WHY_MISSING,       /* no input feeds the checkpoint */
    KB_WHY_DAMAGED,       /* an input that feeds it is damaged or unreadable */
    KB_WHY_INPUT_SAYS,    /* the input holds an answer that is not one (unknown_when) */
    KB_WHY_UNREADABLE     /* no input feeds it, and some file could not be read on this
                             machine (permission, I/O error): it may be the one; the
                             error is this run's, not the customer's (inputs: those files) */
} kb_unknown_why;

#define KB_MAX_TIMES 1000000

typedef struct kb_cp_result {
    const kb_checkpoint *cp;
    kb_cp_state state;
    kb_unknown_why why;
    size_t count;             /* facts selected */
    kb_evidence *evidence;    /* the first max_evidence of them */
    size_t nevidence;
    size_t nitems;            /* facts held in evidence[]: nevidence, or every selected
                                 fact when the checkpoint keeps them all (joins,
                                 relations, precedence: kb_cp_keeps_all) */
    size_t capitems;
    size_t explained;         /* selected facts another rule explains (precedence) */
    int64_t first_time;       /* over all selected facts */
    int64_t last_time;
    int64_t *times;           /* times of the selected facts (for timelines), */
    size_t ntimes;            /* at most KB_MAX_TIMES of them */
    size_t captimes;
    char *summary;            /* the filled met/not_met text, or why it is unknown */
    size_t *inputs;           /* inputs that feed it */
    size_t ninputs;
    /* The closest facts of a deciding checkpoint that is not met, in a rule
     * that did not match (in a near miss any; else events only): count,
     * evidence, times, and summary filled from near.say; NULL when none. */
    struct kb_cp_result *near;
    int near_default;         /* found by the all-but-one-test default */
} kb_cp_result;

typedef struct kb_remedy_result {
    const kb_remedy *remedy;
    char *text;
    kb_strlist commands;
    char *verify_text;
    kb_strlist verify_commands;
    kb_strlist notes;
} kb_remedy_result;

typedef struct kb_rule_result {
    const kb_rule *rule;
    kb_verdict verdict;
    kb_severity severity;       /* the rule's, or its severity_when's */
    int quiet;                  /* cannot tell, but no symptom seen (or a benign rule):
                                   not worth a request of its own */
    const kb_rule **explained_by; /* matched rules explaining all its deciding evidence */
    size_t nexplained_by;
    kb_cp_result *checkpoints;  /* one per rule checkpoint, same order */
    kb_remedy_result *remedies; /* filled when the rule matched */
    size_t nremedies;
    int near_miss;              /* not matched, yet some deciding checkpoint is met */
} kb_rule_result;

typedef struct kb_results {
    kb_rule_result *rules;
    size_t n;
} kb_results;

typedef struct kb_eval_opts {
    kb_lang lang;
    size_t max_evidence;   /* evidence kept per checkpoint (the count stays exact) */
} kb_eval_opts;

/* Evaluates every rule. KB_OK with a verdict for each; never a verdict
 * from evidence it could not record: out of memory ends the process
 * (alloc.h). */
kb_status kb_evaluate(const kb_ruleset *rules, const kb_factlist *facts,
                      const kb_inputs *inputs, const kb_eval_opts *opts, kb_results *out);
/* The same over one computer: its facts, and its inputs (scope: one flag
 * per input of the run, engine/computers.h; NULL: every input). */
kb_status kb_evaluate_for(const kb_ruleset *rules, const kb_factlist *facts, const kb_inputs *inputs,
                          const unsigned char *scope, const kb_eval_opts *opts, kb_results *out);
void kb_results_free(kb_results *results);

/* Whether some checkpoint of the rules could use the fact (as evidence,
 * as what makes it unknown, or as a near fact): the scan drops the facts
 * none can, as they are made, so that a large input costs what matters. */
int kb_rules_use_fact(const kb_ruleset *rules, const kb_fact *fact);
/* Exit status for the results of a computer: 1 a known issue matched, 3
 * none matched but some rule cannot tell, 0 otherwise. */
int kb_results_exit_status(const kb_results *results);

const char *kb_cp_state_name(kb_cp_state state);   /* "met", "not_met", "unknown" */
const char *kb_verdict_name(kb_verdict verdict);   /* "matched", ... */
/* The value of a field of a piece of evidence: extracted values first. */
const char *kb_evidence_get(const kb_evidence *ev, const char *name);

/* Whether a rule result counts for the exit status and the summary: a
 * failure that matched (or cannot tell, and is not quiet) and that no other
 * rule explains. */
int kb_result_counts(const kb_rule_result *res);
/* A matched benign rule: a known harmless finding. */
int kb_result_harmless(const kb_rule_result *res);

#endif
