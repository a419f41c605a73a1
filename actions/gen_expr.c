/* gen_expr.c - typed random expressions: draws forms from the table in
 * gen_forms.c and fills their placeholders, recursively, down to columns
 * and literals. */
#include "gen_expr.h"

#include <string.h>

#include "../core/util.h"
#include "gen_internal.h"
#include "gen_value.h"

#define DEFAULT_MAX_DEPTH 3
#define DEFAULT_SUBQUERY_LEVELS 2
#define COLUMN_LEAF_CHANCE 0.7   /* a leaf is a column (when one fits) */
#define SUBQUERY_CHANCE 0.06
#define CONTEXT_FORM_BOOST 4     /* aggregates / windows where they may go */

static const char *const COMPARE_OPS[] = {"=", "<>", "<", "<=", ">", ">="};
static const char *const JSON_KEYS[] = {"a", "b", "c", "id", "x", "key"};
static const char *const LIKE_PATTERNS[] = {"%a%", "a%", "%", "_", "b_r%", "%\\%%", "A%",
                                            "", "%z", "__%"};
static const char *const TIME_ZONES[] = {"UTC", "America/New_York", "Asia/Kolkata", "+05:30",
                                         "Pacific/Kiritimati"};
static const char *const TRUNC_FIELDS[] = {"microseconds", "milliseconds", "second", "minute",
                                           "hour", "day", "month", "quarter", "year",
                                           "decade", "century", "millennium"};
static const char *const DATE_FIELDS[] = {"year", "month", "day", "dow", "doy", "epoch",
                                          "quarter", "week", "decade", "century",
                                          "millennium", "julian", "isoyear", "isodow"};
static const char *const TIME_FIELDS[] = {"hour", "minute", "second", "milliseconds",
                                          "microseconds"};
static const char *const INTERVAL_FIELDS[] = {"year", "month", "day", "hour", "minute",
                                              "second", "epoch", "milliseconds",
                                              "microseconds", "quarter", "decade",
                                              "century", "millennium"};

#define PICK(r, arr) ((arr)[rng_pick((r), ARRAY_LEN(arr))])

/* Type masks of the argument classes, indexed by -cls - 1. */
static unsigned class_mask(int cls, sql_type result)
{
    switch (cls) {
    case A_SAME: return TM(result);
    case A_ANY: return M_ALL;
    case A_NUM: return M_NUMS;
    case A_STR: return M_STRS;
    case A_TEMP: return M_TEMP;
    case A_INT: return M_INTS;
    case A_ARR: return M_ARRS;
    case A_ELEM: return TM(result == T_TEXT_ARRAY ? T_TEXT : T_INTEGER);
    case A_ORD: {
        unsigned m = 0;
        for (int t = 0; t < T_TYPE_COUNT; t++)
            if (sql_type_get(t)->orderable)
                m |= TM(t);
        return m;
    }
    default: return M_ALL;
    }
}

/* Returns a type of mask, preferring the types of cols. */
static sql_type draw_type(rng_t *r, unsigned mask, const gen_col *cols, int ncols)
{
    sql_type cand[T_TYPE_COUNT];
    int n = 0;
    if (ncols > 0 && rng_chance(r, 0.7)) {
        const gen_col *c = &cols[rng_pick(r, ncols)];
        if (mask & TM(c->type))
            return c->type;
        for (int i = 0; i < ncols; i++)
            if ((mask & TM(cols[i].type)) && n < T_TYPE_COUNT)
                cand[n++] = cols[i].type;
        if (n > 0)
            return cand[rng_pick(r, n)];
    }
    for (int t = 0; t < T_TYPE_COUNT; t++)
        if (mask & TM(t))
            cand[n++] = (sql_type)t;
    return n ? cand[rng_pick(r, n)] : T_INTEGER;
}

