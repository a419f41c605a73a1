/* gen_subquery.c - expressions built on subqueries over the relations in
 * scope: EXISTS, IN / ANY / ALL (SELECT ...), scalar subqueries, counts
 * and ARRAY(SELECT ...). Subqueries may refer to the outer columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "gen_internal.h"
#include "gen_value.h"

#define SUBQUERY_MAX_DEPTH 2
#define BOUNDED_ROWS 200

int gx_rel_cols(const cat_desc *d, const char *alias, gen_col *out)
{
    int n = 0;
    for (int i = 0; i < d->ncols && i < CAT_MAX_COLUMNS; i++) {
        snprintf(out[n].alias, sizeof out[n].alias, "%s", alias);
        snprintf(out[n].name, sizeof out[n].name, "%s", d->cols[i].name);
        out[n].type = d->cols[i].type;
        n++;
    }
    return n;
}

/* A subquery being built: its relation, alias and the two contexts its
 * expressions use (inner columns only, and inner plus outer). */
typedef struct subq {
    const cat_desc *rel;
    char alias[16];
    gen_col inner[CAT_MAX_COLUMNS];
    int ninner;
    gen_col *both;      /* inner then outer columns; owned */
    gx in_only;         /* expressions under an aggregate of the subquery */
    gx in_both;         /* select list and WHERE: may correlate */
} subq;

static void subq_open(subq *q, const gx *g)
{
    rng_t *r = g->st->r;
    q->rel = &g->rels[rng_pick(r, g->nrels)];
    snprintf(q->alias, sizeof q->alias, "sq%d", g->st->alias_seq++);
    q->ninner = gx_rel_cols(q->rel, q->alias, q->inner);
    q->both = xcalloc((size_t)(q->ninner + g->ncols) + 1, sizeof *q->both);
    memcpy(q->both, q->inner, (size_t)q->ninner * sizeof *q->both);
    if (g->ncols)
        memcpy(q->both + q->ninner, g->cols, (size_t)g->ncols * sizeof *q->both);

    gx in = *g;
    in.agg_cols = in.win_cols = NULL;
    in.nagg_cols = in.nwin_cols = 0;
    in.subq_budget = g->subq_budget - 1;
    in.max_depth = MIN(g->max_depth, SUBQUERY_MAX_DEPTH);
    q->in_both = in;
    q->in_both.cols = q->both;
    q->in_both.ncols = q->ninner + g->ncols;
    q->in_only = in;
    q->in_only.cols = q->inner;
    q->in_only.ncols = q->ninner;
}

static void subq_close(subq *q)
{
    free(q->both);
}

/* Appends " FROM rel alias [WHERE cond]". With bounded (aggregates over
 * a correlated subquery scan it all for every outer row), a relation that
 * may be big is read through a LIMITed derived table. */
static void subq_from_where(subq *q, double where_chance, bool bounded)
{
    sqlbuf *b = q->in_both.b;
    bool big = q->rel->kind == OBJ_VIEW || q->rel->rows > BOUNDED_ROWS;
    if (bounded && big)
        sb_printf(b, " FROM (SELECT * FROM %s LIMIT %d) %s", q->rel->qname, BOUNDED_ROWS,
                  q->alias);
    else
        sb_printf(b, " FROM %s %s", q->rel->qname, q->alias);
    if (rng_chance(q->in_both.st->r, where_chance)) {
        sb_add(b, " WHERE ");
        gx_cond(&q->in_both, 1);
    }
}

/* Returns the type for an IN/ANY subquery: an inner column's type
 * (join keys preferred), else a random one. */
static sql_type subq_key_type(subq *q, bool orderable)
{
    rng_t *r = q->in_both.st->r;
    for (int tries = 0; tries < 4 && q->ninner > 0; tries++) {
        sql_type t = q->inner[rng_pick(r, q->ninner)].type;
        const sql_type_info *ti = sql_type_get(t);
        if ((ti->join_key || tries == 3) && (!orderable || ti->orderable))
            return t;
    }
    return gx_pick_type(r, NULL, 0, orderable);
}

static void bool_subquery(const gx *g, subq *q, int depth)
{
    rng_t *r = g->st->r;
    sqlbuf *b = g->b;
    switch (rng_below(r, 4)) {
    case 0:
    case 1:
        sb_add(b, rng_chance(r, 0.3) ? "(NOT EXISTS (SELECT 1" : "(EXISTS (SELECT 1");
        subq_from_where(q, 0.9, false);
        sb_add(b, "))");
        break;
    case 2: {
        sql_type t = subq_key_type(q, false);
        sb_addc(b, '(');
        gx_expr(g, t, depth + 1);
        sb_add(b, rng_chance(r, 0.25) ? " NOT IN (SELECT " : " IN (SELECT ");
        gx_expr(&q->in_both, t, 1);
        subq_from_where(q, 0.5, false);
        sb_add(b, "))");
        break;
    }
    default: {
        static const char *const OPS[] = {"=", "<>", "<", "<=", ">", ">="};
        sql_type t = subq_key_type(q, true);
        sb_addc(b, '(');
        gx_expr(g, t, depth + 1);
        sb_printf(b, " %s %s (SELECT ", OPS[rng_pick(r, ARRAY_LEN(OPS))],
                  rng_chance(r, 0.5) ? "ANY" : "ALL");
        gx_expr(&q->in_both, t, 1);
        subq_from_where(q, 0.5, false);
        sb_add(b, "))");
        break;
    }
    }
}

static void value_subquery(const gx *g, subq *q, sql_type t)
{
    rng_t *r = g->st->r;
    sqlbuf *b = g->b;
    const char *type_sql = sql_type_get(t)->sql;
    int kind = (int)rng_below(r, 3);
    if (kind == 1 && sql_type_is_numeric(t)) {
        sb_add(b, "(SELECT count(*)");
        subq_from_where(q, 0.8, true);
        sb_printf(b, ")::%s", type_sql);
    } else if (kind == 1 && (M_MINMAX & TM(t))) {
        sb_add(b, rng_chance(r, 0.5) ? "(SELECT max(" : "(SELECT min(");
        gx_expr(&q->in_only, t, 1);
        sb_add(b, ")");
        subq_from_where(q, 0.5, true);
        sb_printf(b, ")::%s", type_sql);
    } else if (kind == 2 && (M_ARRS & TM(t))) {
        sb_add(b, "ARRAY(SELECT ");
        gx_expr(&q->in_both, t == T_TEXT_ARRAY ? T_TEXT : T_INTEGER, 1);
        subq_from_where(q, 0.5, false);
        sb_printf(b, " LIMIT %d)", (int)rng_range(r, 0, 5));
    } else {
        /* LIMIT 1: a scalar subquery must never return two rows. */
        sb_add(b, "(SELECT ");
        gx_expr(&q->in_both, t, 1);
        subq_from_where(q, 0.6, false);
        bool order = sql_type_get(t)->orderable && rng_chance(r, 0.3);
        sb_printf(b, "%s LIMIT 1)::%s", order ? " ORDER BY 1" : "", type_sql);
    }
}

void gx_subquery(const gx *g, sql_type t, int depth)
{
    if (g->nrels <= 0 || g->subq_budget <= 0) {
        gen_literal(g->b, g->st->r, t, false);
        return;
    }
    subq q;
    subq_open(&q, g);
    if (t == T_BOOLEAN)
        bool_subquery(g, &q, depth);
    else
        value_subquery(g, &q, t);
    subq_close(&q);
}
