/* sources.h: what the CLI takes from the source registry
 * (parsers/source/registry.c) for the layers that must not know it: the
 * feed catalogue the rules get (core/feeds.h), and the registry as a table
 * for tools and tests (`kbscan --list-sources`). */
#ifndef KB_CLI_SOURCES_H
#define KB_CLI_SOURCES_H

#include <stdio.h>

#include "core/feeds.h"

/* One entry per feed whose source says what to collect; a feed several
 * sources provide (vssadmin_writers: vssadmin and diskshadow) has the
 * advice of the first of them in the registry, the feed's source
 * (kb_source_of_feed). Static: the registry's own strings, built on first
 * use (before the scan's threads). */
const kb_feed_catalogue *kb_cli_catalogue(void);

/* The registry, tab-separated with a header row: name, kind, form, feed,
 * covers, label, facts, name_hint, counts, collect (the command). */
void kb_cli_list_sources(FILE *out);

#endif
