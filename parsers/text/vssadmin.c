/* vssadmin.c: saved `vssadmin list writers` output.
 *
 *   vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool
 *   (C) Copyright 2001-2013 Microsoft Corp.
 *
 *   Writer name: 'System Writer'
 *      Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}
 *      Writer Instance Id: {c7e6976b-587b-4cba-b641-2aa557375335}
 *      State: [8] Failed
 *      Last error: Non-retryable error
 *
 * Structure first, words second: a run starts at the banner line
 * ("vssadmin 1.1 - ..." in any language and case, vssadmin_runs.c); a
 * writer block is five lines: a name after a label, two lines with one
 * {GUID} each, a state line with "[N]", a last-error line. So output in a
 * language nobody listed still parses; label words only name things (the
 * state is its number). Zero writers, an error printed instead of writers,
 * and a missing file are three different answers, and several runs in one
 * file are all listed (the last one counts). Runs of the other `list`
 * sub-commands in the same file are theirs (vssadmin_runs.h): read by
 * their own readers, never as writer listings. */
#include "text/lines.h"
#include "text/vssadmin_runs.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What vssadmin list writers prints in each language kbscan knows: the
 * label of the first block line and the last-error words (the banner's
 * tool name and the "Waiting for responses" lines: vssadmin_runs.c). Which
 * were checked against real output: docs/locales.md. */
enum { NO_ERROR, INCONSISTENT, OUT_OF_RESOURCES, TIMED_OUT, RETRYABLE, NON_RETRYABLE, UNEXPECTED,
       LAST_ERRORS };

typedef struct vss_words {
    const char *locale;
    const char *writer_label[3];
    const char *last_error[LAST_ERRORS];
} vss_words;

static const vss_words words[] = {
    {"en", {"Writer name"},
     {"No error", "Inconsistent shadow copy", "Out of resources", "Timed out", "Retryable error",
      "Non-retryable error", "Unexpected error"}},
    {"ja", {"ライター名"},
     {"エラーなし", "不整合なシャドウ コピー", "リソース不足", "タイムアウト", "再試行可能なエラー",
      "再試行できないエラー", "予期しないエラー"}},
    {"de", {"Verfassername"},
     {"Kein Fehler", "Inkonsistente Schattenkopie", "Nicht genügend Ressourcen", "Zeitüberschreitung",
      "Wiederholbarer Fehler", "Nicht wiederholbarer Fehler", "Unerwarteter Fehler"}},
    {"fr", {"Nom du rédacteur", "Nom de l'enregistreur"},
     {"Aucune erreur", "Cliché instantané incohérent", "Ressources insuffisantes", "Délai dépassé",
      "Erreur récupérable", "Erreur non récupérable", "Erreur inattendue"}},
    {"es", {"Nombre de escritor", "Nombre del escritor"},
     {"Sin error", "Instantánea incoherente", "Recursos insuficientes", "Tiempo de espera agotado",
      "Error que se puede reintentar", "Error que no se puede reintentar", "Error inesperado"}},
    {"it", {"Nome writer", "Nome del writer"},
     {"Nessun errore", "Copia shadow incoerente", "Risorse insufficienti", "Timeout",
      "Errore non irreversibile", "Errore irreversibile", "Errore imprevisto"}},
    {"pt-BR", {"Nome do gravador"},
     {"Nenhum erro", "Cópia de sombra inconsistente", "Recursos insuficientes", "Tempo limite esgotado",
      "Erro repetível", "Erro não repetível", "Erro inesperado"}},
    {"zh-CN", {"写入程序名称", "编写器名称", "写入器名称"},
     {"无错误", "卷影副本不一致", "资源不足", "超时", "可重试的错误", "不可重试的错误", "意外错误"}},
    {"zh-TW", {"寫入器名稱", "寫入程式名稱"},
     {"沒有錯誤", "陰影複製不一致", "資源不足", "逾時", "可重試的錯誤", "不可重試的錯誤", "未預期的錯誤"}},
    {"ko", {"기록기 이름"},
     {"오류 없음", "일관성 없는 섀도 복사본", "리소스 부족", "시간 초과", "다시 시도할 수 있는 오류",
      "다시 시도할 수 없는 오류", "예기치 않은 오류"}},
    /* "Имя компонента записи" is a real capture's; "Имя модуля записи" best effort. */
    {"ru", {"Имя компонента записи", "Имя модуля записи"},
     {"Нет ошибок", "Несогласованная теневая копия", "Недостаточно ресурсов", "Время ожидания истекло",
      "Повторяемая ошибка", "Неповторяемая ошибка", "Непредвиденная ошибка"}},
};

