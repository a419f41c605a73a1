/* run_faults.c - faults of the nemesis as the run records them: a window
 * in the fault list (faults.c: the classifier, the console and the
 * summary read it), the event tail, and the history's nemesis records. */
#include <stdio.h>
#include <string.h>

#include "../fault/nemesis.h"
#include "recorder.h"
#include "run_internal.h"
#include "../util.h"

/* The action label of worker w's running action ("nemesis" for w NULL). */
static const char *step_label(run *r, worker *w)
{
    if (!w)
        return "nemesis";
    int ai = atomic_load(&w->action);
    return ai >= 0 ? r->actions[ai].label : "";
}

/* Pushes a fault's note: the nemesis's as an event, a worker's own as a
 * routine one (many of them: the console keeps them apart). */
static void push_note(run *r, worker *w, const char *msg)
{
    if (w)
        run_push_routine(r, w, step_label(r, w), msg);
    else
        run_push_event(r, NULL, EC_NONE, step_label(r, w), "", msg, NULL, NULL);
}

/* The history record of one step of a fault, taken by worker w (NULL:
 * the nemesis), and its event unless quiet. */
static void fault_record_step(run *r, worker *w, const char *step, const char *kind,
                              const char *what, bool quiet)
{
    char f[32];
    snprintf(f, sizeof f, "%s-%s", step, kind);
    if (!quiet) {
        char *msg = xasprintf("%s: %s", f, what);
        push_note(r, w, msg);
        free(msg);
    }
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

void faults_note_start(run *r, worker *w, int index, const char *what)
{
    char kind[32];
    if (fault_touch(r, index, what, kind, sizeof kind))
        fault_record_step(r, w, "start", kind, what, false);
}

/* The stop of fault index: its window closes, a history record, and an
 * event unless quiet. */
static void note_stop(run *r, worker *w, int index, const char *what, bool quiet)
{
    char kind[32];
    if (!fault_touch(r, index, NULL, kind, sizeof kind))
        return;
    faults_close(r, index);
    fault_record_step(r, w, "stop", kind, what, quiet);
}

void faults_note_stop(run *r, worker *w, int index, const char *what)
{
    note_stop(r, w, index, what, false);
}

void faults_note_done(run *r, worker *w, int index)
{
    note_stop(r, w, index, "done", true);
}

void faults_note_failure(run *r, worker *w, int index, const char *why)
{
    char kind[32];
    if (!fault_touch(r, index, NULL, kind, sizeof kind))
        return;
    char *msg = xasprintf("%s failed: %s", kind, why);
    push_note(r, w, msg);
    note_stop(r, w, index, msg, true);   /* the event above says it */
    free(msg);
}

void run_fault_acted(run *r, int index, const char *what)
{
    faults_note_start(r, NULL, index, what);
}

void run_fault_healed(run *r, int index, const char *what)
{
    faults_note_stop(r, NULL, index, what);
}

void run_fault_done(run *r, int index)
{
    faults_note_done(r, NULL, index);
}

void run_fault_failed(run *r, int index, const char *why)
{
    faults_note_failure(r, NULL, index, why);
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

void run_set_worker_proxy(run *r, const char *conninfo, tcp_proxy *proxy)
{
    free(r->worker_conninfo);
    r->worker_conninfo = xstrdup(conninfo);
    r->worker_proxy = proxy;
}
