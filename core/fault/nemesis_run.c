/* nemesis_run.c - wiring the nemesis to a run: hooks that record each
 * start and heal in the run, and the proxy in front of the server. */
#include "nemesis_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "../sqlbuf.h"
#include "../util.h"

struct fault_run {
    run *r;
    tcp_proxy *proxy;
    nemesis *nem;
    remote_node *nodes;       /* copied from the options */
    size_t nnodes;
    char *conninfo;
    int active;               /* index of the active fault in the run's list */
    double recovery_s;        /* after the final heal, before the final reads */
    bool say;                 /* headless: each fault on stderr too */
};

/* Prints a fault's step on stderr in headless runs. */
static void say(const fault_run *fr, const char *step, fault_kind k, const char *what)
{
    if (fr->say)
        fprintf(stderr, "nemesis: %s-%s: %s\n", step, fault_kind_get(k)->name, what);
}

/* ---- hooks: called on the nemesis thread ---- */

static void on_starting(void *arg, fault_kind k, double t)
{
    (void)t;
    fault_run *fr = arg;
    fr->active = run_fault_started(fr->r, fault_kind_get(k)->name);
}

static void on_started(void *arg, fault_kind k, const char *what, double t)
{
    (void)t;
    fault_run *fr = arg;
    run_fault_acted(fr->r, fr->active, what);
    say(fr, "start", k, what);
}

static void on_healed(void *arg, fault_kind k, const char *what, double t)
{
    (void)t;
    fault_run *fr = arg;
    if (fault_kind_get(k)->instant)
        run_fault_done(fr->r, fr->active);
    else
        run_fault_healed(fr->r, fr->active, what);
    say(fr, "stop", k, what);
    fr->active = -1;
}

static void on_failed(void *arg, fault_kind k, const char *why, double t)
{
    (void)t;
    fault_run *fr = arg;
    say(fr, "fail", k, why);
    if (fr->active >= 0) {
        run_fault_failed(fr->r, fr->active, why);
    } else {
        char *msg = xasprintf("%s failed: %s", fault_kind_get(k)->name, why);
        run_fault_note(fr->r, msg);
        free(msg);
    }
    fr->active = -1;
}

static void on_note(void *arg, const char *text)
{
    run_fault_note(((fault_run *)arg)->r, text);
}

/* ---- setup ---- */

embedded_setting *fault_run_server_opts(const nemesis_opts *o, embedded_opts *eo)
{
    eo->faketime = nemesis_opts_has(o, FK_CLOCK);
    bool named = false;
    for (size_t i = 0; i < eo->nsettings; i++)
        named |= strcmp(eo->settings[i].name, "synchronous_commit") == 0;
    embedded_setting *out = xcalloc(eo->nsettings + 1, sizeof *out);
    if (eo->nsettings)
        memcpy(out, eo->settings, eo->nsettings * sizeof *out);
    /* With synchronous_commit off a crash loses acknowledged commits by
     * design; a checker would report that as a bug. */
    if (nemesis_opts_has(o, FK_KILL) && !named)
        out[eo->nsettings++] = (embedded_setting){"synchronous_commit", "on"};
    eo->settings = out;
    return out;
}

/* Returns conninfo with host, hostaddr and port replaced by the proxy's
 * (caller frees), and in *host and *port (caller frees *host) the TCP
 * address: hostaddr or host, 127.0.0.1 for a Unix socket directory (the
 * private server listens there too). NULL with *err on a bad conninfo. */
