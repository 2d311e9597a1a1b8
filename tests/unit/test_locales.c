/* test_locales.c: every command's output in every language of
 * locale_table.h, generated, not hand-copied: each layout is rendered from
 * the row's strings, encoded every way Windows saves it (UTF-8 with and
 * without BOM, UTF-16LE with and without BOM, UTF-16BE with BOM, the
 * locale's OEM code page through iconv), with CRLF or LF line ends,
 * trailing blanks and a last line without newline, then read as
 * analyzer/scan/scan.c reads it. Each case checks the facts (writers, states as
 * numbers, EventSystem's PID and co-hosted services, sc type, systeminfo
 * fields) and the encoding and locale the report would show. */
#define KIND kind_under_test
#define INPUT_NAME "locale-case.txt"
static const char *kind_under_test;
#include "text_harness.h"

#include <errno.h>
#include <iconv.h>

#include "locale_table.h"
#include "core/strbuf.h"
#include "text/decode.h"

#define NROWS (sizeof locale_rows / sizeof locale_rows[0])

static const char *const guid_system = "{e8132975-6f93-4464-a53e-1050253ae220}";
static const char *const guid_ntds = "{b2014c9e-8711-4c5c-a5a9-3cf384484757}";
static const char *const guid_inst1 = "{7e631031-c695-4229-9da1-a7de057e64cb}";
static const char *const guid_inst2 = "{1bddd48e-5052-49db-9b07-b96f96727e6b}";

/* ---- rendering (UTF-8, "\n" line ends) ---------------------------------------- */

/* Pads to a display width, as the console does (East Asian wide = 2). */
static void pad(kb_buf *b, const char *s, size_t width)
{
    kb_buf_puts(b, s);
    for (size_t w = kb_utf8_width(s, strlen(s)); w < width; w++)
        kb_buf_putc(b, ' ');
}

static void vss_banner(kb_buf *b, const locale_row *r)
{
    kb_buf_printf(b, "%s 1.1 - %s\n(C) Copyright 2001-2013 Microsoft Corp.\n\n", r->vss_name ? r->vss_name : "vssadmin",
                  r->vss_tool);
}

static void vss_block(kb_buf *b, const locale_row *r, const char *name, const char *id, const char *inst,
                      int state, const char *word, const char *err)
{
    kb_buf_printf(b, "%s: %s%s%s\n   %s: %s\n   %s: %s\n   %s: [%d] %s\n   %s: %s\n\n", r->writer_name,
                  r->quote, name, r->quote, r->writer_id, id, r->instance_id, inst, r->state, state, word,
                  r->last_error, err);
}

static void vss_writers(kb_buf *b, const locale_row *r)
{
    vss_banner(b, r);
    kb_buf_printf(b, "%s\n\n", r->waiting);
    vss_block(b, r, "System Writer", guid_system, guid_inst1, 1, r->stable, r->no_error);
    vss_block(b, r, "NTDS", guid_ntds, guid_inst2, 10, r->failed, r->retryable);
}

static void vss_error(kb_buf *b, const locale_row *r)
{
    vss_banner(b, r);
    kb_buf_printf(b, "%s: 0x8000FFFF\n\n", r->error_prefix);
}

static void vss_banner_waiting(kb_buf *b, const locale_row *r)
{
    vss_banner(b, r);
    kb_buf_printf(b, "%s\n\n", r->waiting);
}

static void vss_two_runs(kb_buf *b, const locale_row *r)
{
    vss_error(b, r);
    vss_writers(b, r);
}

static void task_header(kb_buf *b, const locale_row *r)
{
    kb_buf_putc(b, '\n');
    pad(b, r->image, 25);
    kb_buf_printf(b, "      PID %s\n", r->services);
    kb_buf_puts(b, "========================= ======== ============================================\n");
}

static void task_eventsystem_row(kb_buf *b)
{
    kb_buf_puts(b, "svchost.exe                   1240 EventSystem, FontCache, netprofm, nsi,\n"
                   "                                   SstpSvc\n");
}

