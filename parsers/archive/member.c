/* member.c: reading one member's bytes within the limits (see member.h).
 *
 * A member is held in memory up to limits.memory_member bytes, then moved
 * to an unnamed file of the private temporary directory, up to the bytes
 * the scan asked for (the text size limit for text, limits.max_member for
 * an event log or an archive). Every byte decompressed counts against the
 * run's budget (limits.max_total_bytes), kept or not; past ratio_after
 * bytes, a member that decompresses more than max_ratio times its
 * compressed size is a bomb, not a log: reading stops there, said so. */
#include "archive/member.h"
#include "archive/open.h"
#include "archive/tmpdir.h"
#include "core/alloc.h"
#include "core/fdio.h"
#include "core/strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KB_MEMBER_CHUNK 65536

/* Ends the reading with why (printf-style); stop: the archive cannot go on. */
KB_PRINTF(4, 5) static void set_end(kb_member_data *d, kb_member_end end, int stop, const char *fmt, ...)
{
    d->end = end;
    d->stop |= stop;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->why, sizeof d->why, fmt, ap);
    va_end(ap);
}

/* Takes n bytes from the run's budget; 0 when it is spent (said on d). */
static int spend(const kb_member_reader *r, kb_member_data *d, uint64_t n)
{
    const kb_container_limits *l = &r->opts->limits;
    uint64_t before = atomic_fetch_add(r->opts->spent, n);
    if (before <= l->max_total_bytes && n <= l->max_total_bytes - before)
        return 1;
    set_end(d, KB_MEMBER_LIMIT, 1,
            "the limit of %llu MiB decompressed out of archives in one run is reached: not read",
            (unsigned long long)(l->max_total_bytes >> 20));
    return 0;
}

/* Whether the member so far decompresses like a bomb (said on d). */
static int bomb(const kb_member_reader *r, kb_member_data *d)
{
    const kb_container_limits *l = &r->opts->limits;
    if (d->size <= l->ratio_after)
        return 0;
    uint64_t now = kb_archive_raw_bytes(r->a);
    uint64_t raw = now > d->raw_at_start ? now - d->raw_at_start : 1;
    if (d->size / raw <= l->max_ratio)
        return 0;
    /* A stream decompressed as a whole (tar.gz, 7z, cab): the next member
     * lies behind the rest of this one, which cannot be skipped cheaply. */
    set_end(d, KB_MEMBER_LIMIT, !r->cheap_skip,
            "decompresses to more than %u times its compressed size (an archive bomb?): not read",
            l->max_ratio);
    return 1;
}

static void to_file(const kb_member_reader *r, kb_member_data *d)
{
    int fd = r->opts->tmpdir ? kb_tmpdir_file(r->opts->tmpdir) : -1;
    if (fd < 0) {
        set_end(d, KB_MEMBER_LIMIT, 0,
                "larger than the %llu MiB an archive member may take in memory, and no temporary file for it: %s",
                (unsigned long long)(r->opts->limits.memory_member >> 20),
                r->opts->tmpdir ? strerror(errno) : "none was given");
        return;
    }
    if (kb_write_full(fd, d->mem, d->len) != 0) {
        set_end(d, KB_MEMBER_LIMIT, 0, "cannot write it to a temporary file: %s", strerror(errno));
        close(fd);
        return;
    }
    d->fd = fd;
    d->len = 0;
}

/* Keeps n bytes of the member. */
static void keep(const kb_member_reader *r, kb_member_data *d, const unsigned char *buf, size_t n)
{
    if (d->fd < 0 && d->len + n > r->opts->limits.memory_member) {
        to_file(r, d);
        if (d->end != KB_MEMBER_WHOLE)
            return;
    }
    if (d->fd >= 0) {
        if (kb_write_full(d->fd, buf, n) != 0)
            set_end(d, KB_MEMBER_LIMIT, 0, "cannot write it to a temporary file: %s", strerror(errno));
        return;
    }
    d->mem = kb_grow(d->mem, &d->cap, d->len + n, 1, KB_MEMBER_CHUNK);
    memcpy(d->mem + d->len, buf, n);
    d->len += n;
}

/* Reads up to want bytes of the member into buf; 0 at its end or when it
 * cannot go on (d says why). */
static size_t read_some(const kb_member_reader *r, kb_member_data *d, unsigned char *buf, size_t want)
{
    la_ssize_t n = archive_read_data(r->a, buf, want);
    if (n < 0) {
        const char *why = archive_error_string(r->a);
        int fatal = n == ARCHIVE_FATAL;
        set_end(d, d->size || fatal ? KB_MEMBER_CUT : KB_MEMBER_FAILED, fatal, "%s", why ? why : "unreadable");
        return 0;
    }
    if (n == 0 || !spend(r, d, (uint64_t)n))
        return 0;
    d->size += (uint64_t)n;
    return bomb(r, d) ? 0 : (size_t)n;
}

static void read_until(const kb_member_reader *r, kb_member_data *d, uint64_t max)
{
    unsigned char *buf = kb_xmalloc(KB_MEMBER_CHUNK);
    while (d->end == KB_MEMBER_WHOLE && d->size < max) {
        uint64_t left = max - d->size;
        size_t n = read_some(r, d, buf, left < KB_MEMBER_CHUNK ? (size_t)left : KB_MEMBER_CHUNK);
        if (n == 0)
            break;
        keep(r, d, buf, n);
    }
    /* One more byte tells whether the member goes on past max. */
    if (d->end == KB_MEMBER_WHOLE && d->size >= max && read_some(r, d, buf, 1) == 1)
        d->more = 1;
    free(buf);
}

void kb_member_read_head(const kb_member_reader *r, kb_member_data *d, size_t n)
{
    memset(d, 0, sizeof *d);
    d->fd = -1;
    d->raw_at_start = kb_archive_raw_bytes(r->a);
    /* The head is kept in memory whatever the limits: it is small. */
    d->mem = kb_xmalloc(n ? n : 1);
    d->cap = n ? n : 1;
    while (d->end == KB_MEMBER_WHOLE && d->len < n) {
        size_t got = read_some(r, d, d->mem + d->len, n - d->len);
        if (got == 0)
            break;
        d->len += got;
    }
}

void kb_member_read_rest(const kb_member_reader *r, kb_member_data *d, uint64_t max)
{
    if (d->len > max) {
        d->len = (size_t)max;
        d->more = 1;
    }
    if (d->end == KB_MEMBER_WHOLE && d->size == d->len)
        read_until(r, d, max);
    if (d->end == KB_MEMBER_LIMIT && d->fd >= 0) {
        close(d->fd);
        d->fd = -1;
    }
}

void kb_member_skip(const kb_member_reader *r, kb_member_data *d)
{
    if (d->end != KB_MEMBER_WHOLE)
        return;
    if (r->cheap_skip) {
        archive_read_data_skip(r->a);
        return;
    }
    unsigned char *buf = kb_xmalloc(KB_MEMBER_CHUNK);
    while (d->end == KB_MEMBER_WHOLE && read_some(r, d, buf, KB_MEMBER_CHUNK) > 0)
        ;
    free(buf);
}

void kb_member_handle(const kb_member_data *d, kb_input_handle *h, const char *name)
{
    if (d->fd >= 0)
        kb_handle_from_fd(h, d->fd, d->size - d->more, name);
    else
        kb_handle_from_memory(h, d->mem, d->len, name);
}

void kb_member_data_free(kb_member_data *d)
{
    free(d->mem);
    if (d->fd >= 0)
        close(d->fd);
    memset(d, 0, sizeof *d);
    d->fd = -1;
}
