/* vssadmin_runs.c: runs, block shapes and the choice of the vssadmin kind
 * that reads a text (see vssadmin_runs.h). */
#include "text/vssadmin_runs.h"
#include "text/lines.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The banner's tool name and the "Waiting for responses" lines in each
 * language kbscan knows (docs/locales.md says which were checked against
 * real output). The writer labels and last-error words are vssadmin.c's. */
static const struct {
    const char *locale;
    const char *tool[2];
    const char *waiting[2];
} banner_words[] = {
    {"en", {"Volume Shadow Copy Service administrative command-line tool"},
     {"Waiting for responses", "These may be delayed if a shadow copy is being prepared"}},
    {"ja", {"ボリューム シャドウ コピー サービス管理コマンド ライン ツール"},
     {"応答を待っています", "シャドウ コピーの準備中は遅れる場合があります"}},
    {"de", {"Verwaltungsbefehlszeilenprogramm des Volumeschattenkopie-Dienstes"},
     {"Warten auf Antworten", "Diese können sich verzögern"}},
    {"fr", {"Outil ligne de commande d'administration du service de cliché instantané de volume"},
     {"Attente de réponses", "Attente des réponses"}},
    {"es", {"Herramienta de línea de comandos de administración del Servicio de instantáneas de volumen"},
     {"Esperando respuestas", "Pueden retrasarse"}},
    {"it", {"Strumento da riga di comando per l'amministrazione del servizio Copia Shadow del volume"},
     {"In attesa di risposte", "Potrebbero verificarsi ritardi"}},
    {"pt-BR", {"Ferramenta de linha de comando administrativa do Serviço de Cópias de Sombra de Volume"},
     {"Aguardando respostas", "Elas podem ser atrasadas"}},
    {"zh-CN", {"卷影复制服务管理命令行工具"}, {"正在等待响应", "如果正在准备卷影副本"}},
    {"zh-TW", {"磁碟區陰影複製服務系統管理命令列工具"}, {"正在等候回應", "如果正在準備陰影複製"}},
    {"ko", {"볼륨 섀도 복사본 서비스 관리 명령줄 도구"}, {"응답을 기다리는 중", "섀도 복사본을 준비하는 중이면"}},
    /* The first tool name is a real Russian capture's (VSSADMIN in capitals). */
    {"ru", {"Утилита теневого копирования тома",
            "Средство командной строки для управления службой теневого копирования тома"},
     {"Ожидание ответа", "Это может занять некоторое время"}},
};

#define NBANNERS (sizeof banner_words / sizeof banner_words[0])

const char *kb_vss_command_name(kb_vss_command command)
{
    switch (command) {
    case KB_VSS_WRITERS: return "list writers";
    case KB_VSS_PROVIDERS: return "list providers";
    case KB_VSS_SHADOWS: return "list shadows";
    case KB_VSS_SHADOWSTORAGE: return "list shadowstorage";
    case KB_VSS_VOLUMES: return "list volumes";
    case KB_VSS_OTHER: return "other";
    case KB_VSS_NONE: break;
    }
    return "unknown";
}

/* "vssadmin 1.1 - ..." and the "VSSADMIN 1.1 - ..." of some localized
 * Windows (Russian). */
int kb_vss_is_banner(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return len > 11 && strncasecmp(p, "vssadmin ", 9) == 0 && isdigit((unsigned char)p[9]);
}

/* "(C) Copyright 2001-2013 Microsoft Corp." is the same in every language:
 * known by its shape ("(C)" or "©" and a year). Returns where the year is. */
static const char *copyright_year(const char *line)
{
    const char *c = strstr(line, "(C)");
    if (!c)
        c = strstr(line, "(c)");
    if (!c)
        c = strstr(line, "\xc2\xa9");
    if (!c)
        return NULL;
    for (const char *p = c; *p; p++)
        if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
            isdigit((unsigned char)p[3]))
            return p;
    return NULL;
}

static int is_waiting(const char *line)
{
    for (size_t l = 0; l < NBANNERS; l++)
        for (size_t k = 0; k < 2; k++)
            if (banner_words[l].waiting[k] && strstr(line, banner_words[l].waiting[k]))
                return 1;
    return 0;
}

