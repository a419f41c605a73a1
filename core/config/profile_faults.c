/* profile_faults.c - the list-shaped sections of faults and the server:
 * nemesis.nodes (remote nodes with their argv command templates) and
 * server.settings (postgres -c NAME=VALUE of the private server). */
#include <stdlib.h>
#include <string.h>

#include "profile_loader.h"
#include "profile_sections.h"
#include "yaml_text.h"
#include "../util.h"

/* ---- nemesis.nodes: [{name: N, host: H, kill: [ARGV...], ...}, ...] ---- */

static int on_node_key(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)c;
    remote_node *n = arg;
    const char *key = ld_scalar(k);
    if (strcmp(key, "name") == 0 || strcmp(key, "host") == 0)
        return ld_str(l, v, key, strcmp(key, "name") == 0 ? &n->name : &n->host);
    char **argv = NULL;
    size_t argc = 0;
    if (remote_action_find(key) < 0)
        return ld_fail(l, k, "unknown key '%s' in a node (it has: name, host, kill, start, pause, "
                             "resume, partition, heal)", key);
    if (ld_strv(l, v, "a command (a list: program and arguments)", &argv, &argc))
        return -1;
    char *err = NULL;
    int rc = nemesis_node_set_command(n, key, argv, argc, &err);
    if (rc)
        ld_fail(l, v, "%s", err);
    free(err);
    for (size_t i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    return rc;
}

int section_nodes_load(loader *l, yaml_node_t *v, run_config *c)
{
    if (ld_want(l, v, YAML_SEQUENCE_NODE, "nemesis.nodes (a list of nodes)"))
        return -1;
    for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
        yaml_node_t *item = ld_node(l, *i);
        remote_node *n = nemesis_opts_add_node(&c->nemesis, "", NULL);
        free(n->name);
        free(n->host);
        n->name = n->host = NULL;
        if (ld_each_pair(l, item, "a node", on_node_key, c, n))
            return -1;
        if (!n->name || !*n->name)
            return ld_fail(l, item, "a node needs a name");
        if (!n->host)
            n->host = xstrdup(n->name);
    }
    return 0;
}

void section_nodes_save(sqlbuf *out, int indent, const run_config *c)
{
    if (!c->nemesis.nnodes) {
        sb_add(out, " []\n");
        return;
    }
    sb_addc(out, '\n');
    for (size_t i = 0; i < c->nemesis.nnodes; i++) {
        const remote_node *n = &c->nemesis.nodes[i];
        sb_printf(out, "%*s- name: ", indent + 2, "");
        yt_quoted(out, n->name);
        sb_printf(out, "\n%*shost: ", indent + 4, "");
        yt_quoted(out, n->host);
        sb_addc(out, '\n');
        for (int a = 0; a < RA_COUNT; a++) {
            if (!n->argv[a])
                continue;
            yt_key(out, indent + 4, remote_action_name((remote_action)a));
            yt_flow f = yt_flow_start(out, false, indent + 6);
            for (char **p = n->argv[a]; *p; p++) {
                sqlbuf q = SQLBUF_INIT;
                yt_quoted(&q, *p);
                yt_flow_add(&f, NULL, sb_str(&q));
                sb_free(&q);
            }
            yt_flow_end(&f);
        }
    }
}

/* ---- server.settings: {NAME: VALUE, ...} ---- */

static int on_server_setting(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    char *value = NULL;
    if (ld_str(l, v, "a server setting's value", &value))
        return -1;
    c->server_settings = xrealloc(c->server_settings,
                                  (c->nserver_settings + 1) * sizeof *c->server_settings);
    c->server_settings[c->nserver_settings++] = (server_setting){xstrdup(ld_scalar(k)), value};
    return 0;
}

int section_server_settings_load(loader *l, yaml_node_t *v, run_config *c)
{
    return ld_each_pair(l, v, "server.settings", on_server_setting, c, NULL);
}

void section_server_settings_save(sqlbuf *out, int indent, const run_config *c)
{
    yt_flow f = yt_flow_start(out, true, indent + 2);
    for (size_t i = 0; i < c->nserver_settings; i++) {
        sqlbuf q = SQLBUF_INIT;
        yt_quoted(&q, c->server_settings[i].value);
        yt_flow_add(&f, c->server_settings[i].name, sb_str(&q));
        sb_free(&q);
    }
    yt_flow_end(&f);
}
