/* test_binxml.c: kbscan's BinXml decoder (parsers/evtx/binxml.c) on
 * records built here byte by byte: every token and value type, nested
 * BinXml values, arrays, processing instructions, empty substitutions,
 * templates reused across chunks; and hostile records (cut short, offsets
 * near 0xFFFFFFFF, sizes that overflow, recursion, deep nesting), each
 * refused with its reason and never a crash (run under ASan+UBSan too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include "evtx/binxml.h"
#include "fuzz_binxml.h"

#define CHUNK 65536
#define REC 0x200

/* A writer into a chunk buffer. */
typedef struct bw {
    uint8_t *p;
    size_t n;
} bw;

static void u8(bw *b, unsigned v)
{
    b->p[b->n++] = (uint8_t)v;
}
static void u16(bw *b, unsigned v)
{
    u8(b, v & 0xff);
    u8(b, (v >> 8) & 0xff);
}
static void u32(bw *b, uint32_t v)
{
    u16(b, v & 0xffff);
    u16(b, v >> 16);
}
static void u64(bw *b, uint64_t v)
{
    u32(b, (uint32_t)v);
    u32(b, (uint32_t)(v >> 32));
}
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* UTF-16 of an ASCII string. */
static void utf16(bw *b, const char *s)
{
    for (; *s; s++)
        u16(b, (unsigned char)*s);
}

/* A name written in place: its offset points right after the offset field. */
static void inline_name(bw *b, const char *s)
{
    u32(b, (uint32_t)(b->n + 4));
    u32(b, 0);
    u16(b, 0);
    u16(b, (unsigned)strlen(s));
    utf16(b, s);
    u16(b, 0);
}

static int in_template; /* elements of template definitions carry a dependency id */

static void open_elem(bw *b, const char *name, int attrs)
{
    u8(b, attrs ? 0x41 : 0x01);
    if (in_template)
        u16(b, 0xffff);
    u32(b, 0); /* data size: not relied on */
    inline_name(b, name);
    if (attrs)
        u32(b, 0);
}
static void attr(bw *b, const char *name)
{
    u8(b, 0x06);
    inline_name(b, name);
}
static void text(bw *b, const char *s)
{
    u8(b, 0x05);
    u8(b, 0x01);
    u16(b, (unsigned)strlen(s));
    utf16(b, s);
}
static void subst(bw *b, unsigned index, unsigned type)
{
    u8(b, 0x0d);
    u16(b, index);
    u8(b, type);
}
static void opt_subst(bw *b, unsigned index, unsigned type)
{
    u8(b, 0x0e);
    u16(b, index);
    u8(b, type);
}
static void close_start(bw *b)
{
    u8(b, 0x02);
}
static void close_empty(bw *b)
{
    u8(b, 0x03);
}
static void end_elem(bw *b)
{
    u8(b, 0x04);
}
static void fragment(bw *b)
{
    u8(b, 0x0f), u8(b, 1), u8(b, 1), u8(b, 0);
}

/* <name>%index</name> */
static void leaf(bw *b, const char *name, unsigned index, unsigned type)
{
    open_elem(b, name, 0);
    close_start(b);
    subst(b, index, type);
    end_elem(b);
}

/* <Data Name="name">%index</Data> */
static void data(bw *b, const char *name, unsigned index, unsigned type)
{
    open_elem(b, "Data", name != NULL);
    if (name) {
        attr(b, "Name");
        text(b, name);
    }
    close_start(b);
    subst(b, index, type);
    end_elem(b);
}

/* Template instance header with its definition in place; returns where the
 * definition size is, to be patched by def_end. */
static size_t ti_begin(bw *b, uint8_t guid_byte)
{
    u8(b, 0x0c);
    u8(b, 1);
    u32(b, guid_byte);
    u32(b, (uint32_t)(b->n + 4)); /* the definition follows */
    u32(b, 0);                    /* next template */
    for (int i = 0; i < 16; i++)
        u8(b, i == 0 ? guid_byte : i);
    size_t size_at = b->n;
    u32(b, 0);
    in_template = 1;
    fragment(b);
    return size_at;
}
static void def_end(bw *b, size_t size_at)
{
    u8(b, 0x00); /* EOF */
    put32(b->p + size_at, (uint32_t)(b->n - size_at - 4));
    in_template = 0;
}
/* A template instance that refers to a definition elsewhere in the chunk. */
static void ti_ref(bw *b, uint32_t def_off)
{
    u8(b, 0x0c);
    u8(b, 1);
    u32(b, 0);
    u32(b, def_off);
}

/* Values: descriptors then data. */
typedef struct val {
    unsigned type;
    const void *bytes;
    size_t size;
} val;

static void values(bw *b, const val *v, size_t n)
{
    u32(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        u16(b, (unsigned)v[i].size);
        u8(b, v[i].type);
        u8(b, 0);
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(b->p + b->n, v[i].bytes, v[i].size);
        b->n += v[i].size;
    }
}

static void rec_begin(bw *b, uint64_t id)
{
    u32(b, 0x2a2a);
    u32(b, 0);
    u64(b, id);
    u64(b, 132000000000000000ull);
}
/* Patches the sizes; returns the record's size. */
static size_t rec_end(bw *b, size_t start)
{
    u8(b, 0x00);
    size_t size = b->n - start + 4;
    u32(b, (uint32_t)size);
    put32(b->p + start + 4, (uint32_t)size);
    return size;
}

static uint8_t *chunk_new(void)
{
    uint8_t *c = calloc(1, CHUNK);
    assert_non_null(c);
    memcpy(c, "ElfChnk", 8);
    return c;
}

/* A UTF-16 string value's bytes (static: one at a time per caller slot). */
static size_t u16s(uint8_t *out, const char *s)
{
    size_t n = 0;
    for (; *s; s++, n += 2)
        out[n] = (uint8_t)*s, out[n + 1] = 0;
    return n;
}

