/* lockwatch.c - marking workers that wait for server locks (lockwatch.h). */
#include "lockwatch.h"

#include <pthread.h>
#include <stdlib.h>

#include "../server/pgconnect.h"
#include "run_internal.h"
#include "../util.h"

#define WATCH_INTERVAL_MS 500

static const char WAITING_SQL[] =
    "SELECT pid FROM pg_catalog.pg_stat_activity "
    "WHERE wait_event_type = 'Lock' AND application_name LIKE 'melee-w%'";

struct lockwatch {
    run *r;
    char *conninfo;
    pthread_t thread;
    _Atomic bool stop;
};

static bool give_up(void *arg)
{
    lockwatch *lw = arg;
    return atomic_load(&lw->stop) || atomic_load(&lw->r->stop);
}

/* Marks each worker whose backend pid is among the rows of res. */
static void mark(run *r, PGresult *res)
{
    int n = PQntuples(res), nw = atomic_load(&r->nworkers);
    for (int i = 0; i < nw; i++) {
        worker *w = r->workers[i];
        int pid = atomic_load(&w->pid);
        bool waiting = false;
        for (int k = 0; pid && k < n && !waiting; k++)
            waiting = atoi(PQgetvalue(res, k, 0)) == pid;
        atomic_store(&w->lock_wait, waiting);
    }
}

static void *watch_main(void *arg)
{
    lockwatch *lw = arg;
    PGconn *c = NULL;
    while (!give_up(lw)) {
        if (!c || PQstatus(c) != CONNECTION_OK) {
            PQfinish(c);
            c = pg_connect_polling(lw->conninfo, give_up, lw, 10);
            if (c && PQstatus(c) == CONNECTION_OK) {
                worker_quiet_notices(c);
                PQclear(PQexec(c, "SET application_name = 'melee-lockwatch'"));
            }
        }
        if (c && PQstatus(c) == CONNECTION_OK) {
            PGresult *res = PQexec(c, WAITING_SQL);
            if (PQresultStatus(res) == PGRES_TUPLES_OK)
                mark(lw->r, res);
            PQclear(res);
        }
        for (int t = 0; t < WATCH_INTERVAL_MS && !give_up(lw); t += 50)
            sleep_ms(50);
    }
    PQfinish(c);
    return NULL;
}

lockwatch *lockwatch_start(run *r, const char *conninfo)
{
    lockwatch *lw = xcalloc(1, sizeof *lw);
    lw->r = r;
    lw->conninfo = xstrdup(conninfo);
    if (pthread_create(&lw->thread, NULL, watch_main, lw) != 0) {
        free(lw->conninfo);
        free(lw);
        return NULL;
    }
    return lw;
}

void lockwatch_stop(lockwatch *lw)
{
    if (!lw)
        return;
    atomic_store(&lw->stop, true);
    pthread_join(lw->thread, NULL);
    free(lw->conninfo);
    free(lw);
}
