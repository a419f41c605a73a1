/* faults.c - fault windows: the faults a run injects or issues (a
 * nemesis's kill or pause, a chaos action's cancel or terminate), each
 * with the span in which errors are its doing. The classifier asks which
 * windows cover a failure and gets rule conditions back. */
#include <string.h>

#include "run_internal.h"
#include "../util.h"

int faults_open(run *r, const char *kind, const char *target, unsigned condition, int worker,
                int pid, uint64_t grace_us)
{
    fault_list *f = &r->faults;
    double t = run_elapsed(r);
    pthread_mutex_lock(&f->mu);
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
    }
    int id = (int)f->n;
    fault_record *x = &f->v[f->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->snap.kind, sizeof x->snap.kind, "%s", kind);
    snprintf(x->snap.target, sizeof x->snap.target, "%s", target ? target : "");
    x->snap.start_s = t;
    x->snap.end_s = -1;
    x->condition = condition;
    x->worker = worker;
    x->pid = pid;
    x->start_us = now_us();
    x->grace_us = grace_us;
    pthread_mutex_unlock(&f->mu);
    return id;
}

void faults_close(run *r, int id)
{
    fault_list *f = &r->faults;
    double t = run_elapsed(r);
    pthread_mutex_lock(&f->mu);
    if (id >= 0 && (size_t)id < f->n && !f->v[id].end_us) {
        f->v[id].end_us = now_us();
        f->v[id].snap.end_s = t;
    }
    pthread_mutex_unlock(&f->mu);
}

/* A window aimed at a backend lasts while its worker still has that
 * backend (the victim may notice much later: idle, paused, waiting for a
 * lock); any other lasts until its end plus its grace period. */
static bool window_live(run *r, const fault_record *x, uint64_t now)
{
    if (x->pid)
        return x->worker >= 0 && x->worker < atomic_load(&r->nworkers) &&
               atomic_load(&r->workers[x->worker]->pid) == x->pid;
    return !x->end_us || now - x->end_us <= x->grace_us;
}

static bool window_covers(const fault_record *x, int worker, int pid, uint64_t at_us)
{
    if (x->worker >= 0 && x->worker != worker)
        return false;
    if (x->pid)
        return x->pid == pid;
    return at_us >= x->start_us && (!x->end_us || at_us <= x->end_us ||
                                    at_us - x->end_us <= x->grace_us);
}

unsigned faults_conditions(run *r, int worker, int pid, uint64_t at_us)
{
    fault_list *f = &r->faults;
    uint64_t now = now_us();
    unsigned holds = 0;
    pthread_mutex_lock(&f->mu);
    while (f->first_live < f->n && !window_live(r, &f->v[f->first_live], now))
        f->first_live++;
    for (size_t i = f->first_live; i < f->n; i++)
        if (window_covers(&f->v[i], worker, pid, at_us))
            holds |= f->v[i].condition;
    pthread_mutex_unlock(&f->mu);
    return holds;
}

int run_fault_begin(run *r, const char *kind, const char *target, double grace_s)
{
    return faults_open(r, kind, target, WHEN_FAULT, -1, 0,
                       grace_s > 0 ? (uint64_t)(grace_s * 1e6) : 0);
}

void run_fault_end(run *r, int id)
{
    faults_close(r, id);
}
