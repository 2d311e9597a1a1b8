/* sink.h: a reduction of an input's facts as its source makes them.
 *
 * A source that can make a fact per record of a large input (an event
 * log) offers each fact, in the input's order, to the sink the scan was
 * given. The sink counts the fact for those of its users that only need a
 * summary (counts, times, the first few facts as evidence: the engine's
 * simple checkpoints, engine/reduce.h) and takes it when nothing else can
 * use it: the input then costs what its evidence needs, not one fact per
 * match. Sources and the scan know only this interface, never the rules.
 *
 * The facts a sink counted are marked (kb_fact.counted); those it did not
 * take still join the run's facts. A source offers a prefix of its facts
 * (those it makes after it stops offering come after every fact offered),
 * and hands the reduction to the input (kb_input.reduced) when it is
 * done. */
#ifndef KB_SINK_H
#define KB_SINK_H

#include <stddef.h>

#include "core/fact.h"

typedef struct kb_fact_sink {
    const void *arg;
    /* A reduction for a run of facts of one input (a whole input, or a
     * part of it read on a thread of its own), or NULL when nothing would
     * be reduced. */
    void *(*begin)(const void *arg);
    /* Counts f and marks it counted; 1 when the reduction took it (the
     * fact is then its own: the caller forgets it), 0 when the caller
     * keeps it as usual. It stands for the parse context's keep too: a
     * fact nothing can use it frees, uncounted (taken() leaves it out),
     * so a source with a sink does not ask keep. */
    int (*offer)(void *red, kb_fact *f);
    /* Appends the facts counted in later after those of red; frees later. */
    void (*append)(void *red, void *later);
    /* Whether the reduction holds for a log of that channel (NULL: not a
     * log, or none named): 0 when some pass would share out the input's
     * facts one by one, which a summary cannot; the source then reads the
     * input again without the sink. */
    int (*holds)(const void *arg, const char *channel);
    /* How many facts it took for its summaries (they still count as the
     * input's; those it freed because nothing can use them do not). */
    size_t (*taken)(const void *red);
    void (*free)(void *red);
} kb_fact_sink;

#endif
