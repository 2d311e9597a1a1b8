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
 * Runs are cut and told as for every vssadmin output (vssadmin_runs.h). A
 * provider block is known by its shape, whatever the language of its
 * labels (kb_vss_provider_at): a name after a colon, a word after a colon,
 * a value that is one {GUID}, a dotted version. That shape is not a writer
 * block's (a name, then two GUID lines and a "[N]" state). A run with the
 * banner and no block is a list of no provider only when its header (the
 * echoed command before it) says `list providers`: a banner alone is read
 * as `list writers` output, whose parser knows it. */
#include "source/source.h"
#include "text/lines.h"
#include "text/vssadmin_runs.h"

#include <stdlib.h>
#include <string.h>

static int read_provider(kb_parse_ctx *ctx, const kb_text *t, size_t i, size_t len, size_t run, int latest)
{
    kb_fact *f = kb_text_fact(ctx, "vssadmin.provider", t, i + 1, i + len);
    if (!f)
        return -1;
    size_t n;
    const char *name = kb_after_colon(t->lines[i], &n);
    char *clean = kb_vss_unquoted(name, n);
    kb_fact_set(f, "name", clean);
    free(clean);
    const char *type = kb_after_colon(t->lines[i + 1], &n);
    kb_fact_set_n(f, "type", type, n);
    char guid[39];
    kb_find_guid(t->lines[i + 2], guid);
    kb_fact_set(f, "provider_id", guid);
    const char *version = kb_after_colon(t->lines[i + 3], &n);
    kb_fact_set_n(f, "version", version, n);
    kb_vss_set_run(f, run, latest);
    return 1;
}

/* A run's listing is vssadmin.providers, its count `providers`. */
const kb_vss_lister kb_vss_providers_lister = {
    .command = KB_VSS_PROVIDERS,
    .source = &kb_source_vssadmin_providers,
    .item_at = kb_vss_provider_at,
    .read_item = read_provider,
    .what = "a provider list",
    .listing = "vssadmin.providers",
    .count = "providers",
};

static int sniff(const kb_text *t)
{
    return kb_vss_sniff(t, KB_VSS_PROVIDERS);
}

/* The banner's tool name; the English label too. */
static const char *locale_of(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++) {
        const char *l = kb_vss_line_locale(t->lines[i]);
        if (l)
            return l;
        size_t len;
        const char *p = kb_trim(t->lines[i], &len);
        if (strncmp(p, "Provider name:", 14) == 0)
            return "en";
    }
    return NULL;
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    return kb_vss_read(t, ctx, KB_VSS_PROVIDERS);
}

static const char *const listing_fields[] = {"status", "providers", "error", "command", "command_from", "banner",
                                             "copyright", "run", "latest", NULL};
static const char *const provider_fields[] = {"name", "type", "provider_id", "version", "run", "latest", NULL};
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
