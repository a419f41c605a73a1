/* wl_set.c - set: unique elements are inserted while other reads list the
 * whole set; an element once added or seen must stay (checkers-spec.md
 * §3.3, §6.3).
 *
 * Parameters: max_elements (5000): adds stop there, so the set and every
 * read stay bounded; add_rate (500): adds per second at most across all
 * workers (0: as fast as they go), so that adding lasts long enough for
 * many reads to run beside it; read_interval_ms (20): at most one read per
 * interval across all workers while adds go on, one every 2 s after. An
 * add or a read drawn before its time is skipped (each read records the
 * whole set, so reads are paced to keep the history small).
 *
 * History: add x (x = 0, 1, 2, ... each once); read null -> [x, ...]
 * sorted. The final step reads the set once more after the workers
 * stopped.
 *
 * client_fault=1 (tests only): about one add in four is made in a
 * transaction that is rolled back, and reported ok (the checker must see
 * the element lost). */
#include <stdatomic.h>

#include "../core/engine/engine.h"
#include "../core/util.h"
#include "wl_util.h"

#define ELEMENTS "melee_set.elements"

/* The run's state: elements handed out so far and the earliest times the
 * next add and the next read may start (now_ns clock), all reset by
 * setup. */
typedef struct set_state {
    _Atomic int64_t next_element;
    _Atomic uint64_t next_add_ns;
    _Atomic uint64_t next_read_ns;
} set_state;

static int64_t max_elements(const actx *a)
{
    return ax_param(a, "max_elements");
}

/* Sleeps up to ms milliseconds in short steps, returning early when the
 * run stops. */
static void nap(const actx *a, unsigned ms)
{
    for (unsigned t = 0; t < ms && !run_should_stop(a->run); t += 10)
        sleep_ms(10);
}

/* Claims the next add turn at add_rate turns per second across the run
 * (a turn missed by more than 50 ms is not made up). Returns false when
 * it is not yet time. */
static bool claim_add_turn(const actx *a)
{
    set_state *st = wl_run_state(a);
    int64_t rate = ax_param(a, "add_rate");
    if (rate <= 0)
        return true;
    uint64_t interval = 1000000000u / (uint64_t)rate, now = now_ns();
    uint64_t turn = atomic_load(&st->next_add_ns);
    if (turn > now)
        return false;
    uint64_t next = turn + interval + 50000000u < now ? now : turn + interval;
    return atomic_compare_exchange_strong(&st->next_add_ns, &turn, next);
}

static act_result set_add(actx *a)
{
    if (!claim_add_turn(a)) {
        sleep_ms(1);
        return ACT_SKIP;
    }
    set_state *st = wl_run_state(a);
    int64_t x = atomic_fetch_add(&st->next_element, 1);
    if (x >= max_elements(a)) {
        nap(a, 100); /* nothing left to add: do not spin */
        return ACT_SKIP;
    }
    json_object *v = json_object_new_int64(x);
    ax_hist_invoke(a, "add", v);
    bool lie = wl_client_fault(a);
    if ((lie && !ax_begin(a)) ||
        !ax_execf(a, "INSERT INTO " ELEMENTS " (val) VALUES (%lld)", (long long)x) ||
        (lie && !ax_rollback(a)))
        return wl_failed(a, "add", WL_WRITE, v);
    return wl_finish(a, "add", WL_WRITE, v, NULL);
}

/* Reads every element (sorted) and records the read. */
static act_result read_all(actx *a)
{
    ax_hist_invoke(a, "read", NULL);
    if (!ax_exec(a, "SELECT val FROM " ELEMENTS " ORDER BY val"))
        return wl_failed(a, "read", WL_READ, NULL);
    int n = ax_ntuples(a);
    json_object *read = json_object_new_array_ext(n);
    for (int i = 0; i < n; i++)
        json_object_array_add(read, wl_cell_json(a, i, 0));
    return wl_finish(a, "read", WL_READ, NULL, read);
}

/* Claims the next read turn: one read per interval across the run.
 * Returns false when it is not yet time. */
static bool claim_read_turn(actx *a)
{
    set_state *st = wl_run_state(a);
    bool adding = atomic_load(&st->next_element) < max_elements(a);
    uint64_t interval = (uint64_t)MAX(ax_param(a, "read_interval_ms"), 0) * 1000000u;
    if (!adding)
        interval = MAX(interval, 2000000000u);
    uint64_t now = now_ns();
    uint64_t turn = atomic_load(&st->next_read_ns);
    return turn <= now && atomic_compare_exchange_strong(&st->next_read_ns, &turn, now + interval);
}

static act_result set_read(actx *a)
{
    if (!claim_read_turn(a))
        return ACT_SKIP;
    return read_all(a);
}

static bool set_setup(actx *a)
{
    static const char *const sql[] = {
        "DROP SCHEMA IF EXISTS melee_set CASCADE",
        "CREATE SCHEMA melee_set",
        "CREATE TABLE " ELEMENTS " (val int PRIMARY KEY)",
        NULL,
    };
    set_state *st = wl_run_state(a);
    atomic_store(&st->next_element, 0);
    atomic_store(&st->next_add_ns, 0);
    atomic_store(&st->next_read_ns, 0);
    return wl_exec_all(a, sql);
}

/* The final read after quiescence (Jepsen's set checker judges it). */
static bool set_final(actx *a)
{
    return read_all(a) == ACT_OK;
}

static const action_def SET_ROWS[] = {
    {"add", LIST_DML_NONTRANS, 5, set_add, NULL, ACTF_NONE, NULL},
    {"read", LIST_DML_NONTRANS, 1, set_read, NULL, ACTF_NONE, NULL},
};

static const wl_param SET_PARAMS[] = {
    {"max_elements", 5000, "elements added at most"},
    {"add_rate", 500, "adds per second at most, across workers (0: unpaced)"},
    {"read_interval_ms", 20, "at least this long between two reads of the whole set"},
    WL_PARAM_CLIENT_FAULT,
};

static const wl_jepsen SET_JEPSEN = {
    .rows = SET_ROWS,
    .nrows = ARRAY_LEN(SET_ROWS),
    .schema = "melee_set",
    .checker = "set",
    .check_interval_s = 2.0,
    .run_size = sizeof(set_state),
    .thread_size = 0,
};

const workload_def wl_set = {
    .name = "set",
    .summary = "inserts of unique elements; an element once added or read must stay",
    .params = SET_PARAMS,
    .nparams = ARRAY_LEN(SET_PARAMS),
    .data = &SET_JEPSEN,
    WL_JEPSEN_HOOKS,
    .setup = set_setup,
    .final = set_final,
};
