/* act_ddl_view.c - DDL on views, materialized views and indexes, in
 * autocommit, under the locks of the objects involved (ddl_util.h):
 * CREATE [OR REPLACE] / DROP / RENAME VIEW, CREATE / DROP / REFRESH
 * MATERIALIZED VIEW (CONCURRENTLY when a unique index exists), CREATE
 * [UNIQUE] INDEX [CONCURRENTLY] and DROP INDEX [CONCURRENTLY]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "action.h"
#include "ddl_util.h"
#include "gen_query.h"
#include "gen_value.h"

#define MAX_BASES 2

/* A schema and 1..MAX_BASES shared base relations, all locked. Returns the
 * number of held entries (schema first), or 0 holding nothing. */
static int lock_schema_and_bases(actx *a, held h[1 + MAX_BASES])
{
    memset(h, 0, (1 + MAX_BASES) * sizeof *h);
    if (!held_pick(a, OBJ_MASK(OBJ_SCHEMA), false, true, &h[0]))
        return 0;
    int n = 1, want = (int)rng_range(a->rng, 1, MAX_BASES);
    for (int i = 0; i < want; i++)
        if (held_pick(a, OBJ_RELATIONS, false, true, &h[n]))
            n++;
    for (int i = 0; i < n; i++)
        h[i].shared = true; /* created into the schema, built on the bases */
    if (n > 1 && held_lock(a, h, n))
        return n;
    held_release(a, h, n);
    return 0;
}

/* Creates a view or materialized view over locked bases. */
static act_result create_view_kind(actx *a, obj_kind kind)
{
    held h[1 + MAX_BASES];
    int n = lock_schema_and_bases(a, h);
    if (n == 0)
        return ACT_SKIP;
    act_result res = ACT_SKIP;
    if (catalog_reserve(a->cat, kind)) {
        cat_desc d = {.kind = kind, .owner = -1};
        d.id = catalog_next_id(a->cat);
        snprintf(d.name, sizeof d.name, "%s%llu", kind == OBJ_VIEW ? "v" : "mv",
                 (unsigned long long)d.id);
        ddl_qualify(&d, h[0].d.name);
        cat_desc bases[MAX_BASES];
        cat_obj *deps[MAX_BASES];
        for (int i = 1; i < n; i++) {
            bases[i - 1] = h[i].d;
            deps[i - 1] = h[i].o;
        }
        gen_query_opts o = gen_query_all();
        o.allow_for_update = false;
        gen_output out;
        bool no_data = kind == OBJ_MATVIEW && rng_chance(a->rng, 0.1);
        sb_printf(&a->sql, "CREATE %s %s AS ", kind == OBJ_VIEW ? "VIEW" : "MATERIALIZED VIEW",
                  d.qname);
        gen_select(&a->sql, a->rng, bases, n - 1, &o, &out);
        if (no_data)
            sb_add(&a->sql, " WITH NO DATA");
        bool ok = ax_exec(a, sb_str(&a->sql));
        if (ok) {
            d.ncols = out.ncols;
            memcpy(d.cols, out.cols, sizeof out.cols);
            d.rows = kind == OBJ_MATVIEW && !no_data ? ax_affected(a) : 0;
            catalog_release(a->cat, catalog_add(a->cat, &d, h[0].o, deps, n - 1));
        } else {
            catalog_unreserve(a->cat, kind);
        }
        res = act_of(ok);
    }
    held_unlock(h, n);
    held_release(a, h, n);
    return res;
}

static act_result create_view(actx *a)
{
    return create_view_kind(a, OBJ_VIEW);
}

static act_result create_matview(actx *a)
{
    return create_view_kind(a, OBJ_MATVIEW);
}

/* Strips trailing blanks and a semicolon from s in place. */
static void strip_statement_end(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ';' || s[n - 1] == ' ' || s[n - 1] == '\n'))
        s[--n] = '\0';
}

/* CREATE OR REPLACE VIEW keeping the old columns and adding one, in one
 * transaction that locks the view first: pg_get_viewdef reads the newest
 * catalog, and a base relation dropped (CASCADE) meanwhile would make it
 * fail with an internal error; with the view locked such a drop waits. */
