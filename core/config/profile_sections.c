/* profile_sections.c - the map- and list-shaped sections of a profile
 * (limits, lists, weights, flags, params, expected_errors): each one's
 * parser and writer side by side, so that what one writes the other
 * reads back. Custom actions are in profile_custom.c. */
#include "profile_sections.h"

#include <stdlib.h>
#include <string.h>

#include "profile_loader.h"
#include "yaml_text.h"
#include "../util.h"
#include "../engine/workload.h"

static const char *kind_at(size_t i)
{
    return i < OBJ_KIND_COUNT ? obj_kind_name((obj_kind)i) : NULL;
}

static char *num_text(long long v)
{
    return xasprintf("%lld", v);
}

/* ---- limits: {KIND: N, ...} ---- */

static int on_limit(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    int kind;
    long long n;
    if (ld_enum(l, k, "object kind", kind_at, &kind))
        return -1;
    if (ld_int(l, v, "a limit", 0, 100000, &n))
        return -1;
    c->limits[kind] = (int)n;
    return 0;
}

int section_limits_load(loader *l, yaml_node_t *v, run_config *c)
{
    return ld_each_pair(l, v, "limits", on_limit, c, NULL);
}

void section_limits_save(sqlbuf *out, int indent, const run_config *c)
{
    yt_flow f = yt_flow_start(out, true, indent + 2);
    for (int k = 0; k < OBJ_KIND_COUNT; k++) {
        char *n = num_text(c->limits[k]);
        yt_flow_add(&f, obj_kind_name((obj_kind)k), n);
        free(n);
    }
    yt_flow_end(&f);
}

/* ---- lists: {COMPLEXITY: {LIST: N, ...}, ...} ---- */

static int on_list_weight(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    int cx = *(int *)arg;
    int list;
    long long n;
    if (ld_enum(l, k, "action list", action_list_at, &list))
        return -1;
    if (ld_int(l, v, "a list weight", 0, 1000000, &n))
        return -1;
    c->list_weights[cx][list] = (unsigned)n;
    return 0;
}

static int on_lists(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    int cx;
    if (ld_enum(l, k, "complexity", complexity_at, &cx))
        return -1;
    return ld_each_pair(l, v, "lists.<complexity>", on_list_weight, c, &cx);
}

int section_lists_load(loader *l, yaml_node_t *v, run_config *c)
{
    return ld_each_pair(l, v, "lists", on_lists, c, NULL);
}

void section_lists_save(sqlbuf *out, int indent, const run_config *c)
{
    sb_addc(out, '\n');
    for (int x = 0; x < CX_COUNT; x++) {
        yt_key(out, indent + 2, complexity_name((complexity)x));
        yt_flow f = yt_flow_start(out, true, indent + 4);
        for (int l = 0; l < LIST_COUNT; l++) {
            char *n = num_text(c->list_weights[x][l]);
            yt_flow_add(&f, action_list_name((action_list)l), n);
            free(n);
        }
        yt_flow_end(&f);
    }
}

/* ---- weights: {LIST: {ACTION: N, ...}, ...} ---- */

static int on_action_weight(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    action_list list = *(action_list *)arg;
    long long n;
    if (ld_int(l, v, "a weight", 0, 1000000, &n))
        return -1;
    config_set_weight(c, list, ld_scalar(k), (unsigned)n);
    l->marks = xrealloc(l->marks, (l->nmarks + 1) * sizeof *l->marks);
    l->marks[l->nmarks++] = (weight_mark){list, k};
    return 0;
}

static int on_weights(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    int list;
    if (ld_enum(l, k, "action list", action_list_at, &list))
        return -1;
    action_list al = (action_list)list;
    return ld_each_pair(l, v, "weights.<list>", on_action_weight, c, &al);
}

int section_weights_load(loader *l, yaml_node_t *v, run_config *c)
{
    return ld_each_pair(l, v, "weights", on_weights, c, NULL);
}

