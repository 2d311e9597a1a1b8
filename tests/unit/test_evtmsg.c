/* test_evtmsg.c: event messages from the built-in table, formatted with
 * realistic insertion strings (analyzer/report/evtmsg.c, evtmsg_table.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "report/evtmsg.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* provider's event event_id formatted with strings must read expected. */
static void expect_format(const char *provider, uint32_t event_id, const char *const *strings,
                          size_t n, const char *expected)
{
    kb_buf b = KB_BUF_INIT;
    kb_evtmsg_result r = kb_evtmsg_format(provider, event_id, strings, n, &b);
    if (r != KB_EVTMSG_FORMATTED)
        fail_msg("%s %u: result %d", provider, (unsigned)event_id, (int)r);
    if (strcmp(kb_buf_str(&b), expected) != 0)
        fail_msg("%s %u:\n got      \"%s\"\n expected \"%s\"", provider, (unsigned)event_id,
                 kb_buf_str(&b), expected);
    kb_buf_free(&b);
}

/* A message text rendered with strings must read expected. */
static void expect_render(const char *text, const char *const *strings, size_t n,
                          const char *expected)
{
    kb_buf b = KB_BUF_INIT;
    assert_int_equal(kb_evtmsg_render(text, strings, n, &b), KB_EVTMSG_FORMATTED);
    if (strcmp(kb_buf_str(&b), expected) != 0)
        fail_msg("\"%s\":\n got      \"%s\"\n expected \"%s\"", text, kb_buf_str(&b), expected);
    kb_buf_free(&b);
}

static void expect_found(const char *provider, uint32_t event_id, unsigned build,
                         const char *file, uint32_t id)
{
    kb_evtmsg m;
    if (!kb_evtmsg_find(provider, event_id, build, &m))
        fail_msg("%s 0x%08x (build %u): not found", provider, (unsigned)event_id, build);
    assert_string_equal(m.file, file);
    if (m.id != id)
        fail_msg("%s 0x%08x (build %u): message 0x%08x, expected 0x%08x", provider,
                 (unsigned)event_id, build, (unsigned)m.id, (unsigned)id);
    assert_non_null(m.windows);
    assert_true(*m.windows);
}

static void test_table(void **state)
{
    (void)state;
    assert_true(kb_evtmsg_table_ok());
}

static void test_vss(void **state)
{
    (void)state;
    /* The strings as VSS writes them: the HRESULT with its text and line
     * break, then the operation and context block. */
    const char *s8193[] = {"CoCreateInstance", "0x800401fb, Object is not registered.\r\n",
                           "\r\nOperation:\r\n   Instantiating VSS server"};
    expect_format("VSS", 8193, s8193, N(s8193),
                  "Volume Shadow Copy Service error: Unexpected error calling routine "
                  "CoCreateInstance.  hr = 0x800401fb, Object is not registered.\n.\n\n"
                  "Operation:\n   Instantiating VSS server");
    const char *s13[] = {"{4e14fba2-2e22-11d1-9964-00c04fbbb345}", "CEventSystem",
                         "0x8007045b, A system shutdown is in progress.\n", ""};
    expect_format("VSS", 13, s13, N(s13),
                  "Volume Shadow Copy Service information: The COM Server with CLSID "
                  "{4e14fba2-2e22-11d1-9964-00c04fbbb345} and name CEventSystem cannot be "
                  "started. [0x8007045b, A system shutdown is in progress.\n]");
    const char *s12289[] = {("DeviceIoControl(\\\\?\\Volume{8a9b2b1c-0000-0000-0000-100000000000} - "
                             "0000000000000874,0x0053c008,0000000000000000,0,0000000000000000,0,[0])"),
                            "0x80070057, The parameter is incorrect.\r\n", ""};
    expect_format("VSS", 12289, s12289, N(s12289),
                  "Volume Shadow Copy Service error: Unexpected error DeviceIoControl("
                  "\\\\?\\Volume{8a9b2b1c-0000-0000-0000-100000000000} - 0000000000000874,"
                  "0x0053c008,0000000000000000,0,0000000000000000,0,[0]).  hr = 0x80070057, "
                  "The parameter is incorrect.\n.");
    const char *s8194[] = {"0x80070005, Access is denied.\r\n",
                           ("\r\nOperation:\r\n   Gathering Writer Data\r\n\r\nContext:\r\n"
                            "   Writer Class Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
                            "   Writer Name: System Writer")};
    expect_format("VSS", 8194, s8194, N(s8194),
                  "Volume Shadow Copy Service error: Unexpected error querying for the "
                  "IVssWriterCallback interface.  hr = 0x80070005, Access is denied.\n.\n"
                  "This is often caused by incorrect security settings in either the writer "
                  "or requestor process.\n\nOperation:\n   Gathering Writer Data\n\nContext:\n"
                  "   Writer Class Id: {e8132975-6f93-4464-a53e-1050253ae220}\n"
                  "   Writer Name: System Writer");
    const char *s8230[] = {"spsearch", "1376", "\r\nOperation:\r\n   Initializing Writer"};
    expect_format("VSS", 8230, s8230, N(s8230),
                  "Volume Shadow Copy Service error: Failed resolving account spsearch with "
                  "status 1376. Check connection to domain controller and VssAccessControl "
                  "registry key.\n\nOperation:\n   Initializing Writer");
    /* Qualifiers 0 (VSS's) give the same message; the Windows 2003 text
     * lacks the context line. */
    expect_found("VSS", 8193, 0, "vssvc.exe", 0x00002001u);
    kb_evtmsg m;
    assert_true(kb_evtmsg_find("vss", 8193, 3790, &m));
    assert_string_equal(m.text, "Volume Shadow Copy Service error: Unexpected error calling "
                                "routine %1.  hr = %2.\r\n");
    assert_string_equal(m.windows, "Windows XP - Windows 2003/XP x64");
    assert_true(kb_evtmsg_find("VSS", 8193, 14393, &m));
    assert_string_equal(m.windows, "Windows Vista - Windows 11 21H2");
    expect_found("Microsoft-Windows-VSS", 8193, 0, "vssvc.exe", 0x00002001u);
}

