/* Unit tests of the list-append checker: Elle's classic anomaly shapes,
 * each found and named, a correct history judged valid, the isolation
 * model's verdicts, and the unknown cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/check/check.h"

/* Adds one record; value is JSON text (NULL: json null). */
static void rec(history *h, int64_t process, hist_type type, const char *value)
{
    hist_op op = {0};
    op.index = (int64_t)h->n;
    op.process = process;
    op.type = type;
    snprintf(op.f, sizeof op.f, "txn");
    op.value = value ? json_tokener_parse(value) : NULL;
    op.time = (int64_t)h->n * 1000;
    history_append(h, &op);
}

/* Adds a whole transaction: its invoke (reads as null) and completion. */
static void txn(history *h, int64_t process, hist_type type, const char *invoke,
                const char *done)
{
    rec(h, process, H_INVOKE, invoke);
    rec(h, process, type, done ? done : invoke);
}

static const anomaly *find(const check_result *r, const char *type)
{
    for (size_t i = 0; i < r->nanomalies; i++)
        if (strcmp(r->anomalies[i].type, type) == 0)
            return &r->anomalies[i];
    return NULL;
}

static verdict check_at(const history *h, isolation iso, check_result *r)
{
    check_opts o = check_opts_default(iso);
    assert_int_equal(check_append(h, &o, r), 0);
    return r->verdict;
}

/* Checks h at iso and asserts the anomaly is listed, its example naming
 * each of the given fragments. */
static void expect_anomaly(const history *h, isolation iso, verdict v, const char *type,
                           const char *const *fragments)
{
    check_result r;
    assert_int_equal(check_at(h, iso, &r), v);
    const anomaly *a = find(&r, type);
    if (!a)
        fail_msg("no %s among %zu anomalies (reason: %s)", type, r.nanomalies,
                 r.reason ? r.reason : "-");
    for (; fragments && *fragments; fragments++)
        if (!strstr(a->example, *fragments))
            fail_msg("%s example lacks \"%s\": %s", type, *fragments, a->example);
    check_result_free(&r);
}

static void g0_write_cycle(void **state)
{
    (void)state;
    history h = {0};
    rec(&h, 1, H_INVOKE, "[[\"append\",1,1],[\"append\",2,1]]");
    rec(&h, 2, H_INVOKE, "[[\"append\",1,2],[\"append\",2,2]]");
    rec(&h, 1, H_OK, "[[\"append\",1,1],[\"append\",2,1]]");
    rec(&h, 2, H_OK, "[[\"append\",1,2],[\"append\",2,2]]");
    txn(&h, 3, H_OK, "[[\"r\",1,null],[\"r\",2,null]]", "[[\"r\",1,[1,2]],[\"r\",2,[2,1]]]");
    const char *const why[] = {"appended 2 after", "appended 1 after", "(ww)",
                               "a contradiction", NULL};
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_INVALID, "G0", why);
    history_free(&h);
}

static void g1a_aborted_read(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_FAIL, "[[\"append\",1,1]]", NULL);
    txn(&h, 2, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[1]]]");
    const char *const why[] = {"txn index 1", "failed", "aborted read", NULL};
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_INVALID, "G1a", why);
    history_free(&h);
}

static void g1b_intermediate_read(void **state)
{
    (void)state;
    history h = {0};
    rec(&h, 1, H_INVOKE, "[[\"append\",1,1],[\"append\",1,2]]");
    txn(&h, 2, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[1]]]");
    rec(&h, 1, H_OK, "[[\"append\",1,1],[\"append\",1,2]]");
    const char *const why[] = {"ending in 1", "intermediate", NULL};
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_INVALID, "G1b", why);
    history_free(&h);
}

static void g1c_circular_information_flow(void **state)
{
    (void)state;
    history h = {0};
    rec(&h, 1, H_INVOKE, "[[\"append\",1,1],[\"r\",2,null]]");
    rec(&h, 2, H_INVOKE, "[[\"append\",2,1],[\"r\",1,null]]");
    rec(&h, 1, H_OK, "[[\"append\",1,1],[\"r\",2,[1]]]");
    rec(&h, 2, H_OK, "[[\"append\",2,1],[\"r\",1,[1]]]");
    const char *const why[] = {"observed T", "(wr)", NULL};
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_INVALID, "G1c", why);
    history_free(&h);
}

