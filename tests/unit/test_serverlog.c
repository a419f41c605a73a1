/* Tests of the server-log tailer: the crash-line matcher on the shapes
 * PostgreSQL 15 writes, following a file from its end with partial lines,
 * draining at stop, and a real server whose backend is killed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/server/embedded.h"
#include "core/server/serverlog.h"
#include "core/util.h"

/* Lines a PostgreSQL 15 server writes when something crashed, and
 * whether each starts a crash (the others are the restart after one). */
static const struct {
    const char *line;
    crash_line kind;
} CRASH_LINES[] = {
    {"2026-11-22 14:19:26.849 UTC [11793] LOG:  server process (PID 11802) was terminated by "
     "signal 11: Segmentation fault", CL_STARTS},
    {"2026-11-22 14:19:29.668 UTC [11793] LOG:  server process (PID 11809) was terminated by "
     "signal 9: Killed", CL_STARTS},
    {"2026-11-22 14:19:26.849 UTC [11793] LOG:  terminating any other active server processes",
     CL_FOLLOWS},
    {"2026-11-22 14:19:26.855 UTC [11793] LOG:  all server processes terminated; reinitializing",
     CL_FOLLOWS},
    {"2026-11-22 14:19:26.849 UTC [11793] LOG:  server process (PID 11802) exited with exit code 2",
     CL_STARTS},
    {"2026-11-22 14:19:26.849 UTC [11793] DETAIL:  Failed process was running: select 1 /* "
     "server process (PID 1) */", CL_NONE},
    {"2026-11-22 14:19:26.849 UTC [11793] LOG:  checkpointer process (PID 11795) was terminated "
     "by signal 6: Aborted", CL_STARTS},
    {"2026-11-22 14:19:26.849 UTC [11802] PANIC:  could not write to file \"pg_wal/xlogtemp.11802\": "
     "No space left on device", CL_STARTS},
    {"TRAP: FailedAssertion(\"TransactionIdIsValid(xid)\", File: \"heapam.c\", Line: 2481, PID: 11802)",
     CL_STARTS},
    {"TRAP: failed Assert(\"TransactionIdIsValid(xid)\"), File: \"heapam.c\", Line: 2481, PID: 11802",
     CL_STARTS},
    {"2026-11-22 14:19:26.849 UTC [11793] LOG:  server process (PID 11802) was terminated by "
     "exception 0xC0000005", CL_STARTS},
};

/* Lines of ordinary operation, including echoes of statements that merely
 * mention crash words. */
static const char *const ORDINARY_LINES[] = {
    "2026-11-22 14:19:26.510 UTC [11793] LOG:  database system is ready to accept connections",
    "2026-11-22 14:19:26.482 UTC [11797] FATAL:  the database system is starting up",
    "2026-11-22 14:19:35.001 UTC [11823] ERROR:  division by zero",
    "2026-11-22 14:19:35.003 UTC [11823] FATAL:  terminating connection due to administrator "
    "command",
    "2026-11-22 14:19:36.100 UTC [11793] LOG:  received fast shutdown request",
    "2026-11-22 14:19:36.101 UTC [11793] LOG:  background worker \"logical replication "
    "launcher\" (PID 11798) exited with exit code 1",
    "2026-11-22 14:19:36.120 UTC [11793] LOG:  database system is shut down",
    "2026-11-22 14:19:26.849 UTC [11793] DETAIL:  Failed process was running: "
    "select pg_sleep(10) /* PANIC: not really */",
    "2026-11-22 14:19:35.001 UTC [11823] STATEMENT:  select 'terminated by signal 9'",
    "2026-11-22 14:19:26.921 UTC [11803] LOG:  database system was not properly shut down; "
    "automatic recovery in progress",
    "",
};

static void matcher_finds_crash_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(CRASH_LINES); i++)
        if (serverlog_crash_line(CRASH_LINES[i].line) != CRASH_LINES[i].kind)
            fail_msg("seen as %d, not %d: %s", serverlog_crash_line(CRASH_LINES[i].line),
                     CRASH_LINES[i].kind, CRASH_LINES[i].line);
}

static void matcher_ignores_ordinary_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(ORDINARY_LINES); i++)
        if (serverlog_crash_line(ORDINARY_LINES[i]) != CL_NONE)
            fail_msg("seen as a crash: %s", ORDINARY_LINES[i]);
    assert_int_equal(serverlog_crash_line(NULL), CL_NONE);
}

