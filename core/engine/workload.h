/* workload.h - what the workers run, behind one interface.
 *
 * A workload is a workload_def: a name, its parameters and a few hooks.
 * main.c installs the registry of workloads (workloads_install); the run
 * finds its workload there by name and calls the hooks without ever
 * asking which workload it is. The chaos action lists, the Jepsen-style
 * invariant workloads and the FSM workloads are all workloads:
 *
 *   open         once per run, from the run's settings: the per-run
 *                context and a wl_run_info (the rows of the run's action
 *                table, the checker and its interval...). A false return
 *                stops the run before it starts (message, exit 2).
 *   setup        once, on a session of its own, before the workers start
 *                (drop leftovers, create tables, reset per-run state).
 *   thread_open  once per worker, and once for each of the setup and
 *                final sessions (id -1): the per-thread context and a
 *                wl_thread_info (panel label, whether actions run in
 *                transactions, session SQL).
 *   next         on the worker before each action: the row to run next.
 *                It may depend on the thread's state (a->thread) and
 *                draws with the thread's own stream from the live weights
 *                (ax_draw). It may also end the thread (WL_NEXT_END).
 *   final        once after the workers stopped (reads after quiescence).
 *   thread_close, close: free the contexts, once no thread uses them.
 *
 * Actions and hooks reach the per-run context as a->wl and the
 * per-thread one as a->thread; a workload keeps no per-run state in
 * statics. The chaos lists are the memoryless case (next ignores the
 * thread's state); an FSM workload keeps its current state in a->thread,
 * draws among the rows of that state's transitions, shows the state with
 * ax_set_label, ends the thread after its iterations, and reports
 * assertions with ax_assert. */
#ifndef MELEE_WORKLOAD_H
#define MELEE_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action_def.h"
#include "assertions.h"
#include "actx.h"
#include "../sqlbuf.h"

/* A parameter a workload reads (profile "params:", CLI --param NAME=N),
 * with its default and one line saying what it does. */
typedef struct wl_param {
    const char *name;
    int64_t def;
    const char *help;
} wl_param;

/* What a workload tells the engine about one run (filled by open). */
typedef struct wl_run_info {
    /* The rows of the run's action table, in order: row i is action i
     * everywhere (weights dialog, report, next's return value). Owned by
     * the context (or static); alive until close. Each row's live weight
     * starts at the profile's weight for (list, name), else its own. */
    const action_def *rows;
    size_t nrows;
    /* Shown after the workload's name ("chaos/ddl"): for chaos the
     * complexity, resolved when random. NULL: nothing. Alive until close. */
    const char *variant;
    /* The checker (check_history name) that judges the recorded history,
     * live every check_interval_s seconds and at the end. NULL: nothing is
     * recorded and nothing checked. */
    const char *checker;
    double check_interval_s;
    /* Some threads create and drop the objects others use (errors about
     * concurrently dropped objects are then expected). */
    bool objects_change;
    /* What the thread panel calls the threads' labels ("FSM STATE") when
     * they say more than the action's list; that column then stays on
     * narrow screens in place of the action's. NULL: "LIST". */
    const char *label_title;
    /* The schemas the workload's tables live in (nschemas of them), which
     * a front-end shows in place of the chaos catalog's objects (alive
     * until close). NULL: none. */
    const char *const *schemas;
    size_t nschemas;
} wl_run_info;

/* What a workload tells the engine about one thread (filled by
 * thread_open; zeroed before). */
typedef struct wl_thread_info {
    /* Shown in the thread panel until ax_set_label changes it. Must live
     * as long as the per-run context. NULL: "-". */
    const char *label;
    /* Each action's first statement opens a transaction at the run's
     * isolation level (BEGIN ...); the engine ends it at random points.
     * false: statements run in autocommit unless the action calls
     * ax_begin. */
    bool transactional;
    /* Run on every new connection of the thread, after the isolation
     * level is set and before it is read back; errors are ignored (a
     * role that may not set a setting keeps the server's). NULL: none.
     * Must live as long as the per-thread context. */
    const char *session_sql;
} wl_thread_info;

/* What next returns besides a row index. */
enum {
    WL_NEXT_WAIT = -1,  /* nothing to run now (every weight 0): asked again soon */
    WL_NEXT_END = -2,   /* the thread is done (FSM iterations): it ends; when every
                           thread has ended, the run stops */
};

typedef struct workload_def workload_def;

struct workload_def {
    const char *name;            /* "chaos", "bank", ... (--workload) */
    const char *summary;         /* one line for --help */
    const wl_param *params;      /* every parameter it reads (--param) */
    size_t nparams;
    const void *data;            /* static data for hooks shared by several workloads */

