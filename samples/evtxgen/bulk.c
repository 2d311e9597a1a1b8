/* bulk.c: evtxgen's bulk mode for benchmarks: about N MiB of a realistic
 * mix of Application or System events, the same bytes for the same seed,
 * with the events of an --inject file merged in at their times. */
#include "evtxgen.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static const char *pick(uint64_t *rng, const char *const *list, size_t n)
{
    return list[next_random(rng) % n];
}

#define PICK(rng, list) pick(rng, list, sizeof list / sizeof list[0])

static const char *const services[] = {
    "Windows Update", "Background Intelligent Transfer Service", "WinHTTP Web Proxy Auto-Discovery Service",
    "Windows Modules Installer", "Software Protection", "Volume Shadow Copy", "Windows Error Reporting Service",
    "Application Experience", "Print Spooler", "Windows Defender Service", "Remote Registry",
    "Diagnostic Policy Service", "Microsoft Software Shadow Copy Provider", "Windows Font Cache Service",
    "Network List Service", "Device Setup Manager", "Windows Time", "Portable Device Enumerator Service"};
static const char *const apps[] = {"sqlservr.exe", "w3wp.exe", "explorer.exe", "MsMpEng.exe", "backupagent.exe",
                                   "java.exe", "svchost.exe", "mmc.exe", "powershell.exe", "TrustedInstaller.exe"};
static const char *const modules[] = {"ntdll.dll", "KERNELBASE.dll", "ucrtbase.dll", "clr.dll", "msvcrt.dll",
                                      "combase.dll", "ole32.dll"};
static const char *const products[] = {"Microsoft Visual C++ 2015 Redistributable (x64)", "VMware Tools",
                                       "Microsoft SQL Server 2014 Setup", "Backup Agent 7.2", "7-Zip 19.00"};
static const char *const updates[] = {"2018-09 Cumulative Update for Windows Server 2012 R2 (KB4457129)",
                                      "Security Intelligence Update for Windows Defender (KB2267602)",
                                      "2018-08 Security Only Quality Update (KB4343888)",
                                      "Windows Malicious Software Removal Tool x64 - September 2018 (KB890830)"};

#define SCM_GUID "{555908d1-a6d7-4695-8e1e-26931d2012f4}"
#define MAX_VALUES 16

/* One generated event with its own string storage. */
typedef struct slot {
    gen_event ev;
    const char *names[MAX_VALUES];
    const char *values[MAX_VALUES];
    char text[MAX_VALUES][160];
    uint8_t binary[64];
} slot;

static void set_values(slot *s, size_t n, int named)
{
    s->ev.ndata = n;
    s->ev.named = named;
    s->ev.names = s->names;
    s->ev.values = s->values;
    for (size_t i = 0; i < n; i++)
        s->values[i] = s->text[i];
}

static void base(slot *s, const char *provider, const char *guid, uint16_t id, uint8_t level)
{
    memset(&s->ev, 0, sizeof s->ev);
    s->ev.provider = provider;
    s->ev.provider_guid = guid;
    s->ev.id = id;
    s->ev.level = level;
    s->ev.has_qualifiers = guid == NULL;
    s->ev.keywords = guid ? 0x8000000000000000ULL : 0x0080000000000000ULL;
}

