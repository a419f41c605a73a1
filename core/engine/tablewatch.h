/* tablewatch.h - the workload's tables as the server's statistics count
 * them: a poller of the run reads pg_stat_user_tables once a second for
 * the schemas the workload names (wl_run_info.schemas), so the console
 * can show what a workload that is not chaos has. Statistics take no lock
 * on the tables (a count(*) would queue behind and in front of the
 * workload's own DDL); they lag by about a second. */
#ifndef MELEE_TABLEWATCH_H
#define MELEE_TABLEWATCH_H

#include <stddef.h>

#include "engine.h"

struct run;
typedef struct tablewatch tablewatch;

/* Starts watching the tables of schemas[0..n) on a connection to
 * conninfo. Returns NULL when the poller cannot be started. */
tablewatch *tablewatch_start(struct run *r, const char *conninfo, const char *const *schemas,
                             size_t n);

/* Stops and frees it (NULL is fine). */
void tablewatch_stop(tablewatch *t);

/* Copies the latest reading into *out (caller frees) and its note (why
 * there is none: "" when fine) into note. Returns the number of tables. */
size_t tablewatch_read(tablewatch *t, table_snap **out, char *note, size_t note_len);

#endif
