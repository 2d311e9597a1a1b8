/* binxml_compile.c: reads a BinXml token stream into the flat node list
 * the walker runs over (binxml_internal.h). Done once per template, and
 * per record only for what is not a template (the record's own stream,
 * nested BinXml values: usually a single template instance).
 *
 * Every read is checked against the space left in the stream, names against
 * the chunk, without adding offsets first. Elements are nested without
 * recursion (an explicit stack, bounded by KB_BINXML_MAX_DEPTH). */
#include <stdlib.h>
#include <string.h>

#include "evtx/binxml_internal.h"

/* BinXml tokens (the 0x40 bit, "more data", masked off). */
enum {
    TOK_EOF = 0x00,
    TOK_OPEN = 0x01,
    TOK_CLOSE_START = 0x02,
    TOK_CLOSE_EMPTY = 0x03,
    TOK_END = 0x04,
    TOK_VALUE = 0x05,
    TOK_ATTR = 0x06,
    TOK_CDATA = 0x07,
    TOK_CHARREF = 0x08,
    TOK_ENTITYREF = 0x09,
    TOK_PI_TARGET = 0x0a,
    TOK_PI_DATA = 0x0b,
    TOK_TEMPLATE = 0x0c,
    TOK_SUBST = 0x0d,
    TOK_OPT_SUBST = 0x0e,
    TOK_FRAGMENT = 0x0f,
    TOK_MORE = 0x40
};

typedef struct reader {
    kb_binxml_ctx *ctx;
    kb_bx_prog *prog;
    size_t pos, end;
    int template_mode;
    uint32_t stack[KB_BINXML_MAX_DEPTH]; /* node index of each open element */
    size_t depth;
} reader;

void kb_bx_prog_reset(kb_bx_prog *prog)
{
    prog->n = 0;
    prog->pool_len = 0;
    prog->next = 0;
    prog->extbytes_len = 0;
    prog->has_inline = 0;
}

void kb_bx_prog_free(kb_bx_prog *prog)
{
    free(prog->nodes);
    free(prog->pool);
    free(prog->ext);
    free(prog->extbytes);
    memset(prog, 0, sizeof *prog);
}