/* The word at p (letters only) compared without case. */
static int word_is(const char *p, const char *word, const char **after)
{
    size_t n = strlen(word);
    if (strncasecmp(p, word, n) != 0 || isalnum((unsigned char)p[n]))
        return 0;
    *after = p + n;
    return 1;
}

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* The command a collector header or prompt echo names, or KB_VSS_NONE
 * when the line is not one: "vssadmin" (or "vssadmin.exe") after the
 * start, a prompt's '>', a path's '\', a "]" or a ":" and blanks, then one
 * of vssadmin's verbs. */
static kb_vss_command header_command(const char *line)
{
    static const char *const verbs[] = {"list", "add", "create", "delete", "resize", "revert", "query",
                                        "expose", "break"};
    static const struct {
        const char *word;
        kb_vss_command command;
    } lists[] = {
        {"writers", KB_VSS_WRITERS}, {"providers", KB_VSS_PROVIDERS}, {"shadows", KB_VSS_SHADOWS},
        {"shadowstorage", KB_VSS_SHADOWSTORAGE}, {"volumes", KB_VSS_VOLUMES},
    };
    if (kb_vss_is_banner(line))
        return KB_VSS_NONE;
    for (const char *v = line; *v; v++) {
        if ((*v != 'v' && *v != 'V') || strncasecmp(v, "vssadmin", 8) != 0)
            continue;
        if (v > line) {
            char before = v[-1];
            if (before != ' ' && before != '\t' && before != '>' && before != '\\' && before != ']' &&
                before != ':')
                continue;
        }
        const char *q = v + 8;
        if (strncasecmp(q, ".exe", 4) == 0)
            q += 4;
        if (*q != ' ' && *q != '\t')
            continue;
        q = skip_blanks(q);
        const char *rest = NULL;
        int verb = 0;
        for (size_t i = 0; i < sizeof verbs / sizeof verbs[0] && !verb; i++)
            verb = word_is(q, verbs[i], &rest);
        if (!verb)
            continue;
        if (!word_is(q, "list", &rest))
            return KB_VSS_OTHER;
        rest = skip_blanks(rest);
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
            const char *after;
            if (word_is(rest, lists[i].word, &after))
                return lists[i].command;
        }
        return KB_VSS_OTHER;
    }
    return KB_VSS_NONE;
}

int kb_vss_is_noise(const char *line)
{
    return kb_is_blank(line) || kb_is_prompt(line) || copyright_year(line) || is_waiting(line) ||
           kb_is_rule_line(line) || header_command(line) != KB_VSS_NONE;
}

int kb_vss_is_no_items(const char *line)
{
    return strstr(line, "No items found that satisfy the query") != NULL;
}

const char *kb_vss_line_locale(const char *line)
{
    for (size_t l = 0; l < NBANNERS; l++) {
        for (size_t k = 0; k < 2; k++)
            if (banner_words[l].tool[k] && strstr(line, banner_words[l].tool[k]))
                return banner_words[l].locale;
        for (size_t k = 0; k < 2; k++)
            if (banner_words[l].waiting[k] && strstr(line, banner_words[l].waiting[k]))
                return banner_words[l].locale;
    }
    return NULL;
}

char *kb_vss_copyright(const kb_text *t, const kb_vss_run *run)
{
    size_t last = run->banner ? run->first + 2 : run->first + 1;
    for (size_t i = run->first; i < last && i < run->end; i++) {
        const char *y = copyright_year(t->lines[i]);
        if (!y)
            continue;
        size_t n = 4;
        if (y[4] == '-' && isdigit((unsigned char)y[5]) && isdigit((unsigned char)y[6]) &&
            isdigit((unsigned char)y[7]) && isdigit((unsigned char)y[8]))
            n = 9;
        return kb_strndup(y, n);
    }
    return NULL;
}

