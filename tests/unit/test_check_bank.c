/* Unit tests of the bank checker: every rule found and named (with first,
 * worst and last reads), the order in which rules win, the
 * negative-balance policy, bank-contention, read skew at read committed,
 * and the histories that cannot be judged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hist_build.h"

#define SETUP "{\"0\":100,\"1\":0,\"2\":0}"
#define T(from, to, amount) "{\"from\":" #from ",\"to\":" #to ",\"amount\":" #amount "}"
#define T_NONEG(from, to, amount)                                                              \
    "{\"from\":" #from ",\"to\":" #to ",\"amount\":" #amount ",\"allow_negative\":false}"

static void read_ok(history *h, int64_t process, const char *balances)
{
    op(h, process, H_OK, "read", NULL, balances);
}

/* The setup's read, then a transfer of 10 from 0 to 1. */
static void start(history *h)
{
    read_ok(h, 0, SETUP);
    op(h, 1, H_OK, "transfer", T(0, 1, 10), NULL);
}

static verdict check_at(const history *h, isolation iso, check_result *r)
{
    check_opts o = check_opts_default(iso);
    assert_int_equal(check_bank(h, &o, r), 0);
    return r->verdict;
}

static verdict check(const history *h, check_result *r)
{
    return check_at(h, ISO_SERIALIZABLE, r);
}

/* Transfers that fail, end unknown or never end, concurrent reads: all
 * totals right, so valid. */
static void consistent_history_is_valid(void **state)
{
    (void)state;
    history h = {0};
    start(&h);
    read_ok(&h, 2, "{\"0\":90,\"1\":10,\"2\":0}");
    op(&h, 1, H_FAIL, "transfer", T(1, 2, 3), NULL);
    op(&h, 1, H_INFO, "transfer", T(0, 2, 5), NULL);
    rec(&h, 3, H_INVOKE, "transfer", T(2, 0, 1)); /* never completes */
    rec(&h, 2, H_INVOKE, "read", NULL);
    rec(&h, 4, H_INVOKE, "transfer", T(1, 0, 2));
    rec(&h, 2, H_OK, "read", "{\"0\":85,\"1\":10,\"2\":5}");
    rec(&h, 4, H_OK, "transfer", T(1, 0, 2));
    op(&h, 2, H_FAIL, "read", NULL, NULL);
    read_ok(&h, 2, "{\"0\":88,\"1\":8,\"2\":4}");
    check_result r;
    check(&h, &r);
    assert_verdict(&r, VERDICT_VALID);
    assert_int_equal(r.nanomalies, 0);
    assert_contains(r.stats, "4 ok reads of 3 accounts (total 100)");
    assert_contains(r.stats, "transfers: 2 ok, 1 failed, 1 indeterminate");
    check_result_free(&r);
    history_free(&h);
}

static void unexpected_key(void **state)
{
    (void)state;
    history h = {0};
    start(&h);
    read_ok(&h, 2, "{\"0\":90,\"1\":10,\"2\":0,\"7\":0}");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "unexpected-key", 1, "\"7\":0");
    assert_contains(r.anomalies[0].example, "index 5");
    check_result_free(&r);
    history_free(&h);
}

static void missing_key(void **state)
{
    (void)state;
    history h = {0};
    start(&h);
    read_ok(&h, 2, "{\"0\":90,\"1\":10}");
    read_ok(&h, 2, "{\"0\":90,\"1\":10,\"2\":0}");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "missing-key", 1, "lacked some of the accounts");
    assert_contains(r.anomalies[0].example, "first: read {\"0\":90,\"1\":10} (index 5");
    check_result_free(&r);
    history_free(&h);
}

static void nil_balance(void **state)
{
    (void)state;
    history h = {0};
    start(&h);
    read_ok(&h, 2, "{\"0\":90,\"1\":null,\"2\":0}");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "nil-balance", 1, "\"1\":null");
    check_result_free(&r);
    history_free(&h);
}

