/* pgspawn.h - runs a PostgreSQL program (initdb, postgres) as the server
 * user: as root the `postgres` system user, otherwise the current user. */
#ifndef MELEE_PGSPAWN_H
#define MELEE_PGSPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#define PGSPAWN_MAX_GROUPS 64

/* Who the PostgreSQL programs run as. */
typedef struct pg_identity {
    bool drop;                     /* true: switch to uid/gid before exec */
    uid_t uid;
    gid_t gid;
    int ngroups;
    gid_t groups[PGSPAWN_MAX_GROUPS];
    char name[64];                 /* the user name, for messages */
} pg_identity;

/* Fills *id: as root the `postgres` system user (with its groups), else the
 * current user. Returns 0, or -1 and sets *err (caller frees). */
int pg_identity_lookup(pg_identity *id, char **err);

typedef struct pgspawn_spec {
    char *const *argv;             /* argv[0]: absolute path of the program */
    const char *log_path;          /* stdout and stderr are appended here */
    const char *cwd;               /* the child's working directory */
    const pg_identity *id;
    bool new_session;              /* setsid(): no terminal signals reach it */
    int pdeathsig;                 /* signal sent when we die, 0 for none */
    char *const *extra_env;        /* NAME=VALUE added to the environment, or NULL */
} pgspawn_spec;

/* Forks and execs the program as id with stdin from /dev/null, stdout and
 * stderr to the log, no other inherited descriptors, the C locale and a
 * default signal disposition. Returns the child's pid, or -1 and sets *err
 * (caller frees) when fork fails; exec failures show in the log and as
 * exit status 127. */
pid_t pgspawn(const pgspawn_spec *s, char **err);

/* Returns 1 when pid has exited (without reaping it), else 0.
 * Async-signal-safe. */
int pgspawn_exited(pid_t pid);

/* Reaps an exited child. Returns its wait status, or -1 when it was not
 * ours to reap. Async-signal-safe. */
int pgspawn_reap(pid_t pid);

/* Sleeps ms milliseconds. Async-signal-safe. */
void pgspawn_nap(int ms);

#endif
