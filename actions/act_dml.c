/* act_dml.c - the dml_nontrans actions, each one statement in autocommit:
 * UPDATE and DELETE with generated expressions and conditions, INSERT ...
 * RETURNING, INSERT ... ON CONFLICT DO NOTHING / DO UPDATE, and sequence
 * calls. They take no object locks: a table dropped or altered meanwhile
 * gives an error expected while DDL runs. */
#include <stdio.h>
#include <string.h>

#include "../core/util.h"
#include "action.h"
#include "ddl_util.h"
#include "gen_expr.h"

#define ALIAS "u"

/* Fills cols with t's columns under ALIAS; returns how many. */
static int scope_columns(const cat_desc *t, gen_col *cols)
{
    for (int i = 0; i < t->ncols; i++) {
        snprintf(cols[i].alias, sizeof cols[i].alias, ALIAS);
        snprintf(cols[i].name, sizeof cols[i].name, "%s", t->cols[i].name);
        cols[i].type = t->cols[i].type;
    }
    return t->ncols;
}

/* Appends " WHERE cond" (or nothing, now and then, for whole-table
 * statements on small tables). */
static void add_where(actx *a, const cat_desc *t, const gen_scope *s)
{
    if (t->rows < 200 && rng_chance(a->rng, 0.05))
        return;
    sb_add(&a->sql, " WHERE ");
    if (rng_chance(a->rng, 0.3))
        sb_printf(&a->sql, ALIAS ".id %% %d = %d AND ", (int)rng_range(a->rng, 2, 10),
                  (int)rng_range(a->rng, 0, 1));
    gen_condition(&a->sql, a->rng, s);
}

static gen_scope table_scope(const gen_col *cols, int n)
{
    gen_scope s = {.cols = cols, .ncols = n, .max_depth = 3};
    return s;
}

static act_result update(actx *a)
{
    held t;
    if (!held_pick(a, OBJ_MASK(OBJ_TABLE), false, false, &t))
        return ACT_SKIP;
    gen_col cols[CAT_MAX_COLUMNS];
    gen_scope s = table_scope(cols, scope_columns(&t.d, cols));
    act_result res = ACT_SKIP;
    if (t.d.ncols > 1) {
        sb_printf(&a->sql, "UPDATE %s AS " ALIAS " SET ", t.d.qname);
        /* Distinct columns (a column may be assigned once): the first
         * nset of a partial shuffle of 1..ncols-1. */
        int idx[CAT_MAX_COLUMNS], ncand = t.d.ncols - 1;
        for (int i = 0; i < ncand; i++)
            idx[i] = i + 1;
        int nset = (int)rng_range(a->rng, 1, MIN(3, ncand));
        for (int k = 0; k < nset; k++) {
            int j = k + (int)rng_below(a->rng, (uint64_t)(ncand - k));
            int pick = idx[j];
            idx[j] = idx[k];
            idx[k] = pick;
            const cat_column *c = &t.d.cols[pick];
            if (k)
                sb_add(&a->sql, ", ");
            sb_ident(&a->sql, c->name);
            sb_add(&a->sql, " = ");
            if (c->has_default && rng_chance(a->rng, 0.1))
                sb_add(&a->sql, "DEFAULT");
            else
                gen_expr(&a->sql, a->rng, &s, c->type);
        }
        add_where(a, &t.d, &s);
        if (rng_chance(a->rng, 0.2))
            sb_add(&a->sql, " RETURNING " ALIAS ".id");
        res = act_of(ax_exec_any(a, sb_str(&a->sql), 0, NULL));
    }
    held_release(a, &t, 1);
    return res;
}

static act_result delete_rows(actx *a)
{
    held t;
    if (!held_pick(a, OBJ_MASK(OBJ_TABLE), false, false, &t))
        return ACT_SKIP;
    gen_col cols[CAT_MAX_COLUMNS];
    gen_scope s = table_scope(cols, scope_columns(&t.d, cols));
    sb_printf(&a->sql, "DELETE FROM %s AS " ALIAS, t.d.qname);
    if (rng_chance(a->rng, 0.3))
        sb_printf(&a->sql, " WHERE " ALIAS ".id IN (SELECT id FROM %s ORDER BY id LIMIT %d)",
                  t.d.qname, (int)rng_range(a->rng, 1, 50));
    else
        add_where(a, &t.d, &s);
    bool ok = ax_exec_any(a, sb_str(&a->sql), 0, NULL);
    if (ok)
        catalog_add_rows(a->cat, t.o, -ax_affected(a));
    held_release(a, &t, 1);
    return act_of(ok);
}

