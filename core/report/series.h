/* series.h - what the report's plots are drawn from: one row per second
 * of a run, read from a run's metrics.jsonl or derived from a history
 * file alone, plus the run's fault windows. */
#ifndef MELEE_SERIES_H
#define MELEE_SERIES_H

#include <stddef.h>
#include <stdint.h>

/* A list of distinct names; index = column. */
typedef struct names {
    char **v;
    size_t n;
} names;

/* Returns the index of s, adding a copy when it is new. */
size_t names_add(names *n, const char *s);
/* Returns the index of s, or -1. */
long names_find(const names *n, const char *s);
void names_free(names *n);

/* Latency columns per action and row. */
enum { LAT_P50, LAT_P90, LAT_P99, LAT_MAX, LAT_COUNT };

typedef struct fault_window {
    char *kind;          /* "cancel", "kill", ... */
    char *target;
    double start_s;
    double end_s;        /* < 0: still active when the record ended */
} fault_window;

typedef struct series {
    size_t nrows;
    double *t;           /* end of each row's interval, seconds since the start */
    double *dt;          /* its length, seconds */
    names outcomes;      /* "ok", "ignored", ... (history: "ok", "fail", "info") */
    double *count;       /* [row * outcomes.n + k]: operations that ended so */
    names actions;
    uint64_t *action_ops;/* [a]: operations over the whole run */
    double *lat_ms;      /* [(row * actions.n + a) * LAT_COUNT + q], NAN: none */
    names states;        /* "running", "waiting", ... */
    double *threads;     /* [row * states.n + s] */
    fault_window *faults;
    size_t nfaults;
    char *source;        /* what it was read from, for the page */
} series;

/* Allocates the row arrays for nrows rows once the names are known
 * (counts zero, latencies NAN). */
void series_alloc(series *s, size_t nrows);

/* Adds a fault window (strings copied) unless the same kind already
 * starts at the same time. */
void series_add_fault(series *s, const char *kind, const char *target, double start_s,
                      double end_s);

/* Joins a last row much shorter than a second (the run stopped just after
 * a whole second) to the row before, so that its few operations do not
 * show as a spike or a dip of rate. */
void series_merge_short_tail(series *s);

/* Frees everything s owns and zeroes it. */
void series_free(series *s);

/* Reads DIR/metrics.jsonl (path given). Returns 0, or -1 with *err set
 * (caller frees): "PATH:LINE: what is wrong". */
int series_from_metrics(const char *path, series *s, char **err);

/* Derives the series from a history file: rates and latencies from the
 * invoke/complete times, open invocations as running threads, nemesis
 * start-KIND/stop-KIND records as fault windows. *meta gets the meta
 * record's text when there is one (caller frees; NULL otherwise).
 * Returns 0, or -1 with *err set ("PATH:LINE: ..."). */
int series_from_history(const char *path, series *s, char **meta, char **err);

#endif
