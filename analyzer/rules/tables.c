/* tables.c: the lookup tables rules read (rules/tables/<name>.json, docs/rules.md,
 * "Lookups"): which service hosts a VSS writer, what a writer's last error
 * means, what a Windows Server Backup code says. Facts stay what the
 * bundle shows; a table adds what Microsoft's documentation says about
 * them, kept as data beside the rules so that a new writer is one row.
 *
 *   {"table": "vss-writers",
 *    "columns": ["writer_id", "name", "service"],
 *    "rows": [{"writer_id": "{e8132975-...}", "name": "System Writer", "service": "CryptSvc"}]}
 */
#include "core/alloc.h"
#include "rules/loader.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *kb_table_cell(const kb_table *t, size_t r, size_t c)
{
    return r < t->nrows && c < t->ncolumns ? t->cells[r * t->ncolumns + c] : NULL;
}

long kb_table_column(const kb_table *t, const char *column)
{
    for (size_t i = 0; t && column && i < t->ncolumns; i++)
        if (strcmp(t->columns[i], column) == 0)
            return (long)i;
    return -1;
}

const kb_table *kb_table_find(const kb_ruleset *set, const char *name)
{
    for (size_t i = 0; set && name && i < set->ntables; i++)
        if (strcmp(set->tables[i].name, name) == 0)
            return &set->tables[i];
    return NULL;
}

static void table_free(kb_table *t)
{
    free(t->name);
    free(t->path);
    for (size_t i = 0; i < t->nrows * t->ncolumns; i++)
        free(t->cells[i]);
    free(t->cells);
    kb_ld_free_strings(t->columns, t->ncolumns);
}

void kb_tables_free(kb_table *tables, size_t n)
{
    for (size_t i = 0; i < n; i++)
        table_free(&tables[i]);
    free(tables);
}

static char *cell_text(const cJSON *v)
{
    if (cJSON_IsString(v))
        return kb_strdup(v->valuestring);
    if (cJSON_IsNumber(v))
        return kb_strprintf("%.15g", v->valuedouble);
    return NULL;
}

static void read_row(kb_loader *ld, const cJSON *row, kb_table *t, size_t r)
{
    if (!cJSON_IsObject(row)) {
        kb_ld_problem(ld, "a row is an object of column: value");
        return;
    }
    for (const cJSON *cell = row->child; cell; cell = cell->next) {
        long c = kb_table_column(t, cell->string);
        if (c < 0) {
            const char *near = kb_closest_word(cell->string, (const char *const *)t->columns);
            kb_ld_problem(ld, "no column \"%s\"%s%s%s", cell->string, near ? " (did you mean \"" : "",
                          near ? near : "", near ? "\"?)" : "");
            continue;
        }
        char *text = cell_text(cell);
        if (!text)
            kb_ld_problem(ld, "\"%s\": a cell is a string or a number", cell->string);
        t->cells[r * t->ncolumns + (size_t)c] = text;
    }
}

static void read_table(kb_loader *ld, const cJSON *root, kb_table *t)
{
    static const char *const keys[] = {"$comment", "table", "columns", "rows", NULL};
    if (!cJSON_IsObject(root)) {
        kb_ld_problem(ld, "a table file holds one object {\"table\", \"columns\", \"rows\"}");
        return;
    }
    kb_ld_check_keys(ld, root, keys);
    t->name = kb_ld_string(ld, root, "table", 1);
    t->columns = kb_ld_strings(ld, root, "columns", &t->ncolumns);
    if (!t->ncolumns)
        kb_ld_problem(ld, "missing \"columns\": the names of the table's columns");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(root, "rows");
    if (!cJSON_IsArray(rows)) {
        kb_ld_problem(ld, "missing \"rows\": a list of {column: value}");
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(rows);
    t->cells = kb_xcalloc(n * t->ncolumns + 1, sizeof *t->cells);
    for (const cJSON *row = rows->child; row; row = row->next) {
        size_t mark = kb_ld_enter(ld, "rows", (int)t->nrows);
        read_row(ld, row, t, t->nrows++);
        kb_ld_leave(ld, mark);
    }
}

static int load_table(const char *path, kb_table *t, kb_buf *errors)
{
    kb_loader ld = {path, errors, 0, ""};
    memset(t, 0, sizeof *t);
    t->path = kb_strdup(path);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        kb_ld_problem(&ld, "cannot read: %s", strerror(errno));
        return -1;
    }
    kb_buf b = KB_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 && b.len < (4u << 20))
        kb_buf_append(&b, chunk, n);
    fclose(fp);
    cJSON *root = cJSON_ParseWithLength(kb_buf_str(&b), b.len);
    if (!root)
        kb_ld_problem(&ld, "not valid JSON");
    else
        read_table(&ld, root, t);
    cJSON_Delete(root);
    kb_buf_free(&b);
    return ld.nerrors ? -1 : 0;
}