/* Read skew: T2 sees T1's append to key 2 but not the one to key 1. */
static history read_skew(void)
{
    history h = {0};
    rec(&h, 1, H_INVOKE, "[[\"append\",1,1],[\"append\",2,1]]");
    rec(&h, 2, H_INVOKE, "[[\"r\",1,null],[\"r\",2,null]]");
    rec(&h, 1, H_OK, "[[\"append\",1,1],[\"append\",2,1]]");
    rec(&h, 2, H_OK, "[[\"r\",1,[]],[\"r\",2,[1]]]");
    return h;
}

static void g_single_read_skew(void **state)
{
    (void)state;
    history h = read_skew();
    const char *const why[] = {"observed the initial (empty) state of key 1", "(rw)", "(wr)",
                               NULL};
    expect_anomaly(&h, ISO_REPEATABLE_READ, VERDICT_INVALID, "G-single-item", why);
    /* Read committed allows read skew: listed, yet valid. */
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_VALID, "G-single-item", NULL);
    history_free(&h);
}

/* Write skew: each reads the key the other appends to. */
static history write_skew(void)
{
    history h = {0};
    rec(&h, 1, H_INVOKE, "[[\"r\",1,null],[\"append\",2,1]]");
    rec(&h, 2, H_INVOKE, "[[\"r\",2,null],[\"append\",1,1]]");
    rec(&h, 1, H_OK, "[[\"r\",1,[]],[\"append\",2,1]]");
    rec(&h, 2, H_OK, "[[\"r\",2,[]],[\"append\",1,1]]");
    txn(&h, 3, H_OK, "[[\"r\",1,null],[\"r\",2,null]]", "[[\"r\",1,[1]],[\"r\",2,[1]]]");
    return h;
}

static void g2_item_write_skew_by_level(void **state)
{
    (void)state;
    history h = write_skew();
    const char *const why[] = {"(rw)", NULL};
    expect_anomaly(&h, ISO_SERIALIZABLE, VERDICT_INVALID, "G2-item", why);
    expect_anomaly(&h, ISO_REPEATABLE_READ, VERDICT_VALID, "G2-item", why);
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_VALID, "G2-item", why);
    check_result r;
    check_at(&h, ISO_SERIALIZABLE, &r);
    assert_null(find(&r, "G-single-item"));
    assert_non_null(strstr(r.reason, "strict serializability"));
    check_result_free(&r);
    history_free(&h);
}

/* Two anti-dependencies, never adjacent: T1 -rw-> T2 -wr-> T3 -rw-> T4
 * -wr-> T1. */
static void g_nonadjacent(void **state)
{
    (void)state;
    history h = {0};
    const char *const inv[] = {
        "[[\"r\",1,null],[\"r\",4,null]]",
        "[[\"append\",1,1],[\"append\",2,1]]",
        "[[\"r\",2,null],[\"r\",3,null]]",
        "[[\"append\",3,1],[\"append\",4,1]]",
    };
    const char *const ok[] = {
        "[[\"r\",1,[]],[\"r\",4,[1]]]",
        "[[\"append\",1,1],[\"append\",2,1]]",
        "[[\"r\",2,[1]],[\"r\",3,[]]]",
        "[[\"append\",3,1],[\"append\",4,1]]",
    };
    for (int t = 0; t < 4; t++)
        rec(&h, t, H_INVOKE, inv[t]);
    for (int t = 0; t < 4; t++)
        rec(&h, t, H_OK, ok[t]);
    const char *const why[] = {"a cycle of 4 transactions", "(rw)", "(wr)", NULL};
    expect_anomaly(&h, ISO_REPEATABLE_READ, VERDICT_INVALID, "G-nonadjacent-item", why);
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_VALID, "G-nonadjacent-item", why);
    check_result r;
    check_at(&h, ISO_SERIALIZABLE, &r);
    assert_null(find(&r, "G-single-item"));
    assert_null(find(&r, "G2-item")); /* implied by G-nonadjacent-item */
    check_result_free(&r);
    history_free(&h);
}

