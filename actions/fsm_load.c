/* fsm_load.c - FSM workloads from YAML (libyaml documents): every
 * malformed case is refused with FILE:LINE:COL before anything runs
 * (fsm.h; the shape is in README.md, "Writing an FSM workload"). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../core/util.h"
#include "fsm.h"

#define MAX_INCLUDE_DEPTH 8
#define DEFAULT_ITERATIONS 100
#define DEFAULT_MIX 0.1
/* Fractional weights are kept as hundredths. */
#define FRACTION_SCALE 100

static const char *const BUILTIN_VARS[FSM_VAR_BUILTIN] = {
    [FSM_VAR_TID] = "tid", [FSM_VAR_ITERATION] = "iteration", [FSM_VAR_THREADS] = "threads",
    [FSM_VAR_TABLE] = "table", [FSM_VAR_SCHEMA] = "schema",
};

typedef struct loader {
    const char *path;
    yaml_document_t *doc;
    char **err;
    int depth;
} loader;

static int fail_at(loader *l, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(loader *l, const yaml_node_t *n, const char *fmt, ...)
{
    if (*l->err)
        return -1;
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    *l->err = xasprintf("%s:%zu:%zu: %s", l->path, n ? n->start_mark.line + 1 : 1,
                        n ? n->start_mark.column + 1 : 1, msg ? msg : "error");
    free(msg);
    return -1;
}

/* Reports a template or expression error at its place inside scalar n. */
static int fail_inside(loader *l, const yaml_node_t *n, fsm_parse_error *e, const char *what)
{
    const char *text = (const char *)n->data.scalar.value;
    size_t line = n->start_mark.line, col = n->start_mark.column, nl = 0, last = 0;
    for (size_t i = 0; i < e->offset && text[i]; i++)
        if (text[i] == '\n') {
            nl++;
            last = i + 1;
        }
    yaml_scalar_style_t st = n->data.scalar.style;
    if (st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE) {
        line += 1 + nl;
        col += 2 + (e->offset - last);
    } else if (nl == 0) {
        col += e->offset + (st == YAML_PLAIN_SCALAR_STYLE ? 0 : 1);
    } else {
        line += nl;
        col = e->offset - last;
    }
    if (!*l->err)
        *l->err = xasprintf("%s:%zu:%zu: %s: %s", l->path, line + 1, col + 1, what, e->msg);
    free(e->msg);
    e->msg = NULL;
    return -1;
}

static yaml_node_t *node(loader *l, int id)
{
    return yaml_document_get_node(l->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int want(loader *l, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
    static const char *const NAMES[] = {"nothing", "a value", "a list", "a mapping"};
    return n->type == t ? 0 : fail_at(l, n, "%s must be %s", what, NAMES[t]);
}

/* Returns the value of key in mapping m, or NULL; *key_node gets the key. */
static yaml_node_t *lookup(loader *l, yaml_node_t *m, const char *key, yaml_node_t **key_node)
{
    if (m->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = scalar(node(l, p->key));
        if (k && strcmp(k, key) == 0) {
            if (key_node)
                *key_node = node(l, p->key);
            return node(l, p->value);
        }
    }
    return NULL;
}

/* Fails on a key of m that is not in keys (NULL-terminated). */
static int only_keys(loader *l, yaml_node_t *m, const char *what, const char *const *keys)
{
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(l, p->key);
        const char *name = scalar(k);
        if (!name)
            return fail_at(l, k, "keys of %s must be plain names", what);
        bool known = false;
        for (const char *const *q = keys; *q && !known; q++)
            known = strcmp(*q, name) == 0;
        if (!known)
            return fail_at(l, k, "unknown key '%s' in %s", name, what);
    }
    return 0;
}

static int get_int(loader *l, yaml_node_t *n, const char *what, long long min, long long max,
                   long long *out)
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

static int get_number(loader *l, yaml_node_t *n, const char *what, double *out)
{
    const char *s = scalar(n);
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || !*s || errno || *end || !isfinite(v))
        return fail_at(l, n, "%s must be a number, not '%s'", what, s ? s : "a structure");
    if (v < 0)
        return fail_at(l, n, "%s must not be negative", what);
    *out = v;
    return 0;
}

static int get_bool(loader *l, yaml_node_t *n, const char *what, bool *out)
{
    const char *s = scalar(n);
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)) {
        *out = s[0] == 't';
        return 0;
    }
    return fail_at(l, n, "%s must be true or false", what);
}

