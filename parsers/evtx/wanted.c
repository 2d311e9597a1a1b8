/* wanted.c: the rules' interest as a hash table of providers (wanted.h). */
#include "evtx/wanted.h"
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* FNV-1a over the name folded to ASCII lower case, as strcasecmp compares. */
static uint32_t hash_of(const char *s, size_t *len)
{
    uint32_t h = 2166136261u;
    size_t n = 0;
    for (; s[n]; n++)
        h = (h ^ fold((unsigned char)s[n])) * 16777619u;
    *len = n;
    return h;
}

static int same_name(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return 0;
    return 1;
}

static int by_value(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static kb_evtx_wanted_slot *find(const kb_evtx_wanted *w, const char *name, size_t len, uint32_t h)
{
    for (size_t i = h & (w->nslots - 1);; i = (i + 1) & (w->nslots - 1)) {
        kb_evtx_wanted_slot *s = &w->slots[i];
        if (!s->name || (s->hash == h && s->len == len && same_name(s->name, name, len)))
            return s;
    }
}

void kb_evtx_wanted_init(kb_evtx_wanted *w, const kb_interest *interest)
{
    static const kb_interest nothing = {0};
    memset(w, 0, sizeof *w);
    if (!interest)
        interest = &nothing;
    w->all = interest->want_all;
    w->nslots = 8;
    while (w->nslots < 2 * interest->n + 2)
        w->nslots *= 2;
    w->slots = kb_xcalloc(w->nslots, sizeof *w->slots);
    for (size_t i = 0; i < interest->n; i++) {
        const kb_interest_item *item = &interest->items[i];
        size_t len;
        uint32_t h = hash_of(item->provider, &len);
        kb_evtx_wanted_slot *s = find(w, item->provider, len, h);
        /* kb_interest_add keeps one item per provider; should two differ
         * only in case, every id of both is wanted. */
        if (s->name && (s->nids == 0 || item->nids == 0)) {
            free(s->ids);
            s->ids = NULL;
            s->nids = 0;
            continue;
        }
        s->ids = kb_xrealloc(s->ids, (s->nids + item->nids + 1) * sizeof *s->ids);
        if (item->nids)
            memcpy(s->ids + s->nids, item->ids, item->nids * sizeof *s->ids);
        s->nids += item->nids;
        if (s->nids)
            qsort(s->ids, s->nids, sizeof *s->ids, by_value);
        s->name = item->provider;
        s->len = len;
        s->hash = h;
    }
}

void kb_evtx_wanted_free(kb_evtx_wanted *w)
{
    for (size_t i = 0; i < w->nslots; i++)
        free(w->slots[i].ids);
    free(w->slots);
    memset(w, 0, sizeof *w);
}

int kb_evtx_wanted_has(const kb_evtx_wanted *w, const char *provider, uint32_t event_id)
{
    if (w->all)
        return 1;
    if (!provider || !w->slots)
        return 0;
    size_t len;
    uint32_t h = hash_of(provider, &len);
    const kb_evtx_wanted_slot *s = find(w, provider, len, h);
    if (!s->name)
        return 0;
    if (s->nids == 0)
        return 1;
    return bsearch(&event_id, s->ids, s->nids, sizeof *s->ids, by_value) != NULL;
}
