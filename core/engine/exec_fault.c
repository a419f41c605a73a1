/* exec_fault.c - a worker's own faults: it terminates or cancels another
 * worker's backend through the fault kinds table's rows, on its own
 * connection, recorded as the nemesis's faults are (the fault list with
 * the victim's window, the event tail, the history). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"
#include "../util.h"

int faults_open_interrupt(run *r, fault_kind k, int victim, int pid, char *target, size_t cap)
{
    snprintf(target, cap, "worker %d (pid %d)", victim, pid);
    /* A terminated backend is named by its pid: the victim may notice only
     * much later (idle, or waiting for a lock), and its next connection has
     * another pid. A cancel hits the statement running now, so its error
     * is expected within a window. */
    bool terminate = k == FK_TERMINATE;
    return faults_open(r, fault_kind_get(k)->name, target, WHEN_INTERRUPTED, victim,
                       terminate ? pid : 0, terminate ? 0 : INTERRUPT_WINDOW_US);
}

typedef struct worker_query {
    actx *a;
    bool failed;              /* the statement failed (facts in the worker) */
} worker_query;

/* The kinds' query hook on the worker's connection: the statement goes
 * through the worker's runner (statement log, latency, classification). */
static int query_on_worker(void *arg, const char *sql, char *out, size_t cap)
{
    worker_query *q = arg;
    if (!ax_exec(q->a, sql)) {
        q->failed = true;
        const char *m = q->a->w->err.message;
        snprintf(out, cap, "%s", m ? m : "the statement failed");
        return -1;
    }
    const char *v = ax_value(q->a, 0, 0);
    snprintf(out, cap, "%s", v ? v : "");
    return 0;
}

bool ax_fault_worker(actx *a, fault_kind k, int victim)
{
    const fault_kind_def *d = fault_kind_get(k);
    if (!(d->needs & NEED_SQL) || !d->instant) {
        fprintf(stderr, "melee: ax_fault_worker: %s is not a fault on backends\n", d->name);
        abort();
    }
    run *r = a->run;
    fault_params p = r->cfg.nemesis.cfg.params;
    p.pid = ax_worker_pid(a, victim);
    if (p.pid <= 0)
        return true;   /* the victim has no backend now: nothing to do */
    char target[64];
    int id = faults_open_interrupt(r, k, victim, p.pid, target, sizeof target);
    worker_query q = {.a = a};
    fault_env env = {.query = query_on_worker, .query_arg = &q};
    char what[256] = "";
    if (d->start(&env, &p, what, sizeof what) == 0) {
        faults_note_start(r, a->w, id, target);
        faults_note_done(r, a->w, id);
    } else {
        faults_note_failure(r, a->w, id, what);
    }
    return !q.failed;
}
