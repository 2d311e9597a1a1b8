/* test_hosts.c: which computer each input is (combiners/host_group.c,
 * hostname.c) and each computer on its own (engine/computers.c): names
 * compared ignoring case and a domain where that is safe; collectors' file
 * and folder names; a folder per computer and collector-prefixed files side
 * by side; a command output that cannot be told, never given to another
 * computer; a renamed computer's logs; two logs of one channel; a log of
 * forwarded events feeding each computer it names, its events each to its
 * own; a folder of its own among computers' folders; and the rules seeing
 * one computer's facts and inputs at a time. Small inline inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "combiners/combiners.h"
#include "combiners/host_group.h"
#include "combiners/hostname.h"
#include "engine/computers.h"

/* ---- names ------------------------------------------------------------------------- */

static void test_names_compared(void **state)
{
    (void)state;
    assert_true(kb_hostname_same("SRV01", "srv01"));
    assert_true(kb_hostname_same("SRV01", "srv01.contoso.local"));
    assert_true(kb_hostname_same("SRV01.CONTOSO.LOCAL", "srv01.contoso.local"));
    assert_false(kb_hostname_same("SRV01.contoso.local", "SRV01.fabrikam.com"));
    assert_false(kb_hostname_same("SRV01", "SRV011"));
    assert_false(kb_hostname_same("SRV01", "SRV01-X.contoso.local"));
    assert_true(kb_hostname_conflict("SRV01.contoso.local", "srv01.fabrikam.com"));
    assert_false(kb_hostname_conflict("SRV01", "srv01.fabrikam.com"));
    assert_false(kb_hostname_usable("localhost"));
    assert_false(kb_hostname_usable("-"));
    assert_false(kb_hostname_usable(NULL));
    assert_true(kb_hostname_usable("MINWINPC"));
}

static void test_names_in_file_names(void **state)
{
    (void)state;
    assert_true(kb_hostname_in("SRV01_vssadmin.txt", "srv01.contoso.local"));
    assert_true(kb_hostname_in("SRV01-Application.evtx", "SRV01"));
    assert_true(kb_hostname_in("Application_SRV01.evtx", "SRV01"));
    assert_true(kb_hostname_in("VAWLogs_2023-01-01T101010_SRV-01", "SRV-01"));
    assert_false(kb_hostname_in("SRV011_vssadmin.txt", "SRV01"));
    assert_false(kb_hostname_in("XSRV01.txt", "SRV01"));
    assert_false(kb_hostname_in("a_b.txt", "a")); /* too short to tell */
    char name[80];
    assert_true(kb_hostname_from_file("SRV01_231005-143012_SystemInfo_Stop_.txt", name, sizeof name));
    assert_string_equal(name, "SRV01");
    assert_true(kb_hostname_from_file("FS-02_evt_System.evtx", name, sizeof name));
    assert_string_equal(name, "FS-02");
    assert_false(kb_hostname_from_file("Storage_VSSAdmin.txt", name, sizeof name));
    assert_false(kb_hostname_from_file("vssadmin_list_writers.txt", name, sizeof name));
    assert_false(kb_hostname_from_file("SRV01_2310-143012_x.txt", name, sizeof name));
    assert_true(kb_hostname_from_folder("TSS_SRV01_231005-143012_Log-Storage", name, sizeof name));
    assert_string_equal(name, "SRV01");
    assert_true(kb_hostname_from_folder("tss_231005-143012_DC-1_psSDP_SETUP.zip", name, sizeof name));
    assert_string_equal(name, "DC-1");
    assert_true(kb_hostname_from_folder("Node_HV03", name, sizeof name));
    assert_string_equal(name, "HV03");
    assert_false(kb_hostname_from_folder("Node_", name, sizeof name));
    assert_false(kb_hostname_from_folder("TSS_SRV01", name, sizeof name));
}

/* ---- grouping ------------------------------------------------------------------------ */

