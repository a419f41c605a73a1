/* wl_counter.c - counter: concurrent increments of one row; every read
 * must lie between the adds known to have happened and those that might
 * have (checkers-spec.md §3.2, §6.2).
 *
 * Parameters: counter_rmw (0: UPDATE count = count + 1; 1: read the count,
 * then write the computed value, in one transaction: an oracle that loses
 * updates below serializable).
 *
 * History: add 1; read null -> the count (null if the row is gone).
 *
 * client_fault=1 (tests only): about one add in four is rolled back but
 * reported ok, so the count falls behind the acknowledged adds (the
 * checker must see read-below-lower-bound, at the latest in the final
 * read). */
#include "../core/util.h"
#include "wl_util.h"

#define COUNTER "melee_counter.counter"

/* Adds one by reading the count and writing count + 1. */
static bool add_read_modify_write(actx *a)
{
    int64_t count;
    if (!ax_exec(a, "SELECT count FROM " COUNTER " WHERE id = 0"))
        return false;
    if (!wl_cell_int(a, 0, 0, &count))
        count = 0;
    return ax_execf(a, "UPDATE " COUNTER " SET count = %lld WHERE id = 0", (long long)count + 1);
}

static act_result counter_add(actx *a)
{
    json_object *v = json_object_new_int(1);
    ax_hist_invoke(a, "add", v);
    bool rmw = ax_param(a, "counter_rmw") != 0;
    if (!ax_begin(a) ||
        !(rmw ? add_read_modify_write(a)
              : ax_exec(a, "UPDATE " COUNTER " SET count = count + 1 WHERE id = 0")))
        return wl_failed(a, "add", WL_WRITE, v);
    if (wl_client_fault(a) && !ax_rollback(a))
        return wl_failed(a, "add", WL_WRITE, v);
    return wl_finish(a, "add", WL_WRITE, v, NULL);
}

static act_result counter_read(actx *a)
{
    ax_hist_invoke(a, "read", NULL);
    if (!ax_exec(a, "SELECT count FROM " COUNTER " WHERE id = 0"))
        return wl_failed(a, "read", WL_READ, NULL);
    return wl_finish(a, "read", WL_READ, NULL, wl_cell_json(a, 0, 0));
}

static bool counter_setup(actx *a)
{
    static const char *const sql[] = {
        "DROP SCHEMA IF EXISTS melee_counter CASCADE",
        "CREATE SCHEMA melee_counter",
        "CREATE TABLE " COUNTER " (id int PRIMARY KEY, count int NOT NULL)",
        "CREATE INDEX counter_id_count ON " COUNTER " (id, count)",
        "INSERT INTO " COUNTER " VALUES (0, 0)",
        NULL,
    };
    return wl_exec_all(a, sql);
}

/* A last read once the workers have stopped. */
static bool counter_final(actx *a)
{
    return counter_read(a) == ACT_OK;
}

static const action_def COUNTER_ROWS[] = {
    {"add", LIST_DML_NONTRANS, 4, counter_add, NULL, ACTF_NONE, NULL},
    {"read", LIST_DML_NONTRANS, 1, counter_read, NULL, ACTF_NONE, NULL},
};

static const wl_param COUNTER_PARAMS[] = {
    {"counter_rmw", 0, "1: read the count, then write count + 1 (loses updates below serializable)"},
    WL_PARAM_CLIENT_FAULT,
};

static const wl_jepsen COUNTER_JEPSEN = {
    .rows = COUNTER_ROWS,
    .nrows = ARRAY_LEN(COUNTER_ROWS),
    .schema = "melee_counter",
    .checker = "counter",
    .check_interval_s = 2.0,
    .run_size = 0,
    .thread_size = 0,
};

const workload_def wl_counter = {
    .name = "counter",
    .summary = "increments of one row; reads must stay within the known adds",
    .params = COUNTER_PARAMS,
    .nparams = ARRAY_LEN(COUNTER_PARAMS),
    .data = &COUNTER_JEPSEN,
    WL_JEPSEN_HOOKS,
    .setup = counter_setup,
    .final = counter_final,
};
