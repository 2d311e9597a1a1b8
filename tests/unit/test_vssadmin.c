/* test_vssadmin.c: the `vssadmin list writers` parser (parsers/text/vssadmin.c),
 * run as the scan driver runs it (decode, sniff, parse): writer blocks, zero
 * writers vs an error, several runs in one file, Japanese output in CP932,
 * Russian output with its upper-case banner in CP866 and UTF-16LE, blocks
 * without a banner, the copyright years, files holding other vssadmin
 * sub-commands (psSDP), and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "vssadmin_writers"
#define INPUT_NAME "vssadmin_list_writers.txt"

#include "text_harness.h"
#include "sample_text.h"

static const char english_two[] =
    "\r\n"
    "C:\\Windows\\system32>vssadmin list writers\r\n"
    "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
    "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
    "\r\n"
    "Waiting for responses.\r\n"
    "These may be delayed if a shadow copy is being prepared.\r\n"
    "\r\n"
    "Writer name: 'Task Scheduler Writer'\r\n"
    "   Writer Id: {d61d61c8-d73a-4eee-8cdd-f6f9786b7124}\r\n"
    "   Writer Instance Id: {1BDDD48E-5052-49DB-9B07-B96F96727E6B}\r\n"
    "   State: [1] Stable\r\n"
    "   Last error: No error\r\n"
    "\r\n"
    "Writer name: 'System Writer'\r\n"
    "   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
    "   Writer Instance Id: {7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}\r\n"
    "   State: [8] Failed\r\n"
    "   Last error: Timed out\r\n"
    "\r\n"
    "\r\n"
    "C:\\Windows\\system32>\r\n";

static void test_english_two_writers(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, english_two);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(r.score, 90);
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "vssadmin.listing"), 1);
    assert_int_equal(count(&r, "vssadmin.writer"), 2);

    const kb_fact *l = nth(&r, "vssadmin.listing", 0);
    field_is(l, "status", "ok");
    field_is(l, "writers", "2");
    field_is(l, "run", "1");
    field_is(l, "latest", "yes");
    field_is(l, "banner",
             "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool");
    assert_null(kb_fact_get(l, "error"));
    assert_int_equal(l->line, 3);

    const kb_fact *w = nth(&r, "vssadmin.writer", 0);
    field_is(w, "name", "Task Scheduler Writer");
    field_is(w, "writer_id", "{d61d61c8-d73a-4eee-8cdd-f6f9786b7124}");
    field_is(w, "instance_id", "{1bddd48e-5052-49db-9b07-b96f96727e6b}"); /* lower case */
    field_is(w, "state", "1");
    field_is(w, "state_name", "Stable");
    field_is(w, "state_text", "Stable");
    field_is(w, "last_error", "No error");
    field_is(w, "last_error_text", "No error");
    field_is(w, "run", "1");
    field_is(w, "latest", "yes");
    assert_int_equal(w->line, 9);
    assert_int_equal(w->line_end, 13);
    assert_string_equal(w->text, "Writer name: 'Task Scheduler Writer'\n"
                                 "   Writer Id: {d61d61c8-d73a-4eee-8cdd-f6f9786b7124}\n"
                                 "   Writer Instance Id: {1BDDD48E-5052-49DB-9B07-B96F96727E6B}\n"
                                 "   State: [1] Stable\n"
                                 "   Last error: No error");

    w = nth(&r, "vssadmin.writer", 1);
    field_is(w, "name", "System Writer");
    field_is(w, "state", "8");
    field_is(w, "state_name", "Failed");
    field_is(w, "state_text", "Failed");
    field_is(w, "last_error", "Timed out");
    assert_int_equal(w->line, 15);

    const kb_input *in = &r.inputs.items[0];
    assert_string_equal(in->locale, "en");
    assert_int_equal(in->nnotes, 0); /* prompts, banner, "Waiting for responses" are not noted */
    assert_int_equal(in->facts, 3);
    done(&r);
}