static act_result replace_view(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_VIEW, false, h))
        return ACT_SKIP;
    cat_desc *d = &h[0].d;
    act_result res = ACT_SKIP;
    const char *params[] = {d->qname};
    if (d->ncols < CAT_MAX_COLUMNS) {
        sb_printf(&a->sql, "LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", d->qname);
        if (!ax_begin(a) || !ax_exec(a, sb_str(&a->sql)) ||
            !ax_exec_params(a, "SELECT pg_catalog.pg_get_viewdef($1::regclass)", 1, params)) {
            res = ACT_FAIL;
        } else if (ax_ntuples(a) == 1 && ax_value(a, 0, 0)) {
            char *def = xstrdup(ax_value(a, 0, 0));
            strip_statement_end(def);
            cat_column *c = &d->cols[d->ncols];
            memset(c, 0, sizeof *c);
            snprintf(c->name, sizeof c->name, "c%d", d->ncols);
            c->type = (sql_type)rng_below(a->rng, T_TYPE_COUNT);
            sb_reset(&a->sql);
            sb_printf(&a->sql, "CREATE OR REPLACE VIEW %s AS SELECT q.*, ", d->qname);
            gen_literal(&a->sql, a->rng, c->type, true);
            sb_printf(&a->sql, " AS c%d FROM (%s) AS q", d->ncols, def);
            free(def);
            bool ok = ax_exec(a, sb_str(&a->sql)) && ax_commit(a);
            if (ok) {
                d->ncols++;
                catalog_update(a->cat, h[0].o, d);
            }
            res = act_of(ok);
        }
    }
    if (res == ACT_SKIP)
        ax_rollback(a);
    held_unlock_release(a, h, 2);
    return res;
}

static const char *kind_word(obj_kind k)
{
    return k == OBJ_MATVIEW ? "MATERIALIZED VIEW" : k == OBJ_INDEX ? "INDEX" : "VIEW";
}

static act_result drop_kind(actx *a, obj_kind k)
{
    held h[HELD_MAX];
    int n;
    bool cascade = rng_chance(a->rng, 0.4);
    if (!held_lock_with_dependents(a, k, true, cascade, h, &n))
        return ACT_SKIP;
    bool concurrently = k == OBJ_INDEX && !cascade && rng_chance(a->rng, 0.3);
    sb_printf(&a->sql, "DROP %s %s%s%s", kind_word(k), concurrently ? "CONCURRENTLY " : "",
              h[0].d.qname, cascade ? " CASCADE" : "");
    return ddl_drop(a, h, n, cascade, true);
}

static act_result drop_view(actx *a)
{
    return drop_kind(a, OBJ_VIEW);
}

static act_result drop_matview(actx *a)
{
    return drop_kind(a, OBJ_MATVIEW);
}

static act_result drop_index(actx *a)
{
    return drop_kind(a, OBJ_INDEX);
}

static act_result rename_view(actx *a)
{
    obj_kind k = rng_chance(a->rng, 0.7) ? OBJ_VIEW : OBJ_MATVIEW;
    held h[2];
    if (!held_lock_with_schema(a, k, false, h))
        return ACT_SKIP;
    return ddl_rename(a, h, kind_word(k), k == OBJ_VIEW ? "v" : "mv");
}

static act_result refresh_matview(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_MATVIEW, false, h))
        return ACT_SKIP;
    bool concurrently = h[0].d.has_unique_index && rng_chance(a->rng, 0.6);
    bool no_data = !concurrently && rng_chance(a->rng, 0.05);
    sb_printf(&a->sql, "REFRESH MATERIALIZED VIEW %s%s%s", concurrently ? "CONCURRENTLY " : "",
              h[0].d.qname, no_data ? " WITH NO DATA" : "");
    bool ok = ax_exec_outside_txn(a, sb_str(&a->sql));
    held_unlock_release(a, h, 2);
    return act_of(ok);
}

/* Appends "(col, ...)" of 1..3 distinct columns of d; returns how many. */
static int index_columns(actx *a, const cat_desc *d, const char *method)
{
    int max = strcmp(method, "hash") == 0 ? 1 : 3;
    int n = (int)rng_range(a->rng, 1, MIN(max, d->ncols));
    int first = (int)rng_pick(a->rng, d->ncols);
    sb_addc(&a->sql, '(');
    for (int i = 0; i < n; i++) {
        if (i)
            sb_add(&a->sql, ", ");
        sb_ident(&a->sql, d->cols[(first + i) % d->ncols].name);
    }
    sb_addc(&a->sql, ')');
    return n;
}

