/* kinds.c - the fault kinds: on the private server with signals, through
 * the proxy for the network, with SQL for backends, and with the nodes'
 * command templates on remote clusters. */
#include "kinds.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../server/embedded.h"
#include "../server/faketime.h"
#include "../util.h"

const fault_params FAULT_PARAMS_DEFAULT = {
    .latency_ms = 200, .jitter_ms = 50, .rate_kbps = 64, .stream = FS_BOTH,
    .toxicity = 1.0, .clock_offset_s = 300, .target = TARGET_ONE,
};

/* ---- remote nodes ---- */

/* Runs action a on every node that has it, each result passed to the
 * note hook. Returns 0 when every node succeeded. */
static int on_nodes(const fault_env *env, remote_action a, char *what, size_t cap)
{
    int failed = 0, ran = 0;
    for (size_t i = 0; i < env->nnodes; i++) {
        const remote_node *n = &env->nodes[i];
        if (!n->argv[a])
            continue;
        char out[1024];
        int rc = remote_run(n, a, env->command_timeout_s > 0 ? env->command_timeout_s : 30, out,
                            sizeof out);
        ran++;
        failed += rc != 0;
        if (env->note) {
            char *line = xasprintf("node %s %s: exit %d%s%s", n->name, remote_action_name(a), rc,
                                   *out ? ": " : "", out);
            env->note(env->note_arg, line);
            free(line);
        }
    }
    snprintf(what, cap, "%s on %d node%s%s", remote_action_name(a), ran, ran == 1 ? "" : "s",
             failed ? " (some failed)" : "");
    return failed || !ran ? -1 : 0;
}

static bool nodes_have(const fault_env *env, remote_action a)
{
    for (size_t i = 0; i < env->nnodes; i++)
        if (env->nodes[i].argv[a])
            return true;
    return false;
}

/* ---- kill ---- */

static int kill_start(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    (void)p;
    if (!env->pg)
        return on_nodes(env, RA_KILL, what, cap);
    int pid = embedded_pid(env->pg);
    char *err = NULL;
    int n = embedded_kill(env->pg, &err);
    if (n < 0) {
        snprintf(what, cap, "%s", err);
        free(err);
        return -1;
    }
    snprintf(what, cap, "postmaster %d and %d server processes", pid, n - 1);
    return 0;
}

static int kill_heal(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    (void)p;
    if (!env->pg)
        return on_nodes(env, RA_START, what, cap);
    char *err = NULL;
    int pid = embedded_restart(env->pg, &err);
    if (pid < 0) {
        snprintf(what, cap, "restart failed: %s", err);
        free(err);
        return -1;
    }
    snprintf(what, cap, "restarted, pid %d", pid);
    return 0;
}

/* ---- pause ---- */

static int signal_server(const fault_env *env, int sig, remote_action a, const char *done,
                         char *what, size_t cap)
{
    if (!env->pg)
        return on_nodes(env, a, what, cap);
    int n = embedded_signal(env->pg, sig);
    snprintf(what, cap, "postmaster %d and %d server processes %s", embedded_pid(env->pg),
             n > 0 ? n - 1 : 0, done);
    return n > 0 ? 0 : -1;
}

static int pause_start(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    (void)p;
    return signal_server(env, SIGSTOP, RA_PAUSE, "stopped", what, cap);
}

static int pause_heal(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    (void)p;
    return signal_server(env, SIGCONT, RA_RESUME, "continued", what, cap);
}

/* ---- terminate, cancel ---- */

/* How many backends each target reaches, as SQL (LIMIT). */
static const char *const TARGET_LIMITS[] = {
    [TARGET_ONE] = "1",
    [TARGET_SOME] = "greatest(1, (SELECT count(*) FROM w) / 2)",
    [TARGET_ALL] = "ALL",
};
static const char *const TARGET_NAMES[] = {[TARGET_ONE] = "one", [TARGET_SOME] = "some",
                                           [TARGET_ALL] = "all"};

