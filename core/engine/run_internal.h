/* run_internal.h - the engine's own structures, shared by core/run*.c,
 * core/worker*.c and core/exec.c. Front-ends never include this. */
#ifndef MELEE_RUN_INTERNAL_H
#define MELEE_RUN_INTERNAL_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "action_def.h"
#include "actx.h"
#include "assertions.h"
#include "catalog.h"
#include "../config/config.h"
#include "../fault/proxy.h"
#include "engine.h"
#include "events.h"
#include "findings.h"
#include "histogram.h"
#include "hold.h"
#include "metrics.h"
#include "recorder.h"
#include "workload.h"
#include "../server/serverlog.h"

/* Bytes that keep the fields before them and the fields after them on
 * different cache lines, whatever the allocation's alignment: between what
 * every worker writes on each statement and what every worker only reads
 * (a write would make the other cores fetch the readers' line again). */
#define CACHE_LINE 64

/* One row of the run's action table: a definition plus its live weight and
 * counters. Counter definitions: ok = the action ran to the end; ignored =
 * a statement failed with an expected error; unexpected = a statement
 * failed with an error that is a finding (crashes and hangs included);
 * skipped = a precondition did not hold, nothing was sent. */
typedef struct run_action {
    const action_def *def;
    char *label;                   /* "list.name" */
    _Atomic unsigned weight;       /* read at every draw */
    char apart_read_[CACHE_LINE];
    _Atomic uint64_t ok, ignored, unexpected, skipped;
    histogram latency;             /* microseconds per action, ok or not */
    char apart_next_[CACHE_LINE];  /* from the next row's def, label and weight */
} run_action;

/* Named prepared statements a worker keeps per connection. */
#define MAX_PREPARED 32

/* A statement of a worker's recent history (for the expanded view). */
typedef struct stmt_record {
    char *sql;
    size_t sql_cap;
    err_class cls;
    char sqlstate[6];
    uint64_t latency_us;
} stmt_record;

typedef struct worker {
    int id;
    struct run *run;
    pthread_t thread;
    bool started;
    rng_t rng;
    actx ax;                       /* ax.thread: the workload's per-thread context */
    wl_thread_info wt;             /* what the workload said about this thread */

    /* Owned by the worker thread. */
    PGconn *conn;
    proxy_link *link;              /* conn adopted from the fault proxy, or NULL */
    uint64_t connects;             /* connections made so far (seeds the server's random()) */
    PGresult *last;                /* last successful result */
    bool in_txn;
    err_facts err;                 /* the failed statement's facts (message NULL: none) */
    bool own_rules;                /* the action gave the running step's rules (ax_expect_errors) */
    const error_rule *step_rules;  /* those rules (NULL: none), in place of the action row's */
    int64_t process;               /* history process number (fresh after info) */
    uint64_t backoff_ms;
    char *connect_err;             /* why the last connection attempt failed */
    char *prepared[MAX_PREPARED];  /* statements prepared by name on this connection */
    int nprepared;

    /* Published for front-ends. */
    _Atomic int state;             /* worker_state */
    _Atomic(const char *) label;   /* the workload's label (lives as long as the run) */
    _Atomic bool ended;            /* the workload ended this thread */
    _Atomic int action;            /* index in run->actions, -1 none */
    _Atomic uint64_t action_start_us;
    _Atomic uint64_t ok, ignored, unexpected, skipped;
    _Atomic uint64_t last_latency_us;
    _Atomic int pid;
    _Atomic uint64_t frozen_at_us; /* when it froze, 0 while not frozen */
    _Atomic bool txn_seen;         /* a statement of it left a transaction open */
    _Atomic bool lock_wait;        /* its backend waits for a server lock (lockwatch) */
    _Atomic bool catalog_wait;     /* it waits for a tracked object's lock */
    pthread_mutex_t slot_mu;       /* guards cur_sql and recent */
    char *cur_sql;
    size_t cur_sql_cap;
    stmt_record recent[DETAIL_HISTORY];
    int nrecent, recent_next;

    /* Control, written by others. */
    _Atomic bool pause_req;
    _Atomic bool freeze_req;       /* hold inside the open transaction (hold.h) */
    _Atomic bool stop_req;
    _Atomic bool retired;          /* removed by run_set_threads */
    char apart_next_[CACHE_LINE];  /* from what follows on the heap (another worker's rng) */
} worker;

