/* registry.c: the list of text parsers and helpers they share. */
#include "source/source.h"
#include "core/strbuf.h"

#include <stdlib.h>

extern const kb_text_parser kb_parser_vssadmin;
extern const kb_text_parser kb_parser_tasklist;
extern const kb_text_parser kb_parser_systeminfo;
extern const kb_text_parser kb_parser_sc;
extern const kb_text_parser kb_parser_vssadmin_shadows;
extern const kb_text_parser kb_parser_vssadmin_shadowstorage;
extern const kb_text_parser kb_parser_vssadmin_volumes;
extern const kb_text_parser kb_parser_reg_query;
extern const kb_text_parser kb_parser_reg_export;
extern const kb_text_parser kb_parser_wbadmin_versions;
extern const kb_text_parser kb_parser_wsb_log;
extern const kb_text_parser kb_parser_sc_sdshow;
extern const kb_text_parser kb_parser_fsutil_dirty;
extern const kb_text_parser kb_parser_diskshadow_writers;

const kb_text_parser *const *kb_text_parsers(void)
{
    static const kb_text_parser *const parsers[] = {
        &kb_parser_vssadmin,
        &kb_parser_tasklist,
        &kb_parser_systeminfo,
        &kb_parser_sc,
        &kb_parser_vssadmin_shadows,
        &kb_parser_vssadmin_shadowstorage,
        &kb_parser_vssadmin_volumes,
        &kb_parser_reg_query,
        &kb_parser_reg_export,
        &kb_parser_wbadmin_versions,
        &kb_parser_wsb_log,
        &kb_parser_sc_sdshow,
        &kb_parser_fsutil_dirty,
        &kb_parser_diskshadow_writers,
        NULL,
    };
    return parsers;
}

/* Lines first..last (1-based, clamped) joined with newlines, or NULL. */
static char *join_lines(const kb_text *text, size_t first, size_t last)
{
    if (first < 1)
        first = 1;
    if (last > text->nlines)
        last = text->nlines;
    if (first > last)
        return NULL;
    kb_buf b = KB_BUF_INIT;
    for (size_t i = first; i <= last; i++) {
        if (i > first)
            kb_buf_putc(&b, '\n');
        kb_buf_puts(&b, text->lines[i - 1]);
    }
    return kb_buf_take(&b);
}

kb_fact *kb_text_fact(kb_parse_ctx *ctx, const char *type, const kb_text *text,
                      size_t first, size_t last)
{
    kb_fact *f = kb_fact_new(type, ctx->input_index);
    if (!f)
        return NULL;
    if (first >= 1 && first <= text->nlines) {
        if (last < first)
            last = first;
        if (last > text->nlines)
            last = text->nlines;
        f->line = (uint32_t)first;
        f->line_end = (uint32_t)last;
        f->text = join_lines(text, first, last);
        if (first > 1)
            f->before = join_lines(text, first > KB_CONTEXT_LINES ? first - KB_CONTEXT_LINES : 1,
                                   first - 1);
        f->after = join_lines(text, last + 1, last + KB_CONTEXT_LINES);
    }
    if (kb_factlist_add(ctx->facts, f) != 0)
        return NULL;
    ctx->input->facts++;
    return f;
}
