/* test_fsutil_dirty.c: the `fsutil dirty query` parser
 * (parsers/text/fsutil_dirty.c), run as the scan driver runs it: one fact
 * per volume line, the not-elevated message (noted, no fact), and
 * sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "fsutil_dirty"
#define INPUT_NAME "fsutil_dirty_query.txt"

#include "text_harness.h"
#include "sample_text.h"

static void test_sample(void **state)
{
    (void)state;
    static const saved_as ways[] = {SAVED_UTF8, SAVED_CRLF, SAVED_UTF16LE_BOM, SAVED_OEM};
    for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
        parsed r;
        run_sample(&r, "fsutil_dirty_query.txt", ways[k], "CP437");
        assert_int_equal(r.score, 90);
        assert_string_equal(r.best, KIND);
        assert_string_equal(r.inputs.items[0].locale, "en");
        assert_int_equal(count(&r, "fsutil.dirty"), 2);
        FIELDS(nth(&r, "fsutil.dirty", 0), "volume", "C:", "dirty", "no");
        FIELDS(nth(&r, "fsutil.dirty", 1), "volume", "F:", "dirty", "yes");
        assert_int_equal(nth(&r, "fsutil.dirty", 1)->line, 2);
        done(&r);
    }
}

static void test_prompts_and_not_elevated(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\>fsutil dirty query d:\r\nVolume - d: is NOT Dirty\r\n"
            "C:\\>fsutil dirty query e:\r\nThe FSUTIL utility requires that you have administrative privileges.\r\n");
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "fsutil.dirty"), 1);
    FIELDS(nth(&r, "fsutil.dirty", 0), "volume", "D:", "dirty", "no");
    assert_non_null(strstr(note_at(&r, "line 4"), "not run elevated"));
    done(&r);
    RUN(&r, "The FSUTIL utility requires that you have administrative privileges.\r\n");
    assert_int_equal(r.score, 60);
    assert_int_equal(r.facts.n, 0);
    done(&r);
}

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "",
        "Volume - C: is NOT Dirty\r\nand then chkdsk ran\r\n",
        "Volume - C: is probably fine\r\n",
        "Volume path: C:\\\r\n    Volume name: \\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_prompts_and_not_elevated),
        cmocka_unit_test(test_sniff_rejects_other_text),
    };
    return cmocka_run_group_tests_name("fsutil_dirty", tests, NULL, NULL);
}