char *kb_vss_unquoted(const char *s, size_t len)
{
    /* ASCII, typographic, and the Japanese corner brackets 「」. */
    static const char *const quotes[] = {"'", "\"", "\xe2\x80\x98", "\xe2\x80\x99",
                                         "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe3\x80\x8c", "\xe3\x80\x8d"};
    for (int pass = 0; pass < 2; pass++)
        for (size_t q = 0; q < sizeof quotes / sizeof quotes[0]; q++) {
            size_t ql = strlen(quotes[q]);
            if (pass == 0 && len >= ql && strncmp(s, quotes[q], ql) == 0) {
                s += ql;
                len -= ql;
            } else if (pass == 1 && len >= ql && strncmp(s + len - ql, quotes[q], ql) == 0) {
                len -= ql;
            }
        }
    return kb_strndup(s, len);
}

/* Joined by one space; none between two CJK lines, where a line break is
 * not a word break. */
char *kb_vss_error_text(const kb_text *t, size_t at, size_t end)
{
    kb_buf b = KB_BUF_INIT;
    size_t len;
    const char *p = kb_trim(t->lines[at], &len);
    kb_buf_append(&b, p, len);
    for (size_t i = at + 1; i < end && !kb_vss_is_noise(t->lines[i]); i++) {
        p = kb_trim(t->lines[i], &len);
        int cjk = b.len && (unsigned char)b.data[b.len - 1] >= 0x80 && len && (unsigned char)p[0] >= 0x80;
        if (!cjk)
            kb_buf_putc(&b, ' ');
        kb_buf_append(&b, p, len);
    }
    kb_buf_puts(&b, "");
    return kb_buf_take(&b);
}

/* ---- block shapes ---- */

static int state_number(const char *line)
{
    const char *open = strchr(line, '[');
    if (!open)
        return 0;
    char *end;
    strtol(open + 1, &end, 10);
    return end != open + 1 && *end == ']';
}

/* The value after the label's colon, non-empty, or NULL. */
static const char *value_of(const char *line, size_t *len)
{
    const char *v = kb_after_colon(line, len);
    return v && *len ? v : NULL;
}

/* The value is one {GUID} and nothing else. */
static int value_is_guid(const char *line)
{
    size_t len;
    char guid[39];
    const char *v = value_of(line, &len);
    return v && len == 38 && kb_find_guid(line, guid) == 1 && v[0] == '{';
}

/* Writer: a name after a label, two lines with one {GUID} each, a state
 * line with "[N]", a last-error line. */
size_t kb_vss_writer_at(const kb_text *t, size_t i, size_t end)
{
    char guid[39];
    size_t len;
    if (i + 5 > end)
        return 0;
    return value_of(t->lines[i], &len) && kb_find_guid(t->lines[i], guid) == 0 &&
                   kb_find_guid(t->lines[i + 1], guid) == 1 && kb_find_guid(t->lines[i + 2], guid) == 1 &&
                   state_number(t->lines[i + 3]) && kb_after_colon(t->lines[i + 4], &len) != NULL
               ? 5
               : 0;
}

/* "1.0.0.7": digits and dots, at least one dot. */
static int is_version(const char *v, size_t len)
{
    int dots = 0;
    if (len == 0 || !isdigit((unsigned char)v[0]))
        return 0;
    for (size_t k = 0; k < len; k++) {
        if (v[k] == '.')
            dots++;
        else if (!isdigit((unsigned char)v[k]))
            return 0;
    }
    return dots >= 1;
}

/* Provider: a name after a label, a type word, one {GUID}, a version. */
size_t kb_vss_provider_at(const kb_text *t, size_t i, size_t end)
{
    char guid[39];
    size_t len;
    if (i + 4 > end)
        return 0;
    size_t vlen;
    const char *version = value_of(t->lines[i + 3], &vlen);
    return value_of(t->lines[i], &len) && kb_find_guid(t->lines[i], guid) == 0 &&
                   value_of(t->lines[i + 1], &len) && kb_find_guid(t->lines[i + 1], guid) == 0 &&
                   value_is_guid(t->lines[i + 2]) && version && is_version(version, vlen)
               ? 4
               : 0;
}

