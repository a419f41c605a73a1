/* profile.c - YAML profiles (libyaml): load onto a run_config with
 * file:line:column errors, save a run_config that loads back the same. */
#include "profile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../../actions/action.h"
#include "../sqlbuf.h"
#include "../util.h"
#include "../engine/workload.h"

/* ---- loading ---- */

/* Where a weight named an action, checked once the whole profile (and its
 * custom actions) is read. */
typedef struct weight_mark {
    action_list list;
    const yaml_node_t *key;
} weight_mark;

typedef struct loader {
    const char *path;
    yaml_document_t doc;
    char *err;
    weight_mark *marks;
    size_t nmarks;
} loader;

static int fail_at(loader *l, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(loader *l, const yaml_node_t *n, const char *fmt, ...)
{
    if (l->err)
        return -1;
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    l->err = xasprintf("%s:%zu:%zu: %s", l->path, n ? n->start_mark.line + 1 : 1,
                       n ? n->start_mark.column + 1 : 1, msg ? msg : "error");
    free(msg);
    return -1;
}

static yaml_node_t *node(loader *l, int id)
{
    return yaml_document_get_node(&l->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int want_kind(loader *l, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
    static const char *const NAMES[] = {"nothing", "a value", "a list", "a mapping"};
    if (n->type == t)
        return 0;
    return fail_at(l, n, "%s must be %s", what, NAMES[t]);
}

static int get_int(loader *l, const yaml_node_t *n, const char *what, long long min,
                   long long max, long long *out)
{
    const char *s = scalar(n);
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || errno || *end)
        return fail_at(l, n, "%s must be an integer, not '%s'", what, s ? s : "a structure");
    if (v < min || v > max)
        return fail_at(l, n, "%s must be between %lld and %lld", what, min, max);
    *out = v;
    return 0;
}

static int get_double(loader *l, const yaml_node_t *n, const char *what, double min, double *out)
{
    const char *s = scalar(n);
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || !*s || errno || *end)
        return fail_at(l, n, "%s must be a number, not '%s'", what, s ? s : "a structure");
    if (v < min)
        return fail_at(l, n, "%s must be at least %g", what, min);
    *out = v;
    return 0;
}

static int get_str(loader *l, const yaml_node_t *n, const char *what, char **out)
{
    const char *s = scalar(n);
    if (!s)
        return fail_at(l, n, "%s must be a string", what);
    free(*out);
    *out = xstrdup(s);
    return 0;
}

/* Like get_str, but an empty string means "not set" (NULL). */
static int get_opt_str(loader *l, const yaml_node_t *n, const char *what, char **out)
{
    if (get_str(l, n, what, out))
        return -1;
    if (!**out) {
        free(*out);
        *out = NULL;
    }
    return 0;
}

static int get_enum(loader *l, const yaml_node_t *n, const char *what,
                    int (*from_name)(const char *), int *out)
{
    const char *s = scalar(n);
    int v = s ? from_name(s) : -1;
    if (v < 0)
        return fail_at(l, n, "unknown %s '%s'", what, s ? s : "(structure)");
    *out = v;
    return 0;
}

/* Calls fn(l, key node, value node, c) for each pair of a mapping. */
typedef int (*pair_fn)(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg);

static int each_pair(loader *l, yaml_node_t *map, const char *what, pair_fn fn, run_config *c,
                     void *arg)
{
    if (want_kind(l, map, YAML_MAPPING_NODE, what))
        return -1;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(l, p->key), *v = node(l, p->value);
        if (!scalar(k))
            return fail_at(l, k, "keys of %s must be plain names", what);
        if (fn(l, k, v, c, arg))
            return -1;
    }
    return 0;
}

static int unknown_key(loader *l, yaml_node_t *k, const char *where)
{
    return fail_at(l, k, "unknown key '%s' in %s", scalar(k), where);
}

