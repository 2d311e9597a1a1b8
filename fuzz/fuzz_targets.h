/* fuzz_targets.h: what the fuzz targets run on one input, shared with the
 * unit test that replays the kept reproducers and seeds
 * (tests/fuzz/regressions/<target>/, tests/fuzz/seeds/<target>/). */
#ifndef KB_FUZZ_TARGETS_H
#define KB_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* The targets: "textdecode" (the decoder, every candidate code page, and
 * the page choice of kb_text_read), then one per source of the registry,
 * named as the source (parsers/source/registry.c: "vssadmin", ..., "evtx").
 * Target i for i < kb_fuzz_target_count(). */
size_t kb_fuzz_target_count(void);
const char *kb_fuzz_target_name(size_t i);

/* Runs the named target on the bytes; 0, or -1 for an unknown name. A text
 * source's target runs it over the decoded text, whatever the other
 * sources think of it; a binary source's target parses the bytes as a
 * memory input three ways: with the prefilter, without it, and with the
 * walk split across threads. */
int kb_fuzz_target(const char *target, const uint8_t *data, size_t size);

#endif
