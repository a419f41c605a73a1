/* The generator against a real PostgreSQL: literals and parameters are
 * accepted by every type's input function, and parameter values and
 * multi-line SQL as the statement log writes them read back the same;
 * thousands of generated expressions, conditions, aggregates and SELECTs
 * run without any error outside SQLSTATE class 22 (data exceptions), and
 * produce exactly the declared types and output columns.
 *
 * Uses MELEE_TEST_DSN when set, else starts an embedded server.
 * MELEE_GEN_SCALE=N multiplies the number of statements (soak runs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/gen_expr.h"
#include "actions/gen_params.h"
#include "actions/gen_query.h"
#include "actions/gen_value.h"
#include "core/server/embedded.h"
#include "core/sqlbuf.h"
#include "core/util.h"

#define SCHEMA "melee_gen_test"
#define ROWS_ALL 80
#define ROWS_SMALL 40
#define MAX_CLASS22_SHARE 0.25   /* data exceptions must not dominate */

/* pg_type OIDs of the sql_type values, for PQftype checks. */
static const unsigned TYPE_OIDS[T_TYPE_COUNT] = {
    [T_SMALLINT] = 21,    [T_INTEGER] = 23,   [T_BIGINT] = 20,       [T_NUMERIC] = 1700,
    [T_REAL] = 700,       [T_DOUBLE] = 701,   [T_BOOLEAN] = 16,      [T_TEXT] = 25,
    [T_VARCHAR] = 1043,   [T_DATE] = 1082,    [T_TIMESTAMP] = 1114,  [T_TIMESTAMPTZ] = 1184,
    [T_INTERVAL] = 1186,  [T_JSONB] = 3802,   [T_INT_ARRAY] = 1007,  [T_TEXT_ARRAY] = 1009,
    [T_UUID] = 2950,      [T_BYTEA] = 17,
};

typedef struct fixture {
    embedded_pg *pg;
    PGconn *conn;
    cat_desc rels[5];     /* gt_all, gt small, gv_view, gm_mat, gt_empty */
    int nrels;
    int ran, class22;     /* statements run, data exceptions among them */
} fixture;

/* Returns how many times the default number of statements to run. */
static int scale(void)
{
    const char *s = getenv("MELEE_GEN_SCALE");
    int n = s ? atoi(s) : 1;
    return n > 0 ? n : 1;
}

static void exec_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("setup failed: %s\n%s", PQerrorMessage(c), sql);
    PQclear(r);
}

static void add_col(cat_desc *d, const char *name, sql_type t, bool not_null)
{
    cat_column *c = &d->cols[d->ncols++];
    snprintf(c->name, sizeof c->name, "%s", name);
    c->type = t;
    c->not_null = not_null;
}

static void init_desc(cat_desc *d, obj_kind k, uint64_t id, const char *name, int64_t rows)
{
    memset(d, 0, sizeof *d);
    d->kind = k;
    d->id = id;
    snprintf(d->name, sizeof d->name, "%s", name);
    snprintf(d->schema, sizeof d->schema, "%s", SCHEMA);
    snprintf(d->qname, sizeof d->qname, "\"%s\".\"%s\"", SCHEMA, name);
    d->rows = rows;
    d->owner = -1;
}

/* Appends "CREATE TABLE qname (cols)" for d. */
static void create_sql(sqlbuf *b, const cat_desc *d)
{
    sb_printf(b, "CREATE TABLE %s (", d->qname);
    for (int i = 0; i < d->ncols; i++) {
        sb_add(b, i ? ", " : "");
        sb_ident(b, d->cols[i].name);
        sb_printf(b, " %s%s", sql_type_get(d->cols[i].type)->sql,
                  d->cols[i].not_null ? " NOT NULL" : "");
    }
    sb_addc(b, ')');
}

