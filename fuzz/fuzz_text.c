/* fuzz_text.c: libFuzzer target over kbscan's text path: decoding (BOMs,
 * UTF-16, code pages, line splitting) and every text parser's sniff and
 * parse. Built and run by `make fuzz`; tests/unit/test_fuzz_regressions.c
 * replays the inputs kept in fuzz/regressions/text/. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kb_fuzz_text(data, size);
    return 0;
}
