/* findings.c - grouped ignored errors and kept unexpected findings. */
#include "findings.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

struct findings {
    pthread_mutex_t mu;
    ignored_group *groups;
    size_t ngroups, capgroups;
    finding *kept;
    size_t nkept, capkept, max_kept;
    uint64_t total;
};

findings *findings_new(size_t max_kept)
{
    findings *f = xcalloc(1, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    f->max_kept = max_kept;
    return f;
}

static void finding_clear(finding *x)
{
    free(x->action);
    free(x->message);
    free(x->detail);
    free(x->hint);
    free(x->sql);
}

void findings_free(findings *f)
{
    if (!f)
        return;
    findings_free_groups(f->groups, f->ngroups);
    findings_free_list(f->kept, f->nkept);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

void findings_add_ignored(findings *f, const char *sqlstate, const char *message)
{
    char *norm = err_message_key(message);
    const char *st = sqlstate ? sqlstate : "";
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->ngroups; i++) {
        ignored_group *g = &f->groups[i];
        if (strcmp(g->sqlstate, st) == 0 && strcmp(g->message, norm) == 0) {
            g->count++;
            pthread_mutex_unlock(&f->mu);
            free(norm);
            return;
        }
    }
    if (f->ngroups == f->capgroups) {
        f->capgroups = f->capgroups ? f->capgroups * 2 : 32;
        f->groups = xrealloc(f->groups, f->capgroups * sizeof *f->groups);
    }
    ignored_group *g = &f->groups[f->ngroups++];
    memset(g, 0, sizeof *g);
    strncpy(g->sqlstate, st, 5);
    g->message = norm;
    g->count = 1;
    pthread_mutex_unlock(&f->mu);
}

static void copy_finding(finding *dst, const finding *src)
{
    *dst = *src;
    dst->action = xstrdup(src->action);
    dst->message = xstrdup(src->message);
    dst->detail = xstrdup(src->detail);
    dst->hint = xstrdup(src->hint);
    dst->sql = xstrdup(src->sql);
}

void findings_add(findings *f, const finding *x)
{
    pthread_mutex_lock(&f->mu);
    f->total++;
    if (f->nkept < f->max_kept) {
        if (f->nkept == f->capkept) {
            f->capkept = f->capkept ? f->capkept * 2 : 16;
            f->kept = xrealloc(f->kept, f->capkept * sizeof *f->kept);
        }
        copy_finding(&f->kept[f->nkept++], x);
    }
    pthread_mutex_unlock(&f->mu);
}

static int by_count_desc(const void *a, const void *b)
{
    const ignored_group *x = a, *y = b;
    return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

size_t findings_groups(findings *f, ignored_group **out)
{
    pthread_mutex_lock(&f->mu);
    size_t n = f->ngroups;
    ignored_group *g = xcalloc(n ? n : 1, sizeof *g);
    for (size_t i = 0; i < n; i++) {
        g[i] = f->groups[i];
        g[i].message = xstrdup(f->groups[i].message);
    }
    pthread_mutex_unlock(&f->mu);
    qsort(g, n, sizeof *g, by_count_desc);
    *out = g;
    return n;
}

void findings_free_groups(ignored_group *g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(g[i].message);
    free(g);
}

size_t findings_list(findings *f, finding **out, uint64_t *total)
{
    pthread_mutex_lock(&f->mu);
    size_t n = f->nkept;
    finding *x = xcalloc(n ? n : 1, sizeof *x);
    for (size_t i = 0; i < n; i++)
        copy_finding(&x[i], &f->kept[i]);
    if (total)
        *total = f->total;
    pthread_mutex_unlock(&f->mu);
    *out = x;
    return n;
}

void findings_free_list(finding *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        finding_clear(&x[i]);
    free(x);
}