/* ---- variables ---- */

typedef struct vars {
    char **names;
    char **init;
    size_t n;
} vars;

static int var_index(const vars *v, const char *name, size_t len)
{
    for (size_t i = 0; i < v->n; i++)
        if (strlen(v->names[i]) == len && strncmp(v->names[i], name, len) == 0)
            return (int)i;
    return -1;
}

static int lookup_var(void *arg, const char *name, size_t len)
{
    return var_index(arg, name, len);
}

static int add_var(vars *v, const char *name, const char *init)
{
    int i = var_index(v, name, strlen(name));
    if (i >= 0)
        return i;
    v->names = xrealloc(v->names, (v->n + 1) * sizeof *v->names);
    v->init = xrealloc(v->init, (v->n + 1) * sizeof *v->init);
    v->names[v->n] = xstrdup(name);
    v->init[v->n] = xstrdup(init);
    return (int)v->n++;
}

static bool plain_name(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/* Adds the names that capture: and set: mappings of every step define. */
static int collect_step_vars(loader *l, yaml_node_t *step, vars *v)
{
    static const char *const DEFINING[] = {"capture", "set"};
    for (size_t d = 0; d < ARRAY_LEN(DEFINING); d++) {
        yaml_node_t *m = lookup(l, step, DEFINING[d], NULL);
        if (!m)
            continue;
        if (want(l, m, YAML_MAPPING_NODE, DEFINING[d]))
            return -1;
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
            yaml_node_t *k = node(l, p->key);
            if (!plain_name(scalar(k)))
                return fail_at(l, k, "a variable name must be a plain name");
            int i = var_index(v, scalar(k), strlen(scalar(k)));
            if (i >= 0 && i < FSM_VAR_BUILTIN)
                return fail_at(l, k, "'%s' is built in and cannot be changed", scalar(k));
            add_var(v, scalar(k), NULL);
        }
    }
    return 0;
}

/* The steps of a state node: its list, or the steps: of its mapping. */
static yaml_node_t *state_steps(loader *l, yaml_node_t *s)
{
    return s->type == YAML_MAPPING_NODE ? lookup(l, s, "steps", NULL) : s;
}

static int collect_vars(loader *l, yaml_node_t *states, vars *v)
{
    for (yaml_node_pair_t *p = states->data.mapping.pairs.start; p < states->data.mapping.pairs.top;
         p++) {
        yaml_node_t *steps = state_steps(l, node(l, p->value));
        if (!steps || steps->type != YAML_SEQUENCE_NODE)
            continue; /* reported when the state is read */
        for (yaml_node_item_t *it = steps->data.sequence.items.start;
             it < steps->data.sequence.items.top; it++)
            if (node(l, *it)->type == YAML_MAPPING_NODE && collect_step_vars(l, node(l, *it), v))
                return -1;
    }
    return 0;
}

static int get_data(loader *l, yaml_node_t *m, vars *v)
{
    if (want(l, m, YAML_MAPPING_NODE, "data"))
        return -1;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(l, p->key), *val = node(l, p->value);
        if (!plain_name(scalar(k)))
            return fail_at(l, k, "a variable name must be a plain name");
        if (var_index(v, scalar(k), strlen(scalar(k))) >= 0)
            return fail_at(l, k, "'%s' is %s", scalar(k),
                           var_index(v, scalar(k), strlen(scalar(k))) < FSM_VAR_BUILTIN
                               ? "built in" : "defined twice");
        const char *s = scalar(val);
        if (!s)
            return fail_at(l, val, "data values must be plain values");
        bool null = val->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                    (strcmp(s, "null") == 0 || strcmp(s, "~") == 0);
        add_var(v, scalar(k), null ? NULL : s);
    }
    return 0;
}

/* ---- steps ---- */

