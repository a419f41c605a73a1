/* lockwatch.h - which workers wait for a lock in the server.
 *
 * A thread of the run, with its own connection, reads pg_stat_activity
 * twice a second and marks the workers whose backend waits for a
 * heavyweight lock, so that front-ends show them as waiting rather than
 * running. Best effort: without the connection nothing is marked. */
#ifndef MELEE_LOCKWATCH_H
#define MELEE_LOCKWATCH_H

struct run;
typedef struct lockwatch lockwatch;

/* Starts watching r's workers on a connection to conninfo. Returns NULL
 * when the thread cannot be started. */
lockwatch *lockwatch_start(struct run *r, const char *conninfo);

/* Stops the thread, closes its connection and frees it (NULL is fine). */
void lockwatch_stop(lockwatch *lw);

#endif
