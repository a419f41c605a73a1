/* nemesis.h - the thread that starts and heals faults on a schedule and on
 * the operator's demand, and heals everything when it stops.
 *
 * One fault is active at a time. Every start and heal is reported through
 * hooks (the run turns them into history records, events and fault
 * windows); nemesis_stop, and the exit-time handler it registers, heal
 * whatever is still active, so no exit path leaves a server stopped,
 * paused, skewed or cut off. */
#ifndef MELEE_NEMESIS_H
#define MELEE_NEMESIS_H

#include <stdbool.h>
#include <stdint.h>

#include "kinds.h"
#include "schedule.h"

typedef struct nemesis nemesis;

typedef struct nemesis_cfg {
    schedule_cfg schedule;    /* kinds, order, interval, duration, quiet, recovery */
    fault_params params;      /* parameters of scheduled faults */
} nemesis_cfg;

/* How the run hears of faults; every hook is optional and is called on
 * the nemesis thread (or the thread calling nemesis_stop), never under a
 * lock of the nemesis. t is seconds since nemesis_start's origin. Each
 * fault gets starting, then started and healed, or failed: errors from
 * the moment it starts acting are its doing. */
typedef struct nemesis_hooks {
    void (*starting)(void *arg, fault_kind k, double t);   /* before it acts */
    void (*started)(void *arg, fault_kind k, const char *what, double t);
    void (*healed)(void *arg, fault_kind k, const char *what, double t);
    void (*failed)(void *arg, fault_kind k, const char *why, double t);
    void (*note)(void *arg, const char *text);     /* node command output */
    void *arg;
} nemesis_hooks;

#define NEMESIS_RECENT 8

/* One fault as the console shows it. */
typedef struct nemesis_fault_view {
    fault_kind kind;
    char what[96];
    double start_s, end_s;    /* end < 0 while active */
} nemesis_fault_view;

typedef struct nemesis_view {
    bool active;
    nemesis_fault_view current;
    bool suspended;
    bool planned;             /* a scheduled fault is coming */
    fault_kind next_kind;
    double next_start_s;
    size_t nrecent;
    nemesis_fault_view recent[NEMESIS_RECENT];   /* newest last */
    uint64_t started, failed;
} nemesis_view;

/* Creates a nemesis acting on env (copied; what it points to must outlive
 * the nemesis). Kinds of cfg that env cannot serve are dropped and named
 * in *unavailable (caller frees; NULL when every kind can act). Returns
 * NULL and sets *err (caller frees) when none of the kinds can act. */
nemesis *nemesis_new(const nemesis_cfg *cfg, const fault_env *env, uint64_t seed,
                     const nemesis_hooks *hooks, char **unavailable, char **err);

/* Starts the thread; t0_ns (now_ns clock) is time 0 of the schedule.
 * Returns 0, or -1 and sets *err (caller frees). */
int nemesis_start(nemesis *n, uint64_t t0_ns, char **err);

/* Fires kind k now with params p (NULL: the configured ones) for
 * duration_s seconds (0: the configured mean), healing the active fault
 * first. Returns at once; the nemesis thread acts. */
void nemesis_fire(nemesis *n, fault_kind k, const fault_params *p, double duration_s);

/* Heals the active fault now. Returns at once. */
void nemesis_heal(nemesis *n);

/* Suspends (true) or resumes the schedule; a suspended nemesis still
 * fires by hand. */
void nemesis_suspend(nemesis *n, bool suspended);

/* Fills *v with what is active, what comes next and the last few. */
void nemesis_view_take(nemesis *n, nemesis_view *v);

/* Sets *open to the fault proxy's connections and *direct to those that
 * talk to the server directly now. Returns false when the workers do not
 * go through a proxy. */
bool nemesis_proxy_counts(nemesis *n, size_t *open, size_t *direct);

/* Returns the seconds since the last fault healed (an instant one: since
 * it acted), or a negative number when none has. */
double nemesis_since_heal_s(nemesis *n);

/* Returns true when kind k can act here; nemesis_kind_unavailable
 * returns NULL then, else why not and what to start melee with (static). */
bool nemesis_kind_available(nemesis *n, fault_kind k);
const fault_unavailable *nemesis_kind_unavailable(nemesis *n, fault_kind k);

/* Stops the schedule, heals the active fault and joins the thread.
 * Safe to call more than once and before nemesis_start. */
void nemesis_stop(nemesis *n);

/* Frees n (after nemesis_stop). */
void nemesis_free(nemesis *n);

#endif
