/* fuzz_targets.h: what the fuzz targets run on one input, shared with the
 * unit test that replays the kept reproducers and seeds
 * (tests/fuzz/regressions/<target>/, tests/fuzz/seeds/<target>/). */
#ifndef KB_FUZZ_TARGETS_H
#define KB_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* The text targets, NULL-terminated: "textdecode" (the decoder, every
 * candidate code page, and the page choice of kb_text_read), then one per
 * text parser ("vssadmin", "tasklist", "sc", "systeminfo", "vssadmin_shadows",
 * "vssadmin_shadowstorage", "vssadmin_volumes", "reg_query", "reg_export", "wbadmin", "wsb_log", "sc_sdshow",
 * "fsutil_dirty", "diskshadow"). */
extern const char *const kb_fuzz_text_targets[];

/* Runs the named text target on the bytes; 0, or -1 for an unknown name. */
int kb_fuzz_text_target(const char *target, const uint8_t *data, size_t size);

/* Writes the bytes to a temporary .evtx and parses it three ways: with the
 * prefilter, without it, and with the walk split across threads. */
void kb_fuzz_evtx(const uint8_t *data, size_t size);

#endif