/* Grows an array of size-byte items to hold one more. */
static int grow(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    if (ncap > SIZE_MAX / size)
        return -1;
    void *p = realloc(*items, ncap * size);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

static kb_status need(reader *r, size_t n, const char *what)
{
    if (n > r->end - r->pos)
        return kb_bx_fail(r->ctx, KB_ERR_FORMAT, r->pos, "%s runs past the end of its BinXml stream", what);
    return KB_OK;
}

static kb_status add_node(reader *r, uint8_t kind, uint32_t a, uint32_t b, size_t at, uint32_t *index)
{
    kb_bx_prog *p = r->prog;
    if (p->n >= UINT32_MAX || grow((void **)&p->nodes, &p->cap, p->n, sizeof *p->nodes))
        return kb_bx_nomem(r->ctx);
    kb_bx_node *node = &p->nodes[p->n];
    memset(node, 0, sizeof *node);
    node->kind = kind;
    node->a = a;
    node->b = b;
    node->at = (uint32_t)at;
    if (index)
        *index = (uint32_t)p->n;
    p->n++;
    return KB_OK;
}

/* Reserves room in the pool; *off is where it starts. */
static kb_status pool_reserve(reader *r, size_t n, size_t *off)
{
    kb_bx_prog *p = r->prog;
    if (n > UINT32_MAX - p->pool_len)
        return kb_bx_fail(r->ctx, KB_ERR_LIMIT, r->pos, "BinXml text too long");
    if (p->pool_len + n > p->pool_cap) {
        size_t cap = p->pool_cap ? p->pool_cap : 1024;
        while (cap < p->pool_len + n)
            cap *= 2;
        char *np = realloc(p->pool, cap);
        if (!np)
            return kb_bx_nomem(r->ctx);
        p->pool = np;
        p->pool_cap = cap;
    }
    *off = p->pool_len;
    return KB_OK;
}

/* UTF-16 text (n bytes at chunk offset src) into the pool, NUL-terminated. */
static kb_status pool_utf16(reader *r, size_t src, size_t n, size_t *off, size_t *len)
{
    kb_bx_text t = {0};
    kb_status st = pool_reserve(r, (n / 2) * 3 + 1, off);
    if (st != KB_OK)
        return st;
    t.data = r->prog->pool;
    t.len = *off;
    t.cap = r->prog->pool_cap;
    t.limit = t.cap;
    kb_bx_utf16_append(&t, r->ctx->chunk + src, n); /* room was reserved */
    *len = t.len - *off;
    t.data[t.len++] = '\0';
    r->prog->pool_len = t.len;
    return KB_OK;
}

/* Remembers a name outside the template's bytes, to check it on reuse. */
static kb_status note_external(reader *r, size_t off, size_t nbytes)
{
    kb_bx_prog *p = r->prog;
    if (grow((void **)&p->ext, &p->ext_cap, p->next, sizeof *p->ext))
        return kb_bx_nomem(r->ctx);
    if (nbytes > p->extbytes_cap - p->extbytes_len) {
        size_t cap = p->extbytes_cap ? p->extbytes_cap : 256;
        while (cap - p->extbytes_len < nbytes)
            cap *= 2;
        uint8_t *nb = realloc(p->extbytes, cap);
        if (!nb)
            return kb_bx_nomem(r->ctx);
        p->extbytes = nb;
        p->extbytes_cap = cap;
    }
    memcpy(p->extbytes + p->extbytes_len, r->ctx->chunk + off, nbytes);
    p->ext[p->next++] = (kb_bx_extname){(uint32_t)off, (uint32_t)p->extbytes_len, (uint32_t)nbytes};
    p->extbytes_len += nbytes;
    return KB_OK;
}

/* The name whose chunk offset was just read (the stream is past the offset
 * field). A name placed right there is inside the stream and skipped over;
 * any other offset is a name written earlier in the chunk. */
static kb_status read_name(reader *r, uint32_t name_off, size_t *pool_off)
{
    kb_binxml_ctx *ctx = r->ctx;
    size_t len;
    if (name_off > ctx->chunk_len || ctx->chunk_len - name_off < 8)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, r->pos, "name offset 0x%x is outside the chunk", (unsigned)name_off);
    size_t chars = kb_bx_u16(ctx->chunk + name_off + 6);
    size_t bytes = 8 + 2 * chars + 2;
    if (bytes > ctx->chunk_len - name_off)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, r->pos, "name at chunk offset 0x%x runs past the chunk",
                          (unsigned)name_off);
    if (name_off == r->pos) {
        kb_status st = need(r, bytes, "name");
        if (st != KB_OK)
            return st;
        r->pos += bytes;
        r->prog->has_inline = 1;
    } else if (r->template_mode) {
        kb_status st = note_external(r, name_off + 6, 2 + 2 * chars);
        if (st != KB_OK)
            return st;
    }
    return pool_utf16(r, name_off + 8, 2 * chars, pool_off, &len);
}

static kb_status read_u32(reader *r, uint32_t *v, const char *what)
{
    kb_status st = need(r, 4, what);
    if (st == KB_OK) {
        *v = kb_bx_u32(r->ctx->chunk + r->pos);
        r->pos += 4;
    }
    return st;
}

/* A length-prefixed UTF-16 string (value, CDATA, PI data) at the stream's
 * position, the token byte(s) already skipped. */
static kb_status read_counted(reader *r, size_t *src, size_t *nbytes, const char *what)
{
    kb_status st = need(r, 2, what);
    if (st != KB_OK)
        return st;
    size_t n = 2 * (size_t)kb_bx_u16(r->ctx->chunk + r->pos);
    r->pos += 2;
    if ((st = need(r, n, what)) != KB_OK)
        return st;
    *src = r->pos;
    *nbytes = n;
    r->pos += n;
    return KB_OK;
}

static kb_status add_text_utf16(reader *r, size_t src, size_t n, size_t at)
{
    size_t off, len;
    kb_status st = pool_utf16(r, src, n, &off, &len);
    return st != KB_OK ? st : add_node(r, KB_BXN_TEXT, (uint32_t)off, (uint32_t)len, at, NULL);
}