static void test_backup(void **state)
{
    (void)state;
    const char *s517[] = {"2024-03-01T02:00:12.123456700Z", "2155348226",
                          "System writer is not found in the backup."};
    expect_format("Microsoft-Windows-Backup", 517, s517, N(s517),
                  "The backup operation that started at '2024-03-01T02:00:12.123456700Z' has "
                  "failed with following error code '2155348226' (System writer is not found in "
                  "the backup.). Please review the event details for a solution, and then rerun "
                  "the backup operation once the issue is resolved.");
    const char *s521[] = {"2024-03-01T02:00:12.123456700Z", "2155348129"};
    expect_format("Microsoft-Windows-Backup", 521, s521, N(s521),
                  "The backup operation that started at '2024-03-01T02:00:12.123456700Z' has "
                  "failed because the Volume Shadow Copy Service operation to create a shadow "
                  "copy of the volumes being backed up failed with following error code "
                  "'2155348129'. Please review the event details for a solution, and then rerun "
                  "the backup operation once the issue is resolved.");
    const char *s546[] = {"2024-03-02T02:00:00.000000000Z", "2155347997",
                          "The filename, directory name, or volume label syntax is incorrect."};
    expect_format("Microsoft-Windows-Backup", 546, s546, N(s546),
                  "The backup operation attempted at '2024-03-02T02:00:00.000000000Z' has failed "
                  "to start, error code '2155347997' (The filename, directory name, or volume "
                  "label syntax is incorrect.). Please review the event details for a solution, "
                  "and then rerun the backup operation once the issue is resolved.");
    /* Event 5 of the Backup/Operational log: a manifest event whose
     * message uses its sixth and second data items. */
    const char *s5[] = {"0", "2155348129", "0", "0", "", "2024-03-01T02:00:12.123456700Z"};
    expect_format("Microsoft-Windows-Backup", 5, s5, N(s5),
                  "The backup operation that started at '2024-03-01T02:00:12.123456700Z' has "
                  "failed with following error code '2155348129'. Please review the event details "
                  "for a solution, and then rerun the backup operation once the issue is resolved.");
    expect_found("Microsoft-Windows-Backup", 5, 0, "blbevents.dll", 0xb0000005u);
    expect_found("{1db28f2e-8f80-4027-8c5a-a11f7f10f62d}", 517, 0, "blbevents.dll", 0x00000205u);
    expect_found("1DB28F2E-8F80-4027-8C5A-A11F7F10F62D", 521, 0, "blbevents.dll", 0x00000209u);
}

