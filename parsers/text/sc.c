/* sc.c: saved `sc qc <service>`, `sc query` and `sc queryex` output: one
 * block per service (SERVICE_NAME, TYPE, STATE, PID, BINARY_PATH_NAME,
 * START_TYPE, DEPENDENCIES, WIN32_EXIT_CODE).
 *
 *   [SC] QueryServiceConfig SUCCESS
 *
 *   SERVICE_NAME: COMSysApp
 *           TYPE               : 10  WIN32_OWN_PROCESS
 *           START_TYPE         : 3   DEMAND_START
 *           BINARY_PATH_NAME   : C:\Windows\system32\dllhost.exe /Processid:{...}
 *           DEPENDENCIES       : RpcSs
 *                              : EventSystem
 *
 * sc prints its field names in English on every locale; only values such
 * as DISPLAY_NAME are localised. TYPE tells whether a service runs in its
 * own process (10) or shares one (20); 30 is a shared service that
 * currently runs alone. `[SC] OpenService FAILED 1060:` says the service
 * named by the command echo is not installed: a file of such failures
 * alone is recognised by them (after the echo of an sc command). */
#include "text/lines.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* "4   DISABLED", "1  STOPPED", "1077  (0x435)": the number, and the
 * words after it into name_field when given. */
static void set_number_and_name(kb_fact *f, const char *field, const char *name_field, const char *value,
                                size_t vlen)
{
    size_t n = 0;
    while (n < vlen && value[n] != ' ')
        n++;
    kb_fact_set_n(f, field, value, n);
    if (!name_field)
        return;
    while (n < vlen && value[n] == ' ')
        n++;
    kb_fact_set_n(f, name_field, value + n, vlen - n);
}

/* "C:\>sc qc EventSystem", "C:\>sc.exe queryex VSS": the service the
 * command names, or NULL. */
static char *echoed_service(const char *line)
{
    if (!kb_is_prompt(line))
        return NULL;
    const char *gt = strchr(line, '>');
    const char *p = gt + 1;
    while (*p == ' ')
        p++;
    if (strncasecmp(p, "sc", 2) != 0)
        return NULL;
    p += 2;
    if (strncasecmp(p, ".exe", 4) == 0)
        p += 4;
    if (*p != ' ')
        return NULL;
    while (*p == ' ')
        p++;
    static const char *const verbs[] = {"qc", "query", "queryex", "sdshow", "qdescription", "qfailure"};
    size_t n = 0;
    while (p[n] && p[n] != ' ')
        n++;
    int verb = 0;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        verb |= strlen(verbs[i]) == n && strncasecmp(p, verbs[i], n) == 0;
    if (!verb)
        return NULL;
    p += n;
    while (*p == ' ')
        p++;
    /* a server name ("sc \\srv qc x") is not handled: the service is the word after the verb */
    n = 0;
    while (p[n] && p[n] != ' ')
        n++;
    return n ? kb_strndup(p, n) : NULL;
}

