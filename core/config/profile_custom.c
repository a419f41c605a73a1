/* profile_custom.c - the custom_actions section: actions a profile adds
 * without recompiling, read and written through tables of their keys. */
#include <stdlib.h>
#include <string.h>

#include "profile_loader.h"
#include "profile_sections.h"
#include "yaml_text.h"
#include "../util.h"

/* ---- a placeholder: NAME: {type, min, max, choices} ---- */

static int ph_type(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    placeholder *p = arg;
    int e;
    if (ld_enum(l, v, "placeholder type", placeholder_kind_at, &e))
        return -1;
    p->kind = (placeholder_kind)e;
    return 0;
}

static int ph_min(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    long long n;
    if (ld_int(l, v, "min", INT64_MIN, INT64_MAX, &n))
        return -1;
    ((placeholder *)arg)->min = n;
    return 0;
}

static int ph_max(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    long long n;
    if (ld_int(l, v, "max", INT64_MIN, INT64_MAX, &n))
        return -1;
    ((placeholder *)arg)->max = n;
    return 0;
}

static int ph_choices(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    placeholder *p = arg;
    return ld_strv(l, v, "choices", &p->choices, &p->nchoices);
}

static const ld_key PLACEHOLDER_KEYS[] = {
    {"type", ph_type},
    {"min", ph_min},
    {"max", ph_max},
    {"choices", ph_choices},
};

static int on_placeholder(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    custom_action *a = arg;
    placeholder p = {.name = xstrdup(ld_scalar(k)), .kind = PH_INT, .min = 0, .max = 100};
    a->placeholders = xrealloc(a->placeholders, (a->nplaceholders + 1) * sizeof p);
    a->placeholders[a->nplaceholders++] = p;
    placeholder *ph = &a->placeholders[a->nplaceholders - 1];
    if (ld_each_key(l, v, "a placeholder", PLACEHOLDER_KEYS, ARRAY_LEN(PLACEHOLDER_KEYS), c, ph))
        return -1;
    if (ph->kind == PH_CHOICE && ph->nchoices == 0)
        return ld_fail(l, v, "placeholder '%s' of type choice needs choices", ph->name);
    if (ph->max < ph->min)
        return ld_fail(l, v, "placeholder '%s': max is below min", ph->name);
    return 0;
}

/* ---- a custom action: {name, list, weight, send, setup, sql, params, expected_errors} ---- */

static int ca_name(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    return ld_str(l, v, "name", &((custom_action *)arg)->name);
}

static int ca_list(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    int e;
    if (ld_enum(l, v, "action list", action_list_at, &e))
        return -1;
    ((custom_action *)arg)->list = (action_list)e;
    return 0;
}

static int ca_weight(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    long long n;
    if (ld_int(l, v, "weight", 0, 1000000, &n))
        return -1;
    ((custom_action *)arg)->weight = (unsigned)n;
    return 0;
}

static int ca_send(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    int e;
    if (ld_enum(l, v, "send mode", custom_send_at, &e))
        return -1;
    ((custom_action *)arg)->send = (custom_send)e;
    return 0;
}

static int ca_setup(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    return ld_str(l, v, "setup", &((custom_action *)arg)->setup_sql);
}

static int ca_sql(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    return ld_str(l, v, "sql", &((custom_action *)arg)->sql);
}

static int ca_params(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k;
    return ld_each_pair(l, v, "params", on_placeholder, c, arg);
}

static int ca_expected(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)k, (void)c;
    custom_action *a = arg;
    return profile_rules_load(l, v, &a->expected, &a->nexpected);
}

static const ld_key CUSTOM_KEYS[] = {
    {"name", ca_name},     {"list", ca_list}, {"weight", ca_weight}, {"send", ca_send},
    {"setup", ca_setup},   {"sql", ca_sql},   {"params", ca_params},
    {"expected_errors", ca_expected},
};

