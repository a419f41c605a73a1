/* embedded.c - a private PostgreSQL server for one run: initdb into a fresh
 * temporary directory, start it on a free port of 127.0.0.1 and a Unix
 * socket in that directory, stop it and remove the directory at the end.
 *
 * Should we die without cleaning up (SIGKILL), the server gets SIGQUIT
 * from the kernel (parent-death signal). That signal follows the *thread*
 * that started the server: call embedded_start from a thread that lives as
 * long as the server should (the main thread does). Directories left behind
 * that way are removed by a later start (pgstale.h). */
#include "embedded.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faketime.h"
#include "keeper.h"
#include "pgbin.h"
#include "pgprocs.h"
#include "pgspawn.h"
#include "pgstale.h"
#include "rmtree.h"
#include "../util.h"

/* ---- behaviour as data ---- */

#define DIR_PREFIX "/tmp/melee-pg-"
static const char DIR_TEMPLATE[] = DIR_PREFIX "XXXXXX";
static const char DIR_GLOB[] = DIR_PREFIX "*";
static const char BOOTSTRAP_USER[] = "postgres";

/* initdb, fast: no fsync, trust auth, a fixed locale. */
static const char *const INITDB_ARGS[] = {"-U", BOOTSTRAP_USER, "-A", "trust", "-N",
                                          "-E", "UTF8", "--locale=C"};

/* Server settings, each passed as `-c NAME=VALUE`. */
static const char *const SERVER_SETTINGS[] = {
    "listen_addresses=127.0.0.1", "fsync=off",          "synchronous_commit=off",
    "full_page_writes=off",       "max_connections=300", "shared_buffers=128MB",
    "logging_collector=off",      "log_line_prefix=%m [%p] ", "lc_messages=C",
};

/* Log text that means the port was taken between our probe and the bind. */
static const char *const PORT_TAKEN_MARKS[] = {"could not bind", "could not create any TCP/IP sockets"};

enum {
    START_ATTEMPTS = 5,       /* a fresh port each time the port was taken */
    READY_POLL_MS = 20,
    READY_TIMEOUT_MS = 30000,
    TAIL_LINES = 12,
    TAIL_BYTES = 4096,
    MAX_SERVERS = 32,
    MAX_SETTINGS = 64,        /* settings a profile may add */
    MAX_EXTRA_ENV = 8,
    GONE_TIMEOUT_MS = 10000,  /* killed processes must be gone before a restart */
};

static const char CLOCK_FILE[] = "faketime.rc";

/* How to stop a postmaster: each signal, then how long to wait for it. */
typedef struct stop_step {
    int sig;
    int wait_ms;
} stop_step;

/* Fast shutdown, then immediate shutdown, then kill. */
static const stop_step GRACEFUL_STOP[] = {{SIGINT, 5000}, {SIGQUIT, 2000}, {SIGKILL, 5000}};
/* From a signal handler: immediate shutdown, then kill. */
static const stop_step EMERGENCY_STOP[] = {{SIGQUIT, 2000}, {SIGKILL, 2000}};

/* ---- the server ---- */

struct embedded_pg {
    char *bindir;
    char *dir;          /* the temporary directory: socket, logs, data/ */
    char *data_dir;
    char *log_path;
    char *conninfo;
    int port;
    _Atomic pid_t pid;  /* changes when a kill fault restarts the server */
    char **settings;    /* NAME=VALUE from the profile, after ours so they win */
    size_t nsettings;
    char *clock_file;   /* the faketime control file, NULL without faketime */
    int lock_fd;        /* held while the directory is ours (pgstale.h) */
    bool keep, quiet;
    pg_identity id;
    int slot;           /* index in the registry, -1 when unregistered */
};

/* ---- registry of live servers, read by the exit and signal cleanups ---- */

enum { SLOT_FREE, SLOT_SETUP, SLOT_LIVE };