sql_type gx_pick_type(rng_t *r, const gen_col *cols, int ncols, bool orderable_only)
{
    return draw_type(r, orderable_only ? class_mask(A_ORD, T_INTEGER) : M_ALL, cols, ncols);
}

bool gx_column(sqlbuf *b, rng_t *r, const gen_col *cols, int ncols, sql_type t)
{
    int n = 0;
    for (int i = 0; i < ncols; i++)
        n += cols[i].type == t;
    if (n == 0)
        return false;
    int k = (int)rng_below(r, (uint64_t)n);
    for (int i = 0; i < ncols; i++) {
        if (cols[i].type != t || k-- > 0)
            continue;
        if (cols[i].alias[0]) {
            sb_add(b, cols[i].alias);
            sb_addc(b, '.');
        }
        sb_ident(b, cols[i].name);
        return true;
    }
    return false;
}

/* Appends a random orderable column of cols and returns its type, or
 * returns T_TYPE_COUNT when there is none. */
static sql_type any_orderable_column(sqlbuf *b, rng_t *r, const gen_col *cols, int ncols)
{
    for (int tries = 0; tries < 4 && ncols > 0; tries++) {
        const gen_col *c = &cols[rng_pick(r, ncols)];
        if (!sql_type_get(c->type)->orderable)
            continue;
        if (c->alias[0]) {
            sb_add(b, c->alias);
            sb_addc(b, '.');
        }
        sb_ident(b, c->name);
        return c->type;
    }
    return T_TYPE_COUNT;
}

/* A boolean leaf without a boolean column at hand: a column compared with
 * a literal, so that conditions select on data rather than on constants. */
static bool column_test(const gx *g)
{
    rng_t *r = g->st->r;
    sqlbuf *b = g->b;
    size_t mark = b->len;
    sb_addc(b, '(');
    sql_type t = any_orderable_column(b, r, g->cols, g->ncols);
    if (t == T_TYPE_COUNT) {
        b->len = mark;
        b->s[mark] = '\0';
        return false;
    }
    if (rng_chance(r, 0.15)) {
        sb_add(b, rng_chance(r, 0.5) ? " IS NULL)" : " IS NOT NULL)");
        return true;
    }
    sb_printf(b, " %s ", PICK(r, COMPARE_OPS));
    gen_literal(b, r, t, false);
    sb_addc(b, ')');
    return true;
}

static void leaf(const gx *g, sql_type t)
{
    rng_t *r = g->st->r;
    if (rng_chance(r, COLUMN_LEAF_CHANCE) && gx_column(g->b, r, g->cols, g->ncols, t))
        return;
    if (t == T_BOOLEAN && rng_chance(r, 0.8) && column_test(g))
        return;
    gen_literal(g->b, r, t, rng_chance(r, 0.3));
}

static bool form_usable(const gx *g, const expr_form *f, sql_type t)
{
    if (!(f->types & TM(t)))
        return false;
    if ((f->flags & F_AGG) && !g->agg_cols)
        return false;
    if ((f->flags & F_WIN) && !g->win_cols)
        return false;
    if ((f->flags & F_ORD) && !sql_type_get(t)->orderable)
        return false;
    return true;
}

static const expr_form *pick_form(const gx *g, sql_type t)
{
    size_t n;
    const expr_form *forms = gen_forms(&n);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        if (form_usable(g, &forms[i], t))
            total += forms[i].weight * ((forms[i].flags & (F_AGG | F_WIN)) ? CONTEXT_FORM_BOOST : 1);
    if (total == 0)
        return NULL;
    uint64_t x = rng_below(g->st->r, total);
    for (size_t i = 0; i < n; i++) {
        if (!form_usable(g, &forms[i], t))
            continue;
        uint64_t w = forms[i].weight * ((forms[i].flags & (F_AGG | F_WIN)) ? CONTEXT_FORM_BOOST : 1);
        if (x < w)
            return &forms[i];
        x -= w;
    }
    return NULL;
}

