/* recorder.h - a run's operation history and its live checker.
 *
 * Workers record invocations and completions; the recorder numbers them,
 * keeps them in memory, writes them to the history file (flushed, 0600)
 * and a background thread checks it as it grows: checkers fed one record
 * at a time take the new records every second, the others re-check the
 * whole history at intervals. */
#ifndef MELEE_RECORDER_H
#define MELEE_RECORDER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "../check/check.h"
#include "engine.h"

typedef struct recorder recorder;

/* Creates a recorder for checker (a check_history workload name) judging
 * at cfg's isolation level; the history file is cfg's history_path (none
 * when NULL or empty), its first line a meta record naming the checker,
 * the level, the seed and this version. cfg is read, not kept. Returns
 * NULL with *err set when the file cannot be created. */
recorder *recorder_new(const char *checker, const run_config *cfg, char **err);

/* Starts the background checker: a fed checker takes the new records
 * every second, a whole-history one re-checks every interval_s seconds. */
void recorder_start(recorder *rc, double interval_s);

/* Records one operation (value borrowed, deep-copied). Thread-safe. */
void recorder_add(recorder *rc, int64_t process, hist_type type, const char *f,
                  json_object *value);

/* Writes a fault record of the nemesis process (f "start-KIND" or
 * "stop-KIND", an info record whose value is what): numbered and timed
 * with the operations, in the file only, not given to the checker. */
void recorder_note_fault(recorder *rc, const char *f, const char *what);

/* Stops the background checker and runs the final check. */
void recorder_finish(recorder *rc);

/* Fills *out with the latest verdict (strings owned by *out; free with
 * check_snap_clear). */
void recorder_snapshot(recorder *rc, check_snap *out);
void check_snap_clear(check_snap *s);

/* Returns the final result (valid after recorder_finish; owned by rc). */
const check_result *recorder_result(recorder *rc);

void recorder_free(recorder *rc);

#endif
