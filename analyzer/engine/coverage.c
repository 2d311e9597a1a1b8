/* coverage.c: what the bundle covers and lacks for the loaded rules (see
 * coverage.h). Every finding is worded here in English and Japanese. */
#include "engine/coverage.h"
#include "core/derived.h"
#include "core/taken.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_US (86400.0 * 1e6)
/* A file-name time is the server's local time; zones run from UTC-12 to
 * UTC+14, so against UTC it may be this far off either way. */
#define ZONE_US (14LL * 3600 * 1000000)
#define L(en, ja) (lang == KB_LANG_JA ? (ja) : (en))

static const char *const kind_names[KB_COV_KIND_COUNT] = {
    [KB_COV_LOG_WRAPPED] = "log_wrapped",
    [KB_COV_LOG_STARTS_LATE] = "log_starts_late",
    [KB_COV_RECORD_GAP] = "record_gap",
    [KB_COV_LOG_CLEARED] = "log_cleared",
    [KB_COV_TIME_SKEW] = "time_skew",
    [KB_COV_MISSING_INPUT] = "missing_input",
};

const char *kb_cov_kind_name(kb_cov_kind kind)
{
    return kind < KB_COV_KIND_COUNT ? kind_names[kind] : "?";
}

void kb_cov_format_taken(const kb_coverage *cov, size_t input, char *out, size_t outlen)
{
    char full[40];
    int64_t t = cov->taken[input];
    if (t == KB_TIME_NONE) {
        snprintf(out, outlen, "-");
        return;
    }
    kb_time_format(t, full, sizeof full);  /* "2018-10-08T09:30:00Z" */
    /* A name with a date only says nothing of the hour: no invented T00:00. */
    snprintf(out, outlen, "%.*s", cov->taken_has_time[input] ? 16 : 10, full);
}

/* How findings name an input: from its own file name on (a section's
 * "#2" included), without the folders and archives it is in. */
static const char *base_name(const kb_input *in)
{
    size_t n = strlen(in->path);
    return in->path + (in->name_at <= n ? in->name_at : n);
}

int kb_cov_in_scope(const kb_coverage *cov, size_t i)
{
    return !cov->scope || cov->scope[i];
}

/* A log that was read, at least in part. */
static int is_log(const kb_input *in)
{
    return kb_input_is_log(in) && in->state != KB_INPUT_ERROR && in->state != KB_INPUT_SKIPPED;
}

static int is_output(const kb_input *in)
{
    return in->covers == KB_COVERS_MOMENT &&
           (in->state == KB_INPUT_OK || in->state == KB_INPUT_DAMAGED);
}

static double days(int64_t a, int64_t b)
{
    return (double)(a - b) / DAY_US;
}

/* Appends a finding (taking say); returns it, or NULL when out of memory. */
static kb_cov_finding *add(kb_coverage *cov, kb_cov_kind kind, long input, long other, char *say)
{
    if (!say)
        return NULL;
    if (cov->n == cov->cap) {
        size_t cap = cov->cap ? cov->cap * 2 : 8;
        kb_cov_finding *p = realloc(cov->findings, cap * sizeof *p);
        if (!p) {
            free(say);
            return NULL;
        }
        cov->findings = p;
        cov->cap = cap;
    }
    kb_cov_finding *f = &cov->findings[cov->n++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->input = input;
    f->other = other;
    f->time = KB_TIME_NONE;
    f->say = say;
    return f;
}

/* ---- when command outputs were taken --------------------------------------
 * vssadmin, tasklist and sc print no time: a collector's header above the
 * output or the names it was saved under say it (core/taken.h). */

static void find_taken_times(const kb_inputs *inputs, kb_coverage *cov)
{
    kb_taken_reader *reader = kb_taken_reader_new();
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        kb_taken t = {KB_TIME_NONE, 0, KB_PHASE_NONE, NULL};
        if (reader && is_output(in) && kb_cov_in_scope(cov, i))
            t = kb_taken_of(reader, in);
        cov->taken[i] = t.time;
        cov->taken_has_time[i] = t.time != KB_TIME_NONE && t.has_time;
        cov->taken_from[i] = t.time != KB_TIME_NONE ? t.from : NULL;
    }
    kb_taken_reader_free(reader);
}