static void test_wsb_codes(void **state)
{
    (void)state;
    uint32_t hr = 0;
    assert_int_equal(kb_evtmsg_wsb_hresult("2155348129", &hr), 0);
    assert_int_equal(hr, 0x807800A1u);
    assert_int_equal(kb_evtmsg_wsb_hresult(" 2155348226\r\n", &hr), 0);
    assert_int_equal(hr, 0x80780102u);
    assert_int_equal(kb_evtmsg_wsb_hresult("4294967295", &hr), 0);
    assert_int_equal(hr, 0xFFFFFFFFu);
    assert_int_equal(kb_evtmsg_wsb_hresult("0", &hr), 0);
    assert_int_equal(hr, 0u);
    hr = 7;
    assert_int_equal(kb_evtmsg_wsb_hresult("4294967296", &hr), -1);
    assert_int_equal(kb_evtmsg_wsb_hresult("99999999999999999999999", &hr), -1);
    assert_int_equal(kb_evtmsg_wsb_hresult("0x807800A1", &hr), -1);
    assert_int_equal(kb_evtmsg_wsb_hresult("-2139619167", &hr), -1);
    assert_int_equal(kb_evtmsg_wsb_hresult("2155348129x", &hr), -1);
    assert_int_equal(kb_evtmsg_wsb_hresult("", &hr), -1);
    assert_int_equal(kb_evtmsg_wsb_hresult("  ", &hr), -1);
    assert_int_equal(kb_evtmsg_wsb_hresult(NULL, &hr), -1);
    assert_int_equal(hr, 7u);
}

static void test_service_control_manager(void **state)
{
    (void)state;
    const char *s7031[] = {"Volume Shadow Copy", "1", "60000", "1", "Restart the service"};
    expect_format("Service Control Manager", 7031, s7031, N(s7031),
                  "The Volume Shadow Copy service terminated unexpectedly.  It has done this 1 "
                  "time(s).  The following corrective action will be taken in 60000 milliseconds: "
                  "Restart the service.");
    const char *s7034[] = {"COM+ Event System", "2"};
    expect_format("Service Control Manager", 7034, s7034, N(s7034),
                  "The COM+ Event System service terminated unexpectedly.  It has done this 2 "
                  "time(s).");
    const char *s7036[] = {"Volume Shadow Copy", "stopped"};
    expect_format("Service Control Manager", 7036, s7036, N(s7036),
                  "The Volume Shadow Copy service entered the stopped state.");
    /* The error is a %%N reference to the system's message N. */
    const char *s7023[] = {"Microsoft Software Shadow Copy Provider", "%%2"};
    expect_format("Service Control Manager", 7023, s7023, N(s7023),
                  "The Microsoft Software Shadow Copy Provider service terminated with the "
                  "following error: \nThe system cannot find the file specified.");
    const char *s7000[] = {"Hyper-V Volume Shadow Copy Requestor", "%%1053"};
    expect_format("Service Control Manager", 7000, s7000, N(s7000),
                  "The Hyper-V Volume Shadow Copy Requestor service failed to start due to the "
                  "following error: \nThe service did not respond to the start or control request "
                  "in a timely fashion.");
    /* Records give the Qualifiers of the classic message id. */
    expect_found("Service Control Manager", 0xC0001B58u, 0, "services.exe", 0xC0001B58u);
    expect_found("{555908D1-A6D7-4695-8E1E-26931D2012F4}", 7036, 0, "services.exe", 0x40001B7Cu);
    /* Windows 2003 had them in netevent.dll. */
    expect_found("Service Control Manager", 7036, 3790, "netevent.dll", 0x40001B7Cu);
}

