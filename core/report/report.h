/* report.h - the HTML run report: written at the end of a run with
 * --report DIR, and rebuilt offline by `melee report`. */
#ifndef MELEE_REPORT_H
#define MELEE_REPORT_H

#include "../engine/engine.h"

/* Builds OUT_DIR/index.html from a run directory (metrics.jsonl, and
 * summary.json and run.json when present) or from a history file alone.
 * out_dir NULL: the run directory itself (a history needs one). Returns 0
 * when the page was written (*warn set, caller frees, when the plots
 * could not be drawn: the page says so), or -1 with *err set (caller
 * frees) when the source is missing or malformed. */
int report_build(const char *source, const char *out_dir, char **err, char **warn);

/* `melee report SOURCE [--out DIR]`: argv[0] is "report". Returns the
 * exit status: 0 written, 2 usage, a missing or malformed source, or no
 * plots. */
int report_command(int argc, char **argv);

/* After a run with --report DIR: writes DIR/summary.json, DIR/run.json
 * (command, reproduce line, effective profile), DIR/profile.yaml and the
 * page. Problems are said on stderr; the run's status is not changed. */
void report_after_run(run *r, const char *dir, int argc, char **argv);

#endif
