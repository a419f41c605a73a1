/* Unit tests of the set checker: set-full's stable / lost / never-read /
 * stale rules (index comparisons on read invocations), latencies, the
 * final-read view (recovered and missing adds), and our additions:
 * unexpected elements, aborted reads, duplicates; then the unknowns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hist_build.h"

static void add(history *h, int64_t process, hist_type type, const char *x)
{
    op(h, process, type, "add", x, NULL);
}

static void read_ok(history *h, int64_t process, const char *value)
{
    op(h, process, H_OK, "read", NULL, value);
}

static verdict check(const history *h, check_result *r)
{
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    assert_int_equal(check_set(h, &o, r), 0);
    return r->verdict;
}

/* A read that began before an add was acknowledged may miss it; an
 * indeterminate add may land (recovered); failed and unfinished adds stay
 * out. */
static void correct_history_is_valid(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "0");
    rec(&h, 2, H_INVOKE, "add", "1");
    rec(&h, 9, H_INVOKE, "read", NULL);
    rec(&h, 2, H_OK, "add", "1");
    rec(&h, 9, H_OK, "read", "[0]");      /* began before 1 was known */
    add(&h, 3, H_INFO, "2");              /* lands */
    add(&h, 4, H_FAIL, "3");
    rec(&h, 5, H_INVOKE, "add", "4");     /* never completes, never lands */
    add(&h, 6, H_INFO, "5");              /* does not land */
    op(&h, 9, H_FAIL, "read", NULL, NULL);
    read_ok(&h, 9, "[0,1,2]");
    read_ok(&h, 9, "[0,1,2]");
    check_result r;
    check(&h, &r);
    assert_verdict(&r, VERDICT_VALID);
    assert_int_equal(r.nanomalies, 0);
    assert_contains(r.stats, "6 adds attempted, 3 ok reads; 3 stable, 0 lost, 3 never read, 0 "
                             "stale, 0 unexpected, 0 aborted reads");
    assert_contains(r.stats, "3 elements, 0 acknowledged adds missing, 1 indeterminate adds "
                             "recovered");
    assert_contains(r.stats, "stable latency 0: 0.000, 0.5: 0.000, 0.95: 0.000, 0.99: 0.000, "
                             "1: 0.000 ms");
    check_result_free(&r);
    history_free(&h);
}

/* Seen, then missing from every later read: lost, with its latency from
 * being known to the last read that missed it. */
static void lost_after_being_read(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "0");
    add(&h, 1, H_OK, "1");   /* known at index 3 */
    read_ok(&h, 9, "[0,1]");
    read_ok(&h, 9, "[0]");
    read_ok(&h, 9, "[0]");   /* invoked at index 8 */
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "lost", 1, "element 1 was lost");
    assert_contains(r.anomalies[0].example,
                    "known at index 3, last read present at index 4, last read absent at index 8");
    assert_contains(r.stats, "1 stable, 1 lost");
    assert_contains(r.stats, "1 acknowledged adds missing");
    assert_contains(r.stats, "lost latency 0: 0.005");
    check_result_free(&r);
    history_free(&h);
}

/* Acknowledged, never seen by a read that began afterwards: lost. An
 * indeterminate add seen once and then gone is lost too (the read made it
 * known). */
static void lost_without_being_read(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "0");
    add(&h, 1, H_OK, "1");
    add(&h, 2, H_INFO, "2");
    read_ok(&h, 9, "[0,2]");
    read_ok(&h, 9, "[0]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_anomaly(&r, "lost", 2, "element 1 was lost");
    assert_contains(r.anomalies[0].example, "last read present at index -1");
    assert_contains(r.stats, "1 stable, 2 lost");
    check_result_free(&r);
    history_free(&h);
}

/* Missed by a read begun after it was known, then seen again: stale. */
static void stale_element(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "0");
    add(&h, 1, H_OK, "1");
    read_ok(&h, 9, "[0]");     /* invoked at index 4, after 1 was acknowledged */
    read_ok(&h, 9, "[0,1]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "stale", 1, "element 1 was missing from a read begun after it was known");
    assert_contains(r.stats, "2 stable, 0 lost, 0 never read, 1 stale");
    assert_contains(r.stats, "1: 0.001 ms");
    check_result_free(&r);
    history_free(&h);
}

/* Read but never added, or read before its add was invoked. */
static void unexpected_elements(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "0");
    read_ok(&h, 9, "[0,7]");
    read_ok(&h, 9, "[0,1]");
    add(&h, 1, H_OK, "1");
    read_ok(&h, 9, "[0,1]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "unexpected", 2, "element 1 was read (in the read ending at index 5) "
                                        "before its add was invoked (index 6)");
    assert_contains(r.stats, "2 unexpected");
    check_result_free(&r);
    /* the first example names the first element in value order */
    history_free(&h);
    add(&h, 1, H_OK, "0");
    read_ok(&h, 9, "[0,7]");
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_anomaly(&r, "unexpected", 1, "element 7 was read (first in the read ending at index "
                                        "3) but never added");
    check_result_free(&r);
    history_free(&h);
}

/* A failed add definitely did not happen: a read must not show it. */
static void aborted_read(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "0");
    add(&h, 1, H_FAIL, "1");
    read_ok(&h, 9, "[0,1]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "aborted-read", 1, "element 1: its add failed (index 2)");
    check_result_free(&r);
    history_free(&h);
}

static void duplicate_in_one_read(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "0");
    add(&h, 1, H_OK, "1");
    read_ok(&h, 9, "[0,1,1]");
    read_ok(&h, 9, "[0,1]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "duplicate", 1, "element 1 appears twice in the read at index 5");
    check_result_free(&r);
    history_free(&h);
}

static void nothing_stable_is_unknown(void **state)
{
    (void)state;
    check_result r;
    history h = {0};
    add(&h, 1, H_OK, "0");
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "no read completed ok");
    check_result_free(&r);
    op(&h, 9, H_FAIL, "read", NULL, NULL);
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    check_result_free(&r);
    history_free(&h);

    /* the only read began before the add was known */
    rec(&h, 9, H_INVOKE, "read", NULL);
    add(&h, 1, H_OK, "0");
    rec(&h, 9, H_OK, "read", "[]");
    add(&h, 2, H_INFO, "1");
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "no element was ever read as stable");
    assert_contains(r.stats, "0 stable, 0 lost, 2 never read");
    check_result_free(&r);
    history_free(&h);

    add(&h, 1, H_OK, "0");
    add(&h, 2, H_OK, "0");
    read_ok(&h, 9, "[0]");
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "element 0 was added more than once");
    check_result_free(&r);
    history_free(&h);

    add(&h, 1, H_OK, "0");
    read_ok(&h, 9, "[0,\"x\"]");
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "1 adds or read elements were not integers");
    check_result_free(&r);
    history_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(correct_history_is_valid),
        cmocka_unit_test(lost_after_being_read),
        cmocka_unit_test(lost_without_being_read),
        cmocka_unit_test(stale_element),
        cmocka_unit_test(unexpected_elements),
        cmocka_unit_test(aborted_read),
        cmocka_unit_test(duplicate_in_one_read),
        cmocka_unit_test(nothing_stable_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