static void lost_update(void **state)
{
    (void)state;
    history h = {0};
    rec(&h, 1, H_INVOKE, "[[\"r\",1,null],[\"append\",1,1]]");
    rec(&h, 2, H_INVOKE, "[[\"r\",1,null],[\"append\",1,2]]");
    rec(&h, 1, H_OK, "[[\"r\",1,[]],[\"append\",1,1]]");
    rec(&h, 2, H_OK, "[[\"r\",1,[]],[\"append\",1,2]]");
    txn(&h, 3, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[1,2]]]");
    const char *const why[] = {"txn index 2", "txn index 3", "read key 1 empty", "lost", NULL};
    expect_anomaly(&h, ISO_REPEATABLE_READ, VERDICT_INVALID, "lost-update", why);
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_VALID, "lost-update", why);
    history_free(&h);
}

static void internal_inconsistency(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"append\",1,1],[\"r\",1,null]]", "[[\"append\",1,1],[\"r\",1,[]]]");
    const char *const why[] = {"does not follow from its own", "appended 1", NULL};
    expect_anomaly(&h, ISO_SERIALIZABLE, VERDICT_INVALID, "internal", why);
    /* Elle's table: strong read committed does not forbid internal. */
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_VALID, "internal", why);
    history_free(&h);
}

static void internal_after_a_read(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"append\",1,1]]", NULL);
    txn(&h, 2, H_OK, "[[\"r\",1,null],[\"append\",1,2],[\"r\",1,null]]",
        "[[\"r\",1,[1]],[\"append\",1,2],[\"r\",1,[1]]]");
    const char *const why[] = {"it had read [1] before, then appended 2", NULL};
    expect_anomaly(&h, ISO_SERIALIZABLE, VERDICT_INVALID, "internal", why);
    history_free(&h);
}

static void incompatible_order(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"append\",1,1]]", NULL);
    txn(&h, 2, H_OK, "[[\"append\",1,2]]", NULL);
    txn(&h, 3, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[1,2]]]");
    txn(&h, 4, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[2,1]]]");
    const char *const why[] = {"[1 2]", "[2 1]", "neither is a prefix", NULL};
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_INVALID, "incompatible-order", why);
    history_free(&h);
}

static void duplicate_elements(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"append\",1,1]]", NULL);
    txn(&h, 2, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[1,1]]]");
    const char *const why[] = {"[1 1]", "more than once", NULL};
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_INVALID, "duplicate-elements", why);
    history_free(&h);
}

static void dirty_update(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_FAIL, "[[\"append\",1,1]]", NULL);
    txn(&h, 2, H_OK, "[[\"append\",1,2]]", NULL);
    txn(&h, 3, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[1,2]]]");
    const char *const why[] = {"1 was appended by txn index 1", "2 appended by txn index 3",
                               NULL};
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_INVALID, "dirty-update", why);
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_INVALID, "G1a", NULL);
    history_free(&h);
}

static void future_read(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"r\",1,null],[\"append\",1,1]]", "[[\"r\",1,[1]],[\"append\",1,1]]");
    const char *const why[] = {"appended only later", NULL};
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_INVALID, "future-read", why);
    history_free(&h);
}

static void garbage_read(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"append\",1,1]]", NULL);
    txn(&h, 2, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[1,9]]]");
    const char *const why[] = {"saw 9", "no transaction ever appended", NULL};
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_INVALID, "garbage-read", why);
    history_free(&h);
}

/* A stale read: T2 starts after T1 completed yet misses its append. */
static void stale_read_is_realtime(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"append\",1,1]]", NULL);
    txn(&h, 2, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[]]]");
    const char *const why[] = {"completed at index 1, before T", "(realtime)", NULL};
    expect_anomaly(&h, ISO_SERIALIZABLE, VERDICT_INVALID, "G-single-item-realtime", why);
    expect_anomaly(&h, ISO_READ_COMMITTED, VERDICT_VALID, "G-single-item-realtime", why);
    history_free(&h);
}

static void own_process_missed_is_process(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"append\",1,1]]", NULL);
    txn(&h, 1, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[]]]");
    const char *const why[] = {"process 1 executed", NULL};
    expect_anomaly(&h, ISO_REPEATABLE_READ, VERDICT_INVALID, "G-single-item-process", why);
    check_result r;
    check_at(&h, ISO_REPEATABLE_READ, &r);
    assert_null(find(&r, "G-single-item-realtime")); /* implied, not searched */
    check_result_free(&r);
    history_free(&h);
}

