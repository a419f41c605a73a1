/* Unit tests of the long-fork checker: forks found and named with both
 * reads, allowed at read committed, groups kept apart, early and late
 * reads counted, and the histories it cannot judge (a key written twice,
 * reads of the wrong keys, values no write wrote, a vacuous pass). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hist_build.h"

static void write_key(history *h, int64_t process, hist_type type, int k)
{
    char v[64];
    snprintf(v, sizeof v, "[[\"w\",%d,1]]", k);
    op(h, process, type, "txn", v, NULL);
}

/* Reads group [g, g+3) in the given key order; seen[i] says whether the
 * i-th key read was present. */
static void read_group(history *h, int64_t process, hist_type type, const int keys[3],
                       const int seen[3])
{
    char inv[128], done[128];
    snprintf(inv, sizeof inv, "[[\"r\",%d,null],[\"r\",%d,null],[\"r\",%d,null]]", keys[0],
             keys[1], keys[2]);
    snprintf(done, sizeof done, "[[\"r\",%d,%s],[\"r\",%d,%s],[\"r\",%d,%s]]", keys[0],
             seen[0] ? "1" : "null", keys[1], seen[1] ? "1" : "null", keys[2],
             seen[2] ? "1" : "null");
    op(h, process, type, "txn", inv, type == H_OK ? done : inv);
}

/* Reads group 0 in order 2, 0, 1, seeing the keys whose bits are set in
 * mask (bit k: key k). */
static void read0(history *h, int64_t process, unsigned mask)
{
    static const int keys[3] = {2, 0, 1};
    int seen[3] = {(int)(mask >> 2 & 1), (int)(mask & 1), (int)(mask >> 1 & 1)};
    read_group(h, process, H_OK, keys, seen);
}

static verdict check_at(const history *h, isolation iso, check_result *r)
{
    check_opts o = check_opts_default(iso);
    assert_int_equal(check_long_fork(h, &o, r), 0);
    return r->verdict;
}

static verdict check(const history *h, check_result *r)
{
    return check_at(h, ISO_SERIALIZABLE, r);
}

/* Reads that see a growing prefix of the inserts agree on one order. */
static void ordered_reads_are_valid(void **state)
{
    (void)state;
    history h = {0};
    read0(&h, 5, 0);
    write_key(&h, 1, H_OK, 0);
    read0(&h, 5, 1);
    write_key(&h, 2, H_INFO, 1);
    write_key(&h, 3, H_FAIL, 2);
    read0(&h, 6, 3);
    read0(&h, 5, 3);
    read_group(&h, 6, H_FAIL, (const int[]){0, 1, 2}, (const int[]){0, 0, 0});
    rec(&h, 7, H_INVOKE, "txn", "[[\"r\",0,null],[\"r\",1,null],[\"r\",2,null]]");
    check_result r;
    check(&h, &r);
    assert_verdict(&r, VERDICT_VALID);
    assert_int_equal(r.nanomalies, 0);
    assert_contains(r.stats, "4 ok reads over 1 groups (1 saw no insert, 0 saw all, 3 saw some); "
                             "3 inserts; 0 forked pairs");
    check_result_free(&r);
    history_free(&h);
}

/* One read saw key 0 without key 1, another key 1 without key 0. */
static void fork_is_found(void **state)
{
    (void)state;
    history h = {0};
    rec(&h, 1, H_INVOKE, "txn", "[[\"w\",0,1]]");
    rec(&h, 2, H_INVOKE, "txn", "[[\"w\",1,1]]");
    rec(&h, 1, H_OK, "txn", "[[\"w\",0,1]]");
    rec(&h, 2, H_OK, "txn", "[[\"w\",1,1]]");
    read0(&h, 5, 1);
    read0(&h, 6, 2);
    read0(&h, 7, 1);
    read0(&h, 8, 3);
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_INVALID);
    assert_int_equal(r.nanomalies, 1);
    assert_anomaly(&r, "long-fork", 2, "keys 0..2: two reads saw different inserts");
    const char *e = r.anomalies[0].example;
    assert_contains(e, "index 5, process 5: [[\"r\",2,null],[\"r\",0,1],[\"r\",1,null]]");
    assert_contains(e, "index 7, process 6: [[\"r\",2,null],[\"r\",0,null],[\"r\",1,1]]");
    assert_contains(r.stats, "2 forked pairs");
    assert_contains(r.reason, "snapshot isolation");
    check_result_free(&r);

    /* read committed allows it: listed, still valid */
    assert_int_equal(check_at(&h, ISO_READ_COMMITTED, &r), VERDICT_VALID);
    assert_anomaly(&r, "long-fork", 2, NULL);
    assert_contains(r.reason, "read committed allows");
    check_result_free(&r);
    history_free(&h);
}

