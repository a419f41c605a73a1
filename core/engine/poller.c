/* poller.c - a thread that asks the server at a steady pace (poller.h). */
#include "poller.h"

#include <pthread.h>
#include <stdlib.h>

#include "../server/pgconnect.h"
#include "run_internal.h"
#include "../util.h"

#define NAP_MS 50   /* how often a waiting poller looks at stop */

struct poller {
    run *r;
    char *conninfo;
    char *set_app;      /* its session's settings: name, a statement timeout */
    int interval_ms;
    poll_fn poll;
    void *arg;
    pthread_t thread;
    _Atomic bool stop;
};

static bool give_up(void *arg)
{
    poller *p = arg;
    return atomic_load(&p->stop) || atomic_load(&p->r->stop);
}

static void *poller_main(void *arg)
{
    poller *p = arg;
    PGconn *c = NULL;
    while (!give_up(p)) {
        if (!c || PQstatus(c) != CONNECTION_OK) {
            PQfinish(c);
            c = pg_connect_polling(p->conninfo, give_up, p, 10);
            if (c && PQstatus(c) == CONNECTION_OK) {
                worker_quiet_notices(c);
                PQclear(PQexec(c, p->set_app));
            }
        }
        if (c && PQstatus(c) == CONNECTION_OK)
            p->poll(p->r, c, p->arg);
        for (int t = 0; t < p->interval_ms && !give_up(p); t += NAP_MS)
            sleep_ms(NAP_MS);
    }
    PQfinish(c);
    return NULL;
}

poller *poller_start(run *r, const char *conninfo, const char *app, int interval_ms,
                     poll_fn poll, void *arg)
{
    poller *p = xcalloc(1, sizeof *p);
    p->r = r;
    p->conninfo = xstrdup(conninfo);
    p->set_app = xasprintf("SET application_name = '%s'; SET statement_timeout = '5s'", app);
    p->interval_ms = interval_ms;
    p->poll = poll;
    p->arg = arg;
    if (pthread_create(&p->thread, NULL, poller_main, p) != 0) {
        free(p->conninfo);
        free(p->set_app);
        free(p);
        return NULL;
    }
    return p;
}

void poller_stop(poller *p)
{
    if (!p)
        return;
    atomic_store(&p->stop, true);
    pthread_join(p->thread, NULL);
    free(p->conninfo);
    free(p->set_app);
    free(p);
}