static int compile_sql(loader *l, yaml_node_t *n, vars *v, fsm_template *t, const char *what)
{
    const char *s = scalar(n);
    if (!s)
        return fail_at(l, n, "%s must be SQL text", what);
    if (!*s)
        return fail_at(l, n, "%s is empty", what);
    fsm_parse_error e = {0};
    return fsm_template_compile(s, lookup_var, v, t, &e) ? fail_inside(l, n, &e, what) : 0;
}

static int compile_expr(loader *l, yaml_node_t *n, vars *v, bool allow_literal, fsm_expr *x,
                        const char *what)
{
    if (!scalar(n))
        return fail_at(l, n, "%s must be a value or an expression", what);
    fsm_parse_error e = {0};
    return fsm_expr_compile(scalar(n), lookup_var, v, allow_literal, x, &e)
               ? fail_inside(l, n, &e, what)
               : 0;
}

static int get_rules(loader *l, yaml_node_t *seq, error_rule **out)
{
    if (want(l, seq, YAML_SEQUENCE_NODE, "expected_errors"))
        return -1;
    size_t n = 0;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        yaml_node_t *m = node(l, *it);
        error_rule r = {.cls = EC_IGNORED};
        const char *state = scalar(m);
        yaml_node_t *at = m;
        if (!state) {
            static const char *const KEYS[] = {"sqlstate", "message", NULL};
            if (want(l, m, YAML_MAPPING_NODE, "an expected error") ||
                only_keys(l, m, "an expected error", KEYS))
                return -1;
            yaml_node_t *s = lookup(l, m, "sqlstate", NULL), *msg = lookup(l, m, "message", NULL);
            if (!s && !msg)
                return fail_at(l, m, "an expected error needs a sqlstate or a message");
            if ((s && !scalar(s)) || (msg && !scalar(msg)))
                return fail_at(l, s && !scalar(s) ? s : msg, "must be text");
            state = s ? scalar(s) : NULL;
            at = s;
            r.message = msg ? xstrdup(scalar(msg)) : NULL;
        }
        if (state && strlen(state) != 2 && strlen(state) != 5) {
            free((char *)r.message);
            return fail_at(l, at, "sqlstate must be a 5-character code or a 2-character class");
        }
        r.sqlstate = xstrdup(state);
        *out = xrealloc(*out, (n + 2) * sizeof **out);
        (*out)[n++] = r;
        (*out)[n] = (error_rule)ERROR_RULES_END;
    }
    return 0;
}

static int add_check(loader *l, fsm_step *st, fsm_check_kind kind, const char *column,
                     yaml_node_t *val, vars *v, fsm_level level, const char *name)
{
    st->checks = xrealloc(st->checks, (st->nchecks + 1) * sizeof *st->checks);
    fsm_check *c = &st->checks[st->nchecks++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->column = xstrdup(column);
    c->level = level;
    c->name = xstrdup(name);
    c->line = (unsigned)val->start_mark.line + 1;
    c->want.lone_var = -1;
    bool counts = kind == FSM_CHECK_ROWS || kind == FSM_CHECK_AFFECTED;
    return compile_expr(l, val, v, !counts, &c->want, counts ? "a row count" : "an expected value");
}

static int get_expect(loader *l, yaml_node_t *m, fsm_step *st, vars *v)
{
    static const char *const KEYS[] = {"rows", "affected", "value", "row", "level", "name", NULL};
    if (m->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = m->data.sequence.items.start; it < m->data.sequence.items.top;
             it++)
            if (get_expect(l, node(l, *it), st, v))
                return -1;
        return 0;
    }
    if (want(l, m, YAML_MAPPING_NODE, "expect") || only_keys(l, m, "expect", KEYS))
        return -1;
    fsm_level level = FSM_OWN_TABLE;
    yaml_node_t *lv = lookup(l, m, "level", NULL);
    if (lv) {
        const char *s = scalar(lv);
        if (s && strcmp(s, "always") == 0)
            level = FSM_ALWAYS;
        else if (!s || strcmp(s, "own_table") != 0)
            return fail_at(l, lv, "level must be always or own_table");
    }
    yaml_node_t *nm = lookup(l, m, "name", NULL);
    if (nm && (!scalar(nm) || !*scalar(nm)))
        return fail_at(l, nm, "an expect's name must be text");
    const char *name = nm ? scalar(nm) : NULL;
    static const struct {
        const char *key;
        fsm_check_kind kind;
    } SIMPLE[] = {{"rows", FSM_CHECK_ROWS}, {"affected", FSM_CHECK_AFFECTED}, {"value", FSM_CHECK_VALUE}};
    size_t before = st->nchecks;
    for (size_t i = 0; i < ARRAY_LEN(SIMPLE); i++) {
        yaml_node_t *val = lookup(l, m, SIMPLE[i].key, NULL);
        if (val && add_check(l, st, SIMPLE[i].kind, NULL, val, v, level, name))
            return -1;
    }
    yaml_node_t *row = lookup(l, m, "row", NULL);
    if (row) {
        if (want(l, row, YAML_MAPPING_NODE, "expect.row"))
            return -1;
        for (yaml_node_pair_t *p = row->data.mapping.pairs.start; p < row->data.mapping.pairs.top;
             p++)
            if (!scalar(node(l, p->key)) ||
                add_check(l, st, FSM_CHECK_COLUMN, scalar(node(l, p->key)), node(l, p->value), v,
                          level, name))
                return fail_at(l, node(l, p->key), "expect.row maps column names to values");
    }
    if (st->nchecks == before)
        return fail_at(l, m, "expect needs rows, affected, value or row");
    return 0;
}

