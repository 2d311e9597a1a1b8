/* prefilter.c: which records can matter, from the raw chunk bytes
 * (see prefilter.h). Record and template layout per libyal's EVTX
 * format notes: a record is "**\0\0", size, id, time, then binary XML that
 * starts with a fragment header (0x0f 01 01 00) and a template instance
 * (0x0c, 1 byte, template id, offset of the template definition in the
 * chunk); a definition is next offset, GUID, data size, data. */
#include "evtx/prefilter.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 65536
#define RECORDS_START 512

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static unsigned char ascii_lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static unsigned char ascii_upper(unsigned char c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

void kb_evtx_prefilter_doubt(kb_evtx_prefilter *pf, const char *why)
{
    if (pf->usable) {
        pf->usable = 0;
        pf->doubt = why;
    }
}

static int add_name(kb_evtx_prefilter *pf, const char *name, size_t item)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] >= 0x80) {
            kb_evtx_prefilter_doubt(pf, "a wanted provider name is not plain ASCII");
            return 0;
        }
    unsigned char *u = malloc(2 * n + 1);
    if (!u)
        return -1;
    for (size_t i = 0; i < n; i++) {
        u[2 * i] = ascii_lower((unsigned char)name[i]);
        u[2 * i + 1] = 0;
    }
    pf->item[pf->nnames] = item;
    pf->names[pf->nnames] = u;
    pf->name_len[pf->nnames++] = 2 * n;
    return 0;
}

int kb_evtx_prefilter_init(kb_evtx_prefilter *pf, const kb_interest *interest, int disabled)
{
    static const kb_evtx_prefilter empty = {0};
    *pf = empty;
    pf->usable = 1;
    if (disabled) {
        kb_evtx_prefilter_doubt(pf, "disabled (--no-prefilter)");
        return 0;
    }
    if (!interest || interest->want_all) {
        kb_evtx_prefilter_doubt(pf, "a rule wants every event");
        return 0;
    }
    pf->interest = interest;
    pf->names = calloc(interest->n + 1, sizeof *pf->names);
    pf->name_len = calloc(interest->n + 1, sizeof *pf->name_len);
    pf->item = calloc(interest->n + 1, sizeof *pf->item);
    if (!pf->names || !pf->name_len || !pf->item)
        return -1;
    for (size_t i = 0; i < interest->n; i++) {
        const char *p = interest->items[i].provider;
        if (!p || !*p) {
            kb_evtx_prefilter_doubt(pf, "a rule wants events of any provider");
            return 0;
        }
        if (add_name(pf, p, i) != 0)
            return -1;
    }
    return 0;
}

/* Whether the lower-case UTF-16LE name is at p, ignoring ASCII case. */
static int name_at(const unsigned char *p, const unsigned char *name, size_t len)
{
    for (size_t i = 0; i < len; i += 2)
        if (p[i + 1] != 0 || ascii_lower(p[i]) != name[i])
            return 0;
    return 1;
}

static int has_name(const unsigned char *p, size_t n, const unsigned char *name, size_t len)
{
    if (n < len)
        return 0;
    const unsigned char *end = p + n - len + 1;
    unsigned char variants[2] = {name[0], ascii_upper(name[0])};
    for (int v = 0; v < (variants[0] == variants[1] ? 1 : 2); v++)
        for (const unsigned char *q = p; q < end && (q = memchr(q, variants[v], (size_t)(end - q))); q++)
            if (name_at(q, name, len))
                return 1;
    return 0;
}

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* Whether the name structure at chunk offset off is "EventID". */
static int name_is_event_id(const unsigned char *chunk, uint32_t off)
{
    static const unsigned char event_id[] = "E\0v\0e\0n\0t\0I\0D\0";
    return off >= RECORDS_START && off + 8 + 14 <= CHUNK_SIZE && le16(chunk + off + 6) == 7 &&
           memcmp(chunk + off + 8, event_id, 14) == 0;
}

/* The substitution index of <EventID> in a template definition (data at
 * chunk offset data, len bytes): <EventID [attributes]>{sub UInt16}</EventID>.
 * Returns the index, or -1 unless exactly one such element is found. */
