/* fuzz_targets.c: the work of the fuzz targets (see fuzz_targets.h). */
#include "fuzz_targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/source.h"

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

/* The decoder alone: the default choice, every candidate code page, the
 * choice by labels, and the display width the table parsers measure. */
static void fuzz_textdecode(const uint8_t *data, size_t size)
{
    char err[256];
    kb_bytes_look_binary(data, size);
    kb_text text;
    if (kb_text_decode(data, size, &text, err, sizeof err) == KB_OK) {
        for (size_t i = 0; i < text.nlines; i++)
            kb_utf8_width(text.lines[i], strlen(text.lines[i]));
        kb_text_free(&text);
    }
    const char *pages[8];
    size_t n = kb_text_candidates(data, size, pages, 8);
    for (size_t i = 0; i < n; i++)
        if (kb_text_decode_as(data, size, pages[i], &text, err, sizeof err) == KB_OK)
            kb_text_free(&text);
    kb_text_reading read;
    if (kb_text_read(data, size, &read, err, sizeof err) == KB_OK)
        kb_text_free(&read.text);
}

/* One parser over the decoded text, whatever the other parsers think of it. */
static void fuzz_parser(const char *kind, const uint8_t *data, size_t size)
{
    const kb_text_parser *parser = NULL;
    for (const kb_text_parser *const *p = kb_text_parsers(); *p; p++)
        if (strcmp((*p)->kind, kind) == 0)
            parser = *p;
    kb_text text;
    char err[256];
    if (!parser || kb_text_decode(data, size, &text, err, sizeof err) != KB_OK)
        return;
    parser->sniff(&text);
    parser->locale(&text);
    parse_text_with(parser, &text);
    kb_text_free(&text);
}

const char *const kb_fuzz_text_targets[] = {"textdecode", "vssadmin", "tasklist", "sc", "systeminfo",
                                            "vssadmin_shadows", "vssadmin_shadowstorage", "vssadmin_volumes",
                                            "reg_query", "reg_export", "wbadmin", "wsb_log", "sc_sdshow", "fsutil_dirty",
                                            "diskshadow", NULL};

int kb_fuzz_text_target(const char *target, const uint8_t *data, size_t size)
{
    static const struct {
        const char *target, *kind;
    } parsers[] = {
        {"vssadmin", "vssadmin_writers"}, {"tasklist", "tasklist_svc"}, {"sc", "sc_query"},
        {"systeminfo", "systeminfo"}, {"vssadmin_shadows", "vssadmin_shadows"},
        {"vssadmin_shadowstorage", "vssadmin_shadowstorage"}, {"vssadmin_volumes", "vssadmin_volumes"},
        {"reg_query", "reg_query"}, {"reg_export", "reg_export"}, {"wbadmin", "wbadmin_versions"},
        {"wsb_log", "wsb_log"}, {"sc_sdshow", "sc_sdshow"}, {"fsutil_dirty", "fsutil_dirty"},
        {"diskshadow", "diskshadow_writers"},
    };
    if (strcmp(target, "textdecode") == 0) {
        fuzz_textdecode(data, size);
        return 0;
    }
    for (size_t i = 0; i < sizeof parsers / sizeof parsers[0]; i++)
        if (strcmp(target, parsers[i].target) == 0) {
            fuzz_parser(parsers[i].kind, data, size);
            return 0;
        }
    return -1;
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