static kb_status add_text_utf8(reader *r, const char *s, size_t n, size_t at)
{
    size_t off;
    kb_status st = pool_reserve(r, n + 1, &off);
    if (st != KB_OK)
        return st;
    memcpy(r->prog->pool + off, s, n);
    r->prog->pool[off + n] = '\0';
    r->prog->pool_len += n + 1;
    return add_node(r, KB_BXN_TEXT, (uint32_t)off, (uint32_t)n, at, NULL);
}

/* Text tokens: Value, CDATA, character and entity references. */
static kb_status read_text(reader *r, uint8_t tok)
{
    size_t at = r->pos, src, n;
    kb_status st = need(r, 1, "text token");
    if (st != KB_OK)
        return st;
    r->pos++;
    if (tok == TOK_VALUE) {
        if ((st = need(r, 1, "value token")) != KB_OK)
            return st;
        uint8_t type = r->ctx->chunk[r->pos++];
        if (type != KB_BX_STRING)
            return kb_bx_fail(r->ctx, KB_ERR_FORMAT, at, "value token of type 0x%02x (only strings are known)", type);
        if ((st = read_counted(r, &src, &n, "value token")) != KB_OK)
            return st;
        return add_text_utf16(r, src, n, at);
    }
    if (tok == TOK_CDATA) {
        if ((st = read_counted(r, &src, &n, "CDATA section")) != KB_OK)
            return st;
        return add_text_utf16(r, src, n, at);
    }
    if (tok == TOK_CHARREF) {
        if ((st = need(r, 2, "character reference")) != KB_OK)
            return st;
        uint8_t u16[2] = {r->ctx->chunk[r->pos], r->ctx->chunk[r->pos + 1]};
        r->pos += 2;
        char tmp[8];
        kb_bx_text t = {tmp, 0, sizeof tmp, sizeof tmp};
        kb_bx_utf16_append(&t, u16, 2); /* a lone surrogate: U+FFFD */
        return add_text_utf8(r, tmp, t.len, at);
    }
    /* Entity reference: the five XML ones become their character. */
    uint32_t name_off;
    size_t pool_off;
    if ((st = read_u32(r, &name_off, "entity reference")) != KB_OK ||
        (st = read_name(r, name_off, &pool_off)) != KB_OK)
        return st;
    static const char *const names[] = {"amp", "lt", "gt", "quot", "apos"};
    static const char chars[] = "&<>\"'";
    const char *name = r->prog->pool + pool_off;
    for (size_t i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0)
            return add_text_utf8(r, &chars[i], 1, at);
    char tmp[80];
    size_t len = strlen(name);
    if (len > sizeof tmp - 3)
        len = sizeof tmp - 3;
    tmp[0] = '&';
    memcpy(tmp + 1, name, len);
    tmp[len + 1] = ';';
    return add_text_utf8(r, tmp, len + 2, at);
}

static kb_status read_subst(reader *r, uint8_t tok, kb_bx_node **parent)
{
    size_t at = r->pos;
    uint32_t index;
    if (!r->template_mode)
        return kb_bx_fail(r->ctx, KB_ERR_FORMAT, at, "substitution outside a template");
    kb_status st = need(r, 4, "substitution");
    if (st != KB_OK)
        return st;
    const uint8_t *p = r->ctx->chunk + r->pos;
    r->pos += 4;
    if ((st = add_node(r, KB_BXN_SUBST, kb_bx_u16(p + 1), 0, at, &index)) != KB_OK)
        return st;
    r->prog->nodes[index].type = p[3];
    r->prog->nodes[index].optional = tok == TOK_OPT_SUBST;
    if (parent)
        *parent = r->depth ? &r->prog->nodes[r->stack[r->depth - 1]] : NULL;
    return KB_OK;
}

