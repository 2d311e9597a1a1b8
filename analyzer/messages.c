/* messages.c: the report's own wording in English and Japanese (rule texts
 * carry their own translations). */
#include "report.h"

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
};

const char *kb_msg_text(kb_lang lang, kb_msg msg)
{
    if (msg >= KB_MSG_COUNT)
        return "";
    const char *s = lang == KB_LANG_JA ? japanese[msg] : english[msg];
    return s ? s : english[msg];
}