static act_result create_index(actx *a)
{
    static const char *const METHODS[] = {"btree", "btree", "btree", "hash", "brin"};
    obj_kind k = rng_chance(a->rng, 0.8) ? OBJ_TABLE : OBJ_MATVIEW;
    held h[2];
    if (!held_lock_with_schema(a, k, false, h))
        return ACT_SKIP;
    cat_desc *rel = &h[0].d;
    act_result res = ACT_SKIP;
    if (rel->ncols > 0 && catalog_reserve(a->cat, OBJ_INDEX)) {
        const char *method = METHODS[rng_pick(a->rng, ARRAY_LEN(METHODS))];
        bool unique = strcmp(method, "btree") == 0 && rng_chance(a->rng, k == OBJ_MATVIEW ? 0.6 : 0.2);
        bool concurrently = rng_chance(a->rng, 0.3);
        cat_desc d = {.kind = OBJ_INDEX, .temp = rel->temp, .owner = rel->owner,
                      .base_id = rel->id};
        d.id = catalog_next_id(a->cat);
        snprintf(d.name, sizeof d.name, "i%llu", (unsigned long long)d.id);
        sb_printf(&a->sql, "CREATE %sINDEX %s", unique ? "UNIQUE " : "",
                  concurrently ? "CONCURRENTLY " : "");
        sb_ident(&a->sql, d.name);
        sb_printf(&a->sql, " ON %s USING %s ", rel->qname, method);
        index_columns(a, rel, method);
        if (k == OBJ_TABLE && rng_chance(a->rng, 0.2))
            sb_add(&a->sql, " WHERE id % 2 = 0");
        bool ok = ax_exec_outside_txn(a, sb_str(&a->sql));
        if (ok) {
            cat_obj *base = h[0].o;
            catalog_release(a->cat, catalog_add(a->cat, &d, rel->temp ? NULL : h[1].o, &base, 1));
            if (unique && k == OBJ_MATVIEW) {
                rel->has_unique_index = true;
                catalog_update(a->cat, h[0].o, rel);
            }
        } else {
            catalog_unreserve(a->cat, OBJ_INDEX);
        }
        res = act_of(ok);
    }
    held_unlock_release(a, h, 2);
    return res;
}

/* Generated view queries may not suit a view definition; refreshes meet
 * data their query cannot process any more. */
#define VIEW_RULE_ROWS                                                                \
    {"42P16", NULL, EC_IGNORED, WHEN_ALWAYS},  /* cannot change the columns of a view */ \
    {"0A000", NULL, EC_IGNORED, WHEN_ALWAYS}   /* e.g. window functions over a matview */

static const error_rule VIEW_RULES[] = {VIEW_RULE_ROWS, ERROR_RULES_END};

/* A known PostgreSQL bug (seen on 15.18), not a new finding each time:
 * pg_get_viewdef writes an ORDER BY on a negated numeric constant column
 * as "(- 1.04)", which the parser folds back into a constant and refuses,
 * so the view's own definition cannot be read back (pg_dump's neither). */
static const error_rule REPLACE_VIEW_RULES[] = {
    VIEW_RULE_ROWS,
    {"42601", "non-integer constant in ORDER BY", EC_IGNORED, WHEN_ALWAYS},
    ERROR_RULES_END,
};

static const error_rule INDEX_RULES[] = {
    {"42704", "does not have a default operator class", EC_IGNORED, WHEN_ALWAYS},
    {"42809", NULL, EC_IGNORED, WHEN_ALWAYS},  /* access method does not support multi-column */
    {"0A000", NULL, EC_IGNORED, WHEN_ALWAYS},  /* e.g. unique hash/brin */
    ERROR_RULES_END,
};

/* REFRESH ... CONCURRENTLY compares old and new rows and refuses new data
 * with two identical rows (no column NULL), which the view's query may
 * well produce from random data: documented, not a server fault. */
static const error_rule REFRESH_RULES[] = {
    {"21000", "contains duplicate rows without any null columns", EC_IGNORED, WHEN_ALWAYS},
    ERROR_RULES_END,
};

const action_def ddl_view_actions[] = {
    {"create_view", LIST_DDL, 10, create_view, VIEW_RULES, ACTF_NONE, NULL},
    {"replace_view", LIST_DDL, 4, replace_view, REPLACE_VIEW_RULES, ACTF_NONE, NULL},
    {"drop_view", LIST_DDL, 5, drop_view, NULL, ACTF_NO_COVERAGE, NULL},
    {"rename_view", LIST_DDL, 3, rename_view, NULL, ACTF_NONE, NULL},
    {"create_matview", LIST_DDL, 5, create_matview, VIEW_RULES, ACTF_NONE, NULL},
    {"refresh_matview", LIST_DDL, 6, refresh_matview, REFRESH_RULES, ACTF_NONE, NULL},
    {"drop_matview", LIST_DDL, 3, drop_matview, NULL, ACTF_NO_COVERAGE, NULL},
    {"create_index", LIST_DDL, 10, create_index, INDEX_RULES, ACTF_NONE, NULL},
    {"drop_index", LIST_DDL, 6, drop_index, NULL, ACTF_NO_COVERAGE, NULL},
};
const size_t ddl_view_actions_count = ARRAY_LEN(ddl_view_actions);
