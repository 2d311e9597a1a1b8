/* template.h: the small template language of rule texts and remedy
 * commands: {{name}} or {{name|filter:arg|...}}. A name stands for one
 * or several values (looked up by the caller: the engine resolves names to
 * evidence); filters turn lists into text:
 *   split:SEP   split every value at SEP (items trimmed)
 *   except:V    drop items equal to V (ignoring ASCII case)
 *   unique      drop repeated items
 *   first       keep the first item
 *   psquote     quote each item as a PowerShell literal: 'it''s'
 *   explain     an item that is one error code gets its name and meaning:
 *               0x800401fb (CO_E_OBJNOTREG: Object is not registered)
 *               (also %%N, the insertion of system message N, and decimal)
 *   hex         a number (decimal, %%N) as 0x and eight hex digits
 *   default:T   T when there is no value (a checkpoint without evidence)
 *   sql_service a SQL Server instance as its service: MSSQLSERVER, MSSQL$NAME
 *   join:SEP    join items with SEP (the default join is ", ")
 * A name that cannot be resolved stays as written, visibly. */
#ifndef KB_TEMPLATE_H
#define KB_TEMPLATE_H

#include "core/strbuf.h"

/* Fills out with the values name stands for; returns 0 if the name is
 * known (even with no values), -1 if not. */
typedef int (*kb_template_lookup)(void *ctx, const char *name, kb_strlist *out);

/* Returns the filled text (caller frees), or NULL when out of memory. */
char *kb_template_fill(const char *tmpl, kb_template_lookup lookup, void *ctx);

/* Appends to names every name a template refers to, and to bad_filters
 * (when not NULL) every filter name it uses that is not a filter (for rule
 * checks: an unknown filter leaves the placeholder unfilled). */
int kb_template_names(const char *tmpl, kb_strlist *names, kb_strlist *bad_filters);

/* The filter names, NULL-terminated. */
const char *const *kb_template_filters(void);

#endif
