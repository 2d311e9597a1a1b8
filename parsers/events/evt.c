/* evt.c: legacy event logs (.evt, Windows Server 2003 and older) through
 * Debian's libevt: the header signature LfLe, then each record's source,
 * event id (its low 16 bits; the high ones are its qualifiers), type
 * (error, warning, information, audit), time written, record number,
 * computer, insertion strings and data, as the EVTX parser gives them, and
 * the records libevt recovers from free space (marked so). A .evt names no
 * log: its file name does (AppEvent.Evt, SysEvent.Evt, SecEvent.Evt). The
 * log is read from memory (within the archive and text limits that apply
 * to it); libevt decodes it in kbscan's own process (its records are
 * plain: no templates to expand), so a crash in libevt would end kbscan:
 * its fuzz target keeps that in check. */
#include "events/event.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <libbfio.h>
#include <libevt.h>
#include <stdlib.h>
#include <string.h>

static int sniff(const unsigned char *head, size_t len)
{
    /* Header: its size (0x30) twice around it, "LfLe" after the first. */
    return len >= 8 && memcmp(head + 4, "LfLe", 4) == 0 && head[0] == 0x30 && head[1] == 0 && head[2] == 0 &&
                   head[3] == 0
               ? 100
               : 0;
}

/* libyal's error chains: the innermost call, first line, names the cause. */
static void cause(libevt_error_t *error, char *out, size_t outlen)
{
    char buf[1024];
    snprintf(out, outlen, "unknown error");
    if (error && libevt_error_sprint(error, buf, sizeof buf) > 0) {
        size_t n = strcspn(buf, "\n");
        snprintf(out, outlen, "%.*s", (int)n, buf);
    }
}

typedef int (*size_fn)(libevt_record_t *, size_t *, libevt_error_t **);
typedef int (*get_fn)(libevt_record_t *, uint8_t *, size_t, libevt_error_t **);

static char *record_string(libevt_record_t *rec, size_fn size_of, get_fn get)
{
    size_t size = 0;
    libevt_error_t *error = NULL;
    if (size_of(rec, &size, &error) != 1 || size == 0) {
        libevt_error_free(&error);
        return NULL;
    }
    char *s = kb_xmalloc(size);
    if (get(rec, (uint8_t *)s, size, &error) != 1) {
        libevt_error_free(&error);
        free(s);
        return NULL;
    }
    s[size - 1] = '\0';
    return s;
}

static int level_of(uint16_t type)
{
    switch (type) {
    case LIBEVT_EVENT_TYPE_ERROR: return 2;
    case LIBEVT_EVENT_TYPE_WARNING: return 3;
    case LIBEVT_EVENT_TYPE_AUDIT_SUCCESS:
    case LIBEVT_EVENT_TYPE_AUDIT_FAILURE: return 0;
    default: return 4;
    }
}

static char *data_hex(libevt_record_t *rec)
{
    size_t size = 0;
    libevt_error_t *error = NULL;
    if (libevt_record_get_data_size(rec, &size, &error) != 1 || size == 0 || size > (16u << 20)) {
        libevt_error_free(&error);
        return NULL;
    }
    uint8_t *data = kb_xmalloc(size);
    char *hex = NULL;
    if (libevt_record_get_data(rec, data, size, &error) == 1) {
        hex = kb_xmalloc(size * 2 + 1);
        for (size_t i = 0; i < size; i++)
            snprintf(hex + 2 * i, 3, "%02X", data[i]);
    }
    libevt_error_free(&error);
    free(data);
    return hex;
}

