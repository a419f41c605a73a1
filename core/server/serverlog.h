/* serverlog.h - tails a server log file and reports crash lines.
 *
 * A background thread follows the file from its current end and calls the
 * callback for each line that shows a server crash: PANIC, TRAP /
 * assertion failures, "terminated by signal", "was terminated by
 * exception", a backend's exit code, and the restart lines after them. */
#ifndef MELEE_SERVERLOG_H
#define MELEE_SERVERLOG_H

typedef struct serverlog serverlog;

#include <stdbool.h>

/* What a log line says about crashes. */
typedef enum crash_line {
    CL_NONE = 0,   /* nothing */
    CL_FOLLOWS,    /* part of a crash already started (the restart that follows) */
    CL_STARTS,     /* a crash starts here */
} crash_line;

/* Called from the tailer thread with a crash line (valid during the call)
 * and whether it starts a crash. */
typedef void (*serverlog_fn)(void *arg, const char *line, bool starts_crash);

/* Starts tailing path. Returns NULL when the file cannot be opened. */
serverlog *serverlog_start(const char *path, serverlog_fn fn, void *arg);

/* Reads what is left, stops the thread and frees. */
void serverlog_stop(serverlog *s);

/* Returns what line (may be NULL) says about crashes (exposed for tests). */
crash_line serverlog_crash_line(const char *line);

#endif
