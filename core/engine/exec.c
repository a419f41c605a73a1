/* exec.c - running SQL on a worker's connection: the actx API.
 *
 * Every statement goes through libpq's asynchronous calls and a poll loop,
 * so the worker notices stop requests and the hang limit while it waits. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"
#include "../util.h"

typedef enum send_mode {
    SEND_SIMPLE,
    SEND_PARAMS,
    SEND_PREPARED,  /* prepared unnamed, then executed */
    SEND_NAMED,     /* prepared once per connection under a name, executed by it */
} send_mode;

/* The statement being run and what to do with COPY. */
typedef struct stmt {
    const char *sql;
    send_mode mode;
    const char *name;        /* SEND_NAMED: the prepared statement's name */
    int nparams;
    const char *const *params;
    const char *copy_data;   /* COPY FROM STDIN payload */
    size_t copy_len;
    size_t copy_bytes_out;   /* COPY TO STDOUT bytes received */
} stmt;

void worker_clear_error(worker *w)
{
    err_facts_clear(&w->err);
}

static bool stop_wanted(const worker *w)
{
    return atomic_load(&w->stop_req) || atomic_load(&w->run->stop);
}

/* Records the facts of the statement's first error: what the server said
 * (res may be NULL: fallback is libpq's message), on which backend, when. */
