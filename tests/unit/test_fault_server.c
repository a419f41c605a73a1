/* Tests of the fault kinds on a real private server, observed from
 * outside: a kill changes the postmaster's pid and the data survives;
 * a pause leaves every server process in state T until healed; the clock
 * moves under libfaketime; terminate ends worker backends, or the one
 * backend a worker aims at from its own session; a connection
 * through the proxy blocks during a partition; node command templates run
 * without a shell; the nemesis heals what is active when it stops, also a
 * fault started by a schedule; server settings reach the server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/fault/kinds.h"
#include "core/fault/nemesis.h"
#include "core/fault/proxy.h"
#include "core/fault/remote.h"
#include "core/server/embedded.h"
#include "core/server/faketime.h"
#include "core/server/pgprocs.h"
#include "core/util.h"

static embedded_pg *start_server(const embedded_opts *o)
{
    char *err = NULL;
    embedded_pg *pg = embedded_start(o, &err);
    if (!pg)
        fail_msg("embedded_start: %s", err);
    return pg;
}

/* Runs sql and returns the first value (caller frees), or NULL. */
static char *query_one(const char *conninfo, const char *sql)
{
    char *ci = xasprintf("%s connect_timeout=2", conninfo);
    PGconn *c = PQconnectdb(ci);
    free(ci);
    char *out = NULL;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) >= 1)
            out = xstrdup(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    PQfinish(c);
    return out;
}

