/* host.c: the `host` pass: the computers of a bundle and which inputs are
 * whose (host_group.h): one `host` fact per computer (its name, the other
 * names its inputs give, its OS and virtualisation from its systeminfo),
 * one `host.input` fact per input of a computer (how it was found to be
 * that computer's), one `host.unassigned` fact per input whose computer
 * cannot be told (and why). The engine evaluates the rules per computer
 * from these (engine/computers.h). */
#include "combiners/combiners.h"
#include "combiners/host_group.h"
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

const char *const kb_host_fields[] = {
    "id", "name", "also_named", "os", "os_name", "os_version", "virtualization", "inputs", NULL,
};
const char *const kb_host_input_fields[] = {
    "host", "name", "path", "by", "basis", "names", NULL,
};
const char *const kb_host_unassigned_fields[] = {
    "path", "folder", "hosts", "computers", NULL,
};

/* The channel Windows' event collector writes subscriptions to: a log of
 * other computers' events. */
#define FORWARDED_CHANNEL "ForwardedEvents"

static const char *nonempty(const kb_fact *f, const char *name)
{
    const char *v = f ? kb_fact_get(f, name) : NULL;
    return v && *v ? v : NULL;
}

static void join_lines(kb_buf *b, const kb_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        kb_buf_printf(b, "%s%s", i ? "\n" : "", l->items[i]);
}

/* What the grouping reads of each input: the names it gives of itself,
 * and for a log of forwarded events the computers its facts name. */
static kb_hg_input *grouping_inputs(const kb_combine_ctx *ctx, kb_strlist **event_names)
{
    const kb_inputs *inputs = ctx->inputs;
    kb_hg_input *hg = kb_xcalloc(inputs->n + 1, sizeof *hg);
    *event_names = kb_xcalloc(inputs->n + 1, sizeof **event_names);
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        int log = kb_input_is_log(in);
        /* A container's name ("tss_<time>_<COMPUTER>_psSDP_VSS.zip") is not
         * a computer's: its members say theirs. */
        int content = kb_input_is_content(in);
        hg[i] = (kb_hg_input){
            .path = in->path,
            .own_name = log || !content ? NULL : in->computer,
            .log_name = log ? in->computer : NULL,
            .channel = log ? in->channel : NULL,
            .forwarded = log && in->channel && kb_strcaseeq(in->channel, FORWARDED_CHANNEL),
            /* not recognised, or a container (an archive, a file split in
             * sections: its members and sections are the inputs) */
            .weightless = (!in->kind || !kb_input_is_content(in)) && !in->local_error,
            .event_names = &(*event_names)[i],
        };
    }
    for (size_t k = 0; k < ctx->facts->n; k++) {
        const kb_fact *f = ctx->facts->items[k];
        const char *c = f->input < inputs->n && hg[f->input].forwarded ? nonempty(f, "computer") : NULL;
        if (c && !kb_strlist_has(&(*event_names)[f->input], c))
            kb_strlist_add(&(*event_names)[f->input], c);
    }
    return hg;
}

/* The first systeminfo fact of computer gr: what it said of itself. */
static const kb_fact *systeminfo_of(const kb_combine_ctx *ctx, const size_t *group_of, size_t gr)
{
    for (size_t i = 0; i < ctx->facts->n; i++) {
        const kb_fact *f = ctx->facts->items[i];
        if (strcmp(f->type, "systeminfo") == 0 && f->input < ctx->inputs->n && group_of[f->input] == gr)
            return f;
    }
    return NULL;
}

/* The inputs the computer's name and OS came from, one path a line: those
 * of its inputs naming it, and the one that described its OS. The fact's
 * own input is the first of them, else its first input. */
static void add_sources(kb_fact *host, const kb_combine_ctx *ctx, const size_t *group_of, size_t gr,
                        const char *name, const kb_fact *info, size_t first_input, int *failed)
{
    kb_buf b = KB_BUF_INIT;
    long first = -1;
    for (size_t i = 0; i < ctx->inputs->n; i++) {
        const kb_input *in = &ctx->inputs->items[i];
        int named = group_of[i] == gr && name && in->computer && kb_strcaseeq(in->computer, name);
        if (!named && !(info && info->input == i))
            continue;
        kb_buf_printf(&b, "%s%s", first < 0 ? "" : "\n", in->path);
        if (first < 0)
            first = (long)i;
    }
    host->input = first >= 0 ? (size_t)first : first_input;
    kb_derived_set(host, "inputs", kb_buf_str(&b), failed);
    *failed |= b.failed;
    kb_buf_free(&b);
}