#define NLOCALES (sizeof words / sizeof words[0])

/* The English name and HRESULT of each last error (formats.md 1.3). */
static const struct {
    const char *name, *code;
} last_errors[LAST_ERRORS] = {
    {"No error", "0x00000000"}, {"Inconsistent shadow copy", "0x800423F0"},
    {"Out of resources", "0x800423F1"}, {"Timed out", "0x800423F2"}, {"Retryable error", "0x800423F3"},
    {"Non-retryable error", "0x800423F4"}, {"Unexpected error", ""},
};

static int state_number(const char *line, long *out)
{
    const char *open = strchr(line, '[');
    if (!open)
        return 0;
    char *end;
    long n = strtol(open + 1, &end, 10);
    if (end == open + 1 || *end != ']')
        return 0;
    *out = n;
    return 1;
}

/* The last error's index in last_errors[], or -1 for words no table knows. */
static int last_error_index(const char *text)
{
    for (size_t l = 0; l < NLOCALES; l++)
        for (int e = 0; e < LAST_ERRORS; e++)
            if (strcmp(text, words[l].last_error[e]) == 0)
                return e;
    return -1;
}

/* The locale one line shows: a writer-name label, a waiting line, or the
 * banner's tool name. */
static const char *line_locale(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    for (size_t l = 0; l < NLOCALES; l++)
        for (size_t k = 0; k < 3 && words[l].writer_label[k]; k++) {
            size_t n = strlen(words[l].writer_label[k]);
            if (strncmp(p, words[l].writer_label[k], n) == 0 && kb_after_colon(p + n, &len))
                return words[l].locale;
        }
    return kb_vss_line_locale(line);
}

static int add_writer(kb_parse_ctx *ctx, const kb_text *t, size_t i, size_t run, const char *latest)
{
    kb_fact *f = kb_text_fact(ctx, "vssadmin.writer", t, i + 1, i + 5);
    if (!f)
        return -1;
    size_t len;
    const char *name = kb_after_colon(t->lines[i], &len);
    char *clean = kb_vss_unquoted(name, len);
    kb_fact_set(f, "name", clean);
    free(clean);
    char guid[39];
    kb_find_guid(t->lines[i + 1], guid);
    kb_fact_set(f, "writer_id", guid);
    kb_find_guid(t->lines[i + 2], guid);
    kb_fact_set(f, "instance_id", guid);
    long state = 0;
    state_number(t->lines[i + 3], &state);
    kb_fact_setf(f, "state", "%ld", state);
    kb_fact_set(f, "state_name", kb_vss_state_name(state));
    const char *word = strchr(t->lines[i + 3], ']') + 1;
    char *state_text = kb_trimmed_copy(word);
    kb_fact_set(f, "state_text", state_text);
    free(state_text);
    const char *err = kb_after_colon(t->lines[i + 4], &len);
    char *err_text = kb_strndup(err, len);
    kb_fact_set(f, "last_error_text", err_text);
    int e = last_error_index(err_text);
    kb_fact_set(f, "last_error", e >= 0 ? last_errors[e].name : err_text);
    kb_fact_set(f, "last_error_code", e >= 0 ? last_errors[e].code : "");
    free(err_text);
    kb_fact_setf(f, "run", "%zu", run);
    kb_fact_set(f, "latest", latest);
    kb_fact_set(f, "tool", "vssadmin");
    return 0;
}

