/* assertions.h - the assertions a workload checks (FSM expect:), tallied
 * one row per assertion: how often it held and failed, and what the last
 * failure expected and got. The checker panel, the report and the summary
 * read it. Thread-safe. */
#ifndef MELEE_ASSERTIONS_H
#define MELEE_ASSERTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Rows beyond this many are counted in the totals only. */
#define ASSERT_ROWS_MAX 64

/* One assertion as front-ends see it (strings owned by the copy). */
typedef struct assertion_row {
    char *name;          /* what the workload file calls it, "" when unnamed */
    char *where;         /* where it is checked: "rmw.check step 1" */
    uint64_t passed, failed;
    char *expected, *got;/* the last failure's, NULL while none failed */
    char *detail;        /* the last failure's story (thread, state, last statements), or NULL */
    int thread;          /* the last failure's thread */
    double time_s;       /* and when (seconds since the run started) */
} assertion_row;

typedef struct assert_table assert_table;

assert_table *assert_table_new(void);
void assert_table_free(assert_table *t);

/* One check of an assertion, as a workload reports it (strings
 * borrowed). */
typedef struct assertion {
    const char *name;      /* what the workload file calls it, or NULL */
    const char *where;     /* where it is checked: "rmw.check step 1" */
    bool passed;
    const char *expected;  /* failed: what was expected ("column n = 5") */
    const char *got;       /* failed: what came ("column n = 4") */
    const char *detail;    /* failed: the story (the thread's last statements...), or NULL */
} assertion;

/* Counts one check; a failed one's expected, got and detail are kept
 * (copied) as its row's last failure, with the thread and the time. */
void assert_table_count(assert_table *t, const assertion *x, int thread, double time_s);

/* Sets *passed and *failed to the totals over every assertion. */
void assert_table_totals(assert_table *t, uint64_t *passed, uint64_t *failed);

/* Copies the rows, failed ones first (most failures first), then in the
 * order they were first checked; caller frees with assertion_rows_free. */
size_t assert_table_rows(assert_table *t, assertion_row **out);
void assertion_rows_free(assertion_row *rows, size_t n);

#endif
