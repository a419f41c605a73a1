/* Unit tests of the tracked catalog: limits and minimums under concurrent
 * create/drop from many threads, cascades, renames, temp objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/engine/catalog.h"

static const int LIMITS[OBJ_KIND_COUNT] = {3, 10, 8, 4, 6, 5, 5};
static const int MINIMUMS[OBJ_KIND_COUNT] = {1, 2, 0, 0, 0, 0, 0};

static cat_obj *add(catalog *c, obj_kind k, const char *name, cat_obj *schema, cat_obj *dep,
                    bool temp, int owner)
{
    if (!catalog_reserve(c, k))
        return NULL;
    cat_desc d;
    memset(&d, 0, sizeof d);
    d.kind = k;
    d.id = catalog_next_id(c);
    snprintf(d.name, sizeof d.name, "%s", name);
    d.temp = temp;
    d.owner = owner;
    return catalog_add(c, &d, schema, dep ? &dep : NULL, dep ? 1 : 0);
}

typedef struct {
    catalog *c;
    int id;
    _Atomic int *violations;
} churn_arg;

static void check_counts(catalog *c, _Atomic int *violations)
{
    int counts[OBJ_KIND_COUNT], limits[OBJ_KIND_COUNT];
    catalog_counts(c, counts, limits);
    for (int k = 0; k < OBJ_KIND_COUNT; k++)
        if (counts[k] > limits[k] || counts[k] < MINIMUMS[k])
            atomic_fetch_add(violations, 1);
}

/* Creates and drops tables, views and indexes at random, with the
 * pick-lock-recheck discipline. */
static void *churn(void *p)
{
    churn_arg *a = p;
    rng_t r = rng_derive(99, "churn", (uint64_t)a->id);
    for (int i = 0; i < 3000; i++) {
        int what = (int)rng_below(&r, 4);
        if (what == 0) {
            cat_obj *s = catalog_pick(a->c, &r, OBJ_MASK(OBJ_SCHEMA), a->id, false, NULL);
            if (s && catalog_lock(a->c, s)) {
                cat_obj *t = add(a->c, OBJ_TABLE, "t", s, NULL, rng_chance(&r, 0.2), a->id);
                catalog_unlock(s);
                catalog_release(a->c, t);
            }
            catalog_release(a->c, s);
        } else if (what == 1) {
            cat_obj *t = catalog_pick(a->c, &r, OBJ_MASK(OBJ_TABLE), a->id, false, NULL);
            if (t && catalog_lock(a->c, t)) {
                catalog_release(a->c, add(a->c, OBJ_VIEW, "v", NULL, t, false, -1));
                catalog_release(a->c, add(a->c, OBJ_INDEX, "i", NULL, t, false, -1));
                catalog_unlock(t);
            }
            catalog_release(a->c, t);
        } else {
            unsigned mask = what == 2 ? OBJ_MASK(OBJ_TABLE) : OBJ_MASK(OBJ_VIEW);
            cat_obj *o = catalog_pick(a->c, &r, mask, a->id, true, NULL);
            if (o && catalog_lock(a->c, o)) {
                if (catalog_claim_drop(a->c, o))
                    catalog_drop(a->c, o, rng_chance(&r, 0.5));
                catalog_unlock(o);
            }
            catalog_release(a->c, o);
        }
        check_counts(a->c, a->violations);
    }
    return NULL;
}

static void limits_hold_under_concurrency(void **state)
{
    (void)state;
    catalog *c = catalog_new(LIMITS, MINIMUMS);
    cat_obj *s = add(c, OBJ_SCHEMA, "s", NULL, NULL, false, -1);
    catalog_release(c, add(c, OBJ_TABLE, "t0", s, NULL, false, -1));
    catalog_release(c, add(c, OBJ_TABLE, "t1", s, NULL, false, -1));
    catalog_release(c, s);
    _Atomic int violations = 0;
    enum { N = 8 };
    pthread_t th[N];
    churn_arg args[N];
    for (int i = 0; i < N; i++) {
        args[i] = (churn_arg){c, i, &violations};
        pthread_create(&th[i], NULL, churn, &args[i]);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&violations), 0);
    int counts[OBJ_KIND_COUNT];
    catalog_counts(c, counts, NULL);
    assert_true(counts[OBJ_TABLE] >= 2);
    catalog_free(c);
}

