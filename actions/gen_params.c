/* gen_params.c - parameterised filters over generated queries. */
#include "gen_params.h"

#include "../core/util.h"
#include "gen_value.h"

static const char *const FILTER_OPS[] = {"=", "<>", "<", "<=", ">", ">=", "IS DISTINCT FROM"};

int gen_param_filter(sqlbuf *b, rng_t *r, const char *query, const gen_output *out,
                     char *values[GEN_MAX_PARAMS])
{
    int np = (int)rng_range(r, 1, MIN(out->ncols, GEN_MAX_PARAMS));
    sb_add(b, "SELECT * FROM (");
    sb_add(b, query);
    sb_add(b, ") AS q WHERE ");
    for (int i = 0; i < np; i++) {
        const cat_column *c = &out->cols[i];
        const sql_type_info *ti = sql_type_get(c->type);
        const char *op = ti->orderable ? FILTER_OPS[rng_pick(r, ARRAY_LEN(FILTER_OPS))]
                                       : "IS DISTINCT FROM";
        if (i)
            sb_add(b, rng_chance(r, 0.7) ? " AND " : " OR ");
        sb_add(b, "q.");
        sb_ident(b, c->name);
        sb_printf(b, " %s $%d::%s", op, i + 1, ti->sql);
        values[i] = gen_param_text(r, c->type, true);
    }
    sb_printf(b, " LIMIT %d", (int)rng_range(r, 1, 100));
    return np;
}
