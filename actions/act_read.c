/* act_read.c - the read actions: generated SELECTs (plain, with real
 * parameters, through COPY TO STDOUT, under EXPLAIN [ANALYZE]), SELECT 1
 * and reads of the system catalogs. Reads take no object locks: an object
 * dropped or altered meanwhile yields an error the engine expects while
 * DDL runs. */
#include <stdlib.h>

#include "../core/util.h"
#include "action.h"
#include "gen_query.h"
#include "gen_params.h"
#include "act_read.h"

#define MAX_READ_RELS 3

int read_pick_relations(actx *a, int max, cat_obj **objs, cat_desc *descs)
{
    int want = (int)rng_range(a->rng, 1, max);
    int n = 0;
    for (int i = 0; i < want; i++) {
        cat_obj *o = catalog_pick(a->cat, a->rng, OBJ_RELATIONS, a->worker_id, false, &descs[n]);
        if (o)
            objs[n++] = o;
    }
    return n;
}

void read_release(actx *a, cat_obj **objs, int n)
{
    for (int i = 0; i < n; i++)
        catalog_release(a->cat, objs[i]);
}

bool read_gen_select(actx *a, sqlbuf *b, const gen_query_opts *o, gen_output *out)
{
    cat_obj *objs[MAX_READ_RELS];
    cat_desc *descs = xcalloc(MAX_READ_RELS, sizeof *descs);
    int n = read_pick_relations(a, MAX_READ_RELS, objs, descs);
    if (n > 0)
        gen_select(b, a->rng, descs, n, o, out);
    read_release(a, objs, n);
    free(descs);
    return n > 0;
}

static act_result select_action(actx *a)
{
    gen_query_opts o = gen_query_all();
    if (!read_gen_select(a, &a->sql, &o, NULL))
        return ACT_SKIP;
    return ax_exec_any(a, sb_str(&a->sql), 0, NULL) ? ACT_OK : ACT_FAIL;
}

/* A generated query filtered on its outputs by real $n parameters. */
static act_result select_params(actx *a)
{
    gen_query_opts o = gen_query_all();
    o.allow_for_update = false;
    gen_output out;
    sqlbuf inner = SQLBUF_INIT;
    if (!read_gen_select(a, &inner, &o, &out)) {
        sb_free(&inner);
        return ACT_SKIP;
    }
    char *values[GEN_MAX_PARAMS];
    int np = gen_param_filter(&a->sql, a->rng, sb_str(&inner), &out, values);
    sb_free(&inner);
    bool ok = ax_exec_any(a, sb_str(&a->sql), np, (const char *const *)values);
    for (int i = 0; i < np; i++)
        free(values[i]);
    return ok ? ACT_OK : ACT_FAIL;
}

static act_result select_one(actx *a)
{
    return ax_exec_any(a, "SELECT 1", 0, NULL) ? ACT_OK : ACT_FAIL;
}

static act_result copy_to_stdout(actx *a)
{
    static const char *const FORMATS[] = {"", " WITH (FORMAT text)", " WITH (FORMAT csv)",
                                          " WITH (FORMAT csv, HEADER, DELIMITER '|')",
                                          " WITH (FORMAT binary)", " WITH (FORMAT text, NULL 'nil')",
                                          " WITH (FORMAT csv, FORCE_QUOTE *)"};
    gen_query_opts o = gen_query_all();
    o.allow_for_update = rng_chance(a->rng, 0.2);
    sqlbuf *b = &a->sql;
    sb_add(b, "COPY (");
    if (!read_gen_select(a, b, &o, NULL))
        return ACT_SKIP;
    sb_printf(b, ") TO STDOUT%s", FORMATS[rng_pick(a->rng, ARRAY_LEN(FORMATS))]);
    return ax_copy_out(a, sb_str(b), NULL) ? ACT_OK : ACT_FAIL;
}

/* System relations worth reading while the catalog churns.
 *
 * Left out on purpose: views whose columns call functions that open
 * relations by OID (pg_views, pg_matviews and information_schema.views
 * call pg_get_viewdef, pg_indexes pg_get_indexdef, pg_sequences
 * pg_sequence_last_value). Those functions read the newest catalog, not
 * the query's snapshot, so an object dropped meanwhile makes them fail
 * with XX000 "could not open relation with OID": PostgreSQL's documented
 * behaviour, which would drown real internal errors. */
static const char *const CATALOG_RELATIONS[] = {
    "pg_catalog.pg_class", "pg_catalog.pg_attribute", "pg_catalog.pg_type",
    "pg_catalog.pg_namespace", "pg_catalog.pg_index", "pg_catalog.pg_constraint",
    "pg_catalog.pg_depend", "pg_catalog.pg_proc", "pg_catalog.pg_description",
    "pg_catalog.pg_attrdef", "pg_catalog.pg_sequence", "pg_catalog.pg_rewrite",
    "pg_catalog.pg_locks", "pg_catalog.pg_stat_activity", "pg_catalog.pg_settings",
    "pg_catalog.pg_stat_user_tables", "pg_catalog.pg_statio_user_tables",
    "pg_catalog.pg_stat_user_indexes", "pg_catalog.pg_stat_database", "pg_catalog.pg_stats",
    "pg_catalog.pg_tables", "pg_catalog.pg_roles",
    "pg_catalog.pg_prepared_statements", "pg_catalog.pg_cursors", "pg_catalog.pg_stat_bgwriter",
    "pg_catalog.pg_stat_wal", "pg_catalog.pg_stat_progress_vacuum",
    "pg_catalog.pg_stat_progress_create_index", "pg_catalog.pg_prepared_xacts",
    "information_schema.columns", "information_schema.tables",
    "information_schema.schemata", "information_schema.table_constraints",
    "information_schema.key_column_usage", "information_schema.sequences",
    "information_schema.role_table_grants", "information_schema.view_table_usage",
};

