/* act_ddl_table.c - DDL on tables, in autocommit, under the locks of the
 * objects involved (ddl_util.h): CREATE [TEMP] TABLE, DROP TABLE [CASCADE],
 * ALTER TABLE ADD / DROP / RENAME COLUMN, ALTER COLUMN TYPE / SET DEFAULT,
 * RENAME, TRUNCATE, VACUUM / ANALYZE, COMMENT ON. The catalog follows a
 * statement only when it succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "action.h"
#include "ddl_util.h"
#include "gen_value.h"

#define MAX_NEW_TABLE_COLS 8
#define INITIAL_ROWS 20

static act_result create_table(actx *a)
{
    bool temp = rng_chance(a->rng, 0.15);
    held s = {0};
    if (!temp) {
        if (!held_pick(a, OBJ_MASK(OBJ_SCHEMA), false, false, &s))
            return ACT_SKIP;
        s.shared = true; /* created into it */
        if (!held_lock(a, &s, 1)) {
            held_release(a, &s, 1);
            return ACT_SKIP;
        }
    }
    act_result res = ACT_SKIP;
    if (catalog_reserve(a->cat, OBJ_TABLE)) {
        cat_desc d = {.kind = OBJ_TABLE, .temp = temp, .owner = temp ? a->worker_id : -1};
        d.id = catalog_next_id(a->cat);
        snprintf(d.name, sizeof d.name, "t%llu", (unsigned long long)d.id);
        ddl_qualify(&d, temp ? "pg_temp" : s.d.name);
        ddl_random_table_columns(a, &d, MAX_NEW_TABLE_COLS);
        ddl_create_table_sql(&a->sql, a->rng, &d);
        bool ok = ax_exec(a, sb_str(&a->sql));
        if (ok) {
            sb_reset(&a->sql);
            ddl_insert_sql(&a->sql, a->rng, &d, INITIAL_ROWS, -1);
            ok = ax_exec(a, sb_str(&a->sql));
            d.rows = ok ? INITIAL_ROWS : 0;
            catalog_release(a->cat, catalog_add(a->cat, &d, temp ? NULL : s.o, NULL, 0));
        } else {
            catalog_unreserve(a->cat, OBJ_TABLE);
        }
        res = act_of(ok);
    }
    held_unlock(&s, 1);
    held_release(a, &s, 1);
    return res;
}

static act_result drop_table(actx *a)
{
    held h[HELD_MAX];
    int n;
    bool cascade = rng_chance(a->rng, 0.5);
    if (!held_lock_with_dependents(a, OBJ_TABLE, true, cascade, h, &n))
        return ACT_SKIP;
    sb_printf(&a->sql, "DROP TABLE %s%s%s", rng_chance(a->rng, 0.3) ? "IF EXISTS " : "",
              h[0].d.qname, cascade ? " CASCADE" : "");
    return ddl_drop(a, h, n, cascade, false);
}

static act_result add_column(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_TABLE, false, h))
        return ACT_SKIP;
    act_result res = ACT_SKIP;
    cat_desc *d = &h[0].d;
    if (d->ncols < CAT_MAX_COLUMNS) {
        cat_column *c = &d->cols[d->ncols];
        ddl_random_column(a, c, true, true);
        sb_printf(&a->sql, "ALTER TABLE %s ADD COLUMN ", d->qname);
        ddl_column_def(&a->sql, a->rng, c);
        bool ok = ax_exec(a, sb_str(&a->sql));
        if (ok) {
            d->ncols++;
            catalog_update(a->cat, h[0].o, d);
        }
        res = act_of(ok);
    }
    held_unlock_release(a, h, 2);
    return res;
}

/* Returns a random column index other than "id" (0), or -1. */
static int pick_column(actx *a, const cat_desc *d)
{
    return d->ncols > 1 ? (int)rng_range(a->rng, 1, d->ncols - 1) : -1;
}

