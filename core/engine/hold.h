/* hold.h - where workers wait: paused by the operator, frozen inside a
 * transaction, or napping (reconnect backoff, nothing to draw).
 *
 * Waiting workers sleep on one condition variable of the run, the gate;
 * every control call that changes what a worker should do (pause, freeze,
 * weights, thread count, stop) rings it, and each sleeper looks at its own
 * flags again. A paused worker costs nothing until then. */
#ifndef MELEE_HOLD_H
#define MELEE_HOLD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct run;
struct worker;

typedef struct hold_gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* waits on CLOCK_MONOTONIC */
    uint64_t rings;         /* how often it rang, under mu */
} hold_gate;

/* Prepares g (before any worker or control call can use it). */
void hold_gate_init(hold_gate *g);
void hold_gate_destroy(hold_gate *g);

/* Wakes every waiter to look at its flags again. Call after changing a
 * flag a worker waits on. */
void hold_gate_wake(hold_gate *g);

/* Sleeps until done(arg) holds, the gate rings, or ms milliseconds pass
 * (0: no limit). Returns done(arg). Callers loop on their own condition. */
bool hold_wait(hold_gate *g, bool (*done)(const void *arg), const void *arg, uint64_t ms);

/* Returns true when the worker should end: its own stop or the run's. */
bool worker_stopping(const struct worker *w);

/* The hold_wait condition of a worker (w) that waits for its stop only. */
bool hold_until_stop(const void *w);

/* Sleeps up to ms, returning early when the worker should end. */
void worker_nap(struct worker *w, uint64_t ms);

/* The freeze hold point, called by the worker after a statement or between
 * actions: when the operator asked to freeze it and its transaction is
 * open and healthy, it stays here, the transaction untouched, until let go
 * or stopped. If the server ends the session meanwhile (for instance
 * idle_in_transaction_session_timeout) an event says so, the freeze ends
 * and the failure that follows is not a finding. */
void worker_hold_frozen(struct worker *w);

/* Returns true when a statement sent at t0 has run longer than limit_us,
 * not counting the time while some worker was frozen: a thread the
 * operator holds inside its transaction makes others wait for its locks,
 * and that is no hang. */
bool hold_past_hang_limit(struct run *r, uint64_t t0, uint64_t now, uint64_t limit_us);

#endif