/* "[SC] OpenService FAILED 1060:" -> 1060, or -1. */
static long sc_failure(const char *line)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    if (strncmp(p, "[SC] ", 5) != 0)
        return -1;
    const char *failed = strstr(p, " FAILED ");
    if (!failed)
        return -1;
    return strtol(failed + 8, NULL, 10);
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    kb_fact *f = NULL;
    char *echoed = NULL;
    int in_dependencies = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        const char *key, *value;
        size_t klen, vlen;
        const char *line = t->lines[i];
        /* A block has no blank line inside; a blank line, a prompt or the
         * next command's [SC] line ends it. */
        if (kb_is_blank(line) || kb_is_prompt(line) || strncmp(kb_trim(line, &klen), "[SC]", 4) == 0) {
            f = NULL;
            in_dependencies = 0;
            if (kb_is_prompt(line)) {
                free(echoed);
                echoed = echoed_service(line);
            }
            long code = sc_failure(line);
            if (code == 1060 && echoed) {
                /* ERROR_SERVICE_DOES_NOT_EXIST for the service the command named */
                kb_fact *g = kb_text_fact(ctx, "sc.service", t, i + 1, i + 1);
                if (!g) {
                    free(echoed);
                    return KB_ERR_NOMEM;
                }
                kb_fact_set(g, "service", echoed);
                kb_fact_set(g, "installed", "no");
            } else if (code >= 0) {
                char where[32];
                snprintf(where, sizeof where, "line %zu", i + 1);
                if (code == 1060)
                    kb_input_note(ctx->input, where, "sc says a service is not installed, but no command echo "
                                                     "names it: nothing read");
                else
                    kb_input_note(ctx->input, where, "sc failed (error %ld)%s%s: nothing read", code,
                                  echoed ? " for " : "", echoed ? echoed : "");
            }
            continue;
        }
        /* "                           : EventSystem": one more dependency */
        if (f && in_dependencies && key_value(line, &key, &klen, &value, &vlen) == 0 && kb_after_colon(line, &vlen) &&
            kb_trim(line, &klen)[0] == ':') {
            value = kb_after_colon(line, &vlen);
            const char *had = kb_fact_get(f, "dependencies");
            char *joined = kb_strprintf("%s%s%.*s", had ? had : "", had && *had ? ", " : "", (int)vlen, value);
            kb_fact_set(f, "dependencies", joined);
            free(joined);
            f->line_end = (uint32_t)(i + 1);
            continue;
        }
        in_dependencies = 0;
        if (!key_value(line, &key, &klen, &value, &vlen))
            continue;
        if (key_is(key, klen, "SERVICE_NAME")) {
            f = kb_text_fact(ctx, "sc.service", t, i + 1, i + 1);
            if (!f)
                return KB_ERR_NOMEM;
            kb_fact_set_n(f, "service", value, vlen);
            kb_fact_set(f, "installed", "yes");
            continue;
        }
        if (!f)
            continue;
        f->line_end = (uint32_t)(i + 1);
        if (key_is(key, klen, "TYPE"))
            set_type(f, value, vlen);
        else if (key_is(key, klen, "STATE"))
            set_number_and_name(f, "state", "state_name", value, vlen);
        else if (key_is(key, klen, "PID"))
            kb_fact_set_n(f, "pid", value, vlen);
        else if (key_is(key, klen, "START_TYPE"))
            set_number_and_name(f, "start_type", "start_type_name", value, vlen);
        else if (key_is(key, klen, "WIN32_EXIT_CODE"))
            set_number_and_name(f, "win32_exit_code", NULL, value, vlen);
        else if (key_is(key, klen, "DEPENDENCIES")) {
            kb_fact_set_n(f, "dependencies", value, vlen);
            in_dependencies = 1;
        }
        else if (key_is(key, klen, "BINARY_PATH_NAME"))
            kb_fact_set_n(f, "binary_path", value, vlen);
        else if (key_is(key, klen, "DISPLAY_NAME"))
            kb_fact_set_n(f, "display_name", value, vlen);
    }
    free(echoed);
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

/* A service block (SERVICE_NAME and TYPE), or else sc's own failure line
 * after the prompt echo of an sc command (`sc qc swprv` of a service that
 * is not installed prints no block). */
static int sniff(const kb_text *t)
{
    int name = 0, type = 0, echo = 0, failure = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        const char *key, *value;
        size_t klen, vlen;
        const char *line = t->lines[i];
        if (kb_is_prompt(line)) {
            char *service = echoed_service(line);
            echo = service != NULL;
            free(service);
            continue;
        }
        failure |= echo && sc_failure(line) >= 0;
        if (!key_value(line, &key, &klen, &value, &vlen))
            continue;
        name |= key_is(key, klen, "SERVICE_NAME");
        type |= key_is(key, klen, "TYPE");
    }
    return name && type ? 90 : failure ? 70 : 0;
}

/* sc prints the same English field names on every Windows language, so
 * the output shows no locale. */
static const char *locale_of(const kb_text *t)
{
    (void)t;
    return NULL;
}

static const char *const service_fields[] = {"service", "installed", "type", "type_name", "own_process",
                                             "state", "state_name", "pid", "start_type", "start_type_name",
                                             "win32_exit_code", "binary_path", "display_name", "dependencies",
                                             NULL};
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