static int on_target(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    if (strcmp(scalar(k), "dsn") == 0)
        return get_opt_str(l, v, "target.dsn", &c->dsn);
    return unknown_key(l, k, "target");
}

static int on_run(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    const char *key = scalar(k);
    long long n;
    int e;
    if (strcmp(key, "threads") == 0) {
        if (get_int(l, v, "run.threads", 1, 1024, &n))
            return -1;
        c->threads = (int)n;
    } else if (strcmp(key, "complexity") == 0) {
        if (get_enum(l, v, "complexity", complexity_from_name, &e))
            return -1;
        c->complexity = (complexity)e;
    } else if (strcmp(key, "workload") == 0) {
        return get_str(l, v, "run.workload", &c->workload);
    } else if (strcmp(key, "seed") == 0) {
        if (get_int(l, v, "run.seed", 0, INT64_MAX, &n))
            return -1;
        c->seed = (uint64_t)n;
        c->seed_set = true;
    } else if (strcmp(key, "duration") == 0) {
        return get_double(l, v, "run.duration", 0, &c->duration_s);
    } else if (strcmp(key, "isolation") == 0) {
        if (get_enum(l, v, "isolation", isolation_from_name, &e))
            return -1;
        c->isolation = (isolation)e;
    } else if (strcmp(key, "hang_limit") == 0) {
        return get_double(l, v, "run.hang_limit", 0.1, &c->hang_limit_s);
    } else {
        return unknown_key(l, k, "run");
    }
    return 0;
}

static int on_limit(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    int kind = obj_kind_from_name(scalar(k));
    long long n;
    if (kind < 0)
        return fail_at(l, k, "unknown object kind '%s' (schemas, tables, views, matviews, "
                             "indexes, sequences, roles)", scalar(k));
    if (get_int(l, v, "a limit", 0, 100000, &n))
        return -1;
    c->limits[kind] = (int)n;
    return 0;
}

static int on_list_weight(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    int cx = *(int *)arg;
    int list = action_list_from_name(scalar(k));
    long long n;
    if (list < 0)
        return fail_at(l, k, "unknown action list '%s'", scalar(k));
    if (get_int(l, v, "a list weight", 0, 1000000, &n))
        return -1;
    c->list_weights[cx][list] = (unsigned)n;
    return 0;
}

static int on_lists(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    int cx;
    if (get_enum(l, k, "complexity", complexity_from_name, &cx))
        return -1;
    return each_pair(l, v, "lists.<complexity>", on_list_weight, c, &cx);
}

static int on_action_weight(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    action_list list = *(action_list *)arg;
    long long n;
    if (get_int(l, v, "a weight", 0, 1000000, &n))
        return -1;
    config_set_weight(c, list, scalar(k), (unsigned)n);
    l->marks = xrealloc(l->marks, (l->nmarks + 1) * sizeof *l->marks);
    l->marks[l->nmarks++] = (weight_mark){list, k};
    return 0;
}

static bool row_named(const action_def *rows, size_t n, action_list list, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].list == list && strcmp(rows[i].name, name) == 0)
            return true;
    return false;
}

/* Returns true when list has an action called name: a built-in row, a
 * row of an invariant workload, or one of the profile's custom actions.
 * Otherwise adds the names it has to *known. */
static bool action_exists(const run_config *c, action_list list, const char *name, sqlbuf *known)
{
    size_t nb, nw;
    const action_def **builtin = actions_builtin(&nb);
    bool found = false;
    for (size_t i = 0; i < nb && !found; i++)
        found = builtin[i]->list == list && strcmp(builtin[i]->name, name) == 0;
    const workload_def *const *wls = workloads_all(&nw);
    for (size_t i = 0; i < nw && !found; i++)
        found = row_named(wls[i]->rows, wls[i]->nrows, list, name);
    for (size_t i = 0; i < c->ncustom && !found; i++)
        found = c->custom[i].list == list && strcmp(c->custom[i].name, name) == 0;
    for (size_t i = 0; i < nb && !found; i++)
        if (builtin[i]->list == list)
            sb_printf(known, "%s%s", known->len ? ", " : "", builtin[i]->name);
    free(builtin);
    return found;
}