/* Attribute: name, then its value pieces. */
static kb_status read_attribute(reader *r)
{
    size_t at = r->pos;
    uint32_t name_off, index;
    size_t pool_off;
    r->pos++;
    kb_status st = read_u32(r, &name_off, "attribute");
    if (st != KB_OK || (st = read_name(r, name_off, &pool_off)) != KB_OK ||
        (st = add_node(r, KB_BXN_ATTR, (uint32_t)pool_off, 0, at, &index)) != KB_OK)
        return st;
    r->prog->nodes[index].type = kb_bx_name_id(r->prog->pool + pool_off);
    uint32_t pieces = 0;
    while (r->pos < r->end) {
        uint8_t tok = r->ctx->chunk[r->pos] & (uint8_t)~TOK_MORE;
        if (tok == TOK_VALUE || tok == TOK_CHARREF || tok == TOK_ENTITYREF)
            st = read_text(r, tok);
        else if (tok == TOK_SUBST || tok == TOK_OPT_SUBST)
            st = read_subst(r, tok, NULL);
        else
            break;
        if (st != KB_OK)
            return st;
        pieces++;
    }
    r->prog->nodes[index].b = pieces;
    return KB_OK;
}

/* Start tag: [dependency id], data size, name, [attributes], close. */
static kb_status read_open(reader *r)
{
    size_t at = r->pos;
    uint8_t tok = r->ctx->chunk[r->pos];
    uint32_t size, name_off, index, attr_size;
    size_t pool_off;
    if (r->depth >= KB_BINXML_MAX_DEPTH)
        return kb_bx_fail(r->ctx, KB_ERR_LIMIT, at, "elements nested deeper than %d", KB_BINXML_MAX_DEPTH);
    r->pos++;
    kb_status st = r->template_mode ? need(r, 2, "element") : KB_OK;
    if (st != KB_OK)
        return st;
    if (r->template_mode)
        r->pos += 2;
    if ((st = read_u32(r, &size, "element")) != KB_OK || (st = read_u32(r, &name_off, "element")) != KB_OK ||
        (st = read_name(r, name_off, &pool_off)) != KB_OK ||
        (st = add_node(r, KB_BXN_OPEN, (uint32_t)pool_off, 0, at, &index)) != KB_OK)
        return st;
    r->prog->nodes[index].type = kb_bx_name_id(r->prog->pool + pool_off);
    if (tok & TOK_MORE) {
        if ((st = read_u32(r, &attr_size, "attribute list")) != KB_OK)
            return st;
        while (r->pos < r->end && (r->ctx->chunk[r->pos] & (uint8_t)~TOK_MORE) == TOK_ATTR)
            if ((st = read_attribute(r)) != KB_OK)
                return st;
    }
    if ((st = need(r, 1, "start tag")) != KB_OK)
        return st;
    uint8_t close = r->ctx->chunk[r->pos];
    if (close != TOK_CLOSE_START && close != TOK_CLOSE_EMPTY)
        return kb_bx_fail(r->ctx, KB_ERR_FORMAT, r->pos, "BinXml token 0x%02x where a start tag should close",
                          close);
    r->pos++;
    if (close == TOK_CLOSE_START) {
        r->stack[r->depth++] = index;
        return KB_OK;
    }
    uint32_t close_index;
    if ((st = add_node(r, KB_BXN_CLOSE, 0, 0, r->pos - 1, &close_index)) == KB_OK)
        r->prog->nodes[index].b = close_index;
    return st;
}

static kb_status read_end(reader *r)
{
    uint32_t close_index;
    if (r->depth == 0)
        return kb_bx_fail(r->ctx, KB_ERR_FORMAT, r->pos, "end tag with no element open");
    kb_status st = add_node(r, KB_BXN_CLOSE, 0, 0, r->pos, &close_index);
    if (st == KB_OK)
        r->prog->nodes[r->stack[--r->depth]].b = close_index;
    r->pos++;
    return st;
}

/* Processing instruction: its target and data are read and dropped. */
static kb_status read_pi(reader *r, uint8_t tok)
{
    size_t src, n, pool_off;
    uint32_t name_off;
    kb_status st;
    r->pos++;
    if (tok == TOK_PI_DATA)
        return read_counted(r, &src, &n, "PI data");
    size_t pool_mark = r->prog->pool_len;
    if ((st = read_u32(r, &name_off, "PI target")) != KB_OK || (st = read_name(r, name_off, &pool_off)) != KB_OK)
        return st;
    r->prog->pool_len = pool_mark;
    return KB_OK;
}