static void application_event(slot *s, uint64_t *rng)
{
    uint64_t r = next_random(rng) % 100;
    if (r < 30) {
        base(s, "VSS", NULL, 8224, 4);
        snprintf(s->text[0], sizeof s->text[0], "\n\nContext:\n   Execution Context: System Provider");
        set_values(s, 1, 0);
    } else if (r < 45) {
        base(s, "Microsoft-Windows-Security-SPP", "{E23B33B0-C8C9-472C-A5F9-F2BDFEA0F156}", 16384, 4);
        s->ev.keywords = 0x0080000000000000ULL;
        snprintf(s->text[0], sizeof s->text[0], "2018-%02u-%02uT%02u:%02u:%02uZ", (unsigned)(1 + next_random(rng) % 12),
                 (unsigned)(1 + next_random(rng) % 28), (unsigned)(next_random(rng) % 24),
                 (unsigned)(next_random(rng) % 60), (unsigned)(next_random(rng) % 60));
        snprintf(s->text[1], sizeof s->text[1], "RulesEngine");
        set_values(s, 2, 0);
    } else if (r < 60) {
        base(s, "Microsoft-Windows-Winlogon", "{DBE9B383-7CF3-4331-91CC-A3CB16A3B538}", r < 52 ? 6000 : 6003, 4);
        snprintf(s->text[0], sizeof s->text[0], "%s", r < 56 ? "SessionEnv" : "TermSrv");
        set_values(s, 1, 0);
    } else if (r < 72) {
        base(s, "Application Error", NULL, 1000, 2);
        s->ev.task = 100;
        const char *app = PICK(rng, apps), *mod = PICK(rng, modules);
        snprintf(s->text[0], 160, "%s", app);
        snprintf(s->text[1], 160, "6.3.9600.%u", (unsigned)(16384 + next_random(rng) % 3000));
        snprintf(s->text[2], 160, "%08x", (unsigned)next_random(rng));
        snprintf(s->text[3], 160, "%s", mod);
        snprintf(s->text[4], 160, "6.3.9600.%u", (unsigned)(18000 + next_random(rng) % 1000));
        snprintf(s->text[5], 160, "%08x", (unsigned)next_random(rng));
        snprintf(s->text[6], 160, "c0000005");
        snprintf(s->text[7], 160, "%016llx", (unsigned long long)(next_random(rng) & 0xfffff));
        snprintf(s->text[8], 160, "%x", (unsigned)(next_random(rng) % 9000 + 300));
        snprintf(s->text[9], 160, "01d4%012llx", (unsigned long long)(next_random(rng) & 0xffffffffffffULL));
        snprintf(s->text[10], 160, "C:\\Program Files\\App\\%s", app);
        snprintf(s->text[11], 160, "C:\\Windows\\SYSTEM32\\%s", mod);
        snprintf(s->text[12], 160, "%08x-%04x-11e8-80b5-005056%06x", (unsigned)next_random(rng),
                 (unsigned)(next_random(rng) & 0xffff), (unsigned)(next_random(rng) & 0xffffff));
        set_values(s, 13, 0);
    } else if (r < 82) {
        base(s, "MsiInstaller", NULL, r < 77 ? 1033 : 11707, 4);
        snprintf(s->text[0], 160, "%s", PICK(rng, products));
        snprintf(s->text[1], 160, "%u.%u.%u", (unsigned)(next_random(rng) % 20), (unsigned)(next_random(rng) % 10),
                 (unsigned)(next_random(rng) % 30000));
        snprintf(s->text[2], 160, "1033");
        snprintf(s->text[3], 160, "0");
        snprintf(s->text[4], 160, "Microsoft Corporation");
        snprintf(s->text[5], 160, "(NULL)");
        set_values(s, 6, 0);
        memcpy(s->binary, "{5FCE6D76-F5DC-37AB-B2B8-22AB8CEDB1D4}", 38);
        s->ev.binary = s->binary;
        s->ev.nbinary = 38;
    } else if (r < 92) {
        base(s, "Windows Error Reporting", NULL, 1001, 4);
        snprintf(s->text[0], 160, "%llu", (unsigned long long)(next_random(rng) % 2000000000ULL));
        snprintf(s->text[1], 160, "5");
        snprintf(s->text[2], 160, "APPCRASH");
        snprintf(s->text[3], 160, "Not available");
        snprintf(s->text[4], 160, "0");
        snprintf(s->text[5], 160, "%s", PICK(rng, apps));
        for (int i = 6; i < 14; i++)
            snprintf(s->text[i], 160, "%s", "");
        set_values(s, 14, 0);
    } else {
        base(s, "ESENT", NULL, next_random(rng) % 2 ? 326 : 327, 4);
        s->ev.task = 1;
        snprintf(s->text[0], 160, "svchost");
        snprintf(s->text[1], 160, "%u", (unsigned)(next_random(rng) % 3000));
        snprintf(s->text[2], 160, "SRUJet: ");
        snprintf(s->text[3], 160, "C:\\Windows\\system32\\SRU\\SRUDB.dat");
        snprintf(s->text[4], 160, "0");
        set_values(s, 5, 0);
    }
}

static void scm_binary(slot *s, const char *name)
{
    /* 7036 carries the service name, UTF-16, as its binary data. */
    size_t n = 0;
    for (const char *p = name; *p && n + 2 <= sizeof s->binary; p++) {
        s->binary[n++] = (uint8_t)*p;
        s->binary[n++] = 0;
    }
    s->ev.binary = s->binary;
    s->ev.nbinary = n;
}

