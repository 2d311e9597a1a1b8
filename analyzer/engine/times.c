/* times.c: a checkpoint's times (see times.h). */
#include "engine/times.h"
#include "core/alloc.h"
#include "core/fact.h"
#include "engine/engine.h" /* KB_MAX_TIMES */

static void first_last(const kb_times_ref *to, int64_t first, int64_t last)
{
    if (first != KB_TIME_NONE && (*to->first == KB_TIME_NONE || first < *to->first))
        *to->first = first;
    if (last != KB_TIME_NONE && (*to->last == KB_TIME_NONE || last > *to->last))
        *to->last = last;
}

void kb_times_join(const kb_times_ref *to, const int64_t *times, size_t ntimes, int64_t first, int64_t last)
{
    for (size_t i = 0; i < ntimes && *to->ntimes < KB_MAX_TIMES; i++) {
        *to->times = kb_grow(*to->times, to->captimes, *to->ntimes + 1, sizeof **to->times, 64);
        (*to->times)[(*to->ntimes)++] = times[i];
    }
    first_last(to, first, last);
}

void kb_times_saw(const kb_times_ref *to, int64_t t)
{
    if (t != KB_TIME_NONE)
        kb_times_join(to, &t, 1, t, t);
}
