/* interest.c: the set of (provider, event id) pairs the rules can use. */
#include "core/interest.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

static kb_interest_item *find_provider(const kb_interest *in, const char *provider)
{
    for (size_t i = 0; i < in->n; i++)
        if (kb_strcaseeq(in->items[i].provider, provider))
            return &in->items[i];
    return NULL;
}

int kb_interest_add(kb_interest *in, const char *provider, long id)
{
    kb_interest_item *item = find_provider(in, provider);
    if (!item) {
        kb_interest_item *p = in->items = kb_xrealloc(in->items, (in->n + 1) * sizeof *p);
        item = &p[in->n];
        memset(item, 0, sizeof *item);
        item->provider = kb_strdup(provider);
        if (!item->provider)
            return -1;
        in->n++;
        if (id < 0)
            return 0;
    } else if (item->nids == 0) {
        return 0; /* already every id */
    }
    if (id < 0) {
        free(item->ids);
        item->ids = NULL;
        item->nids = 0;
        return 0;
    }
    for (size_t i = 0; i < item->nids; i++)
        if (item->ids[i] == (uint32_t)id)
            return 0;
    uint32_t *ids = item->ids = kb_xrealloc(item->ids, (item->nids + 1) * sizeof *ids);
    ids[item->nids++] = (uint32_t)id;
    return 0;
}

int kb_interest_wants_provider(const kb_interest *in, const char *provider)
{
    return in->want_all || (provider && find_provider(in, provider) != NULL);
}

int kb_interest_wants(const kb_interest *in, const char *provider, uint32_t id)
{
    if (in->want_all)
        return 1;
    const kb_interest_item *item = provider ? find_provider(in, provider) : NULL;
    if (!item)
        return 0;
    if (item->nids == 0)
        return 1;
    for (size_t i = 0; i < item->nids; i++)
        if (item->ids[i] == id)
            return 1;
    return 0;
}

void kb_interest_free(kb_interest *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->items[i].provider);
        free(in->items[i].ids);
    }
    free(in->items);
    in->items = NULL;
    in->n = 0;
    in->want_all = 0;
}
