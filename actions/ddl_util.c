/* ddl_util.c - holding and locking objects, random columns, table and
 * INSERT text (ddl_util.h). */
#include "ddl_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "gen_value.h"

#define NULL_CHANCE 0.5  /* of letting gen_literal draw NULLs at all */
#define MAX_HELD HELD_MAX

bool held_pick(actx *a, unsigned mask, bool for_drop, bool shared_only, held *h)
{
    h->shared = false;
    h->claimed = false;
    h->o = catalog_pick(a->cat, a->rng, mask, shared_only ? -1 : a->worker_id, for_drop, &h->d);
    return h->o != NULL;
}

static int by_id(const void *x, const void *y)
{
    const held *const *p = x, *const *q = y;
    return (*p)->d.id < (*q)->d.id ? -1 : (*p)->d.id > (*q)->d.id;
}

/* Locks one object, shared or not, and refreshes its copy; false
 * (unlocked) when gone. */
static bool lock_one(actx *a, held *h, bool shared)
{
    if (!(shared ? catalog_lock_shared(a->cat, h->o) : catalog_lock(a->cat, h->o)))
        return false;
    if (catalog_describe(a->cat, h->o, &h->d))
        return true;
    catalog_unlock(h->o);
    return false;
}

/* True when h[i] holds an object that an earlier entry holds too (an
 * object picked twice is locked once). */
static bool picked_before(const held *h, int i)
{
    for (int j = 0; j < i; j++)
        if (h[j].o == h[i].o)
            return true;
    return false;
}

/* True when every entry holding h[i]'s object is shared. */
static bool only_shared(const held *h, int n, int i)
{
    for (int j = 0; j < n; j++)
        if (h[j].o == h[i].o && !h[j].shared)
            return false;
    return true;
}

bool held_lock(actx *a, held *h, int n)
{
    held *order[MAX_HELD];
    bool shared[MAX_HELD];
    int m = 0;
    for (int i = 0; i < n && m < MAX_HELD; i++)
        if (h[i].o && !picked_before(h, i))
            order[m++] = &h[i];
    qsort(order, (size_t)m, sizeof order[0], by_id);
    for (int i = 0; i < m; i++)
        shared[i] = only_shared(h, n, (int)(order[i] - h));
    ax_set_waiting(a, true);
    for (int i = 0; i < m; i++) {
        if (lock_one(a, order[i], shared[i]))
            continue;
        for (int j = 0; j < i; j++)
            catalog_unlock(order[j]->o);
        ax_set_waiting(a, false);
        return false;
    }
    ax_set_waiting(a, false);
    /* Duplicates get the fresh metadata of their first entry. */
    for (int i = 0; i < n; i++)
        for (int j = 0; h[i].o && j < i; j++)
            if (h[j].o == h[i].o) {
                h[i].d = h[j].d;
                break;
            }
    return true;
}

void held_unlock(held *h, int n)
{
    for (int i = 0; i < n; i++)
        if (h[i].o && !picked_before(h, i))
            catalog_unlock(h[i].o);
}

void held_release(actx *a, held *h, int n)
{
    for (int i = 0; i < n; i++) {
        if (h[i].o && h[i].claimed)
            catalog_unclaim_drop(a->cat, h[i].o);
        if (h[i].o)
            catalog_release(a->cat, h[i].o);
        h[i].o = NULL;
        h[i].claimed = false;
    }
}

/* Claims the drop of the locked object h holds (catalog_claim_drop).
 * Returns false when the drop would take a kind below its minimum. */
static bool held_claim_drop(actx *a, held *h)
{
    h->claimed = catalog_claim_drop(a->cat, h->o);
    return h->claimed;
}

bool held_lock_with_schema(actx *a, obj_kind k, bool for_drop, held h[2])
{
    memset(h, 0, 2 * sizeof *h);
    if (!held_pick(a, OBJ_MASK(k), for_drop, false, &h[0]))
        return false;
    held_schema_of(a, &h[0], &h[1]);
    if (!held_lock(a, h, 2)) {
        held_release(a, h, 2);
        return false;
    }
    if (for_drop && !held_claim_drop(a, &h[0])) {
        held_unlock_release(a, h, 2);
        return false;
    }
    return true;
}