/* Every {{name}} in the SQL must be a defined placeholder. */
static int check_placeholders(loader *l, yaml_node_t *m, const custom_action *a)
{
    for (const char *p = a->sql; (p = strstr(p, "{{")) != NULL;) {
        const char *end = strstr(p + 2, "}}");
        if (!end)
            return ld_fail(l, m, "custom action '%s': unclosed {{ in sql", a->name);
        size_t len = (size_t)(end - p - 2);
        bool found = false;
        for (size_t i = 0; i < a->nplaceholders && !found; i++)
            found = strlen(a->placeholders[i].name) == len &&
                    strncmp(a->placeholders[i].name, p + 2, len) == 0;
        if (!found)
            return ld_fail(l, m, "custom action '%s': placeholder {{%.*s}} is not defined in params",
                           a->name, (int)len, p + 2);
        p = end + 2;
    }
    return 0;
}

int section_custom_load(loader *l, yaml_node_t *seq, run_config *c)
{
    if (ld_want(l, seq, YAML_SEQUENCE_NODE, "custom_actions"))
        return -1;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *m = ld_node(l, *it);
        c->custom = xrealloc(c->custom, (c->ncustom + 1) * sizeof *c->custom);
        custom_action *a = &c->custom[c->ncustom++];
        memset(a, 0, sizeof *a);
        a->list = LIST_READ;
        a->weight = 1;
        if (ld_each_key(l, m, "a custom action", CUSTOM_KEYS, ARRAY_LEN(CUSTOM_KEYS), c, a))
            return -1;
        if (!a->name || !a->sql)
            return ld_fail(l, m, "a custom action needs a name and sql");
        if (check_placeholders(l, m, a))
            return -1;
        for (size_t k = 0; a->send == SEND_AS_PREPARED && k < a->nplaceholders; k++)
            if (a->placeholders[k].kind == PH_TABLE)
                return ld_fail(l, m, "custom action %s: send: prepared needs the same SQL every "
                                     "time, so it cannot have a table placeholder", a->name);
    }
    return 0;
}

static void save_placeholder(sqlbuf *out, int indent, const placeholder *p)
{
    yt_key(out, indent, p->name);
    yt_flow f = yt_flow_start(out, true, indent + 2);
    yt_flow_add(&f, "type", placeholder_kind_name(p->kind));
    char *n = xasprintf("%lld", (long long)p->min);
    yt_flow_add(&f, "min", n);
    free(n);
    n = xasprintf("%lld", (long long)p->max);
    yt_flow_add(&f, "max", n);
    free(n);
    if (p->nchoices) {
        sqlbuf list = SQLBUF_INIT;
        sb_addc(&list, '[');
        for (size_t j = 0; j < p->nchoices; j++) {
            sb_add(&list, j ? ", " : "");
            yt_quoted(&list, p->choices[j]);
        }
        sb_addc(&list, ']');
        yt_flow_add(&f, "choices", sb_str(&list));
        sb_free(&list);
    }
    yt_flow_end(&f);
}

void section_custom_save(sqlbuf *out, int indent, const run_config *c)
{
    if (!c->ncustom) {
        sb_add(out, " []\n");
        return;
    }
    sb_addc(out, '\n');
    int in = indent + 4; /* the keys of "  - name: ..." */
    for (size_t i = 0; i < c->ncustom; i++) {
        const custom_action *a = &c->custom[i];
        sb_printf(out, "%*s- name: ", indent + 2, "");
        yt_name(out, a->name);
        sb_printf(out, "\n%*slist: %s\n", in, "", action_list_name(a->list));
        sb_printf(out, "%*sweight: %u\n", in, "", a->weight);
        sb_printf(out, "%*ssend: %s\n", in, "", custom_send_name(a->send));
        if (a->setup_sql) {
            yt_key(out, in, "setup");
            yt_text(out, in, a->setup_sql);
        }
        yt_key(out, in, "sql");
        yt_text(out, in, a->sql);
        yt_key(out, in, "params");
        if (!a->nplaceholders)
            sb_add(out, " {}\n");
        else
            sb_addc(out, '\n');
        for (size_t k = 0; k < a->nplaceholders; k++)
            save_placeholder(out, in + 2, &a->placeholders[k]);
        yt_key(out, in, "expected_errors");
        profile_rules_save(out, in, a->expected, a->nexpected);
    }
}