static void fill(PGconn *c, const cat_desc *d, int rows, rng_t *r)
{
    for (int i = 0; i < rows; i++) {
        sqlbuf b = SQLBUF_INIT;
        sb_printf(&b, "INSERT INTO %s VALUES (", d->qname);
        for (int k = 0; k < d->ncols; k++) {
            sb_add(&b, k ? ", " : "");
            gen_literal(&b, r, d->cols[k].type, !d->cols[k].not_null);
        }
        sb_addc(&b, ')');
        exec_ok(c, sb_str(&b));
        sb_free(&b);
    }
}

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    const char *dsn = getenv("MELEE_TEST_DSN");
    if (!dsn || !*dsn) {
        char *err = NULL;
        embedded_opts o = {.quiet = true};
        f->pg = embedded_start(&o, &err);
        if (!f->pg) {
            print_error("embedded_start: %s\n", err ? err : "?");
            free(err);
            free(f);
            return -1;
        }
        dsn = embedded_conninfo(f->pg);
    }
    f->conn = PQconnectdb(dsn);
    if (PQstatus(f->conn) != CONNECTION_OK) {
        print_error("connect: %s\n", PQerrorMessage(f->conn));
        return -1;
    }
    exec_ok(f->conn, "SET client_min_messages = warning");
    exec_ok(f->conn, "SET statement_timeout = '10s'");
    exec_ok(f->conn, "SET TimeZone = 'Pacific/Kiritimati'");   /* +14: edge of the range */
    exec_ok(f->conn, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE");
    exec_ok(f->conn, "CREATE SCHEMA " SCHEMA);

    /* gt_all: every type, alternately NULL-able and NOT NULL. */
    cat_desc *all = &f->rels[0];
    init_desc(all, OBJ_TABLE, 1, "gt_all", ROWS_ALL);
    add_col(all, "id", T_INTEGER, true);
    for (int t = 0; t < T_TYPE_COUNT; t++) {
        char name[32];
        snprintf(name, sizeof name, "c_%s", sql_type_get(t)->short_name);
        add_col(all, name, (sql_type)t, t % 2 == 1);
    }
    add_col(all, "Mixed Case \"col\"", T_TEXT, false);
    cat_desc *small = &f->rels[1];
    init_desc(small, OBJ_TABLE, 2, "gt small", ROWS_SMALL);
    add_col(small, "k", T_INTEGER, false);
    add_col(small, "v", T_TEXT, true);
    add_col(small, "d", T_DATE, false);
    add_col(small, "j", T_JSONB, false);
    add_col(small, "n", T_NUMERIC, true);
    add_col(small, "u", T_UUID, false);
    add_col(small, "ia", T_INT_ARRAY, false);

    rng_t r;
    rng_seed(&r, 7);
    for (int i = 0; i < 2; i++) {
        sqlbuf b = SQLBUF_INIT;
        create_sql(&b, &f->rels[i]);
        exec_ok(f->conn, sb_str(&b));
        sb_free(&b);
    }
    fill(f->conn, all, ROWS_ALL, &r);
    fill(f->conn, small, ROWS_SMALL, &r);

    /* A view and a materialized view built from generated queries, as the
     * DDL actions do; their columns come from gen_output. */
    const char *kinds[2] = {"VIEW", "MATERIALIZED VIEW"};
    for (int i = 0; i < 2; i++) {
        cat_desc *v = &f->rels[2 + i];
        init_desc(v, i ? OBJ_MATVIEW : OBJ_VIEW, 3 + (uint64_t)i, i ? "gm_mat" : "gv_view", 0);
        for (uint64_t seed = 1;; seed++) {
            rng_t vr;
            rng_seed(&vr, seed);
            gen_query_opts o = gen_query_all();
            o.allow_for_update = false;
            gen_output out;
            sqlbuf b = SQLBUF_INIT;
            sb_printf(&b, "CREATE %s %s AS ", kinds[i], v->qname);
            gen_select(&b, &vr, f->rels, 2, &o, &out);
            PGresult *res = PQexec(f->conn, sb_str(&b));
            bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
            PQclear(res);
            sb_free(&b);
            if (ok && out.ncols >= 2) {
                v->ncols = out.ncols;
                memcpy(v->cols, out.cols, sizeof out.cols);
                break;
            }
            if (ok)
                exec_ok(f->conn, i ? "DROP MATERIALIZED VIEW " SCHEMA ".gm_mat"
                                   : "DROP VIEW " SCHEMA ".gv_view");
            assert_true(seed < 200);
        }
    }
    /* and a table without columns */
    init_desc(&f->rels[4], OBJ_TABLE, 5, "gt_empty", 3);
    exec_ok(f->conn, "CREATE TABLE " SCHEMA ".gt_empty ()");
    for (int i = 0; i < 3; i++)
        exec_ok(f->conn, "INSERT INTO " SCHEMA ".gt_empty DEFAULT VALUES");
    f->nrels = 5;
    exec_ok(f->conn, "ANALYZE");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->ran > 0)
        print_message("generator: %d statements, %d data exceptions (%.1f%%)\n", f->ran,
                      f->class22, 100.0 * f->class22 / f->ran);
    PQclear(PQexec(f->conn, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE"));
    PQfinish(f->conn);
    if (f->pg)
        embedded_stop(f->pg);
    free(f);
    return 0;
}

/* Runs sql; fails the test on any error outside class 22 and, when
 * types is not NULL, unless the result has n columns c0.. of those types
 * (names checked when names is true). Returns true when it ran. */
static bool run_checked(fixture *f, const char *sql, const sql_type *types, int n, bool names)
{
    PGresult *res = PQexec(f->conn, sql);
    f->ran++;
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (!state || strncmp(state, "22", 2) != 0)
            fail_msg("SQLSTATE %s: %s\n%s", state ? state : "?", PQerrorMessage(f->conn), sql);
        f->class22++;
        PQclear(res);
        return false;
    }
    if (types) {
        if (PQnfields(res) != n)
            fail_msg("%d columns, %d expected\n%s", PQnfields(res), n, sql);
        for (int i = 0; i < n; i++) {
            if (PQftype(res, i) != TYPE_OIDS[types[i]])
                fail_msg("column %d has type oid %u, %s (%u) expected\n%s", i, PQftype(res, i),
                         sql_type_get(types[i])->sql, TYPE_OIDS[types[i]], sql);
            char want[16];
            snprintf(want, sizeof want, "c%d", i);
            if (names && strcmp(PQfname(res, i), want) != 0)
                fail_msg("column %d is named %s, %s expected\n%s", i, PQfname(res, i), want, sql);
        }
    }
    PQclear(res);
    return true;
}

