/* wl_append.c - Elle list-append: transactions of reads and appends over
 * keys whose values are comma-separated lists (checkers-spec.md §1.2,
 * §3.8, §6.6).
 *
 * Key k is row k of table append<k mod tables> (id, sk, val text). An
 * append adds ",x" to val, by upsert, or in transactions sometimes by
 * UPDATE, then INSERT ... ON CONFLICT DO NOTHING, then UPDATE again. A
 * read selects val by id or by the sk index. Transactions of one
 * micro-op run in autocommit, longer ones in BEGIN ... COMMIT.
 *
 * Keys: `keys` slots drawn with an exponential distribution; a slot's key
 * is retired for a fresh one after max_writes_per_key appends, so lists
 * stay short. Appended values come from one counter, so they are unique.
 *
 * Parameters: tables (6), keys (10, at most 64), txn_min (1), txn_max (4),
 * max_writes_per_key (256).
 *
 * History (f "txn"): [["append", k, x], ["r", k, null], ...] -> the same
 * with each read's list, [] for a key never appended to. The final step
 * reads every key used, in one transaction.
 *
 * client_fault=1 (tests only): about one append in four is sent twice (a
 * client retrying a statement that had worked), so later reads show the
 * element twice (the checker must see duplicate-elements). */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "../core/util.h"
#include "wl_util.h"

#define SCHEMA "melee_append"
#define MAX_SLOTS 64

typedef struct key_slot {
    _Atomic int64_t key;
    _Atomic int64_t appends;
} key_slot;

/* The run's state: the active keys, the next fresh key and the next
 * value to append, all reset by setup. */
typedef struct append_state {
    key_slot slots[MAX_SLOTS];
    _Atomic int64_t next_key;
    _Atomic int64_t next_element;
} append_state;

typedef struct append_params {
    int64_t tables, keys, txn_min, txn_max, max_writes;
} append_params;

static append_params params(const actx *a)
{
    append_params p;
    p.tables = MAX(ax_param(a, "tables"), 1);
    p.keys = MIN(MAX(ax_param(a, "keys"), 1), MAX_SLOTS);
    p.txn_min = MAX(ax_param(a, "txn_min"), 1);
    p.txn_max = MAX(ax_param(a, "txn_max"), p.txn_min);
    p.max_writes = MAX(ax_param(a, "max_writes_per_key"), 1);
    return p;
}

/* Returns the key for an append in slot s, retiring the slot's key for a
 * fresh one once it has had its share of appends. */
static int64_t key_for_append(append_state *st, key_slot *s, int64_t max_writes)
{
    int64_t k = atomic_load(&s->key);
    if (atomic_fetch_add(&s->appends, 1) + 1 >= max_writes) {
        int64_t expected = k;
        if (atomic_compare_exchange_strong(&s->key, &expected, atomic_fetch_add(&st->next_key, 1)))
            atomic_store(&s->appends, 0);
    }
    return k;
}

/* Returns a transaction of random micro-ops (the invocation value). */
static json_object *new_txn(actx *a, const append_params *p)
{
    append_state *st = wl_run_state(a);
    int64_t n = rng_range(a->rng, p->txn_min, p->txn_max);
    json_object *txn = json_object_new_array_ext((int)n);
    for (int64_t i = 0; i < n; i++) {
        key_slot *s = &st->slots[wl_pick_exponential(a->rng, (size_t)p->keys)];
        if (rng_chance(a->rng, 0.5)) {
            json_object_array_add(txn, wl_mop("r", atomic_load(&s->key), NULL));
        } else {
            int64_t k = key_for_append(st, s, p->max_writes);
            int64_t x = atomic_fetch_add(&st->next_element, 1);
            json_object_array_add(txn, wl_mop("append", k, json_object_new_int64(x)));
        }
    }
    return txn;
}

