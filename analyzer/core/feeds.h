/* feeds.h: the feed catalogue: what to collect when no input provides a
 * feed (input.h). Each source says it once, for its own feed
 * (parsers/source/source.h); the CLI gathers the registry's into a
 * catalogue and hands it to the rules as data (rules/rule.h,
 * kb_rules_apply_catalogue), so that a checkpoint says nothing of it
 * unless it knows better, and neither the engine nor the reports know any
 * source.
 *
 * A computed feed ("eventlog:<Channel>") has one entry for all its values:
 * its advice names the placeholder ("<Channel>.evtx"), and is made concrete
 * for each feed a rule names ("eventlog:Application": "Application.evtx"). */
#ifndef KB_FEEDS_H
#define KB_FEEDS_H

#include <stddef.h>

typedef struct kb_collect_advice {
    const char *file;     /* what to ask the customer for ("tasklist_svc.txt", "<Channel>.evtx") */
    const char *command;  /* the exact command that produces it; "<file>" stands for the file */
    const char *why_en;   /* why, or how, to run it; may be NULL */
    const char *why_ja;
} kb_collect_advice;

typedef struct kb_feed_entry {
    const char *feed;                 /* "tasklist_svc", or computed "eventlog:<Channel>" */
    const kb_collect_advice *advice;
} kb_feed_entry;

typedef struct kb_feed_catalogue {
    const kb_feed_entry *entries;
    size_t n;
} kb_feed_catalogue;

/* The entry for feed (a computed entry matches every value), or NULL. */
const kb_feed_entry *kb_catalogue_find(const kb_feed_catalogue *cat, const char *feed);

/* Which part of an advice a text is: the file name (a value is made a
 * Windows file name: '/' becomes "%4", as Windows names a log's file, and
 * the other characters a file name cannot hold '_'), the command (a value
 * or file with a blank is quoted), or prose. */
typedef enum kb_advice_part { KB_ADVICE_FILE = 0, KB_ADVICE_COMMAND, KB_ADVICE_PROSE } kb_advice_part;

/* text (a part of e's advice) made concrete for feed: the placeholder
 * becomes the feed's value and, in a command, "<file>" the file (given
 * concrete). A new string, NULL for a NULL text; *nomem set when out of
 * memory. */
char *kb_advice_expand(const kb_feed_entry *e, const char *feed, const char *text, kb_advice_part part,
                       const char *file, int *nomem);

#endif
