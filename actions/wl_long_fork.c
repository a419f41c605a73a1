/* wl_long_fork.c - long fork: single-key inserts, and reads of a whole
 * group of keys; two reads must never see two inserts in opposite orders
 * (checkers-spec.md §3.4, §6.4).
 *
 * Keys are handed out in order, so groups of GROUP_SIZE consecutive keys
 * fill up while they are read. A worker that just inserted a key next
 * reads that key's group; otherwise it reads the group of a recent key.
 *
 * Parameters: long_fork_per_key_reads (0: one SELECT ... WHERE key2 IN
 * (...) per read; 1: one SELECT per key, all in one transaction).
 *
 * History (f "txn"): insert [["w", k, 1]]; read [["r", k, null] x3] in
 * shuffled order -> [["r", k, 1 or null] ...].
 *
 * client_fault=1 (tests only): about one read in four that saw two or more
 * inserts reports the first-inserted key (the lowest) as absent, which
 * puts the inserts in an order no other read saw (the checker must see a
 * long-fork once an honest read saw that key alone). */
#include <stdatomic.h>

#include "../core/util.h"
#include "wl_util.h"

#define LONG_FORK "melee_long_fork.long_fork"
#define GROUP_SIZE 3
/* Reads that do not follow the reader's own insert pick a group among
 * this many most recent keys. */
#define RECENT_KEYS 8

/* The run's state: the next key to insert (reset by setup). */
typedef struct long_fork_state {
    _Atomic int64_t next_key;
} long_fork_state;

/* A thread's state: the key it inserted last, when its next read should
 * read that key's group. */
typedef struct long_fork_thread {
    bool just_wrote;
    int64_t key;
} long_fork_thread;

/* Remembers that this thread inserted k (the setup and final sessions
 * have no thread state: nothing to remember). */
static void note_written(actx *a, int64_t k)
{
    long_fork_thread *t = wl_thread_state(a);
    if (t)
        *t = (long_fork_thread){true, k};
}

static act_result long_fork_write(actx *a)
{
    long_fork_state *st = wl_run_state(a);
    int64_t k = atomic_fetch_add(&st->next_key, 1);
    json_object *v = json_object_new_array_ext(1);
    json_object_array_add(v, wl_mop("w", k, json_object_new_int(1)));
    ax_hist_invoke(a, "txn", v);
    note_written(a, k);
    if (!ax_execf(a, "INSERT INTO " LONG_FORK " (key, key2, val) VALUES (%lld, %lld, 1)",
                  (long long)k, (long long)k))
        return wl_failed(a, "txn", WL_WRITE, v);
    return wl_finish(a, "txn", WL_WRITE, v, NULL);
}

/* Returns the first key of the group to read next. */
static int64_t group_to_read(actx *a)
{
    long_fork_thread *t = wl_thread_state(a);
    long_fork_state *st = wl_run_state(a);
    int64_t k = t && t->just_wrote ? t->key : -1;
    if (t)
        t->just_wrote = false;
    if (k < 0) {
        int64_t last = atomic_load(&st->next_key) - 1;
        k = MAX(last - (int64_t)rng_below(a->rng, RECENT_KEYS), 0);
    }
    return k - k % GROUP_SIZE;
}

/* Sets the read micro-op for key k in ops to its value (1, or json null
 * when the row is absent). */
static void record_value(json_object *ops, int64_t k, json_object *value)
{
    for (size_t i = 0; i < json_object_array_length(ops); i++) {
        json_object *m = json_object_array_get_idx(ops, i);
        if (json_object_get_int64(json_object_array_get_idx(m, 1)) == k) {
            json_object_array_put_idx(m, 2, value);
            return;
        }
    }
    json_object_put(value);
}

/* Fills ops from the rows (key2, val) of the last result. */
static void record_rows(const actx *a, json_object *ops)
{
    for (int i = 0; i < ax_ntuples(a); i++) {
        int64_t k;
        if (wl_cell_int(a, i, 0, &k))
            record_value(ops, k, wl_cell_json(a, i, 1));
    }
}

