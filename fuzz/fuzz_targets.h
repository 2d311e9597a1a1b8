/* fuzz_targets.h: what the fuzz targets run on one input, shared with the
 * unit test that replays the kept regressions (fuzz_targets.c). */
#ifndef KB_FUZZ_TARGETS_H
#define KB_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the bytes as a saved command output and runs every text parser. */
void kb_fuzz_text(const uint8_t *data, size_t size);

/* Writes the bytes to a temporary .evtx and parses it three ways: with the
 * prefilter, without it, and with the walk split across threads. */
void kb_fuzz_evtx(const uint8_t *data, size_t size);

#endif
