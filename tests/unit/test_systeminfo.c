/* test_systeminfo.c: the `systeminfo` parser (parsers/text/systeminfo.c), run as
 * the scan driver runs it (decode, sniff, parse): English, Japanese and
 * German labels, labels that hold a colon themselves, the virtualisation
 * platform (VMware, Hyper-V, KVM, none, unknown), and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "systeminfo"
#define INPUT_NAME "systeminfo.txt"

#include "text_harness.h"

/* The one systeminfo fact. */
static const kb_fact *info(const parsed *r)
{
    assert_int_equal(r->facts.n, 1);
    assert_string_equal(r->facts.items[0]->type, "systeminfo");
    return r->facts.items[0];
}

static const char english_vmware[] =
    "\r\n"
    "Host Name:                 SRV01\r\n"
    "OS Name:                   Microsoft Windows Server 2016 Standard\r\n"
    "OS Version:                10.0.14393 N/A Build 14393\r\n"
    "OS Manufacturer:           Microsoft Corporation\r\n"
    "OS Configuration:          Member Server\r\n"
    "OS Build Type:             Multiprocessor Free\r\n"
    "Registered Owner:          Windows User\r\n"
    "Original Install Date:     4/12/2016, 10:21:03 AM\r\n"
    "System Boot Time:          10/1/2018, 9:12:44 AM\r\n"
    "System Manufacturer:       VMware, Inc.\r\n"
    "System Model:              VMware Virtual Platform\r\n"
    "System Type:               x64-based PC\r\n"
    "Processor(s):              2 Processor(s) Installed.\r\n"
    "                           [01]: Intel64 Family 6 Model 79 Stepping 0 GenuineIntel ~2200 Mhz\r\n"
    "BIOS Version:              Phoenix Technologies LTD 6.00, 9/21/2015\r\n"
    "Time Zone:                 (UTC-05:00) Eastern Time (US & Canada)\r\n"
    "Total Physical Memory:     8,191 MB\r\n"
    "Virtual Memory: Max Size:  9,471 MB\r\n"
    "Domain:                    contoso.local\r\n"
    "Hotfix(s):                 1 Hotfix(s) Installed.\r\n"
    "                           [01]: KB3192137\r\n"
    "Network Card(s):           1 NIC(s) Installed.\r\n"
    "                           [01]: vmxnet3 Ethernet Adapter\r\n"
    "                                 Connection Name: Ethernet0\r\n"
    "Hyper-V Requirements:      A hypervisor has been detected. Features required for Hyper-V will "
    "not be displayed.\r\n";

static void test_english(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, english_vmware);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.score, 90);
    assert_string_equal(r.best, KIND);
    const kb_fact *f = info(&r);
    field_is(f, "host", "SRV01");
    field_is(f, "os_name", "Microsoft Windows Server 2016 Standard");
    field_is(f, "os_version", "10.0.14393 N/A Build 14393");
    field_is(f, "manufacturer", "VMware, Inc."); /* the system's, not "OS Manufacturer" */
    field_is(f, "model", "VMware Virtual Platform");
    field_is(f, "virtualization", "VMware");
    field_is(f, "boot_time", "10/1/2018, 9:12:44 AM"); /* colons in the value */
    field_is(f, "system_type", "x64-based PC");
    field_is(f, "os_configuration", "Member Server");
    field_is(f, "time_zone", "(UTC-05:00) Eastern Time (US & Canada)");
    field_is(f, "memory", "8,191 MB");
    field_is(f, "domain", "contoso.local");
    assert_int_equal(f->line, 2); /* the first non-blank line */
    const kb_input *in = &r.inputs.items[0];
    assert_string_equal(in->locale, "en");
    assert_string_equal(in->computer, "SRV01");
    assert_int_equal(in->facts, 1);
    done(&r);
}

/* Japanese labels (as cmd.exe prints them, here re-saved as UTF-8). */
static const char japanese_hyperv[] =
    "\r\n"
    "ホスト名:                   SRV-FS01\r\n"
    "OS 名:                      Microsoft Windows Server 2012 R2 Standard\r\n"
    "OS バージョン:              6.3.9600 N/A ビルド 9600\r\n"
    "OS 製造元:                  Microsoft Corporation\r\n"
    "OS 構成:                    メンバー サーバー\r\n"
    "システム起動時間:           2018/09/13, 4:02:11\r\n"
    "システム製造元:             Microsoft Corporation\r\n"
    "システム モデル:            Virtual Machine\r\n"
    "システムの種類:             x64-based PC\r\n"
    "タイム ゾーン:              (UTC+09:00) 大阪、札幌、東京\r\n"
    "物理メモリの合計:           8,191 MB\r\n"
    "仮想メモリ: 最大サイズ:     9,471 MB\r\n"
    "ドメイン:                   contoso.local\r\n";

