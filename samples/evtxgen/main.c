/* main.c: evtxgen's command line. Writes genuine EVTX files for kbscan's
 * sample bundles, tests and benchmarks (see evtxgen.h, samples/README.md). */
#include "evtxgen.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#ifndef KBSCAN_VERSION
#define KBSCAN_VERSION "0.0.0"
#endif

static void usage(FILE *out)
{
    fputs("Usage: evtxgen -o OUT.evtx [--windows-layout] [DAMAGE] IN.json\n"
          "       evtxgen --bulk MIB --seed S --channel Application|System -o OUT.evtx\n"
          "               [--inject IN.json] [--windows-layout] [DAMAGE]\n"
          "Writes a genuine EVTX 3.1 event log (the format Windows writes).\n"
          "\n"
          "  -o, --output FILE       the .evtx file to write\n"
          "      --bulk MIB          write about MIB MiB of a realistic event mix\n"
          "      --seed S            the generator's seed (same seed, same bytes)\n"
          "      --channel NAME      Application or System (bulk mode)\n"
          "      --inject FILE       events to merge into the bulk log at their times\n"
          "      --windows-layout    EventData as Windows writes it: a nested binary XML\n"
          "                          value with a template of its own (default: flat,\n"
          "                          EventData in the record's template); same events,\n"
          "                          same values, other bytes\n"
          "Damage, for robustness tests:\n"
          "      --dirty             header says the log was not closed\n"
          "      --corrupt-chunk N   wrong records CRC in chunk N (0 is the first)\n"
          "      --truncate BYTES    cut the file to BYTES bytes\n"
          "      --full-chunks       let records end at a chunk's very last byte\n"
          "                          (valid; libevtx 20181227 then loses a record)\n"
          "  -h, --help, -V, --version\n"
          "Exit status: 0 written, 1 input error, 2 usage error.\n",
          out);
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "evtxgen: %s%s%s\nTry 'evtxgen --help'.\n", msg, arg ? ": " : "", arg ? arg : "");
    return 2;
}

static int parse_number(const char *arg, double *out)
{
    char *end;
    double v = strtod(arg, &end);
    if (*end || v < 0)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    enum { O_BULK = 256, O_SEED, O_CHANNEL, O_INJECT, O_DIRTY, O_CORRUPT, O_TRUNCATE, O_FULL, O_WINDOWS };
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'}, {"bulk", required_argument, NULL, O_BULK},
        {"seed", required_argument, NULL, O_SEED}, {"channel", required_argument, NULL, O_CHANNEL},
        {"inject", required_argument, NULL, O_INJECT}, {"dirty", no_argument, NULL, O_DIRTY},
        {"corrupt-chunk", required_argument, NULL, O_CORRUPT},
        {"truncate", required_argument, NULL, O_TRUNCATE}, {"full-chunks", no_argument, NULL, O_FULL},
        {"windows-layout", no_argument, NULL, O_WINDOWS}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
    const char *out = NULL, *channel = NULL, *inject_path = NULL;
    double bulk = -1, seed = 0, number;
    gen_damage damage = {0, -1, -1, 0};
    int c, windows_layout = 0;
    while ((c = getopt_long(argc, argv, "o:hV", options, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case O_BULK:
            if (parse_number(optarg, &bulk) || bulk <= 0)
                return usage_error("--bulk takes a size in MiB", optarg);
            break;
        case O_SEED:
            if (parse_number(optarg, &seed))
                return usage_error("--seed takes a whole number", optarg);
            break;
        case O_CHANNEL: channel = optarg; break;
        case O_INJECT: inject_path = optarg; break;
        case O_DIRTY: damage.dirty = 1; break;
        case O_FULL: damage.full_chunks = 1; break;
        case O_WINDOWS: windows_layout = 1; break;
        case O_CORRUPT:
            if (parse_number(optarg, &number))
                return usage_error("--corrupt-chunk takes a chunk number", optarg);
            damage.corrupt_chunk = (long)number;
            break;
        case O_TRUNCATE:
            if (parse_number(optarg, &number))
                return usage_error("--truncate takes a byte count", optarg);
            damage.truncate = (long long)number;
            break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("evtxgen %s\n", KBSCAN_VERSION); return 0;
        default: fputs("Try 'evtxgen --help'.\n", stderr); return 2;
        }
    }
    if (!out)
        return usage_error("no output file (-o OUT.evtx)", NULL);
    char err[512];
    if (bulk > 0) {
        if (!channel || (strcmp(channel, "Application") != 0 && strcmp(channel, "System") != 0))
            return usage_error("--bulk needs --channel Application or System", channel);
        if (optind != argc)
            return usage_error("bulk mode takes no IN.json (use --inject)", argv[optind]);
        gen_events inject = {0};
        if (inject_path && gen_events_load(inject_path, &inject, err, sizeof err) != 0) {
            fprintf(stderr, "evtxgen: %s: %s\n", inject_path, err);
            gen_events_free(&inject);
            return 1;
        }
        int rc = gen_bulk(out, bulk, (uint64_t)seed, channel, &inject, &damage, windows_layout, err,
                          sizeof err);
        gen_events_free(&inject);
        if (rc) {
            fprintf(stderr, "evtxgen: %s: %s\n", out, err);
            return 1;
        }
        return 0;
    }
    if (optind + 1 != argc)
        return usage_error("give exactly one IN.json", NULL);
    const char *in = argv[optind];
    gen_events events = {0};
    if (gen_events_load(in, &events, err, sizeof err) != 0) {
        fprintf(stderr, "evtxgen: %s: %s\n", in, err);
        gen_events_free(&events);
        return 1;
    }
    gen_writer *w = gen_writer_open(out, events.start_record_id, err, sizeof err);
    int rc = w ? 0 : -1;
    if (w && damage.full_chunks)
        gen_writer_fill_chunks(w);
    if (w && windows_layout)
        gen_writer_windows_layout(w);
    for (size_t i = 0; rc == 0 && i < events.n; i++)
        if (gen_writer_add(w, &events.items[i], err, sizeof err) != 0) {
            char msg[600];
            snprintf(msg, sizeof msg, "event %zu: %s", i, err);
            memcpy(err, msg, sizeof err - 1);
            err[sizeof err - 1] = '\0';
            rc = -1;
        }
    if (w && rc != 0) {
        gen_writer_abort(w);
    } else if (w) {
        char close_err[256];
        if (gen_writer_close(w, &damage, close_err, sizeof close_err) != 0) {
            snprintf(err, sizeof err, "%s", close_err);
            rc = -1;
        }
    }
    gen_events_free(&events);
    if (rc) {
        fprintf(stderr, "evtxgen: %s: %s\n", rc && w ? in : out, err);
        return 1;
    }
    return 0;
}
