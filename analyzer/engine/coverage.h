/* coverage.h: what the bundle covers for the loaded rules and what it
 * lacks, told before the verdicts: which logs (with their time range and
 * record ids) and command outputs (with the time they were taken, when their
 * file name says) are there; which feeds the rules use are absent; and
 * problems of their own: logs that look wrapped, started late, have gaps in
 * their record ids or were cleared (1102/104), inputs taken days apart, and
 * for each rule that cannot tell, the file (and command) that would settle it.
 *
 * Computed from inputs, the derived facts log.coverage and log.cleared
 * (analyzer/combiners/), rules and results; knows no file format. */
#ifndef KB_COVERAGE_H
#define KB_COVERAGE_H

#include "engine/engine.h"

typedef enum kb_cov_kind {
    KB_COV_LOG_WRAPPED = 0,  /* first record id above 1: older records were overwritten */
    KB_COV_LOG_STARTS_LATE,  /* a log the rules read starts days after a problem they saw elsewhere */
    KB_COV_RECORD_GAP,       /* record ids missing between its first and last */
    KB_COV_LOG_CLEARED,      /* a log-cleared event (Security 1102, System 104) */
    KB_COV_TIME_SKEW,        /* inputs taken days apart, or a log the rules read ends days
                                before a problem they saw elsewhere */
    KB_COV_MISSING_INPUT,    /* a rule that cannot tell needs this file */
    KB_COV_KIND_COUNT
} kb_cov_kind;

/* Inputs further apart than this are "taken at different times": a day,
 * since a time in a file name is the server's local time, zone unknown. */
#define KB_COV_SKEW_US (86400LL * 1000000LL)

typedef struct kb_cov_finding {
    kb_cov_kind kind;
    long input;                      /* the input it is about, or -1 */
    long other;                      /* the input it is compared with, or -1 */
    int64_t time;                    /* log_cleared: when; else KB_TIME_NONE */
    const kb_fact *fact;             /* log_cleared: the event */
    const kb_rule *rule;             /* missing_input: the rule that cannot tell */
    const kb_checkpoint *checkpoint; /* ... and its unknown checkpoint */
    kb_unknown_why why;
    int ask;                         /* missing_input: ask the customer (file, command); 0 when
                                        the file is there but this machine could not read it */
    char *say;                       /* one sentence in the report language */
} kb_cov_finding;

typedef struct kb_cov_feed {
    const char *feed;                /* borrowed from the rules */
    int present;                     /* some input feeds it */
    int unreadable;                  /* none does, but a file could not be read on this machine:
                                        it may be in the bundle (present is 0) */
    const kb_checkpoint *collect;    /* a checkpoint saying how to collect it, or NULL */
} kb_cov_feed;

/* An event log's extent, read from its log.coverage fact. */
typedef struct kb_cov_log {
    const kb_fact *fact;     /* its log.coverage fact, or NULL: not a log */
    const char *channel;     /* NULL when unknown */
    uint64_t records;        /* 0: no record read, and no record-id range */
    uint64_t first_record, last_record;
    uint64_t gaps;           /* record ids missing in an intact log */
    int64_t first_time, last_time;
} kb_cov_log;

typedef struct kb_coverage {
    kb_cov_log *logs;        /* per input */
    int64_t *taken;          /* per input: when a command output was taken (a date in
                                its file name, the server's local time), or KB_TIME_NONE */
    unsigned char *taken_has_time; /* per input: 1 when the name gave the time of day,
                                      0 for a date only (taken some time that day) */
    const char **taken_from; /* per input: what said it ("section_header", "file_name",
                                "archive_name"), or NULL */
    kb_cov_feed *feeds;      /* each feed the loaded rules use, once, in rule order */
    size_t nfeeds;
    kb_cov_finding *findings;
    size_t n;
    size_t cap;
    const unsigned char *scope;  /* the computer's inputs (engine/computers.h), NULL: all */
} kb_coverage;

kb_status kb_coverage_compute(const kb_inputs *inputs, const kb_factlist *facts,
                              const kb_ruleset *rules, const kb_results *results, kb_lang lang,
                              kb_coverage *out);
/* The same for one computer: its inputs (one flag per input of the run, or
 * NULL for all), its facts and its results. */
kb_status kb_coverage_compute_for(const kb_inputs *inputs, const unsigned char *scope,
                                  const kb_factlist *facts, const kb_ruleset *rules,
                                  const kb_results *results, kb_lang lang, kb_coverage *out);
/* Whether input i is one of the coverage's computer's. */
int kb_cov_in_scope(const kb_coverage *cov, size_t i);
void kb_coverage_free(kb_coverage *cov);

const char *kb_cov_kind_name(kb_cov_kind kind);   /* "log_wrapped", ... */

/* When an input was taken, from its file name: "2018-10-08T09:30" (no zone),
 * "2018-10-08" when the name gives a date only, or "-". */
void kb_cov_format_taken(const kb_coverage *cov, size_t input, char *out, size_t outlen);

#endif