/* ---- the feeds the rules use -------------------------------------------------- */

/* Feed f of a checkpoint, once; its advice is the checkpoint's collect,
 * which is about the checkpoint's first feed (the others get theirs from
 * a checkpoint that reads them first). */
static void add_feed(const kb_inputs *inputs, kb_coverage *cov, const kb_checkpoint *cp, size_t f)
{
    const char *name = cp->feeds[f];
    kb_cov_feed *feed = NULL;
    for (size_t k = 0; k < cov->nfeeds && !feed; k++)
        if (strcmp(cov->feeds[k].feed, name) == 0)
            feed = &cov->feeds[k];
    if (!feed) {
        feed = &cov->feeds[cov->nfeeds++];
        feed->feed = name;
        for (size_t i = 0; i < inputs->n && !feed->present; i++)
            feed->present = kb_cov_in_scope(cov, i) && kb_input_has_feed(&inputs->items[i], name);
        for (size_t i = 0; i < inputs->n && !feed->present && !feed->unreadable; i++)
            feed->unreadable = kb_cov_in_scope(cov, i) && inputs->items[i].local_error;
    }
    if (!feed->collect && f == 0 && cp->collect.command)
        feed->collect = cp;
}

static void find_feeds(const kb_inputs *inputs, const kb_ruleset *rules, kb_coverage *cov)
{
    size_t total = 0;
    for (size_t r = 0; r < rules->n; r++)
        for (size_t c = 0; c < rules->rules[r].ncheckpoints; c++)
            total += rules->rules[r].checkpoints[c].nfeeds;
    cov->feeds = calloc(total + 1, sizeof *cov->feeds);
    if (!cov->feeds)
        return;
    for (size_t r = 0; r < rules->n; r++)
        for (size_t c = 0; c < rules->rules[r].ncheckpoints; c++) {
            const kb_checkpoint *cp = &rules->rules[r].checkpoints[c];
            for (size_t f = 0; f < cp->nfeeds; f++)
                add_feed(inputs, cov, cp, f);
        }
}

/* ---- event logs ------------------------------------------------------------- */

static uint64_t u64_field(const kb_fact *f, const char *name)
{
    const char *v = kb_fact_get(f, name);
    return v && *v ? strtoull(v, NULL, 10) : 0;
}

static int64_t time_field(const kb_fact *f, const char *name)
{
    int64_t t;
    const char *v = kb_fact_get(f, name);
    return v && *v && kb_time_parse(v, &t) == 0 ? t : KB_TIME_NONE;
}

/* Each log's extent, from its log.coverage fact. */
static void read_logs(const kb_inputs *inputs, const kb_factlist *facts, kb_coverage *cov)
{
    for (size_t i = 0; i < inputs->n; i++)
        cov->logs[i].first_time = cov->logs[i].last_time = KB_TIME_NONE;
    for (size_t i = 0; i < facts->n; i++) {
        const kb_fact *f = facts->items[i];
        if (strcmp(f->type, KB_FACT_LOG_COVERAGE) != 0 || f->input >= inputs->n)
            continue;
        const char *channel = kb_fact_get(f, "channel");
        cov->logs[f->input] = (kb_cov_log){
            .fact = f,
            .channel = channel && *channel ? channel : NULL,
            .records = u64_field(f, "records"),
            .first_record = u64_field(f, "first_record"),
            .last_record = u64_field(f, "last_record"),
            .gaps = u64_field(f, "gaps"),
            .first_time = time_field(f, "first_time"),
            .last_time = time_field(f, "last_time"),
        };
    }
}

