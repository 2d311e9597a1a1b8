/* messages.c: the report's own wording in English and Japanese (rule texts
 * carry their own translations). */
#include "report/view.h"

#include <stdio.h>

static const char *const english[KB_MSG_COUNT] = {
    [KB_MSG_MATCHED] = "MATCHED",
    [KB_MSG_NOT_MATCHED] = "not matched",
    [KB_MSG_CANNOT_TELL] = "CANNOT TELL",
    [KB_MSG_MET] = "met",
    [KB_MSG_NOT_MET] = "not met",
    [KB_MSG_UNKNOWN] = "unknown",
    [KB_MSG_CONTEXT] = "context",
    [KB_MSG_MISSING] = "no input in the bundle for this",
    [KB_MSG_DAMAGED] = "the input that holds this is damaged or unreadable",
    [KB_MSG_COLLECT] = "ask the customer for",
    [KB_MSG_RUN] = "run",
    [KB_MSG_REMEDIES] = "Remedies (any one of them)",
    [KB_MSG_VERIFY] = "verify",
    [KB_MSG_INPUTS] = "Inputs",
    [KB_MSG_NOT_RECOGNISED] = "not recognised",
    [KB_MSG_COMPUTER] = "Computer",
    [KB_MSG_OS] = "OS",
    [KB_MSG_EVENTS] = "Events",
    [KB_MSG_TEMPORARY] = "helps for a while; the issue may come back",
    [KB_MSG_LASTING] = "lasting fix",
    [KB_MSG_MORE_EVIDENCE] = "more not shown",
    [KB_MSG_NO_EVIDENCE] = "nothing found",
    [KB_MSG_RECOVERED] = "recovered record",
    [KB_MSG_NEXT_STEPS] = "To settle it, collect",
    [KB_MSG_TIMELINE] = "Timeline",
    [KB_MSG_PER_HOUR] = "events per hour, UTC",
    [KB_MSG_PER_DAY] = "events per day, UTC",
    [KB_MSG_PER_WEEK] = "events per week, UTC",
    [KB_MSG_NEAR_MISS] = "Near miss",
    [KB_MSG_NEAR_DEFAULT] = "closest facts: each fails just one test of this checkpoint",
    [KB_MSG_COVERAGE] = "Coverage",
    [KB_MSG_LOGS] = "event logs",
    [KB_MSG_OUTPUTS] = "command outputs",
    [KB_MSG_TAKEN] = "taken",
    [KB_MSG_TAKEN_UNKNOWN] = "time taken not known (no date in the file name)",
    [KB_MSG_NOT_IN_BUNDLE] = "not in the bundle",
    [KB_MSG_RECORDS] = "records",
    [KB_MSG_COVERAGE_OK] = "no gap, wrap, clearing or time skew seen",
    [KB_MSG_FIRST_EVENT] = "first event (UTC)",
    [KB_MSG_LAST_EVENT] = "last event (UTC)",
    [KB_MSG_HARMLESS] = "KNOWN HARMLESS",
    [KB_MSG_KNOWN_HARMLESS] = "Known harmless (no action needed; listed so that nobody chases them)",
    [KB_MSG_EXPLAINED_BY] = "explained by",
    [KB_MSG_NOT_MATCHED_LIST] = "Not matched",
    [KB_MSG_QUIET_LIST] = "Cannot tell, but no symptom seen (what they need is under Coverage)",
    [KB_MSG_REFERENCES] = "references",
    [KB_MSG_SEVERITY] = "severity",
    [KB_MSG_UNREADABLE] = "a file of the bundle could not be read on this machine; it may hold this",
    [KB_MSG_READ_HERE] = "could not be read on this machine",
    [KB_MSG_READ_AGAIN] = "make it readable here and run kbscan again (nothing to ask the customer)",
    [KB_MSG_UNREADABLE_FILES] = "in the bundle, but not readable on this machine",
    [KB_MSG_COMPUTERS] = "Computers",
    [KB_MSG_ALSO_NAMED] = "also named",
    [KB_MSG_UNASSIGNED] = "Not assigned to a computer",
    [KB_MSG_UNASSIGNED_WHY] = "nothing in this file or its name says which computer's it is",
    [KB_MSG_SEVERAL_COMPUTERS] = "holds files of several computers",
    [KB_MSG_AMONG_THEM] = "among them",
    [KB_MSG_UNNAMED] = "(no name)",
    [KB_MSG_OF] = "of",
    [KB_MSG_NO_COMPUTER] = "no computer",
    [KB_MSG_CLOSE_FACTS] = "Close, but not it",
    [KB_MSG_ANSWER] = "Answer",
    [KB_MSG_DO_FIRST] = "first",
    [KB_MSG_NOT_MATCHED_HINT] = "--show-not-matched names them",
    [KB_MSG_NO_ISSUE] = "no known issue found",
    [KB_MSG_INPUT_OK] = "ok",
    [KB_MSG_COVERAGE_ROWS] = "Coverage, input by input",
    [KB_MSG_MESSAGE] = "message",
    [KB_MSG_PROBLEMS] = "problems",
    [KB_MSG_EVIDENCE] = "Evidence",
    [KB_MSG_LOOKED_FOR] = "looked for, not found",
    [KB_MSG_OTHER_RULES] = "The other rules, checkpoint by checkpoint:",
};

