/* gen_value.h - random values of SQL types, edge values included
 * (NaN, +-Infinity, integer extremes, empty strings, odd dates...). */
#ifndef MELEE_GEN_VALUE_H
#define MELEE_GEN_VALUE_H

#include <stdbool.h>

#include "../core/rng.h"
#include "../core/sqlbuf.h"
#include "../core/sqltype.h"

/* Appends a SQL literal of type t to b, cast so that its type is exact
 * (e.g. '2024-01-31'::date, 'NaN'::double precision, 42::smallint).
 * With null_ok, NULL::type may come out now and then. */
void gen_literal(sqlbuf *b, rng_t *r, sql_type t, bool null_ok);

/* Returns a value of type t in text format, suitable as a $n parameter or
 * a COPY text field (without COPY escaping), or NULL (SQL NULL) when null_ok
 * and the draw says so. The caller frees the string. */
char *gen_param_text(rng_t *r, sql_type t, bool null_ok);

/* Appends v escaped for COPY text format (backslash, tab, newline), or \N
 * for NULL. */
void gen_copy_field(sqlbuf *b, const char *v);

#endif
