/* host_group.c: the grouping of inputs by computer (see host_group.h).
 *
 * Folders are known by their path ("" is the top, above every operand);
 * each remembers the first two computers with inputs under it, so that
 * "the one computer of this folder" is a look-up, and whether it is a
 * folder of computers' folders (one of its folders is named after the
 * computer whose inputs it holds). Four passes, in the order of precedence:
 * the names inputs give of themselves and in their paths; logs by their
 * Computer; the logs named by nothing but their Computer, by folder; and
 * the inputs nothing names, by folder. */
#include "combiners/host_group.h"
#include "combiners/hostname.h"
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

#define NONE KB_HG_NONE
#define NAME_BUF 80

typedef struct folder {
    char *path;
    size_t parent;        /* NONE for the top */
    const char *base;     /* its own name, within path */
    size_t group[2];      /* the first two computers with inputs under it */
    int ngroups;          /* 0, 1, or 2 for two or more */
    size_t home;          /* the computer it is named after and holds inputs of, or NONE */
    int layout;           /* one of its folders is a computer's home */
    size_t known;         /* index + 1 of the longest known name in its name, 0 none */
    int known_done;
    size_t first, count;  /* its own inputs: by_folder[first .. first + count) */
} folder;

typedef struct item {
    const kb_hg_input *in;
    size_t folder;
    const char *base;     /* the file's own name */
    size_t group;         /* its (first) computer, NONE until placed */
} item;

typedef struct grouping {
    const kb_hg_input *inputs;
    size_t n;
    item *items;
    folder *folders;
    size_t nfolders;
    size_t *by_folder;    /* input indexes, folder by folder, in input order */
    kb_strlist known;     /* names inputs give: found as words in file and folder names */
    kb_hostgroups *out;
    size_t capgroups, capmembers, capunassigned;
    size_t nameless;      /* the computer nothing names, or NONE */
} grouping;

/* ---- folders ---------------------------------------------------------------------- */

static int is_sep(char c)
{
    return c == '/' || c == '\\' || c == '!';
}