/* Two wrong totals: the worst is the furthest from 100, and the lowest
 * and highest totals are reported. */
static void wrong_total_first_worst_last(void **state)
{
    (void)state;
    history h = {0};
    start(&h);
    read_ok(&h, 2, "{\"0\":89,\"1\":10,\"2\":0}");  /* index 5: 99 */
    read_ok(&h, 2, "{\"0\":90,\"1\":10,\"2\":0}");  /* fine */
    read_ok(&h, 3, "{\"0\":90,\"1\":10,\"2\":7}");  /* index 9: 107 */
    read_ok(&h, 2, "{\"0\":90,\"1\":12,\"2\":0}");  /* index 11: 102 */
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "wrong-total", 3, "totals read ranged from 99 to 107");
    const char *e = r.anomalies[0].example;
    assert_contains(e, "first: read {\"0\":89,\"1\":10,\"2\":0} (index 5, process 2)");
    assert_contains(e, "worst: read {\"0\":90,\"1\":10,\"2\":7} (index 9, process 3)");
    assert_contains(e, "last:  read {\"0\":90,\"1\":12,\"2\":0} (index 11, process 2)");
    assert_contains(e, "(3 of 5 reads)");
    check_result_free(&r);
    history_free(&h);
}

/* Each read counts under the first rule it breaks only. */
static void first_failing_rule_wins(void **state)
{
    (void)state;
    history h = {0};
    start(&h);
    read_ok(&h, 2, "{\"0\":90,\"1\":10,\"2\":0,\"5\":3}"); /* unexpected and total */
    read_ok(&h, 2, "{\"0\":90,\"1\":null}");              /* missing and nil */
    read_ok(&h, 2, "{\"0\":95,\"1\":null,\"2\":0}");      /* nil and total */
    read_ok(&h, 2, "{\"0\":110,\"1\":-10,\"2\":1}");      /* total (negatives allowed) */
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 4);
    assert_anomaly(&r, "unexpected-key", 1, NULL);
    assert_anomaly(&r, "missing-key", 1, NULL);
    assert_anomaly(&r, "nil-balance", 1, NULL);
    assert_anomaly(&r, "wrong-total", 1, "ranged from 101 to 101");
    assert_null(find_anomaly(&r, "negative-value"));
    check_result_free(&r);
    history_free(&h);
}

/* Negative balances are a finding only when transfers refuse them: one
 * refusing transfer (even a failed one) sets the policy for the history. */
static void negative_value_only_when_refused(void **state)
{
    (void)state;
    for (int refused = 0; refused < 2; refused++) {
        history h = {0};
        read_ok(&h, 0, SETUP);
        op(&h, 1, H_OK, "transfer", T(0, 1, 10), NULL);
        op(&h, 1, H_FAIL, "transfer", refused ? T_NONEG(2, 1, 4) : T(2, 1, 4), NULL);
        read_ok(&h, 2, "{\"0\":105,\"1\":-3,\"2\":-2}");
        read_ok(&h, 2, "{\"0\":90,\"1\":10,\"2\":0}");
        check_result r;
        check(&h, &r);
        if (refused) {
            assert_verdict(&r, VERDICT_INVALID);
            assert_int_equal(r.nanomalies, 1);
            assert_anomaly(&r, "negative-value", 1, "refuse to overdraw");
            assert_contains(r.anomalies[0].example, "worst: read {\"0\":105,\"1\":-3,\"2\":-2}");
            assert_contains(r.stats, "overdrafts refused");
        } else {
            assert_verdict(&r, VERDICT_VALID);
            assert_int_equal(r.nanomalies, 0);
            assert_contains(r.stats, "overdrafts allowed");
        }
        check_result_free(&r);
        history_free(&h);
    }
}

/* With accounts inserted and deleted, the key rules are off; the total
 * and nil rules stay. */
