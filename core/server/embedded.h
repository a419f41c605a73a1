/* embedded.h - a private PostgreSQL server for one run.
 *
 * initdb into a fresh temporary directory (mode 0700), listen on 127.0.0.1
 * and a Unix socket in that directory only, on a free port; stop it and
 * remove the directory at exit, also after SIGINT/SIGTERM or a fatal error.
 * As root, the server runs as the `postgres` system user. */
#ifndef MELEE_EMBEDDED_H
#define MELEE_EMBEDDED_H

#include <stdbool.h>
#include <stddef.h>

typedef struct embedded_pg embedded_pg;

/* A server setting passed as `-c name=value` (the profile's server:). */
typedef struct embedded_setting {
    const char *name;
    const char *value;
} embedded_setting;

typedef struct embedded_opts {
    bool keep;           /* leave it running at exit and print how to connect */
    bool quiet;          /* no progress messages on stderr */
    const embedded_setting *settings;   /* after melee's own, so they win */
    size_t nsettings;
    bool faketime;       /* under libfaketime, for the clock fault (when it is
                          * installed: see embedded_has_clock) */
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

/* ---- faults (the nemesis) ---- */

/* Sends sig to the postmaster and every server process. Returns how many
 * were signalled. */
int embedded_signal(embedded_pg *pg, int sig);

/* SIGKILLs the postmaster and every server process and waits until they
 * are gone: the server is down until embedded_restart. Returns how many
 * processes were killed, or -1 and sets *err (caller frees). */
int embedded_kill(embedded_pg *pg, char **err);

/* Starts a killed server again on the same port and directory (crash
 * recovery follows) and waits until it accepts connections. Returns the
 * new postmaster's pid (the running one's when it was not down), or -1
 * and sets *err (caller frees). Runs the start on a process-lifetime
 * thread, so the caller's thread may end before the server. */
int embedded_restart(embedded_pg *pg, char **err);

/* True unless the server was killed and not restarted yet. */
bool embedded_running(const embedded_pg *pg);

/* True when the server runs under libfaketime (opts.faketime). */
bool embedded_has_clock(const embedded_pg *pg);

/* Sets the server's clock offset in seconds (0: right). Returns 0, or -1
 * and sets *err (caller frees). Takes effect within a second. */
int embedded_set_clock(embedded_pg *pg, double offset_s, char **err);

/* Undoes what faults may have left: SIGCONT to every server process, the
 * clock set right. embedded_stop and the emergency cleanup call it too. */
void embedded_heal(embedded_pg *pg);

/* Stops the server (fast shutdown, then immediate) and removes its
 * directory, unless keep was set, in which case it prints how to connect.
 * Frees pg. Safe to call once; later exit-time cleanup is then a no-op. */
void embedded_stop(embedded_pg *pg);

/* Stops every server this process started and removes their directories;
 * async-signal-safe enough for a fatal-signal handler. */
void embedded_emergency_cleanup(void);

#endif