/* A value holding a path: "\\?\Volume{...}\", "\\?\GLOBALROOT\...", "C:\". */
static int value_has_path(const char *line)
{
    size_t len;
    const char *v = value_of(line, &len);
    return v && (strstr(v, "\\\\") != NULL ||
                 (len >= 3 && isalpha((unsigned char)v[0]) && v[1] == ':' && v[2] == '\\'));
}

/* Shadow copy: one {GUID} as the value, then two values with paths (the
 * original volume and the shadow copy's device). */
size_t kb_vss_shadow_copy_at(const kb_text *t, size_t i, size_t end)
{
    if (i + 3 > end)
        return 0;
    return value_is_guid(t->lines[i]) && value_has_path(t->lines[i + 1]) && value_has_path(t->lines[i + 2])
               ? 3
               : 0;
}

/* "Contained 2 shadow copies at creation time: 25-08-2022 12:16:16": a
 * number before the colon, a date (digits and / - .) after it. */
static int is_contained_line(const char *line)
{
    size_t len;
    const char *v = value_of(line, &len);
    if (!v)
        return 0;
    int number = 0, separators = 0, digits = 0;
    for (const char *p = line; p < v; p++)
        number |= isdigit((unsigned char)*p);
    for (size_t k = 0; k < len; k++) {
        digits += isdigit((unsigned char)v[k]) != 0;
        separators += v[k] == '/' || v[k] == '-' || v[k] == '.';
    }
    return number && digits >= 4 && separators >= 2;
}

/* Shadow copy set: a {GUID} as the value, the "contained" line, then a
 * shadow copy. */
size_t kb_vss_shadow_set_at(const kb_text *t, size_t i, size_t end)
{
    if (i + 2 > end)
        return 0;
    return value_is_guid(t->lines[i]) && is_contained_line(t->lines[i + 1]) &&
                   kb_vss_shadow_copy_at(t, i + 2, end)
               ? 2
               : 0;
}

/* A value holding "\\?\Volume{GUID}\" (possibly after "(C:)"). */
static int value_has_volume_guid(const char *line)
{
    size_t len;
    char guid[39];
    const char *v = value_of(line, &len);
    return v && strstr(v, "\\\\?\\Volume{") != NULL && kb_find_guid(line, guid) == 1;
}

/* "22.1 GB (4%)", "UNBOUNDED (100%)", "0 B": a value starting with a
 * digit, or a word followed by a percentage. */
static int value_is_size(const char *line, int or_word)
{
    size_t len;
    const char *v = value_of(line, &len);
    if (!v)
        return 0;
    if (isdigit((unsigned char)v[0]))
        return 1;
    return or_word && (memchr(v, '%', len) != NULL || memchr(v, ' ', len) == NULL);
}

/* Storage association: a line without colon, two volume lines, three
 * sizes (used, allocated, maximum). */
size_t kb_vss_storage_at(const kb_text *t, size_t i, size_t end)
{
    size_t len;
    if (i + 6 > end)
        return 0;
    const char *head = kb_trim(t->lines[i], &len);
    return len > 0 && !kb_after_colon(head, &len) && !kb_vss_is_noise(t->lines[i]) &&
                   value_has_volume_guid(t->lines[i + 1]) && value_has_volume_guid(t->lines[i + 2]) &&
                   value_is_size(t->lines[i + 3], 0) && value_is_size(t->lines[i + 4], 0) &&
                   value_is_size(t->lines[i + 5], 1)
               ? 6
               : 0;
}

/* Volume: a path ("C:\", "C:\mnt\data\", "\\?\Volume{...}\") then its
 * volume GUID path. */
size_t kb_vss_volume_at(const kb_text *t, size_t i, size_t end)
{
    size_t len, nlen;
    if (i + 2 > end)
        return 0;
    const char *path = value_of(t->lines[i], &len);
    const char *name = value_of(t->lines[i + 1], &nlen);
    if (!path || !name)
        return 0;
    int is_path = (len >= 3 && isalpha((unsigned char)path[0]) && path[1] == ':' && path[2] == '\\') ||
                  (len >= 4 && strncmp(path, "\\\\?\\", 4) == 0);
    return is_path && nlen >= 11 && strncmp(name, "\\\\?\\Volume{", 11) == 0 &&
                   value_has_volume_guid(t->lines[i + 1])
               ? 2
               : 0;
}