static void contention_drops_key_rules(void **state)
{
    (void)state;
    history h = {0};
    start(&h);
    op(&h, 3, H_OK, "insert-account", "{\"id\":3,\"from\":0,\"amount\":4}", NULL);
    read_ok(&h, 2, "{\"0\":86,\"1\":10,\"2\":0,\"3\":4}");
    op(&h, 3, H_OK, "delete-account", "{\"id\":3,\"to\":2}", "{\"id\":3,\"to\":2,\"amount\":4}");
    read_ok(&h, 2, "{\"0\":86,\"1\":10,\"2\":4}");
    op(&h, 3, H_OK, "delete-account", "{\"id\":2,\"to\":1}", "{\"id\":2,\"to\":1,\"amount\":4}");
    read_ok(&h, 2, "{\"0\":86,\"1\":14}");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID);
    assert_contains(r.stats, "accounts inserted and deleted");
    check_result_free(&r);
    read_ok(&h, 2, "{\"0\":86,\"1\":10,\"4\":null}");
    read_ok(&h, 2, "{\"0\":86,\"1\":10}");
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 2);
    assert_anomaly(&r, "nil-balance", 1, NULL);
    assert_anomaly(&r, "wrong-total", 1, NULL);
    check_result_free(&r);
    history_free(&h);
}

/* A read of one SELECT per account may skew at read committed: listed,
 * not invalid. The same read at serializable, or a single-statement read
 * at read committed, is a wrong total. */
static void per_account_read_skew(void **state)
{
    (void)state;
    history h = {0};
    start(&h);
    op(&h, 2, H_OK, "read", "{\"per_account\":true}", "{\"0\":90,\"1\":0,\"2\":0}");
    check_result r;
    assert_int_equal(check_at(&h, ISO_READ_COMMITTED, &r), VERDICT_VALID);
    assert_anomaly(&r, "read-skew", 1, "read committed");
    assert_contains(r.reason, "read skew");
    check_result_free(&r);
    assert_int_equal(check_at(&h, ISO_REPEATABLE_READ, &r), VERDICT_INVALID);
    assert_anomaly(&r, "wrong-total", 1, NULL);
    assert_null(find_anomaly(&r, "read-skew"));
    check_result_free(&r);
    read_ok(&h, 2, "{\"0\":90,\"1\":0,\"2\":0}");
    assert_int_equal(check_at(&h, ISO_READ_COMMITTED, &r), VERDICT_INVALID);
    assert_anomaly(&r, "wrong-total", 1, NULL);
    check_result_free(&r);
    history_free(&h);
}

static void nothing_to_check_is_unknown(void **state)
{
    (void)state;
    check_result r;
    history h = {0};
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "no read completed ok");
    check_result_free(&r);

    op(&h, 1, H_OK, "transfer", T(0, 1, 10), NULL);
    op(&h, 2, H_FAIL, "read", NULL, NULL);
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "no read completed ok");
    check_result_free(&r);
    history_free(&h);

    read_ok(&h, 0, SETUP);
    op(&h, 1, H_OK, "transfer", T(0, 1, 10), NULL);
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "only the initial read");
    check_result_free(&r);
    history_free(&h);

    read_ok(&h, 0, SETUP);
    read_ok(&h, 1, SETUP);
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "no transfer was attempted");
    check_result_free(&r);
    history_free(&h);

    start(&h);
    read_ok(&h, 2, "[90,10,0]");
    read_ok(&h, 2, "{\"0\":90,\"1\":10,\"2\":0}");
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "1 ok reads had a value that is not an {id: balance} object");
    check_result_free(&r);
    history_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(consistent_history_is_valid),
        cmocka_unit_test(unexpected_key),
        cmocka_unit_test(missing_key),
        cmocka_unit_test(nil_balance),
        cmocka_unit_test(wrong_total_first_worst_last),
        cmocka_unit_test(first_failing_rule_wins),
        cmocka_unit_test(negative_value_only_when_refused),
        cmocka_unit_test(contention_drops_key_rules),
        cmocka_unit_test(per_account_read_skew),
        cmocka_unit_test(nothing_to_check_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