static void system_event(slot *s, uint64_t *rng)
{
    uint64_t r = next_random(rng) % 100;
    static const char *const param_names[] = {"param1", "param2", "param3", "param4"};
    if (r < 55) {
        base(s, "Service Control Manager", SCM_GUID, 7036, 4);
        s->ev.keywords = 0x8080000000000000ULL;
        s->ev.qualifiers = 16384;
        s->ev.has_qualifiers = 1;
        const char *svc = PICK(rng, services);
        snprintf(s->text[0], 160, "%s", svc);
        snprintf(s->text[1], 160, "%s", next_random(rng) % 2 ? "running" : "stopped");
        memcpy(s->names, param_names, sizeof param_names);
        set_values(s, 2, 1);
        scm_binary(s, "wuauserv/4");
    } else if (r < 65) {
        base(s, "Service Control Manager", SCM_GUID, 7040, 4);
        s->ev.keywords = 0x8080000000000000ULL;
        s->ev.qualifiers = 16384;
        s->ev.has_qualifiers = 1;
        snprintf(s->text[0], 160, "%s", PICK(rng, services));
        snprintf(s->text[1], 160, "auto start");
        snprintf(s->text[2], 160, "demand start");
        snprintf(s->text[3], 160, "BITS");
        memcpy(s->names, param_names, sizeof param_names);
        set_values(s, 4, 1);
    } else if (r < 68) {
        base(s, "Service Control Manager", SCM_GUID, 7045, 4);
        s->ev.keywords = 0x8080000000000000ULL;
        s->ev.qualifiers = 16384;
        s->ev.has_qualifiers = 1;
        static const char *const names[] = {"ServiceName", "ImagePath", "ServiceType", "StartType", "AccountName"};
        memcpy(s->names, names, sizeof names);
        snprintf(s->text[0], 160, "Backup Agent %u", (unsigned)(next_random(rng) % 10));
        snprintf(s->text[1], 160, "C:\\Program Files\\Backup\\agent%u.exe", (unsigned)(next_random(rng) % 100));
        snprintf(s->text[2], 160, "user mode service");
        snprintf(s->text[3], 160, "auto start");
        snprintf(s->text[4], 160, "LocalSystem");
        set_values(s, 5, 1);
    } else if (r < 78) {
        static const char *const names[] = {"MajorVersion", "MinorVersion", "BuildVersion", "QfeVersion",
                                            "ServiceVersion", "BootMode", "StartTime"};
        base(s, "Microsoft-Windows-Kernel-General", "{A68CA8B7-004F-D7B6-A698-07E2DE0F1F5D}",
             (uint16_t)(r < 72 ? 12 : r < 75 ? 13 : 16), 4);
        memcpy(s->names, names, sizeof names);
        snprintf(s->text[0], 160, "6");
        snprintf(s->text[1], 160, "3");
        snprintf(s->text[2], 160, "9600");
        snprintf(s->text[3], 160, "%u", (unsigned)(16384 + next_random(rng) % 3000));
        snprintf(s->text[4], 160, "0");
        snprintf(s->text[5], 160, "0");
        snprintf(s->text[6], 160, "2018-09-%02uT%02u:00:00.500000000Z", (unsigned)(1 + next_random(rng) % 28),
                 (unsigned)(next_random(rng) % 24));
        set_values(s, 7, 1);
    } else if (r < 84) {
        base(s, "EventLog", NULL, (uint16_t)(r < 80 ? 6013 : r < 82 ? 6005 : 6006), 4);
        s->ev.qualifiers = 32768;
        if (s->ev.id == 6013) {
            snprintf(s->text[0], 160, "%s", "");
            snprintf(s->text[1], 160, "%s", "");
            snprintf(s->text[2], 160, "%s", "");
            snprintf(s->text[3], 160, "%s", "");
            snprintf(s->text[4], 160, "%llu", (unsigned long long)(next_random(rng) % 9000000));
            snprintf(s->text[5], 160, "60");
            snprintf(s->text[6], 160, "540 Tokyo Standard Time");
            set_values(s, 7, 0);
        }
    } else if (r < 92) {
        static const char *const names[] = {"TimeSource", "TimeSourceRefId"};
        base(s, "Microsoft-Windows-Time-Service", "{06EDCFEB-0FD0-4E53-ACCA-A6F8BBF81BCB}",
             (uint16_t)(r < 88 ? 37 : 35), 4);
        memcpy(s->names, names, sizeof names);
        snprintf(s->text[0], 160, "dc01.corp.example.com (ntp.d|10.0.0.%u:123->10.0.0.5:123)",
                 (unsigned)(1 + next_random(rng) % 250));
        snprintf(s->text[1], 160, "0x%08X", (unsigned)next_random(rng));
        set_values(s, 2, 1);
    } else {
        static const char *const names[] = {"updateTitle", "updateGuid", "updateRevisionNumber"};
        base(s, "Microsoft-Windows-WindowsUpdateClient", "{945A8954-C147-4ACD-923F-40C45405A658}",
             (uint16_t)(r < 96 ? 19 : r < 98 ? 43 : 44), 4);
        memcpy(s->names, names, sizeof names);
        snprintf(s->text[0], 160, "%s", PICK(rng, updates));
        snprintf(s->text[1], 160, "{%08X-3E4B-4C8F-9A2D-%012llX}", (unsigned)next_random(rng),
                 (unsigned long long)(next_random(rng) & 0xffffffffffffULL));
        snprintf(s->text[2], 160, "%u", (unsigned)(200 + next_random(rng) % 50));
        set_values(s, 3, 1);
    }
}