static void test_volsnap(void **state)
{
    (void)state;
    const char *s25[] = {"\\Device\\HarddiskVolumeShadowCopy7", "D:"};
    expect_format("volsnap", 25, s25, N(s25),
                  "The shadow copies of volume D: were deleted because the shadow copy storage "
                  "could not grow in time.  Consider reducing the IO load on the system or choose "
                  "a shadow copy storage volume that is not being shadow copied.");
    const char *s33[] = {"\\Device\\HarddiskVolumeShadowCopy7", "E:"};
    expect_format("Volsnap", 33, s33, N(s33),
                  "The oldest shadow copy of volume E: was deleted to keep disk space usage for "
                  "shadow copies of volume E: below the user defined limit.");
    const char *s35[] = {"\\Device\\HarddiskVolumeShadowCopy2", "C:"};
    expect_format("VolSnap", 35, s35, N(s35),
                  "The shadow copies of volume C: were aborted because the shadow copy storage "
                  "failed to grow.");
    expect_format("Microsoft-Windows-Volsnap", 36, s35, N(s35),
                  "The shadow copies of volume C: were aborted because the shadow copy storage "
                  "could not grow due to a user imposed limit.");
    expect_found("{cb017cd2-1f37-4e65-82bc-3e91f6a37559}", 25, 0, "volsnap.sys", 0xC0060019u);
    /* 24 was an error in Windows XP and is a warning since: the Qualifiers
     * tell, else the current text. */
    expect_found("volsnap", 24, 0, "volsnap.sys", 0x80060018u);
    expect_found("volsnap", 0xC0060018u, 0, "volsnap.sys", 0xC0060018u);
    /* The manifest provider of the same driver has other messages. */
    expect_found("Microsoft-Windows-VolumeSnapshot-Driver", 100, 0, "volsnap.sys", 0xB1000064u);
    kb_evtmsg m;
    assert_int_equal(kb_evtmsg_find("Microsoft-Windows-VolumeSnapshot-Driver", 25, 0, &m), 0);
}

static void test_ntfs(void **state)
{
    (void)state;
    /* Windows 8 and later: a manifest event; the eighth item describes the
     * corruption. */
    const char *s55[] = {"C:", "\\Device\\HarddiskVolume3", "0x2", "0x0", "0x2", "0x1", "",
                         ("The exact nature of the corruption is unknown.  The file system "
                          "structures need to be scanned online.")};
    expect_format("Ntfs", 55, s55, N(s55),
                  "A corruption was discovered in the file system structure on volume C:.\n\n"
                  "The exact nature of the corruption is unknown.  The file system structures "
                  "need to be scanned online.");
    /* Windows 7: the classic event, Qualifiers 0xC004 (IO facility). */
    const char *s55old[] = {"\\Device\\HarddiskVolume2", "C:"};
    kb_buf b = KB_BUF_INIT;
    assert_int_equal(kb_evtmsg_format("Ntfs", 0xC0040037u, s55old, N(s55old), &b),
                     KB_EVTMSG_FORMATTED);
    assert_string_equal(kb_buf_str(&b), "The file system structure on the disk is corrupt and "
                                        "unusable.\nPlease run the chkdsk utility on the volume C:.");
    kb_buf_free(&b);
    /* 98: the third item is the state as Event Viewer shows it. */
    const char *s98[] = {"C:", "\\Device\\HarddiskVolume3",
                         ("needs to be taken offline to perform a Full Chkdsk.  Please run "
                          "\"CHKDSK /F\" locally via the command line, or run \"REPAIR-VOLUME "
                          "<drive:>\" locally or remotely via PowerShell.")};
    expect_format("Microsoft-Windows-Ntfs", 98, s98, N(s98),
                  "Volume C: (\\Device\\HarddiskVolume3) needs to be taken offline to perform a "
                  "Full Chkdsk.  Please run \"CHKDSK /F\" locally via the command line, or run "
                  "\"REPAIR-VOLUME <drive:>\" locally or remotely via PowerShell.");
    /* Microsoft-Windows-Ntfs prefers its manifest messages. */
    expect_found("Microsoft-Windows-Ntfs", 139, 0, "ntfs.sys", 0xB100008Bu);
}

