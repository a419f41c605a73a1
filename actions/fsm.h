/* fsm.h - FSM workloads written in YAML (after MongoDB's FSM concurrency
 * framework): the model a workload file is loaded into, the transition
 * draw, and running one state's steps on a worker's connection.
 *
 * A workload has states, each a list of steps, and weighted transitions
 * between them. Every thread keeps its own copy of the workload's
 * variables (data): the built-ins tid, iteration, threads, table and
 * schema, the file's data: defaults, and whatever steps capture or set.
 * A step is SQL whose {{variables}} are sent as $n parameters (table and
 * schema, and {{name|inline}}, are pasted as text), values captured from
 * its first row, assignments of integer expressions, and assertions at a
 * level. Several workloads run one after another (serial), side by side on
 * their own tables (parallel), or mixed in one pool of threads (composed).
 *
 * Files: fsm_expr.c (templates and expressions), fsm_load.c (YAML),
 * fsm_model.c (lookups, draws, freeing), fsm_exec.c (running steps). */
#ifndef MELEE_FSM_H
#define MELEE_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/engine/actx.h"
#include "../core/engine/errclass.h"
#include "../core/rng.h"
#include "action.h"

/* ---- variables, templates, expressions ---- */

/* The built-in variables, first in every workload's variable table. */
enum {
    FSM_VAR_TID,        /* the thread's number within the workload, from 0 */
    FSM_VAR_ITERATION,  /* transitions made so far */
    FSM_VAR_THREADS,    /* the workload's threads */
    FSM_VAR_TABLE,      /* the workload's own table name (pasted as text) */
    FSM_VAR_SCHEMA,     /* the schema its table lives in (pasted as text) */
    FSM_VAR_BUILTIN
};

/* A piece of a template: literal text, a variable pasted as text, or a
 * variable sent as parameter $param. */
typedef struct fsm_piece {
    char *text;  /* literal text, or NULL for a variable */
    int var;
    int param;   /* 0: pasted; else $param */
} fsm_piece;

/* SQL with {{variables}}: its pieces and, for each $n, the variable. */
typedef struct fsm_template {
    fsm_piece *pieces;
    size_t npieces;
    int *params;  /* params[n - 1] = variable sent as $n */
    int nparams;
} fsm_template;

/* An integer expression over variables in reverse Polish order, or a
 * plain value: a lone {{variable}} (compared as text) or a literal. */
typedef enum fsm_tok_kind { FSM_T_NUM, FSM_T_VAR, FSM_T_OP, FSM_T_NEG, FSM_T_RANDOM } fsm_tok_kind;

typedef struct fsm_tok {
    fsm_tok_kind kind;
    int64_t num;  /* FSM_T_NUM */
    int var;      /* FSM_T_VAR */
    char op;      /* FSM_T_OP: + - * / % */
} fsm_tok;

typedef struct fsm_expr {
    fsm_tok *toks;        /* the expression */
    size_t ntoks;
    bool is_literal;      /* not an expression: text, with variables pasted */
    fsm_template literal;
    int lone_var;         /* >= 0: the expression is just this variable */
} fsm_expr;

/* ---- the model ---- */

typedef enum fsm_level { FSM_ALWAYS, FSM_OWN_TABLE } fsm_level;

typedef enum fsm_step_kind {
    FSM_STEP_SQL,
    FSM_STEP_SET,       /* assignments only */
    FSM_STEP_BEGIN,
    FSM_STEP_COMMIT,
    FSM_STEP_ROLLBACK
} fsm_step_kind;

typedef struct fsm_capture {
    int var;
    char *column;  /* a column name of the result, or its number from 0 */
} fsm_capture;

typedef struct fsm_assign {
    int var;
    fsm_expr value;
} fsm_assign;

/* What an expect: checks. Each check present is one assertion. */
typedef enum fsm_check_kind {
    FSM_CHECK_ROWS,      /* rows returned */
    FSM_CHECK_AFFECTED,  /* rows inserted, updated or deleted */
    FSM_CHECK_VALUE,     /* the first row's first column */
    FSM_CHECK_COLUMN     /* the first row's column called column */
} fsm_check_kind;