static void check_record_ids(const kb_inputs *inputs, kb_lang lang, kb_coverage *cov)
{
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        const kb_cov_log *log = &cov->logs[i];
        if (!is_log(in) || !log->records || !kb_cov_in_scope(cov, i))
            continue;
        const char *name = base_name(in);
        if (log->first_record > 1)
            add(cov, KB_COV_LOG_WRAPPED, (long)i, -1,
                kb_strprintf(L("%s starts at record %llu: the %llu older records are not in it "
                               "(the log wrapped and overwrote them, or it was exported with a filter).",
                               "%s はレコード %llu から始まっています。それより古い %llu 件のレコードが"
                               "含まれていません (ログが上書きされたか、フィルター付きでエクスポートされています)。"),
                             name, (unsigned long long)log->first_record,
                             (unsigned long long)(log->first_record - 1)));
        /* In a damaged log lost records are damage, named as such elsewhere. */
        if (in->state == KB_INPUT_OK && log->gaps)
            add(cov, KB_COV_RECORD_GAP, (long)i, -1,
                kb_strprintf(L("%s holds records %llu to %llu but only %llu of them: %llu are missing "
                               "(a filtered export, or records removed).",
                               "%s のレコード番号は %llu から %llu ですが、含まれるのは %llu 件です。"
                               "%llu 件が欠けています (フィルター付きのエクスポート、またはレコードの削除)。"),
                             name, (unsigned long long)log->first_record,
                             (unsigned long long)log->last_record,
                             (unsigned long long)log->records,
                             (unsigned long long)log->gaps));
    }
}

/* Where the loaded rules saw a problem outside one log: the oldest and the
 * newest event a met deciding checkpoint selected in other, intact inputs
 * (a damaged log's times may be garbage). */
typedef struct problem_window {
    int64_t first, last;
    long first_input, last_input;   /* where they were seen */
    const char *first_rule, *last_rule;
} problem_window;

/* The input of the selected event at time t, from the evidence kept, or the
 * checkpoint's first input. */
static long input_at(const kb_cp_result *cr, int64_t t)
{
    for (size_t e = 0; e < cr->nevidence; e++)
        if (cr->evidence[e].fact->time == t)
            return (long)cr->evidence[e].fact->input;
    return (long)cr->inputs[0];
}

static int fed_by(const kb_cp_result *cr, const kb_inputs *inputs, size_t log)
{
    for (size_t k = 0; k < cr->ninputs; k++)
        if (cr->inputs[k] == log || inputs->items[cr->inputs[k]].state != KB_INPUT_OK)
            return 1;
    return 0;
}

static problem_window problems_elsewhere(const kb_inputs *inputs, const kb_results *results, size_t log)
{
    problem_window p = {KB_TIME_NONE, KB_TIME_NONE, -1, -1, NULL, NULL};
    for (size_t r = 0; r < results->n; r++) {
        const kb_rule_result *res = &results->rules[r];
        if (res->rule->outcome == KB_OUTCOME_BENIGN)
            continue; /* a harmless event is no problem whose time the logs must cover */
        for (size_t c = 0; c < res->rule->ncheckpoints; c++) {
            const kb_cp_result *cr = &res->checkpoints[c];
            /* A log's own events show its own coverage; a damaged input
             * (or one shared with this log) cannot place the window. */
            if (res->rule->checkpoints[c].context || cr->state != KB_CP_MET ||
                cr->first_time == KB_TIME_NONE || cr->ninputs == 0 || fed_by(cr, inputs, log))
                continue;
            if (p.first == KB_TIME_NONE || cr->first_time < p.first) {
                p.first = cr->first_time;
                p.first_input = input_at(cr, cr->first_time);
                p.first_rule = res->rule->id;
            }
            if (p.last == KB_TIME_NONE || cr->last_time > p.last) {
                p.last = cr->last_time;
                p.last_input = input_at(cr, cr->last_time);
                p.last_rule = res->rule->id;
            }
        }
    }
    return p;
}

