/* Unit tests of the checkers fed one record at a time (core/check/feed.h):
 * the verdict after each record is the verdict over the records so far,
 * asking for it consumes nothing, and a record that arrives later changes
 * how earlier ones are judged (a failed add, a refused overdraft). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/check/feed.h"
#include "hist_build.h"

/* ---- counter ---- */

/* The verdict of s now, the result freed. */
static verdict counter_verdict(const counter_state *s)
{
    check_result r;
    counter_result(s, &r);
    verdict v = r.verdict;
    check_result_free(&r);
    return v;
}

/* A read that completes while an add is open may count it; when that add
 * then fails, the read has seen more than could have been added. */
static void counter_failed_add_rejudges_an_earlier_read(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_OK, "add", "1", NULL);          /* 0, 1 */
    rec(&h, 2, H_INVOKE, "add", "1");           /* 2: open while the read runs */
    op(&h, 3, H_OK, "read", NULL, "2");         /* 3, 4: bounds [1, 2] */
    rec(&h, 2, H_FAIL, "add", "1");             /* 5: the read's 2 is now impossible */
    op(&h, 3, H_OK, "read", NULL, "1");         /* 6, 7 */
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    counter_state *s = counter_new(&o);
    for (size_t i = 0; i <= 4; i++)
        counter_feed(s, &h.ops[i]);
    assert_int_equal(counter_verdict(s), VERDICT_VALID);
    assert_int_equal(counter_verdict(s), VERDICT_VALID); /* asking consumes nothing */
    counter_feed(s, &h.ops[5]);
    check_result r;
    counter_result(s, &r);
    assert_verdict(&r, VERDICT_INVALID);
    assert_anomaly(&r, "read-above-upper-bound", 1, "index 4 (process 3) returned 2");
    assert_contains(r.anomalies[0].example, "bounds [1, 1]");
    check_result_free(&r);
    for (size_t i = 6; i < h.n; i++)
        counter_feed(s, &h.ops[i]);
    counter_result(s, &r);
    assert_anomaly(&r, "read-above-upper-bound", 1, NULL);
    assert_contains(r.stats, "2 ok reads; adds: 1 ok, 1 failed, 0 indeterminate");
    check_result_free(&r);
    counter_free(s);
    history_free(&h);
}

/* A read that completes after every add has ended is settled: a later
 * failure of a new add does not touch it. */
static void counter_settled_reads_stay_settled(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 1, H_OK, "add", "2", NULL);
    op(&h, 3, H_OK, "read", NULL, "2");
    rec(&h, 2, H_INVOKE, "add", "5");
    rec(&h, 2, H_FAIL, "add", "5");
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    counter_state *s = counter_new(&o);
    for (size_t i = 0; i < h.n; i++)
        counter_feed(s, &h.ops[i]);
    assert_int_equal(counter_verdict(s), VERDICT_VALID);
    counter_free(s);
    history_free(&h);
}

/* ---- bank ---- */

static verdict bank_verdict(const bank_state *s, check_result *r)
{
    bank_result(s, r);
    return r->verdict;
}

/* A negative balance is a finding only once some operation says it
 * refuses to overdraw, which may come after the read. */
static void bank_refused_overdraft_learnt_later(void **state)
{
    (void)state;
    history h = {0};
    op(&h, 0, H_OK, "read", NULL, "{\"0\": 10, \"1\": 0}");
    op(&h, 1, H_OK, "read", NULL, "{\"0\": 12, \"1\": -2}");
    op(&h, 2, H_FAIL, "transfer", "{\"from\": 1, \"to\": 0, \"amount\": 5, "
                                  "\"allow_negative\": false}", NULL);
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    bank_state *s = bank_new(&o);
    for (size_t i = 0; i < 4; i++)
        bank_feed(s, &h.ops[i]);
    check_result r;
    bank_verdict(s, &r); /* unknown: no transfer yet, but nothing found either */
    assert_int_equal(r.nanomalies, 0);
    check_result_free(&r);
    bank_feed(s, &h.ops[4]); /* the invocation says it */
    assert_int_equal(bank_verdict(s, &r), VERDICT_INVALID);
    assert_anomaly(&r, "negative-value", 1, "index 3");
    check_result_free(&r);
    bank_feed(s, &h.ops[5]);
    assert_int_equal(bank_verdict(s, &r), VERDICT_INVALID);
    check_result_free(&r);
    bank_free(s);
    history_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counter_failed_add_rejudges_an_earlier_read),
        cmocka_unit_test(counter_settled_reads_stay_settled),
        cmocka_unit_test(bank_refused_overdraft_learnt_later),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
