/* binxml.h: kbscan's own decoder of EVTX records (binary XML): from one
 * 64 KiB chunk and a record's place in it, the fields rules read (System,
 * EventData, UserData), with values rendered as libevtx renders them.
 *
 * One decoder context per log (or per thread): it keeps the parsed form of
 * every template it has met, across chunks, and the buffers a record is
 * decoded into, so that decoding a record allocates nothing once warm.
 * Nothing from the chunk is trusted: every offset and length is checked
 * against the space left, and a record that cannot be decoded gives an
 * error naming what is wrong and where (kb_binxml_error). */
#ifndef KB_BINXML_H
#define KB_BINXML_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* Limits: past them a record is refused (KB_ERR_LIMIT), never decoded in
 * part. Real records stay far below (about 5 levels, 2 nested values). */
#define KB_BINXML_MAX_NESTING 8       /* BinXml values within values */
#define KB_BINXML_MAX_DEPTH 64        /* elements within elements, in all */
#define KB_BINXML_MAX_TEXT (16u << 20) /* rendered text of one record, bytes */
#define KB_BINXML_MAX_STEPS 1000000u  /* template nodes walked for one record */
#define KB_BINXML_MAX_TEMPLATES 4096  /* kept; the cache is emptied past this */
#define KB_BINXML_MAX_TEMPLATE_BYTES (32u << 20) /* or past this much memory */

/* Where a payload field was found. */
typedef enum kb_binxml_section {
    KB_BINXML_EVENTDATA = 1,
    KB_BINXML_USERDATA,
    KB_BINXML_PROCESSING_ERROR, /* <ProcessingErrorData> */
    KB_BINXML_DEBUGDATA
} kb_binxml_section;

/* Field flags. */
#define KB_BINXML_FIELD_SUBST 0x01 /* the value came from a substitution */
#define KB_BINXML_FIELD_EMPTY 0x02 /* a substitution with no value (type 0) */
#define KB_BINXML_FIELD_ATTR 0x04  /* an attribute but a Data's Name (name: path "/@attribute") */
#define KB_BINXML_FIELD_ARRAY 0x08 /* one item of an array value */

/* One payload value, in document order. */
typedef struct kb_binxml_field {
    kb_binxml_section section;
    const char *elem;   /* the element's name ("Data", "Binary", ...) */
    /* EventData: the Name attribute, NULL when none. Elsewhere: the path
     * below the section's element, e.g. "LogFileCleared/SubjectUserName". */
    const char *name;
    const char *value;  /* UTF-8, "" when empty */
    size_t value_len;
    uint8_t type;       /* value type of the substitution (0: literal text) */
    uint8_t flags;      /* KB_BINXML_FIELD_* */
} kb_binxml_field;

/* What a record says. Strings are UTF-8 (NULL when absent) and stay valid
 * until the next decode with the same context; binary points into the
 * chunk. has_* say whether a number was present (and parsed). */
typedef struct kb_binxml_record {
    uint64_t record_id;        /* the record header's */
    uint64_t written_time;     /* FILETIME, the record header's */
    uint64_t time_created;     /* FILETIME, System/TimeCreated@SystemTime */
    uint64_t event_record_id;  /* System/EventRecordID */
    uint64_t keywords;
    uint32_t event_id, qualifiers, process_id, thread_id;
    uint16_t task;
    uint8_t version, level, opcode;
    uint8_t has_time_created, has_event_record_id, has_keywords, has_event_id, has_qualifiers,
        has_process_id, has_thread_id, has_task, has_version, has_level, has_opcode;
    const char *provider_name, *provider_guid, *event_source_name;
    const char *channel, *computer, *user_id;
    const char *activity_id, *related_activity_id;
    /* The payload: EventData (and <Binary>), UserData, ProcessingErrorData,
     * DebugData values, in document order. */
    const kb_binxml_field *fields;
    size_t nfields;
    int has_binary;            /* an EventData <Binary> element */
    const uint8_t *binary;     /* its bytes (NULL when not a binary value) */
    size_t binary_len;
} kb_binxml_record;

typedef struct kb_binxml_ctx kb_binxml_ctx;

/* NULL when out of memory. */
kb_binxml_ctx *kb_binxml_new(void);
void kb_binxml_free(kb_binxml_ctx *ctx);

/* Decodes the record of rec_size bytes at rec_off in the chunk (chunk_len
 * bytes, normally 65536; its checksums checked by the caller). KB_OK, or
 * KB_ERR_FORMAT / KB_ERR_LIMIT / KB_ERR_NOMEM with kb_binxml_error saying
 * why; out is then zeroed but for record_id and written_time when the
 * record header could be read. */
kb_status kb_binxml_decode(kb_binxml_ctx *ctx, const uint8_t *chunk, size_t chunk_len, size_t rec_off,
                           size_t rec_size, kb_binxml_record *out);

/* The cheap path for a prefilter: only the System element is read, and of
 * it only what the prefilter asks: Provider's Name and EventSourceName,
 * EventID, EventRecordID, Channel, Computer; the walk stops where System
 * ends, so EventData is never rendered. The other System values are
 * checked (kb_bx_value_check), not rendered: a peek fails on the same
 * records as a decode. out's other fields stay unset. */
kb_status kb_binxml_peek(kb_binxml_ctx *ctx, const uint8_t *chunk, size_t chunk_len, size_t rec_off,
                         size_t rec_size, kb_binxml_record *out);

/* A record whose end was overwritten (the copy of its size there does not
 * match: a log copied while a page of it was not yet written, whose zeros
 * end the BinXml stream early): decoded (peek: only System) without that
 * check, every other check kept. What it gives may lack values that were
 * lost: the caller takes it as damaged. */
kb_status kb_binxml_decode_cut(kb_binxml_ctx *ctx, const uint8_t *chunk, size_t chunk_len, size_t rec_off,
                               size_t rec_size, kb_binxml_record *out, int peek);

/* Why the last call failed, e.g. "unknown BinXml token 0x1f at chunk
 * offset 0x2a8 (record offset 88)"; "" after a success. */
const char *kb_binxml_error(const kb_binxml_ctx *ctx);

/* Templates parsed so far and how often a parsed one was reused (tests). */
size_t kb_binxml_templates(const kb_binxml_ctx *ctx);
uint64_t kb_binxml_template_reuses(const kb_binxml_ctx *ctx);

#endif
