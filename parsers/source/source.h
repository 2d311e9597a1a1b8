/* source.h: what every input kind provides: a source. A source recognises
 * its inputs by content (never by name) and turns them into facts with
 * provenance; it declares, as data, everything the rest of kbscan needs to
 * know of it (the facts it makes, the feed it provides, what to collect
 * when it is missing, the counts it reports, what it covers in time).
 *
 * Sources are text or binary. A text source gets decoded UTF-8 lines
 * (decode.h) and is recognised over them; a binary source gets an input
 * handle (handle.h) and is recognised over its first bytes. The registry
 * (registry.c) lists them all; the scan driver (analyzer/scan/scan.c)
 * dispatches by it, and the fuzz targets, `kbscan rules check`, `--help`
 * and the docs' inputs tables are derived from it (tests/e2e/sources.sh
 * fails when one drifts).
 *
 * Adding a text input kind:
 *   1. its parser, parsers/text/<name>.c, ending in `const kb_source
 *      kb_source_<name> = {...}` (designated initialisers, as the others);
 *   2. its test data: cases tests/cases/<kind>/<case>.txt with the facts
 *      expected next to them (<case>.facts, written by `make update-cases`
 *      for review), and real outputs in tests/fuzz/seeds/<name>/ (every
 *      file there must be recognised as this kind; they seed and replay its
 *      fuzz target);
 *   3. one line in the registry, X(<name>) in parsers/source/registry.c;
 *   4. its docs: a row of the inputs table in README.md (in registry
 *      order) and a section "(kind `...`, feed `...`)" in docs/facts.md
 *      naming every fact type and field it declares and its collect
 *      command.
 * Nothing else names a source: the fuzz targets, --help, `rules check`,
 * the feed catalogue and the scan take it from the registry. */
#ifndef KB_SOURCE_H
#define KB_SOURCE_H

#include "core/fact.h"
#include "core/feeds.h"
#include "core/input.h"
#include "core/interest.h"
#include "core/sink.h"
#include "core/status.h"
#include "source/container.h"
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
    const kb_container_opts *containers;  /* limits and help for container sources, or NULL */
    /* Whether a fact is worth keeping (some rule or combiner can use it),
     * or NULL: every fact is kept. Text sources' facts are tested as they
     * are completed (kb_text_fact, lines.h), so that a large output costs
     * the facts that can matter, not one fact per line. */
    int (*keep)(const void *arg, const kb_fact *fact);
    const void *keep_arg;
    size_t kept_upto;             /* facts before this one in facts were tested */
    /* Where a source that makes a fact per record offers each one as it is
     * made (core/sink.h: the event log source), or NULL. */
    const kb_fact_sink *sink;
    /* Facts a parser still completes (kb_text_hold, lines.h): the first of
     * them, and how many holds are open; none are tested until released. */
    size_t held_at;
    unsigned holds;
    int own_code_only;            /* no third-party decoder is asked (EVTX: libevtx), what kbscan's
                                     own code cannot read fails: fuzz targets exercise kbscan's code */
} kb_parse_ctx;

typedef enum kb_source_form {
    KB_FORM_TEXT = 0,   /* saved command output: decoded, sniffed over its text */
    KB_FORM_BINARY,     /* a file format of its own: sniffed over its first bytes */
    KB_FORM_CONTAINER   /* holds other inputs (an archive): sniffed over its first bytes; its
                           members are inputs of their own (container.h) */
} kb_source_form;

/* Bytes a binary source's sniff_head() is shown, at most. */
#define KB_SNIFF_BYTES 512

