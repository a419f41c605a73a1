/* fsm_load_steps.c - the states of an FSM workload file: steps (SQL,
 * captures, assignments, assertions, expected errors) and the weighted
 * transitions between states (fsm_load_internal.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "fsm_load_internal.h"

/* Adds the names that capture: and set: mappings of every step define. */
static int collect_step_vars(loader *l, yaml_node_t *step, vars *v)
{
    static const char *const DEFINING[] = {"capture", "set"};
    for (size_t d = 0; d < ARRAY_LEN(DEFINING); d++) {
        yaml_node_t *m = fl_lookup(l, step, DEFINING[d], NULL);
        if (!m)
            continue;
        if (fl_want(l, m, YAML_MAPPING_NODE, DEFINING[d]))
            return -1;
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
            yaml_node_t *k = fl_node(l, p->key);
            if (!fl_plain_name(fl_scalar(k)))
                return fl_fail(l, k, "a variable name must be a plain name");
            int i = fl_var_index(v, fl_scalar(k), strlen(fl_scalar(k)));
            if (i >= 0 && i < FSM_VAR_BUILTIN)
                return fl_fail(l, k, "'%s' is built in and cannot be changed", fl_scalar(k));
            fl_add_var(v, fl_scalar(k), NULL);
        }
    }
    return 0;
}

/* The steps of a state node: its list, or the steps: of its mapping. */
static yaml_node_t *state_steps(loader *l, yaml_node_t *s)
{
    return s->type == YAML_MAPPING_NODE ? fl_lookup(l, s, "steps", NULL) : s;
}

int fl_collect_vars(loader *l, yaml_node_t *states, vars *v)
{
    for (yaml_node_pair_t *p = states->data.mapping.pairs.start; p < states->data.mapping.pairs.top;
         p++) {
        yaml_node_t *steps = state_steps(l, fl_node(l, p->value));
        if (!steps || steps->type != YAML_SEQUENCE_NODE)
            continue; /* reported when the state is read */
        for (yaml_node_item_t *it = steps->data.sequence.items.start;
             it < steps->data.sequence.items.top; it++)
            if (fl_node(l, *it)->type == YAML_MAPPING_NODE && collect_step_vars(l, fl_node(l, *it), v))
                return -1;
    }
    return 0;
}

int fl_data(loader *l, yaml_node_t *m, vars *v)
{
    if (fl_want(l, m, YAML_MAPPING_NODE, "data"))
        return -1;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = fl_node(l, p->key), *val = fl_node(l, p->value);
        if (!fl_plain_name(fl_scalar(k)))
            return fl_fail(l, k, "a variable name must be a plain name");
        if (fl_var_index(v, fl_scalar(k), strlen(fl_scalar(k))) >= 0)
            return fl_fail(l, k, "'%s' is %s", fl_scalar(k),
                           fl_var_index(v, fl_scalar(k), strlen(fl_scalar(k))) < FSM_VAR_BUILTIN
                               ? "built in" : "defined twice");
        const char *s = fl_scalar(val);
        if (!s)
            return fl_fail(l, val, "data values must be plain values");
        bool null = val->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                    (strcmp(s, "null") == 0 || strcmp(s, "~") == 0);
        fl_add_var(v, fl_scalar(k), null ? NULL : s);
    }
    return 0;
}

/* ---- steps ---- */

int fl_compile_sql(loader *l, yaml_node_t *n, vars *v, fsm_template *t, const char *what)
{
    const char *s = fl_scalar(n);
    if (!s)
        return fl_fail(l, n, "%s must be SQL text", what);
    if (!*s)
        return fl_fail(l, n, "%s is empty", what);
    fsm_parse_error e = {0};
    return fsm_template_compile(s, fl_lookup_var, v, t, &e) ? fl_fail_inside(l, n, &e, what) : 0;
}

static int compile_expr(loader *l, yaml_node_t *n, vars *v, bool allow_literal, fsm_expr *x,
                        const char *what)
{
    if (!fl_scalar(n))
        return fl_fail(l, n, "%s must be a value or an expression", what);
    fsm_parse_error e = {0};
    return fsm_expr_compile(fl_scalar(n), fl_lookup_var, v, allow_literal, x, &e)
               ? fl_fail_inside(l, n, &e, what)
               : 0;
}

