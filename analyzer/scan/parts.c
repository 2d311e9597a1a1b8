/* parts.c: the inputs found inside a file (see scan_internal.h): made by
 * the thread that analyses the file, each with its own facts, and moved
 * into the run's list after every thread is done, right after the file
 * they were found in: an archive's members in the order a folder's files
 * would be listed (name by name, folder by folder), a file's sections in
 * file order, and their facts in the same order, so that a bundle packed
 * in an archive reports as the same bundle as a folder. */
#include "scan/scan_internal.h"
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

scan_part *kb_scan_new_part(scan_job *job, long parent, const char *name, const char *sort_name)
{
    job->parts = kb_grow(job->parts, &job->capparts, job->nparts + 1, sizeof *job->parts, 16);
    scan_part *p = kb_xcalloc(1, sizeof *p);
    kb_inputs one = {0};
    kb_inputs_add(&one, name);   /* the input's defaults, then moved into the part */
    p->in = one.items[0];
    free(one.items);
    p->parent = parent;
    size_t seq = 0;
    for (size_t i = 0; i < job->nparts; i++)
        seq += job->parts[i]->parent == parent;
    p->seq = seq;
    p->sort_name = sort_name ? kb_xstrdup(sort_name) : NULL;
    job->parts[job->nparts++] = p;
    return p;
}

long kb_scan_part_index(const scan_job *job, const scan_part *part)
{
    for (size_t i = job->nparts; i > 0; i--)
        if (job->parts[i - 1] == part)
            return (long)(i - 1);
    return -1;
}

/* Names compared part by part ("a/b" before "a.txt", as a folder walk
 * lists "a/" before "a.txt"); either separator. */
static int name_cmp(const char *a, const char *b)
{
    for (;;) {
        size_t na = strcspn(a, "/\\"), nb = strcspn(b, "/\\");
        size_t n = na < nb ? na : nb;
        int c = memcmp(a, b, n);
        if (c)
            return c;
        if (na != nb)
            return na < nb ? -1 : 1; /* the shorter part first, as strcmp would */
        a += na;
        b += nb;
        if (!*a || !*b)
            return *a ? 1 : *b ? -1 : 0;
        a++;
        b++;
    }
}

/* A part's place in the listing: after its container, among its siblings. */
typedef struct place {
    long parent;
    const char *sort_name;
    size_t seq;
    size_t part;
} place;

static int place_cmp(const void *x, const void *y)
{
    const place *a = x, *b = y;
    if (a->parent != b->parent)
        return a->parent < b->parent ? -1 : 1;
    if (a->sort_name && b->sort_name) {
        int c = name_cmp(a->sort_name, b->sort_name);
        if (c)
            return c;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The run's new lists, being built. */
typedef struct splice {
    kb_inputs out;
    kb_factlist *facts;
    const place *order;       /* the job's parts, sorted by parent then name */
    const size_t *first;      /* first[parent + 1]: where its children start in order */
    size_t nparts;
} splice;

static size_t move_input(splice *sp, kb_input *in)
{
    sp->out.items = kb_grow(sp->out.items, &sp->out.cap, sp->out.n + 1, sizeof *sp->out.items, 64);
    sp->out.items[sp->out.n] = *in;
    memset(in, 0, sizeof *in);
    return sp->out.n++;
}

static void move_facts(splice *sp, kb_factlist *from, size_t index)
{
    for (size_t i = 0; i < from->n; i++) {
        from->items[i]->input = index;
        kb_factlist_add(sp->facts, from->items[i]);
    }
    free(from->items);
    memset(from, 0, sizeof *from);
}

/* The parts inside parent, each followed by its own parts. */
static void move_parts(splice *sp, scan_job *job, long parent)
{
    for (size_t k = sp->first[parent + 1]; k < sp->nparts && sp->order[k].parent == parent; k++) {
        scan_part *p = job->parts[sp->order[k].part];
        size_t index = move_input(sp, &p->in);
        move_facts(sp, &p->facts, index);
        move_parts(sp, job, (long)sp->order[k].part);
    }
}

static void splice_job(splice *sp, scan_job *job, size_t index)
{
    move_facts(sp, &job->facts, index);
    if (!job->nparts)
        return;
    place *order = kb_xcalloc(job->nparts, sizeof *order);
    size_t *first = kb_xcalloc(job->nparts + 1, sizeof *first);
    for (size_t i = 0; i < job->nparts; i++)
        order[i] = (place){job->parts[i]->parent, job->parts[i]->sort_name, job->parts[i]->seq, i};
    qsort(order, job->nparts, sizeof *order, place_cmp);
    for (size_t k = job->nparts; k > 0; k--)
        first[order[k - 1].parent + 1] = k - 1;
    sp->order = order;
    sp->first = first;
    sp->nparts = job->nparts;
    move_parts(sp, job, -1);
    for (size_t i = 0; i < job->nparts; i++) {
        kb_input_clear(&job->parts[i]->in);
        free(job->parts[i]->sort_name);
        free(job->parts[i]);
    }
    free(job->parts);
    job->parts = NULL;
    job->nparts = job->capparts = 0;
    free(order);
    free(first);
}

void kb_scan_splice(scan_state *st)
{
    /* Which job each walk input is, if any. */
    long *job_of = kb_xcalloc(st->inputs->n + 1, sizeof *job_of);
    for (size_t i = 0; i < st->inputs->n; i++)
        job_of[i] = -1;
    for (size_t j = 0; j < st->njobs; j++)
        job_of[st->jobs[j].index] = (long)j;
    splice sp = {.facts = st->facts};
    for (size_t i = 0; i < st->inputs->n; i++) {
        size_t index = move_input(&sp, &st->inputs->items[i]);
        if (job_of[i] >= 0) {
            scan_job *job = &st->jobs[job_of[i]];
            job->index = index;
            splice_job(&sp, job, index);
        }
    }
    free(job_of);
    free(st->inputs->items);
    *st->inputs = sp.out;
}