/* The EventData template, as a nested BinXml value's bytes, written at the
 * chunk position the value will have (offsets are chunk offsets). */
static size_t eventdata_value(uint8_t *chunk, size_t at, const char *user, uint32_t pid, uint32_t def_ref)
{
    bw b = {chunk, at};
    static uint8_t s1[64];
    size_t n1 = u16s(s1, user);
    fragment(&b);
    if (def_ref) {
        ti_ref(&b, def_ref);
        goto values;
    }
    size_t def = ti_begin(&b, 0xed);
    open_elem(&b, "EventData", 0);
    close_start(&b);
    data(&b, "SubjectUserName", 0, 0x01);
    data(&b, "ProcessId", 1, 0x14);
    open_elem(&b, "Binary", 0);
    close_start(&b);
    opt_subst(&b, 2, 0x0e);
    end_elem(&b);
    end_elem(&b);
    def_end(&b, def);
values:;
    val v[] = {{0x01, s1, n1}, {0x14, &pid, 4}, {0x0e, "\xde\xad\xbe\xef", 4}};
    values(&b, v, 3);
    u8(&b, 0x00);
    return b.n - at;
}

/* A Windows-like record: System from the outer template, EventData a BinXml
 * value with a template of its own. The templates are defined in place, or
 * referred to at the chunk offsets given. Returns the record size. */
static size_t build_standard_ref(uint8_t *chunk, size_t off, uint64_t id, uint32_t outer_ref, uint32_t nested_ref)
{
    bw b = {chunk, off};
    rec_begin(&b, id);
    fragment(&b);
    if (outer_ref) {
        ti_ref(&b, outer_ref);
        goto values;
    }
    size_t def = ti_begin(&b, 0x5a);
    open_elem(&b, "Event", 1);
    attr(&b, "xmlns");
    text(&b, "http://schemas.microsoft.com/win/2004/08/events/event");
    close_start(&b);
    open_elem(&b, "System", 0);
    close_start(&b);
    open_elem(&b, "Provider", 1);
    attr(&b, "Name");
    subst(&b, 0, 0x01);
    u8(&b, 0x46); /* another attribute follows */
    inline_name(&b, "Guid");
    subst(&b, 1, 0x0f);
    close_empty(&b);
    open_elem(&b, "EventID", 1);
    attr(&b, "Qualifiers");
    subst(&b, 2, 0x06);
    close_start(&b);
    subst(&b, 3, 0x06);
    end_elem(&b);
    leaf(&b, "Version", 4, 0x04);
    leaf(&b, "Level", 5, 0x04);
    leaf(&b, "Task", 6, 0x06);
    leaf(&b, "Opcode", 7, 0x04);
    leaf(&b, "Keywords", 8, 0x15);
    open_elem(&b, "TimeCreated", 1);
    attr(&b, "SystemTime");
    subst(&b, 9, 0x11);
    close_empty(&b);
    leaf(&b, "EventRecordID", 10, 0x0a);
    open_elem(&b, "Execution", 1);
    attr(&b, "ProcessID");
    subst(&b, 11, 0x08);
    attr(&b, "ThreadID");
    subst(&b, 12, 0x08);
    close_empty(&b);
    open_elem(&b, "Channel", 0);
    close_start(&b);
    text(&b, "Security");
    end_elem(&b);
    leaf(&b, "Computer", 13, 0x01);
    open_elem(&b, "Security", 1);
    attr(&b, "UserID");
    opt_subst(&b, 14, 0x13);
    close_empty(&b);
    end_elem(&b); /* System */
    subst(&b, 15, 0x21);
    end_elem(&b); /* Event */
    def_end(&b, def);
values:;

    static uint8_t prov[256], comp[256], nested[4096];
    size_t nprov = u16s(prov, "Microsoft-Windows-Security-Auditing");
    size_t ncomp = u16s(comp, "DC01.example.com");
    static const uint8_t guid[16] = {0x25, 0x89, 0x54, 0x54, 0x0d, 0x5c, 0x48, 0x49,
                                     0xa1, 0x2e, 0x3c, 0x88, 0x83, 0x6b, 0x8f, 0x2a};
    static const uint8_t sid[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xe8, 3, 0, 0,
                                  0x10, 0x27, 0, 0, 0x39, 0x30, 0, 0, 0xf4, 1, 0, 0};
    uint16_t q = 0x8000, eid = 4624, task = 12544;
    uint8_t ver = 2, lvl = 0, op = 0;
    uint64_t kw = 0x8020000000000000ull, ft = 132000000001234567ull, rid = id;
    uint32_t pid = 612, tid = 4720;
    /* The nested value's bytes are written where they will sit: after the
     * descriptors, behind the 15 values before it. */
    size_t fixed = nprov + 16 + 2 + 2 + 1 + 1 + 2 + 1 + 8 + 8 + 8 + 4 + 4 + ncomp + sizeof sid;
    size_t nested_at = b.n + 4 + 16 * 4 + fixed;
    size_t nn = eventdata_value(chunk, nested_at, "alice", 0x2a, nested_ref);
    memcpy(nested, chunk + nested_at, nn);
    val v[] = {{0x01, prov, nprov}, {0x0f, guid, 16},  {0x06, &q, 2},       {0x06, &eid, 2},
               {0x04, &ver, 1},     {0x04, &lvl, 1},   {0x06, &task, 2},    {0x04, &op, 1},
               {0x15, &kw, 8},      {0x11, &ft, 8},    {0x0a, &rid, 8},     {0x08, &pid, 4},
               {0x08, &tid, 4},     {0x01, comp, ncomp}, {0x13, sid, sizeof sid}, {0x21, nested, nn}};
    values(&b, v, 16);
    return rec_end(&b, off);
}

static size_t build_standard(uint8_t *chunk, size_t off, uint64_t id)
{
    return build_standard_ref(chunk, off, id, 0, 0);
}

