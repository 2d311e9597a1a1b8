/* interest.h: which events the loaded rules can use at all. The rule engine
 * derives it from the rules; the EVTX parser consults it to skip records no
 * rule can use, provider and event id first, before decoding anything else. */
#ifndef KB_INTEREST_H
#define KB_INTEREST_H

#include <stddef.h>
#include <stdint.h>

typedef struct kb_interest_item {
    char *provider;      /* event provider (source) name, compared ignoring case */
    uint32_t *ids;       /* wanted event ids; nids == 0 means every id */
    size_t nids;
} kb_interest_item;

typedef struct kb_interest {
    int want_all;        /* some rule wants every event: no skipping */
    kb_interest_item *items;
    size_t n;
} kb_interest;

/* Adds (provider, id) to the interest; id < 0 means every id of provider. */
int kb_interest_add(kb_interest *interest, const char *provider, long id);
int kb_interest_wants_provider(const kb_interest *interest, const char *provider);
int kb_interest_wants(const kb_interest *interest, const char *provider, uint32_t id);
void kb_interest_free(kb_interest *interest);

#endif
