/* walk.c: the members of an archive in turn (see archive.h): listed,
 * planned by the scan from their first bytes, read within the limits and
 * handed over one at a time. What cannot be read says why, on the member
 * (encrypted, a link, a limit) or on the archive (damage: everything
 * before it is kept, and the archive names the member it was in). */
#include "archive/archive.h"
#include "archive/member.h"
#include "archive/open.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bytes of a member the scan sees before deciding how much to read. */
#define KB_MEMBER_HEAD 4096

typedef struct walk {
    const kb_input_handle *h;
    kb_parse_ctx *ctx;
    const kb_member_visitor *visit;
    kb_member_reader reader;
    const char *magic;
    size_t listed;            /* members handed over */
    char *last;               /* the name of the last member read, for a damage note */
    int stop;
} walk;

/* Reported for an encrypted member without the password. */
static const char no_password[] =
    "encrypted: cannot read without the password (--archive-password, or KBSCAN_ARCHIVE_PASSWORD)";

static void hand_over(walk *w, const char *shown, const char *sort, const char *note, uint64_t size,
                      const kb_input_handle *h, kb_input_state state, const char *message)
{
    kb_member m = {.name = shown, .sort_name = sort, .name_note = note, .size = size, .handle = h,
                   .state = state, .message = message};
    w->visit->member(w->visit->arg, &m);
    w->listed++;
}

/* How the archive reads: "zip", "7z", "cab", "tar", "tar.gz", "gzip", ... */
static void say_format(walk *w)
{
    kb_input *in = w->ctx->input;
    if (in->encoding)
        return;
    int raw = archive_format(w->reader.a) == ARCHIVE_FORMAT_RAW;
    const char *suffix = strcmp(w->magic, "gzip") == 0 ? "gz" : strcmp(w->magic, "bzip2") == 0 ? "bz2"
                       : strcmp(w->magic, "xz") == 0 ? "xz" : NULL;
    char *desc = suffix && !raw ? kb_strprintf("tar.%s", suffix) : kb_strdup(w->magic);
    kb_input_set_encoding(in, desc);
    free(desc);
}

/* The one file a compressed stream holds is named after the stream, less
 * its suffix (System.evtx.gz holds System.evtx). */
static char *raw_name(const walk *w)
{
    const char *base = strrchr(w->h->name, '/');
    base = base ? base + 1 : w->h->name;
    const char *bang = strrchr(base, '!');
    base = bang ? bang + 1 : base;
    size_t n = strlen(base);
    static const char *const suffixes[] = {".gz", ".gzip", ".bz2", ".xz", ".z", NULL};
    for (const char *const *s = suffixes; *s; s++) {
        size_t k = strlen(*s);
        if (n > k && strcasecmp(base + n - k, *s) == 0)
            return kb_strndup(base, n - k);
    }
    return kb_strdup("data");
}

static const char *entry_name(const walk *w, struct archive_entry *e, char **owned)
{
    *owned = NULL;
    if (archive_format(w->reader.a) == ARCHIVE_FORMAT_RAW)
        return *owned = raw_name(w);
    const char *name = archive_entry_pathname_utf8(e);
    return name ? name : archive_entry_pathname(e);
}

/* Why an entry that is not a regular file is not read, or NULL. */
static const char *not_a_file(struct archive_entry *e)
{
    if (archive_entry_hardlink(e))
        return "hard link to another member: read there";
    switch (archive_entry_filetype(e)) {
    case AE_IFREG: return NULL;
    case AE_IFLNK: return "symbolic link: not followed";
    case AE_IFIFO: return "named pipe: not read";
    case AE_IFSOCK: return "socket: not read";
    default: return "device or special file: not read";
    }
}

static const char *end_message(const kb_member_data *d, char *buf, size_t len)
{
    switch (d->end) {
    case KB_MEMBER_CUT:
        snprintf(buf, len, "cut short: the archive is damaged inside this member (%s)", d->why);
        return buf;
    case KB_MEMBER_FAILED:
        if (strstr(d->why, "assphrase"))
            snprintf(buf, len, "encrypted: the password given does not open it (%s)", d->why);
        else
            snprintf(buf, len, "cannot be read: %s", d->why);
        return buf;
    default:
        return d->why;
    }
}

static kb_input_state end_state(kb_member_end end)
{
    return end == KB_MEMBER_WHOLE ? KB_INPUT_OK : end == KB_MEMBER_CUT ? KB_INPUT_DAMAGED
         : end == KB_MEMBER_FAILED ? KB_INPUT_ERROR : KB_INPUT_SKIPPED;
}

