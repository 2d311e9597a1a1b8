/* vssadmin.c: saved `vssadmin list writers` output.
 *
 * Structure first, words second: a run starts at the banner line
 * ("vssadmin 1.1 - ..." in any language); a writer block is five lines:
 * a name after a label, two lines with one {GUID} each, a state line with
 * "[N]", a last-error line. So output in a language nobody listed still
 * parses; label words only name things (the state is its number).
 * Zero writers, an error printed instead of writers, and a missing file are
 * three different answers, and several runs in one file are all listed
 * (the last one counts). */
#include "text/lines.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_banner(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    return len > 11 && strncmp(p, "vssadmin ", 9) == 0 && isdigit((unsigned char)p[9]);
}

/* "(C) Copyright 2001-2013 Microsoft Corp." is the same in every language:
 * known by its shape ("(C)" or "©" and a year), so banner-only output in
 * a language nobody listed is still "zero writers". */
static int is_copyright(const char *line)
{
    const char *c = strstr(line, "(C)");
    if (!c)
        c = strstr(line, "(c)");
    if (!c)
        c = strstr(line, "\xc2\xa9");
    if (!c)
        return 0;
    for (const char *p = c; *p; p++)
        if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
            isdigit((unsigned char)p[3]))
            return 1;
    return 0;
}

/* What vssadmin prints in each language kbscan knows: the label of the
 * first block line, the "Waiting for responses" lines, the banner's tool
 * name, and the last-error words. Which were checked against real output:
 * docs/locales.md. */
enum { NO_ERROR, INCONSISTENT, OUT_OF_RESOURCES, TIMED_OUT, RETRYABLE, NON_RETRYABLE, UNEXPECTED,
       LAST_ERRORS };

typedef struct vss_words {
    const char *locale;
    const char *writer_label[3];
    const char *waiting[2];
    const char *tool;
    const char *last_error[LAST_ERRORS];
} vss_words;