typedef struct bundle {
    kb_hg_input in[16];
    kb_strlist events[16];
    size_t n;
    kb_hostgroups g;
} bundle;

/* An input: path, a command output's own name, a log's Computer and channel. */
static size_t add(bundle *b, const char *path, const char *own, const char *log, const char *channel)
{
    assert_true(b->n < 16);
    b->in[b->n] = (kb_hg_input){.path = path, .own_name = own, .log_name = log, .channel = channel,
                                .event_names = &b->events[b->n]};
    return b->n++;
}

static void group(bundle *b)
{
    kb_hostgroups_build(b->in, b->n, &b->g);
}

static void done(bundle *b)
{
    kb_hostgroups_free(&b->g);
    for (size_t i = 0; i < 16; i++)
        kb_strlist_free(&b->events[i]);
}

/* The computer of input i (its first), checking how it was told. */
static size_t computer_of(const bundle *b, size_t i, kb_hg_by by)
{
    for (size_t m = 0; m < b->g.nmembers; m++)
        if (b->g.members[m].input == i) {
            if (b->g.members[m].by != by)
                fail_msg("input %s: told by %s, expected %s", b->in[i].path, kb_hg_by_name(b->g.members[m].by),
                         kb_hg_by_name(by));
            return b->g.members[m].group;
        }
    fail_msg("input %s has no computer", b->in[i].path);
    return KB_HG_NONE;
}

static void name_is(const bundle *b, size_t group, const char *name)
{
    assert_true(group < b->g.ngroups);
    if (!name)
        assert_null(b->g.groups[group].name);
    else
        assert_string_equal(b->g.groups[group].name, name);
}

static void test_folder_per_computer(void **state)
{
    (void)state;
    bundle b = {0};
    size_t app1 = add(&b, "b/SRV01/Application.evtx", NULL, "SRV01.contoso.local", "Application");
    size_t vss1 = add(&b, "b/SRV01/vssadmin.txt", NULL, NULL, NULL);
    size_t app2 = add(&b, "b/SRV02/Application.evtx", NULL, "SRV02", "Application");
    size_t info2 = add(&b, "b/SRV02/systeminfo.txt", "SRV02", NULL, NULL);
    size_t vss2 = add(&b, "b/SRV02/vssadmin.txt", NULL, NULL, NULL);
    group(&b);
    assert_int_equal(b.g.ngroups, 2);
    size_t srv01 = computer_of(&b, app1, KB_HG_FOLDER_NAME);
    assert_int_equal(computer_of(&b, vss1, KB_HG_FOLDER_NAME), srv01);
    size_t srv02 = computer_of(&b, info2, KB_HG_HOST_NAME);
    assert_int_equal(computer_of(&b, app2, KB_HG_FOLDER_NAME), srv02);
    assert_int_equal(computer_of(&b, vss2, KB_HG_FOLDER_NAME), srv02);
    assert_int_equal(srv01, 0); /* in the order of their first input */
    name_is(&b, srv01, "SRV01.contoso.local");
    name_is(&b, srv02, "SRV02");
    assert_int_equal(b.g.nunassigned, 0);
    done(&b);
}

static void test_collector_prefixes_side_by_side(void **state)
{
    (void)state;
    bundle b = {0};
    size_t app1 = add(&b, "b/SRV01-Application.evtx", NULL, "SRV01.contoso.local", "Application");
    size_t tl1 = add(&b, "b/SRV01_tasklist_svc.txt", NULL, NULL, NULL);
    size_t app2 = add(&b, "b/SRV02-Application.evtx", NULL, "SRV02", "Application");
    size_t tl2 = add(&b, "b/SRV02_tasklist_svc.txt", NULL, NULL, NULL);
    size_t loose = add(&b, "b/vssadmin.txt", NULL, NULL, NULL);
    group(&b);
    assert_int_equal(b.g.ngroups, 2);
    size_t srv01 = computer_of(&b, app1, KB_HG_FILE_NAME);
    assert_int_equal(computer_of(&b, tl1, KB_HG_FILE_NAME), srv01);
    size_t srv02 = computer_of(&b, app2, KB_HG_FILE_NAME);
    assert_int_equal(computer_of(&b, tl2, KB_HG_FILE_NAME), srv02);
    assert_int_not_equal(srv01, srv02);
    /* Nothing tells whose the loose output is: never given to either. */
    assert_int_equal(b.g.nunassigned, 1);
    assert_int_equal(b.g.unassigned[0].input, loose);
    assert_string_equal(b.g.unassigned[0].folder, "b");
    assert_int_equal(b.g.unassigned[0].groups[0], srv01);
    assert_int_equal(b.g.unassigned[0].groups[1], srv02);
    for (size_t m = 0; m < b.g.nmembers; m++)
        assert_int_not_equal(b.g.members[m].input, loose);
    done(&b);
}