static void test_banner_only_is_zero_writers(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "\r\n"
            "C:\\Windows\\system32>vssadmin list writers\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "\r\n"
            "C:\\Windows\\system32>\r\n");
    assert_int_equal(r.status, KB_OK);
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "vssadmin.writer"), 0);
    assert_int_equal(count(&r, "vssadmin.listing"), 1);
    const kb_fact *l = nth(&r, "vssadmin.listing", 0);
    field_is(l, "status", "ok");
    field_is(l, "writers", "0");
    field_is(l, "latest", "yes");
    assert_null(kb_fact_get(l, "error"));
    assert_int_equal(l->line, 3);
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    done(&r);
}

static void test_error_is_not_zero_writers(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "Error: A Volume Shadow Copy Service component encountered an unexpected\r\n"
            "error. Check the Application event log for more information.\r\n"
            "\r\n");
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(count(&r, "vssadmin.listing"), 1);
    const kb_fact *l = nth(&r, "vssadmin.listing", 0);
    field_is(l, "status", "error");
    field_is(l, "writers", "0");
    field_is(l, "error",
             "Error: A Volume Shadow Copy Service component encountered an unexpected "
             "error. Check the Application event log for more information.");
    assert_int_equal(l->line, 1);
    assert_int_equal(l->line_end, 5); /* the evidence covers the error, not the blank tail */
    assert_non_null(strstr(l->text, "Check the Application event log"));
    done(&r);
}

/* A wrapped error ends at a prompt as well as at a blank line; wrapped
 * Japanese joins without a space. */
static void test_wrapped_error_ends_at_prompt(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\>vssadmin list writers\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "Error: The RPC server is\r\n"
            "  unavailable.\r\n"
            "C:\\>vssadmin list writers\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "エラー: 予期しない\r\n"
            "エラーです。\r\n");
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(count(&r, "vssadmin.listing"), 2);
    field_is(nth(&r, "vssadmin.listing", 0), "error", "Error: The RPC server is unavailable.");
    field_is(nth(&r, "vssadmin.listing", 1), "error", "エラー: 予期しないエラーです。");
    done(&r);
}

static void test_two_runs_latest_is_last(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\>vssadmin list writers\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "Writer name: 'System Writer'\r\n"
            "   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
            "   Writer Instance Id: {7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}\r\n"
            "   State: [1] Stable\r\n"
            "   Last error: No error\r\n"
            "\r\n"
            "C:\\>vssadmin list writers\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n");
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(count(&r, "vssadmin.listing"), 2);
    const kb_fact *first = nth(&r, "vssadmin.listing", 0);
    const kb_fact *second = nth(&r, "vssadmin.listing", 1);
    field_is(first, "run", "1");
    field_is(first, "latest", "no");
    field_is(first, "writers", "1");
    field_is(first, "status", "ok");
    assert_int_equal(first->line, 2);
    field_is(second, "run", "2");
    field_is(second, "latest", "yes");
    field_is(second, "writers", "0");
    field_is(second, "status", "ok");
    assert_int_equal(second->line, 12);
    assert_int_equal(count(&r, "vssadmin.writer"), 1);
    const kb_fact *w = nth(&r, "vssadmin.writer", 0);
    field_is(w, "run", "1");
    field_is(w, "latest", "no");
    done(&r);
}

static void test_three_runs(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "Error: The RPC server is unavailable.\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "Writer name: 'ASR Writer'\r\n"
            "   Writer Id: {be000cbe-11fe-4426-9c58-531aa6355fc4}\r\n"
            "   Writer Instance Id: {0d6c5bfe-3a5c-4a77-9d1c-cb9a0863baa6}\r\n"
            "   State: [5] Waiting for completion\r\n"
            "   Last error: Retryable error\r\n");
    assert_int_equal(count(&r, "vssadmin.listing"), 3);
    field_is(nth(&r, "vssadmin.listing", 0), "status", "error");
    field_is(nth(&r, "vssadmin.listing", 0), "error", "Error: The RPC server is unavailable.");
    field_is(nth(&r, "vssadmin.listing", 0), "latest", "no");
    field_is(nth(&r, "vssadmin.listing", 1), "status", "ok");
    field_is(nth(&r, "vssadmin.listing", 1), "writers", "0");
    field_is(nth(&r, "vssadmin.listing", 1), "latest", "no");
    field_is(nth(&r, "vssadmin.listing", 2), "writers", "1");
    field_is(nth(&r, "vssadmin.listing", 2), "run", "3");
    field_is(nth(&r, "vssadmin.listing", 2), "latest", "yes");
    const kb_fact *w = nth(&r, "vssadmin.writer", 0);
    field_is(w, "state", "5");
    field_is(w, "state_name", "Waiting for backup complete");
    field_is(w, "state_text", "Waiting for completion");
    field_is(w, "last_error", "Retryable error");
    field_is(w, "latest", "yes");
    done(&r);
}

