/* fsm_exec.c - running an FSM workload's steps on a worker's connection:
 * SQL with parameters, captures, assignments and assertions, with the
 * thread's data following the database across rolled-back transactions
 * (fsm.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sqlbuf.h"
#include "../core/util.h"
#include "fsm.h"

/* The running state: where its data goes back to when a transaction of it
 * is rolled back. */
typedef struct state_run {
    actx *a;
    const fsm_workload *w;
    const fsm_state *s;
    size_t step;
    fsm_data *d;
    char **saved;       /* d's values when the open transaction began, or NULL */
    fsm_level max_level;
    const fsm_observer *obs;
} state_run;

static char **copy_vals(const fsm_data *d)
{
    char **v = xcalloc(d->n ? d->n : 1, sizeof *v);
    for (size_t i = 0; i < d->n; i++)
        v[i] = xstrdup(d->vals[i]);
    return v;
}

static void drop_saved(state_run *r)
{
    for (size_t i = 0; r->saved && i < r->d->n; i++)
        free(r->saved[i]);
    free(r->saved);
    r->saved = NULL;
}

/* A transaction began: remember the data as it is. */
static void save(state_run *r)
{
    drop_saved(r);
    r->saved = copy_vals(r->d);
}

/* The open transaction is gone without committing: its changes to the
 * data go too. */
static void restore(state_run *r)
{
    if (!r->saved)
        return;
    for (size_t i = 0; i < r->d->n; i++)
        free(r->d->vals[i]);
    free(r->d->vals);
    r->d->vals = r->saved;
    r->saved = NULL;
}

static void set_var(fsm_data *d, int var, char *value)
{
    free(d->vals[var]);
    d->vals[var] = value;
}

/* Tells the observer about a statement, as the statement log writes it:
 * "SQL -- with $1 = '5', $2 = NULL". */
static void note_statement(state_run *r, const char *sql, int n, const char *const *params)
{
    if (!r->obs || !r->obs->on_statement)
        return;
    sqlbuf b = SQLBUF_INIT;
    sb_statement_line(&b, sql, n, params);
    r->obs->on_statement(r->obs->arg, sb_str(&b));
    sb_free(&b);
}

/* Reports one assertion; returns whether it held. */
static bool report_assertion(state_run *r, const fsm_check *c, const char *expected, const char *got,
                             const char *sql, bool held)
{
    if (r->obs && r->obs->on_assert) {
        fsm_assertion x = {.w = r->w, .state = r->s, .step = r->step, .check = c, .held = held,
                           .expected = expected, .got = got, .sql = sql};
        r->obs->on_assert(r->obs->arg, &x);
    }
    return held;
}

static bool as_int(const char *v, int64_t *out)
{
    char *end;
    errno = 0;
    long long n = v && *v ? strtoll(v, &end, 10) : 0;
    if (!v || !*v || errno || *end)
        return false;
    *out = n;
    return true;
}

/* PostgreSQL's text for booleans is t / f. */
static const char *bool_text(const char *v)
{
    if (v && strcmp(v, "true") == 0)
        return "t";
    if (v && strcmp(v, "false") == 0)
        return "f";
    return v;
}

static bool same_value(const char *want, const char *got)
{
    int64_t a, b;
    if (!want || !got)
        return !want && !got;
    if (as_int(want, &a) && as_int(got, &b))
        return a == b;
    return strcmp(bool_text(want), bool_text(got)) == 0;
}

/* The result column a capture or check names: a name, or a number. */
static int column_of(const actx *a, const char *column)
{
    int64_t n;
    if (as_int(column, &n))
        return n >= 0 && n < ax_nfields(a) ? (int)n : -1;
    return ax_column(a, column);
}

static char *describe(const fsm_check *c)
{
    static const char *const WHAT[] = {"rows", "affected rows", "value", "column"};
    if (c->kind == FSM_CHECK_COLUMN)
        return xasprintf("column %s", c->column);
    return xstrdup(WHAT[c->kind]);
}

/* Runs c against the last result. Returns false when it failed. */
static bool run_check(state_run *r, const fsm_check *c, const char *sql)
{
    if (c->level > r->max_level)
        return true;
    bool ok;
    char *want = fsm_expr_eval(&c->want, r->d->vals, r->a->rng, &ok);
    char *what = describe(c), *expected = NULL, *got = NULL;
    bool held;
    if (!ok) {
        expected = xasprintf("%s to be computable", what);
        got = xstrdup(want);
        held = false;
    } else if (c->kind == FSM_CHECK_ROWS || c->kind == FSM_CHECK_AFFECTED) {
        int64_t n = c->kind == FSM_CHECK_ROWS ? ax_ntuples(r->a) : ax_affected(r->a);
        expected = xasprintf("%s = %s", what, want ? want : "NULL");
        got = xasprintf("%s = %" PRId64, what, n);
        int64_t w;
        held = as_int(want, &w) && w == n;
    } else {
        int col = c->kind == FSM_CHECK_VALUE ? 0 : column_of(r->a, c->column);
        const char *v = ax_ntuples(r->a) > 0 && col >= 0 ? ax_value(r->a, 0, col) : NULL;
        expected = xasprintf("%s = %s", what, want ? want : "NULL");
        if (ax_ntuples(r->a) == 0 || col < 0 || col >= ax_nfields(r->a))
            got = xasprintf("%s missing (%d rows, %d columns)", what, ax_ntuples(r->a),
                            ax_nfields(r->a));
        else
            got = xasprintf("%s = %s", what, v ? v : "NULL");
        held = ax_ntuples(r->a) > 0 && col >= 0 && col < ax_nfields(r->a) && same_value(want, v);
    }
    report_assertion(r, c, expected, got, sql, held);
    free(want);
    free(what);
    free(expected);
    free(got);
    return held;
}

