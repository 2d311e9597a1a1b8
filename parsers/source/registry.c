/* registry.c: every source kbscan has, one line each (see source.h), and
 * the look-ups the rest of kbscan makes in them. */
#include "source/source.h"

#include <string.h>

/* The sources, in the order reports, `--help` and the docs list them; text
 * sources are tried in this order too (the first of equally sure sniffs
 * wins). A line is X(name) for the source kb_source_<name>; the Makefile
 * reads the fuzz targets from these lines, so keep one per line. */
#define KB_SOURCES(X) \
    X(vssadmin)       \
    X(vssadmin_providers) \
    X(tasklist)       \
    X(systeminfo)     \
    X(sc)             \
    X(vssadmin_shadows) \
    X(vssadmin_shadowstorage) \
    X(vssadmin_volumes) \
    X(reg_query)      \
    X(reg_export)     \
    X(wbadmin)        \
    X(wsb_log)        \
    X(sc_sdshow)      \
    X(fsutil_dirty)   \
    X(diskshadow)     \
    X(evtx)           \
    X(evt)            \
    X(evt_text)       \
    X(evt_csv)        \
    X(evt_xml)        \
    X(archive)        \
    X(mta)

#define DECLARE(name) extern const kb_source kb_source_##name;
KB_SOURCES(DECLARE)
#undef DECLARE

const kb_source *const *kb_sources(void)
{
#define ENTRY(name) &kb_source_##name,
    static const kb_source *const sources[] = {KB_SOURCES(ENTRY) NULL};
#undef ENTRY
    return sources;
}

const kb_source *kb_source_of_kind(const char *kind)
{
    for (const kb_source *const *s = kb_sources(); kind && *s; s++)
        if (strcmp((*s)->kind, kind) == 0)
            return *s;
    return NULL;
}

const char *kb_source_feed_prefix(const kb_source *src, size_t *len)
{
    const char *open = src->feed ? strchr(src->feed, '<') : NULL;
    *len = open ? (size_t)(open - src->feed) : 0;
    return open ? src->feed : NULL;
}

const kb_source *kb_source_of_feed(const char *feed)
{
    for (const kb_source *const *s = kb_sources(); feed && *s; s++) {
        if (!(*s)->feed)
            continue; /* a container: its members feed */
        size_t n;
        const char *prefix = kb_source_feed_prefix(*s, &n);
        if (prefix ? strncmp(feed, prefix, n) == 0 : strcmp(feed, (*s)->feed) == 0)
            return *s;
    }
    return NULL;
}
