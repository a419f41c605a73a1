/* fsm_load_internal.h - what the parts of the FSM workload loader share
 * (fsm_load.c: workloads, sets and includes; fsm_load_steps.c: states,
 * steps and transitions; fsm_load_yaml.c: reading nodes and variables).
 * Every fl_ function that fails records "FILE:LINE:COL: message" in
 * *l->err (the first failure only) and returns -1. */
#ifndef MELEE_FSM_LOAD_INTERNAL_H
#define MELEE_FSM_LOAD_INTERNAL_H

#include <stdbool.h>
#include <yaml.h>

#include "fsm.h"

/* Fractional transition weights are kept as hundredths. */
#define FSM_FRACTION_SCALE 100

typedef struct loader {
    const char *path;
    yaml_document_t *doc;
    char **err;
    int depth;  /* of includes */
} loader;

static inline yaml_node_t *fl_node(loader *l, int id)
{
    return yaml_document_get_node(l->doc, id);
}

/* Returns n's text, or NULL when n is not a scalar. */
static inline const char *fl_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* ---- fsm_load_yaml.c ---- */

int fl_fail(loader *l, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Fails at the place of a template or expression error inside scalar n. */
int fl_fail_inside(loader *l, const yaml_node_t *n, fsm_parse_error *e, const char *what);
/* Fails unless n is of type t. */
int fl_want(loader *l, const yaml_node_t *n, yaml_node_type_t t, const char *what);
/* Returns the value of key in mapping m, or NULL; *key_node (may be NULL)
 * gets the key. */
yaml_node_t *fl_lookup(loader *l, yaml_node_t *m, const char *key, yaml_node_t **key_node);
/* Fails on a key of mapping m not in keys (NULL-terminated). */
int fl_only_keys(loader *l, yaml_node_t *m, const char *what, const char *const *keys);
int fl_int(loader *l, yaml_node_t *n, const char *what, long long min, long long max,
           long long *out);
/* A non-negative finite number. */
int fl_number(loader *l, yaml_node_t *n, const char *what, double *out);
int fl_bool(loader *l, yaml_node_t *n, const char *what, bool *out);
/* Letters, digits and _, not starting with a digit. */
bool fl_plain_name(const char *s);

/* A workload's variables while it is read: names and first values. */
typedef struct vars {
    char **names;
    char **init;
    size_t n;
} vars;

/* Returns the index of the variable name[0..len), or -1. */
int fl_var_index(const vars *v, const char *name, size_t len);
/* fl_var_index as an fsm_lookup_fn (arg is the vars). */
int fl_lookup_var(void *arg, const char *name, size_t len);
/* Adds name (first value init, copied) unless it exists; returns its index. */
int fl_add_var(vars *v, const char *name, const char *init);

/* ---- fsm_load_steps.c ---- */

/* Adds the variables data: (m) defines, with their first values. */
int fl_data(loader *l, yaml_node_t *m, vars *v);
/* Adds the variables every step of states captures or sets. */
int fl_collect_vars(loader *l, yaml_node_t *states, vars *v);
/* Reads state node n into s (its name set) over the variables v. */
int fl_state(loader *l, yaml_node_t *n, fsm_state *s, vars *v);
/* Reads the transitions mapping m of w (its states named). */
int fl_transitions(loader *l, yaml_node_t *m, fsm_workload *w);
/* Compiles SQL scalar n into t. */
int fl_compile_sql(loader *l, yaml_node_t *n, vars *v, fsm_template *t, const char *what);

#endif
