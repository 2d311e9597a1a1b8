/* view.h: one report, decided once. The builder chooses which sections a
 * report has and in what order, and which rows each holds: the run, each
 * computer's summary, its coverage (logs, outputs, feeds absent, findings),
 * per rule the verdict, checkpoints, evidence rows, near misses, remedies and
 * what to collect, and the inputs. The text, JSON and HTML writers only
 * format a view: none of them decides what to show.
 *
 * A report is about computers: the view holds a list of them and each
 * section names the computer it is about. A bundle of one computer is
 * reported as that computer's; a bundle of several (engine/computers.h)
 * lists them first, then each with its own coverage and verdicts, then the
 * inputs whose computer cannot be told. */
#ifndef KB_VIEW_H
#define KB_VIEW_H

#include "report/report.h"

typedef enum kb_view_format { KB_VIEW_TEXT = 0, KB_VIEW_JSON, KB_VIEW_HTML } kb_view_format;

typedef enum kb_view_section_kind {
    KB_SECTION_RUN,       /* the run: kbscan version, paths, rules, when, how long */
    KB_SECTION_SUMMARY,   /* a computer: name, OS, virtualisation, event time range */
    KB_SECTION_COVERAGE,  /* a computer's logs, outputs, feeds absent, findings */
    KB_SECTION_HARMLESS,  /* a computer's known harmless findings, with why and a reference */
    KB_SECTION_VERDICTS,  /* a computer's verdicts, one per rule, with what to collect */
    KB_SECTION_RULES,     /* a computer's rules in full (JSON, several computers: every
                             computer's, each naming it) */
    KB_SECTION_INPUTS,    /* every input: state, counts, notes */
    KB_SECTION_COMPUTERS, /* several computers: each with its outcome (JSON: in full) */
    KB_SECTION_UNASSIGNED, /* several computers: the inputs whose computer cannot be told */
    KB_SECTION_ANSWER,    /* a computer's answer: one line per rule outcome, why, what first */
    KB_SECTION_COVERAGE_ROWS, /* a computer's coverage per input (HTML: folded) */
    KB_SECTION_TOTAL      /* the run in one line: computers, outcomes, inputs, exit status */
} kb_view_section_kind;

#define KB_VIEW_EVERY ((size_t)-1)  /* a section about the whole run, not one computer */

typedef struct kb_view_section {
    kb_view_section_kind kind;
    size_t computer;                /* index into computers, or KB_VIEW_EVERY */
} kb_view_section;

/* One value of a piece of evidence, as shown. */
typedef struct kb_view_value {
    const char *name;
    const char *value;    /* NULL: the fact has no such field (an empty cell) */
    char *annotation;     /* what the error codes in it mean, or NULL */
} kb_view_value;

typedef struct kb_view_evidence {
    const kb_evidence *evidence;
    const kb_fact *fact;
    const char *path;     /* of its input */
    int event;            /* shown by record id and time, not by its text lines */
    char *message;        /* an event's message as Event Viewer shows it, or NULL */
    const char *message_windows; /* the Windows releases that text comes from */
    kb_view_value *values;
    size_t nvalues;
} kb_view_evidence;

/* The evidence shown of a checkpoint, or of its closest facts. */
typedef struct kb_view_rows {
    kb_view_evidence *items;
    size_t n;
    size_t nevents;       /* how many of them are events */
    size_t more;          /* facts selected and not shown */
} kb_view_rows;

typedef struct kb_view_checkpoint {
    const kb_cp_result *result;
    const kb_checkpoint *cp;
    char *title;               /* its title, without a context word its tag already says */
    kb_msg state;              /* its tag: context, met, not met or unknown */
    const char *state_class;   /* the same as a name: "context", "met", "not_met", "unknown" */
    const char *summary;       /* NULL when there is none */
    int why;                   /* say why it is unknown: then why_msg */
    kb_msg why_msg;            /* KB_MSG_MISSING, KB_MSG_DAMAGED or KB_MSG_UNREADABLE */
    const kb_input **damaged;  /* the damaged inputs it names, or the unreadable ones */
    size_t ndamaged;
    int unreadable;            /* they are files this machine could not read (local_error) */
    int ask;                   /* say here what to ask the customer for */
    kb_view_rows rows;
    int event_span;            /* say how many events, from when to when */
    /* The closest facts for this checkpoint (a near miss's, or events of a
     * rule not matched), or near NULL. */
    const kb_cp_result *near;
    const char *near_say;      /* NULL: the default wording, with near->count */
    kb_view_rows near_rows;
} kb_view_checkpoint;

