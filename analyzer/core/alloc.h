/* alloc.h: allocation that does not fail. Out of memory is never a verdict:
 * rather than let a field, a fact or a piece of evidence go missing and
 * turn into "not matched", kbscan stops in one place, as Redis's zmalloc
 * does: "kbscan: out of memory" on stderr and exit status 2
 * (KB_EXIT_NOMEM), the status of an analysis that gave no verdict. In an
 * isolated EVTX worker, under its address-space limit, the same exit is
 * what its launcher reports as "memory limit exceeded" for that log
 * (parsers/evtx/worker.c). */
#ifndef KB_ALLOC_H
#define KB_ALLOC_H

#include <stddef.h>

#define KB_EXIT_NOMEM 2  /* the exit status when memory ran out */

void *kb_xmalloc(size_t size);
void *kb_xcalloc(size_t n, size_t size);
void *kb_xrealloc(void *p, size_t size);
char *kb_xstrdup(const char *s);
char *kb_xstrndup(const char *s, size_t n);

/* An array items of *cap items of size bytes with room for at least need:
 * the capacity doubles, from first, until they fit. Returns the array. */
void *kb_grow(void *items, size_t *cap, size_t need, size_t size, size_t first);

/* Says so and ends the process with KB_EXIT_NOMEM: for an allocation of a
 * library (PCRE2 match data, ...) that failed. */
_Noreturn void kb_out_of_memory(void);

/* From now on, out of memory ends the process without a word: for an
 * isolated EVTX worker, whose launcher names the failure ("memory limit
 * exceeded") in the report. Call it before the process has threads. */
void kb_alloc_quiet(void);

#endif
