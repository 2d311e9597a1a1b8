/* sc.c: saved `sc qc <service>`, `sc query` and `sc queryex` output: one
 * block per service (SERVICE_NAME, TYPE, STATE, PID, BINARY_PATH_NAME,
 * START_TYPE). sc prints its field names in English on every locale; only
 * values such as DISPLAY_NAME are localised. TYPE tells whether a service
 * runs in its own process (10) or shares one (20); 30 is a shared service
 * that currently runs alone. */
#include "text/lines.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* "        TYPE               : 20  WIN32_SHARE_PROCESS" -> key, value. */
static int key_value(const char *line, const char **key, size_t *klen, const char **value,
                     size_t *vlen)
{
    const char *colon = strchr(line, ':');
    if (!colon)
        return 0;
    char *k = kb_strndup(line, (size_t)(colon - line));
    if (!k)
        return 0;
    size_t kl;
    const char *kp = kb_trim(k, &kl);
    *key = line + (kp - k);
    *klen = kl;
    free(k);
    *value = kb_trim(colon + 1, vlen);
    return kl > 0;
}

static int key_is(const char *key, size_t klen, const char *name)
{
    return strlen(name) == klen && strncmp(key, name, klen) == 0;
}

static void set_type(kb_fact *f, const char *value, size_t vlen)
{
    char *v = kb_strndup(value, vlen);
    if (!v)
        return;
    char *name = v;
    while (*name && *name != ' ')
        name++;
    char *number = kb_strndup(v, (size_t)(name - v));
    kb_fact_set(f, "type", number);
    size_t nl;
    const char *n = kb_trim(name, &nl);
    kb_fact_set_n(f, "type_name", n, nl);
    unsigned long t = strtoul(number ? number : "0", NULL, 16);
    kb_fact_set(f, "own_process", (t & 0x30) == 0x30 ? "yes (share process running alone)"
                                  : (t & 0x10) ? "yes" : "no");
    free(number);
    free(v);
}

static void set_first_word(kb_fact *f, const char *field, const char *value, size_t vlen)
{
    size_t n = 0;
    while (n < vlen && value[n] != ' ')
        n++;
    kb_fact_set_n(f, field, value, n);
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    kb_fact *f = NULL;
    for (size_t i = 0; i < t->nlines; i++) {
        const char *key, *value;
        size_t klen, vlen;
        const char *line = t->lines[i];
        /* A block has no blank line inside; a blank line, a prompt or the
         * next command's [SC] line ends it. */
        if (kb_is_blank(line) || kb_is_prompt(line) || strncmp(kb_trim(line, &klen), "[SC]", 4) == 0) {
            f = NULL;
            continue;
        }
        if (!key_value(line, &key, &klen, &value, &vlen))
            continue;
        if (key_is(key, klen, "SERVICE_NAME")) {
            f = kb_text_fact(ctx, "sc.service", t, i + 1, i + 1);
            if (!f)
                return KB_ERR_NOMEM;
            kb_fact_set_n(f, "service", value, vlen);
            continue;
        }
        if (!f)
            continue;
        f->line_end = (uint32_t)(i + 1);
        if (key_is(key, klen, "TYPE"))
            set_type(f, value, vlen);
        else if (key_is(key, klen, "STATE"))
            kb_fact_set_n(f, "state", value, vlen);
        else if (key_is(key, klen, "PID"))
            kb_fact_set_n(f, "pid", value, vlen);
        else if (key_is(key, klen, "START_TYPE"))
            set_first_word(f, "start_type", value, vlen);
        else if (key_is(key, klen, "BINARY_PATH_NAME"))
            kb_fact_set_n(f, "binary_path", value, vlen);
        else if (key_is(key, klen, "DISPLAY_NAME"))
            kb_fact_set_n(f, "display_name", value, vlen);
    }
    /* The evidence text is the whole block. */
    for (size_t i = 0; i < ctx->facts->n; i++) {
        kb_fact *s = ctx->facts->items[i];
        if (s->input != ctx->input_index || strcmp(s->type, "sc.service") != 0 || !s->line)
            continue;
        kb_buf b = KB_BUF_INIT;
        for (uint32_t l = s->line; l <= s->line_end; l++) {
            if (l > s->line)
                kb_buf_putc(&b, '\n');
            kb_buf_puts(&b, t->lines[l - 1]);
        }
        free(s->text);
        s->text = kb_buf_take(&b);
        free(s->after);
        s->after = NULL;
    }
    return KB_OK;
}

static int sniff(const kb_text *t)
{
    int name = 0, type = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        const char *key, *value;
        size_t klen, vlen;
        if (!key_value(t->lines[i], &key, &klen, &value, &vlen))
            continue;
        name |= key_is(key, klen, "SERVICE_NAME");
        type |= key_is(key, klen, "TYPE");
    }
    return name && type ? 90 : 0;
}

/* sc prints the same English field names on every Windows language, so
 * the output shows no locale. */
static const char *locale_of(const kb_text *t)
{
    (void)t;
    return NULL;
}

static const char *const service_fields[] = {"service", "type", "type_name", "own_process",
                                             "state", "pid", "start_type", "binary_path",
                                             "display_name", NULL};
static const kb_fact_decl facts[] = {{"sc.service", service_fields}, {NULL, NULL}};

/* The commands whose output it reads, for files of several outputs (sections.h). */
static const char *const commands[] = {"sc qc", "sc queryex", "sc query", NULL};

const kb_source kb_source_sc = {
    .name = "sc",
    .kind = "sc_query",
    .label = "sc qc / sc query output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "sc_query",
    .collect = {
        .file = "sc_queryex.txt",
        .command = "sc queryex type= service state= all > <file>",
        .why_en = "Lists every service with its type (its own process or a shared one), its state and its process id.",
        .why_ja = "すべてのサービスの種類 (単独プロセスか共有プロセスか)、状態、プロセス ID がわかります。",
    },
    .commands = commands,
    .covers = KB_COVERS_MOMENT,
};