/* An intact log whose events some loaded rule reads: the logs whose
 * coverage matters (a rule over derived facts reads no log's events). */
static int rules_read(const kb_inputs *inputs, size_t i, const kb_coverage *cov)
{
    const kb_input *in = &inputs->items[i];
    if (!is_log(in) || in->state != KB_INPUT_OK || !kb_cov_in_scope(cov, i))
        return 0;
    for (size_t k = 0; k < cov->nfeeds; k++)
        if (strcmp(cov->feeds[k].feed, KB_FEED_DERIVED) != 0 && kb_input_has_feed(in, cov->feeds[k].feed))
            return 1;
    return 0;
}

/* A log the rules read whose oldest event is days newer than a problem the
 * rules saw elsewhere: its events of that time are not in the bundle. A
 * log that merely starts later than another (created, cleared or wrapped
 * days ago) with no problem before its start loses nothing that matters. */
static void check_late_starts(const kb_inputs *inputs, const kb_results *results, kb_lang lang,
                              kb_coverage *cov)
{
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        const kb_cov_log *log = &cov->logs[i];
        if (!rules_read(inputs, i, cov) || log->first_time == KB_TIME_NONE)
            continue;
        problem_window p = problems_elsewhere(inputs, results, i);
        if (p.first == KB_TIME_NONE || log->first_time - p.first <= KB_COV_SKEW_US)
            continue;
        char mine[40], theirs[40];
        kb_time_format(log->first_time, mine, sizeof mine);
        kb_time_format(p.first, theirs, sizeof theirs);
        double late = days(log->first_time, p.first);
        const char *other = base_name(&inputs->items[p.first_input]);
        /* Record 1 is the first record a log ever wrote: then nothing was
         * overwritten, the log was created or cleared at that time. */
        if (log->first_record > 1)
            add(cov, KB_COV_LOG_STARTS_LATE, (long)i, p.first_input,
                kb_strprintf(L("%s starts at %s, %.1f days after the first event %s found in %s (%s), "
                               "with record %llu: it has wrapped; events before %s are not in the bundle "
                               "(ask for an older export, or a larger log).",
                               "%s は %s から始まっていますが、その %.1f 日前に %s が %s で最初のイベント (%s) を"
                               "見つけています。最初のレコードは %llu で、ログが上書きされており、%s より前のイベントはバンドルにありません "
                               "(より古いエクスポート、またはログ サイズの拡大を依頼してください)。"),
                             base_name(in), mine, late, p.first_rule, other, theirs,
                             (unsigned long long)log->first_record, mine));
        else
            add(cov, KB_COV_LOG_STARTS_LATE, (long)i, p.first_input,
                kb_strprintf(L("%s starts at %s, %.1f days after the first event %s found in %s (%s), "
                               "with record 1: the log was created or cleared then; it holds no event before %s.",
                               "%s は %s から始まっていますが、その %.1f 日前に %s が %s で最初のイベント (%s) を"
                               "見つけています。最初のレコードは 1 です。ログはその時点で作成または消去されており、%s より前のイベントはありません。"),
                             base_name(in), mine, late, p.first_rule, other, theirs, mine));
    }
}

static const char *field_or(const kb_fact *f, const char *name, const char *fallback)
{
    const char *v = kb_fact_get(f, name);
    return v && *v ? v : fallback;
}

/* A clearing event (log.cleared: Security 1102, System 104): who cleared
 * which log and when, or, when its data could not be decoded, that it was
 * cleared and what is not known. */