static void test_japanese(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, japanese_hyperv);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.score, 90);
    assert_string_equal(r.best, KIND);
    const kb_fact *f = info(&r);
    field_is(f, "host", "SRV-FS01");
    field_is(f, "os_name", "Microsoft Windows Server 2012 R2 Standard");
    field_is(f, "os_version", "6.3.9600 N/A ビルド 9600");
    field_is(f, "os_configuration", "メンバー サーバー");
    field_is(f, "boot_time", "2018/09/13, 4:02:11");
    field_is(f, "manufacturer", "Microsoft Corporation");
    field_is(f, "model", "Virtual Machine");
    field_is(f, "virtualization", "Hyper-V");
    field_is(f, "system_type", "x64-based PC");
    field_is(f, "time_zone", "(UTC+09:00) 大阪、札幌、東京");
    field_is(f, "memory", "8,191 MB");
    field_is(f, "domain", "contoso.local");
    assert_string_equal(r.inputs.items[0].locale, "ja");
    assert_string_equal(r.inputs.items[0].computer, "SRV-FS01");
    done(&r);
}

static void test_german_kvm(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "Hostname:                                  SRV-DE\r\n"
            "Betriebssystemname:                        Microsoft Windows Server 2019 Standard\r\n"
            "Betriebssystemversion:                     10.0.17763 Nicht zutreffend Build 17763\r\n"
            "Systemhersteller:                          QEMU\r\n"
            "Systemmodell:                              Standard PC (i440FX + PIIX, 1996)\r\n"
            "Systemtyp:                                 x64-based PC\r\n");
    assert_int_equal(r.score, 90);
    const kb_fact *f = info(&r);
    field_is(f, "host", "SRV-DE");
    field_is(f, "manufacturer", "QEMU");
    field_is(f, "model", "Standard PC (i440FX + PIIX, 1996)");
    field_is(f, "virtualization", "KVM");
    assert_string_equal(r.inputs.items[0].locale, "de");
    done(&r);
}

static void test_physical_is_none(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "Host Name:                 DB01\r\n"
            "OS Name:                   Microsoft Windows Server 2019 Datacenter\r\n"
            "OS Version:                10.0.17763 N/A Build 17763\r\n"
            "System Manufacturer:       Dell Inc.\r\n"
            "System Model:              PowerEdge R740\r\n"
            "System Type:               x64-based PC\r\n");
    const kb_fact *f = info(&r);
    field_is(f, "manufacturer", "Dell Inc.");
    field_is(f, "model", "PowerEdge R740");
    field_is(f, "virtualization", "none");
    done(&r);
}

/* Microsoft hardware that is not a virtual machine (a Surface) is not Hyper-V. */
static void test_microsoft_hardware_is_none(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "Host Name:                 LAPTOP7\r\n"
            "OS Name:                   Microsoft Windows 10 Pro\r\n"
            "OS Version:                10.0.19045 N/A Build 19045\r\n"
            "System Manufacturer:       Microsoft Corporation\r\n"
            "System Model:              Surface Laptop 3\r\n");
    field_is(info(&r), "virtualization", "none");
    done(&r);
}

static void test_no_hardware_is_unknown(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "Host Name:                 SRV02\r\n"
            "OS Name:                   Microsoft Windows Server 2016 Standard\r\n"
            "OS Version:                10.0.14393 N/A Build 14393\r\n"
            "System Type:               x64-based PC\r\n"
            "Domain:                    WORKGROUP\r\n");
    assert_int_equal(r.score, 90);
    const kb_fact *f = info(&r);
    field_is(f, "virtualization", ""); /* unknown, not "none" */
    assert_null(kb_fact_get(f, "manufacturer"));
    assert_null(kb_fact_get(f, "model"));
    done(&r);
}

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "This bundle was collected on 2018-10-01.\r\nContact: admin@example.com\r\n",
        /* four known labels are not enough */
        "Host Name:                 SRV01\r\n"
        "OS Name:                   Microsoft Windows Server 2016 Standard\r\n"
        "OS Version:                10.0.14393 N/A Build 14393\r\n"
        "Domain:                    contoso.local\r\n",
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
        "Writer name: 'System Writer'\r\n",
        "SERVICE_NAME: EventSystem\r\n"
        "        TYPE               : 20  WIN32_SHARE_PROCESS\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_japanese),
        cmocka_unit_test(test_german_kvm),
        cmocka_unit_test(test_physical_is_none),
        cmocka_unit_test(test_microsoft_hardware_is_none),
        cmocka_unit_test(test_no_hardware_is_unknown),
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("systeminfo", tests, NULL, NULL);
}
