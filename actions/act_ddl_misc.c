/* act_ddl_misc.c - DDL on schemas, sequences and roles, privileges, and
 * DDL inside a transaction: CREATE / DROP [CASCADE] / RENAME SCHEMA,
 * CREATE / DROP SEQUENCE, CREATE / DROP ROLE, GRANT / REVOKE, and
 * BEGIN; ALTER TABLE ...; CREATE INDEX ...; COMMIT or ROLLBACK. */
#include <stdio.h>
#include <string.h>

#include "../core/util.h"
#include "action.h"
#include "ddl_util.h"

/* Creates an object of kind k named prefix<id> in a locked schema (or at
 * the top for roles) with the CREATE text returned by make. */
typedef void (*create_sql_fn)(actx *a, const cat_desc *d);

static act_result create_simple(actx *a, obj_kind k, const char *prefix, bool in_schema,
                                create_sql_fn make)
{
    held s = {0};
    if (in_schema) {
        if (!held_pick(a, OBJ_MASK(OBJ_SCHEMA), false, false, &s))
            return ACT_SKIP;
        s.shared = true; /* created into it */
        if (!held_lock(a, &s, 1)) {
            held_release(a, &s, 1);
            return ACT_SKIP;
        }
    }
    act_result res = ACT_SKIP;
    if (catalog_reserve(a->cat, k)) {
        cat_desc d = {.kind = k, .owner = -1};
        d.id = catalog_next_id(a->cat);
        snprintf(d.name, sizeof d.name, "%s%llu", prefix, (unsigned long long)d.id);
        if (in_schema)
            ddl_qualify(&d, s.d.name);
        else
            snprintf(d.qname, sizeof d.qname, "%s", d.name);
        make(a, &d);
        bool ok = ax_exec(a, sb_str(&a->sql));
        if (ok)
            catalog_release(a->cat, catalog_add(a->cat, &d, s.o, NULL, 0));
        else
            catalog_unreserve(a->cat, k);
        res = act_of(ok);
    }
    held_unlock(&s, 1);
    held_release(a, &s, 1);
    return res;
}

static void schema_sql(actx *a, const cat_desc *d)
{
    sb_add(&a->sql, "CREATE SCHEMA ");
    sb_ident(&a->sql, d->name);
}

static void sequence_sql(actx *a, const cat_desc *d)
{
    static const char *const OPTIONS[] = {"", " AS integer", " AS smallint CYCLE",
                                          " INCREMENT BY -1 MINVALUE -1000 MAXVALUE 0 START 0",
                                          " START 100 INCREMENT 7 CACHE 10",
                                          " MAXVALUE 1000 CYCLE"};
    sb_printf(&a->sql, "CREATE SEQUENCE %s%s", d->qname,
              OPTIONS[rng_pick(a->rng, ARRAY_LEN(OPTIONS))]);
}

static void role_sql(actx *a, const cat_desc *d)
{
    static const char *const OPTIONS[] = {"", " NOLOGIN", " LOGIN", " NOINHERIT",
                                          " CONNECTION LIMIT 5"};
    sb_add(&a->sql, "CREATE ROLE ");
    sb_ident(&a->sql, d->name);
    sb_add(&a->sql, OPTIONS[rng_pick(a->rng, ARRAY_LEN(OPTIONS))]);
}

static act_result create_schema(actx *a)
{
    return create_simple(a, OBJ_SCHEMA, "melee_s", false, schema_sql);
}

static act_result create_sequence(actx *a)
{
    return create_simple(a, OBJ_SEQUENCE, "seq", true, sequence_sql);
}

static act_result create_role(actx *a)
{
    return create_simple(a, OBJ_ROLE, "melee_r", false, role_sql);
}