static char *through_proxy(const char *conninfo, int proxy_port, char **host, int *port,
                           char **err)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
    if (!opts) {
        *err = xasprintf("cannot parse the connection string: %s", perr ? perr : "out of memory");
        PQfreemem(perr);
        return NULL;
    }
    const char *h = NULL, *ha = NULL, *p = NULL;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val || !*o->val)
            continue;
        if (strcmp(o->keyword, "host") == 0)
            h = o->val;
        else if (strcmp(o->keyword, "hostaddr") == 0)
            ha = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            p = o->val;
    }
    *host = xstrdup(ha ? ha : h && *h != '/' ? h : "127.0.0.1");
    if (strchr(*host, ','))
        (*host)[strcspn(*host, ",")] = '\0';   /* the first of several hosts */
    *port = p ? atoi(p) : 5432;
    char *out = xasprintf("host=127.0.0.1 hostaddr=127.0.0.1 port=%d", proxy_port);
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val || !*o->val || strcmp(o->keyword, "host") == 0 ||
            strcmp(o->keyword, "hostaddr") == 0 || strcmp(o->keyword, "port") == 0)
            continue;
        sqlbuf v;
        sb_init(&v);
        for (const char *c = o->val; *c; c++) {
            if (*c == '\'' || *c == '\\')
                sb_addc(&v, '\\');
            sb_addc(&v, *c);
        }
        char *next = xasprintf("%s %s='%s'", out, o->keyword, sb_str(&v));
        sb_free(&v);
        free(out);
        out = next;
    }
    PQconninfoFree(opts);
    return out;
}

fault_run *fault_run_new(run *r, const nemesis_opts *o, embedded_pg *pg, const char *conninfo,
                         uint64_t seed, char **warn, char **err)
{
    *warn = NULL;
    fault_run *fr = xcalloc(1, sizeof *fr);
    fr->r = r;
    fr->active = -1;
    fr->say = run_get_config(r)->headless;
    fr->conninfo = xstrdup(conninfo);
    fr->recovery_s = o->cfg.schedule.recovery_s;
    if (nemesis_opts_need_proxy(o)) {
        char *host = NULL;
        int port = 0;
        char *through = through_proxy(conninfo, 0, &host, &port, err);
        if (!through) {
            fault_run_free(fr);
            return NULL;
        }
        free(through);
        fr->proxy = proxy_start(host, port, (unsigned)seed, err);
        free(host);
        if (!fr->proxy) {
            fault_run_free(fr);
            return NULL;
        }
        through = through_proxy(conninfo, proxy_port(fr->proxy), &host, &port, err);
        free(host);
        run_set_worker_proxy(r, through, fr->proxy);
        free(through);
    }
    nemesis_opts copy;
    nemesis_opts_copy(&copy, o);
    fr->nodes = copy.nodes;
    fr->nnodes = copy.nnodes;
    free(copy.faults);
    copy.cfg = nemesis_opts_cfg(o);   /* with its kinds */
    copy.cfg.schedule.run_s = run_get_config(r)->duration_s;
    fault_env env = {.pg = pg, .proxy = fr->proxy, .conninfo = fr->conninfo,
                     .nodes = fr->nodes, .nnodes = fr->nnodes,
                     .command_timeout_s = o->command_timeout_s};
    nemesis_hooks h = {.starting = on_starting, .started = on_started, .healed = on_healed,
                       .failed = on_failed, .note = on_note, .arg = fr};
    fr->nem = nemesis_new(&copy.cfg, &env, seed, &h, warn, err);
    if (!fr->nem) {
        fault_run_free(fr);
        return NULL;
    }
    run_attach_nemesis(r, fr->nem);
    return fr;
}

int fault_run_proxy_port(const fault_run *fr)
{
    return fr && fr->proxy ? proxy_port(fr->proxy) : 0;
}

int fault_run_start(fault_run *fr, char **err)
{
    return nemesis_start(fr->nem, now_ns(), err);
}

void fault_run_heal_and_stop(fault_run *fr)
{
    if (fr)
        nemesis_stop(fr->nem);
}

void fault_run_recover(fault_run *fr)
{
    if (!fr)
        return;
    double since = nemesis_since_heal_s(fr->nem);
    if (since < 0 || since >= fr->recovery_s)
        return;
    double left = fr->recovery_s - since;
    fprintf(stderr, "melee: faults healed; waiting %.1f s (nemesis recovery) before the final "
            "reads\n", left);
    sleep_ms((unsigned)(left * 1000));
}

void fault_run_free(fault_run *fr)
{
    if (!fr)
        return;
    if (fr->nem) {
        nemesis_stop(fr->nem);
        run_attach_nemesis(fr->r, NULL);
        nemesis_free(fr->nem);
    }
    proxy_stop(fr->proxy);
    for (size_t i = 0; i < fr->nnodes; i++)
        remote_node_clear(&fr->nodes[i]);
    free(fr->nodes);
    free(fr->conninfo);
    free(fr);
}
