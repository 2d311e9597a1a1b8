/* rule.h: known-issue signatures, loaded from the rules directory (one JSON file per rule) (the format is
 * documented in docs/rules.md). A rule is data: checkpoints that select facts
 * by field conditions and count them, a verdict formula over checkpoints,
 * remedies whose commands are templates filled from the evidence. */
#ifndef KB_RULE_H
#define KB_RULE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "core/feeds.h"
#include "core/interest.h"
#include "core/status.h"
#include "core/strbuf.h"

/* Text in the report languages; en is required, ja falls back to en. */
typedef struct kb_i18n {
    char *en;
    char *ja;
} kb_i18n;

typedef enum kb_lang { KB_LANG_EN = 0, KB_LANG_JA } kb_lang;

const char *kb_i18n_get(const kb_i18n *text, kb_lang lang);

/* What a rule's match means (docs/rules.md, "Outcome and severity"): a
 * failure to fix, or a known harmless event ("benign": listed apart, never
 * the run's exit status 1). */
typedef enum kb_outcome { KB_OUTCOME_FAILURE = 0, KB_OUTCOME_BENIGN } kb_outcome;

/* How bad a match is, in the order reports sort by. */
typedef enum kb_severity {
    KB_SEVERITY_INFO = 0, KB_SEVERITY_WARNING, KB_SEVERITY_ERROR, KB_SEVERITY_CRITICAL
} kb_severity;

const char *kb_outcome_name(kb_outcome outcome);    /* "failure", "benign" */
const char *kb_severity_name(kb_severity severity); /* "info", ... "critical" */

/* A condition on one fact. */
typedef enum kb_cond_kind { KB_COND_ALL, KB_COND_ANY, KB_COND_NOT, KB_COND_TEST } kb_cond_kind;

typedef enum kb_cond_op {
    KB_OP_EQUALS,    /* string equal (ignoring ASCII case with "ignore_case") */
    KB_OP_IN,        /* one of several strings */
    KB_OP_MATCHES,   /* PCRE2 pattern */
    KB_OP_LT, KB_OP_LE, KB_OP_GT, KB_OP_GE, KB_OP_EQ, KB_OP_NE, /* numeric */
    KB_OP_EXISTS     /* the field is present (or absent with false) */
} kb_cond_op;

typedef struct kb_cond {
    kb_cond_kind kind;
    struct kb_cond **children;  /* all / any / not */
    size_t nchildren;
    char *field;                /* test */
    kb_cond_op op;
    char **values;              /* equals / in */
    size_t nvalues;
    double number;              /* numeric compare */
    int flag;                   /* exists: 1 present, 0 absent */
    int ignore_case;
    char *pattern;              /* matches */
    pcre2_code *re;
    /* "message": for an event exported with its rendered text instead of
     * its insertion strings (text and CSV exports), the pattern its
     * message must match when the fact has no such field; NULL: no
     * alternative, a fact without the field fails the test. */
    char *message_pattern;
    pcre2_code *message_re;
} kb_cond;

/* A value pulled out of a fact field by a named-group pattern, for evidence
 * and templates (e.g. the writer name inside a VSS event's context text). */
typedef struct kb_extract {
    char *field;
    char *pattern;
    pcre2_code *re;
    char *message_pattern;      /* "message": over the rendered message when the fact has no field */
    pcre2_code *message_re;
} kb_extract;

/* What to ask the customer for when a checkpoint's input is missing or
 * damaged. Said once per feed by its source (the feed catalogue, feeds.h);
 * a checkpoint's own "collect" replaces it: whole when it names a file or
 * a command, or, with only "why", keeping the source's file and command
 * (kb_rules_apply_catalogue). */
typedef struct kb_collect {
    char *file;       /* what to ask the customer for */
    char *command;    /* the exact command that produces it */
    kb_i18n why;
} kb_collect;

/* "related": only facts within a time window around the facts of another
 * checkpoint of the rule (docs/rules.md, "Time relations"). */
typedef enum kb_edge { KB_EDGE_EACH = 0, KB_EDGE_FIRST, KB_EDGE_LAST } kb_edge;

typedef struct kb_related {
    int set;
    size_t checkpoint;        /* the other checkpoint (index in the rule) */
    int64_t before_us;        /* how long before one of its facts; -1: unbounded */
    int64_t after_us;         /* how long after; -1: unbounded */
    kb_edge edge;             /* relate to each of its facts, or its first or last only */
} kb_related;

/* "same": only facts whose field holds one of the values another
 * checkpoint's facts hold (a join: the writer an event names is one of the
 * failed writers). */
typedef struct kb_same {
    int set;
    size_t checkpoint;
    char *field;              /* of this checkpoint's facts (extracted or looked up too) */
    char *other_field;        /* of the other checkpoint's facts */
    int ignore_case;
    int suffix;               /* field ends in "\" + the value (DOMAIN\name vs name) */
} kb_same;

