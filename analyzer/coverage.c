/* coverage.c: what the bundle covers and lacks for the loaded rules (see
 * coverage.h). Every finding is worded here in English and Japanese. */
#include "coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_US (86400.0 * 1e6)
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

void kb_cov_format_taken(int64_t t, char *out, size_t outlen)
{
    char full[40];
    if (t == KB_TIME_NONE) {
        snprintf(out, outlen, "-");
        return;
    }
    kb_time_format(t, full, sizeof full);  /* "2018-10-08T09:30:00Z" */
    snprintf(out, outlen, "%.16s", full);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int is_log(const kb_input *in)
{
    return in->kind && strcmp(in->kind, "evtx") == 0 && in->state != KB_INPUT_ERROR &&
           in->state != KB_INPUT_SKIPPED;
}

static int is_output(const kb_input *in)
{
    return in->kind && strcmp(in->kind, "evtx") != 0 &&
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
 * vssadmin, tasklist and sc print no time. Collection scripts name their
 * files with one (vssadmin_2018-10-08_0930.txt, tasklist-20181008.txt), and
 * that is the only source kbscan trusts: a file's modification time changes
 * when it is copied, zipped or mailed. */

static int number(const char *s, PCRE2_SIZE *ov, int group, int *out)
{
    if (ov[2 * group] == PCRE2_UNSET)
        return 0;
    int v = 0;
    for (PCRE2_SIZE i = ov[2 * group]; i < ov[2 * group + 1]; i++)
        v = v * 10 + (s[i] - '0');
    *out = v;
    return 1;
}

static int64_t time_in_name(pcre2_code *re, const char *name)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!md)
        return KB_TIME_NONE;
    int64_t t = KB_TIME_NONE;
    if (pcre2_match(re, (PCRE2_SPTR)name, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
        number(name, ov, 1, &y);
        number(name, ov, 2, &mo);
        number(name, ov, 3, &d);
        number(name, ov, 4, &h);
        number(name, ov, 5, &mi);
        number(name, ov, 6, &s);
        char iso[32];
        snprintf(iso, sizeof iso, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
        if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 60 &&
            kb_time_parse(iso, &t) != 0)
            t = KB_TIME_NONE;
    }
    pcre2_match_data_free(md);
    return t;
}

static void find_taken_times(const kb_inputs *inputs, kb_coverage *cov)
{
    static const char pattern[] =
        "(?<![0-9])(20[0-9]{2})[-_.]?([01][0-9])[-_.]?([0-3][0-9])"
        "(?:[T_ -]?([0-2][0-9])[-_.:]?([0-5][0-9])(?:[-_.:]?([0-5][0-9]))?)?(?![0-9])";
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        cov->taken[i] = re && is_output(in) ? time_in_name(re, base_name(in->path)) : KB_TIME_NONE;
    }
    pcre2_code_free(re);
}

/* ---- the feeds the rules use -------------------------------------------------- */

static void find_feeds(const kb_inputs *inputs, const kb_ruleset *rules, kb_coverage *cov)
{
    size_t total = 0;
    for (size_t r = 0; r < rules->n; r++)
        total += rules->rules[r].ncheckpoints;
    cov->feeds = calloc(total + 1, sizeof *cov->feeds);
    if (!cov->feeds)
        return;
    for (size_t r = 0; r < rules->n; r++)
        for (size_t c = 0; c < rules->rules[r].ncheckpoints; c++) {
            const kb_checkpoint *cp = &rules->rules[r].checkpoints[c];
            kb_cov_feed *feed = NULL;
            for (size_t k = 0; k < cov->nfeeds && !feed; k++)
                if (strcmp(cov->feeds[k].feed, cp->feed) == 0)
                    feed = &cov->feeds[k];
            if (!feed) {
                feed = &cov->feeds[cov->nfeeds++];
                feed->feed = cp->feed;
                for (size_t i = 0; i < inputs->n && !feed->present; i++)
                    feed->present = kb_input_has_feed(&inputs->items[i], cp->feed);
            }
            if (!feed->collect && cp->collect.command)
                feed->collect = cp;
        }
}

/* ---- event logs ------------------------------------------------------------- */

