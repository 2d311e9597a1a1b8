/* test_text_kinds.c: no two text parsers claim the same text. Every sample
 * of tests/unit/samples/ (one per command output kbscan knows of, read or
 * not) is saved as a server saves it and read as analyzer/scan/scan.c reads
 * it; exactly the expected kind may sniff it (none for outputs no parser
 * reads), and every sample in the folder must be in the table below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "vssadmin_writers" /* unused: the harness needs one */
#define INPUT_NAME "sample.txt"

#include "text_harness.h"
#include "sample_text.h"

static const struct {
    const char *file;
    const char *kind; /* NULL: no parser reads it */
} expected[] = {
    {"vssadmin_list_writers.txt", "vssadmin_writers"},
    {"vssadmin_list_writers_error_0x8000ffff.txt", "vssadmin_writers"},
    {"vssadmin_list_writers_exchange.txt", "vssadmin_writers"},
    {"vssadmin_list_writers_hyperv.txt", "vssadmin_writers"},
    {"vssadmin_list_writers_no_system_writer.txt", "vssadmin_writers"},
    {"vssadmin_list_writers_not_elevated.txt", "vssadmin_writers"},
    {"vssadmin_list_writers_old_guest.txt", "vssadmin_writers"},
    {"vssadmin_list_writers_sql_failed.txt", "vssadmin_writers"},
    {"vssadmin_sdp_combined.txt", "vssadmin_writers"},
    {"vssadmin_list_shadows.txt", "vssadmin_shadows"},
    {"vssadmin_list_shadowstorage.txt", "vssadmin_shadowstorage"},
    {"vssadmin_list_shadowstorage_none.txt", "vssadmin_shadowstorage"},
    {"vssadmin_list_volumes.txt", "vssadmin_volumes"},
    {"vssadmin_list_providers.txt", NULL},
    {"reg_query_filesnottobackup.txt", "reg_query"},
    {"reg_query_services_imagepath.txt", "reg_query"},
    {"reg_query_swprv.txt", "reg_query"},
    {"reg_query_swprv_no_servicedll.txt", "reg_query"},
    {"reg_query_value_not_found.txt", "reg_query"},
    {"reg_query_vss_eventclass.txt", "reg_query"},
    {"reg_query_vssaccesscontrol.txt", "reg_query"},
    {"reg_export_vss.reg", "reg_export"},
    {"reg_export_regedit4.reg", "reg_export"},
    {"wbadmin_get_versions.txt", "wbadmin_versions"},
    {"wbadmin_get_versions_none.txt", "wbadmin_versions"},
    {"Backup_Error-31-03-2012_02-00-05.log", "wsb_log"},
    {"fsutil_dirty_query.txt", "fsutil_dirty"},
    {"diskshadow_list_writers_status.txt", "diskshadow_writers"},
    {"sc_qc_eventsystem_disabled.txt", "sc_query"},
    {"sc_qc_swprv.txt", "sc_query"},
    {"sc_queryex_vss.txt", "sc_query"},
    {"sc_sdshow_mslldp.txt", "sc_sdshow"},
    {"tasklist_svc_cryptsvc.txt", "tasklist_svc"},
    {"wevtutil_qe_application.txt", NULL},
    {"eventlog_export_tss.csv", NULL},
};

#define NEXPECTED (sizeof expected / sizeof expected[0])

static void check_one(const char *file, const char *kind, saved_as as, const char *how)
{
    size_t len, n;
    char *utf8 = sample_bytes(file, &len);
    char *bytes = saved_text(utf8, as, "CP437", &n);
    free(utf8);
    kb_text_reading read;
    char err[256];
    if (kb_text_read((const unsigned char *)bytes, n, &read, err, sizeof err) != KB_OK)
        fail_msg("%s (%s): %s", file, how, err);
    free(bytes);
    const char *claimed = NULL;
    for (const kb_text_parser *const *p = kb_text_parsers(); *p; p++) {
        if ((*p)->sniff(&read.text) == 0)
            continue;
        if (claimed)
            fail_msg("%s (%s): claimed by %s and %s", file, how, claimed, (*p)->kind);
        claimed = (*p)->kind;
    }
    const char *chosen = read.parser ? read.parser->kind : NULL;
    kb_text_free(&read.text);
    if ((kind == NULL) != (chosen == NULL) || (kind && strcmp(kind, chosen) != 0))
        fail_msg("%s (%s): read as %s, want %s", file, how, chosen ? chosen : "nothing", kind ? kind : "nothing");
}

static void test_each_sample_one_kind(void **state)
{
    (void)state;
    for (size_t i = 0; i < NEXPECTED; i++) {
        check_one(expected[i].file, expected[i].kind, SAVED_UTF8, "as written");
        check_one(expected[i].file, expected[i].kind, SAVED_CRLF, "CRLF");
        check_one(expected[i].file, expected[i].kind, SAVED_UTF16LE_BOM, "UTF-16LE");
    }
}

static void test_every_sample_listed(void **state)
{
    (void)state;
    DIR *d = opendir(SAMPLES_DIR);
    assert_non_null(d);
    struct dirent *e;
    size_t seen = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
            continue;
        size_t i = 0;
        while (i < NEXPECTED && strcmp(expected[i].file, e->d_name) != 0)
            i++;
        if (i == NEXPECTED)
            fail_msg("%s%s is not in test_text_kinds.c's table", SAMPLES_DIR, e->d_name);
        seen++;
    }
    closedir(d);
    assert_int_equal(seen, NEXPECTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_sample_one_kind),
        cmocka_unit_test(test_every_sample_listed),
    };
    return cmocka_run_group_tests_name("text_kinds", tests, NULL, NULL);
}
