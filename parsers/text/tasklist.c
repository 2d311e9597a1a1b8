/* tasklist.c: saved `tasklist /svc` output.
 *
 * TABLE: the "=== ====== ====" rule line gives the columns (console padding
 * is by display width, so a Japanese header is as wide as the English one);
 * service lists wrapped onto continuation lines are joined. Rows that do not
 * line up with the rule (copied, or cut by `findstr`) are split by their
 * shape: image, spaces, PID, spaces, services. Also /FO CSV (with or
 * without header), /FO LIST, /NH, and the "no tasks" INFO line. */
#include "text/lines.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct column {
    size_t start, end;  /* display columns [start, end) */
} column;

typedef struct process {
    char *image;
    char *pid;
    kb_strlist services;
    size_t first, last; /* 1-based lines */
} process;

/* ---- services lists ---------------------------------------------------------- */

static void add_services(kb_strlist *list, const char *text, size_t len)
{
    char *copy = kb_strndup(text, len);
    if (!copy)
        return;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *item = kb_trimmed_copy(tok);
        if (item && *item && strcmp(item, "N/A") != 0)
            kb_strlist_add(list, item);
        free(item);
    }
    free(copy);
}

static int emit(kb_parse_ctx *ctx, const kb_text *t, process *p)
{
    kb_fact *f = kb_text_fact(ctx, "tasklist.process", t, p->first, p->last);
    if (!f)
        return -1;
    kb_fact_set(f, "image", p->image);
    kb_fact_set(f, "pid", p->pid);
    kb_buf joined = KB_BUF_INIT;
    kb_buf_puts(&joined, "");
    for (size_t i = 0; i < p->services.n; i++) {
        if (i)
            kb_buf_puts(&joined, ", ");
        kb_buf_puts(&joined, p->services.items[i]);
    }
    kb_fact_set(f, "services", kb_buf_str(&joined));
    kb_buf_free(&joined);
    kb_fact_setf(f, "service_count", "%zu", p->services.n);
    return 0;
}

static void process_free(process *p)
{
    free(p->image);
    free(p->pid);
    kb_strlist_free(&p->services);
    memset(p, 0, sizeof *p);
}