static void test_literals_and_params(void **state)
{
    fixture *f = *state;
    rng_t r;
    rng_seed(&r, 11);
    for (int t = 0; t < T_TYPE_COUNT; t++) {
        char *psql = xasprintf("SELECT $1::%s", sql_type_get(t)->sql);
        for (int i = 0; i < 150; i++) {
            sqlbuf b = SQLBUF_INIT;
            sb_add(&b, "SELECT ");
            gen_literal(&b, &r, (sql_type)t, true);
            PGresult *res = PQexec(f->conn, sb_str(&b));
            if (PQresultStatus(res) != PGRES_TUPLES_OK)
                fail_msg("literal refused: %s\n%s", PQerrorMessage(f->conn), sb_str(&b));
            assert_int_equal(PQftype(res, 0), TYPE_OIDS[t]);
            PQclear(res);
            sb_free(&b);

            char *v = gen_param_text(&r, (sql_type)t, true);
            const char *vals[1] = {v};
            res = PQexecParams(f->conn, psql, 1, NULL, vals, NULL, NULL, 0);
            if (PQresultStatus(res) != PGRES_TUPLES_OK)
                fail_msg("parameter refused: %s\n%s with [%s]", PQerrorMessage(f->conn), psql,
                         v ? v : "NULL");
            assert_int_equal(PQgetisnull(res, 0, 0), v == NULL);
            PQclear(res);
            free(v);
        }
        free(psql);
    }
}

/* The parameter values the statement log writes beside the SQL
 * (sb_param_values) stay on one line, free of control characters, and the server reads them back as
 * exactly the values sent: generated parameters of every type, NULL, and
 * text with quotes, backslashes and control characters. */
