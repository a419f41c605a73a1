/* action_def.h - an action is a table row: name, list, default weight, run
 * function, extra expected errors. A workload contributes rows to the
 * run's action table (workload.h); the engine runs the row a worker's
 * workload chooses and counts its outcome. */
#ifndef MELEE_ACTION_DEF_H
#define MELEE_ACTION_DEF_H

#include <stddef.h>

#include "actx.h"
#include "errclass.h"

typedef enum act_result {
    ACT_OK,    /* it ran */
    ACT_SKIP,  /* a precondition did not hold (nothing to pick, at a limit) */
    ACT_FAIL   /* a statement failed; the error is in the worker */
} act_result;

typedef act_result (*action_fn)(actx *a);

enum {
    ACTF_NONE = 0,
    ACTF_NO_COVERAGE = 1u << 0,  /* not in "never succeeded" warnings (drops, ...) */
    ACTF_CANCELS = 1u << 1,      /* interrupts other workers (cancel, terminate) */
    ACTF_CUSTOM = 1u << 2,       /* a profile's custom action: its weight is saved with it */
};

typedef struct action_def {
    const char *name;            /* unique within its list, e.g. "select" */
    action_list list;            /* the weights: section it is found under */
    unsigned weight;             /* default weight */
    action_fn run;
    const error_rule *expected;  /* extra expected errors, ERROR_RULES_END-terminated, or NULL */
    unsigned flags;              /* ACTF_* */
    const void *data;            /* per-row data (custom actions, FSM transitions) */
} action_def;

#endif