static const char *const japanese[KB_MSG_COUNT] = {
    [KB_MSG_MATCHED] = "該当",
    [KB_MSG_NOT_MATCHED] = "非該当",
    [KB_MSG_CANNOT_TELL] = "判定不能",
    [KB_MSG_MET] = "合致",
    [KB_MSG_NOT_MET] = "不一致",
    [KB_MSG_UNKNOWN] = "不明",
    [KB_MSG_CONTEXT] = "参考",
    [KB_MSG_MISSING] = "この確認に必要な資料がバンドルにありません",
    [KB_MSG_DAMAGED] = "この確認に必要な資料が破損しているか読めません",
    [KB_MSG_COLLECT] = "お客様に依頼する資料",
    [KB_MSG_RUN] = "実行するコマンド",
    [KB_MSG_REMEDIES] = "対処方法 (いずれか一つ)",
    [KB_MSG_VERIFY] = "確認",
    [KB_MSG_INPUTS] = "入力ファイル",
    [KB_MSG_NOT_RECOGNISED] = "未対応の形式",
    [KB_MSG_COMPUTER] = "コンピューター",
    [KB_MSG_OS] = "OS",
    [KB_MSG_EVENTS] = "イベント",
    [KB_MSG_TEMPORARY] = "一時的な改善; 再発することがあります",
    [KB_MSG_LASTING] = "恒久的な対処",
    [KB_MSG_MORE_EVIDENCE] = "件は省略",
    [KB_MSG_NO_EVIDENCE] = "該当なし",
    [KB_MSG_RECOVERED] = "復旧されたレコード",
    [KB_MSG_NEXT_STEPS] = "判定に必要な資料",
    [KB_MSG_TIMELINE] = "タイムライン",
    [KB_MSG_PER_HOUR] = "1 時間ごとのイベント数、UTC",
    [KB_MSG_PER_DAY] = "1 日ごとのイベント数、UTC",
    [KB_MSG_PER_WEEK] = "1 週間ごとのイベント数、UTC",
    [KB_MSG_NEAR_MISS] = "惜しくも非該当",
    [KB_MSG_NEAR_DEFAULT] = "最も近い情報: この確認ポイントの条件を一つだけ満たさないもの",
    [KB_MSG_COVERAGE] = "資料の範囲",
    [KB_MSG_LOGS] = "イベント ログ",
    [KB_MSG_OUTPUTS] = "コマンドの出力",
    [KB_MSG_TAKEN] = "取得日時",
    [KB_MSG_TAKEN_UNKNOWN] = "取得日時は不明 (ファイル名に日付がありません)",
    [KB_MSG_NOT_IN_BUNDLE] = "バンドルにないもの",
    [KB_MSG_RECORDS] = "レコード",
    [KB_MSG_COVERAGE_OK] = "欠落、上書き、消去、取得時期のずれは見つかりません",
    [KB_MSG_FIRST_EVENT] = "最初のイベント (UTC)",
    [KB_MSG_LAST_EVENT] = "最後のイベント (UTC)",
    [KB_MSG_HARMLESS] = "既知の無害な事象",
    [KB_MSG_KNOWN_HARMLESS] = "既知の無害な事象 (対処は不要です。調査の手間を省くために示しています)",
    [KB_MSG_EXPLAINED_BY] = "原因の説明",
    [KB_MSG_NOT_MATCHED_LIST] = "非該当",
    [KB_MSG_QUIET_LIST] = "判定不能ですが症状は見つかりません (必要な資料は「資料の範囲」にあります)",
    [KB_MSG_REFERENCES] = "参考資料",
    [KB_MSG_SEVERITY] = "重大度",
    [KB_MSG_UNREADABLE] = "バンドル内のファイルをこのマシンで読めませんでした。この確認に必要な資料である可能性があります",
    [KB_MSG_READ_HERE] = "このマシンで読めません",
    [KB_MSG_READ_AGAIN] = "このマシンで読めるようにして kbscan を再実行してください (お客様への依頼は不要です)",
    [KB_MSG_UNREADABLE_FILES] = "バンドルにあるが、このマシンで読めないもの",
    [KB_MSG_COMPUTERS] = "コンピューター",
    [KB_MSG_ALSO_NAMED] = "別名",
    [KB_MSG_UNASSIGNED] = "どのコンピューターのものか判別できない資料",
    [KB_MSG_UNASSIGNED_WHY] = "このファイルの内容にも名前にも、どのコンピューターのものかが示されていません",
    [KB_MSG_SEVERAL_COMPUTERS] = "には複数のコンピューターの資料があります",
    [KB_MSG_AMONG_THEM] = "など",
    [KB_MSG_UNNAMED] = "(名前なし)",
    [KB_MSG_OF] = "/",
    [KB_MSG_NO_COMPUTER] = "コンピューターなし",
    [KB_MSG_CLOSE_FACTS] = "近いが該当しない情報",
    [KB_MSG_ANSWER] = "結論",
    [KB_MSG_DO_FIRST] = "まず",
    [KB_MSG_NOT_MATCHED_HINT] = "--show-not-matched で一覧を表示",
    [KB_MSG_NO_ISSUE] = "既知の問題は見つかりません",
    [KB_MSG_INPUT_OK] = "正常",
    [KB_MSG_COVERAGE_ROWS] = "資料の範囲 (入力ごと)",
    [KB_MSG_MESSAGE] = "メッセージ",
    [KB_MSG_PROBLEMS] = "問題",
    [KB_MSG_EVIDENCE] = "根拠",
    [KB_MSG_LOOKED_FOR] = "確認した事象 (見つかりません)",
    [KB_MSG_OTHER_RULES] = "その他のルール (確認ポイントごと):",
};

