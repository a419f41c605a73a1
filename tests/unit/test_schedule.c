/* Tests of the nemesis schedule: seeded and reproducible, a quiet start,
 * quiet gaps between faults, lengths around the mean, nothing in the
 * recovery window, the kinds in turn or at random. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "core/fault/schedule.h"

static schedule_cfg base_cfg(void)
{
    schedule_cfg c = {.kinds = {0, 1, 4}, .nkinds = 3, .order = ORDER_RANDOM,
                      .interval_s = 10, .duration_s = 5, .quiet_s = 5, .recovery_s = 10,
                      .run_s = 300};
    return c;
}

/* Plans every fault of cfg, each after the previous one's end; returns the
 * count (at most cap). */
static size_t plan_all(const schedule_cfg *cfg, uint64_t seed, planned_fault *out, size_t cap)
{
    schedule s;
    schedule_init(&s, cfg, seed);
    size_t n = 0;
    double after = 0;
    while (n < cap && schedule_next(&s, after, &out[n])) {
        after = out[n].end_s;
        n++;
    }
    return n;
}

/* True when two plans are the same fault for fault. */
static bool same_plan(const planned_fault *a, size_t na, const planned_fault *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (a[i].kind != b[i].kind || a[i].start_s != b[i].start_s || a[i].end_s != b[i].end_s)
            return false;
    return true;
}

static void test_same_seed_same_plan(void **state)
{
    (void)state;
    schedule_cfg c = base_cfg();
    planned_fault a[64], b[64], d[64];
    size_t na = plan_all(&c, 7, a, 64), nb = plan_all(&c, 7, b, 64), nd = plan_all(&c, 8, d, 64);
    assert_true(na > 5);
    assert_true(same_plan(a, na, b, nb));
    assert_false(same_plan(a, na, d, nd));
}

static void test_quiet_gaps_and_recovery(void **state)
{
    (void)state;
    schedule_cfg c = base_cfg();
    planned_fault f[64];
    size_t n = plan_all(&c, 3, f, 64);
    assert_true(n > 5);
    assert_true(f[0].start_s == c.quiet_s);
    for (size_t i = 0; i < n; i++) {
        double len = f[i].end_s - f[i].start_s;
        assert_true(len > 0);
        assert_true(len <= c.duration_s * 1.5 + 1e-9);
        if (i + 1 < n)   /* only the last may be cut short by the recovery window */
            assert_true(len >= c.duration_s * 0.5 - 1e-9);
        assert_true(f[i].end_s <= c.run_s - c.recovery_s + 1e-9);
        if (i > 0) {
            double gap = f[i].start_s - f[i - 1].end_s;
            assert_true(gap >= c.interval_s * 0.5 - 1e-9 && gap <= c.interval_s * 1.5 + 1e-9);
        }
    }
    /* The plan fills the run: the last fault ends within one interval and
     * duration of the recovery window. */
    assert_true(f[n - 1].end_s > c.run_s - c.recovery_s - c.interval_s * 1.5 - c.duration_s * 1.5);
}

static void test_late_heal_pushes_the_next_start(void **state)
{
    (void)state;
    schedule_cfg c = base_cfg();
    schedule s;
    schedule_init(&s, &c, 11);
    planned_fault a, b;
    assert_true(schedule_next(&s, 0, &a));
    /* The fault really healed 20 s late: the next waits its gap after that. */
    assert_true(schedule_next(&s, a.end_s + 20, &b));
    assert_true(b.start_s >= a.end_s + 20 + c.interval_s * 0.5);
}

static void test_cycle_order_takes_kinds_in_turn(void **state)
{
    (void)state;
    schedule_cfg c = base_cfg();
    c.order = ORDER_CYCLE;
    planned_fault f[64];
    size_t n = plan_all(&c, 5, f, 64);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(f[i].kind, c.kinds[i % 3]);
}

static void test_random_order_draws_every_kind(void **state)
{
    (void)state;
    schedule_cfg c = base_cfg();
    c.run_s = 0;   /* until stopped: the plan never runs out */
    schedule s;
    schedule_init(&s, &c, 9);
    int seen[8] = {0};
    planned_fault f;
    double after = 0;
    for (int i = 0; i < 300; i++) {
        assert_true(schedule_next(&s, after, &f));
        after = f.end_s;
        seen[f.kind]++;
    }
    assert_true(seen[0] > 50 && seen[1] > 50 && seen[4] > 50);
    assert_true(after > 300 * 5);
}

static void test_nothing_when_no_room_or_no_kinds(void **state)
{
    (void)state;
    schedule_cfg c = base_cfg();
    c.run_s = 14;   /* quiet 5 + recovery 10: no room */
    planned_fault f;
    schedule s;
    schedule_init(&s, &c, 1);
    assert_false(schedule_next(&s, 0, &f));
    c = base_cfg();
    c.nkinds = 0;
    schedule_init(&s, &c, 1);
    assert_false(schedule_next(&s, 0, &f));
    assert_true(schedule_last_heal(&s) == 290);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_plan),
        cmocka_unit_test(test_quiet_gaps_and_recovery),
        cmocka_unit_test(test_late_heal_pushes_the_next_start),
        cmocka_unit_test(test_cycle_order_takes_kinds_in_turn),
        cmocka_unit_test(test_random_order_draws_every_kind),
        cmocka_unit_test(test_nothing_when_no_room_or_no_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