/* ---- runs ---- */

/* The command of the block at line i, or KB_VSS_NONE. */
static kb_vss_command block_at(const kb_text *t, size_t i, size_t end)
{
    /* Every shape has a {GUID} in one of its first three lines: a cheap
     * test that spares most lines of a large text the others. */
    int brace = 0;
    for (size_t k = i; k < i + 3 && k < end && !brace; k++)
        brace = strchr(t->lines[k], '{') != NULL;
    if (!brace)
        return KB_VSS_NONE;
    if (kb_vss_writer_at(t, i, end))
        return KB_VSS_WRITERS;
    if (kb_vss_provider_at(t, i, end))
        return KB_VSS_PROVIDERS;
    if (kb_vss_shadow_set_at(t, i, end))
        return KB_VSS_SHADOWS;
    if (kb_vss_storage_at(t, i, end))
        return KB_VSS_SHADOWSTORAGE;
    if (kb_vss_volume_at(t, i, end))
        return KB_VSS_VOLUMES;
    return KB_VSS_NONE;
}

/* The command whose English label starts the line (a block too cut to
 * show its shape), or KB_VSS_NONE. */
static kb_vss_command label_at(const char *line)
{
    static const struct {
        const char *label;
        kb_vss_command command;
    } labels[] = {
        {"Writer name:", KB_VSS_WRITERS}, {"Provider name:", KB_VSS_PROVIDERS},
        {"Contents of shadow copy set ID:", KB_VSS_SHADOWS}, {"Shadow Copy Storage association", KB_VSS_SHADOWSTORAGE},
        {"Volume path:", KB_VSS_VOLUMES},
    };
    size_t len;
    const char *p = kb_trim(line, &len);
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strncmp(p, labels[i].label, strlen(labels[i].label)) == 0)
            return labels[i].command;
    return KB_VSS_NONE;
}

static int has_banner(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++)
        if (kb_vss_is_banner(t->lines[i]))
            return 1;
    return 0;
}

/* What the run holds. Without a banner only blocks count (the text is
 * vssadmin output only if it shows some): noise is not looked at. */
static void classify(const kb_text *t, kb_vss_run *run)
{
    run->blocks = KB_VSS_NONE;
    run->labels = KB_VSS_NONE;
    run->body = KB_VSS_BODY_NOTHING;
    run->body_line = 0;
    for (size_t i = run->banner ? run->first + 1 : run->first; i < run->end; i++) {
        const char *line = t->lines[i];
        kb_vss_command c = block_at(t, i, run->end);
        if (c != KB_VSS_NONE) {
            run->blocks = c;
            if (run->body == KB_VSS_BODY_NOTHING)
                run->body_line = i;
            run->body = KB_VSS_BODY_BLOCKS;
            return;
        }
        if (!run->banner)
            continue;
        /* Past the first line that is not noise only blocks and labels
         * matter (no noise line starts with a label). */
        if (run->body != KB_VSS_BODY_NOTHING) {
            if (run->labels == KB_VSS_NONE)
                run->labels = label_at(line);
            continue;
        }
        if (kb_vss_is_noise(line))
            continue;
        run->labels = label_at(line);
        size_t len;
        run->body_line = i;
        run->body = kb_vss_is_no_items(line)            ? KB_VSS_BODY_EMPTY
                    : kb_after_colon(line, &len) != NULL ? KB_VSS_BODY_ERROR
                                                         : KB_VSS_BODY_OTHER;
    }
}