static uint8_t *find_bytes(uint8_t *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

/* Where the definition of the template whose GUID starts with g is. */
static uint32_t find_def(uint8_t *chunk, uint8_t g)
{
    uint8_t guid[16];
    for (int i = 0; i < 16; i++)
        guid[i] = (uint8_t)(i == 0 ? g : i);
    const uint8_t *p = find_bytes(chunk, CHUNK, guid, 16);
    assert_non_null(p);
    return (uint32_t)(p - chunk - 4);
}

static const kb_binxml_field *field(const kb_binxml_record *r, size_t i)
{
    assert_true(i < r->nfields);
    return &r->fields[i];
}

static void test_standard_record(void **state)
{
    (void)state;
    uint8_t *c = chunk_new();
    size_t size = build_standard(c, REC, 77);
    kb_binxml_ctx *ctx = kb_binxml_new();
    kb_binxml_record r;
    assert_int_equal(kb_binxml_decode(ctx, c, CHUNK, REC, size, &r), KB_OK);
    assert_string_equal(kb_binxml_error(ctx), "");
    assert_int_equal(r.record_id, 77);
    assert_int_equal(r.written_time, 132000000000000000ull);
    assert_string_equal(r.provider_name, "Microsoft-Windows-Security-Auditing");
    assert_string_equal(r.provider_guid, "{54548925-5C0D-4948-A12E-3C88836B8F2A}");
    assert_null(r.event_source_name);
    assert_true(r.has_event_id && r.event_id == 4624);
    assert_true(r.has_qualifiers && r.qualifiers == 0x8000);
    assert_true(r.has_version && r.version == 2);
    assert_true(r.has_level && r.level == 0);
    assert_true(r.has_task && r.task == 12544);
    assert_true(r.has_keywords && r.keywords == 0x8020000000000000ull);
    assert_true(r.has_time_created && r.time_created == 132000000001234567ull);
    assert_true(r.has_event_record_id && r.event_record_id == 77);
    assert_true(r.has_process_id && r.process_id == 612);
    assert_true(r.has_thread_id && r.thread_id == 4720);
    assert_string_equal(r.channel, "Security");
    assert_string_equal(r.computer, "DC01.example.com");
    assert_string_equal(r.user_id, "S-1-5-21-1000-10000-12345-500");
    assert_int_equal(r.nfields, 3);
    assert_int_equal(field(&r, 0)->section, KB_BINXML_EVENTDATA);
    assert_string_equal(field(&r, 0)->name, "SubjectUserName");
    assert_string_equal(field(&r, 0)->elem, "Data");
    assert_string_equal(field(&r, 0)->value, "alice");
    assert_int_equal(field(&r, 0)->flags, KB_BINXML_FIELD_SUBST);
    assert_string_equal(field(&r, 1)->name, "ProcessId");
    assert_string_equal(field(&r, 1)->value, "0x0000002a");
    assert_string_equal(field(&r, 2)->elem, "Binary");
    assert_null(field(&r, 2)->name);
    assert_string_equal(field(&r, 2)->value, "DEADBEEF");
    assert_true(r.has_binary);
    assert_int_equal(r.binary_len, 4);
    assert_memory_equal(r.binary, "\xde\xad\xbe\xef", 4);
    /* Decoding it again reuses both templates. */
    assert_int_equal(kb_binxml_decode(ctx, c, CHUNK, REC, size, &r), KB_OK);
    assert_int_equal(kb_binxml_templates(ctx), 2);
    assert_int_equal(kb_binxml_template_reuses(ctx), 2);
    /* The cheap path: provider and event id, no payload. */
    assert_int_equal(kb_binxml_peek(ctx, c, CHUNK, REC, size, &r), KB_OK);
    assert_true(r.has_event_id && r.event_id == 4624);
    assert_string_equal(r.provider_name, "Microsoft-Windows-Security-Auditing");
    assert_int_equal(r.nfields, 0);
    kb_binxml_free(ctx);
    free(c);
}

/* A record with one template whose <Data> elements hold the given values. */
static size_t build_values(uint8_t *chunk, size_t off, const val *v, size_t n)
{
    bw b = {chunk, off};
    rec_begin(&b, 1);
    fragment(&b);
    size_t def = ti_begin(&b, 0x33);
    open_elem(&b, "Event", 0);
    close_start(&b);
    open_elem(&b, "EventData", 0);
    close_start(&b);
    for (size_t i = 0; i < n; i++)
        data(&b, NULL, (unsigned)i, v[i].type);
    end_elem(&b);
    end_elem(&b);
    def_end(&b, def);
    values(&b, v, n);
    return rec_end(&b, off);
}

static void test_value_types(void **state)
{
    (void)state;
    int8_t i8 = -5;
    uint8_t ui8 = 200;
    int16_t i16 = -300;
    uint16_t ui16 = 65535;
    int32_t i32 = -1;
    uint32_t ui32 = 4000000000u, hex32 = 42, size4 = 7;
    int64_t i64 = -9000000000ll;
    uint64_t ui64 = 18000000000000000000ull, hex64 = 0x1234abcdull, size8 = 9;
    float f32 = 1.5f;
    double f64 = -0.000123;
    uint32_t yes = 1, no = 0;
    uint64_t ft = 132000000001234567ull;
    static const uint16_t st[8] = {2019, 3, 1, 15, 13, 4, 5, 678};
    static const uint8_t guid[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const uint8_t sid[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
    static const uint8_t big_authority[] = {1, 0, 1, 2, 3, 4, 5, 6};
    /* U+1F600 as a surrogate pair, a lone high surrogate, U+00E9, then NUL and more. */
    static const uint8_t u16str[] = {'a', 0, 0x3d, 0xd8, 0x00, 0xde, 0x00, 0xd8, 'b', 0, 0xe9, 0, 0, 0, 'x', 0};
    static const char ansi[] = "\x80 caf\xe9";
    val v[] = {{0x03, &i8, 1},   {0x04, &ui8, 1},   {0x05, &i16, 2},    {0x06, &ui16, 2},  {0x07, &i32, 4},
               {0x08, &ui32, 4}, {0x09, &i64, 8},   {0x0a, &ui64, 8},   {0x0b, &f32, 4},   {0x0c, &f64, 8},
               {0x0d, &yes, 4},  {0x0d, &no, 4},    {0x0e, "\x01\xab", 2}, {0x0f, guid, 16}, {0x10, &size4, 4},
               {0x10, &size8, 8}, {0x11, &ft, 8},   {0x12, st, 16},     {0x13, sid, sizeof sid},
               {0x13, big_authority, sizeof big_authority}, {0x14, &hex32, 4}, {0x15, &hex64, 8},
               {0x01, u16str, sizeof u16str}, {0x02, ansi, sizeof ansi - 1}, {0x01, "", 0}};
    static const char *const want[] = {"-5", "200", "-300", "65535", "-1", "4000000000", "-9000000000",
                                       "18000000000000000000", "1.500000e+000", "-1.230000e-004", "true", "false",
                                       "01AB", "{04030201-0605-0807-090A-0B0C0D0E0F10}", "7", "9",
                                       "2019-04-17T18:40:00.123456700Z", "2019-03-15T13:04:05.678Z", "S-1-5-18",
                                       "S-1-0x010203040506", "0x0000002a", "0x000000001234abcd",
                                       ("a\xf0\x9f\x98\x80\xef\xbf\xbd" "b\xc3\xa9"), "\xe2\x82\xac caf\xc3\xa9", ""};
    size_t n = sizeof v / sizeof v[0];
    assert_int_equal(n, sizeof want / sizeof want[0]);
    uint8_t *c = chunk_new();
    size_t size = build_values(c, REC, v, n);
    kb_binxml_ctx *ctx = kb_binxml_new();
    kb_binxml_record r;
    assert_int_equal(kb_binxml_decode(ctx, c, CHUNK, REC, size, &r), KB_OK);
    assert_int_equal(r.nfields, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(field(&r, i)->value, want[i]);
        assert_int_equal(field(&r, i)->type, v[i].type);
    }
    assert_int_equal(field(&r, n - 1)->flags, KB_BINXML_FIELD_SUBST); /* empty, not absent */
    kb_binxml_free(ctx);
    free(c);
}

static void expect_error(const val *v, size_t n, const char *reason)
{
    uint8_t *c = chunk_new();
    size_t size = build_values(c, REC, v, n);
    kb_binxml_ctx *ctx = kb_binxml_new();
    kb_binxml_record r;
    assert_int_not_equal(kb_binxml_decode(ctx, c, CHUNK, REC, size, &r), KB_OK);
    if (!strstr(kb_binxml_error(ctx), reason))
        fail_msg("error \"%s\" does not say \"%s\"", kb_binxml_error(ctx), reason);
    assert_int_equal(r.nfields, 0);
    kb_binxml_free(ctx);
    free(c);
}

static void test_bad_values(void **state)
{
    (void)state;
    uint32_t four = 4;
    val size[] = {{0x06, &four, 3}};
    expect_error(size, 1, "value 0 of type uint16 has 3 bytes");
    val sid[] = {{0x13, "\x01\x05\0\0\0\0\0\x05", 8 - 1}};
    expect_error(sid, 1, "value 0 of type sid has 7 bytes");
    val handle[] = {{0x20, &four, 4}};
    expect_error(handle, 1, "value 0 has type 0x20, which has no text form");
    val unknown[] = {{0x7f, &four, 4}};
    expect_error(unknown, 1, "type 0x7f");
}

static void test_arrays(void **state)
{
    (void)state;
    static const uint16_t nums[] = {1, 2, 3};
    static const uint8_t strs[] = {'a', 0, 0, 0, 'b', 0, 'c', 0, 0, 0, 0, 0};
    uint32_t one = 1;
    val v[] = {{0x86, nums, sizeof nums}, {0x81, strs, sizeof strs}, {0x88, &one, 0}, {0x94, &one, 4}};
    uint8_t *c = chunk_new();
    size_t size = build_values(c, REC, v, 4);
    kb_binxml_ctx *ctx = kb_binxml_new();
    kb_binxml_record r;
    assert_int_equal(kb_binxml_decode(ctx, c, CHUNK, REC, size, &r), KB_OK);
    static const char *const want[] = {"1", "2", "3", "a", "bc", "", "", "0x00000001"};
    assert_int_equal(r.nfields, 8);
    for (size_t i = 0; i < 8; i++) {
        assert_string_equal(field(&r, i)->value, want[i]);
        assert_true(field(&r, i)->flags & KB_BINXML_FIELD_ARRAY);
    }
    kb_binxml_free(ctx);
    free(c);
}

/* A long string array (10,000 items) is read in one pass (its items are
 * asked for in order, from a cursor), every item in place; then a record
 * built at the same place with other items: nothing of the first array's
 * cursor is reused. */
static void test_long_array(void **state)
{
    (void)state;
    /* "1", "", "1", "", ...: "1" and its NUL are 4 bytes, a NUL alone 2 */
    size_t bytes = 10000 / 2 * 6, at = 0;
    static uint8_t packed[30000];
    for (size_t i = 0; i < 10000; i++) {
        if (i % 2 == 0)
            packed[at++] = '1', packed[at++] = 0;
        packed[at++] = 0, packed[at++] = 0;
    }
    assert_int_equal(at, bytes);
    val v[] = {{0x81, packed, bytes}};
    uint8_t *c = chunk_new();
    size_t size = build_values(c, REC, v, 1);
    kb_binxml_ctx *ctx = kb_binxml_new();
    kb_binxml_record r;
    assert_int_equal(kb_binxml_decode(ctx, c, CHUNK, REC, size, &r), KB_OK);
    assert_int_equal(r.nfields, 10000);
    for (size_t i = 0; i < 10000; i++)
        assert_string_equal(field(&r, i)->value, i % 2 ? "" : "1");
    /* The same place, other items: "22" and "3". */
    static const uint8_t other[] = {'2', 0, '2', 0, 0, 0, '3', 0, 0, 0};
    memset(c + REC, 0, size);
    val w[] = {{0x81, other, sizeof other}};
    size = build_values(c, REC, w, 1);
    assert_int_equal(kb_binxml_decode(ctx, c, CHUNK, REC, size, &r), KB_OK);
    assert_int_equal(r.nfields, 2);
    assert_string_equal(field(&r, 0)->value, "22");
    assert_string_equal(field(&r, 1)->value, "3");
    kb_binxml_free(ctx);
    free(c);
}

/* Optional (0x0e) and normal (0x0d) substitutions of an empty value. */
static void test_empty_substitutions(void **state)
{
    (void)state;
    uint8_t *c = chunk_new();
    bw b = {c, REC};
    rec_begin(&b, 5);
    fragment(&b);
    size_t def = ti_begin(&b, 0x44);
    open_elem(&b, "Event", 0);
    close_start(&b);
    open_elem(&b, "EventData", 0);
    close_start(&b);
    open_elem(&b, "Data", 1);
    attr(&b, "Name");
    text(&b, "Optional");
    close_start(&b);
    opt_subst(&b, 0, 0x01);
    end_elem(&b);
    data(&b, "Normal", 1, 0x01);
    data(&b, "After", 2, 0x01);
    end_elem(&b);
    end_elem(&b);
    def_end(&b, def);
    uint8_t s[8];
    size_t ns = u16s(s, "ok");
    val v[] = {{0x00, "", 0}, {0x00, "", 0}, {0x01, s, ns}};
    values(&b, v, 3);
    size_t size = rec_end(&b, REC);
    kb_binxml_ctx *ctx = kb_binxml_new();
    kb_binxml_record r;
    assert_int_equal(kb_binxml_decode(ctx, c, CHUNK, REC, size, &r), KB_OK);
    assert_int_equal(r.nfields, 3);
    assert_string_equal(field(&r, 0)->name, "Optional");
    assert_string_equal(field(&r, 0)->value, "");
    assert_int_equal(field(&r, 0)->flags, KB_BINXML_FIELD_SUBST | KB_BINXML_FIELD_EMPTY);
    assert_string_equal(field(&r, 1)->name, "Normal");
    assert_int_equal(field(&r, 1)->flags, KB_BINXML_FIELD_SUBST | KB_BINXML_FIELD_EMPTY);
    assert_string_equal(field(&r, 2)->value, "ok");
    kb_binxml_free(ctx);
    free(c);
}

/* A record of plain BinXml (no template): processing instruction, CDATA,
 * character and entity references, literal text; UserData by path. */
static void test_plain_tokens_and_userdata(void **state)
{
    (void)state;
    uint8_t *c = chunk_new();
    bw b = {c, REC};
    rec_begin(&b, 9);
    fragment(&b);
    u8(&b, 0x0a); /* PI target and data before the root */
    inline_name(&b, "xml-stylesheet");
    u8(&b, 0x0b);
    u16(&b, 4);
    utf16(&b, "href");
    open_elem(&b, "Event", 0);
    close_start(&b);
    open_elem(&b, "System", 0);
    close_start(&b);
    open_elem(&b, "Provider", 1);
    attr(&b, "Name");
    text(&b, "Plain");
    close_empty(&b);
    open_elem(&b, "EventID", 0);
    close_start(&b);
    text(&b, "104");
    end_elem(&b);
    end_elem(&b);
    open_elem(&b, "UserData", 0);
    close_start(&b);
    open_elem(&b, "LogFileCleared", 1);
    attr(&b, "xmlns");
    text(&b, "http://manifests.microsoft.com/win/2004/08/windows/eventlog");
    close_start(&b);
    open_elem(&b, "SubjectUserName", 0);
    close_start(&b);
    text(&b, "bob");
    u8(&b, 0x48); /* character reference */
    u16(&b, 0x263a);
    u8(&b, 0x09); /* entity reference */
    inline_name(&b, "amp");
    u8(&b, 0x07); /* CDATA */
    u16(&b, 3);
    utf16(&b, "<x>");
    u8(&b, 0x0a); /* a PI inside an element is no value */
    inline_name(&b, "pi");
    u8(&b, 0x0b);
    u16(&b, 0);
    end_elem(&b);
    open_elem(&b, "Channel", 1);
    attr(&b, "kind");
    text(&b, "log");
    close_start(&b);
    text(&b, "System");
    end_elem(&b);
    end_elem(&b);
    end_elem(&b);
    end_elem(&b);
    size_t size = rec_end(&b, REC);
    kb_binxml_ctx *ctx = kb_binxml_new();
    kb_binxml_record r;
    assert_int_equal(kb_binxml_decode(ctx, c, CHUNK, REC, size, &r), KB_OK);
    assert_string_equal(r.provider_name, "Plain");
    assert_true(r.has_event_id && r.event_id == 104);
    assert_int_equal(r.nfields, 3);
    assert_int_equal(field(&r, 0)->section, KB_BINXML_USERDATA);
    assert_string_equal(field(&r, 0)->name, "LogFileCleared/SubjectUserName");
    assert_string_equal(field(&r, 0)->value, "bob\xe2\x98\xba&<x>");
    assert_int_equal(field(&r, 0)->flags, 0);
    assert_string_equal(field(&r, 1)->name, "LogFileCleared/Channel/@kind");
    assert_string_equal(field(&r, 1)->value, "log");
    assert_int_equal(field(&r, 1)->flags, KB_BINXML_FIELD_ATTR);
    assert_string_equal(field(&r, 2)->name, "LogFileCleared/Channel");
    assert_string_equal(field(&r, 2)->value, "System");
    kb_binxml_free(ctx);
    free(c);
}

/* The same template in two chunks: compiled once. A changed definition with
 * the same GUID and size is compiled again, not reused. */
static void test_template_reuse_across_chunks(void **state)
{
    (void)state;
    uint8_t *a = chunk_new(), *b2 = chunk_new(), *c3 = chunk_new();
    size_t size = build_standard(a, REC, 1);
    assert_int_equal(build_standard(b2, REC, 2), size);
    size_t size3 = build_standard(c3, REC, 3);
    /* Chunk 3's outer template says "Computer" as "Computes": same size. */
    uint8_t *p = find_bytes(c3 + REC, size3, "C\0o\0m\0p\0u\0t\0e\0r\0", 16);
    assert_non_null(p);
    p[14] = 's';
    kb_binxml_ctx *ctx = kb_binxml_new();
    kb_binxml_record r;
    assert_int_equal(kb_binxml_decode(ctx, a, CHUNK, REC, size, &r), KB_OK);
    assert_int_equal(kb_binxml_decode(ctx, b2, CHUNK, REC, size, &r), KB_OK);
    assert_int_equal(r.record_id, 2);
    assert_string_equal(r.computer, "DC01.example.com");
    assert_int_equal(kb_binxml_templates(ctx), 2);
    assert_int_equal(kb_binxml_template_reuses(ctx), 2);
    assert_int_equal(kb_binxml_decode(ctx, c3, CHUNK, REC, size3, &r), KB_OK);
    assert_int_equal(kb_binxml_templates(ctx), 3);
    assert_null(r.computer); /* the element is now <Computes> */
    /* A second record in chunk 1 that refers to the first one's definitions. */
    size_t size2 = build_standard_ref(a, REC + size, 4, find_def(a, 0x5a), find_def(a, 0xed));
    assert_true(size2 < size);
    assert_int_equal(kb_binxml_decode(ctx, a, CHUNK, REC + size, size2, &r), KB_OK);
    assert_int_equal(r.record_id, 4);
    assert_string_equal(r.computer, "DC01.example.com");
    assert_int_equal(r.nfields, 3);
    assert_string_equal(field(&r, 0)->value, "alice");
    assert_int_equal(kb_binxml_templates(ctx), 3);
    assert_int_equal(kb_binxml_template_reuses(ctx), 5); /* chunk 2: both; chunk 3: the nested one; record 4: both */
    kb_binxml_free(ctx);
    free(a);
    free(b2);
    free(c3);
}

/* Decodes and checks the outcome: OK, or an error that says why. */
static kb_status decode_any(kb_binxml_ctx *ctx, const uint8_t *chunk, size_t chunk_len, size_t off, size_t size)
{
    kb_binxml_record r;
    kb_status st = kb_binxml_decode(ctx, chunk, chunk_len, off, size, &r);
    if (st != KB_OK) {
        assert_true(strlen(kb_binxml_error(ctx)) > 10);
        assert_int_equal(r.nfields, 0);
    }
    kb_binxml_record p;
    kb_status pst = kb_binxml_peek(ctx, chunk, chunk_len, off, size, &p);
    (void)pst;
    return st;
}

static void expect_reason(kb_binxml_ctx *ctx, const uint8_t *chunk, size_t size, kb_status want, const char *reason)
{
    kb_binxml_record r;
    kb_status st = kb_binxml_decode(ctx, chunk, CHUNK, REC, size, &r);
    if (st != want || !strstr(kb_binxml_error(ctx), reason))
        fail_msg("status %d, error \"%s\"; wanted %d, \"%s\"", st, kb_binxml_error(ctx), want, reason);
}

/* The record cut at every length (its size fields made to agree), and the
 * chunk cut at every length after the record's start. */
static void test_truncated_everywhere(void **state)
{
    (void)state;
    uint8_t *whole = chunk_new(), *c = chunk_new();
    size_t size = build_standard(whole, REC, 8);
    kb_binxml_ctx *ctx = kb_binxml_new();
    size_t refused = 0, read = 0;
    for (size_t len = 0; len < size; len++) {
        memset(c + REC, 0, size);
        memcpy(c + REC, whole + REC, len);
        if (len >= 28) {
            put32(c + REC + 4, (uint32_t)len);
            put32(c + REC + len - 4, (uint32_t)len);
        }
        if (decode_any(ctx, c, CHUNK, REC, len) == KB_OK)
            read++, print_message("cut at %zu of %zu read\n", len, size);
        refused += decode_any(ctx, whole, CHUNK, REC, len) != KB_OK;
        refused += decode_any(ctx, whole, REC + len, REC, size) != KB_OK;
    }
    assert_int_equal(refused, 2 * size);
    assert_int_equal(read, 1); /* without its final EOF token: still whole */
    assert_int_equal(decode_any(ctx, whole, CHUNK, REC, size), KB_OK);
    assert_int_not_equal(decode_any(ctx, whole, CHUNK, SIZE_MAX, size), KB_OK);
    assert_int_not_equal(decode_any(ctx, whole, CHUNK, REC, SIZE_MAX), KB_OK);
    assert_int_not_equal(decode_any(ctx, whole, CHUNK, CHUNK, 0), KB_OK);
    kb_binxml_free(ctx);
    free(whole);
    free(c);
}

/* Every byte of the record changed in turn, four ways: refused or read,
 * never a crash, an overrun or unbounded work. */
static void test_every_byte_corrupted(void **state)
{
    (void)state;
    uint8_t *c = chunk_new();
    size_t size = build_standard(c, REC, 8);
    kb_binxml_ctx *ctx = kb_binxml_new();
    static const uint8_t with[] = {0x00, 0xff, 0x80, 0x41};
    for (size_t i = 24; i < size - 4; i++) {
        uint8_t old = c[REC + i];
        for (size_t k = 0; k < sizeof with; k++) {
            c[REC + i] = with[k];
            decode_any(ctx, c, CHUNK, REC, size);
            c[REC + i] = old ^ 0x01;
            decode_any(ctx, c, CHUNK, REC, size);
        }
        c[REC + i] = old;
    }
    assert_int_equal(decode_any(ctx, c, CHUNK, REC, size), KB_OK);
    kb_binxml_free(ctx);
    free(c);
}

/* A record whose outer template is <Event><EventData>...</EventData></Event>
 * with body() inside; values after. */
typedef void (*body_fn)(bw *b);

static size_t build_body(uint8_t *chunk, body_fn body, const val *v, size_t n)
{
    bw b = {chunk, REC};
    rec_begin(&b, 1);
    fragment(&b);
    size_t def = ti_begin(&b, 0x66);
    open_elem(&b, "Event", 0);
    close_start(&b);
    body(&b);
    end_elem(&b);
    def_end(&b, def);
    values(&b, v, n);
    return rec_end(&b, REC);
}

static void body_unknown_token(bw *b)
{
    u8(b, 0x1f);
}
static void body_far_name(bw *b)
{
    u8(b, 0x01);
    u16(b, 0);
    u32(b, 0);
    u32(b, 0xfffffffe);
}
static void body_long_name(bw *b)
{
    u8(b, 0x01);
    u16(b, 0);
    u32(b, 0);
    u32(b, CHUNK - 12); /* a name there whose length runs past the chunk */
    b->p[CHUNK - 12 + 6] = 0xff;
    b->p[CHUNK - 12 + 7] = 0xff;
}
static void body_instance(bw *b)
{
    ti_ref(b, 0x400);
}
static void body_deep(bw *b)
{
    for (int i = 0; i < 70; i++) {
        open_elem(b, "x", 0);
        close_start(b);
    }
    for (int i = 0; i < 70; i++)
        end_elem(b);
}
static void body_subst_far(bw *b)
{
    leaf(b, "Data", 9, 0x01);
}

static void test_hostile_structure(void **state)
{
    (void)state;
    kb_binxml_ctx *ctx = kb_binxml_new();
    uint8_t *c = chunk_new();
    size_t size = build_body(c, body_unknown_token, NULL, 0);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "unknown BinXml token 0x1f at chunk offset 0x");
    assert_non_null(strstr(kb_binxml_error(ctx), "(record offset "));
    assert_non_null(strstr(kb_binxml_error(ctx), "template definition at chunk offset 0x"));
    free(c);
    c = chunk_new();
    size = build_body(c, body_far_name, NULL, 0);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "name offset 0xfffffffe is outside the chunk");
    free(c);
    c = chunk_new();
    size = build_body(c, body_long_name, NULL, 0);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "name at chunk offset 0xfff4 runs past the chunk");
    free(c);
    c = chunk_new();
    size = build_body(c, body_instance, NULL, 0);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "template instance inside a template definition");
    free(c);
    c = chunk_new();
    size = build_body(c, body_deep, NULL, 0);
    expect_reason(ctx, c, size, KB_ERR_LIMIT, "elements nested deeper than 64");
    free(c);
    c = chunk_new();
    size = build_body(c, body_subst_far, NULL, 0);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "substitution of value 9, of 0 values");
    free(c);
    kb_binxml_free(ctx);
}