/* Checks every action a weight named. Returns 0 or -1 (l->err set). */
static int check_weight_names(loader *l, const run_config *c)
{
    for (size_t i = 0; i < l->nmarks; i++) {
        const char *name = scalar(l->marks[i].key);
        sqlbuf known = SQLBUF_INIT;
        if (!action_exists(c, l->marks[i].list, name, &known)) {
            fail_at(l, l->marks[i].key, "unknown action '%s' in list %s (it has: %s)", name,
                    action_list_name(l->marks[i].list), sb_str(&known));
            sb_free(&known);
            return -1;
        }
        sb_free(&known);
    }
    return 0;
}

static int on_weights(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    int list;
    if (get_enum(l, k, "action list", action_list_from_name, &list))
        return -1;
    action_list al = (action_list)list;
    return each_pair(l, v, "weights.<list>", on_action_weight, c, &al);
}

/* Reads a list of scalars into a new string vector. */
static int get_strv(loader *l, yaml_node_t *v, const char *what, char ***out, size_t *n)
{
    if (want_kind(l, v, YAML_SEQUENCE_NODE, what))
        return -1;
    size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    char **vals = xcalloc(cnt ? cnt : 1, sizeof *vals);
    for (size_t i = 0; i < cnt; i++) {
        const char *s = scalar(node(l, v->data.sequence.items.start[i]));
        if (!s) {
            for (size_t k = 0; k < i; k++)
                free(vals[k]);
            free(vals);
            return fail_at(l, node(l, v->data.sequence.items.start[i]), "%s must be plain values", what);
        }
        vals[i] = xstrdup(s);
    }
    *out = vals;
    *n = cnt;
    return 0;
}

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
    flag_setting f = {.name = xstrdup(scalar(k))};
    if (get_strv(l, v, "flag values", &f.values, &f.nvalues)) {
        free(f.name);
        return -1;
    }
    c->flags = xrealloc(c->flags, (c->nflags + 1) * sizeof *c->flags);
    c->flags[c->nflags++] = f;
    return 0;
}

static int on_param(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    long long n;
    if (get_int(l, v, "a parameter", INT64_MIN, INT64_MAX, &n))
        return -1;
    config_set_param(c, scalar(k), n);
    return 0;
}

static int on_output(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    const char *key = scalar(k);
    if (strcmp(key, "log") == 0)
        return get_opt_str(l, v, "output.log", &c->log_path);
    if (strcmp(key, "history") == 0)
        return get_opt_str(l, v, "output.history", &c->history_path);
    if (strcmp(key, "summary") == 0)
        return get_opt_str(l, v, "output.summary", &c->summary_path);
    return unknown_key(l, k, "output");
}

static int on_rule(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)c;
    owned_rule *r = arg;
    const char *key = scalar(k);
    if (strcmp(key, "sqlstate") == 0) {
        if (get_str(l, v, "sqlstate", &r->sqlstate))
            return -1;
        size_t n = strlen(r->sqlstate);
        if (n != 2 && n != 5)
            return fail_at(l, v, "sqlstate must be a 5-character code or a 2-character class");
        return 0;
    }
    if (strcmp(key, "message") == 0)
        return get_str(l, v, "message", &r->message);
    if (strcmp(key, "class") == 0) {
        const char *s = scalar(v);
        if (s && strcmp(s, "ignored") == 0)
            r->cls = EC_IGNORED;
        else if (s && strcmp(s, "unexpected") == 0)
            r->cls = EC_UNEXPECTED;
        else
            return fail_at(l, v, "class must be ignored or unexpected");
        return 0;
    }
    return unknown_key(l, k, "an expected error");
}

