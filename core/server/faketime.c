/* faketime.c - where libfaketime lives and how to steer it. */
#include "faketime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util.h"

/* Where distributions install the library. */
static const char *const LIBRARY_PATHS[] = {
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1",
    "/usr/lib64/faketime/libfaketime.so.1",
    "/usr/local/lib/faketime/libfaketime.so.1",
};

/* The variables besides LD_PRELOAD and the control file: reread it every
 * second; leave the monotonic clock alone, so timeouts and sleeps inside
 * the server keep real time. */
static const char *const FIXED_ENV[] = {"FAKETIME_CACHE_DURATION=1",
                                        "FAKETIME_DONT_FAKE_MONOTONIC=1"};

const char *faketime_library(void)
{
    for (size_t i = 0; i < ARRAY_LEN(LIBRARY_PATHS); i++)
        if (access(LIBRARY_PATHS[i], R_OK) == 0)
            return LIBRARY_PATHS[i];
    return NULL;
}

size_t faketime_env(const char *control_file, char (*bufs)[256], size_t cap)
{
    const char *lib = faketime_library();
    if (!lib || cap < 2 + ARRAY_LEN(FIXED_ENV))
        return 0;
    size_t n = 0;
    snprintf(bufs[n++], 256, "LD_PRELOAD=%s", lib);
    snprintf(bufs[n++], 256, "FAKETIME_TIMESTAMP_FILE=%s", control_file);
    for (size_t i = 0; i < ARRAY_LEN(FIXED_ENV); i++)
        snprintf(bufs[n++], 256, "%s", FIXED_ENV[i]);
    return n;
}

int faketime_set(const char *control_file, double offset_s, double rate, char **err)
{
    /* Every server process rereads the file by itself: it is replaced
     * whole (rename), never seen empty or half written. */
    char *tmp = xasprintf("%s.new", control_file);
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        if (rate > 0 && rate != 1.0)
            fprintf(f, "%+.3f x%.3f\n", offset_s, rate);
        else
            fprintf(f, "%+.3f\n", offset_s);
        fchmod(fileno(f), 0644);
        if (fclose(f) == 0 && rename(tmp, control_file) == 0)
            rc = 0;
    }
    if (rc != 0) {
        *err = xasprintf("cannot write %s: %s", control_file, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}
