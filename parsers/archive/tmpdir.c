/* tmpdir.c: the private temporary directory (see tmpdir.h). */
#include "archive/tmpdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

void kb_tmpdir_init(kb_tmpdir *d, const char *parent)
{
    memset(d, 0, sizeof *d);
    const char *env = getenv("TMPDIR");
    const char *p = parent && *parent ? parent : env && *env ? env : "/tmp";
    snprintf(d->parent, sizeof d->parent, "%s", p);
    pthread_mutex_init(&d->lock, NULL);
}

static int make(kb_tmpdir *d)
{
    if (d->made)
        return 0;
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/kbscan-XXXXXX", d->parent);
    if (n < 0 || (size_t)n >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    /* Made in place, and said to be under way first: a signal that comes
     * between mkdir and the end of this still finds the directory (the
     * handler tries the name it sees; a name not made yet fails harmlessly). */
    memcpy(d->path, path, sizeof path);
    d->owner = getpid();
    d->made = 2;
    if (!mkdtemp(d->path)) { /* mode 0700 */
        d->made = 0;
        return -1;
    }
    d->made = 1;
    return 0;
}

/* A named file, for file systems without O_TMPFILE: its name goes as soon
 * as it is open, so that nothing is left even if kbscan is killed. */
static int named_file(const kb_tmpdir *d)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/member-XXXXXX", d->path);
    if (n < 0 || (size_t)n >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    unlink(path);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

int kb_tmpdir_file(kb_tmpdir *d)
{
    pthread_mutex_lock(&d->lock);
    int rc = make(d);
    pthread_mutex_unlock(&d->lock);
    if (rc != 0)
        return -1;
    int fd = open(d->path, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL || errno == ENOENT))
        fd = named_file(d);
    return fd;
}

/* Entries of the directory fd, through the getdents64 system call: no
 * allocation (opendir's), so that a signal handler may call it. */
struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void empty_dir(int fd)
{
    _Alignas(8) char buf[4096];
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0)
            return;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
            if (e->d_reclen == 0)
                return;
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(fd, e->d_name, 0);
            off += e->d_reclen;
        }
    }
}

void kb_tmpdir_remove_in_signal(kb_tmpdir *d)
{
    if (!d || !d->made || d->owner != getpid())
        return;
    /* A thread may be making a named file while this runs: try again. */
    for (int tries = 0; tries < 3; tries++) {
        if (rmdir(d->path) == 0 || errno == ENOENT)
            break;
        int fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            break;
        empty_dir(fd);
        close(fd);
    }
    d->made = 0;
}

void kb_tmpdir_remove(kb_tmpdir *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    kb_tmpdir_remove_in_signal(d);
    pthread_mutex_unlock(&d->lock);
}
