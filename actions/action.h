/* action.h - an action is a table row: name, list, default weight, run
 * function, extra expected errors. */
#ifndef MELEE_ACTION_H
#define MELEE_ACTION_H

#include <stddef.h>

#include "../core/engine/actx.h"
#include "../core/engine/errclass.h"

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
};

typedef struct action_def {
    const char *name;            /* unique within its list, e.g. "select" */
    action_list list;
    unsigned weight;             /* default weight */
    action_fn run;
    const error_rule *expected;  /* extra expected errors, ERROR_RULES_END-terminated, or NULL */
    unsigned flags;              /* ACTF_* */
    const void *data;            /* per-row data (custom actions) */
} action_def;

/* Each family file exports its rows. */
extern const action_def read_actions[];
extern const size_t read_actions_count;
extern const action_def fetch_actions[];
extern const size_t fetch_actions_count;
extern const action_def write_actions[];
extern const size_t write_actions_count;
extern const action_def dml_actions[];
extern const size_t dml_actions_count;
extern const action_def ddl_table_actions[];   /* tables and columns */
extern const size_t ddl_table_actions_count;
extern const action_def ddl_view_actions[];    /* views, matviews, indexes */
extern const size_t ddl_view_actions_count;
extern const action_def ddl_misc_actions[];    /* schemas, sequences, roles, txn DDL */
extern const size_t ddl_misc_actions_count;
extern const action_def common_actions[];   /* the rows every list has */
extern const size_t common_actions_count;

/* Returns every built-in action row (an array the caller must free; the rows
 * themselves are static) and sets *n. */
const action_def **actions_builtin(size_t *n);

/* Creates the initial tracked objects (at least the catalog minimums: a
 * schema, two tables with rows, a view, ...) on a's connection, dropping
 * leftovers of an earlier run first. Returns true on success. */
bool actions_setup_catalog(actx *a);

#endif
