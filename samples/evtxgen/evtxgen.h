/* evtxgen.h: the sample EVTX writer's shared types. evtxgen writes genuine
 * EVTX 3.1 files (as Windows writes them: 4096-byte header, 64 KiB chunks
 * with CRC32s, chunk string and template tables, one template per event
 * shape reused within a chunk, UTF-16 strings, FILETIME times) from a JSON
 * description or, for benchmarks, from a seeded generator. */
#ifndef EVTXGEN_H
#define EVTXGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One event to write. Strings are UTF-8; the writer converts to UTF-16. */
typedef struct gen_event {
    const char *provider;
    const char *provider_guid;   /* NULL: a classic event source */
    const char *channel;
    const char *computer;
    uint16_t id;
    int has_qualifiers;
    uint16_t qualifiers;
    uint8_t version, level, opcode;
    uint16_t task;
    uint64_t keywords;
    uint64_t filetime;           /* 100 ns since 1601, UTC */
    uint64_t record_id;          /* 0: next in sequence */
    uint32_t process_id, thread_id;
    const char *user_sid;        /* NULL: no user */
    int named;                   /* named <Data Name="..."> vs one string array */
    size_t ndata;
    const char *const *names;    /* named: ndata names */
    const char *const *values;   /* ndata values */
    const uint8_t *binary;       /* NULL: no <Binary> */
    size_t nbinary;
} gen_event;

/* Damage to apply when the file is finished. */
typedef struct gen_damage {
    int dirty;
    long corrupt_chunk;          /* -1: none */
    long long truncate;          /* -1: none */
    int full_chunks;             /* records may end at a chunk's last byte */
} gen_damage;

typedef struct gen_writer gen_writer;

/* Starts a file; records get ids from first_record_id on. */
gen_writer *gen_writer_open(const char *path, uint64_t first_record_id, char *err, size_t errlen);
/* Lets records fill a chunk to its last byte (valid EVTX that libevtx
 * 20181227 reads one record short: a test of kbscan's guard against it). */
void gen_writer_fill_chunks(gen_writer *w);
/* Writes EventData as Windows does: a nested BinXml value holding a
 * template instance of its own (the default is the flat layout: EventData
 * in the record's template). Same events, same facts, other bytes. */
void gen_writer_windows_layout(gen_writer *w);
/* Appends one event. 0, or -1 with err set (event too large, I/O). */
int gen_writer_add(gen_writer *w, const gen_event *ev, char *err, size_t errlen);
/* Finishes the file (header, damage), renames it into place and frees w.
 * 0, or -1 with err (then no file is left behind). */
int gen_writer_close(gen_writer *w, const gen_damage *damage, char *err, size_t errlen);
/* Drops an unfinished file (nothing is left at its path) and frees w. */
void gen_writer_abort(gen_writer *w);
/* Bytes written so far (chunks), for bulk mode. */
uint64_t gen_writer_size(const gen_writer *w);

/* A list of events read from JSON; owns its strings. */
typedef struct gen_events {
    gen_event *items;
    size_t n;
    char *channel;
    char *computer;
    uint64_t start_record_id;
    void *storage;               /* the parsed JSON document */
} gen_events;

/* Reads IN.json; 0, or -1 with a message naming the event index and field. */
int gen_events_load(const char *path, gen_events *out, char *err, size_t errlen);
void gen_events_free(gen_events *events);

/* ISO 8601 UTC ("2018-10-01T12:00:19.123Z") to FILETIME; 0 on success. */
int gen_parse_time(const char *text, uint64_t *filetime);

/* Bulk mode: about mib MiB of a realistic mix, reproducible from seed, with
 * inject's events merged at their times; windows_layout as
 * gen_writer_windows_layout. */
int gen_bulk(const char *path, double mib, uint64_t seed, const char *channel,
             const gen_events *inject, const gen_damage *damage, int windows_layout,
             char *err, size_t errlen);

#endif
