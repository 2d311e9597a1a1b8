/* vssadmin_runs.h: what the vssadmin parsers share: how a saved vssadmin
 * output is cut into runs (one per time the command ran), the shape of
 * each `list` sub-command's blocks, and which vssadmin kind reads a text.
 *
 * A run starts at the banner ("vssadmin 1.1 - ...", any case, any
 * language) and ends at the next banner or collector header (a prompt
 * echo `C:\>vssadmin list shadows`, psSDP's `[date] VSSAdmin.exe list
 * writers`, TSS's `yyyyMMdd HH:mm:ss.fff : vssadmin list writers`). What
 * a run printed is told by the shape of its blocks first (structure, so
 * any language reads), by the header second, by English labels third
 * (a cut block). Each sub-command is a kind
 * of its own (vssadmin.c, vssadmin_providers.c, vssadmin_shadows.c,
 * vssadmin_shadowstorage.c, vssadmin_volumes.c): exactly one of them
 * claims a given text (see kb_vss_survey), and reads each run of it with
 * the reader of that run's command (kb_vss_read): a reader reads only runs
 * of its own command. */
#ifndef KB_VSSADMIN_RUNS_H
#define KB_VSSADMIN_RUNS_H

#include <stddef.h>

#include "source/source.h"

typedef enum kb_vss_command {
    KB_VSS_NONE = 0,       /* not known */
    KB_VSS_WRITERS,        /* list writers */
    KB_VSS_PROVIDERS,      /* list providers */
    KB_VSS_SHADOWS,        /* list shadows */
    KB_VSS_SHADOWSTORAGE,  /* list shadowstorage */
    KB_VSS_VOLUMES,        /* list volumes */
    KB_VSS_OTHER,          /* a header names another vssadmin command (delete, resize, ...) */
} kb_vss_command;

/* "list writers", ..., "unknown" (KB_VSS_NONE), "other". */
const char *kb_vss_command_name(kb_vss_command command);

/* What a run holds after its banner, by structure. */
typedef enum kb_vss_body {
    KB_VSS_BODY_NOTHING = 0, /* the banner and noise only */
    KB_VSS_BODY_BLOCKS,      /* blocks of a list sub-command */
    KB_VSS_BODY_EMPTY,       /* "No items found that satisfy the query." */
    KB_VSS_BODY_ERROR,       /* a label and a colon, no block: vssadmin's error */
    KB_VSS_BODY_OTHER,       /* a line that is none of these */
} kb_vss_body;

typedef struct kb_vss_run {
    size_t first;            /* first line (0-based): the banner, or 0 for a text without banner */
    size_t end;              /* one past its last line */
    int banner;              /* first is a banner line */
    kb_vss_command header;   /* the command a collector header or prompt echo before it names */
    kb_vss_command blocks;   /* the command its first block shows, or KB_VSS_NONE */
    kb_vss_command labels;   /* without blocks: the command whose English labels it shows */
    kb_vss_body body;
    size_t body_line;        /* the first line that is not noise, when body is not NOTHING */
} kb_vss_run;

/* How a run's command was told. */
typedef enum kb_vss_basis {
    KB_VSS_BY_CONTENT, /* its blocks */
    KB_VSS_BY_HEADER,  /* the collector header or prompt echo */
    KB_VSS_BY_LABELS,  /* no whole block (a cut one, say): its English labels */
    KB_VSS_ASSUMED,    /* neither: "No items found" read as list shadowstorage, or an error or
                          banner-only run read as list writers, as vssadmin.c always did */
} kb_vss_basis;

/* The whole text at a glance. */
typedef struct kb_vss_text {
    kb_vss_command reader;  /* the sub-command whose parser reads the text; NONE: not vssadmin */
    int banner;             /* some run has its banner */
    int others;             /* a run shows (blocks or header) a command other than list writers */
    int empty_assumed;      /* only "No items found" runs of unknown command: read as shadowstorage */
    size_t runs;
} kb_vss_text;

void kb_vss_survey(const kb_text *t, kb_vss_text *out);

/* One past the run's last line that is neither blank nor a bare prompt
 * (the `C:\>` cmd.exe printed after the command): where a listing without
 * items ends. */
size_t kb_vss_run_last(const kb_text *t, const kb_vss_run *run);

/* The next run at or after line *pos: 1 (and *pos moved past it), or 0. */
int kb_vss_next_run(const kb_text *t, size_t *pos, kb_vss_run *run);

/* The command a run is read as, given its text: NONE when it is not
 * known (the reader notes such a run and reads nothing of it). */
kb_vss_command kb_vss_command_of(const kb_vss_run *run, const kb_vss_text *text, kb_vss_basis *basis);

/* Lines. */
int kb_vss_is_banner(const char *line);
/* Blank lines, prompts, the copyright line, "Waiting for responses"
 * lines, collector headers and their ---- / ==== rules. */
int kb_vss_is_noise(const char *line);
int kb_vss_is_no_items(const char *line);
/* The year part of the copyright line ("2001-2013", "2001") after the
 * banner, or of the banner line itself (Windows Server 2003); NULL. */