static void task_rows(kb_buf *b)
{
    kb_buf_puts(b, "System Idle Process              0 N/A\n"
                   "svchost.exe                    804 BrokerInfrastructure, DcomLaunch, Power,\n"
                   "                                   SystemEventsBroker\n");
    task_eventsystem_row(b);
    kb_buf_puts(b, "lsass.exe                      672 KeyIso, SamSs, VaultSvc\n");
}

static void task_table(kb_buf *b, const locale_row *r)
{
    task_header(b, r);
    task_rows(b);
}

static void task_table_nh(kb_buf *b, const locale_row *r)
{
    (void)r;
    kb_buf_putc(b, '\n');
    task_rows(b);
}

static void task_filter(kb_buf *b, const locale_row *r)
{
    task_header(b, r);
    task_eventsystem_row(b);
}

static void task_csv_rows(kb_buf *b)
{
    kb_buf_puts(b, "\"System Idle Process\",\"0\",\"N/A\"\n"
                   "\"svchost.exe\",\"1240\",\"EventSystem,FontCache,netprofm,nsi,SstpSvc\"\n"
                   "\"lsass.exe\",\"672\",\"KeyIso,SamSs,VaultSvc\"\n");
}

static void task_csv(kb_buf *b, const locale_row *r)
{
    kb_buf_printf(b, "\"%s\",\"PID\",\"%s\"\n", r->image, r->services);
    task_csv_rows(b);
}

static void task_csv_nh(kb_buf *b, const locale_row *r)
{
    (void)r;
    task_csv_rows(b);
}

static void list_label(kb_buf *b, const char *label, const char *value)
{
    char l[128];
    snprintf(l, sizeof l, "%s:", label);
    size_t w = kb_utf8_width(l, strlen(l));
    pad(b, l, w + 2 > 14 ? w + 2 : 14);
    kb_buf_printf(b, "%s\n", value);
}

static void task_list(kb_buf *b, const locale_row *r)
{
    kb_buf_putc(b, '\n');
    list_label(b, r->image, "System Idle Process");
    list_label(b, "PID", "0");
    list_label(b, r->services, "N/A");
    kb_buf_putc(b, '\n');
    list_label(b, r->image, "svchost.exe");
    list_label(b, "PID", "1240");
    list_label(b, r->services, "EventSystem");
    size_t w = kb_utf8_width(r->services, strlen(r->services)) + 3;
    static const char *const more[] = {"FontCache", "netprofm", "nsi", "SstpSvc"};
    for (size_t i = 0; i < 4; i++) {
        pad(b, "", w > 14 ? w : 14);
        kb_buf_printf(b, "%s\n", more[i]);
    }
}

static void task_info(kb_buf *b, const locale_row *r)
{
    kb_buf_printf(b, "%s\n", r->no_tasks);
}

static void sc_qc(kb_buf *b, const locale_row *r)
{
    kb_buf_printf(b, "[SC] QueryServiceConfig SUCCESS\n\n"
                     "SERVICE_NAME: EventSystem\n"
                     "        TYPE               : 20  WIN32_SHARE_PROCESS\n"
                     "        START_TYPE         : 2   AUTO_START\n"
                     "        ERROR_CONTROL      : 1   NORMAL\n"
                     "        BINARY_PATH_NAME   : C:\\Windows\\system32\\svchost.exe -k LocalService -p\n"
                     "        LOAD_ORDER_GROUP   :\n"
                     "        TAG                : 0\n"
                     "        DISPLAY_NAME       : %s\n"
                     "        DEPENDENCIES       : rpcss\n"
                     "        SERVICE_START_NAME : NT AUTHORITY\\LocalService\n",
                  r->eventsystem_display);
}

static void sc_queryex(kb_buf *b, const locale_row *r)
{
    kb_buf_printf(b, "\nSERVICE_NAME: EventSystem\nDISPLAY_NAME: %s\n"
                     "        TYPE               : 30  WIN32\n"
                     "        STATE              : 4  RUNNING\n"
                     "                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\n"
                     "        WIN32_EXIT_CODE    : 0  (0x0)\n"
                     "        SERVICE_EXIT_CODE  : 0  (0x0)\n"
                     "        CHECKPOINT         : 0x0\n"
                     "        WAIT_HINT          : 0x0\n"
                     "        PID                : 1240\n"
                     "        FLAGS              :\n",
                  r->eventsystem_display);
}