static long event_id_index(const unsigned char *chunk, uint32_t data, uint32_t len)
{
    long found = -1;
    int matches = 0;
    for (uint32_t p = data; p + 11 <= data + len; p++) {
        unsigned char token = chunk[p];
        if ((token != 0x01 && token != 0x41) || !name_is_event_id(chunk, le32(chunk + p + 7)))
            continue;
        uint32_t q = p + 11;
        if (le32(chunk + p + 7) == q) /* the name is inline: skip it */
            q += 8 + 14 + 2;
        if (token == 0x41) {
            if (q + 4 > data + len)
                continue;
            q += 4 + le32(chunk + q);
        }
        if (q + 6 > data + len || chunk[q] != 0x02 || (chunk[q + 1] != 0x0d && chunk[q + 1] != 0x0e) ||
            chunk[q + 4] != 0x06 || chunk[q + 5] != 0x04)
            continue;
        found = le16(chunk + q + 2);
        matches++;
    }
    return matches == 1 ? found : -1;
}

/* A record's template instance: the definition (data offset and length in
 * the chunk) and the substitution values (count, then descriptors). 0 when
 * the record is not laid out as expected. */
typedef struct instance {
    uint32_t def_data, def_len;
    size_t values, count, end;
} instance;

static int read_instance(const unsigned char *chunk, size_t off, size_t size, instance *in)
{
    const unsigned char *body = chunk + off + 24;
    size_t body_len = size - 28;
    if (body_len < 14 || memcmp(body, "\x0f\x01\x01\x00\x0c", 5) != 0)
        return 0;
    uint32_t def = le32(body + 10);
    if (def < RECORDS_START || def + 24 > CHUNK_SIZE)
        return 0;
    in->def_data = def + 24;
    in->def_len = le32(chunk + def + 20);
    if (in->def_len > CHUNK_SIZE - def - 24)
        return 0;
    /* The values follow the instance, after the definition when inline. */
    in->values = off + 24 + 14;
    if (def == in->values)
        in->values += 24 + in->def_len;
    in->end = off + size - 4;
    if (in->values + 4 > in->end)
        return 0;
    in->count = le32(chunk + in->values);
    return in->values + 4 + in->count * 4 <= in->end;
}

/* Values of binary XML (type 0x21, UserData and the like) are where
 * libevtx 20181227 fails on some real records: such records are always
 * decoded, so that the report names them as unreadable as it would without
 * the prefilter. */
static int has_binxml_value(const unsigned char *chunk, const instance *in)
{
    for (size_t k = 0; k < in->count; k++)
        if (chunk[in->values + 4 + 4 * k + 2] == 0x21)
            return 1;
    return 0;
}

/* The event id found in the values, given the <EventID> index. */
static int event_id_value(const unsigned char *chunk, const instance *in, long index, uint32_t *id);

int kb_evtx_record_event_id(const unsigned char *chunk, size_t off, size_t size, uint32_t *id)
{
    instance in;
    if (!read_instance(chunk, off, size, &in))
        return 0;
    return event_id_value(chunk, &in, event_id_index(chunk, in.def_data, in.def_len), id);
}

static int event_id_value(const unsigned char *chunk, const instance *in_, long index, uint32_t *id)
{
    instance in = *in_;
    if (index < 0 || (size_t)index >= in.count)
        return 0;
    size_t v = in.values, end = in.end;
    size_t data = v + 4 + in.count * 4;
    for (long k = 0; k < index; k++)
        data += le16(chunk + v + 4 + 4 * k);
    const unsigned char *desc = chunk + v + 4 + 4 * index;
    if (le16(desc) != 2 || desc[2] != 0x06 || data + 2 > end)
        return 0;
    *id = le16(chunk + data);
    return 1;
}

/* Whether a record can hold a wanted event: a wanted provider's name is in
 * its bytes or its template's, and its event id (when it can be read for
 * certain) is one that provider is wanted for. Any doubt keeps it. */
/* The <EventID> index of a template, remembered per chunk: a chunk holds
 * few templates and many records. */