int kb_vss_next_run(const kb_text *t, size_t *pos, kb_vss_run *run)
{
    size_t i = *pos;
    memset(run, 0, sizeof *run);
    if (i == 0 && !has_banner(t)) {
        /* Blocks copied without their banner: the whole text is one run. */
        if (t->nlines == 0)
            return 0;
        run->first = 0;
        run->end = t->nlines;
        *pos = t->nlines;
        classify(t, run);
        return run->body == KB_VSS_BODY_BLOCKS;
    }
    kb_vss_command header = KB_VSS_NONE;
    for (; i < t->nlines && !kb_vss_is_banner(t->lines[i]); i++) {
        kb_vss_command h = header_command(t->lines[i]);
        if (h != KB_VSS_NONE)
            header = h;
    }
    if (i >= t->nlines) {
        *pos = t->nlines;
        return 0;
    }
    run->first = i;
    run->banner = 1;
    run->header = header;
    size_t end = i + 1;
    while (end < t->nlines && !kb_vss_is_banner(t->lines[end]) && header_command(t->lines[end]) == KB_VSS_NONE)
        end++;
    /* The next header's rule lines and the blank lines before them belong to it. */
    if (end < t->nlines)
        while (end > i + 1 && (kb_is_rule_line(t->lines[end - 1]) || kb_is_blank(t->lines[end - 1])))
            end--;
    run->end = end;
    *pos = end;
    classify(t, run);
    return 1;
}

size_t kb_vss_run_last(const kb_text *t, const kb_vss_run *run)
{
    size_t last = run->end;
    while (last > run->first + 1 && (kb_is_blank(t->lines[last - 1]) || kb_is_prompt(t->lines[last - 1])))
        last--;
    return last;
}

void kb_vss_survey(const kb_text *t, kb_vss_text *out)
{
    memset(out, 0, sizeof *out);
    kb_vss_command first_known = KB_VSS_NONE;
    int writers = 0, unknown = 0, empty = 0;
    kb_vss_run run;
    for (size_t pos = 0; kb_vss_next_run(t, &pos, &run);) {
        out->runs++;
        out->banner |= run.banner;
        kb_vss_command c = run.blocks != KB_VSS_NONE ? run.blocks : run.header != KB_VSS_NONE ? run.header : run.labels;
        if (c == KB_VSS_WRITERS)
            writers = 1;
        else if (c != KB_VSS_NONE)
            out->others = 1;
        if (c != KB_VSS_NONE && c != KB_VSS_OTHER && first_known == KB_VSS_NONE)
            first_known = c;
        if (c == KB_VSS_NONE && run.body == KB_VSS_BODY_EMPTY)
            empty = 1;
        else if (c == KB_VSS_NONE)
            unknown = 1;
    }
    /* list writers first: the seed rule and most rules read it, and an
     * error or banner-only run of unknown command has always been read as
     * a writer listing (never as zero writers when it is an error). */
    if (writers || (unknown && !out->others))
        out->reader = KB_VSS_WRITERS;
    else if (first_known != KB_VSS_NONE)
        out->reader = first_known;
    else if (empty) {
        out->reader = KB_VSS_SHADOWSTORAGE;
        out->empty_assumed = 1;
    }
}

kb_vss_command kb_vss_command_of(const kb_vss_run *run, const kb_vss_text *text, kb_vss_basis *basis)
{
    *basis = KB_VSS_BY_CONTENT;
    if (run->blocks != KB_VSS_NONE)
        return run->blocks;
    *basis = KB_VSS_BY_HEADER;
    if (run->header != KB_VSS_NONE)
        return run->header;
    *basis = KB_VSS_BY_LABELS;
    if (run->labels != KB_VSS_NONE)
        return run->labels;
    *basis = KB_VSS_ASSUMED;
    if (run->body == KB_VSS_BODY_EMPTY)
        return text->empty_assumed ? KB_VSS_SHADOWSTORAGE : KB_VSS_NONE;
    return text->others ? KB_VSS_NONE : KB_VSS_WRITERS;
}

int kb_vss_sniff(const kb_text *t, kb_vss_command mine)
{
    kb_vss_text s;
    kb_vss_survey(t, &s);
    if (s.reader != mine)
        return 0;
    return s.banner ? 90 : 60;
}

