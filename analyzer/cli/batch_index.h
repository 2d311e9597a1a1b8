/* batch_index.h: the index of a batch (batch.h): one line per bundle and
 * computer on stdout, as text or JSON Lines, written as each bundle ends
 * (in bundle order); a closing summary line (text); and the HTML index
 * page, one self-contained file without script, one table per outcome,
 * each row linking the bundle's reports. */
#ifndef KB_CLI_BATCH_INDEX_H
#define KB_CLI_BATCH_INDEX_H

#include <stdio.h>

#include "cli/batch.h"
#include "rules/rule.h"

/* "matched", "cannot_tell", "not_matched" (from a computer's exit
 * status), or "error" (a bundle without a report). */
const char *kb_batch_outcome(int exit_status);

/* The bundle's lines. out_dir: where its reports are (NULL: none written). */
void kb_batch_write_text_lines(FILE *out, const kb_batch_bundle *b, kb_lang lang, int color);
void kb_batch_write_json_lines(FILE *out, const kb_batch_bundle *b, const char *out_dir);
/* "14 bundles, 15 computers: 5 matched, ...; exit status 1" */
void kb_batch_write_summary(FILE *out, const kb_batch *batch, int status, kb_lang lang);
/* The index page; 0, or -1 on a write error. */
int kb_batch_write_html(FILE *out, const kb_batch *batch, int status, kb_lang lang,
                        const char *version);

#endif