static long cached_event_id_index(kb_evtx_prefilter *pf, const unsigned char *chunk, const instance *in)
{
    for (size_t i = 0; i < pf->ncached; i++)
        if (pf->cached_def[i] == in->def_data)
            return pf->cached_index[i];
    long index = event_id_index(chunk, in->def_data, in->def_len);
    if (pf->ncached < KB_EVTX_TEMPLATE_CACHE) {
        pf->cached_def[pf->ncached] = in->def_data;
        pf->cached_index[pf->ncached++] = index;
    }
    return index;
}

static int candidate(kb_evtx_prefilter *pf, const unsigned char *chunk, size_t off, size_t size)
{
    instance in;
    if (!read_instance(chunk, off, size, &in) || has_binxml_value(chunk, &in))
        return 1;
    const unsigned char *body = chunk + off + 24, *def_data = chunk + in.def_data;
    size_t body_len = size - 28;
    /* The event id first (its place is cached per template): a provider
     * that does not want it needs no scan for its name, which is the
     * costly part; each wanted provider name adds two scans per record. */
    uint32_t id = 0;
    int have_id = event_id_value(chunk, &in, cached_event_id_index(pf, chunk, &in), &id);
    for (size_t i = 0; i < pf->nnames; i++) {
        if (have_id && !kb_interest_wants(pf->interest, pf->interest->items[pf->item[i]].provider, id))
            continue;
        if (has_name(body, body_len, pf->names[i], pf->name_len[i]) ||
            has_name(def_data, in.def_len, pf->names[i], pf->name_len[i]))
            return 1;
    }
    return 0;
}

static int grow(void **p, size_t elem, size_t max)
{
    if (*p)
        return 0;
    *p = malloc(elem * max);
    return *p ? 0 : -1;
}

static void add_candidate(kb_evtx_prefilter *pf, uint64_t index, uint64_t id)
{
    if (pf->n == KB_EVTX_PREFILTER_MAX) {
        kb_evtx_prefilter_doubt(pf, "more candidate records than the memory bound");
        return;
    }
    if (grow((void **)&pf->index, sizeof *pf->index, KB_EVTX_PREFILTER_MAX) ||
        grow((void **)&pf->id, sizeof *pf->id, KB_EVTX_PREFILTER_MAX)) {
        kb_evtx_prefilter_doubt(pf, "out of memory");
        return;
    }
    pf->index[pf->n] = index;
    pf->id[pf->n++] = id;
}

static void add_to_slice(kb_evtx_prefilter *pf, uint64_t position, uint32_t records)
{
    if (pf->nslice == KB_EVTX_SLICE_MAX) {
        kb_evtx_prefilter_doubt(pf, "more chunks matter than the slice holds");
        return;
    }
    if (grow((void **)&pf->slice_chunk, sizeof *pf->slice_chunk, KB_EVTX_SLICE_MAX) ||
        grow((void **)&pf->slice_records, sizeof *pf->slice_records, KB_EVTX_SLICE_MAX)) {
        kb_evtx_prefilter_doubt(pf, "out of memory");
        return;
    }
    pf->slice_chunk[pf->nslice] = position;
    pf->slice_records[pf->nslice++] = records;
    pf->slice_total += records;
}

/* Whether the unused end of the chunk holds a record signature: libevtx
 * recovers such records, so the chunk goes to libevtx. */
static int slack_has_record(const unsigned char *chunk, uint32_t free_off)
{
    for (size_t off = free_off; off + 4 <= CHUNK_SIZE; off++) {
        const unsigned char *hit = memchr(chunk + off, '*', CHUNK_SIZE - off);
        if (!hit || hit + 4 > chunk + CHUNK_SIZE)
            return 0;
        if (memcmp(hit, "**\0\0", 4) == 0)
            return 1;
        off = (size_t)(hit - chunk);
    }
    return 0;
}

void kb_evtx_prefilter_header(kb_evtx_prefilter *pf, const unsigned char *h)
{
    uint64_t first = le64(h + 8), last = le64(h + 16);
    pf->header_next_id = le64(h + 24);
    pf->header_chunks = (uint64_t)(h[42] | h[43] << 8);
    if (le32(h + 120) != 0)
        kb_evtx_prefilter_doubt(pf, "the log was not closed cleanly (header flags)");
    else if (first != 0 || last + 1 != pf->header_chunks)
        kb_evtx_prefilter_doubt(pf, "a wrapped log, or a header that disagrees with its chunks");
}

