/* wl_fsm.c - the fsm workload: state machines written in YAML (fsm.h),
 * run by the engine like every other workload (core/engine/workload.h).
 * Its per-run context is the plan (fsm_plan.h: the threads and rows);
 * each thread keeps the state it is in (shown in the thread panel), its
 * variables per workload and its last statements, and draws its next row
 * among the transitions of its state by their live weights.
 *
 * Serial mode runs the workloads one after another, each with its own
 * setup and teardown (the last thread of a workload to finish runs the
 * next-workload row); parallel mode gives each its own threads at once;
 * composed mode gives every thread a home workload (thread id modulo the
 * workloads), runs every start state once, then with probability mix
 * jumps into another workload's states. Only always-level assertions are
 * checked in composed mode. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sqlbuf.h"
#include "../core/util.h"
#include "fsm_plan.h"
#include "wl_util.h"

typedef struct fsm_thread {
    fsm_plan *c;
    int id;
    size_t home;           /* its workload (parallel), home workload (composed) */
    int tid;               /* its number within its workload */
    size_t wi;             /* the workload of the state it is in */
    int state;             /* -1: not started */
    int64_t done;          /* states run */
    size_t starts_left;    /* composed: start states still to run */
    int phase;             /* serial: the phase its data is for (-1 none) */
    bool finished;         /* serial: counted in c->finished */
    fsm_data *data;        /* per workload */
    char *recent[FSM_RECENT];
    int recent_next;
} fsm_thread;

static const char *const IDLE_LABEL = "-";

static act_result fsm_row_run(actx *a);

static void fsm_close(void *ctx)
{
    fsm_plan_free(ctx);
}

static bool fsm_open(const workload_def *d, const run_config *cfg, void **ctx, wl_run_info *info,
                     char **err)
{
    (void)d;
    if (!cfg->fsm_source) {
        *err = xstrdup("the fsm workload runs the fsm: section of a profile: give one with "
                       "--profile FILE");
        return false;
    }
    fsm_plan *c = fsm_plan_new(cfg->fsm_source, cfg->threads, fsm_row_run, err);
    if (!c)
        return false;
    *ctx = c;
    *info = (wl_run_info){.rows = c->rows, .nrows = c->nrows, .variant = c->variant,
                          .label_title = "FSM STATE", .schemas = c->schemas,
                          .nschemas = c->set->n};
    return true;
}

/* ---- threads ---- */

static void thread_data_free(fsm_thread *t)
{
    for (size_t i = 0; t->data && i < t->c->set->n; i++)
        fsm_data_free(&t->data[i]);
    free(t->data);
    t->data = NULL;
}

/* Gives t fresh data for workload wi (its tid among threads). */
static void thread_data_for(fsm_thread *t, size_t wi)
{
    const fsm_plan *c = t->c;
    if (!t->data)
        t->data = xcalloc(c->set->n, sizeof *t->data);
    fsm_data_free(&t->data[wi]);
    fsm_data_init(&t->data[wi], &c->set->w[wi], t->tid, fsm_plan_threads(c, wi));
}

static void *fsm_thread_open(void *ctx, int id, wl_thread_info *info)
{
    fsm_plan *c = ctx;
    fsm_thread *t = xcalloc(1, sizeof *t);
    t->c = c;
    t->id = id;
    t->state = -1;
    t->phase = -1;
    info->label = IDLE_LABEL;
    if (id < 0 || id >= c->total_threads)
        return t;
    const fsm_set *s = c->set;
    if (s->mode == FSM_PARALLEL) {
        int base = 0;
        while (id >= base + c->threads[t->home])
            base += c->threads[t->home++];
        t->tid = id - base;
        thread_data_for(t, t->home);
    } else if (s->mode == FSM_COMPOSED) {
        t->home = (size_t)id % s->n;
        t->tid = id;
        t->starts_left = s->n;
        for (size_t i = 0; i < s->n; i++)
            thread_data_for(t, i);
    } else {
        t->tid = id;
    }
    t->wi = t->home;
    info->label = c->labels[fsm_plan_flat(c, t->home, s->w[t->home].start)];
    return t;
}

static void fsm_thread_close(void *ctx, void *thread)
{
    (void)ctx;
    fsm_thread *t = thread;
    if (!t)
        return;
    thread_data_free(t);
    for (int i = 0; i < FSM_RECENT; i++)
        free(t->recent[i]);
    free(t);
}

/* ---- choosing the next row ---- */

