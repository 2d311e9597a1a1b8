/* test_sc_sdshow.c: the `sc sdshow` parser (parsers/text/sc_sdshow.c), run
 * as the scan driver runs it: the DACL and SACL of a service's SDDL, its
 * ACE count, the interactive users' read ACE, the service's name from a
 * prompt echo or the file name (or neither, noted), and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "sc_sdshow"
#define INPUT_NAME input_name
static const char *input_name = "bundle/sc_sdshow_mslldp.txt";

#include "text_harness.h"
#include "sample_text.h"

static void test_sample(void **state)
{
    (void)state;
    static const saved_as ways[] = {SAVED_UTF8, SAVED_CRLF, SAVED_UTF16LE_BOM, SAVED_OEM};
    for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
        parsed r;
        run_sample(&r, "sc_sdshow_mslldp.txt", ways[k], "CP437");
        assert_int_equal(r.score, 90);
        assert_string_equal(r.best, KIND);
        assert_null(r.inputs.items[0].locale);
        assert_int_equal(r.inputs.items[0].nnotes, 0);
        const kb_fact *f = nth(&r, "sc.sddl", 0);
        FIELDS(f, "service", "mslldp", "aces", "5", "sacl", "", "has_ace_su_read", "no");
        assert_memory_equal(kb_fact_get(f, "dacl"), "D:(D;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BG)", 38);
        assert_int_equal(f->line, 2);
        done(&r);
    }
}

static void test_echo_sacl_and_su(void **state)
{
    (void)state;
    input_name = "sdshow.txt";
    parsed r;
    RUN(&r, "C:\\Windows\\system32>sc sdshow VSS\r\n"
            "\r\n"
            "D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)"
            "(A;;CCLCSWLOCRRC;;;SU)S:(AU;FA;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;WD)\r\n");
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "sc.sddl", 0), "service", "VSS", "aces", "4", "has_ace_su_read", "yes", "sacl",
           "S:(AU;FA;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;WD)");
    done(&r);
    RUN(&r, "O:BAG:SYD:P(A;;GA;;;SY)(A;;GA;;;BA)\r\n");
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "sc.sddl", 0), "service", "", "aces", "2", "dacl", "D:P(A;;GA;;;SY)(A;;GA;;;BA)");
    assert_non_null(strstr(note_at(&r, "line 1"), "does not print the service's name"));
    done(&r);
    input_name = "bundle/sc_sdshow_mslldp.txt";
}

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "",
        "D:(A;;broken\r\n",
        "D: drive is full\r\n",
        "D:(A;;GA;;;SY)\r\nand some notes\r\n",
        "SERVICE_NAME: EventSystem\r\n        TYPE               : 20  WIN32_SHARE_PROCESS\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_echo_sacl_and_su),
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("sc_sdshow", tests, NULL, NULL);
}