static int get_captures(loader *l, yaml_node_t *m, fsm_step *st, vars *v)
{
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(l, p->key), *col = node(l, p->value);
        if (!scalar(col) || !*scalar(col))
            return fail_at(l, col, "capture maps a variable to a column name or number");
        st->captures = xrealloc(st->captures, (st->ncaptures + 1) * sizeof *st->captures);
        st->captures[st->ncaptures++] =
            (fsm_capture){var_index(v, scalar(k), strlen(scalar(k))), xstrdup(scalar(col))};
    }
    return 0;
}

static int get_sets(loader *l, yaml_node_t *m, fsm_step *st, vars *v)
{
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(l, p->key);
        st->sets = xrealloc(st->sets, (st->nsets + 1) * sizeof *st->sets);
        fsm_assign *a = &st->sets[st->nsets++];
        a->var = var_index(v, scalar(k), strlen(scalar(k)));
        a->value = (fsm_expr){.lone_var = -1};
        if (compile_expr(l, node(l, p->value), v, true, &a->value, "set"))
            return -1;
    }
    return 0;
}

static int get_step(loader *l, yaml_node_t *n, fsm_step *st, vars *v)
{
    static const struct {
        const char *word;
        fsm_step_kind kind;
    } WORDS[] = {{"begin", FSM_STEP_BEGIN}, {"commit", FSM_STEP_COMMIT}, {"rollback", FSM_STEP_ROLLBACK}};
    static const char *const KEYS[] = {"sql", "capture", "set", "expect", "expected_errors", NULL};
    st->line = (unsigned)n->start_mark.line + 1;
    if (scalar(n)) {
        for (size_t i = 0; i < ARRAY_LEN(WORDS); i++)
            if (strcmp(scalar(n), WORDS[i].word) == 0) {
                st->kind = WORDS[i].kind;
                return 0;
            }
        return fail_at(l, n, "a step is begin, commit, rollback or a mapping with sql (or set), "
                             "not '%s'", scalar(n));
    }
    if (want(l, n, YAML_MAPPING_NODE, "a step") || only_keys(l, n, "a step", KEYS))
        return -1;
    yaml_node_t *sql = lookup(l, n, "sql", NULL), *cap = lookup(l, n, "capture", NULL),
                *set = lookup(l, n, "set", NULL), *exp = lookup(l, n, "expect", NULL),
                *errs = lookup(l, n, "expected_errors", NULL);
    if (!sql && (cap || exp || errs || !set))
        return fail_at(l, n, "a step has no SQL%s", set ? " (capture, expect and expected_errors "
                                                          "need a statement)" : "");
    st->kind = sql ? FSM_STEP_SQL : FSM_STEP_SET;
    if (sql) {
        if (compile_sql(l, sql, v, &st->sql, "sql"))
            return -1;
        st->source = xstrdup(scalar(sql));
    }
    return (cap && get_captures(l, cap, st, v)) || (exp && get_expect(l, exp, st, v)) ||
                   (set && get_sets(l, set, st, v)) || (errs && get_rules(l, errs, &st->expected))
               ? -1
               : 0;
}

