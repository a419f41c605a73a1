/* metrics.h - a run's metrics, one JSON line per second (--report DIR).
 *
 * A thread of its own samples what the workers already publish (per-action
 * counters and cumulative latency histograms, thread states, the fault
 * list, the checker's verdict) and writes the differences since the last
 * row to DIR/metrics.jsonl ("fault": the errors an injected fault
 * explained, which the actions count as ignored too):
 *   {"t":3.0,"dt":1.0,"actions":{"read.point":{"ok":812,"ignored":0,...,
 *    "p50_us":90,"p90_us":130,"p99_us":300,"max_us":950}},
 *    "fault":3,"states":{"running":5,...},
 *    "faults":[{"kind","target","start_s","end_s"}],
 *    "check":{"checker":"bank","verdict":"valid","history_ops":1200}}
 * Workers never wait on it, and do nothing for it: it wakes once a second
 * and reads the counters and histograms every run keeps. */
#ifndef MELEE_METRICS_H
#define MELEE_METRICS_H

struct run;
typedef struct metrics metrics;

/* Creates dir (and its parents) and dir/metrics.jsonl. Returns the writer
 * (free with metrics_free), or NULL with *err set (caller frees). */
metrics *metrics_open(const char *dir, char **err);

/* Starts sampling r once a second (m may be NULL: nothing to do). */
void metrics_start(metrics *m, struct run *r);

/* Writes the last, partial second and stops the thread; idempotent. */
void metrics_stop(metrics *m);

/* Stops if needed, closes the file and frees m (NULL is fine). */
void metrics_free(metrics *m);

#endif
