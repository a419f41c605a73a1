/* serverlog.c - follows a server log file and reports crash lines. */
#include "serverlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util.h"

/* The one table of crash marks. A line is a crash line when it holds a
 * mark (and the mark's companion text, if any); it starts a crash when
 * such a mark says so. The restart lines that follow a crash are shown,
 * not counted again. */
static const struct crash_mark {
    const char *mark;
    const char *also;      /* text the line must hold too, NULL none */
    bool starts;
} CRASH_MARKS[] = {
    {"PANIC:", NULL, true},
    {"TRAP:", NULL, true},
    {"terminated by signal", NULL, true},
    {"was terminated by exception", NULL, true},
    {"server process (PID", "exited with exit code", true},
    {"server process (PID", NULL, false},
    {"terminating any other active server processes", NULL, false},
    {"all server processes terminated; reinitializing", NULL, false},
};

/* Message levels that echo text from elsewhere (a statement, a detail):
 * a mark after one of them is not the server speaking about itself. */
static const char *const ECHO_LEVELS[] = {"STATEMENT:  ", "DETAIL:  ", "HINT:  ", "CONTEXT:  ",
                                          "QUERY:  "};

enum {
    POLL_MS = 100,
    READ_BYTES = 8192,
    MAX_LINE = 64 * 1024,   /* longer lines are cut and reported in pieces */
};

struct serverlog {
    int fd;
    serverlog_fn fn;
    void *arg;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;          /* under mu */
    off_t offset;           /* how far we have read */
    char *line;             /* the partial line carried between reads */
    size_t len;
};

/* Returns where the first echo level appears in line, or NULL. */
static const char *first_echo_level(const char *line)
{
    const char *first = NULL;
    for (size_t i = 0; i < ARRAY_LEN(ECHO_LEVELS); i++) {
        const char *p = strstr(line, ECHO_LEVELS[i]);
        if (p && (!first || p < first))
            first = p;
    }
    return first;
}

crash_line serverlog_crash_line(const char *line)
{
    if (!line)
        return CL_NONE;
    const char *echo = first_echo_level(line);
    crash_line kind = CL_NONE;
    for (size_t i = 0; i < ARRAY_LEN(CRASH_MARKS); i++) {
        const struct crash_mark *m = &CRASH_MARKS[i];
        const char *p = strstr(line, m->mark);
        if (!p || (echo && p > echo) || (m->also && !strstr(line, m->also)))
            continue;
        if (m->starts)
            return CL_STARTS;
        kind = CL_FOLLOWS;
    }
    return kind;
}

static void emit_line(serverlog *s)
{
    while (s->len > 0 && s->line[s->len - 1] == '\r')
        s->len--;
    s->line[s->len] = '\0';
    crash_line kind = s->len > 0 ? serverlog_crash_line(s->line) : CL_NONE;
    if (kind != CL_NONE)
        s->fn(s->arg, s->line, kind == CL_STARTS);
    s->len = 0;
}

/* Splits bytes into lines, keeping a trailing partial line for later. */
static void feed(serverlog *s, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            emit_line(s);
            continue;
        }
        if (s->len == MAX_LINE)
            emit_line(s);
        s->line[s->len++] = buf[i];
    }
}

/* Reads everything available now. Returns true when something was read. */
static bool read_available(serverlog *s)
{
    struct stat st;
    if (fstat(s->fd, &st) == 0 && st.st_size < s->offset) {   /* truncated: start over */
        s->offset = 0;
        s->len = 0;
    }
    bool any = false;
    char buf[READ_BYTES];
    for (;;) {
        ssize_t n = pread(s->fd, buf, sizeof buf, s->offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return any;
        s->offset += n;
        feed(s, buf, (size_t)n);
        any = true;
    }
}

/* Waits up to POLL_MS or until stop. Returns true when stopping. */
static bool wait_or_stop(serverlog *s)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += (long)POLL_MS * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (!s->stopping && pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
        ;
    bool stopping = s->stopping;
    pthread_mutex_unlock(&s->mu);
    return stopping;
}

static void *tail_thread(void *arg)
{
    serverlog *s = arg;
    for (;;) {
        read_available(s);
        if (wait_or_stop(s))
            break;
    }
    read_available(s);   /* drain what came before the stop */
    if (s->len > 0)
        emit_line(s);
    return NULL;
}

serverlog *serverlog_start(const char *path, serverlog_fn fn, void *arg)
{
    if (!path || !fn)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    serverlog *s = xcalloc(1, sizeof *s);
    s->fd = fd;
    s->fn = fn;
    s->arg = arg;
    s->offset = lseek(fd, 0, SEEK_END);
    if (s->offset < 0)
        s->offset = 0;
    s->line = xmalloc(MAX_LINE + 1);
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&s->thread, NULL, tail_thread, s) != 0) {
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        close(fd);
        free(s->line);
        free(s);
        return NULL;
    }
    pthread_setname_np(s->thread, "melee-serverlog");
    return s;
}

void serverlog_stop(serverlog *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    close(s->fd);
    free(s->line);
    free(s);
}
