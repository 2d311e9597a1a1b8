/* systeminfo.c: saved `systeminfo` output: host, OS name and version,
 * system manufacturer and model (and from them the virtualisation
 * platform), boot time. Labels in the eleven languages of docs/locales.md; a label
 * ends at the first colon followed by two blanks, since some labels hold a
 * colon themselves ("Virtual Memory: Max Size:"). */
#include "text/lines.h"
#include "source/source.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

typedef struct label {
    const char *locale;
    const char *text;
    const char *field;
} label;

/* Labels in each language kbscan knows; which were checked against real
 * output: docs/locales.md. */
static const label labels[] = {
    {"en", "Host Name", "host"}, {"en", "OS Name", "os_name"}, {"en", "OS Version", "os_version"},
    {"en", "System Manufacturer", "manufacturer"}, {"en", "System Model", "model"},
    {"en", "System Boot Time", "boot_time"}, {"en", "System Type", "system_type"},
    {"en", "OS Configuration", "os_configuration"}, {"en", "Time Zone", "time_zone"},
    {"en", "Total Physical Memory", "memory"}, {"en", "Domain", "domain"},
    {"ja", "ホスト名", "host"}, {"ja", "OS 名", "os_name"}, {"ja", "OS バージョン", "os_version"},
    {"ja", "システム製造元", "manufacturer"}, {"ja", "システム モデル", "model"},
    {"ja", "システム起動時間", "boot_time"}, {"ja", "システムの種類", "system_type"},
    {"ja", "OS 構成", "os_configuration"}, {"ja", "タイム ゾーン", "time_zone"},
    {"ja", "物理メモリの合計", "memory"}, {"ja", "ドメイン", "domain"},
    {"de", "Hostname", "host"}, {"de", "Betriebssystemname", "os_name"},
    {"de", "Betriebssystemversion", "os_version"}, {"de", "Systemhersteller", "manufacturer"},
    {"de", "Systemmodell", "model"}, {"de", "Systemstartzeit", "boot_time"}, {"de", "Systemtyp", "system_type"},
    {"fr", "Nom de l'hôte", "host"}, {"fr", "Nom de l\xe2\x80\x99hôte", "host"},
    {"fr", "Nom du système d'exploitation", "os_name"},
    {"fr", "Nom du système d\xe2\x80\x99" "exploitation", "os_name"},
    {"fr", "Version du système", "os_version"}, {"fr", "Fabricant du système", "manufacturer"},
    {"fr", "Modèle du système", "model"}, {"fr", "Heure de démarrage du système", "boot_time"},
    {"es", "Nombre de host", "host"}, {"es", "Nombre del sistema operativo", "os_name"},
    {"es", "Versión del sistema operativo", "os_version"}, {"es", "Fabricante del sistema", "manufacturer"},
    {"es", "Modelo el sistema", "model"}, {"es", "Modelo del sistema", "model"},
    {"es", "Hora de arranque del sistema", "boot_time"},
    {"it", "Nome host", "host"}, {"it", "Nome SO", "os_name"}, {"it", "Versione SO", "os_version"},
    {"it", "Produttore sistema", "manufacturer"}, {"it", "Modello sistema", "model"},
    {"it", "Tempo di avvio sistema", "boot_time"},
    {"pt-BR", "Nome do host", "host"}, {"pt-BR", "Nome do sistema operacional", "os_name"},
    {"pt-BR", "Versão do sistema operacional", "os_version"},
    {"pt-BR", "Fabricante do sistema", "manufacturer"}, {"pt-BR", "Modelo do sistema", "model"},
    {"pt-BR", "Tempo de Inicialização do Sistema", "boot_time"},
    {"zh-CN", "主机名", "host"}, {"zh-CN", "OS 名称", "os_name"}, {"zh-CN", "OS 版本", "os_version"},
    {"zh-CN", "系统制造商", "manufacturer"}, {"zh-CN", "系统型号", "model"},
    {"zh-CN", "系统启动时间", "boot_time"},
    {"zh-TW", "主機名稱", "host"}, {"zh-TW", "作業系統名稱", "os_name"}, {"zh-TW", "作業系統版本", "os_version"},
    {"zh-TW", "系統製造商", "manufacturer"}, {"zh-TW", "系統型號", "model"},
    {"zh-TW", "系統開機時間", "boot_time"},
    {"ko", "호스트 이름", "host"}, {"ko", "OS 이름", "os_name"}, {"ko", "OS 버전", "os_version"},
    {"ko", "시스템 제조업체", "manufacturer"}, {"ko", "시스템 모델", "model"},
    {"ko", "시스템 부트 시간", "boot_time"},
    {"ru", "Имя узла", "host"}, {"ru", "Название ОС", "os_name"}, {"ru", "Версия ОС", "os_version"},
    {"ru", "Изготовитель системы", "manufacturer"}, {"ru", "Модель системы", "model"},
    {"ru", "Время загрузки системы", "boot_time"},
};

#define NLABELS (sizeof labels / sizeof labels[0])

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

static const label *label_for(const char *line, size_t len)
{
    for (size_t i = 0; i < NLABELS; i++)
        if (strlen(labels[i].text) == len && strncmp(line, labels[i].text, len) == 0)
            return &labels[i];
    return NULL;
}

static const char *field_for(const char *line, size_t len)
{
    const label *l = label_for(line, len);
    return l ? l->field : NULL;
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

/* The locale most known labels belong to (labels such as "Domain" may be
 * shared by several languages in the future: a vote, not the first hit). */
static const char *locale_of(const kb_text *t)
{
    size_t votes[NLABELS] = {0};
    const char *best = NULL;
    size_t best_votes = 0;
    for (size_t i = 0; i < t->nlines && i < 200; i++) {
        const char *value;
        size_t vlen, len = split_label(t->lines[i], &value, &vlen);
        const label *l = len ? label_for(t->lines[i], len) : NULL;
        if (!l)
            continue;
        for (size_t k = 0; k < NLABELS; k++)
            if (strcmp(labels[k].locale, l->locale) == 0) {
                if (++votes[k] > best_votes) {
                    best_votes = votes[k];
                    best = labels[k].locale;
                }
                break;
            }
    }
    return best;
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

/* The commands whose output it reads, for files of several outputs (sections.h). */
static const char *const commands[] = {"systeminfo", NULL};

const kb_source kb_source_systeminfo = {
    .name = "systeminfo",
    .kind = "systeminfo",
    .label = "systeminfo output",
    .form = KB_FORM_TEXT,
    .sniff = sniff,
    .locale = locale_of,
    .parse = parse,
    .facts = facts,
    .feed = "systeminfo",
    .collect = {
        .file = "systeminfo.txt",
        .command = "systeminfo > <file>",
        .why_en = "Names the Windows version and build, the hardware or virtual machine, and when the server last started.",
        .why_ja = "Windows のバージョンとビルド、ハードウェアまたは仮想マシン、サーバーの最終起動時刻がわかります。",
    },
    .commands = commands,
    .covers = KB_COVERS_MOMENT,
};
