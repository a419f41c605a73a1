/* act_setup.c - the chaos workload's starting catalog: leftovers of an
 * earlier run are dropped, then a schema, three tables with rows, a view,
 * a materialized view, an index, a sequence and a role are created and
 * tracked. Chaos objects are named melee_s<N> (schemas), melee_r<N>
 * (roles); everything else lives inside those schemas. */
#include <stdio.h>
#include <string.h>

#include "../core/util.h"
#include "action.h"
#include "ddl_util.h"

#define SETUP_TABLES 3
#define SETUP_ROWS 100
#define SETUP_COLS 8

/* Drops every chaos schema and role a crashed or killed run left. */
static const char DROP_LEFTOVERS[] =
    "DO $$DECLARE n text; BEGIN "
    "FOR n IN SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname ~ '^melee_s[0-9]+$' "
    "LOOP EXECUTE format('DROP SCHEMA %I CASCADE', n); END LOOP; "
    "FOR n IN SELECT rolname FROM pg_catalog.pg_roles WHERE rolname ~ '^melee_r[0-9]+$' "
    "LOOP EXECUTE format('DROP OWNED BY %I', n); EXECUTE format('DROP ROLE %I', n); END LOOP; "
    "END$$";

/* Runs sql and tracks d (with schema and deps) when it succeeds. */
static bool create_tracked(actx *a, cat_desc *d, cat_obj *schema, cat_obj *dep,
                           cat_obj **out)
{
    if (!catalog_reserve(a->cat, d->kind) || !ax_exec(a, sb_str(&a->sql)))
        return false;
    cat_obj *o = catalog_add(a->cat, d, schema, dep ? &dep : NULL, dep ? 1 : 0);
    if (out)
        *out = o;
    else
        catalog_release(a->cat, o);
    return true;
}

static void start_desc(actx *a, cat_desc *d, obj_kind k, const char *prefix, const char *schema)
{
    *d = (cat_desc){.kind = k, .owner = -1};
    d->id = catalog_next_id(a->cat);
    snprintf(d->name, sizeof d->name, "%s%llu", prefix, (unsigned long long)d->id);
    if (schema)
        ddl_qualify(d, schema);
    else
        snprintf(d->qname, sizeof d->qname, "\"%s\"", d->name);
}

static bool create_tables(actx *a, cat_obj *schema, const char *sname, cat_obj **tables)
{
    for (int i = 0; i < SETUP_TABLES; i++) {
        cat_desc d;
        start_desc(a, &d, OBJ_TABLE, "t", sname);
        ddl_random_table_columns(a, &d, SETUP_COLS);
        sb_reset(&a->sql);
        ddl_create_table_sql(&a->sql, a->rng, &d);
        if (!create_tracked(a, &d, schema, NULL, &tables[i]))
            return false;
        sb_reset(&a->sql);
        ddl_insert_sql(&a->sql, a->rng, &d, SETUP_ROWS, 1);
        if (!ax_exec(a, sb_str(&a->sql)))
            return false;
        catalog_add_rows(a->cat, tables[i], SETUP_ROWS);
    }
    return true;
}

/* A view and a materialized view over the first table's columns, an index
 * on the second table, a sequence and a role. */
static bool create_others(actx *a, cat_obj *schema, const char *sname, cat_obj **tables)
{
    cat_desc t, d;
    catalog_describe(a->cat, tables[0], &t);
    static const struct {
        obj_kind kind;
        const char *prefix, *create;
    } VIEWS[] = {{OBJ_VIEW, "v", "CREATE VIEW"}, {OBJ_MATVIEW, "mv", "CREATE MATERIALIZED VIEW"}};
    for (size_t i = 0; i < ARRAY_LEN(VIEWS); i++) {
        start_desc(a, &d, VIEWS[i].kind, VIEWS[i].prefix, sname);
        d.ncols = t.ncols;
        memcpy(d.cols, t.cols, sizeof t.cols);
        sb_reset(&a->sql);
        sb_printf(&a->sql, "%s %s AS SELECT * FROM %s", VIEWS[i].create, d.qname, t.qname);
        if (!create_tracked(a, &d, schema, tables[0], NULL))
            return false;
    }
    catalog_describe(a->cat, tables[1], &t);
    start_desc(a, &d, OBJ_INDEX, "i", sname);
    d.base_id = t.id;
    sb_reset(&a->sql);
    sb_add(&a->sql, "CREATE INDEX ");
    sb_ident(&a->sql, d.name);
    sb_printf(&a->sql, " ON %s (", t.qname);
    sb_ident(&a->sql, t.cols[1].name);
    sb_addc(&a->sql, ')');
    if (!create_tracked(a, &d, schema, tables[1], NULL))
        return false;
    start_desc(a, &d, OBJ_SEQUENCE, "seq", sname);
    sb_reset(&a->sql);
    sb_printf(&a->sql, "CREATE SEQUENCE %s", d.qname);
    if (!create_tracked(a, &d, schema, NULL, NULL))
        return false;
    start_desc(a, &d, OBJ_ROLE, "melee_r", NULL);
    sb_reset(&a->sql);
    sb_printf(&a->sql, "CREATE ROLE %s", d.qname);
    return create_tracked(a, &d, NULL, NULL, NULL);
}

bool actions_setup_catalog(actx *a)
{
    if (!ax_exec(a, DROP_LEFTOVERS))
        return false;
    cat_desc s;
    start_desc(a, &s, OBJ_SCHEMA, "melee_s", NULL);
    sb_reset(&a->sql);
    sb_printf(&a->sql, "CREATE SCHEMA %s", s.qname);
    cat_obj *schema = NULL;
    if (!create_tracked(a, &s, NULL, NULL, &schema))
        return false;
    cat_obj *tables[SETUP_TABLES] = {0};
    bool ok = create_tables(a, schema, s.name, tables) && create_others(a, schema, s.name, tables);
    for (int i = 0; i < SETUP_TABLES; i++)
        if (tables[i])
            catalog_release(a->cat, tables[i]);
    catalog_release(a->cat, schema);
    return ok;
}