const char *fault_target_at(size_t i)
{
    return i < ARRAY_LEN(TARGET_NAMES) ? TARGET_NAMES[i] : NULL;
}

bool fault_target_parse(const char *s, fault_target *out)
{
    for (size_t i = 0; i < ARRAY_LEN(TARGET_NAMES); i++)
        if (strcmp(s, TARGET_NAMES[i]) == 0) {
            *out = (fault_target)i;
            return true;
        }
    return false;
}

/* Runs sql (one value) on a fresh session of its own: 0 with the value
 * in out, -1 with the error. */
static int query_own_session(const fault_env *env, const char *sql, char *out, size_t cap)
{
    /* The conninfo may be a URI: expanded as dbname, then our settings. */
    const char *const keys[] = {"dbname", "application_name", "connect_timeout", NULL};
    const char *const values[] = {env->conninfo ? env->conninfo : "", "melee-nemesis", "5", NULL};
    PGconn *c = PQconnectdbParams(keys, values, 1);
    int rc = -1;
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(out, cap, "cannot connect: %s", PQerrorMessage(c));
    } else {
        PGresult *r = PQexec(c, sql);
        rc = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? 0 : -1;
        snprintf(out, cap, "%s", rc == 0 ? PQgetvalue(r, 0, 0) : PQerrorMessage(c));
        PQclear(r);
    }
    PQfinish(c);
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '\n')
        out[--n] = '\0';
    return rc;
}

/* Signals worker backends with fn (pg_terminate_backend or
 * pg_cancel_backend): p->pid, or by target melee's sessions except its own
 * bookkeeping ones; on env's query hook when it has one. */
static int signal_backends(const fault_env *env, const fault_params *p, const char *fn,
                           char *what, size_t cap)
{
    char *victims = p->pid > 0
        ? xasprintf("SELECT %d AS pid", p->pid)
        : xstrdup("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' "
                  "AND pid <> pg_backend_pid() AND application_name LIKE 'melee%' "
                  "AND application_name NOT IN ('melee-control', 'melee-lockwatch', "
                  "'melee-tablewatch', 'melee-nemesis')");
    fault_target target = p->pid > 0 ? TARGET_ONE : p->target;
    char *sql = xasprintf("WITH w AS (%s) SELECT coalesce(string_agg(pid::text, ' '), '') FROM "
                          "(SELECT pid FROM w ORDER BY random() LIMIT %s) v WHERE %s(pid)",
                          victims, TARGET_LIMITS[target], fn);
    char pids[256];
    int rc = env->query ? env->query(env->query_arg, sql, pids, sizeof pids)
                        : query_own_session(env, sql, pids, sizeof pids);
    if (rc == 0) {
        snprintf(what, cap, "%s backend%s %s", TARGET_NAMES[target],
                 strchr(pids, ' ') ? "s" : "", *pids ? pids : "(none found)");
        rc = *pids ? 0 : -1;
    } else {
        snprintf(what, cap, "%s", pids);
    }
    free(sql);
    free(victims);
    return rc;
}

static int terminate_start(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    return signal_backends(env, p, "pg_terminate_backend", what, cap);
}

static int cancel_start(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    return signal_backends(env, p, "pg_cancel_backend", what, cap);
}

/* ---- the network, through the proxy ---- */

static const char *const STREAM_NAMES[FS_COUNT] = {"both", "upstream", "downstream"};
static const unsigned STREAM_BITS[FS_COUNT] = {STREAM_BOTH, STREAM_UPSTREAM, STREAM_DOWNSTREAM};

const char *fault_stream_at(size_t i)
{
    return i < FS_COUNT ? STREAM_NAMES[i] : NULL;
}

static const char *stream_name(fault_stream s)
{
    return fault_stream_at(s) ? fault_stream_at(s) : "both";
}

static unsigned stream_bits(fault_stream s)
{
    return s < FS_COUNT ? STREAM_BITS[s] : STREAM_BOTH;
}

