/* outputs.h: the report files a run writes may not be what it reads.
 * `kbscan --json B/vssadmin_list_writers.txt B` would replace the customer's
 * file with the report; an output inside a bundle folder being read would be
 * written into the bundle (which kbscan never does) and read back as an
 * input. Both are refused before anything is read. */
#ifndef KB_CLI_OUTPUTS_H
#define KB_CLI_OUTPUTS_H

#include <stddef.h>

/* Checks each output path (NULL entries are skipped: standard output)
 * against each input path. 0 when none is an input or inside one; else -1
 * after one line on stderr naming the output and the input. */
int kb_outputs_check(const char *const *outputs, size_t noutputs, const char *const *inputs,
                     size_t ninputs);

#endif
