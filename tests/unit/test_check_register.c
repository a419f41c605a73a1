/* Unit tests of the register checker: linearizable and non-linearizable
 * histories, indeterminate operations, compare-and-set, several keys at
 * once, and the unknown verdicts (nothing checked, out of time). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/check/check.h"

/* Adds one record; value is JSON text. */
static void rec(history *h, int64_t process, hist_type type, const char *f, const char *value)
{
    hist_op op = {0};
    op.index = (int64_t)h->n;
    op.process = process;
    op.type = type;
    snprintf(op.f, sizeof op.f, "%s", f);
    op.value = json_tokener_parse(value);
    op.time = (int64_t)h->n * 1000;
    history_append(h, &op);
}

/* Adds an operation that completes before the next one starts. */
static void op(history *h, int64_t process, hist_type type, const char *f, const char *invoke,
               const char *done)
{
    rec(h, process, H_INVOKE, f, invoke);
    rec(h, process, type, f, done ? done : invoke);
}

static verdict check(const history *h, check_result *r)
{
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    o.threads = 2;
    assert_int_equal(check_register(h, &o, r), 0);
    return r->verdict;
}

static void assert_contains(const char *s, const char *fragment)
{
    if (!s || !strstr(s, fragment))
        fail_msg("\"%s\" lacks \"%s\"", s ? s : "(null)", fragment);
}

static void sequential_history_is_linearizable(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_OK, "read", "[3,null]", "[3,0]");
    op(&h, 1, H_OK, "write", "[3,1]", NULL);
    op(&h, 2, H_OK, "read", "[3,null]", "[3,1]");
    op(&h, 2, H_OK, "cas", "[3,[1,4]]", NULL);
    op(&h, 1, H_OK, "read", "[3,null]", "[3,4]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID);
    assert_int_equal(r.nanomalies, 0);
    assert_contains(r.stats, "5 operations on 1 keys");
    check_result_free(&r);
    history_free(&h);
}

/* Concurrent reads may see a concurrent write or not, in either order. */
static void concurrent_reads_may_go_either_way(void **state)
{
    (void)state;
    history h = {0};
    rec(&h, 1, H_INVOKE, "write", "[1,2]");
    rec(&h, 2, H_INVOKE, "read", "[1,null]");
    rec(&h, 3, H_INVOKE, "read", "[1,null]");
    rec(&h, 3, H_OK, "read", "[1,2]");
    rec(&h, 2, H_OK, "read", "[1,0]");
    rec(&h, 1, H_OK, "write", "[1,2]");
    op(&h, 2, H_OK, "read", "[1,null]", "[1,2]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID);
    check_result_free(&r);
    history_free(&h);
}

static void impossible_read_is_explained(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_OK, "write", "[3,2]", NULL);
    rec(&h, 1, H_INVOKE, "write", "[3,7]");
    rec(&h, 2, H_INVOKE, "read", "[3,null]");
    rec(&h, 2, H_OK, "read", "[3,5]");
    rec(&h, 1, H_OK, "write", "[3,7]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_string_equal(r.anomalies[0].type, "nonlinearizable");
    const char *ex = r.anomalies[0].example;
    assert_contains(ex, "key 3: only 2 of its 3 operations can be linearized");
    assert_contains(ex, "write 2 (index 1, process 1) => 2");
    assert_contains(ex, "read -> 5 (index 4, process 2) could not be placed");
    assert_contains(ex, "it returned 5 but the only values possible were 2 or 7");
    assert_contains(r.reason, "key 3 is not linearizable");
    check_result_free(&r);
    history_free(&h);
}

/* A read that went back in time: each op alone is fine, the order is not. */
static void stale_read_is_not_linearizable(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_OK, "write", "[1,1]", NULL);
    op(&h, 1, H_OK, "write", "[1,2]", NULL);
    op(&h, 2, H_OK, "read", "[1,null]", "[1,1]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_contains(r.anomalies[0].example, "the only value possible was 2");
    check_result_free(&r);
    history_free(&h);
}

/* Linearizable only because the indeterminate write took effect. */
static void info_write_that_took_effect(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_INFO, "write", "[1,3]", NULL);
    op(&h, 2, H_OK, "read", "[1,null]", "[1,0]");
    op(&h, 2, H_OK, "read", "[1,null]", "[1,3]");
    op(&h, 3, H_OK, "read", "[1,null]", "[1,3]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID);
    assert_contains(r.stats, "1 with unknown outcome");
    check_result_free(&r);
    history_free(&h);
}

/* ...and one that never completed may also never take effect. */
static void unfinished_write_may_not_take_effect(void **state)
{
    (void)state;
    history h = {0};
    rec(&h, 1, H_INVOKE, "write", "[1,3]");
    op(&h, 2, H_OK, "read", "[1,null]", "[1,0]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID);
    check_result_free(&r);
    history_free(&h);
}

/* An indeterminate write cannot take effect before it was invoked. */
static void info_write_cannot_act_early(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 2, H_OK, "read", "[1,null]", "[1,3]");
    op(&h, 1, H_INFO, "write", "[1,3]", NULL);
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    check_result_free(&r);
    history_free(&h);
}

static void failed_operations_never_happened(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_FAIL, "write", "[1,4]", NULL);
    op(&h, 1, H_FAIL, "cas", "[1,[0,2]]", NULL);
    op(&h, 2, H_OK, "read", "[1,null]", "[1,0]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID);
    assert_contains(r.stats, "2 failed");
    check_result_free(&r);
    history_free(&h);
}

static void cas_semantics(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_OK, "write", "[1,1]", NULL);
    rec(&h, 1, H_INVOKE, "cas", "[1,[1,4]]");
    rec(&h, 2, H_INVOKE, "cas", "[1,[4,2]]");
    rec(&h, 2, H_OK, "cas", "[1,[4,2]]");
    rec(&h, 1, H_OK, "cas", "[1,[1,4]]");
    op(&h, 1, H_OK, "read", "[1,null]", "[1,2]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID); /* 1 -> 4, then 4 -> 2 */
    check_result_free(&r);
    op(&h, 2, H_OK, "cas", "[1,[3,0]]", NULL);
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_contains(r.anomalies[0].example, "cas 3 -> 0");
    assert_contains(r.anomalies[0].example, "it succeeded expecting 3 but the only value "
                                            "possible was 2");
    check_result_free(&r);
    history_free(&h);
}

/* A cas the register refused (fail with output false) observed a value
 * other than the one it expected; a cas that failed with an error did
 * nothing and proves nothing. */
static void refused_cas_is_an_observation(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_OK, "write", "[1,3]", NULL);
    op(&h, 2, H_FAIL, "cas", "[1,[0,2]]", "[1,false]");
    op(&h, 2, H_FAIL, "cas", "[1,[3,2]]", NULL); /* an error: not evidence */
    op(&h, 3, H_OK, "read", "[1,null]", "[1,3]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID);
    assert_contains(r.stats, "1 cas of which 1 refused");
    assert_contains(r.stats, "1 failed");
    check_result_free(&r);
    op(&h, 2, H_FAIL, "cas", "[1,[3,4]]", "[1,false]"); /* but it held 3 */
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_contains(r.anomalies[0].example, "cas 3 -> 4 refused (index 9, process 2)");
    assert_contains(r.anomalies[0].example, "it was refused, so the register did not hold 3, "
                                            "but the only value possible was 3");
    check_result_free(&r);
    history_free(&h);
}

/* An indeterminate cas applies only when it matches. */
static void info_cas(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_INFO, "cas", "[1,[0,4]]", NULL);
    op(&h, 2, H_OK, "read", "[1,null]", "[1,4]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID);
    check_result_free(&r);
    history g = {0};
    op(&g, 1, H_INFO, "cas", "[1,[2,4]]", NULL);
    op(&g, 2, H_OK, "read", "[1,null]", "[1,4]");
    assert_int_equal(check(&g, &r), VERDICT_INVALID);
    check_result_free(&r);
    history_free(&h);
    history_free(&g);
}

static void keys_are_judged_separately(void **state)
{
    (void)state;
    history h = {0};
    for (int k = 0; k < 8; k++) {
        char w[32], rd[32], got[32];
        snprintf(w, sizeof w, "[%d,%d]", k, k % 5);
        snprintf(rd, sizeof rd, "[%d,null]", k);
        snprintf(got, sizeof got, "[%d,%d]", k, k == 5 ? 9 : k % 5);
        op(&h, k, H_OK, "write", w, NULL);
        op(&h, k, H_OK, "read", rd, got);
    }
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_int_equal(r.anomalies[0].count, 1);
    assert_contains(r.anomalies[0].example, "key 5:");
    assert_contains(r.reason, "key 5 is not linearizable");
    assert_contains(r.stats, "16 operations on 8 keys");
    check_result_free(&r);
    history_free(&h);
}

static void nothing_checked_is_unknown(void **state)
{
    (void)state;
    history h = {0};
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "nothing to check");
    check_result_free(&r);
    op(&h, 1, H_FAIL, "write", "[1,1]", NULL);
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    check_result_free(&r);
    history_free(&h);
}

