/* binxml_record.c: the record builder. The walker hands it elements,
 * attributes and content in document order; it keeps what rules read: the
 * System fields, and the payload (EventData, UserData, ProcessingErrorData,
 * DebugData) as a flat list of fields. Values are rendered straight into
 * the context's text buffer; what is not kept is cut off again (it is
 * always at the end), so the buffer holds only the record's kept strings.
 * Offsets are turned into pointers once the record is complete, since the
 * buffer may move while it grows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx/binxml_internal.h"

#define NONE SIZE_MAX

/* System's children that carry a field: SYS_PROVIDER.. follow the order
 * of KB_BXI_PROVIDER.. */
enum {
    SYS_NONE,
    SYS_ROOT,
    SYS_PROVIDER,
    SYS_EVENT_ID,
    SYS_VERSION,
    SYS_LEVEL,
    SYS_TASK,
    SYS_OPCODE,
    SYS_KEYWORDS,
    SYS_TIME_CREATED,
    SYS_EVENT_RECORD_ID,
    SYS_CORRELATION,
    SYS_EXECUTION,
    SYS_CHANNEL,
    SYS_COMPUTER,
    SYS_SECURITY,
    SYS_OTHER
};

uint8_t kb_bx_name_id(const char *name)
{
    static const char *const names[] = {
        NULL, "System", "Provider", "EventID", "Version", "Level", "Task", "Opcode", "Keywords", "TimeCreated",
        "EventRecordID", "Correlation", "Execution", "Channel", "Computer", "Security", "EventData", "UserData",
        "ProcessingErrorData", "DebugData", "Binary", "Name", "Guid", "EventSourceName", "Qualifiers",
        "SystemTime", "ProcessID", "ThreadID", "UserID", "ActivityID", "RelatedActivityID", "xmlns"};
    for (uint8_t i = 1; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return strncmp(name, "xmlns:", 6) == 0 ? KB_BXI_XMLNS : KB_BXI_OTHER;
}

static uint8_t system_element(uint8_t id)
{
    return id >= KB_BXI_PROVIDER && id <= KB_BXI_SECURITY ? (uint8_t)(SYS_PROVIDER + id - KB_BXI_PROVIDER)
                                                          : SYS_OTHER;
}

static uint8_t section_of(uint8_t id)
{
    switch (id) {
    case KB_BXI_EVENTDATA: return KB_BINXML_EVENTDATA;
    case KB_BXI_USERDATA: return KB_BINXML_USERDATA;
    case KB_BXI_PROCESSING_ERROR: return KB_BINXML_PROCESSING_ERROR;
    case KB_BXI_DEBUGDATA: return KB_BINXML_DEBUGDATA;
    default: return 0;
    }
}

void kb_bx_build_begin(kb_binxml_ctx *ctx, kb_binxml_record *out)
{
    ctx->out = out;
    ctx->text.len = 0;
    ctx->depth = 0;
    ctx->elements = 0;
    ctx->path_len = 0;
    ctx->npfields = 0;
    for (size_t i = 0; i < KB_BXS_COUNT; i++)
        ctx->sys[i] = NONE;
}

static kb_status full(kb_binxml_ctx *ctx)
{
    return kb_bx_fail(ctx, KB_ERR_LIMIT, ctx->rec_off, "record text over %u bytes", KB_BINXML_MAX_TEXT);
}

/* Ends the string that starts at start (it is the buffer's tail). */
static kb_status keep(kb_binxml_ctx *ctx)
{
    return kb_bx_text_append(&ctx->text, "", 1) == KB_BX_OK ? KB_OK : full(ctx);
}

static kb_status copy_string(kb_binxml_ctx *ctx, const char *s, size_t n, size_t *off)
{
    *off = ctx->text.len;
    if (kb_bx_text_append(&ctx->text, s, n) != KB_BX_OK)
        return full(ctx);
    return keep(ctx);
}

kb_status kb_bx_build_open(kb_binxml_ctx *ctx, const char *name, uint8_t id, size_t at)
{
    if (ctx->depth >= KB_BINXML_MAX_DEPTH)
        return kb_bx_fail(ctx, KB_ERR_LIMIT, at, "elements nested deeper than %d", KB_BINXML_MAX_DEPTH);
    kb_bx_frame *parent = ctx->depth ? &ctx->frames[ctx->depth - 1] : NULL;
    kb_bx_frame *f = &ctx->frames[ctx->depth];
    memset(f, 0, sizeof *f);
    f->name = name;
    f->data_name = NONE;
    f->content_start = ctx->text.len;
    if (parent) {
        parent->had_child = 1;
        f->section = parent->section;
        if (ctx->depth == 1) {
            f->section = section_of(id);
            f->system = id == KB_BXI_SYSTEM ? SYS_ROOT : SYS_NONE;
        } else if (parent->system == SYS_ROOT) {
            f->system = system_element(id);
        }
        f->binary = id == KB_BXI_BINARY;
    }
    /* The path below the section's element, for UserData's field names. */
    if (f->section && ctx->depth >= 2) {
        size_t len = strlen(name), sep = ctx->path_len ? 1 : 0;
        if (len + sep < sizeof ctx->path - ctx->path_len) {
            if (sep)
                ctx->path[ctx->path_len] = '/';
            memcpy(ctx->path + ctx->path_len + sep, name, len);
            ctx->path_len += sep + len;
        }
    }
    f->path_len = ctx->path_len;
    ctx->depth++;
    ctx->elements++;
    return KB_OK;
}

void kb_bx_build_content(kb_binxml_ctx *ctx)
{
    ctx->frames[ctx->depth - 1].content_start = ctx->text.len;
}

static int is_integer_type(uint8_t type)
{
    return (type >= KB_BX_INT8 && type <= KB_BX_UINT64) || type == KB_BX_HEX32 || type == KB_BX_HEX64 ||
           type == KB_BX_SIZET;
}

/* A number: from the value's own bytes when it is a single integer, else
 * from its text (decimal, or 0x hexadecimal). */
static int number_of(const kb_binxml_ctx *ctx, const kb_bx_info *info, size_t start, uint64_t *v)
{
    if ((info->flags & KB_BINXML_FIELD_SUBST) && is_integer_type(info->type)) {
        const uint8_t *p = ctx->chunk + info->raw_off;
        switch (info->raw_len) {
        case 1: *v = p[0]; return 1;
        case 2: *v = kb_bx_u16(p); return 1;
        case 4: *v = kb_bx_u32(p); return 1;
        case 8: *v = kb_bx_u64(p); return 1;
        default: return 0;
        }
    }
    const char *s = ctx->text.data + start, *end = ctx->text.data + ctx->text.len;
    int base = 10;
    uint64_t n = 0;
    if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (s == end)
        return 0;
    for (; s < end; s++) {
        int d = *s >= '0' && *s <= '9' ? *s - '0' : base == 16 && *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
              : base == 16 && *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;
        if (d < 0 || n > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return 0;
        n = n * (uint64_t)base + (uint64_t)d;
    }
    *v = n;
    return 1;
}

/* YYYY-MM-DDThh:mm:ss[.fraction]Z as a FILETIME. */
static int parse_iso_time(const char *s, size_t n, uint64_t *ft)
{
    unsigned y, mo, d, h, mi, sec;
    char tail[2];
    if (n < 19 || n > 40)
        return 0;
    char buf[48];
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (sscanf(buf, "%4u-%2u-%2uT%2u:%2u:%2u%1s", &y, &mo, &d, &h, &mi, &sec, tail) < 6)
        return 0;
    if (y < 1601 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return 0;
    uint64_t frac = 0;
    const char *p = buf + 19;
    if (*p == '.')
        for (int k = 0; k < 7; k++)
            frac = frac * 10 + (uint64_t)(p[1] >= '0' && p[1] <= '9' ? *++p - '0' : 0);
    /* Days since 1601-01-01 (H. Hinnant's days_from_civil, shifted). */
    int64_t yy = (int64_t)y - (mo <= 2), era = yy / 400, yoe = yy - era * 400;
    int64_t doy = (153 * (int64_t)(mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + (int64_t)d - 1;
    int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468 + 134774;
    *ft = ((uint64_t)days * 86400u + h * 3600u + mi * 60u + sec) * 10000000u + frac;
    return 1;
}

static int time_of(const kb_binxml_ctx *ctx, const kb_bx_info *info, size_t start, uint64_t *ft)
{
    if ((info->flags & KB_BINXML_FIELD_SUBST) && info->type == KB_BX_FILETIME && info->raw_len == 8) {
        *ft = kb_bx_u64(ctx->chunk + info->raw_off);
        return 1;
    }
    return parse_iso_time(ctx->text.data + start, ctx->text.len - start, ft);
}

static kb_status system_attr(kb_binxml_ctx *ctx, const kb_bx_frame *f, uint8_t id, size_t start,
                             const kb_bx_info *info)
{
    kb_binxml_record *out = ctx->out;
    uint64_t v;
    int slot = -1;
    switch (f->system) {
    case SYS_PROVIDER:
        slot = id == KB_BXI_NAME ? KB_BXS_PROVIDER_NAME : id == KB_BXI_GUID ? KB_BXS_PROVIDER_GUID
             : id == KB_BXI_EVENT_SOURCE_NAME ? KB_BXS_EVENT_SOURCE : -1;
        break;
    case SYS_EVENT_ID:
        if (id == KB_BXI_QUALIFIERS && number_of(ctx, info, start, &v))
            out->qualifiers = (uint32_t)v, out->has_qualifiers = 1;
        break;
    case SYS_TIME_CREATED:
        if (id == KB_BXI_SYSTEM_TIME && time_of(ctx, info, start, &v))
            out->time_created = v, out->has_time_created = 1;
        break;
    case SYS_EXECUTION:
        if (id == KB_BXI_PROCESS_ID && number_of(ctx, info, start, &v))
            out->process_id = (uint32_t)v, out->has_process_id = 1;
        else if (id == KB_BXI_THREAD_ID && number_of(ctx, info, start, &v))
            out->thread_id = (uint32_t)v, out->has_thread_id = 1;
        break;
    case SYS_SECURITY:
        slot = id == KB_BXI_USER_ID ? KB_BXS_USER_ID : -1;
        break;
    case SYS_CORRELATION:
        slot = id == KB_BXI_ACTIVITY_ID ? KB_BXS_ACTIVITY : id == KB_BXI_RELATED_ACTIVITY_ID ? KB_BXS_RELATED_ACTIVITY : -1;
        break;
    default:
        break;
    }
    if (slot < 0) {
        ctx->text.len = start;
        return KB_OK;
    }
    ctx->sys[slot] = start;
    return keep(ctx);
}

static kb_status add_field(kb_binxml_ctx *ctx, const kb_bx_frame *f, size_t name, size_t value, const kb_bx_info *info,
                           uint8_t extra_flags)
{
    size_t value_len = ctx->text.len - value, elem;
    kb_status st = keep(ctx);
    if (st != KB_OK || (st = copy_string(ctx, f->name, strlen(f->name), &elem)) != KB_OK)
        return st;
    if (ctx->npfields == ctx->pfields_cap) {
        size_t cap = ctx->pfields_cap ? ctx->pfields_cap * 2 : 64;
        kb_bx_pfield *p = realloc(ctx->pfields, cap * sizeof *p);
        if (!p)
            return kb_bx_nomem(ctx);
        ctx->pfields = p;
        ctx->pfields_cap = cap;
    }
    ctx->pfields[ctx->npfields++] = (kb_bx_pfield){.elem = elem, .name = name, .value = value, .value_len = value_len,
                                                   .section = f->section, .type = info->type,
                                                   .flags = (uint8_t)(info->flags | extra_flags)};
    return KB_OK;
}

kb_status kb_bx_build_attr(kb_binxml_ctx *ctx, const char *name, uint8_t id, size_t start, const kb_bx_info *info)
{
    kb_bx_frame *f = &ctx->frames[ctx->depth - 1];
    if (f->system)
        return system_attr(ctx, f, id, start, info);
    if (!f->section) {
        ctx->text.len = start;
        return KB_OK;
    }
    /* A Data element's Name is the field's name, not a field. */
    if (f->section != KB_BINXML_USERDATA && ctx->depth == 3 && id == KB_BXI_NAME) {
        f->data_name = start;
        return keep(ctx);
    }
    /* Namespace declarations are the schema's; every other attribute is data
     * (UserData written as plain BinXml keeps values in literal attributes). */
    if (id == KB_BXI_XMLNS) {
        ctx->text.len = start;
        return KB_OK;
    }
    size_t value_end = ctx->text.len, path;
    kb_status st = keep(ctx);
    if (st != KB_OK)
        return st;
    path = ctx->text.len;
    if (kb_bx_text_append(&ctx->text, ctx->path, f->path_len) != KB_BX_OK ||
        kb_bx_text_append(&ctx->text, "/@", 2) != KB_BX_OK ||
        kb_bx_text_append(&ctx->text, name, strlen(name)) != KB_BX_OK || keep(ctx) != KB_OK)
        return full(ctx);
    /* add_field measures the value up to the buffer's end: move it there. */
    size_t value_len = value_end - start;
    if (kb_bx_text_reserve(&ctx->text, value_len + 1) != KB_BX_OK)
        return full(ctx);
    size_t value = ctx->text.len;
    memmove(ctx->text.data + value, ctx->text.data + start, value_len);
    ctx->text.len += value_len;
    return add_field(ctx, f, path, value, info, KB_BINXML_FIELD_ATTR);
}

static kb_status system_close(kb_binxml_ctx *ctx, const kb_bx_frame *f, size_t start)
{
    kb_binxml_record *out = ctx->out;
    uint64_t v;
    int slot = -1, have = 0;
    if (f->system == SYS_CHANNEL)
        slot = KB_BXS_CHANNEL;
    else if (f->system == SYS_COMPUTER)
        slot = KB_BXS_COMPUTER;
    else
        have = number_of(ctx, &f->info, start, &v);
    switch (have ? f->system : SYS_NONE) {
    case SYS_EVENT_ID: out->event_id = (uint32_t)v, out->has_event_id = 1; break;
    case SYS_VERSION: out->version = (uint8_t)v, out->has_version = 1; break;
    case SYS_LEVEL: out->level = (uint8_t)v, out->has_level = 1; break;
    case SYS_TASK: out->task = (uint16_t)v, out->has_task = 1; break;
    case SYS_OPCODE: out->opcode = (uint8_t)v, out->has_opcode = 1; break;
    case SYS_KEYWORDS: out->keywords = v, out->has_keywords = 1; break;
    case SYS_EVENT_RECORD_ID: out->event_record_id = v, out->has_event_record_id = 1; break;
    default: break;
    }
    if (slot < 0) {
        ctx->text.len = start;
        return KB_OK;
    }
    ctx->sys[slot] = start;
    return keep(ctx);
}

static kb_status payload_close(kb_binxml_ctx *ctx, const kb_bx_frame *f, size_t start)
{
    size_t name = NONE;
    kb_status st;
    if (f->section == KB_BINXML_USERDATA || (ctx->depth > 3 && f->data_name == NONE)) {
        /* The path, then the value again at the end, where add_field wants it. */
        size_t value_len = ctx->text.len - start;
        name = ctx->text.len;
        if (kb_bx_text_append(&ctx->text, ctx->path, f->path_len) != KB_BX_OK || keep(ctx) != KB_OK ||
            kb_bx_text_reserve(&ctx->text, value_len + 1) != KB_BX_OK)
            return full(ctx);
        memcpy(ctx->text.data + ctx->text.len, ctx->text.data + start, value_len);
        start = ctx->text.len;
        ctx->text.len += value_len;
    } else {
        name = f->data_name;
    }
    if (f->section == KB_BINXML_EVENTDATA && ctx->depth == 3 && f->binary) {
        ctx->out->has_binary = 1;
        if ((f->info.flags & KB_BINXML_FIELD_SUBST) && f->info.type == KB_BX_BINARY) {
            ctx->out->binary = ctx->chunk + f->info.raw_off;
            ctx->out->binary_len = f->info.raw_len;
        }
    }
    st = add_field(ctx, f, name, start, &f->info, 0);
    return st;
}

kb_status kb_bx_build_close(kb_binxml_ctx *ctx)
{
    kb_bx_frame *f = &ctx->frames[ctx->depth - 1];
    size_t start = f->content_start;
    kb_status st = KB_OK;
    if (f->had_child) {
        /* Mixed content is not a value: nothing to keep. */
    } else if (f->system > SYS_ROOT) {
        st = system_close(ctx, f, start);
    } else if (f->section && ctx->depth >= 2) {
        st = payload_close(ctx, f, start);
    } else {
        ctx->text.len = start;
    }
    if (ctx->peek && f->system == SYS_ROOT)
        ctx->stop = 1;
    ctx->depth--;
    ctx->path_len = ctx->depth ? ctx->frames[ctx->depth - 1].path_len : 0;
    return st;
}

int kb_bx_build_skips(const kb_binxml_ctx *ctx, uint8_t id, int attr)
{
    if (!ctx->peek || !ctx->depth)
        return 0;
    uint8_t in = ctx->frames[ctx->depth - 1].system;
    if (attr)
        return (in == SYS_PROVIDER && id == KB_BXI_GUID) || (in == SYS_EVENT_ID && id == KB_BXI_QUALIFIERS);
    return in == SYS_ROOT && id != KB_BXI_PROVIDER && id != KB_BXI_EVENT_ID && id != KB_BXI_EVENT_RECORD_ID &&
           id != KB_BXI_CHANNEL && id != KB_BXI_COMPUTER;
}

static const char *text_at(const kb_binxml_ctx *ctx, size_t off)
{
    return off == NONE ? NULL : ctx->text.data + off;
}

kb_status kb_bx_build_end(kb_binxml_ctx *ctx)
{
    kb_binxml_record *out = ctx->out;
    if (!ctx->elements)
        return kb_bx_fail(ctx, KB_ERR_FORMAT, ctx->rec_off, "record holds no element");
    if (ctx->npfields > ctx->fields_cap) {
        kb_binxml_field *p = realloc(ctx->fields, ctx->npfields * sizeof *p);
        if (!p)
            return kb_bx_nomem(ctx);
        ctx->fields = p;
        ctx->fields_cap = ctx->npfields;
    }
    for (size_t i = 0; i < ctx->npfields; i++) {
        const kb_bx_pfield *pf = &ctx->pfields[i];
        ctx->fields[i] = (kb_binxml_field){.section = (kb_binxml_section)pf->section, .elem = text_at(ctx, pf->elem),
                                           .name = text_at(ctx, pf->name), .value = text_at(ctx, pf->value),
                                           .value_len = pf->value_len, .type = pf->type, .flags = pf->flags};
    }
    out->fields = ctx->npfields ? ctx->fields : NULL;
    out->nfields = ctx->npfields;
    out->provider_name = text_at(ctx, ctx->sys[KB_BXS_PROVIDER_NAME]);
    out->provider_guid = text_at(ctx, ctx->sys[KB_BXS_PROVIDER_GUID]);
    out->event_source_name = text_at(ctx, ctx->sys[KB_BXS_EVENT_SOURCE]);
    out->channel = text_at(ctx, ctx->sys[KB_BXS_CHANNEL]);
    out->computer = text_at(ctx, ctx->sys[KB_BXS_COMPUTER]);
    out->user_id = text_at(ctx, ctx->sys[KB_BXS_USER_ID]);
    out->activity_id = text_at(ctx, ctx->sys[KB_BXS_ACTIVITY]);
    out->related_activity_id = text_at(ctx, ctx->sys[KB_BXS_RELATED_ACTIVITY]);
    return KB_OK;
}
