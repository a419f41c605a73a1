/* Unit tests of the default-value checker: a NULL in an ok read is found
 * and named; failed and indeterminate reads, DDL and empty tables are not
 * findings; nothing read is unknown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hist_build.h"

static verdict check(const history *h, check_result *r)
{
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    assert_int_equal(check_default_value(h, &o, r), 0);
    return r->verdict;
}

/* Inserts, DDL that fails or succeeds, reads of rows that all have v. */
static void start(history *h)
{
    op(h, 1, H_OK, "insert", NULL, NULL);
    op(h, 2, H_OK, "add-column", "\"int DEFAULT 7\"", NULL);
    op(h, 2, H_FAIL, "drop-table", NULL, NULL);
    op(h, 1, H_OK, "insert", NULL, NULL);
    op(h, 3, H_OK, "read", NULL, "[0,7]");
    op(h, 3, H_FAIL, "read", NULL, NULL);
    op(h, 4, H_INFO, "insert", NULL, NULL);
    rec(h, 5, H_INVOKE, "read", NULL); /* never completes */
}

static void defaults_everywhere_is_valid(void **state)
{
    (void)state;
    history h = {0};
    start(&h);
    op(&h, 3, H_OK, "read", NULL, "[0,7,7]");
    check_result r;
    check(&h, &r);
    assert_verdict(&r, VERDICT_VALID);
    assert_int_equal(r.nanomalies, 0);
    assert_contains(r.stats, "2 ok reads returning 5 rows; 2 inserts and 1 schema changes ok");
    check_result_free(&r);
    history_free(&h);
}

static void null_in_a_read_is_found(void **state)
{
    (void)state;
    history h = {0};
    start(&h);
    op(&h, 3, H_OK, "read", NULL, "[0,null,7,null]");
    op(&h, 3, H_OK, "read", NULL, "[0,7,7]");
    op(&h, 6, H_OK, "read", NULL, "[null]");
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "null-default", 2, "the read at index 16 (process 3) returned 2 of 4 rows "
                                          "with the column NULL");
    check_result_free(&r);
    history_free(&h);
}

static void nothing_read_is_unknown(void **state)
{
    (void)state;
    check_result r;
    history h = {0};
    op(&h, 1, H_OK, "insert", NULL, NULL);
    op(&h, 3, H_FAIL, "read", NULL, NULL);
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "no read completed ok");
    check_result_free(&r);
    op(&h, 3, H_OK, "read", NULL, "[]");
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "every ok read found the table empty");
    check_result_free(&r);
    op(&h, 3, H_OK, "read", NULL, "[7]");
    op(&h, 3, H_OK, "read", NULL, "{\"v\":7}");
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "1 ok reads had a value that is not a list");
    check_result_free(&r);
    history_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_everywhere_is_valid),
        cmocka_unit_test(null_in_a_read_is_found),
        cmocka_unit_test(nothing_read_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