static int partition_start(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    if (!env->proxy)
        return on_nodes(env, RA_PARTITION, what, cap);
    proxy_toxics t = {.partition = true, .toxicity = p->toxicity};
    proxy_set_toxics(env->proxy, &t);
    snprintf(what, cap, "workers cut off from the server (%zu connections)",
             proxy_open_connections(env->proxy));
    return 0;
}

static int network_heal(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    (void)p;
    if (!env->proxy)
        return on_nodes(env, RA_HEAL, what, cap);
    proxy_heal(env->proxy);
    snprintf(what, cap, "network healed (%zu connections)", proxy_open_connections(env->proxy));
    return 0;
}

static int latency_start(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    proxy_toxics t = {.latency_ms = p->latency_ms, .jitter_ms = p->jitter_ms,
                      .latency_streams = stream_bits(p->stream), .toxicity = p->toxicity};
    proxy_set_toxics(env->proxy, &t);
    snprintf(what, cap, "latency %d ms, jitter %d ms, %s", p->latency_ms, p->jitter_ms,
             stream_name(p->stream));
    return 0;
}

static int bandwidth_start(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    proxy_toxics t = {.rate_kbps = p->rate_kbps, .rate_streams = stream_bits(p->stream),
                      .toxicity = p->toxicity};
    proxy_set_toxics(env->proxy, &t);
    snprintf(what, cap, "rate %d KB/s, %s", p->rate_kbps, stream_name(p->stream));
    return 0;
}

static int reset_start(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    size_t before = proxy_open_connections(env->proxy);
    proxy_toxics t = {.reset = true, .toxicity = p->toxicity};
    proxy_set_toxics(env->proxy, &t);
    snprintf(what, cap, "reset %zu connections, and new ones until healed", before);
    return 0;
}

/* ---- clock ---- */

static int clock_start(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    char *err = NULL;
    if (embedded_set_clock(env->pg, p->clock_offset_s, &err) != 0) {
        snprintf(what, cap, "%s", err);
        free(err);
        return -1;
    }
    snprintf(what, cap, "server clock %+.0f s", p->clock_offset_s);
    return 0;
}

static int clock_heal(const fault_env *env, const fault_params *p, char *what, size_t cap)
{
    (void)p;
    char *err = NULL;
    if (embedded_set_clock(env->pg, 0, &err) != 0) {
        snprintf(what, cap, "%s", err);
        free(err);
        return -1;
    }
    snprintf(what, cap, "server clock set right");
    return 0;
}

/* ---- the table ---- */

static const fault_kind_def KINDS[FK_COUNT] = {
    [FK_KILL] = {"kill", NEED_SERVER, false, kill_start, kill_heal, "#d62728", 1,
                 "SIGKILL every server process; heal starts it again (crash recovery)"},
    [FK_PAUSE] = {"pause", NEED_SERVER, false, pause_start, pause_heal, "#9467bd", 5,
                  "SIGSTOP every server process; heal sends SIGCONT"},
    [FK_TERMINATE] = {"terminate", NEED_SQL, true, terminate_start, NULL, "#ff7f0e", 3,
                      "pg_terminate_backend of one, some or all worker backends"},
    [FK_CANCEL] = {"cancel", NEED_SQL, true, cancel_start, NULL, "#bcbd22", 3,
                   "pg_cancel_backend of one, some or all worker backends"},
    [FK_PARTITION] = {"partition", NEED_PROXY, false, partition_start, network_heal, "#1f77b4",
                      4, "the proxy passes nothing either way; heal lets connections carry on"},
    [FK_LATENCY] = {"latency", NEED_PROXY, false, latency_start, network_heal, "#17becf", 6,
                    "the proxy delays data (latency, jitter, stream)"},
    [FK_BANDWIDTH] = {"bandwidth", NEED_PROXY, false, bandwidth_start, network_heal, "#2ca02c",
                      2, "the proxy passes at most rate KB/s per connection"},
    [FK_RESET] = {"reset", NEED_PROXY, false, reset_start, network_heal, "#e377c2", 5,
                  "the proxy resets every connection (RST) until healed"},
    [FK_CLOCK] = {"clock", NEED_FAKETIME, false, clock_start, clock_heal, "#8c564b", 3,
                  "the private server's clock offset through libfaketime"},
};