/* "lookup": fields added to each piece of evidence from a table of
 * rules/tables/ (a writer's hosting service, what a last error means). */
typedef struct kb_table kb_table;

typedef struct kb_lookup {
    char *table;
    char **fields;            /* the evidence fields matched, in priority order ... */
    char **columns;           /* ... against these columns of the table */
    size_t nkeys;
    char **add;               /* the columns added to the evidence */
    size_t nadd;
    char *missing;            /* the value every added column gets on a miss, or NULL */
    const kb_table *resolved; /* set when the rule set's tables are linked */
} kb_lookup;

typedef struct kb_checkpoint {
    char *id;
    kb_i18n title;
    kb_i18n description;
    int context;           /* shown, never decides the verdict */
    char *feed;            /* the input it needs, e.g. "tasklist_svc" (the first, when several) */
    char **feeds;          /* every input it reads: "input" may list several */
    size_t nfeeds;
    char *fact_type;       /* the facts it selects */
    kb_cond *where;        /* NULL = every fact of the type */
    kb_cond_op count_op;   /* the count test; default >= 1 */
    double count_value;
    int64_t window_us;     /* count within a sliding window of this length; 0 = over all */
    char *group_by;        /* count per value of this field (window counts) */
    char *distinct;        /* count distinct values of this field instead of facts */
    kb_related related;
    kb_same same;
    kb_lookup *lookups;
    size_t nlookups;
    kb_i18n say_each;      /* template rendered for each piece of evidence */
    int keep_all;          /* keep every selected fact (a join or a precedence reads them) */
    kb_cond *unknown_when; /* a selected-or-not fact that makes it unknown */
    kb_i18n unknown_say;
    int64_t within_us;     /* only facts this close to the newest input time; 0 = all */
    kb_extract *extracts;
    size_t nextracts;
    char **show;           /* fields to show for each piece of evidence */
    size_t nshow;
    kb_i18n met_say;       /* templates summarising the outcome */
    kb_i18n not_met_say;
    kb_collect collect;
    kb_cond *near_where;   /* "near": the closest facts when not met in a near miss */
    kb_i18n near_say;      /* template over those facts; may be empty */
} kb_checkpoint;

/* The verdict formula. */
typedef struct kb_logic {
    kb_cond_kind kind;         /* ALL / ANY / NOT, or TEST = a checkpoint */
    struct kb_logic **children;
    size_t nchildren;
    size_t checkpoint;         /* TEST: index into the rule's checkpoints */
} kb_logic;

typedef struct kb_remedy_note {
    size_t checkpoint;         /* shown when this checkpoint ... */
    int state;                 /* ... is in this kb_cp_state (engine.h) */
    kb_i18n text;              /* template */
} kb_remedy_note;

/* "when" of a remedy: shown only when that checkpoint is in that state
 * (and, with where, when some of its evidence passes the condition). */
typedef struct kb_remedy_when {
    int set;
    size_t checkpoint;
    int state;                 /* a kb_cp_state */
    kb_cond *where;            /* over the evidence, extracted and looked-up fields too */
} kb_remedy_when;

typedef struct kb_remedy {
    char *id;
    kb_i18n title;
    kb_i18n text;              /* template */
    char **commands;           /* templates */
    size_t ncommands;
    kb_i18n verify_text;       /* template */
    char **verify_commands;
    size_t nverify;
    int lasting;               /* 1 when the fix is permanent */
    kb_remedy_note *notes;
    size_t nnotes;
    kb_remedy_when when;
} kb_remedy;

typedef struct kb_reference {
    char *title;
    char *url;
    char *kb;                  /* "KB2009550", or NULL */
} kb_reference;

/* "severity_when": the first entry that holds sets the rule's severity. */
typedef struct kb_severity_when {
    size_t checkpoint;
    int state;                 /* a kb_cp_state */
    kb_severity severity;
} kb_severity_when;

/* "explains" (precedence): when this rule matches, the facts of another
 * rule's checkpoint that this rule's checkpoint "by" also selected (all of
 * them without "by") are explained by this rule; a rule all of whose
 * deciding evidence is explained is reported under the rule explaining it. */
typedef struct kb_explains {
    char *rule;                /* the other rule's id */
    char *checkpoint;          /* its checkpoint's id */
    size_t by;                 /* this rule's checkpoint, or (size_t)-1: every fact */
    int near;                  /* mark the other rule's near-miss facts instead */
} kb_explains;

/* A bundle the rule is tested against (`kbscan rules test`): the verdict
 * it must give, and optionally the state some checkpoints must be in. The
 * bundle is a folder or file ("bundle"), or one of the rule's own fixtures
 * ("fixture"), built at test time from its readable sources in
 * tests/<rule id>/<name>/ next to the rule file (tools/build-fixtures.sh). */