/* Template instances whose offsets and sizes point anywhere. */
static void test_hostile_offsets(void **state)
{
    (void)state;
    kb_binxml_ctx *ctx = kb_binxml_new();
    uint8_t *c = chunk_new();
    bw b = {c, REC};
    rec_begin(&b, 1);
    fragment(&b);
    ti_ref(&b, 0xfffffff0);
    values(&b, NULL, 0);
    size_t size = rec_end(&b, REC);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "template definition header runs past the chunk at chunk offset 0xfffffff0");
    /* A definition elsewhere whose size runs past the chunk. */
    b.n = REC;
    rec_begin(&b, 1);
    fragment(&b);
    ti_ref(&b, CHUNK - 100);
    values(&b, NULL, 0);
    size = rec_end(&b, REC);
    put32(c + CHUNK - 100 + 20, 0xffffffff);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "template definition of 4294967295 bytes runs past the chunk");
    put32(c + CHUNK - 100 + 20, 77);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "template definition of 77 bytes runs past the chunk");
    /* An inline definition whose size runs past the record. */
    memset(c + REC, 0, 4096);
    b.n = REC;
    rec_begin(&b, 1);
    fragment(&b);
    size_t def = ti_begin(&b, 0x77);
    open_elem(&b, "Event", 0);
    close_empty(&b);
    def_end(&b, def);
    size_t count_at = b.n;
    values(&b, NULL, 0);
    size = rec_end(&b, REC);
    assert_int_equal(decode_any(ctx, c, CHUNK, REC, size), KB_OK);
    put32(c + def, 0xffffffff);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "template definition runs past the end of its BinXml stream");
    put32(c + def, 0xfffffff0);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "template definition runs past the end of its BinXml stream");
    put32(c + def, (uint32_t)(count_at - def - 4));
    assert_int_equal(decode_any(ctx, c, CHUNK, REC, size), KB_OK);
    /* Value counts and sizes that overflow. */
    put32(c + count_at, 0xffffffff);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "4294967295 value descriptors run past the end of the stream");
    put32(c + count_at, 0x40000001);
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "1073741825 value descriptors run past");
    /* One value of 4 bytes, then said to be of 0xffff. */
    memset(c + REC, 0, 4096);
    b.n = REC;
    rec_begin(&b, 1);
    fragment(&b);
    def = ti_begin(&b, 0x78);
    open_elem(&b, "Event", 0);
    close_empty(&b);
    def_end(&b, def);
    count_at = b.n;
    val one[] = {{0x08, "\1\2\3\4", 4}};
    values(&b, one, 1);
    size = rec_end(&b, REC);
    assert_int_equal(decode_any(ctx, c, CHUNK, REC, size), KB_OK);
    c[count_at + 4] = 0xff, c[count_at + 5] = 0xff;
    expect_reason(ctx, c, size, KB_ERR_FORMAT, "template values runs past the end of its BinXml stream");
    kb_binxml_free(ctx);
    free(c);
}

