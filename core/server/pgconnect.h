/* pgconnect.h - opening a libpq connection without blocking the caller
 * beyond a short poll, so that a worker notices stop while it connects. */
#ifndef MELEE_PGCONNECT_H
#define MELEE_PGCONNECT_H

#include <stdbool.h>

#include <libpq-fe.h>

/* Opens a connection to conninfo with PQconnectStart/PQconnectPoll,
 * polling at most every 50 ms and calling give_up(arg) in between; gives
 * up also after timeout_s seconds (0: no limit beyond conninfo's own
 * connect_timeout). Returns the connection, CONNECTION_OK or not (the
 * caller checks PQstatus and frees it with PQfinish), or NULL when out of
 * memory or give_up said so. */
PGconn *pg_connect_polling(const char *conninfo, bool (*give_up)(void *arg), void *arg,
                           double timeout_s);

#endif