typedef struct kb_view_ids {
    const char **ids;
    size_t n;
} kb_view_ids;

/* How much of a rule a text or HTML report shows: the whole block (a
 * match, a known harmless finding, a cannot tell worth a request, a near
 * miss, a rule explained by another), or its id in one line of the rules
 * not matched or of those that cannot tell but saw no symptom. JSON lists
 * every rule in full. */
typedef enum kb_view_show { KB_SHOW_BLOCK = 0, KB_SHOW_NOT_MATCHED, KB_SHOW_QUIET } kb_view_show;

typedef struct kb_view_rule {
    const kb_rule_result *result;
    size_t index;                   /* in the run's results (anchors) */
    kb_msg verdict;                 /* KB_MSG_MATCHED, _NOT_MATCHED, _CANNOT_TELL, _HARMLESS */
    kb_view_show show;
    int harmless;                   /* a known harmless finding (a benign rule matched) */
    int severity_shown;             /* say its severity (a match) */
    kb_view_checkpoint *checkpoints; /* every checkpoint, in rule order */
    size_t ncheckpoints;
    int near_miss;
    kb_view_ids near_ids[3];        /* deciding checkpoint ids met, not met, unknown */
    int close_facts;                /* no near miss, yet some checkpoint has closest events */
    int collect_shown;              /* it cannot tell: say what to collect next */
    const kb_checkpoint **collect;  /* its unknown deciding checkpoints, but the unreadable */
    size_t ncollect;
    const kb_input **unreadable;    /* the files to make readable here instead, once each */
    size_t nunreadable;
    int timeline;                   /* draw its events over time */
    int in_answer;                  /* on a line of the answer: its evidence comes first */
} kb_view_rule;

/* One line of a computer's answer: a rule's outcome, its one-sentence
 * reason and the first thing to do (NULL: none to say). */
typedef struct kb_view_answer {
    const kb_view_rule *rule;
    const char *reason;
    int reason_why;             /* say why it is not known after the reason: then why_msg */
    kb_msg why_msg;             /* KB_MSG_MISSING, KB_MSG_DAMAGED or KB_MSG_UNREADABLE */
    const char *todo;           /* a remedy's title, what to collect, or which rule explains it */
    const char *todo_command;   /* its first command, or NULL */
    kb_msg todo_kind;           /* KB_MSG_REMEDIES, KB_MSG_NEXT_STEPS or KB_MSG_EXPLAINED_BY */
} kb_view_answer;

/* One recognised input in the coverage. */
typedef struct kb_view_cov_row {
    const kb_input *input;
    size_t index;
    int log;                        /* an event log, else a command output */
    const char *channel;            /* a log's, NULL when unknown */
    int64_t first_time, last_time;  /* a log's, KB_TIME_NONE when unknown */
    int has_records;                /* a log whose records were read */
    uint64_t records, first_record, last_record;
    char taken[40];                 /* an output's: when taken, from its name; "" unknown */
    const char *taken_from;         /* what said so ("file_name", "section_header", ...) */
} kb_view_cov_row;

typedef struct kb_view_coverage {
    int known;                          /* computed for this report */
    kb_view_cov_row *rows;              /* every recognised input, in input order */
    size_t nrows;
    const kb_view_cov_row **logs;       /* the event logs among them */
    size_t nlogs;
    const kb_view_cov_row **outputs;    /* the command outputs */
    size_t noutputs;
    const kb_cov_feed *feeds;           /* every feed the loaded rules use */
    size_t nfeeds;
    const kb_cov_feed **absent;         /* those no input feeds (but those that may be in a
                                           file this machine could not read) */
    size_t nabsent;
    const kb_input **unreadable;        /* files of the bundle this machine could not read */
    size_t nunreadable;
    size_t ninputs, nok, ndamaged, nunrecognised; /* its inputs, by state (the counts shown) */
    const kb_cov_finding *findings;
    size_t nfindings;
} kb_view_coverage;

