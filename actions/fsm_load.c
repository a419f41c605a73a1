/* fsm_load.c - FSM workloads from YAML (libyaml documents): every
 * malformed case is refused with FILE:LINE:COL before anything runs
 * (fsm.h; the shape is in README.md, "FSM workloads: writing your own").
 * This part reads workloads, sets of them and includes. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "fsm_load_internal.h"

#define MAX_INCLUDE_DEPTH 8
#define DEFAULT_ITERATIONS 100
#define DEFAULT_MIX 0.1

static const char *const BUILTIN_VARS[FSM_VAR_BUILTIN] = {
    [FSM_VAR_TID] = "tid", [FSM_VAR_ITERATION] = "iteration", [FSM_VAR_THREADS] = "threads",
    [FSM_VAR_TABLE] = "table", [FSM_VAR_SCHEMA] = "schema",
};

/* ---- a workload ---- */

static int get_sql_list(loader *l, yaml_node_t *n, vars *v, fsm_template **out, size_t *nout,
                        const char *what)
{
    if (fl_scalar(n)) {
        *out = xcalloc(1, sizeof **out);
        *nout = 1;
        return fl_compile_sql(l, n, v, *out, what);
    }
    if (fl_want(l, n, YAML_SEQUENCE_NODE, what))
        return -1;
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    *out = xcalloc(cnt ? cnt : 1, sizeof **out);
    for (size_t i = 0; i < cnt; i++) {
        *nout = i + 1;
        if (fl_compile_sql(l, fl_node(l, n->data.sequence.items.start[i]), v, &(*out)[i], what))
            return -1;
    }
    return 0;
}

/* Returns name made into a schema-safe lower-case word. */
static char *schema_of(const char *name)
{
    char *s = xasprintf("melee_fsm_%s", name);
    for (char *p = s; *p; p++)
        *p = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    return s;
}

static int check_reachable_ends(loader *l, yaml_node_t *states, fsm_workload *w)
{
    for (size_t i = 0; i < w->nstates; i++) {
        fsm_state *s = &w->states[i];
        unsigned total = 0;
        for (size_t k = 0; k < s->nnext; k++)
            total += s->next[k].weight;
        if (s->nnext && total)
            continue;
        yaml_node_t *at = fl_node(l, states->data.mapping.pairs.start[i].key);
        return fl_fail(l, at, s->nnext ? "every transition from state '%s' has weight 0"
                                       : "state '%s' has no transitions", s->name);
    }
    return 0;
}

