/* fsm_model.c - the FSM workload model: lookups, the transition draw,
 * per-thread data and freeing (fsm.h). */
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "fsm.h"

static const char *const MODE_NAMES[] = {"serial", "parallel", "composed"};
static const char *const LEVEL_NAMES[] = {"always", "own_table"};

const char *fsm_mode_name(fsm_mode m)
{
    return (unsigned)m < ARRAY_LEN(MODE_NAMES) ? MODE_NAMES[m] : "?";
}

const char *fsm_level_name(fsm_level l)
{
    return (unsigned)l < ARRAY_LEN(LEVEL_NAMES) ? LEVEL_NAMES[l] : "?";
}

int fsm_state_find(const fsm_workload *w, const char *name)
{
    for (size_t i = 0; i < w->nstates; i++)
        if (strcmp(w->states[i].name, name) == 0)
            return (int)i;
    return -1;
}

int fsm_var_find(const fsm_workload *w, const char *name)
{
    for (size_t i = 0; i < w->nvars; i++)
        if (strcmp(w->vars[i], name) == 0)
            return (int)i;
    return -1;
}

int fsm_workload_threads(const fsm_workload *w, int run_threads)
{
    return w->threads > 0 ? w->threads : MAX(run_threads, 1);
}

int fsm_set_threads(const fsm_set *s, int run_threads)
{
    int n = 0;
    for (size_t i = 0; i < s->n; i++) {
        int t = fsm_workload_threads(&s->w[i], run_threads);
        n = s->mode == FSM_SERIAL ? MAX(n, t) : n + t;
    }
    return MAX(n, 1);
}

int fsm_draw(const fsm_state *s, const unsigned *weights, rng_t *r)
{
    unsigned own[s->nnext ? s->nnext : 1];
    if (!weights) {
        for (size_t i = 0; i < s->nnext; i++)
            own[i] = s->next[i].weight;
        weights = own;
    }
    size_t k = rng_weighted(r, weights, s->nnext);
    return k < s->nnext ? s->next[k].to : -1;
}

void fsm_compose_next(const fsm_set *s, size_t wi, int cur, rng_t *r, size_t *next_wi,
                      int *next_state)
{
    *next_wi = wi;
    if (s->n > 1 && rng_chance(r, s->mix)) {
        /* another workload, then one of its states other than the start */
        size_t other = (wi + 1 + rng_below(r, s->n - 1)) % s->n;
        const fsm_workload *w = &s->w[other];
        if (w->nstates > 1) {
            size_t k = rng_below(r, w->nstates - 1);
            *next_wi = other;
            *next_state = (int)(k >= (size_t)w->start ? k + 1 : k);
            return;
        }
    }
    *next_state = fsm_draw(&s->w[wi].states[cur], NULL, r);
}

void fsm_data_init(fsm_data *d, const fsm_workload *w, int tid, int threads)
{
    d->n = w->nvars;
    d->vals = xcalloc(d->n ? d->n : 1, sizeof *d->vals);
    for (size_t i = 0; i < d->n; i++)
        d->vals[i] = xstrdup(w->init[i]);
    free(d->vals[FSM_VAR_TID]);
    d->vals[FSM_VAR_TID] = xasprintf("%d", tid);
    free(d->vals[FSM_VAR_THREADS]);
    d->vals[FSM_VAR_THREADS] = xasprintf("%d", threads);
    free(d->vals[FSM_VAR_ITERATION]);
    d->vals[FSM_VAR_ITERATION] = xstrdup("0");
}

void fsm_data_free(fsm_data *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->vals[i]);
    free(d->vals);
    d->vals = NULL;
    d->n = 0;
}

static void free_rules(error_rule *r)
{
    for (error_rule *p = r; p && (p->sqlstate || p->message); p++) {
        free((char *)p->sqlstate);
        free((char *)p->message);
    }
    free(r);
}

static void free_step(fsm_step *s)
{
    fsm_template_free(&s->sql);
    free(s->source);
    for (size_t i = 0; i < s->ncaptures; i++)
        free(s->captures[i].column);
    free(s->captures);
    for (size_t i = 0; i < s->nsets; i++)
        fsm_expr_free(&s->sets[i].value);
    free(s->sets);
    for (size_t i = 0; i < s->nchecks; i++) {
        free(s->checks[i].column);
        free(s->checks[i].name);
        fsm_expr_free(&s->checks[i].want);
    }
    free(s->checks);
    free_rules(s->expected);
}

static void free_workload(fsm_workload *w)
{
    free(w->name);
    free(w->path);
    free(w->schema);
    free(w->table);
    for (size_t i = 0; i < w->nsetup; i++)
        fsm_template_free(&w->setup[i]);
    free(w->setup);
    for (size_t i = 0; i < w->nteardown; i++)
        fsm_template_free(&w->teardown[i]);
    free(w->teardown);
    for (size_t i = 0; i < w->nvars; i++) {
        free(w->vars[i]);
        free(w->init[i]);
    }
    free(w->vars);
    free(w->init);
    for (size_t i = 0; i < w->nstates; i++) {
        fsm_state *s = &w->states[i];
        free(s->name);
        for (size_t k = 0; k < s->nsteps; k++)
            free_step(&s->steps[k]);
        free(s->steps);
        free(s->next);
    }
    free(w->states);
}

void fsm_set_free(fsm_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free_workload(&s->w[i]);
    free(s->w);
    free(s);
}
