/* gen_params.h - a generated query filtered on its outputs by real $n
 * parameters, so that prepared and generic plans see parameters. */
#ifndef MELEE_GEN_PARAMS_H
#define MELEE_GEN_PARAMS_H

#include "../core/rng.h"
#include "../core/sqlbuf.h"
#include "gen_query.h"

#define GEN_MAX_PARAMS 3

/* Appends "SELECT * FROM (query) AS q WHERE q.c0 <op> $1::type ... LIMIT n"
 * over 1..GEN_MAX_PARAMS of out's columns, and fills values[] with text
 * parameter values (NULL for SQL NULL; the caller frees each). Returns the
 * number of parameters. */
int gen_param_filter(sqlbuf *b, rng_t *r, const char *query, const gen_output *out,
                     char *values[GEN_MAX_PARAMS]);

#endif