/* Manufacturer and model by row, so every platform shows up somewhere. */
static const char *const makers[][3] = {
    {"VMware, Inc.", "VMware7,1", "VMware"},
    {"Microsoft Corporation", "Virtual Machine", "Hyper-V"},
    {"QEMU", "Standard PC (Q35 + ICH9, 2009)", "KVM"},
    {"Dell Inc.", "PowerEdge R740", "none"},
};

static void si_line(kb_buf *b, const char *label, const char *value)
{
    char l[128];
    snprintf(l, sizeof l, "%s:", label);
    size_t w = kb_utf8_width(l, strlen(l));
    pad(b, l, w + 2 > 27 ? w + 2 : 27);
    kb_buf_printf(b, "%s\n", value);
}

static void systeminfo(kb_buf *b, const locale_row *r)
{
    size_t m = (size_t)(r - locale_rows) % 4;
    kb_buf_putc(b, '\n');
    si_line(b, r->host, "SRV01");
    si_line(b, r->os_name, "Microsoft Windows Server 2019 Standard");
    si_line(b, r->os_version, "10.0.17763 N/A Build 17763");
    si_line(b, r->boot_time, "3/1/2024, 9:00:00 AM");
    si_line(b, r->manufacturer, makers[m][0]);
    si_line(b, r->model, makers[m][1]);
}

/* ---- encodings and line variants ------------------------------------------------ */

typedef enum { ENC_UTF8, ENC_UTF8_BOM, ENC_UTF16LE_BOM, ENC_UTF16LE, ENC_UTF16BE_BOM, ENC_OEM, NENC } enc;

static const char *const enc_names[NENC] = {"UTF-8", "UTF-8 with BOM", "UTF-16LE with BOM",
                                            "UTF-16LE (no BOM)", "UTF-16BE with BOM", "OEM"};

static void iconv_into(kb_buf *out, const char *to, const char *utf8)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    if (cd == (iconv_t)-1)
        fail_msg("iconv cannot write %s", to);
    char *in = (char *)utf8;
    size_t left = strlen(utf8);
    while (left) {
        char chunk[4096], *dst = chunk;
        size_t room = sizeof chunk;
        size_t rc = iconv(cd, &in, &left, &dst, &room);
        kb_buf_append(out, chunk, sizeof chunk - room);
        if (rc == (size_t)-1 && errno != E2BIG)
            fail_msg("the table's text \"%.40s\" has no %s form", in, to);
    }
    iconv_close(cd);
}

static void encode(kb_buf *out, const char *utf8, enc e, const char *oem)
{
    switch (e) {
    case ENC_UTF8: kb_buf_puts(out, utf8); break;
    case ENC_UTF8_BOM: kb_buf_puts(out, "\xef\xbb\xbf"); kb_buf_puts(out, utf8); break;
    case ENC_UTF16LE_BOM: kb_buf_append(out, "\xff\xfe", 2); iconv_into(out, "UTF-16LE", utf8); break;
    case ENC_UTF16LE: iconv_into(out, "UTF-16LE", utf8); break;
    case ENC_UTF16BE_BOM: kb_buf_append(out, "\xfe\xff", 2); iconv_into(out, "UTF-16BE", utf8); break;
    case ENC_OEM: iconv_into(out, oem, utf8); break;
    case NENC: break;
    }
}

typedef enum { VAR_CRLF, VAR_LF, VAR_CRLF_TRAILING, VAR_LF_NO_FINAL, NVAR } variant;

static const char *const var_names[NVAR] = {"CRLF", "LF", "CRLF + trailing blanks",
                                            "LF, no final newline"};

static char *apply_variant(const char *text, variant v)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (const char *p = text; *p; p++) {
        if (*p != '\n') {
            kb_buf_putc(&b, *p);
            continue;
        }
        if (v == VAR_LF_NO_FINAL && p[1] == '\0')
            break;
        if (v == VAR_CRLF_TRAILING)
            kb_buf_puts(&b, "    ");
        kb_buf_puts(&b, v == VAR_LF || v == VAR_LF_NO_FINAL ? "\n" : "\r\n");
    }
    return kb_buf_take(&b);
}

