/* poller.h - a thread of the run that asks the server something at a
 * steady pace on its own connection (which workers wait for locks, how
 * many rows the workload's tables hold). Best effort: while it cannot
 * connect it keeps trying, and nothing is asked. */
#ifndef MELEE_POLLER_H
#define MELEE_POLLER_H

#include <libpq-fe.h>

struct run;
typedef struct poller poller;

/* What a poller does on each round, with its connection (open). */
typedef void (*poll_fn)(struct run *r, PGconn *c, void *arg);

/* Starts a thread that connects to conninfo as application_name app,
 * with statements cut off after 5 s (reconnecting after a loss), and
 * calls poll every interval_ms until the
 * run stops or poller_stop. arg is passed through (not owned). Returns
 * NULL when the thread cannot be started. */
poller *poller_start(struct run *r, const char *conninfo, const char *app, int interval_ms,
                     poll_fn poll, void *arg);

/* Stops the thread, closes its connection and frees it (NULL is fine). */
void poller_stop(poller *p);

#endif
