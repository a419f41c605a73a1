/* pgconnect.c - a libpq connection opened step by step (pgconnect.h). */
#include "pgconnect.h"

#include <errno.h>
#include <poll.h>

#include "../util.h"

PGconn *pg_connect_polling(const char *conninfo, bool (*give_up)(void *arg), void *arg,
                           double timeout_s)
{
    PGconn *c = PQconnectStart(conninfo);
    if (!c || PQstatus(c) == CONNECTION_BAD)
        return c;
    uint64_t deadline = timeout_s > 0 ? now_us() + (uint64_t)(timeout_s * 1e6) : 0;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        struct pollfd p = {.fd = PQsocket(c),
                           .events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT};
        int rc = poll(&p, 1, 50);
        if (rc < 0 && errno != EINTR)
            break;
        if ((give_up && give_up(arg)) || (deadline && now_us() > deadline)) {
            PQfinish(c);
            return NULL;
        }
        if (rc > 0)
            st = PQconnectPoll(c);
    }
    return c;
}