static char *say_cleared(const kb_fact *f, const kb_input *in, kb_lang lang)
{
    long id = strtol(field_or(f, "event_id", "0"), NULL, 10);
    char when[40];
    kb_time_format(f->time, when, sizeof when);
    /* A 104 whose Channel is empty names the log that holds it. */
    const char *channel = field_or(f, "channel", field_or(f, "log", "?"));
    if (strcmp(field_or(f, "decoded", "no"), "yes") == 0)
        return kb_strprintf(L("The %s log was cleared at %s by %s\\%s (event %ld, record %llu in %s): "
                              "its events before then are gone.",
                              "%s ログは %s に %s\\%s によって消去されています (イベント %ld、レコード %llu、%s)。"
                              "それ以前のイベントは残っていません。"),
                            channel, when, field_or(f, "domain", "?"), field_or(f, "user", "?"), id,
                            (unsigned long long)f->record, base_name(in));
    /* Undecoded: said so, never read as a user or a log name. */
    char data[40];
    long n = strtol(field_or(f, "strings", "0"), NULL, 10);
    if (n > 0)
        snprintf(data, sizeof data, L("%ld strings", "文字列 %ld 個"), n);
    else
        snprintf(data, sizeof data, "%s", L("no strings", "文字列なし"));
    if (id == 1102)
        return kb_strprintf(L("The Security log was cleared at %s (event 1102, record %llu in %s); by whom is "
                              "undecoded: the event's data (%s) is not laid out as LogFileCleared. Its events "
                              "before then are gone.",
                              "Security ログは %s に消去されています (イベント 1102、レコード %llu、%s)。"
                              "イベントのデータ (%s) が LogFileCleared の形式ではないため、消去した人は解読できません。"
                              "それ以前のイベントは残っていません。"),
                            when, (unsigned long long)f->record, base_name(in), data);
    return kb_strprintf(L("A log was cleared at %s (event %ld, record %llu in %s); which log, and by whom, is "
                          "undecoded: the event's data (%s) is not laid out as LogFileCleared. That log's events "
                          "before then are gone.",
                          "ログが %s に消去されています (イベント %ld、レコード %llu、%s)。"
                          "イベントのデータ (%s) が LogFileCleared の形式ではないため、どのログを誰が消去したかは"
                          "解読できません。そのログのそれ以前のイベントは残っていません。"),
                        when, id, (unsigned long long)f->record, base_name(in), data);
}

static void check_cleared(const kb_inputs *inputs, const kb_factlist *facts, kb_lang lang,
                          kb_coverage *cov)
{
    for (size_t i = 0; i < facts->n; i++) {
        const kb_fact *f = facts->items[i];
        if (strcmp(f->type, KB_FACT_LOG_CLEARED) != 0 || f->input >= inputs->n)
            continue;
        kb_cov_finding *found = add(cov, KB_COV_LOG_CLEARED, (long)f->input, -1,
                                    say_cleared(f, &inputs->items[f->input], lang));
        if (found) {
            found->time = f->time;
            found->fact = f;
        }
    }
}

/* ---- inputs taken at different times --------------------------------------- */

/* The intact log with the newest event (a damaged log's times may be garbage). */
static long newest_log_end(const kb_inputs *inputs, const kb_coverage *cov)
{
    long best = -1;
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        if (!is_log(in) || in->state != KB_INPUT_OK || cov->logs[i].last_time == KB_TIME_NONE ||
            !kb_cov_in_scope(cov, i))
            continue;
        if (best < 0 || cov->logs[i].last_time > cov->logs[best].last_time)
            best = (long)i;
    }
    return best;
}

/* When an output may have been taken, on its local clock: the minute its
 * name gives, or the whole day when it gives a date only. */
typedef struct taken_range {
    int64_t from, to;
} taken_range;

static taken_range range_of(const kb_coverage *cov, size_t i)
{
    taken_range r = {cov->taken[i], cov->taken[i]};
    if (!cov->taken_has_time[i])
        r.to += (int64_t)DAY_US - 1;
    return r;
}

/* "at 2018-10-08T09:30", or "on 2018-10-08 (time of day unknown)". */
static void say_taken(const kb_coverage *cov, size_t i, kb_lang lang, char *out, size_t outlen)
{
    char t[40];
    kb_cov_format_taken(cov, i, t, sizeof t);
    if (cov->taken_has_time[i])
        snprintf(out, outlen, L("at %s", "%s"), t);
    else
        snprintf(out, outlen, L("on %s (time of day unknown)", "%s (時刻不明)"), t);
}