/* A fault and its window: errors inside it get the window's condition. */
typedef struct fault_record {
    fault_snap snap;               /* what the fault panel shows */
    unsigned condition;            /* WHEN_FAULT (injected) or WHEN_INTERRUPTED (ours) */
    int worker;                    /* the worker it aims at, -1 every worker */
    int pid;                       /* the backend it aims at (lasts while the worker has
                                      it), 0 a span of time */
    uint64_t start_us, end_us;     /* end_us 0 while open */
    uint64_t grace_us;             /* errors this long after the end are still its doing */
} fault_record;

typedef struct fault_list {
    pthread_mutex_t mu;
    fault_record *v;               /* in the order they began; index = id */
    size_t n, cap;
    size_t first_live;             /* records before it can cover no error any more */
    size_t first_open;             /* records before it have all ended */
} fault_list;

#define MAX_WORKERS 1024
/* How long an announced cancel excuses the victim's error (a terminate
 * excuses its backend's, however late they come). */
#define INTERRUPT_WINDOW_US (10 * 1000000ULL)

struct run {
    run_config cfg;
    char *conninfo;
    char *worker_conninfo;         /* through the fault proxy, or NULL: conninfo */
    tcp_proxy *worker_proxy;       /* that proxy (the fault run's), or NULL */
    struct json_object *server_settings; /* the private server's -c settings (run_server.c) */
    char *server_settings_line;
    char *target;                  /* conninfo with the password masked */
    char *server_version;
    const workload_def *wl;        /* the workload the run was handed */
    void *wl_ctx;                  /* its per-run context */
    bool wl_open;                  /* open succeeded: close is owed */
    wl_run_info wli;               /* what it said about the run */
    recorder *rec;                 /* the history, when the workload has a checker */
    _Atomic int64_t next_process;
    catalog *cat;
    bool ddl_running;              /* some threads change objects under the others */
    _Atomic bool cancels_enabled;  /* cancel/terminate actions have weight */
    error_rule *profile_rules;     /* from cfg.expected, ERROR_RULES_END-terminated */

    run_action *actions;           /* the workload's rows, in its order */
    size_t nactions;

    pthread_mutex_t workers_mu;    /* guards workers/nworkers growth */
    worker *workers[MAX_WORKERS];
    _Atomic int nworkers;          /* slots used, retired ones included */
    _Atomic int threads_max;       /* most workers active at once after a change (run_set_threads) */

    _Atomic bool stop;
    hold_gate gate;                /* where paused, frozen and napping workers sleep */
    _Atomic int nfrozen;           /* workers frozen now */
    _Atomic uint64_t thawed_us;    /* when the last frozen worker was let go */
    uint64_t start_us;
    _Atomic uint64_t end_us;       /* when it stopped, 0 while running */
    _Atomic uint64_t crashes, hangs;
    char apart_read_[CACHE_LINE];  /* statements: from stop, start_us and end_us */
    _Atomic uint64_t statements;   /* every worker adds each statement */
    char apart_next_[CACHE_LINE];
    _Atomic uint64_t faulted;      /* errors an injected fault explains */
    assert_table *asserts;         /* the workload's assertions (ax_assert) */
    pthread_mutex_t fatal_mu;      /* guards fatal */
    char *fatal;                   /* why the run cannot go on (exit 2), or NULL */

    event_ring *events;
    findings *findings;
    fault_list faults;
    _Atomic(struct nemesis *) nemesis;   /* the fault driver, NULL without one */

    pthread_mutex_t control_mu;    /* guards control */
    PGconn *control;

    pthread_mutex_t log_mu;
    FILE *log;
    serverlog *slog;
    struct poller *lockwatch;      /* marks workers waiting for server locks */
    _Atomic(struct tablewatch *) tablewatch; /* the workload's tables, when a front-end
                                                wants them (run_watch_tables) */
    metrics *metrics;              /* --report: one metrics row per second */
};

/* worker.c */
worker *worker_new(run *r, int id);
int worker_start(worker *w);
void worker_free(worker *w);
/* Publishes the statement being run (copied) for front-ends. */
void worker_publish_sql(worker *w, const char *sql);

/* Returns the WHEN_* conditions that hold for w's recorded failure: the
 * run's (DDL runs, cancels drawable) and the fault windows covering it. */
unsigned worker_conditions(worker *w);
/* Returns the class of w's recorded failure (w->err) in the action def
 * (NULL: none; its expected errors come first, or the running step's
 * when the action gave them with ax_expect_errors). */
