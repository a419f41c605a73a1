/* wl_chaos.c - the chaos workload (after parallel-workload): each thread
 * is given one action list (read, fetch, write, dml_nontrans, ddl), drawn
 * from the complexity's list weights, and draws every action from that
 * list by the live weights: a memoryless machine. The run's rows are the
 * built-in rows followed by the profile's custom actions; setup creates
 * the tracked starting catalog. */
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "act_custom.h"
#include "action.h"
#include "wl_util.h"

/* lock_timeout of the sessions that run the ddl list: an ALTER queued
 * behind an open transaction would otherwise stall every statement queued
 * behind it, for as long as that transaction lives. */
#define DDL_SESSION_SQL "SET lock_timeout = '2s'"

typedef struct chaos_run {
    const run_config *cfg;
    complexity cx;                 /* resolved (never CX_RANDOM) */
    action_def *rows;              /* built-in rows, then custom ones */
    size_t nrows;
    action_def *custom;            /* the custom rows as built (their rules) */
    size_t ncustom;
    size_t *by_list[LIST_COUNT];   /* row indexes per list */
    size_t nby_list[LIST_COUNT];
} chaos_run;

typedef struct chaos_thread {
    action_list list;
} chaos_thread;

static const action_def *chaos_known_rows(const workload_def *d, size_t *n)
{
    (void)d;
    return actions_builtin(n);
}

static void chaos_close(void *ctx)
{
    chaos_run *c = ctx;
    if (!c)
        return;
    for (int l = 0; l < LIST_COUNT; l++)
        free(c->by_list[l]);
    custom_actions_free(c->custom, c->ncustom);
    free(c->rows);
    free(c);
}

static bool chaos_open(const workload_def *d, const run_config *cfg, void **ctx,
                       wl_run_info *info, char **err)
{
    (void)d;
    (void)err;
    chaos_run *c = xcalloc(1, sizeof *c);
    c->cfg = cfg;
    c->cx = cfg->complexity;
    if (c->cx == CX_RANDOM) {
        rng_t g = rng_derive(cfg->seed, "complexity", 0);
        c->cx = (complexity)rng_below(&g, CX_RANDOM);
    }
    size_t nb;
    const action_def *builtin = actions_builtin(&nb);
    c->custom = custom_actions_build(cfg, &c->ncustom);
    c->nrows = nb + c->ncustom;
    c->rows = xcalloc(c->nrows ? c->nrows : 1, sizeof *c->rows);
    memcpy(c->rows, builtin, nb * sizeof *builtin);
    for (size_t i = 0; i < c->ncustom; i++) {
        c->rows[nb + i] = c->custom[i];
        c->rows[nb + i].flags |= ACTF_CUSTOM;
    }
    for (int l = 0; l < LIST_COUNT; l++) {
        c->by_list[l] = xcalloc(c->nrows ? c->nrows : 1, sizeof(size_t));
        for (size_t i = 0; i < c->nrows; i++)
            if (c->rows[i].list == (action_list)l)
                c->by_list[l][c->nby_list[l]++] = i;
    }
    *ctx = c;
    *info = (wl_run_info){.rows = c->rows,
                          .nrows = c->nrows,
                          .variant = complexity_name(c->cx),
                          .objects_change = cfg->list_weights[c->cx][LIST_DDL] > 0};
    return true;
}

static bool transactional(action_list l)
{
    return l == LIST_READ || l == LIST_FETCH || l == LIST_WRITE;
}

/* Draws thread id's action list from the complexity's list weights (its
 * own stream, so that adding threads changes no other thread's list). */
static action_list draw_list(const chaos_run *c, int id)
{
    rng_t g = rng_derive(c->cfg->seed, "list", (uint64_t)id);
    size_t l = rng_weighted(&g, c->cfg->list_weights[c->cx], LIST_COUNT);
    return l < LIST_COUNT ? (action_list)l : LIST_READ;
}

static void *chaos_thread_open(void *ctx, int id, wl_thread_info *t)
{
    chaos_thread *th = xcalloc(1, sizeof *th);
    /* The setup session creates the catalog: DDL, in autocommit. */
    th->list = id >= 0 ? draw_list(ctx, id) : LIST_DDL;
    t->label = action_list_name(th->list);
    t->transactional = transactional(th->list);
    t->session_sql = th->list == LIST_DDL ? DDL_SESSION_SQL : NULL;
    return th;
}

static void chaos_thread_close(void *ctx, void *thread)
{
    (void)ctx;
    free(thread);
}

static int chaos_next(actx *a)
{
    const chaos_run *c = a->wl;
    const chaos_thread *th = a->thread;
    return ax_draw(a, c->by_list[th->list], c->nby_list[th->list]);
}

static bool chaos_setup(actx *a)
{
    const chaos_run *c = a->wl;
    return actions_setup_catalog(a) && custom_actions_setup(a, c->cfg);
}

const workload_def wl_chaos = {
    .name = "chaos",
    .summary = "random SQL from the action lists, DDL under DML (the default)",
    .known_rows = chaos_known_rows,
    .open = chaos_open,
    .close = chaos_close,
    .thread_open = chaos_thread_open,
    .thread_close = chaos_thread_close,
    .next = chaos_next,
    .setup = chaos_setup,
    .final = NULL,
};
