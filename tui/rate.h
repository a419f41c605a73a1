/* rate.h - operations per second: the current rate and one sample per
 * second for the last minute (the header's sparkline). Fixed size, no
 * allocation. */
#ifndef MELEE_TUI_RATE_H
#define MELEE_TUI_RATE_H

#include <stdint.h>

#define RATE_SECONDS 60
#define RATE_WINDOW 40

typedef struct rate_hist {
    double per_sec[RATE_SECONDS];    /* ring of one-second rates */
    int n, head;                     /* samples held, next slot */
    long sec;                        /* whole second of the last sample */
    uint64_t sec_ops;                /* ops at that second */
    double sec_t;
    uint64_t win_ops[RATE_WINDOW];   /* recent (time, ops) pairs */
    double win_t[RATE_WINDOW];
    int win_n, win_head;
    double current;
} rate_hist;

/* Feeds the run's elapsed time and total ops of a new snapshot. */
void rate_update(rate_hist *h, double t, uint64_t ops);

/* Copies up to max one-second samples, oldest first, into out; returns
 * how many. */
int rate_series(const rate_hist *h, double *out, int max);

#endif