/* Template T: <Event><EventData>%0</EventData></Event>, value 0 BinXml
 * holding an instance of T again, levels deep. */
static size_t nest_value(uint8_t *out, uint32_t def_off, int levels)
{
    bw b = {out, 0};
    fragment(&b);
    ti_ref(&b, def_off);
    static uint8_t inner[8192];
    if (levels > 0) {
        size_t n = nest_value(inner, def_off, levels - 1);
        uint8_t *copy = malloc(n);
        assert_non_null(copy);
        memcpy(copy, inner, n);
        val v[] = {{0x21, copy, n}};
        values(&b, v, 1);
        free(copy);
    } else {
        val v[] = {{0x01, "x\0", 2}};
        values(&b, v, 1);
    }
    u8(&b, 0);
    return b.n;
}

static void body_nest(bw *b)
{
    open_elem(b, "EventData", 0);
    close_start(b);
    subst(b, 0, 0x21);
    end_elem(b);
}

static size_t build_nested(uint8_t *c, int levels)
{
    /* The definition's offset is known once written: write, then refill. */
    static uint8_t nested[16384];
    val v[] = {{0x21, nested, 0}};
    size_t size = build_body(c, body_nest, v, 1);
    uint32_t def_off = find_def(c, 0x66);
    v[0].size = nest_value(nested, def_off, levels);
    memset(c + REC, 0, size);
    return build_body(c, body_nest, v, 1);
}