/* Runs a step's assignments. Returns false (reported as a failed
 * assertion) when one cannot be computed. */
static bool run_sets(state_run *r, const fsm_step *st)
{
    for (size_t i = 0; i < st->nsets; i++) {
        bool ok;
        char *v = fsm_expr_eval(&st->sets[i].value, r->d->vals, r->a->rng, &ok);
        if (!ok) {
            char *expected = xasprintf("set %s to be computable", r->w->vars[st->sets[i].var]);
            report_assertion(r, NULL, expected, v, NULL, false);
            free(expected);
            free(v);
            return false;
        }
        set_var(r->d, st->sets[i].var, v);
    }
    return true;
}

static void run_captures(state_run *r, const fsm_step *st)
{
    for (size_t i = 0; i < st->ncaptures; i++) {
        int col = column_of(r->a, st->captures[i].column);
        const char *v = ax_ntuples(r->a) > 0 && col >= 0 ? ax_value(r->a, 0, col) : NULL;
        set_var(r->d, st->captures[i].var, xstrdup(v));
    }
}

typedef enum step_end { STEP_NEXT, STEP_FAILED, STEP_ASSERTED } step_end;

static step_end run_sql(state_run *r, const fsm_step *st)
{
    const char *params[st->sql.nparams ? st->sql.nparams : 1];
    char *err = NULL;
    char *sql = fsm_template_render(&st->sql, r->d->vals, params, &err);
    if (!sql) {
        report_assertion(r, NULL, "pasted {{variables}} to be numbers or plain names", err, st->source,
                  false);
        free(err);
        return STEP_ASSERTED;
    }
    note_statement(r, sql, st->sql.nparams, params);
    bool ok = st->sql.nparams ? ax_exec_params(r->a, sql, st->sql.nparams, params)
                              : ax_exec(r->a, sql);
    if (!ok) {
        free(sql);
        return STEP_FAILED;
    }
    run_captures(r, st);
    bool held = true;
    for (size_t i = 0; i < st->nchecks; i++)
        held &= run_check(r, &st->checks[i], sql);
    free(sql);
    if (!held)
        return STEP_ASSERTED;
    return run_sets(r, st) ? STEP_NEXT : STEP_ASSERTED;
}

static step_end run_step(state_run *r, const fsm_step *st)
{
    ax_expect_errors(r->a, st->expected);
    switch (st->kind) {
    case FSM_STEP_BEGIN:
        if (ax_in_txn(r->a))
            return STEP_NEXT;
        save(r);
        return ax_begin(r->a) ? STEP_NEXT : STEP_FAILED;
    case FSM_STEP_COMMIT:
        if (!ax_commit(r->a))
            return STEP_FAILED;
        drop_saved(r);
        return STEP_NEXT;
    case FSM_STEP_ROLLBACK:
        if (!ax_rollback(r->a))
            return STEP_FAILED;
        restore(r);
        return STEP_NEXT;
    case FSM_STEP_SET:
        return run_sets(r, st) ? STEP_NEXT : STEP_ASSERTED;
    case FSM_STEP_SQL:
        return run_sql(r, st);
    }
    return STEP_NEXT;
}

act_result fsm_run_state(actx *a, const fsm_workload *w, size_t si, fsm_data *d,
                         fsm_level max_level, const fsm_observer *obs)
{
    state_run r = {.a = a, .w = w, .s = &w->states[si], .d = d, .max_level = max_level, .obs = obs};
    ax_expect_errors(a, NULL);
    if (r.s->transaction) {
        save(&r);
        if (!ax_begin(a)) {
            drop_saved(&r);
            return ACT_FAIL;
        }
    }
    step_end end = STEP_NEXT;
    for (r.step = 0; r.step < r.s->nsteps && end == STEP_NEXT; r.step++)
        end = run_step(&r, &r.s->steps[r.step]);
    if (end != STEP_FAILED)
        ax_expect_errors(a, NULL); /* a failed step's rules judge its error when we return */
    if (end == STEP_NEXT && ax_in_txn(a)) {
        /* a transaction still open at the end of the state is committed */
        end = ax_commit(a) ? STEP_NEXT : STEP_FAILED;
    }
    if (end == STEP_ASSERTED && ax_in_txn(a) && !ax_rollback(a))
        end = STEP_FAILED;
    if (end == STEP_NEXT)
        drop_saved(&r);
    else
        restore(&r); /* the engine rolls back what is still open */
    return end == STEP_FAILED ? ACT_FAIL : ACT_OK;
}

/* Runs each template of list with d. */
static bool run_list(actx *a, const fsm_template *list, size_t n, fsm_data *d)
{
    for (size_t i = 0; i < n; i++) {
        const char *params[list[i].nparams ? list[i].nparams : 1];
        char *err = NULL;
        char *sql = fsm_template_render(&list[i], d->vals, params, &err);
        bool ok = sql && (list[i].nparams ? ax_exec_params(a, sql, list[i].nparams, params)
                                          : ax_exec(a, sql));
        free(sql);
        free(err);
        if (!ok)
            return false;
    }
    return true;
}

bool fsm_run_setup(actx *a, const fsm_workload *w, int threads)
{
    fsm_data d;
    fsm_data_init(&d, w, 0, threads);
    char *fresh = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", w->schema,
                            w->schema);
    bool ok = ax_exec(a, fresh) && run_list(a, w->setup, w->nsetup, &d);
    free(fresh);
    fsm_data_free(&d);
    return ok;
}

bool fsm_run_teardown(actx *a, const fsm_workload *w, int threads)
{
    fsm_data d;
    fsm_data_init(&d, w, 0, threads);
    bool ok = run_list(a, w->teardown, w->nteardown, &d);
    fsm_data_free(&d);
    return ok;
}