typedef struct server_slot {
    _Atomic int state;
    _Atomic int pid;            /* the child to stop: initdb, then the postmaster */
    _Atomic bool kept;          /* started with keep: signal handlers leave it */
    char dir[128];
    embedded_pg *pg;            /* for the exit-time cleanup (not signal handlers) */
} server_slot;

static server_slot g_slots[MAX_SERVERS];
static pthread_once_t g_atexit_once = PTHREAD_ONCE_INIT;

static void cleanup_at_exit(void);

static void register_atexit(void)
{
    atexit(cleanup_at_exit);
}

/* Claims a slot for pg and its directory. Returns the index or -1. */
static int slot_claim(embedded_pg *pg)
{
    pthread_once(&g_atexit_once, register_atexit);
    for (int i = 0; i < MAX_SERVERS; i++) {
        int expect = SLOT_FREE;
        if (!atomic_compare_exchange_strong(&g_slots[i].state, &expect, SLOT_SETUP))
            continue;
        snprintf(g_slots[i].dir, sizeof g_slots[i].dir, "%s", pg->dir);
        atomic_store(&g_slots[i].pid, 0);
        atomic_store(&g_slots[i].kept, false);
        g_slots[i].pg = pg;
        atomic_store(&g_slots[i].state, SLOT_LIVE);
        return i;
    }
    return -1;
}

/* Takes the slot back for teardown. Returns true when the caller now owns
 * the teardown (nobody else did it first). */
static bool slot_take(int i)
{
    if (i < 0)
        return false;
    int expect = SLOT_LIVE;
    return atomic_compare_exchange_strong(&g_slots[i].state, &expect, SLOT_SETUP);
}

static void slot_release(int i)
{
    g_slots[i].pg = NULL;
    atomic_store(&g_slots[i].kept, false);
    atomic_store(&g_slots[i].pid, 0);
    atomic_store(&g_slots[i].state, SLOT_FREE);
}

static void slot_set_pid(int i, pid_t pid)
{
    if (i >= 0)
        atomic_store(&g_slots[i].pid, (int)pid);
}

/* ---- stopping (async-signal-safe) ---- */

/* Waits up to ms for pid to exit. Returns 1 when it did. */
static int wait_exit(pid_t pid, int ms)
{
    for (int waited = 0; ; waited += 10) {
        if (pgspawn_exited(pid))
            return 1;
        if (waited >= ms)
            return 0;
        pgspawn_nap(10);
    }
}

/* Signals pid step by step until it exits, then reaps it (a process that
 * survives even SIGKILL for the last wait is left unreaped, not waited on). */
static void stop_process(pid_t pid, const stop_step *steps, size_t n)
{
    if (pid <= 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (kill(pid, steps[i].sig) != 0 && errno == ESRCH)
            break;
        if (wait_exit(pid, steps[i].wait_ms))
            break;
    }
    if (pgspawn_exited(pid))
        pgspawn_reap(pid);
}

void embedded_emergency_cleanup(void)
{
    int saved = errno;
    for (int i = 0; i < MAX_SERVERS; i++)
        if (atomic_load(&g_slots[i].state) != SLOT_FREE)
            pgprocs_signal_tree(atomic_load(&g_slots[i].pid), SIGCONT);   /* a pause fault */
    for (int i = 0; i < MAX_SERVERS; i++) {
        if (atomic_load(&g_slots[i].kept) || !slot_take(i))
            continue;
        stop_process(atomic_load(&g_slots[i].pid), EMERGENCY_STOP, ARRAY_LEN(EMERGENCY_STOP));
        rmtree(g_slots[i].dir);
        /* Left SLOT_SETUP: the process is going away; the exit cleanup
         * must not touch the half-freed server. */
    }
    errno = saved;
}

/* ---- small helpers ---- */

/* Returns the last lines of path written at or after offset since, trimmed
 * (caller frees); "" when there is nothing. */