static void exec_ok(const char *conninfo, const char *sql)
{
    PGconn *c = PQconnectdb(conninfo);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

/* Counts the server's processes (postmaster included) in state st. */
static int count_in_state(embedded_pg *pg, char st, int *total)
{
    pid_t kids[PGPROCS_MAX];
    int n = pgprocs_children(embedded_pid(pg), kids, PGPROCS_MAX);
    int in = pgprocs_state(embedded_pid(pg)) == st;
    *total = 1;
    for (int i = 0; i < n; i++) {
        char s = pgprocs_state(kids[i]);
        if (s == 'Z' || s == 0)
            continue;   /* exited, waiting for the postmaster to reap it */
        in += s == st;
        ++*total;
    }
    return in;
}

/* Waits up to a second (signals act when the kernel next runs the
 * process) until `in` of the server's processes are in state st, where
 * in < 0 means all of them. */
static bool settles(embedded_pg *pg, char st, int in)
{
    int total = 0, got = 0;
    for (int i = 0; i < 100; i++) {
        got = count_in_state(pg, st, &total);
        if (got == (in < 0 ? total : in))
            return true;
        sleep_ms(10);
    }
    print_message("%d of %d processes in state %c\n", got, total, st);
    return false;
}

static bool pid_settles(pid_t pid, char st, bool in)
{
    for (int i = 0; i < 100; i++) {
        if ((pgprocs_state(pid) == st) == in)
            return true;
        sleep_ms(10);
    }
    return false;
}

static void kill_changes_the_postmaster_and_keeps_the_data(void **state)
{
    (void)state;
    embedded_setting sync_on = {"synchronous_commit", "on"};
    embedded_opts o = {.quiet = true, .settings = &sync_on, .nsettings = 1};
    embedded_pg *pg = start_server(&o);
    const char *ci = embedded_conninfo(pg);
    char *v = query_one(ci, "SHOW synchronous_commit");
    assert_string_equal(v, "on");
    free(v);
    exec_ok(ci, "CREATE TABLE k(x int); INSERT INTO k VALUES (1), (2), (3)");
    fault_env env = {.pg = pg, .conninfo = ci};
    const fault_kind_def *kill = fault_kind_get(FK_KILL);
    assert_null(fault_kind_unavailable(FK_KILL, &env));
    int before = embedded_pid(pg);
    char what[256];
    assert_int_equal(kill->start(&env, &FAULT_PARAMS_DEFAULT, what, sizeof what), 0);
    print_message("kill: %s\n", what);
    assert_false(embedded_running(pg));
    assert_int_equal(pgprocs_state(before), 0);
    assert_null(query_one(ci, "SELECT 1"));   /* down until healed */
    assert_int_equal(kill->heal(&env, &FAULT_PARAMS_DEFAULT, what, sizeof what), 0);
    print_message("heal: %s\n", what);
    int after = embedded_pid(pg);
    assert_true(after > 0 && after != before);
    v = query_one(ci, "SELECT sum(x) FROM k");
    assert_non_null(v);
    assert_string_equal(v, "6");
    free(v);
    char *log = NULL;
    FILE *f = fopen(embedded_log_path(pg), "r");
    assert_non_null(f);
    size_t cap = 0;
    bool recovered = false;
    while (getline(&log, &cap, f) > 0)
        recovered |= strstr(log, "was not properly shut down") != NULL;
    free(log);
    fclose(f);
    assert_true(recovered);   /* crash recovery ran */
    embedded_stop(pg);
}

static void pause_stops_every_process_until_healed(void **state)
{
    (void)state;
    embedded_opts o = {.quiet = true};
    embedded_pg *pg = start_server(&o);
    fault_env env = {.pg = pg, .conninfo = embedded_conninfo(pg)};
    const fault_kind_def *pause = fault_kind_get(FK_PAUSE);
    char what[256];
    assert_int_equal(pause->start(&env, &FAULT_PARAMS_DEFAULT, what, sizeof what), 0);
    int total = 0;
    assert_true(settles(pg, 'T', -1));
    count_in_state(pg, 'T', &total);
    assert_true(total >= 4);   /* postmaster, checkpointer, writers... */
    assert_null(query_one(embedded_conninfo(pg), "SELECT 1"));
    assert_int_equal(pause->heal(&env, &FAULT_PARAMS_DEFAULT, what, sizeof what), 0);
    assert_true(settles(pg, 'T', 0));
    char *v = query_one(embedded_conninfo(pg), "SELECT 1");
    assert_non_null(v);
    free(v);
    /* A server stopped while paused is continued first, not left behind. */
    embedded_signal(pg, SIGSTOP);
    pid_t pid = embedded_pid(pg);
    embedded_stop(pg);
    assert_int_equal(kill(pid, 0), -1);
}

/* The server's clock minus ours, in seconds. */
static double clock_skew(embedded_pg *pg)
{
    char *v = query_one(embedded_conninfo(pg), "SELECT extract(epoch FROM clock_timestamp())");
    assert_non_null(v);
    double skew = atof(v) - wall_seconds();
    free(v);
    return skew;
}

/* Waits up to 3 s (libfaketime rereads its file about every second, and a
 * new backend may start with its postmaster's cached value) for the skew
 * to lie in [lo, hi]. */
static bool skew_settles(embedded_pg *pg, double lo, double hi)
{
    double skew = 0;
    for (int i = 0; i < 30; i++) {
        skew = clock_skew(pg);
        if (skew >= lo && skew <= hi)
            return true;
        sleep_ms(100);
    }
    print_message("clock skew %.1f s, wanted [%.0f, %.0f]\n", skew, lo, hi);
    return false;
}

static void clock_offsets_the_server_and_heals(void **state)
{
    (void)state;
    if (!faketime_library()) {
        embedded_opts plain = {.quiet = true};
        embedded_pg *pg = start_server(&plain);
        fault_env env = {.pg = pg};
        assert_non_null(fault_kind_unavailable(FK_CLOCK, &env));
        embedded_stop(pg);
        skip();
    }
    embedded_opts o = {.quiet = true, .faketime = true};
    embedded_pg *pg = start_server(&o);
    fault_env env = {.pg = pg};
    assert_null(fault_kind_unavailable(FK_CLOCK, &env));
    assert_true(fabs(clock_skew(pg)) < 2);
    fault_params p = FAULT_PARAMS_DEFAULT;
    p.clock_offset_s = 600;
    char what[256];
    assert_int_equal(fault_kind_get(FK_CLOCK)->start(&env, &p, what, sizeof what), 0);
    assert_true(skew_settles(pg, 595, 605));
    assert_int_equal(fault_kind_get(FK_CLOCK)->heal(&env, &p, what, sizeof what), 0);
    assert_true(skew_settles(pg, -2, 2));
    embedded_stop(pg);
    /* Without libfaketime preloaded the kind says so. */
    embedded_opts plain = {.quiet = true};
    pg = start_server(&plain);
    env.pg = pg;
    assert_non_null(fault_kind_unavailable(FK_CLOCK, &env));
    embedded_stop(pg);
}

/* Reads the control file over and over while it is set, as every server
 * process does: it is never seen empty or half written. */
typedef struct reader {
    const char *path;
    atomic_bool stop;
    long reads, torn;
} reader;

static void *read_control(void *arg)
{
    reader *r = arg;
    while (!atomic_load(&r->stop)) {
        FILE *f = fopen(r->path, "r");
        char line[64] = "";
        if (!f)
            continue;
        if (!fgets(line, sizeof line, f) || (strcmp(line, "+0.000\n") != 0 &&
                                             strcmp(line, "+600.000\n") != 0))
            r->torn++;
        r->reads++;
        fclose(f);
    }
    return NULL;
}

static void clock_control_file_is_replaced_whole(void **state)
{
    (void)state;
    char dir[] = "/tmp/melee-faketime-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/clock", dir);
    char *err = NULL;
    assert_int_equal(faketime_set(path, 0, 1.0, &err), 0);
    reader r = {.path = path};
    pthread_t th;
    pthread_create(&th, NULL, read_control, &r);
    for (int i = 0; i < 4000; i++)
        assert_int_equal(faketime_set(path, i % 2 ? 600 : 0, 1.0, &err), 0);
    atomic_store(&r.stop, true);
    pthread_join(th, NULL);
    print_message("%ld reads, %ld torn\n", r.reads, r.torn);
    assert_true(r.reads > 0);
    assert_int_equal(r.torn, 0);
    unlink(path);
    rmdir(dir);
    free(path);
}

