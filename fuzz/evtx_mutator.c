/* evtx_mutator.c: the fuzz_evtx target's custom mutator (linked into that
 * target only): one time in four libFuzzer's own byte mutation, the others
 * a structure-aware mutation (fuzz/evtx_mutate.h) followed, three times in
 * four, by every checksum recomputed, so that the fuzzer reaches kbscan's
 * own walk and decoder past the checksum checks; its crossover puts a
 * chunk of one log in another. Inputs that crash are
 * kept in tests/fuzz/regressions/evtx/ and replayed by make check. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evtx_mutate.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2, uint8_t *out,
                                 size_t max, unsigned int seed);

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

/* Crossover: a chunk of the second log in place of one of the first, the
 * checksums recomputed (two logs' chunks side by side: ids and templates
 * of another log). */
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2, uint8_t *out,
                                 size_t max, unsigned int seed)
{
    kb_mut_rng r = {seed * 2654435761u + 7};
    size_t size = size1 < max ? size1 : max, n1 = kb_mut_chunks(size), n2 = kb_mut_chunks(size2);
    memcpy(out, data1, size);
    if (n1 == 0 || n2 == 0)
        return size;
    memcpy(kb_mut_chunk(out, kb_mut_below(&r, (uint32_t)n1)),
           data2 + KB_EVTX_HEADER_SIZE + kb_mut_below(&r, (uint32_t)n2) * (size_t)KB_EVTX_CHUNK_SIZE, KB_EVTX_CHUNK_SIZE);
    kb_evtx_mutate_fix(out, size);
    return size;
}
