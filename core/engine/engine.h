/* engine.h - a run: config + N worker threads + a tracked catalog + stats +
 * an event ring, behind a small API.
 *
 * Front-ends (headless, the console) use only this header: they create and
 * start a run, read consistent snapshots at their own pace, and steer it
 * with the control calls. Workers never wait on a front-end. */
#ifndef MELEE_ENGINE_H
#define MELEE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "assertions.h"
#include "catalog.h"
#include "../config/config.h"
#include "errclass.h"

typedef struct run run;
struct tcp_proxy;

/* What a worker is doing, shown as-is by the front-ends. */
typedef enum worker_state {
    WS_STARTING,      /* thread created, not yet connected */
    WS_CONNECTING,    /* opening its connection */
    WS_IDLE,          /* between actions, no transaction open */
    WS_RUNNING,       /* a statement is in flight */
    WS_IDLE_IN_TXN,   /* between actions with a transaction open */
    WS_WAITING,       /* waiting for a tracked object's lock */
    WS_PAUSED,        /* paused by the operator, no transaction open */
    WS_FROZEN,        /* held by the operator inside its open transaction */
    WS_RECONNECTING,  /* lost its connection, backing off */
    WS_HUNG,          /* a statement ran past the hang limit */
    WS_STOPPED,       /* finished */
    WS_COUNT
} worker_state;

/* Returns the state's display name: "running", "idle in txn", ... */
const char *worker_state_name(worker_state s);

#define SNAP_SQL_LEN 160
#define DETAIL_HISTORY 8

#define SNAP_LABEL_LEN 32

typedef struct thread_snap {
    int id;
    char label[SNAP_LABEL_LEN]; /* the workload's word for it: its list, FSM state... */
    worker_state state;
    int action;                 /* index into run_snapshot.actions, -1 none */
    double action_s;            /* how long the current action has run */
    uint64_t ok, ignored, unexpected, skipped;
    uint64_t last_latency_us;
    int pid;                    /* backend pid, 0 when not connected */
    bool paused;                /* pause requested (state shows when it took) */
    bool freeze;                /* freeze requested (state WS_FROZEN once held) */
    double frozen_s;            /* how long it has been frozen, 0 when not */
    char sql[SNAP_SQL_LEN];     /* short form of the current/last statement */
} thread_snap;

typedef struct run_totals {
    uint64_t ops;        /* actions attempted (ok + ignored + unexpected) */
    uint64_t ok, ignored, unexpected, skipped;
    uint64_t crashes, hangs;
    uint64_t faulted;    /* errors an injected fault explains (counted in ignored too) */
    uint64_t statements; /* SQL statements sent */
    uint64_t asserts_passed, asserts_failed; /* the workload's assertions (FSM expect:) */
} run_totals;

typedef struct action_snap {
    const char *name;    /* owned by the run */
    action_list list;
    unsigned weight;
    uint64_t ok, ignored, unexpected, skipped;
    uint64_t p50_us, p99_us, max_us;
} action_snap;

/* One event of the ring: an error, a crash, a hang, a fault, a note. */
typedef struct run_event {
    uint64_t seq;
    double t;             /* seconds since the run started */
    int thread;           /* -1: the engine itself */
    err_class cls;        /* EC_NONE for notes */
    char action[48];      /* "list.action" */
    char sqlstate[6];
    char *message;        /* owned by the snapshot / event */
    char *detail;
    char *hint;
    char *sql;
    bool routine;         /* expected and frequent (a worker's own cancel or terminate):
                             kept apart from the notable events, as ignored errors are */
} run_event;

/* One fault, active or past (kill, pause, network... and today the
 * cancel/terminate scenarios the chaos workload runs). */
/* The past faults a running snapshot keeps (every active one besides). */
#define SNAP_FAULTS_PAST 64

typedef struct fault_snap {
    char kind[24];        /* "cancel", "terminate", "server-crash", ... */
    char target[64];      /* "worker 3 (pid 1234)" */
    double start_s;
    double end_s;         /* < 0 while active */
} fault_snap;

/* The checker's latest verdict on the recorded history (invariant
 * workloads only). */
typedef struct check_anomaly_snap {
    char type[32];
    size_t count;
    char *example;            /* plain-words explanation (owned by the snapshot) */
} check_anomaly_snap;

typedef struct check_snap {
    bool enabled;             /* an invariant workload runs */
    char checker[24];         /* "bank", "append", ... */
    int verdict;              /* -1 not checked yet, else a check.h verdict */
    char reason[160];
    char stats[160];
    uint64_t history_ops;     /* records in the history so far */
    double checked_at_s;      /* when the verdict was computed */
    size_t nanomalies;
    check_anomaly_snap *anomalies;
} check_snap;

/* One of the workload's tables, as the server's statistics count it
 * (they lag by about a second). */
typedef struct table_snap {
    char schema[64];
    char name[64];
    int64_t rows;             /* live rows */
    int64_t writes;           /* rows inserted, updated and deleted since it was made */
} table_snap;