/* Japanese Windows, saved from cmd.exe: CP932. */
static const char japanese_cp932[] =
    "vssadmin 1.1 - \x83\x7B\x83\x8A\x83\x85\x81\x5B\x83\x80 \x83\x56\x83\x83\x83\x68\x83\x45 "
    "\x83\x52\x83\x73\x81\x5B \x83\x54\x81\x5B\x83\x72\x83\x58\x8A\xC7\x97\x9D\x83\x52\x83\x7D"
    "\x83\x93\x83\x68 \x83\x89\x83\x43\x83\x93 \x83\x63\x81\x5B\x83\x8B\r\n"
    "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
    "\r\n"
    /* ライター名: 'System Writer' */
    "\x83\x89\x83\x43\x83\x5E\x81\x5B\x96\xBC: 'System Writer'\r\n"
    /* ライター ID: */
    "   \x83\x89\x83\x43\x83\x5E\x81\x5B ID: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
    /* ライター インスタンス ID: */
    "   \x83\x89\x83\x43\x83\x5E\x81\x5B \x83\x43\x83\x93\x83\x58\x83\x5E\x83\x93\x83\x58 ID: "
    "{7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}\r\n"
    /* 状態: [1] 安定 */
    "   \x8F\xF3\x91\xD4: [1] \x88\xC0\x92\xE8\r\n"
    /* 最後のエラー: エラーなし */
    "   \x8D\xC5\x8C\xE3\x82\xCC\x83\x47\x83\x89\x81\x5B: \x83\x47\x83\x89\x81\x5B\x82\xC8\x82\xB5\r\n"
    "\r\n";

static void test_japanese_cp932(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, japanese_cp932);
    assert_int_equal(r.status, KB_OK);
    assert_string_equal(r.best, KIND);
    const kb_fact *l = nth(&r, "vssadmin.listing", 0);
    field_is(l, "status", "ok");
    field_is(l, "writers", "1");
    const kb_fact *w = nth(&r, "vssadmin.writer", 0);
    field_is(w, "name", "System Writer");
    field_is(w, "writer_id", "{e8132975-6f93-4464-a53e-1050253ae220}");
    field_is(w, "instance_id", "{7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}");
    field_is(w, "state", "1");
    field_is(w, "state_name", "Stable");
    field_is(w, "state_text", "安定");
    field_is(w, "last_error", "No error");
    field_is(w, "last_error_text", "エラーなし");
    assert_string_equal(r.inputs.items[0].locale, "ja");
    assert_string_equal(r.inputs.items[0].encoding, "CP932");
    done(&r);
}

/* Re-saved as UTF-8, with fullwidth colons and typographic quotes. */
static void test_fullwidth_colon_and_quotes(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "ライター名：“Registry Writer”\n"
            "   ライター ID：{afbab4a2-367d-4d15-a586-71dbb18f8485}\n"
            "   ライター インスタンス ID：{5b1c9b48-3a4c-4a0b-9e45-3c2a8f1e9d21}\n"
            "   状態：[9] 失敗\n"
            "   最後のエラー：タイムアウト\n");
    assert_int_equal(r.score, 60); /* writer blocks, no banner */
    assert_string_equal(r.best, KIND);
    const kb_fact *l = nth(&r, "vssadmin.listing", 0);
    field_is(l, "writers", "1");
    field_is(l, "banner", "");
    const kb_fact *w = nth(&r, "vssadmin.writer", 0);
    field_is(w, "name", "Registry Writer");
    field_is(w, "state", "9");
    field_is(w, "state_name", "Failed");
    field_is(w, "state_text", "失敗");
    field_is(w, "last_error", "Timed out");
    field_is(w, "last_error_text", "タイムアウト");
    assert_string_equal(r.inputs.items[0].locale, "ja");
    done(&r);
}