static int get_rules(loader *l, yaml_node_t *seq, error_rule **out)
{
    if (fl_want(l, seq, YAML_SEQUENCE_NODE, "expected_errors"))
        return -1;
    size_t n = 0;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        yaml_node_t *m = fl_node(l, *it);
        error_rule r = {.cls = EC_IGNORED};
        const char *state = fl_scalar(m);
        yaml_node_t *at = m;
        if (!state) {
            static const char *const KEYS[] = {"sqlstate", "message", NULL};
            if (fl_want(l, m, YAML_MAPPING_NODE, "an expected error") ||
                fl_only_keys(l, m, "an expected error", KEYS))
                return -1;
            yaml_node_t *s = fl_lookup(l, m, "sqlstate", NULL), *msg = fl_lookup(l, m, "message", NULL);
            if (!s && !msg)
                return fl_fail(l, m, "an expected error needs a sqlstate or a message");
            if ((s && !fl_scalar(s)) || (msg && !fl_scalar(msg)))
                return fl_fail(l, s && !fl_scalar(s) ? s : msg, "must be text");
            state = s ? fl_scalar(s) : NULL;
            at = s;
            r.message = msg ? xstrdup(fl_scalar(msg)) : NULL;
        }
        if (state && strlen(state) != 2 && strlen(state) != 5) {
            free((char *)r.message);
            return fl_fail(l, at, "sqlstate must be a 5-character code or a 2-character class");
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
            if (get_expect(l, fl_node(l, *it), st, v))
                return -1;
        return 0;
    }
    if (fl_want(l, m, YAML_MAPPING_NODE, "expect") || fl_only_keys(l, m, "expect", KEYS))
        return -1;
    fsm_level level = FSM_OWN_TABLE;
    yaml_node_t *lv = fl_lookup(l, m, "level", NULL);
    if (lv) {
        const char *s = fl_scalar(lv);
        if (s && strcmp(s, "always") == 0)
            level = FSM_ALWAYS;
        else if (!s || strcmp(s, "own_table") != 0)
            return fl_fail(l, lv, "level must be always or own_table");
    }
    yaml_node_t *nm = fl_lookup(l, m, "name", NULL);
    if (nm && (!fl_scalar(nm) || !*fl_scalar(nm)))
        return fl_fail(l, nm, "an expect's name must be text");
    const char *name = nm ? fl_scalar(nm) : NULL;
    static const struct {
        const char *key;
        fsm_check_kind kind;
    } SIMPLE[] = {{"rows", FSM_CHECK_ROWS}, {"affected", FSM_CHECK_AFFECTED}, {"value", FSM_CHECK_VALUE}};
    size_t before = st->nchecks;
    for (size_t i = 0; i < ARRAY_LEN(SIMPLE); i++) {
        yaml_node_t *val = fl_lookup(l, m, SIMPLE[i].key, NULL);
        if (val && add_check(l, st, SIMPLE[i].kind, NULL, val, v, level, name))
            return -1;
    }
    yaml_node_t *row = fl_lookup(l, m, "row", NULL);
    if (row) {
        if (fl_want(l, row, YAML_MAPPING_NODE, "expect.row"))
            return -1;
        for (yaml_node_pair_t *p = row->data.mapping.pairs.start; p < row->data.mapping.pairs.top;
             p++)
            if (!fl_scalar(fl_node(l, p->key)) ||
                add_check(l, st, FSM_CHECK_COLUMN, fl_scalar(fl_node(l, p->key)), fl_node(l, p->value), v,
                          level, name))
                return fl_fail(l, fl_node(l, p->key), "expect.row maps column names to values");
    }
    if (st->nchecks == before)
        return fl_fail(l, m, "expect needs rows, affected, value or row");
    return 0;
}

static int get_captures(loader *l, yaml_node_t *m, fsm_step *st, vars *v)
{
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = fl_node(l, p->key), *col = fl_node(l, p->value);
        if (!fl_scalar(col) || !*fl_scalar(col))
            return fl_fail(l, col, "capture maps a variable to a column name or number");
        st->captures = xrealloc(st->captures, (st->ncaptures + 1) * sizeof *st->captures);
        st->captures[st->ncaptures++] =
            (fsm_capture){fl_var_index(v, fl_scalar(k), strlen(fl_scalar(k))), xstrdup(fl_scalar(col))};
    }
    return 0;
}

static int get_sets(loader *l, yaml_node_t *m, fsm_step *st, vars *v)
{
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = fl_node(l, p->key);
        st->sets = xrealloc(st->sets, (st->nsets + 1) * sizeof *st->sets);
        fsm_assign *a = &st->sets[st->nsets++];
        a->var = fl_var_index(v, fl_scalar(k), strlen(fl_scalar(k)));
        a->value = (fsm_expr){.lone_var = -1};
        if (compile_expr(l, fl_node(l, p->value), v, true, &a->value, "set"))
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
    if (fl_scalar(n)) {
        for (size_t i = 0; i < ARRAY_LEN(WORDS); i++)
            if (strcmp(fl_scalar(n), WORDS[i].word) == 0) {
                st->kind = WORDS[i].kind;
                return 0;
            }
        return fl_fail(l, n, "a step is begin, commit, rollback or a mapping with sql (or set), "
                             "not '%s'", fl_scalar(n));
    }
    if (fl_want(l, n, YAML_MAPPING_NODE, "a step") || fl_only_keys(l, n, "a step", KEYS))
        return -1;
    yaml_node_t *sql = fl_lookup(l, n, "sql", NULL), *cap = fl_lookup(l, n, "capture", NULL),
                *set = fl_lookup(l, n, "set", NULL), *exp = fl_lookup(l, n, "expect", NULL),
                *errs = fl_lookup(l, n, "expected_errors", NULL);
    if (!sql && (cap || exp || errs || !set))
        return fl_fail(l, n, "a step has no SQL%s", set ? " (capture, expect and expected_errors "
                                                          "need a statement)" : "");
    st->kind = sql ? FSM_STEP_SQL : FSM_STEP_SET;
    if (sql) {
        if (fl_compile_sql(l, sql, v, &st->sql, "sql"))
            return -1;
        st->source = xstrdup(fl_scalar(sql));
    }
    return (cap && get_captures(l, cap, st, v)) || (exp && get_expect(l, exp, st, v)) ||
                   (set && get_sets(l, set, st, v)) || (errs && get_rules(l, errs, &st->expected))
               ? -1
               : 0;
}

