/* Unit tests of the long-fork checker: forks found and named with both
 * reads, allowed at read committed, groups kept apart, early and late
 * reads counted, and the histories it cannot judge (a key written twice,
 * reads of the wrong keys, values no write wrote, a vacuous pass); and
 * the state fed one record at a time (feed.h), judged mid-history: a fork
 * once its second read arrives, a vacuous pass ended by a partial read, a
 * read judged again when the write it saw fails or arrives late. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/check/feed.h"
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

/* ---- fed one record at a time ---- */

/* Feeds the records of h from *fed up to (not including) upto. */
static void feed_to(long_fork_state *s, const history *h, size_t *fed, size_t upto)
{
    for (; *fed < upto; (*fed)++)
        long_fork_feed(s, &h->ops[*fed]);
}

/* The verdict of s now, the result left in *r; asking again gives the
 * same result (nothing is consumed). */
static verdict fed_verdict(const long_fork_state *s, check_result *r)
{
    check_result again;
    long_fork_result(s, r);
    long_fork_result(s, &again);
    assert_int_equal(again.verdict, r->verdict);
    assert_string_equal(again.stats, r->stats);
    assert_int_equal(again.nanomalies, r->nanomalies);
    check_result_free(&again);
    return r->verdict;
}

/* The verdict after every prefix of h, fed once, equals check_long_fork
 * over a history made of that prefix. */
static void assert_every_prefix(const history *h, isolation iso)
{
    check_opts o = check_opts_default(iso);
    long_fork_state *s = long_fork_new(&o);
    for (size_t k = 0; k <= h->n; k++) {
        if (k)
            long_fork_feed(s, &h->ops[k - 1]);
        history prefix = {.ops = h->ops, .n = k, .cap = k};
        check_result fed, whole;
        long_fork_result(s, &fed);
        assert_int_equal(check_long_fork(&prefix, &o, &whole), 0);
        assert_int_equal(fed.verdict, whole.verdict);
        assert_string_equal(fed.reason ? fed.reason : "", whole.reason ? whole.reason : "");
        assert_string_equal(fed.stats, whole.stats);
        assert_int_equal(fed.nanomalies, whole.nanomalies);
        for (size_t i = 0; i < fed.nanomalies; i++) {
            assert_int_equal(fed.anomalies[i].count, whole.anomalies[i].count);
            assert_string_equal(fed.anomalies[i].example, whole.anomalies[i].example);
        }
        check_result_free(&fed);
        check_result_free(&whole);
    }
    long_fork_free(s);
}

/* The fork shows once the second read of the pair completes, not before. */
static void fed_fork_appears_with_its_second_read(void **state)
{
    (void)state;
    history h = {0};
    write_key(&h, 1, H_OK, 0); /* 0, 1 */
    write_key(&h, 2, H_OK, 1); /* 2, 3 */
    read0(&h, 5, 1);           /* 4, 5: saw key 0 */
    read0(&h, 6, 3);           /* 6, 7: saw both: no fork */
    read0(&h, 7, 2);           /* 8, 9: saw key 1 alone: forks with index 5 */
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    long_fork_state *s = long_fork_new(&o);
    size_t fed = 0;
    check_result r;
    feed_to(s, &h, &fed, 6);
    assert_int_equal(fed_verdict(s, &r), VERDICT_VALID);
    assert_int_equal(r.nanomalies, 0);
    assert_contains(r.stats, "1 ok reads over 1 groups (0 saw no insert, 0 saw all, 1 saw some)");
    check_result_free(&r);
    feed_to(s, &h, &fed, 9); /* the third read invoked, not completed */
    assert_int_equal(fed_verdict(s, &r), VERDICT_VALID);
    assert_int_equal(r.nanomalies, 0);
    check_result_free(&r);
    feed_to(s, &h, &fed, 10);
    assert_int_equal(fed_verdict(s, &r), VERDICT_INVALID);
    assert_anomaly(&r, "long-fork", 1, "keys 0..2: two reads saw different inserts");
    assert_contains(r.anomalies[0].example, "index 5, process 5");
    assert_contains(r.anomalies[0].example, "index 9, process 7");
    assert_contains(r.stats, "3 ok reads over 1 groups (0 saw no insert, 0 saw all, 3 saw some); "
                             "2 inserts; 1 forked pairs");
    check_result_free(&r);
    long_fork_free(s);
    assert_every_prefix(&h, ISO_SERIALIZABLE);
    assert_every_prefix(&h, ISO_READ_COMMITTED);
    history_free(&h);
}

