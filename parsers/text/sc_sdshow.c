/* sc_sdshow.c: saved `sc sdshow <service>` output: the service's security
 * descriptor in SDDL (who may start, stop or query it).
 *
 *   C:\>sc sdshow mslldp
 *
 *   D:(D;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BG)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)(A;;LCRPWP;;;S-1-5-80-...)
 *
 * sc does not print the service's name: it comes from a prompt echo, or
 * from the file name when it follows the convention sc_sdshow_<service>.txt;
 * else it stays empty. Recognised by structure: one SDDL line (D:, O:, G:
 * or S: parts, each ACE in parentheses with six ';'-separated fields). */
#include "text/lines.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ACEs in a part "(...)(...)": their count, or -1 when one is malformed. */
static long count_aces(const char *p, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len;) {
        if (p[i] != '(')
            return -1;
        const char *close = memchr(p + i, ')', len - i);
        if (!close)
            return -1;
        int semis = 0;
        for (const char *c = p + i; c < close; c++)
            semis += *c == ';';
        if (semis != 5)
            return -1;
        n++;
        i = (size_t)(close - p) + 1;
    }
    return n;
}

typedef struct sddl {
    const char *dacl, *sacl; /* "D:..." and "S:..." within the line, or NULL */
    size_t dacl_len, sacl_len;
    long aces;               /* in the DACL */
} sddl;

/* Splits "O:BAG:SYD:(...)(...)S:(...)" into its parts. 0 when the line is
 * not SDDL. */
static int read_sddl(const char *line, sddl *out)
{
    size_t len;
    const char *p = kb_trim(line, &len);
    memset(out, 0, sizeof *out);
    if (len < 3 || !strchr("OGDS", p[0]) || p[1] != ':')
        return 0;
    /* Part boundaries: a letter and ':' outside parentheses. */
    size_t starts[8], nparts = 0;
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '(')
            depth++;
        else if (p[i] == ')')
            depth--;
        else if (depth == 0 && i + 1 < len && p[i + 1] == ':' && strchr("OGDS", p[i]) &&
                 (i == 0 || p[i - 1] == ')' || isalnum((unsigned char)p[i - 1]) || p[i - 1] == '-')) {
            if (nparts == 8)
                return 0;
            starts[nparts++] = i;
        }
        if (depth < 0 || depth > 1 || (unsigned char)p[i] < 0x21)
            return 0;
    }
    if (depth != 0)
        return 0;
    for (size_t k = 0; k < nparts; k++) {
        size_t s = starts[k], e = k + 1 < nparts ? starts[k + 1] : len;
        if (p[s] != 'D' && p[s] != 'S')
            continue;
        /* flags (P, AI, AR, ...) then ACEs */
        size_t a = s + 2;
        while (a < e && isupper((unsigned char)p[a]))
            a++;
        long n = count_aces(p + a, e - a);
        if (n < 0)
            return 0;
        if (p[s] == 'D') {
            out->dacl = p + s;
            out->dacl_len = e - s;
            out->aces = n;
        } else {
            out->sacl = p + s;
            out->sacl_len = e - s;
        }
    }
    return out->dacl != NULL;
}

/* "C:\>sc sdshow mslldp" -> "mslldp" */
static char *echoed_service(const char *line)
{
    if (!kb_is_prompt(line))
        return NULL;
    const char *p = strchr(line, '>') + 1;
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
    if (strncasecmp(p, "sdshow", 6) != 0 || p[6] != ' ')
        return NULL;
    p += 6;
    while (*p == ' ')
        p++;
    size_t n = 0;
    while (p[n] && p[n] != ' ')
        n++;
    return n ? kb_strndup(p, n) : NULL;
}

/* "…/sc_sdshow_mslldp.txt" -> "mslldp" */
static char *named_service(const char *path)
{
    if (!path)
        return NULL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strncasecmp(base, "sc_sdshow_", 10) != 0)
        return NULL;
    const char *dot = strrchr(base + 10, '.');
    size_t n = dot ? (size_t)(dot - base - 10) : strlen(base + 10);
    return n ? kb_strndup(base + 10, n) : NULL;
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    char *echoed = NULL;
    for (size_t i = 0; i < t->nlines; i++) {
        const char *line = t->lines[i];
        sddl s;
        if (kb_is_blank(line))
            continue;
        if (kb_is_prompt(line)) {
            free(echoed);
            echoed = echoed_service(line);
            continue;
        }
        char where[32];
        snprintf(where, sizeof where, "line %zu", i + 1);
        if (!read_sddl(line, &s)) {
            kb_input_note(ctx->input, where, "line not understood as sc sdshow output");
            continue;
        }
        kb_fact *f = kb_text_fact(ctx, "sc.sddl", t, i + 1, i + 1);
        if (!f) {
            free(echoed);
            return KB_ERR_NOMEM;
        }
        char *named = echoed ? NULL : named_service(ctx->input->path);
        kb_fact_set(f, "service", echoed ? echoed : named ? named : "");
        if (!echoed && !named)
            kb_input_note(ctx->input, where, "sc sdshow does not print the service's name, and neither a "
                                             "prompt echo nor the file name (sc_sdshow_<service>.txt) gives it");
        free(named);
        size_t len;
        const char *p = kb_trim(line, &len);
        kb_fact_set_n(f, "sddl", p, len);
        kb_fact_set_n(f, "dacl", s.dacl, s.dacl_len);
        kb_fact_set_n(f, "sacl", s.sacl ? s.sacl : "", s.sacl_len);
        kb_fact_setf(f, "aces", "%ld", s.aces);
        char *dacl = kb_strndup(s.dacl, s.dacl_len);
        kb_fact_set(f, "has_ace_su_read", dacl && strstr(dacl, "(A;;CCLCSWLOCRRC;;;SU)") ? "yes" : "no");
        free(dacl);
    }
    free(echoed);
    return KB_OK;
}

/* One SDDL line, nothing but prompts around it. */
static int sniff(const kb_text *t)
{
    size_t sddls = 0;
    for (size_t i = 0; i < t->nlines; i++) {
        sddl s;
        const char *line = t->lines[i];
        if (kb_is_blank(line) || kb_is_prompt(line))
            continue;
        if (!read_sddl(line, &s))
            return 0;
        sddls++;
    }
    return sddls ? 90 : 0;
}

/* SDDL shows no language. */
static const char *locale_of(const kb_text *t)
{
    (void)t;
    return NULL;
}

static const char *const sddl_fields[] = {"service", "sddl", "dacl", "sacl", "aces", "has_ace_su_read", NULL};
static const kb_fact_decl facts[] = {{"sc.sddl", sddl_fields}, {NULL, NULL}};

const kb_source kb_source_sc_sdshow = {
    .name = "sc_sdshow",
    .kind = "sc_sdshow",
    .label = "sc sdshow output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "sc_sdshow",
    .collect = {
        .file = "sc_sdshow_vss.txt",
        .command = "sc sdshow VSS > <file>",
        .why_en = "The VSS service's security descriptor (a rule about another service names it); a file named sc_sdshow_<service>.txt tells the service.",
        .why_ja = "VSS サービスのセキュリティ記述子です (別のサービスが必要なルールはそのサービスを示します)。ファイル名 sc_sdshow_<サービス名>.txt でサービスがわかります。",
    },
    .covers = KB_COVERS_MOMENT,
};
