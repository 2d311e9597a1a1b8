/* options.c: command-line parsing for kbscan (see options.h). The inputs
 * --help lists are the sources' registry (parsers/source/registry.c). */
#include "cli/options.h"
#include "core/fact.h"
#include "source/source.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_JSON = 256, OPT_HTML, OPT_RULES, OPT_LIST_RULES, OPT_SINCE, OPT_UNTIL, OPT_LANG, OPT_COLOR,
    OPT_MAX_EVIDENCE, OPT_SHOW_NOT_MATCHED, OPT_NO_PREFILTER, OPT_JOBS, OPT_NO_ISOLATION, OPT_WORKER_CPU,
    OPT_WORKER_MEMORY, OPT_LIST_SOURCES, OPT_ARCHIVE_PASSWORD
};

/* The inputs kbscan reads, one line per source: kind and label. */
static void list_inputs(FILE *out)
{
    fputs("Inputs (each file is recognised by its content, never by its name):\n", out);
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        const kb_source *src = *s;
        fprintf(out, "  %-22s %s", src->kind, src->label);
        if (src->name_hint)
            fprintf(out, " (%s)", src->name_hint);
        if (src->feed && strcmp(src->feed, src->kind) != 0)
            fprintf(out, "; feeds %s", src->feed);
        fputc('\n', out);
    }
}

void kb_cli_usage(FILE *out)
{
    fputs("Usage: kbscan [OPTIONS] PATH...\n"
          "       kbscan batch [OPTIONS] DIR|FILE...       (see kbscan batch --help)\n"
          "       kbscan rules check|test [DIR|FILE...]   (see kbscan rules --help)\n"
          "Analyses a Windows support bundle (a folder, walked recursively, or single\n"
          "files; archives are read where they lie; see Inputs below) against the\n"
          "known-issue rules, and reports verdicts with their evidence.\n"
          "\n"
          "Options:\n"
          "  -f, --format FORMAT    report format on stdout or -o: text (default), json,\n"
          "                         or html (one self-contained file)\n"
          "  -o, --output FILE      write the report to FILE instead of stdout\n"
          "      --json FILE        also write the JSON report to FILE\n"
          "      --html FILE        also write the HTML report to FILE\n"
          "      --rules DIR        rule directory (default: the installed rules, else\n"
          "                         the source tree's rules/)\n"
          "      --list-rules       list the loaded rules and exit\n"
          "      --since TIME       only events at or after TIME (ISO 8601, UTC)\n"
          "      --until TIME       only events at or before TIME (ISO 8601, UTC)\n"
          "      --lang LANG        report language: en (default) or ja\n"
          "      --color WHEN       auto (default: on a terminal, unless NO_COLOR is set),\n"
          "                         always or never\n"
          "      --max-evidence N   evidence items kept per checkpoint (default 20; counts\n"
          "                         stay exact)\n"
          "      --show-not-matched name the rules not matched in the answer (text),\n"
          "                         not only count them\n"
          "  -j, --jobs N           threads: files analysed at once, and the parts a\n"
          "                         large event log is split into (default: the number\n"
          "                         of cores; the report is the same for every N)\n"
          "      --no-prefilter     decode every event record, not only those that can\n"
          "                         matter (same report, slower: a check of the shortcut)\n"
          "      --worker-cpu-seconds N  CPU time an event log's decoding may take in its\n"
          "                         isolated worker (default 300; wall clock: twice\n"
          "                         that and 5 s)\n"
          "      --worker-memory-mib N   memory of an isolated worker (default 2048)\n"
          "      --no-isolation     decode event logs in kbscan's own process (debugging:\n"
          "                         a crash in libevtx then ends kbscan)\n"
          "      --archive-password PASSWORD  opens encrypted archive members (better:\n"
          "                         the environment variable KBSCAN_ARCHIVE_PASSWORD,\n"
          "                         which other users cannot see in ps)\n"
          "  -q, --quiet            no report on stdout and no progress; exit status only\n"
          "                         (files named by -o, --json, --html are still written)\n"
          "  -h, --help             show this help and exit\n"
          "  -V, --version          show the version and exit\n"
          "\n",
          out);
    list_inputs(out);
    fputs("\n"
          "Exit status: 0 analysed, no known issue matched; 1 a known issue matched;\n"
          "3 none matched but a rule cannot tell (an input is missing or damaged);\n"
          "2 a PATH that does not exist (the rest is still reported), usage error,\n"
          "unusable rules, a report file that is an input or inside one,\n"
          "or nothing recognised in the paths.\n"
          "\n"
          "Many bundles at once: 'kbscan batch -o DIR FOLDER...' analyses each bundle\n"
          "of each FOLDER on its own and writes an index (kbscan batch --help).\n"
          "\n"
          "Rule authors: 'kbscan rules check' validates rule files, 'kbscan rules test'\n"
          "runs each rule over its fixture bundles (docs/rules.md, \"Testing a rule\").\n",
          out);
}

