/* schedule.h - when faults start and how long they last, drawn from the run
 * seed: nothing during a quiet start, then a fault, a heal, a quiet gap of
 * about `interval` seconds and the next; the last fault heals `recovery`
 * seconds before the end of the run so the final reads see a healed server.
 * Pure: the same configuration and seed give the same plan. */
#ifndef MELEE_SCHEDULE_H
#define MELEE_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../rng.h"

#define SCHEDULE_MAX_KINDS 16

typedef enum schedule_order {
    ORDER_RANDOM,             /* each kind drawn at random */
    ORDER_CYCLE,              /* the kinds in turn */
} schedule_order;

typedef struct schedule_cfg {
    int kinds[SCHEDULE_MAX_KINDS];   /* fault kind indexes (fault_kind) */
    size_t nkinds;
    schedule_order order;
    double interval_s;        /* mean gap from one heal to the next start */
    double duration_s;        /* mean length of a fault */
    double quiet_s;           /* no fault before this */
    double recovery_s;        /* no fault in the last seconds of the run */
    double run_s;             /* the run's duration, 0: until stopped */
} schedule_cfg;

/* Returns the i-th order's name ("random", "cycle"), NULL past the end. */
const char *schedule_order_at(size_t i);

/* One planned fault. */
typedef struct planned_fault {
    int kind;
    double start_s, end_s;
} planned_fault;

typedef struct schedule {
    schedule_cfg cfg;
    rng_t rng;
    size_t drawn;             /* faults planned so far */
    double next_start_s;      /* when the next fault may start */
} schedule;

/* Each random draw lies in [SCHEDULE_STAGGER_LO, SCHEDULE_STAGGER_HI]
 * times its mean. */
#define SCHEDULE_STAGGER_LO 0.5
#define SCHEDULE_STAGGER_HI 1.5

/* Starts a schedule for cfg (copied) from the run seed. */
void schedule_init(schedule *s, const schedule_cfg *cfg, uint64_t seed);

/* Plans the next fault: its kind, start and end, never before after_s (the
 * caller passes the time the previous fault really healed). Returns false
 * when no fault fits before the recovery window (or there are no kinds). */
bool schedule_next(schedule *s, double after_s, planned_fault *out);

/* Returns the time from which no fault may run: run_s - recovery_s, or a
 * negative number when the run has no end. */
double schedule_last_heal(const schedule *s);

#endif
