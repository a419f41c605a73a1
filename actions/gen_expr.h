/* gen_expr.h - typed random expression trees over the columns in scope. */
#ifndef MELEE_GEN_EXPR_H
#define MELEE_GEN_EXPR_H

#include <stdbool.h>

#include "../core/engine/catalog.h"
#include "../core/rng.h"
#include "../core/sqlbuf.h"
#include "../core/sqltype.h"

/* A column reference available to expressions: alias.column of a type. */
typedef struct gen_col {
    char alias[16];            /* table alias in the FROM clause, e.g. "r0" */
    char name[CAT_NAME_LEN];   /* column name (unquoted) */
    sql_type type;
} gen_col;

typedef struct gen_scope {
    const gen_col *cols;
    int ncols;
    int max_depth;             /* nesting limit for expressions */
    bool allow_subqueries;     /* EXISTS / IN (SELECT ...) / scalar subqueries */
    bool allow_aggregates;     /* inside a grouped query's select list / HAVING */
    const cat_desc *rels;      /* relations a subquery may read (may be NULL) */
    int nrels;
} gen_scope;

/* Appends an expression whose type is exactly t (casts are explicit where
 * PostgreSQL would not infer t). Returns nothing; never fails. */
void gen_expr(sqlbuf *b, rng_t *r, const gen_scope *s, sql_type t);

/* Appends a boolean condition (comparison, AND/OR/NOT, IS [NOT] NULL,
 * BETWEEN, IN list, LIKE, EXISTS/IN subquery when allowed). */
void gen_condition(sqlbuf *b, rng_t *r, const gen_scope *s);

#endif