err_class worker_classify(worker *w, const action_def *def);
/* session.c: sets up w's new connection (application name, isolation
 * level read back, the workload's session SQL, setseed). Returns false
 * when the session cannot be used: the connection failed, or the level
 * is not the run's (then the run is stopped with run_fatal). */
bool worker_session_setup(worker *w);

/* Makes a connection drop server notices instead of printing them. */
void worker_quiet_notices(PGconn *c);

/* snapshot.c: the state front-ends show (a running statement that waits
 * for a lock shows as waiting). */
worker_state worker_shown_state(worker *w);

/* exec.c: records the failure of the statement in flight and resets. */
void worker_clear_error(worker *w);
bool worker_connect(worker *w);
void worker_disconnect(worker *w);

/* Lets the worker's connection, when adopted from the fault proxy, talk to
 * the server directly while no network fault acts on it, and go back
 * through the proxy when one does. Call between uses of w->conn: before
 * sending, and before reading what came. */
void worker_settle_link(worker *w);
/* Ends an open transaction quietly (rollback), for pauses and errors. */
void worker_end_txn(worker *w, bool commit);

/* faults.c */
/* Records a fault (the fault panel lists it) and opens its window: errors
 * of worker (-1 any) on backend pid (0 any) from now until faults_close,
 * plus grace_us after it, hold condition (WHEN_*). A window aimed at a
 * backend lasts while its worker keeps that backend. Returns its id. */
int faults_open(run *r, const char *kind, const char *target, unsigned condition, int worker,
                int pid, uint64_t grace_us);
/* Ends window id now (its grace period starts). */
void faults_close(run *r, int id);
/* Returns the WHEN_* conditions the windows give an error of worker on
 * backend pid seen at at_us. */
unsigned faults_conditions(run *r, int worker, int pid, uint64_t at_us);

/* run_faults.c: the steps of fault index as worker w took them (NULL:
 * the nemesis), each an event and a history record. The start sets its
 * target to what; the stop closes its window; done is the stop of an
 * instant fault (terminate, cancel), recorded in the history only, the
 * start's event having said it all; a failure says why in an event and
 * stops it. */
void faults_note_start(run *r, worker *w, int index, const char *what);
void faults_note_stop(run *r, worker *w, int index, const char *what);
void faults_note_done(run *r, worker *w, int index);
void faults_note_failure(run *r, worker *w, int index, const char *why);

/* exec_fault.c: opens the window a worker's terminate or cancel of
 * worker victim's backend pid gives the victim's errors (a terminate's
 * lasts while the victim keeps that backend, a cancel's
 * INTERRUPT_WINDOW_US after it closes); target (cap bytes) gets "worker N
 * (pid P)", the fault's target. Returns its id. */
int faults_open_interrupt(run *r, fault_kind k, int victim, int pid, char *target, size_t cap);

/* run.c */
/* Stops the run for a reason that makes it unusable (exit 2): the first
 * reason is kept (msg copied). */
void run_fatal(run *r, const char *msg);
/* Adds a worker with the next id and starts its thread. Returns 0, or
 * -1 when MAX_WORKERS are there already or the thread did not start. The
 * run owns the worker (run_join frees it). */
int run_add_worker(run *r);
/* Called by a worker the workload ended: stops the run once every
 * active worker has ended. */
void run_note_thread_end(run *r);
/* Returns whether an action that interrupts other workers can be drawn. */
bool run_cancels_drawable(run *r);
double run_elapsed(const run *r);
/* Records what w's failure (w->err, of class cls) means for the run: an
 * event, a counted ignored error or a kept finding, a log line. label
 * names the action ("list.action", "setup"). */
void run_note_failure(run *r, worker *w, const char *label, err_class cls);
/* Writes one line to the statement log (when there is one): time, thread,
 * outcome, latency, SQLSTATE of a failure, the SQL on one line that runs
 * as it was sent (sb_sql_one_line) and, when it had $n parameters, their
 * values as a "-- with $1 = '...'" comment. */
void run_log_statement(run *r, worker *w, const char *sql, int nparams,
                       const char *const *params, err_class cls, const char *sqlstate,
                       uint64_t latency_us);
/* Pushes a note of worker w that is routine (expected and frequent: its
 * own cancels and terminates), which front-ends keep apart from the
 * notable events as they do ignored errors. */
void run_push_routine(run *r, worker *w, const char *action, const char *message);
/* Pushes an engine event (thread -1 unless w). */
void run_push_event(run *r, worker *w, err_class cls, const char *action, const char *sqlstate,
                    const char *message, const char *detail, const char *sql);

#endif
