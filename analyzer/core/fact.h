/* fact.h: the fact model. Parsers turn files into facts; the rule engine
 * matches facts; reports show them as evidence.
 *
 * A fact is one observation (a writer block, a process line, an event) with
 * a type, named string fields, and its provenance: the input it came from,
 * its lines in the decoded text, or its event record id and time. */
#ifndef KB_FACT_H
#define KB_FACT_H

#include <stddef.h>
#include <stdint.h>

#define KB_TIME_NONE INT64_MIN  /* a fact without a time */
/* The field of an event that holds its rendered message, for exports that
 * carry it instead of (or besides) the insertion strings; a rule's test
 * may say how the message reads when the tested field is absent. */
#define KB_FIELD_MESSAGE "message"
#define KB_CONTEXT_LINES 3      /* lines of context kept around text evidence */

typedef struct kb_field {
    char *name;
    char *value;  /* UTF-8 */
} kb_field;

typedef struct kb_fact {
    char *type;          /* e.g. "vssadmin.listing", "tasklist.process", "event" */
    size_t input;        /* index into the run's input list */
    uint32_t line;       /* first line (1-based) in the decoded text; 0 = none */
    uint32_t line_end;   /* last line of the block; == line for one line */
    uint64_t record;     /* EVTX event record id; 0 = none */
    int64_t time;        /* microseconds since 1970-01-01 UTC, or KB_TIME_NONE */
    int recovered;       /* read from a recovered (damaged or deleted) record */
    int damaged;         /* its lines hold damaged text: what was lost may change it */
    int counted;         /* counted in its input's reduction as it was made (core/sink.h) */
    char *text;          /* the source text of the fact (lines), or NULL */
    char *before;        /* up to KB_CONTEXT_LINES lines before it, or NULL */
    char *after;         /* up to KB_CONTEXT_LINES lines after it, or NULL */
    kb_field *fields;
    size_t nfields;
    size_t cap;
} kb_fact;

typedef struct kb_factlist {
    kb_fact **items;
    size_t n;
    size_t cap;
} kb_factlist;

/* Facts never lose a field: out of memory ends the process (alloc.h), so
 * the setters return 0 (the int stays for the callers that test it). */
/* A fact type a parser or combiner produces, with every field its facts can carry
 * (docs/facts.md): data that `kbscan rules check` reads to tell a rule that
 * names a fact type or a field no parser produces. A name ending in '#'
 * stands for the prefix followed by a number ("data#": data1, data2, ...),
 * one ending in '*' for the prefix followed by any name ("data:*":
 * data:HRESULT, ...).
 * tests/unit/test_sources.c checks the parsers keep to it. */
typedef struct kb_fact_decl {
    const char *type;               /* e.g. "vssadmin.listing" */
    const char *const *fields;      /* NULL-terminated */
} kb_fact_decl;

kb_fact *kb_fact_new(const char *type, size_t input);
void kb_fact_free(kb_fact *fact);
/* Sets (or replaces) a field; copies name and value. Returns 0. */
int kb_fact_set(kb_fact *fact, const char *name, const char *value);
int kb_fact_set_n(kb_fact *fact, const char *name, const char *value, size_t len);
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int kb_fact_setf(kb_fact *fact, const char *name, const char *fmt, ...);
int kb_fact_set_text(kb_fact *fact, const char *text);
/* The field's value, or NULL when the fact has no such field. */
const char *kb_fact_get(const kb_fact *fact, const char *name);

/* Appends a fact and takes ownership. 0, or -1 for a NULL fact. */
int kb_factlist_add(kb_factlist *list, kb_fact *fact);
void kb_factlist_free(kb_factlist *list);

/* Times: microseconds since the Unix epoch, UTC. */
int64_t kb_time_from_filetime(uint64_t filetime);
/* Parses ISO 8601 UTC ("2018-10-01T12:00:19.123Z", "2018-10-01 12:00:19",
 * "2018-10-01"); a missing zone means UTC. Returns 0 on success. */
int kb_time_parse(const char *text, int64_t *out);
/* Formats as "2018-10-01T12:00:19.123Z" (milliseconds when non-zero). */
void kb_time_format(int64_t t, char *out, size_t outlen);

#endif