/* Dated command outputs among themselves: the one that may have been taken
 * latest against the one that may have been taken earliest. Both are the
 * same server's local time, so only a date-only name widens the range. */
static void check_outputs_apart(const kb_inputs *inputs, kb_lang lang, kb_coverage *cov)
{
    long first = -1, last = -1;
    for (size_t i = 0; i < inputs->n; i++) {
        if (cov->taken[i] == KB_TIME_NONE)
            continue;
        if (first < 0 || range_of(cov, i).to < range_of(cov, (size_t)first).to)
            first = (long)i;
        if (last < 0 || range_of(cov, i).from > range_of(cov, (size_t)last).from)
            last = (long)i;
    }
    if (first < 0)
        return;
    int64_t gap = range_of(cov, (size_t)last).from - range_of(cov, (size_t)first).to;
    if (gap <= KB_COV_SKEW_US)
        return;
    char a[96], b[96];
    say_taken(cov, (size_t)first, lang, a, sizeof a);
    say_taken(cov, (size_t)last, lang, b, sizeof b);
    int exact = cov->taken_has_time[first] && cov->taken_has_time[last];
    add(cov, KB_COV_TIME_SKEW, last, first,
        kb_strprintf(L("%s was taken %s, %s%.1f days after %s, taken %s: they may not show the same state "
                       "(file-name times are the server's local time).",
                       "%s は %s に取得されており、%s%.1f 日前に取得された %s (%s) と同じ時点の状態を"
                       "示していない可能性があります (ファイル名の日時はサーバーのローカル時刻です)。"),
                     base_name(&inputs->items[last]), b, exact ? "" : L("at least ", "少なくとも "),
                     (double)gap / DAY_US, base_name(&inputs->items[first]), a));
}

/* Each dated output against the logs' newest event (UTC): its range is
 * widened by the zone it may be in, and only a gap beyond that counts. */
static void check_outputs_against_logs(const kb_inputs *inputs, kb_lang lang, kb_coverage *cov)
{
    long newest = newest_log_end(inputs, cov);
    for (size_t i = 0; i < inputs->n && newest >= 0; i++) {
        if (cov->taken[i] == KB_TIME_NONE)
            continue;
        const kb_input *log = &inputs->items[newest];
        int64_t log_end = cov->logs[newest].last_time;
        taken_range r = range_of(cov, i);
        int64_t after = r.from - ZONE_US - log_end, before = log_end - (r.to + ZONE_US);
        if (after <= KB_COV_SKEW_US && before <= KB_COV_SKEW_US)
            continue;
        char a[96], b[40];
        say_taken(cov, i, lang, a, sizeof a);
        kb_time_format(log_end, b, sizeof b);
        if (after > KB_COV_SKEW_US)
            add(cov, KB_COV_TIME_SKEW, (long)i, newest,
                kb_strprintf(L("%s was taken %s, at least %.1f days after the newest event of any log (%s in %s; "
                               "file-name times are the server's local time, allowed any time zone): "
                               "the logs were exported earlier and lack those days.",
                               "%s は %s に取得されており、ログの最新イベントより少なくとも %.1f 日後です (%s、%s。"
                               "ファイル名の日時はサーバーのローカル時刻のため、どのタイム ゾーンでもよいとして比較しています)。"
                               "ログはそれ以前にエクスポートされており、その期間のイベントがありません。"),
                             base_name(&inputs->items[i]), a, (double)after / DAY_US, b, base_name(log)));
        else
            add(cov, KB_COV_TIME_SKEW, (long)i, newest,
                kb_strprintf(L("%s was taken %s, at least %.1f days before the newest event of %s (%s; "
                               "file-name times are the server's local time, allowed any time zone): "
                               "it may not show the state the logs end in.",
                               "%s は %s に取得されており、少なくとも %.1f 日後に終わる %s (最新イベント %s。"
                               "ファイル名の日時はサーバーのローカル時刻のため、どのタイム ゾーンでもよいとして比較しています) "
                               "の最後の状態を示していない可能性があります。"),
                             base_name(&inputs->items[i]), a, (double)before / DAY_US, base_name(log), b));
    }
}