const char *kb_msg_text(kb_lang lang, kb_msg msg)
{
    if (msg >= KB_MSG_COUNT)
        return "";
    const char *s = lang == KB_LANG_JA ? japanese[msg] : english[msg];
    return s ? s : english[msg];
}

/* English nouns, singular and plural; Japanese counters (no plural). */
static const char *const nouns_en[KB_NOUN_COUNT][2] = {
    [KB_NOUN_COMPUTER] = {"computer", "computers"},
    [KB_NOUN_ISSUE] = {"issue", "issues"},
    [KB_NOUN_INPUT] = {"input", "inputs"},
    [KB_NOUN_RULE] = {"rule", "rules"},
    [KB_NOUN_RECORD] = {"record", "records"},
    [KB_NOUN_FILE] = {"file", "files"},
    [KB_NOUN_LOG] = {"event log", "event logs"},
    [KB_NOUN_OUTPUT] = {"command output", "command outputs"},
};

static const char *const nouns_ja[KB_NOUN_COUNT][2] = {
    [KB_NOUN_COMPUTER] = {"コンピューター", "台"},
    [KB_NOUN_ISSUE] = {"問題", "件"},
    [KB_NOUN_INPUT] = {"入力", "件"},
    [KB_NOUN_RULE] = {"ルール", "件"},
    [KB_NOUN_RECORD] = {"レコード", "件"},
    [KB_NOUN_FILE] = {"ファイル", "件"},
    [KB_NOUN_LOG] = {"イベント ログ", "件"},
    [KB_NOUN_OUTPUT] = {"コマンドの出力", "件"},
};