/* Opens n sessions named like workers; returns them. */
static void open_workers(const char *conninfo, PGconn **c, int n)
{
    char *ci = xasprintf("%s application_name=melee-w1", conninfo);
    for (int i = 0; i < n; i++) {
        c[i] = PQconnectdb(ci);
        assert_int_equal(PQstatus(c[i]), CONNECTION_OK);
    }
    free(ci);
}

static int alive_sessions(PGconn **c, int n)
{
    int alive = 0;
    for (int i = 0; i < n; i++) {
        PGresult *r = PQexec(c[i], "SELECT 1");
        alive += PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
    }
    return alive;
}

static void terminate_ends_worker_backends(void **state)
{
    (void)state;
    embedded_opts o = {.quiet = true};
    embedded_pg *pg = start_server(&o);
    fault_env env = {.pg = pg, .conninfo = embedded_conninfo(pg)};
    PGconn *c[4];
    open_workers(embedded_conninfo(pg), c, 4);
    PGconn *control = PQconnectdb(embedded_conninfo(pg));   /* not a worker: spared */
    fault_params p = FAULT_PARAMS_DEFAULT;
    char what[256];
    p.target = TARGET_ONE;
    assert_int_equal(fault_kind_get(FK_TERMINATE)->start(&env, &p, what, sizeof what), 0);
    print_message("terminate: %s\n", what);
    sleep_ms(200);
    assert_int_equal(alive_sessions(c, 4), 3);
    p.target = TARGET_ALL;
    assert_int_equal(fault_kind_get(FK_TERMINATE)->start(&env, &p, what, sizeof what), 0);
    sleep_ms(200);
    assert_int_equal(alive_sessions(c, 4), 0);
    PGresult *r = PQexec(control, "SELECT 1");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    /* No worker left: the fault says it found nobody. */
    assert_int_equal(fault_kind_get(FK_TERMINATE)->start(&env, &p, what, sizeof what), -1);
    for (int i = 0; i < 4; i++)
        PQfinish(c[i]);
    PQfinish(control);
    embedded_stop(pg);
}

/* The query hook of a worker's session: runs sql on the connection. */
static int query_on(void *arg, const char *sql, char *out, size_t cap)
{
    PGresult *r = PQexec(arg, sql);
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? 0 : -1;
    snprintf(out, cap, "%s", rc == 0 ? PQgetvalue(r, 0, 0) : PQerrorMessage(arg));
    PQclear(r);
    return rc;
}

/* Aimed at one backend (a chaos worker's cancel and terminate), the kinds
 * act on that one only, through the caller's own session. */
