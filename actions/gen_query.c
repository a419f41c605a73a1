/* gen_query.c - random SELECT statements: CTEs, joins, WHERE with
 * subqueries, grouping with aggregates and HAVING, window functions,
 * DISTINCT [ON], set operations, ORDER BY / LIMIT / OFFSET and row locks
 * where the shape allows them. Output columns are cast and named c0, c1... */
#include "gen_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "gen_internal.h"
#include "gen_value.h"

#define MAX_FROM 3
#define MAX_CTES 2
#define DEFAULT_MAX_OUTPUT 8
#define UNKNOWN_ROWS 1000        /* row estimate for views and CTEs */
#define EQUI_JOIN_BUDGET 1e7     /* row-product limits before a join side is */
#define OTHER_JOIN_BUDGET 1e4    /* cut down to a LIMITed derived table */
#define DERIVED_LIMIT 20
#define BIG_RESULT_ROWS 10000    /* above this, results get a LIMIT */

/* What one query level may draw from. */
typedef struct qgen {
    gen_stmt *st;
    const cat_desc *from;        /* FROM candidates: the relations and the CTEs */
    int nfrom;
    const cat_desc *subq_rels;   /* relations subqueries may read */
    int nsubq_rels;
    const gen_query_opts *o;
    int subq_levels;
} qgen;

typedef enum shape { SHAPE_PLAIN, SHAPE_GROUPED, SHAPE_WINDOW } shape;

/* The FROM clause of one SELECT as generated: its scope and which aliases
 * FOR UPDATE may name. */
typedef struct from_clause {
    int nitems;
    gen_col *cols;               /* every item's columns; owned */
    int ncols;
    char lockable[MAX_FROM][16]; /* plain tables on the non-nullable side */
    bool lock_ok[MAX_FROM];
    double est_rows;             /* row estimate of the joined items */
} from_clause;

static const char *const JOIN_KINDS[] = {"JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN",
                                         "CROSS JOIN"};
enum { J_INNER, J_LEFT, J_RIGHT, J_FULL, J_CROSS };
static const unsigned JOIN_WEIGHTS[] = {45, 25, 10, 10, 10};

static const char *const LOCK_STRENGTHS[] = {"FOR UPDATE", "FOR NO KEY UPDATE", "FOR SHARE",
                                             "FOR KEY SHARE"};
static const char *const LOCK_WAITS[] = {"", "", " NOWAIT", " SKIP LOCKED"};

gen_query_opts gen_query_all(void)
{
    gen_query_opts o = {true, true, true, true, true, true, true, 0};
    return o;
}

static double row_estimate(const cat_desc *d)
{
    if (d->kind == OBJ_TABLE || d->kind == OBJ_MATVIEW)
        return d->rows > 0 ? (double)d->rows : 1.0;
    return UNKNOWN_ROWS;
}

/* Returns true when no type in types[0..n) lacks a btree opclass. */
static bool all_orderable(const sql_type *types, int n)
{
    for (int i = 0; i < n; i++)
        if (!sql_type_get(types[i])->orderable)
            return false;
    return true;
}

/* Finds a same-typed join_key pair between the earlier columns and the new
 * item's; returns false when there is none. */
static bool find_equi_pair(rng_t *r, const gen_col *prev, int nprev, const gen_col *cur,
                           int ncur, int *pi, int *ci)
{
    int found = 0;
    for (int i = 0; i < nprev; i++)
        for (int j = 0; j < ncur; j++) {
            if (prev[i].type != cur[j].type || !sql_type_get(cur[j].type)->join_key)
                continue;
            /* reservoir sampling: each pair equally likely */
            if (rng_below(r, (uint64_t)++found) == 0) {
                *pi = i;
                *ci = j;
            }
        }
    return found > 0;
}

static void add_colref(sqlbuf *b, const gen_col *c)
{
    sb_add(b, c->alias);
    sb_addc(b, '.');
    sb_ident(b, c->name);
}

