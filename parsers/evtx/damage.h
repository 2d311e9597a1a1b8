/* damage.h: what a reading of a log (read.h) says about the log, as notes
 * on its input and its state. A log is damaged when kbscan can show that
 * records are lost or unreadable, or may have been changed:
 *
 *   - a chunk whose checksums do not match (unless the log keeps none), a
 *     chunk cut by the end of the file, a free space offset out of range;
 *   - a record walk that stops before the free space offset, record ids
 *     that do not rise or fall outside the chunk header's range, ids the
 *     chunk header lists but the walk does not find (lost);
 *   - a record neither kbscan's decoder nor libevtx can read (failed);
 *   - records present twice (duplicates: counted once);
 *   - a slot without a chunk signature that holds record headers (a chunk
 *     that cannot be walked); a damaged file header.
 *
 * What a log copied while it was open looks like is a note on an ok
 * input, never damage: the dirty flag, a header whose chunk count or next
 * record id lags what was written, zeroed chunks between written ones,
 * checksums the log says it does not keep, slots holding neither a chunk
 * nor a record. Where a record is named, both its id and its place in the
 * file are given ("record id 8116, the 94th record of the file"). */
#ifndef KB_EVTX_DAMAGE_H
#define KB_EVTX_DAMAGE_H

#include "core/input.h"
#include "evtx/duplicates.h"
#include "evtx/read.h"

typedef struct kb_evtx_judgement {
    uint64_t failed;           /* records neither decoder read */
    uint64_t lost;             /* ids chunk headers list that the walk did not find */
    uint64_t chunks_damaged;
    uint64_t slots;            /* slots after the file header (the last may be cut) */
} kb_evtx_judgement;

/* Notes what the reading found, in file order, and sets the input's state
 * (worker: why an isolated libevtx failed, or NULL). */
void kb_evtx_judge(kb_input *in, const kb_evtx_reading *r, const kb_evtx_dup_result *dups, const char *worker,
                   kb_evtx_judgement *out);

#endif
