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

#include "../actions/action.h"
#include "actx.h"

typedef struct workload_def {
    const char *name;           /* "bank", "counter", ... */
    const char *checker;        /* workload name for check_history */
    const char *summary;        /* one line for --help */
    const action_def *rows;
    size_t nrows;
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

#endif
