/* systeminfo.c: saved `systeminfo` output: host, OS name and version,
 * system manufacturer and model (and from them the virtualisation
 * platform), boot time. Labels in English, Japanese and German; a label
 * ends at the first colon followed by two blanks, since some labels hold a
 * colon themselves ("Virtual Memory: Max Size:"). */
#include "lineutil.h"
#include "parser.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

typedef struct label {
    const char *text;
    const char *field;
} label;

static const label labels[] = {
    {"Host Name", "host"}, {"OS Name", "os_name"}, {"OS Version", "os_version"},
    {"System Manufacturer", "manufacturer"}, {"System Model", "model"},
    {"System Boot Time", "boot_time"}, {"System Type", "system_type"},
    {"OS Configuration", "os_configuration"}, {"Time Zone", "time_zone"},
    {"Total Physical Memory", "memory"}, {"Domain", "domain"},
    {"ホスト名", "host"}, {"OS 名", "os_name"}, {"OS バージョン", "os_version"},
    {"システム製造元", "manufacturer"}, {"システム モデル", "model"},
    {"システム起動時間", "boot_time"}, {"システムの種類", "system_type"},
    {"OS 構成", "os_configuration"}, {"タイム ゾーン", "time_zone"},
    {"物理メモリの合計", "memory"}, {"ドメイン", "domain"},
    {"Hostname", "host"}, {"Betriebssystemname", "os_name"},
    {"Betriebssystemversion", "os_version"}, {"Systemhersteller", "manufacturer"},
    {"Systemmodell", "model"}, {"Systemstartzeit", "boot_time"}, {"Systemtyp", "system_type"},
};

/* Splits "Label:   value"; returns the label length, 0 when not such a line. */
static size_t split_label(const char *line, const char **value, size_t *vlen)
{
    if (line[0] == ' ' || line[0] == '\t')
        return 0;
    for (const char *p = strchr(line, ':'); p; p = strchr(p + 1, ':')) {
        if ((p[1] == ' ' && p[2] == ' ') || p[1] == '\0' || (p[1] == ' ' && !strchr(p + 1, ':'))) {
            *value = kb_trim(p + 1, vlen);
            return (size_t)(p - line);
        }
    }
    return 0;
}

static const char *field_for(const char *line, size_t len)
{
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strlen(labels[i].text) == len && strncmp(line, labels[i].text, len) == 0)
            return labels[i].field;
    return NULL;
}

static const char *virtualization(const char *maker, const char *model)
{
    const char *m = maker ? maker : "", *d = model ? model : "";
    if (kb_contains_nocase(m, "VMware") || kb_contains_nocase(d, "VMware"))
        return "VMware";
    if (kb_contains_nocase(m, "Microsoft") && kb_contains_nocase(d, "Virtual Machine"))
        return "Hyper-V";
    if (kb_contains_nocase(m, "QEMU") || kb_contains_nocase(d, "KVM") || kb_contains_nocase(m, "Red Hat") ||
        kb_contains_nocase(d, "Standard PC") || kb_contains_nocase(m, "Nutanix"))
        return "KVM";
    if (kb_contains_nocase(m, "innotek") || kb_contains_nocase(d, "VirtualBox"))
        return "VirtualBox";
    if (kb_contains_nocase(m, "Xen") || kb_contains_nocase(d, "HVM domU"))
        return "Xen";
    if (kb_contains_nocase(m, "Amazon EC2") || kb_contains_nocase(d, "Amazon EC2"))
        return "Amazon EC2";
    if (kb_contains_nocase(m, "Google") && kb_contains_nocase(d, "Google Compute Engine"))
        return "Google Compute Engine";
    if (!*m && !*d)
        return "";
    return "none";
}

static int sniff(const kb_text *t)
{
    int known = 0;
    for (size_t i = 0; i < t->nlines && i < 200; i++) {
        const char *value;
        size_t vlen, len = split_label(t->lines[i], &value, &vlen);
        known += len && field_for(t->lines[i], len) != NULL;
    }
    return known >= 5 ? 90 : 0;
}

static const char *guess_locale(const char *line)
{
    if (strncmp(line, "ホスト名", strlen("ホスト名")) == 0)
        return "ja";
    if (strncmp(line, "Betriebssystemname", 18) == 0)
        return "de";
    if (strncmp(line, "OS Name", 7) == 0)
        return "en";
    return NULL;
}

static kb_status parse(const kb_text *t, kb_parse_ctx *ctx)
{
    size_t first = 0, last = 0;
    for (size_t i = 0; i < t->nlines; i++)
        if (!kb_is_blank(t->lines[i])) {
            if (!first)
                first = i + 1;
            last = i + 1;
        }
    kb_fact *f = kb_text_fact(ctx, "systeminfo", t, first, first);
    if (!f)
        return KB_ERR_NOMEM;
    for (size_t i = 0; i < t->nlines; i++) {
        const char *value;
        size_t vlen, len = split_label(t->lines[i], &value, &vlen);
        const char *field = len ? field_for(t->lines[i], len) : NULL;
        const char *locale = guess_locale(t->lines[i]);
        if (locale && !ctx->input->locale)
            kb_input_set_locale(ctx->input, locale);
        if (field && !kb_fact_get(f, field))
            kb_fact_set_n(f, field, value, vlen);
    }
    kb_fact_set(f, "virtualization",
                virtualization(kb_fact_get(f, "manufacturer"), kb_fact_get(f, "model")));
    const char *host = kb_fact_get(f, "host");
    if (host && *host && !ctx->input->computer)
        ctx->input->computer = kb_strdup(host);
    (void)last;
    return KB_OK;
}

static const char *const systeminfo_fields[] = {
    "host", "os_name", "os_version", "manufacturer", "model", "boot_time", "system_type",
    "os_configuration", "time_zone", "memory", "domain", "virtualization", NULL,
};
static const kb_fact_decl facts[] = {{"systeminfo", systeminfo_fields}, {NULL, NULL}};

const kb_text_parser kb_parser_systeminfo = {
    "systeminfo", "systeminfo output", "systeminfo", sniff, parse, facts,
};