int fl_state(loader *l, yaml_node_t *n, fsm_state *s, vars *v)
{
    static const char *const KEYS[] = {"transaction", "steps", NULL};
    yaml_node_t *steps = n;
    if (n->type == YAML_MAPPING_NODE) {
        if (fl_only_keys(l, n, "a state", KEYS))
            return -1;
        yaml_node_t *tx = fl_lookup(l, n, "transaction", NULL);
        if (tx && fl_bool(l, tx, "transaction", &s->transaction))
            return -1;
        steps = fl_lookup(l, n, "steps", NULL);
        if (!steps)
            return fl_fail(l, n, "state '%s' has no steps", s->name);
    }
    if (fl_want(l, steps, YAML_SEQUENCE_NODE, "a state's steps"))
        return -1;
    size_t cnt = (size_t)(steps->data.sequence.items.top - steps->data.sequence.items.start);
    if (cnt == 0)
        return fl_fail(l, steps, "state '%s' has no steps", s->name);
    s->steps = xcalloc(cnt, sizeof *s->steps);
    for (size_t i = 0; i < cnt; i++) {
        s->nsteps = i + 1;
        if (get_step(l, fl_node(l, steps->data.sequence.items.start[i]), &s->steps[i], v))
            return -1;
    }
    return 0;
}

/* ---- transitions ---- */

int fl_transitions(loader *l, yaml_node_t *m, fsm_workload *w)
{
    if (fl_want(l, m, YAML_MAPPING_NODE, "transitions"))
        return -1;
    double *raw[w->nstates];
    memset(raw, 0, sizeof raw);
    bool fraction = false;
    int rc = 0;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top && !rc;
         p++) {
        yaml_node_t *k = fl_node(l, p->key), *to = fl_node(l, p->value);
        int from = fl_scalar(k) ? fsm_state_find(w, fl_scalar(k)) : -1;
        if (from < 0) {
            rc = fl_fail(l, k, "transition from unknown state '%s'", fl_scalar(k) ? fl_scalar(k) : "?");
            break;
        }
        fsm_state *s = &w->states[from];
        if (s->next) {
            rc = fl_fail(l, k, "transitions from '%s' are given twice", s->name);
            break;
        }
        if ((rc = fl_want(l, to, YAML_MAPPING_NODE, "a state's transitions")))
            break;
        size_t cnt = (size_t)(to->data.mapping.pairs.top - to->data.mapping.pairs.start);
        s->next = xcalloc(cnt ? cnt : 1, sizeof *s->next);
        raw[from] = xcalloc(cnt ? cnt : 1, sizeof *raw[from]);
        for (size_t i = 0; i < cnt && !rc; i++) {
            yaml_node_pair_t *q = &to->data.mapping.pairs.start[i];
            yaml_node_t *tk = fl_node(l, q->key);
            int target = fl_scalar(tk) ? fsm_state_find(w, fl_scalar(tk)) : -1;
            if (target < 0) {
                rc = fl_fail(l, tk, "transition from '%s' to unknown state '%s'", s->name,
                             fl_scalar(tk) ? fl_scalar(tk) : "?");
                break;
            }
            rc = fl_number(l, fl_node(l, q->value), "a transition weight", &raw[from][i]);
            fraction |= raw[from][i] != floor(raw[from][i]);
            if (!rc && raw[from][i] * FSM_FRACTION_SCALE > 1e9)
                rc = fl_fail(l, fl_node(l, q->value), "a transition weight must be at most 10000000");
            s->next[i].to = target;
            s->nnext = i + 1;
        }
    }
    for (size_t i = 0; i < w->nstates; i++) {
        for (size_t k = 0; raw[i] && k < w->states[i].nnext; k++)
            w->states[i].next[k].weight =
                (unsigned)llround(raw[i][k] * (fraction ? FSM_FRACTION_SCALE : 1));
        free(raw[i]);
    }
    return rc;
}
