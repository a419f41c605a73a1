/* wl_util.c - the recorded-operation pattern and small helpers shared by
 * the invariant workloads. */
#include "wl_util.h"

#include <errno.h>
#include <stdlib.h>

#include "../core/util.h"

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