/* Template instance: header, an inline definition when its offset is right
 * here, then the value descriptors and values, which the walker reads. */
static kb_status read_template_instance(reader *r)
{
    size_t at = r->pos;
    uint32_t def_off, count, values_at;
    if (r->template_mode)
        return kb_bx_fail(r->ctx, KB_ERR_FORMAT, at, "template instance inside a template definition");
    kb_status st = need(r, 6, "template instance");
    if (st != KB_OK)
        return st;
    r->pos += 6;
    if ((st = read_u32(r, &def_off, "template instance")) != KB_OK)
        return st;
    if (def_off == r->pos) {
        if ((st = need(r, 24, "template definition")) != KB_OK)
            return st;
        uint32_t size = kb_bx_u32(r->ctx->chunk + r->pos + 20);
        r->pos += 24;
        if ((st = need(r, size, "template definition")) != KB_OK)
            return st;
        r->pos += size;
    }
    values_at = (uint32_t)r->pos;
    if ((st = read_u32(r, &count, "template values")) != KB_OK)
        return st;
    if (count > (r->end - r->pos) / 4)
        return kb_bx_fail(r->ctx, KB_ERR_FORMAT, r->pos, "%u value descriptors run past the end of the stream",
                          (unsigned)count);
    size_t total = 0;
    for (uint32_t i = 0; i < count; i++)
        total += kb_bx_u16(r->ctx->chunk + r->pos + 4 * (size_t)i);
    r->pos += 4 * (size_t)count;
    if ((st = need(r, total, "template values")) != KB_OK)
        return st;
    r->pos += total;
    return add_node(r, KB_BXN_TI, def_off, values_at, at, NULL);
}

static kb_status read_token(reader *r, int *done)
{
    uint8_t raw = r->ctx->chunk[r->pos], tok = raw & (uint8_t)~TOK_MORE;
    kb_bx_node *parent = NULL;
    kb_status st;
    switch (tok) {
    case TOK_EOF:
        if (r->depth)
            return kb_bx_fail(r->ctx, KB_ERR_FORMAT, r->pos, "end of BinXml stream inside an element");
        r->pos++;
        *done = 1;
        return KB_OK;
    case TOK_FRAGMENT:
        if ((st = need(r, 4, "fragment header")) == KB_OK)
            r->pos += 4;
        return st;
    case TOK_OPEN: return read_open(r);
    case TOK_END: return read_end(r);
    case TOK_VALUE: case TOK_CDATA: case TOK_CHARREF: case TOK_ENTITYREF:
        if (!r->depth)
            return kb_bx_fail(r->ctx, KB_ERR_FORMAT, r->pos, "text outside any element");
        return read_text(r, tok);
    case TOK_PI_TARGET: case TOK_PI_DATA: return read_pi(r, tok);
    case TOK_SUBST: case TOK_OPT_SUBST:
        if (!r->depth)
            return kb_bx_fail(r->ctx, KB_ERR_FORMAT, r->pos, "substitution outside any element");
        if ((st = read_subst(r, tok, &parent)) == KB_OK && parent)
            parent->has_subst = 1;
        return st;
    case TOK_TEMPLATE: return read_template_instance(r);
    default:
        return kb_bx_fail(r->ctx, KB_ERR_FORMAT, r->pos, "unknown BinXml token 0x%02x", raw);
    }
}

kb_status kb_bx_compile(kb_binxml_ctx *ctx, kb_bx_prog *prog, size_t start, size_t end, int template_mode)
{
    reader r = {.ctx = ctx, .prog = prog, .pos = start, .end = end, .template_mode = template_mode};
    int done = 0;
    kb_bx_prog_reset(prog);
    if (start > end || end > ctx->chunk_len || end - start > UINT32_MAX)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, start, "BinXml stream outside the chunk");
    while (!done && r.pos < r.end) {
        kb_status st = read_token(&r, &done);
        if (st != KB_OK)
            return st;
    }
    if (r.depth)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, r.pos, "BinXml stream ends inside element");
    return KB_OK;
}
