/* Tests of the outcome pipeline inside a run (no server needed): a
 * worker's recorded facts, the conditions the run and its fault windows
 * give them, the class that comes out; the fault panel's rows; and the
 * event ring handing out events since a sequence number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/workloads.h"
#include "core/engine/events.h"
#include "core/engine/run_internal.h"
#include "core/util.h"

#define VICTIM_PID 4242

typedef struct fixture {
    run *r;
    worker *w;      /* worker 0, never started */
} fixture;

static int setup(void **state)
{
    run_config cfg;
    config_defaults(&cfg);
    cfg.complexity = CX_READ;   /* no DDL threads */
    char *err = NULL;
    fixture *f = xcalloc(1, sizeof *f);
    f->r = run_new(&cfg, &err);
    config_free(&cfg);
    if (!f->r)
        fail_msg("run_new: %s", err);
    f->w = worker_new(f->r, 0);
    f->r->workers[0] = f->w;
    atomic_store(&f->r->nworkers, 1);
    atomic_store(&f->w->pid, VICTIM_PID);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    run_free(f->r);
    free(f);
    return 0;
}

/* Records facts on w as the statement runner would, seen at at_us. */
static void fail_with(worker *w, const char *sqlstate, const char *message, bool lost,
                      uint64_t at_us)
{
    err_facts_clear(&w->err);
    snprintf(w->err.sqlstate, sizeof w->err.sqlstate, "%s", sqlstate);
    w->err.message = xstrdup(message);
    w->err.conn_lost = lost;
    w->err.pid = atomic_load(&w->pid);
    w->err.at_us = at_us;
}

static err_class lost_at(worker *w, uint64_t at_us)
{
    fail_with(w, "", "server closed the connection unexpectedly", true, at_us);
    return worker_classify(w, NULL);
}

/* An action made of steps (an FSM state) says each step's expected
 * errors: they take the place of the row's, so an error that only another
 * step expects is a finding; the profile's and built-in rules still hold. */
static void step_rules_replace_the_rows(void **state)
{
    fixture *f = *state;
    static const error_rule STEP_B[] = {{"P0001", NULL, EC_IGNORED, WHEN_ALWAYS}, ERROR_RULES_END};
    action_def row = {.name = "a>b", .list = LIST_DML_NONTRANS, .expected = STEP_B};
    fail_with(f->w, "P0001", "planted by step a", false, now_us());
    assert_int_equal(worker_classify(f->w, &row), EC_IGNORED);
    ax_expect_errors(&f->w->ax, NULL);            /* step a expects nothing */
    assert_int_equal(worker_classify(f->w, &row), EC_UNEXPECTED);
    ax_expect_errors(&f->w->ax, STEP_B);          /* step b expects it */
    assert_int_equal(worker_classify(f->w, NULL), EC_IGNORED);
    ax_expect_errors(&f->w->ax, NULL);
    fail_with(f->w, "40001", "could not serialize access", false, now_us());
    assert_int_equal(worker_classify(f->w, &row), EC_IGNORED);
}

/* Opens the window of worker 0's cancel or terminate of itself (the
 * victim), as a worker's cancel action does, and closes it. */
static void interrupt_issued(fixture *f, fault_kind k)
{
    char target[64];
    faults_close(f->r, faults_open_interrupt(f->r, k, 0, VICTIM_PID, target, sizeof target));
    assert_string_equal(target, "worker 0 (pid 4242)");
}

static void ddl_running_is_a_condition(void **state)
{
    fixture *f = *state;
    fail_with(f->w, "42P01", "relation \"melee_s1.t3\" does not exist", false, now_us());
    assert_int_equal(worker_classify(f->w, NULL), EC_UNEXPECTED);
    f->r->ddl_running = true;
    assert_int_equal(worker_classify(f->w, NULL), EC_IGNORED);
    assert_true(worker_conditions(f->w) & WHEN_DDL);
}

/* A terminate this run issued excuses its backend's lost connection,
 * however late it is noticed, and nothing once the worker has a new
 * backend. */
static void terminate_issued_is_a_condition(void **state)
{
    fixture *f = *state;
    assert_int_equal(lost_at(f->w, now_us()), EC_CRASH);
    interrupt_issued(f, FK_TERMINATE);
    assert_int_equal(lost_at(f->w, now_us() + 60 * 1000000ULL), EC_IGNORED);
    atomic_store(&f->w->pid, VICTIM_PID + 1);   /* reconnected */
    assert_int_equal(lost_at(f->w, now_us()), EC_CRASH);
}