static void test_disk_and_storport(void **state)
{
    (void)state;
    const char *s153[] = {"\\Device\\Harddisk0\\DR0", "0x3c5f2b8", "0", "\\Device\\00000034"};
    expect_format("disk", 153, s153, N(s153),
                  "The IO operation at logical block address 0x3c5f2b8 for Disk 0 (PDO name: "
                  "\\Device\\00000034) was retried.");
    const char *s157[] = {"\\Device\\Harddisk2\\DR2", "2"};
    expect_format("disk", 157, s157, N(s157), "Disk 2 has been surprise removed.");
    const char *s7[] = {"\\Device\\Harddisk0\\DR0"};
    expect_format("disk", 7, s7, N(s7), "The device, \\Device\\Harddisk0\\DR0, has a bad block.");
    const char *s11[] = {"\\Device\\Harddisk1\\DR1"};
    expect_format("disk", 11, s11, N(s11),
                  "The driver detected a controller error on \\Device\\Harddisk1\\DR1.");
    const char *s129[] = {"\\Device\\RaidPort0"};
    expect_format("storport", 129, s129, N(s129), "Reset to device, \\Device\\RaidPort0, was issued.");
    /* Miniports log it under their own names, with the same messages. */
    expect_format("storahci", 129, s129, N(s129), "Reset to device, \\Device\\RaidPort0, was issued.");
    expect_format("LSI_SAS", 0x80040081u, s129, N(s129),
                  "Reset to device, \\Device\\RaidPort0, was issued.");
    /* Windows 8's text of 153 had no PDO name. */
    kb_evtmsg m;
    assert_true(kb_evtmsg_find("disk", 153, 9200, &m));
    assert_string_equal(m.text, "The IO operation at logical block address %2 for Disk %3 was "
                                "retried.\r\n");
    assert_string_equal(m.windows, "Windows 8/2012");
    assert_true(kb_evtmsg_find("disk", 153, 17763, &m));
    assert_string_equal(m.windows, "Windows 8.1/2012 R2 - Windows 11 21H2");
}

static void test_other_providers(void **state)
{
    (void)state;
    const char *s1102[] = {"S-1-5-21-3623811015-3361044348-30300820-500", "Administrator",
                           "CONTOSO", "0x3e7"};
    expect_format("Microsoft-Windows-Eventlog", 1102, s1102, N(s1102),
                  "The audit log was cleared.\nSubject:\n\tSecurity ID:\t"
                  "S-1-5-21-3623811015-3361044348-30300820-500\n\tAccount Name:\tAdministrator\n"
                  "\tDomain Name:\tCONTOSO\n\tLogon ID:\t0x3e7");
    const char *s104[] = {"admin", "CONTOSO", "System", ""};
    expect_format("Microsoft-Windows-Eventlog", 104, s104, N(s104), "The System log file was cleared.");
    const char *s513[] = {"\r\n\r\nDetails:\r\nAddLegacyDriverFiles: Unable to back up image of "
                          "binary Microsoft Link-Layer Discovery Protocol.\r\n\r\nSystem Error:\r\n"
                          "Access is denied.\r\n"};
    expect_format("Microsoft-Windows-CAPI2", 513, s513, N(s513),
                  "Cryptographic Services failed while processing the OnIdentity() call in the "
                  "System Writer Object.\n\nDetails:\nAddLegacyDriverFiles: Unable to back up "
                  "image of binary Microsoft Link-Layer Discovery Protocol.\n\nSystem Error:\n"
                  "Access is denied.\n.");
    const char *s4609[] = {"d:\\w7rtm\\com\\complus\\src\\events\\tier1\\eventsystemobj.cpp",
                           "1262", "0x80070005"};
    expect_format("EventSystem", 4609, s4609, N(s4609),
                  "The COM+ Event System detected a bad return code during its internal "
                  "processing.  HRESULT was 0x80070005 from line 1262 of "
                  "d:\\w7rtm\\com\\complus\\src\\events\\tier1\\eventsystemobj.cpp.  This warning "
                  "may be expected if the computer is low on resources.  If the computer is not "
                  "low on resources, and these warnings persist, it may indicate a problem in the "
                  "COM+ Event System.");
    expect_found("Microsoft-Windows-EventSystem", 4609, 0, "comres.dll", 0x80001201u);
    expect_found("VSSAudit", 8222, 0, "vssvc.exe", 0x0000201Eu);
}

