/* fuzz_binxml.c: libFuzzer target over kbscan's BinXml decoder
 * (parsers/evtx/binxml.c): arbitrary chunk bytes, decoded record by record
 * (fuzz_binxml.h). Seeded with chunks of the real corpus; reproducers are
 * kept in tests/fuzz/regressions/binxml/ and replayed by test_binxml. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_binxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kb_fuzz_binxml(data, size);
    return 0;
}
