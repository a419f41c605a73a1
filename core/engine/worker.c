/* worker.c - a worker thread: draw an action by weight, run it, classify
 * what went wrong, reconnect when the connection is lost. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../server/pgconnect.h"
#include "run_internal.h"
#include "../util.h"

/* A worker gives up one connection attempt after this long, then backs off
 * and tries again (the server may be restarting). */
#define CONNECT_TIMEOUT_S 30.0

/* lock_timeout of the sessions that run the ddl list (see worker_connect). */
#define DDL_LOCK_TIMEOUT "2s"

/* deadlock_timeout of the sessions of invariant workloads (same). */
#define WORKLOAD_DEADLOCK_TIMEOUT "50ms"

static const char *const STATE_NAMES[WS_COUNT] = {
    [WS_STARTING] = "starting",   [WS_CONNECTING] = "connecting", [WS_IDLE] = "idle",
    [WS_RUNNING] = "running",     [WS_IDLE_IN_TXN] = "idle in txn", [WS_WAITING] = "waiting",
    [WS_PAUSED] = "paused",       [WS_RECONNECTING] = "reconnecting", [WS_HUNG] = "hung",
    [WS_STOPPED] = "stopped",
};

const char *worker_state_name(worker_state s)
{
    return (unsigned)s < WS_COUNT ? STATE_NAMES[s] : "?";
}

static bool transactional(action_list l)
{
    return l == LIST_READ || l == LIST_FETCH || l == LIST_WRITE;
}

/* Draws the worker's action list from the complexity's list weights. */
static action_list draw_list(const run *r, int id)
{
    rng_t g = rng_derive(r->cfg.seed, "list", (uint64_t)id);
    size_t l = rng_weighted(&g, r->cfg.list_weights[r->cx], LIST_COUNT);
    return l < LIST_COUNT ? (action_list)l : LIST_READ;
}

worker *worker_new(run *r, int id)
{
    worker *w = xcalloc(1, sizeof *w);
    w->id = id;
    w->run = r;
    /* Invariant workloads run their own rows, in autocommit. */
    w->list = r->wl ? LIST_DML_NONTRANS : id >= 0 ? draw_list(r, id) : LIST_DDL;
    w->process = id;
    w->rng = rng_derive(r->cfg.seed, "worker", (uint64_t)(id + 1));
    pthread_mutex_init(&w->slot_mu, NULL);
    atomic_init(&w->state, WS_STARTING);
    atomic_init(&w->action, -1);
    w->ax.w = w;
    w->ax.run = r;
    w->ax.worker_id = id;
    w->ax.list = w->list;
    w->ax.transactional = transactional(w->list);
    w->ax.rng = &w->rng;
    w->ax.cat = r->cat;
    w->ax.cfg = &r->cfg;
    sb_init(&w->ax.sql);
    return w;
}

void worker_free(worker *w)
{
    if (!w)
        return;
    worker_disconnect(w);
    worker_clear_error(w);
    for (int i = 0; i < DETAIL_HISTORY; i++)
        free(w->recent[i].sql);
    free(w->cur_sql);
    free(w->connect_err);
    sb_free(&w->ax.sql);
    pthread_mutex_destroy(&w->slot_mu);
    free(w);
}

void worker_publish_sql(worker *w, const char *sql)
{
    pthread_mutex_lock(&w->slot_mu);
    str_assign(&w->cur_sql, &w->cur_sql_cap, sql);
    pthread_mutex_unlock(&w->slot_mu);
}

/* Notices (NOTICE, WARNING) are the server talking, not results: drop them
 * so they never reach the terminal. */
static void drop_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

void worker_quiet_notices(PGconn *c)
{
    PQsetNoticeProcessor(c, drop_notice, NULL);
}

static bool stop_wanted(const worker *w)
{
    return atomic_load(&w->stop_req) || atomic_load(&w->run->stop);
}

static bool connect_give_up(void *arg)
{
    return stop_wanted(arg);
}

bool worker_connect(worker *w)
{
    run *r = w->run;
    w->conn = pg_connect_polling(r->conninfo, connect_give_up, w, CONNECT_TIMEOUT_S);
    if (!w->conn || PQstatus(w->conn) != CONNECTION_OK) {
        free(w->connect_err);
        w->connect_err = xstrdup(w->conn ? PQerrorMessage(w->conn) : "connection attempt abandoned");
        PQfinish(w->conn);
        w->conn = NULL;
        return false;
    }
    worker_quiet_notices(w->conn);
    /* The session default covers autocommit statements too: a
     * single-statement operation runs at the run's level like the rest.
     * DDL gives up waiting for a table lock after a while: an ALTER queued
     * behind an open transaction would otherwise stall every statement
     * queued behind it, for as long as that transaction lives. */
    char init[224];
    snprintf(init, sizeof init,
             "SET application_name = 'melee-w%d'; "
             "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL %s%s",
             w->id, isolation_sql(r->cfg.isolation),
             !r->wl && w->list == LIST_DDL ? "; SET lock_timeout = '" DDL_LOCK_TIMEOUT "'" : "");
    PQclear(PQexec(w->conn, init));
    /* Invariant workloads deadlock now and then by design (transactions
     * over a few hot keys): finding out after the server's default second
     * leaves the other workers waiting behind the cycle for that long. A
     * role that may not set it (not a superuser) keeps the default. */
    if (r->wl)
        PQclear(PQexec(w->conn, "SET deadlock_timeout = '" WORKLOAD_DEADLOCK_TIMEOUT "'"));
    /* The server's random() (in generated expressions) follows the run's
     * seed too, so that what a statement returns, and so what the worker
     * does next, does not change between runs of the same seed. */
    rng_t session = rng_derive(r->cfg.seed, "session", ((uint64_t)w->id << 32) | w->connects++);
    char seed_sql[64];
    snprintf(seed_sql, sizeof seed_sql, "SELECT setseed(%.6f)", rng_double(&session) * 2 - 1);
    PQclear(PQexec(w->conn, seed_sql));
    atomic_store(&w->pid, PQbackendPID(w->conn));
    w->in_txn = false;
    w->timeouts_set = false;
    return true;
}