const fault_kind_def *fault_kind_get(fault_kind k)
{
    return &KINDS[k < FK_COUNT ? k : 0];
}

const char *fault_kind_at(size_t i)
{
    return i < FK_COUNT ? KINDS[i].name : NULL;
}

int fault_kind_find(const char *s)
{
    for (int i = 0; i < FK_COUNT; i++)
        if (strcmp(s, KINDS[i].name) == 0)
            return i;
    return -1;
}

/* ---- why a kind cannot act ---- */

typedef enum unavailable_reason {
    UN_NOT_OURS,
    UN_NO_KILL_COMMAND,
    UN_NO_PAUSE_COMMAND,
    UN_NO_PROXY,
    UN_NO_LIBFAKETIME,
    UN_CLOCK_NOT_OURS,
    UN_NOT_UNDER_FAKETIME,
    UN_NO_CONNECTION,
} unavailable_reason;

static const fault_unavailable UNAVAILABLE[] = {
    [UN_NOT_OURS] = {"melee did not start this server",
                     "kill and pause act on the private server melee starts (run without "
                     "--dsn), or on remote nodes with command templates in nemesis.nodes."},
    [UN_NO_KILL_COMMAND] = {"no node has a kill command",
                            "give the nodes of nemesis.nodes a kill and a start command."},
    [UN_NO_PAUSE_COMMAND] = {"no node has a pause command",
                             "give the nodes of nemesis.nodes a pause and a resume command."},
    [UN_NO_PROXY] = {"no fault proxy in this run",
                     "the workers connect through the fault proxy only when a network kind "
                     "(partition, latency, bandwidth, reset) is configured at start: start "
                     "melee with one in --nemesis or nemesis.faults."},
    [UN_NO_LIBFAKETIME] = {"libfaketime is not installed",
                           "install Debian's faketime package (apt-get install faketime), then "
                           "start melee with clock in --nemesis or nemesis.faults."},
    [UN_CLOCK_NOT_OURS] = {"melee did not start this server",
                           "the clock kind moves the clock of the private server melee starts "
                           "under libfaketime: run without --dsn, with clock in --nemesis."},
    [UN_NOT_UNDER_FAKETIME] = {"the server was not started under libfaketime",
                               "the private server runs under libfaketime only when clock is "
                               "configured at start: start melee with clock in --nemesis or "
                               "nemesis.faults (s in this dialog suspends the schedule)."},
    [UN_NO_CONNECTION] = {"no connection to the server", "give --dsn or PG* variables."},
};

const fault_unavailable *fault_kind_unavailable(fault_kind k, const fault_env *env)
{
    switch (KINDS[k].needs) {
    case NEED_SERVER: {
        remote_action start = k == FK_KILL ? RA_KILL : RA_PAUSE;
        if (env->pg || nodes_have(env, start))
            return NULL;
        if (env->nnodes == 0)
            return &UNAVAILABLE[UN_NOT_OURS];
        return &UNAVAILABLE[k == FK_KILL ? UN_NO_KILL_COMMAND : UN_NO_PAUSE_COMMAND];
    }
    case NEED_PROXY:
        if (env->proxy || (k == FK_PARTITION && nodes_have(env, RA_PARTITION)))
            return NULL;
        return &UNAVAILABLE[UN_NO_PROXY];
    case NEED_FAKETIME:
        if (!faketime_library())
            return &UNAVAILABLE[UN_NO_LIBFAKETIME];
        if (!env->pg)
            return &UNAVAILABLE[UN_CLOCK_NOT_OURS];
        return embedded_has_clock(env->pg) ? NULL : &UNAVAILABLE[UN_NOT_UNDER_FAKETIME];
    case NEED_SQL:
        return env->conninfo || env->query ? NULL : &UNAVAILABLE[UN_NO_CONNECTION];
    }
    return NULL;
}
