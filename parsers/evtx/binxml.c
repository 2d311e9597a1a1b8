/* binxml.c: the decoder's entry points and its walker. A record's stream is
 * compiled (usually one template instance), then walked: each template
 * instance runs its cached template's nodes with the record's substitution
 * values, a BinXml value is compiled and walked in place one nesting level
 * down, and arrays repeat their element once per item (as libevtx and the
 * Rust evtx crate do). What the walk meets goes to the record builder.
 * Nesting, element depth, steps and text are bounded (binxml.h), so a
 * hostile chunk costs bounded time and memory. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx/binxml_internal.h"

#define RECORD_HEADER 24
#define RECORD_MAGIC 0x00002a2au
#define NO_ITEM SIZE_MAX

typedef struct walk {
    const kb_bx_prog *prog;
    size_t vbase, nvals; /* this instance's values in ctx->vals */
    int level;           /* BinXml nesting level */
} walk;

static kb_status walk_range(kb_binxml_ctx *ctx, const walk *w, size_t i, size_t end, size_t item);

kb_status kb_bx_fail(kb_binxml_ctx *ctx, kb_status status, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof ctx->err ? (size_t)n : sizeof ctx->err - 1;
    if (at >= ctx->rec_off && at - ctx->rec_off < ctx->rec_size)
        snprintf(ctx->err + len, sizeof ctx->err - len, " at chunk offset 0x%zx (record offset %zu)", at,
                 at - ctx->rec_off);
    else
        snprintf(ctx->err + len, sizeof ctx->err - len, " at chunk offset 0x%zx", at);
    return status;
}

kb_status kb_bx_nomem(kb_binxml_ctx *ctx)
{
    snprintf(ctx->err, sizeof ctx->err, "out of memory");
    return KB_ERR_NOMEM;
}

kb_binxml_ctx *kb_binxml_new(void)
{
    kb_binxml_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx)
        ctx->text.limit = KB_BINXML_MAX_TEXT;
    return ctx;
}

void kb_binxml_free(kb_binxml_ctx *ctx)
{
    if (!ctx)
        return;
    kb_bx_cache_clear(ctx);
    for (size_t i = 0; i <= KB_BINXML_MAX_NESTING; i++)
        kb_bx_prog_free(&ctx->raw[i]);
    free(ctx->vals);
    kb_bx_text_free(&ctx->text);
    free(ctx->pfields);
    free(ctx->fields);
    free(ctx);
}

const char *kb_binxml_error(const kb_binxml_ctx *ctx)
{
    return ctx->err;
}

size_t kb_binxml_templates(const kb_binxml_ctx *ctx)
{
    return ctx->ntemplates;
}

uint64_t kb_binxml_template_reuses(const kb_binxml_ctx *ctx)
{
    return ctx->reuses;
}

static kb_status render_failed(kb_binxml_ctx *ctx, kb_bx_result r, const kb_bx_node *node, const kb_bx_val *v)
{
    switch (r) {
    case KB_BX_NOMEM: return kb_bx_nomem(ctx);
    case KB_BX_FULL:
        return kb_bx_fail(ctx, KB_ERR_LIMIT, node->at, "record text over %u bytes", KB_BINXML_MAX_TEXT);
    case KB_BX_BADSIZE:
        return kb_bx_fail(ctx, KB_ERR_FORMAT, v->off, "value %u of type %s has %u bytes, a size that type cannot have",
                          (unsigned)node->a, kb_bx_type_name(v->type), (unsigned)v->size);
    default:
        return kb_bx_fail(ctx, KB_ERR_FORMAT, v->off, "value %u has type 0x%02x, which has no text form",
                          (unsigned)node->a, v->type);
    }
}

/* An array value outside an element repeated for it: its items, joined. */
static kb_bx_result render_array(kb_binxml_ctx *ctx, const kb_bx_val *v, size_t item)
{
    const uint8_t *p = ctx->chunk + v->off, *ip;
    size_t ilen;
    uint8_t base = v->type & 0x7f;
    /* Items are asked for in order (an element repeated per item, or all
     * here): the cursor makes that one pass over the array. */
    if (item != NO_ITEM)
        return kb_bx_array_item_at(&ctx->array_at, v->type, p, v->size, item, &ip, &ilen)
                   ? KB_BX_OK
                   : kb_bx_render(&ctx->text, base, ip, ilen);
    kb_bx_result r = KB_BX_OK;
    for (size_t i = 0; r == KB_BX_OK && kb_bx_array_item_at(&ctx->array_at, v->type, p, v->size, i, &ip, &ilen) == 0;
         i++) {
        if (i)
            r = kb_bx_text_append(&ctx->text, ",", 1);
        if (r == KB_BX_OK)
            r = kb_bx_render(&ctx->text, base, ip, ilen);
    }
    return r;
}