static void serializable_history_is_valid(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"append\",1,1],[\"r\",2,null]]", "[[\"append\",1,1],[\"r\",2,[]]]");
    rec(&h, 2, H_INVOKE, "[[\"r\",1,null],[\"append\",2,2]]");
    rec(&h, 3, H_INVOKE, "[[\"append\",1,3]]");
    rec(&h, 2, H_OK, "[[\"r\",1,[1]],[\"append\",2,2]]");
    rec(&h, 3, H_OK, "[[\"append\",1,3]]");
    txn(&h, 4, H_FAIL, "[[\"append\",1,4]]", NULL);
    txn(&h, 5, H_INFO, "[[\"append\",2,5]]", NULL);
    txn(&h, 6, H_OK, "[[\"r\",1,null],[\"r\",2,null],[\"append\",1,6],[\"r\",1,null]]",
        "[[\"r\",1,[1,3]],[\"r\",2,[2,5]],[\"append\",1,6],[\"r\",1,[1,3,6]]]");
    check_result r;
    assert_int_equal(check_at(&h, ISO_SERIALIZABLE, &r), VERDICT_VALID);
    assert_int_equal(r.nanomalies, 0);
    assert_non_null(strstr(r.stats, "6 transactions (4 ok, 1 unknown, 1 failed)"));
    check_result_free(&r);
    history_free(&h);
}

static void no_reads_is_unknown(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"append\",1,1]]", NULL);
    txn(&h, 2, H_FAIL, "[[\"r\",1,null]]", NULL);
    check_result r;
    assert_int_equal(check_at(&h, ISO_SERIALIZABLE, &r), VERDICT_UNKNOWN);
    assert_non_null(strstr(r.reason, "no ok transaction read"));
    check_result_free(&r);
    history_free(&h);
    history empty = {0};
    assert_int_equal(check_at(&empty, ISO_SERIALIZABLE, &r), VERDICT_UNKNOWN);
    check_result_free(&r);
}

static void unusable_histories_are_unknown(void **state)
{
    (void)state;
    history h = {0};
    txn(&h, 1, H_OK, "[[\"append\",1,1]]", NULL);
    txn(&h, 2, H_OK, "[[\"append\",1,1],[\"r\",1,null]]", "[[\"append\",1,1],[\"r\",1,[1]]]");
    check_result r;
    assert_int_equal(check_at(&h, ISO_SERIALIZABLE, &r), VERDICT_UNKNOWN);
    assert_non_null(strstr(r.reason, "appended to key 1 twice"));
    check_result_free(&r);
    history_free(&h);

    history w = {0};
    txn(&w, 1, H_OK, "[[\"w\",1,1]]", NULL);
    assert_int_equal(check_at(&w, ISO_SERIALIZABLE, &r), VERDICT_UNKNOWN);
    assert_non_null(strstr(r.reason, "only r and append"));
    check_result_free(&r);
    history_free(&w);
}

/* An invoke that never completed counts as info: its append may have
 * happened, and observing it is fine. */
static void unfinished_append_may_be_observed(void **state)
{
    (void)state;
    history h = {0};
    rec(&h, 1, H_INVOKE, "[[\"append\",1,1]]");
    txn(&h, 2, H_OK, "[[\"r\",1,null]]", "[[\"r\",1,[1]]]");
    check_result r;
    assert_int_equal(check_at(&h, ISO_SERIALIZABLE, &r), VERDICT_VALID);
    check_result_free(&r);
    history_free(&h);
}

