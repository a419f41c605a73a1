/* pgbin.c - finds the PostgreSQL server binaries (initdb, postgres). */
#include "pgbin.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util.h"

/* The programs a usable binary directory must hold. */
static const char *const NEEDED[] = {"initdb", "postgres"};

/* Where Debian-family systems install each major version. */
static const char *const VERSIONED_GLOB = "/usr/lib/postgresql/*/bin";

int pgbin_dir_usable(const char *dir)
{
    if (!dir || !*dir)
        return 0;
    for (size_t i = 0; i < ARRAY_LEN(NEEDED); i++) {
        char *p = xasprintf("%s/%s", dir, NEEDED[i]);
        int ok = access(p, X_OK) == 0;
        free(p);
        if (!ok)
            return 0;
    }
    return 1;
}

/* Returns what `pg_config --bindir` prints (caller frees), or NULL. */
static char *from_pg_config(void)
{
    FILE *f = popen("pg_config --bindir 2>/dev/null", "r");
    if (!f)
        return NULL;
    char line[4096];
    char *dir = NULL;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        dir = xstrdup(line);
    }
    pclose(f);
    if (!pgbin_dir_usable(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

/* Orders glob results so that the newest major version comes first. */
static int newest_first(const void *a, const void *b)
{
    return strverscmp(*(char *const *)b, *(char *const *)a);
}

/* Returns the newest usable /usr/lib/postgresql/<v>/bin (caller frees), or NULL. */
static char *from_versioned_dirs(void)
{
    glob_t g;
    if (glob(VERSIONED_GLOB, GLOB_ONLYDIR, NULL, &g) != 0)
        return NULL;
    qsort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, newest_first);
    char *dir = NULL;
    for (size_t i = 0; i < g.gl_pathc && !dir; i++)
        if (pgbin_dir_usable(g.gl_pathv[i]))
            dir = xstrdup(g.gl_pathv[i]);
    globfree(&g);
    return dir;
}

/* Returns the first $PATH entry holding initdb and postgres (caller frees), or NULL. */
static char *from_path(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    char *copy = xstrdup(path), *save = NULL, *dir = NULL;
    for (char *d = strtok_r(copy, ":", &save); d && !dir; d = strtok_r(NULL, ":", &save))
        if (pgbin_dir_usable(d))
            dir = xstrdup(d);
    free(copy);
    return dir;
}

char *pgbin_find(char **err)
{
    char *(*const sources[])(void) = {from_pg_config, from_versioned_dirs, from_path};
    for (size_t i = 0; i < ARRAY_LEN(sources); i++) {
        char *dir = sources[i]();
        if (dir)
            return dir;
    }
    if (err)
        *err = xstrdup("no PostgreSQL server programs (initdb, postgres) found via pg_config, "
                       "in /usr/lib/postgresql/*/bin or on PATH: install the server package "
                       "(apt-get install postgresql) or give a server with --dsn");
    return NULL;
}
