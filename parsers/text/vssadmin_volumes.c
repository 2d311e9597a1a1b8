/* vssadmin_volumes.c: saved `vssadmin list volumes` output: the volumes
 * that can be shadow copied, each path with its volume GUID path (the map
 * from the drive letters of other outputs to the \\?\Volume{GUID}\ names
 * volsnap events and shadowstorage print).
 *
 *   vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool
 *   (C) Copyright 2001-2013 Microsoft Corp.
 *
 *   Volume path: C:\
 *       Volume name: \\?\Volume{67a44989-8413-4a7c-a616-79385dae8605}\
 *
 * Structure only: a path value (X:\..., or \\?\... for a volume without
 * one) followed by a \\?\Volume{GUID}\ value. */
#include "text/lines.h"
#include "text/vssadmin_runs.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

static int read_volume(kb_parse_ctx *ctx, const kb_text *t, size_t i, size_t len, size_t run, int latest)
{
    kb_fact *f = kb_text_fact(ctx, "vssadmin.volume", t, i + 1, i + len);
    if (!f)
        return -1;
    size_t n;
    const char *path = kb_after_colon(t->lines[i], &n);
    kb_fact_set_n(f, "path", path, n);
    const char *name = kb_after_colon(t->lines[i + 1], &n);
    kb_fact_set_n(f, "name", name, n);
    char guid[39];
    kb_find_guid(t->lines[i + 1], guid);
    kb_fact_set(f, "guid", guid);
    kb_vss_set_run(f, run, latest);
    return 1;
}

const kb_vss_lister kb_vss_volumes_lister = {
    .command = KB_VSS_VOLUMES,
    .source = &kb_source_vssadmin_volumes,
    .item_at = kb_vss_volume_at,
    .read_item = read_volume,
    .what = "a volume list",
};

/* The banner's tool name; the English label too. */
static const char *locale_of(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++) {
        const char *l = kb_vss_line_locale(t->lines[i]);
        if (l)
            return l;
        size_t len;
        const char *p = kb_trim(t->lines[i], &len);
        if (strncmp(p, "Volume path:", 12) == 0)
            return "en";
    }
    return NULL;
}

static int sniff(const kb_text *t)
{
    return kb_vss_sniff(t, KB_VSS_VOLUMES);
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    return kb_vss_read(t, ctx, KB_VSS_VOLUMES);
}

static const char *const run_fields[] = {"command", "command_from", "status", "error", "banner",
                                         "copyright", "items", "run", "latest", NULL};
static const char *const volume_fields[] = {"path", "name", "guid", "run", "latest", NULL};
static const kb_fact_decl facts[] = {
    {"vssadmin.run", run_fields}, {"vssadmin.volume", volume_fields}, {NULL, NULL},
};

const kb_source kb_source_vssadmin_volumes = {
    .name = "vssadmin_volumes",
    .kind = "vssadmin_volumes",
    .label = "vssadmin list volumes output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "vssadmin_volumes",
    .collect = {
        .file = "vssadmin_list_volumes.txt",
        .command = "vssadmin list volumes > <file>",
        .why_en = "Run in an elevated command prompt on the server.",
        .why_ja = "管理者として起動したコマンド プロンプトで実行してください。",
    },
    .covers = KB_COVERS_MOMENT,
};
