/* evtx_mutator.c: the fuzz_evtx target's custom mutator (linked into that
 * target only): one time in four libFuzzer's own byte mutation, the others
 * a structure-aware mutation (fuzz/evtx_mutate.h) followed, three times in
 * four, by every checksum recomputed, so that the fuzzer reaches kbscan's
 * own walk and decoder past the checksum checks. Inputs that crash are
 * kept in tests/fuzz/regressions/evtx/ and replayed by make check. */
#include <stddef.h>
#include <stdint.h>

#include "evtx_mutate.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed)
{
    kb_mut_rng r = {seed * 2654435761u + 1};
    if (kb_mut_below(&r, 4) == 0 || kb_mut_chunks(size) == 0)
        return LLVMFuzzerMutate(data, size, max);
    kb_evtx_mutation kind;
    for (uint32_t i = 1 + kb_mut_below(&r, 3); i > 0; i--)
        size = kb_evtx_mutate(data, size, max, &r, &kind);
    if (kb_mut_below(&r, 4) != 0)
        kb_evtx_mutate_fix(data, size);
    return size;
}
