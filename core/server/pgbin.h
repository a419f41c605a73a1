/* pgbin.h - finds the PostgreSQL server binaries (initdb, postgres). */
#ifndef MELEE_PGBIN_H
#define MELEE_PGBIN_H

/* Returns the directory holding initdb and postgres (caller frees), looked
 * up in this order: `pg_config --bindir`, the newest
 * /usr/lib/postgresql/<version>/bin, the directories of $PATH. Returns NULL
 * and sets *err (caller frees) saying what to install when none is found. */
char *pgbin_find(char **err);

/* Returns 1 when dir holds executable initdb and postgres, else 0. */
int pgbin_dir_usable(const char *dir);

#endif
