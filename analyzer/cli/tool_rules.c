/* tool_rules.c: the `kbscan rules check` and `kbscan rules test`
 * subcommands (see tool_rules.h): their command line, loading the rule
 * files named, and running each rule over its fixture bundles the way
 * `kbscan BUNDLE` would, comparing verdicts and checkpoint states. */
#include "combiners/combiners.h"
#include "core/alloc.h"
#include "engine/engine.h"
#include "scan/scan.h"
#include "cli/tool_rules.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fputs("Usage: kbscan rules check [-q] [DIR|FILE...]\n"
          "       kbscan rules test [-q|-v] [--fixtures DIR] [DIR|FILE...]\n"
          "Tools for rule authors (docs/rules.md, \"Testing a rule\"). DIR|FILE: rule\n"
          "folders (every *.json in them) or rule files; default: the rules kbscan uses.\n"
          "\n"
          "  check   validates the rule files: what loading checks (unknown keys, bad\n"
          "          patterns with their offset, a verdict naming no checkpoint), and\n"
          "          checkpoints no bundle can satisfy: an input or fact type no parser\n"
          "          produces, fields those facts never carry (in conditions, show,\n"
          "          extract and {{placeholders}}); fixtures missing (at least one\n"
          "          bundle the rule matches and one it does not) or naming no bundle\n"
          "  test    analyses each rule's fixture bundles and compares the verdict, and\n"
          "          the checkpoint states a fixture names, with what it expects\n"
          "          (a rule's own fixtures, tests/<rule id>/<name>/ beside it, are\n"
          "          built first: make fixtures, or tools/build-fixtures.sh)\n"
          "\n"
          "Options:\n"
          "  -v, --verbose   test: also a line for each fixture that passed (the\n"
          "                  default on a terminal)\n"
          "  -q, --quiet     only the failures: no passed fixtures, no summary line\n"
          "      --fixtures DIR  test: where the rules' own fixtures were built\n"
          "                  (make fixtures: build/fixtures)\n"
          "  -h, --help      show this help and exit\n"
          "\n"
          "Output: one line per problem or failed fixture on stdout, naming the rule\n"
          "file, the JSON path and what was expected; then a summary line.\n"
          "Exit status: 0 all good; 1 a problem found or a fixture failed; 2 usage\n"
          "error, no rule file, or (test) rule files that do not load.\n",
          out);
}

typedef struct tool_opts {
    int verbose;
    int quiet;
    const char *fixtures;  /* where the rules' own fixtures were built, or NULL */
} tool_opts;

/* ---- the rule files named ----------------------------------------------------- */

/* Appends the rule files of each path (a folder: its *.json; a file:
 * itself) to files. 0, or 2 after saying why on stderr. */
static int collect_files(char *const *paths, size_t npaths, kb_strlist *files)
{
    for (size_t i = 0; i < npaths; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) != 0) {
            fprintf(stderr, "kbscan: %s: no such rule file or folder\n", paths[i]);
            return 2;
        }
        if (!S_ISDIR(sb.st_mode)) {
            kb_strlist_add(files, paths[i]);
            continue;
        }
        kb_buf errors = KB_BUF_INIT;
        size_t n = 0;
        char **names = kb_rule_files(paths[i], &n, &errors);
        if (!names && errors.len) {
            fprintf(stderr, "kbscan: %s", kb_buf_str(&errors));
            kb_buf_free(&errors);
            return 2;
        }
        for (size_t k = 0; k < n; k++)
            kb_strlist_add(files, names[k]);
        kb_rule_files_free(names, n);
        kb_buf_free(&errors);
    }
    if (files->n == 0) {
        fprintf(stderr, "kbscan: no rule files (*.json) in %s%s\n", npaths ? paths[0] : "",
                npaths > 1 ? " and the other paths" : "");
        return 2;
    }
    return 0;
}

/* Loads every file; load problems go to problems. Returns how many failed
 * to load; set->n counts every file (a failed one is half-filled). */
static size_t load_rules(const kb_strlist *files, kb_ruleset *set, kb_buf *problems)
{
    memset(set, 0, sizeof *set);
    set->rules = calloc(files->n + 1, sizeof *set->rules);
    if (!set->rules)
        return files->n ? files->n : 1;
    size_t failed = 0;
    for (size_t i = 0; i < files->n; i++)
        failed += kb_rule_load_file(files->items[i], &set->rules[set->n++], problems) != 0;
    /* The tables beside the (first) rule file, as kbscan loads them beside its rules. */
    const char *first = files->n ? files->items[0] : ".";
    const char *slash = strrchr(first, '/');
    char *dir = slash ? kb_strndup(first, (size_t)(slash - first)) : kb_strdup(".");
    if (kb_rules_link_tables(set, dir, problems) != 0)
        failed++;
    free(dir);
    return failed;
}

