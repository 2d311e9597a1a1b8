/* host.c: the `host` pass: the computer a bundle comes from, from whichever
 * inputs say it: its name as the inputs name it (an event log's Computer,
 * systeminfo's Host Name), its OS name and version and its virtualisation
 * from systeminfo; with the inputs it came from.
 *
 * One host per bundle today: the name most inputs give. */
#include "combiners/combiners.h"

#include <string.h>

const char *const kb_host_fields[] = {
    "name", "os", "os_name", "os_version", "virtualization", "inputs", NULL,
};

/* The computer name most inputs give (ignoring case; the first of equals). */
static const char *most_common_name(const kb_inputs *inputs)
{
    const char *best = NULL;
    size_t best_n = 0;
    for (size_t i = 0; i < inputs->n; i++) {
        const char *c = inputs->items[i].computer;
        if (!c || !*c)
            continue;
        size_t n = 0;
        for (size_t j = 0; j < inputs->n; j++)
            n += inputs->items[j].computer && kb_strcaseeq(inputs->items[j].computer, c);
        if (n > best_n) {
            best = c;
            best_n = n;
        }
    }
    return best;
}

/* The first systeminfo fact: what the computer said of itself. */
static const kb_fact *first_systeminfo(const kb_factlist *facts)
{
    for (size_t i = 0; i < facts->n; i++)
        if (strcmp(facts->items[i]->type, "systeminfo") == 0)
            return facts->items[i];
    return NULL;
}

static const char *nonempty(const kb_fact *f, const char *name)
{
    const char *v = f ? kb_fact_get(f, name) : NULL;
    return v && *v ? v : NULL;
}

/* The inputs the host came from, one path a line: those naming it, and
 * the one that described its OS. The fact's own input is the first. */
static void add_inputs(kb_fact *host, const kb_inputs *inputs, const char *name, const kb_fact *info,
                       int *failed)
{
    kb_buf b = KB_BUF_INIT;
    long first = -1;
    for (size_t i = 0; i < inputs->n; i++) {
        const kb_input *in = &inputs->items[i];
        int named = name && in->computer && kb_strcaseeq(in->computer, name);
        if (!named && !(info && info->input == i))
            continue;
        kb_buf_printf(&b, "%s%s", first < 0 ? "" : "\n", in->path);
        if (first < 0)
            first = (long)i;
    }
    if (first >= 0)
        host->input = (size_t)first;
    kb_derived_set(host, "inputs", kb_buf_str(&b), failed);
    *failed |= b.failed;
    kb_buf_free(&b);
}

static kb_status derive_host(kb_combine_ctx *ctx)
{
    const kb_fact *info = first_systeminfo(ctx->facts);
    const char *name = most_common_name(ctx->inputs);
    if (!name)
        name = nonempty(info, "host");
    const char *os_name = nonempty(info, "os_name"), *os_version = nonempty(info, "os_version");
    const char *virt = nonempty(info, "virtualization");
    if (!name && !os_name && !virt)
        return KB_OK; /* nothing says anything of the computer */
    kb_fact *host = kb_derived_fact(ctx, KB_FACT_HOST, info ? info->input : 0);
    if (!host)
        return KB_ERR_NOMEM;
    int failed = 0;
    kb_derived_set(host, "name", name, &failed);
    kb_derived_set(host, "os_name", os_name, &failed);
    kb_derived_set(host, "os_version", os_version, &failed);
    if (os_name && os_version)
        kb_derived_setf(host, &failed, "os", "%s (%s)", os_name, os_version);
    else
        kb_derived_set(host, "os", os_name, &failed);
    kb_derived_set(host, "virtualization", virt, &failed);
    add_inputs(host, ctx->inputs, name, info, &failed);
    return failed ? KB_ERR_NOMEM : KB_OK;
}

static const char *const reads[] = {"systeminfo", NULL};

const kb_combiner kb_combiner_host = {
    .name = KB_FACT_HOST,
    .run = derive_host,
    .reads = reads,
    .interest = NULL,
};