/* The context a form's arguments are generated in. */
static gx arg_context(const gx *g, const expr_form *f)
{
    gx a = *g;
    if (f->flags & F_AGG) {
        a.cols = g->agg_cols;
        a.ncols = g->nagg_cols;
    } else if (f->flags & F_WIN) {
        a.cols = g->win_cols;
        a.ncols = g->nwin_cols;
    }
    if (f->flags & (F_AGG | F_WIN)) {
        a.agg_cols = a.win_cols = NULL;
        a.nagg_cols = a.nwin_cols = 0;
        a.subq_budget = 0;
    }
    return a;
}

static const char *extract_field(rng_t *r, sql_type t)
{
    if (t == T_INTERVAL)
        return PICK(r, INTERVAL_FIELDS);
    if (t != T_DATE && rng_chance(r, 0.4))
        return PICK(r, TIME_FIELDS);
    return PICK(r, DATE_FIELDS);
}

/* Appends the form's template with its placeholders filled. */
static void emit_form(const gx *g, const expr_form *f, sql_type t, int depth)
{
    rng_t *r = g->st->r;
    sqlbuf *b = g->b;
    gx ac = arg_context(g, f);
    sql_type drawn[A_CLASS_COUNT];
    bool have_drawn[A_CLASS_COUNT] = {false};
    sql_type arg_type[4];
    for (int i = 0; i < 4; i++) {
        int a = f->args[i];
        if (a >= 0) {
            arg_type[i] = (sql_type)a;
            continue;
        }
        int k = -a - 1;
        if (!have_drawn[k]) {
            drawn[k] = draw_type(r, class_mask(a, t), ac.cols, ac.ncols);
            have_drawn[k] = true;
        }
        arg_type[i] = drawn[k];
    }
    sqlbuf args[4] = {SQLBUF_INIT, SQLBUF_INIT, SQLBUF_INIT, SQLBUF_INIT};
    bool made[4] = {false};

    sb_addc(b, '(');
    for (const char *p = f->tmpl; *p; p++) {
        if (*p != '%' || !p[1]) {
            sb_addc(b, *p);
            continue;
        }
        char c = *++p;
        switch (c) {
        case '1': case '2': case '3': case '4': {
            int i = c - '1';
            if (!made[i]) {
                gx sub = ac;
                sub.b = &args[i];
                gx_expr(&sub, arg_type[i], depth + 1);
                made[i] = true;
            }
            sb_add(b, sb_str(&args[i]));
            break;
        }
        case 'c': {
            gx sub = ac;
            gx_cond(&sub, depth + 1);
            break;
        }
        case 't': sb_add(b, sql_type_get(t)->sql); break;
        case 'k': sb_literal(b, PICK(r, JSON_KEYS)); sb_add(b, "::text"); break;
        case 'p': sb_literal(b, PICK(r, LIKE_PATTERNS)); break;
        case 'o': sb_add(b, PICK(r, COMPARE_OPS)); break;
        case 'z': sb_literal(b, PICK(r, TIME_ZONES)); break;
        case 'f': sb_literal(b, PICK(r, TRUNC_FIELDS)); break;
        case 'x': sb_add(b, extract_field(r, arg_type[0])); break;
        case 'i': sb_printf(b, "%d", (int)rng_below(r, 6)); break;
        case 'n': sb_printf(b, "%d", (int)rng_range(r, 1, 5)); break;
        case 'w': gx_window_spec(g); break;
        default: sb_addc(b, c); break;
        }
    }
    sb_addc(b, ')');
    if ((f->flags & F_NUMSRC) && sql_type_get(t)->family == TF_INTEGER)
        sb_add(b, "::double precision");
    if (!(f->flags & F_EXACT))
        sb_printf(b, "::%s", sql_type_get(t)->sql);
    for (int i = 0; i < 4; i++)
        sb_free(&args[i]);
}

