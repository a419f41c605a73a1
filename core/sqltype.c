/* sqltype.c - the type table. */
#include "sqltype.h"

static const sql_type_info TYPES[T_TYPE_COUNT] = {
    [T_SMALLINT] = {T_SMALLINT, "smallint", "int2", TF_INTEGER, true, true},
    [T_INTEGER] = {T_INTEGER, "integer", "int4", TF_INTEGER, true, true},
    [T_BIGINT] = {T_BIGINT, "bigint", "int8", TF_INTEGER, true, true},
    [T_NUMERIC] = {T_NUMERIC, "numeric", "numeric", TF_DECIMAL, true, true},
    [T_REAL] = {T_REAL, "real", "float4", TF_DECIMAL, false, true},
    [T_DOUBLE] = {T_DOUBLE, "double precision", "float8", TF_DECIMAL, true, true},
    [T_BOOLEAN] = {T_BOOLEAN, "boolean", "bool", TF_BOOL, false, true},
    [T_TEXT] = {T_TEXT, "text", "text", TF_STRING, true, true},
    [T_VARCHAR] = {T_VARCHAR, "varchar(64)", "varchar", TF_STRING, true, true},
    [T_DATE] = {T_DATE, "date", "date", TF_TEMPORAL, true, true},
    [T_TIMESTAMP] = {T_TIMESTAMP, "timestamp", "ts", TF_TEMPORAL, true, true},
    [T_TIMESTAMPTZ] = {T_TIMESTAMPTZ, "timestamptz", "tstz", TF_TEMPORAL, true, true},
    [T_INTERVAL] = {T_INTERVAL, "interval", "interval", TF_INTERVAL, false, true},
    [T_JSONB] = {T_JSONB, "jsonb", "jsonb", TF_JSON, false, true},
    [T_INT_ARRAY] = {T_INT_ARRAY, "integer[]", "int4arr", TF_ARRAY, false, true},
    [T_TEXT_ARRAY] = {T_TEXT_ARRAY, "text[]", "textarr", TF_ARRAY, false, true},
    [T_UUID] = {T_UUID, "uuid", "uuid", TF_OTHER, true, true},
    [T_BYTEA] = {T_BYTEA, "bytea", "bytea", TF_OTHER, false, true},
};

const sql_type_info *sql_type_get(sql_type t)
{
    if ((unsigned)t >= T_TYPE_COUNT)
        t = T_TEXT;
    return &TYPES[t];
}

bool sql_type_is_numeric(sql_type t)
{
    type_family f = sql_type_get(t)->family;
    return f == TF_INTEGER || f == TF_DECIMAL;
}