/* The row that runs state to of workload wi next; records the move. */
static int enter(actx *a, fsm_thread *t, int row)
{
    if (row < 0)
        return row;
    const fsm_row *r = &t->c->row_data[row];
    if (r->kind == ROW_STATE) {
        t->wi = r->wi;
        t->state = r->to;
        t->done++;
        ax_set_label(a, t->c->labels[fsm_plan_flat(t->c, r->wi, r->to)]);
    }
    return row;
}

/* Draws among the transitions of the state t is in. */
static int draw_transition(actx *a, fsm_thread *t)
{
    const fsm_plan *c = t->c;
    const fsm_state *s = &c->set->w[t->wi].states[t->state];
    size_t first = c->first_trans[fsm_plan_flat(c, t->wi, t->state)];
    size_t rows[s->nnext ? s->nnext : 1];
    for (size_t i = 0; i < s->nnext; i++)
        rows[i] = first + i;
    return ax_draw(a, rows, s->nnext);
}

static int next_parallel(actx *a, fsm_thread *t)
{
    const fsm_workload *w = &t->c->set->w[t->home];
    if (t->state < 0)
        return enter(a, t, (int)t->c->start_row[t->home]);
    if (t->done >= w->iterations)
        return WL_NEXT_END;
    return enter(a, t, draw_transition(a, t));
}

static int next_composed(actx *a, fsm_thread *t)
{
    fsm_plan *c = t->c;
    const fsm_set *s = c->set;
    if (t->starts_left) {
        /* its home workload's start state first, then the others' */
        size_t wi = (t->home + s->n - t->starts_left) % s->n;
        t->starts_left--;
        return enter(a, t, (int)c->start_row[wi]);
    }
    if (t->done >= s->w[t->home].iterations + (int64_t)s->n - 1)
        return WL_NEXT_END;
    if (s->n > 1 && rng_chance(a->rng, s->mix)) {
        int row = ax_draw(a, c->jumps[t->wi], c->njumps[t->wi]);
        if (row >= 0)
            return enter(a, t, row);
    }
    return enter(a, t, draw_transition(a, t));
}

static int next_serial(actx *a, fsm_thread *t)
{
    fsm_plan *c = t->c;
    int phase = atomic_load(&c->phase);
    if (phase >= (int)c->set->n)
        return WL_NEXT_END;
    if (t->id >= c->threads[phase]) {
        ax_set_label(a, IDLE_LABEL);
        return WL_NEXT_WAIT; /* this workload needs fewer threads */
    }
    if (t->phase != phase) {
        t->phase = phase;
        t->home = t->wi = (size_t)phase;
        t->state = -1;
        t->done = 0;
        t->finished = false;
        thread_data_for(t, t->home);
    }
    if (t->state < 0)
        return enter(a, t, (int)c->start_row[t->home]);
    if (t->done < c->set->w[t->home].iterations)
        return enter(a, t, draw_transition(a, t));
    if (t->finished)
        return WL_NEXT_WAIT;
    /* done: the last thread of the phase to finish moves the run on */
    pthread_mutex_lock(&c->mu);
    t->finished = true;
    bool last = ++c->finished == c->threads[phase];
    pthread_mutex_unlock(&c->mu);
    ax_set_label(a, IDLE_LABEL);
    if (!last)
        return WL_NEXT_WAIT;
    if (c->set->n == 1) {
        atomic_store(&c->phase, phase + 1);
        return WL_NEXT_END;
    }
    return (int)c->next_workload_row;
}

static int fsm_next(actx *a)
{
    fsm_thread *t = a->thread;
    if (t->id < 0 || t->id >= t->c->total_threads)
        return WL_NEXT_END;
    switch (t->c->set->mode) {
    case FSM_PARALLEL:
        return next_parallel(a, t);
    case FSM_COMPOSED:
        return next_composed(a, t);
    case FSM_SERIAL:
        break;
    }
    return next_serial(a, t);
}

/* ---- running a row ---- */

typedef struct assert_ctx {
    actx *a;
    fsm_thread *t;
} assert_ctx;

/* Keeps the thread's last statements, for failed assertions. */
static void on_statement(void *arg, const char *line)
{
    fsm_thread *t = ((assert_ctx *)arg)->t;
    free(t->recent[t->recent_next]);
    t->recent[t->recent_next] = xstrdup(line);
    t->recent_next = (t->recent_next + 1) % FSM_RECENT;
}