static void set_error(worker *w, const char *sql, const PGresult *res, const char *fallback)
{
    err_facts *f = &w->err;
    if (f->message)
        return; /* keep the first error of the statement */
    const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    snprintf(f->sqlstate, sizeof f->sqlstate, "%s", st ? st : "");
    if (!msg || !*msg)
        msg = fallback && *fallback ? fallback : "unknown error";
    size_t len = strcspn(msg, "\n");
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        len--;
    f->message = xstrndup(msg, len);
    if (res) {
        f->detail = xstrdup(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
        f->hint = xstrdup(PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
    }
    f->sql = xstrdup(sql);
    f->pid = atomic_load(&w->pid);
    f->at_us = now_us();
}

/* Marks the statement's connection lost, as seen now: a lost connection is
 * judged by when it went (inside a fault's window or not), even after an
 * earlier error of the same statement kept as its facts (a serialization
 * failure, then the server killed before the ROLLBACK). */
static void note_lost(worker *w)
{
    w->err.conn_lost = true;
    w->err.at_us = now_us();
}

static void send_cancel(worker *w)
{
    PGcancel *c = PQgetCancel(w->conn);
    if (c) {
        char buf[256];
        PQcancel(c, buf, sizeof buf);
        PQfreeCancel(c);
    }
}

/* Records a statement running past the hang limit as soon as it is seen
 * (it may never return): the facts say so, the classifier calls it a
 * hang, and the run keeps it. */
static void note_hang(worker *w, const char *sql, uint64_t running_us)
{
    run *r = w->run;
    atomic_store(&w->state, WS_HUNG);
    atomic_fetch_add(&r->hangs, 1);
    char *msg = xasprintf("statement still running after %.0f s (hang limit)",
                          (double)running_us / 1e6);
    set_error(w, sql, NULL, msg);
    free(msg);
    w->err.hang = true;
    int ai = atomic_load(&w->action);
    const run_action *ra = ai >= 0 ? &r->actions[ai] : NULL;
    run_note_failure(r, w, ra ? ra->label : "", worker_classify(w, ra ? ra->def : NULL));
}

/* Waits until a result is ready. Returns false when the connection is
 * lost or abandoned (a hang that did not end after cancelling). */
static bool wait_ready(worker *w, const char *sql, uint64_t t0)
{
    run *r = w->run;
    int sock = PQsocket(w->conn);
    uint64_t hang_us = (uint64_t)(r->cfg.hang_limit_s * 1e6);
    uint64_t cancelled_at = 0;
    bool hang_reported = false;
    for (;;) {
        worker_settle_link(w);   /* a network fault that began acts before any byte moves */
        int flushed = PQflush(w->conn);
        if (flushed < 0)
            return false;
        if (flushed == 0 && !PQisBusy(w->conn))
            return true;
        struct pollfd p = {.fd = sock, .events = (short)(POLLIN | (flushed ? POLLOUT : 0))};
        int rc = poll(&p, 1, 50);
        if (rc < 0 && errno != EINTR)
            return false;
        if (rc > 0)
            worker_settle_link(w);
        if (rc > 0 && (p.revents & (POLLIN | POLLERR | POLLHUP)) && !PQconsumeInput(w->conn))
            return false;
        uint64_t now = now_us();
        if (!cancelled_at && stop_wanted(w)) {
            w->err.stopped = true;
            send_cancel(w);
            cancelled_at = now;
        }
        if (!hang_reported && hang_us && hold_past_hang_limit(r, t0, now, hang_us)) {
            hang_reported = true;
            note_hang(w, sql, now - t0);
            send_cancel(w);
            if (!cancelled_at)
                cancelled_at = now;
        }
        if (cancelled_at && now - cancelled_at > 15 * 1000000ULL)
            return false; /* the server ignores the cancel: give the connection up */
    }
}

/* True when the worker's connection has prepared the statement called name. */
static bool is_prepared(const worker *w, const char *name)
{
    for (int i = 0; i < w->nprepared; i++)
        if (strcmp(w->prepared[i], name) == 0)
            return true;
    return false;
}

static void note_prepared(worker *w, const char *name)
{
    if (w->nprepared < MAX_PREPARED)
        w->prepared[w->nprepared++] = xstrdup(name);
}

/* Sends the statement, or only its preparation when it must be executed
 * afterwards (*then_execute set). */
static bool send_statement(worker *w, const stmt *s, bool *then_execute)
{
    *then_execute = false;
    worker_settle_link(w);
    switch (s->mode) {
    case SEND_NAMED:
        if (is_prepared(w, s->name))
            return PQsendQueryPrepared(w->conn, s->name, s->nparams, s->params, NULL, NULL, 0);
        *then_execute = true;
        return PQsendPrepare(w->conn, s->name, s->sql, s->nparams, NULL);
    case SEND_PARAMS:
        return PQsendQueryParams(w->conn, s->sql, s->nparams, NULL, s->params, NULL, NULL, 0);
    case SEND_PREPARED:
        *then_execute = true;
        return PQsendPrepare(w->conn, "", s->sql, s->nparams, NULL);
    case SEND_SIMPLE:
    default:
        return PQsendQuery(w->conn, s->sql);
    }
}

/* Feeds or drains COPY data. Returns false when the connection fails. */
static bool handle_copy_in(worker *w, const stmt *s)
{
    const char *data = s->copy_data ? s->copy_data : "";
    size_t len = s->copy_data ? s->copy_len : 0;
    worker_settle_link(w);
    if (len && PQputCopyData(w->conn, data, (int)len) != 1)
        return false;
    if (PQputCopyEnd(w->conn, s->copy_data ? NULL : "no data to send") != 1)
        return false;
    return true;
}

static bool handle_copy_out(worker *w, stmt *s, uint64_t t0)
{
    for (;;) {
        char *buf = NULL;
        int n = PQgetCopyData(w->conn, &buf, 1);
        if (n > 0) {
            s->copy_bytes_out += (size_t)n;
            PQfreemem(buf);
            continue;
        }
        if (n == 0) {
            if (!wait_ready(w, s->sql, t0))
                return false;
            worker_settle_link(w);
            if (!PQconsumeInput(w->conn))
                return false;
            continue;
        }
        return n == -1; /* -1: done; -2: error */
    }
}

/* Collects every result of the statement. Returns true when none failed. */
static bool collect(worker *w, stmt *s, uint64_t t0)
{
    bool ok = true;
    for (;;) {
        if (!wait_ready(w, s->sql, t0)) {
            set_error(w, s->sql, NULL, PQerrorMessage(w->conn));
            note_lost(w);
            return false;
        }
        PGresult *res = PQgetResult(w->conn);
        if (!res)
            break;
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_COPY_IN) {
            PQclear(res);
            if (!handle_copy_in(w, s)) {
                set_error(w, s->sql, NULL, PQerrorMessage(w->conn));
                if (PQstatus(w->conn) == CONNECTION_BAD)
                    note_lost(w);
                ok = false;
            }
            continue;
        }
        if (st == PGRES_COPY_OUT) {
            PQclear(res);
            if (!handle_copy_out(w, s, t0)) {
                set_error(w, s->sql, NULL, PQerrorMessage(w->conn));
                if (PQstatus(w->conn) == CONNECTION_BAD)
                    note_lost(w);
                ok = false;
            }
            continue;
        }
        if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) {
            set_error(w, s->sql, res, PQerrorMessage(w->conn));
            PQclear(res);
            ok = false;
            continue;
        }
        PQclear(w->last);
        w->last = res;
    }
    if (PQstatus(w->conn) == CONNECTION_BAD) {
        if (!w->err.message)
            set_error(w, s->sql, NULL, PQerrorMessage(w->conn));
        note_lost(w);
        ok = false;
    }
    return ok;
}

