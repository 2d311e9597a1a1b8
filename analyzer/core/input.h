/* input.h: one file of the bundle as the report lists it: what kind it is,
 * how it was read, what it covers for the rules, and what went wrong.
 *
 * Inputs "feed" the rules: a vssadmin output feeds "vssadmin_writers", an
 * Application event log feeds "eventlog:Application". A checkpoint names the
 * feed it needs; no input with that feed means the input is missing, and a
 * damaged one means the checkpoint cannot tell.
 *
 * What an input's kind means is its source's (parsers/source/source.h),
 * given here as data: what it covers in time and the counts it reports, so
 * that coverage and the reports never need to know a kind. */
#ifndef KB_INPUT_H
#define KB_INPUT_H

#include <stddef.h>
#include <stdint.h>

typedef enum kb_input_state {
    KB_INPUT_OK = 0,
    KB_INPUT_DAMAGED,        /* read in part: some content lost */
    KB_INPUT_ERROR,          /* recognised (or not) but could not be read */
    KB_INPUT_UNRECOGNISED,   /* read, but no parser knows it */
    KB_INPUT_SKIPPED         /* not read (not a regular file, a limit) */
} kb_input_state;

/* Something worth telling about one place in the file. */
typedef struct kb_note {
    char *where;    /* "line 12", "record 4711", "chunk 3", "offset 8192", or NULL */
    char *message;
} kb_note;

/* Feeds one input may provide: an event log one, a vssadmin output holding
 * several sub-commands one per sub-command (parsers/text/vssadmin_runs.h). */
#define KB_MAX_FEEDS 8

/* What an input covers in time. */
typedef enum kb_coverage_class {
    KB_COVERS_NOTHING = 0,  /* not recognised: no source */
    KB_COVERS_MOMENT,       /* a command's output: the state when it was taken */
    KB_COVERS_EVENTS        /* a log: the events of a time range */
} kb_coverage_class;

/* A count a source reports on its inputs: in the JSON report under
 * "counts" (as name, in the order declared), and in the text and HTML
 * lists of inputs as the number followed by word, in the places given. */
typedef struct kb_count_decl {
    const char *name;   /* "records_used"; NULL ends a list */
    const char *word;   /* "used" */
    int text;           /* place in the text report's line (1 first); 0: not shown there */
    int html;           /* place in the HTML table (1: the figure, shown bare under the column's
                           heading; the others after it in parentheses); 0: not shown there */
} kb_count_decl;

#define KB_MAX_COUNTS 8

typedef enum kb_count_view { KB_COUNTS_TEXT = 0, KB_COUNTS_HTML } kb_count_view;

typedef struct kb_input {
    char *path;              /* as shown to the user */
    char *kind;              /* its source's kind ("vssadmin_writers", "evtx", ...) or NULL */
    const char *label;       /* the same for people ("vssadmin list writers output"), or NULL;
                                static, the source's */
    kb_coverage_class covers;  /* from its source */
    char *encoding;          /* how the text was decoded, or NULL for binary */
    char *locale;            /* "en", "ja", ... when the parser could tell */
    kb_input_state state;
    char *message;           /* one-line summary of an error or damage */
    kb_note *notes;
    size_t nnotes;
    size_t notes_dropped;    /* notes beyond the limit, counted, not kept */
    char *feeds[KB_MAX_FEEDS];
    size_t nfeeds;
    uint64_t bytes;
    uint64_t lines;          /* text inputs */
    const kb_count_decl *count_decls;  /* its source's counts, or NULL */
    size_t ncounts;
    uint64_t counts[KB_MAX_COUNTS];    /* their values, in declared order */
    uint64_t facts;          /* facts this input produced */
    int64_t first_time;      /* oldest event / timestamp seen, or KB_TIME_NONE */
    int64_t last_time;
    char *computer;          /* host name the file names, if any */
    char *channel;           /* EVTX channel */
    /* Where the innermost file's own name is in path: its base name starts
     * at name_at and is name_len bytes long ("Application.evtx" in
     * "b.zip!Events/Application.evtx", "X_VSSAdmin.TXT" in
     * "b/X_VSSAdmin.TXT#2"); what comes before it names the folders and
     * archives it is in, what follows a section of it. Set by the scan. */
    size_t name_at, name_len;
    unsigned section;        /* 1.. for a section of a file holding several outputs, else 0 */
    int64_t stamped;         /* when the output was taken, as a collector's header says, or
                                KB_TIME_NONE (time of day given; the server's clock) */
    /* Why this machine could not read it (strerror: "Permission denied"),
     * or NULL. Such an error is this run's, not the bundle's: the file is
     * there and may hold what a rule needs, so nothing asks the customer
     * for it (kb_input_fail_local). */
    char *local_error;
    /* The reduction of its facts made as they were read (core/sink.h), and
     * how to free it; NULL when none. */
    void *reduced;
    void (*reduced_free)(void *reduced);
} kb_input;

typedef struct kb_inputs {
    kb_input *items;
    size_t n;
    size_t cap;
} kb_inputs;

#define KB_MAX_NOTES 100  /* per input; more are counted in notes_dropped */

/* Adds an input for path; returns its index or -1. */
long kb_inputs_add(kb_inputs *inputs, const char *path);
void kb_inputs_free(kb_inputs *inputs);
/* Frees what one input holds and empties it (an input outside a list). */
void kb_input_clear(kb_input *in);

int kb_input_set_kind(kb_input *in, const char *kind);
/* Gives the input its source: kind, what it covers, the counts it reports
 * (NULL-terminated decls, at most KB_MAX_COUNTS; their values start at 0). */
int kb_input_set_source(kb_input *in, const char *kind, kb_coverage_class covers, const kb_count_decl *counts);
/* The value of the count named name, or 0 when the input reports none. */
uint64_t kb_input_count(const kb_input *in, const char *name);
/* The indexes of the counts shown in a view, in their places; returns how
 * many (at most KB_MAX_COUNTS). */
size_t kb_input_shown_counts(const kb_input *in, kb_count_view view, size_t *out);
int kb_input_set_encoding(kb_input *in, const char *encoding);
int kb_input_set_locale(kb_input *in, const char *locale);
int kb_input_add_feed(kb_input *in, const char *feed);
/* Whether the input feeds feed; every recognised input feeds the derived
 * facts (KB_FEED_DERIVED, core/derived.h). */
int kb_input_has_feed(const kb_input *in, const char *feed);
/* The innermost file's base name (see name_at), with its length. */
const char *kb_input_base_name(const kb_input *in, size_t *len);
/* Whether kbscan read the input as one of its sources' kinds of content:
 * an event log or a command output (not a container such as an archive or
 * a file split into sections, whose parts are inputs of their own). */
int kb_input_is_content(const kb_input *in);
/* Whether the input is a log of events (its coverage is a time and a
 * record-id range) rather than a command output taken at one time. */
int kb_input_is_log(const kb_input *in);
/* Records a note; where may be NULL. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void kb_input_note(kb_input *in, const char *where, const char *fmt, ...);
/* Marks the input damaged or failed with a summary (keeps the worst state). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void kb_input_fail(kb_input *in, kb_input_state state, const char *fmt, ...);
/* Marks the input unreadable on this machine (an ERROR, with the
 * message "<what>: <strerror(err)>"): a permission or I/O error here, not
 * damage in the bundle. */
void kb_input_fail_local(kb_input *in, const char *what, int err);
/* Widens the input's time range to include t. */
void kb_input_saw_time(kb_input *in, int64_t t);
const char *kb_input_state_name(kb_input_state state);

#endif
