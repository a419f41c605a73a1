/* action.h - the chaos workload's action rows, one family per file (the
 * row type itself is core/engine/action_def.h). */
#ifndef MELEE_ACTION_H
#define MELEE_ACTION_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/engine/action_def.h"
#include "../core/engine/workload.h"

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

/* Returns every built-in chaos row, gathered once into one static array,
 * and sets *n. */
const action_def *actions_builtin(size_t *n);

/* Creates the initial tracked objects (at least the catalog minimums: a
 * schema, two tables with rows, a view, ...) on a's connection, dropping
 * leftovers of an earlier run first. Returns true on success. */
bool actions_setup_catalog(actx *a);

#endif