/* Reads that saw none or all of the inserts are a vacuous pass until a
 * read that saw some of them arrives. */
static void fed_vacuous_pass_ends_with_a_partial_read(void **state)
{
    (void)state;
    history h = {0};
    read0(&h, 5, 0);           /* 0, 1 */
    write_key(&h, 1, H_OK, 0); /* 2, 3 */
    write_key(&h, 1, H_OK, 1); /* 4, 5 */
    write_key(&h, 1, H_OK, 2); /* 6, 7 */
    read0(&h, 5, 7);           /* 8, 9 */
    read0(&h, 6, 3);           /* 10, 11 */
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    long_fork_state *s = long_fork_new(&o);
    size_t fed = 0;
    check_result r;
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "no read completed ok");
    check_result_free(&r);
    feed_to(s, &h, &fed, 11);
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "vacuous");
    assert_contains(r.stats, "2 ok reads over 1 groups (1 saw no insert, 1 saw all, 0 saw some)");
    check_result_free(&r);
    feed_to(s, &h, &fed, 12);
    assert_int_equal(fed_verdict(s, &r), VERDICT_VALID);
    assert_null(r.reason);
    assert_contains(r.stats, "3 ok reads over 1 groups (1 saw no insert, 1 saw all, 1 saw some); "
                             "3 inserts; 0 forked pairs");
    check_result_free(&r);
    long_fork_free(s);
    assert_every_prefix(&h, ISO_SERIALIZABLE);
    history_free(&h);
}

/* A read that saw an open write is fine until that write's completion
 * says it failed: from that record on the history cannot be judged. A
 * write that completes ok settles the reads that saw it. */
static void fed_failed_write_rejudges_an_earlier_read(void **state)
{
    (void)state;
    history h = {0};
    rec(&h, 1, H_INVOKE, "txn", "[[\"w\",0,1]]"); /* 0: open while the reads run */
    rec(&h, 2, H_INVOKE, "txn", "[[\"w\",1,1]]"); /* 1 */
    read0(&h, 5, 1);                              /* 2, 3: saw key 0 */
    read0(&h, 6, 2);                              /* 4, 5: saw key 1 (a fork) */
    rec(&h, 2, H_OK, "txn", "[[\"w\",1,1]]");     /* 6 */
    rec(&h, 1, H_FAIL, "txn", "[[\"w\",0,1]]");   /* 7 */
    read0(&h, 7, 0);                              /* 8, 9 */
    check_opts o = check_opts_default(ISO_READ_COMMITTED);
    long_fork_state *s = long_fork_new(&o);
    size_t fed = 0;
    check_result r;
    feed_to(s, &h, &fed, 7);
    assert_int_equal(fed_verdict(s, &r), VERDICT_VALID);
    assert_anomaly(&r, "long-fork", 1, NULL);
    check_result_free(&r);
    feed_to(s, &h, &fed, 8);
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "illegal read: the read at index 3 saw key 0 = 1, but its write "
                              "definitely failed");
    assert_int_equal(r.nanomalies, 0);
    assert_contains(r.stats, "0 ok reads over 0 groups");
    check_result_free(&r);
    feed_to(s, &h, &fed, h.n);
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "the read at index 3 saw key 0 = 1");
    assert_contains(r.stats, "2 inserts");
    check_result_free(&r);
    long_fork_free(s);
    assert_every_prefix(&h, ISO_READ_COMMITTED);
    history_free(&h);
}

/* A read of a key whose write is invoked later is unknown only until that
 * write arrives; meanwhile it hides a later read no write can explain. */
