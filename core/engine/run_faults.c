/* run_faults.c - faults of the nemesis as the run records them: a window
 * in the fault list (faults.c: the classifier, the console and the
 * summary read it), the event tail, and the history's nemesis records. */
#include <stdio.h>
#include <string.h>

#include "../fault/nemesis.h"
#include "recorder.h"
#include "run_internal.h"
#include "../util.h"

/* The event and the history record of one step of a fault. */
static void fault_record_step(run *r, const char *step, const char *kind, const char *what)
{
    char f[32];
    snprintf(f, sizeof f, "%s-%s", step, kind);
    char *msg = xasprintf("%s: %s", f, what);
    run_push_event(r, NULL, EC_NONE, "nemesis", "", msg, NULL, NULL);
    free(msg);
    if (r->rec)
        recorder_note_fault(r->rec, f, what);
}

int run_fault_started(run *r, const char *kind)
{
    return run_fault_begin(r, kind, "starting", RUN_FAULT_GRACE_S);
}

/* Copies fault id's kind into kind (cap bytes) and, when target is not
 * NULL, sets its target. Returns false for an unknown id. */
static bool fault_touch(run *r, int id, const char *target, char *kind, size_t cap)
{
    fault_list *f = &r->faults;
    bool found = false;
    pthread_mutex_lock(&f->mu);
    if (id >= 0 && (size_t)id < f->n) {
        fault_snap *s = &f->v[id].snap;
        if (target)
            snprintf(s->target, sizeof s->target, "%s", target);
        snprintf(kind, cap, "%s", s->kind);
        found = true;
    }
    pthread_mutex_unlock(&f->mu);
    return found;
}

void run_fault_acted(run *r, int index, const char *what)
{
    char kind[32];
    if (fault_touch(r, index, what, kind, sizeof kind))
        fault_record_step(r, "start", kind, what);
}

void run_fault_healed(run *r, int index, const char *what)
{
    char kind[32];
    if (!fault_touch(r, index, NULL, kind, sizeof kind))
        return;
    run_fault_end(r, index);
    fault_record_step(r, "stop", kind, what);
}

void run_fault_note(run *r, const char *text)
{
    run_push_event(r, NULL, EC_NONE, "nemesis", "", text, NULL, NULL);
}

void run_attach_nemesis(run *r, nemesis *n)
{
    atomic_store(&r->nemesis, n);
}

nemesis *run_nemesis(run *r)
{
    return atomic_load(&r->nemesis);
}

void run_set_worker_conninfo(run *r, const char *conninfo)
{
    free(r->worker_conninfo);
    r->worker_conninfo = xstrdup(conninfo);
}