static void terminate_and_cancel_aim_at_one_backend(void **state)
{
    (void)state;
    embedded_opts o = {.quiet = true};
    embedded_pg *pg = start_server(&o);
    PGconn *c[3];
    open_workers(embedded_conninfo(pg), c, 3);   /* c[0] fires at c[1] */
    fault_env env = {.query = query_on, .query_arg = c[0]};
    assert_null(fault_kind_unavailable(FK_CANCEL, &env));
    fault_params p = FAULT_PARAMS_DEFAULT;
    p.target = TARGET_ALL;   /* the pid wins */
    p.pid = PQbackendPID(c[1]);
    char what[256], expect[64];
    snprintf(expect, sizeof expect, "one backend %d", p.pid);
    assert_int_equal(PQsendQuery(c[1], "SELECT pg_sleep(30)"), 1);
    /* A cancel reaching an idle backend does nothing: wait for the sleep. */
    char *sql = xasprintf("SELECT count(*) FROM pg_stat_activity WHERE pid = %d AND "
                          "state = 'active' AND query LIKE 'SELECT pg_sleep%%'", p.pid);
    char n[16] = "0";
    for (int i = 0; i < 500 && strcmp(n, "1") != 0; i++) {
        sleep_ms(10);
        assert_int_equal(query_on(c[0], sql, n, sizeof n), 0);
    }
    free(sql);
    assert_string_equal(n, "1");
    assert_int_equal(fault_kind_get(FK_CANCEL)->start(&env, &p, what, sizeof what), 0);
    assert_string_equal(what, expect);
    PGresult *r = PQgetResult(c[1]);
    const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    assert_string_equal(code ? code : "(none)", "57014");
    PQclear(r);
    while ((r = PQgetResult(c[1])))
        PQclear(r);
    assert_int_equal(alive_sessions(c, 3), 3);   /* a cancel ends no session */
    assert_int_equal(fault_kind_get(FK_TERMINATE)->start(&env, &p, what, sizeof what), 0);
    assert_string_equal(what, expect);
    sleep_ms(200);
    assert_int_equal(alive_sessions(c, 3), 2);
    assert_int_equal(PQstatus(c[2]), CONNECTION_OK);
    /* Gone: nothing to signal, said so. */
    assert_int_equal(fault_kind_get(FK_TERMINATE)->start(&env, &p, what, sizeof what), -1);
    assert_non_null(strstr(what, "none found"));
    for (int i = 0; i < 3; i++)
        PQfinish(c[i]);
    embedded_stop(pg);
}

/* Runs a query on c with a client-side deadline; returns ms it took, or -1
 * when no answer came within ms. */
static double timed_query(PGconn *c, const char *sql, int ms)
{
    uint64_t t0 = now_ns();
    assert_int_equal(PQsendQuery(c, sql), 1);
    while (PQisBusy(c)) {
        if ((now_ns() - t0) / 1000000 > (uint64_t)ms)
            return -1;
        sleep_ms(5);
        PQconsumeInput(c);
    }
    PGresult *r;
    while ((r = PQgetResult(c)))
        PQclear(r);
    return (double)(now_ns() - t0) / 1e6;
}