void section_weights_save(sqlbuf *out, int indent, const run_config *c)
{
    if (!c->nweights) {
        sb_add(out, " {}\n");
        return;
    }
    sb_addc(out, '\n');
    for (int l = 0; l < LIST_COUNT; l++) {
        bool any = false;
        for (size_t i = 0; i < c->nweights; i++)
            any |= c->weights[i].list == (action_list)l;
        if (!any)
            continue;
        const char *name = action_list_name((action_list)l);
        yt_key(out, indent + 2, name);
        yt_flow f = yt_flow_start(out, true, indent + 2 + (int)strlen(name) + 3);
        for (size_t i = 0; i < c->nweights; i++) {
            if (c->weights[i].list != (action_list)l)
                continue;
            char *n = num_text(c->weights[i].weight);
            yt_flow_add(&f, c->weights[i].action, n);
            free(n);
        }
        yt_flow_end(&f);
    }
}

/* Returns true when list has an action called name: a row a workload
 * always has, or one of the profile's custom actions. Otherwise adds the
 * names it has to *known. */
static bool action_exists(const run_config *c, action_list list, const char *name, sqlbuf *known)
{
    for (size_t i = 0; i < c->ncustom; i++)
        if (c->custom[i].list == list && strcmp(c->custom[i].name, name) == 0)
            return true;
    if (workload_settings_row(c, list, name))
        return true;
    return workload_action_known(list, name, known);
}

int weights_check_names(loader *l, const run_config *c)
{
    for (size_t i = 0; i < l->nmarks; i++) {
        const char *name = ld_scalar(l->marks[i].key);
        sqlbuf known = SQLBUF_INIT;
        bool found = action_exists(c, l->marks[i].list, name, &known);
        if (!found)
            ld_fail(l, l->marks[i].key, "unknown action '%s' in list %s (it has: %s)", name,
                    action_list_name(l->marks[i].list), sb_str(&known));
        sb_free(&known);
        if (!found)
            return -1;
    }
    return 0;
}

/* ---- flags: {NAME: [VALUE, ...], ...}; a profile's table replaces the default one ---- */

static void free_flags(run_config *c)
{
    for (size_t i = 0; i < c->nflags; i++) {
        free(c->flags[i].name);
        for (size_t k = 0; k < c->flags[i].nvalues; k++)
            free(c->flags[i].values[k]);
        free(c->flags[i].values);
    }
    free(c->flags);
    c->flags = NULL;
    c->nflags = 0;
}

static int on_flag(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    flag_setting f = {.name = xstrdup(ld_scalar(k))};
    if (ld_strv(l, v, "flag values", &f.values, &f.nvalues)) {
        free(f.name);
        return -1;
    }
    c->flags = xrealloc(c->flags, (c->nflags + 1) * sizeof *c->flags);
    c->flags[c->nflags++] = f;
    return 0;
}

int section_flags_load(loader *l, yaml_node_t *v, run_config *c)
{
    free_flags(c);
    return ld_each_pair(l, v, "flags", on_flag, c, NULL);
}

void section_flags_save(sqlbuf *out, int indent, const run_config *c)
{
    if (!c->nflags) {
        sb_add(out, " {}\n");
        return;
    }
    sb_addc(out, '\n');
    for (size_t i = 0; i < c->nflags; i++) {
        yt_key(out, indent + 2, c->flags[i].name);
        yt_flow f = yt_flow_start(out, false, indent + 4);
        for (size_t k = 0; k < c->flags[i].nvalues; k++) {
            sqlbuf q = SQLBUF_INIT;
            yt_quoted(&q, c->flags[i].values[k]);
            yt_flow_add(&f, NULL, sb_str(&q));
            sb_free(&q);
        }
        yt_flow_end(&f);
    }
}

/* ---- params: {NAME: INTEGER, ...} ---- */

