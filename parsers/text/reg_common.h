/* reg_common.h: what the registry parsers share (reg_query.c for `reg
 * query` output, reg_export.c for `.reg` exports): key paths spelt one way
 * (HKEY_LOCAL_MACHINE and HKLM alike), the reg.key / reg.value facts both
 * produce, so that a rule reads either, and the check of a service's
 * ImagePath or ServiceDll. Both feed the input "registry". */
#ifndef KB_REG_COMMON_H
#define KB_REG_COMMON_H

#include <stddef.h>

#include "source/source.h"

#define KB_REG_FEED "registry"

/* "HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet" -> "HKLM\SYSTEM\CURRENTCONTROLSET":
 * the hive abbreviated, ASCII upper case, no trailing backslash. NULL when
 * the path does not start with a hive (HKEY_* or its abbreviation). */
char *kb_reg_norm(const char *path, size_t len);
/* 1 when the text starts with a hive name followed by '\' or its end. */
int kb_reg_has_hive(const char *path, size_t len);

/* A key: path as printed. Sets path, path_norm, parent (normalised),
 * leaf (as printed), source. */
void kb_reg_set_key(kb_fact *f, const char *path, size_t len, const char *source);
/* A value's key fields: key, key_norm, key_leaf. */
void kb_reg_set_value_key(kb_fact *f, const char *key, const char *source);
/* For values named ImagePath, ServiceDll or DllName: path (the executable
 * part) and path_problem (none, empty, unbalanced_quote, illegal_char,
 * relative). Does nothing for other names. */
void kb_reg_check_path(kb_fact *f, const char *name, const char *data);
/* "0x1f" -> "31"; 0 when data is no hex number. */
int kb_reg_number(kb_fact *f, const char *data);

/* The fields of reg.key and reg.value, the same for both parsers. */
extern const char *const kb_reg_key_fields[];
extern const char *const kb_reg_value_fields[];

#endif
