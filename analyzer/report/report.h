/* report.h: what a report shows, for every report writer (text, JSON,
 * HTML). Reports see inputs, facts as evidence, and results; they know
 * nothing of parsers or file formats. */
#ifndef KB_REPORT_H
#define KB_REPORT_H

#include <stdio.h>

#include "engine/computers.h"
#include "engine/coverage.h"
#include "engine/engine.h"
#include "core/input.h"
#include "rules/rule.h"

#define KB_REPORT_SCHEMA "kbscan-report/1"

typedef struct kb_report {
    const char *version;         /* kbscan version */
    const char *const *paths;    /* as given on the command line */
    size_t npaths;
    const char *rules_dir;
    const kb_ruleset *rules;
    const kb_inputs *inputs;
    const kb_results *results;
    kb_lang lang;
    int64_t since, until;        /* KB_TIME_NONE when not given */
    int64_t started;             /* wall clock, microseconds since 1970 */
    int64_t duration_us;
    int exit_status;
    /* Bundle summary, from the derived host fact and the inputs (summary.c). */
    const char *computer;
    const char *os;
    const char *virtualization;
    int64_t first_time, last_time;
    const kb_coverage *coverage; /* what the bundle covers and lacks (coverage.h) */
    /* The computers of the bundle (computers.h), or NULL. With one (or
     * none given), the report is the one computer's: results, coverage
     * and the summary above; with several, each computer's own are
     * reported, and results and coverage above are the first's. */
    const kb_computers *computers;
    int show_not_matched;        /* name the rules not matched in the answer, not only count them */
} kb_report;

/* Fills the bundle summary fields of r from the inputs and the derived
 * facts (combiners.h); the strings stay the facts'. */
void kb_report_summarise(kb_report *r, const kb_factlist *facts);

/* Writers; 0 on success, -1 on a write error. */
int kb_report_write_json(FILE *out, const kb_report *r);
int kb_report_write_text(FILE *out, const kb_report *r, int color);
int kb_report_write_html(FILE *out, const kb_report *r);


/* Report wording in the report language. */
typedef enum kb_msg {
    KB_MSG_MATCHED, KB_MSG_NOT_MATCHED, KB_MSG_CANNOT_TELL,
    KB_MSG_MET, KB_MSG_NOT_MET, KB_MSG_UNKNOWN, KB_MSG_CONTEXT,
    KB_MSG_MISSING, KB_MSG_DAMAGED, KB_MSG_COLLECT, KB_MSG_RUN,
    KB_MSG_REMEDIES, KB_MSG_VERIFY, KB_MSG_INPUTS, KB_MSG_NOT_RECOGNISED,
    KB_MSG_COMPUTER, KB_MSG_OS, KB_MSG_EVENTS, KB_MSG_TEMPORARY, KB_MSG_LASTING,
    KB_MSG_MORE_EVIDENCE, KB_MSG_NO_EVIDENCE, KB_MSG_RECOVERED, KB_MSG_NEXT_STEPS,
    KB_MSG_TIMELINE, KB_MSG_PER_HOUR, KB_MSG_PER_DAY, KB_MSG_PER_WEEK,
    KB_MSG_NEAR_MISS, KB_MSG_NEAR_DEFAULT,
    KB_MSG_COVERAGE, KB_MSG_LOGS, KB_MSG_OUTPUTS, KB_MSG_TAKEN, KB_MSG_TAKEN_UNKNOWN,
    KB_MSG_NOT_IN_BUNDLE, KB_MSG_RECORDS, KB_MSG_COVERAGE_OK, KB_MSG_FIRST_EVENT, KB_MSG_LAST_EVENT,
    KB_MSG_HARMLESS, KB_MSG_KNOWN_HARMLESS, KB_MSG_EXPLAINED_BY, KB_MSG_NOT_MATCHED_LIST,
    KB_MSG_QUIET_LIST, KB_MSG_REFERENCES, KB_MSG_SEVERITY,
    KB_MSG_UNREADABLE, KB_MSG_READ_HERE, KB_MSG_READ_AGAIN, KB_MSG_UNREADABLE_FILES,
    KB_MSG_COMPUTERS, KB_MSG_ALSO_NAMED, KB_MSG_UNASSIGNED, KB_MSG_UNASSIGNED_WHY, KB_MSG_UNNAMED,
    KB_MSG_SEVERAL_COMPUTERS, KB_MSG_AMONG_THEM,
    KB_MSG_OF, KB_MSG_NO_COMPUTER, KB_MSG_CLOSE_FACTS,
    KB_MSG_ANSWER, KB_MSG_DO_FIRST, KB_MSG_NOT_MATCHED_HINT, KB_MSG_NO_ISSUE,
    KB_MSG_INPUT_OK, KB_MSG_COVERAGE_ROWS, KB_MSG_MESSAGE, KB_MSG_PROBLEMS, KB_MSG_EVIDENCE, KB_MSG_LOOKED_FOR, KB_MSG_OTHER_RULES,
    KB_MSG_COUNT
} kb_msg;

const char *kb_msg_text(kb_lang lang, kb_msg msg);

#endif