/* Two workers that each picked a table while the kind was one above its
 * minimum cannot both drop theirs: the second claim is refused until the
 * first gives up. A schema whose drop would take tables below their
 * minimum cannot be claimed at all. */
static void drop_claims_keep_minimums(void **state)
{
    (void)state;
    catalog *c = catalog_new(LIMITS, MINIMUMS);
    cat_obj *s = add(c, OBJ_SCHEMA, "s", NULL, NULL, false, -1);
    cat_obj *s2 = add(c, OBJ_SCHEMA, "s2", NULL, NULL, false, -1);
    cat_obj *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = add(c, OBJ_TABLE, i == 0 ? "t0" : i == 1 ? "t1" : "t2", s, NULL, false, -1);
    assert_true(catalog_claim_drop(c, t[0]));
    assert_false(catalog_claim_drop(c, t[1]));
    catalog_unclaim_drop(c, t[0]);
    assert_true(catalog_claim_drop(c, t[1]));
    catalog_drop(c, t[1], false);
    assert_false(catalog_claim_drop(c, t[2]));
    /* Dropping s would take t0 and t2: tables would fall to 0. */
    assert_false(catalog_claim_drop(c, s));
    assert_true(catalog_claim_drop(c, s2));
    for (int i = 0; i < 3; i++)
        catalog_release(c, t[i]);
    catalog_release(c, s);
    catalog_release(c, s2);
    catalog_free(c);
}

static void at_limit_reserve_fails(void **state)
{
    (void)state;
    catalog *c = catalog_new(LIMITS, MINIMUMS);
    for (int i = 0; i < LIMITS[OBJ_SCHEMA]; i++)
        catalog_release(c, add(c, OBJ_SCHEMA, "s", NULL, NULL, false, -1));
    assert_false(catalog_reserve(c, OBJ_SCHEMA));
    catalog_free(c);
}

static void drops_cascade_and_keep_minimums(void **state)
{
    (void)state;
    catalog *c = catalog_new(LIMITS, MINIMUMS);
    cat_obj *s = add(c, OBJ_SCHEMA, "s", NULL, NULL, false, -1);
    cat_obj *s2 = add(c, OBJ_SCHEMA, "s2", NULL, NULL, false, -1);
    cat_obj *t = add(c, OBJ_TABLE, "t", s2, NULL, false, -1);
    cat_obj *u = add(c, OBJ_TABLE, "u", s, NULL, false, -1);
    cat_obj *w = add(c, OBJ_TABLE, "w", s, NULL, false, -1);
    cat_obj *v = add(c, OBJ_VIEW, "v", s, t, false, -1);
    cat_obj *i = add(c, OBJ_INDEX, "i", s, t, false, -1);
    cat_desc d;
    /* Dropping t without cascade takes its index but not its view. */
    assert_int_equal(catalog_drop(c, t, false), 2);
    assert_false(catalog_describe(c, i, &d));
    assert_true(catalog_describe(c, v, &d));
    /* Renaming the schema renames what is in it. */
    assert_true(catalog_describe(c, s, &d));
    snprintf(d.name, sizeof d.name, "renamed");
    assert_true(catalog_update(c, s, &d));
    assert_true(catalog_describe(c, u, &d));
    assert_string_equal(d.qname, "\"renamed\".\"u\"");
    /* Tables are at their minimum of 2: none may be picked for a drop. */
    rng_t r = rng_derive(1, "t", 0);
    assert_null(catalog_pick(c, &r, OBJ_MASK(OBJ_TABLE), 0, true, NULL));
    /* A schema drop takes its members. */
    assert_int_equal(catalog_drop(c, s, true), 4);
    int counts[OBJ_KIND_COUNT];
    catalog_counts(c, counts, NULL);
    assert_int_equal(counts[OBJ_TABLE], 0);
    cat_obj *objs[] = {s, s2, t, u, w, v, i};
    for (size_t k = 0; k < sizeof objs / sizeof objs[0]; k++)
        catalog_release(c, objs[k]);
    catalog_free(c);
}