static void test_logged_params_read_back(void **state)
{
    fixture *f = *state;
    rng_t r;
    rng_seed(&r, 12);
    for (int i = 0; i < 3000; i++) {
        char *v;
        if (i % 2 == 0) {
            v = gen_param_text(&r, (sql_type)(i / 2 % T_TYPE_COUNT), true);
        } else {
            size_t len = rng_below(&r, 13);
            v = xmalloc(len + 1);
            for (size_t k = 0; k < len; k++)
                v[k] = (char)(1 + rng_below(&r, 127));
            v[len] = '\0';
        }
        const char *vals[1] = {v};
        sqlbuf b = SQLBUF_INIT;
        sb_param_values(&b, 1, vals);
        const char *text = sb_str(&b);
        assert_true(strncmp(text, "$1 = ", 5) == 0);
        for (const char *c = text; *c; c++)
            if ((unsigned char)*c < 0x20)
                fail_msg("a control character in the logged value %s", text);
        char *sql = xasprintf("SELECT %s::text", text + 5);
        PGresult *res = PQexec(f->conn, sql);
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            fail_msg("logged value refused: %s\n%s", PQerrorMessage(f->conn), sql);
        assert_int_equal(PQgetisnull(res, 0, 0), v == NULL);
        if (v && strcmp(PQgetvalue(res, 0, 0), v) != 0)
            fail_msg("%s reads back as [%s], not [%s]", sql, PQgetvalue(res, 0, 0), v);
        PQclear(res);
        free(sql);
        sb_free(&b);
        free(v);
    }
    const char *two[2] = {"it's", NULL};
    sqlbuf b = SQLBUF_INIT;
    sb_param_values(&b, 2, two);
    assert_string_equal(sb_str(&b), "$1 = 'it''s', $2 = NULL");
    sb_free(&b);
}

/* Multi-line statements with comments, string constants and dollar quotes
 * that span lines, and quoted names: the one-line form the statement log
 * writes (sb_sql_one_line) has no line break and gives the same result. */
static const char *const MULTI_LINE_SQL[] = {
    "SELECT 1 -- one, it's a */ comment; with /* in it\n + 1 AS two",
    "SELECT 'two\nlines', 'it''s\r\nhere' /* a block\n /* nested */ comment */ AS c,\n"
    "  E'e\\\nx\ty', E'it\\'s\nhere'",
    "SELECT $$one -- not a comment\ntwo 'quoted' \\ back$$,\n$fn$ $$ \n $fn$ AS \"$x\"",
    "SELECT \"a b\".x FROM (SELECT 1 AS x) \"a b\" -- a comment at the end",
    "SELECT '--not a comment', \"--col\" FROM (SELECT 1 AS \"--col\") s\n"
    "-- a comment line\nWHERE true -- and another\n",
    "SELECT date\n'2020-01-02', 1\t+\r\n2, 'back\\slash\nand a line'",
};

/* Runs sql; returns its rows as "v|v|...;" text (NULL as \N), or the
 * error message prefixed by "error: ". Caller frees. */
static char *rows_of(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    sqlbuf out = SQLBUF_INIT;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        sb_printf(&out, "error: %s", PQerrorMessage(c));
    for (int r = 0; r < PQntuples(res); r++) {
        for (int k = 0; k < PQnfields(res); k++)
            sb_printf(&out, "%s%s", k ? "|" : "",
                      PQgetisnull(res, r, k) ? "\\N" : PQgetvalue(res, r, k));
        sb_addc(&out, ';');
    }
    PQclear(res);
    return sb_steal(&out);
}

static void test_logged_sql_one_line(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < ARRAY_LEN(MULTI_LINE_SQL); i++) {
        sqlbuf b = SQLBUF_INIT;
        sb_sql_one_line(&b, MULTI_LINE_SQL[i]);
        if (strpbrk(sb_str(&b), "\r\n"))
            fail_msg("a line break left in %s", sb_str(&b));
        char *want = rows_of(f->conn, MULTI_LINE_SQL[i]);
        char *got = rows_of(f->conn, sb_str(&b));
        if (strncmp(want, "error: ", 7) == 0 || strcmp(want, got) != 0)
            fail_msg("%s\ngives [%s];\nits one-line form %s\ngives [%s]", MULTI_LINE_SQL[i],
                     want, sb_str(&b), got);
        free(want);
        free(got);
        sb_free(&b);
    }
    sqlbuf b = SQLBUF_INIT;
    sb_sql_one_line(&b, "SELECT 1 -- it's */ here\n+ $$a\nb$$");
    assert_string_equal(sb_str(&b), "SELECT 1 /* it's * / here */ + E'a\\nb'");
    sb_free(&b);
}