typedef struct kb_view_computer {
    size_t number;                  /* 1-based, in the order of the bundle */
    const char *name;               /* NULL when no input names it */
    const char *also_named;         /* other names its inputs give, one a line, or NULL */
    const char *os;                 /* NULL when unknown */
    const char *virtualization;     /* as shown; NULL when not shown */
    int64_t first_time, last_time;  /* of its inputs' events */
    kb_view_coverage coverage;
    kb_view_rule *rules;
    size_t nrules;
    const kb_view_rule **harmless;  /* its known harmless findings, in rule order */
    size_t nharmless;
    const kb_view_rule **not_matched; /* rules shown in the one line of those not matched */
    size_t nnot_matched;
    const kb_view_rule **quiet;     /* ... and of those that cannot tell, no symptom seen */
    size_t nquiet;
    kb_view_answer *answers;        /* its answer: matched, cannot tell, known harmless */
    size_t nanswers;
    size_t nnot_matched_all;        /* every rule not matched (counted in the answer) */
    int list_not_matched;           /* and named there (--show-not-matched) */
    int exit_status;                /* its own: 0, 1 or 3 */
    kb_msg outcome;                 /* its worst verdict: KB_MSG_MATCHED, _CANNOT_TELL, _NOT_MATCHED */
    const kb_computer_input *inputs;  /* several computers: its inputs, and how they were told */
    size_t ninputs;
} kb_view_computer;

/* An input whose computer cannot be told, and why. */
typedef struct kb_view_unassigned {
    const kb_input *input;
    const char *folder;             /* the folder that holds several computers' files */
    const char *computers[2];       /* two of them (NULL: unnamed) */
    size_t ncomputers;              /* how many of those are given */
} kb_view_unassigned;

typedef struct kb_view_input {
    const kb_input *input;
    int counts_records;   /* it counts records (an event log) */
    int counts_lines;     /* it counts lines (a decoded text) */
    size_t nnotes;        /* notes shown, the first ones */
    size_t hidden;        /* notes not shown (past those, or dropped at the limit) */
    const kb_view_computer **computers;  /* several computers: whose it is (none: unassigned) */
    size_t ncomputers;
} kb_view_input;

/* What an input is, for people: its source's label ("vssadmin list
 * writers output"), else its kind; NULL when not recognised. */
const char *kb_view_kind(const kb_input *in);

/* What a feed absent from the bundle is, for people, appended to out: an
 * event log by its channel ("System event log"), else the file to collect
 * ("systeminfo.txt") when a rule says, else the feed. */
void kb_view_feed(const kb_cov_feed *feed, kb_lang lang, kb_buf *out);

/* The run in one line (text ends with it). */
typedef struct kb_view_total {
    size_t computers, matched, cannot_tell, harmless;
    size_t inputs, damaged, unrecognised;
    int exit_status;
} kb_view_total;

typedef struct kb_view {
    kb_view_format format;
    const kb_report *report;
    kb_lang lang;
    const char *title;              /* of the document */
    kb_view_section *sections;      /* in the order they are written */
    size_t nsections;
    kb_view_computer *computers;
    size_t ncomputers;
    int several;                    /* several computers, each reported on its own */
    kb_view_input *inputs;          /* every input, in input order */
    size_t ninputs;
    kb_view_unassigned *unassigned;
    size_t nunassigned;
    kb_view_total total;
} kb_view;

/* The one-line summary of the run in the report language, pluralised:
 * "2 computers, 1 issue matched, 1 cannot tell, 3 inputs damaged; exit 1"
 * (messages.c). Caller frees; NULL when out of memory. */
char *kb_msg_total(kb_lang lang, const kb_view_total *total);

/* "1 rule" / "5 rules" (Japanese "5 件"): a count with its noun, pluralised. */
typedef enum kb_count_noun {
    KB_NOUN_COMPUTER, KB_NOUN_ISSUE, KB_NOUN_INPUT, KB_NOUN_RULE, KB_NOUN_RECORD,
    KB_NOUN_FILE, KB_NOUN_LOG, KB_NOUN_OUTPUT, KB_NOUN_COUNT
} kb_count_noun;
void kb_msg_count(kb_lang lang, kb_count_noun noun, size_t n, kb_buf *out);
/* The noun alone, singular ("event log"). */
const char *kb_msg_noun(kb_lang lang, kb_count_noun noun);

/* Builds the view of r for one format. KB_OK, or KB_ERR_NOMEM (then
 * kb_view_free() what was built). */
kb_status kb_view_build(const kb_report *r, kb_view_format format, kb_view *view);
void kb_view_free(kb_view *view);

#endif