static const vss_words words[] = {
    {"en", {"Writer name"}, {"Waiting for responses", "These may be delayed if a shadow copy is being prepared"},
     "Volume Shadow Copy Service administrative command-line tool",
     {"No error", "Inconsistent shadow copy", "Out of resources", "Timed out", "Retryable error",
      "Non-retryable error", "Unexpected error"}},
    {"ja", {"ライター名"}, {"応答を待っています", "シャドウ コピーの準備中は遅れる場合があります"},
     "ボリューム シャドウ コピー サービス管理コマンド ライン ツール",
     {"エラーなし", "不整合なシャドウ コピー", "リソース不足", "タイムアウト", "再試行可能なエラー",
      "再試行できないエラー", "予期しないエラー"}},
    {"de", {"Verfassername"}, {"Warten auf Antworten", "Diese können sich verzögern"},
     "Verwaltungsbefehlszeilenprogramm des Volumeschattenkopie-Dienstes",
     {"Kein Fehler", "Inkonsistente Schattenkopie", "Nicht genügend Ressourcen", "Zeitüberschreitung",
      "Wiederholbarer Fehler", "Nicht wiederholbarer Fehler", "Unerwarteter Fehler"}},
    {"fr", {"Nom du rédacteur", "Nom de l'enregistreur"}, {"Attente de réponses", "Attente des réponses"},
     "Outil ligne de commande d'administration du service de cliché instantané de volume",
     {"Aucune erreur", "Cliché instantané incohérent", "Ressources insuffisantes", "Délai dépassé",
      "Erreur récupérable", "Erreur non récupérable", "Erreur inattendue"}},
    {"es", {"Nombre de escritor", "Nombre del escritor"}, {"Esperando respuestas", "Pueden retrasarse"},
     "Herramienta de línea de comandos de administración del Servicio de instantáneas de volumen",
     {"Sin error", "Instantánea incoherente", "Recursos insuficientes", "Tiempo de espera agotado",
      "Error que se puede reintentar", "Error que no se puede reintentar", "Error inesperado"}},
    {"it", {"Nome writer", "Nome del writer"}, {"In attesa di risposte", "Potrebbero verificarsi ritardi"},
     "Strumento da riga di comando per l'amministrazione del servizio Copia Shadow del volume",
     {"Nessun errore", "Copia shadow incoerente", "Risorse insufficienti", "Timeout",
      "Errore non irreversibile", "Errore irreversibile", "Errore imprevisto"}},
    {"pt-BR", {"Nome do gravador"}, {"Aguardando respostas", "Elas podem ser atrasadas"},
     "Ferramenta de linha de comando administrativa do Serviço de Cópias de Sombra de Volume",
     {"Nenhum erro", "Cópia de sombra inconsistente", "Recursos insuficientes", "Tempo limite esgotado",
      "Erro repetível", "Erro não repetível", "Erro inesperado"}},
    {"zh-CN", {"写入程序名称", "编写器名称", "写入器名称"}, {"正在等待响应", "如果正在准备卷影副本"},
     "卷影复制服务管理命令行工具",
     {"无错误", "卷影副本不一致", "资源不足", "超时", "可重试的错误", "不可重试的错误", "意外错误"}},
    {"zh-TW", {"寫入器名稱", "寫入程式名稱"}, {"正在等候回應", "如果正在準備陰影複製"},
     "磁碟區陰影複製服務系統管理命令列工具",
     {"沒有錯誤", "陰影複製不一致", "資源不足", "逾時", "可重試的錯誤", "不可重試的錯誤", "未預期的錯誤"}},
    {"ko", {"기록기 이름"}, {"응답을 기다리는 중", "섀도 복사본을 준비하는 중이면"},
     "볼륨 섀도 복사본 서비스 관리 명령줄 도구",
     {"오류 없음", "일관성 없는 섀도 복사본", "리소스 부족", "시간 초과", "다시 시도할 수 있는 오류",
      "다시 시도할 수 없는 오류", "예기치 않은 오류"}},
    {"ru", {"Имя модуля записи"}, {"Ожидание ответа", "Это может занять некоторое время"},
     "Средство командной строки для управления службой теневого копирования тома",
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

static int is_waiting(const char *line)
{
    for (size_t l = 0; l < NLOCALES; l++)
        for (size_t k = 0; k < 2; k++)
            if (words[l].waiting[k] && strstr(line, words[l].waiting[k]))
                return 1;
    return 0;
}

/* Lines vssadmin prints besides writers that mean nothing for the answer. */
static int is_noise(const char *line)
{
    return kb_is_blank(line) || kb_is_prompt(line) || is_copyright(line) || is_waiting(line);
}

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

/* 1 when lines i..i+4 (before end) form a writer block. */
static int writer_block_at(const kb_text *t, size_t i, size_t end)
{
    char guid[39];
    long state;
    size_t len;
    if (i + 5 > end)
        return 0;
    const char *name = kb_after_colon(t->lines[i], &len);
    return name && len > 0 && kb_find_guid(t->lines[i], guid) == 0 &&
           kb_find_guid(t->lines[i + 1], guid) == 1 && kb_find_guid(t->lines[i + 2], guid) == 1 &&
           state_number(t->lines[i + 3], &state) && kb_after_colon(t->lines[i + 4], &len) != NULL;
}

static const char *state_name(long n)
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
    for (size_t l = 0; l < NLOCALES; l++) {
        for (size_t k = 0; k < 3 && words[l].writer_label[k]; k++) {
            size_t n = strlen(words[l].writer_label[k]);
            if (strncmp(p, words[l].writer_label[k], n) == 0 && kb_after_colon(p + n, &len))
                return words[l].locale;
        }
        if (strstr(line, words[l].tool))
            return words[l].locale;
        for (size_t k = 0; k < 2; k++)
            if (strstr(line, words[l].waiting[k]))
                return words[l].locale;
    }
    return NULL;
}

static char *unquoted(const char *s, size_t len)
{
    static const char *const quotes[] = {"'", "\"", "\xe2\x80\x98", "\xe2\x80\x99",
                                         "\xe2\x80\x9c", "\xe2\x80\x9d"};
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

static int add_writer(kb_parse_ctx *ctx, const kb_text *t, size_t i, size_t run, const char *latest)
{
    kb_fact *f = kb_text_fact(ctx, "vssadmin.writer", t, i + 1, i + 5);
    if (!f)
        return -1;
    size_t len;
    const char *name = kb_after_colon(t->lines[i], &len);
    char *clean = unquoted(name, len);
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
    kb_fact_set(f, "state_name", state_name(state));
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
    return 0;
}

/* vssadmin's error message from line at on, with the lines it wrapped onto
 * (up to a blank line, a prompt or other noise) joined by one space; none
 * between two CJK lines, where a line break is not a word break. */
static char *error_text(const kb_text *t, size_t at, size_t end)
{
    char *err = kb_trimmed_copy(t->lines[at]);
    for (size_t i = at + 1; err && i < end && !is_noise(t->lines[i]); i++) {
        char *more = kb_trimmed_copy(t->lines[i]);
        size_t n = strlen(err);
        int cjk = n && (unsigned char)err[n - 1] >= 0x80 && more && (unsigned char)more[0] >= 0x80;
        char *joined = more ? kb_strprintf("%s%s%s", err, cjk ? "" : " ", more) : NULL;
        free(more);
        free(err);
        err = joined;
    }
    return err;
}

/* One run: lines [first, end). first is the banner line, or 0 for writer
 * blocks copied without their banner. */
static int parse_run(kb_parse_ctx *ctx, const kb_text *t, size_t first, size_t end, size_t run,
                     int latest)
{
    const char *latest_s = latest ? "yes" : "no";
    size_t writers = 0, others = 0, first_other = 0;
    size_t i = is_banner(t->lines[first]) ? first + 1 : first;
    while (i < end) {
        if (writer_block_at(t, i, end)) {
            if (add_writer(ctx, t, i, run, latest_s) != 0)
                return -1;
            writers++;
            i += 5;
            continue;
        }
        if (!is_noise(t->lines[i]) && others++ == 0)
            first_other = i;
        i++;
    }
    size_t last = end;
    while (last > first + 1 && kb_is_blank(t->lines[last - 1]))
        last--;
    kb_fact *f = kb_text_fact(ctx, "vssadmin.listing", t, first + 1,
                              writers ? first + 2 : last);
    if (!f)
        return -1;
    kb_fact_setf(f, "run", "%zu", run);
    kb_fact_set(f, "latest", latest_s);
    kb_fact_setf(f, "writers", "%zu", writers);
    char *banner = is_banner(t->lines[first]) ? kb_trimmed_copy(t->lines[first]) : NULL;
    kb_fact_set(f, "banner", banner ? banner : "");
    free(banner);
    if (writers == 0 && others) {
        /* Anything but writers after the banner is vssadmin saying why it
         * could not list them: an error, never "zero writers". */
        char *err = error_text(t, first_other, end);
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
        for (size_t k = i = is_banner(t->lines[first]) ? first + 1 : first; others && k < end;) {
            if (writer_block_at(t, k, end)) {
                k += 5;
                continue;
            }
            if (!is_noise(t->lines[k])) {
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
    int blocks = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        if (is_banner(t->lines[i]))
            return 90;
        blocks += writer_block_at(t, i, t->nlines);
    }
    return blocks ? 60 : 0;
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

/* The line of the first banner at or after line `from`, or nlines. */
static size_t next_banner(const kb_text *t, size_t from)
{
    while (from < t->nlines && !is_banner(t->lines[from]))
        from++;
    return from;
}

/* Every run is read, however many the file holds, and the last one is the
 * latest: a fixed table of runs would fold later runs into one. */
static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    if (t->nlines == 0)
        return KB_OK;
    size_t start = next_banner(t, 0);
    if (start == t->nlines)
        start = 0; /* writer blocks without a banner */
    for (size_t run = 1;; run++) {
        size_t end = next_banner(t, start + 1);
        int latest = end >= t->nlines;
        if (parse_run(ctx, t, start, end, run, latest) != 0)
            return KB_ERR_NOMEM;
        if (latest)
            break;
        start = end;
    }
    if (!ctx->input->locale && locale_of(t))
        kb_input_set_locale(ctx->input, locale_of(t));
    return KB_OK;
}

static const char *const listing_fields[] = {"status", "writers", "error", "banner", "run",
                                             "latest", NULL};
static const char *const writer_fields[] = {"name", "writer_id", "instance_id", "state",
                                            "state_name", "state_text", "last_error", "last_error_code",
                                            "last_error_text", "run", "latest", NULL};
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