/* Many concurrent writes and an impossible read: a search that cannot end
 * within a nanosecond's budget. */
static void timeout_is_unknown_and_named(void **state)
{
    (void)state;
    history h = {0};
    char v[32];
    for (int p = 0; p < 24; p++) {
        snprintf(v, sizeof v, "[7,%d]", p);
        rec(&h, p, H_INVOKE, "write", v);
    }
    rec(&h, 99, H_INVOKE, "read", "[7,null]");
    for (int p = 0; p < 24; p++) {
        snprintf(v, sizeof v, "[7,%d]", p);
        rec(&h, p, H_OK, "write", v);
    }
    rec(&h, 99, H_OK, "read", "[7,99]");
    op(&h, 1, H_OK, "read", "[8,null]", "[8,0]");
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    o.time_budget_s = 1e-9;
    check_result r;
    assert_int_equal(check_register(&h, &o, &r), 0);
    assert_int_equal(r.verdict, VERDICT_UNKNOWN);
    assert_contains(r.reason, "key 7 (25 operations) ran past the 1e-09 s search budget");
    check_result_free(&r);
    history_free(&h);
}

static void malformed_values_are_skipped(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_OK, "write", "[1,\"x\"]", NULL);
    op(&h, 1, H_OK, "read", "[1,null]", "[1,0]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID);
    assert_contains(r.stats, "1 malformed");
    check_result_free(&r);
    history_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sequential_history_is_linearizable),
        cmocka_unit_test(concurrent_reads_may_go_either_way),
        cmocka_unit_test(impossible_read_is_explained),
        cmocka_unit_test(stale_read_is_not_linearizable),
        cmocka_unit_test(info_write_that_took_effect),
        cmocka_unit_test(unfinished_write_may_not_take_effect),
        cmocka_unit_test(info_write_cannot_act_early),
        cmocka_unit_test(failed_operations_never_happened),
        cmocka_unit_test(cas_semantics),
        cmocka_unit_test(refused_cas_is_an_observation),
        cmocka_unit_test(info_cas),
        cmocka_unit_test(keys_are_judged_separately),
        cmocka_unit_test(nothing_checked_is_unknown),
        cmocka_unit_test(timeout_is_unknown_and_named),
        cmocka_unit_test(malformed_values_are_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
