/* nemesis_opts.c - the nemesis options as a table: a name, aliases, a
 * type, where the value goes, its limits and one line of help. */
#include "nemesis_opts.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

typedef enum opt_type { OT_SECONDS, OT_INT, OT_SHARE, OT_OFFSET, OT_KINDS, OT_ORDER,
                        OT_STREAM, OT_TARGET } opt_type;

typedef struct opt_def {
    const char *name;
    const char *alias;        /* the dotted name of a profile mapping, or NULL */
    opt_type type;
    size_t offset;            /* into nemesis_opts */
    double min, max;
    const char *help;
} opt_def;

#define CFG(f) offsetof(nemesis_opts, cfg.f)
#define PAR(f) offsetof(nemesis_opts, cfg.params.f)

static const opt_def OPTS[] = {
    {"faults", NULL, OT_KINDS, 0, 0, 0, "fault kinds, comma-separated, or all"},
    {"order", NULL, OT_ORDER, CFG(schedule.order), 0, 0, "random (default) or cycle"},
    {"interval", NULL, OT_SECONDS, CFG(schedule.interval_s), 0.1, 86400,
     "mean seconds from one heal to the next start"},
    {"duration", NULL, OT_SECONDS, CFG(schedule.duration_s), 0.1, 86400,
     "mean seconds a fault lasts"},
    {"quiet", NULL, OT_SECONDS, CFG(schedule.quiet_s), 0, 86400, "no fault before this"},
    {"recovery", NULL, OT_SECONDS, CFG(schedule.recovery_s), 0, 86400,
     "no fault in the run's last seconds, before its final reads"},
    {"latency", "latency.ms", OT_INT, PAR(latency_ms), 0, 60000, "latency: added delay, ms"},
    {"jitter", "latency.jitter_ms", OT_INT, PAR(jitter_ms), 0, 60000, "latency: +- ms"},
    {"stream", "latency.direction", OT_STREAM, PAR(stream), 0, 0,
     "latency, bandwidth: upstream, downstream or both"},
    {"rate", "bandwidth.rate", OT_INT, PAR(rate_kbps), 1, 1000000, "bandwidth: KB/s"},
    {"toxicity", NULL, OT_SHARE, PAR(toxicity), 0, 1,
     "network kinds: share of connections affected"},
    {"offset", "clock.offset_s", OT_OFFSET, PAR(clock_offset_s), -1e8, 1e8,
     "clock: seconds the server's clock is moved"},
    {"target", NULL, OT_TARGET, PAR(target), 0, 0, "terminate, cancel: one, some or all"},
    {"command_timeout", NULL, OT_SECONDS, offsetof(nemesis_opts, command_timeout_s), 1, 3600,
     "node commands: seconds before they are killed"},
};

void nemesis_opts_defaults(nemesis_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cfg.schedule = (schedule_cfg){.order = ORDER_RANDOM, .interval_s = 10,
                                     .duration_s = 5, .quiet_s = 5, .recovery_s = 10};
    o->cfg.params = FAULT_PARAMS_DEFAULT;
    o->command_timeout_s = 30;
}

static const opt_def *find_opt(const char *key)
{
    for (size_t i = 0; i < ARRAY_LEN(OPTS); i++)
        if (strcmp(key, OPTS[i].name) == 0 || (OPTS[i].alias && strcmp(key, OPTS[i].alias) == 0))
            return &OPTS[i];
    return NULL;
}

static char *kind_names(void)
{
    char *out = xstrdup("");
    for (int k = 0; k < FK_COUNT; k++) {
        char *next = xasprintf("%s%s%s", out, k ? ", " : "", fault_kind_get((fault_kind)k)->name);
        free(out);
        out = next;
    }
    return out;
}

static int set_kinds(nemesis_opts *o, const char *value, char **err)
{
    schedule_cfg *s = &o->cfg.schedule;
    s->nkinds = 0;
    if (strcmp(value, "all") == 0) {
        for (int k = 0; k < FK_COUNT; k++)
            s->kinds[s->nkinds++] = k;
        return 0;
    }
    char *copy = xstrdup(value), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        int k = fault_kind_find(tok);
        if (k < 0) {
            char *names = kind_names();
            *err = xasprintf("unknown fault kind \"%s\" (kinds: %s)", tok, names);
            free(names);
            rc = -1;
            break;
        }
        bool dup = false;
        for (size_t i = 0; i < s->nkinds; i++)
            dup |= s->kinds[i] == k;
        if (!dup && s->nkinds < SCHEDULE_MAX_KINDS)
            s->kinds[s->nkinds++] = k;
    }
    free(copy);
    return rc;
}

static int parse_number(const opt_def *d, const char *value, double *out, char **err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(value, &end);
    if (end == value || *end || errno || !isfinite(v)) {
        *err = xasprintf("%s: \"%s\" is not a number", d->name, value);
        return -1;
    }
    if (v < d->min || v > d->max) {
        *err = xasprintf("%s: %s is out of range [%g, %g]", d->name, value, d->min, d->max);
        return -1;
    }
    if (d->type == OT_INT && v != floor(v)) {
        *err = xasprintf("%s: \"%s\" is not a whole number", d->name, value);
        return -1;
    }
    *out = v;
    return 0;
}