static void test_recursion_and_limits(void **state)
{
    (void)state;
    kb_binxml_ctx *ctx = kb_binxml_new();
    uint8_t *c = chunk_new();
    kb_binxml_record r;
    size_t size = build_nested(c, 5);
    assert_int_equal(kb_binxml_decode(ctx, c, CHUNK, REC, size, &r), KB_OK);
    assert_int_equal(r.nfields, 1);
    assert_string_equal(r.fields[0].value, "x");
    size = build_nested(c, 8);
    expect_reason(ctx, c, size, KB_ERR_LIMIT, "BinXml values nested deeper than 8");
    size = build_nested(c, 40);
    expect_reason(ctx, c, size, KB_ERR_LIMIT, "nested deeper than");
    free(c);
    kb_binxml_free(ctx);
}

/* Each level's template names value 0, a BinXml value, 200 times: the
 * record would expand to 200^3 nodes. */
static void body_fanout(bw *b)
{
    open_elem(b, "EventData", 0);
    close_start(b);
    for (int i = 0; i < 200; i++)
        subst(b, 0, 0x21);
    end_elem(b);
}

static void test_expansion_bounded(void **state)
{
    (void)state;
    kb_binxml_ctx *ctx = kb_binxml_new();
    uint8_t *c = chunk_new();
    static uint8_t nested[16384];
    val v[] = {{0x21, nested, 0}};
    size_t size = build_body(c, body_fanout, v, 1);
    v[0].size = nest_value(nested, find_def(c, 0x66), 2);
    memset(c + REC, 0, size);
    size = build_body(c, body_fanout, v, 1);
    expect_reason(ctx, c, size, KB_ERR_LIMIT, "record expands to more than 1000000 nodes");
    /* The context is still good for the next record. */
    uint8_t *ok = chunk_new();
    size = build_standard(ok, REC, 3);
    assert_int_equal(decode_any(ctx, ok, CHUNK, REC, size), KB_OK);
    free(ok);
    free(c);
    kb_binxml_free(ctx);
}