static void check_record_ids(const kb_inputs *inputs, kb_lang lang, kb_coverage *cov)
{
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        if (!is_log(in) || !in->records_walked)
            continue;
        const char *name = base_name(in->path);
        if (in->first_record > 1)
            add(cov, KB_COV_LOG_WRAPPED, (long)i, -1,
                kb_strprintf(L("%s starts at record %llu: the %llu older records are not in it "
                               "(the log wrapped and overwrote them, or it was exported with a filter).",
                               "%s はレコード %llu から始まっています。それより古い %llu 件のレコードが"
                               "含まれていません (ログが上書きされたか、フィルター付きでエクスポートされています)。"),
                             name, (unsigned long long)in->first_record,
                             (unsigned long long)(in->first_record - 1)));
        uint64_t span = in->last_record >= in->first_record ? in->last_record - in->first_record + 1 : 0;
        /* In a damaged log lost records are damage, named as such elsewhere. */
        if (in->state == KB_INPUT_OK && span > in->records_walked)
            add(cov, KB_COV_RECORD_GAP, (long)i, -1,
                kb_strprintf(L("%s holds records %llu to %llu but only %llu of them: %llu are missing "
                               "(a filtered export, or records removed).",
                               "%s のレコード番号は %llu から %llu ですが、含まれるのは %llu 件です。"
                               "%llu 件が欠けています (フィルター付きのエクスポート、またはレコードの削除)。"),
                             name, (unsigned long long)in->first_record,
                             (unsigned long long)in->last_record,
                             (unsigned long long)in->records_walked,
                             (unsigned long long)(span - in->records_walked)));
    }
}

/* A log whose oldest event is days newer than another log's oldest: its
 * earlier days are not in the bundle. */
static void check_late_starts(const kb_inputs *inputs, kb_lang lang, kb_coverage *cov)
{
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        if (!is_log(in) || in->first_time == KB_TIME_NONE)
            continue;
        long earliest = -1;
        for (size_t j = 0; j < inputs->n; j++) {
            const kb_input *other = &inputs->items[j];
            if (j != i && is_log(other) && other->first_time != KB_TIME_NONE &&
                (earliest < 0 || other->first_time < inputs->items[earliest].first_time))
                earliest = (long)j;
        }
        if (earliest < 0 || in->first_time - inputs->items[earliest].first_time <= KB_COV_SKEW_US)
            continue;
        char mine[40], theirs[40];
        kb_time_format(in->first_time, mine, sizeof mine);
        kb_time_format(inputs->items[earliest].first_time, theirs, sizeof theirs);
        double late = days(in->first_time, inputs->items[earliest].first_time);
        const char *other = base_name(inputs->items[earliest].path);
        /* Record 1 is the first record a log ever wrote: then nothing was
         * overwritten, the log was created or cleared at that time. */
        if (in->first_record > 1)
            add(cov, KB_COV_LOG_STARTS_LATE, (long)i, earliest,
                kb_strprintf(L("%s starts at %s, %.1f days after %s (%s), with record %llu: it has wrapped; "
                               "events before %s are not in the bundle (ask for an older export, or a larger log).",
                               "%s は %s から始まっており、%.1f 日前から記録がある %s (%s) より新しく、"
                               "最初のレコードは %llu です。ログが上書きされており、%s より前のイベントはバンドルにありません "
                               "(より古いエクスポート、またはログ サイズの拡大を依頼してください)。"),
                             base_name(in->path), mine, late, other, theirs,
                             (unsigned long long)in->first_record, mine));
        else
            add(cov, KB_COV_LOG_STARTS_LATE, (long)i, earliest,
                kb_strprintf(L("%s starts at %s, %.1f days after %s (%s), with record 1: the log was created "
                               "or cleared then; it holds no event before %s.",
                               "%s は %s から始まっており、%.1f 日前から記録がある %s (%s) より新しく、"
                               "最初のレコードは 1 です。ログはその時点で作成または消去されており、%s より前のイベントはありません。"),
                             base_name(in->path), mine, late, other, theirs, mine));
    }
}

/* Security 1102 (the audit log was cleared) and System 104 (a log was
 * cleared), both from provider Microsoft-Windows-Eventlog. Their UserData
 * (LogFileCleared) strings: 1102 SubjectUserSid, SubjectUserName,
 * SubjectDomainName, SubjectLogonId; 104 SubjectUserName,
 * SubjectDomainName, Channel, BackupPath. */
static int is_clear_event(const kb_fact *f, long *id)
{
    if (strcmp(f->type, "event") != 0)
        return 0;
    const char *provider = kb_fact_get(f, "provider");
    const char *event_id = kb_fact_get(f, "event_id");
    if (!provider || !event_id || !kb_strcaseeq(provider, "Microsoft-Windows-Eventlog"))
        return 0;
    *id = strtol(event_id, NULL, 10);
    return *id == 1102 || *id == 104;
}