char *kb_vss_copyright(const kb_text *t, const kb_vss_run *run);
/* The locale whose banner tool name or "Waiting for responses" line this
 * is, or NULL. */
const char *kb_vss_line_locale(const char *line);
/* The value after a label's colon without its quotes ('x', "x", typographic, 「x」). */
char *kb_vss_unquoted(const char *s, size_t len);
/* vssadmin's error message from line at on, with the lines it wrapped
 * onto (up to a blank line or other noise) joined. */
char *kb_vss_error_text(const kb_text *t, size_t at, size_t end);

/* Block shapes: the number of lines of such a block at line i (before
 * end), or 0. Structure only, no label words. */
size_t kb_vss_writer_at(const kb_text *t, size_t i, size_t end);
size_t kb_vss_provider_at(const kb_text *t, size_t i, size_t end);
size_t kb_vss_shadow_set_at(const kb_text *t, size_t i, size_t end);  /* the set's two lines */
size_t kb_vss_shadow_copy_at(const kb_text *t, size_t i, size_t end); /* id, original, device */
size_t kb_vss_storage_at(const kb_text *t, size_t i, size_t end);
size_t kb_vss_volume_at(const kb_text *t, size_t i, size_t end);

/* The sniff score of the parser of `mine`: 90 with a banner, 60 for
 * blocks without one, 0 when another kind (or none) reads the text. */
int kb_vss_sniff(const kb_text *t, kb_vss_command mine);

/* Notes what of the text no reader reads: runs of a command kbscan does
 * not read (or cannot tell) and lines outside every run. */
void kb_vss_note_run(kb_parse_ctx *ctx, const kb_vss_run *run, kb_vss_command command,
                     kb_vss_command mine);
void kb_vss_note_outside(kb_parse_ctx *ctx, const kb_text *t, size_t from, size_t to);

/* The reader of one list sub-command's runs, defined in its source's file
 * (vssadmin.c, vssadmin_providers.c, vssadmin_shadows.c, ...): it reads
 * the runs of its command and no other (the runs are classified first,
 * kb_vss_command_of). A run becomes a listing fact (`vssadmin.run`, or the
 * command's own: `vssadmin.providers`) and its blocks become items; list
 * writers reads its runs itself (read_run). */
typedef struct kb_vss_lister {
    kb_vss_command command;
    const kb_source *source;  /* the command's source: its feed is what a run of it provides */
    /* Reads one run (the index-th of its command in the text; latest: the
     * last of them): 0, or -1 out of memory. NULL: the shared list reader,
     * with the fields below. */
    int (*read_run)(kb_parse_ctx *ctx, const kb_text *t, const kb_vss_run *run, kb_vss_basis basis,
                    size_t index, int latest);
    /* Lines of an item starting at line i, or 0 (a shape above, possibly
     * with the lines that belong to it). */
    size_t (*item_at)(const kb_text *t, size_t i, size_t end);
    /* Adds the facts of the block at lines [i, i+len): how many items it
     * held (a shadow copy set holds several shadow copies), -1 out of memory. */
    int (*read_item)(kb_parse_ctx *ctx, const kb_text *t, size_t i, size_t len, size_t run,
                     int latest);
    const char *what;     /* "a shadow copy list", for notes */
    const char *listing;  /* the run's fact type; NULL: "vssadmin.run" */
    const char *count;    /* its field counting the items; NULL: "items" */
} kb_vss_lister;

/* The vssadmin sources and their readers (in their files). */
extern const kb_source kb_source_vssadmin, kb_source_vssadmin_providers, kb_source_vssadmin_shadows,
    kb_source_vssadmin_shadowstorage, kb_source_vssadmin_volumes;
extern const kb_vss_lister kb_vss_writers_lister;
extern const kb_vss_lister kb_vss_providers_lister;
extern const kb_vss_lister kb_vss_shadows_lister;
extern const kb_vss_lister kb_vss_shadowstorage_lister;
extern const kb_vss_lister kb_vss_volumes_lister;

/* Reads a vssadmin text for the source of `mine` (the one kind whose
 * sniff claims it): every run by the reader of its command, so that a file
 * holding several sub-commands (psSDP's <COMPUTER>_VSSAdmin.TXT) loses
 * none; a run of another command than mine adds that command's feed to the
 * input (a split of such files into one input per command makes each hold
 * one). Runs no reader reads, and lines outside every run, are noted. */
kb_status kb_vss_read(const kb_text *t, kb_parse_ctx *ctx, kb_vss_command mine);

/* A volume as vssadmin prints it: "(C:)\\?\Volume{GUID}\" is "C:" (the
 * text in the parentheses), "\\?\Volume{GUID}\" alone is itself; its GUID,
 * lower case, or "" (guid holds 39 bytes). Returns a new string. */
char *kb_vss_volume_name(const char *value, size_t len, char guid[39]);

/* A writer state's English name (VSS_WRITER_STATE: 1 Stable ... 5, 6-15
 * Failed), as vssadmin and diskshadow print it; "Unknown" for others. */
const char *kb_vss_state_name(long state);

/* The fields every item fact of a run carries. */
void kb_vss_set_run(kb_fact *f, size_t run, int latest);

#endif