/* Untracks those of the n locked objects the server no longer has: a
 * column dropped with CASCADE takes the views that use it, and only the
 * server knows which those were. */
static void untrack_gone(actx *a, held *h, int n)
{
    for (int k = 0; k < n; k++) {
        const char *params[] = {h[k].d.qname};
        if (ax_exec_params(a, "SELECT pg_catalog.to_regclass($1) IS NULL", 1, params) &&
            ax_ntuples(a) == 1 && strcmp(ax_value(a, 0, 0), "t") == 0)
            catalog_drop(a->cat, h[k].o, true);
    }
}

static act_result drop_column(actx *a)
{
    held h[HELD_MAX];
    int n;
    bool cascade = rng_chance(a->rng, 0.3); /* views on the column go with it */
    if (!held_lock_with_dependents(a, OBJ_TABLE, false, cascade, h, &n))
        return ACT_SKIP;
    cat_desc *d = &h[0].d;
    int i = d->ncols > 2 ? pick_column(a, d) : -1;   /* keep one besides id */
    act_result res = ACT_SKIP;
    if (i > 0) {
        sb_printf(&a->sql, "ALTER TABLE %s DROP COLUMN ", d->qname);
        sb_ident(&a->sql, d->cols[i].name);
        if (cascade)
            sb_add(&a->sql, " CASCADE");
        bool ok = ax_exec(a, sb_str(&a->sql));
        if (ok) {
            memmove(&d->cols[i], &d->cols[i + 1], (size_t)(d->ncols - i - 1) * sizeof d->cols[0]);
            d->ncols--;
            catalog_update(a->cat, h[0].o, d);
            if (cascade)
                untrack_gone(a, h + 2, n - 2);
        }
        res = act_of(ok);
    }
    held_unlock_release(a, h, n);
    return res;
}

static act_result rename_column(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_TABLE, false, h))
        return ACT_SKIP;
    cat_desc *d = &h[0].d;
    int i = pick_column(a, d);
    act_result res = ACT_SKIP;
    if (i > 0) {
        char name[CAT_NAME_LEN];
        snprintf(name, sizeof name, "c%llu", (unsigned long long)catalog_next_id(a->cat));
        sb_printf(&a->sql, "ALTER TABLE %s RENAME COLUMN ", d->qname);
        sb_ident(&a->sql, d->cols[i].name);
        sb_add(&a->sql, " TO ");
        sb_ident(&a->sql, name);
        bool ok = ax_exec(a, sb_str(&a->sql));
        if (ok) {
            snprintf(d->cols[i].name, sizeof d->cols[i].name, "%s", name);
            catalog_update(a->cat, h[0].o, d);
        }
        res = act_of(ok);
    }
    held_unlock_release(a, h, 2);
    return res;
}

/* Type changes with an obvious USING conversion. */
static const struct {
    type_family from;
    sql_type to;
} TYPE_CHANGES[] = {
    {TF_INTEGER, T_BIGINT}, {TF_INTEGER, T_NUMERIC}, {TF_INTEGER, T_TEXT},
    {TF_INTEGER, T_INTEGER}, {TF_DECIMAL, T_DOUBLE}, {TF_DECIMAL, T_NUMERIC},
    {TF_DECIMAL, T_TEXT}, {TF_STRING, T_TEXT}, {TF_STRING, T_VARCHAR},
    {TF_BOOL, T_TEXT}, {TF_TEMPORAL, T_TEXT}, {TF_TEMPORAL, T_TIMESTAMPTZ},
    {TF_JSON, T_TEXT}, {TF_OTHER, T_TEXT},
};

/* Returns a target type for a column of type t, or -1. */
static int type_change_for(rng_t *r, sql_type t)
{
    int cand[ARRAY_LEN(TYPE_CHANGES)], n = 0;
    for (size_t i = 0; i < ARRAY_LEN(TYPE_CHANGES); i++)
        if (TYPE_CHANGES[i].from == sql_type_get(t)->family && TYPE_CHANGES[i].to != t)
            cand[n++] = (int)TYPE_CHANGES[i].to;
    return n ? cand[rng_pick(r, n)] : -1;
}

