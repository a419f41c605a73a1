/* sqltype.h - the SQL column types the generator knows, as a table. */
#ifndef MELEE_SQLTYPE_H
#define MELEE_SQLTYPE_H

#include <stdbool.h>

typedef enum sql_type {
    T_SMALLINT,
    T_INTEGER,
    T_BIGINT,
    T_NUMERIC,
    T_REAL,
    T_DOUBLE,
    T_BOOLEAN,
    T_TEXT,
    T_VARCHAR,
    T_DATE,
    T_TIMESTAMP,
    T_TIMESTAMPTZ,
    T_INTERVAL,
    T_JSONB,
    T_INT_ARRAY,
    T_TEXT_ARRAY,
    T_UUID,
    T_BYTEA,
    T_TYPE_COUNT
} sql_type;

typedef enum type_family {
    TF_INTEGER,   /* smallint, integer, bigint */
    TF_DECIMAL,   /* numeric, real, double */
    TF_BOOL,
    TF_STRING,    /* text, varchar */
    TF_TEMPORAL,  /* date, timestamp(tz) */
    TF_INTERVAL,
    TF_JSON,
    TF_ARRAY,
    TF_OTHER      /* uuid, bytea */
} type_family;

typedef struct sql_type_info {
    sql_type type;
    const char *sql;      /* the name used in DDL and casts, e.g. "double precision" */
    const char *short_name; /* used in generated column names, e.g. "float8" */
    type_family family;
    bool join_key;        /* sensible for equality joins */
    bool orderable;       /* has a btree opclass (ORDER BY, DISTINCT, indexes) */
} sql_type_info;

/* Returns the row for t (never NULL for a valid t). */
const sql_type_info *sql_type_get(sql_type t);

/* Returns true for the numeric families (integer and decimal). */
bool sql_type_is_numeric(sql_type t);

#endif
