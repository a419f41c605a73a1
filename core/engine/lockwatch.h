/* lockwatch.h - which workers wait for a lock in the server.
 *
 * A poller of the run reads pg_stat_activity twice a second and marks the
 * workers whose backend waits for a heavyweight lock, so that front-ends
 * show them as waiting rather than running. Best effort: without the
 * connection nothing is marked. */
#ifndef MELEE_LOCKWATCH_H
#define MELEE_LOCKWATCH_H

#include "poller.h"

struct run;

/* Starts watching r's workers on a connection to conninfo. Returns the
 * poller (stop it with poller_stop), or NULL when it cannot be started. */
poller *lockwatch_start(struct run *r, const char *conninfo);

#endif
