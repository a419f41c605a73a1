/* wl_fsm.c - the fsm workload: state machines written in YAML (fsm.h),
 * run by the engine like every other workload (core/engine/workload.h).
 *
 * The run's rows are the machines' transitions ("inc>check"; with several
 * workloads "update_inc.inc>check"), so the weights dialog shows and
 * changes transition weights live. Besides them each workload has a row
 * that runs its start state, composed mode a row per state another
 * workload's threads may jump into ("update_inc.*>check"), and serial
 * mode a row that moves the run on to the next workload. A row runs the
 * state it leads to; the thread remembers which state it is in (shown in
 * the thread panel) and draws its next row among that state's
 * transitions.
 *
 * Threads: a workload's threads: (else the run's) are scaled down, as
 * MongoDB's runner does, when they do not fit in the run's threads;
 * threads left over end at once. Serial mode runs the workloads one after
 * another, each with its own setup and teardown; parallel mode gives each
 * its own threads at once; composed mode gives every thread a home
 * workload (thread id modulo the workloads), runs every start state once,
 * then with probability mix jumps into another workload's states. Only
 * always-level assertions are checked in composed mode. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sqlbuf.h"
#include "../core/util.h"
#include "fsm.h"
#include "wl_util.h"

/* What a row runs. */
typedef enum row_kind { ROW_STATE, ROW_NEXT_WORKLOAD } row_kind;

typedef struct fsm_row {
    row_kind kind;
    size_t wi;   /* the workload */
    int to;      /* the state it runs */
} fsm_row;

typedef struct fsm_run {
    const run_config *cfg;
    fsm_set *set;
    int *threads;          /* per workload, as scaled */
    int total_threads;     /* threads that have work */
    action_def *rows;
    fsm_row *row_data;
    char **row_names;
    size_t nrows;
    size_t *state_base;    /* per workload: index of its first state in the flat arrays */
    size_t *start_row;     /* per workload */
    size_t *first_trans;   /* per flat state: its first transition row */
    size_t **jumps;        /* composed, per workload: rows into the other workloads */
    size_t *njumps;
    size_t next_workload_row;
    char **labels;         /* per flat state */
    char *variant;
    fsm_level max_level;
    /* serial mode */
    pthread_mutex_t mu;
    _Atomic int phase;     /* the workload running; n when all have run */
    int finished;          /* threads of the phase done with their iterations */
} fsm_run;