/* Reads a list of error rules. */
static int get_rules(loader *l, yaml_node_t *seq, owned_rule **out, size_t *n)
{
    if (want_kind(l, seq, YAML_SEQUENCE_NODE, "expected_errors"))
        return -1;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *m = node(l, *it);
        owned_rule r = {.cls = EC_IGNORED};
        if (each_pair(l, m, "an expected error", on_rule, NULL, &r)) {
            free(r.sqlstate);
            free(r.message);
            return -1;
        }
        if (!r.sqlstate && !r.message)
            return fail_at(l, m, "an expected error needs a sqlstate or a message");
        *out = xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] = r;
    }
    return 0;
}

static int on_placeholder_field(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)c;
    placeholder *p = arg;
    const char *key = scalar(k);
    long long n;
    int e;
    if (strcmp(key, "type") == 0) {
        if (get_enum(l, v, "placeholder type", placeholder_kind_from_name, &e))
            return -1;
        p->kind = (placeholder_kind)e;
    } else if (strcmp(key, "min") == 0) {
        if (get_int(l, v, "min", INT64_MIN, INT64_MAX, &n))
            return -1;
        p->min = n;
    } else if (strcmp(key, "max") == 0) {
        if (get_int(l, v, "max", INT64_MIN, INT64_MAX, &n))
            return -1;
        p->max = n;
    } else if (strcmp(key, "choices") == 0) {
        return get_strv(l, v, "choices", &p->choices, &p->nchoices);
    } else {
        return unknown_key(l, k, "a placeholder");
    }
    return 0;
}

static int on_placeholder(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    custom_action *a = arg;
    placeholder p = {.name = xstrdup(scalar(k)), .kind = PH_INT, .min = 0, .max = 100};
    a->placeholders = xrealloc(a->placeholders, (a->nplaceholders + 1) * sizeof p);
    a->placeholders[a->nplaceholders++] = p;
    placeholder *ph = &a->placeholders[a->nplaceholders - 1];
    if (each_pair(l, v, "a placeholder", on_placeholder_field, c, ph))
        return -1;
    if (ph->kind == PH_CHOICE && ph->nchoices == 0)
        return fail_at(l, v, "placeholder '%s' of type choice needs choices", ph->name);
    if (ph->max < ph->min)
        return fail_at(l, v, "placeholder '%s': max is below min", ph->name);
    return 0;
}

static int on_custom_field(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    custom_action *a = arg;
    const char *key = scalar(k);
    long long n;
    int e;
    if (strcmp(key, "name") == 0)
        return get_str(l, v, "name", &a->name);
    if (strcmp(key, "list") == 0) {
        if (get_enum(l, v, "action list", action_list_from_name, &e))
            return -1;
        a->list = (action_list)e;
        return 0;
    }
    if (strcmp(key, "weight") == 0) {
        if (get_int(l, v, "weight", 0, 1000000, &n))
            return -1;
        a->weight = (unsigned)n;
        return 0;
    }
    if (strcmp(key, "sql") == 0)
        return get_str(l, v, "sql", &a->sql);
    if (strcmp(key, "send") == 0) {
        if (get_enum(l, v, "send mode (params, prepared, literals)", custom_send_from_name, &e))
            return -1;
        a->send = (custom_send)e;
        return 0;
    }
    if (strcmp(key, "setup") == 0)
        return get_str(l, v, "setup", &a->setup_sql);
    if (strcmp(key, "params") == 0)
        return each_pair(l, v, "params", on_placeholder, c, a);
    if (strcmp(key, "expected_errors") == 0)
        return get_rules(l, v, &a->expected, &a->nexpected);
    return unknown_key(l, k, "a custom action");
}