/* The columns of a relation under alias, as an expression scope. */
static int scope_cols(const cat_desc *d, const char *alias, gen_col *cols)
{
    for (int i = 0; i < d->ncols; i++) {
        snprintf(cols[i].alias, sizeof cols[i].alias, "%s", alias);
        snprintf(cols[i].name, sizeof cols[i].name, "%s", d->cols[i].name);
        cols[i].type = d->cols[i].type;
    }
    return d->ncols;
}

static void test_expressions_typed(void **state)
{
    fixture *f = *state;
    gen_col cols[CAT_MAX_COLUMNS];
    int ncols = scope_cols(&f->rels[0], "r0", cols);
    for (int i = 0; i < 2000 * scale(); i++) {
        rng_t r;
        rng_seed(&r, 1000 + (uint64_t)i);
        sql_type t = (sql_type)(i % T_TYPE_COUNT);
        gen_scope s = {cols, ncols, 2 + i % 4, i % 2 == 0, false, f->rels, f->nrels};
        sqlbuf b = SQLBUF_INIT;
        sb_add(&b, "SELECT ");
        gen_expr(&b, &r, &s, t);
        sb_printf(&b, " FROM %s r0", f->rels[0].qname);
        run_checked(f, sb_str(&b), &t, 1, false);
        sb_free(&b);
    }
}

static void test_conditions_and_aggregates(void **state)
{
    fixture *f = *state;
    gen_col cols[CAT_MAX_COLUMNS];
    int ncols = scope_cols(&f->rels[0], "r0", cols);
    for (int i = 0; i < 1200 * scale(); i++) {
        rng_t r;
        rng_seed(&r, 50000 + (uint64_t)i);
        bool agg = i % 2 == 1;
        gen_scope s = {cols, ncols, 3, true, agg, f->rels, f->nrels};
        sqlbuf b = SQLBUF_INIT;
        sql_type t = (sql_type)(i / 2 % T_TYPE_COUNT);
        if (!agg) {
            sb_printf(&b, "SELECT count(*) FROM %s r0 WHERE ", f->rels[0].qname);
            gen_condition(&b, &r, &s);
            run_checked(f, sb_str(&b), NULL, 0, false);
        } else {
            /* Aggregates over the whole table, then as HAVING. */
            sb_add(&b, "SELECT ");
            gen_expr(&b, &r, &s, t);
            sb_printf(&b, " FROM %s r0", f->rels[0].qname);
            run_checked(f, sb_str(&b), &t, 1, false);
            sb_reset(&b);
            sb_printf(&b, "SELECT 1 FROM %s r0 HAVING ", f->rels[0].qname);
            gen_condition(&b, &r, &s);
            run_checked(f, sb_str(&b), NULL, 0, false);
        }
        sb_free(&b);
    }
}

static void test_selects(void **state)
{
    fixture *f = *state;
    exec_ok(f->conn, "BEGIN");   /* FOR UPDATE takes row locks: keep them in one txn */
    for (int i = 0; i < 2500 * scale(); i++) {
        rng_t r;
        rng_seed(&r, 90000 + (uint64_t)i);
        gen_query_opts o = gen_query_all();
        if (i % 5 == 1)
            o = (gen_query_opts){0};
        if (i % 7 == 2)
            o.max_output_cols = 1 + i % 4;
        /* one to three relations, in any order, repeats allowed */
        cat_desc picked[3];
        int n = 1 + (int)rng_below(&r, 3);
        for (int k = 0; k < n; k++)
            picked[k] = f->rels[rng_pick(&r, f->nrels)];
        gen_output out;
        sqlbuf b = SQLBUF_INIT;
        gen_select(&b, &r, picked, n, &o, &out);
        assert_true(out.ncols >= 1 && out.ncols <= CAT_MAX_COLUMNS);
        if (o.max_output_cols)
            assert_true(out.ncols <= o.max_output_cols);
        sql_type types[CAT_MAX_COLUMNS];
        for (int k = 0; k < out.ncols; k++)
            types[k] = out.cols[k].type;
        exec_ok(f->conn, "SAVEPOINT s");
        if (!run_checked(f, sb_str(&b), types, out.ncols, true))
            exec_ok(f->conn, "ROLLBACK TO SAVEPOINT s");
        sb_free(&b);
    }
    exec_ok(f->conn, "COMMIT");
    assert_true(f->class22 <= MAX_CLASS22_SHARE * f->ran);
}

