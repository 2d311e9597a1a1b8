/* event.h: what every export of an event log has in common, whatever its
 * shape (wevtutil qe /f:text, CSV, XML, PowerShell CLIXML, legacy .evt):
 * each record becomes the same `event` fact the EVTX parser makes
 * (provider, event_id, qualifiers, level, channel, computer, the insertion
 * strings as data1..N and data, binary and binary_text), plus the rendered
 * `message` when the export carries it, so that a rule reads them all
 * alike (docs/rules.md, "Events exported as text"); and each log gives one
 * `log.extent` fact (core/derived.h), from which its coverage is derived.
 *
 * Records no rule can use (provider and event id, the rules' interest) or
 * outside --since/--until are counted in the log's extent and dropped. */
#ifndef KB_EVENTS_EVENT_H
#define KB_EVENTS_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/derived.h"
#include "source/source.h"

/* One record as an export gives it; NULL or -1 for what it does not say. */
typedef struct kb_event_record {
    const char *provider;
    long event_id;               /* the low 16 bits are kept */
    long qualifiers;
    int level;                   /* 1 critical .. 5 verbose, 0 (audit, always), -1 unknown */
    int64_t time;                /* KB_TIME_NONE when unknown */
    uint64_t record;             /* EventRecordID, 0 when the export has none */
    const char *computer;
    const char *channel;
    const char *const *strings;  /* the insertion strings, when the export has them */
    size_t nstrings;
    int has_strings;             /* 1: strings are the record's (0 of them is possible) */
    const char *binary_hex;      /* <Binary> as hex, or NULL */
    const char *message;         /* the rendered message, or NULL */
    size_t first_line, last_line;/* its lines in the decoded text (1-based), or 0 */
} kb_event_record;

/* A log being read: its extent, for the log.extent fact. */
typedef struct kb_event_log {
    char *channel;               /* the first record's, or the one the file's name says */
    int named;                   /* the export names the log (not only the file name) */
    char *computer;
    uint64_t records;            /* records read, used or not */
    uint64_t first_record, last_record;
    int64_t first_time, last_time;
    int have_ids;
} kb_event_log;

/* Counts the record in the log's extent and, when a rule can use it, adds
 * its event fact (text, when not NULL, gives its lines). 0, or -1 out of
 * memory. */
int kb_event_add(kb_parse_ctx *ctx, const kb_text *text, const kb_event_record *r, kb_event_log *log);

/* Ends the log: the input's feed (eventlog:<channel>, or nothing when the
 * channel is not known, said so), channel, computer and times, and its
 * log.extent fact. Frees what log holds. */
kb_status kb_event_log_end(kb_parse_ctx *ctx, kb_event_log *log);

/* The level a word names (Error, Fehler, エラー, ...: the languages of
 * docs/locales.md), or -1. */
int kb_event_level(const char *word);

/* The log a file is of, from its name, when the export does not say
 * (psSDP's COMPUTER_evt_Application.csv, AppEvent.Evt): Application,
 * System, Security or Setup, or NULL. */
const char *kb_event_channel_from_name(const char *shown, size_t name_at);

/* Takes the invisible marks Windows puts around numbers in rendered
 * messages (U+200E, U+200F) out, and trailing blanks of each line. In place. */
void kb_event_clean_message(char *message);

/* The event fact's fields, for the sources' declarations. */
extern const char *const kb_event_fields[];
extern const char *const kb_event_log_fields[];
/* The counts they report: records read, records used (kept as facts). */
extern const kb_count_decl kb_event_counts[];

#endif