typedef struct run_snapshot {
    char workload[160];       /* the workload's name, "/variant" when it has one */
    char label_title[16];     /* the workload's title for thread labels, "" for LIST */
    double elapsed_s;
    double duration_s;        /* 0 = until stopped */
    uint64_t seed;
    bool finished;
    int nthreads;
    thread_snap *threads;
    run_totals totals;
    int counts[OBJ_KIND_COUNT];
    int limits[OBJ_KIND_COUNT];
    size_t nactions;
    action_snap *actions;
    size_t nevents;
    run_event *events;        /* the events asked for, oldest first */
    uint64_t events_missed;   /* of those, how many were overwritten before this snapshot */
    size_t faults_total;      /* faults so far */
    size_t nfaults;
    fault_snap *faults;       /* newest last: every active one and the newest
                               * SNAP_FAULTS_PAST past ones (all of them in
                               * run_snapshot_full) */
    char fault_next[96];      /* what comes next, e.g. "cancel: weight 5 in read" */
    check_snap check;
    size_t nasserts;
    assertion_row *asserts;   /* each assertion checked so far, failed ones first */
    bool tables_watched;      /* run_watch_tables follows the workload's tables */
    char tables_note[96];     /* why there are none ("" when fine) */
    size_t ntables;
    table_snap *tables;
} run_snapshot;

/* Statements of one thread, for an expanded view. */
typedef struct thread_detail {
    char *current_sql;                 /* full text, owned */
    int nhistory;
    struct {
        char *sql;                     /* owned */
        err_class cls;
        char sqlstate[6];
        uint64_t latency_us;
    } history[DETAIL_HISTORY];         /* oldest first */
} thread_detail;

/* ---- lifecycle ---- */

/* Creates a run for cfg (deep-copied), checking everything that can be
 * checked without a server (threads, workload, its parameters, weights).
 * Returns NULL and sets *err (caller frees) when the config is unusable. */
run *run_new(const run_config *cfg, char **err);

/* Connects to conninfo (libpq conninfo or URI; "" uses the PG* variables),
 * sets up the catalog, starts the workers. Returns 0, or -1 with *err set
 * (caller frees) when the server cannot be reached or set up. */
int run_start(run *r, const char *conninfo, char **err);

/* Follows the server's log file (the embedded server's) and reports
 * PANIC, assertion failures and backends terminated by signals as crash
 * events. Returns false when the file cannot be opened. */
bool run_watch_server_log(run *r, const char *path);

/* Follows the tables of the schemas the workload names (a workload that
 * is not chaos: its own tables), once a second, for the snapshot's tables
 * (call after run_start; the run stops it). Returns false when the
 * workload names none. */
bool run_watch_tables(run *r);

/* Asks every worker to stop; returns at once. */
void run_stop(run *r);

/* Returns true when the workload reads once more after the workers stop
 * (run_join runs those final reads). */
bool run_has_final_reads(run *r);

/* Returns true once the duration has passed or run_stop was called. */
bool run_should_stop(run *r);

/* Returns the seconds since the run started (0 before it did), counted to
 * its end once it ended. Cheap: no snapshot. */
double run_elapsed_s(const run *r);

/* Waits for every worker to finish (call after run_stop). */
void run_join(run *r);

/* Frees the run (after run_join). */
void run_free(run *r);

/* ---- reading ---- */

/* Returns a consistent snapshot (owned by the caller, free it with
 * run_snapshot_free). events_after NULL: no events; else the events with a
 * sequence number above *events_after (give the newest one you hold, 0 at
 * first), so that a reader keeping its own tail copies each event once. */
run_snapshot *run_snapshot_take(run *r, const uint64_t *events_after);

/* Like run_snapshot_take(r, NULL), with every fault of the run (a chaos
 * run issues thousands): for the reports written at its end. */
run_snapshot *run_snapshot_full(run *r);
void run_snapshot_free(run_snapshot *s);

/* Fills *d with thread i's full current statement and recent history.
 * Returns false for an unknown thread. Free with thread_detail_free. */
bool run_thread_detail(run *r, int i, thread_detail *d);
void thread_detail_free(thread_detail *d);

/* Returns the target as shown to people (password masked), the server
 * version string, and the run's config (owned by the run). */
const char *run_target(run *r);
const char *run_server_version(run *r);
const run_config *run_get_config(run *r);

/* ---- control ---- */

/* Sets action i's weight (0 disables it); workers' draws follow at once. */
void run_set_weight(run *r, size_t action, unsigned weight);

/* Pauses or resumes worker i, or every worker when i < 0. A paused worker
 * finishes or cancels its statement and ends its transaction first. */
void run_pause(run *r, int i, bool paused);

/* Freezes worker i (frozen true) or lets it go. A freezing worker holds
 * right after its next statement that leaves its transaction open (at once
 * when it is between actions inside one), keeping the transaction, its
 * locks and its snapshot; let go, it goes on in the same transaction. A
 * stop lets it go too, and it ends its transaction. Returns false, and
 * changes nothing, when i is unknown or asked to freeze while its actions
 * all run in autocommit (nothing to hold: pause it instead). */