/* One regular member: its head, the scan's plan, its bytes, handed over. */
static void read_member(walk *w, struct archive_entry *e, const char *shown, const char *sort, const char *note)
{
    uint64_t size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : KB_MEMBER_SIZE_UNKNOWN;
    kb_member_data d;
    kb_member_read_head(&w->reader, &d, KB_MEMBER_HEAD);
    const char *why = NULL;
    kb_member_head head = {.name = shown, .bytes = d.mem, .len = d.len, .size = size};
    uint64_t max = d.end == KB_MEMBER_WHOLE ? w->visit->plan(w->visit->arg, &head, &why) : 0;
    char message[512];
    if (d.end == KB_MEMBER_WHOLE && max == 0) {
        kb_member_skip(&w->reader, &d);
        hand_over(w, shown, sort, note, size, NULL, KB_INPUT_SKIPPED, why ? why : "not read");
    } else {
        if (d.end == KB_MEMBER_WHOLE)
            kb_member_read_rest(&w->reader, &d, max);
        kb_input_handle h;
        kb_member_handle(&d, &h, shown);
        int usable = d.end == KB_MEMBER_WHOLE || d.end == KB_MEMBER_CUT;
        uint64_t shown_size = size != KB_MEMBER_SIZE_UNKNOWN ? size : d.size;
        hand_over(w, shown, sort, note, shown_size, usable ? &h : NULL, end_state(d.end),
                  end_message(&d, message, sizeof message));
    }
    w->stop |= d.stop;
    if (d.end == KB_MEMBER_CUT || d.stop) {
        kb_input_fail(w->ctx->input, KB_INPUT_DAMAGED, "%s inside member %s: %s; the members after it are not read",
                      d.end == KB_MEMBER_CUT ? "damaged" : "read in part: a limit was hit", shown,
                      end_message(&d, message, sizeof message));
        w->stop = 1;
    }
    kb_member_data_free(&d);
}

static void one_entry(walk *w, struct archive_entry *e)
{
    const kb_container_limits *l = &w->ctx->containers->limits;
    char *owned;
    const char *stored = entry_name(w, e, &owned);
    char *shown, *note;
    kb_member_name(stored, l->max_name, &shown, &note);
    free(w->last);
    w->last = kb_xstrdup(shown);
    const char *skip = not_a_file(e);
    if (skip) {
        hand_over(w, shown, stored ? stored : "", note, 0, NULL, KB_INPUT_SKIPPED, skip);
    } else if (archive_entry_is_data_encrypted(e) && !w->ctx->containers->password) {
        uint64_t size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0;
        hand_over(w, shown, stored ? stored : "", note, size, NULL, KB_INPUT_ERROR, no_password);
    } else {
        read_member(w, e, shown, stored ? stored : "", note);
    }
    free(shown);
    free(note);
    free(owned);
}

static void walk_entries(walk *w)
{
    kb_input *in = w->ctx->input;
    const kb_container_limits *l = &w->ctx->containers->limits;
    while (!w->stop) {
        struct archive_entry *e = NULL;
        int rc = archive_read_next_header(w->reader.a, &e);
        if (rc == ARCHIVE_EOF)
            break;
        if (rc == ARCHIVE_WARN)
            kb_input_note(in, w->last, "%s", archive_error_string(w->reader.a));
        if (rc < ARCHIVE_WARN) {
            const char *why = archive_error_string(w->reader.a);
            if (w->listed == 0 && archive_read_has_encrypted_entries(w->reader.a) > 0)
                kb_input_fail(in, KB_INPUT_ERROR, "encrypted archive: cannot list its members without the "
                              "password (%s)", why ? why : "encrypted");
            else if (w->last)
                kb_input_fail(in, KB_INPUT_DAMAGED, "damaged after member %s: %s; the members after it are not read",
                              w->last, why ? why : "unreadable");
            else
                kb_input_fail(in, KB_INPUT_DAMAGED, "damaged before its first member: %s", why ? why : "unreadable");
            break;
        }
        say_format(w);
        if (archive_entry_filetype(e) == AE_IFDIR)
            continue;
        if (w->listed >= l->max_members) {
            kb_input_fail(in, KB_INPUT_DAMAGED, "read in part: the limit of %zu members per archive is reached; "
                          "the members after %s are not read", l->max_members, w->last ? w->last : "it");
            break;
        }
        one_entry(w, e);
    }
}

kb_status kb_archive_members(const kb_input_handle *h, kb_parse_ctx *ctx, const kb_member_visitor *visit)
{
    unsigned char head[KB_SNIFF_BYTES];
    size_t n = kb_handle_head(h, head, sizeof head);
    const char *magic = kb_archive_magic(head, n);
    kb_input *in = ctx->input;
    if (!magic || !ctx->containers) {
        kb_input_fail(in, KB_INPUT_ERROR, "not an archive kbscan reads");
        return KB_ERR_FORMAT;
    }
    char err[256];
    kb_archive_io *io = NULL;
    struct archive *a = kb_archive_open(h, magic, ctx->containers->password, &io, err, sizeof err);
    if (!a) {
        kb_input_set_encoding(in, magic);
        kb_input_fail(in, KB_INPUT_DAMAGED, "damaged %s archive: %s", magic, err);
        return KB_OK;
    }
    int cheap = strcmp(magic, "zip") == 0 || strcmp(magic, "tar") == 0;
    walk w = {.h = h, .ctx = ctx, .visit = visit, .magic = magic,
              .reader = {.a = a, .opts = ctx->containers, .cheap_skip = cheap}};
    walk_entries(&w);
    if (!in->encoding)
        kb_input_set_encoding(in, magic);
    if (in->ncounts)
        in->counts[0] = w.listed;
    free(w.last);
    kb_archive_close(a, io);
    return KB_OK;
}