    /* Returns the rows it has whatever the settings (without profile
     * custom actions, FSM files...), so a profile's weight names can be
     * checked before a run; sets *n. Static; NULL with *n = 0 for none. */
    const action_def *(*known_rows)(const workload_def *d, size_t *n);

    /* A profile section the workload reads itself ("fsm"), or NULL.
     * load_section checks it (node of the libyaml document doc, read from
     * path) and keeps in *cfg what the run needs; false with *err
     * ("FILE:LINE:COL: message", caller frees) when it is malformed. */
    const char *section;
    bool (*load_section)(void *doc, void *node, const char *path, run_config *cfg, char **err);
    /* Returns whether cfg gives the workload a row (list, name) that
     * known_rows does not list (an FSM transition), so a profile may set
     * its weight. May be NULL. */
    bool (*settings_row)(const run_config *cfg, action_list list, const char *name);

    /* Makes the per-run context *ctx (may stay NULL) from cfg, the run's
     * own copy (it outlives the context), and fills *info. Returns false
     * with *err (caller frees) when the settings do not suit it. */
    bool (*open)(const workload_def *d, const run_config *cfg, void **ctx, wl_run_info *info,
                 char **err);
    /* Frees the per-run context (may be NULL: nothing to free). */
    void (*close)(void *ctx);

    /* Returns the per-thread context (may be NULL) of thread id (-1: the
     * setup or final session) and fills *t. Called from the thread that
     * starts the worker, while other workers run: it must be thread-safe
     * with respect to ctx. */
    void *(*thread_open)(void *ctx, int id, wl_thread_info *t);
    /* Frees a per-thread context (may be NULL: nothing to free). */
    void (*thread_close)(void *ctx, void *thread);

    /* Returns the index of the row the worker runs next, WL_NEXT_WAIT or
     * WL_NEXT_END. Runs on the worker's thread (a->thread is its own). */
    int (*next)(actx *a);

    /* Prepares the database (and resets the per-run state) on a's
     * session before any worker starts. Returns false on failure (the
     * worker's error says why; the run ends with exit 2). */
    bool (*setup)(actx *a);
    /* Runs once after every worker stopped, on a fresh session (may be
     * NULL). Returns false when it failed (noted as an event). */
    bool (*final)(actx *a);
};

/* ---- the registry ---- */

/* Installs the workloads a run may be handed (main.c, once, before the
 * command line is parsed). defs (n entries) must outlive every run. */
void workloads_install(const workload_def *const *defs, size_t n);

/* Returns the installed workload called name, or NULL. */
const workload_def *workload_find(const char *name);

/* Returns every installed workload and sets *n. */
const workload_def *const *workloads_all(size_t *n);

/* Returns the installed workload that reads the profile section key, or
 * NULL. */
const workload_def *workload_for_section(const char *key);

/* Returns true when an installed workload has the row (list, name) given
 * cfg's settings (settings_row). */
bool workload_settings_row(const run_config *cfg, action_list list, const char *name);

/* Returns w's parameter called name, or NULL. */
const wl_param *workload_param(const workload_def *w, const char *name);

/* Returns true when a workload has a row (list, name) among its known
 * rows. Otherwise, when known is not NULL, appends the names the
 * workloads have in list to it (", "-separated). */
bool workload_action_known(action_list list, const char *name, sqlbuf *known);

/* ---- what hooks and actions call on a worker ---- */

/* Draws one of the rows rows[0..n) (rows NULL: rows 0..n-1 of the table)
 * by their live weights, with the worker's own stream. Returns the row's
 * index, or WL_NEXT_WAIT when every weight is 0. */
int ax_draw(actx *a, const size_t *rows, size_t n);

/* Returns row i's live weight (0 for an unknown row). */
unsigned ax_weight(const actx *a, size_t i);

/* Says which errors the statements the action runs from now on expect:
 * rules (ERROR_RULES_END-terminated; NULL: none) take the place of the
 * action row's expected errors until the action ends, so an action made
 * of steps (an FSM state) judges each failure by the rules of the step
 * that failed. The profile's rules and the built-in table still follow.
 * rules must live as long as the action runs. */
void ax_expect_errors(actx *a, const error_rule *rules);

/* Shows label (e.g. an FSM state's name) in the thread panel. label must
 * live as long as the per-run context. */
void ax_set_label(actx *a, const char *label);

/* Reports an assertion: each is counted under its name and place (the
 * checker panel, the report and the summary list them); a failed one is
 * also a finding (kept with the action, the message 'assertion failed:
 * "name" in where: expected ..., got ...', detail and the last statement)
 * and makes the run exit 1. */
void ax_assert(actx *a, const assertion *x);

#endif