/* Every {{name}} in the SQL must be a defined placeholder. */
static int check_placeholders(loader *l, yaml_node_t *m, const custom_action *a)
{
    for (const char *p = a->sql; (p = strstr(p, "{{")) != NULL;) {
        const char *end = strstr(p + 2, "}}");
        if (!end)
            return fail_at(l, m, "custom action '%s': unclosed {{ in sql", a->name);
        size_t len = (size_t)(end - p - 2);
        bool found = false;
        for (size_t i = 0; i < a->nplaceholders && !found; i++)
            found = strlen(a->placeholders[i].name) == len &&
                    strncmp(a->placeholders[i].name, p + 2, len) == 0;
        if (!found)
            return fail_at(l, m, "custom action '%s': placeholder {{%.*s}} is not defined in params",
                           a->name, (int)len, p + 2);
        p = end + 2;
    }
    return 0;
}

static int get_custom(loader *l, yaml_node_t *seq, run_config *c)
{
    if (want_kind(l, seq, YAML_SEQUENCE_NODE, "custom_actions"))
        return -1;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *m = node(l, *it);
        c->custom = xrealloc(c->custom, (c->ncustom + 1) * sizeof *c->custom);
        custom_action *a = &c->custom[c->ncustom++];
        memset(a, 0, sizeof *a);
        a->list = LIST_READ;
        a->weight = 1;
        if (each_pair(l, m, "a custom action", on_custom_field, c, a))
            return -1;
        if (!a->name || !a->sql)
            return fail_at(l, m, "a custom action needs a name and sql");
        if (check_placeholders(l, m, a))
            return -1;
        for (size_t k = 0; a->send == SEND_AS_PREPARED && k < a->nplaceholders; k++)
            if (a->placeholders[k].kind == PH_TABLE)
                return fail_at(l, m, "custom action %s: send: prepared needs the same SQL every "
                                     "time, so it cannot have a table placeholder", a->name);
    }
    return 0;
}

static int on_top(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg)
{
    (void)arg;
    const char *key = scalar(k);
    if (strcmp(key, "name") == 0)
        return get_str(l, v, "name", &c->profile_name);
    if (strcmp(key, "target") == 0)
        return each_pair(l, v, "target", on_target, c, NULL);
    if (strcmp(key, "run") == 0)
        return each_pair(l, v, "run", on_run, c, NULL);
    if (strcmp(key, "limits") == 0)
        return each_pair(l, v, "limits", on_limit, c, NULL);
    if (strcmp(key, "lists") == 0)
        return each_pair(l, v, "lists", on_lists, c, NULL);
    if (strcmp(key, "weights") == 0)
        return each_pair(l, v, "weights", on_weights, c, NULL);
    if (strcmp(key, "flags") == 0) {
        free_flags(c); /* a profile's flag table replaces the default one */
        return each_pair(l, v, "flags", on_flag, c, NULL);
    }
    if (strcmp(key, "params") == 0)
        return each_pair(l, v, "params", on_param, c, NULL);
    if (strcmp(key, "expected_errors") == 0)
        return get_rules(l, v, &c->expected, &c->nexpected);
    if (strcmp(key, "custom_actions") == 0)
        return get_custom(l, v, c);
    if (strcmp(key, "output") == 0)
        return each_pair(l, v, "output", on_output, c, NULL);
    return unknown_key(l, k, "the profile");
}

int profile_load(const char *path, run_config *c, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    loader l = {.path = path};
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int rc = 0;
    if (!yaml_parser_load(&parser, &l.doc)) {
        *err = xasprintf("%s:%zu:%zu: %s%s%s", path, parser.problem_mark.line + 1,
                         parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error",
                         parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        fclose(f);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&l.doc);
    if (root && !(root->type == YAML_SCALAR_NODE && !*scalar(root)))
        rc = each_pair(&l, root, "the profile", on_top, c, NULL);
    if (rc == 0)
        rc = check_weight_names(&l, c);
    free(l.marks);
    if (rc == 0 && !c->profile_name) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        c->profile_name = xstrndup(base, strcspn(base, "."));
    }
    if (rc == 0) {
        free(c->profile_path);
        c->profile_path = xstrdup(path);
    }
    *err = l.err;
    yaml_document_delete(&l.doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}
