/* fuzz_evtx.c: libFuzzer target over kbscan's EVTX path: the container
 * checks, the prefilter and its slice, and fact extraction through libevtx.
 * Built and run by `make fuzz` (seeded with evtxgen's damaged outputs and
 * the corpus); tests/unit/test_fuzz_regressions.c replays the inputs kept in
 * fuzz/regressions/evtx/. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kb_fuzz_evtx(data, size);
    return 0;
}