/* Queries over the catalog that join and resolve names (regclass output
 * shows a dropped object's OID instead of failing). */
static const char *const CATALOG_QUERIES[] = {
    "SELECT c.oid::regclass::text, c.relkind, c.reltuples, n.nspname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') LIMIT %d",
    "SELECT a.attrelid::regclass::text, a.attname, format_type(a.atttypid, a.atttypmod) "
    "FROM pg_catalog.pg_attribute a WHERE a.attnum > 0 AND NOT a.attisdropped LIMIT %d",
    "SELECT l.locktype, l.relation::regclass::text, l.mode, l.granted, a.query "
    "FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
    "LIMIT %d",
    "SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text, i.indisunique, "
    "i.indnatts, c.relpages FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c "
    "ON c.oid = i.indexrelid LIMIT %d",
    "SELECT relname, n_live_tup, n_dead_tup, seq_scan, idx_scan "
    "FROM pg_catalog.pg_stat_user_tables ORDER BY n_live_tup DESC LIMIT %d",
    "SELECT d.classid::regclass::text, d.objid, d.refobjid, d.deptype "
    "FROM pg_catalog.pg_depend d WHERE d.deptype IN ('n', 'a', 'i') LIMIT %d",
    "SELECT table_schema, table_name, count(*) FROM information_schema.columns "
    "GROUP BY 1, 2 ORDER BY 3 DESC LIMIT %d",
};

static act_result catalog_read(actx *a)
{
    sqlbuf *b = &a->sql;
    int limit = (int)rng_range(a->rng, 1, 50);
    double x = rng_double(a->rng);
    if (x < 0.3) {
        sb_printf(b, CATALOG_QUERIES[rng_pick(a->rng, ARRAY_LEN(CATALOG_QUERIES))], limit);
    } else {
        const char *rel = CATALOG_RELATIONS[rng_pick(a->rng, ARRAY_LEN(CATALOG_RELATIONS))];
        if (x < 0.4)
            sb_printf(b, "SELECT count(*) FROM %s", rel);
        else
            sb_printf(b, "SELECT * FROM %s LIMIT %d", rel, limit);
    }
    return ax_exec_any(a, sb_str(b), 0, NULL) ? ACT_OK : ACT_FAIL;
}

/* Appends "EXPLAIN (options) " with ANALYZE when analyze is set. */
static void add_explain(sqlbuf *b, rng_t *r, bool analyze)
{
    static const char *const PLAIN_OPTS[] = {"COSTS OFF", "VERBOSE", "SETTINGS", "SUMMARY",
                                             "BUFFERS"};
    static const char *const ANALYZE_OPTS[] = {"TIMING OFF", "WAL", "BUFFERS", "VERBOSE",
                                               "COSTS OFF", "SUMMARY OFF"};
    static const char *const FORMATS[] = {"text", "json", "xml", "yaml"};
    const char *const *opts = analyze ? ANALYZE_OPTS : PLAIN_OPTS;
    size_t nopts = analyze ? ARRAY_LEN(ANALYZE_OPTS) : ARRAY_LEN(PLAIN_OPTS);
    if (!analyze && rng_chance(r, 0.3)) {
        sb_add(b, "EXPLAIN ");
        return;
    }
    sb_add(b, analyze ? "EXPLAIN (ANALYZE" : "EXPLAIN (FORMAT ");
    if (!analyze)
        sb_add(b, FORMATS[rng_pick(r, ARRAY_LEN(FORMATS))]);
    else if (rng_chance(r, 0.5))
        sb_printf(b, ", FORMAT %s", FORMATS[rng_pick(r, ARRAY_LEN(FORMATS))]);
    for (size_t i = 0; i < nopts; i++)
        if (rng_chance(r, 0.3))
            sb_printf(b, ", %s", opts[i]);
    sb_add(b, ") ");
}

static act_result explain_common(actx *a, bool analyze)
{
    gen_query_opts o = gen_query_all();
    o.allow_for_update = !analyze;
    sqlbuf *b = &a->sql;
    add_explain(b, a->rng, analyze);
    if (!read_gen_select(a, b, &o, NULL))
        return ACT_SKIP;
    return ax_exec(a, sb_str(b)) ? ACT_OK : ACT_FAIL;
}

static act_result explain(actx *a)
{
    return explain_common(a, false);
}

static act_result explain_analyze(actx *a)
{
    return explain_common(a, true);
}

const action_def read_actions[] = {
    {"select", LIST_READ, 100, select_action, NULL, ACTF_NONE, NULL},
    {"select_params", LIST_READ, 20, select_params, NULL, ACTF_NONE, NULL},
    {"select_one", LIST_READ, 1, select_one, NULL, ACTF_NONE, NULL},
    {"copy_to_stdout", LIST_READ, 20, copy_to_stdout, NULL, ACTF_NONE, NULL},
    {"catalog_read", LIST_READ, 10, catalog_read, NULL, ACTF_NONE, NULL},
    {"explain", LIST_READ, 10, explain, NULL, ACTF_NONE, NULL},
    {"explain_analyze", LIST_READ, 5, explain_analyze, NULL, ACTF_NONE, NULL},
};
const size_t read_actions_count = ARRAY_LEN(read_actions);
