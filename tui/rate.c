/* rate.c - ops/s over a sliding window and a one-minute history. */
#include "rate.h"

void rate_update(rate_hist *h, double t, uint64_t ops)
{
    /* Current rate: against the oldest pair at most about a second old. */
    h->win_t[h->win_head] = t;
    h->win_ops[h->win_head] = ops;
    h->win_head = (h->win_head + 1) % RATE_WINDOW;
    if (h->win_n < RATE_WINDOW)
        h->win_n++;
    /* The newest pair at least a second old, else the oldest one. */
    int pick = -1;
    for (int k = 1; k < h->win_n; k++) {
        int i = (h->win_head - 1 - k + 2 * RATE_WINDOW) % RATE_WINDOW;
        pick = i;
        if (t - h->win_t[i] >= 0.95)
            break;
    }
    if (pick >= 0 && t - h->win_t[pick] > 0.05)
        h->current = (double)(ops - h->win_ops[pick]) / (t - h->win_t[pick]);
    long sec = (long)t;
    if (h->n == 0 && h->sec == 0 && h->sec_t == 0) {
        h->sec = sec;
        h->sec_ops = ops;
        h->sec_t = t;
        return;
    }
    if (sec <= h->sec)
        return;
    double dt = t - h->sec_t;
    double v = dt > 0 ? (double)(ops - h->sec_ops) / dt : 0;
    /* One sample per whole second passed (a slow refresh repeats it). */
    for (long s = h->sec; s < sec && s - h->sec < RATE_SECONDS; s++) {
        h->per_sec[h->head] = v;
        h->head = (h->head + 1) % RATE_SECONDS;
        if (h->n < RATE_SECONDS)
            h->n++;
    }
    h->sec = sec;
    h->sec_ops = ops;
    h->sec_t = t;
}

int rate_series(const rate_hist *h, double *out, int max)
{
    int n = h->n < max ? h->n : max;
    int start = (h->head - n + RATE_SECONDS) % RATE_SECONDS;
    for (int i = 0; i < n; i++)
        out[i] = h->per_sec[(start + i) % RATE_SECONDS];
    return n;
}
