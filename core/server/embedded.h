/* embedded.h - a private PostgreSQL server for one run.
 *
 * initdb into a fresh temporary directory (mode 0700), listen on 127.0.0.1
 * and a Unix socket in that directory only, on a free port; stop it and
 * remove the directory at exit, also after SIGINT/SIGTERM or a fatal error.
 * As root, the server runs as the `postgres` system user. */
#ifndef MELEE_EMBEDDED_H
#define MELEE_EMBEDDED_H

#include <stdbool.h>

typedef struct embedded_pg embedded_pg;

typedef struct embedded_opts {
    bool keep;           /* leave it running at exit and print how to connect */
    bool quiet;          /* no progress messages on stderr */
} embedded_opts;

/* Starts a server. Returns NULL and sets *err (caller frees) on failure.
 * Registers cleanup so the server is stopped and its directory removed at
 * process exit (unless keep). */
embedded_pg *embedded_start(const embedded_opts *o, char **err);

/* Returns a libpq conninfo string for the server (owned by it). */
const char *embedded_conninfo(const embedded_pg *pg);

/* Returns the server's log file path and data directory (owned by it). */
const char *embedded_log_path(const embedded_pg *pg);
const char *embedded_dir(const embedded_pg *pg);
int embedded_port(const embedded_pg *pg);

/* Returns the postmaster's pid. */
int embedded_pid(const embedded_pg *pg);

/* Stops the server (fast shutdown, then immediate) and removes its
 * directory, unless keep was set, in which case it prints how to connect.
 * Frees pg. Safe to call once; later exit-time cleanup is then a no-op. */
void embedded_stop(embedded_pg *pg);

/* Stops every server this process started and removes their directories;
 * async-signal-safe enough for a fatal-signal handler. */
void embedded_emergency_cleanup(void);

#endif