static act_result insert_returning(actx *a)
{
    held t;
    if (!held_pick(a, OBJ_MASK(OBJ_TABLE), false, false, &t))
        return ACT_SKIP;
    ddl_insert_sql(&a->sql, a->rng, &t.d, (int)rng_range(a->rng, 1, 5), -1);
    sb_add(&a->sql, rng_chance(a->rng, 0.5) ? " RETURNING *" : " RETURNING id, now()");
    bool ok = ax_exec_any(a, sb_str(&a->sql), 0, NULL);
    if (ok)
        catalog_add_rows(a->cat, t.o, ax_ntuples(a));
    held_release(a, &t, 1);
    return act_of(ok);
}

/* Appends "ON CONFLICT (id) DO UPDATE SET c = EXCLUDED.c, ..." or DO
 * NOTHING. */
static void add_on_conflict(actx *a, const cat_desc *t)
{
    if (t->ncols < 2 || rng_chance(a->rng, 0.3)) {
        sb_add(&a->sql, " ON CONFLICT DO NOTHING");
        return;
    }
    sb_add(&a->sql, " ON CONFLICT (id) DO UPDATE SET ");
    const cat_column *c = &t->cols[rng_range(a->rng, 1, t->ncols - 1)];
    sb_ident(&a->sql, c->name);
    sb_add(&a->sql, " = EXCLUDED.");
    sb_ident(&a->sql, c->name);
    if (rng_chance(a->rng, 0.3))
        sb_printf(&a->sql, " WHERE %s.id %% 2 = 0", t->qname);
}

static act_result upsert(actx *a)
{
    held t;
    if (!held_pick(a, OBJ_MASK(OBJ_TABLE), false, false, &t))
        return ACT_SKIP;
    int rows = (int)rng_range(a->rng, 1, 3);
    int64_t key = rng_range(a->rng, 1, MAX(t.d.rows, 10) + 10);
    ddl_insert_sql(&a->sql, a->rng, &t.d, rows, key);
    add_on_conflict(a, &t.d);
    bool ok = ax_exec_any(a, sb_str(&a->sql), 0, NULL);
    held_release(a, &t, 1);
    return act_of(ok);
}

/* nextval / setval / currval / lastval on a tracked sequence, given by
 * name as a real parameter, or a read of the sequence relation itself.
 * The sequence is locked (with its schema) like DDL on it: $1::regclass
 * looks the name up without a server lock, and a DROP between that and
 * opening the sequence fails with an internal error ("could not open
 * relation with OID"). */
static act_result sequence_call(actx *a)
{
    static const char *const CALLS[] = {
        "SELECT nextval($1::regclass)",
        "SELECT setval($1::regclass, (random() * 1000)::bigint + 1)",
        "SELECT nextval($1::regclass), currval($1::regclass), lastval()",
    };
    held s[2];
    if (!held_lock_with_schema(a, OBJ_SEQUENCE, false, s))
        return ACT_SKIP;
    const char *params[] = {s[0].d.qname};
    size_t pick = rng_pick(a->rng, ARRAY_LEN(CALLS) + 1);
    bool ok;
    if (pick < ARRAY_LEN(CALLS)) {
        ok = ax_exec_any(a, CALLS[pick], 1, params);
    } else {
        sb_printf(&a->sql, "SELECT last_value, log_cnt, is_called FROM %s", s[0].d.qname);
        ok = ax_exec_any(a, sb_str(&a->sql), 0, NULL);
    }
    held_unlock_release(a, s, 2);
    return act_of(ok);
}

/* ON CONFLICT targets the primary key; a row proposed twice in one
 * statement is a generator-side possibility only for DO UPDATE with
 * duplicate keys, which the keys above never produce. */
static const error_rule UPSERT_RULES[] = {
    {"42P10", NULL, EC_IGNORED, WHEN_DDL},   /* the key column or index went away */
    ERROR_RULES_END,
};

const action_def dml_actions[] = {
    {"update", LIST_DML_NONTRANS, 40, update, NULL, ACTF_NONE, NULL},
    {"delete", LIST_DML_NONTRANS, 15, delete_rows, NULL, ACTF_NONE, NULL},
    {"insert_returning", LIST_DML_NONTRANS, 30, insert_returning, NULL, ACTF_NONE, NULL},
    {"upsert", LIST_DML_NONTRANS, 30, upsert, UPSERT_RULES, ACTF_NONE, NULL},
    {"sequence_call", LIST_DML_NONTRANS, 10, sequence_call, NULL, ACTF_NONE, NULL},
};
const size_t dml_actions_count = ARRAY_LEN(dml_actions);
