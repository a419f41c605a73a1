/* fsm_plan.c - the plan of an fsm workload run: threads scaled into the
 * run's and the rows (fsm_plan.h). */
#include <stdlib.h>
#include <string.h>

#include "../core/sqlbuf.h"
#include "../core/util.h"
#include "fsm_plan.h"

/* Scales the workloads' threads (each its own threads:, else the run's)
 * into the run's, at least one each, as MongoDB's runner does. */
static bool scale_threads(fsm_plan *c, int run_threads, char **err)
{
    const fsm_set *s = c->set;
    int avail = MAX(run_threads, 1), sum = 0;
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

/* A row of the run's table. Its expected errors are none: each step of
 * the state it runs says its own (fsm_run_state). */
static size_t add_row(fsm_plan *c, fsm_row data, char *name, unsigned weight, action_fn run)
{
    size_t i = c->nrows++;
    c->rows = xrealloc(c->rows, c->nrows * sizeof *c->rows);
    c->row_data = xrealloc(c->row_data, c->nrows * sizeof *c->row_data);
    c->row_names = xrealloc(c->row_names, c->nrows * sizeof *c->row_names);
    c->row_data[i] = data;
    c->row_names[i] = name;
    c->rows[i] = (action_def){name, LIST_DML_NONTRANS, weight, run, NULL,
                              ACTF_NONE, NULL};
    return i;
}

/* "name" with one workload, "workload.name" with several. */
static char *qualified(const fsm_plan *c, size_t wi, const char *fmt, const char *a, const char *b)
{
    char *s = xasprintf(fmt, a, b);
    if (c->set->n == 1)
        return s;
    char *q = xasprintf("%s.%s", c->set->w[wi].name, s);
    free(s);
    return q;
}

static void build_rows(fsm_plan *c, action_fn run)
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
                                   qualified(c, wi, "%s%s", start->name, ""), 1, run);
        for (size_t si = 0; si < w->nstates; si++) {
            const fsm_state *st = &w->states[si];
            c->labels[fsm_plan_flat(c, wi, (int)si)] = qualified(c, wi, "%s%s", st->name, "");
            c->first_trans[fsm_plan_flat(c, wi, (int)si)] = c->nrows;
            for (size_t k = 0; k < st->nnext; k++) {
                const fsm_state *to = &w->states[st->next[k].to];
                add_row(c, (fsm_row){ROW_STATE, wi, st->next[k].to},
                        qualified(c, wi, "%s>%s", st->name, to->name), st->next[k].weight, run);
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
                            qualified(c, wi, "*>%s%s", s->w[wi].states[si].name, ""), 1, run);
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
                                       xstrdup("next-workload"), 1, run);
    for (size_t i = 0; i < c->nrows; i++)
        c->rows[i].data = &c->row_data[i];
    /* the start rows and a serial run's switch are never drawn */
    for (size_t i = 0; i < s->n; i++)
        c->rows[c->start_row[i]].flags |= ACTF_NO_COVERAGE;
    if (s->mode == FSM_SERIAL && s->n > 1)
        c->rows[c->next_workload_row].flags |= ACTF_NO_COVERAGE;
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

void fsm_plan_free(fsm_plan *c)
{
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
    free(c->schemas);
    fsm_set_free(c->set);
    pthread_mutex_destroy(&c->mu);
    free(c);
}


fsm_plan *fsm_plan_new(const char *source, int run_threads, action_fn run, char **err)
{
    fsm_plan *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->set = fsm_load_file(source, err);
    if (!c->set || !scale_threads(c, run_threads, err)) {
        fsm_plan_free(c);
        return NULL;
    }
    build_rows(c, run);
    c->variant = describe_set(c->set);
    c->max_level = c->set->mode == FSM_COMPOSED ? FSM_ALWAYS : FSM_OWN_TABLE;
    c->schemas = xcalloc(c->set->n, sizeof *c->schemas);
    for (size_t i = 0; i < c->set->n; i++)
        c->schemas[i] = c->set->w[i].schema;
    return c;
}

bool fsm_plan_has_row(const char *source, const char *name)
{
    char *err = NULL;
    fsm_plan *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->set = fsm_load_file(source, &err);
    free(err);
    bool found = false;
    if (c->set) {
        build_rows(c, NULL);
        for (size_t i = 0; i < c->nrows && !found; i++)
            found = strcmp(c->row_names[i], name) == 0;
    }
    fsm_plan_free(c);
    return found;
}
