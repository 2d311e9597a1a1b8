/* times.h: the times of a checkpoint's selected facts, as its result
 * (engine.h) and an input's summary of it (reduce.h) keep them: each time
 * up to KB_MAX_TIMES (for timelines), the first and the last whatever
 * their number. One place for the rule, which three copies kept apart. */
#ifndef KB_TIMES_H
#define KB_TIMES_H

#include <stddef.h>
#include <stdint.h>

/* Where a set's times are: the fields of the struct that holds them. */
typedef struct kb_times_ref {
    int64_t **times;
    size_t *ntimes, *captimes;
    int64_t *first, *last;
} kb_times_ref;

/* Counts one time (KB_TIME_NONE: none, nothing counted). */
void kb_times_saw(const kb_times_ref *to, int64_t t);
/* Appends the times of another set, as if to had seen them next. */
void kb_times_join(const kb_times_ref *to, const int64_t *times, size_t ntimes, int64_t first, int64_t last);

#endif
