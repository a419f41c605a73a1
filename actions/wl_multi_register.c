/* wl_multi_register.c - multi-register: registers keyed by two columns,
 * written by upserts and read by both key parts, each linearizable
 * (checkers-spec.md §3.6, judged per key as in §6.5).
 *
 * A register is a row (k1, k2, val) of a table whose primary key is
 * (k1, k2); an absent row is the initial value 0. k2 is the object, k1 one
 * of a few registers within it. Every statement runs alone in autocommit:
 * a read is SELECT ... WHERE k1 = $1 AND k2 = $2 (half the time through the
 * (k2, k1, val) index, the other half through the primary key), a write an
 * INSERT ... ON CONFLICT (k1, k2) DO UPDATE, a cas an upsert whose update
 * happens only when the row holds the old value (or an UPDATE ... WHERE
 * val = old when old is not the initial 0).
 *
 * Parameters: objects (2): k2 values in use at a time; registers (3): k1
 * values per object (at most 10); ops_per_key (1000): after about objects
 * * registers * ops_per_key operations the run moves on to fresh objects.
 *
 * History: the register checker's (see wl_register.c), with the key
 * k2 * 10 + k1, so that key 31 is register k1 = 1 of object k2 = 3.
 *
 * client_fault=1 (tests only): about one write in four runs in a
 * transaction that is rolled back, and is reported ok. */
#include <stdatomic.h>
#include <stdio.h>

#include "../core/util.h"
#include "wl_util.h"

#define MULTI "melee_multi_register.registers"
#define MAX_VALUE 4
#define MAX_REGISTERS 10

/* The run's state: operations started so far (reset by setup); they
 * decide the objects. */
typedef struct multi_state {
    _Atomic int64_t ops_started;
} multi_state;

typedef struct mkey {
    int64_t k1, k2;
    char text[2][24]; /* k1 and k2 as parameters */
} mkey;

static mkey pick_key(actx *a)
{
    int64_t objects = MAX(ax_param(a, "objects"), 1);
    int64_t regs = MIN(MAX(ax_param(a, "registers"), 1), MAX_REGISTERS);
    int64_t per_key = MAX(ax_param(a, "ops_per_key"), 1);
    multi_state *st = wl_run_state(a);
    int64_t generation = atomic_fetch_add(&st->ops_started, 1) / (objects * regs * per_key);
    mkey k = {.k2 = generation * objects + (int64_t)rng_below(a->rng, (uint64_t)objects),
              .k1 = (int64_t)rng_below(a->rng, (uint64_t)regs)};
    snprintf(k.text[0], sizeof k.text[0], "%lld", (long long)k.k1);
    snprintf(k.text[1], sizeof k.text[1], "%lld", (long long)k.k2);
    return k;
}

/* Returns the history value [k2 * 10 + k1, v] (v taken over). */
static json_object *keyed(const mkey *k, json_object *v)
{
    json_object *o = json_object_new_array_ext(2);
    json_object_array_add(o, json_object_new_int64(k->k2 * MAX_REGISTERS + k->k1));
    json_object_array_add(o, v);
    return o;
}

static act_result multi_read(actx *a)
{
    static const char *const READS[] = {
        "SELECT val FROM " MULTI " WHERE k1 = $1 AND k2 = $2",
        "SELECT val FROM " MULTI " WHERE k2 = $2 AND k1 = $1 ORDER BY k2, k1, val",
    };
    mkey k = pick_key(a);
    json_object *inv = keyed(&k, NULL);
    ax_hist_invoke(a, "read", inv);
    const char *params[2] = {k.text[0], k.text[1]};
    if (!ax_exec_params(a, READS[rng_below(a->rng, 2)], 2, params))
        return wl_failed(a, "read", WL_READ, inv);
    json_object *value = ax_ntuples(a) ? wl_cell_json(a, 0, 0) : json_object_new_int(0);
    return wl_finish(a, "read", WL_READ, inv, keyed(&k, value));
}