/* Appends one FROM item: the relation, a LIMITed derived table of it, or
 * the relation with TABLESAMPLE. Returns true when it is a plain table. */
static bool add_from_item(sqlbuf *b, rng_t *r, const cat_desc *d, const char *alias,
                          bool derived)
{
    if (derived) {
        sb_printf(b, "(SELECT * FROM %s LIMIT %d) AS %s", d->qname,
                  (int)rng_range(r, 1, DERIVED_LIMIT), alias);
        return false;
    }
    sb_printf(b, "%s AS %s", d->qname, alias);
    bool sampleable = d->kind == OBJ_TABLE || d->kind == OBJ_MATVIEW;
    if (sampleable && rng_chance(r, 0.05)) {
        /* REPEATABLE: the same seed samples the same rows, run after run. */
        sb_printf(b, " TABLESAMPLE %s (%d) REPEATABLE (%d)",
                  rng_chance(r, 0.5) ? "SYSTEM" : "BERNOULLI", (int)rng_range(r, 1, 100),
                  (int)rng_below(r, 1000));
    }
    return d->kind == OBJ_TABLE;
}

/* Appends " FROM ..." with up to MAX_FROM joined items and fills fc. */
static void gen_from(const qgen *q, sqlbuf *b, from_clause *fc)
{
    rng_t *r = q->st->r;
    int n = 1;
    if (q->o->allow_joins)
        n = (int)rng_weighted(r, (const unsigned[]){50, 35, 15}, 3) + 1;
    fc->cols = xcalloc((size_t)n * CAT_MAX_COLUMNS, sizeof *fc->cols);
    fc->ncols = 0;
    fc->nitems = n;
    double product = 1;
    sb_add(b, " FROM ");
    for (int k = 0; k < n; k++) {
        const cat_desc *d = &q->from[rng_pick(r, q->nfrom)];
        char alias[16];
        snprintf(alias, sizeof alias, "r%d", k);
        gen_col *cur = fc->cols + fc->ncols;
        int ncur = gx_rel_cols(d, alias, cur);
        snprintf(fc->lockable[k], sizeof fc->lockable[k], "%s", alias);
        fc->lock_ok[k] = false;
        if (k == 0) {
            fc->lock_ok[k] = add_from_item(b, r, d, alias, false);
            product = row_estimate(d);
            fc->est_rows = product;
            fc->ncols += ncur;
            continue;
        }
        int pi = 0, ci = 0;
        bool pair = find_equi_pair(r, fc->cols, fc->ncols, cur, ncur, &pi, &ci);
        int kind = (int)rng_weighted(r, JOIN_WEIGHTS, ARRAY_LEN(JOIN_WEIGHTS));
        if (kind == J_FULL && !pair)
            kind = J_LEFT; /* FULL JOIN needs a merge- or hash-joinable condition */
        bool equi = pair && kind != J_CROSS;
        double budget = equi ? EQUI_JOIN_BUDGET : OTHER_JOIN_BUDGET;
        bool derived = product * row_estimate(d) > budget || rng_chance(r, 0.1);
        product *= derived ? DERIVED_LIMIT : row_estimate(d);
        sb_printf(b, " %s ", JOIN_KINDS[kind]);
        fc->est_rows = product;
        bool table = add_from_item(b, r, d, alias, derived);
        fc->lock_ok[k] = table && (kind == J_INNER || kind == J_CROSS || kind == J_RIGHT);
        if (kind == J_RIGHT || kind == J_FULL)
            for (int i = 0; i < k; i++)
                fc->lock_ok[i] = false;
        if (kind == J_CROSS) {
            fc->ncols += ncur;
            continue;
        }
        sb_add(b, " ON ");
        if (equi) {
            add_colref(b, &fc->cols[pi]);
            sb_add(b, " = ");
            add_colref(b, &cur[ci]);
        }
        fc->ncols += ncur;
        if (!equi || (kind != J_FULL && rng_chance(r, 0.3))) {
            gx g = {0};
            g.st = q->st;
            g.b = b;
            g.cols = fc->cols;
            g.ncols = fc->ncols;
            g.max_depth = 2;
            if (equi)
                sb_add(b, " AND ");
            gx_cond(&g, 0);
        }
    }
}