static int all_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* 1 when the text is one line (and its line end). */
static int one_line(const char *text)
{
    const char *nl = strchr(text, '\n');
    return !nl || nl[1] == '\0';
}

/* ---- one case --------------------------------------------------------------------- */

typedef struct layout {
    const char *name;
    const char *kind;
    void (*render)(kb_buf *, const locale_row *);
    int shows_locale;  /* the layout holds labels that name the language */
    void (*check)(const parsed *, const locale_row *);
} layout;

typedef struct case_ctx {
    const locale_row *row;
    const layout *lay;
    enc e;
    variant v;
} case_ctx;

static char case_name[256];
static size_t failures;

/* Reports a failed expectation and goes on, so one run lists them all. */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            char msg_[512];                                                                        \
            snprintf(msg_, sizeof msg_, __VA_ARGS__);                                              \
            if (failures++ < 40)                                                                   \
                print_error("%s: %s\n", case_name, msg_);                                          \
        }                                                                                          \
    } while (0)

static void field_eq(const kb_fact *f, const char *name, const char *want)
{
    if (!f)
        return; /* already reported */
    const char *have = kb_fact_get(f, name);
    CHECK(have && strcmp(have, want) == 0, "%s.%s is \"%s\", want \"%s\"", f->type, name,
          have ? have : "(none)", want);
}

static const kb_fact *fact_n(const parsed *p, const char *type, size_t n)
{
    size_t seen = 0;
    for (size_t i = 0; i < p->facts.n; i++)
        if (strcmp(p->facts.items[i]->type, type) == 0 && seen++ == n)
            return p->facts.items[i];
    CHECK(0, "no %s #%zu (%zu of them)", type, n, seen);
    return NULL;
}

static void check_writers(const parsed *p, const locale_row *r)
{
    CHECK(count(p, "vssadmin.writer") == 2, "%zu writers, want 2", count(p, "vssadmin.writer"));
    const kb_fact *w = fact_n(p, "vssadmin.writer", 0);
    field_eq(w, "name", "System Writer");
    field_eq(w, "writer_id", guid_system);
    field_eq(w, "state", "1");
    field_eq(w, "state_name", "Stable");
    field_eq(w, "state_text", r->stable);
    w = fact_n(p, "vssadmin.writer", 1);
    field_eq(w, "name", "NTDS");
    field_eq(w, "instance_id", guid_inst2);
    field_eq(w, "state", "10");
    field_eq(w, "state_name", "Failed");
    field_eq(w, "last_error_text", r->retryable);
    /* A known translation is named in English, with its HRESULT; an
     * unknown one keeps its own words. */
    field_eq(w, "last_error", r->locale ? "Retryable error" : r->retryable);
    field_eq(w, "last_error_code", r->locale ? "0x800423F3" : "");
    field_eq(fact_n(p, "vssadmin.writer", 0), "last_error", r->locale ? "No error" : r->no_error);
    const kb_fact *l = fact_n(p, "vssadmin.listing", 0);
    field_eq(l, "status", "ok");
    field_eq(l, "writers", "2");
    /* The waiting line of a known language is not "a line not understood". */
    if (r->locale)
        CHECK(p->inputs.items[0].nnotes == 0, "%zu notes (first: %s)", p->inputs.items[0].nnotes,
              p->inputs.items[0].nnotes ? p->inputs.items[0].notes[0].message : "");
}

static void check_banner_only(const parsed *p, const locale_row *r)
{
    (void)r;
    CHECK(count(p, "vssadmin.writer") == 0, "writers in banner-only output");
    const kb_fact *l = fact_n(p, "vssadmin.listing", 0);
    field_eq(l, "status", "ok");
    field_eq(l, "writers", "0");
}

/* A known waiting line and nothing else is zero writers; in a language
 * nobody listed kbscan cannot tell it from an error, and must not claim
 * zero writers. */
static void check_banner_waiting(const parsed *p, const locale_row *r)
{
    const kb_fact *l = fact_n(p, "vssadmin.listing", 0);
    field_eq(l, "writers", "0");
    field_eq(l, "status", r->locale ? "ok" : "error");
}

