/* wl_util.c - the recorded-operation pattern and small helpers shared by
 * the invariant workloads. */
#include "wl_util.h"

#include <errno.h>
#include <stdlib.h>

#include "../core/util.h"

/* Invariant workloads deadlock now and then by design (transactions over
 * a few hot keys): finding out after the server's default second leaves
 * the other workers waiting behind the cycle for that long. A role that
 * may not set it keeps the default. */
#define JEPSEN_SESSION_SQL "SET deadlock_timeout = '50ms'"

typedef struct jepsen_run {
    const wl_jepsen *spec;
    void *state;
} jepsen_run;

const action_def *wl_jepsen_known_rows(const workload_def *d, size_t *n)
{
    const wl_jepsen *j = d->data;
    *n = j->nrows;
    return j->rows;
}

bool wl_jepsen_open(const workload_def *d, const run_config *cfg, void **ctx,
                    wl_run_info *info, char **err)
{
    (void)cfg;
    (void)err;
    const wl_jepsen *j = d->data;
    jepsen_run *r = xcalloc(1, sizeof *r);
    r->spec = j;
    r->state = j->run_size ? xcalloc(1, j->run_size) : NULL;
    *ctx = r;
    *info = (wl_run_info){.rows = j->rows,
                          .nrows = j->nrows,
                          .schemas = &j->schema,
                          .nschemas = j->schema ? 1 : 0,
                          .checker = j->checker,
                          .check_interval_s = j->check_interval_s};
    return true;
}

void wl_jepsen_close(void *ctx)
{
    jepsen_run *r = ctx;
    if (r)
        free(r->state);
    free(r);
}

void *wl_jepsen_thread_open(void *ctx, int id, wl_thread_info *t)
{
    const jepsen_run *r = ctx;
    t->label = action_list_name(LIST_DML_NONTRANS);
    t->transactional = false;
    t->session_sql = JEPSEN_SESSION_SQL;
    return id >= 0 && r->spec->thread_size ? xcalloc(1, r->spec->thread_size) : NULL;
}

void wl_jepsen_thread_close(void *ctx, void *thread)
{
    (void)ctx;
    free(thread);
}

int wl_jepsen_next(actx *a)
{
    const jepsen_run *r = a->wl;
    return ax_draw(a, NULL, r->spec->nrows);
}

void *wl_run_state(const actx *a)
{
    const jepsen_run *r = a->wl;
    return r ? r->state : NULL;
}

void *wl_thread_state(const actx *a)
{
    return a->thread;
}

/* Records one completion and drops the caller's reference. */
static void complete(actx *a, hist_type t, const char *f, json_object *v)
{
    ax_hist_complete(a, t, f, v);
    json_object_put(v);
}

act_result wl_failed(actx *a, const char *f, wl_effect e, json_object *inv)
{
    /* Out of a transaction, a failed write was its own commit (autocommit,
     * or COMMIT itself): interrupted there, it may have happened. */
    hist_type t = e == WL_READ ? H_FAIL : ax_failure_type(a, !ax_in_txn(a));
    complete(a, t, f, inv);
    return ACT_FAIL;
}

act_result wl_finish(actx *a, const char *f, wl_effect e, json_object *inv,
                     json_object *ok_value)
{
    if (!ax_commit(a)) {
        json_object_put(ok_value);
        return wl_failed(a, f, e, inv);
    }
    if (ok_value) {
        json_object_put(inv);
        inv = ok_value;
    }
    complete(a, H_OK, f, inv);
    return ACT_OK;
}

act_result wl_abort(actx *a, const char *f, json_object *value)
{
    /* A failed rollback means the connection went, and the transaction
     * with it: either way nothing was committed. */
    bool rolled_back = ax_rollback(a);
    complete(a, H_FAIL, f, value);
    return rolled_back ? ACT_OK : ACT_FAIL;
}

bool wl_exec_all(actx *a, const char *const *sql)
{
    for (; *sql; sql++)
        if (!ax_exec(a, *sql))
            return false;
    return true;
}

bool wl_cell_int(const actx *a, int row, int col, int64_t *out)
{
    const char *s = ax_value(a, row, col);
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

json_object *wl_cell_json(const actx *a, int row, int col)
{
    int64_t v;
    return wl_cell_int(a, row, col, &v) ? json_object_new_int64(v) : NULL;
}

json_object *wl_mop(const char *f, int64_t k, json_object *v)
{
    json_object *m = json_object_new_array_ext(3);
    json_object_array_add(m, json_object_new_string(f));
    json_object_array_add(m, json_object_new_int64(k));
    json_object_array_add(m, v);
    return m;
}

size_t wl_pick_exponential(rng_t *r, size_t n)
{
    size_t i = 0;
    while (i + 1 < n && rng_chance(r, 0.5))
        i++;
    return i;
}

void wl_shuffle(rng_t *r, int64_t *v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rng_pick(r, i);
        int64_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

bool wl_client_fault(actx *a)
{
    return ax_param(a, "client_fault") != 0 && rng_below(a->rng, WL_FAULT_ODDS) == 0;
}
