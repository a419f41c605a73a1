/* hold.c - where workers wait for the operator or for time (hold.h). */
#include "hold.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run_internal.h"
#include "../util.h"

/* A frozen worker looks at its connection this often, so that a session
 * the server ends while frozen is reported without waiting to be let go. */
#define FROZEN_CHECK_MS 200

void hold_gate_init(hold_gate *g)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&g->cv, &a);
    pthread_condattr_destroy(&a);
    pthread_mutex_init(&g->mu, NULL);
    g->rings = 0;
}

void hold_gate_destroy(hold_gate *g)
{
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
}

void hold_gate_wake(hold_gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->rings++;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

bool hold_wait(hold_gate *g, bool (*done)(const void *arg), const void *arg, uint64_t ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&g->mu);
    uint64_t rang = g->rings;
    bool d;
    while (!(d = done(arg)) && g->rings == rang) {
        int rc = ms ? pthread_cond_timedwait(&g->cv, &g->mu, &until)
                    : pthread_cond_wait(&g->cv, &g->mu);
        if (rc == ETIMEDOUT) {
            d = done(arg);
            break;
        }
    }
    pthread_mutex_unlock(&g->mu);
    return d;
}

bool worker_stopping(const worker *w)
{
    return atomic_load(&w->stop_req) || atomic_load(&w->run->stop);
}

bool hold_until_stop(const void *w)
{
    return worker_stopping(w);
}

void worker_nap(worker *w, uint64_t ms)
{
    uint64_t end = now_us() + ms * 1000;
    for (uint64_t now = now_us(); now < end && !worker_stopping(w); now = now_us())
        hold_wait(&w->run->gate, hold_until_stop, w, (end - now + 999) / 1000);
}

static bool thawed(const void *arg)
{
    const worker *w = arg;
    return !atomic_load(&w->freeze_req) || worker_stopping(w);
}

/* What the server said last on a frozen connection (a FATAL that ends a
 * session arrives while no statement runs, so libpq hands it to the
 * notice receiver). */
typedef struct last_word {
    char sqlstate[6];
    char *message;
} last_word;

static void keep_last_word(void *arg, const PGresult *res)
{
    last_word *lw = arg;
    const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    snprintf(lw->sqlstate, sizeof lw->sqlstate, "%s", st ? st : "");
    free(lw->message);
    lw->message = xstrdup(msg ? msg : "");
}

/* Reads what the server sent. Returns false once the session is gone. */
static bool session_alive(worker *w)
{
    struct pollfd p = {.fd = PQsocket(w->conn), .events = POLLIN};
    if (p.fd < 0)
        return false;
    worker_settle_link(w);
    if (poll(&p, 1, 0) > 0) {
        bool read = PQconsumeInput(w->conn);
        PQisBusy(w->conn); /* parses what came: the server's last word */
        if (!read)
            return false;
    }
    return PQstatus(w->conn) == CONNECTION_OK;
}

static void freeze_event(worker *w, const char *sqlstate, const char *msg)
{
    run *r = w->run;
    int ai = atomic_load(&w->action);
    run_push_event(r, w, EC_NONE, ai >= 0 ? r->actions[ai].label : "", sqlstate, msg, NULL, NULL);
}

void worker_hold_frozen(worker *w)
{
    if (!atomic_load(&w->freeze_req) || worker_stopping(w) || !w->conn ||
        PQtransactionStatus(w->conn) != PQTRANS_INTRANS)
        return;
    run *r = w->run;
    int was = atomic_load(&w->state);
    uint64_t t0 = now_us();
    atomic_store(&w->frozen_at_us, t0);
    atomic_store(&w->state, WS_FROZEN);
    atomic_fetch_add(&r->nfrozen, 1);
    char *msg = xasprintf("frozen inside its transaction (backend pid %d)", atomic_load(&w->pid));
    freeze_event(w, "", msg);
    free(msg);
    last_word lw = {.sqlstate = ""};
    PQnoticeReceiver before = PQsetNoticeReceiver(w->conn, keep_last_word, &lw);
    bool alive = true;
    while (!thawed(w) && (alive = session_alive(w)))
        hold_wait(&r->gate, thawed, w, FROZEN_CHECK_MS);
    PQsetNoticeReceiver(w->conn, before, NULL); /* the default receiver takes no argument */
    atomic_store(&r->thawed_us, now_us());
    atomic_fetch_sub(&r->nfrozen, 1);
    char took[32];
    snprintf(took, sizeof took, "%.1f s", (double)(now_us() - t0) / 1e6);
    if (!alive) {
        /* Its next statement fails on the lost connection: an
         * interruption of ours, not a crash. */
        int pid = atomic_load(&w->pid);
        char target[64];
        snprintf(target, sizeof target, "worker %d (pid %d)", w->id, pid);
        faults_close(r, faults_open(r, "frozen-ended", target, WHEN_INTERRUPTED, w->id, pid, 0));
        atomic_store(&w->freeze_req, false);
        const char *why = lw.message && *lw.message ? lw.message : PQerrorMessage(w->conn);
        msg = xasprintf("the server ended the frozen session after %s: %.*s", took,
                        (int)strcspn(why, "\n"), why);
        freeze_event(w, lw.sqlstate, msg);
        free(msg);
    } else if (!worker_stopping(w)) {
        msg = xasprintf(atomic_load(&w->pause_req)
                            ? "let go after %s frozen, to pause: its transaction ends"
                            : "let go after %s frozen, goes on in the same transaction",
                        took);
        freeze_event(w, "", msg);
        free(msg);
    }
    free(lw.message);
    atomic_store(&w->frozen_at_us, 0);
    atomic_store(&w->state, was);
}

bool hold_past_hang_limit(run *r, uint64_t t0, uint64_t now, uint64_t limit_us)
{
    if (atomic_load(&r->nfrozen) > 0)
        return false;
    uint64_t from = MAX(t0, atomic_load(&r->thawed_us));
    return now > from && now - from > limit_us;
}
