/* vssadmin_providers.c: saved `vssadmin list providers` output: the shadow
 * copy providers VSS knows. A missing "Microsoft Software Shadow Copy
 * provider 1.0" (swprv) means VSS has no provider for local volumes.
 *
 *   vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool
 *   (C) Copyright 2001-2013 Microsoft Corp.
 *
 *   Provider name: 'Microsoft Software Shadow Copy provider 1.0'
 *      Provider type: System
 *      Provider Id: {b5946137-7b9f-4925-af80-51abd60b20d5}
 *      Version: 1.0.0.7
 *
 * A provider block is known by its shape, whatever the language of its
 * labels: a quoted name after a colon, a line with a word after a colon, a
 * line with one {GUID}, a line with a dotted version. That shape is not a
 * writer block's (a name, then two GUID lines and a "[N]" state). A file
 * with the banner and no block is a list of no provider only when the
 * command echoed before it says `list providers` (a banner alone is read as
 * `list writers` output, whose parser knows it). */
#include "source/source.h"
#include "text/lines.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "vssadmin 1.1 - ..." in any case (localized Windows print VSSADMIN). */
static int is_banner(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return len > 11 && strncasecmp(p, "vssadmin ", 9) == 0 && isdigit((unsigned char)p[9]);
}

/* A prompt echo of `vssadmin list providers` ("C:\>vssadmin list providers"). */
static int is_command_echo(const char *line)
{
    return kb_is_prompt(line) && kb_contains_nocase(line, "vssadmin list providers");
}

/* The name between quotes after the label colon ('...', "...", or the
 * Japanese corner brackets), copied into out; 0 when the line is not so. */
static int quoted_name(const char *line, char *out, size_t outlen)
{
    size_t len;
    const char *v = kb_after_colon(line, &len);
    if (!v || len < 2)
        return 0;
    size_t open = 1, close = 1;
    if (strncmp(v, "\xe3\x80\x8c", 3) == 0 && len >= 6 && strncmp(v + len - 3, "\xe3\x80\x8d", 3) == 0)
        open = close = 3;
    else if (!((v[0] == '\'' && v[len - 1] == '\'') || (v[0] == '"' && v[len - 1] == '"')))
        return 0;
    if (len < open + close)
        return 0;
    size_t n = len - open - close;
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, v + open, n);
    out[n] = '\0';
    return 1;
}

/* "1.0.0.7" after the label colon. */
static int is_version(const char *line)
{
    size_t len;
    const char *v = kb_after_colon(line, &len);
    if (!v || !len || !isdigit((unsigned char)v[0]))
        return 0;
    int dots = 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] == '.')
            dots++;
        else if (!isdigit((unsigned char)v[i]))
            return 0;
    }
    return dots >= 1;
}

/* A word after the label colon, and no GUID: the provider type. */
static int is_type_line(const char *line)
{
    size_t len;
    char guid[39];
    return kb_after_colon(line, &len) && len > 0 && kb_find_guid(line, guid) == 0;
}

/* Whether a provider block starts at line i (0-based): four lines of the
 * shape above. */
static int block_at(const kb_text *t, size_t i)
{
    char name[256], guid[39];
    return i + 3 < t->nlines && quoted_name(t->lines[i], name, sizeof name) &&
           is_type_line(t->lines[i + 1]) && kb_find_guid(t->lines[i + 2], guid) == 1 &&
           is_version(t->lines[i + 3]);
}

static int sniff(const kb_text *t)
{
    int banner = 0, echo = 0, blocks = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        banner |= is_banner(t->lines[i]);
        echo |= is_command_echo(t->lines[i]);
        blocks += block_at(t, i);
    }
    if (blocks)
        return banner ? 95 : 60;
    return banner && echo ? 95 : 0;
}

static const char *locale_of(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++)
        if (kb_contains_nocase(t->lines[i], "Provider name:"))
            return "en";
    return NULL;
}

static int add_provider(kb_parse_ctx *ctx, const kb_text *t, size_t i)
{
    char name[256], guid[39];
    size_t len;
    quoted_name(t->lines[i], name, sizeof name);
    kb_find_guid(t->lines[i + 2], guid);
    kb_fact *f = kb_text_fact(ctx, "vssadmin.provider", t, i + 1, i + 4);
    if (!f)
        return -1;
    kb_fact_set(f, "name", name);
    const char *type = kb_after_colon(t->lines[i + 1], &len);
    kb_fact_set_n(f, "type", type, len);
    kb_fact_set(f, "provider_id", guid);
    const char *version = kb_after_colon(t->lines[i + 3], &len);
    kb_fact_set_n(f, "version", version, len);
    return 0;
}

/* One listing fact for the file: how many providers, and whether that is an
 * answer. With no provider block and a line kbscan cannot read (vssadmin's
 * "Error: ..." in any language, or damage), zero is never claimed: status
 * is "error" with that line. */
static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    size_t providers = 0, first = 0, last = 0, first_other = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        const char *line = t->lines[i];
        if (block_at(t, i)) {
            if (add_provider(ctx, t, i) != 0)
                return KB_ERR_NOMEM;
            providers++;
            i += 3;
        } else if (is_banner(line)) {
            if (!first)
                first = i + 1;
        } else if (!kb_is_blank(line) && !kb_is_prompt(line) && !strstr(line, "(C)") &&
                   !strstr(line, "(c)") && !strstr(line, "\xc2\xa9")) {
            char where[32];
            snprintf(where, sizeof where, "line %zu", i + 1);
            kb_input_note(ctx->input, where, "line not understood as part of a provider list");
            if (!first_other)
                first_other = i + 1;
        }
        if (!kb_is_blank(line))
            last = i + 1;
    }
    kb_fact *f = kb_text_fact(ctx, "vssadmin.providers", t, first ? first : 1, last ? last : 1);
    if (!f)
        return KB_ERR_NOMEM;
    int error = providers == 0 && first_other;
    kb_fact_set(f, "status", error ? "error" : "ok");
    kb_fact_setf(f, "providers", "%zu", providers);
    if (error) {
        char *why = kb_trimmed_copy(t->lines[first_other - 1]);
        kb_fact_set(f, "error", why);
        free(why);
    }
    return KB_OK;
}

static const char *const listing_fields[] = {"status", "providers", "error", NULL};
static const char *const provider_fields[] = {"name", "type", "provider_id", "version", NULL};
static const kb_fact_decl facts[] = {
    {"vssadmin.providers", listing_fields}, {"vssadmin.provider", provider_fields}, {NULL, NULL},
};

/* The commands whose output it reads, for files of several outputs (sections.h). */
static const char *const commands[] = {"vssadmin list providers", NULL};

const kb_source kb_source_vssadmin_providers = {
    .name = "vssadmin_providers",
    .kind = "vssadmin_providers",
    .label = "vssadmin list providers output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "vssadmin_providers",
    .collect = {
        .file = "vssadmin_list_providers.txt",
        .command = "vssadmin list providers > <file>",
        .why_en = "Run in an elevated command prompt on the server.",
        .why_ja = "管理者として起動したコマンド プロンプトで実行してください。",
    },
    .commands = commands,
    .covers = KB_COVERS_MOMENT,
};