/* A log the rules read that ends days before the last problem the rules saw
 * elsewhere: it cannot show what happened then. A log that merely ends
 * before another (nothing logged since) is no finding. */
static void check_logs_ending_early(const kb_inputs *inputs, const kb_results *results, kb_lang lang,
                                    kb_coverage *cov)
{
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        int64_t end = cov->logs[i].last_time;
        if (!rules_read(inputs, i, cov) || end == KB_TIME_NONE)
            continue;
        problem_window p = problems_elsewhere(inputs, results, i);
        if (p.last == KB_TIME_NONE || p.last - end <= KB_COV_SKEW_US)
            continue;
        char a[40], b[40];
        kb_time_format(end, a, sizeof a);
        kb_time_format(p.last, b, sizeof b);
        add(cov, KB_COV_TIME_SKEW, (long)i, p.last_input,
            kb_strprintf(L("%s ends at %s, %.1f days before the last event %s found in %s (%s): "
                           "it was exported earlier, or nothing was logged since; it cannot show what happened then.",
                           "%s は %s で終わっており、%.1f 日後に %s が %s でイベント (%s) を見つけています。"
                           "先にエクスポートされたか、その間イベントがなく、その時点の状況を示せません。"),
                         base_name(in), a, days(p.last, end), p.last_rule,
                         base_name(&inputs->items[p.last_input]), b));
    }
}

static void check_skew(const kb_inputs *inputs, const kb_results *results, kb_lang lang, kb_coverage *cov)
{
    check_outputs_apart(inputs, lang, cov);
    check_outputs_against_logs(inputs, lang, cov);
    check_logs_ending_early(inputs, results, lang, cov);
}

/* ---- what would settle each "cannot tell" ------------------------------------ */

/* A file in the bundle this machine could not read: the customer has
 * sent it; it is to be made readable here, not asked for again. */
static char *say_unreadable(const kb_inputs *inputs, const kb_rule *rule, const kb_cp_result *cr,
                            kb_lang lang)
{
    const kb_input *in = &inputs->items[cr->inputs[0]];
    char more[64] = "";
    if (cr->ninputs > 1)
        snprintf(more, sizeof more, L(" (and %zu more file(s))", " (ほか %zu 個のファイル)"), cr->ninputs - 1);
    return kb_strprintf(L("%s cannot tell: %s%s could not be read on this machine: %s; it may hold what "
                          "the rule needs: make it readable here and run kbscan again (nothing to ask the customer)",
                          "%s は判定できません。%s%s をこのマシンで読めませんでした: %s。必要な資料である可能性があります。"
                          "このマシンで読めるようにして kbscan を再実行してください (お客様への依頼は不要です)"),
                        rule->id, in->path, more, in->local_error ? in->local_error : "?");
}