/* Returns the output types: the wanted ones, or drawn (often the type of
 * a column in scope, so that outputs read data). */
static int pick_output_types(const qgen *q, const from_clause *fc, const sql_type *want,
                             int nwant, sql_type *types)
{
    rng_t *r = q->st->r;
    if (want) {
        memcpy(types, want, (size_t)nwant * sizeof *types);
        return nwant;
    }
    int max = q->o->max_output_cols > 0 ? q->o->max_output_cols : DEFAULT_MAX_OUTPUT;
    max = MIN(max, CAT_MAX_COLUMNS);
    int n = (int)rng_range(r, 1, max);
    for (int i = 0; i < n; i++)
        types[i] = gx_pick_type(r, fc->cols, fc->ncols, false);
    return n;
}

/* Appends the GROUP BY clause over keys and returns how many keys there
 * are (0: aggregate over everything, no clause). */
static int gen_group_keys(rng_t *r, const from_clause *fc, gen_col *keys)
{
    int n = fc->ncols ? (int)rng_below(r, 4) : 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        const gen_col *c = &fc->cols[rng_pick(r, fc->ncols)];
        if (sql_type_get(c->type)->orderable)
            keys[k++] = *c;
    }
    return k;
}

static void add_group_by(sqlbuf *b, rng_t *r, const gen_col *keys, int nkeys)
{
    if (nkeys == 0)
        return;
    static const char *const STYLES[] = {"", "", "", "ROLLUP (", "CUBE (", "GROUPING SETS ("};
    const char *style = STYLES[rng_pick(r, ARRAY_LEN(STYLES))];
    sb_printf(b, " GROUP BY %s", style);
    for (int i = 0; i < nkeys; i++) {
        if (i)
            sb_add(b, ", ");
        add_colref(b, &keys[i]);
    }
    if (strncmp(style, "GROUPING", 8) == 0)
        sb_add(b, ", ()");
    if (*style)
        sb_addc(b, ')');
}

/* Appends ORDER BY over output columns (the DISTINCT ON ones first), then
 * LIMIT / OFFSET. */
static void add_order_limit(sqlbuf *b, rng_t *r, const sql_type *types, int n, int distinct_on,
                            bool force_limit)
{
    int norder = 0;
    if (distinct_on > 0 || rng_chance(r, 0.5)) {
        int extra = (int)rng_below(r, 3);
        for (int i = 0; i < distinct_on + extra; i++) {
            int c = i < distinct_on ? i : (int)rng_pick(r, n);
            if (!sql_type_get(types[c])->orderable)
                continue;
            sb_add(b, norder++ ? ", " : " ORDER BY ");
            sb_printf(b, "c%d", c);
            if (rng_chance(r, 0.3))
                sb_add(b, rng_chance(r, 0.5) ? " DESC" : " ASC NULLS FIRST");
        }
    }
    if (force_limit || rng_chance(r, 0.5))
        sb_printf(b, " LIMIT %d", (int)rng_range(r, 0, 100));
    if (rng_chance(r, 0.15))
        sb_printf(b, " OFFSET %d", (int)rng_range(r, 0, 10));
}

/* Appends one SELECT (no WITH, no set operation). want/nwant (may be NULL)
 * force the output types; the chosen ones go to types. With lock_ok, a
 * FOR UPDATE/SHARE clause may end it. Returns the number of outputs. */
