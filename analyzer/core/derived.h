/* derived.h: the names of the derived facts, shared by the combiners that
 * make them (analyzer/combiners/) and the coverage and reports that read
 * them. Their fields: docs/facts.md, "Derived facts".
 *
 * Derived facts come from the "derived" feed, which every input kbscan
 * recognised feeds: a checkpoint over derived facts is never "missing", and
 * like any checkpoint it cannot tell when some input it rests on is damaged. */
#ifndef KB_DERIVED_H
#define KB_DERIVED_H

#define KB_FEED_DERIVED "derived"

#define KB_FACT_HOST "host"                 /* a computer: name, OS, virtualisation */
#define KB_FACT_HOST_INPUT "host.input"     /* an input of a computer, and how that was told */
#define KB_FACT_HOST_UNASSIGNED "host.unassigned" /* an input whose computer cannot be told */
#define KB_FACT_LOG_COVERAGE "log.coverage" /* one per event log: its ranges, wrap, gaps */
#define KB_FACT_LOG_CLEARED "log.cleared"   /* one per log-clearing event, read right */

/* What an event log's source says of the log as a whole (not derived: every
 * source of events gives one per log, whatever its format: .evtx, .evt,
 * text, CSV or XML exports): channel, computer, records, first and last
 * record id and time. log.coverage is derived from it. */
#define KB_FACT_LOG_EXTENT "log.extent"

#endif