/* Parses the list "1,2,3" (NULL: never appended to) into a json array. */
static json_object *parse_list(const char *s)
{
    json_object *list = json_object_new_array();
    while (s && *s) {
        char *end;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (errno || end == s)
            break;
        json_object_array_add(list, json_object_new_int64(x));
        s = *end == ',' ? end + 1 : end;
    }
    return list;
}

/* Appends x to key k with one upsert statement. */
static bool append_upsert(actx *a, int64_t table, int64_t k, int64_t x)
{
    return ax_execf(a, "INSERT INTO " SCHEMA ".append%lld AS t (id, sk, val) "
                       "VALUES (%lld, %lld, '%lld') ON CONFLICT (id) DO UPDATE "
                       "SET val = CONCAT(t.val, ',', '%lld')",
                    (long long)table, (long long)k, (long long)k, (long long)x, (long long)x);
}

static bool append_update(actx *a, int64_t table, int64_t k, int64_t x)
{
    return ax_execf(a, "UPDATE " SCHEMA ".append%lld SET val = CONCAT(val, ',', '%lld') "
                       "WHERE id = %lld", (long long)table, (long long)x, (long long)k);
}

/* Appends x to key k by UPDATE, else INSERT, else (a concurrent insert
 * won) UPDATE again. *done is false when no statement took. */
static bool append_update_insert(actx *a, int64_t table, int64_t k, int64_t x, bool *done)
{
    if (!append_update(a, table, k, x))
        return false;
    if ((*done = ax_affected(a) == 1))
        return true;
    if (!ax_execf(a, "INSERT INTO " SCHEMA ".append%lld (id, sk, val) VALUES (%lld, %lld, '%lld') "
                     "ON CONFLICT (id) DO NOTHING",
                  (long long)table, (long long)k, (long long)k, (long long)x))
        return false;
    if ((*done = ax_affected(a) == 1))
        return true;
    if (!append_update(a, table, k, x))
        return false;
    *done = ax_affected(a) == 1;
    return true;
}

/* Runs micro-op m, a member of the completion value, filling in a read's
 * list. *done is false when an append found no row to change. */
static bool run_mop(actx *a, const append_params *p, bool in_txn, json_object *m, bool *done)
{
    const char *f = json_object_get_string(json_object_array_get_idx(m, 0));
    int64_t k = json_object_get_int64(json_object_array_get_idx(m, 1));
    int64_t table = k % p->tables;
    *done = true;
    if (f[0] == 'r') {
        if (!ax_execf(a, "SELECT val FROM " SCHEMA ".append%lld WHERE %s = %lld",
                      (long long)table, rng_chance(a->rng, 0.5) ? "id" : "sk", (long long)k))
            return false;
        json_object_array_put_idx(m, 2, parse_list(ax_ntuples(a) ? ax_value(a, 0, 0) : NULL));
        return true;
    }
    int64_t x = json_object_get_int64(json_object_array_get_idx(m, 2));
    bool ok = in_txn && rng_chance(a->rng, 0.5) ? append_update_insert(a, table, k, x, done)
                                                : append_upsert(a, table, k, x);
    if (ok && *done && wl_client_fault(a))
        ok = append_upsert(a, table, k, x);
    return ok;
}

static act_result append_txn(actx *a)
{
    append_params p = params(a);
    json_object *inv = new_txn(a, &p);
    ax_hist_invoke(a, "txn", inv);
    json_object *result = NULL;
    json_object_deep_copy(inv, &result, NULL);
    size_t n = json_object_array_length(inv);
    bool in_txn = n > 1, ok = !in_txn || ax_begin(a), done = true;
    wl_effect effect = WL_READ;
    for (size_t i = 0; ok && done && i < n; i++) {
        json_object *m = json_object_array_get_idx(result, i);
        if (json_object_get_string(json_object_array_get_idx(m, 0))[0] == 'a')
            effect = WL_WRITE;
        ok = run_mop(a, &p, in_txn, m, &done);
    }
    if (!ok) {
        json_object_put(result);
        return wl_failed(a, "txn", effect, inv);
    }
    if (!done) {
        json_object_put(result);
        return wl_abort(a, "txn", inv);
    }
    return wl_finish(a, "txn", effect, inv, result);
}