static void test_unknown_last_error_kept(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "Writer name: 'WMI Writer'\r\n"
            "   Writer Id: {a6ad56c2-b509-4e6c-bb19-49d8f43532f0}\r\n"
            "   Writer Instance Id: {1f668bd0-0a5f-4a6d-a1a3-cb5d5b7a4c1e}\r\n"
            "   State: [7] Failed\r\n"
            "   Last error: Something new\r\n");
    const kb_fact *w = nth(&r, "vssadmin.writer", 0);
    field_is(w, "last_error", "Something new");
    field_is(w, "state_name", "Failed");
    done(&r);
}

static const char stray_line[] =
    "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
    "Writer name: 'System Writer'\r\n"
    "   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
    "   Writer Instance Id: {7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}\r\n"
    "   State: [1] Stable\r\n"
    "   Last error: No error\r\n"
    "garbage pasted here\r\n";

static void test_stray_line_is_noted(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, stray_line);
    const kb_fact *l = nth(&r, "vssadmin.listing", 0);
    field_is(l, "status", "ok"); /* writers were listed: not an error */
    field_is(l, "writers", "1");
    const kb_input *in = &r.inputs.items[0];
    assert_true(in->nnotes >= 1);
    const kb_note *last = &in->notes[in->nnotes - 1];
    assert_string_equal(last->where, "line 7");
    assert_string_equal(last->message, "line not understood as part of a writer list");
    done(&r);
}

/* Regression: once a run had a stray line, parse_run() noted every line
 * that did not start a writer block, lines 3-6 inside the block too (5
 * notes instead of 1). */
static void test_only_stray_line_noted(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, stray_line);
    size_t nnotes = r.inputs.items[0].nnotes;
    done(&r);
    assert_int_equal(nnotes, 1);
}

static void test_sniff_rejects_other_text(void **state)
{
    (void)state;
    static const char *const others[] = {
        "This bundle was collected on 2018-10-01.\r\nSee the notes for the case number.\r\n",
        "Image Name                     PID Services\r\n"
        "========================= ======== ============================================\r\n"
        "svchost.exe                    816 EventSystem, FontCache, netprofm, nsi\r\n",
        "SERVICE_NAME: EventSystem\r\n        TYPE               : 20  WIN32_SHARE_PROCESS\r\n",
        /* A GUID and a state line are not a writer block on their own. */
        "Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\nState: [1] Stable\r\n",
    };
    assert_sniff_rejects(others, sizeof others / sizeof others[0]);
}

/* More runs than any fixed table would hold: every run is its own listing
 * and the last one, with zero writers, is the latest (it decides). */
static void test_many_runs_latest_decides(void **state)
{
    (void)state;
    static const char writer_run[] =
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
        "Writer name: 'System Writer'\r\n"
        "   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
        "   Writer Instance Id: {7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}\r\n"
        "   State: [1] Stable\r\n"
        "   Last error: No error\r\n";
    static const char empty_run[] =
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n\r\n";
    enum { RUNS = 300 };
    size_t len = (RUNS - 1) * (sizeof writer_run - 1) + sizeof empty_run - 1;
    char *bytes = malloc(len + 1);
    assert_non_null(bytes);
    char *p = bytes;
    for (int i = 0; i < RUNS - 1; i++, p += sizeof writer_run - 1)
        memcpy(p, writer_run, sizeof writer_run - 1);
    memcpy(p, empty_run, sizeof empty_run);
    parsed r;
    run(&r, bytes, len);
    free(bytes);
    assert_int_equal(r.status, KB_OK);
    assert_int_equal(count(&r, "vssadmin.listing"), RUNS);
    assert_int_equal(count(&r, "vssadmin.writer"), RUNS - 1);
    const kb_fact *last = nth(&r, "vssadmin.listing", RUNS - 1);
    field_is(last, "run", "300");
    field_is(last, "latest", "yes");
    field_is(last, "writers", "0");
    field_is(nth(&r, "vssadmin.listing", 255), "run", "256");
    field_is(nth(&r, "vssadmin.listing", 255), "latest", "no");
    field_is(nth(&r, "vssadmin.listing", 255), "writers", "1");
    done(&r);
}


