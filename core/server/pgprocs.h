/* pgprocs.h - the processes of a server: the postmaster and its children,
 * found in /proc. Every call is async-signal-safe (no allocation, no
 * stdio), so the exit paths of a signal handler can heal with them. */
#ifndef MELEE_PGPROCS_H
#define MELEE_PGPROCS_H

#include <sys/types.h>

#define PGPROCS_MAX 1024

/* Fills out (max entries) with the pids of ppid's children. Returns how
 * many were found, or -1 when /proc cannot be read. */
int pgprocs_children(pid_t ppid, pid_t *out, int max);

/* Sends sig to pid and then to every child of pid. Returns how many
 * processes were signalled. */
int pgprocs_signal_tree(pid_t pid, int sig);

/* Returns pid's state letter from /proc ('R', 'S', 'T', 'Z'...), or 0
 * when there is no such process. */
char pgprocs_state(pid_t pid);

#endif
