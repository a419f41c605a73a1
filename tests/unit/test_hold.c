/* Tests of the gate workers hold on (core/engine/hold.h): a wait whose
 * condition already holds returns at once, a limited wait ends when its
 * time is up, a ring wakes every waiter at once whatever its limit, and
 * a waiter whose condition becomes true with the ring sees it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>

#include "core/engine/hold.h"
#include "core/util.h"

#define WAITERS 8

static bool flag_set(const void *arg)
{
    return atomic_load((const _Atomic bool *)arg);
}

typedef struct waiter {
    hold_gate *g;
    _Atomic bool *flag;
    uint64_t ms;
    bool result;
    _Atomic bool woke;
} waiter;

static void *wait_once(void *arg)
{
    waiter *w = arg;
    w->result = hold_wait(w->g, flag_set, w->flag, w->ms);
    atomic_store(&w->woke, true);
    return NULL;
}

static void done_already_returns_at_once(void **state)
{
    (void)state;
    hold_gate g;
    hold_gate_init(&g);
    _Atomic bool flag = true;
    uint64_t t0 = now_us();
    assert_true(hold_wait(&g, flag_set, &flag, 0));
    assert_true(now_us() - t0 < 100000);
    hold_gate_destroy(&g);
}

static void limited_wait_times_out(void **state)
{
    (void)state;
    hold_gate g;
    hold_gate_init(&g);
    _Atomic bool flag = false;
    uint64_t t0 = now_us();
    assert_false(hold_wait(&g, flag_set, &flag, 80));
    uint64_t took = now_us() - t0;
    assert_true(took >= 80000);
    assert_true(took < 2000000);
    hold_gate_destroy(&g);
}

/* Starts WAITERS threads waiting on g with limit ms; returns when all are
 * (very likely) asleep. */
static void start_waiters(pthread_t *t, waiter *w, hold_gate *g, _Atomic bool *flag, uint64_t ms)
{
    for (int i = 0; i < WAITERS; i++) {
        w[i] = (waiter){.g = g, .flag = flag, .ms = ms};
        atomic_init(&w[i].woke, false);
        assert_int_equal(pthread_create(&t[i], NULL, wait_once, &w[i]), 0);
    }
    sleep_ms(100);
    for (int i = 0; i < WAITERS; i++)
        assert_false(atomic_load(&w[i].woke));
}

static void ring_wakes_every_waiter(void **state)
{
    (void)state;
    hold_gate g;
    hold_gate_init(&g);
    _Atomic bool flag = false;
    pthread_t t[WAITERS];
    waiter w[WAITERS];
    start_waiters(t, w, &g, &flag, 0);
    uint64_t t0 = now_us();
    hold_gate_wake(&g);
    for (int i = 0; i < WAITERS; i++) {
        pthread_join(t[i], NULL);
        assert_false(w[i].result);
    }
    assert_true(now_us() - t0 < 2000000);
    hold_gate_destroy(&g);
}

static void ring_after_change_is_seen(void **state)
{
    (void)state;
    hold_gate g;
    hold_gate_init(&g);
    _Atomic bool flag = false;
    pthread_t t[WAITERS];
    waiter w[WAITERS];
    start_waiters(t, w, &g, &flag, 60000);
    uint64_t t0 = now_us();
    atomic_store(&flag, true);
    hold_gate_wake(&g);
    for (int i = 0; i < WAITERS; i++) {
        pthread_join(t[i], NULL);
        assert_true(w[i].result);
    }
    assert_true(now_us() - t0 < 2000000);
    hold_gate_destroy(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(done_already_returns_at_once),
        cmocka_unit_test(limited_wait_times_out),
        cmocka_unit_test(ring_wakes_every_waiter),
        cmocka_unit_test(ring_after_change_is_seen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