static int on_param(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    long long n;
    if (ld_int(l, v, "a parameter", INT64_MIN, INT64_MAX, &n))
        return -1;
    config_set_param(c, ld_scalar(k), n);
    return 0;
}

int section_params_load(loader *l, yaml_node_t *v, run_config *c)
{
    return ld_each_pair(l, v, "params", on_param, c, NULL);
}

void section_params_save(sqlbuf *out, int indent, const run_config *c)
{
    yt_flow f = yt_flow_start(out, true, indent + 2);
    for (size_t i = 0; i < c->nparams; i++) {
        char *n = num_text(c->params[i].value);
        yt_flow_add(&f, c->params[i].name, n);
        free(n);
    }
    yt_flow_end(&f);
}

/* ---- expected_errors: [{sqlstate, message, class}, ...] ---- */

static int rule_sqlstate(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    owned_rule *r = arg;
    if (ld_str(l, v, "sqlstate", &r->sqlstate))
        return -1;
    size_t n = strlen(r->sqlstate);
    if (n != 2 && n != 5)
        return ld_fail(l, v, "sqlstate must be a 5-character code or a 2-character class");
    return 0;
}

static int rule_message(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    owned_rule *r = arg;
    return ld_str(l, v, "message", &r->message);
}

static int rule_class(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    owned_rule *r = arg;
    const char *s = ld_scalar(v);
    if (s && strcmp(s, err_class_name(EC_IGNORED)) == 0)
        r->cls = EC_IGNORED;
    else if (s && strcmp(s, err_class_name(EC_UNEXPECTED)) == 0)
        r->cls = EC_UNEXPECTED;
    else
        return ld_fail(l, v, "class must be %s or %s", err_class_name(EC_IGNORED),
                       err_class_name(EC_UNEXPECTED));
    return 0;
}

static const ld_key RULE_KEYS[] = {
    {"sqlstate", rule_sqlstate},
    {"message", rule_message},
    {"class", rule_class},
};

int profile_rules_load(loader *l, yaml_node_t *seq, owned_rule **out, size_t *n)
{
    if (ld_want(l, seq, YAML_SEQUENCE_NODE, "expected_errors"))
        return -1;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *m = ld_node(l, *it);
        owned_rule r = {.cls = EC_IGNORED};
        if (ld_each_key(l, m, "an expected error", RULE_KEYS, ARRAY_LEN(RULE_KEYS), NULL, &r)) {
            free(r.sqlstate);
            free(r.message);
            return -1;
        }
        if (!r.sqlstate && !r.message)
            return ld_fail(l, m, "an expected error needs a sqlstate or a message");
        *out = xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] = r;
    }
    return 0;
}

void profile_rules_save(sqlbuf *out, int indent, const owned_rule *r, size_t n)
{
    if (!n) {
        sb_add(out, " []\n");
        return;
    }
    sb_addc(out, '\n');
    for (size_t i = 0; i < n; i++) {
        sb_printf(out, "%*s-", indent + 2, "");
        yt_flow f = yt_flow_start(out, true, indent + 5);
        sqlbuf q = SQLBUF_INIT;
        if (r[i].sqlstate) {
            yt_quoted(&q, r[i].sqlstate);
            yt_flow_add(&f, "sqlstate", sb_str(&q));
        }
        if (r[i].message) {
            sb_reset(&q);
            yt_quoted(&q, r[i].message);
            yt_flow_add(&f, "message", sb_str(&q));
        }
        yt_flow_add(&f, "class", err_class_name(r[i].cls));
        sb_free(&q);
        yt_flow_end(&f);
    }
}

int section_expected_load(loader *l, yaml_node_t *v, run_config *c)
{
    return profile_rules_load(l, v, &c->expected, &c->nexpected);
}

void section_expected_save(sqlbuf *out, int indent, const run_config *c)
{
    profile_rules_save(out, indent, c->expected, c->nexpected);
}
