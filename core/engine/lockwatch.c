/* lockwatch.c - marking workers that wait for server locks (lockwatch.h). */
#include "lockwatch.h"

#include <stdlib.h>

#include "poller.h"
#include "run_internal.h"

#define WATCH_INTERVAL_MS 500

static const char WAITING_SQL[] =
    "SELECT pid FROM pg_catalog.pg_stat_activity "
    "WHERE wait_event_type = 'Lock' AND application_name LIKE 'melee-w%'";

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

static void look(run *r, PGconn *c, void *arg)
{
    (void)arg;
    PGresult *res = PQexec(c, WAITING_SQL);
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        mark(r, res);
    PQclear(res);
}

poller *lockwatch_start(run *r, const char *conninfo)
{
    return poller_start(r, conninfo, "melee-lockwatch", WATCH_INTERVAL_MS, look, NULL);
}
