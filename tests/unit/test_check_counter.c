/* Unit tests of the counter checker: the bounds walk (what counts toward
 * the lower and the upper bound, with ok, failed, indeterminate and
 * unfinished adds), per-process monotonic reads, a missing row, and the
 * unknown verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hist_build.h"

static void add(history *h, int64_t process, hist_type type)
{
    op(h, process, type, "add", "1", NULL);
}

static void read_ok(history *h, int64_t process, const char *value)
{
    op(h, process, H_OK, "read", NULL, value);
}

static verdict check(const history *h, check_result *r)
{
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    assert_int_equal(check_counter(h, &o, r), 0);
    return r->verdict;
}

/* ok, failed, indeterminate and unfinished adds; reads concurrent with
 * adds may or may not see them. */
static void reads_within_bounds_are_valid(void **state)
{
    (void)state;
    history h = {0};
    read_ok(&h, 9, "0");
    add(&h, 1, H_OK);
    read_ok(&h, 9, "1");
    add(&h, 1, H_FAIL);               /* never counts */
    add(&h, 1, H_INFO);               /* may count */
    read_ok(&h, 9, "1");
    read_ok(&h, 8, "2");
    rec(&h, 2, H_INVOKE, "add", "1"); /* never completes: may count */
    rec(&h, 3, H_INVOKE, "add", "1");
    rec(&h, 9, H_INVOKE, "read", NULL);
    rec(&h, 3, H_OK, "add", "1");     /* concurrent with the read */
    rec(&h, 9, H_OK, "read", "2");    /* bounds [1, 4] */
    op(&h, 9, H_FAIL, "read", NULL, NULL);
    read_ok(&h, 9, "4");              /* upper: 1 + info + unfinished + 1 */
    check_result r;
    check(&h, &r);
    assert_verdict(&r, VERDICT_VALID);
    assert_int_equal(r.nanomalies, 0);
    assert_contains(r.stats, "6 ok reads; adds: 2 ok, 1 failed, 2 indeterminate; final bounds "
                             "[2, 4]");
    check_result_free(&r);
    history_free(&h);
}

/* An acknowledged add must be seen by a read that begins after it. */
static void read_below_lower_bound(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK);
    add(&h, 1, H_OK);
    read_ok(&h, 2, "1");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "read-below-lower-bound", 1, "returned 1, but 2 had been added");
    assert_contains(r.anomalies[0].example, "index 5 (process 2)");
    check_result_free(&r);
    history_free(&h);
}

/* A failed add must never be seen; nothing can be seen before it was
 * attempted. */
static void read_above_upper_bound(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_FAIL);
    read_ok(&h, 2, "1");
    add(&h, 1, H_OK);
    read_ok(&h, 2, "1");
    rec(&h, 3, H_INVOKE, "read", NULL);
    rec(&h, 3, H_OK, "read", "3");
    rec(&h, 1, H_INVOKE, "add", "1"); /* invoked after the read ended */
    rec(&h, 1, H_OK, "add", "1");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "read-above-upper-bound", 2, "returned 1, but at most 0");
    check_result_free(&r);
    history_free(&h);
}

/* Later reads of one process never go down; other processes are not
 * compared. */
static void nonmonotonic_reads_of_one_process(void **state)
{
    (void)state;
    history h = {0};
    for (int i = 0; i < 3; i++)
        add(&h, 1 + i, H_INFO);
    read_ok(&h, 5, "3");
    read_ok(&h, 6, "2");
    read_ok(&h, 6, "2");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_VALID);
    check_result_free(&r);
    read_ok(&h, 5, "1");
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "nonmonotonic-read", 1, "process 5 read 3 (index 7), then 1 (index 13)");
    check_result_free(&r);
    history_free(&h);
}

static void missing_row_is_a_nil_read(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK);
    read_ok(&h, 2, "null");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_anomaly(&r, "nil-read", 1, "index 3");
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
    add(&h, 1, H_OK);
    op(&h, 2, H_FAIL, "read", NULL, NULL);
    rec(&h, 2, H_INVOKE, "read", NULL);
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "no read completed ok");
    check_result_free(&r);
    history_free(&h);

    read_ok(&h, 1, "0");
    read_ok(&h, 1, "0");
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "no add was attempted");
    check_result_free(&r);
    history_free(&h);

    op(&h, 1, H_OK, "add", "-1", NULL);
    read_ok(&h, 1, "0");
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "1 adds had no non-negative integer value");
    check_result_free(&r);
    history_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_within_bounds_are_valid),
        cmocka_unit_test(read_below_lower_bound),
        cmocka_unit_test(read_above_upper_bound),
        cmocka_unit_test(nonmonotonic_reads_of_one_process),
        cmocka_unit_test(missing_row_is_a_nil_read),
        cmocka_unit_test(nothing_to_check_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
