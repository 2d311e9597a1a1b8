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

typedef struct kb_checkpoint {
    char *id;
    kb_i18n title;
    kb_i18n description;
    int context;           /* shown, never decides the verdict */
    char *feed;            /* the input it needs, e.g. "tasklist_svc" */
    char *fact_type;       /* the facts it selects */
    kb_cond *where;        /* NULL = every fact of the type */
    kb_cond_op count_op;   /* the count test; default >= 1 */
    double count_value;
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
} kb_remedy;

typedef struct kb_reference {
    char *title;
    char *url;
} kb_reference;

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
} kb_fixture;

typedef struct kb_rule {
    char *path;
    char *id;
    int version;
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

typedef struct kb_ruleset {
    kb_rule *rules;
    size_t n;
    char *dir;
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

/* Gives every checkpoint the catalogue's advice for its feed where its rule
 * says none of its own (see kb_collect). 0, or -1 out of memory. */
int kb_rules_apply_catalogue(kb_ruleset *set, const kb_feed_catalogue *catalogue);
int kb_rule_apply_catalogue(kb_rule *rule, const kb_feed_catalogue *catalogue);

/* The events the rules can use (see interest.h). */
int kb_rules_interest(const kb_ruleset *set, kb_interest *out);

/* Evaluates a condition on one fact's fields. */
struct kb_fact;
int kb_cond_eval(const kb_cond *cond, const struct kb_fact *fact);
void kb_cond_free(kb_cond *cond);

#endif