static size_t count_lines(const kb_buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++)
        n += b->data[i] == '\n';
    return n;
}

/* ---- rules check ---------------------------------------------------------------- */

static int run_check(const kb_strlist *files, const tool_opts *opts)
{
    kb_ruleset set;
    kb_buf problems = KB_BUF_INIT;
    size_t failed = load_rules(files, &set, &problems);
    for (size_t i = 0; i < set.n; i++) {
        const kb_rule *r = &set.rules[i];
        if (!r->id || !r->ncheckpoints || !r->verdict)
            continue; /* did not load far enough to check more */
        kb_rule_check(r, &problems);
        kb_rules_check_set(&set, r, &problems);
        for (size_t j = 0; j < i; j++)
            if (set.rules[j].id && strcmp(set.rules[j].id, r->id) == 0)
                kb_buf_printf(&problems, "%s: id: \"%s\" is also the id of %s\n", r->path, r->id,
                              set.rules[j].path);
    }
    size_t n = count_lines(&problems);
    /* Keys and patterns are quoted from the files: shown, never obeyed. */
    char *visible = kb_text_visible(kb_buf_str(&problems));
    fputs(visible ? visible : kb_buf_str(&problems), stdout);
    free(visible);
    if (!opts->quiet)
        printf("kbscan rules check: %zu rule file%s, %zu problem%s%s\n", set.n,
               set.n == 1 ? "" : "s", n, n == 1 ? "" : "s",
               failed ? " (some files did not load)" : "");
    kb_buf_free(&problems);
    kb_ruleset_free(&set);
    return n || failed ? 1 : 0;
}

/* ---- rules test ------------------------------------------------------------------ */

/* One fixture of one rule, and what analysing its bundle gave. */
typedef struct fixture_run {
    const kb_rule *rule;
    size_t rule_index;
    size_t fixture_index;
    char *where;          /* the bundle's real path: runs of one bundle share a scan */
    char *error;          /* why the bundle gave no verdict, or NULL */
    int done;
    kb_verdict verdict;
    kb_cp_state *states;  /* one per checkpoint of the rule */
    kb_severity severity;
    int quiet;
    kb_strlist explained_by; /* the ids of the rules explaining it */
} fixture_run;

static void scan_opts_for(kb_scan_opts *opts, const kb_interest *interest)
{
    kb_scan_opts_init(opts);
    opts->interest = interest;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    opts->jobs = cores > 0 ? (size_t)(cores < KB_MAX_JOBS ? cores : KB_MAX_JOBS) : 1;
}

/* Copies rule rule_index's outcome into every run not done yet of the
 * bundle the first run names. */
static void record_outcome(fixture_run *runs, size_t nruns, size_t first, const kb_results *res,
                           const char *error)
{
    for (size_t i = first; i < nruns; i++) {
        fixture_run *run = &runs[i];
        if (run->done || !run->where || strcmp(run->where, runs[first].where) != 0)
            continue;
        run->done = 1;
        if (error) {
            run->error = kb_strdup(error);
            continue;
        }
        const kb_rule_result *rr = &res->rules[run->rule_index];
        run->verdict = rr->verdict;
        run->severity = rr->severity;
        run->quiet = rr->quiet;
        for (size_t k = 0; k < rr->nexplained_by; k++)
            kb_strlist_add(&run->explained_by, rr->explained_by[k]->id);
        run->states = kb_xcalloc(run->rule->ncheckpoints + 1, sizeof *run->states);
        for (size_t c = 0; c < run->rule->ncheckpoints; c++)
            run->states[c] = rr->checkpoints[c].state;
    }
}

/* Scans the bundle of runs[first] as `kbscan BUNDLE` would (every rule
 * loaded, so the same events are read), derives the same facts, evaluates
 * every rule once, and records the outcome for every fixture of that
 * bundle. */