/* True when the cascade set of o is exactly the objects of h[from..n). */
static bool same_cascade(actx *a, cat_obj *o, const held *h, int from, int n)
{
    cat_obj *now[MAX_HELD];
    int m = catalog_cascade_of(a->cat, o, now, MAX_HELD);
    bool same = m == n - from;
    for (int i = 0; i < m; i++) {
        bool found = false;
        for (int j = from; j < n && !found; j++)
            found = h[j].o == now[i];
        same = same && found;
        catalog_release(a->cat, now[i]);
    }
    return same;
}

bool held_lock_with_dependents(actx *a, obj_kind k, bool for_drop, bool dependents,
                               held h[HELD_MAX], int *n)
{
    memset(h, 0, HELD_MAX * sizeof *h);
    *n = 2;
    if (!held_pick(a, OBJ_MASK(k), for_drop, false, &h[0]))
        return false;
    held_schema_of(a, &h[0], &h[1]);
    if (dependents) {
        cat_obj *deps[HELD_MAX - 2];
        int m = catalog_cascade_of(a->cat, h[0].o, deps, HELD_MAX - 2);
        if (m < 0) {
            held_release(a, h, 2);
            return false;
        }
        for (int i = 0; i < m; i++) {
            h[*n].o = deps[i];
            if (!catalog_describe(a->cat, deps[i], &h[*n].d))
                h[*n].d.id = 0; /* gone already: held_lock says so */
            (*n)++;
        }
    }
    if (!held_lock(a, h, *n)) {
        held_release(a, h, *n);
        return false;
    }
    /* A view built on it between the look and the locks is not locked. */
    if ((dependents && !same_cascade(a, h[0].o, h, 2, *n)) ||
        (for_drop && !held_claim_drop(a, &h[0]))) {
        held_unlock_release(a, h, *n);
        return false;
    }
    return true;
}

void held_unlock_release(actx *a, held *h, int n)
{
    held_unlock(h, n);
    held_release(a, h, n);
}

void held_schema_of(actx *a, const held *obj, held *schema)
{
    schema->shared = true;
    schema->o = catalog_schema_of(a->cat, obj->o);
    if (schema->o && !catalog_describe(a->cat, schema->o, &schema->d)) {
        catalog_release(a->cat, schema->o);
        schema->o = NULL;
    }
}

void ddl_qualify(cat_desc *d, const char *schema)
{
    sqlbuf b = SQLBUF_INIT;
    sb_ident(&b, schema);
    sb_addc(&b, '.');
    sb_ident(&b, d->name);
    snprintf(d->schema, sizeof d->schema, "%s", schema);
    snprintf(d->qname, sizeof d->qname, "%s", sb_str(&b));
    sb_free(&b);
}

/* Column types new columns get, weighted towards the common ones. */
static const struct {
    sql_type type;
    unsigned weight;
} COLUMN_TYPES[] = {
    {T_SMALLINT, 2}, {T_INTEGER, 6}, {T_BIGINT, 4},   {T_NUMERIC, 3},     {T_REAL, 1},
    {T_DOUBLE, 2},   {T_BOOLEAN, 2}, {T_TEXT, 5},     {T_VARCHAR, 2},     {T_DATE, 2},
    {T_TIMESTAMP, 2}, {T_TIMESTAMPTZ, 2}, {T_INTERVAL, 1}, {T_JSONB, 2},  {T_INT_ARRAY, 1},
    {T_TEXT_ARRAY, 1}, {T_UUID, 1},  {T_BYTEA, 1},
};

static sql_type random_type(rng_t *r)
{
    unsigned w[ARRAY_LEN(COLUMN_TYPES)];
    for (size_t i = 0; i < ARRAY_LEN(COLUMN_TYPES); i++)
        w[i] = COLUMN_TYPES[i].weight;
    return COLUMN_TYPES[rng_weighted(r, w, ARRAY_LEN(w))].type;
}

void ddl_random_column(actx *a, cat_column *col, bool allow_not_null, bool need_default)
{
    memset(col, 0, sizeof *col);
    snprintf(col->name, sizeof col->name, "c%llu",
             (unsigned long long)catalog_next_id(a->cat));
    col->type = random_type(a->rng);
    col->not_null = allow_not_null && rng_chance(a->rng, 0.2);
    col->has_default = (col->not_null && need_default) || rng_chance(a->rng, 0.3);
}

void ddl_column_def(sqlbuf *b, rng_t *r, const cat_column *col)
{
    sb_ident(b, col->name);
    sb_printf(b, " %s", sql_type_get(col->type)->sql);
    if (col->not_null)
        sb_add(b, " NOT NULL");
    if (col->has_default) {
        sb_add(b, " DEFAULT ");
        gen_literal(b, r, col->type, false);
    }
}

