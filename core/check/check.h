/* check.h - checker verdicts over recorded histories (checkers-spec.md §6).
 *
 * Every checker reads a history and fills a check_result. A verdict is
 * never silently valid when there was nothing to check: it is unknown, and
 * the reason says why. */
#ifndef MELEE_CHECK_H
#define MELEE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../config/config.h"
#include "history.h"

typedef enum verdict {
    VERDICT_VALID,
    VERDICT_INVALID,
    VERDICT_UNKNOWN
} verdict;

/* One kind of anomaly found, with how often and one explained example. */
typedef struct anomaly {
    char *type;       /* "wrong-total", "G1c", "lost", ... (owned) */
    size_t count;
    char *example;    /* plain-words explanation with the operations involved (owned) */
} anomaly;

typedef struct check_result {
    verdict verdict;
    char *reason;          /* why unknown / invalid, in plain words (owned, may be NULL) */
    anomaly *anomalies;    /* every anomaly found, also those allowed by the model */
    size_t nanomalies;
    char *stats;           /* one line of what was checked, e.g. "1234 reads, 567 transfers" (owned) */
} check_result;

typedef struct check_opts {
    isolation isolation;   /* the level the run claimed; the verdict is judged against its model */
    double time_budget_s;  /* per-SCC / per-key search budget; 0 = default */
    int threads;           /* parallelism for per-key checkers; 0 = default */
} check_opts;

/* Returns the default options for a level. */
check_opts check_opts_default(isolation iso);

/* Checks h as the given workload ("bank", "counter", "set", "long-fork",
 * "register", "append", "default-value"). Returns 0 and fills *out (free
 * with check_result_free), or -1 with *err set for an unknown workload. */
int check_history(const history *h, const char *workload, const check_opts *o,
                  check_result *out, char **err);

/* A checker fed one record at a time, for live runs: after records 0..k
 * its result is the verdict over the history made of those records, and
 * asking for it consumes nothing. */
typedef struct check_stream check_stream;

/* Returns a stream for workload's checker (free with check_stream_free),
 * or NULL when that checker needs the whole history (register, append,
 * default-value) or there is none. */
check_stream *check_stream_new(const char *workload, const check_opts *o);

/* Feeds the next record (borrowed: the stream copies or references what
 * it keeps, so the caller may free op afterwards). */
void check_stream_feed(check_stream *s, const hist_op *op);

/* Fills *out with the verdict so far (free with check_result_free). */
void check_stream_result(const check_stream *s, check_result *out);

void check_stream_free(check_stream *s);

/* Returns the checker names, comma-separated, for messages. */
const char *check_workload_names(void);

/* Returns true when a checker exists for workload. */
bool check_workload_known(const char *workload);

/* Adds an anomaly (strings copied) or bumps the count of an existing type
 * (keeping the first example). */
void check_result_add(check_result *r, const char *type, const char *example);

/* Replaces the example of an anomaly type already added (copied). */
void check_result_set_example(check_result *r, const char *type, const char *example);

/* Safe views of the json values of a history: a hand-edited or foreign
 * file must give a verdict (or unknown), never an assertion failure. */
size_t check_json_len(json_object *o);                 /* 0 unless an array */
json_object *check_json_at(json_object *o, size_t i);  /* NULL unless an array long enough */
const char *check_json_str(json_object *o);            /* NULL unless a string */

/* Prints a verdict block for people. */
void check_result_print(const check_result *r, const char *workload, FILE *out);

void check_result_free(check_result *r);

const char *verdict_name(verdict v);   /* "valid", "invalid", "unknown" */

/* The individual checkers (same contract as check_history). */
int check_bank(const history *h, const check_opts *o, check_result *out);
int check_counter(const history *h, const check_opts *o, check_result *out);
int check_set(const history *h, const check_opts *o, check_result *out);
int check_long_fork(const history *h, const check_opts *o, check_result *out);
int check_register(const history *h, const check_opts *o, check_result *out);
int check_append(const history *h, const check_opts *o, check_result *out);
int check_default_value(const history *h, const check_opts *o, check_result *out);

/* `melee check HISTORY [--workload W] [--isolation L]`: returns the exit
 * status (0 valid, 1 invalid, 2 usage/unreadable; unknown is 0 with a
 * warning unless --strict). */
int check_command(int argc, char **argv);

#endif