static void test_unknown_and_empty(void **state)
{
    (void)state;
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "before\n");
    const char *s[] = {"x"};
    /* The source has no message tables of SQL Server's writers. */
    assert_int_equal(kb_evtmsg_format("SQLWRITER", 24583, s, 1, &b), KB_EVTMSG_UNKNOWN);
    assert_int_equal(kb_evtmsg_format("SQLVDI", 1, s, 1, &b), KB_EVTMSG_UNKNOWN);
    assert_int_equal(kb_evtmsg_format("VSS", 65535, s, 1, &b), KB_EVTMSG_UNKNOWN);
    assert_int_equal(kb_evtmsg_format("Microsoft-Windows-StorPort", 129, s, 1, &b),
                     KB_EVTMSG_UNKNOWN);
    assert_int_equal(kb_evtmsg_format("", 8193, s, 1, &b), KB_EVTMSG_UNKNOWN);
    assert_int_equal(kb_evtmsg_format(NULL, 8193, s, 1, &b), KB_EVTMSG_UNKNOWN);
    assert_int_equal(kb_evtmsg_format("{00000000-0000-0000-0000-000000000000}", 1, s, 1, &b),
                     KB_EVTMSG_UNKNOWN);
    assert_int_equal(kb_evtmsg_format("{1db28f2e-8f80-4027-8c5a-a11f7f10f62d", 517, s, 1, &b),
                     KB_EVTMSG_FORMATTED);   /* a GUID without its closing brace */
    kb_buf_reset(&b);
    kb_buf_puts(&b, "before\n");
    /* A known message that is empty: EventSystem 512 is just "%1%0". */
    const char *empty[] = {""};
    assert_int_equal(kb_evtmsg_format("EventSystem", 512, empty, 1, &b), KB_EVTMSG_FORMATTED);
    assert_string_equal(kb_buf_str(&b), "before\n");   /* what was there stays */
    kb_buf_free(&b);
}

static void test_parameters(void **state)
{
    (void)state;
    const char *text;
    size_t len;
    assert_int_equal(kb_evtmsg_param(5, &text, &len), 1);
    assert_int_equal(len, strlen("Access is denied."));
    assert_memory_equal(text, "Access is denied.", len);
    assert_int_equal(kb_evtmsg_param(2147942405u, &text, &len), 1);   /* 0x80070005 */
    assert_memory_equal(text, "Access is denied.", len);
    assert_int_equal(kb_evtmsg_param(0xC0000022u, &text, &len), 1);   /* ntdll */
    const char *denied = "{Access Denied}\r\nA process has requested access to an object, but "
                         "has not been granted those access rights.";
    assert_int_equal(len, strlen(denied));
    assert_memory_equal(text, denied, len);
    assert_int_equal(kb_evtmsg_param(0xDEADBEEFu, &text, &len), 0);
    assert_int_equal(kb_evtmsg_param(0x1234u, &text, &len), 0);

    const char *hr[] = {"%%2147942405"};
    expect_render("Failed: %1", hr, 1, "Failed: Access is denied.");
    const char *nt[] = {"status %%3221225506."};
    expect_render("%1", nt, 1, "status {Access Denied}\nA process has requested access to an "
                                "object, but has not been granted those access rights..");
    /* Unknown references and non-references stay as they are. */
    const char *unknown[] = {"%%3735928559 and %%99999999999 and %%x and 50%%"};
    expect_render("[%1]", unknown, 1, "[%%3735928559 and %%99999999999 and %%x and 50%%]");
    /* In the message text itself. */
    expect_render("error %%5 here", NULL, 0, "error Access is denied. here");
    expect_render("error %%4000000000", NULL, 0, "error %%4000000000");
}

static void test_escapes(void **state)
{
    (void)state;
    expect_render("a%nb%tc%bd% e%.f%!g%%h", NULL, 0, "a\nb\tc d e.f!g%h");
    expect_render("line\r\nnext\rlast\r\n\r\n", NULL, 0, "line\nnext\nlast");
    expect_render("%rstart%rx%n%ry", NULL, 0, "start\nx\ny");
    expect_render("shown%0hidden %1", NULL, 0, "shown");
    expect_render("trailing%n%n  ", NULL, 0, "trailing");
    expect_render("%q%\\", NULL, 0, "q\\");
    expect_render("", NULL, 0, "");
    expect_render(NULL, NULL, 0, "");
    expect_render("%1 and %2", NULL, 2, "%1 and %2");   /* no strings at all */
}

static void test_insertions(void **state)
{
    (void)state;
    const char *two[] = {"one", "two"};
    /* Placeholders beyond the strings stay visible; a NULL string too. */
    expect_render("%1 %2 %3 %10 %99", two, 2, "one two %3 %10 %99");
    const char *gap[] = {"one", NULL, "three"};
    expect_render("%1-%2-%3", gap, 3, "one-%2-three");
    /* Two digits at most: %123 is %12 then "3". */
    const char *many[13] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "twelve", "13"};
    expect_render("%123|%99999|%1", many, 13, "twelve3|%99999|1");
    /* Strings are never expanded again. */
    const char *pct[] = {"%2", "%n%t%%x%0", "100%"};
    expect_render("[%1][%2][%3]", pct, 3, "[%2][%n%t%%x%0][100%]");
    const char *endpct[] = {"x"};
    expect_render("100%", endpct, 1, "100%");
    expect_render("%1%", endpct, 1, "x%");
    /* A parameter's own text is not scanned for more references. */
    const char *ref[] = {"%%5%1"};
    expect_render("%1", ref, 1, "Access is denied.%1");
    /* Line breaks in strings come out as \n. */
    const char *crlf[] = {"a\r\nb"};
    expect_render("<%1>", crlf, 1, "<a\nb>");
}

