/* sources.c: the registry seen from the CLI (see sources.h). */
#include "cli/sources.h"
#include "source/source.h"

#define MAX_SOURCES 64

const kb_feed_catalogue *kb_cli_catalogue(void)
{
    static kb_feed_entry entries[MAX_SOURCES];
    static kb_feed_catalogue catalogue = {entries, 0};
    if (catalogue.n)
        return &catalogue;
    for (const kb_source *const *s = kb_sources(); *s && catalogue.n < MAX_SOURCES; s++)
        if (((*s)->collect.file || (*s)->collect.command) && kb_source_of_feed((*s)->feed) == *s)
            entries[catalogue.n++] = (kb_feed_entry){.feed = (*s)->feed, .advice = &(*s)->collect};
    return &catalogue;
}

void kb_cli_list_sources(FILE *out)
{
    fputs("name\tkind\tform\tfeed\tcovers\tlabel\tfacts\tname_hint\tcounts\tcollect\n", out);
    for (const kb_source *const *s = kb_sources(); *s; s++) {
        const kb_source *src = *s;
        fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\t", src->name, src->kind,
                src->form == KB_FORM_TEXT ? "text" : src->form == KB_FORM_BINARY ? "binary" : "container",
                src->feed ? src->feed : "-",
                src->covers == KB_COVERS_EVENTS ? "events" : src->covers == KB_COVERS_MOMENT ? "moment" : "nothing",
                src->label);
        for (const kb_fact_decl *d = src->facts; d && d->type; d++)
            fprintf(out, "%s%s", d == src->facts ? "" : ",", d->type);
        fprintf(out, "\t%s\t", src->name_hint ? src->name_hint : "");
        for (const kb_count_decl *c = src->counts; c && c->name; c++)
            fprintf(out, "%s%s", c == src->counts ? "" : ",", c->name);
        fprintf(out, "\t%s\n", src->collect.command ? src->collect.command : "");
    }
}