static act_result drop_schema(actx *a)
{
    held h[HELD_MAX];
    int n;
    bool cascade = rng_chance(a->rng, 0.7);
    if (!held_lock_with_dependents(a, OBJ_SCHEMA, true, cascade, h, &n))
        return ACT_SKIP;
    sb_printf(&a->sql, "DROP SCHEMA %s%s", h[0].d.qname, cascade ? " CASCADE" : "");
    return ddl_drop(a, h, n, cascade, false);
}

static act_result rename_schema(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_SCHEMA, false, h))
        return ACT_SKIP;
    return ddl_rename(a, h, "SCHEMA", "melee_s");
}

static act_result drop_sequence(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_SEQUENCE, true, h))
        return ACT_SKIP;
    sb_printf(&a->sql, "DROP SEQUENCE %s", h[0].d.qname);
    return ddl_drop(a, h, 2, false, false);
}

/* The SQL keyword naming an object of kind k after GRANT/REVOKE ... ON. */
static const char *privilege_target(obj_kind k)
{
    return k == OBJ_SCHEMA ? "SCHEMA" : k == OBJ_SEQUENCE ? "SEQUENCE" : "TABLE";
}

/* Objects whose privileges one round of drop_role revokes: with the role
 * and their schemas they stay within what held_lock takes at once. */
#define REVOKE_BATCH 3

typedef enum round_result {
    ROUND_MORE,     /* privileges revoked, more remain */
    ROUND_DROPPED,  /* the role is gone */
    ROUND_FAILED,   /* a statement failed */
    ROUND_SKIPPED   /* the role or an object went meanwhile */
} round_result;

/* One round of dropping a role: locks it with up to REVOKE_BATCH objects it
 * holds privileges on (and their schemas), revokes those, and once none is
 * left drops what it owns and the role itself, still under the locks, so
 * that no catalog row is updated under another worker's DDL. */
static round_result drop_role_round(actx *a, held *role)
{
    held h[1 + 2 * REVOKE_BATCH];
    memset(h, 0, sizeof h);
    h[0] = *role;
    uint64_t ids[CAT_MAX_GRANTS];
    int n = catalog_grants(a->cat, role->o, ids), k = 1, i = 0;
    for (; i < n && k < (int)ARRAY_LEN(h); i++) {
        h[k].o = catalog_find(a->cat, ids[i]);
        if (!h[k].o || !catalog_describe(a->cat, h[k].o, &h[k].d)) {
            catalog_release(a->cat, h[k].o);
            h[k].o = NULL;
            catalog_forget_grant(a->cat, role->o, ids[i]);
            continue;
        }
        held_schema_of(a, &h[k], &h[k + 1]);
        k += 2;
    }
    bool last = i == n;
    round_result res = ROUND_SKIPPED;
    if (held_lock(a, h, k)) {
        res = last ? ROUND_DROPPED : ROUND_MORE;
        for (int j = 1; j < k && res != ROUND_FAILED; j += 2) {
            sb_reset(&a->sql);
            sb_printf(&a->sql, "REVOKE ALL ON %s %s FROM %s", privilege_target(h[j].d.kind),
                      h[j].d.qname, h[0].d.qname);
            if (!ax_exec(a, sb_str(&a->sql)))
                res = ROUND_FAILED;
            else
                catalog_forget_grant(a->cat, role->o, h[j].d.id);
        }
        if (res == ROUND_DROPPED) {
            sb_reset(&a->sql);
            sb_printf(&a->sql, "DROP OWNED BY %s", h[0].d.qname);
            bool ok = ax_exec(a, sb_str(&a->sql));
            sb_reset(&a->sql);
            sb_printf(&a->sql, "DROP ROLE %s", h[0].d.qname);
            if (ok && ax_exec(a, sb_str(&a->sql)))
                catalog_drop(a->cat, role->o, false);
            else
                res = ROUND_FAILED;
        }
        held_unlock(h, k);
    }
    held_release(a, h + 1, k - 1);
    return res;
}