/* Picks 1..3 of the fixture's relations (repeats allowed). */
static int pick_rels(fixture *f, rng_t *r, cat_desc *picked)
{
    int n = 1 + (int)rng_below(r, 3);
    for (int k = 0; k < n; k++)
        picked[k] = f->rels[rng_pick(r, f->nrels)];
    return n;
}

/* Generated queries with real parameters, prepared (generic and custom
 * plans), as the select_params action runs them. */
static void test_parameterised_prepared(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 600 * scale(); i++) {
        rng_t r;
        rng_seed(&r, 300000 + (uint64_t)i);
        exec_ok(f->conn, i % 2 ? "SET plan_cache_mode = force_generic_plan"
                               : "SET plan_cache_mode = auto");
        gen_query_opts o = gen_query_all();
        o.allow_for_update = false;
        cat_desc picked[3];
        int n = pick_rels(f, &r, picked);
        gen_output out;
        sqlbuf inner = SQLBUF_INIT, b = SQLBUF_INIT;
        gen_select(&inner, &r, picked, n, &o, &out);
        char *values[GEN_MAX_PARAMS];
        int np = gen_param_filter(&b, &r, sb_str(&inner), &out, values);
        PGresult *res = PQprepare(f->conn, "p", sb_str(&b), np, NULL);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            fail_msg("prepare: %s\n%s", PQerrorMessage(f->conn), sb_str(&b));
        PQclear(res);
        for (int k = 0; k < 2; k++) {
            res = PQexecPrepared(f->conn, "p", np, (const char *const *)values, NULL, NULL, 0);
            f->ran++;
            if (PQresultStatus(res) != PGRES_TUPLES_OK) {
                const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
                if (!st || strncmp(st, "22", 2) != 0)
                    fail_msg("SQLSTATE %s: %s\n%s", st ? st : "?", PQerrorMessage(f->conn),
                             sb_str(&b));
                f->class22++;
            } else {
                assert_int_equal(PQnfields(res), out.ncols);
            }
            PQclear(res);
        }
        exec_ok(f->conn, "DEALLOCATE p");
        for (int k = 0; k < np; k++)
            free(values[k]);
        sb_free(&inner);
        sb_free(&b);
    }
    exec_ok(f->conn, "RESET plan_cache_mode");
}

/* Generated queries as cursors: SCROLL ones without row locks (which
 * PostgreSQL refuses), fetched forwards and backwards, as the fetch
 * action does. */
static void test_cursors(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 300 * scale(); i++) {
        rng_t r;
        rng_seed(&r, 400000 + (uint64_t)i);
        bool scroll = i % 2 == 0;
        gen_query_opts o = gen_query_all();
        o.allow_for_update = !scroll;
        cat_desc picked[3];
        int n = pick_rels(f, &r, picked);
        sqlbuf b = SQLBUF_INIT;
        sb_printf(&b, "DECLARE c %sCURSOR FOR ", scroll ? "SCROLL " : "NO SCROLL ");
        gen_select(&b, &r, picked, n, &o, NULL);
        exec_ok(f->conn, "BEGIN");
        if (run_checked(f, sb_str(&b), NULL, 0, false) &&
            run_checked(f, "FETCH 3 FROM c", NULL, 0, false)) {
            run_checked(f, scroll ? "FETCH BACKWARD 2 FROM c" : "FETCH ALL FROM c", NULL, 0, false);
        }
        exec_ok(f->conn, "ROLLBACK");
        sb_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals_and_params),
        cmocka_unit_test(test_logged_params_read_back),
        cmocka_unit_test(test_logged_sql_one_line),
        cmocka_unit_test(test_expressions_typed),
        cmocka_unit_test(test_conditions_and_aggregates),
        cmocka_unit_test(test_selects),
        cmocka_unit_test(test_parameterised_prepared),
        cmocka_unit_test(test_cursors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
