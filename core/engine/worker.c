/* worker.c - a worker thread: run the action its workload picks next,
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

static const char *const STATE_NAMES[WS_COUNT] = {
    [WS_STARTING] = "starting",   [WS_CONNECTING] = "connecting", [WS_IDLE] = "idle",
    [WS_RUNNING] = "running",     [WS_IDLE_IN_TXN] = "idle in txn", [WS_WAITING] = "waiting",
    [WS_PAUSED] = "paused",       [WS_FROZEN] = "frozen",
    [WS_RECONNECTING] = "reconnecting", [WS_HUNG] = "hung",
    [WS_STOPPED] = "stopped",
};

const char *worker_state_name(worker_state s)
{
    return (unsigned)s < WS_COUNT ? STATE_NAMES[s] : "?";
}

worker *worker_new(run *r, int id)
{
    worker *w = xcalloc(1, sizeof *w);
    w->id = id;
    w->run = r;
    w->process = id;
    w->rng = rng_derive(r->cfg.seed, "worker", (uint64_t)(id + 1));
    pthread_mutex_init(&w->slot_mu, NULL);
    atomic_init(&w->state, WS_STARTING);
    atomic_init(&w->action, -1);
    w->ax.w = w;
    w->ax.run = r;
    w->ax.worker_id = id;
    w->ax.rng = &w->rng;
    w->ax.cat = r->cat;
    w->ax.cfg = &r->cfg;
    w->ax.wl = r->wl_ctx;
    w->ax.thread = r->wl->thread_open(r->wl_ctx, id, &w->wt);
    w->ax.transactional = w->wt.transactional;
    atomic_init(&w->label, w->wt.label);
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
    if (w->run->wl->thread_close)
        w->run->wl->thread_close(w->run->wl_ctx, w->ax.thread);
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
    w->conn = pg_connect_polling(r->worker_conninfo ? r->worker_conninfo : r->conninfo,
                                 connect_give_up, w, CONNECT_TIMEOUT_S);
    if (!w->conn || PQstatus(w->conn) != CONNECTION_OK) {
        free(w->connect_err);
        w->connect_err = xstrdup(w->conn ? PQerrorMessage(w->conn) : "connection attempt abandoned");
        PQfinish(w->conn);
        w->conn = NULL;
        return false;
    }
    worker_quiet_notices(w->conn);
    w->link = proxy_adopt(r->worker_proxy, PQsocket(w->conn));
    worker_settle_link(w);
    if (!worker_session_setup(w)) {
        free(w->connect_err);
        w->connect_err = xstrdup("the session could not be set up");
        PQfinish(w->conn);
        w->conn = NULL;
        proxy_release(w->link);
        w->link = NULL;
        return false;
    }
    atomic_store(&w->pid, PQbackendPID(w->conn));
    w->in_txn = false;
    return true;
}

void worker_settle_link(worker *w)
{
    if (w->link && w->conn)
        proxy_settle(w->link, PQsocket(w->conn));
}

void worker_disconnect(worker *w)
{
    if (w->conn)
        PQfinish(w->conn);
    w->conn = NULL;
    proxy_release(w->link);   /* after PQfinish: its socket is closed */
    w->link = NULL;
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
        worker_nap(w, w->backoff_ms);
    }
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
    const error_rule *own = w->own_rules ? w->step_rules : def ? def->expected : NULL;
    return errclass_classify(&w->err, own, w->run->profile_rules, worker_conditions(w));
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
    w->own_rules = false;
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

static bool unpaused(const void *arg)
{
    const worker *w = arg;
    return !atomic_load(&w->pause_req) || stop_wanted(w);
}

static void hold_paused(worker *w)
{
    worker_end_txn(w, false);
    atomic_store(&w->state, WS_PAUSED);
    while (!hold_wait(&w->run->gate, unpaused, w, 0))
        ;
    atomic_store(&w->state, w->conn ? WS_IDLE : WS_RECONNECTING);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    run *r = w->run;
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
        worker_hold_frozen(w);
        if (atomic_load(&w->pause_req)) {
            hold_paused(w);
            continue;
        }
        int idx = r->wl->next(&w->ax);
        if (idx == WL_NEXT_END)
            break;
        if (idx < 0 || (size_t)idx >= r->nactions) {
            /* Nothing to draw (every weight 0): wait for the operator (or a second). */
            hold_wait(&r->gate, hold_until_stop, w, 1000);
            continue;
        }
        run_one(w, idx);
    }
    worker_end_txn(w, false);
    worker_disconnect(w);
    atomic_store(&w->state, WS_STOPPED);
    if (!stop_wanted(w)) {
        atomic_store(&w->ended, true);
        run_note_thread_end(r);
    }
    return NULL;
}

int worker_start(worker *w)
{
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
        return -1;
    w->started = true;
    return 0;
}