static int all_digits(const char *s, size_t len)
{
    if (!len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* ---- table rows ------------------------------------------------------------------ */

/* The rule line: runs of '=' separated by single spaces, at least three. */
static size_t rule_columns(const char *line, column *cols, size_t max)
{
    size_t n = 0, i = 0, len = strlen(line);
    while (len && line[len - 1] == ' ')
        len--;
    if (!len || line[0] != '=')
        return 0;
    while (i < len) {
        if (line[i] != '=')
            return 0;
        size_t start = i;
        while (i < len && line[i] == '=')
            i++;
        if (n < max)
            cols[n++] = (column){start, i};
        if (i < len && line[i] == ' ')
            i++;
        while (i < len && line[i] == ' ') /* filtered copies pad with more spaces */
            i++;
    }
    return n >= 3 ? n : 0;
}

/* Cuts a row at display columns: text of [start, end) in out (trimmed). */
static void cut(const char *line, size_t start, size_t end, const char **out, size_t *outlen)
{
    size_t col = 0, i = 0, len = strlen(line), from = len, to = len;
    while (i < len) {
        size_t n = kb_utf8_valid_len((const unsigned char *)line + i, len - i);
        if (!n)
            n = 1;
        if (col >= start && from == len)
            from = i;
        if (col >= end) {
            to = i;
            break;
        }
        col += kb_utf8_width(line + i, n);
        i += n;
    }
    if (from > to)
        from = to;
    char *tmp = kb_strndup(line + from, to - from);
    size_t tl;
    const char *tp = kb_trim(tmp ? tmp : "", &tl);
    *out = line + from + (size_t)(tp - (tmp ? tmp : ""));
    *outlen = tl;
    free(tmp);
}

/* Splits a row by its shape: image, blanks, PID, blanks, services. */
static int split_by_shape(const char *line, process *p)
{
    size_t len;
    const char *s = kb_trim(line, &len);
    for (size_t i = 1; i + 1 < len; i++) {
        if (s[i] != ' ' || !isdigit((unsigned char)s[i + 1]))
            continue;
        size_t j = i + 1;
        while (j < len && isdigit((unsigned char)s[j]))
            j++;
        if (j < len && s[j] != ' ')
            continue;
        size_t image_len = i;
        while (image_len && s[image_len - 1] == ' ')
            image_len--;
        p->image = kb_strndup(s, image_len);
        p->pid = kb_strndup(s + i + 1, j - i - 1);
        add_services(&p->services, s + j, len - j);
        return 1;
    }
    return 0;
}

static int split_by_columns(const char *line, const column *cols, process *p)
{
    const char *img, *pid, *svc;
    size_t il, pl, sl;
    cut(line, cols[0].start, cols[0].end, &img, &il);
    cut(line, cols[1].start, cols[1].end, &pid, &pl);
    cut(line, cols[2].start, (size_t)-1, &svc, &sl);
    if (!il || !all_digits(pid, pl))
        return 0;
    p->image = kb_strndup(img, il);
    p->pid = kb_strndup(pid, pl);
    add_services(&p->services, svc, sl);
    return 1;
}

/* A continuation line: blank up to the services column, then services. */
static int continuation(const char *line, const column *cols, size_t *len, const char **svc)
{
    size_t lead = 0;
    while (line[lead] == ' ')
        lead++;
    if (!line[lead])
        return 0;
    size_t min = cols ? cols[2].start : 20;
    if (lead < min)
        return 0;
    *svc = kb_trim(line, len);
    return 1;
}

/* The header labels and the "no tasks" message of `tasklist /svc` in each
 * language kbscan knows (which were checked against real output:
 * docs/locales.md). The table layout is read from the rule line whatever
 * the language; these only name the locale and the INFO message. */
typedef struct task_words {
    const char *locale;
    const char *image[2];
    const char *services;
    const char *no_tasks;  /* a distinctive part of the INFO message */
} task_words;

static const task_words words[] = {
    {"en", {"Image Name"}, "Services", "No tasks are running"},
    {"ja", {"イメージ名"}, "サービス", "実行されていません"},
    {"de", {"Abbildname"}, "Dienste", "Es werden keine Aufgaben"},
    {"fr", {"Nom de l'image", "Nom de l\xe2\x80\x99image"}, "Services", "Aucune tâche"},
    {"es", {"Nombre de imagen"}, "Servicios", "No hay tareas"},
    {"it", {"Nome immagine"}, "Servizi", "Nessuna attività"},
    {"pt-BR", {"Nome da imagem"}, "Serviços", "Nenhuma tarefa"},
    {"zh-CN", {"映像名称"}, "服务", "没有运行的任务"},
    {"zh-TW", {"影像名稱"}, "服務", "沒有執行中的工作"},
    {"ko", {"이미지 이름"}, "서비스", "작업이 실행되고 있지 않습니다"},
    {"ru", {"Имя образа"}, "Службы", "Задачи, отвечающие заданным критериям, отсутствуют"},
};

#define NLOCALES (sizeof words / sizeof words[0])

static const char *info_locale(const char *line)
{
    for (size_t l = 0; l < NLOCALES; l++)
        if (strstr(line, words[l].no_tasks))
            return words[l].locale;
    return NULL;
}

static int is_info(const char *line)
{
    return info_locale(line) || strncmp(line, "INFO:", 5) == 0;
}

/* The locale of a header (TABLE), a CSV header or a LIST label line. */
static const char *header_locale(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    if (*p == '"')
        p++;
    for (size_t l = 0; l < NLOCALES; l++)
        for (size_t k = 0; k < 2 && words[l].image[k]; k++) {
            size_t n = strlen(words[l].image[k]);
            if (strncmp(p, words[l].image[k], n) == 0 &&
                (p[n] == ' ' || p[n] == '"' || p[n] == ':' || p[n] == '\0'))
                return words[l].locale;
        }
    return NULL;
}

static int add_listing(kb_parse_ctx *ctx, const kb_text *t, const char *format, size_t first_line,
                       size_t count)
{
    kb_fact *f = kb_text_fact(ctx, "tasklist.listing", t, first_line, first_line);
    if (!f)
        return -1;
    kb_fact_set(f, "format", format);
    kb_fact_setf(f, "processes", "%zu", count);
    return 0;
}

/* A table being read: the current process (continuation lines may follow),
 * and the listing it belongs to. */
typedef struct table_state {
    process cur;
    int have;
    size_t count, first_line;
} table_state;

static int finish_process(kb_parse_ctx *ctx, const kb_text *t, table_state *st)
{
    int rc = st->have ? emit(ctx, t, &st->cur) : 0;
    process_free(&st->cur);
    st->have = 0;
    return rc;
}

/* Ends one listing (a table, or rows after a prompt): one fact per table. */
static int finish_listing(kb_parse_ctx *ctx, const kb_text *t, table_state *st, const char *format)
{
    if (finish_process(ctx, t, st) != 0)
        return -1;
    if (st->count && add_listing(ctx, t, format, st->first_line, st->count) != 0)
        return -1;
    st->count = st->first_line = 0;
    return 0;
}

/* TABLE (with or without header/rule) and filtered rows. A command prompt
 * echoed into the file (C:\>tasklist /svc | findstr ...) is never a process:
 * it ends the listing before it. */
static kb_status parse_table(const kb_text *t, kb_parse_ctx *ctx, const char *format)
{
    column cols[8];
    size_t ncols = 0, listings = 0, rule_line = 0;
    table_state st = {{0}, 0, 0, 0};
    for (size_t i = 0; i < t->nlines; i++) {
        const char *line = t->lines[i];
        size_t n = rule_columns(line, cols, 8);
        if (n || kb_is_prompt(line)) {
            listings += st.count > 0;
            if (finish_listing(ctx, t, &st, format) != 0)
                return KB_ERR_NOMEM;
            if (n) {
                ncols = n;
                rule_line = i + 1;
            } else {
                ncols = 0;
            }
            continue;
        }
        const char *svc;
        size_t sl;
        if (st.have && continuation(line, ncols ? cols : NULL, &sl, &svc)) {
            add_services(&st.cur.services, svc, sl);
            st.cur.last = i + 1;
            continue;
        }
        process p = {0};
        int ok = (ncols && split_by_columns(line, cols, &p)) || (p.image = NULL, split_by_shape(line, &p));
        if (!ok) {
            process_free(&p);
            continue;
        }
        if (finish_process(ctx, t, &st) != 0) {
            process_free(&p);
            return KB_ERR_NOMEM;
        }
        st.cur = p;
        st.cur.first = st.cur.last = i + 1;
        st.have = 1;
        if (!st.count++)
            st.first_line = ncols && rule_line ? rule_line : i + 1;
    }
    listings += st.count > 0;
    if (finish_listing(ctx, t, &st, format) != 0)
        return KB_ERR_NOMEM;
    /* A table without rows (or the INFO line) is still one listing. */
    if (!listings && add_listing(ctx, t, format, rule_line ? rule_line : 1, 0) != 0)
        return KB_ERR_NOMEM;
    return KB_OK;
}

/* ---- CSV ------------------------------------------------------------------------- */

/* Splits one CSV record of quoted fields into out (at most 3). */
static size_t csv_fields(const char *line, char **out, size_t max)
{
    size_t n = 0;
    const char *p = line;
    while (*p && n < max) {
        while (*p == ' ')
            p++;
        if (*p != '"')
            return n;
        p++;
        kb_buf b = KB_BUF_INIT;
        kb_buf_puts(&b, "");
        while (*p && !(*p == '"' && p[1] != '"')) {
            if (*p == '"')
                p++;
            kb_buf_putc(&b, *p++);
        }
        if (*p != '"') {
            kb_buf_free(&b);
            return n;
        }
        p++;
        out[n++] = kb_buf_take(&b);
        while (*p == ' ')
            p++;
        if (*p == ',')
            p++;
    }
    return n;
}

static kb_status parse_csv(const kb_text *t, kb_parse_ctx *ctx)
{
    size_t count = 0, first = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        char *fields[3] = {0};
        size_t n = csv_fields(t->lines[i], fields, 3);
        if (n == 3 && all_digits(fields[1], strlen(fields[1]))) {
            process p = {fields[0], fields[1], {0}, i + 1, i + 1};
            add_services(&p.services, fields[2], strlen(fields[2]));
            int rc = emit(ctx, t, &p);
            process_free(&p);
            free(fields[2]);
            if (rc != 0)
                return KB_ERR_NOMEM;
            count++;
            if (!first)
                first = i + 1;
            continue;
        }
        for (size_t k = 0; k < n; k++)
            free(fields[k]);
    }
    kb_fact *f = kb_text_fact(ctx, "tasklist.listing", t, first, first);
    if (!f)
        return KB_ERR_NOMEM;
    kb_fact_set(f, "format", "csv");
    kb_fact_setf(f, "processes", "%zu", count);
    return KB_OK;
}

/* ---- LIST ------------------------------------------------------------------------- */

/* Records of three label lines (image, PID, services) whatever the
 * language of the labels; extra services on value-only lines. */
static kb_status parse_list(const kb_text *t, kb_parse_ctx *ctx)
{
    size_t count = 0, first = 0;
    for (size_t i = 0; i + 2 < t->nlines; i++) {
        size_t il, pl, sl;
        const char *img = kb_after_colon(t->lines[i], &il);
        const char *pid = kb_after_colon(t->lines[i + 1], &pl);
        const char *svc = kb_after_colon(t->lines[i + 2], &sl);
        if (!img || !pid || !svc || !il || !all_digits(pid, pl) || kb_is_blank(t->lines[i]))
            continue;
        process p = {kb_strndup(img, il), kb_strndup(pid, pl), {0}, i + 1, i + 3};
        add_services(&p.services, svc, sl);
        size_t j = i + 3;
        while (j < t->nlines && !kb_is_blank(t->lines[j]) && t->lines[j][0] == ' ' &&
               !kb_after_colon(t->lines[j], &sl)) {
            size_t len;
            const char *more = kb_trim(t->lines[j], &len);
            add_services(&p.services, more, len);
            p.last = ++j;
        }
        int rc = emit(ctx, t, &p);
        process_free(&p);
        if (rc != 0)
            return KB_ERR_NOMEM;
        if (!first)
            first = i + 1;
        count++;
        i = j - 1;
    }
    kb_fact *f = kb_text_fact(ctx, "tasklist.listing", t, first, first);
    if (!f)
        return KB_ERR_NOMEM;
    kb_fact_set(f, "format", "list");
    kb_fact_setf(f, "processes", "%zu", count);
    return KB_OK;
}

/* ---- sniff and dispatch ------------------------------------------------------------- */

typedef enum layout { NONE, TABLE, ROWS, CSV, LIST, INFO } layout;

static int looks_like_row(const char *line)
{
    process p = {0};
    int ok = split_by_shape(line, &p) && p.image && strstr(p.image, ".exe") && p.services.n > 0;
    process_free(&p);
    return ok;
}

/* A LIST label ("PID:", "Nom de l'image:"): no '"' or '=' before its
 * colon, which `"Type"=dword:00000010` lines of a .reg export have. */
static int label_before(const char *line, const char *value)
{
    for (const char *p = line; p < value; p++)
        if (*p == '"' || *p == '=')
            return 0;
    return 1;
}

static layout detect(const kb_text *t)
{
    column cols[8];
    size_t rows = 0, csv = 0, list = 0;
    int info = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        const char *line = t->lines[i];
        if (rule_columns(line, cols, 8) == 3)
            return TABLE;
        char *f[3] = {0};
        size_t n = csv_fields(line, f, 3);
        if (n == 3 && (all_digits(f[1], strlen(f[1])) || strcmp(f[1], "PID") == 0))
            csv++;
        for (size_t k = 0; k < n; k++)
            free(f[k]);
        size_t pl;
        const char *pid = i + 1 < t->nlines ? kb_after_colon(t->lines[i + 1], &pl) : NULL;
        /* LIST by shape: a label line, a PID label line with digits, a
         * third label line, in any language. */
        size_t il, sl;
        const char *img = kb_after_colon(line, &il);
        const char *svc = i + 2 < t->nlines ? kb_after_colon(t->lines[i + 2], &sl) : NULL;
        if (img && il && pid && all_digits(pid, pl) && svc && !kb_is_blank(line) && line[0] != ' ' &&
            t->lines[i + 1][0] != ' ' && label_before(line, img) && label_before(t->lines[i + 1], pid))
            list++;
        rows += looks_like_row(line);
        info |= is_info(line) != 0;
    }
    if (csv)
        return CSV;
    if (list)
        return LIST;
    if (rows)
        return ROWS;
    return info ? INFO : NONE;
}