static const char *field_or(const kb_fact *f, const char *name, const char *fallback)
{
    const char *v = kb_fact_get(f, name);
    return v && *v ? v : fallback;
}

static void check_cleared(const kb_inputs *inputs, const kb_factlist *facts, kb_lang lang,
                          kb_coverage *cov)
{
    for (size_t i = 0; i < facts->n; i++) {
        const kb_fact *f = facts->items[i];
        long id;
        if (!is_clear_event(f, &id) || f->input >= inputs->n)
            continue;
        const kb_input *in = &inputs->items[f->input];
        const char *channel = id == 1102 ? "Security" : field_or(f, "data3", in->channel ? in->channel : "?");
        const char *user = field_or(f, id == 1102 ? "data2" : "data1", "?");
        const char *domain = field_or(f, id == 1102 ? "data3" : "data2", "?");
        char when[40];
        kb_time_format(f->time, when, sizeof when);
        kb_cov_finding *found = add(cov, KB_COV_LOG_CLEARED, (long)f->input, -1,
            kb_strprintf(L("The %s log was cleared at %s by %s\\%s (event %ld, record %llu in %s): "
                           "its events before then are gone.",
                           "%s ログは %s に %s\\%s によって消去されています (イベント %ld、レコード %llu、%s)。"
                           "それ以前のイベントは残っていません。"),
                         channel, when, domain, user, id, (unsigned long long)f->record,
                         base_name(in->path)));
        if (found) {
            found->time = f->time;
            found->fact = f;
        }
    }
}

/* ---- inputs taken at different times --------------------------------------- */

static long newest_log_end(const kb_inputs *inputs, int oldest)
{
    long best = -1;
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        if (!is_log(in) || in->last_time == KB_TIME_NONE)
            continue;
        if (best < 0 || (oldest ? in->last_time < inputs->items[best].last_time
                                : in->last_time > inputs->items[best].last_time))
            best = (long)i;
    }
    return best;
}

static void check_skew(const kb_inputs *inputs, kb_lang lang, kb_coverage *cov)
{
    /* Command outputs among themselves: the oldest and the newest. */
    long first = -1, last = -1;
    for (size_t i = 0; i < inputs->n; i++) {
        if (cov->taken[i] == KB_TIME_NONE)
            continue;
        if (first < 0 || cov->taken[i] < cov->taken[first])
            first = (long)i;
        if (last < 0 || cov->taken[i] > cov->taken[last])
            last = (long)i;
    }
    char a[40], b[40];
    if (first >= 0 && cov->taken[last] - cov->taken[first] > KB_COV_SKEW_US) {
        kb_cov_format_taken(cov->taken[first], a, sizeof a);
        kb_cov_format_taken(cov->taken[last], b, sizeof b);
        add(cov, KB_COV_TIME_SKEW, last, first,
            kb_strprintf(L("%s was taken %s, %.1f days after %s (%s): they may not show the same state.",
                           "%s は %s に取得されており、%.1f 日前に取得された %s (%s) と同じ時点の状態を示していない可能性があります。"),
                         base_name(inputs->items[last].path), b, days(cov->taken[last], cov->taken[first]),
                         base_name(inputs->items[first].path), a));
    }
    /* Each command output against the logs' newest event. */
    long newest = newest_log_end(inputs, 0);
    for (size_t i = 0; i < inputs->n && newest >= 0; i++) {
        if (cov->taken[i] == KB_TIME_NONE)
            continue;
        const kb_input *log = &inputs->items[newest];
        double d = days(cov->taken[i], log->last_time);
        if (d * DAY_US > -(double)KB_COV_SKEW_US && d * DAY_US < (double)KB_COV_SKEW_US)
            continue;
        kb_cov_format_taken(cov->taken[i], a, sizeof a);
        kb_time_format(log->last_time, b, sizeof b);
        if (d > 0)
            add(cov, KB_COV_TIME_SKEW, (long)i, newest,
                kb_strprintf(L("%s was taken %s, %.1f days after the newest event of any log (%s in %s): "
                               "the logs were exported earlier and lack those days.",
                               "%s は %s に取得されており、ログの最新イベントより %.1f 日後です (%s、%s)。"
                               "ログはそれ以前にエクスポートされており、その期間のイベントがありません。"),
                             base_name(inputs->items[i].path), a, d, b, base_name(log->path)));
        else
            add(cov, KB_COV_TIME_SKEW, (long)i, newest,
                kb_strprintf(L("%s was taken %s, %.1f days before the newest event of %s (%s): "
                               "it may not show the state the logs end in.",
                               "%s は %s に取得されており、%.1f 日後に終わる %s (最新イベント %s) の最後の状態を"
                               "示していない可能性があります。"),
                             base_name(inputs->items[i].path), a, -d, base_name(log->path), b));
    }
    /* The logs among themselves: where one ends days before another. */
    long oldest = newest_log_end(inputs, 1);
    if (newest >= 0 && oldest >= 0 &&
        inputs->items[newest].last_time - inputs->items[oldest].last_time > KB_COV_SKEW_US) {
        kb_time_format(inputs->items[oldest].last_time, a, sizeof a);
        kb_time_format(inputs->items[newest].last_time, b, sizeof b);
        double d = days(inputs->items[newest].last_time, inputs->items[oldest].last_time);
        add(cov, KB_COV_TIME_SKEW, oldest, newest,
            kb_strprintf(L("%s ends at %s, %.1f days before %s (%s): exported at another time, "
                           "or nothing was logged since.",
                           "%s は %s で終わっており、%.1f 日後まで記録がある %s (%s) とは"
                           "別の時点にエクスポートされたか、その間イベントがありませんでした。"),
                         base_name(inputs->items[oldest].path), a, d,
                         base_name(inputs->items[newest].path), b));
    }
}