static void check_error(const parsed *p, const locale_row *r)
{
    const kb_fact *l = fact_n(p, "vssadmin.listing", 0);
    field_eq(l, "status", "error");
    field_eq(l, "writers", "0");
    char want[128];
    snprintf(want, sizeof want, "%s: 0x8000FFFF", r->error_prefix);
    field_eq(l, "error", want);
}

static void check_two_runs(const parsed *p, const locale_row *r)
{
    (void)r;
    CHECK(count(p, "vssadmin.listing") == 2, "%zu runs, want 2", count(p, "vssadmin.listing"));
    const kb_fact *first = fact_n(p, "vssadmin.listing", 0), *last = fact_n(p, "vssadmin.listing", 1);
    field_eq(first, "latest", "no");
    field_eq(first, "status", "error");
    field_eq(last, "latest", "yes");
    field_eq(last, "status", "ok");
    field_eq(last, "writers", "2");
    field_eq(fact_n(p, "vssadmin.writer", 1), "run", "2");
}

static void check_eventsystem(const parsed *p, const locale_row *r, size_t processes)
{
    (void)r;
    CHECK(count(p, "tasklist.process") == processes, "%zu processes, want %zu", count(p, "tasklist.process"),
          processes);
    const kb_fact *hit = NULL;
    for (size_t i = 0; i < p->facts.n; i++) {
        const char *pid = kb_fact_get(p->facts.items[i], "pid");
        if (strcmp(p->facts.items[i]->type, "tasklist.process") == 0 && pid && strcmp(pid, "1240") == 0)
            hit = p->facts.items[i];
    }
    CHECK(hit != NULL, "no process 1240");
    if (!hit)
        return;
    field_eq(hit, "image", "svchost.exe");
    field_eq(hit, "services", "EventSystem, FontCache, netprofm, nsi, SstpSvc");
    field_eq(hit, "service_count", "5");
}

static void check_task_all(const parsed *p, const locale_row *r) { check_eventsystem(p, r, 4); }
static void check_task_one(const parsed *p, const locale_row *r) { check_eventsystem(p, r, 1); }
static void check_task_list(const parsed *p, const locale_row *r) { check_eventsystem(p, r, 2); }
static void check_task_csv(const parsed *p, const locale_row *r) { check_eventsystem(p, r, 3); }

static void check_info(const parsed *p, const locale_row *r)
{
    (void)r;
    CHECK(count(p, "tasklist.process") == 0, "processes in the INFO message");
    const kb_fact *l = fact_n(p, "tasklist.listing", 0);
    field_eq(l, "format", "info");
    field_eq(l, "processes", "0");
}

static void check_sc_qc(const parsed *p, const locale_row *r)
{
    (void)r;
    const kb_fact *s = fact_n(p, "sc.service", 0);
    field_eq(s, "service", "EventSystem");
    field_eq(s, "type", "20");
    field_eq(s, "own_process", "no");
    field_eq(s, "start_type", "2");
}

static void check_sc_queryex(const parsed *p, const locale_row *r)
{
    (void)r;
    const kb_fact *s = fact_n(p, "sc.service", 0);
    field_eq(s, "type", "30");
    field_eq(s, "own_process", "yes (share process running alone)");
    field_eq(s, "pid", "1240");
}

static void check_systeminfo(const parsed *p, const locale_row *r)
{
    size_t m = (size_t)(r - locale_rows) % 4;
    const kb_fact *s = fact_n(p, "systeminfo", 0);
    field_eq(s, "host", "SRV01");
    field_eq(s, "os_name", "Microsoft Windows Server 2019 Standard");
    field_eq(s, "os_version", "10.0.17763 N/A Build 17763");
    field_eq(s, "boot_time", "3/1/2024, 9:00:00 AM");
    field_eq(s, "manufacturer", makers[m][0]);
    field_eq(s, "model", makers[m][1]);
    field_eq(s, "virtualization", makers[m][2]);
}

