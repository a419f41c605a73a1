/* actx.h - what an action sees while it runs on a worker.
 *
 * An action builds SQL and runs it through ax_* calls on the worker's own
 * connection. Every ax_* call that runs SQL returns true on success; on
 * failure it returns false, the error is kept in the worker (the engine
 * classifies and counts it when the action returns) and the action should
 * return ACT_FAIL at once.
 *
 * When the thread is transactional (the workload says so: the chaos
 * lists read, fetch and write) the first statement opens a transaction
 * (BEGIN ISOLATION LEVEL <run's level>) unless one is open; the engine
 * commits or rolls back at random points. Otherwise statements run in
 * autocommit unless the action calls ax_begin. */
#ifndef MELEE_ACTX_H
#define MELEE_ACTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "catalog.h"
#include "../check/history.h"
#include "../config/config.h"
#include "../fault/kinds.h"
#include "../rng.h"
#include "../sqlbuf.h"

struct worker;
struct run;
struct action_def;

typedef struct actx {
    struct worker *w;
    struct run *run;
    int worker_id;                   /* -1: the setup or final session */
    bool transactional;              /* actions run inside transactions */
    void *wl;                        /* the workload's per-run context */
    void *thread;                    /* the workload's per-thread context */
    rng_t *rng;                      /* the worker's own stream */
    catalog *cat;
    const run_config *cfg;
    const struct action_def *action; /* the action being run */
    sqlbuf sql;                      /* scratch buffer, reset before each action */
} actx;

/* Runs one statement (simple query protocol). */
bool ax_exec(actx *a, const char *sql);

/* Like ax_exec with printf-style formatting. */
bool ax_execf(actx *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs sql with real $1..$n parameters (text format, types inferred by the
 * server or given by casts in the SQL). values[i] may be NULL for SQL NULL. */
bool ax_exec_params(actx *a, const char *sql, int n, const char *const *values);

/* Runs sql through PQsendPrepare + PQsendQueryPrepared (extended protocol
 * with a named prepared statement that is deallocated afterwards). */
bool ax_exec_prepared(actx *a, const char *sql, int n, const char *const *values);

/* Runs sql as the prepared statement called name: prepared on the
 * worker's connection the first time (again after a reconnect), then
 * executed by name with $1..$n, as pgbench -M prepared does. A name always
 * stands for the same sql. */
bool ax_exec_named(actx *a, const char *name, const char *sql, int n,
                   const char *const *values);

/* Runs sql by a randomly chosen route: simple, params (when n > 0) or
 * prepared. Use for statements that work any way. */
bool ax_exec_any(actx *a, const char *sql, int n, const char *const *values);

/* Runs COPY ... FROM STDIN and sends data (len bytes) through libpq's COPY
 * API. */
bool ax_copy_in(actx *a, const char *copy_sql, const char *data, size_t len);

/* Runs COPY ... TO STDOUT and reads all data; *bytes (may be NULL) gets the
 * number of bytes received. */
bool ax_copy_out(actx *a, const char *copy_sql, size_t *bytes);

/* Runs a statement that must not be inside a transaction block (ALTER
 * SYSTEM, CREATE INDEX CONCURRENTLY, VACUUM...): an open transaction is
 * committed or rolled back first. */
bool ax_exec_outside_txn(actx *a, const char *sql);

/* Explicit transaction control. ax_begin opens a transaction at the run's
 * isolation level (no-op when one is open); ax_commit/ax_rollback end it
 * (no-op when none is open). */
bool ax_begin(actx *a);
bool ax_commit(actx *a);
bool ax_rollback(actx *a);
bool ax_in_txn(const actx *a);

/* The last successful statement's result: rows, columns, a value (NULL for
 * SQL NULL or out of range). Valid until the next ax_* call. */
int ax_ntuples(const actx *a);
int ax_nfields(const actx *a);
const char *ax_value(const actx *a, int row, int col);
/* Returns the number of the last result's column called name, or -1. */
int ax_column(const actx *a, const char *name);
/* Number of rows the last command affected (UPDATE/DELETE/INSERT), or 0. */
int64_t ax_affected(const actx *a);

/* Says that the action waits (true) or no longer waits (false) for a
 * tracked object's lock; front-ends show the worker as waiting. */
void ax_set_waiting(actx *a, bool waiting);

/* Replaces the worker's connection with a fresh one (temp objects go). */
bool ax_reconnect(actx *a);

/* Returns the number of workers and, for worker i, its backend pid (0 when
 * not connected). */
int ax_worker_count(const actx *a);
int ax_worker_pid(const actx *a, int i);

/* Fires fault kind k (FK_TERMINATE or FK_CANCEL: the fault kinds
 * table's rows; any other is a bug and aborts) at worker victim's
 * backend, from this worker's own session: the victim's error is
 * expected, not a finding, and the fault is recorded as the nemesis's are
 * (the fault panel and summary with its target and window, the event
 * tail, the history). Returns false when the statement failed (the error
 * is kept as for any ax_* call); true when it ran, whether or not the
 * victim still had that backend. */
bool ax_fault_worker(actx *a, fault_kind k, int victim);

/* ---- histories, for the invariant workloads ----
 * A worker records each operation as an invocation and a completion. The
 * engine numbers records, keeps them for the live checker and writes them
 * to --history as they happen. */

/* Returns the worker's process number; it changes after an info
 * completion, as the history contract requires. */
int64_t ax_process(const actx *a);

/* Records the invocation of f with value (borrowed, not consumed). */
void ax_hist_invoke(actx *a, const char *f, json_object *value);

/* Records the completion of the invocation in flight: H_OK (it happened,
 * value as observed), H_FAIL (it definitely did not), H_INFO (unknown).
 * value is borrowed. After H_INFO the worker takes a fresh process. */
void ax_hist_complete(actx *a, hist_type type, const char *f, json_object *value);

/* Maps the last failure to a completion type: H_INFO when the connection
 * was lost, or when the statement was COMMIT (during_commit) and it timed
 * out or was cancelled; H_FAIL otherwise (serialization failures,
 * deadlocks, errors before COMMIT). */
hist_type ax_failure_type(const actx *a, bool during_commit);

/* Returns the SQLSTATE of the last failure ("" when none). */
const char *ax_error_state(const actx *a);

/* Returns a workload parameter ("accounts", ...): the profile's or the
 * command line's value, else the default of the workload's parameter
 * table. Asking for a parameter the table lacks is a bug: it aborts. */
int64_t ax_param(const actx *a, const char *name);

#endif