static int get_workload(loader *l, yaml_node_t *m, fsm_workload *w)
{
    static const char *const KEYS[] = {"name", "description", "threads", "iterations", "setup",
                                       "teardown", "data", "start", "states", "transitions", NULL};
    if (fl_want(l, m, YAML_MAPPING_NODE, "an FSM workload") || fl_only_keys(l, m, "an FSM workload", KEYS))
        return -1;
    w->path = xstrdup(l->path);
    w->iterations = DEFAULT_ITERATIONS;
    yaml_node_t *n, *key;
    long long num;
    if ((n = fl_lookup(l, m, "name", NULL))) {
        if (!fl_plain_name(fl_scalar(n)))
            return fl_fail(l, n, "name must be a plain name (letters, digits, _)");
        w->name = xstrdup(fl_scalar(n));
    } else {
        const char *base = strrchr(l->path, '/');
        base = base ? base + 1 : l->path;
        w->name = xstrndup(base, strcspn(base, "."));
    }
    w->schema = schema_of(w->name);
    w->table = xasprintf("%s.t", w->schema);
    if ((n = fl_lookup(l, m, "threads", NULL))) {
        if (fl_int(l, n, "threads", 1, 1024, &num))
            return -1;
        w->threads = (int)num;
    }
    if ((n = fl_lookup(l, m, "iterations", NULL))) {
        if (fl_int(l, n, "iterations", 1, 1000000000, &num))
            return -1;
        w->iterations = num;
    }
    yaml_node_t *states = fl_lookup(l, m, "states", &key);
    if (!states)
        return fl_fail(l, m, "an FSM workload needs states");
    if (fl_want(l, states, YAML_MAPPING_NODE, "states"))
        return -1;
    size_t cnt = (size_t)(states->data.mapping.pairs.top - states->data.mapping.pairs.start);
    if (!cnt)
        return fl_fail(l, states, "an FSM workload needs states");
    w->states = xcalloc(cnt, sizeof *w->states);
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *k = fl_node(l, states->data.mapping.pairs.start[i].key);
        if (!fl_plain_name(fl_scalar(k)))
            return fl_fail(l, k, "a state name must be a plain name");
        if (fsm_state_find(w, fl_scalar(k)) >= 0)
            return fl_fail(l, k, "state '%s' is defined twice", fl_scalar(k));
        w->states[i].name = xstrdup(fl_scalar(k));
        w->nstates = i + 1;
    }
    /* Variables first: built-ins, data:, then what steps capture or set. */
    vars v = {0};
    for (int i = 0; i < FSM_VAR_BUILTIN; i++)
        fl_add_var(&v, BUILTIN_VARS[i], NULL);
    free(v.init[FSM_VAR_TABLE]);
    v.init[FSM_VAR_TABLE] = xstrdup(w->table);
    free(v.init[FSM_VAR_SCHEMA]);
    v.init[FSM_VAR_SCHEMA] = xstrdup(w->schema);
    int rc = 0;
    if ((n = fl_lookup(l, m, "data", NULL)))
        rc = fl_data(l, n, &v);
    if (!rc)
        rc = fl_collect_vars(l, states, &v);
    for (size_t i = 0; i < cnt && !rc; i++)
        rc = fl_state(l, fl_node(l, states->data.mapping.pairs.start[i].value), &w->states[i], &v);
    if (!rc && (n = fl_lookup(l, m, "setup", NULL)))
        rc = get_sql_list(l, n, &v, &w->setup, &w->nsetup, "setup");
    if (!rc && (n = fl_lookup(l, m, "teardown", NULL)))
        rc = get_sql_list(l, n, &v, &w->teardown, &w->nteardown, "teardown");
    w->vars = v.names;
    w->init = v.init;
    w->nvars = v.n;
    if (rc)
        return -1;
    yaml_node_t *start = fl_lookup(l, m, "start", NULL);
    w->start = fsm_state_find(w, start ? (fl_scalar(start) ? fl_scalar(start) : "") : "init");
    if (w->start < 0)
        return fl_fail(l, start ? start : m, start ? "start state '%s' is not a state"
                                                   : "no start: and no state called 'init'%s",
                       start ? (fl_scalar(start) ? fl_scalar(start) : "?") : "");
    yaml_node_t *tr = fl_lookup(l, m, "transitions", NULL);
    if (!tr)
        return fl_fail(l, m, "an FSM workload needs transitions");
    if (fl_transitions(l, tr, w))
        return -1;
    return check_reachable_ends(l, states, w);
}

/* ---- a set of workloads ---- */

static fsm_set *load_file(const char *path, int depth, char **err);

static void append_set(fsm_set *s, fsm_set *more)
{
    s->w = xrealloc(s->w, (s->n + more->n) * sizeof *s->w);
    memcpy(s->w + s->n, more->w, more->n * sizeof *s->w);
    s->n += more->n;
    free(more->w);
    free(more);
}

/* Returns path resolved against the directory of the including file. */
static char *relative_to(const char *from, const char *path)
{
    const char *slash = strrchr(from, '/');
    if (path[0] == '/' || !slash)
        return xstrdup(path);
    return xasprintf("%.*s/%s", (int)(slash - from), from, path);
}

static fsm_set *include(loader *l, yaml_node_t *n)
{
    if (!fl_scalar(n) || !*fl_scalar(n)) {
        fl_fail(l, n, "include names a file");
        return NULL;
    }
    if (l->depth >= MAX_INCLUDE_DEPTH) {
        fl_fail(l, n, "includes nest deeper than %d", MAX_INCLUDE_DEPTH);
        return NULL;
    }
    char *path = relative_to(l->path, fl_scalar(n));
    char *inner = NULL;
    fsm_set *s = load_file(path, l->depth + 1, &inner);
    if (!s)
        fl_fail(l, n, "in %s: %s", fl_scalar(n), inner ? inner : "cannot load");
    free(inner);
    free(path);
    return s;
}

static int get_workloads(loader *l, yaml_node_t *seq, fsm_set *s)
{
    if (fl_want(l, seq, YAML_SEQUENCE_NODE, "workloads"))
        return -1;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        yaml_node_t *n = fl_node(l, *it), *inc = NULL;
        if (fl_scalar(n) || (inc = fl_lookup(l, n, "include", NULL))) {
            static const char *const KEYS[] = {"include", NULL};
            if (!fl_scalar(n) && fl_only_keys(l, n, "an include", KEYS))
                return -1;
            fsm_set *more = include(l, fl_scalar(n) ? n : inc);
            if (!more)
                return -1;
            append_set(s, more);
            continue;
        }
        s->w = xrealloc(s->w, (s->n + 1) * sizeof *s->w);
        memset(&s->w[s->n], 0, sizeof *s->w);
        s->n++;
        if (get_workload(l, n, &s->w[s->n - 1]))
            return -1;
    }
    return 0;
}