static void test_collectors_layouts(void **state)
{
    (void)state;
    bundle b = {0};
    size_t tss = add(&b, "z.zip!TSS_SRV01_231005-143012_Log/BasicLog/Storage_VSSAdmin.txt", NULL, NULL, NULL);
    size_t evt = add(&b, "p/FS-02_evt_System.evtx", NULL, NULL, "System");
    size_t vss = add(&b, "p/FS-02_VSSAdmin.TXT", NULL, NULL, NULL);
    size_t node = add(&b, "s/Node_HV03/System.EVTX", NULL, NULL, "System");
    group(&b);
    assert_int_equal(b.g.ngroups, 3);
    name_is(&b, computer_of(&b, tss, KB_HG_COLLECTOR), "SRV01");
    size_t fs02 = computer_of(&b, evt, KB_HG_COLLECTOR);
    name_is(&b, fs02, "FS-02");
    assert_int_equal(computer_of(&b, vss, KB_HG_FILE_NAME), fs02);
    name_is(&b, computer_of(&b, node, KB_HG_COLLECTOR), "HV03");
    done(&b);
}

/* A renamed computer's logs keep the names it had: one computer, also
 * named so; its command outputs join it by folder. */
static void test_renamed_computer(void **state)
{
    (void)state;
    bundle b = {0};
    size_t app = add(&b, "Logs/Application.evtx", NULL, "WIN-8TCU0Q1I3O7", "Application");
    size_t sys = add(&b, "Logs/System.evtx", NULL, "DESKTOP-P2NAHG6", "System");
    size_t sec = add(&b, "Logs/Security.evtx", NULL, "DESKTOP-P2NAHG6", "Security");
    size_t empty = add(&b, "Logs/Setup.evtx", NULL, NULL, NULL);
    group(&b);
    assert_int_equal(b.g.ngroups, 1);
    assert_int_equal(computer_of(&b, app, KB_HG_LOG), 0);
    assert_int_equal(computer_of(&b, sys, KB_HG_LOG), 0);
    assert_int_equal(computer_of(&b, sec, KB_HG_LOG), 0);
    assert_int_equal(computer_of(&b, empty, KB_HG_FOLDER), 0);
    name_is(&b, 0, "DESKTOP-P2NAHG6");
    assert_int_equal(b.g.groups[0].also_named.n, 1);
    assert_string_equal(b.g.groups[0].also_named.items[0], "WIN-8TCU0Q1I3O7");
    done(&b);
    /* With systeminfo: the logs of the old name join the computer it names. */
    bundle c = {0};
    size_t old = add(&c, "s/Application.evtx", NULL, "WIN-OLD", "Application");
    size_t info = add(&c, "s/systeminfo.txt", "SRV01", NULL, NULL);
    size_t fqdn = add(&c, "s/System.evtx", NULL, "srv01.contoso.local", "System");
    group(&c);
    assert_int_equal(c.g.ngroups, 1);
    assert_int_equal(computer_of(&c, info, KB_HG_HOST_NAME), 0);
    assert_int_equal(computer_of(&c, fqdn, KB_HG_LOG), 0);
    assert_int_equal(computer_of(&c, old, KB_HG_FOLDER), 0);
    name_is(&c, 0, "WIN-OLD"); /* the first of equals, in input order, as before */
    done(&c);
}

