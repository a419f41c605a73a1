/* workload.h - what the workers run: the chaos action lists, or an
 * invariant workload whose operations are recorded and checked.
 *
 * An invariant workload is a small table of actions (rows with list
 * LIST_DML_NONTRANS: statements run in autocommit unless the action opens a
 * transaction itself with ax_begin), a setup that creates its tables, an
 * optional final step run once after the workers stop (final reads after
 * quiescence), and the name of the checker that judges its history. */
#ifndef MELEE_WORKLOAD_H
#define MELEE_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../actions/action.h"
#include "actx.h"

/* A parameter a workload reads (profile "params:", CLI --param NAME=N),
 * with its default and one line saying what it does. */
typedef struct wl_param {
    const char *name;
    int64_t def;
    const char *help;
} wl_param;

/* The test-only parameter every invariant workload has: the client lies
 * in the history now and then, so a test can prove the checker notices. */
#define WL_PARAM_CLIENT_FAULT \
    {"client_fault", 0, "test only: 1 makes the client misreport some operations"}

typedef struct workload_def {
    const char *name;           /* "bank", "counter", ... */
    const char *checker;        /* workload name for check_history */
    const char *summary;        /* one line for --help */
    const action_def *rows;
    size_t nrows;
    const wl_param *params;     /* every parameter it reads */
    size_t nparams;
    /* Drops and creates the workload's tables on a's connection. */
    bool (*setup)(actx *a);
    /* Runs once after the workers stopped (may be NULL). */
    bool (*final)(actx *a);
} workload_def;

/* Returns the workload called name, or NULL (chaos is not in this table:
 * it is the action lists). */
const workload_def *workload_find(const char *name);

/* Returns every invariant workload and sets *n. */
const workload_def *const *workloads_all(size_t *n);

/* Returns w's parameter called name, or NULL. */
const wl_param *workload_param(const workload_def *w, const char *name);

#endif
