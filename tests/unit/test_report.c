/* test_report.c - the run report's data: metrics rows and histories into
 * per-second series, per-second quantiles from histogram differences,
 * the colour tables. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/engine/histogram.h"
#include "core/report/colours.h"
#include "core/report/page.h"
#include "core/report/series.h"

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/melee-report-test.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static double count_of(const series *s, size_t row, const char *outcome)
{
    long k = names_find(&s->outcomes, outcome);
    assert_true(k >= 0);
    return s->count[row * s->outcomes.n + (size_t)k];
}

static void metrics_rows_become_series(void **state)
{
    (void)state;
    char *path = write_temp(
        "{\"t\":1.0,\"dt\":1.0,\"actions\":{\"read.a\":{\"ok\":10,\"ignored\":2,\"skipped\":1,"
        "\"p50_us\":1000,\"p90_us\":2000,\"p99_us\":3000,\"max_us\":4000}},\"fault\":1,"
        "\"states\":{\"running\":3,\"idle\":1},\"faults\":[]}\n"
        "{\"t\":2.0,\"dt\":1.0,\"actions\":{\"read.b\":{\"ok\":5,\"unexpected\":1}},"
        "\"states\":{\"running\":4,\"idle\":0},"
        "\"faults\":[{\"kind\":\"kill\",\"target\":\"server\",\"start_s\":1.5,\"end_s\":null}]}\n"
        "{\"t\":2.1,\"dt\":0.1,\"actions\":{\"read.b\":{\"ok\":1}},\"states\":{\"running\":2},"
        "\"faults\":[{\"kind\":\"kill\",\"target\":\"server\",\"start_s\":1.5,\"end_s\":2.05}]}\n");
    series s;
    char *err = NULL;
    assert_int_equal(series_from_metrics(path, &s, &err), 0);
    /* The 0.1 s tail joined the second row. */
    assert_int_equal(s.nrows, 2);
    assert_true(fabs(s.t[1] - 2.1) < 1e-9 && fabs(s.dt[1] - 1.1) < 1e-9);
    /* The error a fault explained moved from ignored to fault. */
    assert_true(count_of(&s, 0, "ok") == 10 && count_of(&s, 0, "ignored") == 1);
    assert_true(count_of(&s, 0, "fault") == 1);
    assert_true(count_of(&s, 1, "ok") == 6 && count_of(&s, 1, "unexpected") == 1);
    long a = names_find(&s.actions, "read.a"), b = names_find(&s.actions, "read.b");
    assert_true(a >= 0 && b >= 0);
    assert_int_equal(s.action_ops[a], 12);          /* skipped is not an operation */
    assert_int_equal(s.action_ops[b], 7);
    assert_true(fabs(s.lat_ms[((size_t)a) * LAT_COUNT + LAT_P99] - 3.0) < 1e-9);
    assert_true(isnan(s.lat_ms[(1 * s.actions.n + (size_t)a) * LAT_COUNT + LAT_P50]));
    long run = names_find(&s.states, "running");
    assert_true(s.threads[0 * s.states.n + (size_t)run] == 3);
    assert_true(s.threads[1 * s.states.n + (size_t)run] == 2);
    /* One window, its end from the row that saw it healed. */
    assert_int_equal(s.nfaults, 1);
    assert_string_equal(s.faults[0].kind, "kill");
    assert_true(fabs(s.faults[0].end_s - 2.05) < 1e-9);
    series_free(&s);
    unlink(path);
    free(path);
}

static void malformed_metrics_name_the_line(void **state)
{
    (void)state;
    char *path = write_temp("{\"t\":1}\n{\"t\":\"soon\"}\n");
    series s;
    char *err = NULL;
    assert_int_equal(series_from_metrics(path, &s, &err), -1);
    assert_non_null(strstr(err, ":2:"));
    free(err);
    unlink(path);
    free(path);
}

/* A run killed while writing a row leaves it torn: the rows before make
 * the series. */
static void torn_last_metrics_row_is_passed_over(void **state)
{
    (void)state;
    char *path = write_temp("{\"t\":1.0,\"dt\":1.0,\"actions\":{}}\n"
                            "{\"t\":2.0,\"dt\":1.0,\"actions\":{}}\n{\"t\":3.0,\"act");
    series s;
    char *err = NULL;
    assert_int_equal(series_from_metrics(path, &s, &err), 0);
    assert_null(err);
    assert_int_equal(s.nrows, 2);
    series_free(&s);
    unlink(path);
    free(path);
}

