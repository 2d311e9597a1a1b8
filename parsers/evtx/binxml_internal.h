/* binxml_internal.h: the decoder's inner parts, shared by its files and
 * nothing else. A BinXml stream (a template definition, a record, a nested
 * BinXml value) is first compiled into a flat list of nodes (elements,
 * attributes, literal text, substitutions, template instances); a record is
 * then decoded by walking the nodes with its substitution values, which
 * feeds the record builder (binxml_record.c) one element at a time.
 * Templates are compiled once and kept (binxml_cache.c). */
#ifndef KB_BINXML_INTERNAL_H
#define KB_BINXML_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "evtx/binxml.h"
#include "evtx/binxml_value.h"

enum kb_bx_node_kind {
    KB_BXN_OPEN = 1, /* a: name (pool offset); b: index of its CLOSE */
    KB_BXN_ATTR,     /* a: name; b: number of piece nodes (TEXT, SUBST) after it */
    KB_BXN_TEXT,     /* a: UTF-8 text (pool offset); b: its length */
    KB_BXN_SUBST,    /* a: value index; type: declared type; optional: 0x0e */
    KB_BXN_CLOSE,
    KB_BXN_TI        /* a: chunk offset of the template definition; b: of the value count */
};

/* The element and attribute names the record builder looks for, known by
 * number (found once, when a stream is compiled) rather than compared as
 * strings for every record. */
enum kb_bx_name_id {
    KB_BXI_OTHER = 0,
    KB_BXI_SYSTEM,
    KB_BXI_PROVIDER, /* System's children, in this order (binxml_record.c) */
    KB_BXI_EVENT_ID,
    KB_BXI_VERSION,
    KB_BXI_LEVEL,
    KB_BXI_TASK,
    KB_BXI_OPCODE,
    KB_BXI_KEYWORDS,
    KB_BXI_TIME_CREATED,
    KB_BXI_EVENT_RECORD_ID,
    KB_BXI_CORRELATION,
    KB_BXI_EXECUTION,
    KB_BXI_CHANNEL,
    KB_BXI_COMPUTER,
    KB_BXI_SECURITY,
    KB_BXI_EVENTDATA,
    KB_BXI_USERDATA,
    KB_BXI_PROCESSING_ERROR,
    KB_BXI_DEBUGDATA,
    KB_BXI_BINARY,
    KB_BXI_NAME,
    KB_BXI_GUID,
    KB_BXI_EVENT_SOURCE_NAME,
    KB_BXI_QUALIFIERS,
    KB_BXI_SYSTEM_TIME,
    KB_BXI_PROCESS_ID,
    KB_BXI_THREAD_ID,
    KB_BXI_USER_ID,
    KB_BXI_ACTIVITY_ID,
    KB_BXI_RELATED_ACTIVITY_ID,
    KB_BXI_XMLNS /* xmlns and xmlns:prefix */
};

typedef struct kb_bx_node {
    uint8_t kind;
    uint8_t type;      /* SUBST: declared value type; OPEN, ATTR: kb_bx_name_id */
    uint8_t optional;
    uint8_t has_subst; /* OPEN: a substitution among its direct content */
    uint32_t a, b;
    uint32_t at;       /* chunk offset of the token, for messages */
} kb_bx_node;

/* A name outside a template's own bytes, checked again before reuse:
 * chunk offset and where a copy of its length and characters is kept. */
typedef struct kb_bx_extname {
    uint32_t off, copy, len;
} kb_bx_extname;

typedef struct kb_bx_prog {
    kb_bx_node *nodes;
    size_t n, cap;
    char *pool; /* names and literal text, NUL-terminated UTF-8 */
    size_t pool_len, pool_cap;
    kb_bx_extname *ext;
    size_t next, ext_cap;
    uint8_t *extbytes;
    size_t extbytes_len, extbytes_cap;
    int has_inline; /* a name written inside the stream itself */
} kb_bx_prog;

typedef struct kb_bx_template {
    struct kb_bx_template *next; /* hash chain */
    uint8_t guid[16];
    uint32_t size, def_off;
    uint8_t *bytes; /* a copy of the definition, compared before reuse */
    kb_bx_prog prog;
} kb_bx_template;

/* A substitution value of the template instance being walked. */
typedef struct kb_bx_val {
    uint8_t type;
    uint32_t off, size; /* chunk offset and size of its bytes */
} kb_bx_val;

/* What the element or attribute being rendered is made of. */
typedef struct kb_bx_info {
    uint8_t type;  /* of the last substitution */
    uint8_t flags; /* KB_BINXML_FIELD_SUBST, _EMPTY, _ARRAY */
    uint32_t raw_off, raw_len;
} kb_bx_info;

