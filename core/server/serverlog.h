/* serverlog.h - tails a server log file and reports crash lines.
 *
 * A background thread follows the file from its current end and calls the
 * callback for each line that shows a server crash: PANIC, TRAP /
 * assertion failures, "terminated by signal", "was terminated by
 * exception". */
#ifndef MELEE_SERVERLOG_H
#define MELEE_SERVERLOG_H

typedef struct serverlog serverlog;

/* Called from the tailer thread with a crash line (valid during the call). */
typedef void (*serverlog_fn)(void *arg, const char *line);

/* Starts tailing path. Returns NULL when the file cannot be opened. */
serverlog *serverlog_start(const char *path, serverlog_fn fn, void *arg);

/* Reads what is left, stops the thread and frees. */
void serverlog_stop(serverlog *s);

/* Returns 1 when line is a crash line, else 0 (exposed for tests). */
int serverlog_is_crash_line(const char *line);

#endif
