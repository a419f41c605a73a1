/* Unit tests of the set checker: set-full's stable / lost / never-read /
 * stale rules (index comparisons on read invocations), latencies, the
 * final-read view (recovered and missing adds), and our additions:
 * unexpected elements, aborted reads, duplicates; then the unknowns; then
 * the state fed one record at a time (core/check/feed.h), judged after
 * some of the records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/check/feed.h"
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

/* ---- fed one record at a time ---- */

/* Feeds records from..to-1 of h to s. */
static void feed(set_state *s, const history *h, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        set_feed(s, &h->ops[i]);
}

static set_state *new_state(void)
{
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    return set_new(&o);
}

/* Acknowledged, then missing from a read begun afterwards: lost from that
 * read on; a later read showing it again makes it stale instead. */
static void fed_lost_then_stale(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "0");
    add(&h, 1, H_OK, "1");   /* 2, 3: known at index 3 */
    read_ok(&h, 9, "[0]");   /* 4, 5 */
    read_ok(&h, 9, "[0,1]"); /* 6, 7 */
    set_state *s = new_state();
    check_result r;
    set_result(s, &r);
    assert_verdict(&r, VERDICT_UNKNOWN);
    assert_contains(r.reason, "no read completed ok");
    check_result_free(&r);

    feed(s, &h, 0, 6);
    for (int twice = 0; twice < 2; twice++) { /* asking consumes nothing */
        set_result(s, &r);
        assert_verdict(&r, VERDICT_INVALID);
        assert_int_equal(r.nanomalies, 1);
        assert_anomaly(&r, "lost", 1, "element 1 was lost");
        assert_contains(r.anomalies[0].example, "known at index 3, last read present at index "
                                                "-1, last read absent at index 4");
        assert_contains(r.stats, "1 stable, 1 lost, 0 never read, 0 stale");
        assert_contains(r.stats, "final read (index 5): 1 elements, 1 acknowledged adds "
                                 "missing");
        check_result_free(&r);
    }

    feed(s, &h, 6, h.n);
    set_result(s, &r);
    assert_verdict(&r, VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_null(find_anomaly(&r, "lost"));
    assert_anomaly(&r, "stale", 1, "element 1 was missing from a read begun after it was known");
    assert_contains(r.anomalies[0].example, "last read present at index 6, last read absent "
                                            "at index 4");
    assert_contains(r.stats, "2 stable, 0 lost, 0 never read, 1 stale");
    assert_contains(r.stats, "final read (index 7): 2 elements, 0 acknowledged adds missing");
    check_result_free(&r);
    set_free(s);
    history_free(&h);
}

/* A read shows an element whose add is still open: it may have happened
 * (recovered). When the add's completion then says it failed, that read
 * is an aborted read. */
static void fed_failed_add_after_the_read(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "0");
    rec(&h, 2, H_INVOKE, "add", "1"); /* 2 */
    read_ok(&h, 9, "[0,1]");          /* 3, 4 */
    rec(&h, 2, H_FAIL, "add", "1");   /* 5 */
    set_state *s = new_state();
    feed(s, &h, 0, 5);
    check_result r;
    set_result(s, &r);
    assert_verdict(&r, VERDICT_VALID);
    assert_int_equal(r.nanomalies, 0);
    assert_contains(r.stats, "2 adds attempted, 1 ok reads; 2 stable, 0 lost, 0 never read");
    assert_contains(r.stats, "2 elements, 0 acknowledged adds missing, 1 indeterminate adds "
                             "recovered");
    check_result_free(&r);

    feed(s, &h, 5, h.n);
    set_result(s, &r);
    assert_verdict(&r, VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "aborted-read", 1, "element 1: its add failed (index 2), so it "
                                          "definitely did not happen, yet the read ending at "
                                          "index 4 showed it");
    assert_contains(r.stats, "1 stable, 0 lost, 0 never read, 0 stale, 0 unexpected, 1 "
                             "aborted reads");
    check_result_free(&r);
    set_free(s);
    history_free(&h);
}

/* An add whose process invokes again before completing never completes:
 * the next completion of that process ends the later invocation, so the
 * add stays indeterminate (a read showing it recovers it). */
static void fed_dropped_add_stays_indeterminate(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "0");
    rec(&h, 2, H_INVOKE, "add", "1");  /* 2: never completes */
    rec(&h, 2, H_INVOKE, "read", NULL);
    rec(&h, 2, H_OK, "read", "[0,1]"); /* 4: ends the read, not the add */
    set_state *s = new_state();
    feed(s, &h, 0, h.n);
    check_result r;
    set_result(s, &r);
    assert_verdict(&r, VERDICT_VALID);
    assert_contains(r.stats, "2 stable, 0 lost");
    assert_contains(r.stats, "final read (index 4): 2 elements, 0 acknowledged adds missing, "
                             "1 indeterminate adds recovered");
    check_result_free(&r);
    set_free(s);
    history_free(&h);
}

/* Duplicates are found as reads arrive and listed before the anomalies of
 * the elements (in value order), as check_set lists them. */
static void fed_anomaly_order(void **state)
{
    (void)state;
    history h = {0};
    add(&h, 1, H_OK, "5");
    add(&h, 1, H_OK, "3");
    read_ok(&h, 9, "[5,5,7]"); /* 7 never added; 3 missing */
    read_ok(&h, 9, "[5,6,6]");
    set_state *s = new_state();
    feed(s, &h, 0, 6);
    check_result r;
    set_result(s, &r);
    assert_int_equal(r.nanomalies, 3);
    assert_string_equal(r.anomalies[0].type, "duplicate");
    assert_string_equal(r.anomalies[1].type, "lost");
    assert_string_equal(r.anomalies[2].type, "unexpected");
    check_result_free(&r);
    feed(s, &h, 6, h.n);
    set_result(s, &r);
    assert_int_equal(r.nanomalies, 3);
    assert_anomaly(&r, "duplicate", 2, "element 5 appears twice in the read at index 5");
    assert_string_equal(r.anomalies[0].type, "duplicate");
    assert_string_equal(r.anomalies[1].type, "lost");
    assert_anomaly(&r, "unexpected", 2, "element 6 was read (first in the read ending at index "
                                        "7) but never added");
    check_result_free(&r);
    set_free(s);
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
        cmocka_unit_test(fed_lost_then_stale),
        cmocka_unit_test(fed_failed_add_after_the_read),
        cmocka_unit_test(fed_dropped_add_stays_indeterminate),
        cmocka_unit_test(fed_anomaly_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