static const layout layouts[] = {
    {"vssadmin writers", "vssadmin_writers", vss_writers, 1, check_writers},
    {"vssadmin banner only", "vssadmin_writers", vss_banner, 1, check_banner_only},
    {"vssadmin banner + waiting", "vssadmin_writers", vss_banner_waiting, 1, check_banner_waiting},
    {"vssadmin Error:", "vssadmin_writers", vss_error, 1, check_error},
    {"vssadmin two runs", "vssadmin_writers", vss_two_runs, 1, check_two_runs},
    {"tasklist /svc", "tasklist_svc", task_table, 1, check_task_all},
    {"tasklist /svc /NH", "tasklist_svc", task_table_nh, 0, check_task_all},
    {"tasklist /svc /fi", "tasklist_svc", task_filter, 1, check_task_one},
    {"tasklist /svc /FO CSV", "tasklist_svc", task_csv, 1, check_task_csv},
    {"tasklist /svc /FO CSV /NH", "tasklist_svc", task_csv_nh, 0, check_task_csv},
    {"tasklist /svc /FO LIST", "tasklist_svc", task_list, 1, check_task_list},
    {"tasklist INFO", "tasklist_svc", task_info, 1, check_info},
    {"sc qc", "sc_query", sc_qc, 0, check_sc_qc},
    {"sc queryex", "sc_query", sc_queryex, 0, check_sc_queryex},
    {"systeminfo", "systeminfo", systeminfo, 1, check_systeminfo},
};

#define NLAYOUTS (sizeof layouts / sizeof layouts[0])

/* What a language nobody listed cannot give: the INFO message and the
 * systeminfo labels are words, with no structure to fall back on. */
static int unreadable_without_words(const layout *lay)
{
    return lay->check == check_info || lay->check == check_systeminfo;
}

/* Single-byte Western pages share most letters, so a Western text in its
 * OEM page also reads with the same labels in CP437/CP852: the choice is
 * then marked assumed. Cyrillic and CJK labels read in one page only. */
static int page_is_unique(const char *oem)
{
    return strcmp(oem, "CP850") != 0 && strcmp(oem, "CP437") != 0;
}

static void check_encoding(const parsed *p, const case_ctx *c, const kb_buf *bytes)
{
    const char *have = p->inputs.items[0].encoding;
    int ascii = all_ascii(bytes->data, bytes->len);
    char want[64];
    if (c->e == ENC_OEM || c->e == ENC_UTF8) {
        if (ascii) {
            CHECK(strcmp(have, "ASCII") == 0, "encoding %s, want ASCII", have);
            return;
        }
        if (c->e == ENC_UTF8) {
            CHECK(strcmp(have, "UTF-8") == 0, "encoding %s, want UTF-8", have);
            return;
        }
        int shows_locale = c->lay->shows_locale && c->row->locale;
        if (!shows_locale) {
            /* Nothing in the text names a language: never a silent guess. */
            CHECK(strstr(have, "(assumed)") != NULL, "encoding %s not marked assumed", have);
            return;
        }
        if (page_is_unique(c->row->oem)) {
            CHECK(strcmp(have, c->row->oem) == 0, "encoding %s, want %s", have, c->row->oem);
        } else {
            snprintf(want, sizeof want, "%s (assumed)", c->row->oem);
            CHECK(strcmp(have, c->row->oem) == 0 || strcmp(have, want) == 0, "encoding %s, want %s", have,
                  c->row->oem);
        }
        return;
    }
    CHECK(strcmp(have, enc_names[c->e]) == 0, "encoding %s, want %s", have, enc_names[c->e]);
}