/* One run of list writers. */
static int parse_run(kb_parse_ctx *ctx, const kb_text *t, const kb_vss_run *r, kb_vss_basis basis, size_t run,
                     int latest)
{
    (void)basis;
    const char *latest_s = latest ? "yes" : "no";
    size_t first = r->first, end = r->end;
    size_t writers = 0, others = 0, first_other = 0;
    size_t start = r->banner ? first + 1 : first;
    for (size_t i = start; i < end;) {
        if (kb_vss_writer_at(t, i, end)) {
            if (add_writer(ctx, t, i, run, latest_s) != 0)
                return -1;
            writers++;
            i += 5;
            continue;
        }
        if (!kb_vss_is_noise(t->lines[i]) && others++ == 0)
            first_other = i;
        i++;
    }
    size_t last = kb_vss_run_last(t, r);
    kb_fact *f = kb_text_fact(ctx, "vssadmin.listing", t, first + 1,
                              writers ? first + 2 : last);
    if (!f)
        return -1;
    kb_fact_setf(f, "run", "%zu", run);
    kb_fact_set(f, "latest", latest_s);
    kb_fact_setf(f, "writers", "%zu", writers);
    kb_fact_set(f, "tool", "vssadmin");
    char *banner = r->banner ? kb_trimmed_copy(t->lines[first]) : NULL;
    kb_fact_set(f, "banner", banner ? banner : "");
    free(banner);
    char *copyright = kb_vss_copyright(t, r);
    kb_fact_set(f, "copyright", copyright ? copyright : "");
    free(copyright);
    if (writers == 0 && others) {
        /* Anything but writers after the banner is vssadmin saying why it
         * could not list them: an error, never "zero writers". */
        char *err = kb_vss_error_text(t, first_other, end);
        kb_fact_set(f, "status", "error");
        kb_fact_set(f, "error", err);
        free(err);
        /* "Error: ..." in any language is a label and a colon; other text
         * (a "Waiting for responses" in a language nobody listed, say) may
         * not be an error, but zero writers cannot be claimed either. */
        size_t len;
        if (!kb_after_colon(t->lines[first_other], &len)) {
            char where[32];
            snprintf(where, sizeof where, "line %zu", first_other + 1);
            kb_input_note(ctx->input, where,
                          "no writer, and a line kbscan cannot read: zero writers cannot be told from an error");
        }
    } else {
        kb_fact_set(f, "status", "ok");
        /* Walk as above, so the lines inside writer blocks are not noted. */
        for (size_t k = start; others && k < end;) {
            if (kb_vss_writer_at(t, k, end)) {
                k += 5;
                continue;
            }
            if (!kb_vss_is_noise(t->lines[k])) {
                char where[32];
                snprintf(where, sizeof where, "line %zu", k + 1);
                kb_input_note(ctx->input, where, "line not understood as part of a writer list");
            }
            k++;
        }
    }
    return 0;
}

static int sniff(const kb_text *t)
{
    return kb_vss_sniff(t, KB_VSS_WRITERS);
}

static const char *locale_of(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines; i++) {
        const char *l = line_locale(t->lines[i]);
        if (l)
            return l;
    }
    return NULL;
}

const kb_vss_lister kb_vss_writers_lister = {
    .command = KB_VSS_WRITERS,
    .source = &kb_source_vssadmin,
    .read_run = parse_run,
    .what = "a writer list",
};

/* Every run is read, however many the file holds, and the last one of list
 * writers is the latest: a fixed table of runs would fold later runs into
 * one, and another sub-command's run must not stand for the writers (it is
 * read by its own reader, kb_vss_read). */
static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    return kb_vss_read(t, ctx, KB_VSS_WRITERS);
}

/* diskshadow.c gives the same facts to the same input ("tool" tells them apart). */
static const char *const listing_fields[] = {"status", "writers", "error", "banner", "copyright", "run",
                                             "latest", "tool", NULL};
static const char *const writer_fields[] = {"name", "writer_id", "instance_id", "state",
                                            "state_name", "state_text", "last_error", "last_error_code",
                                            "last_error_text", "run", "latest", "tool", NULL};
static const kb_fact_decl facts[] = {
    {"vssadmin.listing", listing_fields}, {"vssadmin.writer", writer_fields}, {NULL, NULL},
};

/* The commands whose output it reads, for files of several outputs (sections.h). */
static const char *const commands[] = {"vssadmin list writers", NULL};

const kb_source kb_source_vssadmin = {
    .name = "vssadmin",
    .kind = "vssadmin_writers",
    .label = "vssadmin list writers output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "vssadmin_writers",
    .collect = {
        .file = "vssadmin_list_writers.txt",
        .command = "vssadmin list writers > <file>",
        .why_en = "Run in an elevated command prompt on the server, ideally right after a failed backup.",
        .why_ja = "管理者として起動したコマンド プロンプトで、できればバックアップ失敗の直後に実行してください。",
    },
    .commands = commands,
    .covers = KB_COVERS_MOMENT,
};
