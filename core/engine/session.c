/* session.c - a worker's new session is set up the same way whatever the
 * workload: its application name, the run's isolation level (read back:
 * a session the server runs at another level stops the run), the
 * workload's session SQL, and the seed of the server's random(). */
#include <stdlib.h>
#include <strings.h>

#include "run_internal.h"
#include "../util.h"

/* Returns the server's error for res (a copy), or NULL when it worked. */
static char *result_error(PGconn *c, PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return NULL;
    const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    return xstrdup(m ? m : PQerrorMessage(c));
}

/* Reads the session's isolation level back. Returns 1 when it is the
 * run's, 0 when it is not (the run is stopped, exit 2, with a message
 * naming both levels and set_err, the SET's own error if any), -1 when the
 * connection failed meanwhile (reconnect as for any lost connection). */
static int check_isolation(worker *w, const char *set_err)
{
    run *r = w->run;
    const char *want = isolation_sql(r->cfg.isolation);
    PGresult *res = PQexec(w->conn, "SHOW transaction_isolation");
    char *err = result_error(w->conn, res);
    if (err && PQstatus(w->conn) != CONNECTION_OK) {
        free(err);
        PQclear(res);
        return -1;
    }
    const char *got = !err && PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : NULL;
    int ok = got && strcasecmp(got, want) == 0;
    if (!ok) {
        char *msg = xasprintf(
            "the server does not run this session at isolation level %s (the run's, "
            "-i %s): %s%s%s%s; the run stops, since its results would be judged at the "
            "wrong level",
            want, isolation_name(r->cfg.isolation),
            got ? "SHOW transaction_isolation says " : "reading it back failed: ",
            got ? got : err ? err : "no value",
            set_err ? "; setting it failed: " : "", set_err ? set_err : "");
        run_fatal(r, msg);
        free(msg);
    }
    free(err);
    PQclear(res);
    return ok;
}

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
    char *set_err = result_error(w->conn, res);
    PQclear(res);
    if (w->wt.session_sql)
        PQclear(PQexec(w->conn, w->wt.session_sql));
    int level = check_isolation(w, set_err);
    free(set_err);
    if (level <= 0)
        return false;
    /* The server's random() (in generated expressions) follows the run's
     * seed too, so that what a statement returns, and so what the worker
     * does next, does not change between runs of the same seed. */
    rng_t session = rng_derive(r->cfg.seed, "session", ((uint64_t)w->id << 32) | w->connects++);
    char seed_sql[64];
    snprintf(seed_sql, sizeof seed_sql, "SELECT setseed(%.6f)", rng_double(&session) * 2 - 1);
    PQclear(PQexec(w->conn, seed_sql));
    return true;
}