static int select_core(const qgen *q, sqlbuf *b, const sql_type *want, int nwant,
                       sql_type *types, bool lock_ok)
{
    rng_t *r = q->st->r;
    const gen_query_opts *o = q->o;
    sqlbuf from = SQLBUF_INIT;
    from_clause fc = {0};
    gen_from(q, &from, &fc);
    int n = pick_output_types(q, &fc, want, nwant, types);

    shape sh = SHAPE_PLAIN;
    double x = rng_double(r);
    if (o->allow_group_by && x < 0.25)
        sh = SHAPE_GROUPED;
    else if (o->allow_window && x < 0.4)
        sh = SHAPE_WINDOW;

    gx base = {0};
    base.st = q->st;
    base.b = b;
    base.cols = fc.cols;
    base.ncols = fc.ncols;
    base.rels = q->subq_rels;
    base.nrels = q->nsubq_rels;
    base.subq_budget = q->subq_levels;
    base.max_depth = 3;

    gen_col keys[4];
    int nkeys = 0;
    gx sel = base;
    if (sh == SHAPE_GROUPED) {
        nkeys = gen_group_keys(r, &fc, keys);
        sel.cols = keys;
        sel.ncols = nkeys;
        sel.agg_cols = fc.cols;
        sel.nagg_cols = fc.ncols;
    } else if (sh == SHAPE_WINDOW) {
        sel.win_cols = fc.cols;
        sel.nwin_cols = fc.ncols;
    }

    sb_add(b, "SELECT ");
    int distinct_on = 0;
    bool distinct = false;
    if (sh != SHAPE_GROUPED && all_orderable(types, n)) {
        double d = rng_double(r);
        if (d < 0.08) {
            distinct = true;
            sb_add(b, "DISTINCT ");
        } else if (d < 0.13 && o->allow_order_limit) {
            distinct = true;
            distinct_on = (int)rng_range(r, 1, MIN(n, 2));
            sb_add(b, "DISTINCT ON (");
            for (int i = 0; i < distinct_on; i++)
                sb_printf(b, "%sc%d", i ? ", " : "", i);
            sb_add(b, ") ");
        }
    }
    for (int i = 0; i < n; i++) {
        if (i)
            sb_add(b, ", ");
        sb_addc(b, '(');
        if (!(rng_chance(r, 0.4) && gx_column(b, r, sel.cols, sel.ncols, types[i])))
            gx_expr(&sel, types[i], 0);
        sb_printf(b, ")::%s AS c%d", sql_type_get(types[i])->sql, i);
    }
    sb_add(b, sb_str(&from));
    sb_free(&from);

    if (rng_chance(r, 0.6)) {
        sb_add(b, " WHERE ");
        gx_cond(&base, 0);
    }
    if (sh == SHAPE_GROUPED) {
        add_group_by(b, r, keys, nkeys);
        if (rng_chance(r, 0.4)) {
            sb_add(b, " HAVING ");
            gx hv = sel;
            gx_cond(&hv, 0);
        }
    }
    if (o->allow_order_limit || distinct_on)
        add_order_limit(b, r, types, n, distinct_on,
                        fc.nitems > 1 || fc.est_rows > BIG_RESULT_ROWS);

    bool can_lock = lock_ok && o->allow_for_update && sh == SHAPE_PLAIN && !distinct;
    if (can_lock && rng_chance(r, 0.3)) {
        int cand[MAX_FROM], nc = 0;
        for (int k = 0; k < fc.nitems; k++)
            if (fc.lock_ok[k])
                cand[nc++] = k;
        if (nc > 0) {
            sb_printf(b, " %s OF %s%s", LOCK_STRENGTHS[rng_pick(r, ARRAY_LEN(LOCK_STRENGTHS))],
                      fc.lockable[cand[rng_pick(r, nc)]],
                      LOCK_WAITS[rng_pick(r, ARRAY_LEN(LOCK_WAITS))]);
        }
    }
    free(fc.cols);
    return n;
}