/* The length of the folder part of path: up to its last separator. */
static size_t dir_len(const char *path, size_t len)
{
    while (len > 0 && !is_sep(path[len - 1]))
        len--;
    return len > 0 ? len - 1 : 0;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t find_folder(const grouping *g, const char *path)
{
    size_t lo = 0, hi = g->nfolders;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(g->folders[mid].path, path);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NONE;
}

/* Every folder of every input (their ancestors too), sorted, each once. */
static void build_folders(grouping *g)
{
    size_t cap = 0, n = 0;
    char **paths = NULL;
    for (size_t i = 0; i < g->n; i++) {
        const char *p = g->inputs[i].path ? g->inputs[i].path : "";
        size_t len = strlen(p);
        do {
            len = dir_len(p, len);
            paths = kb_grow(paths, &cap, n + 1, sizeof *paths, 64);
            paths[n++] = kb_xstrndup(p, len);
        } while (len > 0);
    }
    qsort(paths, n, sizeof *paths, str_cmp);
    g->folders = kb_xcalloc(n + 1, sizeof *g->folders);
    for (size_t i = 0; i < n; i++) {
        if (g->nfolders && strcmp(g->folders[g->nfolders - 1].path, paths[i]) == 0) {
            free(paths[i]);
            continue;
        }
        folder *f = &g->folders[g->nfolders++];
        f->path = paths[i];
        f->home = NONE;
        f->group[0] = f->group[1] = NONE;
    }
    free(paths);
    for (size_t i = 0; i < g->nfolders; i++) {
        folder *f = &g->folders[i];
        size_t len = strlen(f->path), d = dir_len(f->path, len);
        f->base = f->path + (d ? d + 1 : (len && is_sep(f->path[0]) ? 1 : 0));
        if (!len) {
            f->parent = NONE;
            continue;
        }
        char *parent = kb_xstrndup(f->path, d);
        f->parent = find_folder(g, parent);
        free(parent);
    }
    for (size_t i = 0; i < g->n; i++) {
        const char *p = g->inputs[i].path ? g->inputs[i].path : "";
        size_t len = strlen(p), d = dir_len(p, len);
        char *dir = kb_xstrndup(p, d);
        g->items[i].folder = find_folder(g, dir);
        g->items[i].base = p + (d ? d + 1 : (len && is_sep(p[0]) ? 1 : 0));
        g->folders[g->items[i].folder].count++;
        free(dir);
    }
    /* Each folder's own inputs, by a counting sort that keeps input order. */
    size_t at = 0;
    for (size_t f = 0; f < g->nfolders; f++) {
        g->folders[f].first = at;
        at += g->folders[f].count;
        g->folders[f].count = 0;
    }
    g->by_folder = kb_xcalloc(g->n + 1, sizeof *g->by_folder);
    for (size_t i = 0; i < g->n; i++) {
        folder *f = &g->folders[g->items[i].folder];
        g->by_folder[f->first + f->count++] = i;
    }
}

/* Remembers that folder f and those above it hold inputs of group gr. */
static void folders_hold(grouping *g, size_t f, size_t gr)
{
    for (; f != NONE; f = g->folders[f].parent) {
        folder *fo = &g->folders[f];
        if (fo->ngroups == 0) {
            fo->group[0] = gr;
            fo->ngroups = 1;
        } else if (fo->ngroups == 1 && fo->group[0] != gr) {
            fo->group[1] = gr;
            fo->ngroups = 2;
        }
    }
}

/* A folder named after the computer whose input it holds is that
 * computer's home; the folder above it is then a folder of computers'
 * folders, where a folder of unnamed files is a computer of its own. */
static void mark_homes(grouping *g, size_t f, size_t gr)
{
    const kb_strlist *names = &g->out->groups[gr].names;
    for (; f != NONE; f = g->folders[f].parent) {
        folder *fo = &g->folders[f];
        if (fo->home != NONE || fo->parent == NONE)
            continue;
        for (size_t k = 0; k < names->n; k++)
            if (kb_hostname_in(fo->base, names->items[k])) {
                fo->home = gr;
                g->folders[fo->parent].layout = 1;
                break;
            }
    }
}

/* ---- computers ------------------------------------------------------------------ */

static void add_name(kb_strlist *names, const char *name)
{
    for (size_t i = 0; i < names->n; i++)
        if (kb_strcaseeq(names->items[i], name))
            return;
    kb_strlist_add(names, name);
}

/* Whether computer gr goes by name: one of its names is the same, and
 * none is a full name of another domain. */
static int accepts(const kb_hg_group *gr, const char *name)
{
    int same = 0;
    for (size_t i = 0; i < gr->names.n; i++) {
        if (kb_hostname_conflict(gr->names.items[i], name))
            return 0;
        same |= kb_hostname_same(gr->names.items[i], name);
    }
    return same;
}

/* The one computer that goes by name, or NONE (none, or several: a bare
 * name two domains share stays apart). */
static size_t find_group(const grouping *g, const char *name)
{
    size_t found = NONE;
    for (size_t i = 0; i < g->out->ngroups; i++)
        if (accepts(&g->out->groups[i], name)) {
            if (found != NONE)
                return NONE;
            found = i;
        }
    return found;
}

static size_t new_group(grouping *g, const char *name)
{
    kb_hostgroups *out = g->out;
    out->groups = kb_grow(out->groups, &g->capgroups, out->ngroups + 1, sizeof *out->groups, 8);
    kb_hg_group *gr = &out->groups[out->ngroups];
    memset(gr, 0, sizeof *gr);
    gr->first_input = NONE;
    if (name) {
        gr->made_as = kb_xstrdup(name);
        add_name(&gr->names, name);
    }
    return out->ngroups++;
}

static size_t group_for(grouping *g, const char *name)
{
    size_t found = find_group(g, name);
    return found != NONE ? found : new_group(g, name);
}

/* Input i is computer gr's, found so; name is what it gives (or NULL). */
static kb_hg_member *assign(grouping *g, size_t i, size_t gr, kb_hg_by by, const char *basis,
                            const char *name)
{
    kb_hostgroups *out = g->out;
    out->members = kb_grow(out->members, &g->capmembers, out->nmembers + 1, sizeof *out->members, 64);
    kb_hg_member *m = &out->members[out->nmembers++];
    memset(m, 0, sizeof *m);
    m->input = i;
    m->group = gr;
    m->by = by;
    m->basis = kb_xstrdup(basis ? basis : "");
    if (name && kb_hostname_usable(name))
        add_name(&out->groups[gr].names, name);
    if (g->items[i].group == NONE)
        g->items[i].group = gr;
    if (out->groups[gr].first_input == NONE || i < out->groups[gr].first_input)
        out->groups[gr].first_input = i;
    folders_hold(g, g->items[i].folder, gr);
    mark_homes(g, g->items[i].folder, gr);
    return m;
}

/* ---- pass 1: names inputs give of themselves and in their paths ------------------ */

static void add_known(grouping *g, const char *name)
{
    if (kb_hostname_usable(name))
        add_name(&g->known, name);
}

/* The names collectors give files and folders are known names too:
 * psSDP's "<NAME>_evt_System.evtx" tells the computer of "<NAME>_VSSAdmin.TXT". */
static void add_collectors_names(grouping *g)
{
    char name[NAME_BUF];
    for (size_t i = 0; i < g->n; i++)
        if (kb_hostname_from_file(g->items[i].base, name, sizeof name))
            add_known(g, name);
    for (size_t f = 0; f < g->nfolders; f++)
        if (g->folders[f].parent != NONE && kb_hostname_from_folder(g->folders[f].base, name, sizeof name))
            add_known(g, name);
}

/* The longest known name that is a word of text: index + 1, or 0. */
static size_t known_in(const grouping *g, const char *text)
{
    size_t best = 0, best_len = 0;
    for (size_t k = 0; k < g->known.n; k++) {
        size_t len = kb_hostname_label_len(g->known.items[k]);
        if (len > best_len && kb_hostname_in(text, g->known.items[k])) {
            best = k + 1;
            best_len = len;
        }
    }
    return best;
}

static size_t folder_known(grouping *g, size_t f)
{
    folder *fo = &g->folders[f];
    if (!fo->known_done) {
        fo->known = known_in(g, fo->base);
        fo->known_done = 1;
    }
    return fo->known;
}

/* Names from paths, nearest first: a collector's name in the file name,
 * then a known name in it; then the same for each folder up. */
static int name_from_path(grouping *g, size_t i)
{
    char name[NAME_BUF];
    const item *it = &g->items[i];
    size_t k;
    if (kb_hostname_from_file(it->base, name, sizeof name)) {
        assign(g, i, group_for(g, name), KB_HG_COLLECTOR, it->base, NULL);
        return 1;
    }
    if ((k = known_in(g, it->base))) {
        assign(g, i, group_for(g, g->known.items[k - 1]), KB_HG_FILE_NAME, it->base, NULL);
        return 1;
    }
    for (size_t f = it->folder; f != NONE; f = g->folders[f].parent) {
        const folder *fo = &g->folders[f];
        if (fo->parent == NONE)
            break; /* the top has no name */
        if (kb_hostname_from_folder(fo->base, name, sizeof name)) {
            assign(g, i, group_for(g, name), KB_HG_COLLECTOR, fo->path, NULL);
            return 1;
        }
        if ((k = folder_known(g, f))) {
            assign(g, i, group_for(g, g->known.items[k - 1]), KB_HG_FOLDER_NAME, fo->path, NULL);
            return 1;
        }
    }
    return 0;
}

/* A log of forwarded events feeds each computer its events name. */
static int name_from_events(grouping *g, size_t i)
{
    const kb_hg_input *in = &g->inputs[i];
    kb_strlist names = {0};
    if (in->event_names)
        for (size_t k = 0; k < in->event_names->n; k++)
            if (kb_hostname_usable(in->event_names->items[k]))
                add_name(&names, in->event_names->items[k]);
    if (kb_hostname_usable(in->log_name))
        add_name(&names, in->log_name);
    /* Each computer once, with every name its events give it. */
    size_t nmembers_before = g->out->nmembers;
    for (size_t k = 0; k < names.n; k++) {
        size_t gr = group_for(g, names.items[k]);
        kb_hg_member *m = NULL;
        for (size_t j = nmembers_before; j < g->out->nmembers && !m; j++)
            if (g->out->members[j].group == gr)
                m = &g->out->members[j];
        if (!m)
            m = assign(g, i, gr, KB_HG_EVENTS, "", names.items[k]);
        else
            add_name(&g->out->groups[gr].names, names.items[k]);
        kb_strlist_add(&m->names, names.items[k]);
    }
    kb_strlist_free(&names);
    return g->out->nmembers > nmembers_before;
}

static void pass_self_and_paths(grouping *g)
{
    for (size_t i = 0; i < g->n; i++) {
        const kb_hg_input *in = &g->inputs[i];
        if (in->forwarded) {
            name_from_events(g, i);
            continue;
        }
        if (kb_hostname_usable(in->own_name)) {
            assign(g, i, group_for(g, in->own_name), KB_HG_HOST_NAME, in->own_name, in->own_name);
            continue;
        }
        if (name_from_path(g, i) && kb_hostname_usable(in->log_name))
            add_name(&g->out->groups[g->items[i].group].names, in->log_name);
    }
}

/* ---- pass 2: logs by their Computer --------------------------------------------- */

static int pending_log(const grouping *g, size_t i)
{
    return g->items[i].group == NONE && !g->inputs[i].forwarded && kb_hostname_usable(g->inputs[i].log_name);
}

static void pass_logs_by_name(grouping *g)
{
    for (size_t i = 0; i < g->n; i++) {
        if (!pending_log(g, i))
            continue;
        size_t gr = find_group(g, g->inputs[i].log_name);
        if (gr != NONE)
            assign(g, i, gr, KB_HG_LOG, g->inputs[i].log_name, g->inputs[i].log_name);
    }
}

/* ---- pass 3: logs named by their Computer alone, by folder ------------------------ */

/* Where a folder's inputs belong when nothing of their own says. */
typedef enum owner_kind { OWNER_NONE, OWNER_ONE, OWNER_LAYOUT, OWNER_SEVERAL } owner_kind;

typedef struct owner {
    owner_kind kind;
    size_t group;    /* OWNER_ONE */
    size_t folder;   /* OWNER_ONE, OWNER_SEVERAL: the folder that says; OWNER_LAYOUT: its own */
} owner;

/* Looking up from folder f to the first folder holding some computer's
 * inputs: its one computer, several, or, in a folder of computers'
 * folders, f's own folder there. */
static owner folder_owner(const grouping *g, size_t f)
{
    size_t child = NONE;
    for (size_t l = f; l != NONE; child = l, l = g->folders[l].parent) {
        const folder *fo = &g->folders[l];
        if (!fo->ngroups)
            continue;
        if (child != NONE && fo->layout)
            return (owner){OWNER_LAYOUT, NONE, child};
        if (fo->ngroups == 1)
            return (owner){OWNER_ONE, fo->group[0], l};
        return (owner){OWNER_SEVERAL, NONE, l};
    }
    return (owner){OWNER_NONE, NONE, NONE};
}

static int same_channel(const char *a, const char *b)
{
    return a && b && kb_strcaseeq(a, b);
}

/* Whether a log of channel ch in folder f would be computer gr's second
 * log of that channel there. */
static int channel_taken(const grouping *g, size_t f, size_t gr, const char *ch)
{
    const folder *fo = &g->folders[f];
    for (size_t k = 0; k < fo->count; k++) {
        size_t i = g->by_folder[fo->first + k];
        if (g->items[i].group == gr && same_channel(g->inputs[i].channel, ch))
            return 1;
    }
    return 0;
}

/* The logs of a unit: pending logs of one folder, of one name when two
 * logs of the same channel there name different computers. */
typedef struct unit {
    size_t *logs;
    size_t n;
} unit;

/* The name most of the unit's logs give (the first of equals). */
static const char *unit_name(const grouping *g, const unit *u)
{
    const char *best = NULL;
    size_t best_n = 0;
    for (size_t a = 0; a < u->n; a++) {
        const char *name = g->inputs[u->logs[a]].log_name;
        size_t n = 0;
        for (size_t b = 0; b < u->n; b++)
            n += kb_strcaseeq(g->inputs[u->logs[b]].log_name, name);
        if (n > best_n) {
            best = name;
            best_n = n;
        }
    }
    return best;
}

/* The one computer with inputs in folder f itself (not below it), or NONE. */
static size_t folder_own_group(const grouping *g, size_t f)
{
    const folder *fo = &g->folders[f];
    size_t found = NONE;
    for (size_t k = 0; k < fo->count; k++) {
        size_t gr = g->items[g->by_folder[fo->first + k]].group;
        if (gr == NONE || gr == found)
            continue;
        if (found != NONE)
            return NONE;
        found = gr;
    }
    return found;
}

static void place_unit(grouping *g, const unit *u, size_t f)
{
    const char *name = unit_name(g, u);
    size_t gr = find_group(g, name);
    kb_hg_by by = KB_HG_LOG;
    const char *basis = name;
    if (gr == NONE) {
        /* A renamed computer's logs keep the names it had, in the folder
         * its logs sit in: they join the one computer of that folder
         * (never one of another folder: two names there are two). */
        size_t own = folder_own_group(g, f);
        int taken = 0;
        for (size_t k = 0; k < u->n && own != NONE && !taken; k++)
            taken = channel_taken(g, f, own, g->inputs[u->logs[k]].channel);
        if (own != NONE && !taken) {
            gr = own;
            by = KB_HG_FOLDER;
            basis = g->folders[f].path;
        } else {
            gr = new_group(g, name);
        }
    }
    for (size_t k = 0; k < u->n; k++) {
        size_t i = u->logs[k];
        assign(g, i, gr, by, by == KB_HG_LOG ? g->inputs[i].log_name : basis, g->inputs[i].log_name);
    }
}

/* Whether two pending logs of the folder share a channel under names of
 * two computers. */
static int names_collide(const grouping *g, const size_t *logs, size_t n)
{
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++)
            if (same_channel(g->inputs[logs[a]].channel, g->inputs[logs[b]].channel) &&
                !kb_hostname_same(g->inputs[logs[a]].log_name, g->inputs[logs[b]].log_name))
                return 1;
    return 0;
}