static int sniff(const kb_text *t)
{
    switch (detect(t)) {
    case TABLE: return 85;
    case CSV: return 80;
    case LIST: return 80;
    case INFO: return 70;
    case ROWS: return 50;
    case NONE: break;
    }
    return 0;
}

static const char *locale_of(const kb_text *t)
{
    for (size_t i = 0; i < t->nlines && i < 40; i++) {
        const char *l = header_locale(t->lines[i]);
        if (!l)
            l = info_locale(t->lines[i]);
        if (l)
            return l;
    }
    return NULL;
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    switch (detect(t)) {
    case TABLE: return parse_table(t, ctx, "table");
    case ROWS: return parse_table(t, ctx, "rows");
    case CSV: return parse_csv(t, ctx);
    case LIST: return parse_list(t, ctx);
    case INFO: return parse_table(t, ctx, "info");
    case NONE: break;
    }
    return KB_ERR_FORMAT;
}

static const char *const listing_fields[] = {"format", "processes", NULL};
static const char *const process_fields[] = {"image", "pid", "services", "service_count", NULL};
static const kb_fact_decl facts[] = {
    {"tasklist.listing", listing_fields}, {"tasklist.process", process_fields}, {NULL, NULL},
};

/* The commands whose output it reads, for files of several outputs (sections.h). */
static const char *const commands[] = {"tasklist /svc", NULL};

const kb_source kb_source_tasklist = {
    .name = "tasklist",
    .kind = "tasklist_svc",
    .label = "tasklist /svc output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "tasklist_svc",
    .collect = {
        .file = "tasklist_svc.txt",
        .command = "tasklist /svc > <file>",
        .why_en = "Shows which services run in each process (several services often share one svchost.exe).",
        .why_ja = "どのサービスがどのプロセスで動作しているかがわかります (複数のサービスが 1 つの svchost.exe を共有していることがよくあります)。",
    },
    .commands = commands,
    .covers = KB_COVERS_MOMENT,
};