/* The state's row rules: every step's, borrowed. */
static void union_rules(fsm_state *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nsteps; i++)
        for (error_rule *r = s->steps[i].expected; r && (r->sqlstate || r->message); r++) {
            s->expected = xrealloc(s->expected, (n + 2) * sizeof *s->expected);
            s->expected[n++] = *r;
            s->expected[n] = (error_rule)ERROR_RULES_END;
        }
}

static int get_state(loader *l, yaml_node_t *n, fsm_state *s, vars *v)
{
    static const char *const KEYS[] = {"transaction", "steps", NULL};
    yaml_node_t *steps = n;
    if (n->type == YAML_MAPPING_NODE) {
        if (only_keys(l, n, "a state", KEYS))
            return -1;
        yaml_node_t *tx = lookup(l, n, "transaction", NULL);
        if (tx && get_bool(l, tx, "transaction", &s->transaction))
            return -1;
        steps = lookup(l, n, "steps", NULL);
        if (!steps)
            return fail_at(l, n, "state '%s' has no steps", s->name);
    }
    if (want(l, steps, YAML_SEQUENCE_NODE, "a state's steps"))
        return -1;
    size_t cnt = (size_t)(steps->data.sequence.items.top - steps->data.sequence.items.start);
    if (cnt == 0)
        return fail_at(l, steps, "state '%s' has no steps", s->name);
    s->steps = xcalloc(cnt, sizeof *s->steps);
    for (size_t i = 0; i < cnt; i++) {
        s->nsteps = i + 1;
        if (get_step(l, node(l, steps->data.sequence.items.start[i]), &s->steps[i], v))
            return -1;
    }
    union_rules(s);
    return 0;
}

/* ---- transitions ---- */

static int get_transitions(loader *l, yaml_node_t *m, fsm_workload *w)
{
    if (want(l, m, YAML_MAPPING_NODE, "transitions"))
        return -1;
    double *raw[w->nstates];
    memset(raw, 0, sizeof raw);
    bool fraction = false;
    int rc = 0;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top && !rc;
         p++) {
        yaml_node_t *k = node(l, p->key), *to = node(l, p->value);
        int from = scalar(k) ? fsm_state_find(w, scalar(k)) : -1;
        if (from < 0) {
            rc = fail_at(l, k, "transition from unknown state '%s'", scalar(k) ? scalar(k) : "?");
            break;
        }
        fsm_state *s = &w->states[from];
        if (s->next) {
            rc = fail_at(l, k, "transitions from '%s' are given twice", s->name);
            break;
        }
        if ((rc = want(l, to, YAML_MAPPING_NODE, "a state's transitions")))
            break;
        size_t cnt = (size_t)(to->data.mapping.pairs.top - to->data.mapping.pairs.start);
        s->next = xcalloc(cnt ? cnt : 1, sizeof *s->next);
        raw[from] = xcalloc(cnt ? cnt : 1, sizeof *raw[from]);
        for (size_t i = 0; i < cnt && !rc; i++) {
            yaml_node_pair_t *q = &to->data.mapping.pairs.start[i];
            yaml_node_t *tk = node(l, q->key);
            int target = scalar(tk) ? fsm_state_find(w, scalar(tk)) : -1;
            if (target < 0) {
                rc = fail_at(l, tk, "transition from '%s' to unknown state '%s'", s->name,
                             scalar(tk) ? scalar(tk) : "?");
                break;
            }
            rc = get_number(l, node(l, q->value), "a transition weight", &raw[from][i]);
            fraction |= raw[from][i] != floor(raw[from][i]);
            if (!rc && raw[from][i] * FRACTION_SCALE > 1e9)
                rc = fail_at(l, node(l, q->value), "a transition weight must be at most 10000000");
            s->next[i].to = target;
            s->nnext = i + 1;
        }
    }
    for (size_t i = 0; i < w->nstates; i++) {
        for (size_t k = 0; raw[i] && k < w->states[i].nnext; k++)
            w->states[i].next[k].weight =
                (unsigned)llround(raw[i][k] * (fraction ? FRACTION_SCALE : 1));
        free(raw[i]);
    }
    return rc;
}