static void fed_write_arriving_late_explains_an_earlier_read(void **state)
{
    (void)state;
    history h = {0};
    read0(&h, 5, 1); /* 0, 1: saw key 0, not written yet */
    op(&h, 6, H_OK, "txn", "[[\"r\",0,null],[\"r\",1,null],[\"r\",2,null]]",
       "[[\"r\",0,null],[\"r\",1,null],[\"r\",2,\"1\"]]"); /* 2, 3 */
    write_key(&h, 1, H_OK, 0); /* 4, 5 */
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    long_fork_state *s = long_fork_new(&o);
    size_t fed = 0;
    check_result r;
    feed_to(s, &h, &fed, 2);
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "the read at index 1 saw key 0 = 1, but no write wrote that key");
    check_result_free(&r);
    feed_to(s, &h, &fed, 4);
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "the read at index 1 saw key 0 = 1, but no write wrote that key");
    check_result_free(&r);
    feed_to(s, &h, &fed, 5); /* the write's invocation */
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "the read at index 3 saw key 2 = \"1\", which is not an integer");
    assert_contains(r.stats, "1 ok reads over 0 groups (0 saw no insert, 0 saw all, 1 saw some)");
    check_result_free(&r);
    long_fork_free(s);
    assert_every_prefix(&h, ISO_SERIALIZABLE);

    /* without the second read, the late write makes the history valid */
    history g = {0};
    read0(&g, 5, 1);
    write_key(&g, 1, H_OK, 0);
    s = long_fork_new(&o);
    fed = 0;
    feed_to(s, &g, &fed, 2);
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    check_result_free(&r);
    feed_to(s, &g, &fed, 3);
    assert_int_equal(fed_verdict(s, &r), VERDICT_VALID);
    assert_contains(r.stats, "1 ok reads over 1 groups");
    check_result_free(&r);
    long_fork_free(s);
    history_free(&g);
    history_free(&h);
}

/* The key named written twice is the smallest one so far, and a write txn
 * that is not a list of writes is named before it. */
static void fed_write_problems_in_batch_order(void **state)
{
    (void)state;
    history h = {0};
    write_key(&h, 1, H_OK, 0);  /* 0, 1 */
    read0(&h, 5, 1);            /* 2, 3 */
    write_key(&h, 1, H_OK, 3);  /* 4, 5 */
    write_key(&h, 2, H_OK, 3);  /* 6, 7 */
    write_key(&h, 2, H_OK, 0);  /* 8, 9 */
    op(&h, 3, H_OK, "txn", "[[\"w\",6,1],[\"w\",7]]", NULL); /* 10, 11 */
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    long_fork_state *s = long_fork_new(&o);
    size_t fed = 0;
    check_result r;
    feed_to(s, &h, &fed, 6);
    assert_int_equal(fed_verdict(s, &r), VERDICT_VALID);
    check_result_free(&r);
    feed_to(s, &h, &fed, 7);
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "key 3 was written more than once");
    assert_contains(r.stats, "0 ok reads over 0 groups (0 saw no insert, 0 saw all, 0 saw "
                             "some); 3 inserts");
    check_result_free(&r);
    feed_to(s, &h, &fed, 9);
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "key 0 was written more than once");
    check_result_free(&r);
    feed_to(s, &h, &fed, 11);
    assert_int_equal(fed_verdict(s, &r), VERDICT_UNKNOWN);
    assert_contains(r.reason, "illegal history: the write at index 10 is not a list of");
    assert_contains(r.stats, "5 inserts");
    check_result_free(&r);
    long_fork_free(s);
    assert_every_prefix(&h, ISO_SERIALIZABLE);
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
        cmocka_unit_test(fed_fork_appears_with_its_second_read),
        cmocka_unit_test(fed_vacuous_pass_ends_with_a_partial_read),
        cmocka_unit_test(fed_failed_write_rejudges_an_earlier_read),
        cmocka_unit_test(fed_write_arriving_late_explains_an_earlier_read),
        cmocka_unit_test(fed_write_problems_in_batch_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