static act_result alter_column_type(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_TABLE, false, h))
        return ACT_SKIP;
    cat_desc *d = &h[0].d;
    int i = pick_column(a, d);
    int to = i > 0 ? type_change_for(a->rng, d->cols[i].type) : -1;
    act_result res = ACT_SKIP;
    if (to >= 0) {
        const char *tname = sql_type_get((sql_type)to)->sql;
        sb_printf(&a->sql, "ALTER TABLE %s ALTER COLUMN ", d->qname);
        sb_ident(&a->sql, d->cols[i].name);
        sb_printf(&a->sql, " TYPE %s USING ", tname);
        sb_ident(&a->sql, d->cols[i].name);
        sb_printf(&a->sql, "::%s", tname);
        bool ok = ax_exec(a, sb_str(&a->sql));
        if (ok) {
            d->cols[i].type = (sql_type)to;
            catalog_update(a->cat, h[0].o, d);
        }
        res = act_of(ok);
    }
    held_unlock_release(a, h, 2);
    return res;
}

static act_result set_default(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_TABLE, false, h))
        return ACT_SKIP;
    cat_desc *d = &h[0].d;
    int i = pick_column(a, d);
    act_result res = ACT_SKIP;
    if (i > 0) {
        cat_column *c = &d->cols[i];
        bool drop = c->has_default && !c->not_null && rng_chance(a->rng, 0.3);
        sb_printf(&a->sql, "ALTER TABLE %s ALTER COLUMN ", d->qname);
        sb_ident(&a->sql, c->name);
        if (drop) {
            sb_add(&a->sql, " DROP DEFAULT");
        } else {
            sb_add(&a->sql, " SET DEFAULT ");
            gen_literal(&a->sql, a->rng, c->type, !c->not_null);
        }
        bool ok = ax_exec(a, sb_str(&a->sql));
        if (ok) {
            c->has_default = !drop;
            catalog_update(a->cat, h[0].o, d);
        }
        res = act_of(ok);
    }
    held_unlock_release(a, h, 2);
    return res;
}

static act_result rename_table(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_TABLE, false, h))
        return ACT_SKIP;
    return ddl_rename(a, h, "TABLE", "t");
}

static act_result truncate_table(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_TABLE, false, h))
        return ACT_SKIP;
    sb_printf(&a->sql, "TRUNCATE %s%s%s", h[0].d.qname,
              rng_chance(a->rng, 0.5) ? " RESTART IDENTITY" : "",
              rng_chance(a->rng, 0.2) ? " CASCADE" : "");
    bool ok = ax_exec(a, sb_str(&a->sql));
    if (ok)
        catalog_add_rows(a->cat, h[0].o, -h[0].d.rows);
    held_unlock_release(a, h, 2);
    return act_of(ok);
}

/* VACUUM / ANALYZE of a relation (no object lock: maintenance runs beside
 * everything else) or, rarely, of the whole database. VACUUM FULL is the
 * exception: it rewrites the relation and updates its catalog row, so it
 * holds the relation's lock like other DDL (GRANT updates that row too). */
