/* wanted.h: which records the rules want, asked once per record with the
 * provider and event id the decoder's cheap path (kb_binxml_peek) read.
 *
 * The rules' interest (core/interest.h) is a list of providers, each with
 * its event ids; asking it means comparing names ignoring case, item by
 * item. This index is built once per log from it: provider names folded to
 * ASCII lower case in an open-addressing hash table, each with its ids
 * sorted, so that a record costs one hash of its provider's name and one
 * binary search. */
#ifndef KB_EVTX_WANTED_H
#define KB_EVTX_WANTED_H

#include <stddef.h>
#include <stdint.h>

#include "core/interest.h"

typedef struct kb_evtx_wanted_slot {
    const char *name;     /* the interest's own string (borrowed), or NULL: free slot */
    size_t len;
    uint32_t hash;
    uint32_t *ids;        /* sorted; NULL with nids 0: every id */
    size_t nids;
} kb_evtx_wanted_slot;

typedef struct kb_evtx_wanted {
    int all;              /* every record is wanted */
    kb_evtx_wanted_slot *slots;
    size_t nslots;        /* a power of two, at least twice the providers */
} kb_evtx_wanted;

/* Built from the interest (NULL: nothing is wanted). Borrows its strings:
 * the interest must outlive the index. */
void kb_evtx_wanted_init(kb_evtx_wanted *w, const kb_interest *interest);
void kb_evtx_wanted_free(kb_evtx_wanted *w);

/* Whether a record of this provider (NULL: none read) and event id is wanted.
 * Classic event ids carry severity and facility bits above the low 16:
 * the caller passes the id as rules see it. */
int kb_evtx_wanted_has(const kb_evtx_wanted *w, const char *provider, uint32_t event_id);

#endif