/* With KB_BINXML_WRITE_SEEDS=DIR, the records built here are written there
 * as fuzz inputs (one chunk each, without its trailing zeros): seeds made
 * without the corpus. */
static void write_seed(const char *name, const uint8_t *chunk)
{
    const char *dir = getenv("KB_BINXML_WRITE_SEEDS");
    if (!dir || !*dir)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t len = CHUNK; /* the fuzz target pads with zeros again */
    while (len && !chunk[len - 1])
        len--;
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(chunk, 1, len, fp), len);
    fclose(fp);
}

static void test_write_seeds(void **state)
{
    (void)state;
    uint8_t *c = chunk_new();
    size_t size = build_standard(c, REC, 1);
    size += build_standard_ref(c, REC + size, 2, find_def(c, 0x5a), find_def(c, 0xed));
    write_seed("standard-two-records", c);
    free(c);
    c = chunk_new();
    build_nested(c, 7);
    write_seed("nested-7", c);
    free(c);
    c = chunk_new();
    uint16_t nums[] = {1, 2, 3};
    val v[] = {{0x86, nums, sizeof nums}, {0x01, "a\0", 2}, {0x00, "", 0}, {0x21, "", 0}};
    build_values(c, REC, v, 4);
    write_seed("arrays-empty", c);
    free(c);
}

