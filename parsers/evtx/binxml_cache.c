/* binxml_cache.c: the templates of a log, compiled once and kept across
 * chunks. Each chunk writes again the templates its records use, at offsets
 * of its own; a template is found by its GUID and definition size, and
 * reused only when its bytes are the same, at the same offset unless no name
 * is written inside it, and the names it takes from elsewhere in the chunk
 * are still the same there: only then is the compiled form certainly the
 * one a new compile would give. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx/binxml_internal.h"

#define DEF_HEADER 24 /* next offset, GUID, data size */

static size_t bucket_of(const uint8_t *guid, uint32_t size)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ guid[i]) * 16777619u;
    h = (h ^ size) * 16777619u;
    return h % KB_BX_BUCKETS;
}

static void template_free(kb_bx_template *t)
{
    kb_bx_prog_free(&t->prog);
    free(t->bytes);
    free(t);
}

void kb_bx_cache_clear(kb_binxml_ctx *ctx)
{
    for (size_t i = 0; i < KB_BX_BUCKETS; i++) {
        while (ctx->buckets[i]) {
            kb_bx_template *t = ctx->buckets[i];
            ctx->buckets[i] = t->next;
            template_free(t);
        }
    }
    ctx->ntemplates = 0;
    ctx->template_bytes = 0;
}

/* The names taken from outside the definition are unchanged in this chunk. */
static int names_same(const kb_binxml_ctx *ctx, const kb_bx_prog *p)
{
    for (size_t i = 0; i < p->next; i++) {
        const kb_bx_extname *e = &p->ext[i];
        if (e->off > ctx->chunk_len || e->len > ctx->chunk_len - e->off ||
            memcmp(ctx->chunk + e->off, p->extbytes + e->copy, e->len) != 0)
            return 0;
    }
    return 1;
}

static int reusable(const kb_binxml_ctx *ctx, const kb_bx_template *t, const uint8_t *guid, uint32_t def_off,
                    uint32_t size)
{
    return t->size == size && memcmp(t->guid, guid, 16) == 0 && (t->def_off == def_off || !t->prog.has_inline) &&
           memcmp(t->bytes, ctx->chunk + def_off + DEF_HEADER, size) == 0 && names_same(ctx, &t->prog);
}

static kb_status compile_new(kb_binxml_ctx *ctx, uint32_t def_off, uint32_t size, size_t bucket,
                             const kb_bx_template **out)
{
    kb_bx_template *t = calloc(1, sizeof *t);
    if (!t || !(t->bytes = malloc(size ? size : 1))) {
        free(t);
        return kb_bx_nomem(ctx);
    }
    memcpy(t->guid, ctx->chunk + def_off + 4, 16);
    memcpy(t->bytes, ctx->chunk + def_off + DEF_HEADER, size);
    t->size = size;
    t->def_off = def_off;
    kb_status st = kb_bx_compile(ctx, &t->prog, (size_t)def_off + DEF_HEADER, (size_t)def_off + DEF_HEADER + size, 1);
    if (st != KB_OK) {
        /* Say which template, before the reason. */
        char why[sizeof ctx->err - 64];
        memcpy(why, ctx->err, sizeof why - 1);
        why[sizeof why - 1] = '\0';
        snprintf(ctx->err, sizeof ctx->err, "template definition at chunk offset 0x%x: %s", (unsigned)def_off, why);
        template_free(t);
        return st;
    }
    t->next = ctx->buckets[bucket];
    ctx->buckets[bucket] = t;
    ctx->ntemplates++;
    ctx->template_bytes += sizeof *t + size + t->prog.cap * sizeof *t->prog.nodes + t->prog.pool_cap +
                           t->prog.ext_cap * sizeof *t->prog.ext + t->prog.extbytes_cap;
    *out = t;
    return KB_OK;
}

kb_status kb_bx_template_get(kb_binxml_ctx *ctx, uint32_t def_off, const kb_bx_template **out)
{
    if (def_off > ctx->chunk_len || ctx->chunk_len - def_off < DEF_HEADER)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, def_off, "template definition header runs past the chunk");
    uint32_t size = kb_bx_u32(ctx->chunk + def_off + 20);
    if (size > ctx->chunk_len - def_off - DEF_HEADER)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, def_off, "template definition of %u bytes runs past the chunk",
                          (unsigned)size);
    const uint8_t *guid = ctx->chunk + def_off + 4;
    size_t bucket = bucket_of(guid, size);
    for (const kb_bx_template *t = ctx->buckets[bucket]; t; t = t->next) {
        if (reusable(ctx, t, guid, def_off, size)) {
            ctx->reuses++;
            *out = t;
            return KB_OK;
        }
    }
    return compile_new(ctx, def_off, size, bucket, out);
}