typedef struct kb_fixture_state {
    size_t checkpoint;         /* index into the rule's checkpoints */
    int state;                 /* a kb_cp_state (engine.h) */
} kb_fixture_state;

typedef struct kb_fixture {
    char *bundle;              /* folder or file, relative to the rule file's folder, or NULL */
    char *fixture;             /* or the name of the rule's own fixture, or NULL */
    int expect;                /* a kb_verdict (engine.h) */
    char *why;                 /* what the fixture proves */
    kb_fixture_state *states;
    size_t nstates;
    char *explained_by;        /* the rule expected to explain it, or NULL */
    int quiet;                 /* 1: expected quiet (cannot tell, no symptom seen); -1 not said */
    int severity;              /* expected kb_severity, or -1 */
} kb_fixture;

typedef struct kb_rule {
    char *path;
    char *id;
    int version;
    kb_outcome outcome;
    kb_severity severity;
    kb_severity_when *severity_when;
    size_t nseverity_when;
    size_t *symptoms;          /* checkpoints whose being met makes a "cannot tell" worth saying */
    size_t nsymptoms;
    int has_symptoms;          /* "symptoms" given (else every cannot tell is said) */
    kb_explains *explains;
    size_t nexplains;
    size_t *order;             /* checkpoints in evaluation order (related and same first) */
    kb_i18n title;
    kb_i18n summary;
    kb_checkpoint *checkpoints;
    size_t ncheckpoints;
    kb_logic *verdict;
    kb_remedy *remedies;
    size_t nremedies;
    kb_reference *references;
    size_t nreferences;
    kb_fixture *fixtures;
    size_t nfixtures;
} kb_rule;

/* A lookup table: rows of named string cells (rules/tables/<name>.json). */
struct kb_table {
    char *name;
    char *path;
    char **columns;
    size_t ncolumns;
    char **cells;              /* nrows x ncolumns, NULL where a row has no value */
    size_t nrows;
};

typedef struct kb_ruleset {
    kb_rule *rules;
    size_t n;
    char *dir;
    kb_table *tables;          /* the tables beside the rules (tables/NAME.json) */
    size_t ntables;
} kb_ruleset;

/* Loads every .json file in dir, in name order. Problems are appended to errors
 * (one line each, naming the file and the JSON path); any problem makes the
 * rule set unusable (KB_ERR_RULES). */
kb_status kb_rules_load_dir(const char *dir, kb_ruleset *out, kb_buf *errors);
/* The paths of the rule files (*.json) in dir, sorted, as loaded; NULL
 * with a line in errors when dir cannot be read. Free with kb_rule_files_free. */
char **kb_rule_files(const char *dir, size_t *n, kb_buf *errors);
void kb_rule_files_free(char **files, size_t n);
/* Loads one rule file; 0 on success, problems appended to errors. */
int kb_rule_load_file(const char *path, kb_rule *out, kb_buf *errors);
void kb_rule_free(kb_rule *rule);
void kb_ruleset_free(kb_ruleset *set);

/* Links a loaded rule set: loads the tables of dir/tables (none is fine)
 * and resolves every rule's lookups, and marks what other rules' "explains"
 * read; problems (a bad table, a lookup naming no table or column) are
 * appended to errors. 0, or -1 after a problem. kb_rules_load_dir does it. */
int kb_rules_link_tables(kb_ruleset *set, const char *dir, kb_buf *errors);
const kb_table *kb_table_find(const kb_ruleset *set, const char *name);
long kb_table_column(const kb_table *t, const char *column);
/* The cell of row r, column c (NULL when the row has no value there). */
const char *kb_table_cell(const kb_table *t, size_t r, size_t c);
void kb_tables_free(kb_table *tables, size_t n);

/* The rule of set with this id, or NULL. */
const kb_rule *kb_ruleset_find(const kb_ruleset *set, const char *id);
long kb_rule_find_checkpoint(const kb_rule *rule, const char *id);

/* Gives every checkpoint the catalogue's advice for its feed where its rule
 * says none of its own (see kb_collect). 0, or -1 out of memory. */
int kb_rules_apply_catalogue(kb_ruleset *set, const kb_feed_catalogue *catalogue);
int kb_rule_apply_catalogue(kb_rule *rule, const kb_feed_catalogue *catalogue);

/* The events the rules can use (see interest.h). */
int kb_rules_interest(const kb_ruleset *set, kb_interest *out);

/* Evaluates a condition on one fact's fields. */
struct kb_fact;
int kb_cond_eval(const kb_cond *cond, const struct kb_fact *fact);
/* The same over any named values: get(ctx, name) gives a field's value or NULL. */
typedef const char *(*kb_field_getter)(const void *ctx, const char *name);
int kb_cond_eval_with(const kb_cond *cond, kb_field_getter get, const void *ctx);
void kb_cond_free(kb_cond *cond);

#endif