static void histories_become_series(void **state)
{
    (void)state;
    /* Times in ns: process 0 runs a read for 0.5 s; process 1 a write that
     * fails after 0.1 s; a kill from 0.2 s to 0.9 s. */
    char *path = write_temp(
        "{\"type\":\"meta\",\"workload\":\"register\"}\n"
        "{\"index\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null,\"time\":1000000000}\n"
        "{\"index\":1,\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"start-kill\",\"value\":\"pg\",\"time\":1200000000}\n"
        "{\"index\":2,\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":1,\"time\":1500000000}\n"
        "{\"index\":3,\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"stop-kill\",\"value\":\"up\",\"time\":1900000000}\n"
        "{\"index\":4,\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":2,\"time\":2200000000}\n"
        "{\"index\":5,\"process\":1,\"type\":\"fail\",\"f\":\"write\",\"value\":2,\"time\":2300000000}\n"
        "{\"index\":6,\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"value\":null,\"time\":2900000000}\n"
        "{\"index\":7,\"process\":2,\"type\":\"info\",\"f\":\"read\",\"value\":null,\"time\":3000000000}\n");
    series s;
    char *meta = NULL, *err = NULL;
    assert_int_equal(series_from_history(path, &s, &meta, &err), 0);
    assert_non_null(meta);
    assert_non_null(strstr(meta, "register"));
    assert_int_equal(s.nrows, 2);
    assert_true(count_of(&s, 0, "ok") == 1);
    assert_true(count_of(&s, 1, "fail") == 1 && count_of(&s, 1, "info") == 1);
    long rd = names_find(&s.actions, "read");
    assert_true(fabs(s.lat_ms[(size_t)rd * LAT_COUNT + LAT_P50] - 500.0) < 1e-6);
    assert_int_equal(s.nfaults, 1);
    assert_string_equal(s.faults[0].kind, "kill");
    assert_true(fabs(s.faults[0].start_s - 0.2) < 1e-9 && fabs(s.faults[0].end_s - 0.9) < 1e-9);
    assert_true(s.threads[0] == 0 && s.threads[1] == 0);   /* nothing left open */
    series_free(&s);
    free(meta);
    unlink(path);
    free(path);
}

static void quantiles_of_a_difference(void **state)
{
    (void)state;
    histogram *h = calloc(1, sizeof *h);
    for (int i = 0; i < 1000; i++)
        hist_record(h, 10000);                  /* an earlier second: slow */
    uint64_t before[HIST_BUCKETS], after[HIST_BUCKETS];
    hist_copy_counts(h, before);
    for (int i = 0; i < 100; i++)
        hist_record(h, 100);                    /* this second: fast */
    hist_copy_counts(h, after);
    for (int b = 0; b < HIST_BUCKETS; b++)
        after[b] -= before[b];
    uint64_t p99 = hist_counts_quantile(after, 0.99, hist_max(h));
    assert_true(p99 >= 88 && p99 <= 112);
    free(h);
}

/* The totals table of a summary with errors a fault explained: each
 * outcome once, faulted apart from the ignored errors that include it. */
static void totals_show_faulted(void **state)
{
    (void)state;
    json_object *summary = json_tokener_parse(
        "{\"ops\":20,\"ok\":12,\"ignored\":8,\"faulted\":5,\"unexpected\":0,"
        "\"crashes\":0,\"hangs\":0,\"exit_code\":0}");
    assert_non_null(summary);
    series s = {0};
    page_input in = {.summary = summary, .s = &s};
    char *html = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&html, &len);
    page_totals(f, &in);
    fclose(f);
    assert_non_null(strstr(html, "faulted (ignored errors a fault explains)</th><td class=\"n\">5<"));
    assert_non_null(strstr(html, "ignored errors</th><td class=\"n\">8<"));
    assert_null(strstr(strstr(html, ">faulted") + 1, ">faulted"));
    free(html);
    json_object_put(summary);
}

static void colours_are_tables(void **state)
{
    (void)state;
    assert_string_equal(outcome_colour("ok"), "#2ca02c");
    assert_true(outcome_rank("ok") < outcome_rank("unexpected"));
    assert_string_equal(fault_colour("brand-new"), fault_colour("brand-new"));
    assert_true(strcmp(fault_colour("kill"), fault_colour("pause")) != 0);
    assert_true(state_always_shown("paused") && !state_always_shown("stopped"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(metrics_rows_become_series),
        cmocka_unit_test(malformed_metrics_name_the_line),
        cmocka_unit_test(torn_last_metrics_row_is_passed_over),
        cmocka_unit_test(histories_become_series),
        cmocka_unit_test(quantiles_of_a_difference),
        cmocka_unit_test(totals_show_faulted),
        cmocka_unit_test(colours_are_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