/* psSDP's combined file: list volumes, writers, providers, shadows (No
 * items, under its header) and shadowstorage. Only the writers run is a
 * writer listing, and it is the latest; the others are noted. */
static void test_sdp_combined_reads_writers_only(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "vssadmin_sdp_combined.txt", SAVED_CRLF, NULL);
    assert_int_equal(r.status, KB_OK);
    assert_string_equal(r.best, KIND);
    assert_int_equal(count(&r, "vssadmin.listing"), 1);
    const kb_fact *l = nth(&r, "vssadmin.listing", 0);
    FIELDS(l, "status", "ok", "writers", "2", "run", "1", "latest", "yes", "copyright", "2001-2013",
           "error", NULL);
    assert_int_equal(l->line, 13);
    assert_int_equal(count(&r, "vssadmin.writer"), 2);
    FIELDS(nth(&r, "vssadmin.writer", 1), "name", "SqlServerWriter", "state", "8", "state_name", "Failed",
           "last_error", "Non-retryable error", "last_error_code", "0x800423F4", "latest", "yes");
    assert_non_null(note_at(&r, "lines 4-8"));
    assert_non_null(strstr(note_at(&r, "lines 4-8"), "`vssadmin list volumes` output, not read here"));
    assert_non_null(strstr(note_at(&r, "lines 31-37"), "list providers"));
    assert_non_null(strstr(note_at(&r, "lines 42-45"), "list shadows"));
    assert_non_null(strstr(note_at(&r, "lines 50-59"), "list shadowstorage"));
    assert_int_equal(r.inputs.items[0].nnotes, 4);
    done(&r);
}

/* A writers run after a shadowstorage run: the writers decide, whatever
 * the order; a shadowstorage run is never the latest writer listing. */
static void test_other_command_is_not_latest(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "C:\\>vssadmin list writers\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "Writer name: 'System Writer'\r\n"
            "   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
            "   Writer Instance Id: {7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}\r\n"
            "   State: [1] Stable\r\n"
            "   Last error: No error\r\n"
            "\r\n"
            "C:\\>vssadmin list shadowstorage\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n"
            "Error: Invalid command.\r\n");
    assert_int_equal(count(&r, "vssadmin.listing"), 1);
    FIELDS(nth(&r, "vssadmin.listing", 0), "status", "ok", "writers", "1", "latest", "yes");
    assert_non_null(strstr(note_at(&r, "lines 12-15"), "`vssadmin list shadowstorage` output"));
    done(&r);
}

/* Windows Server 2003: the one-line banner with the copyright, then the
 * KB940184 error. */
static void test_2003_banner_and_0x8000ffff(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "vssadmin_list_writers_error_0x8000ffff.txt", SAVED_CRLF, NULL);
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "vssadmin.listing", 0), "status", "error", "error", "Error: 0x8000FFFF", "writers", "0",
           "copyright", "2001", "latest", "yes");
    assert_int_equal(r.inputs.items[0].nnotes, 0);
    done(&r);
}

/* The not-elevated error wraps over two lines: one error. */
static void test_not_elevated_error(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "vssadmin_list_writers_not_elevated.txt", SAVED_UTF16LE_BOM, NULL);
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "vssadmin.listing", 0), "status", "error", "error",
           "Error: You don't have the correct permissions to run this command.  Please run this utility "
           "from a command window that has elevated administrator privileges.");
    assert_string_equal(r.inputs.items[0].encoding, "UTF-16LE with BOM");
    done(&r);
}