/* Two logs of one channel under two names in one folder: two computers. */
static void test_same_channel_two_names(void **state)
{
    (void)state;
    bundle b = {0};
    size_t a = add(&b, "x/Security.evtx", NULL, "WIN-S8AG37SE2O9", "Security");
    size_t s = add(&b, "x/System.evtx", NULL, "WIN-S8AG37SE2O9", "System");
    size_t p = add(&b, "x/Security_other.evtx", NULL, "PC033.mydomain.local", "Security");
    group(&b);
    assert_int_equal(b.g.ngroups, 2);
    assert_int_equal(computer_of(&b, a, KB_HG_LOG), computer_of(&b, s, KB_HG_LOG));
    assert_int_not_equal(computer_of(&b, a, KB_HG_LOG), computer_of(&b, p, KB_HG_LOG));
    done(&b);
}

static void test_domains(void **state)
{
    (void)state;
    bundle b = {0};
    size_t a = add(&b, "a/x.evtx", NULL, "SRV01.contoso.local", "Application");
    size_t f = add(&b, "b/x.evtx", NULL, "SRV01.fabrikam.com", "Application");
    group(&b);
    assert_int_equal(b.g.ngroups, 2); /* one short name, two domains */
    assert_int_not_equal(computer_of(&b, a, KB_HG_LOG), computer_of(&b, f, KB_HG_LOG));
    done(&b);
}

/* A log of forwarded events feeds each computer its events name. */
static void test_forwarded_events(void **state)
{
    (void)state;
    bundle b = {0};
    size_t app = add(&b, "COLL01/Application.evtx", NULL, "COLL01", "Application");
    size_t fwd = add(&b, "COLL01/ForwardedEvents.evtx", NULL, "SRV01.contoso.local", "ForwardedEvents");
    b.in[fwd].forwarded = 1;
    kb_strlist_add(&b.events[fwd], "SRV01.contoso.local");
    kb_strlist_add(&b.events[fwd], "SRV02");
    kb_strlist_add(&b.events[fwd], "srv01");
    group(&b);
    assert_int_equal(b.g.ngroups, 3);
    size_t coll = computer_of(&b, app, KB_HG_FOLDER_NAME);
    name_is(&b, coll, "COLL01");
    size_t n = 0;
    for (size_t m = 0; m < b.g.nmembers; m++) {
        const kb_hg_member *mem = &b.g.members[m];
        if (mem->input != fwd)
            continue;
        assert_int_equal(mem->by, KB_HG_EVENTS);
        assert_int_not_equal(mem->group, coll);
        if (n++ == 0) {
            name_is(&b, mem->group, "SRV01.contoso.local");
            assert_int_equal(mem->names.n, 2); /* both names its events give it */
        } else {
            name_is(&b, mem->group, "SRV02");
        }
    }
    assert_int_equal(n, 2);
    done(&b);
}

/* A folder of its own among computers' folders is a computer of its own;
 * a file not recognised makes none. */
static void test_folder_among_computers_folders(void **state)
{
    (void)state;
    bundle b = {0};
    size_t app = add(&b, "b/SRV01/Application.evtx", NULL, "SRV01", "Application");
    size_t vss = add(&b, "b/SRV02/vssadmin.txt", NULL, NULL, NULL);
    size_t tl = add(&b, "b/SRV02/tasklist.txt", NULL, NULL, NULL);
    size_t note = add(&b, "b/notes/readme.txt", NULL, NULL, NULL);
    b.in[note].weightless = 1;
    group(&b);
    assert_int_equal(b.g.ngroups, 2);
    computer_of(&b, app, KB_HG_FOLDER_NAME);
    size_t srv02 = computer_of(&b, vss, KB_HG_LAYOUT);
    name_is(&b, srv02, "SRV02");
    assert_int_equal(computer_of(&b, tl, KB_HG_FOLDER), srv02);
    assert_int_equal(b.g.nunassigned, 1);
    assert_int_equal(b.g.unassigned[0].input, note);
    done(&b);
}