void kb_cli_batch_usage(FILE *out)
{
    fputs("Usage: kbscan batch [OPTIONS] DIR|FILE...\n"
          "Analyses many bundles, each on its own as 'kbscan BUNDLE' would: every entry\n"
          "of each DIR (a bundle folder, or a file: an archive, a single log; hidden\n"
          "entries are left out) and each FILE given is one bundle. Prints an index on\n"
          "stdout, one line per bundle and computer (outcome, exit status, the rules\n"
          "that matched or cannot tell), as each bundle ends, in bundle order.\n"
          "\n"
          "Options:\n"
          "  -o, --output DIR       write each bundle's reports there, NAME.txt, NAME.json\n"
          "                         and NAME.html (NAME: its entry's name, made unique),\n"
          "                         and the index page DIR/index.html; created if missing,\n"
          "                         refused inside a PATH (without -o: the index only)\n"
          "  -f, --format FORMAT    the index on stdout: text (default) or json (JSON\n"
          "                         Lines, one object per bundle and computer)\n"
          "  -j, --jobs N           bundles analysed at once, each in its own process\n"
          "                         (default: the number of cores; memory is that of N\n"
          "                         bundles, however many there are; fewer bundles than\n"
          "                         N share the N threads out)\n"
          "  -q, --quiet            no index on stdout and no progress; exit status only\n"
          "      --rules DIR, --since TIME, --until TIME, --lang LANG, --color WHEN,\n"
          "      --max-evidence N, --no-prefilter, --worker-cpu-seconds N,\n"
          "      --worker-memory-mib N, --no-isolation, --show-not-matched\n"
          "                         as for a single bundle (kbscan --help)\n"
          "  -h, --help             show this help and exit\n"
          "\n"
          "Progress on stderr only when it is a terminal; a bundle's messages on stderr\n"
          "are prefixed with its name. A bundle folder named 'batch' is analysed with\n"
          "'kbscan ./batch'.\n"
          "\n"
          "Exit status: the worst over the bundles: 2 when one could not be analysed\n"
          "(a PATH that does not exist, nothing recognised, a report not written), else\n"
          "1 when a known issue matched on one, else 3 when a rule cannot tell on one,\n"
          "else 0; 2 also for a usage error, unusable rules, an output folder inside a\n"
          "PATH, or no bundle at all.\n",
          out);
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("kbscan: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'kbscan --help'.\n", stderr);
    return 2;
}

static int batch_usage_error(const char *fmt, const char *arg)
{
    fputs("kbscan batch: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'kbscan batch --help'.\n", stderr);
    return 2;
}

static int parse_time_arg(const char *opt, const char *arg, int64_t *out)
{
    if (kb_time_parse(arg, out) != 0) {
        fprintf(stderr, "kbscan: %s: not an ISO 8601 time: '%s' (e.g. 2018-10-01T12:00:00Z)\n"
                        "Try 'kbscan --help'.\n", opt, arg);
        return 2;
    }
    return 0;
}

/* What `kbscan batch` reads differently, or refuses. 1 when it is not one
 * of those (parse_option reads it). */
