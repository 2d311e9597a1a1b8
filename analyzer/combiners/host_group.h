/* host_group.h: which computer each input of a bundle comes from, told
 * from what the inputs say of themselves (a command output's host name, a
 * log's Computer, the computers a log of forwarded events names) and from
 * their paths (collectors' file and folder names, the folder a set of files
 * sits in). The `host` pass (host.c) turns the groups into derived facts;
 * the rules are then evaluated per computer (engine/computers.h).
 *
 * The order of precedence, for each input (docs/facts.md, "Which computer"):
 *   1. a command output's own host name (systeminfo);
 *   2. a collector's name in its file name or a folder's (TSS, psSDP,
 *      Node_), or a computer name that some input gives, found as a word in
 *      its file name, then in its folders' names, nearest first;
 *   3. a log's Computer; a log of forwarded events feeds every computer its
 *      events name;
 *   4. the one computer of the folder it sits in (looking up, folder by
 *      folder, to the first that holds some computer's files); in a folder of
 *      computers' folders, a folder of its own is a computer of its own, named
 *      after the folder;
 *   5. otherwise it is unassigned, with the folder that holds several
 *      computers' files: never added to one of them.
 * Logs named by their Computer alone (a renamed computer's logs keep its old
 * names) that sit together in a folder are one computer, unless two of them
 * are of the same channel under different names: then each name is one. A
 * bundle in which nothing names a computer is one computer, unnamed. */
#ifndef KB_HOST_GROUP_H
#define KB_HOST_GROUP_H

#include <stddef.h>

#include "core/strbuf.h"

#define KB_HG_NONE ((size_t)-1)

/* What the grouping knows of one input (all borrowed). */
typedef struct kb_hg_input {
    const char *path;          /* as shown: folders are separated by '/', '\\' or '!' */
    const char *own_name;      /* a command output's own host name, or NULL */
    const char *log_name;      /* a log's Computer (its first record's), or NULL */
    const char *channel;       /* a log's channel, or NULL */
    int forwarded;             /* a log of forwarded events */
    int weightless;            /* nothing a rule reads (not recognised, read): it joins a
                                  computer, never makes one of its own */
    const kb_strlist *event_names;  /* forwarded: the computers its events name, or NULL */
} kb_hg_input;

/* How an input was found to be a computer's (precedence above). */
typedef enum kb_hg_by {
    KB_HG_HOST_NAME = 0,  /* it states the host name (basis: the name) */
    KB_HG_COLLECTOR,      /* a collector's file or folder name (basis: that name) */
    KB_HG_FILE_NAME,      /* the computer's name is a word of its file name (basis: the file name) */
    KB_HG_FOLDER_NAME,    /* ... of a folder's name (basis: the folder) */
    KB_HG_LOG,            /* a log's Computer (basis: the name) */
    KB_HG_EVENTS,         /* a log of forwarded events naming it (basis: the names) */
    KB_HG_FOLDER,         /* the one computer of its folder (basis: the folder) */
    KB_HG_LAYOUT,         /* its own folder, next to computers' folders (basis: the folder) */
    KB_HG_BUNDLE,         /* nothing in the bundle names a computer (basis: "") */
    KB_HG_BY_COUNT
} kb_hg_by;

typedef struct kb_hg_member {
    size_t input, group;
    kb_hg_by by;
    char *basis;
    kb_strlist names;          /* KB_HG_EVENTS: the names its events give this computer */
} kb_hg_member;

typedef struct kb_hg_unassigned {
    size_t input;
    char *folder;              /* the folder holding several computers' files ("" the top) */
    size_t groups[2];          /* two of them */
} kb_hg_unassigned;

typedef struct kb_hg_group {
    char *name;                /* the name most of its inputs give, or NULL: nothing names it */
    kb_strlist also_named;     /* the other names its inputs give (a renamed computer's old ones) */
    kb_strlist names;          /* every name it was known by while grouping */
    char *made_as;             /* the name it was first known by, or NULL */
    size_t first_input;
} kb_hg_group;

typedef struct kb_hostgroups {
    kb_hg_group *groups;       /* in the order of their first input */
    size_t ngroups;
    kb_hg_member *members;     /* in input order; an input of forwarded events may be several's */
    size_t nmembers;
    kb_hg_unassigned *unassigned;  /* in input order */
    size_t nunassigned;
} kb_hostgroups;

/* Groups n inputs. Out of memory ends the process (alloc.h). */
void kb_hostgroups_build(const kb_hg_input *inputs, size_t n, kb_hostgroups *out);
void kb_hostgroups_free(kb_hostgroups *g);

/* "host_name", "collector", "file_name", ... (the `by` of a host.input fact). */
const char *kb_hg_by_name(kb_hg_by by);

#endif