/* A cancel excuses its victim for a while, and no other worker. */
static void cancel_issued_is_a_condition(void **state)
{
    fixture *f = *state;
    interrupt_issued(f, FK_CANCEL);
    uint64_t t = now_us();
    assert_int_equal(lost_at(f->w, t + 1000), EC_IGNORED);
    assert_int_equal(lost_at(f->w, t + INTERRUPT_WINDOW_US + 1000000), EC_CRASH);
    assert_int_equal(faults_conditions(f->r, 1, VICTIM_PID, t + 1000), 0);
}

/* Inside a fault window and its grace period, what no rule expects is a
 * fault; outside it a lost connection is a crash again. */
static void fault_window_is_a_condition(void **state)
{
    fixture *f = *state;
    int id = run_fault_begin(f->r, "kill", "the server", 2.0);
    uint64_t t = now_us();
    assert_int_equal(lost_at(f->w, t + 1000), EC_FAULT);
    fail_with(f->w, "57P03", "the database system is starting up", false, t + 1000);
    assert_int_equal(worker_classify(f->w, NULL), EC_FAULT);
    fail_with(f->w, "40001", "could not serialize access", false, t + 1000);
    assert_int_equal(worker_classify(f->w, NULL), EC_IGNORED);
    fail_with(f->w, "XX000", "could not read block 3", false, t + 1000);
    assert_int_equal(worker_classify(f->w, NULL), EC_UNEXPECTED);
    /* Before the window opened: not its doing. */
    assert_int_equal(lost_at(f->w, t - 10 * 1000000ULL), EC_CRASH);
    run_fault_end(f->r, id);
    uint64_t end = now_us();
    assert_int_equal(lost_at(f->w, end + 1000000), EC_FAULT);        /* grace */
    assert_int_equal(lost_at(f->w, end + 3 * 1000000ULL), EC_CRASH);  /* outside */
}

/* The fault panel lists windows: open ones without an end, interrupts as
 * instants. */
static void fault_windows_reach_the_snapshot(void **state)
{
    fixture *f = *state;
    int id = run_fault_begin(f->r, "pause", "the server", 1.0);
    interrupt_issued(f, FK_CANCEL);
    run_snapshot *s = run_snapshot_take(f->r, NULL);
    assert_int_equal(s->nfaults, 2);
    assert_string_equal(s->faults[0].kind, "pause");
    assert_true(s->faults[0].end_s < 0);
    assert_string_equal(s->faults[1].kind, "cancel");
    assert_true(s->faults[1].end_s >= s->faults[1].start_s);
    assert_int_equal(s->nevents, 0);
    run_snapshot_free(s);
    run_fault_end(f->r, id);
    s = run_snapshot_take(f->r, NULL);
    assert_true(s->faults[0].end_s >= s->faults[0].start_s);
    run_snapshot_free(s);
}

/* A running snapshot keeps every active fault and the newest past ones
 * (a chaos run issues thousands); the full one, for the reports, all. */
static void running_snapshot_keeps_active_and_newest_faults(void **state)
{
    fixture *f = *state;
    int long_one = run_fault_begin(f->r, "partition", "the network", 1.0);
    size_t past = SNAP_FAULTS_PAST + 40;
    for (size_t i = 0; i < past; i++) {
        char target[16];
        snprintf(target, sizeof target, "n%zu", i);
        run_fault_end(f->r, run_fault_begin(f->r, "cancel", target, 0));
    }
    run_snapshot *s = run_snapshot_take(f->r, NULL);
    assert_int_equal(s->faults_total, past + 1);
    assert_int_equal(s->nfaults, SNAP_FAULTS_PAST + 1);
    assert_string_equal(s->faults[0].kind, "partition");   /* active, however old */
    assert_true(s->faults[0].end_s < 0);
    assert_string_equal(s->faults[1].target, "n40");       /* the newest past ones, in order */
    char last[16];
    snprintf(last, sizeof last, "n%zu", past - 1);
    assert_string_equal(s->faults[s->nfaults - 1].target, last);
    run_snapshot_free(s);
    s = run_snapshot_full(f->r);
    assert_int_equal(s->nfaults, past + 1);
    assert_string_equal(s->faults[1].target, "n0");
    run_snapshot_free(s);
    run_fault_end(f->r, long_one);
    s = run_snapshot_take(f->r, NULL);
    assert_int_equal(s->nfaults, SNAP_FAULTS_PAST);
    assert_string_equal(s->faults[0].target, "n40");
    run_snapshot_free(s);
}

/* Assertions are counted per name and place: the snapshot lists them,
 * the failed ones first with their last failure, and a failed one is a
 * finding whose message names it. */