/* A nested BinXml value: compiled one level down and walked in place. */
static kb_status walk_binxml(kb_binxml_ctx *ctx, const walk *w, const kb_bx_node *node, const kb_bx_val *v)
{
    if (w->level >= KB_BINXML_MAX_NESTING)
        return kb_bx_fail(ctx, KB_ERR_LIMIT, v->off, "BinXml values nested deeper than %d", KB_BINXML_MAX_NESTING);
    if (v->type & KB_BX_ARRAY)
        return render_failed(ctx, KB_BX_BADTYPE, node, v);
    kb_bx_prog *prog = &ctx->raw[w->level + 1];
    kb_status st = kb_bx_compile(ctx, prog, v->off, (size_t)v->off + v->size, 0);
    if (st != KB_OK)
        return st;
    walk inner = {.prog = prog, .vbase = 0, .nvals = 0, .level = w->level + 1};
    return walk_range(ctx, &inner, 0, prog->n, NO_ITEM);
}

static kb_status walk_subst(kb_binxml_ctx *ctx, const walk *w, const kb_bx_node *node, kb_bx_info *info, size_t item,
                            int in_attr)
{
    if (node->a >= w->nvals)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, node->at, "substitution of value %u, of %zu values", (unsigned)node->a,
                          w->nvals);
    kb_bx_val v = ctx->vals[w->vbase + node->a];
    info->flags |= KB_BINXML_FIELD_SUBST;
    info->type = v.type;
    info->raw_off = v.off;
    info->raw_len = v.size;
    if (v.type == KB_BX_NULL) {
        info->flags |= KB_BINXML_FIELD_EMPTY;
        return KB_OK;
    }
    if ((v.type & 0x7f) == KB_BX_BINXML) {
        if (in_attr)
            return kb_bx_fail(ctx, KB_ERR_FORMAT, node->at, "BinXml value in an attribute");
        return walk_binxml(ctx, w, node, &v);
    }
    kb_bx_result r;
    if (v.type & KB_BX_ARRAY) {
        info->flags |= KB_BINXML_FIELD_ARRAY;
        r = render_array(ctx, &v, item);
    } else {
        r = kb_bx_render(&ctx->text, v.type, ctx->chunk + v.off, v.size);
    }
    return r == KB_BX_OK ? KB_OK : render_failed(ctx, r, node, &v);
}

static kb_status walk_attr(kb_binxml_ctx *ctx, const walk *w, size_t i, size_t item)
{
    const kb_bx_node *attr = &w->prog->nodes[i];
    kb_bx_info info = {0};
    size_t start = ctx->text.len;
    for (size_t k = 1; k <= attr->b; k++) {
        const kb_bx_node *piece = &w->prog->nodes[i + k];
        kb_status st = KB_OK;
        if (piece->kind == KB_BXN_TEXT) {
            if (kb_bx_text_append(&ctx->text, w->prog->pool + piece->a, piece->b) != KB_BX_OK)
                return kb_bx_fail(ctx, KB_ERR_LIMIT, piece->at, "record text over %u bytes", KB_BINXML_MAX_TEXT);
        } else {
            st = walk_subst(ctx, w, piece, &info, item, 1);
        }
        if (st != KB_OK)
            return st;
    }
    return kb_bx_build_attr(ctx, w->prog->pool + attr->a, attr->type, start, &info);
}

/* How many times the element at i is written: once per item of the first
 * array value among its direct content, else once. */
static size_t repeats(const kb_binxml_ctx *ctx, const walk *w, size_t i, int *is_array)
{
    const kb_bx_node *nodes = w->prog->nodes;
    *is_array = 0;
    if (!nodes[i].has_subst)
        return 1;
    for (size_t j = i + 1; j < nodes[i].b; j++) {
        if (nodes[j].kind == KB_BXN_OPEN) {
            j = nodes[j].b;
            continue;
        }
        if (nodes[j].kind != KB_BXN_SUBST || nodes[j].a >= w->nvals)
            continue;
        const kb_bx_val *v = &ctx->vals[w->vbase + nodes[j].a];
        if ((v->type & KB_BX_ARRAY) && (v->type & 0x7f) != KB_BX_BINXML) {
            size_t n = kb_bx_array_count(v->type, ctx->chunk + v->off, v->size);
            *is_array = 1;
            return n ? n : 1; /* an empty array still writes the element, empty */
        }
    }
    return 1;
}