static char *log_tail(const char *path, off_t since)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xstrdup("");
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end - TAIL_BYTES > since ? end - TAIL_BYTES : since;
    if (from < 0)
        from = 0;
    char buf[TAIL_BYTES + 1];
    ssize_t n = end > from ? pread(fd, buf, (size_t)(end - from), from) : 0;
    close(fd);
    if (n < 0)
        n = 0;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    char *start = buf;
    int lines = 0;
    for (char *p = buf + n; p > buf; p--)
        if (p[-1] == '\n' && ++lines == TAIL_LINES) {
            start = p;
            break;
        }
    return xstrdup(start);
}

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : 0;
}

static bool text_has_any(const char *text, const char *const *marks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(text, marks[i]))
            return true;
    return false;
}

/* Returns a port on 127.0.0.1 that was free a moment ago, or -1. */
static int probe_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* Describes a wait status for messages (static buffer). */
static const char *status_text(int status)
{
    static _Thread_local char buf[64];
    if (status >= 0 && WIFEXITED(status))
        snprintf(buf, sizeof buf, "exit status %d", WEXITSTATUS(status));
    else if (status >= 0 && WIFSIGNALED(status))
        snprintf(buf, sizeof buf, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, sizeof buf, "unknown status");
    return buf;
}

/* ---- starting ---- */

static void pg_free(embedded_pg *pg)
{
    if (!pg)
        return;
    if (pg->lock_fd >= 0)
        close(pg->lock_fd);
    free(pg->bindir);
    free(pg->dir);
    free(pg->data_dir);
    free(pg->log_path);
    free(pg->conninfo);
    for (size_t i = 0; i < pg->nsettings; i++)
        free(pg->settings[i]);
    free(pg->settings);
    free(pg->clock_file);
    free(pg);
}

/* Runs a program of the server to completion, its output appended to
 * log. Returns 0, or -1 and sets *err with the output's tail. */
static int run_to_completion(embedded_pg *pg, char **argv, const char *log, char **err)
{
    pgspawn_spec spec = {.argv = argv, .log_path = log, .cwd = pg->dir, .id = &pg->id,
                         .new_session = true, .pdeathsig = pg->keep ? 0 : SIGKILL};
    pid_t pid = pgspawn(&spec, err);
    if (pid < 0)
        return -1;
    slot_set_pid(pg->slot, pid);
    while (!pgspawn_exited(pid))
        pgspawn_nap(READY_POLL_MS);
    slot_set_pid(pg->slot, 0);
    int status = pgspawn_reap(pid);
    if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char *tail = log_tail(log, 0);
    *err = xasprintf("%s failed (%s): %s", argv[0], status_text(status), tail);
    free(tail);
    return -1;
}

static int run_initdb(embedded_pg *pg, char **err)
{
    char *prog = xasprintf("%s/initdb", pg->bindir);
    char *log = xasprintf("%s/initdb.log", pg->dir);
    const char *argv[3 + ARRAY_LEN(INITDB_ARGS) + 1] = {prog, "-D", pg->data_dir};
    for (size_t i = 0; i < ARRAY_LEN(INITDB_ARGS); i++)
        argv[3 + i] = INITDB_ARGS[i];
    int rc = run_to_completion(pg, (char **)argv, log, err);
    free(log);
    free(prog);
    return rc;
}

typedef enum { LAUNCH_READY, LAUNCH_PORT_TAKEN, LAUNCH_FAILED } launch_result;

/* Starts the postmaster on pg->port and waits until it accepts
 * connections. On failure it is stopped and *err set (caller frees).
 * A restart keeps the conninfo others may be reading. */
