/* binxml_bench.c: a measurement by hand (not part of `make bench`) of
 * kbscan's BinXml decoder against libevtx on the same records.
 *
 *   binxml_bench ours|peek|libevtx [-n ROUNDS] FILE.evtx...
 *
 * ours: every record of every chunk with the chunk signature decoded in
 * full (parsers/evtx/binxml.c), files read into memory first; peek: the
 * cheap event id + provider path; libevtx: each record fetched and its
 * strings read, as kbscan's EVTX parser does. Prints records, MB (of the
 * files), seconds and the rates of the decoding alone (file reading not
 * counted for ours/peek; libevtx reads through the page cache), and for
 * ours/peek the rate in the records' own bytes (chunks have slack).
 * Build: gcc -std=c11 -O2 -D_DEFAULT_SOURCE -Ianalyzer -Iparsers \
 *          -o build/binxml_bench tools/binxml_bench.c parsers/evtx/binxml*.c -levtx */
#include <libevtx.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evtx/binxml.h"

#define CHUNK 65536

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

typedef struct file {
    unsigned char *data;
    size_t len;
} file;

static int load(const char *path, file *f)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    f->data = n > 0 ? malloc((size_t)n) : NULL;
    f->len = f->data && fread(f->data, 1, (size_t)n, fp) == (size_t)n ? (size_t)n : 0;
    fclose(fp);
    return f->len ? 0 : -1;
}

/* Every record of the file through the decoder; returns the records read. */
static size_t decode_file(kb_binxml_ctx *ctx, const file *f, int peek, size_t *failed, size_t *record_bytes)
{
    size_t records = 0;
    kb_binxml_record r;
    for (size_t c = 0; f->len >= 4096 && c < (f->len - 4096) / CHUNK; c++) {
        const unsigned char *chunk = f->data + 4096 + c * CHUNK;
        if (memcmp(chunk, "ElfChnk", 8) != 0)
            continue;
        size_t end = le32(chunk + 0x30);
        if (end > CHUNK || end < 512)
            end = CHUNK;
        for (size_t off = 512; off + 28 <= end;) {
            size_t size = le32(chunk + off + 4);
            if (le32(chunk + off) != 0x2a2a || size < 28 || size > end - off)
                break;
            kb_status st = peek ? kb_binxml_peek(ctx, chunk, CHUNK, off, size, &r)
                                : kb_binxml_decode(ctx, chunk, CHUNK, off, size, &r);
            records += st == KB_OK;
            *failed += st != KB_OK;
            *record_bytes += st == KB_OK ? size : 0;
            off += size;
        }
    }
    return records;
}

static size_t libevtx_file(const char *path, size_t *failed)
{
    libevtx_file_t *f = NULL;
    int n = 0;
    size_t records = 0;
    if (libevtx_file_initialize(&f, NULL) != 1 || libevtx_file_open(f, path, LIBEVTX_OPEN_READ, NULL) != 1 ||
        libevtx_file_get_number_of_records(f, &n, NULL) != 1)
        n = 0;
    char buf[65536];
    for (int i = 0; i < n; i++) {
        libevtx_record_t *r = NULL;
        int strings = 0;
        uint32_t id;
        if (libevtx_file_get_record_by_index(f, i, &r, NULL) != 1) {
            (*failed)++;
            continue;
        }
        libevtx_record_get_event_identifier(r, &id, NULL);
        libevtx_record_get_utf8_source_name(r, (uint8_t *)buf, sizeof buf, NULL);
        libevtx_record_get_utf8_computer_name(r, (uint8_t *)buf, sizeof buf, NULL);
        if (libevtx_record_get_number_of_strings(r, &strings, NULL) == 1)
            for (int k = 0; k < strings; k++)
                libevtx_record_get_utf8_string(r, k, (uint8_t *)buf, sizeof buf, NULL);
        records++;
        libevtx_record_free(&r, NULL);
    }
    libevtx_file_close(f, NULL);
    libevtx_file_free(&f, NULL);
    return records;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: binxml_bench ours|peek|libevtx [-n ROUNDS] FILE...\n");
        return 2;
    }
    const char *mode = argv[1];
    int first = 2, rounds = 1;
    if (argc > 4 && strcmp(argv[2], "-n") == 0) {
        rounds = atoi(argv[3]);
        first = 4;
    }
    size_t nfiles = (size_t)(argc - first), records = 0, failed = 0, bytes = 0, record_bytes = 0;
    file *files = calloc(nfiles, sizeof *files);
    for (size_t i = 0; i < nfiles; i++)
        if (load(argv[first + (int)i], &files[i]) == 0)
            bytes += files[i].len;
    kb_binxml_ctx *ctx = kb_binxml_new();
    double t0 = now();
    for (int round = 0; round < rounds; round++)
        for (size_t i = 0; i < nfiles; i++) {
            if (strcmp(mode, "libevtx") == 0) {
                records += libevtx_file(argv[first + (int)i], &failed);
            } else {
                /* One context per log, as the parser will have. */
                kb_binxml_free(ctx);
                ctx = kb_binxml_new();
                records += decode_file(ctx, &files[i], strcmp(mode, "peek") == 0, &failed, &record_bytes);
            }
        }
    double secs = now() - t0, mb = (double)bytes * rounds / 1e6;
    printf("%s: %zu records (%zu failed), %.1f MB, %.3f s: %.0f records/s, %.1f MB/s", mode, records, failed, mb,
           secs, (double)records / secs, mb / secs);
    if (record_bytes)
        printf(" (records' own bytes: %.1f MB/s)", (double)record_bytes / 1e6 / secs);
    printf("\n");
    kb_binxml_free(ctx);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i].data);
    free(files);
    return 0;
}