static act_result multi_write(actx *a)
{
    mkey k = pick_key(a);
    int64_t v = rng_range(a->rng, 0, MAX_VALUE);
    char vtext[24];
    snprintf(vtext, sizeof vtext, "%lld", (long long)v);
    json_object *inv = keyed(&k, json_object_new_int64(v));
    ax_hist_invoke(a, "write", inv);
    const char *params[3] = {k.text[0], k.text[1], vtext};
    bool lie = wl_client_fault(a);
    if ((lie && !ax_begin(a)) ||
        !ax_exec_params(a, "INSERT INTO " MULTI " (k1, k2, val) VALUES ($1, $2, $3) "
                           "ON CONFLICT (k1, k2) DO UPDATE SET val = EXCLUDED.val", 3, params) ||
        (lie && !ax_rollback(a)))
        return wl_failed(a, "write", WL_WRITE, inv);
    return wl_finish(a, "write", WL_WRITE, inv, NULL);
}

static act_result multi_cas(actx *a)
{
    mkey k = pick_key(a);
    int64_t old = rng_range(a->rng, 0, MAX_VALUE), new = rng_range(a->rng, 0, MAX_VALUE);
    char vtext[2][24];
    snprintf(vtext[0], sizeof vtext[0], "%lld", (long long)old);
    snprintf(vtext[1], sizeof vtext[1], "%lld", (long long)new);
    json_object *pair = json_object_new_array_ext(2);
    json_object_array_add(pair, json_object_new_int64(old));
    json_object_array_add(pair, json_object_new_int64(new));
    json_object *inv = keyed(&k, pair);
    ax_hist_invoke(a, "cas", inv);
    const char *params[4] = {k.text[0], k.text[1], vtext[0], vtext[1]};
    /* The register starts as 0 with no row: a cas from 0 may create it. */
    bool ok = old == 0
                  ? ax_exec_params(a, "INSERT INTO " MULTI " AS r (k1, k2, val) "
                                      "VALUES ($1, $2, $4) "
                                      "ON CONFLICT (k1, k2) DO UPDATE SET val = EXCLUDED.val "
                                      "WHERE r.val = $3", 4, params)
                  : ax_exec_params(a, "UPDATE " MULTI " SET val = $4 "
                                      "WHERE k1 = $1 AND k2 = $2 AND val = $3", 4, params);
    if (!ok)
        return wl_failed(a, "cas", WL_WRITE, inv);
    if (ax_affected(a) != 1) {
        /* refused: the register held another value (output false) */
        json_object_put(inv);
        return wl_abort(a, "cas", keyed(&k, json_object_new_boolean(0)));
    }
    return wl_finish(a, "cas", WL_WRITE, inv, NULL);
}

static bool multi_setup(actx *a)
{
    static const char *const sql[] = {
        "DROP SCHEMA IF EXISTS melee_multi_register CASCADE",
        "CREATE SCHEMA melee_multi_register",
        "CREATE TABLE " MULTI " (k1 int, k2 int, val int NOT NULL, PRIMARY KEY (k1, k2))",
        "CREATE INDEX registers_k2_k1_val ON " MULTI " (k2, k1, val)",
        NULL,
    };
    multi_state *st = wl_run_state(a);
    atomic_store(&st->ops_started, 0);
    return wl_exec_all(a, sql);
}

static const action_def MULTI_ROWS[] = {
    {"read", LIST_DML_NONTRANS, 2, multi_read, NULL, ACTF_NONE, NULL},
    {"write", LIST_DML_NONTRANS, 1, multi_write, NULL, ACTF_NONE, NULL},
    {"cas", LIST_DML_NONTRANS, 1, multi_cas, NULL, ACTF_NONE, NULL},
};

static const wl_param MULTI_PARAMS[] = {
    {"objects", 2, "objects (k2 values) in use at a time"},
    {"registers", 3, "registers (k1 values) per object, at most 10"},
    {"ops_per_key", 1000, "operations per register before the run moves on to fresh objects"},
    WL_PARAM_CLIENT_FAULT,
};

static const wl_jepsen MULTI_JEPSEN = {
    .rows = MULTI_ROWS,
    .nrows = ARRAY_LEN(MULTI_ROWS),
    .schema = "melee_multi_register",
    .checker = "multi-register", /* the register checker, per key */
    .check_interval_s = 5.0,
    .run_size = sizeof(multi_state),
    .thread_size = 0,
};

const workload_def wl_multi_register = {
    .name = "multi-register",
    .summary = "registers keyed by (k1, k2): upserts and reads that must be linearizable per key",
    .params = MULTI_PARAMS,
    .nparams = ARRAY_LEN(MULTI_PARAMS),
    .data = &MULTI_JEPSEN,
    WL_JEPSEN_HOOKS,
    .setup = multi_setup,
    .final = NULL,
};