static void on_assert(void *arg, const fsm_assertion *f)
{
    assert_ctx *x = arg;
    fsm_thread *t = x->t;
    const fsm_step *st = &f->state->steps[f->step];
    char where[160];
    snprintf(where, sizeof where, "%s.%s step %zu", f->w->name, f->state->name, f->step + 1);
    assertion as = {.name = f->check ? f->check->name : NULL, .where = where,
                    .passed = f->held, .expected = f->expected, .got = f->got};
    if (f->held) {
        ax_assert(x->a, &as);
        return;
    }
    sqlbuf b = SQLBUF_INIT;
    sb_printf(&b, "thread %d (tid %d of %s, iteration %lld), state %s, step %zu (%s:%u)\n",
              t->id, t->tid, f->w->name, (long long)t->done, f->state->name, f->step + 1,
              f->w->path, st->line);
    sb_printf(&b, "expected: %s\ngot:      %s\nlevel:    %s\nlast statements, oldest first:",
              f->expected, f->got, fsm_level_name(f->check ? f->check->level : FSM_ALWAYS));
    for (int i = 0; i < FSM_RECENT; i++) {
        const char *s = t->recent[(t->recent_next + i) % FSM_RECENT];
        if (s)
            sb_printf(&b, "\n  %s", s);
    }
    as.detail = sb_str(&b);
    ax_assert(x->a, &as);
    sb_free(&b);
}

static act_result next_workload(actx *a)
{
    fsm_plan *c = a->wl;
    int phase = atomic_load(&c->phase);
    bool ok = fsm_run_teardown(a, &c->set->w[phase], c->threads[phase]);
    if (ok && phase + 1 < (int)c->set->n)
        ok = fsm_run_setup(a, &c->set->w[phase + 1], c->threads[phase + 1]);
    pthread_mutex_lock(&c->mu);
    c->finished = 0;
    pthread_mutex_unlock(&c->mu);
    atomic_store(&c->phase, phase + 1);
    return ok ? ACT_OK : ACT_FAIL;
}

static act_result fsm_row_run(actx *a)
{
    fsm_thread *t = a->thread;
    const fsm_row *r = a->action->data;
    if (r->kind == ROW_NEXT_WORKLOAD)
        return next_workload(a);
    assert_ctx x = {a, t};
    fsm_observer obs = {on_assert, on_statement, &x};
    fsm_data *d = &t->data[r->wi];
    free(d->vals[FSM_VAR_ITERATION]);
    d->vals[FSM_VAR_ITERATION] = xasprintf("%lld", (long long)(t->done - 1));
    return fsm_run_state(a, &t->c->set->w[r->wi], (size_t)r->to, d, t->c->max_level, &obs);
}

/* ---- setup and final ---- */

static bool fsm_setup(actx *a)
{
    fsm_plan *c = a->wl;
    atomic_store(&c->phase, 0);
    c->finished = 0;
    size_t n = c->set->mode == FSM_SERIAL ? 1 : c->set->n;
    for (size_t i = 0; i < n; i++)
        if (!fsm_run_setup(a, &c->set->w[i], fsm_plan_threads(c, i)))
            return false;
    return true;
}

static bool fsm_final(actx *a)
{
    fsm_plan *c = a->wl;
    if (c->set->mode == FSM_SERIAL) {
        int phase = atomic_load(&c->phase);
        return phase >= (int)c->set->n || fsm_run_teardown(a, &c->set->w[phase], c->threads[phase]);
    }
    bool ok = true;
    for (size_t i = 0; i < c->set->n; i++)
        ok &= fsm_run_teardown(a, &c->set->w[i], fsm_plan_threads(c, i));
    return ok;
}

static bool fsm_settings_row(const run_config *cfg, action_list list, const char *name)
{
    return cfg->fsm_source && list == LIST_DML_NONTRANS && fsm_plan_has_row(cfg->fsm_source, name);
}

/* Checks the section; the run reads it again from the file, so the
 * settings keep the file it stands for (an absolute path: written
 * profiles refer to it). */
static bool fsm_load_section(void *doc, void *node, const char *path, run_config *cfg, char **err)
{
    char *source = fsm_section_source(doc, node, path);
    free(cfg->fsm_source);
    cfg->fsm_source = NULL;
    if (!source)
        return true; /* {}: no FSM workloads */
    fsm_set *s = fsm_load_node(doc, node, path, err);
    if (!s) {
        free(source);
        return false;
    }
    fsm_set_free(s);
    char *abs = realpath(source, NULL);
    cfg->fsm_source = abs ? abs : xstrdup(source);
    free(source);
    return true;
}

const workload_def wl_fsm = {
    .name = "fsm",
    .summary = "state machines from the profile's fsm: section, with assertions (YAML)",
    .known_rows = NULL,
    .section = "fsm",
    .load_section = fsm_load_section,
    .settings_row = fsm_settings_row,
    .open = fsm_open,
    .close = fsm_close,
    .thread_open = fsm_thread_open,
    .thread_close = fsm_thread_close,
    .next = fsm_next,
    .setup = fsm_setup,
    .final = fsm_final,
};
