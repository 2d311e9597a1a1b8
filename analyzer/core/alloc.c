/* alloc.c: allocation that does not fail (see alloc.h). */
#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The one process-wide setting of kbscan, as zmalloc has its handler: set
 * once by an isolated worker before it has threads, read when memory ran
 * out, where nothing can be passed any more. */
static int quiet;

void kb_alloc_quiet(void)
{
    quiet = 1;
}

_Noreturn void kb_out_of_memory(void)
{
    static const char msg[] = "kbscan: out of memory\n";
    if (!quiet) {
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
    }
    /* _exit: nothing more may run on a heap that failed, and a forked EVTX
     * worker must not flush the stdio buffers it inherited. */
    _exit(KB_EXIT_NOMEM);
}

void *kb_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        kb_out_of_memory();
    return p;
}

void *kb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        kb_out_of_memory();
    return p;
}

void *kb_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        kb_out_of_memory();
    return q;
}

char *kb_xstrndup(const char *s, size_t n)
{
    if (n == SIZE_MAX)
        kb_out_of_memory();
    char *p = kb_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *kb_xstrdup(const char *s)
{
    return kb_xstrndup(s, strlen(s));
}

void *kb_grow(void *items, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return items;
    size_t n = *cap ? *cap : first ? first : 1;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            kb_out_of_memory();
        n *= 2;
    }
    if (size && n > SIZE_MAX / size)
        kb_out_of_memory();
    items = kb_xrealloc(items, n * size);
    *cap = n;
    return items;
}