static launch_result launch_server(embedded_pg *pg, bool restart, char **err)
{
    char *prog = xasprintf("%s/postgres", pg->bindir);
    char *port = xasprintf("%d", pg->port);
    const char *argv[7 + 2 * (ARRAY_LEN(SERVER_SETTINGS) + MAX_SETTINGS) + 1] = {
        prog, "-D", pg->data_dir, "-p", port, "-k", pg->dir};
    size_t k = 7;
    for (size_t i = 0; i < ARRAY_LEN(SERVER_SETTINGS); i++) {
        argv[k++] = "-c";
        argv[k++] = SERVER_SETTINGS[i];
    }
    for (size_t i = 0; i < pg->nsettings; i++) {
        argv[k++] = "-c";
        argv[k++] = pg->settings[i];
    }
    argv[k] = NULL;
    char env_bufs[MAX_EXTRA_ENV][256];
    char *env[MAX_EXTRA_ENV + 1] = {0};
    size_t nenv = pg->clock_file ? faketime_env(pg->clock_file, env_bufs, MAX_EXTRA_ENV) : 0;
    for (size_t i = 0; i < nenv; i++)
        env[i] = env_bufs[i];
    off_t log_start = file_size(pg->log_path);
    pgspawn_spec spec = {.argv = (char **)argv, .log_path = pg->log_path, .cwd = pg->dir,
                         .id = &pg->id, .new_session = true,
                         .pdeathsig = pg->keep ? 0 : SIGQUIT, .extra_env = env};
    pg->pid = pgspawn(&spec, err);
    free(port);
    free(prog);
    if (pg->pid < 0)
        return LAUNCH_FAILED;
    slot_set_pid(pg->slot, pg->pid);
    if (!restart)
        pg->conninfo = xasprintf("host=%s port=%d dbname=postgres user=%s", pg->dir, pg->port,
                                 BOOTSTRAP_USER);
    for (int waited = 0; waited < READY_TIMEOUT_MS; waited += READY_POLL_MS) {
        if (PQping(pg->conninfo) == PQPING_OK)
            return LAUNCH_READY;
        if (pgspawn_exited(pg->pid))
            break;
        pgspawn_nap(READY_POLL_MS);
    }
    bool exited = pgspawn_exited(pg->pid);
    slot_set_pid(pg->slot, 0);
    stop_process(pg->pid, EMERGENCY_STOP, ARRAY_LEN(EMERGENCY_STOP));
    pg->pid = 0;
    if (!restart) {
        free(pg->conninfo);
        pg->conninfo = NULL;
    }
    char *tail = log_tail(pg->log_path, log_start);
    launch_result r = LAUNCH_FAILED;
    if (exited && text_has_any(tail, PORT_TAKEN_MARKS, ARRAY_LEN(PORT_TAKEN_MARKS)))
        r = LAUNCH_PORT_TAKEN;
    *err = xasprintf("%s: %s", exited ? "the server exited during start-up"
                                      : "the server did not accept connections within 30 s",
                     tail);
    free(tail);
    return r;
}

/* Creates the private directory, owned by the server user, mode 0700. */
static int make_dir(embedded_pg *pg, char **err)
{
    char tmpl[sizeof DIR_TEMPLATE];
    memcpy(tmpl, DIR_TEMPLATE, sizeof tmpl);
    if (!mkdtemp(tmpl)) {
        *err = xasprintf("cannot create a directory like %s: %s", DIR_TEMPLATE, strerror(errno));
        return -1;
    }
    pg->dir = xstrdup(tmpl);
    pg->lock_fd = pgstale_hold(pg->dir);
    pg->data_dir = xasprintf("%s/data", pg->dir);
    pg->log_path = xasprintf("%s/server.log", pg->dir);
    if (chmod(pg->dir, 0700) != 0 ||
        (pg->id.drop && chown(pg->dir, pg->id.uid, pg->id.gid) != 0)) {
        *err = xasprintf("cannot give %s to user %s: %s", pg->dir, pg->id.name, strerror(errno));
        return -1;
    }
    return 0;
}

/* Undoes a failed start: stops what runs, removes the directory. */
static void abandon(embedded_pg *pg)
{
    if (pg->slot >= 0 && slot_take(pg->slot)) {
        stop_process(atomic_load(&g_slots[pg->slot].pid), EMERGENCY_STOP,
                     ARRAY_LEN(EMERGENCY_STOP));
        slot_release(pg->slot);
    }
    if (pg->dir)
        rmtree(pg->dir);
    pg_free(pg);
}

