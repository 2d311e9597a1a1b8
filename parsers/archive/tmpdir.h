/* tmpdir.h: kbscan's private temporary directory, for the archive members
 * too large to hold in memory (a large .evtx inside a zip: the EVTX reader
 * and its isolated worker need a file descriptor). Nothing is ever written
 * into the bundle or next to it: the directory is made, mode 0700, under
 * $TMPDIR (or /tmp) when the first such member comes, and each member's
 * file in it has no name (O_TMPFILE; where the file system cannot, a name
 * removed as soon as the file is open), so that it is gone as soon as it is
 * closed. The directory itself is removed when kbscan ends, also on
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT (kb_tmpdir_remove_in_signal, called
 * from main's handler: async-signal-safe, and a no-op in the processes
 * kbscan forked, which share the memory but not the directory). */
#ifndef KB_TMPDIR_H
#define KB_TMPDIR_H

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>

typedef struct kb_tmpdir {
    char parent[PATH_MAX];       /* where it is made */
    char path[PATH_MAX];         /* the directory, once made */
    volatile sig_atomic_t made;  /* 1: path is a directory of ours; 2: being made */
    pid_t owner;                 /* the process that made it */
    pthread_mutex_t lock;        /* threads make it once */
} kb_tmpdir;

/* Prepares (makes nothing yet): under parent, or $TMPDIR, or /tmp. */
void kb_tmpdir_init(kb_tmpdir *dir, const char *parent);
/* A new file with no name in the directory (made now if need be), open for
 * reading and writing; -1 with errno set. */
int kb_tmpdir_file(kb_tmpdir *dir);
/* Removes the directory and anything left in it (at the end of a run). */
void kb_tmpdir_remove(kb_tmpdir *dir);
/* The same from a signal handler: only async-signal-safe calls. */
void kb_tmpdir_remove_in_signal(kb_tmpdir *dir);

#endif
