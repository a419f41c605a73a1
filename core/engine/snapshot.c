/* snapshot.c - consistent copies of a run's state for front-ends. */
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"
#include "tablewatch.h"
#include "../util.h"

worker_state worker_shown_state(worker *w)
{
    worker_state s = (worker_state)atomic_load(&w->state);
    if ((s == WS_RUNNING && atomic_load(&w->lock_wait)) || atomic_load(&w->catalog_wait))
        s = WS_WAITING;
    return s;
}

static void snap_thread(worker *w, thread_snap *t, uint64_t now)
{
    t->id = w->id;
    const char *label = atomic_load(&w->label);
    snprintf(t->label, sizeof t->label, "%s", label ? label : "-");
    t->state = worker_shown_state(w);
    t->action = atomic_load(&w->action);
    uint64_t started = atomic_load(&w->action_start_us);
    t->action_s = t->action >= 0 && now > started ? (double)(now - started) / 1e6 : 0;
    t->ok = atomic_load(&w->ok);
    t->ignored = atomic_load(&w->ignored);
    t->unexpected = atomic_load(&w->unexpected);
    t->skipped = atomic_load(&w->skipped);
    t->last_latency_us = atomic_load(&w->last_latency_us);
    t->pid = atomic_load(&w->pid);
    t->paused = atomic_load(&w->pause_req);
    t->freeze = atomic_load(&w->freeze_req);
    uint64_t frozen_at = atomic_load(&w->frozen_at_us);
    t->frozen_s = frozen_at && now > frozen_at ? (double)(now - frozen_at) / 1e6 : 0;
    pthread_mutex_lock(&w->slot_mu);
    snprintf(t->sql, sizeof t->sql, "%s", w->cur_sql ? w->cur_sql : "");
    pthread_mutex_unlock(&w->slot_mu);
    for (char *p = t->sql; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r')
            *p = ' ';
}

static void snap_actions(run *r, run_snapshot *s)
{
    s->nactions = r->nactions;
    s->actions = xcalloc(r->nactions ? r->nactions : 1, sizeof *s->actions);
    for (size_t i = 0; i < r->nactions; i++) {
        run_action *a = &r->actions[i];
        action_snap *x = &s->actions[i];
        x->name = a->label;
        x->list = a->def->list;
        x->weight = atomic_load(&a->weight);
        x->ok = atomic_load(&a->ok);
        x->ignored = atomic_load(&a->ignored);
        x->unexpected = atomic_load(&a->unexpected);
        x->skipped = atomic_load(&a->skipped);
        x->p50_us = hist_quantile(&a->latency, 0.50);
        x->p99_us = hist_quantile(&a->latency, 0.99);
        x->max_us = hist_max(&a->latency);
        s->totals.ok += x->ok;
        s->totals.ignored += x->ignored;
        s->totals.unexpected += x->unexpected;
        s->totals.skipped += x->skipped;
    }
    s->totals.ops = s->totals.ok + s->totals.ignored + s->totals.unexpected;
}

/* Copies the faults: all of them, or the active ones and the newest
 * SNAP_FAULTS_PAST past ones, in the order they began. */
static void snap_faults(run *r, run_snapshot *s, bool all)
{
    fault_list *f = &r->faults;
    pthread_mutex_lock(&f->mu);
    while (f->first_open < f->n && f->v[f->first_open].end_us)
        f->first_open++;
    size_t recent = all || f->n < SNAP_FAULTS_PAST ? 0 : f->n - SNAP_FAULTS_PAST;
    size_t from = all ? 0 : MIN(f->first_open, recent);
    s->faults_total = f->n;
    s->faults = xcalloc(f->n - from ? f->n - from : 1, sizeof *s->faults);
    for (size_t i = from; i < f->n; i++)
        if (i >= recent || !f->v[i].end_us)
            s->faults[s->nfaults++] = f->v[i].snap;
    pthread_mutex_unlock(&f->mu);
    unsigned cancel = 0, terminate = 0;
    for (size_t i = 0; i < r->nactions; i++) {
        const action_def *d = r->actions[i].def;
        if (!(d->flags & ACTF_CANCELS))
            continue;
        unsigned w = atomic_load(&r->actions[i].weight);
        if (strcmp(d->name, "terminate") == 0)
            terminate += w;
        else
            cancel += w;
    }
    if (cancel || terminate)
        snprintf(s->fault_next, sizeof s->fault_next,
                 "cancel (weight %u) and terminate (weight %u) drawn by workers", cancel,
                 terminate);
    else
        snprintf(s->fault_next, sizeof s->fault_next, "none scheduled");
}

static run_snapshot *take(run *r, const uint64_t *events_after, bool all_faults)
{
    run_snapshot *s = xcalloc(1, sizeof *s);
    uint64_t now = now_us();
    snprintf(s->workload, sizeof s->workload, "%s%s%s", r->wl->name, r->wli.variant ? "/" : "",
             r->wli.variant ? r->wli.variant : "");
    snprintf(s->label_title, sizeof s->label_title, "%s",
             r->wli.label_title ? r->wli.label_title : "");
    s->elapsed_s = run_elapsed_s(r);
    s->duration_s = r->cfg.duration_s;
    s->seed = r->cfg.seed;
    s->finished = atomic_load(&r->stop);
    int n = atomic_load(&r->nworkers);
    s->threads = xcalloc(n ? (size_t)n : 1, sizeof *s->threads);
    for (int i = 0; i < n; i++) {
        worker *w = r->workers[i];
        if (!atomic_load(&w->retired))
            snap_thread(w, &s->threads[s->nthreads++], now);
    }
    snap_actions(r, s);
    s->totals.crashes = atomic_load(&r->crashes);
    s->totals.hangs = atomic_load(&r->hangs);
    s->totals.faulted = atomic_load(&r->faulted);
    s->totals.statements = atomic_load(&r->statements);
    assert_table_totals(r->asserts, &s->totals.asserts_passed, &s->totals.asserts_failed);
    s->nasserts = assert_table_rows(r->asserts, &s->asserts);
    tablewatch *tw = atomic_load(&r->tablewatch);
    if (tw) {
        s->tables_watched = true;
        s->ntables = tablewatch_read(tw, &s->tables, s->tables_note, sizeof s->tables_note);
    }
    catalog_counts(r->cat, s->counts, s->limits);
    if (events_after)
        s->nevents = events_since(r->events, *events_after, &s->events, &s->events_missed);
    snap_faults(r, s, all_faults);
    if (r->rec)
        recorder_snapshot(r->rec, &s->check);
    else
        s->check.verdict = -1;
    return s;
}

run_snapshot *run_snapshot_take(run *r, const uint64_t *events_after)
{
    return take(r, events_after, false);
}

run_snapshot *run_snapshot_full(run *r)
{
    return take(r, NULL, true);
}

void run_snapshot_free(run_snapshot *s)
{
    if (!s)
        return;
    free(s->threads);
    free(s->actions);
    events_free_array(s->events, s->nevents);
    free(s->faults);
    check_snap_clear(&s->check);
    assertion_rows_free(s->asserts, s->nasserts);
    free(s->tables);
    free(s);
}

bool run_thread_detail(run *r, int i, thread_detail *d)
{
    memset(d, 0, sizeof *d);
    if (i < 0 || i >= atomic_load(&r->nworkers))
        return false;
    worker *w = r->workers[i];
    pthread_mutex_lock(&w->slot_mu);
    d->current_sql = xstrdup(w->cur_sql ? w->cur_sql : "");
    int start = (w->recent_next - w->nrecent + DETAIL_HISTORY) % DETAIL_HISTORY;
    for (int k = 0; k < w->nrecent; k++) {
        const stmt_record *rec = &w->recent[(start + k) % DETAIL_HISTORY];
        d->history[k].sql = xstrdup(rec->sql);
        d->history[k].cls = rec->cls;
        memcpy(d->history[k].sqlstate, rec->sqlstate, sizeof rec->sqlstate);
        d->history[k].latency_us = rec->latency_us;
    }
    d->nhistory = w->nrecent;
    pthread_mutex_unlock(&w->slot_mu);
    return true;
}

void thread_detail_free(thread_detail *d)
{
    free(d->current_sql);
    for (int k = 0; k < d->nhistory; k++)
        free(d->history[k].sql);
    memset(d, 0, sizeof *d);
}