static void network_faults_through_the_proxy(void **state)
{
    (void)state;
    embedded_opts o = {.quiet = true};
    embedded_pg *pg = start_server(&o);
    char *err = NULL;
    tcp_proxy *px = proxy_start("127.0.0.1", embedded_port(pg), 1, &err);
    assert_non_null(px);
    char *through = xasprintf("host=127.0.0.1 port=%d dbname=postgres user=postgres",
                              proxy_port(px));
    PGconn *c = PQconnectdb(through);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    fault_env env = {.pg = pg, .proxy = px, .conninfo = embedded_conninfo(pg)};
    char what[256];
    double quick = timed_query(c, "SELECT 1", 2000);
    assert_true(quick >= 0 && quick < 100);
    fault_params p = FAULT_PARAMS_DEFAULT;
    p.latency_ms = 150;
    p.jitter_ms = 0;
    assert_int_equal(fault_kind_get(FK_LATENCY)->start(&env, &p, what, sizeof what), 0);
    double slow = timed_query(c, "SELECT 1", 3000);
    print_message("select 1: %.1f ms, under latency %.1f ms\n", quick, slow);
    assert_true(slow >= 295);
    assert_int_equal(fault_kind_get(FK_LATENCY)->heal(&env, &p, what, sizeof what), 0);
    assert_int_equal(fault_kind_get(FK_PARTITION)->start(&env, &p, what, sizeof what), 0);
    assert_true(timed_query(c, "SELECT 2", 700) < 0);   /* blocked */
    assert_int_equal(fault_kind_get(FK_PARTITION)->heal(&env, &p, what, sizeof what), 0);
    for (int i = 0; i < 200 && PQisBusy(c); i++) {
        sleep_ms(10);
        PQconsumeInput(c);
    }
    assert_false(PQisBusy(c));   /* the same connection carried on */
    PGresult *r;
    while ((r = PQgetResult(c)))
        PQclear(r);
    assert_true(timed_query(c, "SELECT 3", 2000) >= 0);
    assert_int_equal(fault_kind_get(FK_RESET)->start(&env, &p, what, sizeof what), 0);
    sleep_ms(100);
    r = PQexec(c, "SELECT 4");
    assert_int_not_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    assert_int_equal(fault_kind_get(FK_RESET)->heal(&env, &p, what, sizeof what), 0);
    PQfinish(c);
    c = PQconnectdb(through);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PQfinish(c);
    free(through);
    proxy_stop(px);
    embedded_stop(pg);
}

static char **argv_of(const char *const *words)
{
    size_t n = 0;
    while (words[n])
        n++;
    char **out = xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = xstrdup(words[i]);
    return out;
}

static void node_templates_run_without_a_shell(void **state)
{
    (void)state;
    remote_node n = {.name = xstrdup("n1"), .host = xstrdup("10.0.0.1")};
    n.argv[RA_KILL] = argv_of((const char *const[]){"echo", "{host};", "$HOME", "{name}", NULL});
    n.argv[RA_START] = argv_of((const char *const[]){"false", NULL});
    n.argv[RA_PAUSE] = argv_of((const char *const[]){"sleep", "5", NULL});
    n.argv[RA_RESUME] = argv_of((const char *const[]){"/no/such/program", NULL});
    char out[256];
    assert_int_equal(remote_run(&n, RA_KILL, 5, out, sizeof out), 0);
    assert_string_equal(out, "10.0.0.1; $HOME n1");   /* no shell expanded anything */
    assert_int_equal(remote_run(&n, RA_START, 5, out, sizeof out), 1);
    uint64_t t0 = now_ns();
    assert_int_equal(remote_run(&n, RA_PAUSE, 0.3, out, sizeof out), -1);
    assert_true((now_ns() - t0) / 1000000 < 2000);
    assert_non_null(strstr(out, "timed out"));
    assert_int_equal(remote_run(&n, RA_RESUME, 5, out, sizeof out), -1);
    assert_int_equal(remote_run(&n, RA_HEAL, 5, out, sizeof out), -1);
    assert_non_null(strstr(out, "no heal command"));
    assert_int_equal(remote_action_find("partition"), RA_PARTITION);
    assert_int_equal(remote_action_find("reboot"), -1);
    remote_node_clear(&n);
}

/* Remote faults against a second private server whose templates are local
 * commands: pause and resume by signals named on the command line. */
static void node_templates_drive_a_server(void **state)
{
    (void)state;
    embedded_opts o = {.quiet = true};
    embedded_pg *pg = start_server(&o);
    char pid[16];
    snprintf(pid, sizeof pid, "%d", embedded_pid(pg));
    remote_node n = {.name = xstrdup("local"), .host = xstrdup(pid)};
    n.argv[RA_PAUSE] = argv_of((const char *const[]){"kill", "-STOP", "{host}", NULL});
    n.argv[RA_RESUME] = argv_of((const char *const[]){"kill", "-CONT", "{host}", NULL});
    fault_env env = {.nodes = &n, .nnodes = 1, .conninfo = embedded_conninfo(pg)};
    assert_null(fault_kind_unavailable(FK_PAUSE, &env));
    assert_non_null(fault_kind_unavailable(FK_KILL, &env));   /* no kill template */
    char what[256];
    assert_int_equal(fault_kind_get(FK_PAUSE)->start(&env, &FAULT_PARAMS_DEFAULT, what, sizeof what), 0);
    assert_true(pid_settles(embedded_pid(pg), 'T', true));
    assert_int_equal(fault_kind_get(FK_PAUSE)->heal(&env, &FAULT_PARAMS_DEFAULT, what, sizeof what), 0);
    assert_true(pid_settles(embedded_pid(pg), 'T', false));
    remote_node_clear(&n);
    embedded_stop(pg);
}

