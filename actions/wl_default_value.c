/* wl_default_value.c - default value: ALTER TABLE ... ADD COLUMN v ...
 * DEFAULT d, DROP COLUMN, CREATE and DROP TABLE race inserts that never
 * name v and reads of v; no read may see v NULL, since every row either
 * got the default when inserted or when the column was added
 * (checkers-spec.md §3.7).
 *
 * The column comes back with varied types and defaults: plain constants
 * (kept in the catalog as the missing value of older rows), NOT NULL, and
 * volatile expressions (which rewrite the table).
 *
 * History: insert null; read null -> [v, ...] (one entry per row, json
 * null for SQL NULL); add-column "<definition>"; drop-column,
 * create-table, drop-table null. Statements that find the table or the
 * column missing (or already there) fail, as expected.
 *
 * client_fault=1 (tests only): about one read in four that returned rows
 * reports its first row's v as NULL (the checker must see null-default). */
#include "../core/util.h"
#include "wl_util.h"

#define FOO "melee_default_value.foo"

/* Errors that only say the DDL won a race (table or column gone or there). */
static const error_rule DV_EXPECTED[] = {
    {"42P01", NULL, EC_IGNORED, WHEN_ALWAYS}, /* undefined_table */
    {"42703", NULL, EC_IGNORED, WHEN_ALWAYS}, /* undefined_column */
    {"42701", NULL, EC_IGNORED, WHEN_ALWAYS}, /* duplicate_column */
    {"42P07", NULL, EC_IGNORED, WHEN_ALWAYS}, /* duplicate_table */
    {"42710", NULL, EC_IGNORED, WHEN_ALWAYS}, /* duplicate_object: the table's row type */
    ERROR_RULES_END,
};

static const char *const COLUMN_TYPES[] = {"int", "bigint", "smallint"};

/* Runs one autocommit statement as operation f with value v (taken). */
static act_result run_op(actx *a, const char *f, json_object *v, const char *sql)
{
    ax_hist_invoke(a, f, v);
    if (!ax_exec(a, sql))
        return wl_failed(a, f, WL_WRITE, v);
    return wl_finish(a, f, WL_WRITE, v, NULL);
}

static act_result dv_insert(actx *a)
{
    return run_op(a, "insert", NULL, "INSERT INTO " FOO " (dummy) VALUES (1)");
}

static act_result dv_read(actx *a)
{
    ax_hist_invoke(a, "read", NULL);
    if (!ax_exec(a, "SELECT v FROM " FOO))
        return wl_failed(a, "read", WL_READ, NULL);
    int n = ax_ntuples(a);
    json_object *rows = json_object_new_array_ext(n);
    bool lie = n > 0 && wl_client_fault(a);
    for (int i = 0; i < n; i++)
        json_object_array_add(rows, lie && i == 0 ? NULL : wl_cell_json(a, i, 0));
    return wl_finish(a, "read", WL_READ, NULL, rows);
}

static act_result dv_add_column(actx *a)
{
    sqlbuf def = SQLBUF_INIT;
    int d = (int)rng_range(a->rng, 0, 99);
    sb_add(&def, COLUMN_TYPES[rng_pick(a->rng, ARRAY_LEN(COLUMN_TYPES))]);
    if (rng_chance(a->rng, 0.25))
        sb_printf(&def, " DEFAULT (%d + 0 * random())::int", d); /* volatile: rewrites */
    else
        sb_printf(&def, " DEFAULT %d", d);
    if (rng_chance(a->rng, 0.25))
        sb_add(&def, " NOT NULL");
    sb_reset(&a->sql);
    sb_printf(&a->sql, "ALTER TABLE " FOO " ADD COLUMN v %s", sb_str(&def));
    act_result r = run_op(a, "add-column", json_object_new_string(sb_str(&def)), sb_str(&a->sql));
    sb_free(&def);
    return r;
}

static act_result dv_drop_column(actx *a)
{
    return run_op(a, "drop-column", NULL, "ALTER TABLE " FOO " DROP COLUMN v");
}

static act_result dv_create_table(actx *a)
{
    return run_op(a, "create-table", NULL, "CREATE TABLE " FOO " (dummy int, v int DEFAULT 0)");
}

static act_result dv_drop_table(actx *a)
{
    return run_op(a, "drop-table", NULL, "DROP TABLE " FOO);
}

static bool dv_setup(actx *a)
{
    static const char *const sql[] = {
        "DROP SCHEMA IF EXISTS melee_default_value CASCADE",
        "CREATE SCHEMA melee_default_value",
        "CREATE TABLE " FOO " (dummy int, v int DEFAULT 0)",
        NULL,
    };
    return wl_exec_all(a, sql);
}

static const action_def DV_ROWS[] = {
    {"insert", LIST_DML_NONTRANS, 20, dv_insert, DV_EXPECTED, ACTF_NONE, NULL},
    {"read", LIST_DML_NONTRANS, 10, dv_read, DV_EXPECTED, ACTF_NONE, NULL},
    {"add-column", LIST_DML_NONTRANS, 4, dv_add_column, DV_EXPECTED, ACTF_NONE, NULL},
    {"drop-column", LIST_DML_NONTRANS, 1, dv_drop_column, DV_EXPECTED, ACTF_NONE, NULL},
    {"create-table", LIST_DML_NONTRANS, 4, dv_create_table, DV_EXPECTED, ACTF_NONE, NULL},
    {"drop-table", LIST_DML_NONTRANS, 1, dv_drop_table, DV_EXPECTED, ACTF_NONE, NULL},
};

static const wl_param DV_PARAMS[] = {
    WL_PARAM_CLIENT_FAULT,
};

static const wl_jepsen DV_JEPSEN = {
    .rows = DV_ROWS,
    .nrows = ARRAY_LEN(DV_ROWS),
    .schema = "melee_default_value",
    .checker = "default-value",
    .check_interval_s = 2.0,
    .run_size = 0,
    .thread_size = 0,
};

const workload_def wl_default_value = {
    .name = "default-value",
    .summary = "ADD COLUMN ... DEFAULT races inserts and reads; no read may see NULL",
    .params = DV_PARAMS,
    .nparams = ARRAY_LEN(DV_PARAMS),
    .data = &DV_JEPSEN,
    WL_JEPSEN_HOOKS,
    .setup = dv_setup,
    .final = NULL,
};
