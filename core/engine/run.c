/* run.c - a run's lifecycle and the records workers add to it. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lockwatch.h"
#include "tablewatch.h"
#include "run_internal.h"
#include "../util.h"
#include "../config/settings.h"

_Static_assert(MAX_THREADS <= MAX_WORKERS, "a run has a worker slot for every thread");

#define EVENT_RING_SIZE 2048
#define FINDINGS_KEPT 1000

double run_elapsed(const run *r)
{
    uint64_t end = atomic_load(&r->end_us);
    return (double)((end ? end : now_us()) - r->start_us) / 1e6;
}

double run_elapsed_s(const run *r)
{
    return r->start_us ? run_elapsed(r) : 0;
}

/* Returns true when w declares every parameter cfg sets; otherwise sets
 * *err naming the first stranger and the parameters w has. */
static bool params_known(const workload_def *w, const run_config *cfg, char **err)
{
    for (size_t i = 0; i < cfg->nparams; i++) {
        if (workload_param(w, cfg->params[i].name))
            continue;
        if (!w->nparams) {
            *err = xasprintf("the %s workload takes no parameters ('%s' given)", w->name,
                             cfg->params[i].name);
            return false;
        }
        sqlbuf b = SQLBUF_INIT;
        for (size_t k = 0; k < w->nparams; k++)
            sb_printf(&b, "%s%s", k ? ", " : "", w->params[k].name);
        *err = xasprintf("workload %s has no parameter '%s' (it has: %s)", w->name,
                         cfg->params[i].name, sb_str(&b));
        sb_free(&b);
        return false;
    }
    return true;
}

/* Builds the run's action table from the workload's rows and the config's
 * weights. Returns false with *err when the config names unknown actions. */
static bool build_actions(run *r, char **err)
{
    r->nactions = r->wli.nrows;
    r->actions = xcalloc(r->nactions ? r->nactions : 1, sizeof *r->actions);
    for (size_t i = 0; i < r->nactions; i++) {
        const action_def *d = &r->wli.rows[i];
        run_action *a = &r->actions[i];
        a->def = d;
        a->label = xasprintf("%s.%s", action_list_name(d->list), d->name);
        atomic_init(&a->weight, config_weight(&r->cfg, d->list, d->name, d->weight));
    }
    for (size_t i = 0; i < r->cfg.nweights; i++) {
        const weight_setting *ws = &r->cfg.weights[i];
        bool found = false;
        for (size_t j = 0; j < r->nactions && !found; j++)
            found = r->actions[j].def->list == ws->list &&
                    strcmp(r->actions[j].def->name, ws->action) == 0;
        if (!found) {
            *err = xasprintf("unknown action '%s' in list '%s' (weights)", ws->action,
                             action_list_name(ws->list));
            return false;
        }
    }
    return true;
}

/* Finds the run's workload and opens it. Returns false with *err. */
static bool open_workload(run *r, char **err)
{
    const char *wname = r->cfg.workload ? r->cfg.workload : "chaos";
    r->wl = workload_find(wname);
    if (!r->wl) {
        *err = xasprintf("unknown workload '%s'", wname);
        return false;
    }
    if (!params_known(r->wl, &r->cfg, err))
        return false;
    if (!r->wl->open(r->wl, &r->cfg, &r->wl_ctx, &r->wli, err))
        return false;
    r->wl_open = true;
    r->ddl_running = r->wli.objects_change;
    if (r->wli.checker) {
        r->rec = recorder_new(r->wli.checker, &r->cfg, err);
        if (!r->rec)
            return false;
    }
    return true;
}

bool run_cancels_drawable(run *r)
{
    for (size_t i = 0; i < r->nactions; i++)
        if ((r->actions[i].def->flags & ACTF_CANCELS) && atomic_load(&r->actions[i].weight))
            return true;
    return false;
}

static void build_profile_rules(run *r)
{
    r->profile_rules = xcalloc(r->cfg.nexpected + 1, sizeof *r->profile_rules);
    for (size_t i = 0; i < r->cfg.nexpected; i++) {
        const owned_rule *o = &r->cfg.expected[i];
        r->profile_rules[i] = (error_rule){o->sqlstate && *o->sqlstate ? o->sqlstate : NULL,
                                           o->message && *o->message ? o->message : NULL,
                                           o->cls, WHEN_ALWAYS};
    }
}