void kb_evtx_prefilter_chunk_begin(kb_evtx_prefilter *pf, int intact)
{
    if (!intact)
        kb_evtx_prefilter_doubt(pf, "a damaged chunk");
    if (!pf->usable)
        return;
    pf->chunks++;
    pf->ncached = 0;
    pf->chunk_first = pf->n;
    pf->chunk_records = 0;
}

void kb_evtx_prefilter_record(kb_evtx_prefilter *pf, const unsigned char *chunk, size_t off, size_t size)
{
    if (!pf->usable)
        return;
    const unsigned char *r = chunk + off;
    if (off + size == CHUNK_SIZE)
        kb_evtx_prefilter_doubt(pf, "a record ends at its chunk's last byte (libevtx loses it)");
    if (le64(r + 8) >= pf->header_next_id)
        kb_evtx_prefilter_doubt(pf, "a record newer than the header says");
    /* Candidates are numbered as if this chunk went to the slice. */
    if (candidate(pf, chunk, off, size))
        add_candidate(pf, pf->slice_total + pf->chunk_records, le64(r + 8));
    pf->chunk_records++;
}

void kb_evtx_prefilter_chunk_end(kb_evtx_prefilter *pf, const unsigned char *chunk, uint64_t position,
                                 size_t walked_to)
{
    if (!pf->usable)
        return;
    uint32_t free_off = le32(chunk + 48);
    if (walked_to != free_off)
        kb_evtx_prefilter_doubt(pf, "records do not fill their chunk as its header says");
    int early = pf->records < KB_EVTX_CHANNEL_RECORDS;
    pf->records += pf->chunk_records;
    if (!pf->usable)
        return;
    if (pf->n > pf->chunk_first || early || slack_has_record(chunk, free_off))
        add_to_slice(pf, position, pf->chunk_records);
}

int kb_evtx_prefilter_part(kb_evtx_prefilter *part, const kb_evtx_prefilter *whole, int first)
{
    if (kb_evtx_prefilter_init(part, whole->interest, 0) != 0)
        return -1;
    if (!whole->usable)
        kb_evtx_prefilter_doubt(part, whole->doubt);
    part->header_chunks = whole->header_chunks;
    part->header_next_id = whole->header_next_id;
    /* Only the first part holds the log's first records. */
    part->records = first ? 0 : KB_EVTX_CHANNEL_RECORDS;
    return 0;
}

void kb_evtx_prefilter_merge(kb_evtx_prefilter *whole, const kb_evtx_prefilter *part, int first)
{
    if (!part->usable)
        kb_evtx_prefilter_doubt(whole, part->doubt);
    if (first && part->records < KB_EVTX_CHANNEL_RECORDS && part->chunks)
        kb_evtx_prefilter_doubt(whole, "too few records before the split for the channel");
    if (!whole->usable)
        return;
    uint64_t base = whole->slice_total;
    for (size_t i = 0; i < part->n && whole->usable; i++)
        add_candidate(whole, base + part->index[i], part->id[i]);
    for (size_t i = 0; i < part->nslice && whole->usable; i++)
        add_to_slice(whole, part->slice_chunk[i], part->slice_records[i]);
    whole->records += part->records - (first ? 0 : KB_EVTX_CHANNEL_RECORDS);
    whole->chunks += part->chunks;
}

void kb_evtx_prefilter_free(kb_evtx_prefilter *pf)
{
    for (size_t i = 0; i < pf->nnames; i++)
        free(pf->names[i]);
    free(pf->names);
    free(pf->name_len);
    free(pf->item);
    free(pf->index);
    free(pf->id);
    free(pf->slice_chunk);
    free(pf->slice_records);
    pf->names = NULL;
    pf->index = pf->id = pf->slice_chunk = NULL;
    pf->slice_records = NULL;
    pf->nnames = pf->n = pf->nslice = 0;
}