bool run_freeze(run *r, int i, bool frozen);

/* Changes the number of workers while running. Returns the new count. */
int run_set_threads(run *r, int n);

/* Sets the limit of a tracked object kind. */
void run_set_limit(run *r, obj_kind k, int limit);

/* Applies a server flag with ALTER SYSTEM SET (value) or ALTER SYSTEM RESET
 * (value NULL) and reloads, on the run's control connection. Returns true on
 * success; *msg (caller frees) gets the result or the server's error. */
bool run_set_flag(run *r, const char *name, const char *value, char **msg);

/* Reads the current server value of a flag (SHOW). Returns a string the
 * caller frees, or NULL with *msg set on error. */
char *run_show_flag(run *r, const char *name, char **msg);

/* Fills *out (caller frees with config_free) with the run's live settings:
 * the config it started with, updated with current weights, limits and
 * thread count. */
void run_live_config(run *r, run_config *out);

/* Applies a profile's weights and limits to the running run, and its flag
 * values (the first candidate of each flag) when apply_flags is set.
 * Returns the number of settings applied. */
int run_apply_config(run *r, const run_config *cfg, bool apply_flags);

/* ---- faults ----
 * A nemesis announces each fault it injects as a window. Until
 * run_fault_end, and grace_s after it, an error that no rule expects, a
 * lost connection included, is class fault: counted apart, never a
 * finding (the rule condition WHEN_FAULT holds). The fault panel lists
 * the window. */

/* Opens a window for a fault of kind ("kill", "pause", ...) on target (as
 * shown). Returns its id for run_fault_end. */
int run_fault_begin(run *r, const char *kind, const char *target, double grace_s);

/* Closes window id; its grace period starts now. */
void run_fault_end(run *r, int id);

struct nemesis;

/* The nemesis's side of the windows: opens a window for a fault of kind
 * just before it acts (errors from now on may be its doing), with a grace
 * period of RUN_FAULT_GRACE_S seconds after its end. Returns its id. */
#define RUN_FAULT_GRACE_S 5.0
int run_fault_started(run *r, const char *kind);

/* Records what fault index did to whom: its target, the event tail and
 * the history (a start-KIND info record of the process "nemesis"). */
void run_fault_acted(run *r, int index, const char *what);

/* Records that fault index healed: closes its window (its grace period
 * starts), the event tail and a stop-KIND history record. */
void run_fault_healed(run *r, int index, const char *what);

/* Records the end of instant fault index (terminate, cancel): its
 * window closes and the history gets its stop-KIND record "done"; no
 * event (the start's said it). */
void run_fault_done(run *r, int index);

/* Records that fault index failed to start or heal: an event saying why
 * and its stop (its window closes). */
void run_fault_failed(run *r, int index, const char *why);

/* Makes the workers connect with conninfo, through the fault proxy, while
 * the run's own sessions keep run_start's. Each worker adopts its
 * connection (proxy_adopt), so that it talks to the server directly while
 * no network fault acts on it. proxy stays the caller's and must outlive
 * the workers (run_join). Call before run_start. */
void run_set_worker_proxy(run *r, const char *conninfo, struct tcp_proxy *proxy);

/* Records the settings the private server was started with (postgres
 * -c NAME=VALUE, copied), for the console's header and the summary's
 * server_settings. run_server_settings returns them as one line
 * "name=value ..." ("" when none; owned by the run). */
void run_set_server_settings(run *r, const char *const *names, const char *const *values,
                             size_t n);
const char *run_server_settings(run *r);

/* Adds a note of the nemesis (a node command's output) to the event tail. */
void run_fault_note(run *r, const char *text);

/* Attaches the run's nemesis, for the console's fault panel and dialog
 * (not owned); run_nemesis returns it, or NULL. */
void run_attach_nemesis(run *r, struct nemesis *n);
struct nemesis *run_nemesis(run *r);

/* ---- results ---- */

/* Prints the end-of-run report (per-action table, ignored errors grouped,
 * unexpected errors in full, coverage warnings, seed, how to reproduce). */
void run_report(run *r, FILE *out, int argc, char **argv);

/* Returns the command line that reproduces the run: the same arguments
 * with the seed made explicit (caller frees). */
char *run_repro_command(const run *r, int argc, char **argv);

/* Writes the summary JSON (design.md keys). Returns 0, or -1 with errno. */
int run_write_summary(run *r, const char *path);

/* Returns the exit status: 2 when the run could not go on (see
 * run_fatal_error), 1 when something was found (unexpected error, crash,
 * hang, checker anomaly, failed assertion), else 0. */
int run_exit_code(run *r);

/* Returns why the run could not go on (a session could not get the run's
 * isolation level, ...: exit 2), or NULL. Owned by the run. */
const char *run_fatal_error(run *r);

#endif