run *run_new(const run_config *cfg, char **err)
{
    run *r = xcalloc(1, sizeof *r);
    hold_gate_init(&r->gate);
    config_copy(&r->cfg, cfg);
    r->start_us = now_us();
    pthread_mutex_init(&r->workers_mu, NULL);
    pthread_mutex_init(&r->control_mu, NULL);
    pthread_mutex_init(&r->log_mu, NULL);
    pthread_mutex_init(&r->faults.mu, NULL);
    pthread_mutex_init(&r->fatal_mu, NULL);
    if (settings_check(&r->cfg, err) != 0) {
        run_free(r);
        return NULL;
    }
    atomic_init(&r->next_process, MAX_WORKERS);
    r->cat = catalog_new(r->cfg.limits, r->cfg.minimums);
    if (!open_workload(r, err) || !build_actions(r, err)) {
        run_free(r);
        return NULL;
    }
    atomic_store(&r->cancels_enabled, run_cancels_drawable(r));
    build_profile_rules(r);
    r->events = events_new(EVENT_RING_SIZE);
    r->findings = findings_new(FINDINGS_KEPT);
    r->asserts = assert_table_new();
    if (r->cfg.log_path && *r->cfg.log_path) {
        r->log = fopen(r->cfg.log_path, "w");
        if (!r->log) {
            *err = xasprintf("cannot write the statement log %s: %s", r->cfg.log_path,
                             strerror(errno));
            run_free(r);
            return NULL;
        }
    }
    if (r->cfg.report_dir && *r->cfg.report_dir &&
        !(r->metrics = metrics_open(r->cfg.report_dir, err))) {
        run_free(r);
        return NULL;
    }
    return r;
}

/* Builds "host=... port=... dbname=... user=..." from a live connection:
 * what people see, never the password. */
static char *describe_target(PGconn *c)
{
    const char *host = PQhost(c);
    return xasprintf("host=%s port=%s dbname=%s user=%s", host && *host ? host : "localhost",
                     PQport(c), PQdb(c), PQuser(c));
}

/* True when a setup error says the server cannot be used as told: the
 * connection failed, or the role may not log in or do what setup does. */
static bool refused_service(const err_facts *e)
{
    static const char *const STATES[] = {"08", "28", "3D000", "42501"};
    for (size_t i = 0; i < ARRAY_LEN(STATES); i++)
        if (strncmp(e->sqlstate, STATES[i], strlen(STATES[i])) == 0)
            return true;
    return false;
}

/* Runs the workload's setup (the chaos catalog, a workload's tables).
 * Returns SETUP_DONE; SETUP_REFUSED with *err set when the server cannot
 * be reached or refuses the role (exit 2, as for a bad profile); or
 * SETUP_FOUND when a statement failed otherwise: its error is classified
 * like any other (nothing runs beside the setup, so what would be
 * expected under concurrency is not) and recorded as a finding. */
enum { SETUP_DONE, SETUP_REFUSED, SETUP_FOUND };
static int setup_workload(run *r, char **err)
{
    worker *w = worker_new(r, -1);
    int result = SETUP_DONE;
    if (!worker_connect(w)) {
        /* A session the server will not run at the run's level. */
        const char *fatal = run_fatal_error(r);
        *err = fatal ? xstrdup(fatal)
                     : xasprintf("cannot connect to the server: %s", w->connect_err);
        result = SETUP_REFUSED;
    } else if (!r->wl->setup(&w->ax)) {
        if (refused_service(&w->err)) {
            *err = xasprintf("setting up the %s workload failed: %s%s%s%s", r->wl->name,
                             w->err.message ? w->err.message : PQerrorMessage(w->conn),
                             w->err.sql ? " (SQL: " : "", w->err.sql ? w->err.sql : "",
                             w->err.sql ? ")" : "");
            result = SETUP_REFUSED;
        } else {
            err_class cls = errclass_classify(&w->err, NULL, r->profile_rules, 0);
            run_note_failure(r, w, "setup", cls > EC_FAULT ? cls : EC_UNEXPECTED);
            result = SETUP_FOUND;
        }
    }
    worker_free(w);
    return result;
}

int run_add_worker(run *r)
{
    pthread_mutex_lock(&r->workers_mu);
    int id = atomic_load(&r->nworkers);
    if (id >= MAX_WORKERS) {
        pthread_mutex_unlock(&r->workers_mu);
        return -1;
    }
    worker *w = worker_new(r, id);
    r->workers[id] = w;
    atomic_store(&r->nworkers, id + 1);
    pthread_mutex_unlock(&r->workers_mu);
    return worker_start(w);
}