int nemesis_opts_set(nemesis_opts *o, const char *key, const char *value, char **err)
{
    const opt_def *d = find_opt(key);
    if (!d) {
        *err = xasprintf("unknown nemesis option \"%s\"", key);
        return -1;
    }
    void *at = (char *)o + d->offset;
    double v;
    switch (d->type) {
    case OT_KINDS:
        return set_kinds(o, value, err);
    case OT_ORDER:
        if (strcmp(value, "random") && strcmp(value, "cycle")) {
            *err = xasprintf("order: \"%s\" is neither random nor cycle", value);
            return -1;
        }
        *(schedule_order *)at = strcmp(value, "cycle") == 0 ? ORDER_CYCLE : ORDER_RANDOM;
        return 0;
    case OT_STREAM:
        if (!proxy_stream_parse(value, (proxy_stream *)at)) {
            *err = xasprintf("%s: \"%s\" is not upstream, downstream or both", d->name, value);
            return -1;
        }
        return 0;
    case OT_TARGET:
        if (!fault_target_parse(value, (fault_target *)at)) {
            *err = xasprintf("target: \"%s\" is not one, some or all", value);
            return -1;
        }
        return 0;
    case OT_INT:
        if (parse_number(d, value, &v, err) != 0)
            return -1;
        *(int *)at = (int)v;
        return 0;
    case OT_SECONDS:
    case OT_SHARE:
    case OT_OFFSET:
        if (parse_number(d, value, &v, err) != 0)
            return -1;
        *(double *)at = v;
        return 0;
    }
    return -1;
}

remote_node *nemesis_opts_add_node(nemesis_opts *o, const char *name, const char *host)
{
    o->nodes = xrealloc(o->nodes, (o->nnodes + 1) * sizeof *o->nodes);
    remote_node *n = &o->nodes[o->nnodes++];
    memset(n, 0, sizeof *n);
    n->name = xstrdup(name);
    n->host = xstrdup(host ? host : name);
    return n;
}

int nemesis_node_set_command(remote_node *n, const char *key, char *const *argv, size_t argc,
                             char **err)
{
    int a = remote_action_find(key);
    if (a < 0) {
        *err = xasprintf("node %s: unknown command \"%s\" (kill, start, pause, resume, "
                         "partition, heal)", n->name, key);
        return -1;
    }
    if (argc == 0) {
        *err = xasprintf("node %s: the %s command is empty", n->name, key);
        return -1;
    }
    for (char **p = n->argv[a]; p && *p; p++)
        free(*p);
    free(n->argv[a]);
    n->argv[a] = xcalloc(argc + 1, sizeof *n->argv[a]);
    for (size_t i = 0; i < argc; i++)
        n->argv[a][i] = xstrdup(argv[i]);
    return 0;
}

bool nemesis_opts_has(const nemesis_opts *o, fault_kind k)
{
    for (size_t i = 0; i < o->cfg.schedule.nkinds; i++)
        if (o->cfg.schedule.kinds[i] == (int)k)
            return true;
    return false;
}

bool nemesis_opts_need_proxy(const nemesis_opts *o)
{
    for (size_t i = 0; i < o->cfg.schedule.nkinds; i++)
        if (fault_kind_get((fault_kind)o->cfg.schedule.kinds[i])->needs & NEED_PROXY)
            return true;
    return false;
}

void nemesis_opts_usage(FILE *out)
{
    for (size_t i = 0; i < ARRAY_LEN(OPTS); i++)
        fprintf(out, "  %-16s %s\n", OPTS[i].name, OPTS[i].help);
    for (int k = 0; k < FK_COUNT; k++)
        fprintf(out, "  fault %-10s %s\n", fault_kind_get((fault_kind)k)->name,
                fault_kind_get((fault_kind)k)->doc);
}

static char **copy_argv(char *const *argv)
{
    if (!argv)
        return NULL;
    size_t n = 0;
    while (argv[n])
        n++;
    char **out = xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = xstrdup(argv[i]);
    return out;
}

void nemesis_opts_copy(nemesis_opts *dst, const nemesis_opts *src)
{
    *dst = *src;
    dst->nodes = src->nnodes ? xcalloc(src->nnodes, sizeof *dst->nodes) : NULL;
    for (size_t i = 0; i < src->nnodes; i++) {
        dst->nodes[i].name = xstrdup(src->nodes[i].name);
        dst->nodes[i].host = xstrdup(src->nodes[i].host);
        for (int a = 0; a < RA_COUNT; a++)
            dst->nodes[i].argv[a] = copy_argv(src->nodes[i].argv[a]);
    }
}

void nemesis_opts_free(nemesis_opts *o)
{
    for (size_t i = 0; i < o->nnodes; i++)
        remote_node_clear(&o->nodes[i]);
    free(o->nodes);
    o->nodes = NULL;
    o->nnodes = 0;
}