static void place_folder_logs(grouping *g, size_t f, size_t *logs, size_t n)
{
    if (!names_collide(g, logs, n)) {
        unit u = {logs, n};
        place_unit(g, &u, f);
        return;
    }
    size_t *taken = kb_xcalloc(n + 1, sizeof *taken);
    size_t *part = kb_xcalloc(n + 1, sizeof *part);
    for (size_t a = 0; a < n; a++) {
        if (taken[a])
            continue;
        unit u = {part, 0};
        for (size_t b = a; b < n; b++)
            if (!taken[b] && kb_hostname_same(g->inputs[logs[a]].log_name, g->inputs[logs[b]].log_name)) {
                taken[b] = 1;
                part[u.n++] = logs[b];
            }
        place_unit(g, &u, f);
    }
    free(taken);
    free(part);
}

static void pass_logs_by_folder(grouping *g)
{
    size_t *logs = kb_xcalloc(g->n + 1, sizeof *logs);
    for (size_t i = 0; i < g->n; i++) {
        if (!pending_log(g, i))
            continue;
        const folder *fo = &g->folders[g->items[i].folder];
        size_t n = 0;
        for (size_t k = 0; k < fo->count; k++)
            if (pending_log(g, g->by_folder[fo->first + k]))
                logs[n++] = g->by_folder[fo->first + k];
        place_folder_logs(g, g->items[i].folder, logs, n);
    }
    free(logs);
}