/* ---- what would settle each "cannot tell" ------------------------------------ */

static void check_missing(const kb_results *results, kb_lang lang, kb_coverage *cov)
{
    for (size_t r = 0; r < results->n; r++) {
        const kb_rule_result *res = &results->rules[r];
        if (res->verdict != KB_VERDICT_CANNOT_TELL)
            continue;
        for (size_t c = 0; c < res->rule->ncheckpoints; c++) {
            const kb_checkpoint *cp = &res->rule->checkpoints[c];
            const kb_cp_result *cr = &res->checkpoints[c];
            if (cp->context || cr->state != KB_CP_UNKNOWN)
                continue;
            const char *file = cp->collect.file ? cp->collect.file : cp->feed;
            const char *command = cp->collect.command ? cp->collect.command : "-";
            char *say;
            if (cr->why == KB_WHY_MISSING)
                say = kb_strprintf(L("%s cannot tell without %s (%s): run %s",
                                     "%s の判定には %s (%s) が必要です。実行するコマンド: %s"),
                                   res->rule->id, file, cp->feed, command);
            else if (cr->why == KB_WHY_DAMAGED)
                say = kb_strprintf(L("%s cannot tell: the %s in the bundle is damaged; collect %s again: run %s",
                                     "%s は判定できません。バンドルの %s が破損しています。%s を取り直してください。"
                                     "実行するコマンド: %s"),
                                   res->rule->id, cp->feed, file, command);
            else
                say = kb_strprintf(L("%s cannot tell: %s; collect %s again: run %s",
                                     "%s は判定できません。%s %s を取り直してください。"
                                     "実行するコマンド: %s"),
                                   res->rule->id, cr->summary ? cr->summary : cp->feed, file, command);
            kb_cov_finding *found =
                add(cov, KB_COV_MISSING_INPUT, cr->ninputs ? (long)cr->inputs[0] : -1, -1, say);
            if (found) {
                found->rule = res->rule;
                found->checkpoint = cp;
                found->why = cr->why;
            }
        }
    }
}

kb_status kb_coverage_compute(const kb_inputs *inputs, const kb_factlist *facts,
                              const kb_ruleset *rules, const kb_results *results, kb_lang lang,
                              kb_coverage *out)
{
    memset(out, 0, sizeof *out);
    out->taken = calloc(inputs->n + 1, sizeof *out->taken);
    if (!out->taken)
        return KB_ERR_NOMEM;
    find_taken_times(inputs, out);
    find_feeds(inputs, rules, out);
    check_record_ids(inputs, lang, out);
    check_late_starts(inputs, lang, out);
    check_cleared(inputs, facts, lang, out);
    check_skew(inputs, lang, out);
    check_missing(results, lang, out);
    return out->feeds ? KB_OK : KB_ERR_NOMEM;
}

void kb_coverage_free(kb_coverage *cov)
{
    for (size_t i = 0; i < cov->n; i++)
        free(cov->findings[i].say);
    free(cov->findings);
    free(cov->feeds);
    free(cov->taken);
    memset(cov, 0, sizeof *cov);
}

int kb_coverage_interest(kb_interest *interest)
{
    if (kb_interest_add(interest, "Microsoft-Windows-Eventlog", 1102) != 0 ||
        kb_interest_add(interest, "Microsoft-Windows-Eventlog", 104) != 0)
        return -1;
    return 0;
}
