/* gen_internal.h - what the expression and query generators share inside
 * actions/: the generation context and the expression form tables. Not a
 * public contract; other families use gen_expr.h / gen_query.h. */
#ifndef MELEE_GEN_INTERNAL_H
#define MELEE_GEN_INTERNAL_H

#include <stdbool.h>

#include "gen_expr.h"

/* Per-statement state shared by every nested expression and query. */
typedef struct gen_stmt {
    rng_t *r;
    int alias_seq;      /* next subquery alias number: sq0, sq1, ... */
} gen_stmt;

/* Where an expression is generated: what it may reference and use.
 * A plain value; nested contexts are copies with fields changed. */
typedef struct gx {
    gen_stmt *st;
    sqlbuf *b;
    const gen_col *cols;        /* plain column references (grouped: the keys) */
    int ncols;
    const gen_col *agg_cols;    /* columns aggregate arguments may use; */
    int nagg_cols;              /* NULL: aggregates not allowed */
    const gen_col *win_cols;    /* columns window functions may use; */
    int nwin_cols;              /* NULL: window functions not allowed */
    const cat_desc *rels;       /* relations subqueries may read */
    int nrels;
    int subq_budget;            /* nesting levels of subqueries still allowed */
    int max_depth;
} gx;

/* Appends an expression of exactly type t at nesting depth. */
void gx_expr(const gx *g, sql_type t, int depth);

/* Appends a boolean condition at nesting depth. */
void gx_cond(const gx *g, int depth);

/* Appends a reference to a random column of type t from cols
 * (alias."name") and returns true, or returns false when none has t. */
bool gx_column(sqlbuf *b, rng_t *r, const gen_col *cols, int ncols, sql_type t);

/* Returns a type drawn for an expression: most often the type of a column
 * in cols (so that expressions touch data), else any type; with
 * orderable_only, only types that have a btree opclass. */
sql_type gx_pick_type(rng_t *r, const gen_col *cols, int ncols, bool orderable_only);

/* Fills out[] (room for CAT_MAX_COLUMNS) with d's columns under alias and
 * returns how many. */
int gx_rel_cols(const cat_desc *d, const char *alias, gen_col *out);

/* Appends a window specification "(PARTITION BY ... ORDER BY ... [frame])"
 * over g's window columns. */
void gx_window_spec(const gx *g);

/* Appends a subquery-based expression of type t (t == T_BOOLEAN: EXISTS,
 * IN (SELECT ...), ANY/ALL). Requires g->subq_budget > 0 and rels. */
void gx_subquery(const gx *g, sql_type t, int depth);

/* Bit for a type in a type mask, and the masks the form table uses. */
#define TM(t) (1u << (t))
#define M_INTS (TM(T_SMALLINT) | TM(T_INTEGER) | TM(T_BIGINT))
#define M_DECS (TM(T_NUMERIC) | TM(T_REAL) | TM(T_DOUBLE))
#define M_NUMS (M_INTS | M_DECS)
#define M_STRS (TM(T_TEXT) | TM(T_VARCHAR))
#define M_TS (TM(T_TIMESTAMP) | TM(T_TIMESTAMPTZ))
#define M_TEMP (TM(T_DATE) | M_TS)
#define M_ARRS (TM(T_INT_ARRAY) | TM(T_TEXT_ARRAY))
#define M_BOOL TM(T_BOOLEAN)
#define M_ALL ((1u << T_TYPE_COUNT) - 1)
#define M_MINMAX (M_NUMS | M_STRS | M_TEMP | TM(T_INTERVAL) | M_ARRS) /* have min()/max() */

/* Argument kinds of a form: a concrete sql_type (>= 0) or a class. All
 * arguments of one class in a form share one type drawn per use. */
enum {
    A_SAME = -1,   /* the form's result type */
    A_ANY = -2,    /* any type */
    A_ORD = -3,    /* an orderable type */
    A_NUM = -4,    /* integer or decimal family */
    A_STR = -5,    /* text or varchar */
    A_TEMP = -6,   /* date, timestamp, timestamptz */
    A_INT = -7,    /* integer family */
    A_ARR = -8,    /* integer[] or text[] */
    A_ELEM = -9,   /* element type of the (array) result type */
    A_CLASS_COUNT = 9
};

enum {
    F_EXACT = 1u << 0,  /* the template yields the result type itself: no outer cast */
    F_AGG = 1u << 1,    /* an aggregate: arguments use the aggregate columns */
    F_WIN = 1u << 2,    /* a window function: arguments use the window columns */
    F_NUMSRC = 1u << 3, /* may yield a numeric: integer results are cast through double
                         * precision (numeric Infinity to integer is 0A000, not 22) */
    F_ORD = 1u << 4,    /* needs a btree opclass on the result type (GREATEST, mode()) */
};

/* One expression form. The template's placeholders:
 *   %1..%4 argument expressions    %c a condition       %t result type name
 *   %k jsonb key literal           %p LIKE pattern      %o comparison operator
 *   %z time zone literal           %f date_trunc field  %x extract field for %1's type
 *   %i integer 0..5                %n integer 1..5      %w window specification
 *   %% a percent sign */
typedef struct expr_form {
    unsigned types;          /* result types it can produce (TM mask) */
    const char *tmpl;
    signed char args[4];
    unsigned char weight;
    unsigned char flags;     /* F_* */
} expr_form;

/* Returns the form table and sets *n. */
const expr_form *gen_forms(size_t *n);

#endif
