/* test_evtx_wanted.c: which records the rules want (parsers/evtx/wanted.c):
 * the hash index answers as the rules' interest itself (kb_interest_wants)
 * for every provider and id, whatever the case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx/wanted.h"

static void expect_same(const kb_interest *in, const char *provider, uint32_t id)
{
    kb_evtx_wanted w;
    kb_evtx_wanted_init(&w, in);
    int want = kb_interest_wants(in, provider, id), have = kb_evtx_wanted_has(&w, provider, id);
    if (want != have)
        fail_msg("%s %u: the interest says %d, the index %d", provider ? provider : "(none)", (unsigned)id, want, have);
    kb_evtx_wanted_free(&w);
}

static void test_index_is_the_interest(void **state)
{
    (void)state;
    kb_interest in = {0};
    static const char *const providers[] = {"VSS", "Service Control Manager", "volsnap", "Microsoft-Windows-Backup",
                                            "Microsoft-Windows-Eventlog", "disk", "Ntfs", "storvsc", "Résumé"};
    for (size_t i = 0; i < sizeof providers / sizeof *providers; i++)
        for (long id = 0; id < 40; id += (long)i + 3)
            assert_int_equal(kb_interest_add(&in, providers[i], i == 3 ? -1 : id * 1000 + (long)i), 0);
    static const char *const asked[] = {"VSS", "vss", "vSs", "Service control manager", "VOLSNAP", "volsnap ",
                                        "Microsoft-Windows-Backup", "microsoft-windows-eventlog", "disk", "Disk",
                                        "ntfs", "storvsc", "RÉSUMÉ", "Résumé", "rÉsumÉ", "", "unknown", NULL};
    for (size_t i = 0; i < sizeof asked / sizeof *asked; i++)
        for (uint32_t id = 0; id < 40000; id += 7)
            expect_same(&in, asked[i], id);
    for (size_t i = 0; i < sizeof asked / sizeof *asked; i++) {
        expect_same(&in, asked[i], 0);
        expect_same(&in, asked[i], 3 * 1000 + 3);
        expect_same(&in, asked[i], 0xffff);
    }
    kb_interest_free(&in);

    /* Nothing wanted, everything wanted. */
    expect_same(&in, "VSS", 8193);
    in.want_all = 1;
    expect_same(&in, "VSS", 8193);
    expect_same(&in, NULL, 0);
    kb_evtx_wanted w;
    kb_evtx_wanted_init(&w, NULL);
    assert_false(kb_evtx_wanted_has(&w, "VSS", 8193));
    kb_evtx_wanted_free(&w);
}

/* Many providers: the table grows, every one is found. */
static void test_many_providers(void **state)
{
    (void)state;
    kb_interest in = {0};
    char name[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(name, sizeof name, "Provider-%d", i);
        assert_int_equal(kb_interest_add(&in, name, i % 5 ? i : -1), 0);
    }
    kb_evtx_wanted w;
    kb_evtx_wanted_init(&w, &in);
    for (int i = 0; i < 3000; i++) {
        snprintf(name, sizeof name, "PROVIDER-%d", i);
        assert_true(kb_evtx_wanted_has(&w, name, (uint32_t)i));
        assert_int_equal(kb_evtx_wanted_has(&w, name, (uint32_t)i + 1), i % 5 == 0);
    }
    assert_false(kb_evtx_wanted_has(&w, "Provider-3000", 3000));
    kb_evtx_wanted_free(&w);
    kb_interest_free(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_is_the_interest),
        cmocka_unit_test(test_many_providers),
    };
    return cmocka_run_group_tests_name("evtx_wanted", tests, NULL, NULL);
}
