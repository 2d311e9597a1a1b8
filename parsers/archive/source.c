/* source.c: archives in the source registry (see archive.h): a container
 * source, whose members the scan driver analyses as inputs of their own. */
#include "archive/archive.h"

static const kb_fact_decl no_facts[] = {{NULL, NULL}};

static const kb_count_decl archive_counts[] = {
    {.name = "members", .word = "members", .text = 1, .html = 1},
    {.name = NULL},
};

const kb_source kb_source_archive = {
    .name = "archive",
    .kind = "archive",
    .label = "archive: zip, 7z, cab, tar (also .tar.gz, .bz2, .xz), or a file compressed with gzip, bzip2 or xz",
    .form = KB_FORM_CONTAINER,
    .sniff_head = kb_archive_sniff,
    .members = kb_archive_members,
    .facts = no_facts,
    .feed = NULL,
    .counts = archive_counts,
    .covers = KB_COVERS_NOTHING,
    .name_hint = ".zip",
};