/* Revokes the role's privileges object by object under their locks, then
 * drops it (DROP OWNED BY, DROP ROLE). */
static act_result drop_role(actx *a)
{
    held role;
    if (!held_pick(a, OBJ_MASK(OBJ_ROLE), true, false, &role))
        return ACT_SKIP;
    round_result r = ROUND_MORE;
    for (int round = 0; round < CAT_MAX_GRANTS && r == ROUND_MORE; round++)
        r = drop_role_round(a, &role);
    held_release(a, &role, 1);
    return r == ROUND_DROPPED ? ACT_OK : r == ROUND_FAILED ? ACT_FAIL : ACT_SKIP;
}

/* GRANT or REVOKE a privilege on a relation, schema or sequence, or a
 * role membership, with the role, the object and its schema locked (the
 * server updates the object's catalog row without a lock of its own).
 * Granted privileges are tracked on the role for drop_role. */
static act_result grant_revoke(actx *a, bool grant)
{
    static const char *const TABLE_PRIVS[] = {"SELECT", "INSERT", "UPDATE", "DELETE",
                                              "TRUNCATE", "ALL PRIVILEGES", "SELECT, UPDATE"};
    held h[3] = {{0}}; /* the role, the object, the object's schema */
    unsigned mask = OBJ_RELATIONS | OBJ_MASK(OBJ_SCHEMA) | OBJ_MASK(OBJ_SEQUENCE) |
                    OBJ_MASK(OBJ_ROLE);
    if (!held_pick(a, OBJ_MASK(OBJ_ROLE), false, false, &h[0]))
        return ACT_SKIP;
    act_result res = ACT_SKIP;
    if (!held_pick(a, mask, false, true, &h[1]) || h[1].o == h[0].o)
        goto out;
    held_schema_of(a, &h[1], &h[2]);
    if (!held_lock(a, h, 3))
        goto out;
    obj_kind k = h[1].d.kind;
    if (!grant || k == OBJ_ROLE || catalog_grant_room(a->cat, h[0].o, h[1].d.id)) {
        const char *verb = grant ? "GRANT" : "REVOKE", *dir = grant ? "TO" : "FROM";
        const char *obj = h[1].d.qname, *who = h[0].d.qname;
        if (k == OBJ_ROLE)
            sb_printf(&a->sql, "%s %s %s %s", verb, obj, dir, who);
        else if (k == OBJ_SCHEMA || k == OBJ_SEQUENCE)
            sb_printf(&a->sql, "%s USAGE ON %s %s %s %s", verb, privilege_target(k), obj, dir,
                      who);
        else
            sb_printf(&a->sql, "%s %s ON %s %s %s", verb,
                      TABLE_PRIVS[rng_pick(a->rng, ARRAY_LEN(TABLE_PRIVS))], obj, dir, who);
        bool ok = ax_exec(a, sb_str(&a->sql));
        if (ok && grant && k != OBJ_ROLE)
            catalog_add_grant(a->cat, h[0].o, h[1].d.id);
        res = act_of(ok);
    }
    held_unlock(h, 3);
out:
    held_release(a, h, 3);
    return res;
}

static act_result grant(actx *a)
{
    return grant_revoke(a, true);
}

static act_result revoke(actx *a)
{
    return grant_revoke(a, false);
}

/* BEGIN; ADD COLUMN; COMMENT; CREATE INDEX on it; COMMIT or ROLLBACK. The
 * table and its schema are locked before BEGIN (ddl_util.h); the catalog
 * learns of the changes only when COMMIT succeeded. */
