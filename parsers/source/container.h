/* container.h: sources whose inputs hold other inputs (archives: zip, 7z,
 * cab, tar, gzip, ...). Such a source does not make facts: it hands the
 * scan driver each member in turn, and the driver analyses the member as an
 * input of its own (which may be a container again), named
 * "outer.zip!inner/path". A member is read into memory, or, when it is
 * larger than memory should hold, into an unnamed file in kbscan's private
 * temporary directory; nothing is ever extracted next to the bundle, and a
 * member's name is never used as a path.
 *
 * The limits below keep a hostile archive (a bomb, a million members, an
 * archive nested fifty deep) from costing more than a bounded time, memory
 * and disk: each is reported on the input where it was hit, never a crash
 * or a full disk (README, "Limits"). */
#ifndef KB_CONTAINER_H
#define KB_CONTAINER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/input.h"
#include "source/handle.h"

typedef struct kb_container_limits {
    uint64_t max_total_bytes;   /* decompressed out of containers in one run, kept or not */
    unsigned max_ratio;         /* decompressed : compressed bytes of a member or stream ... */
    uint64_t ratio_after;       /* ... once this many bytes came out of it */
    size_t max_members;         /* members listed per container */
    unsigned max_depth;         /* containers inside containers */
    size_t max_name;            /* bytes of a member's name shown; longer ones are cut */
    uint64_t memory_member;     /* a member up to this size is held in memory ... */
    uint64_t max_member;        /* ... a larger one goes to a temporary file, up to this */
} kb_container_limits;

#define KB_DEFAULT_CONTAINER_BYTES ((uint64_t)16 << 30)
#define KB_DEFAULT_CONTAINER_RATIO 200u
#define KB_DEFAULT_RATIO_AFTER ((uint64_t)64 << 20)
#define KB_DEFAULT_CONTAINER_MEMBERS ((size_t)10000)
#define KB_DEFAULT_CONTAINER_DEPTH 8u
#define KB_DEFAULT_MEMBER_NAME ((size_t)1024)
#define KB_DEFAULT_MEMBER_MEMORY ((uint64_t)16 << 20)
#define KB_DEFAULT_MEMBER_BYTES ((uint64_t)4 << 30)

struct kb_tmpdir;

/* What every container of a run shares. */
typedef struct kb_container_opts {
    kb_container_limits limits;
    _Atomic uint64_t *spent;        /* bytes decompressed so far in the run (threads share it) */
    struct kb_tmpdir *tmpdir;       /* for members too large for memory; NULL: they are skipped */
    const char *password;           /* for encrypted members, or NULL */
} kb_container_opts;

/* Sets the default limits. */
void kb_container_limits_init(kb_container_limits *limits);

/* A member as the container lists it, before it is read. */
typedef struct kb_member_head {
    const char *name;              /* as shown */
    const unsigned char *bytes;    /* its first bytes (fewer for a short member) */
    size_t len;
    uint64_t size;                 /* as the container says, or UINT64_MAX when it does not */
} kb_member_head;

#define KB_MEMBER_SIZE_UNKNOWN UINT64_MAX

/* A member, read (handle set) or not (then state and message say why). */
typedef struct kb_member {
    const char *name;              /* shown after the container's name and '!'; escaped when the
                                      stored name could climb out or is not UTF-8 */
    const char *sort_name;         /* as stored: members are listed in the order of a folder's files */
    const char *name_note;         /* why the name is shown escaped or cut, or NULL */
    uint64_t size;                 /* bytes read, or the size the container says */
    const kb_input_handle *handle; /* its bytes, or NULL when not read */
    kb_input_state state;          /* KB_INPUT_OK, or why it is not read in full */
    const char *message;           /* for another state: why */
} kb_member;

typedef struct kb_member_visitor {
    void *arg;
    /* How many bytes of the member to read at most, from its first bytes;
     * 0 to skip it, *why saying why. */
    uint64_t (*plan)(void *arg, const kb_member_head *head, const char **why);
    /* Each member, in the container's order; the handle is valid during
     * the call only. */
    void (*member)(void *arg, const kb_member *member);
} kb_member_visitor;

#endif
