/* scan.c: the scan driver (see scan.h). The one place that knows both the
 * file system and the parsers; the engine and the reports know neither. */
#include "scan.h"
#include "parser.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct scan_state {
    const kb_scan_opts *opts;
    kb_inputs *inputs;
    kb_factlist *facts;
    size_t files;
    int nomem;
} scan_state;

void kb_scan_opts_init(kb_scan_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->since = opts->until = KB_TIME_NONE;
    opts->max_text_bytes = KB_DEFAULT_MAX_TEXT_BYTES;
    opts->max_files = KB_DEFAULT_MAX_FILES;
    opts->max_depth = KB_DEFAULT_MAX_DEPTH;
}

size_t kb_inputs_recognised(const kb_inputs *inputs)
{
    size_t n = 0;
    for (size_t i = 0; i < inputs->n; i++)
        n += inputs->items[i].kind != NULL;
    return n;
}

static kb_input *new_input(scan_state *st, const char *shown, size_t *index)
{
    long i = kb_inputs_add(st->inputs, shown);
    if (i < 0) {
        st->nomem = 1;
        return NULL;
    }
    *index = (size_t)i;
    return &st->inputs->items[i];
}

static kb_parse_ctx parse_ctx(scan_state *st, kb_input *in, size_t index)
{
    kb_parse_ctx ctx = {in, index, st->facts, st->opts->interest, st->opts->since,
                        st->opts->until, st->opts->no_prefilter};
    return ctx;
}

