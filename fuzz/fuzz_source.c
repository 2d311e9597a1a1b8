/* fuzz_source.c: the libFuzzer targets, one per build: compiled with
 * -DKB_FUZZ_TARGET='"vssadmin"' (or "textdecode", or any source's name in
 * parsers/source/registry.c) into build/fuzz/fuzz_<target>. Built and run
 * by `make fuzz` (tools/fuzz.sh); tests/unit/test_fuzz_regressions.c
 * replays tests/fuzz/regressions/<target>/ and tests/fuzz/seeds/<target>/. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_targets.h"

#ifndef KB_FUZZ_TARGET
#error "build with -DKB_FUZZ_TARGET='\"<target>\"' (see the Makefile)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kb_fuzz_target(KB_FUZZ_TARGET, data, size);
    return 0;
}