static int add_host(kb_combine_ctx *ctx, const kb_hostgroups *hg, const size_t *group_of, size_t gr)
{
    const kb_hg_group *g = &hg->groups[gr];
    const kb_fact *info = systeminfo_of(ctx, group_of, gr);
    const char *os_name = nonempty(info, "os_name"), *os_version = nonempty(info, "os_version");
    const char *name = g->name ? g->name : nonempty(info, "host");
    kb_fact *host = kb_derived_fact(ctx, KB_FACT_HOST, g->first_input);
    if (!host)
        return -1;
    int failed = 0;
    kb_derived_setf(host, &failed, "id", "%zu", gr + 1);
    kb_derived_set(host, "name", name, &failed);
    kb_buf also = KB_BUF_INIT;
    join_lines(&also, &g->also_named);
    kb_derived_set(host, "also_named", kb_buf_str(&also), &failed);
    kb_buf_free(&also);
    kb_derived_set(host, "os_name", os_name, &failed);
    kb_derived_set(host, "os_version", os_version, &failed);
    if (os_name && os_version)
        kb_derived_setf(host, &failed, "os", "%s (%s)", os_name, os_version);
    else
        kb_derived_set(host, "os", os_name, &failed);
    kb_derived_set(host, "virtualization", nonempty(info, "virtualization"), &failed);
    add_sources(host, ctx, group_of, gr, name, info, g->first_input, &failed);
    return failed ? -1 : 0;
}

static int add_member(kb_combine_ctx *ctx, const kb_hostgroups *hg, const kb_hg_member *m)
{
    kb_fact *f = kb_derived_fact(ctx, KB_FACT_HOST_INPUT, m->input);
    if (!f)
        return -1;
    int failed = 0;
    kb_buf names = KB_BUF_INIT;
    join_lines(&names, &m->names);
    kb_derived_setf(f, &failed, "host", "%zu", m->group + 1);
    kb_derived_set(f, "name", hg->groups[m->group].name, &failed);
    kb_derived_set(f, "path", ctx->inputs->items[m->input].path, &failed);
    kb_derived_set(f, "by", kb_hg_by_name(m->by), &failed);
    kb_derived_set(f, "basis", m->basis, &failed);
    kb_derived_set(f, "names", kb_buf_str(&names), &failed);
    kb_buf_free(&names);
    return failed ? -1 : 0;
}

static int add_unassigned(kb_combine_ctx *ctx, const kb_hostgroups *hg, const kb_hg_unassigned *u)
{
    kb_fact *f = kb_derived_fact(ctx, KB_FACT_HOST_UNASSIGNED, u->input);
    if (!f)
        return -1;
    int failed = 0;
    kb_buf names = KB_BUF_INIT, ids = KB_BUF_INIT;
    for (int k = 0; k < 2 && u->groups[k] != KB_HG_NONE; k++) {
        const char *n = hg->groups[u->groups[k]].name;
        kb_buf_printf(&names, "%s%s", k ? "\n" : "", n ? n : "");
        kb_buf_printf(&ids, "%s%zu", k ? "\n" : "", u->groups[k] + 1);
    }
    kb_derived_set(f, "path", ctx->inputs->items[u->input].path, &failed);
    kb_derived_set(f, "folder", u->folder, &failed);
    kb_derived_set(f, "hosts", kb_buf_str(&ids), &failed);
    kb_derived_set(f, "computers", kb_buf_str(&names), &failed);
    kb_buf_free(&names);
    kb_buf_free(&ids);
    return failed ? -1 : 0;
}

static kb_status derive_host(kb_combine_ctx *ctx)
{
    size_t n = ctx->inputs->n;
    kb_strlist *event_names;
    kb_hg_input *hg_inputs = grouping_inputs(ctx, &event_names);
    kb_hostgroups hg;
    kb_hostgroups_build(hg_inputs, n, &hg);
    size_t *group_of = kb_xcalloc(n + 1, sizeof *group_of);
    for (size_t i = 0; i < n; i++)
        group_of[i] = KB_HG_NONE;
    for (size_t m = hg.nmembers; m-- > 0;)
        group_of[hg.members[m].input] = hg.members[m].group; /* an input's first computer */
    int failed = 0;
    for (size_t gr = 0; gr < hg.ngroups && !failed; gr++)
        failed = add_host(ctx, &hg, group_of, gr) != 0;
    for (size_t m = 0; m < hg.nmembers && !failed; m++)
        failed = add_member(ctx, &hg, &hg.members[m]) != 0;
    for (size_t u = 0; u < hg.nunassigned && !failed; u++)
        failed = add_unassigned(ctx, &hg, &hg.unassigned[u]) != 0;
    free(group_of);
    kb_hostgroups_free(&hg);
    for (size_t i = 0; i < n; i++)
        kb_strlist_free(&event_names[i]);
    free(event_names);
    free(hg_inputs);
    return failed ? KB_ERR_NOMEM : KB_OK;
}

/* A log of forwarded events is each computer's its events name. */
static int shares_forwarded(const char *channel)
{
    return kb_strcaseeq(channel, FORWARDED_CHANNEL);
}

static const char *const reads[] = {"systeminfo", NULL};

const kb_combiner kb_combiner_host = {
    .name = KB_FACT_HOST,
    .run = derive_host,
    .reads = reads,
    .shares = shares_forwarded,
    .interest = NULL,
};