/* True when o is among the n handles of v. */
static bool among(cat_obj *const *v, int n, const cat_obj *o)
{
    for (int i = 0; i < n; i++)
        if (v[i] == o)
            return true;
    return false;
}

/* What a CASCADE would take: dependents transitively and across schemas,
 * but not the members of a dropped schema (their schema's lock covers
 * them); too many for the caller's room is -1. */
static void cascade_sets(void **state)
{
    (void)state;
    catalog *c = catalog_new(LIMITS, MINIMUMS);
    cat_obj *s = add(c, OBJ_SCHEMA, "s", NULL, NULL, false, -1);
    cat_obj *s2 = add(c, OBJ_SCHEMA, "s2", NULL, NULL, false, -1);
    cat_obj *t = add(c, OBJ_TABLE, "t", s, NULL, false, -1);
    cat_obj *u = add(c, OBJ_TABLE, "u", s2, NULL, false, -1);
    cat_obj *v = add(c, OBJ_VIEW, "v", s, t, false, -1);   /* on t, same schema */
    cat_obj *w = add(c, OBJ_VIEW, "w", s2, v, false, -1);  /* on v, other schema */
    cat_obj *i = add(c, OBJ_INDEX, "i", s, t, false, -1);
    cat_obj *out[8];
    int n = catalog_cascade_of(c, t, out, 8);
    assert_int_equal(n, 3);
    assert_true(among(out, n, v) && among(out, n, w) && among(out, n, i));
    for (int k = 0; k < n; k++)
        catalog_release(c, out[k]);
    n = catalog_cascade_of(c, s, out, 8); /* t, v, i are members; w is not */
    assert_int_equal(n, 1);
    assert_ptr_equal(out[0], w);
    catalog_release(c, out[0]);
    assert_int_equal(catalog_cascade_of(c, t, out, 2), -1);
    assert_int_equal(catalog_cascade_of(c, u, out, 8), 0);
    cat_obj *objs[] = {s, s2, t, u, v, w, i};
    for (size_t k = 0; k < sizeof objs / sizeof objs[0]; k++)
        catalog_release(c, objs[k]);
    catalog_free(c);
}

static void temp_objects_belong_to_their_worker(void **state)
{
    (void)state;
    catalog *c = catalog_new(LIMITS, MINIMUMS);
    cat_obj *t = add(c, OBJ_TABLE, "tmp", NULL, NULL, true, 5);
    rng_t r = rng_derive(1, "t", 0);
    assert_null(catalog_pick(c, &r, OBJ_MASK(OBJ_TABLE), 4, false, NULL));
    cat_desc d;
    cat_obj *p = catalog_pick(c, &r, OBJ_MASK(OBJ_TABLE), 5, false, &d);
    assert_ptr_equal(p, t);
    assert_string_equal(d.qname, "\"pg_temp\".\"tmp\"");
    catalog_release(c, p);
    catalog_drop_temp(c, 5);
    assert_false(catalog_describe(c, t, &d));
    catalog_release(c, t);
    catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limits_hold_under_concurrency),
        cmocka_unit_test(at_limit_reserve_fails),
        cmocka_unit_test(drop_claims_keep_minimums),
        cmocka_unit_test(drops_cascade_and_keep_minimums),
        cmocka_unit_test(cascade_sets),
        cmocka_unit_test(temp_objects_belong_to_their_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