/* Reads a whole (bounded) file. */
static unsigned char *read_all(int fd, size_t size, size_t *got)
{
    unsigned char *data = malloc(size + 1);
    if (!data)
        return NULL;
    size_t n = 0;
    while (n < size) {
        ssize_t r = read(fd, data + n, size - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    *got = n;
    return data;
}

static const kb_text_parser *best_parser(const kb_text *text)
{
    const kb_text_parser *best = NULL;
    int best_score = 0;
    for (const kb_text_parser *const *p = kb_text_parsers(); *p; p++) {
        int score = (*p)->sniff(text);
        if (score > best_score) {
            best = *p;
            best_score = score;
        }
    }
    return best;
}

static void analyse_text(scan_state *st, kb_input *in, size_t index, const unsigned char *data,
                         size_t len)
{
    if (kb_bytes_look_binary(data, len)) {
        in->state = KB_INPUT_UNRECOGNISED;
        in->message = kb_strdup("binary data of a kind kbscan does not read");
        return;
    }
    kb_text text = {0};
    char err[256];
    kb_status rc = kb_text_decode(data, len, &text, err, sizeof err);
    if (rc != KB_OK) {
        kb_input_fail(in, KB_INPUT_ERROR, "cannot decode the text: %s", err);
        return;
    }
    kb_input_set_encoding(in, text.encoding);
    in->lines = text.nlines;
    const kb_text_parser *parser = best_parser(&text);
    if (!parser) {
        in->state = KB_INPUT_UNRECOGNISED;
        in->message = kb_strdup("text that no parser recognises");
        kb_text_free(&text);
        return;
    }
    kb_input_set_kind(in, parser->kind);
    kb_input_add_feed(in, parser->feed);
    kb_parse_ctx ctx = parse_ctx(st, in, index);
    rc = parser->parse(&text, &ctx);
    if (rc == KB_ERR_NOMEM)
        st->nomem = 1;
    else if (rc != KB_OK && in->state == KB_INPUT_OK)
        kb_input_fail(in, KB_INPUT_ERROR, "%s", kb_status_name(rc));
    if (text.encoding_assumed)
        kb_input_note(in, NULL, "encoding %s assumed: the bytes fit more than one code page",
                      text.encoding);
    kb_text_free(&text);
}

static void analyse_file(scan_state *st, const char *fs_path, const char *shown)
{
    size_t index;
    kb_input *in = new_input(st, shown, &index);
    if (!in)
        return;
    int fd = open(fs_path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        kb_input_fail(in, KB_INPUT_ERROR, "cannot open: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    in->bytes = (uint64_t)sb.st_size;
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        in->state = KB_INPUT_SKIPPED;
        in->message = kb_strdup("not a regular file");
        return;
    }
    unsigned char head[8] = {0};
    size_t got = 0;
    unsigned char *probe = read_all(fd, sizeof head, &got);
    if (probe) {
        memcpy(head, probe, got);
        free(probe);
    }
    if (kb_evtx_sniff(head, got)) {
        close(fd);
        kb_input_set_kind(in, "evtx");
        kb_parse_ctx ctx = parse_ctx(st, in, index);
        if (kb_evtx_parse(fs_path, &ctx) == KB_ERR_NOMEM)
            st->nomem = 1;
        return;
    }
    if (sb.st_size == 0) {
        close(fd);
        in->state = KB_INPUT_UNRECOGNISED;
        in->message = kb_strdup("empty file");
        return;
    }
    if ((size_t)sb.st_size > st->opts->max_text_bytes) {
        close(fd);
        in->state = KB_INPUT_SKIPPED;
        in->message = kb_strprintf("larger than the text file limit (%zu MiB); not read",
                                   st->opts->max_text_bytes >> 20);
        return;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        kb_input_fail(in, KB_INPUT_ERROR, "cannot read: %s", strerror(errno));
        return;
    }
    size_t len = 0;
    unsigned char *data = read_all(fd, (size_t)sb.st_size, &len);
    close(fd);
    if (!data) {
        st->nomem = 1;
        return;
    }
    analyse_text(st, in, index, data, len);
    free(data);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(scan_state *st, const char *fs_path, const char *shown, int depth);

static void walk_dir(scan_state *st, const char *fs_path, const char *shown, int depth)
{
    DIR *d = opendir(fs_path);
    if (!d) {
        size_t index;
        kb_input *in = new_input(st, shown, &index);
        if (in)
            kb_input_fail(in, KB_INPUT_ERROR, "cannot open the folder: %s", strerror(errno));
        return;
    }
    kb_strlist names = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            kb_strlist_add(&names, e->d_name);
    closedir(d);
    if (names.n)
        qsort(names.items, names.n, sizeof *names.items, name_cmp);
    for (size_t i = 0; i < names.n && !st->nomem; i++) {
        char *child_fs = kb_strprintf("%s/%s", fs_path, names.items[i]);
        char *child_shown = kb_strprintf("%s/%s", shown, names.items[i]);
        if (child_fs && child_shown)
            walk(st, child_fs, child_shown, depth + 1);
        else
            st->nomem = 1;
        free(child_fs);
        free(child_shown);
    }
    kb_strlist_free(&names);
}

static void skip(scan_state *st, const char *shown, const char *why)
{
    size_t index;
    kb_input *in = new_input(st, shown, &index);
    if (in) {
        in->state = KB_INPUT_SKIPPED;
        in->message = kb_strdup(why);
    }
}

static void walk(scan_state *st, const char *fs_path, const char *shown, int depth)
{
    struct stat sb;
    if (lstat(fs_path, &sb) != 0) {
        size_t index;
        kb_input *in = new_input(st, shown, &index);
        if (in)
            kb_input_fail(in, KB_INPUT_ERROR, "cannot read: %s", strerror(errno));
        return;
    }
    /* Links inside a bundle are not followed: they could loop or lead out
     * of the bundle. A link named on the command line is followed. */
    if (S_ISLNK(sb.st_mode)) {
        if (depth > 0) {
            skip(st, shown, "symbolic link: not followed");
            return;
        }
        if (stat(fs_path, &sb) != 0) {
            skip(st, shown, "symbolic link to nothing");
            return;
        }
    }
    if (S_ISDIR(sb.st_mode)) {
        if (depth >= st->opts->max_depth) {
            skip(st, shown, "folder nested deeper than the depth limit; not read");
            return;
        }
        walk_dir(st, fs_path, shown, depth);
        return;
    }
    if (!S_ISREG(sb.st_mode)) {
        skip(st, shown, S_ISFIFO(sb.st_mode) ? "named pipe: not read"
                        : S_ISSOCK(sb.st_mode) ? "socket: not read"
                        : "device: not read");
        return;
    }
    if (st->files >= st->opts->max_files) {
        if (st->files == st->opts->max_files)
            skip(st, shown, "file limit reached: this and further files not read");
        st->files++;
        return;
    }
    if (st->opts->progress)
        st->opts->progress(st->opts->progress_ctx, shown, st->files);
    st->files++;
    analyse_file(st, fs_path, shown);
}

kb_status kb_scan(const char *const *paths, size_t npaths, const kb_scan_opts *opts,
                  kb_inputs *inputs, kb_factlist *facts)
{
    scan_state st = {opts, inputs, facts, 0, 0};
    for (size_t i = 0; i < npaths && !st.nomem; i++) {
        /* Shown paths keep what the user typed, without a trailing slash. */
        char *shown = kb_strdup(paths[i]);
        if (!shown)
            return KB_ERR_NOMEM;
        size_t len = strlen(shown);
        while (len > 1 && shown[len - 1] == '/')
            shown[--len] = '\0';
        walk(&st, paths[i], shown, 0);
        free(shown);
    }
    return st.nomem ? KB_ERR_NOMEM : KB_OK;
}