typedef struct seen {
    int started[FK_COUNT], healed[FK_COUNT];
} seen;

static void on_started(void *arg, fault_kind k, const char *what, double t)
{
    print_message("%.2f start-%s %s\n", t, fault_kind_get(k)->name, what);
    __atomic_fetch_add(&((seen *)arg)->started[k], 1, __ATOMIC_SEQ_CST);
}

static void on_healed(void *arg, fault_kind k, const char *what, double t)
{
    print_message("%.2f stop-%s %s\n", t, fault_kind_get(k)->name, what);
    __atomic_fetch_add(&((seen *)arg)->healed[k], 1, __ATOMIC_SEQ_CST);
}

static int loaded(const seen *s, const int *counts)
{
    (void)s;
    return __atomic_load_n(counts, __ATOMIC_SEQ_CST);
}

static void nemesis_schedule_fires_and_stop_heals(void **state)
{
    (void)state;
    embedded_opts o = {.quiet = true};
    embedded_pg *pg = start_server(&o);
    fault_env env = {.pg = pg, .conninfo = embedded_conninfo(pg)};
    nemesis_cfg cfg = {.schedule = {.kinds = {FK_PAUSE, FK_CLOCK}, .nkinds = 2,
                                    .order = ORDER_CYCLE, .interval_s = 0.4,
                                    .duration_s = 0.3, .quiet_s = 0.2, .run_s = 0},
                       .params = FAULT_PARAMS_DEFAULT};
    seen s = {0};
    nemesis_hooks h = {.started = on_started, .healed = on_healed, .arg = &s};
    char *unavailable = NULL, *err = NULL;
    nemesis *n = nemesis_new(&cfg, &env, 5, &h, &unavailable, &err);
    assert_non_null(n);
    assert_non_null(unavailable);   /* clock: no libfaketime under this server */
    assert_non_null(strstr(unavailable, "clock"));
    free(unavailable);
    assert_int_equal(nemesis_start(n, now_ns(), &err), 0);
    sleep_ms(2000);
    assert_true(loaded(&s, &s.started[FK_PAUSE]) >= 2);
    assert_true(loaded(&s, &s.healed[FK_PAUSE]) >= 1);
    /* By hand: a pause held long, then stop in the middle of it. */
    nemesis_suspend(n, true);
    nemesis_fire(n, FK_PAUSE, NULL, 60);
    assert_true(settles(pg, 'T', -1));
    nemesis_view v;
    nemesis_view_take(n, &v);
    assert_true(v.active && v.current.kind == FK_PAUSE && v.suspended && !v.planned);
    assert_true(v.nrecent >= 2);
    nemesis_stop(n);
    assert_true(settles(pg, 'T', 0));
    assert_int_equal(loaded(&s, &s.started[FK_PAUSE]), loaded(&s, &s.healed[FK_PAUSE]));
    nemesis_free(n);
    /* Kinds that cannot act anywhere refuse the nemesis. */
    nemesis_cfg only_net = cfg;
    only_net.schedule.kinds[0] = FK_PARTITION;
    only_net.schedule.nkinds = 1;
    assert_null(nemesis_new(&only_net, &env, 5, &h, &unavailable, &err));
    assert_non_null(strstr(err, "proxy"));
    free(err);
    embedded_stop(pg);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kill_changes_the_postmaster_and_keeps_the_data),
        cmocka_unit_test(pause_stops_every_process_until_healed),
        cmocka_unit_test(clock_offsets_the_server_and_heals),
        cmocka_unit_test(clock_control_file_is_replaced_whole),
        cmocka_unit_test(terminate_ends_worker_backends),
        cmocka_unit_test(terminate_and_cancel_aim_at_one_backend),
        cmocka_unit_test(network_faults_through_the_proxy),
        cmocka_unit_test(node_templates_run_without_a_shell),
        cmocka_unit_test(node_templates_drive_a_server),
        cmocka_unit_test(nemesis_schedule_fires_and_stop_heals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
