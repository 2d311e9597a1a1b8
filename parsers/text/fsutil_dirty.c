/* fsutil_dirty.c: saved `fsutil dirty query <volume>` output: whether NTFS
 * marked a volume dirty (chkdsk will run at the next boot: the file system
 * saw corruption, which breaks backups and shadow copies).
 *
 *   Volume - C: is NOT Dirty
 *   Volume - F: is Dirty
 *
 * One line per run (collectors loop over the volumes). English only: the
 * sources give no other language's wording, so other output is not
 * recognised. Not elevated, fsutil prints "The FSUTIL utility requires that
 * you have administrative privileges.": noted, no fact. */
#include "text/lines.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* "Volume - C: is NOT Dirty": 1 and the volume and state, or 0. */
static int read_line(const char *line, char volume[3], int *dirty)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    if (len < 19 || strncmp(p, "Volume - ", 9) != 0 || !isalpha((unsigned char)p[9]) || p[10] != ':')
        return 0;
    const char *rest = p + 11;
    size_t n = len - 11;
    if (n == 9 && strncmp(rest, " is Dirty", 9) == 0)
        *dirty = 1;
    else if (n == 13 && strncmp(rest, " is NOT Dirty", 13) == 0)
        *dirty = 0;
    else
        return 0;
    volume[0] = (char)toupper((unsigned char)p[9]);
    volume[1] = ':';
    volume[2] = '\0';
    return 1;
}

static int is_not_elevated(const char *line)
{
    return strstr(line, "The FSUTIL utility requires that you have administrative privileges") != NULL;
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    for (size_t i = 0; i < t->nlines; i++) {
        const char *line = t->lines[i];
        char volume[3], where[32];
        int dirty;
        if (kb_is_blank(line) || kb_is_prompt(line))
            continue;
        snprintf(where, sizeof where, "line %zu", i + 1);
        if (read_line(line, volume, &dirty)) {
            kb_fact *f = kb_text_fact(ctx, "fsutil.dirty", t, i + 1, i + 1);
            if (!f)
                return KB_ERR_NOMEM;
            kb_fact_set(f, "volume", volume);
            kb_fact_set(f, "dirty", dirty ? "yes" : "no");
        } else if (is_not_elevated(line)) {
            kb_input_note(ctx->input, where, "fsutil was not run elevated: it told nothing about the volume");
        } else {
            kb_input_note(ctx->input, where, "line not understood as fsutil dirty query output");
        }
    }
    return KB_OK;
}

/* Every line (but prompts) is a dirty-bit line or the not-elevated message. */
static int sniff(const kb_text *t)
{
    size_t hits = 0, refused = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        char volume[3];
        int dirty;
        const char *line = t->lines[i];
        if (kb_is_blank(line) || kb_is_prompt(line))
            continue;
        if (read_line(line, volume, &dirty))
            hits++;
        else if (is_not_elevated(line))
            refused++;
        else
            return 0;
    }
    return hits ? 90 : refused ? 60 : 0;
}

static const char *locale_of(const kb_text *t)
{
    return sniff(t) ? "en" : NULL;
}

static const char *const dirty_fields[] = {"volume", "dirty", NULL};
static const kb_fact_decl facts[] = {{"fsutil.dirty", dirty_fields}, {NULL, NULL}};

const kb_source kb_source_fsutil_dirty = {
    .name = "fsutil_dirty",
    .kind = "fsutil_dirty",
    .label = "fsutil dirty query output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "fsutil_dirty",
    .collect = {
        .file = "fsutil_dirty_query.txt",
        .command = "fsutil dirty query C: > <file>",
        .why_en = "Run in an elevated command prompt on the server, once per volume (>> appends the others).",
        .why_ja = "管理者として起動したコマンド プロンプトで、ボリュームごとに実行してください (2 つ目以降は >> で追記します)。",
    },
    .covers = KB_COVERS_MOMENT,
};