/* Fills a CTE's stand-in relation: name and columns c0.. of types. */
static void cte_desc(cat_desc *d, const char *name, const sql_type *types, int n)
{
    memset(d, 0, sizeof *d);
    d->kind = OBJ_VIEW;
    snprintf(d->name, sizeof d->name, "%s", name);
    snprintf(d->qname, sizeof d->qname, "%s", name);
    d->ncols = n;
    for (int i = 0; i < n; i++) {
        snprintf(d->cols[i].name, sizeof d->cols[i].name, "c%d", i);
        d->cols[i].type = types[i];
    }
}

/* Appends "WITH ..." and adds each CTE to srcs; returns how many. */
static int gen_with(const qgen *base, sqlbuf *b, cat_desc *srcs)
{
    rng_t *r = base->st->r;
    int n = (int)rng_range(r, 1, MAX_CTES);
    bool recursive = rng_chance(r, 0.3);
    sb_add(b, recursive ? "WITH RECURSIVE " : "WITH ");
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "w%d", i);
        cat_desc *d = &srcs[base->nfrom + i];
        if (i)
            sb_add(b, ", ");
        if (recursive && i == 0) {
            sb_printf(b, "%s(c0) AS (SELECT 1 UNION ALL SELECT c0 + 1 FROM %s WHERE c0 < %d)",
                      name, name, (int)rng_range(r, 1, 20));
            cte_desc(d, name, (const sql_type[]){T_INTEGER}, 1);
            continue;
        }
        static const char *const MAT[] = {"", "", "MATERIALIZED ", "NOT MATERIALIZED "};
        sb_printf(b, "%s AS %s(", name, MAT[rng_pick(r, ARRAY_LEN(MAT))]);
        gen_query_opts o = *base->o;
        o.allow_for_update = false;
        qgen q = *base;
        q.o = &o;
        q.subq_levels = 1;
        sql_type types[CAT_MAX_COLUMNS];
        int nt = select_core(&q, b, NULL, 0, types, false);
        sb_addc(b, ')');
        cte_desc(d, name, types, nt);
    }
    sb_addc(b, ' ');
    return n;
}

static const char *const SETOPS[] = {"UNION ALL", "UNION", "INTERSECT", "EXCEPT",
                                     "INTERSECT ALL", "EXCEPT ALL"};

void gen_select(sqlbuf *b, rng_t *r, const cat_desc *rels, int nrels, const gen_query_opts *o,
                gen_output *out)
{
    gen_stmt st = {r, 0};
    cat_desc *srcs = xcalloc((size_t)nrels + MAX_CTES, sizeof *srcs);
    memcpy(srcs, rels, (size_t)nrels * sizeof *srcs);
    qgen q = {&st, srcs, nrels, srcs, nrels, o, 2};

    if (o->allow_cte && rng_chance(r, 0.15)) {
        int ncte = gen_with(&q, b, srcs);
        q.nfrom += ncte;
        q.nsubq_rels += ncte;
    }

    sql_type types[CAT_MAX_COLUMNS];
    int n;
    if (o->allow_setops && rng_chance(r, 0.12)) {
        gen_query_opts arm = *o;
        arm.allow_for_update = false;
        qgen qa = q;
        qa.o = &arm;
        sb_addc(b, '(');
        n = select_core(&qa, b, NULL, 0, types, false);
        const char *op = SETOPS[rng_pick(r, ARRAY_LEN(SETOPS))];
        if (!all_orderable(types, n))
            op = "UNION ALL";
        sb_printf(b, ") %s (", op);
        sql_type again[CAT_MAX_COLUMNS];
        select_core(&qa, b, types, n, again, false);
        sb_addc(b, ')');
        if (o->allow_order_limit)
            add_order_limit(b, r, types, n, 0, false);
    } else {
        n = select_core(&q, b, NULL, 0, types, true);
    }

    if (out) {
        memset(out, 0, sizeof *out);
        out->ncols = n;
        for (int i = 0; i < n; i++) {
            snprintf(out->cols[i].name, sizeof out->cols[i].name, "c%d", i);
            out->cols[i].type = types[i];
        }
    }
    free(srcs);
}