/* Nothing names a computer: the bundle is one, unnamed, with every input
 * (as a bundle of one computer always was); one name: everything is its. */
static void test_one_computer(void **state)
{
    (void)state;
    bundle b = {0};
    add(&b, "b/vssadmin.txt", NULL, NULL, NULL);
    add(&b, "b/commands/tasklist.txt", NULL, NULL, NULL);
    group(&b);
    assert_int_equal(b.g.ngroups, 1);
    name_is(&b, 0, NULL);
    assert_int_equal(computer_of(&b, 0, KB_HG_BUNDLE), 0);
    assert_int_equal(computer_of(&b, 1, KB_HG_FOLDER), 0);
    done(&b);
    bundle c = {0};
    add(&c, "seed-en/README-customer.txt", NULL, NULL, NULL);
    add(&c, "seed-en/commands/vssadmin.txt", NULL, NULL, NULL);
    add(&c, "seed-en/eventlogs/Application.evtx", NULL, "BACKUP02", "Application");
    c.in[0].weightless = 1;
    group(&c);
    assert_int_equal(c.g.ngroups, 1);
    assert_int_equal(c.g.nmembers, 3);
    name_is(&c, 0, "BACKUP02");
    done(&c);
}

/* ---- each computer on its own -------------------------------------------------------- */

typedef struct world {
    kb_inputs inputs;
    kb_factlist facts;
    kb_computers computers;
} world;

static size_t input(world *w, const char *path, const char *kind, const char *computer, const char *channel)
{
    long i = kb_inputs_add(&w->inputs, path);
    assert_true(i >= 0);
    kb_input *in = &w->inputs.items[i];
    if (kind)
        kb_input_set_source(in, kind, channel ? KB_COVERS_EVENTS : KB_COVERS_MOMENT, NULL);
    in->computer = kb_strdup(computer);
    in->channel = kb_strdup(channel);
    return (size_t)i;
}

static kb_fact *event(world *w, size_t in, const char *computer, uint64_t record)
{
    kb_fact *f = kb_fact_new("event", in);
    kb_fact_set(f, "provider", "P");
    kb_fact_set(f, "computer", computer);
    f->record = record;
    assert_int_equal(kb_factlist_add(&w->facts, f), 0);
    return f;
}

static int has_fact(const kb_computer *c, const kb_fact *f)
{
    for (size_t i = 0; i < c->facts.n; i++)
        if (c->facts.items[i] == f)
            return 1;
    return 0;
}

