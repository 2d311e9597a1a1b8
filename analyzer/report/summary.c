/* summary.c: the bundle summary at the top of every report (computer, OS,
 * time range), from the derived host fact and the inputs. */
#include "report/report.h"
#include "core/derived.h"

#include <string.h>

static const char *nonempty(const kb_fact *f, const char *name)
{
    const char *v = kb_fact_get(f, name);
    return v && *v ? v : NULL;
}

void kb_report_summarise(kb_report *r, const kb_factlist *facts)
{
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
        if (strcmp(f->type, KB_FACT_HOST) != 0)
            continue;
        r->computer = nonempty(f, "name");
        r->os = nonempty(f, "os");
        r->virtualization = nonempty(f, "virtualization");
        break;
    }
}
