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

void ax_assert(actx *a, const assertion *x)
{
    run *r = a->run;
    worker *w = a->w;
    double t = run_elapsed(r);
    assert_table_count(r->asserts, x, w->id, t);
    if (x->passed)
        return;
    int idx = atomic_load(&w->action);
    const char *action = idx >= 0 && (size_t)idx < r->nactions ? r->actions[idx].label
                                                                : r->wl->name;
    char *msg = xasprintf("assertion failed: %s%s%s%s: expected %s, got %s", x->name ? "\"" : "",
                          x->name ? x->name : "", x->name ? "\" in " : "", x->where,
                          x->expected ? x->expected : "?", x->got ? x->got : "?");
    pthread_mutex_lock(&w->slot_mu);
    char *sql = w->cur_sql ? xstrdup(w->cur_sql) : NULL;
    pthread_mutex_unlock(&w->slot_mu);
    finding f = {.cls = EC_UNEXPECTED, .thread = w->id, .action = (char *)action,
                 .message = msg, .detail = (char *)x->detail, .sql = sql, .time_s = t};
    findings_add(r->findings, &f);
    run_push_event(r, w, EC_UNEXPECTED, action, "", msg, x->detail, sql);
    free(msg);
    free(sql);
}
