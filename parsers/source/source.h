/* source.h: what every parser provides. A parser recognises its files by
 * content (never by name) and turns them into facts with provenance.
 *
 * Text parsers get decoded UTF-8 lines (decode.h); the EVTX parser gets
 * an input handle (handle.h). The scan driver (analyzer/scan/scan.c) picks
 * the parser whose sniff() is surest, and lists every file in the report. */
#ifndef KB_PARSER_H
#define KB_PARSER_H

#include "core/fact.h"
#include "core/input.h"
#include "core/interest.h"
#include "core/status.h"
#include "source/handle.h"
#include "source/isolation.h"
#include "text/decode.h"

/* Where the EVTX parser is in libevtx's decoding: an isolated worker
 * (parsers/evtx/worker.c) keeps it in memory its parent can read after the
 * worker died, so that the report can say what it was doing. */
typedef enum kb_decode_step {
    KB_STEP_NONE = 0, KB_STEP_OPEN, KB_STEP_CHANNEL, KB_STEP_RECORDS, KB_STEP_RECOVERED, KB_STEP_COUNT
} kb_decode_step;

typedef struct kb_decode_stage {
    volatile int step;          /* a kb_decode_step */
    volatile int64_t record;    /* the record index being decoded, or -1 */
} kb_decode_stage;

typedef struct kb_parse_ctx {
    kb_input *input;              /* fill kind (done by the driver), locale, counts, notes */
    size_t input_index;           /* for kb_fact_new() */
    kb_factlist *facts;           /* where facts go */
    const kb_interest *interest;  /* events the rules can use */
    int64_t since, until;         /* event time filter (KB_TIME_NONE = open) */
    int no_prefilter;             /* decode every EVTX record (--no-prefilter) */
    size_t threads;               /* threads a large file may be walked with */
    kb_decode_stage *stage;       /* where EVTX decoding is, or NULL (see below) */
    kb_worker_pool *workers;      /* isolated decoding (isolation.h), or NULL: in this process */
    size_t worker_slot;           /* the calling thread's launcher in the pool */
} kb_parse_ctx;

/* A fact type a parser produces, with every field its facts can carry
 * (docs/facts.md): data that `kbscan rules check` reads to tell a rule that
 * names a fact type or a field no parser produces. A name ending in '#'
 * stands for the prefix followed by a number ("data#": data1, data2, ...).
 * tests/unit/test_sources.c checks the parsers keep to it. */
typedef struct kb_fact_decl {
    const char *type;               /* e.g. "vssadmin.listing" */
    const char *const *fields;      /* NULL-terminated */
} kb_fact_decl;

typedef struct kb_text_parser {
    const char *kind;   /* machine name, e.g. "vssadmin_writers" */
    const char *label;  /* for people, e.g. "vssadmin list writers output" */
    const char *feed;   /* what it covers for the rules (input.h) */
    /* 0 = not this kind; higher = surer (100 = certain). */
    int (*sniff)(const kb_text *text);
    /* Adds facts; notes problems on ctx->input. KB_OK, or an error status
     * when the file is of this kind but could not be read as such. */
    kb_status (*parse)(const kb_text *text, kb_parse_ctx *ctx);
    const kb_fact_decl *facts;  /* what parse() produces; ends with {NULL, NULL} */
    /* The locale whose labels the text shows ("en", "ja", "pt-BR", ...), or
     * NULL when it shows none kbscan knows (it may still parse: the parsers
     * go by structure first). Also picks the code page (read.c). */
    const char *(*locale)(const kb_text *text);
} kb_text_parser;

/* The text parsers, NULL-terminated (parsers/source/registry.c). */
const kb_text_parser *const *kb_text_parsers(void);

/* A text file as read: decoded, the surest parser, the locale it shows. */
typedef struct kb_text_reading {
    kb_text text;
    const kb_text_parser *parser;  /* NULL when no parser recognises the text */
    const char *locale;            /* NULL when no known labels were seen */
    char encoding[48];             /* e.g. "UTF-16LE with BOM", "CP866", "CP850 (assumed)" */
    char why[128];                 /* why the encoding is assumed, or "" */
} kb_text_reading;

/* Decodes bytes (decode.h) and picks the parser and the locale; for OEM
 * code pages, the page whose decoding the parsers recognise best
 * (parsers/text/read.c). Free with kb_text_free(&reading->text). */
kb_status kb_text_read(const unsigned char *bytes, size_t len, kb_text_reading *reading, char *err,
                       size_t errlen);

/* Adds a fact with the common provenance fields set for a text line range. */
kb_fact *kb_text_fact(kb_parse_ctx *ctx, const char *type,
                      const kb_text *text, size_t first_line, size_t last_line);

#endif