/* One open element of the record being built. */
typedef struct kb_bx_frame {
    const char *name;
    size_t content_start; /* text offset where its content began */
    size_t path_len;      /* length of the path up to and with it */
    size_t data_name;     /* text offset of a Data's Name attribute, or SIZE_MAX */
    kb_bx_info info;
    uint8_t section;      /* kb_binxml_section, 0 outside the payload */
    uint8_t system;       /* which System element (binxml_record.c), 0: none */
    uint8_t had_child;
    uint8_t binary;       /* a <Binary> element */
} kb_bx_frame;

/* A field while the record is built: text offsets, not yet pointers. */
typedef struct kb_bx_pfield {
    size_t elem, name, value, value_len; /* name: SIZE_MAX when none */
    uint8_t section, type, flags;
} kb_bx_pfield;

/* The System strings kept while building (text offsets or SIZE_MAX). */
enum {
    KB_BXS_PROVIDER_NAME,
    KB_BXS_PROVIDER_GUID,
    KB_BXS_EVENT_SOURCE,
    KB_BXS_CHANNEL,
    KB_BXS_COMPUTER,
    KB_BXS_USER_ID,
    KB_BXS_ACTIVITY,
    KB_BXS_RELATED_ACTIVITY,
    KB_BXS_COUNT
};

#define KB_BX_BUCKETS 1024

struct kb_binxml_ctx {
    /* The record being decoded. */
    const uint8_t *chunk;
    size_t chunk_len, rec_off, rec_size;
    int peek;          /* stop once System is read */
    int cut;           /* the record's end is damaged: its size copy is not checked */
    int stop;
    uint32_t steps;
    kb_bx_array_cursor array_at; /* where the last array item was found */
    char err[320];
    /* Templates, across chunks. */
    kb_bx_template *buckets[KB_BX_BUCKETS];
    size_t ntemplates, template_bytes;
    uint64_t reuses;
    /* Streams that are not templates, one per nesting level. */
    kb_bx_prog raw[KB_BINXML_MAX_NESTING + 1];
    /* Substitution values of the template instances being walked. */
    kb_bx_val *vals;
    size_t nvals, vals_cap;
    /* The record builder. */
    kb_bx_text text;
    kb_bx_frame frames[KB_BINXML_MAX_DEPTH];
    size_t depth;
    size_t elements;   /* opened in this record */
    char path[1024];
    size_t path_len;
    kb_bx_pfield *pfields;
    size_t npfields, pfields_cap;
    kb_binxml_field *fields;
    size_t fields_cap;
    size_t sys[KB_BXS_COUNT];
    kb_binxml_record *out;
};

/* Sets the error message ("... at chunk offset 0x.. (record offset N)")
 * and returns status. */
kb_status kb_bx_fail(kb_binxml_ctx *ctx, kb_status status, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
kb_status kb_bx_nomem(kb_binxml_ctx *ctx);

/* Compiles the stream [start, end) of the chunk. template_mode: a template
 * definition (elements carry a dependency id, substitutions allowed);
 * otherwise a record or a BinXml value (template instances allowed). */
kb_status kb_bx_compile(kb_binxml_ctx *ctx, kb_bx_prog *prog, size_t start, size_t end, int template_mode);
void kb_bx_prog_reset(kb_bx_prog *prog);
void kb_bx_prog_free(kb_bx_prog *prog);

/* The template defined at chunk offset def_off: from the cache when the
 * same definition was met before (in this chunk or another), else compiled
 * and kept. */
kb_status kb_bx_template_get(kb_binxml_ctx *ctx, uint32_t def_off, const kb_bx_template **out);
void kb_bx_cache_clear(kb_binxml_ctx *ctx);

/* Record builder: called by the walker (binxml.c). */
uint8_t kb_bx_name_id(const char *name);
void kb_bx_build_begin(kb_binxml_ctx *ctx, kb_binxml_record *out);
kb_status kb_bx_build_open(kb_binxml_ctx *ctx, const char *name, uint8_t id, size_t at);
void kb_bx_build_content(kb_binxml_ctx *ctx);
kb_status kb_bx_build_attr(kb_binxml_ctx *ctx, const char *name, uint8_t id, size_t start, const kb_bx_info *info);
kb_status kb_bx_build_close(kb_binxml_ctx *ctx);
kb_status kb_bx_build_end(kb_binxml_ctx *ctx);
/* In a peek, whether the element (or, attr set, the attribute of the open
 * element) named id is one the peek does not read: it is skipped, never
 * rendered (the prefilter wants the provider, id, record id, channel and
 * computer; a wanted record is decoded again whole). */
int kb_bx_build_skips(const kb_binxml_ctx *ctx, uint8_t id, int attr);

#endif