/* Whether the nodes [i, end) (an element the peek does not read, or an
 * attribute's pieces) may be skipped: only plain values, each one that
 * kb_bx_render would render. Anything else (an array, a BinXml value, a
 * template instance, a bad value) is walked as a decode walks it, so that
 * a peek fails on the same records, with the same reason. */
static int skippable(kb_binxml_ctx *ctx, const walk *w, size_t i, size_t end)
{
    if (end - i > KB_BINXML_MAX_STEPS - ctx->steps)
        return 0;
    size_t n = end - i;
    for (; i < end; i++) {
        const kb_bx_node *node = &w->prog->nodes[i];
        if (node->kind == KB_BXN_TI)
            return 0;
        if (node->kind != KB_BXN_SUBST)
            continue;
        if (node->a >= w->nvals)
            return 0;
        const kb_bx_val *v = &ctx->vals[w->vbase + node->a];
        if ((v->type & KB_BX_ARRAY) || (v->type & 0x7f) == KB_BX_BINXML ||
            kb_bx_value_check(v->type, ctx->chunk + v->off, v->size) != KB_BX_OK)
            return 0;
    }
    ctx->steps += (uint32_t)n; /* counted as a walk would count them */
    return 1;
}

static kb_status walk_element(kb_binxml_ctx *ctx, const walk *w, size_t i)
{
    const kb_bx_node *open = &w->prog->nodes[i];
    size_t close = open->b, j;
    int is_array;
    if (kb_bx_build_skips(ctx, open->type, 0) && skippable(ctx, w, i + 1, close))
        return KB_OK;
    size_t n = repeats(ctx, w, i, &is_array);
    for (size_t rep = 0; rep < n && !ctx->stop; rep++) {
        size_t item = is_array ? rep : NO_ITEM;
        kb_status st = kb_bx_build_open(ctx, w->prog->pool + open->a, open->type, open->at);
        for (j = i + 1; st == KB_OK && j < close && w->prog->nodes[j].kind == KB_BXN_ATTR; j += 1 + w->prog->nodes[j].b)
            if (!kb_bx_build_skips(ctx, w->prog->nodes[j].type, 1) ||
                !skippable(ctx, w, j + 1, j + 1 + w->prog->nodes[j].b))
                st = walk_attr(ctx, w, j, item);
        if (st != KB_OK)
            return st;
        kb_bx_build_content(ctx);
        if ((st = walk_range(ctx, w, j, close, item)) != KB_OK || (st = kb_bx_build_close(ctx)) != KB_OK)
            return st;
    }
    return KB_OK;
}

/* A template instance: its values pushed, its template walked, popped. */
static kb_status walk_instance(kb_binxml_ctx *ctx, const walk *w, const kb_bx_node *node)
{
    const kb_bx_template *t;
    kb_status st = kb_bx_template_get(ctx, node->a, &t);
    if (st != KB_OK)
        return st;
    /* The compile checked the descriptors and values fit in the stream. */
    const uint8_t *p = ctx->chunk + node->b;
    size_t count = kb_bx_u32(p), off = (size_t)node->b + 4 + 4 * count, base = ctx->nvals;
    if (count > ctx->vals_cap - base) {
        size_t cap = ctx->vals_cap ? ctx->vals_cap : 256;
        while (cap - base < count)
            cap *= 2;
        kb_bx_val *nv = realloc(ctx->vals, cap * sizeof *nv);
        if (!nv)
            return kb_bx_nomem(ctx);
        ctx->vals = nv;
        ctx->vals_cap = cap;
    }
    for (size_t i = 0; i < count; i++) {
        const uint8_t *d = p + 4 + 4 * i;
        ctx->vals[base + i] = (kb_bx_val){.type = d[2], .off = (uint32_t)off, .size = kb_bx_u16(d)};
        off += kb_bx_u16(d);
    }
    ctx->nvals = base + count;
    walk inner = {.prog = &t->prog, .vbase = base, .nvals = count, .level = w->level};
    st = walk_range(ctx, &inner, 0, t->prog.n, NO_ITEM);
    ctx->nvals = base;
    return st;
}