const char *kb_msg_noun(kb_lang lang, kb_count_noun noun)
{
    if (noun >= KB_NOUN_COUNT)
        return "";
    return lang == KB_LANG_JA ? nouns_ja[noun][0] : nouns_en[noun][0];
}

void kb_msg_count(kb_lang lang, kb_count_noun noun, size_t n, kb_buf *out)
{
    if (noun >= KB_NOUN_COUNT)
        return;
    if (lang == KB_LANG_JA)
        kb_buf_printf(out, "%s %zu %s", nouns_ja[noun][0], n, nouns_ja[noun][1]);
    else
        kb_buf_printf(out, "%zu %s", n, nouns_en[noun][n == 1 ? 0 : 1]);
}

/* English: "2 computers, 1 issue matched, 1 cannot tell, 3 inputs
 * damaged; exit 1"; Japanese: "コンピューター 2 台、該当 1 件、判定不能 1 件、
 * 破損した入力 3 件; 終了コード 1". Zero counts but the computers are left out. */
char *kb_msg_total(kb_lang lang, const kb_view_total *t)
{
    kb_buf b = KB_BUF_INIT;
    int ja = lang == KB_LANG_JA;
    const char *sep = ja ? "、" : ", ";
    kb_msg_count(lang, KB_NOUN_COMPUTER, t->computers, &b);
    if (t->matched) {
        kb_buf_puts(&b, sep);
        if (ja)
            kb_buf_printf(&b, "該当 %zu 件", t->matched);
        else
            kb_buf_printf(&b, "%zu %s matched", t->matched, t->matched == 1 ? "issue" : "issues");
    }
    if (t->cannot_tell) {
        kb_buf_puts(&b, sep);
        kb_buf_printf(&b, ja ? "判定不能 %zu 件" : "%zu cannot tell", t->cannot_tell);
    }
    if (t->harmless) {
        kb_buf_puts(&b, sep);
        kb_buf_printf(&b, ja ? "既知の無害な事象 %zu 件" : "%zu known harmless", t->harmless);
    }
    if (!t->matched && !t->cannot_tell) {
        kb_buf_puts(&b, sep);
        kb_buf_puts(&b, kb_msg_text(lang, KB_MSG_NO_ISSUE));
    }
    if (t->damaged) {
        kb_buf_puts(&b, sep);
        if (ja)
            kb_buf_printf(&b, "破損した入力 %zu 件", t->damaged);
        else
            kb_buf_printf(&b, "%zu %s damaged", t->damaged, t->damaged == 1 ? "input" : "inputs");
    }
    if (t->unrecognised) {
        kb_buf_puts(&b, sep);
        if (ja)
            kb_buf_printf(&b, "未対応の形式の入力 %zu 件", t->unrecognised);
        else
            kb_buf_printf(&b, "%zu not recognised", t->unrecognised);
    }
    kb_buf_printf(&b, ja ? "; 終了コード %d" : "; exit %d", t->exit_status);
    return kb_buf_take(&b);
}