static int cmp_time(const void *a, const void *b)
{
    const gen_event *x = *(const gen_event *const *)a, *y = *(const gen_event *const *)b;
    return x->filetime < y->filetime ? -1 : x->filetime > y->filetime;
}

int gen_bulk(const char *path, double mib, uint64_t seed, const char *channel,
             const gen_events *inject, const gen_damage *damage, int windows_layout,
             char *err, size_t errlen)
{
    const int application = strcmp(channel, "Application") == 0;
    const char *computer = inject && inject->n ? inject->computer : "SRV-BENCH01";
    /* Injected events in time order, each re-labelled for this log. */
    size_t ninject = inject ? inject->n : 0;
    const gen_event **order = calloc(ninject + 1, sizeof *order);
    if (!order) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < ninject; i++)
        order[i] = &inject->items[i];
    qsort(order, ninject, sizeof *order, cmp_time);
    /* The bulk events span 30 days before the first injected event to one
     * day after the last (or September 2018 without injection). */
    const uint64_t day = 864000000000ULL;
    uint64_t start = 131801472000000000ULL; /* 2018-09-01T00:00:00Z */
    uint64_t end = start + 30 * day;
    if (ninject) {
        start = order[0]->filetime - 30 * day;
        end = order[ninject - 1]->filetime + day;
    }
    uint64_t target = (uint64_t)(mib * 1048576.0);
    uint64_t estimate = target / 330 + 1;
    uint64_t step = (end - start) / estimate + 1;
    gen_writer *w = gen_writer_open(path, 1, err, errlen);
    if (!w) {
        free(order);
        return -1;
    }
    if (damage && damage->full_chunks)
        gen_writer_fill_chunks(w);
    if (windows_layout)
        gen_writer_windows_layout(w);
    slot *s = calloc(1, sizeof *s);
    uint64_t rng = seed, t = start;
    size_t next_inject = 0;
    int rc = s ? 0 : -1;
    while (rc == 0 && gen_writer_size(w) < target) {
        t += step / 2 + next_random(&rng) % step;
        while (rc == 0 && next_inject < ninject && order[next_inject]->filetime <= t) {
            gen_event ev = *order[next_inject++];
            ev.record_id = 0;
            ev.channel = channel;
            rc = gen_writer_add(w, &ev, err, errlen);
        }
        if (application)
            application_event(s, &rng);
        else
            system_event(s, &rng);
        s->ev.channel = channel;
        s->ev.computer = computer;
        s->ev.filetime = t;
        s->ev.process_id = (uint32_t)(400 + next_random(&rng) % 6000);
        s->ev.thread_id = (uint32_t)(400 + next_random(&rng) % 9000);
        if (rc == 0)
            rc = gen_writer_add(w, &s->ev, err, errlen);
    }
    while (rc == 0 && next_inject < ninject) {
        gen_event ev = *order[next_inject++];
        ev.record_id = 0;
        ev.channel = channel;
        rc = gen_writer_add(w, &ev, err, errlen);
    }
    free(s);
    free(order);
    if (rc != 0) {
        gen_writer_abort(w);
        return -1;
    }
    return gen_writer_close(w, damage, err, errlen);
}