/* ---- pass 4: what nothing names, by folder ---------------------------------------- */

static void unassign(grouping *g, size_t i, const owner *o)
{
    kb_hostgroups *out = g->out;
    out->unassigned = kb_grow(out->unassigned, &g->capunassigned, out->nunassigned + 1,
                              sizeof *out->unassigned, 16);
    kb_hg_unassigned *u = &out->unassigned[out->nunassigned++];
    const folder *fo = &g->folders[o->folder];
    u->input = i;
    u->folder = kb_xstrdup(fo->path);
    u->groups[0] = fo->group[0];
    u->groups[1] = fo->group[1];
}

static void pass_unnamed(grouping *g)
{
    for (size_t i = 0; i < g->n; i++) {
        if (g->items[i].group != NONE)
            continue;
        owner o = folder_owner(g, g->items[i].folder);
        const folder *at = o.folder != NONE ? &g->folders[o.folder] : NULL;
        if (o.kind == OWNER_ONE) {
            assign(g, i, o.group, KB_HG_FOLDER, at->path, NULL);
        } else if (o.kind == OWNER_LAYOUT && kb_hostname_usable(at->base) && !g->inputs[i].weightless) {
            assign(g, i, group_for(g, at->base), KB_HG_LAYOUT, at->path, NULL);
        } else if (o.kind == OWNER_NONE) {
            if (g->nameless == NONE)
                g->nameless = new_group(g, NULL);
            assign(g, i, g->nameless, KB_HG_BUNDLE, "", NULL);
        } else {
            /* Several computers' files around it, or a layout folder
             * without a usable name: never someone else's. */
            if (o.kind == OWNER_LAYOUT)
                o = (owner){OWNER_SEVERAL, NONE, g->folders[o.folder].parent};
            unassign(g, i, &o);
        }
    }
}