/* The inputs kept from fuzzing (tests/fuzz/regressions/binxml/), replayed
 * as the fuzz target runs them. */
static void test_fuzz_regressions(void **state)
{
    (void)state;
    const char *dir = "tests/fuzz/regressions/binxml";
    DIR *d = opendir(dir);
    size_t n = 0;
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        static uint8_t data[4 * CHUNK];
        size_t len = fread(data, 1, sizeof data, fp);
        fclose(fp);
        kb_fuzz_binxml(data, len);
        n++;
    }
    closedir(d);
    print_message("replayed %zu inputs\n", n);
    assert_true(n > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standard_record),
        cmocka_unit_test(test_value_types),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_long_array),
        cmocka_unit_test(test_empty_substitutions),
        cmocka_unit_test(test_plain_tokens_and_userdata),
        cmocka_unit_test(test_template_reuse_across_chunks),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_every_byte_corrupted),
        cmocka_unit_test(test_hostile_structure),
        cmocka_unit_test(test_hostile_offsets),
        cmocka_unit_test(test_recursion_and_limits),
        cmocka_unit_test(test_expansion_bounded),
        cmocka_unit_test(test_write_seeds),
        cmocka_unit_test(test_fuzz_regressions),
    };
    return cmocka_run_group_tests_name("binxml", tests, NULL, NULL);
}