/* Client fault: hides the lowest key a read saw, when it saw two or more. */
static void hide_first_insert(json_object *ops)
{
    json_object *lowest = NULL;
    int seen = 0;
    for (size_t i = 0; i < json_object_array_length(ops); i++) {
        json_object *m = json_object_array_get_idx(ops, i);
        if (!json_object_array_get_idx(m, 2))
            continue;
        seen++;
        if (!lowest || json_object_get_int64(json_object_array_get_idx(m, 1)) <
                           json_object_get_int64(json_object_array_get_idx(lowest, 1)))
            lowest = m;
    }
    if (seen >= 2)
        json_object_array_put_idx(lowest, 2, NULL);
}

static act_result long_fork_read(actx *a)
{
    int64_t first = group_to_read(a);
    int64_t keys[GROUP_SIZE];
    for (int i = 0; i < GROUP_SIZE; i++)
        keys[i] = first + i;
    wl_shuffle(a->rng, keys, GROUP_SIZE);
    json_object *inv = json_object_new_array_ext(GROUP_SIZE);
    for (int i = 0; i < GROUP_SIZE; i++)
        json_object_array_add(inv, wl_mop("r", keys[i], NULL));
    ax_hist_invoke(a, "txn", inv);
    json_object *read = NULL;
    json_object_deep_copy(inv, &read, NULL);
    bool ok = ax_begin(a);
    if (ok && ax_param(a, "long_fork_per_key_reads")) {
        for (int i = 0; ok && i < GROUP_SIZE; i++) {
            ok = ax_execf(a, "SELECT key2, val FROM " LONG_FORK " WHERE key = %lld",
                          (long long)keys[i]);
            if (ok)
                record_rows(a, read);
        }
    } else if (ok) {
        sb_reset(&a->sql);
        sb_add(&a->sql, "SELECT key2, val FROM " LONG_FORK " WHERE key2 IN (");
        for (int i = 0; i < GROUP_SIZE; i++)
            sb_printf(&a->sql, "%s%lld", i ? ", " : "", (long long)keys[i]);
        sb_addc(&a->sql, ')');
        ok = ax_exec(a, sb_str(&a->sql));
        if (ok)
            record_rows(a, read);
    }
    if (!ok) {
        json_object_put(read);
        return wl_failed(a, "txn", WL_READ, inv);
    }
    if (wl_client_fault(a))
        hide_first_insert(read);
    return wl_finish(a, "txn", WL_READ, inv, read);
}

static bool long_fork_setup(actx *a)
{
    static const char *const sql[] = {
        "DROP SCHEMA IF EXISTS melee_long_fork CASCADE",
        "CREATE SCHEMA melee_long_fork",
        "CREATE TABLE " LONG_FORK " (key int PRIMARY KEY, key2 int, val int)",
        "CREATE INDEX long_fork_key2 ON " LONG_FORK " (key2) INCLUDE (val)",
        NULL,
    };
    long_fork_state *st = wl_run_state(a);
    atomic_store(&st->next_key, 0);
    return wl_exec_all(a, sql);
}

static const action_def LONG_FORK_ROWS[] = {
    {"insert", LIST_DML_NONTRANS, 1, long_fork_write, NULL, ACTF_NONE, NULL},
    {"read", LIST_DML_NONTRANS, 1, long_fork_read, NULL, ACTF_NONE, NULL},
};

static const wl_param LONG_FORK_PARAMS[] = {
    {"long_fork_per_key_reads", 0, "1: read each key of a group with its own SELECT in one transaction"},
    WL_PARAM_CLIENT_FAULT,
};

static const wl_jepsen LONG_FORK_JEPSEN = {
    .rows = LONG_FORK_ROWS,
    .nrows = ARRAY_LEN(LONG_FORK_ROWS),
    .schema = "melee_long_fork",
    .checker = "long-fork",
    .check_interval_s = 2.0,
    .run_size = sizeof(long_fork_state),
    .thread_size = sizeof(long_fork_thread),
};

const workload_def wl_long_fork = {
    .name = "long-fork",
    .summary = "single-key inserts and group reads; no two reads may order inserts differently",
    .params = LONG_FORK_PARAMS,
    .nparams = ARRAY_LEN(LONG_FORK_PARAMS),
    .data = &LONG_FORK_JEPSEN,
    WL_JEPSEN_HOOKS,
    .setup = long_fork_setup,
    .final = NULL,
};