static void assertions_reach_the_snapshot(void **state)
{
    fixture *f = *state;
    f->w->ax.action = NULL;
    atomic_store(&f->w->action, -1);
    assertion held = {.name = NULL, .where = "w.init step 1", .passed = true};
    assertion named = {.name = "no lost update", .where = "w.check step 1", .passed = true};
    ax_assert(&f->w->ax, &held);
    ax_assert(&f->w->ax, &held);
    ax_assert(&f->w->ax, &named);
    named.passed = false;
    named.expected = "column n = 5";
    named.got = "column n = 4";
    named.detail = "last statements";
    ax_assert(&f->w->ax, &named);
    named.expected = "column n = 7";
    named.got = "column n = 6";
    ax_assert(&f->w->ax, &named);
    run_snapshot *s = run_snapshot_take(f->r, NULL);
    assert_int_equal(s->totals.asserts_passed, 3);
    assert_int_equal(s->totals.asserts_failed, 2);
    assert_int_equal(s->nasserts, 2);
    assert_string_equal(s->asserts[0].name, "no lost update");
    assert_string_equal(s->asserts[0].where, "w.check step 1");
    assert_int_equal(s->asserts[0].passed, 1);
    assert_int_equal(s->asserts[0].failed, 2);
    assert_string_equal(s->asserts[0].expected, "column n = 7");
    assert_string_equal(s->asserts[0].got, "column n = 6");
    assert_string_equal(s->asserts[0].detail, "last statements");
    assert_int_equal(s->asserts[0].thread, 0);
    assert_string_equal(s->asserts[1].name, "");
    assert_int_equal(s->asserts[1].passed, 2);
    assert_int_equal(s->asserts[1].failed, 0);
    assert_null(s->asserts[1].expected);
    run_snapshot_free(s);
    finding *x = NULL;
    size_t n = findings_list(f->r->findings, &x, NULL);
    assert_int_equal(n, 2);
    assert_string_equal(x[1].message, "assertion failed: \"no lost update\" in w.check step 1: "
                                      "expected column n = 7, got column n = 6");
    findings_free_list(x, n);
    assert_int_equal(run_exit_code(f->r), 1);
    /* more assertions than rows: the totals still count every one */
    for (int i = 0; i < ASSERT_ROWS_MAX + 5; i++) {
        char where[32];
        snprintf(where, sizeof where, "w.s%d step 1", i);
        ax_assert(&f->w->ax, &(assertion){.where = where, .passed = true});
    }
    s = run_snapshot_take(f->r, NULL);
    assert_int_equal(s->nasserts, ASSERT_ROWS_MAX);
    assert_int_equal(s->totals.asserts_passed, 3 + ASSERT_ROWS_MAX + 5);
    run_snapshot_free(s);
}

static void push(event_ring *ring, int i)
{
    char msg[32];
    snprintf(msg, sizeof msg, "event %d", i);
    run_event ev = {.thread = i, .cls = EC_IGNORED, .message = msg};
    events_push(ring, &ev);
}

/* A reader asks for what follows the newest event it holds and gets each
 * event once; when the ring overwrote some first, it is told how many. */
static void events_since_a_sequence_number(void **state)
{
    (void)state;
    event_ring *ring = events_new(4);
    run_event *evs;
    uint64_t missed;
    assert_int_equal(events_since(ring, 0, &evs, &missed), 0);
    events_free_array(evs, 0);
    for (int i = 1; i <= 3; i++)
        push(ring, i);
    size_t n = events_since(ring, 0, &evs, &missed);
    assert_int_equal(n, 3);
    assert_int_equal(missed, 0);
    assert_int_equal(evs[0].seq, 1);
    assert_string_equal(evs[2].message, "event 3");
    events_free_array(evs, n);
    n = events_since(ring, 3, &evs, &missed);
    assert_int_equal(n, 0);
    events_free_array(evs, n);
    for (int i = 4; i <= 9; i++)
        push(ring, i);
    n = events_since(ring, 3, &evs, &missed);   /* 4 and 5 were overwritten */
    assert_int_equal(n, 4);
    assert_int_equal(missed, 2);
    assert_int_equal(evs[0].seq, 6);
    assert_int_equal(evs[3].seq, 9);
    events_free_array(evs, n);
    n = events_since(ring, 8, &evs, &missed);
    assert_int_equal(n, 1);
    assert_int_equal(missed, 0);
    assert_string_equal(evs[0].message, "event 9");
    events_free_array(evs, n);
    events_free(ring);
}

int main(void)
{
    /* run_new finds its workload among the installed ones. */
    builtin_workloads_install();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(step_rules_replace_the_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(ddl_running_is_a_condition, setup, teardown),
        cmocka_unit_test_setup_teardown(terminate_issued_is_a_condition, setup, teardown),
        cmocka_unit_test_setup_teardown(cancel_issued_is_a_condition, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_window_is_a_condition, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_windows_reach_the_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(running_snapshot_keeps_active_and_newest_faults, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(assertions_reach_the_snapshot, setup, teardown),
        cmocka_unit_test(events_since_a_sequence_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