/* ---- names to show ---------------------------------------------------------------- */

/* The name most of its inputs give of themselves (first of equals), then
 * the one it was first known by; the others are what it is also named. */
static void choose_names(grouping *g, size_t gr)
{
    kb_hg_group *grp = &g->out->groups[gr];
    kb_strlist seen = {0};
    size_t *counts = kb_xcalloc(g->out->nmembers + 1, sizeof *counts);
    for (size_t m = 0; m < g->out->nmembers; m++) {
        const kb_hg_member *mem = &g->out->members[m];
        const kb_hg_input *in = &g->inputs[mem->input];
        const char *name = in->own_name ? in->own_name : in->log_name;
        if (mem->group != gr || in->forwarded || !kb_hostname_usable(name))
            continue;
        size_t k = 0;
        while (k < seen.n && !kb_strcaseeq(seen.items[k], name))
            k++;
        if (k == seen.n)
            kb_strlist_add(&seen, name);
        counts[k]++;
    }
    size_t best = NONE;
    for (size_t k = 0; k < seen.n; k++)
        if (best == NONE || counts[k] > counts[best])
            best = k;
    const char *name = best != NONE ? seen.items[best] : grp->made_as;
    grp->name = kb_strdup(name);
    for (size_t k = 0; k < seen.n; k++)
        add_name(&grp->names, seen.items[k]);
    for (size_t k = 0; k < grp->names.n && name; k++)
        if (!kb_hostname_same(grp->names.items[k], name))
            add_name(&grp->also_named, grp->names.items[k]);
    free(counts);
    kb_strlist_free(&seen);
}