void kb_vss_note_run(kb_parse_ctx *ctx, const kb_vss_run *run, kb_vss_command command, kb_vss_command mine)
{
    char where[48];
    snprintf(where, sizeof where, "lines %zu-%zu", run->first + 1, run->end);
    if (command == KB_VSS_NONE)
        kb_input_note(ctx->input, where,
                      "a vssadmin output of a command kbscan cannot tell: not read (as `vssadmin %s` or another)",
                      kb_vss_command_name(mine));
    else
        kb_input_note(ctx->input, where, "the output of a vssadmin command other than `list`: not read");
}

void kb_vss_note_outside(kb_parse_ctx *ctx, const kb_text *t, size_t from, size_t to)
{
    for (size_t i = from; i < to && i < t->nlines; i++) {
        if (kb_vss_is_noise(t->lines[i]))
            continue;
        char where[32];
        snprintf(where, sizeof where, "line %zu", i + 1);
        kb_input_note(ctx->input, where, "line outside any vssadmin output, not read");
    }
}

char *kb_vss_volume_name(const char *value, size_t len, char guid[39])
{
    char *v = kb_strndup(value, len);
    if (!v)
        return NULL;
    if (kb_find_guid(v, guid) == 0)
        guid[0] = '\0';
    const char *close = v[0] == '(' ? strchr(v, ')') : NULL;
    char *name = close && close > v + 1 ? kb_strndup(v + 1, (size_t)(close - v - 1)) : kb_strdup(v);
    free(v);
    return name;
}

void kb_vss_set_run(kb_fact *f, size_t run, int latest)
{
    kb_fact_setf(f, "run", "%zu", run);
    kb_fact_set(f, "latest", latest ? "yes" : "no");
}

/* ---- reading the runs of one list sub-command ---- */

static const char *basis_name(kb_vss_basis basis)
{
    return basis == KB_VSS_BY_CONTENT  ? "content"
           : basis == KB_VSS_BY_HEADER ? "header"
           : basis == KB_VSS_BY_LABELS ? "labels"
                                       : "assumed";
}

static int read_list_run(kb_parse_ctx *ctx, const kb_text *t, const kb_vss_run *run, kb_vss_basis basis,
                         const kb_vss_lister *lister, size_t index, int latest)
{
    size_t items = 0, blocks = 0, others = 0, first_other = 0;
    size_t start = run->banner ? run->first + 1 : run->first;
    for (size_t i = start; i < run->end;) {
        size_t n = lister->item_at(t, i, run->end);
        if (n) {
            int added = lister->read_item(ctx, t, i, n, index, latest);
            if (added < 0)
                return -1;
            items += (size_t)added;
            blocks++;
            i += n;
            continue;
        }
        if (!kb_vss_is_noise(t->lines[i]) && others++ == 0)
            first_other = i;
        i++;
    }
    size_t last = kb_vss_run_last(t, run);
    kb_fact *f = kb_text_fact(ctx, lister->listing ? lister->listing : "vssadmin.run", t, run->first + 1,
                              blocks ? run->first + 2 : last);
    if (!f)
        return -1;
    kb_fact_set(f, "command", kb_vss_command_name(lister->command));
    kb_fact_set(f, "command_from", basis_name(basis));
    kb_fact_setf(f, lister->count ? lister->count : "items", "%zu", items);
    char *banner = run->banner ? kb_trimmed_copy(t->lines[run->first]) : NULL;
    kb_fact_set(f, "banner", banner ? banner : "");
    free(banner);
    char *copyright = kb_vss_copyright(t, run);
    kb_fact_set(f, "copyright", copyright ? copyright : "");
    free(copyright);
    kb_vss_set_run(f, index, latest);
    char where[32];
    if (blocks == 0 && others && kb_vss_is_no_items(t->lines[first_other])) {
        kb_fact_set(f, "status", "empty");
        if (basis == KB_VSS_ASSUMED) {
            snprintf(where, sizeof where, "line %zu", first_other + 1);
            kb_input_note(ctx->input, where,
                          "\"No items found\" without the command that printed it: read as `vssadmin %s` "
                          "(`list shadows` prints the same)",
                          kb_vss_command_name(lister->command));
        }
        others--; /* the line is understood */
        first_other = 0;
        for (size_t i = start; others && i < run->end; i++)
            if (!kb_vss_is_noise(t->lines[i]) && !kb_vss_is_no_items(t->lines[i])) {
                snprintf(where, sizeof where, "line %zu", i + 1);
                kb_input_note(ctx->input, where, "line not understood as part of %s", lister->what);
            }
        return 0;
    }
    if (blocks == 0 && others) {
        /* Anything but items after the banner is vssadmin saying why it
         * could not list them: an error, never "nothing to list". */
        char *err = kb_vss_error_text(t, first_other, run->end);
        kb_fact_set(f, "status", "error");
        kb_fact_set(f, "error", err);
        free(err);
        size_t len;
        if (!kb_after_colon(t->lines[first_other], &len)) {
            snprintf(where, sizeof where, "line %zu", first_other + 1);
            kb_input_note(ctx->input, where, "no item, and a line kbscan cannot read: an empty list cannot "
                                             "be told from an error");
        }
        return 0;
    }
    kb_fact_set(f, "status", "ok");
    for (size_t i = start; others && i < run->end;) {
        size_t n = lister->item_at(t, i, run->end);
        if (n) {
            i += n;
            continue;
        }
        if (!kb_vss_is_noise(t->lines[i])) {
            snprintf(where, sizeof where, "line %zu", i + 1);
            kb_input_note(ctx->input, where, "line not understood as part of %s", lister->what);
        }
        i++;
    }
    return 0;
}

