/* pgstale.c - finds and removes directories left by killed runs. */
#include "pgstale.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rmtree.h"
#include "../util.h"

static const char LOCK_NAME[] = "melee.lock";
static const char PID_FILE[] = "data/postmaster.pid";

/* A directory changed more recently than this may belong to a run that is
 * still setting it up (between creating it and taking the lock): left alone. */
enum { MIN_AGE_S = 60 };

int pgstale_hold(const char *dir)
{
    char *path = xasprintf("%s/%s", dir, LOCK_NAME);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    free(path);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* True when some process holds dir's lock (or it cannot be told). */
static bool held(const char *dir)
{
    char *path = xasprintf("%s/%s", dir, LOCK_NAME);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return errno != ENOENT;
    bool busy = flock(fd, LOCK_EX | LOCK_NB) != 0;
    close(fd);   /* releases the lock we may have taken */
    return busy;
}

/* True when the postmaster recorded in dir still runs (a kept server). */
static bool postmaster_runs(const char *dir)
{
    char *path = xasprintf("%s/%s", dir, PID_FILE);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return false;
    long pid = 0;
    bool runs = fscanf(f, "%ld", &pid) == 1 && pid > 0 &&
                (kill((pid_t)pid, 0) == 0 || errno == EPERM);
    fclose(f);
    return runs;
}

int pgstale_sweep(const char *pattern, uid_t server_uid, bool quiet)
{
    glob_t g;
    if (glob(pattern, GLOB_ONLYDIR, NULL, &g) != 0)
        return 0;
    int removed = 0;
    time_t now = time(NULL);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *dir = g.gl_pathv[i];
        struct stat st;
        if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
            (st.st_uid != geteuid() && st.st_uid != server_uid))
            continue;
        if (now - st.st_mtime < MIN_AGE_S || held(dir) || postmaster_runs(dir))
            continue;
        if (rmtree(dir) == 0) {
            removed++;
            if (!quiet)
                fprintf(stderr, "melee: removed %s, left by an earlier run\n", dir);
        }
    }
    globfree(&g);
    return removed;
}