/* Reads every key handed out so far in one transaction, a statement per
 * table. */
static bool append_final(actx *a)
{
    append_params p = params(a);
    append_state *st = wl_run_state(a);
    int64_t nkeys = atomic_load(&st->next_key);
    json_object *inv = json_object_new_array_ext((int)nkeys);
    for (int64_t k = 0; k < nkeys; k++)
        json_object_array_add(inv, wl_mop("r", k, NULL));
    ax_hist_invoke(a, "txn", inv);
    json_object *result = NULL;
    json_object_deep_copy(inv, &result, NULL);
    for (int64_t k = 0; k < nkeys; k++)
        json_object_array_put_idx(json_object_array_get_idx(result, (size_t)k), 2,
                                  json_object_new_array());
    bool ok = ax_begin(a);
    for (int64_t t = 0; ok && t < p.tables; t++) {
        ok = ax_execf(a, "SELECT id, val FROM " SCHEMA ".append%lld", (long long)t);
        for (int i = 0; ok && i < ax_ntuples(a); i++) {
            int64_t k;
            if (wl_cell_int(a, i, 0, &k) && k >= 0 && k < nkeys)
                json_object_array_put_idx(json_object_array_get_idx(result, (size_t)k), 2,
                                          parse_list(ax_value(a, i, 1)));
        }
    }
    if (!ok) {
        json_object_put(result);
        wl_failed(a, "txn", WL_READ, inv);
        return false;
    }
    return wl_finish(a, "txn", WL_READ, inv, result) == ACT_OK;
}

static bool append_setup(actx *a)
{
    append_params p = params(a);
    bool ok = ax_exec(a, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE") &&
              ax_exec(a, "CREATE SCHEMA " SCHEMA);
    for (int64_t t = 0; ok && t < p.tables; t++)
        ok = ax_execf(a, "CREATE TABLE " SCHEMA ".append%lld (id int PRIMARY KEY, "
                         "sk int NOT NULL, val text)", (long long)t) &&
             ax_execf(a, "CREATE INDEX append%lld_sk ON " SCHEMA ".append%lld (sk)",
                      (long long)t, (long long)t);
    append_state *st = wl_run_state(a);
    for (int64_t s = 0; s < p.keys; s++) {
        atomic_store(&st->slots[s].key, s);
        atomic_store(&st->slots[s].appends, 0);
    }
    atomic_store(&st->next_key, p.keys);
    atomic_store(&st->next_element, 1);
    return ok;
}

static const action_def APPEND_ROWS[] = {
    {"txn", LIST_DML_NONTRANS, 1, append_txn, NULL, ACTF_NONE, NULL},
};

static const wl_param APPEND_PARAMS[] = {
    {"tables", 6, "tables the keys are spread over"},
    {"keys", 10, "keys in play at a time (at most 64)"},
    {"txn_min", 1, "fewest micro-operations in a transaction"},
    {"txn_max", 4, "most micro-operations in a transaction"},
    {"max_writes_per_key", 256, "appends before a key is retired for a fresh one"},
    WL_PARAM_CLIENT_FAULT,
};

static const wl_jepsen APPEND_JEPSEN = {
    .rows = APPEND_ROWS,
    .nrows = ARRAY_LEN(APPEND_ROWS),
    .schema = SCHEMA,
    .checker = "append",
    .check_interval_s = 5.0,
    .run_size = sizeof(append_state),
    .thread_size = 0,
};

const workload_def wl_append = {
    .name = "append",
    .summary = "Elle list-append: transactions of reads and appends, checked for cycles",
    .params = APPEND_PARAMS,
    .nparams = ARRAY_LEN(APPEND_PARAMS),
    .data = &APPEND_JEPSEN,
    WL_JEPSEN_HOOKS,
    .setup = append_setup,
    .final = append_final,
};