static act_result vacuum_analyze(actx *a)
{
    static const char *const COMMANDS[] = {"VACUUM", "VACUUM (ANALYZE)", "ANALYZE",
                                           "VACUUM (FREEZE, VERBOSE)", "VACUUM (FULL)",
                                           "VACUUM (INDEX_CLEANUP OFF, TRUNCATE false)"};
    const char *cmd = COMMANDS[rng_pick(a->rng, ARRAY_LEN(COMMANDS))];
    bool full = strstr(cmd, "FULL") != NULL;
    held h[2] = {{0}};
    if (rng_chance(a->rng, 0.05) && !full) {
        sb_add(&a->sql, cmd);
    } else {
        obj_kind k = rng_chance(a->rng, 0.8) ? OBJ_TABLE : OBJ_MATVIEW;
        if (full ? !held_lock_with_schema(a, k, false, h)
                 : !held_pick(a, OBJ_MASK(k), false, false, &h[0]))
            return ACT_SKIP;
        sb_printf(&a->sql, "%s %s", cmd, h[0].d.qname);
    }
    bool ok = ax_exec_outside_txn(a, sb_str(&a->sql));
    if (full)
        held_unlock_release(a, h, 2);
    else
        held_release(a, h, 1);
    return act_of(ok);
}

static act_result comment_on(actx *a)
{
    static const char *const WORDS[OBJ_KIND_COUNT] = {
        [OBJ_SCHEMA] = "SCHEMA",  [OBJ_TABLE] = "TABLE",       [OBJ_VIEW] = "VIEW",
        [OBJ_MATVIEW] = "MATERIALIZED VIEW", [OBJ_INDEX] = "INDEX",
        [OBJ_SEQUENCE] = "SEQUENCE", [OBJ_ROLE] = "ROLE"};
    held o;
    if (!held_pick(a, ~0u, false, false, &o))
        return ACT_SKIP;
    if (o.d.kind == OBJ_TABLE && o.d.ncols > 0 && rng_chance(a->rng, 0.5)) {
        sb_printf(&a->sql, "COMMENT ON COLUMN %s.", o.d.qname);
        sb_ident(&a->sql, o.d.cols[rng_pick(a->rng, o.d.ncols)].name);
    } else {
        sb_printf(&a->sql, "COMMENT ON %s %s", WORDS[o.d.kind], o.d.qname);
    }
    sb_add(&a->sql, " IS ");
    if (rng_chance(a->rng, 0.2))
        sb_add(&a->sql, "NULL");
    else {
        /* COMMENT takes a bare string constant, no cast. */
        char *text = gen_param_text(a->rng, T_TEXT, false);
        sb_literal(&a->sql, text);
        free(text);
    }
    bool ok = ax_exec(a, sb_str(&a->sql));
    held_release(a, &o, 1);
    return act_of(ok);
}

/* A literal default may not fit a column whose type changed meanwhile. */
static const error_rule ALTER_RULES[] = {
    {"42P16", NULL, EC_IGNORED, WHEN_ALWAYS},  /* e.g. dropping the last column a view needs */
    ERROR_RULES_END,
};

const action_def ddl_table_actions[] = {
    {"create_table", LIST_DDL, 20, create_table, NULL, ACTF_NONE, NULL},
    {"drop_table", LIST_DDL, 8, drop_table, NULL, ACTF_NO_COVERAGE, NULL},
    {"add_column", LIST_DDL, 10, add_column, NULL, ACTF_NONE, NULL},
    {"drop_column", LIST_DDL, 6, drop_column, ALTER_RULES, ACTF_NONE, NULL},
    {"rename_column", LIST_DDL, 5, rename_column, NULL, ACTF_NONE, NULL},
    {"alter_column_type", LIST_DDL, 5, alter_column_type, NULL, ACTF_NONE, NULL},
    {"set_default", LIST_DDL, 5, set_default, NULL, ACTF_NONE, NULL},
    {"rename_table", LIST_DDL, 4, rename_table, NULL, ACTF_NONE, NULL},
    {"truncate", LIST_DDL, 3, truncate_table, NULL, ACTF_NONE, NULL},
    {"vacuum_analyze", LIST_DDL, 4, vacuum_analyze, NULL, ACTF_NONE, NULL},
    {"comment_on", LIST_DDL, 3, comment_on, NULL, ACTF_NONE, NULL},
};
const size_t ddl_table_actions_count = ARRAY_LEN(ddl_table_actions);