typedef struct fsm_check {
    fsm_check_kind kind;
    char *column;        /* FSM_CHECK_COLUMN */
    fsm_expr want;
    fsm_level level;
    char *name;          /* the expect's name: (NULL: none) */
    unsigned line;       /* in the workload file, for messages */
} fsm_check;

typedef struct fsm_step {
    fsm_step_kind kind;
    fsm_template sql;      /* FSM_STEP_SQL */
    char *source;          /* the SQL as written, for messages */
    fsm_capture *captures;
    size_t ncaptures;
    fsm_assign *sets;      /* run after captures and checks */
    size_t nsets;
    fsm_check *checks;
    size_t nchecks;
    error_rule *expected;  /* this step's expected errors, ERROR_RULES_END-terminated */
    unsigned line;
} fsm_step;

typedef struct fsm_transition {
    int to;
    unsigned weight;  /* as written, or hundredths when any weight of the workload has a fraction */
} fsm_transition;

typedef struct fsm_state {
    char *name;
    bool transaction;   /* the whole state runs in one transaction */
    fsm_step *steps;
    size_t nsteps;
    fsm_transition *next;
    size_t nnext;
} fsm_state;

typedef struct fsm_workload {
    char *name;
    char *path;          /* the file it was read from */
    char *schema;        /* melee_fsm_<name> */
    char *table;         /* schema.t */
    int threads;         /* 0: the run's threads */
    int64_t iterations;  /* transitions per thread */
    fsm_template *setup, *teardown;
    size_t nsetup, nteardown;
    char **vars;         /* variable names, built-ins first */
    char **init;         /* data: defaults (NULL: SQL NULL) */
    size_t nvars;
    fsm_state *states;
    size_t nstates;
    int start;
} fsm_workload;

typedef enum fsm_mode { FSM_SERIAL, FSM_PARALLEL, FSM_COMPOSED } fsm_mode;

typedef struct fsm_set {
    fsm_mode mode;
    double mix;          /* composed: chance of jumping to another workload */
    fsm_workload *w;
    size_t n;
} fsm_set;

/* ---- loading (fsm_load.c) ---- */

/* Loads the fsm: section at node of doc, read from path (includes are
 * relative to it). Returns a new set (free with fsm_set_free), or NULL with
 * *err = "FILE:LINE:COL: message" (caller frees). doc is a yaml_document_t
 * (void here so that users of the model need not include yaml.h). */
fsm_set *fsm_load_node(void *doc, void *node, const char *path, char **err);

/* Loads the FSM workloads of a file: its fsm: section when the root has
 * one, else the root itself. Returns a new set or NULL with *err. */
fsm_set *fsm_load_file(const char *path, char **err);

/* Returns the file that the fsm: section at node of doc (read from path)
 * stands for (caller frees): the one it includes when it is just
 * {include: FILE}, else path; NULL when the section is empty ({} or
 * nothing). */
char *fsm_section_source(void *doc, void *node, const char *path);

/* ---- the model (fsm_model.c) ---- */

void fsm_set_free(fsm_set *s);

const char *fsm_mode_name(fsm_mode m);
const char *fsm_level_name(fsm_level l);

/* Returns the state called name in w, or -1. */
int fsm_state_find(const fsm_workload *w, const char *name);

/* Returns the variable called name in w, or -1. */
int fsm_var_find(const fsm_workload *w, const char *name);

/* Returns the threads workload w runs with when the run has run_threads. */
int fsm_workload_threads(const fsm_workload *w, int run_threads);

/* Returns the number of engine threads s needs: the largest workload's
 * (serial) or their sum (parallel, composed). */
int fsm_set_threads(const fsm_set *s, int run_threads);

/* Returns the transition drawn from s with weights (live weights, one per
 * transition; NULL: the file's), or -1 when every weight is 0. */
int fsm_draw(const fsm_state *s, const unsigned *weights, rng_t *r);

/* Composed mode: returns the next (workload, state) for a thread in state
 * cur of workload wi: with probability s->mix a random non-start state of
 * another workload, else a transition of its own. -1 in *state when
 * nothing can be drawn. */
void fsm_compose_next(const fsm_set *s, size_t wi, int cur, rng_t *r, size_t *next_wi,
                      int *next_state);

/* ---- templates and expressions (fsm_expr.c) ---- */

