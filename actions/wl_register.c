/* wl_register.c - register: single-key reads, writes and compare-and-sets
 * that must be linearizable per key (checkers-spec.md §3.5, §6.5).
 *
 * A register is a row (id, val); an absent row is the initial value 0.
 * Every statement runs alone in autocommit.
 *
 * Parameters: keys (2): registers in use at a time, each worker picking
 * one at random per operation; ops_per_key (1000): after about keys *
 * ops_per_key operations the run moves on to fresh keys, which keeps each
 * key's history small enough to check.
 *
 * History (Jepsen's independent keys: value [key, v]): read [k, null] ->
 * [k, v]; write [k, v]; cas [k, [old, new]] (fail [k, false]: the
 * register did not hold old; fail [k, [old, new]]: an error, nothing
 * happened). Values are 0..4.
 *
 * client_fault=1 (tests only): about one write in four runs in a
 * transaction that is rolled back, and is reported ok (the checker must
 * find the key not linearizable once a later read misses the write). */
#include <stdatomic.h>

#include "../core/util.h"
#include "wl_util.h"

#define REGISTERS "melee_register.registers"
#define MAX_VALUE 4

/* The run's state: operations started so far (reset by setup); they
 * decide the key set. */
typedef struct register_state {
    _Atomic int64_t ops_started;
} register_state;

static int64_t pick_key(actx *a)
{
    int64_t keys = MAX(ax_param(a, "keys"), 1);
    int64_t per_key = MAX(ax_param(a, "ops_per_key"), 1);
    register_state *st = wl_run_state(a);
    int64_t generation = atomic_fetch_add(&st->ops_started, 1) / (keys * per_key);
    return generation * keys + (int64_t)rng_below(a->rng, (uint64_t)keys);
}

static json_object *keyed(int64_t k, json_object *v)
{
    json_object *o = json_object_new_array_ext(2);
    json_object_array_add(o, json_object_new_int64(k));
    json_object_array_add(o, v);
    return o;
}

static int64_t random_value(actx *a)
{
    return rng_range(a->rng, 0, MAX_VALUE);
}

static act_result register_read(actx *a)
{
    int64_t k = pick_key(a);
    json_object *inv = keyed(k, NULL);
    ax_hist_invoke(a, "read", inv);
    if (!ax_execf(a, "SELECT val FROM " REGISTERS " WHERE id = %lld", (long long)k))
        return wl_failed(a, "read", WL_READ, inv);
    json_object *value = ax_ntuples(a) ? wl_cell_json(a, 0, 0) : json_object_new_int(0);
    return wl_finish(a, "read", WL_READ, inv, keyed(k, value));
}

static act_result register_write(actx *a)
{
    int64_t k = pick_key(a), v = random_value(a);
    json_object *inv = keyed(k, json_object_new_int64(v));
    ax_hist_invoke(a, "write", inv);
    bool lie = wl_client_fault(a);
    if ((lie && !ax_begin(a)) ||
        !ax_execf(a, "INSERT INTO " REGISTERS " (id, val) VALUES (%lld, %lld) "
                     "ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val",
                  (long long)k, (long long)v) ||
        (lie && !ax_rollback(a)))
        return wl_failed(a, "write", WL_WRITE, inv);
    return wl_finish(a, "write", WL_WRITE, inv, NULL);
}

static act_result register_cas(actx *a)
{
    int64_t k = pick_key(a), old = random_value(a), new = random_value(a);
    json_object *pair = json_object_new_array_ext(2);
    json_object_array_add(pair, json_object_new_int64(old));
    json_object_array_add(pair, json_object_new_int64(new));
    json_object *inv = keyed(k, pair);
    ax_hist_invoke(a, "cas", inv);
    /* The register starts as 0 with no row: a CAS from 0 may create it. */
    bool ok = old == 0
                  ? ax_execf(a, "INSERT INTO " REGISTERS " AS r (id, val) VALUES (%lld, %lld) "
                                "ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val "
                                "WHERE r.val = 0", (long long)k, (long long)new)
                  : ax_execf(a, "UPDATE " REGISTERS " SET val = %lld WHERE id = %lld AND val = %lld",
                             (long long)new, (long long)k, (long long)old);
    if (!ok)
        return wl_failed(a, "cas", WL_WRITE, inv);
    if (ax_affected(a) != 1) {
        /* refused: the register held another value (output false) */
        json_object_put(inv);
        return wl_abort(a, "cas", keyed(k, json_object_new_boolean(0)));
    }
    return wl_finish(a, "cas", WL_WRITE, inv, NULL);
}

static bool register_setup(actx *a)
{
    static const char *const sql[] = {
        "DROP SCHEMA IF EXISTS melee_register CASCADE",
        "CREATE SCHEMA melee_register",
        "CREATE TABLE " REGISTERS " (id int PRIMARY KEY, val int)",
        "CREATE INDEX registers_id_val ON " REGISTERS " (id, val)",
        NULL,
    };
    register_state *st = wl_run_state(a);
    atomic_store(&st->ops_started, 0);
    return wl_exec_all(a, sql);
}

static const action_def REGISTER_ROWS[] = {
    {"read", LIST_DML_NONTRANS, 1, register_read, NULL, ACTF_NONE, NULL},
    {"write", LIST_DML_NONTRANS, 1, register_write, NULL, ACTF_NONE, NULL},
    {"cas", LIST_DML_NONTRANS, 2, register_cas, NULL, ACTF_NONE, NULL},
};

static const wl_param REGISTER_PARAMS[] = {
    {"keys", 2, "registers in use at a time"},
    {"ops_per_key", 1000, "operations per key before the run moves on to fresh keys"},
    WL_PARAM_CLIENT_FAULT,
};

static const wl_jepsen REGISTER_JEPSEN = {
    .rows = REGISTER_ROWS,
    .nrows = ARRAY_LEN(REGISTER_ROWS),
    .schema = "melee_register",
    .checker = "register",
    .check_interval_s = 5.0,
    .run_size = sizeof(register_state),
    .thread_size = 0,
};

const workload_def wl_register = {
    .name = "register",
    .summary = "per-key reads, writes and compare-and-sets that must be linearizable",
    .params = REGISTER_PARAMS,
    .nparams = ARRAY_LEN(REGISTER_PARAMS),
    .data = &REGISTER_JEPSEN,
    WL_JEPSEN_HOOKS,
    .setup = register_setup,
    .final = NULL,
};