/* ---- a collector of reported lines ---- */

typedef struct seen {
    pthread_mutex_t mu;
    int n;
    char *lines[32];
    bool starts[32];
} seen;

static void collect(void *arg, const char *line, bool starts_crash)
{
    seen *s = arg;
    pthread_mutex_lock(&s->mu);
    if (s->n < (int)ARRAY_LEN(s->lines)) {
        s->starts[s->n] = starts_crash;
        s->lines[s->n++] = xstrdup(line);
    }
    pthread_mutex_unlock(&s->mu);
}

static int seen_count(seen *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->n;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static bool wait_seen(seen *s, int n, int ms)
{
    for (int t = 0; t < ms && seen_count(s) < n; t += 10)
        sleep_ms(10);
    return seen_count(s) >= n;
}

static void seen_free(seen *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->lines[i]);
    pthread_mutex_destroy(&s->mu);
}

static void append(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static char *temp_log(void)
{
    char *path = xstrdup("/tmp/melee-serverlog-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    return path;
}

static void tailer_follows_from_the_end(void **state)
{
    (void)state;
    char *path = temp_log();
    append(path, "old [1] PANIC:  before the tailer started\nold [1] LOG:  partial");
    seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    serverlog *t = serverlog_start(path, collect, &s);
    assert_non_null(t);
    append(path, "x [2] LOG:  checkpoint starting: time\n");
    append(path, "x [3] LOG:  server process (PID 42) was term");
    sleep_ms(250);   /* the tailer sees the first half alone */
    assert_int_equal(seen_count(&s), 0);
    append(path, "inated by signal 11: Segmentation fault\nx [4] LOG:  ok\n");
    assert_true(wait_seen(&s, 1, 2000));
    serverlog_stop(t);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.lines[0],
                        "x [3] LOG:  server process (PID 42) was terminated by signal 11: "
                        "Segmentation fault");
    seen_free(&s);
    unlink(path);
    free(path);
}

static void stop_drains_the_rest(void **state)
{
    (void)state;
    char *path = temp_log();
    seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    serverlog *t = serverlog_start(path, collect, &s);
    assert_non_null(t);
    sleep_ms(150);   /* the tailer is asleep between polls */
    append(path, "y [5] LOG:  terminating any other active server processes\r\n"
                 "TRAP: FailedAssertion(\"false\", File: \"x.c\", Line: 1, PID: 5)");
    serverlog_stop(t);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.lines[0], "y [5] LOG:  terminating any other active server processes");
    assert_string_equal(s.lines[1], "TRAP: FailedAssertion(\"false\", File: \"x.c\", Line: 1, PID: 5)");
    assert_false(s.starts[0]);   /* the restart after a crash */
    assert_true(s.starts[1]);
    seen_free(&s);
    unlink(path);
    free(path);
}

static void missing_file_gives_null(void **state)
{
    (void)state;
    seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    assert_null(serverlog_start("/nonexistent/melee/server.log", collect, &s));
    serverlog_stop(NULL);
}

/* A backend of a real server killed with SIGKILL shows in its log. */
static void real_server_crash_is_reported(void **state)
{
    (void)state;
    char *err = NULL;
    embedded_opts o = {.quiet = true};
    embedded_pg *pg = embedded_start(&o, &err);
    if (!pg)
        fail_msg("embedded_start: %s", err);
    seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    serverlog *t = serverlog_start(embedded_log_path(pg), collect, &s);
    assert_non_null(t);
    PGconn *c = PQconnectdb(embedded_conninfo(pg));
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    int backend = PQbackendPID(c);
    assert_int_equal(kill(backend, SIGKILL), 0);
    assert_true(wait_seen(&s, 3, 5000));
    PQfinish(c);
    serverlog_stop(t);
    char *want = xasprintf("server process (PID %d) was terminated by signal 9", backend);
    assert_non_null(strstr(s.lines[0], want));
    free(want);
    bool reinit = false;
    for (int i = 0; i < s.n; i++)
        reinit |= strstr(s.lines[i], "reinitializing") != NULL;
    assert_true(reinit);
    seen_free(&s);
    embedded_stop(pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matcher_finds_crash_lines),
        cmocka_unit_test(matcher_ignores_ordinary_lines),
        cmocka_unit_test(tailer_follows_from_the_end),
        cmocka_unit_test(stop_drains_the_rest),
        cmocka_unit_test(missing_file_gives_null),
        cmocka_unit_test(real_server_crash_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