embedded_pg *embedded_start(const embedded_opts *o, char **err)
{
    uint64_t t0 = now_ns();
    embedded_pg *pg = xcalloc(1, sizeof *pg);
    pg->keep = o && o->keep;
    pg->quiet = o && o->quiet;
    pg->slot = -1;
    pg->lock_fd = -1;
    *err = NULL;
    if (o && o->nsettings > MAX_SETTINGS) {
        *err = xasprintf("too many server settings (at most %d)", MAX_SETTINGS);
        pg_free(pg);
        return NULL;
    }
    if (o && o->nsettings) {
        pg->settings = xcalloc(o->nsettings, sizeof *pg->settings);
        for (size_t i = 0; i < o->nsettings; i++)
            pg->settings[pg->nsettings++] = xasprintf("%s=%s", o->settings[i].name,
                                                      o->settings[i].value);
    }

    if (!(pg->bindir = pgbin_find(err)) || pg_identity_lookup(&pg->id, err) != 0) {
        abandon(pg);
        return NULL;
    }
    pgstale_sweep(DIR_GLOB, pg->id.uid, pg->quiet);
    if (make_dir(pg, err) != 0) {
        abandon(pg);
        return NULL;
    }
    if ((pg->slot = slot_claim(pg)) < 0) {
        *err = xasprintf("too many private servers in one process (at most %d)", MAX_SERVERS);
        abandon(pg);
        return NULL;
    }
    if (!pg->quiet)
        fprintf(stderr, "melee: starting a private PostgreSQL server in %s\n", pg->dir);
    if (run_initdb(pg, err) != 0) {
        abandon(pg);
        return NULL;
    }
    if (o && o->faketime && faketime_library()) {
        pg->clock_file = xasprintf("%s/%s", pg->dir, CLOCK_FILE);
        if (faketime_set(pg->clock_file, 0, 1.0, err) != 0) {
            abandon(pg);
            return NULL;
        }
    }
    uint64_t t_initdb = now_ns();
    launch_result r = LAUNCH_PORT_TAKEN;
    for (int attempt = 0; attempt < START_ATTEMPTS && r == LAUNCH_PORT_TAKEN; attempt++) {
        free(*err);
        *err = NULL;
        if ((pg->port = probe_free_port()) < 0) {
            *err = xasprintf("cannot find a free port on 127.0.0.1: %s", strerror(errno));
            r = LAUNCH_FAILED;
        } else {
            r = launch_server(pg, false, err);
        }
    }
    if (r != LAUNCH_READY) {
        abandon(pg);
        return NULL;
    }
    atomic_store(&g_slots[pg->slot].kept, pg->keep);   /* meant to outlive us */
    if (!pg->quiet)
        fprintf(stderr, "melee: server ready on port %d (initdb %.2f s, start %.2f s)\n",
                pg->port, (double)(t_initdb - t0) / 1e9, (double)(now_ns() - t_initdb) / 1e9);
    return pg;
}

/* ---- accessors ---- */

const char *embedded_conninfo(const embedded_pg *pg) { return pg->conninfo; }
const char *embedded_log_path(const embedded_pg *pg) { return pg->log_path; }
const char *embedded_dir(const embedded_pg *pg) { return pg->dir; }
int embedded_port(const embedded_pg *pg) { return pg->port; }
int embedded_pid(const embedded_pg *pg) { return (int)pg->pid; }

/* ---- faults (the nemesis) ---- */

int embedded_signal(embedded_pg *pg, int sig)
{
    return pgprocs_signal_tree(pg->pid, sig);
}

/* Waits until none of pids is alive (zombies count as gone). */
static bool wait_gone(const pid_t *pids, int n, int ms)
{
    for (int waited = 0; waited <= ms; waited += 10) {
        bool any = false;
        for (int i = 0; i < n && !any; i++) {
            char st = pgprocs_state(pids[i]);
            any = st != 0 && st != 'Z' && st != 'X';
        }
        if (!any)
            return true;
        pgspawn_nap(10);
    }
    return false;
}