/* Reads of different groups are never compared. */
static void groups_are_separate(void **state)
{
    (void)state;
    history h = {0};
    for (int k = 0; k < 6; k++)
        write_key(&h, 1, H_OK, k);
    read0(&h, 5, 1);
    read_group(&h, 5, H_OK, (const int[]){3, 4, 5}, (const int[]){0, 1, 0});
    read_group(&h, 5, H_OK, (const int[]){5, 4, 3}, (const int[]){0, 1, 1});
    check_result r;
    check(&h, &r);
    assert_verdict(&r, VERDICT_VALID);
    assert_contains(r.stats, "3 ok reads over 2 groups");
    check_result_free(&r);
    history_free(&h);
}

static void key_written_twice_is_unknown(void **state)
{
    (void)state;
    history h = {0};
    write_key(&h, 1, H_OK, 0);
    write_key(&h, 2, H_FAIL, 0);
    read0(&h, 5, 1);
    read0(&h, 5, 0);
    check_result r;
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "key 0 was written more than once");
    assert_int_equal(r.nanomalies, 0);
    check_result_free(&r);
    history_free(&h);
}

static void read_of_wrong_keys_is_unknown(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "[[\"r\",0,null],[\"r\",1,null],[\"r\",3,null]]", /* two groups */
        "[[\"r\",0,null],[\"r\",1,null]]",                /* part of one */
        "[[\"r\",0,null],[\"r\",1,null],[\"r\",1,null]]", /* a key twice */
        "[[\"r\",0,null],[\"r\",1,null],[\"x\",2,null]]", /* not a read */
        "[[\"r\",0],[\"r\",1,null],[\"r\",2,null]]",      /* not [f, k, v] */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        history h = {0};
        write_key(&h, 1, H_OK, 0);
        read0(&h, 5, 1);
        read0(&h, 5, 0);
        op(&h, 6, H_OK, "txn", bad[i], NULL);
        check_result r;
        assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
        assert_contains(r.reason, "illegal history: the read at index 7 does not read exactly "
                                  "the 3 keys of one group");
        check_result_free(&r);
        history_free(&h);
    }
}

static void impossible_values_are_unknown(void **state)
{
    (void)state;
    static const struct {
        const char *read, *why;
    } bad[] = {
        {"[[\"r\",0,2],[\"r\",1,null],[\"r\",2,null]]", "key 0 = 2, but its write wrote another"},
        {"[[\"r\",0,1],[\"r\",1,1],[\"r\",2,null]]", "key 1 = 1, but no write wrote that key"},
        {"[[\"r\",0,1],[\"r\",1,null],[\"r\",2,1]]", "key 2 = 1, but its write definitely failed"},
        {"[[\"r\",0,\"1\"],[\"r\",1,null],[\"r\",2,null]]", "which is not an integer"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        history h = {0};
        write_key(&h, 1, H_OK, 0);
        write_key(&h, 1, H_FAIL, 2);
        read0(&h, 5, 0);
        op(&h, 6, H_OK, "txn", "[[\"r\",0,null],[\"r\",1,null],[\"r\",2,null]]", bad[i].read);
        check_result r;
        assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
        assert_contains(r.reason, "illegal read: the read at index 7 saw");
        assert_contains(r.reason, bad[i].why);
        check_result_free(&r);
        history_free(&h);
    }
}

/* Reads that all saw nothing or everything prove nothing. */
static void vacuous_pass_is_unknown(void **state)
{
    (void)state;
    check_result r;
    history h = {0};
    write_key(&h, 1, H_OK, 0);
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "no read completed ok");
    check_result_free(&r);
    read0(&h, 5, 0);
    write_key(&h, 1, H_OK, 1);
    write_key(&h, 1, H_OK, 2);
    read0(&h, 5, 7);
    read0(&h, 6, 7);
    assert_int_equal(check(&h, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "vacuous");
    assert_contains(r.stats, "3 ok reads over 1 groups (1 saw no insert, 2 saw all, 0 saw some)");
    check_result_free(&r);
    history_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ordered_reads_are_valid),
        cmocka_unit_test(fork_is_found),
        cmocka_unit_test(groups_are_separate),
        cmocka_unit_test(key_written_twice_is_unknown),
        cmocka_unit_test(read_of_wrong_keys_is_unknown),
        cmocka_unit_test(impossible_values_are_unknown),
        cmocka_unit_test(vacuous_pass_is_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
