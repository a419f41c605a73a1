/* tablewatch.c - the workload's tables from the server's statistics
 * (tablewatch.h). */
#include "tablewatch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poller.h"
#include "../sqlbuf.h"
#include "../util.h"

#define WATCH_INTERVAL_MS 1000
#define TABLES_MAX 64

static const char TABLES_SQL[] =
    "SELECT schemaname, relname, n_live_tup, n_tup_ins + n_tup_upd + n_tup_del "
    "FROM pg_catalog.pg_stat_user_tables WHERE schemaname = ANY($1::text[]) "
    "ORDER BY schemaname, relname LIMIT 64";

struct tablewatch {
    poller *p;
    char *schemas;           /* the schemas as a text[] literal: {a,b} */
    pthread_mutex_t mu;      /* guards what follows */
    table_snap v[TABLES_MAX];
    size_t n;
    char note[96];
};

static void look(struct run *r, PGconn *c, void *arg)
{
    (void)r;
    tablewatch *t = arg;
    const char *params[1] = {t->schemas};
    PGresult *res = PQexecParams(c, TABLES_SQL, 1, NULL, params, NULL, NULL, 0);
    pthread_mutex_lock(&t->mu);
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        t->n = (size_t)PQntuples(res) < TABLES_MAX ? (size_t)PQntuples(res) : TABLES_MAX;
        for (size_t i = 0; i < t->n; i++) {
            table_snap *x = &t->v[i];
            snprintf(x->schema, sizeof x->schema, "%s", PQgetvalue(res, (int)i, 0));
            snprintf(x->name, sizeof x->name, "%s", PQgetvalue(res, (int)i, 1));
            x->rows = strtoll(PQgetvalue(res, (int)i, 2), NULL, 10);
            x->writes = strtoll(PQgetvalue(res, (int)i, 3), NULL, 10);
        }
        snprintf(t->note, sizeof t->note, "%s", t->n ? "" : "no tables yet");
    } else {
        const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        snprintf(t->note, sizeof t->note, "no table statistics: %s", msg ? msg : "?");
    }
    pthread_mutex_unlock(&t->mu);
    PQclear(res);
}

tablewatch *tablewatch_start(struct run *r, const char *conninfo, const char *const *schemas,
                             size_t n)
{
    tablewatch *t = xcalloc(1, sizeof *t);
    sqlbuf b = SQLBUF_INIT;
    sb_addc(&b, '{');
    for (size_t i = 0; i < n; i++)
        sb_printf(&b, "%s\"%s\"", i ? "," : "", schemas[i]);
    sb_addc(&b, '}');
    t->schemas = sb_steal(&b);
    pthread_mutex_init(&t->mu, NULL);
    snprintf(t->note, sizeof t->note, "%s", "connecting");
    t->p = poller_start(r, conninfo, "melee-tablewatch", WATCH_INTERVAL_MS, look, t);
    if (!t->p) {
        tablewatch_stop(t);
        return NULL;
    }
    return t;
}

void tablewatch_stop(tablewatch *t)
{
    if (!t)
        return;
    poller_stop(t->p);
    pthread_mutex_destroy(&t->mu);
    free(t->schemas);
    free(t);
}

size_t tablewatch_read(tablewatch *t, table_snap **out, char *note, size_t note_len)
{
    pthread_mutex_lock(&t->mu);
    size_t n = t->n;
    *out = xcalloc(n ? n : 1, sizeof **out);
    memcpy(*out, t->v, n * sizeof **out);
    snprintf(note, note_len, "%s", t->note);
    pthread_mutex_unlock(&t->mu);
    return n;
}