typedef struct relaunch_call {
    embedded_pg *pg;
    char *err;
    launch_result r;
} relaunch_call;

static void relaunch_on_keeper(void *arg)
{
    relaunch_call *c = arg;
    c->r = launch_server(c->pg, true, &c->err);
}

int embedded_kill(embedded_pg *pg, char **err)
{
    pid_t old = pg->pid;
    if (old <= 0) {
        *err = xstrdup("the server is not running");
        return -1;
    }
    pid_t kids[PGPROCS_MAX];
    kill(old, SIGSTOP);   /* no new children while we list them */
    int n = pgprocs_children(old, kids, PGPROCS_MAX);
    for (int i = 0; i < n; i++)
        kill(kids[i], SIGKILL);
    kill(old, SIGKILL);
    pgspawn_reap(old);
    slot_set_pid(pg->slot, 0);
    pg->pid = 0;
    if (!wait_gone(kids, n, GONE_TIMEOUT_MS)) {
        *err = xstrdup("killed server processes did not go away");
        return -1;
    }
    return n + 1;
}

int embedded_restart(embedded_pg *pg, char **err)
{
    if (pg->pid > 0)
        return (int)pg->pid;
    relaunch_call c = {.pg = pg};
    keeper_run(relaunch_on_keeper, &c);
    if (c.r != LAUNCH_READY) {
        *err = c.err ? c.err : xstrdup("the server did not restart");
        return -1;
    }
    free(c.err);
    return (int)pg->pid;
}

bool embedded_running(const embedded_pg *pg)
{
    return pg->pid > 0;
}

bool embedded_has_clock(const embedded_pg *pg)
{
    return pg->clock_file != NULL;
}

int embedded_set_clock(embedded_pg *pg, double offset_s, char **err)
{
    if (!pg->clock_file) {
        *err = xstrdup("the server was not started under libfaketime");
        return -1;
    }
    return faketime_set(pg->clock_file, offset_s, 1.0, err);
}

void embedded_heal(embedded_pg *pg)
{
    if (!pg)
        return;
    pgprocs_signal_tree(pg->pid, SIGCONT);
    char *err = NULL;
    if (pg->clock_file && faketime_set(pg->clock_file, 0, 1.0, &err) != 0)
        free(err);
}

/* ---- stopping ---- */

/* Tells the user how to reach and stop a server left running. */
static void print_kept(const embedded_pg *pg)
{
    const char *as = pg->id.drop ? "su postgres -c '" : "";
    const char *end = pg->id.drop ? "'" : "";
    fprintf(stderr,
            "melee: the private PostgreSQL server keeps running (pid %d)\n"
            "  connect:   psql -h %s -p %d -U %s postgres\n"
            "  directory: %s (log: %s)\n"
            "  stop:      %s%s/pg_ctl -D %s stop%s && rm -rf %s\n",
            (int)pg->pid, pg->dir, pg->port, BOOTSTRAP_USER, pg->dir, pg->log_path, as,
            pg->bindir, pg->data_dir, end, pg->dir);
}

void embedded_stop(embedded_pg *pg)
{
    if (!pg)
        return;
    embedded_heal(pg);
    if (slot_take(pg->slot)) {
        if (pg->keep) {
            print_kept(pg);
        } else {
            stop_process(pg->pid, GRACEFUL_STOP, ARRAY_LEN(GRACEFUL_STOP));
            rmtree(pg->dir);
        }
        slot_release(pg->slot);
    }
    pg_free(pg);
}

static void cleanup_at_exit(void)
{
    for (int i = 0; i < MAX_SERVERS; i++)
        if (atomic_load(&g_slots[i].state) == SLOT_LIVE && g_slots[i].pg)
            embedded_stop(g_slots[i].pg);
}
