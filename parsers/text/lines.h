/* lines.h: small helpers the text parsers share for looking at lines, and
 * for making a fact of some of them. */
#ifndef KB_LINEUTIL_H
#define KB_LINEUTIL_H

#include <stddef.h>

#include "source/source.h"

/* The line without leading and trailing blanks (ASCII space, tab, and the
 * ideographic space U+3000), as a pointer into it and a length. */
const char *kb_trim(const char *line, size_t *len);
int kb_is_blank(const char *line);
/* Copies the trimmed line into a new string. */
char *kb_trimmed_copy(const char *line);
/* Counts {GUID}s in the line; copies the first, lower-cased, into out
 * (39 bytes). */
int kb_find_guid(const char *line, char out[39]);
/* The text after the first label colon (ASCII ':' or fullwidth U+FF1A),
 * trimmed, or NULL when the line has no colon. */
const char *kb_after_colon(const char *line, size_t *len);
/* 1 when needle occurs in haystack, ignoring ASCII case. */
int kb_contains_nocase(const char *haystack, const char *needle);
/* 1 when the line is a rule of five or more '-' or '=' (collectors'
 * decoration around their headers, reg query's separators). */
int kb_is_rule_line(const char *line);
/* 1 when the line is a command prompt echo such as C:\Windows\system32>... */
int kb_is_prompt(const char *line);

/* Lines first..last (1-based, clamped) joined with newlines, or NULL: a
 * text fact's evidence and context. */
char *kb_text_join_lines(const kb_text *text, size_t first, size_t last);

/* Adds a fact with the common provenance fields set for a text line range
 * (first..last, 1-based: its text and the lines around it); counts it on
 * ctx->input. NULL when out of memory. The facts the parser made before
 * are complete then: those no rule or combiner can use (ctx->keep) are
 * dropped here, so that a parser never changes a fact after asking for the
 * next one. */
kb_fact *kb_text_fact(kb_parse_ctx *ctx, const char *type,
                      const kb_text *text, size_t first_line, size_t last_line);

/* Tests the facts made since the last test against ctx->keep and drops
 * those no rule or combiner can use (the scan driver calls it when a
 * parse ends; kb_text_fact before each new fact). */
void kb_keep_settle(kb_parse_ctx *ctx);

/* A fact the parser still completes after asking for others (a registry
 * key whose value count comes at its end): from the newest fact, just
 * made, on nothing is tested or dropped until as many kb_text_release
 * calls as holds; then the facts are tested as usual. The parser keeps its
 * pointer valid so. kb_keep_settle at the parse's end tests them all. */
void kb_text_hold(kb_parse_ctx *ctx);
void kb_text_release(kb_parse_ctx *ctx);

#endif