static void remember(worker *w, const char *sql, bool ok, uint64_t latency)
{
    err_class cls = ok ? EC_NONE : EC_IGNORED; /* refined when the action is classified */
    pthread_mutex_lock(&w->slot_mu);
    stmt_record *rec = &w->recent[w->recent_next];
    str_assign(&rec->sql, &rec->sql_cap, sql);
    rec->cls = cls;
    snprintf(rec->sqlstate, sizeof rec->sqlstate, "%s", ok ? "" : w->err.sqlstate);
    rec->latency_us = latency;
    w->recent_next = (w->recent_next + 1) % DETAIL_HISTORY;
    if (w->nrecent < DETAIL_HISTORY)
        w->nrecent++;
    pthread_mutex_unlock(&w->slot_mu);
}

/* Adds the statement's parameter values to the kept error's SQL, as a
 * comment, so that a finding can be replayed exactly. */
static void note_params(worker *w, const stmt *s)
{
    if (!w->err.sql || s->nparams <= 0)
        return;
    sqlbuf b = SQLBUF_INIT;
    sb_add(&b, w->err.sql);
    sb_add(&b, "\n-- with ");
    sb_param_values(&b, s->nparams, s->params);
    free(w->err.sql);
    w->err.sql = sb_steal(&b);
}

/* Runs one statement and its results. The core of every ax_* call. */
static bool run_stmt(worker *w, stmt *s)
{
    if (!w->conn || PQstatus(w->conn) == CONNECTION_BAD) {
        set_error(w, s->sql, NULL, "not connected");
        w->err.conn_lost = true;
        return false;
    }
    if (stop_wanted(w)) {
        set_error(w, s->sql, NULL, "run stopping");
        w->err.stopped = true;
        return false;
    }
    worker_publish_sql(w, s->sql);
    atomic_store(&w->state, WS_RUNNING);
    bool was_in_txn = w->in_txn;
    uint64_t t0 = now_us();
    bool execute;
    bool ok = send_statement(w, s, &execute);
    if (!ok) {
        set_error(w, s->sql, NULL, PQerrorMessage(w->conn));
        if (PQstatus(w->conn) == CONNECTION_BAD)
            note_lost(w);
    } else {
        ok = collect(w, s, t0);
        if (ok && execute) {
            const char *name = s->mode == SEND_NAMED ? s->name : "";
            if (s->mode == SEND_NAMED)
                note_prepared(w, name);
            worker_settle_link(w);
            ok = PQsendQueryPrepared(w->conn, name, s->nparams, s->params, NULL, NULL, 0) &&
                 collect(w, s, t0);
            if (!ok && !w->err.message)
                set_error(w, s->sql, NULL, PQerrorMessage(w->conn));
        }
    }
    uint64_t latency = now_us() - t0;
    if (!ok)
        note_params(w, s);
    atomic_fetch_add(&w->run->statements, 1);
    w->in_txn = w->conn && PQtransactionStatus(w->conn) != PQTRANS_IDLE &&
                PQtransactionStatus(w->conn) != PQTRANS_UNKNOWN;
    atomic_store(&w->state, w->in_txn ? WS_IDLE_IN_TXN : WS_IDLE);
    remember(w, s->sql, ok, latency);
    run_log_statement(w->run, w, s->sql, s->nparams, s->params, ok ? EC_NONE : EC_IGNORED,
                      ok ? "" : w->err.sqlstate, latency);
    /* The operator's freeze holds here: after a statement of the open
     * transaction (not its BEGIN), before the action goes on. */
    if (w->in_txn)
        atomic_store(&w->txn_seen, true);
    if (ok && was_in_txn)
        worker_hold_frozen(w);
    return ok;
}

static bool simple(worker *w, const char *sql)
{
    stmt s = {.sql = sql, .mode = SEND_SIMPLE};
    return run_stmt(w, &s);
}

/* Opens the run's transaction when the list is transactional. */
static bool ensure_txn(actx *a)
{
    worker *w = a->w;
    if (!a->transactional || w->in_txn)
        return true;
    return ax_begin(a);
}

bool ax_begin(actx *a)
{
    worker *w = a->w;
    if (w->in_txn)
        return true;
    char sql[80];
    snprintf(sql, sizeof sql, "BEGIN ISOLATION LEVEL %s", isolation_sql(w->run->cfg.isolation));
    return simple(w, sql);
}

bool ax_commit(actx *a)
{
    return a->w->in_txn ? simple(a->w, "COMMIT") : true;
}

bool ax_rollback(actx *a)
{
    return a->w->in_txn ? simple(a->w, "ROLLBACK") : true;
}

bool ax_in_txn(const actx *a)
{
    return a->w->in_txn;
}

bool ax_exec(actx *a, const char *sql)
{
    if (!ensure_txn(a))
        return false;
    return simple(a->w, sql);
}

bool ax_execf(actx *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = xvasprintf(fmt, ap);
    va_end(ap);
    bool ok = ax_exec(a, sql);
    free(sql);
    return ok;
}

