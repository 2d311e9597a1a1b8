/* main.c: kbscan's entry point: parse the command line, load the rules,
 * scan the bundle, derive facts, evaluate, write the reports, exit with the
 * verdict. */
#include "cli/batch.h"
#include "cli/batch_index.h"
#include "cli/options.h"
#include "cli/outputs.h"
#include "combiners/combiners.h"
#include "engine/engine.h"
#include "report/report.h"
#include "scan/scan.h"
#include "cli/sources.h"
#include "cli/list_rules.h"
#include "cli/tool_rules.h"
#include "archive/tmpdir.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef KBSCAN_VERSION
#define KBSCAN_VERSION "0.0.0"
#endif
#ifndef KBSCAN_RULES_DIR
#define KBSCAN_RULES_DIR "/usr/local/share/kbscan/rules"
#endif

/* The private temporary directory of archive members too large for memory
 * (archive/tmpdir.h): removed when kbscan ends, also on a signal. The one
 * mutable global: a signal handler has no other way to find it. */
static kb_tmpdir *volatile tmpdir_to_remove;

static void on_signal(int sig)
{
    kb_tmpdir_remove_in_signal(tmpdir_to_remove);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* SIGINT, SIGTERM, SIGHUP and SIGQUIT remove the temporary directory, then
 * end kbscan as they would have; a signal ignored when kbscan started (nohup)
 * stays ignored. The launchers and workers kbscan forks inherit the handler,
 * which does nothing in them (kb_tmpdir_remove_in_signal). */
static void remove_tmpdir_on_signals(kb_tmpdir *dir)
{
    tmpdir_to_remove = dir;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old, sa;
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* How long a batch runs before its progress line shows: 300 ms, or
 * KBSCAN_PROGRESS_AFTER_MS (tests show it at once, whatever the machine's
 * speed). */
static long progress_after_ms(void)
{
    const char *env = getenv("KBSCAN_PROGRESS_AFTER_MS");
    char *end;
    long ms = env && *env ? strtol(env, &end, 10) : -1;
    return ms >= 0 && env && *end == '\0' ? ms : 300;
}

/* Which facts the scan keeps: those a rule or a combiner can use. */
static int keep_fact(const void *arg, const kb_fact *f)
{
    return kb_combiners_use_fact(f) || kb_rules_use_fact(arg, f);
}

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The installed rules next to the binary (PREFIX/bin -> PREFIX/share), the
 * compiled-in install location, then the source tree (build/kbscan or
 * build/asan/kbscan -> rules/). */
static char *default_rules_dir(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        static const char *const relative[] = {"/../share/kbscan/rules", NULL, "/../rules",
                                               "/../../rules"};
        for (size_t i = 0; i < sizeof relative / sizeof relative[0]; i++) {
            char *dir = relative[i] ? kb_strprintf("%s%s", exe, relative[i])
                                    : kb_strdup(KBSCAN_RULES_DIR);
            if (dir && is_dir(dir))
                return dir;
            free(dir);
        }
    }
    return kb_strdup(is_dir(KBSCAN_RULES_DIR) ? KBSCAN_RULES_DIR : "rules");
}

static int64_t now_wall(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int64_t now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Progress on a terminal, once the run has taken a moment: one line,
 * overwritten: files, MiB, facts found, the file being read. */
static void show_progress(void *ctx, const kb_scan_progress *p)
{
    const int64_t *started = ctx;
    if (now_mono() - *started < 300000)
        return;
    char *visible = kb_text_visible(p->path);
    int percent = p->bytes_total ? (int)(100 * p->bytes_done / p->bytes_total) : 0;
    fprintf(stderr, "\r\033[Kkbscan: %3d%%  %zu/%zu files  %.0f/%.0f MiB  %zu found  %.40s", percent,
            p->files_done, p->files_total, (double)p->bytes_done / 1048576.0,
            (double)p->bytes_total / 1048576.0, p->facts, visible ? visible : "");
    free(visible);
    fflush(stderr);
}

static int use_color(const kb_cli *cli, FILE *out)
{
    if (cli->color == KB_COLOR_ALWAYS)
        return 1;
    if (cli->color == KB_COLOR_NEVER)
        return 0;
    const char *no_color = getenv("NO_COLOR");
    return out == stdout && isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

static int write_report_file(const char *path, const kb_report *r, kb_format format,
                             const kb_cli *cli)
{
    FILE *out = path ? fopen(path, "w") : stdout;
    if (!out) {
        fprintf(stderr, "kbscan: %s: cannot write the report: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = format == KB_FORMAT_JSON ? kb_report_write_json(out, r)
           : format == KB_FORMAT_HTML ? kb_report_write_html(out, r)
                                      : kb_report_write_text(out, r, use_color(cli, out));
    if (path && fclose(out) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "kbscan: %s: write error\n", path ? path : "standard output");
    return rc;
}

/* One line on stderr per input that could not be read fully. */
static void report_input_errors(const kb_inputs *inputs)
{
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        if (in->state != KB_INPUT_ERROR && in->state != KB_INPUT_DAMAGED)
            continue;
        /* A file name can carry escape sequences: never print it raw. */
        char *path = kb_text_visible(in->path);
        char *message = kb_text_visible(in->message ? in->message : "unreadable");
        fprintf(stderr, "kbscan: %s: %s: %s\n", path ? path : "?", kb_input_state_name(in->state),
                message ? message : "unreadable");
        free(path);
        free(message);
    }
}

/* An operand that does not exist is a mistake on the command line (a typo,
 * a bundle not unpacked): the report of the others is written, but the
 * run must not pass as a success, whatever else matched. Its input says
 * why, and stderr has its line (report_input_errors). */
static int missing_operands(const kb_cli *cli)
{
    int missing = 0;
    struct stat sb;
    for (size_t i = 0; i < cli->npaths; i++)
        missing |= lstat(cli->paths[i], &sb) != 0 && errno == ENOENT;
    return missing;
}

/* Analyses cli's paths as one bundle and writes its reports; in a batch's
 * child (result_fd >= 0), also sends the parent its computers' lines. */
static int analyse(const kb_cli *cli, const kb_ruleset *rules, const char *rules_dir, int result_fd)
{
    int64_t started = now_wall(), t0 = now_mono();
    kb_interest interest = {0};
    if (kb_rules_interest(rules, &interest) != 0 || kb_combiners_interest(&interest) != 0) {
        fprintf(stderr, "kbscan: out of memory\n");
        return 2;
    }
    kb_scan_opts opts;
    kb_scan_opts_init(&opts);
    opts.interest = &interest;
    opts.since = cli->since;
    opts.no_prefilter = cli->no_prefilter;
    opts.no_isolation = cli->no_isolation;
    if (cli->worker_cpu_seconds)
        opts.worker_cpu_seconds = cli->worker_cpu_seconds;
    if (cli->worker_memory_mib)
        opts.worker_memory_mib = cli->worker_memory_mib;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    opts.jobs = cli->jobs ? cli->jobs : cores > 0 ? (size_t)(cores < KB_MAX_JOBS ? cores : KB_MAX_JOBS) : 1;
    opts.until = cli->until;
    opts.archive_password = cli->archive_password;
    opts.keep_fact = keep_fact;
    opts.keep_arg = rules;
    kb_tmpdir tmpdir;
    kb_tmpdir_init(&tmpdir, NULL);
    opts.tmpdir = &tmpdir;
    remove_tmpdir_on_signals(&tmpdir);
    int64_t scan_started = now_mono();
    if (!cli->quiet && isatty(STDERR_FILENO)) {
        opts.progress = show_progress;
        opts.progress_ctx = &scan_started;
    }
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    kb_status st = kb_scan(cli->paths, cli->npaths, &opts, &inputs, &facts);
    kb_tmpdir_remove(&tmpdir);
    tmpdir_to_remove = NULL;
    if (opts.progress)
        fputs("\r\033[K", stderr);
    int status = 2;
    kb_computers computers = {0};
    if (st != KB_OK) {
        fprintf(stderr, "kbscan: %s\n", kb_status_name(st));
        goto done;
    }
    report_input_errors(&inputs);
    if (kb_inputs_recognised(&inputs) == 0) {
        fprintf(stderr, "kbscan: nothing in the given paths that kbscan recognises (%zu %s)\n",
                inputs.n, inputs.n == 1 ? "file" : "files");
        goto done;
    }
    kb_eval_opts eval = {cli->lang, cli->max_evidence};
    if (kb_combine(&inputs, &facts) != KB_OK) {
        fprintf(stderr, "kbscan: out of memory\n");
        goto done;
    }
    /* Each computer on its own: its inputs, its facts, its verdicts. */
    kb_computers_build(&inputs, &facts, &computers);
    if (kb_computers_evaluate(&computers, rules, &inputs, &eval) != KB_OK) {
        fprintf(stderr, "kbscan: out of memory\n");
        goto done;
    }
    status = missing_operands(cli) ? 2 : kb_computers_exit_status(&computers);
    kb_report r = {
        .version = KBSCAN_VERSION,
        .paths = cli->paths,
        .npaths = cli->npaths,
        .rules_dir = rules_dir,
        .rules = rules,
        .inputs = &inputs,
        .results = &computers.items[0].results,
        .lang = cli->lang,
        .since = cli->since,
        .until = cli->until,
        .started = started,
        .exit_status = status,
        .coverage = &computers.items[0].coverage,
        .computers = &computers,
        .show_not_matched = cli->show_not_matched,
    };
    kb_report_summarise(&r, &facts);
    r.duration_us = now_mono() - t0;
    if ((cli->output || !cli->quiet) && write_report_file(cli->output, &r, cli->format, cli) != 0)
        status = 2;
    if (cli->json_file && write_report_file(cli->json_file, &r, KB_FORMAT_JSON, cli) != 0)
        status = 2;
    if (cli->html_file && write_report_file(cli->html_file, &r, KB_FORMAT_HTML, cli) != 0)
        status = 2;
    if (result_fd >= 0 && kb_batch_send(result_fd, &computers) != 0) {
        fprintf(stderr, "kbscan: cannot send the bundle's outcome: %s\n", strerror(errno));
        status = 2;
    }
done:
    kb_computers_free(&computers);
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
    kb_interest_free(&interest);
    return status;
}

/* The rules, loaded once: a batch's children share them. 0, or 2 after
 * saying why. */
static int load_rules(const kb_cli *cli, kb_ruleset *rules, char **rules_dir)
{
    *rules_dir = cli->rules_dir ? kb_strdup(cli->rules_dir) : default_rules_dir();
    kb_buf errors = KB_BUF_INIT;
    int status = 0;
    if (kb_rules_load_dir(*rules_dir, rules, &errors) != KB_OK) {
        fprintf(stderr, "%s", kb_buf_str(&errors));
        fprintf(stderr, "kbscan: the rules in %s are unusable\n", *rules_dir);
        kb_ruleset_free(rules);
        status = 2;
    } else if (kb_rules_apply_catalogue(rules, kb_cli_catalogue()) != 0) {
        /* what to collect: the sources' advice where a rule says none */
        fprintf(stderr, "kbscan: out of memory\n");
        kb_ruleset_free(rules);
        status = 2;
    }
    kb_buf_free(&errors);
    if (status)
        free(*rules_dir);
    return status;
}

typedef struct batch_ctx {
    const kb_cli *cli;
    const kb_ruleset *rules;
    const char *rules_dir;
    int color;
} batch_ctx;

/* In a batch's child: one bundle, as `kbscan -q -o T --json J --html H -j N BUNDLE`. */
static int run_bundle(void *ctx, const kb_batch_job *job)
{
    const batch_ctx *bc = ctx;
    kb_cli one = *bc->cli;
    one.batch = 0;
    one.out_dir = NULL;
    one.paths = &job->bundle;
    one.npaths = 1;
    one.format = KB_FORMAT_TEXT;
    one.output = job->text_file;
    one.json_file = job->json_file;
    one.html_file = job->html_file;
    one.quiet = 1;
    one.color = KB_COLOR_NEVER;
    one.jobs = job->threads;
    return analyse(&one, bc->rules, bc->rules_dir, job->result_fd);
}

/* In the parent, as each bundle ends: its index lines. */
static void bundle_done(void *ctx, const kb_batch_bundle *bundle)
{
    const batch_ctx *bc = ctx;
    if (bc->cli->quiet)
        return;
    if (bc->cli->format == KB_FORMAT_JSON)
        kb_batch_write_json_lines(stdout, bundle, bc->cli->out_dir);
    else
        kb_batch_write_text_lines(stdout, bundle, bc->cli->lang, bc->color);
    fflush(stdout);
}

static int write_index_page(const char *out_dir, const kb_batch *batch, int status, kb_lang lang)
{
    char *path = kb_strprintf("%s/index.html", out_dir);
    FILE *out = fopen(path, "w");
    int rc = out ? kb_batch_write_html(out, batch, status, lang, KBSCAN_VERSION) : -1;
    if (out && fclose(out) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "kbscan: %s: cannot write the index: %s\n", path, strerror(errno));
    free(path);
    return rc;
}

/* The output folder, made when missing. 0, or 2 after saying why. */
static int make_out_dir(const char *dir)
{
    if (mkdir(dir, 0777) == 0 || (errno == EEXIST && is_dir(dir)))
        return 0;
    char *shown = kb_text_visible(dir);
    fprintf(stderr, "kbscan: %s: cannot make the output folder: %s\n", shown,
            errno == EEXIST ? "it exists and is not a folder" : strerror(errno));
    free(shown);
    return 2;
}

/* `kbscan batch`: each bundle on its own, in child processes; the index. */
static int batch_main(int argc, char **argv)
{
    kb_cli cli;
    if (kb_cli_parse_batch(argc, argv, &cli) != 0)
        return 2;
    if (cli.show_help) {
        kb_cli_batch_usage(stdout);
        return 0;
    }
    if (cli.show_version) {
        printf("kbscan %s\n", KBSCAN_VERSION);
        return 0;
    }
    const char *outputs[] = {cli.out_dir};
    if (kb_outputs_check(outputs, 1, cli.paths, cli.npaths) != 0)
        return 2;
    if (cli.out_dir && make_out_dir(cli.out_dir) != 0)
        return 2;
    kb_ruleset rules;
    char *rules_dir;
    if (load_rules(&cli, &rules, &rules_dir) != 0)
        return 2;
    if (cli.list_rules) {
        int listed = kb_list_rules(stdout, &rules, cli.lang, cli.format == KB_FORMAT_JSON);
        kb_ruleset_free(&rules);
        free(rules_dir);
        return listed == 0 ? 0 : 2;
    }
    kb_batch batch;
    kb_batch_list(cli.paths, cli.npaths, &batch);
    if (batch.n == 0)
        fprintf(stderr, "kbscan: no bundle in the paths given\n");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    batch_ctx ctx = {&cli, &rules, rules_dir, use_color(&cli, stdout)};
    kb_batch_opts opts = {
        .out_dir = cli.out_dir,
        .jobs = cli.jobs ? cli.jobs : cores > 0 ? (size_t)(cores < KB_MAX_JOBS ? cores : KB_MAX_JOBS) : 1,
        .progress = !cli.quiet && isatty(STDERR_FILENO),
        .progress_after_ms = progress_after_ms(),
        .run = run_bundle,
        .done = bundle_done,
        .ctx = &ctx,
    };
    int status = kb_batch_run(&batch, &opts);
    if (!cli.quiet && cli.format != KB_FORMAT_JSON && batch.n)
        kb_batch_write_summary(stdout, &batch, status, cli.lang);
    if (cli.out_dir && write_index_page(cli.out_dir, &batch, status, cli.lang) != 0)
        status = 2;
    if (fflush(stdout) != 0)
        status = 2;
    kb_batch_free(&batch);
    kb_ruleset_free(&rules);
    free(rules_dir);
    return status;
}

int main(int argc, char **argv)
{
    /* `kbscan rules check|test`: the rule author's tools (a bundle folder
     * named "rules" is still analysed as ./rules). */
    if (argc > 1 && strcmp(argv[1], "rules") == 0) {
        char *dir = default_rules_dir();
        int status = kb_tool_rules(argc - 1, argv + 1, dir ? dir : "rules");
        free(dir);
        return status;
    }
    /* `kbscan batch DIR...`: many bundles (a bundle folder named "batch"
     * is analysed as ./batch). */
    if (argc > 1 && strcmp(argv[1], "batch") == 0)
        return batch_main(argc - 1, argv + 1);
    kb_cli cli;
    if (kb_cli_parse(argc, argv, &cli) != 0)
        return 2;
    if (cli.show_help) {
        kb_cli_usage(stdout);
        return 0;
    }
    if (cli.show_version) {
        printf("kbscan %s\n", KBSCAN_VERSION);
        return 0;
    }
    if (cli.list_sources) {
        kb_cli_list_sources(stdout);
        return 0;
    }
    const char *outputs[] = {cli.output, cli.json_file, cli.html_file};
    if (kb_outputs_check(outputs, 3, cli.paths, cli.npaths) != 0)
        return 2;
    kb_ruleset rules;
    char *rules_dir;
    if (load_rules(&cli, &rules, &rules_dir) != 0)
        return 2;
    int status = cli.list_rules
        ? (kb_list_rules(stdout, &rules, cli.lang, cli.format == KB_FORMAT_JSON) == 0 ? 0 : 2)
        : analyse(&cli, &rules, rules_dir, -1);
    kb_ruleset_free(&rules);
    free(rules_dir);
    return status;
}