static int read_record(kb_parse_ctx *ctx, libevt_record_t *rec, int recovered, kb_event_log *log)
{
    libevt_error_t *error = NULL;
    uint32_t id = 0, number = 0, written = 0;
    uint16_t type = 0;
    libevt_record_get_event_identifier(rec, &id, &error);
    libevt_error_free(&error);
    libevt_record_get_identifier(rec, &number, &error);
    libevt_error_free(&error);
    libevt_record_get_written_time(rec, &written, &error);
    libevt_error_free(&error);
    libevt_record_get_event_type(rec, &type, &error);
    libevt_error_free(&error);
    char *provider = record_string(rec, libevt_record_get_utf8_source_name_size, libevt_record_get_utf8_source_name);
    char *computer = record_string(rec, libevt_record_get_utf8_computer_name_size,
                                   libevt_record_get_utf8_computer_name);
    int count = 0;
    if (libevt_record_get_number_of_strings(rec, &count, &error) != 1)
        count = 0;
    libevt_error_free(&error);
    if (count > 256)
        count = 256;
    char **strings = kb_xcalloc((size_t)count + 1, sizeof *strings);
    for (int i = 0; i < count; i++) {
        size_t size = 0;
        if (libevt_record_get_utf8_string_size(rec, i, &size, &error) == 1 && size > 0) {
            strings[i] = kb_xmalloc(size);
            if (libevt_record_get_utf8_string(rec, i, (uint8_t *)strings[i], size, &error) != 1)
                strings[i][0] = '\0';
            strings[i][size - 1] = '\0';
        }
        libevt_error_free(&error);
    }
    char *hex = data_hex(rec);
    size_t before = ctx->facts->n;
    kb_event_record r = {
        .provider = provider, .event_id = (long)(id & 0xffff), .qualifiers = (long)(id >> 16),
        .level = level_of(type), .time = (int64_t)written * 1000000, .record = number, .computer = computer,
        .strings = (const char *const *)strings, .nstrings = (size_t)count, .has_strings = 1, .binary_hex = hex,
    };
    int rc = kb_event_add(ctx, NULL, &r, log);
    if (ctx->facts->n > before)
        ctx->facts->items[ctx->facts->n - 1]->recovered = recovered;
    for (int i = 0; i < count; i++)
        free(strings[i]);
    free(strings);
    free(hex);
    free(provider);
    free(computer);
    return rc;
}

static kb_status read_records(kb_parse_ctx *ctx, libevt_file_t *file, int recovered, kb_event_log *log)
{
    libevt_error_t *error = NULL;
    int n = 0;
    int ok = recovered ? libevt_file_get_number_of_recovered_records(file, &n, &error)
                       : libevt_file_get_number_of_records(file, &n, &error);
    libevt_error_free(&error);
    if (ok != 1)
        return KB_OK;
    for (int i = 0; i < n; i++) {
        libevt_record_t *rec = NULL;
        ok = recovered ? libevt_file_get_recovered_record_by_index(file, i, &rec, &error)
                       : libevt_file_get_record_by_index(file, i, &rec, &error);
        if (ok != 1) {
            char why[256];
            cause(error, why, sizeof why);
            libevt_error_free(&error);
            char where[32];
            snprintf(where, sizeof where, "record %d", i);
            kb_input_note(ctx->input, where, "unreadable: %s", why);
            kb_input_fail(ctx->input, KB_INPUT_DAMAGED, "some records cannot be read");
            continue;
        }
        int rc = read_record(ctx, rec, recovered, log);
        libevt_record_free(&rec, NULL);
        if (rc != 0)
            return KB_ERR_NOMEM;
    }
    return KB_OK;
}

static kb_status parse(const kb_input_handle *h, kb_parse_ctx *ctx)
{
    size_t len = 0;
    unsigned char *copy = NULL;
    const unsigned char *data = kb_handle_bytes(h, &len, &copy);
    libbfio_handle_t *io = NULL;
    libevt_file_t *file = NULL;
    libevt_error_t *error = NULL;
    libbfio_error_t *berror = NULL;
    kb_status st = KB_OK;
    if (libbfio_memory_range_initialize(&io, &berror) != 1 ||
        libbfio_memory_range_set(io, (uint8_t *)data, len, &berror) != 1 || libevt_file_initialize(&file, &error) != 1)
        kb_out_of_memory();
    if (libevt_file_open_file_io_handle(file, io, LIBEVT_OPEN_READ, &error) != 1) {
        char why[256];
        cause(error, why, sizeof why);
        kb_input_fail(ctx->input, KB_INPUT_ERROR, "libevt cannot open it: %s", why);
        libevt_error_free(&error);
    } else {
        if (libevt_file_is_corrupted(file, &error) == 1)
            kb_input_fail(ctx->input, KB_INPUT_DAMAGED, "libevt reports the file as corrupted");
        libevt_error_free(&error);
        kb_event_log log = {0};
        st = read_records(ctx, file, 0, &log);
        if (st == KB_OK)
            st = read_records(ctx, file, 1, &log);
        kb_event_log_end(ctx, &log);
        libevt_file_close(file, NULL);
    }
    libevt_file_free(&file, NULL);
    libbfio_handle_free(&io, NULL);
    free(copy);
    return st;
}

static const kb_fact_decl facts[] = {
    {"event", kb_event_fields}, {KB_FACT_LOG_EXTENT, kb_event_log_fields}, {NULL, NULL},
};

const kb_source kb_source_evt = {
    .name = "evt",
    .kind = "evt",
    .label = "legacy event log (.evt, Windows Server 2003 and older)",
    .form = KB_FORM_BINARY,
    .sniff_head = sniff,
    .parse_input = parse,
    .facts = facts,
    .feed = "eventlog:<Channel>",
    .covers = KB_COVERS_EVENTS,
    .counts = kb_event_counts,
    .name_hint = ".evt",
};