/* The tables of dir/tables, in name order; a folder that is not there
 * holds none. */
static int load_tables(kb_ruleset *set, const char *dir, kb_buf *errors)
{
    char *tdir = kb_strprintf("%s/tables", dir ? dir : ".");
    struct stat sb;
    if (stat(tdir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        free(tdir);
        return 0;
    }
    size_t n = 0;
    char **files = kb_rule_files(tdir, &n, errors);
    free(tdir);
    set->tables = kb_xcalloc(n + 1, sizeof *set->tables);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        kb_table *t = &set->tables[set->ntables++];
        bad |= load_table(files[i], t, errors) != 0;
        for (size_t j = 0; t->name && j + 1 < set->ntables; j++)
            if (set->tables[j].name && strcmp(set->tables[j].name, t->name) == 0) {
                kb_buf_printf(errors, "%s: table \"%s\" is also %s\n", t->path, t->name, set->tables[j].path);
                bad = 1;
            }
    }
    kb_rule_files_free(files, n);
    return bad ? -1 : 0;
}

static void check_column(kb_loader *ld, const kb_table *t, const char *column, const char *what)
{
    if (kb_table_column(t, column) >= 0)
        return;
    const char *near = kb_closest_word(column, (const char *const *)t->columns);
    kb_ld_problem(ld, "%s: table \"%s\" (%s) has no column \"%s\"%s%s%s", what, t->name, t->path, column,
                  near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
}

/* Resolves a rule's lookups; 0, or -1 after a problem. */
static int link_rule(const kb_ruleset *set, kb_rule *rule, kb_buf *errors)
{
    kb_loader ld = {rule->path ? rule->path : "?", errors, 0, ""};
    for (size_t i = 0; i < rule->ncheckpoints; i++) {
        kb_checkpoint *cp = &rule->checkpoints[i];
        for (size_t k = 0; k < cp->nlookups; k++) {
            kb_lookup *lk = &cp->lookups[k];
            size_t mark = kb_ld_enter(&ld, "checkpoints", (int)i);
            size_t lmark = kb_ld_enter(&ld, "lookup", (int)k);
            const kb_table *t = kb_table_find(set, lk->table);
            if (!t && lk->table)
                kb_ld_problem(&ld, "no table \"%s\" (tables are rules/tables/<name>.json)", lk->table);
            for (size_t c = 0; t && c < lk->nkeys; c++)
                check_column(&ld, t, lk->columns[c], "column");
            for (size_t c = 0; t && c < lk->nadd; c++)
                check_column(&ld, t, lk->add[c], "add");
            lk->resolved = t;
            kb_ld_leave(&ld, lmark);
            kb_ld_leave(&ld, mark);
        }
    }
    return ld.nerrors ? -1 : 0;
}

int kb_rules_link_tables(kb_ruleset *set, const char *dir, kb_buf *errors)
{
    int bad = set->tables ? 0 : load_tables(set, dir, errors) != 0;
    for (size_t i = 0; i < set->n; i++)
        bad |= link_rule(set, &set->rules[i], errors) != 0;
    kb_ld_link_explains(set);
    return bad ? -1 : 0;
}
