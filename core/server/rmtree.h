/* rmtree.h - removes a directory tree, safely from a signal handler. */
#ifndef MELEE_RMTREE_H
#define MELEE_RMTREE_H

/* Removes path and everything below it without following symbolic links.
 * Uses only system calls (no allocation, no stdio), so it may run in a
 * signal handler. Returns 0 when path is gone afterwards, else -1. */
int rmtree(const char *path);

#endif