/* ---- a workload ---- */

static int get_sql_list(loader *l, yaml_node_t *n, vars *v, fsm_template **out, size_t *nout,
                        const char *what)
{
    if (scalar(n)) {
        *out = xcalloc(1, sizeof **out);
        *nout = 1;
        return compile_sql(l, n, v, *out, what);
    }
    if (want(l, n, YAML_SEQUENCE_NODE, what))
        return -1;
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    *out = xcalloc(cnt ? cnt : 1, sizeof **out);
    for (size_t i = 0; i < cnt; i++) {
        *nout = i + 1;
        if (compile_sql(l, node(l, n->data.sequence.items.start[i]), v, &(*out)[i], what))
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
        yaml_node_t *at = node(l, states->data.mapping.pairs.start[i].key);
        return fail_at(l, at, s->nnext ? "every transition from state '%s' has weight 0"
                                       : "state '%s' has no transitions", s->name);
    }
    return 0;
}

static int get_workload(loader *l, yaml_node_t *m, fsm_workload *w)
{
    static const char *const KEYS[] = {"name", "description", "threads", "iterations", "setup",
                                       "teardown", "data", "start", "states", "transitions", NULL};
    if (want(l, m, YAML_MAPPING_NODE, "an FSM workload") || only_keys(l, m, "an FSM workload", KEYS))
        return -1;
    w->path = xstrdup(l->path);
    w->iterations = DEFAULT_ITERATIONS;
    yaml_node_t *n, *key;
    long long num;
    if ((n = lookup(l, m, "name", NULL))) {
        if (!plain_name(scalar(n)))
            return fail_at(l, n, "name must be a plain name (letters, digits, _)");
        w->name = xstrdup(scalar(n));
    } else {
        const char *base = strrchr(l->path, '/');
        base = base ? base + 1 : l->path;
        w->name = xstrndup(base, strcspn(base, "."));
    }
    w->schema = schema_of(w->name);
    w->table = xasprintf("%s.t", w->schema);
    if ((n = lookup(l, m, "threads", NULL))) {
        if (get_int(l, n, "threads", 1, 1024, &num))
            return -1;
        w->threads = (int)num;
    }
    if ((n = lookup(l, m, "iterations", NULL))) {
        if (get_int(l, n, "iterations", 1, 1000000000, &num))
            return -1;
        w->iterations = num;
    }
    yaml_node_t *states = lookup(l, m, "states", &key);
    if (!states)
        return fail_at(l, m, "an FSM workload needs states");
    if (want(l, states, YAML_MAPPING_NODE, "states"))
        return -1;
    size_t cnt = (size_t)(states->data.mapping.pairs.top - states->data.mapping.pairs.start);
    if (!cnt)
        return fail_at(l, states, "an FSM workload needs states");
    w->states = xcalloc(cnt, sizeof *w->states);
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *k = node(l, states->data.mapping.pairs.start[i].key);
        if (!plain_name(scalar(k)))
            return fail_at(l, k, "a state name must be a plain name");
        if (fsm_state_find(w, scalar(k)) >= 0)
            return fail_at(l, k, "state '%s' is defined twice", scalar(k));
        w->states[i].name = xstrdup(scalar(k));
        w->nstates = i + 1;
    }
    /* Variables first: built-ins, data:, then what steps capture or set. */
    vars v = {0};
    for (int i = 0; i < FSM_VAR_BUILTIN; i++)
        add_var(&v, BUILTIN_VARS[i], NULL);
    free(v.init[FSM_VAR_TABLE]);
    v.init[FSM_VAR_TABLE] = xstrdup(w->table);
    free(v.init[FSM_VAR_SCHEMA]);
    v.init[FSM_VAR_SCHEMA] = xstrdup(w->schema);
    int rc = 0;
    if ((n = lookup(l, m, "data", NULL)))
        rc = get_data(l, n, &v);
    if (!rc)
        rc = collect_vars(l, states, &v);
    for (size_t i = 0; i < cnt && !rc; i++)
        rc = get_state(l, node(l, states->data.mapping.pairs.start[i].value), &w->states[i], &v);
    if (!rc && (n = lookup(l, m, "setup", NULL)))
        rc = get_sql_list(l, n, &v, &w->setup, &w->nsetup, "setup");
    if (!rc && (n = lookup(l, m, "teardown", NULL)))
        rc = get_sql_list(l, n, &v, &w->teardown, &w->nteardown, "teardown");
    w->vars = v.names;
    w->init = v.init;
    w->nvars = v.n;
    if (rc)
        return -1;
    yaml_node_t *start = lookup(l, m, "start", NULL);
    w->start = fsm_state_find(w, start ? (scalar(start) ? scalar(start) : "") : "init");
    if (w->start < 0)
        return fail_at(l, start ? start : m, start ? "start state '%s' is not a state"
                                                   : "no start: and no state called 'init'%s",
                       start ? (scalar(start) ? scalar(start) : "?") : "");
    yaml_node_t *tr = lookup(l, m, "transitions", NULL);
    if (!tr)
        return fail_at(l, m, "an FSM workload needs transitions");
    if (get_transitions(l, tr, w))
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
    if (!scalar(n) || !*scalar(n)) {
        fail_at(l, n, "include names a file");
        return NULL;
    }
    if (l->depth >= MAX_INCLUDE_DEPTH) {
        fail_at(l, n, "includes nest deeper than %d", MAX_INCLUDE_DEPTH);
        return NULL;
    }
    char *path = relative_to(l->path, scalar(n));
    char *inner = NULL;
    fsm_set *s = load_file(path, l->depth + 1, &inner);
    if (!s)
        fail_at(l, n, "in %s: %s", scalar(n), inner ? inner : "cannot load");
    free(inner);
    free(path);
    return s;
}

