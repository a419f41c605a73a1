/* pgstale.h - directories of private servers whose melee was killed.
 *
 * A running melee holds a lock on <dir>/melee.lock; a later start removes
 * the directories nobody holds whose server no longer runs. */
#ifndef MELEE_PGSTALE_H
#define MELEE_PGSTALE_H

#include <stdbool.h>
#include <sys/types.h>

/* Creates and locks dir's lock file. Returns the descriptor to keep open
 * for as long as the directory is in use (close it to release), or -1. */
int pgstale_hold(const char *dir);

/* Removes the directories matching pattern (a glob) that are owned by us
 * or by server_uid, are held by no process, have not changed for a minute,
 * and whose postmaster (data/postmaster.pid) is not running. Says so on
 * stderr unless quiet. Returns how many were removed. */
int pgstale_sweep(const char *pattern, uid_t server_uid, bool quiet);

#endif