static void run_case(const case_ctx *c)
{
    snprintf(case_name, sizeof case_name, "%s / %s / %s / %s", c->row->locale ? c->row->locale : "unlisted",
             c->lay->name, c->e == ENC_OEM ? c->row->oem : enc_names[c->e], var_names[c->v]);
    kb_buf text = KB_BUF_INIT;
    kb_buf_puts(&text, "");
    c->lay->render(&text, c->row);
    char *varied = apply_variant(kb_buf_str(&text), c->v);
    kb_buf bytes = KB_BUF_INIT;
    kb_buf_puts(&bytes, "");
    encode(&bytes, varied, c->e, c->row->oem);
    kind_under_test = c->lay->kind;
    kb_text_reading probe;
    char err[256];
    kb_status st = kb_text_read((const unsigned char *)bytes.data, bytes.len, &probe, err, sizeof err);
    if (st == KB_OK && probe.text.nflaws_total && c->e == ENC_UTF16LE && c->v == VAR_LF_NO_FINAL &&
        one_line(kb_buf_str(&text))) {
        /* One line of mostly non-Latin UTF-16 with neither BOM nor line end
         * may have too few NULs to be told from binary: then text damaged
         * by the NULs, named with their offset, never a clean misread. */
        CHECK(probe.text.nflaws && strstr(probe.text.flaws[0].what, "NUL byte(s) at offset"), "flaw %.200s",
              probe.text.nflaws ? probe.text.flaws[0].what : "(none)");
        kb_text_free(&probe.text);
        free(varied);
        kb_buf_free(&text);
        kb_buf_free(&bytes);
        return;
    }
    CHECK(st == KB_OK, "cannot read: %.200s", err);
    if (st != KB_OK) {
        free(varied);
        kb_buf_free(&text);
        kb_buf_free(&bytes);
        return;
    }
    kb_text_free(&probe.text);
    parsed p;
    run(&p, bytes.data, bytes.len);
    if (!c->row->locale && unreadable_without_words(c->lay)) {
        CHECK(!p.best || strcmp(p.best, c->lay->kind) != 0, "recognised without known words");
    } else {
        CHECK(p.best && strcmp(p.best, c->lay->kind) == 0, "read as %s, want %s", p.best ? p.best : "nothing",
              c->lay->kind);
        CHECK(p.status == KB_OK, "parse status %d", (int)p.status);
        c->lay->check(&p, c->row);
        const char *locale = p.inputs.items[0].locale;
        const char *want = c->lay->shows_locale ? c->row->locale : NULL;
        CHECK((!want && !locale) || (want && locale && strcmp(want, locale) == 0), "locale %s, want %s",
              locale ? locale : "(none)", want ? want : "(none)");
        check_encoding(&p, c, &bytes);
    }
    done(&p);
    free(varied);
    kb_buf_free(&text);
    kb_buf_free(&bytes);
}

static void test_every_locale_encoding_layout(void **state)
{
    (void)state;
    size_t cases = 0;
    for (size_t r = 0; r < NROWS; r++)
        for (size_t l = 0; l < NLAYOUTS; l++)
            for (int e = 0; e < NENC; e++)
                for (int v = 0; v < NVAR; v++) {
                    case_ctx c = {&locale_rows[r], &layouts[l], (enc)e, (variant)v};
                    run_case(&c);
                    cases++;
                }
    print_message("%zu cases: %zu locales x %zu layouts x %d encodings x %d line variants\n", cases, NROWS,
                  NLAYOUTS, (int)NENC, (int)NVAR);
    if (failures)
        fail_msg("%zu failed expectations", failures);
}

/* An undecodable byte after a UTF-8 BOM is damage with its file offset and
 * line: the text around it is still read, and the parser still knows it. */
static void test_undecodable_byte_has_offset(void **state)
{
    (void)state;
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "\xef\xbb\xbf");
    vss_banner(&b, &locale_rows[1]);
    size_t at = b.len;
    kb_buf_append(&b, "\xff\r\n", 3);
    kb_text_reading read;
    char err[256];
    assert_int_equal(kb_text_read((const unsigned char *)b.data, b.len, &read, err, sizeof err), KB_OK);
    assert_non_null(read.parser);
    assert_string_equal(read.parser->kind, "vssadmin_writers");
    assert_int_equal(read.text.nflaws_total, 1);
    assert_int_equal(read.text.flaws[0].offset, at);
    assert_int_equal(read.text.flaws[0].line, read.text.nlines);
    char want[64];
    snprintf(want, sizeof want, "byte 0xFF at offset %zu is not valid UTF-8", at);
    assert_string_equal(read.text.flaws[0].what, want);
    assert_string_equal(read.text.lines[read.text.nlines - 1], "\xef\xbf\xbd");
    kb_text_free(&read.text);
    kb_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_locale_encoding_layout),
        cmocka_unit_test(test_undecodable_byte_has_offset),
    };
    return cmocka_run_group_tests_name("locales", tests, NULL, NULL);
}