static int check_names(loader *l, yaml_node_t *at, fsm_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->w[i].name, s->w[k].name) == 0)
                return fl_fail(l, at, "two workloads are called '%s' (each needs its own tables)",
                               s->w[i].name);
    return 0;
}

static fsm_set *load_section(loader *l, yaml_node_t *m)
{
    static const char *const SET_KEYS[] = {"mode", "mix", "workloads", "include", NULL};
    fsm_set *s = xcalloc(1, sizeof *s);
    s->mix = DEFAULT_MIX;
    int rc = 0;
    yaml_node_t *inc = fl_lookup(l, m, "include", NULL), *wls = fl_lookup(l, m, "workloads", NULL);
    if (m->type == YAML_MAPPING_NODE && (inc || wls || fl_lookup(l, m, "mode", NULL))) {
        rc = fl_only_keys(l, m, "the fsm section", SET_KEYS);
        if (!rc && inc && wls)
            rc = fl_fail(l, inc, "give include or workloads, not both");
        if (!rc && inc) {
            fsm_set *more = include(l, inc);
            if (!more)
                rc = -1;
            else {
                s->mode = more->mode;
                s->mix = more->mix;
                append_set(s, more);
            }
        }
        if (!rc && wls)
            rc = get_workloads(l, wls, s);
        if (!rc && !inc && !wls)
            rc = fl_fail(l, m, "the fsm section needs workloads");
        yaml_node_t *mode = fl_lookup(l, m, "mode", NULL), *mix = fl_lookup(l, m, "mix", NULL);
        if (!rc && mode) {
            static const char *const MODES[] = {"serial", "parallel", "composed"};
            const char *name = fl_scalar(mode);
            int found = -1;
            for (int i = 0; name && i < (int)ARRAY_LEN(MODES); i++)
                if (strcmp(MODES[i], name) == 0)
                    found = i;
            if (found < 0)
                rc = fl_fail(l, mode, "mode must be serial, parallel or composed");
            s->mode = (fsm_mode)(found < 0 ? 0 : found);
        }
        if (!rc && mix) {
            rc = fl_number(l, mix, "mix", &s->mix);
            if (!rc && s->mix > 1)
                rc = fl_fail(l, mix, "mix is a probability, at most 1");
        }
    } else {
        s->w = xcalloc(1, sizeof *s->w);
        s->n = 1;
        rc = get_workload(l, m, &s->w[0]);
    }
    if (!rc)
        rc = check_names(l, m, s);
    if (rc) {
        fsm_set_free(s);
        return NULL;
    }
    return s;
}

char *fsm_section_source(void *doc, void *at, const char *path)
{
    char *err = NULL;
    loader l = {.path = path, .doc = doc, .err = &err};
    yaml_node_t *m = at, *inc = fl_lookup(&l, m, "include", NULL);
    if ((m->type == YAML_MAPPING_NODE && m->data.mapping.pairs.top == m->data.mapping.pairs.start) ||
        (fl_scalar(m) && (!*fl_scalar(m) || strcmp(fl_scalar(m), "~") == 0 ||
                          strcmp(fl_scalar(m), "null") == 0)))
        return NULL;
    if (inc && fl_scalar(inc) && m->data.mapping.pairs.top - m->data.mapping.pairs.start == 1)
        return relative_to(path, fl_scalar(inc));
    return xstrdup(path);
}

fsm_set *fsm_load_node(void *doc, void *at, const char *path, char **err)
{
    *err = NULL;
    loader l = {.path = path, .doc = doc, .err = err};
    return load_section(&l, at);
}

static fsm_set *load_file(const char *path, int depth, char **err)
{
    *err = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return NULL;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    fsm_set *s = NULL;
    if (!yaml_parser_load(&parser, &doc)) {
        *err = xasprintf("%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
                         parser.problem_mark.column + 1,
                         parser.problem ? parser.problem : "YAML error");
    } else {
        loader l = {.path = path, .doc = &doc, .err = err, .depth = depth};
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        yaml_node_t *section = root ? fl_lookup(&l, root, "fsm", NULL) : NULL;
        if (!root)
            *err = xasprintf("%s:1:1: the file is empty", path);
        else
            s = load_section(&l, section ? section : root);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    fclose(f);
    return s;
}

fsm_set *fsm_load_file(const char *path, char **err)
{
    return load_file(path, 0, err);
}