typedef struct fsm_thread {
    fsm_run *c;
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

static size_t flat(const fsm_run *c, size_t wi, int s)
{
    return c->state_base[wi] + (size_t)s;
}

/* The threads that run workload wi's states: all of them when composed. */
static int threads_of(const fsm_run *c, size_t wi)
{
    return c->set->mode == FSM_COMPOSED ? c->total_threads : c->threads[wi];
}

static const char *const IDLE_LABEL = "-";

/* ---- building the run ---- */

/* Scales the workloads' threads into the run's, at least one each. */
static bool scale_threads(fsm_run *c, char **err)
{
    const fsm_set *s = c->set;
    int avail = MAX(c->cfg->threads, 1), sum = 0;
    c->threads = xcalloc(s->n, sizeof *c->threads);
    for (size_t i = 0; i < s->n; i++) {
        c->threads[i] = MIN(fsm_workload_threads(&s->w[i], avail), avail);
        sum += c->threads[i];
    }
    if (s->mode == FSM_SERIAL) {
        c->total_threads = 0;
        for (size_t i = 0; i < s->n; i++)
            c->total_threads = MAX(c->total_threads, c->threads[i]);
        return true;
    }
    if (s->mode == FSM_COMPOSED) {
        c->total_threads = avail;
        return true;
    }
    if ((int)s->n > avail) {
        *err = xasprintf("fsm: %zu workloads in parallel need at least %zu threads (the run has %d)",
                         s->n, s->n, avail);
        return false;
    }
    if (sum > avail) {
        int left = avail;
        for (size_t i = 0; i < s->n; i++) {
            c->threads[i] = MAX(1, c->threads[i] * avail / sum);
            left -= c->threads[i];
        }
        /* what the rounding left goes to the first workloads */
        for (size_t i = 0; left > 0; i = (i + 1) % s->n, left--)
            c->threads[i]++;
        while (left < 0) /* MAX(1, ...) took more than there is */
            for (size_t i = 0; i < s->n && left < 0; i++)
                if (c->threads[i] > 1) {
                    c->threads[i]--;
                    left++;
                }
    }
    c->total_threads = 0;
    for (size_t i = 0; i < s->n; i++)
        c->total_threads += c->threads[i];
    return true;
}

static act_result fsm_row_run(actx *a);

static size_t add_row(fsm_run *c, fsm_row data, char *name, unsigned weight,
                      const error_rule *expected)
{
    size_t i = c->nrows++;
    c->rows = xrealloc(c->rows, c->nrows * sizeof *c->rows);
    c->row_data = xrealloc(c->row_data, c->nrows * sizeof *c->row_data);
    c->row_names = xrealloc(c->row_names, c->nrows * sizeof *c->row_names);
    c->row_data[i] = data;
    c->row_names[i] = name;
    c->rows[i] = (action_def){name, LIST_DML_NONTRANS, weight, fsm_row_run, expected,
                              ACTF_NONE, NULL};
    return i;
}

/* "name" with one workload, "workload.name" with several. */
static char *qualified(const fsm_run *c, size_t wi, const char *fmt, const char *a, const char *b)
{
    char *s = xasprintf(fmt, a, b);
    if (c->set->n == 1)
        return s;
    char *q = xasprintf("%s.%s", c->set->w[wi].name, s);
    free(s);
    return q;
}

static void build_rows(fsm_run *c)
{
    const fsm_set *s = c->set;
    size_t nflat = 0;
    c->state_base = xcalloc(s->n, sizeof *c->state_base);
    for (size_t i = 0; i < s->n; i++) {
        c->state_base[i] = nflat;
        nflat += s->w[i].nstates;
    }
    c->start_row = xcalloc(s->n, sizeof *c->start_row);
    c->first_trans = xcalloc(nflat ? nflat : 1, sizeof *c->first_trans);
    c->labels = xcalloc(nflat ? nflat : 1, sizeof *c->labels);
    for (size_t wi = 0; wi < s->n; wi++) {
        const fsm_workload *w = &s->w[wi];
        const fsm_state *start = &w->states[w->start];
        c->start_row[wi] = add_row(c, (fsm_row){ROW_STATE, wi, w->start},
                                   qualified(c, wi, "%s%s", start->name, ""), 1, start->expected);
        for (size_t si = 0; si < w->nstates; si++) {
            const fsm_state *st = &w->states[si];
            c->labels[flat(c, wi, (int)si)] = qualified(c, wi, "%s%s", st->name, "");
            c->first_trans[flat(c, wi, (int)si)] = c->nrows;
            for (size_t k = 0; k < st->nnext; k++) {
                const fsm_state *to = &w->states[st->next[k].to];
                add_row(c, (fsm_row){ROW_STATE, wi, st->next[k].to},
                        qualified(c, wi, "%s>%s", st->name, to->name), st->next[k].weight,
                        to->expected);
            }
        }
    }
    if (s->mode == FSM_COMPOSED && s->n > 1) {
        /* rows into every non-start state, then each workload's list of
         * the rows into the others */
        size_t first = c->nrows;
        for (size_t wi = 0; wi < s->n; wi++)
            for (size_t si = 0; si < s->w[wi].nstates; si++)
                if ((int)si != s->w[wi].start)
                    add_row(c, (fsm_row){ROW_STATE, wi, (int)si},
                            qualified(c, wi, "*>%s%s", s->w[wi].states[si].name, ""), 1,
                            s->w[wi].states[si].expected);
        c->jumps = xcalloc(s->n, sizeof *c->jumps);
        c->njumps = xcalloc(s->n, sizeof *c->njumps);
        for (size_t wi = 0; wi < s->n; wi++) {
            c->jumps[wi] = xcalloc(c->nrows - first + 1, sizeof **c->jumps);
            for (size_t r = first; r < c->nrows; r++)
                if (c->row_data[r].wi != wi)
                    c->jumps[wi][c->njumps[wi]++] = r;
        }
    }
    if (s->mode == FSM_SERIAL && s->n > 1)
        c->next_workload_row = add_row(c, (fsm_row){ROW_NEXT_WORKLOAD, 0, -1},
                                       xstrdup("next-workload"), 1, NULL);
    for (size_t i = 0; i < c->nrows; i++)
        c->rows[i].data = &c->row_data[i];
    /* a serial run's switch and the start rows are not drawn */
    for (size_t i = 0; i < s->n; i++)
        c->rows[c->start_row[i]].flags |= ACTF_NO_COVERAGE;
}

static char *describe_set(const fsm_set *s)
{
    sqlbuf b = SQLBUF_INIT;
    if (s->n > 1)
        sb_printf(&b, "%s: ", fsm_mode_name(s->mode));
    for (size_t i = 0; i < s->n; i++)
        sb_printf(&b, "%s%s", i ? ", " : "", s->w[i].name);
    return sb_steal(&b);
}

static void fsm_close(void *ctx)
{
    fsm_run *c = ctx;
    if (!c)
        return;
    size_t nflat = 0;
    for (size_t i = 0; c->set && i < c->set->n; i++) {
        nflat += c->set->w[i].nstates;
        if (c->jumps)
            free(c->jumps[i]);
    }
    for (size_t i = 0; c->labels && i < nflat; i++)
        free(c->labels[i]);
    for (size_t i = 0; i < c->nrows; i++)
        free(c->row_names[i]);
    free(c->labels);
    free(c->jumps);
    free(c->njumps);
    free(c->row_names);
    free(c->row_data);
    free(c->rows);
    free(c->state_base);
    free(c->start_row);
    free(c->first_trans);
    free(c->threads);
    free(c->variant);
    fsm_set_free(c->set);
    pthread_mutex_destroy(&c->mu);
    free(c);
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
    fsm_run *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->cfg = cfg;
    c->set = fsm_load_file(cfg->fsm_source, err);
    if (!c->set || !scale_threads(c, err)) {
        fsm_close(c);
        return false;
    }
    build_rows(c);
    c->variant = describe_set(c->set);
    c->max_level = c->set->mode == FSM_COMPOSED ? FSM_ALWAYS : FSM_OWN_TABLE;
    *ctx = c;
    *info = (wl_run_info){.rows = c->rows, .nrows = c->nrows, .variant = c->variant};
    return true;
}

/* Returns true when the fsm: section of the file at source has a row
 * called name. */
static bool has_row(const char *source, const char *name)
{
    char *err = NULL;
    fsm_run *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->set = fsm_load_file(source, &err);
    free(err);
    bool found = false;
    if (c->set) {
        build_rows(c);
        for (size_t i = 0; i < c->nrows && !found; i++)
            found = strcmp(c->row_names[i], name) == 0;
    }
    fsm_close(c);
    return found;
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
    const fsm_run *c = t->c;
    if (!t->data)
        t->data = xcalloc(c->set->n, sizeof *t->data);
    fsm_data_free(&t->data[wi]);
    fsm_data_init(&t->data[wi], &c->set->w[wi], t->tid, threads_of(c, wi));
}

static void *fsm_thread_open(void *ctx, int id, wl_thread_info *info)
{
    fsm_run *c = ctx;
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
    info->label = c->labels[flat(c, t->home, s->w[t->home].start)];
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
        ax_set_label(a, t->c->labels[flat(t->c, r->wi, r->to)]);
    }
    return row;
}