void gx_expr(const gx *g, sql_type t, int depth)
{
    rng_t *r = g->st->r;
    if ((unsigned)t >= T_TYPE_COUNT)
        t = T_TEXT;
    if (depth >= g->max_depth) {
        leaf(g, t);
        return;
    }
    /* A condition at the top is never a bare leaf. */
    bool top_condition = t == T_BOOLEAN && depth == 0;
    if (!top_condition && rng_chance(r, 0.3 + 0.15 * depth)) {
        leaf(g, t);
        return;
    }
    if (g->subq_budget > 0 && g->nrels > 0 && rng_chance(r, SUBQUERY_CHANCE)) {
        gx_subquery(g, t, depth);
        return;
    }
    const expr_form *f = pick_form(g, t);
    if (f)
        emit_form(g, f, t, depth);
    else
        leaf(g, t);
}

void gx_cond(const gx *g, int depth)
{
    gx_expr(g, T_BOOLEAN, depth);
}

void gx_window_spec(const gx *g)
{
    rng_t *r = g->st->r;
    sqlbuf *b = g->b;
    sb_addc(b, '(');
    int nparts = 0, norder = 0;
    for (int i = g->nwin_cols ? (int)rng_below(r, 3) : 0; i > 0; i--) {
        size_t mark = b->len;
        sb_add(b, nparts ? ", " : "PARTITION BY ");
        if (any_orderable_column(b, r, g->win_cols, g->nwin_cols) == T_TYPE_COUNT) {
            b->len = mark;
            b->s[mark] = '\0';
            break;
        }
        nparts++;
    }
    for (int i = g->nwin_cols ? (int)rng_below(r, 3) : 0; i > 0; i--) {
        size_t mark = b->len;
        sb_add(b, norder ? ", " : (nparts ? " ORDER BY " : "ORDER BY "));
        if (any_orderable_column(b, r, g->win_cols, g->nwin_cols) == T_TYPE_COUNT) {
            b->len = mark;
            b->s[mark] = '\0';
            break;
        }
        norder++;
        if (rng_chance(r, 0.3))
            sb_add(b, rng_chance(r, 0.5) ? " DESC NULLS LAST" : " ASC NULLS FIRST");
    }
    if (rng_chance(r, 0.3)) {
        static const char *const FRAMES[] = {
            "ROWS BETWEEN 1 PRECEDING AND CURRENT ROW",
            "ROWS UNBOUNDED PRECEDING",
            "ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING",
            "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW",
            "RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW",
            "GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING", /* needs ORDER BY: last */
        };
        size_t nframes = ARRAY_LEN(FRAMES) - (norder ? 0 : 1);
        if (nparts || norder)
            sb_addc(b, ' ');
        sb_add(b, FRAMES[rng_pick(r, nframes)]);
    }
    sb_addc(b, ')');
}

/* Fills a gx for the public entry points. */
static gx public_context(sqlbuf *b, gen_stmt *st, const gen_scope *s)
{
    gx g = {0};
    g.st = st;
    g.b = b;
    if (s->allow_aggregates) {
        g.agg_cols = s->cols;
        g.nagg_cols = s->ncols;
    } else {
        g.cols = s->cols;
        g.ncols = s->ncols;
    }
    g.rels = s->rels;
    g.nrels = s->rels ? s->nrels : 0;
    g.subq_budget = s->allow_subqueries ? DEFAULT_SUBQUERY_LEVELS : 0;
    g.max_depth = s->max_depth > 0 ? s->max_depth : DEFAULT_MAX_DEPTH;
    return g;
}

void gen_expr(sqlbuf *b, rng_t *r, const gen_scope *s, sql_type t)
{
    gen_stmt st = {r, 0};
    gx g = public_context(b, &st, s);
    gx_expr(&g, t, 0);
}

void gen_condition(sqlbuf *b, rng_t *r, const gen_scope *s)
{
    gen_stmt st = {r, 0};
    gx g = public_context(b, &st, s);
    gx_cond(&g, 0);
}