static int parse_batch_option(int c, const char *arg, kb_cli *cli)
{
    switch (c) {
    case 'o': cli->out_dir = arg; return 0;
    case 'f':
        if (strcmp(arg, "html") == 0)
            return batch_usage_error("--format: '%s' is not an index on stdout (text or json); "
                                     "the HTML index is written to DIR/index.html with -o DIR", arg);
        return 1;
    case OPT_JSON:
    case OPT_HTML:
        return batch_usage_error("%s: each bundle's reports are written with -o DIR",
                                 c == OPT_JSON ? "--json" : "--html");
    default:
        return 1;
    }
}

static int parse_option(int c, const char *arg, kb_cli *cli)
{
    if (cli->batch) {
        int rc = parse_batch_option(c, arg, cli);
        if (rc != 1)
            return rc;
    }
    switch (c) {
    case 'f':
        if (strcmp(arg, "text") == 0)
            cli->format = KB_FORMAT_TEXT;
        else if (strcmp(arg, "json") == 0)
            cli->format = KB_FORMAT_JSON;
        else if (strcmp(arg, "html") == 0)
            cli->format = KB_FORMAT_HTML;
        else
            return usage_error("--format: unknown format '%s' (text, json or html)", arg);
        return 0;
    case 'o': cli->output = arg; return 0;
    case 'q': cli->quiet = 1; return 0;
    case 'h': cli->show_help = 1; return 0;
    case 'V': cli->show_version = 1; return 0;
    case OPT_JSON: cli->json_file = arg; return 0;
    case OPT_HTML: cli->html_file = arg; return 0;
    case OPT_RULES: cli->rules_dir = arg; return 0;
    case OPT_LIST_RULES: cli->list_rules = 1; return 0;
    case OPT_LIST_SOURCES: cli->list_sources = 1; return 0;
    case OPT_SINCE: return parse_time_arg("--since", arg, &cli->since);
    case OPT_UNTIL: return parse_time_arg("--until", arg, &cli->until);
    case OPT_LANG:
        if (strcmp(arg, "en") == 0)
            cli->lang = KB_LANG_EN;
        else if (strcmp(arg, "ja") == 0)
            cli->lang = KB_LANG_JA;
        else
            return usage_error("--lang: unknown language '%s' (en or ja)", arg);
        return 0;
    case OPT_COLOR:
        if (strcmp(arg, "auto") == 0)
            cli->color = KB_COLOR_AUTO;
        else if (strcmp(arg, "always") == 0)
            cli->color = KB_COLOR_ALWAYS;
        else if (strcmp(arg, "never") == 0)
            cli->color = KB_COLOR_NEVER;
        else
            return usage_error("--color: '%s' is not auto, always or never", arg);
        return 0;
    case 'j': {
        char *end;
        long n = strtol(arg, &end, 10);
        if (*end || n < 1 || n > 64)
            return usage_error("-j: '%s' is not a number from 1 to 64", arg);
        cli->jobs = (size_t)n;
        return 0;
    }
    case OPT_SHOW_NOT_MATCHED:
        cli->show_not_matched = 1;
        return 0;
    case OPT_NO_PREFILTER:
        cli->no_prefilter = 1;
        return 0;
    case OPT_NO_ISOLATION:
        cli->no_isolation = 1;
        return 0;
    case OPT_ARCHIVE_PASSWORD:
        cli->archive_password = arg;
        return 0;
    case OPT_WORKER_CPU: {
        char *end;
        long n = strtol(arg, &end, 10);
        if (*end || n < 1 || n > 86400)
            return usage_error("--worker-cpu-seconds: '%s' is not a number from 1 to 86400", arg);
        cli->worker_cpu_seconds = (unsigned)n;
        return 0;
    }
    case OPT_WORKER_MEMORY: {
        char *end;
        long n = strtol(arg, &end, 10);
        if (*end || n < 16 || n > 1048576)
            return usage_error("--worker-memory-mib: '%s' is not a number from 16 to 1048576", arg);
        cli->worker_memory_mib = (unsigned)n;
        return 0;
    }
    case OPT_MAX_EVIDENCE: {
        char *end;
        long n = strtol(arg, &end, 10);
        if (*end || n < 1 || n > 100000)
            return usage_error("--max-evidence: '%s' is not a number from 1 to 100000", arg);
        cli->max_evidence = (size_t)n;
        return 0;
    }
    default:
        fputs(cli->batch ? "Try 'kbscan batch --help'.\n" : "Try 'kbscan --help'.\n", stderr);
        return 2;
    }
}

