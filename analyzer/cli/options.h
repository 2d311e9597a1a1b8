/* options.h: the command line of kbscan, parsed with getopt_long. Kept apart
 * from the engine: nothing here knows how a bundle is analysed. */
#ifndef KB_CLI_H
#define KB_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "rules/rule.h"

typedef enum kb_format { KB_FORMAT_TEXT = 0, KB_FORMAT_JSON, KB_FORMAT_HTML } kb_format;
typedef enum kb_color { KB_COLOR_AUTO = 0, KB_COLOR_ALWAYS, KB_COLOR_NEVER } kb_color;

typedef struct kb_cli {
    kb_format format;
    const char *output;        /* -o FILE, or NULL for stdout */
    const char *json_file;     /* --json FILE */
    const char *html_file;     /* --html FILE */
    const char *rules_dir;     /* --rules DIR */
    int list_rules;
    int list_sources;          /* --list-sources (not in --help): the registry, for tests and tools */
    int quiet;
    int show_help, show_version;
    kb_lang lang;
    kb_color color;
    int64_t since, until;
    size_t max_evidence;
    int show_not_matched;      /* --show-not-matched: name them in the answer */
    int no_prefilter;          /* decode every EVTX record (a check of the shortcut) */
    size_t jobs;               /* -j N; 0 = the number of cores */
    int no_isolation;          /* decode event logs in kbscan's own process */
    unsigned worker_cpu_seconds, worker_memory_mib;  /* 0 = the defaults */
    const char *archive_password;  /* --archive-password, else $KBSCAN_ARCHIVE_PASSWORD, or NULL */
    int batch;                 /* `kbscan batch`: each entry of each PATH is a bundle */
    const char *out_dir;       /* batch: -o DIR, where the reports and the index go */
    const char *const *paths;
    size_t npaths;
} kb_cli;

/* Parses argv. Returns 0, or 2 after printing a usage error to stderr. */
int kb_cli_parse(int argc, char **argv, kb_cli *cli);
void kb_cli_usage(FILE *out);
/* The same for `kbscan batch ...` (argv[0] is "batch"): -o names the
 * output folder; --json and --html are refused (each bundle gets all three
 * reports there). */
int kb_cli_parse_batch(int argc, char **argv, kb_cli *cli);
void kb_cli_batch_usage(FILE *out);

#endif