/* Every state and last-error word of the samples, with its number and
 * HRESULT; two writers with one Writer Id (Exchange) stay two. */
static void test_samples_states_and_last_errors(void **state)
{
    (void)state;
    parsed r;
    run_sample(&r, "vssadmin_list_writers.txt", SAVED_OEM, "CP437");
    assert_string_equal(r.best, KIND);
    FIELDS(nth(&r, "vssadmin.listing", 0), "status", "ok", "copyright", "2001-2013");
    assert_int_equal(r.inputs.items[0].nnotes, 0); /* the waiting lines are noise */
    FIELDS(nth(&r, "vssadmin.writer", 3), "name", "System Writer", "state", "5", "state_name",
           "Waiting for backup complete", "state_text", "Waiting for completion", "last_error_code", "0x00000000");
    FIELDS(nth(&r, "vssadmin.writer", 4), "name", "ASR Writer", "state", "7", "state_name", "Failed",
           "last_error", "Retryable error", "last_error_code", "0x800423F3");
    FIELDS(nth(&r, "vssadmin.writer", 5), "name", "Registry Writer", "state", "9", "last_error", "Timed out",
           "last_error_code", "0x800423F2");
    FIELDS(nth(&r, "vssadmin.writer", 6), "name", "COM+ REGDB Writer", "state", "1", "state_name", "Stable",
           "last_error", "Retryable error");
    FIELDS(nth(&r, "vssadmin.writer", 7), "name", "WMI Writer", "state", "8", "last_error", "Out of resources",
           "last_error_code", "0x800423F1");
    done(&r);
    run_sample(&r, "vssadmin_list_writers_exchange.txt", SAVED_CRLF, NULL);
    assert_int_equal(count(&r, "vssadmin.writer"), 4);
    FIELDS(nth(&r, "vssadmin.writer", 0), "name", "Microsoft Exchange Replica Writer", "writer_id",
           "{76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}", "state", "8", "last_error", "Retryable error");
    FIELDS(nth(&r, "vssadmin.writer", 1), "name", "Microsoft Exchange Writer", "writer_id",
           "{76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}", "state", "1");
    done(&r);
    run_sample(&r, "vssadmin_list_writers_hyperv.txt", SAVED_CRLF, NULL);
    FIELDS(nth(&r, "vssadmin.writer", 0), "name", "Microsoft Hyper-V VSS Writer", "state", "8", "last_error",
           "Inconsistent shadow copy", "last_error_code", "0x800423F0");
    done(&r);
}

/* A real Russian capture: "VSSADMIN" in capitals, the tool name and writer
 * labels of Windows in Russian, names in double quotes. */
static const char russian[] =
    "VSSADMIN 1.1 - Утилита теневого копирования тома\n"
    "(C) Корпорация Майкрософт, 2001-2005.\n"
    "\n"
    "Имя компонента записи: \"Task Scheduler Writer\"\n"
    "   Id компонента записи: {d61d61c8-d73a-4eee-8cdd-f6f9786b7124}\n"
    "   Id экземпляра компонента записи: {1bddd48e-5052-49db-9b07-b96f96727e6b}\n"
    "   Состояние: [1] Стабильный\n"
    "   Последняя ошибка: Нет ошибок\n"
    "\n";