/* getopt's complaint in kbscan's own words (its own would name argv[0],
 * a path such as build/kbscan): one program name in every message. */
static int bad_option(int c, char **argv, int batch)
{
    char letter[3] = {'-', (char)optopt, '\0'};
    const char *given = argv[optind - 1];
    const char *word = strncmp(given, "--", 2) == 0 || !optopt ? given : letter;
    const char *fmt = c == ':' ? "option '%s' needs a value" : "unknown option '%s'";
    return batch ? batch_usage_error(fmt, word) : usage_error(fmt, word);
}

static int parse(int argc, char **argv, kb_cli *cli, int batch)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"json", required_argument, NULL, OPT_JSON},
        {"html", required_argument, NULL, OPT_HTML},
        {"rules", required_argument, NULL, OPT_RULES},
        {"list-rules", no_argument, NULL, OPT_LIST_RULES},
        {"list-sources", no_argument, NULL, OPT_LIST_SOURCES},
        {"since", required_argument, NULL, OPT_SINCE},
        {"until", required_argument, NULL, OPT_UNTIL},
        {"lang", required_argument, NULL, OPT_LANG},
        {"color", required_argument, NULL, OPT_COLOR},
        {"colour", required_argument, NULL, OPT_COLOR},
        {"max-evidence", required_argument, NULL, OPT_MAX_EVIDENCE},
        {"show-not-matched", no_argument, NULL, OPT_SHOW_NOT_MATCHED},
        {"no-prefilter", no_argument, NULL, OPT_NO_PREFILTER},
        {"no-isolation", no_argument, NULL, OPT_NO_ISOLATION},
        {"archive-password", required_argument, NULL, OPT_ARCHIVE_PASSWORD},
        {"worker-cpu-seconds", required_argument, NULL, OPT_WORKER_CPU},
        {"worker-memory-mib", required_argument, NULL, OPT_WORKER_MEMORY},
        {"jobs", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    memset(cli, 0, sizeof *cli);
    cli->batch = batch;
    cli->since = cli->until = KB_TIME_NONE;
    cli->max_evidence = 20;
    optind = 1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:o:j:qhV", options, NULL)) != -1) {
        if (c == '?' || c == ':')
            return bad_option(c, argv, batch);
        int rc = parse_option(c, optarg, cli);
        if (rc)
            return rc;
    }
    if (!cli->archive_password) {
        const char *env = getenv("KBSCAN_ARCHIVE_PASSWORD");
        cli->archive_password = env && *env ? env : NULL;
    }
    cli->paths = (const char *const *)argv + optind;
    cli->npaths = (size_t)(argc - optind);
    if (cli->show_help || cli->show_version || cli->list_rules || cli->list_sources)
        return 0;
    if (cli->npaths == 0 && batch)
        return batch_usage_error("%s", "no DIR or FILE given: name a folder of bundles");
    if (cli->npaths == 0)
        return usage_error("%s", "no PATH given: name a bundle folder or files");
    if (cli->since != KB_TIME_NONE && cli->until != KB_TIME_NONE && cli->since > cli->until)
        return usage_error("%s", "--since is after --until");
    return 0;
}

int kb_cli_parse(int argc, char **argv, kb_cli *cli)
{
    return parse(argc, argv, cli, 0);
}

int kb_cli_parse_batch(int argc, char **argv, kb_cli *cli)
{
    return parse(argc, argv, cli, 1);
}
