/* session.c - a worker's new session is set up the same way whatever the
 * workload: its application name, the run's isolation level, the
 * workload's session SQL, and the seed of the server's random(). */
#include "run_internal.h"
#include "../util.h"

bool worker_session_setup(worker *w)
{
    run *r = w->run;
    /* The session default covers autocommit statements too: a
     * single-statement operation runs at the run's level like the rest. */
    char init[160];
    snprintf(init, sizeof init,
             "SET application_name = 'melee-w%d'; "
             "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL %s",
             w->id, isolation_sql(r->cfg.isolation));
    PGresult *res = PQexec(w->conn, init);
    PQclear(res);
    if (w->wt.session_sql)
        PQclear(PQexec(w->conn, w->wt.session_sql));
    /* The server's random() (in generated expressions) follows the run's
     * seed too, so that what a statement returns, and so what the worker
     * does next, does not change between runs of the same seed. */
    rng_t session = rng_derive(r->cfg.seed, "session", ((uint64_t)w->id << 32) | w->connects++);
    char seed_sql[64];
    snprintf(seed_sql, sizeof seed_sql, "SELECT setseed(%.6f)", rng_double(&session) * 2 - 1);
    PQclear(PQexec(w->conn, seed_sql));
    return true;
}
