/* test_wsb_log.c: the Windows Server Backup failure log parser
 * (parsers/text/wsb_log.c), run as the scan driver runs it: error lines
 * with path, volume, phase and HRESULT, the log's time from its file name,
 * paths with blanks and UNC paths, wording nobody listed, lines that are
 * not error lines, the saved encodings, and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "wsb_log"
#define INPUT_NAME input_name
static const char *input_name = "WindowsServerBackup/Backup_Error-31-03-2012_02-00-05.log";

#include "text_harness.h"
#include "sample_text.h"

static void test_sample_every_encoding(void **state)
{
    (void)state;
    static const saved_as ways[] = {SAVED_UTF8, SAVED_CRLF, SAVED_UTF16LE_BOM, SAVED_OEM};
    for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
        parsed r;
        run_sample(&r, "Backup_Error-31-03-2012_02-00-05.log", ways[k], "CP437");
        assert_int_equal(r.status, KB_OK);
        assert_int_equal(r.score, 80);
        assert_string_equal(r.best, KIND);
        assert_string_equal(r.inputs.items[0].locale, "en");
        assert_int_equal(r.inputs.items[0].nnotes, 0);
        assert_int_equal(count(&r, "wsb.file_error"), 3);
        FIELDS(nth(&r, "wsb.log", 0), "errors", "3", "volumes", "F:", "log_time", "2012-03-31T02:00:05");
        FIELDS(nth(&r, "wsb.file_error", 0), "path", "F:\\$Extend\\$RmMetadata\\$TxfLog\\", "volume", "F:", "phase",
               "write", "hr", "0x80070005", "text", "Access is denied.", "log_time", "2012-03-31T02:00:05");
        FIELDS(nth(&r, "wsb.file_error", 2), "path",
               "F:\\$Extend\\$RmMetadata\\$TxfLog\\$TxfLogContainer00000000000000000001");
        assert_int_equal(nth(&r, "wsb.file_error", 2)->line, 3);
        done(&r);
    }
}

static void test_shapes(void **state)
{
    (void)state;
    input_name = "SystemStateBackup_Error.log";
    parsed r;
    RUN(&r, "Error in backup of C:\\Program Files\\Contoso App\\data file.db during read: Error [0x80070020] The "
            "process cannot access the file because it is being used by another process.\r\n"
            "Error in backup of \\\\?\\Volume{3b5f1c2d-9e8a-4f7b-a6c5-1d2e3f4a5b6c}\\x during enumerate: Error "
            "[0X8007045D] The request could not be performed because of an I/O device error.\r\n"
            "Fehler bei der Sicherung von d:\\daten\\a.txt beim Schreiben: Fehler [0x80070005] Zugriff verweigert\r\n"
            "Backup started\r\n");
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "wsb.file_error", 0), "path", "C:\\Program Files\\Contoso App\\data file.db", "volume", "C:",
           "phase", "read", "hr", "0x80070020", "log_time", "");
    FIELDS(nth(&r, "wsb.file_error", 1), "path", "\\\\?\\Volume{3b5f1c2d-9e8a-4f7b-a6c5-1d2e3f4a5b6c}\\x", "volume",
           "", "phase", "enumerate", "hr", "0x8007045d");
    /* Wording nobody listed: the path keeps the words up to the colon. */
    FIELDS(nth(&r, "wsb.file_error", 2), "path", "d:\\daten\\a.txt beim Schreiben", "volume", "D:", "phase", "",
           "text", "Zugriff verweigert");
    FIELDS(nth(&r, "wsb.log", 0), "errors", "3", "volumes", "C:, D:", "log_time", "");
    assert_string_equal(note_at(&r, "line 4"), "line not understood as a Windows Server Backup error line");
    done(&r);
    input_name = "WindowsServerBackup/Backup_Error-31-03-2012_02-00-05.log";
}

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "",
        "The backup failed with error [0x80070005] on the server.\r\n",
        "Backup started\r\nBackup of C:\\ finished\r\n",
        "Volume Shadow Copy Service error: hr = 0x80070005, Access is denied.\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_every_encoding),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("wsb_log", tests, NULL, NULL);
}