/* Draws among the transitions of the state t is in. */
static int draw_transition(actx *a, fsm_thread *t)
{
    const fsm_run *c = t->c;
    const fsm_state *s = &c->set->w[t->wi].states[t->state];
    size_t first = c->first_trans[flat(c, t->wi, t->state)];
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
    fsm_run *c = t->c;
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
    fsm_run *c = t->c;
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

static void on_assert(void *arg, const fsm_failure *f)
{
    assert_ctx *x = arg;
    if (!f) {
        ax_assert(x->a, true, NULL, NULL);
        return;
    }
    fsm_thread *t = x->t;
    const fsm_step *st = &f->state->steps[f->step];
    char *what = xasprintf("%s%s%s%s.%s step %zu: expected %s, got %s",
                           f->check && f->check->name ? "\"" : "",
                           f->check && f->check->name ? f->check->name : "",
                           f->check && f->check->name ? "\" in " : "", f->w->name, f->state->name,
                           f->step + 1, f->expected, f->got);
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
    ax_assert(x->a, false, what, sb_str(&b));
    sb_free(&b);
    free(what);
}

static act_result next_workload(actx *a)
{
    fsm_run *c = a->wl;
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
    return fsm_run_state(a, &t->c->set->w[r->wi], (size_t)r->to, &t->data[r->wi],
                         t->c->max_level, &obs);
}

/* ---- setup and final ---- */

static bool fsm_setup(actx *a)
{
    fsm_run *c = a->wl;
    atomic_store(&c->phase, 0);
    c->finished = 0;
    size_t n = c->set->mode == FSM_SERIAL ? 1 : c->set->n;
    for (size_t i = 0; i < n; i++)
        if (!fsm_run_setup(a, &c->set->w[i], threads_of(c, i)))
            return false;
    return true;
}

static bool fsm_final(actx *a)
{
    fsm_run *c = a->wl;
    if (c->set->mode == FSM_SERIAL) {
        int phase = atomic_load(&c->phase);
        return phase >= (int)c->set->n || fsm_run_teardown(a, &c->set->w[phase], c->threads[phase]);
    }
    bool ok = true;
    for (size_t i = 0; i < c->set->n; i++)
        ok &= fsm_run_teardown(a, &c->set->w[i], threads_of(c, i));
    return ok;
}

static bool fsm_settings_row(const run_config *cfg, action_list list, const char *name)
{
    return cfg->fsm_source && list == LIST_DML_NONTRANS && has_row(cfg->fsm_source, name);
}

/* Checks the section; the run reads it again from the file, so the
 * settings keep where it is (an absolute path: saved profiles refer to
 * it). */
static bool fsm_load_section(void *doc, void *node, const char *path, run_config *cfg, char **err)
{
    fsm_set *s = fsm_load_node(doc, node, path, err);
    if (!s)
        return false;
    fsm_set_free(s);
    char *abs = realpath(path, NULL);
    free(cfg->fsm_source);
    cfg->fsm_source = abs ? abs : xstrdup(path);
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