int run_start(run *r, const char *conninfo, char **err)
{
    free(r->conninfo);
    r->conninfo = xstrdup(conninfo ? conninfo : "");
    r->control = PQconnectdb(r->conninfo);
    if (PQstatus(r->control) != CONNECTION_OK) {
        const char *m = PQerrorMessage(r->control);
        *err = xasprintf("cannot connect to the server: %s", m && *m ? m : "unknown error");
        return -1;
    }
    worker_quiet_notices(r->control);
    r->target = describe_target(r->control);
    const char *v = PQparameterStatus(r->control, "server_version");
    r->server_version = xstrdup(v ? v : "?");
    PQclear(PQexec(r->control, "SET application_name = 'melee-control'"));
    int setup = setup_workload(r, err);
    if (setup == SETUP_REFUSED)
        return -1;
    if (setup == SETUP_FOUND) {
        run_stop(r); /* the setup's error is the run's outcome: no worker starts */
        return 0;
    }
    r->start_us = now_us();
    if (r->rec)
        recorder_start(r->rec, r->wli.check_interval_s);
    for (int i = 0; i < r->cfg.threads; i++)
        if (run_add_worker(r) != 0) {
            *err = xasprintf("cannot start worker thread %d", i);
            run_stop(r);
            return -1;
        }
    r->lockwatch = lockwatch_start(r, r->conninfo);
    metrics_start(r->metrics, r);
    return 0;
}

bool run_watch_tables(run *r)
{
    if (!r->wli.nschemas || atomic_load(&r->tablewatch))
        return atomic_load(&r->tablewatch) != NULL;
    atomic_store(&r->tablewatch,
                 tablewatch_start(r, r->conninfo, r->wli.schemas, r->wli.nschemas));
    return atomic_load(&r->tablewatch) != NULL;
}

void run_stop(run *r)
{
    if (!atomic_exchange(&r->stop, true))
        atomic_store(&r->end_us, now_us());
    hold_gate_wake(&r->gate);
}

bool run_should_stop(run *r)
{
    if (atomic_load(&r->stop))
        return true;
    if (r->cfg.duration_s > 0 && run_elapsed(r) >= r->cfg.duration_s) {
        run_stop(r);
        return true;
    }
    return false;
}

bool run_has_final_reads(run *r)
{
    return r->wl && r->wl->final && r->control;
}

/* Runs the workload's final step (reads after quiescence) on a fresh
 * connection once the workers are gone. */
static void run_final_step(run *r)
{
    if (!r->wl->final || !r->control)
        return;
    worker *w = worker_new(r, -1);
    w->process = atomic_fetch_add(&r->next_process, 1);
    atomic_store(&r->stop, false); /* let the final statements run */
    if (worker_connect(w) && !r->wl->final(&w->ax))
        run_push_event(r, w, EC_NONE, "final", w->err.sqlstate, w->err.message, NULL, w->err.sql);
    atomic_store(&r->stop, true);
    worker_free(w);
}

void run_join(run *r)
{
    run_stop(r);
    int n = atomic_load(&r->nworkers);
    bool joined = false;
    for (int i = 0; i < n; i++)
        if (r->workers[i]->started) {
            pthread_join(r->workers[i]->thread, NULL);
            r->workers[i]->started = false;
            joined = true;
        }
    if (joined)
        run_final_step(r);
    if (joined && r->rec)
        recorder_finish(r->rec);
    metrics_stop(r->metrics);
    poller_stop(r->lockwatch);
    r->lockwatch = NULL;
    tablewatch_stop(atomic_exchange(&r->tablewatch, NULL));
    if (r->slog) {
        serverlog_stop(r->slog);
        r->slog = NULL;
    }
}

void run_free(run *r)
{
    if (!r)
        return;
    run_join(r);
    for (int i = 0; i < atomic_load(&r->nworkers); i++)
        worker_free(r->workers[i]);
    for (size_t i = 0; i < r->nactions; i++)
        free(r->actions[i].label);
    free(r->actions);
    recorder_free(r->rec);
    if (r->wl_open && r->wl->close)
        r->wl->close(r->wl_ctx);
    free(r->profile_rules);
    catalog_free(r->cat);
    events_free(r->events);
    findings_free(r->findings);
    assert_table_free(r->asserts);
    metrics_free(r->metrics);
    free(r->faults.v);
    if (r->control)
        PQfinish(r->control);
    if (r->log)
        fclose(r->log);
    free(r->conninfo);
    free(r->worker_conninfo);
    json_object_put(r->server_settings);
    free(r->server_settings_line);
    free(r->target);
    free(r->server_version);
    free(r->fatal);
    pthread_mutex_destroy(&r->fatal_mu);
    config_free(&r->cfg);
    hold_gate_destroy(&r->gate);
    free(r);
}

void run_fatal(run *r, const char *msg)
{
    pthread_mutex_lock(&r->fatal_mu);
    if (!r->fatal)
        r->fatal = xstrdup(msg);
    pthread_mutex_unlock(&r->fatal_mu);
    run_push_event(r, NULL, EC_NONE, "engine", "", msg, NULL, NULL);
    run_stop(r);
}

const char *run_fatal_error(run *r)
{
    pthread_mutex_lock(&r->fatal_mu);
    const char *m = r->fatal;
    pthread_mutex_unlock(&r->fatal_mu);
    return m;
}