static void run_bundle(const kb_ruleset *set, const kb_interest *interest, fixture_run *runs,
                       size_t nruns, size_t first)
{
    kb_scan_opts opts;
    scan_opts_for(&opts, interest);
    const char *paths[] = {runs[first].where};
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    kb_results results = {0};
    const char *error = NULL;
    if (kb_scan(paths, 1, &opts, &inputs, &facts) != KB_OK) {
        error = "out of memory";
    } else if (kb_inputs_recognised(&inputs) == 0) {
        error = "nothing in it that kbscan recognises";
    } else {
        kb_eval_opts eval = {KB_LANG_EN, 20};
        if (kb_combine(&inputs, &facts) != KB_OK ||
            kb_evaluate(set, &facts, &inputs, &eval, &results) != KB_OK)
            error = "out of memory";
    }
    record_outcome(runs, nruns, first, &results, error);
    kb_results_free(&results);
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
}

/* Why a fixture has no bundle to analyse (caller frees). */
static char *no_bundle(const kb_fixture *fx, const char *path, const char *fixtures_dir)
{
    if (fx->bundle)
        return kb_strprintf("no bundle there (looked for %s)", path ? path : "?");
    if (!fixtures_dir)
        return kb_strdup("a fixture built at test time: build the fixtures (make fixtures) and "
                         "give their folder with --fixtures DIR");
    return kb_strprintf("fixture not built (looked for %s): make fixtures, or "
                        "tools/build-fixtures.sh EVTXGEN %s", path ? path : "?", fixtures_dir);
}

static fixture_run *plan_runs(const kb_ruleset *set, const char *fixtures_dir, size_t *nruns)
{
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++)
        n += set->rules[i].nfixtures;
    fixture_run *runs = calloc(n + 1, sizeof *runs);
    *nruns = 0;
    for (size_t i = 0; i < set->n && runs; i++)
        for (size_t k = 0; k < set->rules[i].nfixtures; k++) {
            fixture_run *run = &runs[(*nruns)++];
            run->rule = &set->rules[i];
            run->rule_index = i;
            run->fixture_index = k;
            const kb_fixture *fx = &run->rule->fixtures[k];
            char *path = kb_fixture_path(run->rule, fx, fixtures_dir);
            char real[PATH_MAX];
            if (path && realpath(path, real))
                run->where = kb_strdup(real);
            else
                run->error = no_bundle(fx, path, fixtures_dir);
            run->done = run->where == NULL;
            free(path);
        }
    return runs;
}

/* What a fixture says beyond the verdict and the states: the severity,
 * whether the rule is quiet, which rule explains it. 1 when one differs. */
static int report_more(const fixture_run *run, const kb_fixture *fx, kb_buf *line)
{
    int failed = 0;
    if (fx->severity >= 0 && (int)run->severity != fx->severity) {
        kb_buf_printf(line, "; severity: expected %s, got %s", kb_severity_name((kb_severity)fx->severity),
                      kb_severity_name(run->severity));
        failed = 1;
    }
    if (fx->quiet >= 0 && run->quiet != fx->quiet) {
        kb_buf_printf(line, "; expected %squiet, got %squiet", fx->quiet ? "" : "not ", run->quiet ? "" : "not ");
        failed = 1;
    }
    if (fx->explained_by && !kb_strlist_has(&run->explained_by, fx->explained_by)) {
        kb_buf_printf(line, "; expected explained by %s, got %s", fx->explained_by,
                      run->explained_by.n ? run->explained_by.items[0] : "none");
        failed = 1;
    }
    if (!fx->explained_by && run->explained_by.n) {
        kb_buf_printf(line, "; explained by %s, which the fixture does not expect (give \"explained_by\")",
                      run->explained_by.items[0]);
        failed = 1;
    }
    return failed;
}

/* One line: what the fixture expected and got; 1 when it failed. */
static int report_run(const fixture_run *run, const tool_opts *opts)
{
    const kb_fixture *fx = &run->rule->fixtures[run->fixture_index];
    kb_buf line = KB_BUF_INIT;
    kb_buf_printf(&line, "%s: fixtures[%zu] %s: ", run->rule->path, run->fixture_index,
                  kb_fixture_name(fx));
    int failed = 0;
    if (run->error) {
        kb_buf_printf(&line, "expected %s, got no verdict: %s", kb_verdict_name(fx->expect),
                      run->error);
        failed = 1;
    } else {
        failed = (int)run->verdict != fx->expect;
        kb_buf_printf(&line, "expected %s, got %s", kb_verdict_name(fx->expect),
                      kb_verdict_name(run->verdict));
        for (size_t i = 0; i < fx->nstates && run->states; i++) {
            const kb_fixture_state *want = &fx->states[i];
            kb_cp_state got = run->states[want->checkpoint];
            if ((int)got == want->state)
                continue;
            kb_buf_printf(&line, "; checkpoint %s: expected %s, got %s",
                          run->rule->checkpoints[want->checkpoint].id,
                          kb_cp_state_name(want->state), kb_cp_state_name(got));
            failed = 1;
        }
        failed |= report_more(run, fx, &line);
    }
    if (!failed) {
        kb_buf_reset(&line);
        kb_buf_printf(&line, "%s: fixtures[%zu] %s: %s, as expected", run->rule->path,
                      run->fixture_index, kb_fixture_name(fx), kb_verdict_name(run->verdict));
    }
    if (failed || (opts->verbose && !opts->quiet)) {
        char *visible = kb_text_visible(kb_buf_str(&line));
        printf("%s\n", visible ? visible : kb_buf_str(&line));
        free(visible);
    }
    kb_buf_free(&line);
    return failed;
}