/* Members in input order, keeping the order an input's computers were
 * found in (a counting sort: stable, as qsort is not). */
static void sort_members(grouping *g)
{
    kb_hostgroups *out = g->out;
    size_t *start = kb_xcalloc(g->n + 2, sizeof *start);
    for (size_t m = 0; m < out->nmembers; m++)
        start[out->members[m].input + 1]++;
    for (size_t i = 0; i < g->n; i++)
        start[i + 1] += start[i];
    kb_hg_member *sorted = kb_xcalloc(out->nmembers + 1, sizeof *sorted);
    for (size_t m = 0; m < out->nmembers; m++)
        sorted[start[out->members[m].input]++] = out->members[m];
    free(out->members);
    out->members = sorted;
    g->capmembers = out->nmembers;
    free(start);
}

typedef struct rank {
    size_t first_input, group;
} rank;

static int by_first_input(const void *a, const void *b)
{
    const rank *x = a, *y = b;
    if (x->first_input != y->first_input)
        return x->first_input < y->first_input ? -1 : 1;
    return x->group < y->group ? -1 : x->group > y->group;
}

/* Computers in the order of their first input, renumbered where they are
 * named (members, unassigned inputs). */
static void order_groups(grouping *g)
{
    kb_hostgroups *out = g->out;
    size_t n = out->ngroups;
    rank *ranks = kb_xcalloc(n + 1, sizeof *ranks);
    for (size_t i = 0; i < n; i++)
        ranks[i] = (rank){out->groups[i].first_input, i};
    qsort(ranks, n, sizeof *ranks, by_first_input);
    kb_hg_group *sorted = kb_xcalloc(n + 1, sizeof *sorted);
    size_t *renumber = kb_xcalloc(n + 1, sizeof *renumber);
    for (size_t i = 0; i < n; i++) {
        sorted[i] = out->groups[ranks[i].group];
        renumber[ranks[i].group] = i;
    }
    free(out->groups);
    out->groups = sorted;
    for (size_t m = 0; m < out->nmembers; m++)
        out->members[m].group = renumber[out->members[m].group];
    for (size_t u = 0; u < out->nunassigned; u++)
        for (int k = 0; k < 2; k++)
            if (out->unassigned[u].groups[k] != NONE)
                out->unassigned[u].groups[k] = renumber[out->unassigned[u].groups[k]];
    free(renumber);
    free(ranks);
}