void run_note_thread_end(run *r)
{
    pthread_mutex_lock(&r->workers_mu);
    int n = atomic_load(&r->nworkers);
    bool all = true;
    for (int k = 0; k < n && all; k++)
        all = atomic_load(&r->workers[k]->retired) || atomic_load(&r->workers[k]->ended);
    pthread_mutex_unlock(&r->workers_mu);
    if (all)
        run_stop(r);
}

/* Pushes an event; routine ones are kept apart from the notable. */
static void push_event(run *r, worker *w, err_class cls, const char *action,
                       const char *sqlstate, const char *message, const char *detail,
                       const char *sql, bool routine)
{
    run_event ev = {.t = run_elapsed(r), .thread = w ? w->id : -1, .cls = cls,
                    .message = (char *)message, .detail = (char *)detail, .sql = (char *)sql,
                    .routine = routine};
    snprintf(ev.action, sizeof ev.action, "%s", action ? action : "");
    snprintf(ev.sqlstate, sizeof ev.sqlstate, "%s", sqlstate ? sqlstate : "");
    if (w)
        ev.hint = w->err.hint;
    events_push(r->events, &ev);
}

void run_push_event(run *r, worker *w, err_class cls, const char *action, const char *sqlstate,
                    const char *message, const char *detail, const char *sql)
{
    push_event(r, w, cls, action, sqlstate, message, detail, sql, false);
}

void run_push_routine(run *r, worker *w, const char *action, const char *message)
{
    push_event(r, w, EC_NONE, action, "", message, NULL, NULL, true);
}

void run_note_failure(run *r, worker *w, const char *label, err_class cls)
{
    const err_facts *e = &w->err;
    const char *msg = e->message ? e->message : "the action failed without an error";
    run_push_event(r, w, cls, label, e->sqlstate, msg, e->detail, e->sql);
    if (cls == EC_IGNORED) {
        findings_add_ignored(r->findings, e->sqlstate, msg);
        return;
    }
    if (cls == EC_FAULT) {
        atomic_fetch_add(&r->faulted, 1);
        return;
    }
    if (cls == EC_CRASH)
        atomic_fetch_add(&r->crashes, 1);
    finding f = {.cls = cls, .thread = w->id, .action = (char *)label, .message = (char *)msg,
                 .detail = e->detail, .hint = e->hint, .sql = e->sql, .time_s = run_elapsed(r)};
    snprintf(f.sqlstate, sizeof f.sqlstate, "%s", e->sqlstate);
    findings_add(r->findings, &f);
    if (r->log) {
        pthread_mutex_lock(&r->log_mu);
        fprintf(r->log, "%.3f w%d %s %s %s: %s\n", f.time_s, w->id, label, err_class_name(cls),
                e->sqlstate, msg);
        fflush(r->log);
        pthread_mutex_unlock(&r->log_mu);
    }
}

void run_log_statement(run *r, worker *w, const char *sql, int nparams,
                       const char *const *params, err_class cls, const char *sqlstate,
                       uint64_t latency_us)
{
    if (!r->log)
        return;
    sqlbuf line = SQLBUF_INIT;
    sb_statement_line(&line, sql, nparams, params);
    pthread_mutex_lock(&r->log_mu);
    fprintf(r->log, "%.3f w%d %s %.3fms ", run_elapsed(r), w->id,
            cls == EC_NONE ? "ok" : "error", (double)latency_us / 1000.0);
    if (cls != EC_NONE)
        fprintf(r->log, "%s ", sqlstate && *sqlstate ? sqlstate : "-----");
    fputs(sb_str(&line), r->log);
    fputc('\n', r->log);
    pthread_mutex_unlock(&r->log_mu);
    sb_free(&line);
}

/* A crash line of the server log: shown; the line that starts a crash
 * is counted and kept, the restart lines after it are the same crash. */
static void on_crash_line(void *arg, const char *line, bool starts_crash)
{
    run *r = arg;
    run_push_event(r, NULL, EC_CRASH, "server", "", line, NULL, NULL);
    if (!starts_crash)
        return;
    atomic_fetch_add(&r->crashes, 1);
    finding f = {.cls = EC_CRASH, .thread = -1, .action = "server log", .message = (char *)line,
                 .time_s = run_elapsed(r)};
    findings_add(r->findings, &f);
}

bool run_watch_server_log(run *r, const char *path)
{
    r->slog = serverlog_start(path, on_crash_line, r);
    return r->slog != NULL;
}

const char *run_target(run *r)
{
    return r->target ? r->target : r->conninfo;
}

const char *run_server_version(run *r)
{
    return r->server_version ? r->server_version : "?";
}

const run_config *run_get_config(run *r)
{
    return &r->cfg;
}
