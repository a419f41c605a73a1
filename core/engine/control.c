/* control.c - steering a running run: weights, pauses, threads, limits,
 * server flags, live settings. */
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"
#include "../sqlbuf.h"
#include "../util.h"

void run_set_weight(run *r, size_t action, unsigned weight)
{
    if (action >= r->nactions)
        return;
    atomic_store(&r->actions[action].weight, weight);
    atomic_store(&r->cancels_enabled, run_cancels_drawable(r));
    hold_gate_wake(&r->gate); /* workers that had nothing to draw */
}

void run_pause(run *r, int i, bool paused)
{
    int n = atomic_load(&r->nworkers);
    for (int k = 0; k < n; k++)
        if (i < 0 || i == k) {
            atomic_store(&r->workers[k]->pause_req, paused);
            if (paused) /* a pause lets a frozen worker go: it ends its transaction */
                atomic_store(&r->workers[k]->freeze_req, false);
        }
    hold_gate_wake(&r->gate);
}

/* A worker can hold a transaction open when its list runs in transactions
 * or when one of its actions already opened one itself (workload actions
 * that call ax_begin). */
static bool freezable(const worker *w)
{
    return w->ax.transactional || atomic_load(&w->txn_seen);
}

bool run_freeze(run *r, int i, bool frozen)
{
    if (i < 0 || i >= atomic_load(&r->nworkers))
        return false;
    worker *w = r->workers[i];
    if (frozen && !freezable(w))
        return false;
    atomic_store(&w->freeze_req, frozen);
    hold_gate_wake(&r->gate);
    return true;
}

static int active_workers(run *r)
{
    int n = atomic_load(&r->nworkers), active = 0;
    for (int k = 0; k < n; k++)
        active += !atomic_load(&r->workers[k]->retired);
    return active;
}

int run_set_threads(run *r, int n)
{
    if (n < 1)
        n = 1;
    while (active_workers(r) < n)
        if (run_add_worker(r) != 0)
            break; /* MAX_WORKERS reached, or no thread */
    int active = active_workers(r);
    if (active > atomic_load(&r->threads_max))
        atomic_store(&r->threads_max, active);
    /* Retire the newest active workers; run_join collects their threads. */
    for (int k = atomic_load(&r->nworkers) - 1; k >= 0 && active_workers(r) > n; k--) {
        worker *w = r->workers[k];
        if (!atomic_load(&w->retired)) {
            atomic_store(&w->retired, true);
            atomic_store(&w->stop_req, true);
        }
    }
    hold_gate_wake(&r->gate);
    return active_workers(r);
}

void run_set_limit(run *r, obj_kind k, int limit)
{
    catalog_set_limit(r->cat, k, limit);
}

/* Runs sql on the control connection (reconnecting once if it was lost).
 * Returns the result (caller clears) or NULL with *msg set. */
static PGresult *control_exec(run *r, const char *sql, int n, const char *const *params,
                              char **msg)
{
    pthread_mutex_lock(&r->control_mu);
    if (!r->control || PQstatus(r->control) != CONNECTION_OK) {
        if (r->control)
            PQfinish(r->control);
        r->control = PQconnectdb(r->conninfo);
        worker_quiet_notices(r->control);
    }
    PGresult *res = PQexecParams(r->control, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *e = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        *msg = xstrdup(e ? e : PQerrorMessage(r->control));
        PQclear(res);
        res = NULL;
    }
    pthread_mutex_unlock(&r->control_mu);
    return res;
}

bool run_set_flag(run *r, const char *name, const char *value, char **msg)
{
    sqlbuf b = SQLBUF_INIT;
    if (value) {
        sb_add(&b, "ALTER SYSTEM SET ");
        sb_ident(&b, name);
        sb_add(&b, " = ");
        sb_literal(&b, value);
    } else {
        sb_add(&b, "ALTER SYSTEM RESET ");
        sb_ident(&b, name);
    }
    char *err = NULL;
    PGresult *res = control_exec(r, sb_str(&b), 0, NULL, &err);
    PQclear(res);
    if (res) {
        res = control_exec(r, "SELECT pg_reload_conf()", 0, NULL, &err);
        PQclear(res);
    }
    sb_free(&b);
    if (!res) {
        *msg = xasprintf("flag %s: %s", name, err ? err : "failed");
        free(err);
        return false;
    }
    *msg = value ? xasprintf("flag %s = %s applied", name, value)
                 : xasprintf("flag %s reset", name);
    return true;
}

char *run_show_flag(run *r, const char *name, char **msg)
{
    const char *params[] = {name};
    char *err = NULL;
    PGresult *res = control_exec(r, "SELECT current_setting($1)", 1, params, &err);
    if (!res) {
        *msg = err;
        return NULL;
    }
    char *v = xstrdup(PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return v;
}

void run_live_config(run *r, run_config *out)
{
    config_copy(out, &r->cfg);
    catalog_counts(r->cat, NULL, out->limits);
    out->threads = active_workers(r);
    for (size_t i = 0; i < r->nactions; i++) {
        const action_def *d = r->actions[i].def;
        unsigned w = atomic_load(&r->actions[i].weight);
        if (d->flags & ACTF_CUSTOM) {
            for (size_t k = 0; k < out->ncustom; k++)
                if (strcmp(out->custom[k].name, d->name) == 0)
                    out->custom[k].weight = w;
        } else if (w != d->weight || config_weight(out, d->list, d->name, d->weight) != w) {
            config_set_weight(out, d->list, d->name, w);
        }
    }
}

int run_apply_config(run *r, const run_config *cfg, bool apply_flags)
{
    int applied = 0;
    for (size_t i = 0; i < r->nactions; i++) {
        const action_def *d = r->actions[i].def;
        unsigned def = d->weight;
        for (size_t k = 0; k < cfg->ncustom; k++)
            if (cfg->custom[k].list == d->list && strcmp(cfg->custom[k].name, d->name) == 0)
                def = cfg->custom[k].weight;
        unsigned w = config_weight(cfg, d->list, d->name, def);
        if (w != atomic_load(&r->actions[i].weight)) {
            run_set_weight(r, i, w);
            applied++;
        }
    }
    for (int k = 0; k < OBJ_KIND_COUNT; k++) {
        int lim[OBJ_KIND_COUNT];
        catalog_counts(r->cat, NULL, lim);
        if (lim[k] != cfg->limits[k]) {
            catalog_set_limit(r->cat, (obj_kind)k, cfg->limits[k]);
            applied++;
        }
    }
    if (apply_flags)
        for (size_t i = 0; i < cfg->nflags; i++) {
            if (!cfg->flags[i].nvalues)
                continue;
            char *msg = NULL;
            if (run_set_flag(r, cfg->flags[i].name, cfg->flags[i].values[0], &msg))
                applied++;
            free(msg);
        }
    return applied;
}