/* Why a template or expression could not be compiled: the message and the
 * byte offset in the source. */
typedef struct fsm_parse_error {
    char *msg;
    size_t offset;
} fsm_parse_error;

/* Resolves a variable name to its index, or -1 (the loader's table). */
typedef int (*fsm_lookup_fn)(void *arg, const char *name, size_t len);

/* Compiles text into t. Returns 0, or -1 with *e set (caller frees
 * e->msg). Built-ins FSM_VAR_TABLE and FSM_VAR_SCHEMA, and {{x|inline}},
 * are pasted; every other variable becomes a parameter. */
int fsm_template_compile(const char *text, fsm_lookup_fn lookup, void *arg, fsm_template *t,
                         fsm_parse_error *e);
void fsm_template_free(fsm_template *t);

/* Compiles an expression: integers, {{variables}}, + - * / %, unary
 * minus, parentheses and random(lo, hi). Text that is none of these is a
 * literal when allow_literal, else an error. Returns 0 or -1 with *e. */
int fsm_expr_compile(const char *text, fsm_lookup_fn lookup, void *arg, bool allow_literal,
                     fsm_expr *x, fsm_parse_error *e);
void fsm_expr_free(fsm_expr *x);

/* Evaluates x over vals (a thread's values, NULL for SQL NULL). Returns a
 * new string (NULL for a lone variable that is NULL) and sets *ok; on an
 * error (a NULL or non-integer operand, division by zero) *ok is false and
 * the result is the reason. r draws random(). Caller frees. */
char *fsm_expr_eval(const fsm_expr *x, char *const *vals, rng_t *r, bool *ok);

/* Builds t's SQL over vals into a new string and points params[0..nparams)
 * at the values sent as $n (borrowed from vals). Returns NULL with *err
 * (caller frees) when a pasted value is not a number or a plain name. */
char *fsm_template_render(const fsm_template *t, char *const *vals, const char **params,
                          char **err);

/* ---- running (fsm_exec.c) ---- */

#define FSM_RECENT 8

/* One thread's copy of one workload's variables. */
typedef struct fsm_data {
    char **vals;
    size_t n;
} fsm_data;

/* Fills d with w's defaults and the thread's built-ins. */
void fsm_data_init(fsm_data *d, const fsm_workload *w, int tid, int threads);
void fsm_data_free(fsm_data *d);

/* An assertion checked, as the observer gets it. Strings are borrowed. */
typedef struct fsm_assertion {
    const fsm_workload *w;
    const fsm_state *state;
    size_t step;          /* index in state->steps */
    const fsm_check *check; /* NULL: the step's own (a value that cannot be computed) */
    bool held;
    const char *expected; /* what was expected and what came (also when it held) */
    const char *got;
    const char *sql;      /* the statement whose result was checked (may be NULL) */
} fsm_assertion;

/* What running a state tells its caller. */
typedef struct fsm_observer {
    /* Called for every assertion checked, held or failed. */
    void (*on_assert)(void *arg, const fsm_assertion *x);
    /* Called with each statement sent and its parameters, as one line. */
    void (*on_statement)(void *arg, const char *line);
    void *arg;
} fsm_observer;

/* Runs state si of w with d on a's connection: its steps in order, in one
 * transaction when the state says so. A failed statement is judged by the
 * expected errors of its own step (ax_expect_errors; the BEGIN and COMMIT
 * a state adds around its steps expect none). A failed statement rolls back an
 * open transaction, restores d as it was when that transaction began, and
 * returns ACT_FAIL with the error in the worker; a failed assertion ends
 * the state the same way and returns ACT_OK. Only checks at or below
 * max_level are made. */
act_result fsm_run_state(actx *a, const fsm_workload *w, size_t si, fsm_data *d,
                         fsm_level max_level, const fsm_observer *obs);

/* Runs w's setup (after dropping and creating its schema afresh) or its
 * teardown (the schema stays for inspection) on a's connection, with the
 * data a thread 0 of threads would start with. Returns false at the first
 * failure (the error is in the worker). */
bool fsm_run_setup(actx *a, const fsm_workload *w, int threads);
bool fsm_run_teardown(actx *a, const fsm_workload *w, int threads);

#endif
