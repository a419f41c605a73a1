/* wl_util.h - what the invariant workloads (actions/wl_*.c) share: their
 * definitions for the registry, and the invoke / run / complete pattern
 * every recorded operation follows (checkers-spec.md §6.0).
 *
 * The pattern: build the invocation value, ax_hist_invoke it, run the
 * statements, then end with exactly one of wl_finish (success: commits an
 * open transaction and records ok), wl_failed (a statement failed: records
 * fail or info) or wl_abort (the client gives up: rolls back, records
 * fail). Those three take ownership of the values they are given. */
#ifndef MELEE_WL_UTIL_H
#define MELEE_WL_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "../core/engine/workload.h"

extern const workload_def wl_chaos;
extern const workload_def wl_bank;
extern const workload_def wl_counter;
extern const workload_def wl_set;
extern const workload_def wl_long_fork;
extern const workload_def wl_register;
extern const workload_def wl_multi_register;
extern const workload_def wl_append;
extern const workload_def wl_default_value;
extern const workload_def wl_fsm;

/* The test-only parameter every invariant workload has: the client lies
 * in the history now and then, so a test can prove the checker notices. */
#define WL_PARAM_CLIENT_FAULT \
    {"client_fault", 0, "test only: 1 makes the client misreport some operations"}

/* ---- the hooks the invariant workloads share ----
 * An invariant workload is a small table of rows (list dml_nontrans:
 * statements run in autocommit unless the action opens a transaction
 * with ax_begin), a checker, and zeroed per-run and per-thread state of
 * its own (setup initialises the per-run state). Its workload_def sets
 * .data to its wl_jepsen and WL_JEPSEN_HOOKS; every thread draws its next
 * row among all rows by the live weights. */
typedef struct wl_jepsen {
    const action_def *rows;
    size_t nrows;
    const char *checker;        /* check_history name */
    const char *schema;         /* where its tables live (the console shows them) */
    double check_interval_s;    /* seconds between live checks */
    size_t run_size;            /* bytes of per-run state, 0: none */
    size_t thread_size;         /* bytes of per-thread state, 0: none */
} wl_jepsen;

const action_def *wl_jepsen_known_rows(const workload_def *d, size_t *n);
bool wl_jepsen_open(const workload_def *d, const run_config *cfg, void **ctx,
                    wl_run_info *info, char **err);
void wl_jepsen_close(void *ctx);
void *wl_jepsen_thread_open(void *ctx, int id, wl_thread_info *t);
void wl_jepsen_thread_close(void *ctx, void *thread);
int wl_jepsen_next(actx *a);

#define WL_JEPSEN_HOOKS                                                              \
    .known_rows = wl_jepsen_known_rows, .open = wl_jepsen_open, .close = wl_jepsen_close, \
    .thread_open = wl_jepsen_thread_open, .thread_close = wl_jepsen_thread_close,      \
    .next = wl_jepsen_next

/* Returns the workload's per-run state (run_size bytes), or NULL. */
void *wl_run_state(const actx *a);

/* Returns the thread's own state (thread_size bytes), or NULL (the setup
 * and final sessions have none). */
void *wl_thread_state(const actx *a);

/* What a failed operation could have done: a read never changes anything,
 * so its failure is always definite. */
typedef enum wl_effect {
    WL_READ,
    WL_WRITE
} wl_effect;

/* Commits the open transaction, if any, and records f as ok with ok_value
 * (NULL: the invocation's value). When COMMIT fails it records the failure
 * as wl_failed does, with inv. Returns ACT_OK or ACT_FAIL. Takes ownership
 * of inv and ok_value. */
act_result wl_finish(actx *a, const char *f, wl_effect e, json_object *inv,
                     json_object *ok_value);

/* Records the completion of f after a failed statement: fail when it
 * definitely had no effect (a read; an error inside a transaction before
 * COMMIT), info when it may have (connection lost, hang, COMMIT or an
 * autocommit write interrupted). Returns ACT_FAIL so the engine classifies
 * the error. Takes ownership of inv. */
act_result wl_failed(actx *a, const char *f, wl_effect e, json_object *inv);

/* The client abandons f (a missing account, a refused CAS...): rolls back
 * an open transaction and records fail with value (NULL: json null).
 * Returns ACT_OK, or ACT_FAIL (recording nothing more) when the rollback
 * itself failed. Takes ownership of value. */
act_result wl_abort(actx *a, const char *f, json_object *value);

/* Runs each statement of a NULL-terminated list in turn. Returns false at
 * the first failure. */
bool wl_exec_all(actx *a, const char *const *sql);

/* Reads result cell (row, col) as an integer into *out. Returns false for
 * SQL NULL, a missing cell or text that is not an integer. */
bool wl_cell_int(const actx *a, int row, int col, int64_t *out);

/* Returns the cell as a json integer, or NULL (json null) when it is SQL
 * NULL or not an integer. The caller owns the result. */
json_object *wl_cell_json(const actx *a, int row, int col);

/* Returns a micro-operation [f, k, v] (v taken over; NULL is json null). */
json_object *wl_mop(const char *f, int64_t k, json_object *v);

/* ---- test-only client faults ----
 * The workload parameter client_fault (default 0) makes the client lie
 * about what happened, so that a test can prove the workload's checker
 * catches it. Each workload's header says how it lies. It is for tests of
 * melee itself: a run with it set is expected to be judged invalid. */

/* Returns true when client_fault is set and this operation is one of the
 * one in WL_FAULT_ODDS that lie. Without the parameter it draws nothing
 * from the worker's stream, so runs stay reproducible. */
bool wl_client_fault(actx *a);

#define WL_FAULT_ODDS 4

/* Returns an index in [0, n) drawn so that each is half as likely as the
 * one before, the last taking the remainder (Jepsen's exponential key
 * distribution, base 2). */
size_t wl_pick_exponential(rng_t *r, size_t n);

/* Shuffles v[0..n) in place. */
void wl_shuffle(rng_t *r, int64_t *v, size_t n);

#endif