typedef struct kb_source {
    const char *name;     /* short name: its registry line, fuzz target, seeds folder ("vssadmin") */
    const char *kind;     /* what reports call its inputs ("vssadmin_writers") */
    const char *label;    /* for people ("vssadmin list writers output", "event log") */
    kb_source_form form;

    /* Text sources. sniff: 0 = not this kind; higher = surer (100 =
     * certain). locale: the locale whose labels the text shows ("en",
     * "ja", "pt-BR", ...), or NULL when it shows none kbscan knows (it may
     * still parse: parsers go by structure first); it also picks the code
     * page (read.c). parse: adds facts, notes problems on ctx->input;
     * KB_OK, or an error status when the text is of this kind but could
     * not be read as such. */
    int (*sniff)(const kb_text *text);
    const char *(*locale)(const kb_text *text);
    kb_status (*parse)(const kb_text *text, kb_parse_ctx *ctx);
    /* Set when its files, in a legacy single-byte code page, are in
     * Windows' ANSI page and not the console's OEM one (regedit writes
     * REGEDIT4 exports so): read.c then decodes them as the ANSI page of
     * the OEM page chosen (CP437 -> Windows-1252). */
    int ansi_text;

    /* Binary sources: the same over the first bytes (at most
     * KB_SNIFF_BYTES) and over the input handle. parse_input adds its feeds
     * itself (a computed feed). */
    int (*sniff_head)(const unsigned char *head, size_t len);
    kb_status (*parse_input)(const kb_input_handle *input, kb_parse_ctx *ctx);
    /* Optional, binary sources: a file whose first bytes no source knows
     * may still be of this kind by what lies further in (an event log
     * whose whole file header is damaged, its first chunk intact at 4096):
     * 0 = not this kind, higher = surer; tried over the handle before the
     * place and text sources. */
    int (*sniff_deep)(const kb_input_handle *input);

    /* Container sources: sniff_head as above, then every member handed to
     * visit in turn (container.h); notes and damage go on ctx->input. */
    kb_status (*members)(const kb_input_handle *input, kb_parse_ctx *ctx, const kb_member_visitor *visit);

    /* A binary source whose format nobody documented may be recognised by
     * where its files lie instead ("LocaleMetaData/<log>_<LCID>.MTA"):
     * shown is the input's name, name_at where its base name starts. Tried
     * when no source recognises the content by its first bytes. */
    int (*sniff_place)(const char *shown, size_t name_at);

    const kb_fact_decl *facts;       /* what it produces; ends with {NULL, NULL} */
    /* The feed its inputs provide to the rules (input.h): fixed
     * ("vssadmin_writers", added by the driver), or computed, written as a
     * prefix and a placeholder ("eventlog:<Channel>": the parser adds
     * "eventlog:" + the channel it reads). */
    const char *feed;                /* NULL for a container (its members feed) */
    /* For a computed feed: well-known values of its placeholder, a letter
     * away from which `rules check` suspects a typo; NULL-terminated. */
    const char *const *feed_values;
    /* What to ask the customer for when no input provides the feed: the
     * file, the exact command, why (en, ja); a computed feed's advice names
     * its placeholder ("<Channel>.evtx"). This is the feed catalogue's entry
     * (core/feeds.h); a rule's checkpoint may say otherwise. */
    kb_collect_advice collect;
    const kb_count_decl *counts;     /* counts it reports (input.h); ends with {NULL}; may be NULL */
    kb_coverage_class covers;        /* events over time (a log), or one moment (a command output) */
    /* How files of this kind are usually named (".evtx"): never used to
     * recognise one, only to size the isolated workers a scan starts. */
    const char *name_hint;
    int isolated;                    /* parse_input decodes in ctx->workers when set (isolation.h) */
    /* The commands whose output a text source reads ("vssadmin list
     * writers"; NULL-terminated, or NULL): a file holding several outputs
     * under collectors' headers that name each command gives a section to
     * the sources of its command only (parsers/text/sections.h); a command
     * no source declares goes to the surest source of the section's text.
     * A command is its program (".exe" and case aside) and words that must
     * all be among the header's. */
    const char *const *commands;
} kb_source;

/* Every source, in registry order, NULL-terminated (registry.c). */
const kb_source *const *kb_sources(void);
/* The source of a kind, or NULL. */
const kb_source *kb_source_of_kind(const char *kind);
/* The source whose inputs provide feed (a computed feed: any value of its
 * placeholder), or NULL. */
const kb_source *kb_source_of_feed(const char *feed);
/* The fixed part of a computed feed ("eventlog:"), with its length; NULL
 * for a fixed feed. */
const char *kb_source_feed_prefix(const kb_source *src, size_t *len);

/* A text file as read: decoded, the surest text source, the locale it shows. */
typedef struct kb_text_reading {
    kb_text text;
    const kb_source *parser;       /* NULL when no text source recognises the text */
    const char *locale;            /* NULL when no known labels were seen */
    char encoding[48];             /* e.g. "UTF-16LE with BOM", "CP866", "CP850 (assumed)" */
    char why[128];                 /* why the encoding is assumed, or "" */
} kb_text_reading;

/* Decodes bytes (decode.h) and picks the text source and the locale; for
 * OEM code pages, the page whose decoding the sources recognise best
 * (parsers/text/read.c). Free with kb_text_free(&reading->text). */
kb_status kb_text_read(const unsigned char *bytes, size_t len, kb_text_reading *reading, char *err,
                       size_t errlen);
/* The same for bytes at file offset base (a part of a file). */
kb_status kb_text_read_at(const unsigned char *bytes, size_t len, size_t base, kb_text_reading *reading,
                          char *err, size_t errlen);
/* The text source surest of a text already decoded, and the locale it shows
 * (NULL, NULL when none recognises it). */
void kb_text_judge(const kb_text *text, const kb_source **parser, const char **locale);

#endif
