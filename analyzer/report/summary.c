/* summary.c: the bundle summary at the top of every report
 * (computer, OS, time range) and the exit status of a run. */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

static const char *most_common_computer(const kb_inputs *inputs)
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

void kb_report_summarise(kb_report *r, const kb_factlist *facts, kb_strlist *storage)
{
    r->computer = most_common_computer(r->inputs);
    r->first_time = r->last_time = KB_TIME_NONE;
    for (size_t i = 0; i < r->inputs->n; i++) {
        const kb_input *in = &r->inputs->items[i];
        if (in->first_time != KB_TIME_NONE &&
            (r->first_time == KB_TIME_NONE || in->first_time < r->first_time))
            r->first_time = in->first_time;
        if (in->last_time != KB_TIME_NONE &&
            (r->last_time == KB_TIME_NONE || in->last_time > r->last_time))
            r->last_time = in->last_time;
    }
    for (size_t i = 0; i < facts->n; i++) {
        const kb_fact *f = facts->items[i];
        if (strcmp(f->type, "systeminfo") != 0)
            continue;
        const char *name = kb_fact_get(f, "os_name");
        const char *version = kb_fact_get(f, "os_version");
        if (name && *name) {
            char *os = version && *version ? kb_strprintf("%s (%s)", name, version) : kb_strdup(name);
            if (os && kb_strlist_add(storage, os) == 0)
                r->os = storage->items[storage->n - 1];
            free(os);
        }
        const char *virt = kb_fact_get(f, "virtualization");
        if (virt && *virt)
            r->virtualization = virt;
        if (!r->computer) {
            const char *host = kb_fact_get(f, "host");
            if (host && *host)
                r->computer = host;
        }
        break;
    }
}

int kb_results_exit_status(const kb_results *results)
{
    int cannot_tell = 0;
    for (size_t i = 0; i < results->n; i++) {
        if (results->rules[i].verdict == KB_VERDICT_MATCHED)
            return 1;
        cannot_tell |= results->rules[i].verdict == KB_VERDICT_CANNOT_TELL;
    }
    return cannot_tell ? 3 : 0;
}
