/* exec_workload.c - the part of the actx API a workload's hooks use:
 * drawing by live weights, the thread's label, assertions (workload.h). */
#include <stdlib.h>

#include "run_internal.h"
#include "../util.h"

int ax_draw(actx *a, const size_t *rows, size_t n)
{
    run *r = a->run;
    unsigned weights[n ? n : 1];
    weights[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t row = rows ? rows[i] : i;
        weights[i] = row < r->nactions ? atomic_load_explicit(&r->actions[row].weight,
                                                              memory_order_relaxed)
                                       : 0;
    }
    size_t k = rng_weighted(a->rng, weights, n);
    return k < n ? (int)(rows ? rows[k] : k) : WL_NEXT_WAIT;
}

unsigned ax_weight(const actx *a, size_t i)
{
    const run *r = a->run;
    return i < r->nactions ? atomic_load_explicit(&r->actions[i].weight, memory_order_relaxed)
                           : 0;
}

void ax_expect_errors(actx *a, const error_rule *rules)
{
    a->w->own_rules = true;
    a->w->step_rules = rules;
}

void ax_set_label(actx *a, const char *label)
{
    atomic_store(&a->w->label, label);
}

void ax_assert(actx *a, bool passed, const char *what, const char *detail)
{
    run *r = a->run;
    worker *w = a->w;
    if (passed) {
        atomic_fetch_add(&r->assertions_passed, 1);
        return;
    }
    atomic_fetch_add(&r->assertions_failed, 1);
    int idx = atomic_load(&w->action);
    const char *action = idx >= 0 && (size_t)idx < r->nactions ? r->actions[idx].label
                                                                : r->wl->name;
    char *msg = xasprintf("assertion failed: %s", what ? what : "?");
    pthread_mutex_lock(&w->slot_mu);
    char *sql = w->cur_sql ? xstrdup(w->cur_sql) : NULL;
    pthread_mutex_unlock(&w->slot_mu);
    finding f = {.cls = EC_UNEXPECTED, .thread = w->id, .action = (char *)action,
                 .message = msg, .detail = (char *)detail, .sql = sql,
                 .time_s = run_elapsed(r)};
    findings_add(r->findings, &f);
    run_push_event(r, w, EC_UNEXPECTED, action, "", msg, detail, sql);
    free(msg);
    free(sql);
}
