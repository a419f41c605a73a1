/* nemesis_opts.c - the configured kinds and the remote nodes. */
#include "nemesis_opts.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

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

int nemesis_kinds_parse(const char *text, schedule_cfg *s, char **err)
{
    s->nkinds = 0;
    char *copy = xstrdup(text ? text : ""), *save = NULL;
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

nemesis_cfg nemesis_opts_cfg(const nemesis_opts *o)
{
    nemesis_cfg c = o->cfg;
    char *err = NULL;
    if (nemesis_kinds_parse(o->faults, &c.schedule, &err) != 0) {
        free(err);   /* the settings table checked the names */
        c.schedule.nkinds = 0;
    }
    return c;
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
    nemesis_cfg c = nemesis_opts_cfg(o);
    for (size_t i = 0; i < c.schedule.nkinds; i++)
        if (c.schedule.kinds[i] == (int)k)
            return true;
    return false;
}

bool nemesis_opts_need_proxy(const nemesis_opts *o)
{
    nemesis_cfg c = nemesis_opts_cfg(o);
    for (size_t i = 0; i < c.schedule.nkinds; i++)
        if (fault_kind_get((fault_kind)c.schedule.kinds[i])->needs & NEED_PROXY)
            return true;
    return false;
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
    dst->faults = xstrdup(src->faults);
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
    free(o->faults);
    o->faults = NULL;
    for (size_t i = 0; i < o->nnodes; i++)
        remote_node_clear(&o->nodes[i]);
    free(o->nodes);
    o->nodes = NULL;
    o->nnodes = 0;
}