static kb_status walk_range(kb_binxml_ctx *ctx, const walk *w, size_t i, size_t end, size_t item)
{
    while (i < end && !ctx->stop) {
        const kb_bx_node *node = &w->prog->nodes[i];
        kb_status st = KB_OK;
        if (++ctx->steps > KB_BINXML_MAX_STEPS)
            return kb_bx_fail(ctx, KB_ERR_LIMIT, node->at, "record expands to more than %u nodes",
                              KB_BINXML_MAX_STEPS);
        switch (node->kind) {
        case KB_BXN_OPEN:
            st = walk_element(ctx, w, i);
            i = node->b;
            break;
        case KB_BXN_TEXT:
            if (kb_bx_text_append(&ctx->text, w->prog->pool + node->a, node->b) != KB_BX_OK)
                return kb_bx_fail(ctx, KB_ERR_LIMIT, node->at, "record text over %u bytes", KB_BINXML_MAX_TEXT);
            break;
        case KB_BXN_SUBST:
            st = walk_subst(ctx, w, node, &ctx->frames[ctx->depth ? ctx->depth - 1 : 0].info, item, 0);
            break;
        case KB_BXN_TI:
            st = walk_instance(ctx, w, node);
            break;
        case KB_BXN_ATTR:
            i += node->b;
            break;
        default:
            break;
        }
        if (st != KB_OK)
            return st;
        i++;
    }
    return KB_OK;
}

static kb_status check_header(kb_binxml_ctx *ctx, kb_binxml_record *out)
{
    if (ctx->rec_off > ctx->chunk_len || ctx->rec_size > ctx->chunk_len - ctx->rec_off)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, ctx->rec_off, "record of %zu bytes runs past the chunk", ctx->rec_size);
    if (ctx->rec_size < RECORD_HEADER + 4)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, ctx->rec_off, "record of %zu bytes is shorter than its header",
                          ctx->rec_size);
    const uint8_t *r = ctx->chunk + ctx->rec_off;
    if (kb_bx_u32(r) != RECORD_MAGIC)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, ctx->rec_off, "no record signature");
    if (kb_bx_u32(r + 4) != ctx->rec_size || (!ctx->cut && kb_bx_u32(r + ctx->rec_size - 4) != ctx->rec_size))
        return kb_bx_fail(ctx, KB_ERR_FORMAT, ctx->rec_off, "record sizes disagree with %zu", ctx->rec_size);
    out->record_id = kb_bx_u64(r + 8);
    out->written_time = kb_bx_u64(r + 16);
    return KB_OK;
}

static kb_status run(kb_binxml_ctx *ctx, const uint8_t *chunk, size_t chunk_len, size_t rec_off, size_t rec_size,
                     kb_binxml_record *out, int peek, int cut)
{
    ctx->cut = cut;
    memset(out, 0, sizeof *out);
    ctx->chunk = chunk;
    ctx->chunk_len = chunk_len;
    ctx->rec_off = rec_off;
    ctx->rec_size = rec_size;
    ctx->peek = peek;
    ctx->stop = 0;
    ctx->steps = 0;
    ctx->array_at = (kb_bx_array_cursor){0}; /* another chunk may sit at the same address */
    ctx->nvals = 0;
    ctx->err[0] = '\0';
    /* Emptied between records only: a walk holds pointers into templates. */
    if (ctx->ntemplates > KB_BINXML_MAX_TEMPLATES || ctx->template_bytes > KB_BINXML_MAX_TEMPLATE_BYTES)
        kb_bx_cache_clear(ctx);
    kb_bx_build_begin(ctx, out);
    kb_status st = check_header(ctx, out);
    if (st == KB_OK)
        st = kb_bx_compile(ctx, &ctx->raw[0], rec_off + RECORD_HEADER, rec_off + rec_size - 4, 0);
    if (st == KB_OK) {
        walk top = {.prog = &ctx->raw[0], .level = 0};
        st = walk_range(ctx, &top, 0, ctx->raw[0].n, NO_ITEM);
    }
    if (st == KB_OK)
        st = kb_bx_build_end(ctx);
    if (st != KB_OK) {
        uint64_t id = out->record_id, written = out->written_time;
        memset(out, 0, sizeof *out);
        out->record_id = id;
        out->written_time = written;
    }
    return st;
}

kb_status kb_binxml_decode(kb_binxml_ctx *ctx, const uint8_t *chunk, size_t chunk_len, size_t rec_off,
                           size_t rec_size, kb_binxml_record *out)
{
    return run(ctx, chunk, chunk_len, rec_off, rec_size, out, 0, 0);
}

kb_status kb_binxml_decode_cut(kb_binxml_ctx *ctx, const uint8_t *chunk, size_t chunk_len, size_t rec_off,
                               size_t rec_size, kb_binxml_record *out, int peek)
{
    return run(ctx, chunk, chunk_len, rec_off, rec_size, out, peek, 1);
}

kb_status kb_binxml_peek(kb_binxml_ctx *ctx, const uint8_t *chunk, size_t chunk_len, size_t rec_off, size_t rec_size,
                         kb_binxml_record *out)
{
    return run(ctx, chunk, chunk_len, rec_off, rec_size, out, 1, 0);
}