bool ax_exec_params(actx *a, const char *sql, int n, const char *const *values)
{
    if (!ensure_txn(a))
        return false;
    stmt s = {.sql = sql, .mode = SEND_PARAMS, .nparams = n, .params = values};
    return run_stmt(a->w, &s);
}

bool ax_exec_prepared(actx *a, const char *sql, int n, const char *const *values)
{
    if (!ensure_txn(a))
        return false;
    stmt s = {.sql = sql, .mode = SEND_PREPARED, .nparams = n, .params = values};
    return run_stmt(a->w, &s);
}

bool ax_exec_named(actx *a, const char *name, const char *sql, int n, const char *const *values)
{
    if (!ensure_txn(a))
        return false;
    stmt s = {.sql = sql, .mode = SEND_NAMED, .name = name, .nparams = n, .params = values};
    return run_stmt(a->w, &s);
}

bool ax_exec_any(actx *a, const char *sql, int n, const char *const *values)
{
    uint64_t route = rng_below(a->rng, n > 0 ? 3 : 2);
    if (route == 0)
        return n > 0 ? ax_exec_params(a, sql, n, values) : ax_exec(a, sql);
    if (route == 1)
        return ax_exec_prepared(a, sql, n, values);
    return ax_exec_params(a, sql, n, values);
}

bool ax_copy_in(actx *a, const char *copy_sql, const char *data, size_t len)
{
    if (!ensure_txn(a))
        return false;
    stmt s = {.sql = copy_sql, .mode = SEND_SIMPLE, .copy_data = data ? data : "",
              .copy_len = data ? len : 0};
    return run_stmt(a->w, &s);
}

bool ax_copy_out(actx *a, const char *copy_sql, size_t *bytes)
{
    if (!ensure_txn(a))
        return false;
    stmt s = {.sql = copy_sql, .mode = SEND_SIMPLE};
    bool ok = run_stmt(a->w, &s);
    if (bytes)
        *bytes = s.copy_bytes_out;
    return ok;
}

bool ax_exec_outside_txn(actx *a, const char *sql)
{
    worker *w = a->w;
    if (w->in_txn && !simple(w, rng_chance(a->rng, 0.7) ? "COMMIT" : "ROLLBACK"))
        return false;
    return simple(w, sql);
}

void worker_end_txn(worker *w, bool commit)
{
    if (!w->in_txn || !w->conn || PQstatus(w->conn) != CONNECTION_OK)
        return;
    /* An engine statement: its failure is not an action's. */
    worker_settle_link(w);
    PQclear(PQexec(w->conn, commit ? "COMMIT" : "ROLLBACK"));
    w->in_txn = PQtransactionStatus(w->conn) != PQTRANS_IDLE;
    atomic_store(&w->state, w->in_txn ? WS_IDLE_IN_TXN : WS_IDLE);
}

int ax_ntuples(const actx *a)
{
    return a->w->last ? PQntuples(a->w->last) : 0;
}

int ax_nfields(const actx *a)
{
    return a->w->last ? PQnfields(a->w->last) : 0;
}

const char *ax_value(const actx *a, int row, int col)
{
    const PGresult *res = a->w->last;
    if (!res || row < 0 || col < 0 || row >= PQntuples(res) || col >= PQnfields(res) ||
        PQgetisnull(res, row, col))
        return NULL;
    return PQgetvalue(res, row, col);
}

int ax_column(const actx *a, const char *name)
{
    return a->w->last ? PQfnumber(a->w->last, name) : -1;
}

int64_t ax_affected(const actx *a)
{
    const char *t = a->w->last ? PQcmdTuples(a->w->last) : "";
    return *t ? strtoll(t, NULL, 10) : 0;
}

bool ax_reconnect(actx *a)
{
    worker *w = a->w;
    worker_disconnect(w);
    if (worker_connect(w))
        return true;
    if (stop_wanted(w)) {
        w->err.stopped = true; /* the run ended while connecting: no outcome */
        return false;
    }
    w->err.conn_lost = true;
    set_error(w, "-- reconnect", NULL, w->connect_err);
    return false;
}

int ax_worker_count(const actx *a)
{
    return atomic_load(&a->run->nworkers);
}

int ax_worker_pid(const actx *a, int i)
{
    run *r = a->run;
    if (i < 0 || i >= atomic_load(&r->nworkers))
        return 0;
    worker *v = r->workers[i];
    if (atomic_load(&v->retired))
        return 0;
    return atomic_load(&v->pid);
}

void ax_set_waiting(actx *a, bool waiting)
{
    atomic_store(&a->w->catalog_wait, waiting);
}