static void test_each_computer_its_facts(void **state)
{
    (void)state;
    world w = {0};
    size_t app1 = input(&w, "b/SRV01/Application.evtx", "evtx", "SRV01", "Application");
    size_t app2 = input(&w, "b/SRV02/Application.evtx", "evtx", "SRV02", "Application");
    size_t fwd = input(&w, "b/SRV02/ForwardedEvents.evtx", "evtx", "SRV03", "ForwardedEvents");
    size_t loose = input(&w, "b/notes.txt", "tasklist_svc", NULL, NULL);
    kb_fact *e1 = event(&w, app1, "SRV01", 1);
    kb_fact *e2 = event(&w, app2, "SRV02", 1);
    kb_fact *f3 = event(&w, fwd, "SRV03", 1);
    kb_fact *f4 = event(&w, fwd, "srv04.contoso.local", 2);
    kb_fact *whole = kb_fact_new("log.extent", fwd); /* names no computer: each of them */
    kb_factlist_add(&w.facts, whole);
    assert_int_equal(kb_combine(&w.inputs, &w.facts), KB_OK);
    kb_computers_build(&w.inputs, &w.facts, &w.computers);
    assert_int_equal(w.computers.n, 4);
    const kb_computer *c1 = &w.computers.items[0], *c2 = &w.computers.items[1];
    const kb_computer *c3 = &w.computers.items[2], *c4 = &w.computers.items[3];
    assert_string_equal(c1->name, "SRV01");
    assert_string_equal(c2->name, "SRV02");
    assert_string_equal(c3->name, "SRV03");
    assert_string_equal(c4->name, "srv04.contoso.local");
    assert_true(has_fact(c1, e1) && !has_fact(c2, e1));
    assert_true(has_fact(c2, e2) && !has_fact(c1, e2));
    /* The forwarded log counts for SRV03 and SRV04, each with its events. */
    assert_true(c3->scope[fwd] && c4->scope[fwd] && !c2->scope[fwd]);
    assert_true(has_fact(c3, f3) && !has_fact(c4, f3));
    assert_true(has_fact(c4, f4) && !has_fact(c3, f4));
    assert_true(has_fact(c3, whole) && has_fact(c4, whole));
    /* The loose output is no one's. */
    assert_int_equal(w.computers.nunassigned, 1);
    assert_int_equal(w.computers.unassigned[0].input, loose);
    for (size_t k = 0; k < w.computers.n; k++)
        assert_false(w.computers.items[k].scope[loose]);
    kb_computers_free(&w.computers);
    kb_factlist_free(&w.facts);
    kb_inputs_free(&w.inputs);
}

/* A file this machine could not read, whose computer cannot be told, may
 * be any one's: every computer counts it. */
static void test_unreadable_unassigned_counts_for_each(void **state)
{
    (void)state;
    world w = {0};
    input(&w, "b/SRV01/Application.evtx", "evtx", "SRV01", "Application");
    input(&w, "b/SRV02/Application.evtx", "evtx", "SRV02", "Application");
    size_t locked = input(&w, "b/tasklist.txt", NULL, NULL, NULL);
    kb_input_fail_local(&w.inputs.items[locked], "cannot open", 13 /* EACCES */);
    assert_int_equal(kb_combine(&w.inputs, &w.facts), KB_OK);
    kb_computers_build(&w.inputs, &w.facts, &w.computers);
    assert_int_equal(w.computers.n, 2);
    assert_int_equal(w.computers.nunassigned, 1);
    assert_true(w.computers.items[0].scope[locked] && w.computers.items[1].scope[locked]);
    assert_int_equal(w.computers.items[0].ninputs, 1); /* but it is listed as its own by none */
    kb_computers_free(&w.computers);
    kb_factlist_free(&w.facts);
    kb_inputs_free(&w.inputs);
}

/* Without the host pass (the engine alone): one computer, everything. */
static void test_no_host_facts(void **state)
{
    (void)state;
    world w = {0};
    input(&w, "a.txt", "vssadmin_writers", NULL, NULL);
    event(&w, 0, "X", 1);
    kb_computers_build(&w.inputs, &w.facts, &w.computers);
    assert_int_equal(w.computers.n, 1);
    assert_true(w.computers.items[0].scope[0]);
    assert_int_equal(w.computers.items[0].facts.n, 1);
    assert_null(w.computers.items[0].name);
    kb_computers_free(&w.computers);
    kb_factlist_free(&w.facts);
    kb_inputs_free(&w.inputs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_compared),
        cmocka_unit_test(test_names_in_file_names),
        cmocka_unit_test(test_folder_per_computer),
        cmocka_unit_test(test_collector_prefixes_side_by_side),
        cmocka_unit_test(test_collectors_layouts),
        cmocka_unit_test(test_renamed_computer),
        cmocka_unit_test(test_same_channel_two_names),
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_forwarded_events),
        cmocka_unit_test(test_folder_among_computers_folders),
        cmocka_unit_test(test_one_computer),
        cmocka_unit_test(test_each_computer_its_facts),
        cmocka_unit_test(test_unreadable_unassigned_counts_for_each),
        cmocka_unit_test(test_no_host_facts),
    };
    return cmocka_run_group_tests_name("hosts", tests, NULL, NULL);
}
