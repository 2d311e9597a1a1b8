/* log_cleared.c: the `log.cleared` pass: one fact per log-clearing event,
 * Security 1102 ("the audit log was cleared") and System 104 ("a log was
 * cleared"), both of provider Microsoft-Windows-Eventlog, with who cleared
 * which log and when.
 *
 * Both events carry their data as UserData <LogFileCleared>: for 1102
 * SubjectUserSid, SubjectUserName, SubjectDomainName, SubjectLogonId (and,
 * on newer Windows, ClientProcessId, ClientProcessStartKey); for 104
 * SubjectUserName, SubjectDomainName, Channel, BackupPath. The EVTX parser
 * names them (data:SubjectUserName, ..., docs/facts.md; evtxgen writes
 * them as named EventData) and says where the values are (payload): they
 * are read by name. An event with only its
 * strings in order (data1..dataN: one libevtx had to read) is read by
 * position, and only when their number and shape are those of
 * LogFileCleared. Anything else (a 104 logged as <ProcessingErrorData>:
 * ErrorCode, DataItemName, EventPayload) is undecoded, said so, and never
 * read as a user or a log name. */
#include "combiners/combiners.h"

#include <stdlib.h>
#include <string.h>

const char *const kb_log_cleared_fields[] = {
    "event_id", "time", "record", "log", "channel", "user", "domain",
    "decoded", "read_from", "strings", NULL,
};

/* Security 1102 or System 104 of Microsoft-Windows-Eventlog: its id, or 0. */
static long clearing_id(const kb_fact *f)
{
    if (strcmp(f->type, "event") != 0)
        return 0;
    const char *provider = kb_fact_get(f, "provider");
    const char *event_id = kb_fact_get(f, "event_id");
    if (!provider || !event_id || !kb_strcaseeq(provider, "Microsoft-Windows-Eventlog"))
        return 0;
    long id = strtol(event_id, NULL, 10);
    return id == 1102 || id == 104 ? id : 0;
}

/* Who cleared which log, as the event says it. */
typedef struct clearing {
    const char *user, *domain, *channel;  /* NULL when undecoded */
    const char *read_from;                /* "names", "positions", or "" */
} clearing;

/* Where the event's values are, when the parser says (payload). */
static int payload_is(const kb_fact *f, const char *where)
{
    const char *p = kb_fact_get(f, "payload");
    return p && strcmp(p, where) == 0;
}

static int has_names(const kb_fact *f)
{
    return kb_fact_get(f, "data:SubjectUserName") != NULL;
}

/* The number of data strings the event has, or -1 when it does not say. */
static long string_count(const kb_fact *f)
{
    const char *s = kb_fact_get(f, "strings");
    char *end;
    long n = s && *s ? strtol(s, &end, 10) : -1;
    return n >= 0 && s && *end == '\0' ? n : -1;
}

static clearing read_clearing(const kb_fact *f, long id)
{
    clearing c = {NULL, NULL, NULL, ""};
    /* A ProcessingErrorData payload (Windows could not render the event's
     * data): its values are ErrorCode, DataItemName, EventPayload. */
    if (payload_is(f, "ProcessingErrorData")) {
        if (id == 1102)
            c.channel = "Security";
        return c;
    }
    if (has_names(f)) {
        c.user = kb_fact_get(f, "data:SubjectUserName");
        c.domain = kb_fact_get(f, "data:SubjectDomainName");
        c.channel = id == 1102 ? "Security" : kb_fact_get(f, "data:Channel");
        c.read_from = "names";
        return c;
    }
    long n = string_count(f);
    if (id == 1102) {
        const char *sid = kb_fact_get(f, "data1");
        if ((n == 4 || n == 6) && sid && strncmp(sid, "S-1-", 4) == 0) {
            c.user = kb_fact_get(f, "data2");
            c.domain = kb_fact_get(f, "data3");
            c.read_from = "positions";
        }
        c.channel = "Security"; /* 1102 is the Security log's own */
    } else if (n == 4) {
        c.user = kb_fact_get(f, "data1");
        c.domain = kb_fact_get(f, "data2");
        c.channel = kb_fact_get(f, "data3");
        c.read_from = "positions";
    }
    return c;
}

static int add_cleared(kb_combine_ctx *ctx, const kb_fact *event, long id)
{
    kb_fact *f = kb_derived_fact(ctx, KB_FACT_LOG_CLEARED, event->input);
    if (!f)
        return -1;
    const kb_input *in = &ctx->inputs->items[event->input];
    clearing c = read_clearing(event, id);
    const char *log = kb_fact_get(event, "channel");
    char when[40];
    kb_time_format(event->time, when, sizeof when);
    int failed = 0;
    f->time = event->time;
    f->record = event->record;
    f->recovered = event->recovered;
    kb_derived_setf(f, &failed, "event_id", "%ld", id);
    kb_derived_set(f, "time", event->time == KB_TIME_NONE ? "" : when, &failed);
    kb_derived_setf(f, &failed, "record", "%llu", (unsigned long long)event->record);
    kb_derived_set(f, "log", log && *log ? log : in->channel, &failed);
    kb_derived_set(f, "channel", c.channel, &failed);
    kb_derived_set(f, "user", c.user, &failed);
    kb_derived_set(f, "domain", c.domain, &failed);
    kb_derived_set(f, "decoded", *c.read_from ? "yes" : "no", &failed);
    kb_derived_set(f, "read_from", c.read_from, &failed);
    long n = string_count(event);
    if (n >= 0)
        kb_derived_setf(f, &failed, "strings", "%ld", n);
    return failed ? -1 : 0;
}

static kb_status derive_cleared(kb_combine_ctx *ctx)
{
    size_t n = ctx->facts->n; /* the facts of the scan, not those added here */
    for (size_t i = 0; i < n; i++) {
        const kb_fact *event = ctx->facts->items[i];
        long id = clearing_id(event);
        if (id && event->input < ctx->inputs->n && add_cleared(ctx, event, id) != 0)
            return KB_ERR_NOMEM;
    }
    return KB_OK;
}

static int cleared_interest(kb_interest *interest)
{
    if (kb_interest_add(interest, "Microsoft-Windows-Eventlog", 1102) != 0 ||
        kb_interest_add(interest, "Microsoft-Windows-Eventlog", 104) != 0)
        return -1;
    return 0;
}

static const char *const reads[] = {"event", NULL};

static int is_clearing(const kb_fact *f)
{
    return clearing_id(f) != 0;
}

const kb_combiner kb_combiner_log_cleared = {
    .name = KB_FACT_LOG_CLEARED,
    .run = derive_cleared,
    .reads = reads,
    .uses = is_clearing,
    .interest = cleared_interest,
};