static void test_format_specs(void **state)
{
    (void)state;
    const char *n255[] = {"255"};
    expect_render("%1!08x!|%1!X!|%1!#x!|%1!#o!|%1!d!|%1!5d!|%1!-5d!|%1!05d!", n255, 1,
                  "000000ff|FF|0xff|0377|255|  255|255  |00255");
    const char *hex[] = {"0x1F"};
    expect_render("%1!d! %1!u! %1!04X! %1!s!", hex, 1, "31 31 001F 0x1F");
    const char *neg[] = {"-5"};
    expect_render("%1!d!|%1!+d!|%1!u!|%1!x!|%1!I64x!|%1!lld!", neg, 1,
                  "-5|-5|4294967291|fffffffb|fffffffffffffffb|-5");
    const char *plus[] = {"42"};
    expect_render("%1!+d!|%1! d!|%1!.5d!|%1!p!", plus, 1,
                  "+42| 42|00042|000000000000002A");
    const char *zero[] = {"0"};
    expect_render("[%1!.0d!][%1!#x!][%1!d!]", zero, 1, "[][0][0]");
    const char *str[] = {"abc"};
    expect_render("[%1!s!][%1!5s!][%1!-5s!][%1!.2s!][%1!ws!][%1!S!][%1!hs!]", str, 1,
                  "[abc][  abc][abc  ][ab][abc][abc][abc]");
    /* Not a number: inserted as it is. */
    expect_render("%1!08x!", str, 1, "abc");
    const char *pi[] = {"3.14159"};
    expect_render("%1!5.1f!|%1!.2e!|%1!g!", pi, 1, "  3.1|3.14e+00|3.14159");
    /* Width and precision from the following strings. */
    const char *star[] = {"ab", "6", "1"};
    expect_render("[%1!*s!]", star, 2, "[    ab]");
    expect_render("[%1!*.*s!]", star, 3, "[     a]");
    const char *starneg[] = {"ab", "-4"};
    expect_render("[%1!*s!]", starneg, 2, "[ab  ]");
    /* A spec without its closing ! is text; an unknown one is dropped. */
    expect_render("%1!08x", n255, 1, "255!08x");
    expect_render("%1!k!", n255, 1, "255");
    expect_render("%1!!", n255, 1, "255");
    /* Huge widths and precisions are capped at 128. */
    kb_buf b = KB_BUF_INIT;
    assert_int_equal(kb_evtmsg_render("%1!999999999999d!", n255, 1, &b), KB_EVTMSG_FORMATTED);
    assert_int_equal(b.len, 128);
    kb_buf_reset(&b);
    assert_int_equal(kb_evtmsg_render("%1!.999999f!", pi, 1, &b), KB_EVTMSG_FORMATTED);
    assert_int_equal(b.len, 2 + 128);
    kb_buf_free(&b);
    /* A spec longer than any real one is not a spec. */
    expect_render("%1!0000000000000000000000000000000000000000d!", n255, 1,
                  "255!0000000000000000000000000000000000000000d!");
    /* Precision cuts at a whole UTF-8 character. */
    const char *utf8[] = {"\xc3\xa9t\xc3\xa9"};
    expect_render("[%1!.1s!][%1!.3s!]", utf8, 1, "[][\xc3\xa9t]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_vss),
        cmocka_unit_test(test_backup),
        cmocka_unit_test(test_wsb_codes),
        cmocka_unit_test(test_service_control_manager),
        cmocka_unit_test(test_volsnap),
        cmocka_unit_test(test_ntfs),
        cmocka_unit_test(test_disk_and_storport),
        cmocka_unit_test(test_other_providers),
        cmocka_unit_test(test_unknown_and_empty),
        cmocka_unit_test(test_parameters),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_insertions),
        cmocka_unit_test(test_format_specs),
    };
    return cmocka_run_group_tests_name("evtmsg", tests, NULL, NULL);
}