static const kb_vss_lister *const readers[] = {
    &kb_vss_writers_lister, &kb_vss_providers_lister, &kb_vss_shadows_lister, &kb_vss_shadowstorage_lister,
    &kb_vss_volumes_lister,
};
#define NREADERS (sizeof readers / sizeof readers[0])

/* The index in readers[] of the reader of a command, or NREADERS. */
static size_t reader_of(kb_vss_command command)
{
    size_t r = 0;
    while (r < NREADERS && readers[r]->command != command)
        r++;
    return r;
}

kb_status kb_vss_read(const kb_text *t, kb_parse_ctx *ctx, kb_vss_command mine)
{
    kb_vss_text text;
    kb_vss_survey(t, &text);
    kb_vss_run run;
    kb_vss_basis basis;
    /* Runs of each reader's command, then the index of the run being read. */
    size_t total[NREADERS] = {0}, index[NREADERS] = {0};
    size_t pos, outside = 0;
    for (pos = 0; kb_vss_next_run(t, &pos, &run);) {
        size_t r = reader_of(kb_vss_command_of(&run, &text, &basis));
        if (r < NREADERS)
            total[r]++;
    }
    for (pos = 0; kb_vss_next_run(t, &pos, &run);) {
        kb_vss_note_outside(ctx, t, outside, run.first);
        outside = run.end;
        kb_vss_command c = kb_vss_command_of(&run, &text, &basis);
        size_t r = reader_of(c);
        if (r == NREADERS) {
            kb_vss_note_run(ctx, &run, c, mine);
            continue;
        }
        const kb_vss_lister *lister = readers[r];
        index[r]++;
        int latest = index[r] == total[r];
        int rc = lister->read_run ? lister->read_run(ctx, t, &run, basis, index[r], latest)
                                  : read_list_run(ctx, t, &run, basis, lister, index[r], latest);
        if (rc != 0)
            return KB_ERR_NOMEM;
        if (c != mine && kb_input_add_feed(ctx->input, lister->source->feed) != 0)
            kb_input_note(ctx->input, NULL, "too many feeds: `vssadmin %s` output read, but not given to the rules",
                          kb_vss_command_name(c));
    }
    kb_vss_note_outside(ctx, t, outside, t->nlines);
    return KB_OK;
}

const char *kb_vss_state_name(long n)
{
    static const char *const names[] = {
        "Unknown", "Stable", "Waiting for freeze", "Waiting for thaw", "Waiting for post snapshot",
        "Waiting for backup complete"};
    if (n >= 0 && n <= 5)
        return names[n];
    if (n >= 6 && n <= 15)
        return "Failed";
    return "Unknown";
}
