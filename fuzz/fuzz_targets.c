/* fuzz_targets.c: the work of the fuzz targets (see fuzz_targets.h). */
#include "fuzz_targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parser.h"

static void parse_text_with(const kb_text_parser *parser, const kb_text *text)
{
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    kb_interest interest = {0};
    long i = kb_inputs_add(&inputs, "fuzz.txt");
    if (i >= 0) {
        kb_parse_ctx ctx = {&inputs.items[i], (size_t)i, &facts, &interest, KB_TIME_NONE, KB_TIME_NONE, 0, 1, NULL};
        parser->parse(text, &ctx);
    }
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
}

void kb_fuzz_text(const uint8_t *data, size_t size)
{
    kb_text text = {0};
    char err[256];
    if (kb_text_decode(data, size, &text, err, sizeof err) != KB_OK)
        return;
    for (const kb_text_parser *const *p = kb_text_parsers(); *p; p++) {
        (*p)->sniff(&text);
        parse_text_with(*p, &text);
    }
    kb_text_free(&text);
}

static void parse_evtx(const char *path, int no_prefilter, size_t threads)
{
    kb_inputs inputs = {0};
    kb_factlist facts = {0};
    kb_interest interest = {0};
    kb_interest_add(&interest, "VSS", 8193);
    kb_interest_add(&interest, "VSS", 13);
    kb_interest_add(&interest, "Microsoft-Windows-Backup", -1);
    long i = kb_inputs_add(&inputs, "fuzz.evtx");
    if (i >= 0) {
        kb_parse_ctx ctx = {&inputs.items[i], (size_t)i, &facts, &interest, KB_TIME_NONE, KB_TIME_NONE,
                            no_prefilter, threads, NULL};
        kb_evtx_parse(path, &ctx);
    }
    kb_interest_free(&interest);
    kb_factlist_free(&facts);
    kb_inputs_free(&inputs);
}

void kb_fuzz_evtx(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/kbscan-fuzz-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(fd);
    if (done == size && kb_evtx_sniff(data, size)) {
        parse_evtx(path, 0, 1);
        parse_evtx(path, 1, 1);
        parse_evtx(path, 0, 2);
    }
    unlink(path);
}