static void test_russian_upper_case_banner(void **state)
{
    (void)state;
    static const struct {
        saved_as as;
        const char *encoding;
    } ways[] = {{SAVED_OEM, "CP866"}, {SAVED_UTF16LE_BOM, "UTF-16LE with BOM"}, {SAVED_UTF8, "UTF-8"}};
    for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
        size_t len;
        char *bytes = saved_text(russian, ways[k].as, "CP866", &len);
        parsed r;
        run(&r, bytes, len);
        free(bytes);
        assert_int_equal(r.score, 90);
        assert_string_equal(r.best, KIND);
        assert_string_equal(r.inputs.items[0].encoding, ways[k].encoding);
        assert_string_equal(r.inputs.items[0].locale, "ru");
        assert_int_equal(r.inputs.items[0].nnotes, 0); /* the banner is not "a line not understood" */
        const kb_fact *l = nth(&r, "vssadmin.listing", 0);
        FIELDS(l, "status", "ok", "writers", "1", "copyright", "2001-2005", "banner",
               "VSSADMIN 1.1 - Утилита теневого копирования тома");
        FIELDS(nth(&r, "vssadmin.writer", 0), "name", "Task Scheduler Writer", "state", "1", "state_name",
               "Stable", "state_text", "Стабильный", "last_error", "No error", "last_error_code", "0x00000000");
        done(&r);
    }
    /* The banner alone is zero writers, and still Russian in CP866. */
    size_t len;
    char *bytes = saved_text("VSSADMIN 1.1 - Утилита теневого копирования тома\n"
                             "(C) Корпорация Майкрософт, 2001-2005.\n\n",
                             SAVED_OEM, "CP866", &len);
    parsed r;
    run(&r, bytes, len);
    free(bytes);
    assert_string_equal(r.best, KIND);
    assert_string_equal(r.inputs.items[0].encoding, "CP866");
    assert_string_equal(r.inputs.items[0].locale, "ru");
    FIELDS(nth(&r, "vssadmin.listing", 0), "status", "ok", "writers", "0");
    done(&r);
}

/* Lines before the first banner that are no prompt or header are noted,
 * never dropped in silence. */
static void test_text_before_banner_noted(void **state)
{
    (void)state;
    parsed r;
    RUN(&r, "Collected by the customer on Monday\r\n"
            "C:\\>vssadmin list writers\r\n"
            "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n"
            "(C) Copyright 2001-2013 Microsoft Corp.\r\n"
            "\r\n");
    FIELDS(nth(&r, "vssadmin.listing", 0), "status", "ok", "writers", "0");
    assert_string_equal(note_at(&r, "line 1"), "line outside any vssadmin output, not read");
    assert_int_equal(r.inputs.items[0].nnotes, 1);
    done(&r);
}

/* The other list sub-commands are other kinds: their samples are not
 * writer listings. */
static void test_sniff_rejects_other_subcommands(void **state)
{
    (void)state;
    static const char *const names[] = {
        "vssadmin_list_shadows.txt", "vssadmin_list_shadowstorage.txt", "vssadmin_list_shadowstorage_none.txt",
        "vssadmin_list_volumes.txt", "vssadmin_list_providers.txt",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        parsed r;
        run_sample(&r, names[i], SAVED_CRLF, NULL);
        if (r.score != 0)
            fail_msg("%s: sniff %d", names[i], r.score);
        done(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english_two_writers),
        cmocka_unit_test(test_banner_only_is_zero_writers),
        cmocka_unit_test(test_error_is_not_zero_writers),
        cmocka_unit_test(test_wrapped_error_ends_at_prompt),
        cmocka_unit_test(test_two_runs_latest_is_last),
        cmocka_unit_test(test_three_runs),
        cmocka_unit_test(test_japanese_cp932),
        cmocka_unit_test(test_fullwidth_colon_and_quotes),
        cmocka_unit_test(test_unknown_last_error_kept),
        cmocka_unit_test(test_stray_line_is_noted),
        cmocka_unit_test(test_sniff_rejects_other_text),
        cmocka_unit_test(test_only_stray_line_noted),
        cmocka_unit_test(test_many_runs_latest_decides),
        cmocka_unit_test(test_sdp_combined_reads_writers_only),
        cmocka_unit_test(test_other_command_is_not_latest),
        cmocka_unit_test(test_2003_banner_and_0x8000ffff),
        cmocka_unit_test(test_not_elevated_error),
        cmocka_unit_test(test_samples_states_and_last_errors),
        cmocka_unit_test(test_russian_upper_case_banner),
        cmocka_unit_test(test_text_before_banner_noted),
        cmocka_unit_test(test_sniff_rejects_other_subcommands),
    };
    return cmocka_run_group_tests_name("vssadmin", tests, NULL, NULL);
}