static act_result ddl_in_txn(actx *a)
{
    held h[2];
    if (!held_lock_with_schema(a, OBJ_TABLE, false, h))
        return ACT_SKIP;
    cat_desc *t = &h[0].d;
    bool have_index = catalog_reserve(a->cat, OBJ_INDEX);
    act_result res = ACT_SKIP;
    if (t->ncols < CAT_MAX_COLUMNS) {
        cat_column *c = &t->cols[t->ncols];
        ddl_random_column(a, c, true, true);
        cat_desc ix = {.kind = OBJ_INDEX, .temp = t->temp, .owner = t->owner, .base_id = t->id};
        ix.id = catalog_next_id(a->cat);
        snprintf(ix.name, sizeof ix.name, "i%llu", (unsigned long long)ix.id);
        bool commit = rng_chance(a->rng, 0.7);
        bool ok = ax_begin(a);
        sb_reset(&a->sql);
        sb_printf(&a->sql, "ALTER TABLE %s ADD COLUMN ", t->qname);
        ddl_column_def(&a->sql, a->rng, c);
        ok = ok && ax_exec(a, sb_str(&a->sql));
        sb_reset(&a->sql);
        sb_printf(&a->sql, "COMMENT ON COLUMN %s.", t->qname);
        sb_ident(&a->sql, c->name);
        sb_add(&a->sql, " IS 'added in a transaction'");
        ok = ok && ax_exec(a, sb_str(&a->sql));
        if (have_index) {
            sb_reset(&a->sql);
            sb_add(&a->sql, "CREATE INDEX ");
            sb_ident(&a->sql, ix.name);
            sb_printf(&a->sql, " ON %s (", t->qname);
            sb_ident(&a->sql, c->name);
            sb_addc(&a->sql, ')');
            ok = ok && ax_exec(a, sb_str(&a->sql));
        }
        ok = ok && (commit ? ax_commit(a) : ax_rollback(a));
        if (!ok && ax_in_txn(a))
            ax_rollback(a);
        if (ok && commit) {
            t->ncols++;
            catalog_update(a->cat, h[0].o, t);
            if (have_index) {
                cat_obj *base = h[0].o;
                catalog_release(a->cat, catalog_add(a->cat, &ix, t->temp ? NULL : h[1].o, &base, 1));
                have_index = false;
            }
        }
        res = act_of(ok);
    }
    if (have_index)
        catalog_unreserve(a->cat, OBJ_INDEX);
    held_unlock_release(a, h, 2);
    return res;
}

/* GRANT ... ON a relation of the wrong kind, or REVOKE of a membership
 * that was never granted, are refused in these ways. */
static const error_rule GRANT_RULES[] = {
    {"42809", NULL, EC_IGNORED, WHEN_ALWAYS},  /* wrong_object_type */
    {"0LP01", NULL, EC_IGNORED, WHEN_ALWAYS},  /* invalid_grant_operation (circular membership) */
    ERROR_RULES_END,
};

const action_def ddl_misc_actions[] = {
    {"create_schema", LIST_DDL, 4, create_schema, NULL, ACTF_NONE, NULL},
    {"drop_schema", LIST_DDL, 2, drop_schema, NULL, ACTF_NO_COVERAGE, NULL},
    {"rename_schema", LIST_DDL, 2, rename_schema, NULL, ACTF_NONE, NULL},
    {"create_sequence", LIST_DDL, 4, create_sequence, NULL, ACTF_NONE, NULL},
    {"drop_sequence", LIST_DDL, 2, drop_sequence, NULL, ACTF_NO_COVERAGE, NULL},
    {"create_role", LIST_DDL, 3, create_role, NULL, ACTF_NONE, NULL},
    {"drop_role", LIST_DDL, 2, drop_role, NULL, ACTF_NO_COVERAGE, NULL},
    {"grant", LIST_DDL, 4, grant, GRANT_RULES, ACTF_NONE, NULL},
    {"revoke", LIST_DDL, 3, revoke, GRANT_RULES, ACTF_NONE, NULL},
    {"ddl_in_txn", LIST_DDL, 4, ddl_in_txn, NULL, ACTF_NONE, NULL},
};
const size_t ddl_misc_actions_count = ARRAY_LEN(ddl_misc_actions);