static int run_test(const kb_strlist *files, const tool_opts *opts)
{
    kb_ruleset set;
    kb_buf problems = KB_BUF_INIT;
    if (load_rules(files, &set, &problems) != 0) {
        fputs(kb_buf_str(&problems), stderr);
        fputs("kbscan: the rules do not load: nothing tested (kbscan rules check says more)\n",
              stderr);
        kb_buf_free(&problems);
        kb_ruleset_free(&set);
        return 2;
    }
    kb_buf_free(&problems);
    kb_interest interest = {0};
    size_t nruns = 0;
    fixture_run *runs = kb_rules_interest(&set, &interest) == 0 && kb_combiners_interest(&interest) == 0
                        ? plan_runs(&set, opts->fixtures, &nruns) : NULL;
    if (!runs) {
        fputs("kbscan: out of memory\n", stderr);
        kb_interest_free(&interest);
        kb_ruleset_free(&set);
        return 2;
    }
    for (size_t i = 0; i < nruns; i++)
        if (!runs[i].done)
            run_bundle(&set, &interest, runs, nruns, i);
    size_t failed = 0, untested = 0;
    for (size_t r = 0, i = 0; r < set.n; r++) {
        if (set.rules[r].nfixtures == 0) {
            printf("%s: fixtures: none: the rule is not tested\n", set.rules[r].path);
            untested++;
        }
        for (; i < nruns && runs[i].rule_index == r; i++)
            failed += (size_t)report_run(&runs[i], opts);
    }
    if (!opts->quiet)
        printf("kbscan rules test: %zu fixture%s of %zu rule%s: %zu passed, %zu failed%s\n", nruns,
               nruns == 1 ? "" : "s", set.n, set.n == 1 ? "" : "s", nruns - failed, failed,
               untested ? ", some rules untested" : "");
    for (size_t i = 0; i < nruns; i++) {
        free(runs[i].where);
        free(runs[i].error);
        free(runs[i].states);
        kb_strlist_free(&runs[i].explained_by);
    }
    free(runs);
    kb_interest_free(&interest);
    kb_ruleset_free(&set);
    return failed || untested ? 1 : 0;
}

/* ---- command line ------------------------------------------------------------------ */

int kb_tool_rules(int argc, char **argv, const char *default_dir)
{
    static const struct option options[] = {
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"fixtures", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "check") != 0 && strcmp(sub, "test") != 0) {
        fprintf(stderr, "kbscan: rules: unknown subcommand '%s' (check or test)\n"
                        "Try 'kbscan rules --help'.\n", sub);
        return 2;
    }
    tool_opts opts = {isatty(STDOUT_FILENO), 0, NULL};
    optind = 1;
    opterr = 0; /* its complaint would name argv[0]: kbscan says it (below) */
    int c;
    while ((c = getopt_long(argc - 1, argv + 1, "vqh", options, NULL)) != -1) {
        if (c == 'v') {
            opts.verbose = 1;
        } else if (c == 'q') {
            opts.quiet = 1;
        } else if (c == 'F') {
            opts.fixtures = optarg;
        } else if (c == 'h') {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "kbscan: rules: unknown option '%s'\nTry 'kbscan rules --help'.\n", argv[optind]);
            return 2;
        }
    }
    char *const *paths = argv + 1 + optind;
    size_t npaths = (size_t)(argc - 1 - optind);
    char *const fallback[] = {(char *)default_dir};
    if (npaths == 0) {
        paths = fallback;
        npaths = 1;
    }
    kb_strlist files = {0};
    int status = collect_files(paths, npaths, &files);
    if (status == 0)
        status = strcmp(sub, "check") == 0 ? run_check(&files, &opts) : run_test(&files, &opts);
    kb_strlist_free(&files);
    return status;
}