void ddl_random_table_columns(actx *a, cat_desc *d, int max_cols)
{
    cat_column *id = &d->cols[0];
    memset(id, 0, sizeof *id);
    snprintf(id->name, sizeof id->name, "id");
    id->type = T_BIGINT;
    id->not_null = true;
    id->has_default = true;
    int n = (int)rng_range(a->rng, 2, MAX(max_cols, 2));
    for (int i = 1; i <= n && i < CAT_MAX_COLUMNS; i++)
        ddl_random_column(a, &d->cols[i], true, false);
    d->ncols = MIN(n + 1, CAT_MAX_COLUMNS);
}

void ddl_create_table_sql(sqlbuf *b, rng_t *r, const cat_desc *d)
{
    sb_add(b, d->temp ? "CREATE TEMP TABLE " : "CREATE TABLE ");
    if (d->temp)
        sb_ident(b, d->name);
    else
        sb_add(b, d->qname);
    sb_add(b, " (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    for (int i = 1; i < d->ncols; i++) {
        sb_add(b, ", ");
        ddl_column_def(b, r, &d->cols[i]);
    }
    sb_add(b, ")");
}

/* Chooses the columns an INSERT lists: every one that must be given, the
 * others most of the time, "id" rarely. Returns how many went into use[]. */
static int insert_columns(rng_t *r, const cat_desc *t, bool keyed, bool use[CAT_MAX_COLUMNS])
{
    int n = 0;
    for (int i = 0; i < t->ncols; i++) {
        const cat_column *c = &t->cols[i];
        bool must = c->not_null && !c->has_default;
        bool is_id = strcmp(c->name, "id") == 0;
        if (is_id && keyed)
            must = true;
        use[i] = must || rng_chance(r, is_id ? 0.05 : 0.8);
        n += use[i];
    }
    return n;
}

void ddl_insert_sql(sqlbuf *b, rng_t *r, const cat_desc *t, int rows, int64_t first_key)
{
    bool use[CAT_MAX_COLUMNS];
    int n = insert_columns(r, t, first_key >= 0, use);
    sb_printf(b, "INSERT INTO %s ", t->qname);
    if (n == 0) {
        sb_add(b, "DEFAULT VALUES");
        return;
    }
    sb_addc(b, '(');
    const char *sep = "";
    for (int i = 0; i < t->ncols; i++) {
        if (!use[i])
            continue;
        sb_add(b, sep);
        sb_ident(b, t->cols[i].name);
        sep = ", ";
    }
    sb_add(b, ") VALUES ");
    for (int row = 0; row < rows; row++) {
        sb_add(b, row ? ", (" : "(");
        sep = "";
        for (int i = 0; i < t->ncols; i++) {
            if (!use[i])
                continue;
            sb_add(b, sep);
            const cat_column *c = &t->cols[i];
            if (first_key >= 0 && strcmp(c->name, "id") == 0)
                sb_printf(b, "%lld", (long long)(first_key + row));
            else
                gen_literal(b, r, c->type, !c->not_null && rng_chance(r, NULL_CHANCE));
            sep = ", ";
        }
        sb_addc(b, ')');
    }
}

act_result ddl_drop(actx *a, held *h, int n, bool cascade, bool outside_txn)
{
    bool ok = outside_txn ? ax_exec_outside_txn(a, sb_str(&a->sql)) : ax_exec(a, sb_str(&a->sql));
    if (ok)
        catalog_drop(a->cat, h[0].o, cascade);
    held_unlock_release(a, h, n);
    return act_of(ok);
}

act_result ddl_rename(actx *a, held h[2], const char *what, const char *prefix)
{
    cat_desc *d = &h[0].d;
    char name[CAT_NAME_LEN];
    snprintf(name, sizeof name, "%s%llu", prefix, (unsigned long long)catalog_next_id(a->cat));
    sb_printf(&a->sql, "ALTER %s %s RENAME TO ", what, d->qname);
    sb_ident(&a->sql, name);
    bool ok = ax_exec(a, sb_str(&a->sql));
    if (ok) {
        snprintf(d->name, sizeof d->name, "%s", name);
        catalog_update(a->cat, h[0].o, d);
    }
    held_unlock_release(a, h, 2);
    return act_of(ok);
}
