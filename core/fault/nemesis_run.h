/* nemesis_run.h - faults for one run of melee: the private server's extra
 * settings, the proxy the workers go through when a network fault is
 * configured, the nemesis whose starts and heals the run records, and
 * the heal at the end. main.c calls these in order. */
#ifndef MELEE_NEMESIS_RUN_H
#define MELEE_NEMESIS_RUN_H

#include <stdbool.h>

#include "../engine/engine.h"
#include "../server/embedded.h"
#include "nemesis_opts.h"

typedef struct fault_run fault_run;

/* Adjusts the private server's options for the faults of o: libfaketime
 * when clock is configured; synchronous_commit on when kill is and the
 * profile's settings (given in eo) do not name it. Returns the settings
 * array to use in eo (owned by the caller: free it; may be eo's own). */
embedded_setting *fault_run_server_opts(const nemesis_opts *o, embedded_opts *eo);

/* Sets up faults for run r (not started yet) against the server at
 * conninfo: the private server pg, or with pg NULL a remote one. When a
 * network kind is configured, starts the proxy in front of the server's
 * TCP address (127.0.0.1 for the private server) and points the workers
 * at it. Returns NULL and sets *err (caller frees) when o's faults cannot
 * act; *warn (caller frees) names kinds left out as unavailable. */
fault_run *fault_run_new(run *r, const nemesis_opts *o, embedded_pg *pg, const char *conninfo,
                         uint64_t seed, char **warn, char **err);

/* Returns the loopback port of the proxy the workers go through, or 0
 * when there is none. */
int fault_run_proxy_port(const fault_run *fr);

/* Starts the schedule (after run_start). Returns 0, or -1 with *err set. */
int fault_run_start(fault_run *fr, char **err);

/* Heals everything and stops the nemesis: call it before run_stop, so
 * the final reads find a healed server. fault_run_free stops the proxy
 * and frees fr: call it after run_join, before run_free. */
void fault_run_heal_and_stop(fault_run *fr);

/* After fault_run_heal_and_stop, before the final reads: waits until the
 * recovery window (nemesis.recovery seconds) has passed since the last
 * heal, saying so on stderr, so that the final reads do not meet a server
 * still recovering. Returns at once when no fault healed within it (a run
 * whose duration ran out: the schedule kept its last seconds quiet), or
 * for fr NULL. */
void fault_run_recover(fault_run *fr);
void fault_run_free(fault_run *fr);

#endif
