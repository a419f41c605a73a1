/* series.c - the report's per-second rows: names, allocation, faults. */
#include "series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

size_t names_add(names *n, const char *s)
{
    long i = names_find(n, s);
    if (i >= 0)
        return (size_t)i;
    n->v = xrealloc(n->v, (n->n + 1) * sizeof *n->v);
    n->v[n->n] = xstrdup(s);
    return n->n++;
}

long names_find(const names *n, const char *s)
{
    for (size_t i = 0; i < n->n; i++)
        if (strcmp(n->v[i], s) == 0)
            return (long)i;
    return -1;
}

void names_free(names *n)
{
    for (size_t i = 0; i < n->n; i++)
        free(n->v[i]);
    free(n->v);
    n->v = NULL;
    n->n = 0;
}

void series_alloc(series *s, size_t nrows)
{
    s->nrows = nrows;
    size_t rows = nrows ? nrows : 1;
    s->t = xcalloc(rows, sizeof *s->t);
    s->dt = xcalloc(rows, sizeof *s->dt);
    s->count = xcalloc(rows * (s->outcomes.n ? s->outcomes.n : 1), sizeof *s->count);
    s->action_ops = xcalloc(s->actions.n ? s->actions.n : 1, sizeof *s->action_ops);
    size_t nlat = rows * (s->actions.n ? s->actions.n : 1) * LAT_COUNT;
    s->lat_ms = xmalloc(nlat * sizeof *s->lat_ms);
    for (size_t i = 0; i < nlat; i++)
        s->lat_ms[i] = NAN;
    s->threads = xcalloc(rows * (s->states.n ? s->states.n : 1), sizeof *s->threads);
}

void series_add_fault(series *s, const char *kind, const char *target, double start_s,
                      double end_s)
{
    for (size_t i = 0; i < s->nfaults; i++)
        if (strcmp(s->faults[i].kind, kind) == 0 && fabs(s->faults[i].start_s - start_s) < 1e-6) {
            if (end_s >= 0)
                s->faults[i].end_s = end_s;
            return;
        }
    s->faults = xrealloc(s->faults, (s->nfaults + 1) * sizeof *s->faults);
    s->faults[s->nfaults++] = (fault_window){xstrdup(kind), xstrdup(target ? target : ""),
                                             start_s, end_s};
}

/* A last row much shorter than a second (the run stopped just after a
 * whole second) would show its few operations as a spike of rate: its
 * counts join the row before. */
void series_merge_short_tail(series *s)
{
    if (s->nrows < 2 || s->dt[s->nrows - 1] >= 0.5)
        return;
    size_t last = s->nrows - 1, prev = last - 1;
    for (size_t k = 0; k < s->outcomes.n; k++)
        s->count[prev * s->outcomes.n + k] += s->count[last * s->outcomes.n + k];
    s->t[prev] = s->t[last];
    s->dt[prev] += s->dt[last];
    for (size_t st = 0; st < s->states.n; st++)
        s->threads[prev * s->states.n + st] = s->threads[last * s->states.n + st];
    s->nrows--;
}

void series_free(series *s)
{
    free(s->t);
    free(s->dt);
    free(s->count);
    free(s->action_ops);
    free(s->lat_ms);
    free(s->threads);
    names_free(&s->outcomes);
    names_free(&s->actions);
    names_free(&s->states);
    for (size_t i = 0; i < s->nfaults; i++) {
        free(s->faults[i].kind);
        free(s->faults[i].target);
    }
    free(s->faults);
    free(s->source);
    memset(s, 0, sizeof *s);
}