void kb_hostgroups_build(const kb_hg_input *inputs, size_t n, kb_hostgroups *out)
{
    memset(out, 0, sizeof *out);
    grouping g = {.inputs = inputs, .n = n, .out = out, .nameless = NONE};
    g.items = kb_xcalloc(n + 1, sizeof *g.items);
    for (size_t i = 0; i < n; i++) {
        g.items[i].in = &inputs[i];
        g.items[i].group = NONE;
        add_known(&g, inputs[i].own_name);
        add_known(&g, inputs[i].log_name);
        for (size_t k = 0; inputs[i].event_names && k < inputs[i].event_names->n; k++)
            add_known(&g, inputs[i].event_names->items[k]);
    }
    build_folders(&g);
    add_collectors_names(&g);
    pass_self_and_paths(&g);
    pass_logs_by_name(&g);
    pass_logs_by_folder(&g);
    pass_unnamed(&g);
    /* The name a computer shows is the one most of its inputs give, the
     * first in input order of equals: members in input order first. */
    sort_members(&g);
    for (size_t gr = 0; gr < out->ngroups; gr++)
        choose_names(&g, gr);
    order_groups(&g);
    for (size_t f = 0; f < g.nfolders; f++)
        free(g.folders[f].path);
    free(g.folders);
    free(g.by_folder);
    free(g.items);
    kb_strlist_free(&g.known);
}

void kb_hostgroups_free(kb_hostgroups *hg)
{
    for (size_t i = 0; i < hg->ngroups; i++) {
        free(hg->groups[i].name);
        free(hg->groups[i].made_as);
        kb_strlist_free(&hg->groups[i].names);
        kb_strlist_free(&hg->groups[i].also_named);
    }
    free(hg->groups);
    for (size_t i = 0; i < hg->nmembers; i++) {
        free(hg->members[i].basis);
        kb_strlist_free(&hg->members[i].names);
    }
    free(hg->members);
    for (size_t i = 0; i < hg->nunassigned; i++)
        free(hg->unassigned[i].folder);
    free(hg->unassigned);
    memset(hg, 0, sizeof *hg);
}

const char *kb_hg_by_name(kb_hg_by by)
{
    static const char *const names[KB_HG_BY_COUNT] = {
        [KB_HG_HOST_NAME] = "host_name", [KB_HG_COLLECTOR] = "collector",
        [KB_HG_FILE_NAME] = "file_name", [KB_HG_FOLDER_NAME] = "folder_name",
        [KB_HG_LOG] = "log", [KB_HG_EVENTS] = "events", [KB_HG_FOLDER] = "folder",
        [KB_HG_LAYOUT] = "layout", [KB_HG_BUNDLE] = "bundle",
    };
    return by < KB_HG_BY_COUNT ? names[by] : "?";
}
