/* gen_query.h - random SELECT statements over tracked relations. */
#ifndef MELEE_GEN_QUERY_H
#define MELEE_GEN_QUERY_H

#include <stdbool.h>

#include "../core/engine/catalog.h"
#include "../core/rng.h"
#include "../core/sqlbuf.h"
#include "../core/sqltype.h"

/* What the generated query may use. */
typedef struct gen_query_opts {
    bool allow_joins;
    bool allow_group_by;
    bool allow_window;
    bool allow_setops;
    bool allow_cte;
    bool allow_order_limit;
    bool allow_for_update;    /* FOR UPDATE/SHARE when the shape allows it */
    int max_output_cols;      /* 0: default (1..8) */
} gen_query_opts;

/* Returns options with everything allowed. */
gen_query_opts gen_query_all(void);

/* Output columns of a generated query, for views built from it. */
typedef struct gen_output {
    int ncols;
    cat_column cols[CAT_MAX_COLUMNS];   /* names c0, c1, ... and their types */
} gen_output;

/* Appends a SELECT over one or more of rels (nrels >= 1; values copied
 * from catalog_describe). Every output column gets an explicit alias and
 * cast; *out (may be NULL) receives the output columns. */
void gen_select(sqlbuf *b, rng_t *r, const cat_desc *rels, int nrels,
                const gen_query_opts *o, gen_output *out);

#endif
