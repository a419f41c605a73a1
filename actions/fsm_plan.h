/* fsm_plan.h - the plan of an fsm workload run (wl_fsm.c's per-run
 * context): the workloads, the threads each gets, and the run's rows.
 *
 * The rows are the machines' transitions ("inc>check"; with several
 * workloads "update_inc.inc>check"), so that the weights dialog shows and
 * changes transition weights live. Besides them each workload has a row
 * that runs its start state, composed mode a row per state the threads of
 * other workloads may jump into ("update_inc.*>check"), and serial mode a
 * row that tears one workload down and sets the next one up
 * ("next-workload"). A row runs the state it leads to. */
#ifndef MELEE_FSM_PLAN_H
#define MELEE_FSM_PLAN_H

#include <pthread.h>
#include <stdatomic.h>

#include "fsm.h"

typedef enum fsm_row_kind { ROW_STATE, ROW_NEXT_WORKLOAD } fsm_row_kind;

/* What a row runs (its action_def's data). */
typedef struct fsm_row {
    fsm_row_kind kind;
    size_t wi;   /* the workload */
    int to;      /* the state it runs */
} fsm_row;

typedef struct fsm_plan {
    fsm_set *set;
    int *threads;          /* per workload, as scaled into the run's */
    int total_threads;     /* threads that have work; the others end at once */
    action_def *rows;
    fsm_row *row_data;
    char **row_names;
    size_t nrows;
    size_t *state_base;    /* per workload: its first state in the flat arrays */
    size_t *start_row;     /* per workload */
    size_t *first_trans;   /* per flat state: its first transition row */
    size_t **jumps;        /* composed, per workload: the rows into the others */
    size_t *njumps;
    size_t next_workload_row;
    char **labels;         /* per flat state: the thread panel's label */
    char *variant;         /* "update_inc", "serial: update_inc, rmw" */
    const char **schemas;  /* per workload: its schema (borrowed from the set) */
    fsm_level max_level;   /* assertions checked up to this level */
    /* serial mode, live */
    pthread_mutex_t mu;
    _Atomic int phase;     /* the workload running; n when all have run */
    int finished;          /* threads of the phase done with their iterations (mu) */
} fsm_plan;

/* Returns the plan for the fsm: section of the file at source with every
 * row running run, its threads scaled into run_threads; NULL with *err
 * (caller frees) when the file is malformed or the threads do not fit. */
fsm_plan *fsm_plan_new(const char *source, int run_threads, action_fn run, char **err);
void fsm_plan_free(fsm_plan *p);

/* Returns true when the fsm: section of the file at source gives a row
 * called name. */
bool fsm_plan_has_row(const char *source, const char *name);

/* Returns the index of state s of workload wi in the flat arrays. */
static inline size_t fsm_plan_flat(const fsm_plan *p, size_t wi, int s)
{
    return p->state_base[wi] + (size_t)s;
}

/* Returns the threads that run workload wi's states: all when composed. */
static inline int fsm_plan_threads(const fsm_plan *p, size_t wi)
{
    return p->set->mode == FSM_COMPOSED ? p->total_threads : p->threads[wi];
}

#endif