static int get_workloads(loader *l, yaml_node_t *seq, fsm_set *s)
{
    if (want(l, seq, YAML_SEQUENCE_NODE, "workloads"))
        return -1;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        yaml_node_t *n = node(l, *it), *inc;
        if (scalar(n) || (inc = lookup(l, n, "include", NULL))) {
            static const char *const KEYS[] = {"include", NULL};
            if (!scalar(n) && only_keys(l, n, "an include", KEYS))
                return -1;
            fsm_set *more = include(l, scalar(n) ? n : inc);
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
                return fail_at(l, at, "two workloads are called '%s' (each needs its own tables)",
                               s->w[i].name);
    return 0;
}

static fsm_set *load_section(loader *l, yaml_node_t *m)
{
    static const char *const SET_KEYS[] = {"mode", "mix", "workloads", "include", NULL};
    fsm_set *s = xcalloc(1, sizeof *s);
    s->mix = DEFAULT_MIX;
    int rc = 0;
    yaml_node_t *inc = lookup(l, m, "include", NULL), *wls = lookup(l, m, "workloads", NULL);
    if (m->type == YAML_MAPPING_NODE && (inc || wls || lookup(l, m, "mode", NULL))) {
        rc = only_keys(l, m, "the fsm section", SET_KEYS);
        if (!rc && inc && wls)
            rc = fail_at(l, inc, "give include or workloads, not both");
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
            rc = fail_at(l, m, "the fsm section needs workloads");
        yaml_node_t *mode = lookup(l, m, "mode", NULL), *mix = lookup(l, m, "mix", NULL);
        if (!rc && mode) {
            static const char *const MODES[] = {"serial", "parallel", "composed"};
            const char *name = scalar(mode);
            int found = -1;
            for (int i = 0; name && i < (int)ARRAY_LEN(MODES); i++)
                if (strcmp(MODES[i], name) == 0)
                    found = i;
            if (found < 0)
                rc = fail_at(l, mode, "mode must be serial, parallel or composed");
            s->mode = (fsm_mode)(found < 0 ? 0 : found);
        }
        if (!rc && mix) {
            rc = get_number(l, mix, "mix", &s->mix);
            if (!rc && s->mix > 1)
                rc = fail_at(l, mix, "mix is a probability, at most 1");
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
        yaml_node_t *section = root ? lookup(&l, root, "fsm", NULL) : NULL;
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
