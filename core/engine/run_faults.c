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

int run_fault_started(run *r, const char *kind, const char *what)
{
    fault_record_step(r, "start", kind, what);
    return run_fault_begin(r, kind, what, RUN_FAULT_GRACE_S);
}

void run_fault_healed(run *r, int index, const char *what)
{
    fault_list *f = &r->faults;
    char kind[sizeof f->v->snap.kind] = "";
    pthread_mutex_lock(&f->mu);
    if (index >= 0 && (size_t)index < f->n)
        snprintf(kind, sizeof kind, "%s", f->v[index].snap.kind);
    pthread_mutex_unlock(&f->mu);
    if (!*kind)
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