static void check_missing(const kb_inputs *inputs, const kb_results *results, kb_lang lang,
                          kb_coverage *cov)
{
    for (size_t r = 0; r < results->n; r++) {
        const kb_rule_result *res = &results->rules[r];
        /* A quiet rule (no symptom seen) asks nothing of its own: the feeds
         * absent are listed once, with their commands. */
        if (res->verdict != KB_VERDICT_CANNOT_TELL || res->quiet)
            continue;
        for (size_t c = 0; c < res->rule->ncheckpoints; c++) {
            const kb_checkpoint *cp = &res->rule->checkpoints[c];
            const kb_cp_result *cr = &res->checkpoints[c];
            if (cp->context || cr->state != KB_CP_UNKNOWN)
                continue;
            const char *file = cp->collect.file ? cp->collect.file : cp->feed;
            const char *command = cp->collect.command ? cp->collect.command : "-";
            char *say;
            if (cr->why == KB_WHY_UNREADABLE)
                say = say_unreadable(inputs, res->rule, cr, lang);
            else if (cr->why == KB_WHY_MISSING)
                say = kb_strprintf(L("%s cannot tell without %s: run %s",
                                     "%s の判定には %s が必要です。実行するコマンド: %s"),
                                   res->rule->id, file, command);
            else if (cr->why == KB_WHY_DAMAGED) /* named by its file, not by the feed's token */
                say = kb_strprintf(L("%s cannot tell: %s in the bundle is damaged; collect %s again: run %s",
                                     "%s は判定できません。バンドルの %s が破損しています。%s を取り直してください。"
                                     "実行するコマンド: %s"),
                                   res->rule->id, cr->ninputs ? inputs->items[cr->inputs[0]].path : file, file,
                                   command);
            else if (cr->summary && *cr->summary)
                say = kb_strprintf(L("%s cannot tell: %s; collect %s again: run %s",
                                     "%s は判定できません。%s %s を取り直してください。"
                                     "実行するコマンド: %s"),
                                   res->rule->id, cr->summary, file, command);
            else /* the input says it cannot tell: named by its file */
                say = kb_strprintf(L("%s cannot tell from %s; collect %s again: run %s",
                                     "%s は %s からは判定できません。%s を取り直してください。"
                                     "実行するコマンド: %s"),
                                   res->rule->id, cr->ninputs ? inputs->items[cr->inputs[0]].path : file, file,
                                   command);
            kb_cov_finding *found =
                add(cov, KB_COV_MISSING_INPUT, cr->ninputs ? (long)cr->inputs[0] : -1, -1, say);
            if (found) {
                found->rule = res->rule;
                found->checkpoint = cp;
                found->why = cr->why;
                found->ask = cr->why != KB_WHY_UNREADABLE;
            }
        }
    }
}

kb_status kb_coverage_compute(const kb_inputs *inputs, const kb_factlist *facts,
                              const kb_ruleset *rules, const kb_results *results, kb_lang lang,
                              kb_coverage *out)
{
    return kb_coverage_compute_for(inputs, NULL, facts, rules, results, lang, out);
}

kb_status kb_coverage_compute_for(const kb_inputs *inputs, const unsigned char *scope,
                                  const kb_factlist *facts, const kb_ruleset *rules,
                                  const kb_results *results, kb_lang lang, kb_coverage *out)
{
    memset(out, 0, sizeof *out);
    out->scope = scope;
    out->logs = calloc(inputs->n + 1, sizeof *out->logs);
    out->taken = calloc(inputs->n + 1, sizeof *out->taken);
    out->taken_has_time = calloc(inputs->n + 1, sizeof *out->taken_has_time);
    out->taken_from = calloc(inputs->n + 1, sizeof *out->taken_from);
    if (!out->logs || !out->taken || !out->taken_has_time || !out->taken_from)
        return KB_ERR_NOMEM;
    read_logs(inputs, facts, out);
    find_taken_times(inputs, out);
    find_feeds(inputs, rules, out);
    check_record_ids(inputs, lang, out);
    check_late_starts(inputs, results, lang, out);
    check_cleared(inputs, facts, lang, out);
    check_skew(inputs, results, lang, out);
    check_missing(inputs, results, lang, out);
    return out->feeds ? KB_OK : KB_ERR_NOMEM;
}

void kb_coverage_free(kb_coverage *cov)
{
    for (size_t i = 0; i < cov->n; i++)
        free(cov->findings[i].say);
    free(cov->findings);
    free(cov->feeds);
    free(cov->logs);
    free(cov->taken);
    free(cov->taken_has_time);
    free(cov->taken_from);
    memset(cov, 0, sizeof *cov);
}
