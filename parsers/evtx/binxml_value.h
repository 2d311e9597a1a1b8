/* binxml_value.h: the text a BinXml value is shown as (internal to the
 * decoder): each value type rendered as libevtx 20181227 renders it, into a
 * growable text buffer with a hard size bound; UTF-16 decoded with surrogate
 * pairs. Arrays (type | 0x80) are split into items here too. */
#ifndef KB_BINXML_VALUE_H
#define KB_BINXML_VALUE_H

#include <stddef.h>
#include <stdint.h>

/* BinXml value types (the ones with a name here are the ones that occur). */
enum {
    KB_BX_NULL = 0x00,
    KB_BX_STRING = 0x01,     /* UTF-16LE */
    KB_BX_ANSI = 0x02,       /* code page 1252 */
    KB_BX_INT8 = 0x03,
    KB_BX_UINT8 = 0x04,
    KB_BX_INT16 = 0x05,
    KB_BX_UINT16 = 0x06,
    KB_BX_INT32 = 0x07,
    KB_BX_UINT32 = 0x08,
    KB_BX_INT64 = 0x09,
    KB_BX_UINT64 = 0x0a,
    KB_BX_REAL32 = 0x0b,
    KB_BX_REAL64 = 0x0c,
    KB_BX_BOOL = 0x0d,
    KB_BX_BINARY = 0x0e,
    KB_BX_GUID = 0x0f,
    KB_BX_SIZET = 0x10,
    KB_BX_FILETIME = 0x11,
    KB_BX_SYSTEMTIME = 0x12,
    KB_BX_SID = 0x13,
    KB_BX_HEX32 = 0x14,
    KB_BX_HEX64 = 0x15,
    KB_BX_EVTHANDLE = 0x20,
    KB_BX_BINXML = 0x21,
    KB_BX_EVTXML = 0x23,
    KB_BX_ARRAY = 0x80
};

/* A text buffer; len never exceeds limit. */
typedef struct kb_bx_text {
    char *data;
    size_t len, cap, limit;
} kb_bx_text;

/* Results of the functions below. */
typedef enum kb_bx_result {
    KB_BX_OK = 0,
    KB_BX_NOMEM,   /* allocation failed */
    KB_BX_FULL,    /* the text limit would be passed */
    KB_BX_BADSIZE, /* the value's size does not fit its type */
    KB_BX_BADTYPE  /* a type that cannot be shown as text */
} kb_bx_result;

/* Room for more bytes at data + len. */
kb_bx_result kb_bx_text_reserve(kb_bx_text *t, size_t more);
kb_bx_result kb_bx_text_append(kb_bx_text *t, const char *s, size_t n);
void kb_bx_text_free(kb_bx_text *t);

/* UTF-16LE (n bytes; an odd last byte is ignored) to UTF-8, up to the first
 * NUL; an unpaired surrogate becomes U+FFFD. */
kb_bx_result kb_bx_utf16_append(kb_bx_text *t, const uint8_t *p, size_t n);

/* A value of a type without the array flag (and not BinXml) as text. */
kb_bx_result kb_bx_render(kb_bx_text *t, uint8_t type, const uint8_t *p, size_t n);
/* Whether kb_bx_render would render the value (KB_BX_OK) or why not
 * (KB_BX_BADSIZE, KB_BX_BADTYPE), without rendering it: a peek skips
 * values it does not read, yet fails on the same records as a decode. */
kb_bx_result kb_bx_value_check(uint8_t type, const uint8_t *p, size_t n);

/* Arrays: the number of items of a value of type (with the flag), and item
 * i's bytes. String arrays are NUL-separated; the others have fixed-size
 * items (a trailing part item is not one). */
size_t kb_bx_array_count(uint8_t type, const uint8_t *p, size_t n);
int kb_bx_array_item(uint8_t type, const uint8_t *p, size_t n, size_t i, const uint8_t **item, size_t *item_len);
/* The same, from a cursor the previous call left (it starts zeroed): items
 * asked for in order cost one pass over the array, not one per item. */
typedef struct kb_bx_array_cursor {
    const uint8_t *p;
    size_t n, index, off;
    uint8_t type;
} kb_bx_array_cursor;
int kb_bx_array_item_at(kb_bx_array_cursor *at, uint8_t type, const uint8_t *p, size_t n, size_t i,
                        const uint8_t **item, size_t *item_len);

/* A short name for messages ("uint16", "binary", ...). */
const char *kb_bx_type_name(uint8_t type);

/* Reads little-endian integers (the caller checked the room). */
static inline uint16_t kb_bx_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t kb_bx_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t kb_bx_u64(const uint8_t *p)
{
    return (uint64_t)kb_bx_u32(p) | ((uint64_t)kb_bx_u32(p + 4) << 32);
}

#endif