void worker_disconnect(worker *w)
{
    if (w->conn)
        PQfinish(w->conn);
    w->conn = NULL;
    PQclear(w->last);
    w->last = NULL;
    w->in_txn = false;
    atomic_store(&w->pid, 0);
    for (int i = 0; i < w->nprepared; i++)
        free(w->prepared[i]);
    w->nprepared = 0;
    if (w->id >= 0)
        catalog_drop_temp(w->run->cat, w->id);
}

/* Sleeps up to ms in small steps, returning early when stopping. */
static void nap(const worker *w, uint64_t ms)
{
    for (uint64_t t = 0; t < ms && !stop_wanted(w); t += 20)
        sleep_ms(20);
}

static void connect_with_backoff(worker *w, bool first)
{
    atomic_store(&w->state, first ? WS_CONNECTING : WS_RECONNECTING);
    while (!stop_wanted(w)) {
        if (worker_connect(w)) {
            w->backoff_ms = 0;
            atomic_store(&w->state, WS_IDLE);
            return;
        }
        w->backoff_ms = w->backoff_ms ? MIN(w->backoff_ms * 2, 5000) : 100;
        nap(w, w->backoff_ms);
    }
}

/* Returns the index of the drawn action, or -1 when every weight is 0. */
static int draw_action(worker *w)
{
    run *r = w->run;
    size_t n = r->nby_list[w->list];
    unsigned weights[n ? n : 1];
    for (size_t i = 0; i < n; i++)
        weights[i] = atomic_load_explicit(&r->actions[r->by_list[w->list][i]].weight,
                                          memory_order_relaxed);
    size_t k = rng_weighted(&w->rng, weights, n);
    return k < n ? (int)r->by_list[w->list][k] : -1;
}

unsigned worker_conditions(worker *w)
{
    run *r = w->run;
    unsigned holds = faults_conditions(r, w->id, w->err.pid, w->err.at_us);
    if (r->ddl_running)
        holds |= WHEN_DDL;
    if (atomic_load(&r->cancels_enabled))
        holds |= WHEN_CANCELS;
    return holds;
}

err_class worker_classify(worker *w, const action_def *def)
{
    return errclass_classify(&w->err, def ? def->expected : NULL, w->run->profile_rules,
                             worker_conditions(w));
}

/* Counts a failed action by its class; hangs were recorded when seen. */
static void handle_failure(worker *w, run_action *ra)
{
    run *r = w->run;
    err_class cls = worker_classify(w, ra->def);
    if (cls == EC_NONE) {
        /* Interrupted by our own stop: not an outcome of the action. */
    } else if (cls == EC_IGNORED || cls == EC_FAULT) {
        atomic_fetch_add(&ra->ignored, 1);
        atomic_fetch_add(&w->ignored, 1);
    } else {
        atomic_fetch_add(&ra->unexpected, 1);
        atomic_fetch_add(&w->unexpected, 1);
    }
    if (cls != EC_NONE && cls != EC_HANG)
        run_note_failure(r, w, ra->label, cls);
    if (w->err.conn_lost || (w->conn && PQstatus(w->conn) == CONNECTION_BAD))
        worker_disconnect(w);
    else if (w->in_txn)
        worker_end_txn(w, false);
}

static void run_one(worker *w, int idx)
{
    run *r = w->run;
    run_action *ra = &r->actions[idx];
    atomic_store(&w->action, idx);
    uint64_t t0 = now_us();
    atomic_store(&w->action_start_us, t0);
    sb_reset(&w->ax.sql);
    w->ax.action = ra->def;
    worker_clear_error(w);
    act_result res = ra->def->run(&w->ax);
    uint64_t lat = now_us() - t0;
    if (res != ACT_SKIP) {
        hist_record(&ra->latency, lat);
        atomic_store(&w->last_latency_us, lat);
    }
    if (res == ACT_OK) {
        atomic_fetch_add(&ra->ok, 1);
        atomic_fetch_add(&w->ok, 1);
    } else if (res == ACT_SKIP) {
        atomic_fetch_add(&ra->skipped, 1);
        atomic_fetch_add(&w->skipped, 1);
    } else {
        handle_failure(w, ra);
    }
    atomic_store(&w->action, -1);
    if (w->conn)
        atomic_store(&w->state, w->in_txn ? WS_IDLE_IN_TXN : WS_IDLE);
}

static void hold_paused(worker *w)
{
    worker_end_txn(w, false);
    atomic_store(&w->state, WS_PAUSED);
    while (atomic_load(&w->pause_req) && !stop_wanted(w))
        sleep_ms(20);
    atomic_store(&w->state, w->conn ? WS_IDLE : WS_RECONNECTING);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    bool first = true;
    while (!stop_wanted(w)) {
        if (!w->conn) {
            connect_with_backoff(w, first);
            first = false;
            continue;
        }
        if (atomic_load(&w->pause_req)) {
            hold_paused(w);
            continue;
        }
        int idx = draw_action(w);
        if (idx < 0) {
            nap(w, 50);
            continue;
        }
        run_one(w, idx);
    }
    worker_end_txn(w, false);
    worker_disconnect(w);
    atomic_store(&w->state, WS_STOPPED);
    return NULL;
}

int worker_start(worker *w)
{
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
        return -1;
    w->started = true;
    return 0;
}