/* Write skews on separate keys form separate components, each counted. */
static void anomalies_in_separate_components_are_counted(void **state)
{
    (void)state;
    history h = {0};
    for (int k = 0; k < 3; k++) {
        char a[96], b[96], c[96], d[96];
        int x = 10 * k + 1, y = 10 * k + 2;
        snprintf(a, sizeof a, "[[\"r\",%d,null],[\"append\",%d,1]]", x, y);
        snprintf(b, sizeof b, "[[\"r\",%d,null],[\"append\",%d,1]]", y, x);
        snprintf(c, sizeof c, "[[\"r\",%d,[]],[\"append\",%d,1]]", x, y);
        snprintf(d, sizeof d, "[[\"r\",%d,[]],[\"append\",%d,1]]", y, x);
        rec(&h, 1, H_INVOKE, a);
        rec(&h, 2, H_INVOKE, b);
        rec(&h, 1, H_OK, c);
        rec(&h, 2, H_OK, d);
    }
    check_result r;
    assert_int_equal(check_at(&h, ISO_SERIALIZABLE, &r), VERDICT_INVALID);
    assert_int_equal(find(&r, "G2-item")->count, 3);
    assert_non_null(strstr(r.stats, "3 cyclic components"));
    check_result_free(&r);
    history_free(&h);
}

/* A long read-skew cycle: T0 -wr-> T1 -wr-> ... -wr-> Tn -rw-> T0. */
static history long_read_skew(int n)
{
    history h = {0};
    char inv[128], ok[128];
    for (int i = 0; i < n; i++) {
        const char *x = i == n - 1 ? ",[\"r\",0,null]" : "";
        const char *x_ok = i == n - 1 ? ",[\"r\",0,[]]" : "";
        if (i == 0) {
            snprintf(inv, sizeof inv, "[[\"append\",0,1],[\"append\",1,1]]");
            snprintf(ok, sizeof ok, "%s", inv);
        } else {
            snprintf(inv, sizeof inv, "[[\"r\",%d,null]%s,[\"append\",%d,1]]", i, x, i + 1);
            snprintf(ok, sizeof ok, "[[\"r\",%d,[1]]%s,[\"append\",%d,1]]", i, x_ok, i + 1);
        }
        rec(&h, i, H_INVOKE, inv);
        rec(&h, i, H_OK, ok);
    }
    /* All concurrent: every invoke first, then every completion. */
    history c = {0};
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = (size_t)pass; i < h.n; i += 2) {
            hist_op op = h.ops[i];
            op.index = (int64_t)c.n;
            op.value = json_object_get(op.value);
            history_append(&c, &op);
        }
    history_free(&h);
    return c;
}

static void cycle_search_budget(void **state)
{
    (void)state;
    history h = long_read_skew(600);
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    check_result r;
    assert_int_equal(check_append(&h, &o, &r), 0);
    assert_int_equal(r.verdict, VERDICT_INVALID);
    assert_non_null(strstr(find(&r, "G-single-item")->example, "a cycle of 600 transactions"));
    check_result_free(&r);
    o.time_budget_s = 1e-9;
    assert_int_equal(check_append(&h, &o, &r), 0);
    assert_int_equal(r.verdict, VERDICT_UNKNOWN);
    const anomaly *t = find(&r, "cycle-search-timeout");
    assert_non_null(t);
    assert_non_null(strstr(t->example, "G-single-item cycles in a component of 600"));
    assert_non_null(strstr(r.reason, "ran out of its budget in 1 component"));
    check_result_free(&r);
    history_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(g0_write_cycle),
        cmocka_unit_test(g1a_aborted_read),
        cmocka_unit_test(g1b_intermediate_read),
        cmocka_unit_test(g1c_circular_information_flow),
        cmocka_unit_test(g_single_read_skew),
        cmocka_unit_test(g2_item_write_skew_by_level),
        cmocka_unit_test(g_nonadjacent),
        cmocka_unit_test(lost_update),
        cmocka_unit_test(internal_inconsistency),
        cmocka_unit_test(internal_after_a_read),
        cmocka_unit_test(incompatible_order),
        cmocka_unit_test(duplicate_elements),
        cmocka_unit_test(dirty_update),
        cmocka_unit_test(future_read),
        cmocka_unit_test(garbage_read),
        cmocka_unit_test(stale_read_is_realtime),
        cmocka_unit_test(own_process_missed_is_process),
        cmocka_unit_test(serializable_history_is_valid),
        cmocka_unit_test(no_reads_is_unknown),
        cmocka_unit_test(unusable_histories_are_unknown),
        cmocka_unit_test(unfinished_append_may_be_observed),
        cmocka_unit_test(anomalies_in_separate_components_are_counted),
        cmocka_unit_test(cycle_search_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
