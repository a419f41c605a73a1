/* report.c - the end-of-run report for people and the summary JSON. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run_internal.h"
#include "../sqlbuf.h"
#include "../util.h"

/* Actions with this many attempts and no success get a coverage warning. */
#define COVERAGE_MIN_ATTEMPTS 20

int run_exit_code(run *r)
{
    uint64_t total = 0, passed, failed;
    assert_table_totals(r->asserts, &passed, &failed);
    finding *x = NULL;
    size_t n = findings_list(r->findings, &x, &total);
    findings_free_list(x, n);
    const check_result *cr = r->rec ? recorder_result(r->rec) : NULL;
    bool invalid = cr && cr->verdict == VERDICT_INVALID;
    if (run_fatal_error(r))
        return 2;
    return total > 0 || invalid || atomic_load(&r->crashes) || atomic_load(&r->hangs) || failed
               ? 1
               : 0;
}

static void print_ms(FILE *out, uint64_t us)
{
    fprintf(out, " %9.2f", (double)us / 1000.0);
}

static void report_actions(const run_snapshot *s, FILE *out)
{
    fprintf(out, "\n%-32s %8s %8s %8s %8s %8s %9s %9s %9s\n", "action", "count", "ok",
            "ignored", "unexpct", "skipped", "p50 ms", "p99 ms", "max ms");
    for (size_t i = 0; i < s->nactions; i++) {
        const action_snap *a = &s->actions[i];
        uint64_t count = a->ok + a->ignored + a->unexpected;
        if (count == 0 && a->skipped == 0)
            continue;
        fprintf(out, "%-32s %8llu %8llu %8llu %8llu %8llu", a->name, (unsigned long long)count,
                (unsigned long long)a->ok, (unsigned long long)a->ignored,
                (unsigned long long)a->unexpected, (unsigned long long)a->skipped);
        print_ms(out, a->p50_us);
        print_ms(out, a->p99_us);
        print_ms(out, a->max_us);
        fputc('\n', out);
    }
}

static void report_ignored(run *r, FILE *out)
{
    ignored_group *g = NULL;
    size_t n = findings_groups(r->findings, &g);
    if (n)
        fprintf(out, "\nIgnored errors (expected under concurrency), by SQLSTATE and message:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %8llu  %-5s  %s\n", (unsigned long long)g[i].count, g[i].sqlstate,
                g[i].message);
    findings_free_groups(g, n);
}

/* Prints "    LABEL text" with the text's later lines under its first. */
static void print_field(FILE *out, const char *label, const char *text)
{
    fprintf(out, "    %-10s", label);
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '\n' && p[1])
            fputs("              ", out);
    }
    fputc('\n', out);
}

static void report_findings(run *r, FILE *out)
{
    uint64_t total = 0, passed, failed;
    assert_table_totals(r->asserts, &passed, &failed);
    finding *x = NULL;
    size_t n = findings_list(r->findings, &x, &total);
    if (total)
        fprintf(out, "\nFINDINGS: %llu (unexpected errors, crashes, hangs)%s\n",
                (unsigned long long)total, total > n ? "; the first ones in full:" : "");
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "\n  [%s] at %.3f s, thread %d, action %s\n", err_class_name(x[i].cls),
                x[i].time_s, x[i].thread, x[i].action ? x[i].action : "-");
        print_field(out, "SQLSTATE:", *x[i].sqlstate ? x[i].sqlstate : "-");
        print_field(out, "message:", x[i].message ? x[i].message : "");
        if (x[i].detail)
            print_field(out, "detail:", x[i].detail);
        if (x[i].hint)
            print_field(out, "hint:", x[i].hint);
        if (x[i].sql)
            print_field(out, "SQL:", x[i].sql);
    }
    findings_free_list(x, n);
}

static void report_coverage(const run_snapshot *s, const run *r, FILE *out)
{
    bool header = false;
    for (size_t i = 0; i < s->nactions; i++) {
        const action_snap *a = &s->actions[i];
        if ((r->actions[i].def->flags & ACTF_NO_COVERAGE) || a->ok ||
            a->skipped + a->ignored + a->unexpected < COVERAGE_MIN_ATTEMPTS)
            continue;
        if (!header)
            fprintf(out, "\nCoverage warnings:\n");
        header = true;
        fprintf(out, "  %s never succeeded: %llu skipped, %llu ignored errors, %llu unexpected\n",
                a->name, (unsigned long long)a->skipped, (unsigned long long)a->ignored,
                (unsigned long long)a->unexpected);
    }
}

/* Prints the assertion counts, when the workload made any, and each
 * assertion's: failed ones first, with what the last failure expected and
 * got. */
static void report_assertions(const run_snapshot *s, FILE *out)
{
    const run_totals *t = &s->totals;
    if (!t->asserts_passed && !t->asserts_failed)
        return;
    fprintf(out, "\nassertions: %llu passed, %llu failed\n", (unsigned long long)t->asserts_passed,
            (unsigned long long)t->asserts_failed);
    for (size_t i = 0; i < s->nasserts; i++) {
        const assertion_row *a = &s->asserts[i];
        fprintf(out, "  %-6s %s%s%s%s: %llu passed, %llu failed\n", a->failed ? "FAILED" : "ok",
                *a->name ? "\"" : "", a->name, *a->name ? "\" in " : "", a->where,
                (unsigned long long)a->passed, (unsigned long long)a->failed);
        if (a->failed)
            fprintf(out, "         last: expected %s, got %s (thread %d, %.1fs)\n", a->expected,
                    a->got, a->thread, a->time_s);
    }
}

char *run_repro_command(const run *r, int argc, char **argv)
{
    sqlbuf b = SQLBUF_INIT;
    bool has_seed = false;
    for (int i = 0; i < argc; i++) {
        sb_printf(&b, "%s%s", i ? " " : "", argv[i]);
        has_seed |= strcmp(argv[i], "-s") == 0 || strncmp(argv[i], "--seed", 6) == 0;
    }
    if (!has_seed)
        sb_printf(&b, " --seed %llu", (unsigned long long)r->cfg.seed);
    char *out = xstrdup(sb_str(&b));
    sb_free(&b);
    return out;
}

/* Prints the seed and the command line that reproduces the run. */
static void report_repro(const run *r, FILE *out, int argc, char **argv)
{
    char *cmd = run_repro_command(r, argc, argv);
    fprintf(out, "\nseed: %llu\nreproduce: %s\n", (unsigned long long)r->cfg.seed, cmd);
    free(cmd);
}

/* Returns the most workers that ran at once: the start count, or more
 * when threads were added while running. */
static int most_threads(run *r)
{
    int most = atomic_load(&r->threads_max);
    return most > r->cfg.threads ? most : r->cfg.threads;
}

/* Prints the workers running at the end, and where that differs, how
 * many it started with and the most that ran at once. */
static void report_threads(run *r, const run_snapshot *s, FILE *out)
{
    fprintf(out, "%d threads", s->nthreads);
    if (s->nthreads != r->cfg.threads || s->nthreads != most_threads(r))
        fprintf(out, " (started with %d, at most %d)", r->cfg.threads, most_threads(r));
}

void run_report(run *r, FILE *out, int argc, char **argv)
{
    run_snapshot *s = run_snapshot_full(r);
    double secs = s->elapsed_s > 0 ? s->elapsed_s : 1e-9;
    fprintf(out, "melee %s: %s%s%s workload, isolation %s, ", MELEE_VERSION, r->wl->name,
            r->wli.variant ? "/" : "", r->wli.variant ? r->wli.variant : "",
            isolation_name(r->cfg.isolation));
    report_threads(r, s, out);
    fprintf(out, ", %.1f s\n", s->elapsed_s);
    fprintf(out, "target: %s (PostgreSQL %s)\n", run_target(r), run_server_version(r));
    fprintf(out,
            "ops: %llu (%.1f/s), ok %llu, ignored %llu (faulted %llu), unexpected %llu, "
            "skipped %llu, crashes %llu, hangs %llu, statements %llu\n",
            (unsigned long long)s->totals.ops, (double)s->totals.ops / secs,
            (unsigned long long)s->totals.ok, (unsigned long long)s->totals.ignored,
            (unsigned long long)s->totals.faulted, (unsigned long long)s->totals.unexpected,
            (unsigned long long)s->totals.skipped, (unsigned long long)s->totals.crashes,
            (unsigned long long)s->totals.hangs, (unsigned long long)s->totals.statements);
    report_actions(s, out);
    report_ignored(r, out);
    report_findings(r, out);
    report_coverage(s, r, out);
    const check_result *cr = r->rec ? recorder_result(r->rec) : NULL;
    if (cr) {
        fputc('\n', out);
        check_result_print(cr, r->wli.checker, out);
    }
    report_assertions(s, out);
    report_repro(r, out, argc, argv);
    int code = run_exit_code(r);
    if (code == 2)
        fprintf(out, "result: STOPPED (exit 2): %s\n", run_fatal_error(r));
    else
        fprintf(out, "result: %s\n", code ? "FOUND SOMETHING (exit 1)" : "nothing found");
    run_snapshot_free(s);
}

static json_object *jstr(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static json_object *summary_actions(const run_snapshot *s)
{
    json_object *o = json_object_new_object();
    for (size_t i = 0; i < s->nactions; i++) {
        const action_snap *a = &s->actions[i];
        json_object *x = json_object_new_object();
        json_object_object_add(x, "ok", json_object_new_int64((int64_t)a->ok));
        json_object_object_add(x, "ignored", json_object_new_int64((int64_t)a->ignored));
        json_object_object_add(x, "unexpected", json_object_new_int64((int64_t)a->unexpected));
        json_object_object_add(x, "skipped", json_object_new_int64((int64_t)a->skipped));
        json_object_object_add(x, "weight", json_object_new_int64(a->weight));
        json_object_object_add(x, "p50_us", json_object_new_int64((int64_t)a->p50_us));
        json_object_object_add(x, "p99_us", json_object_new_int64((int64_t)a->p99_us));
        json_object_object_add(x, "max_us", json_object_new_int64((int64_t)a->max_us));
        json_object_object_add(o, a->name, x);
    }
    return o;
}

static json_object *summary_ignored(run *r)
{
    json_object *arr = json_object_new_array();
    ignored_group *g = NULL;
    size_t n = findings_groups(r->findings, &g);
    for (size_t i = 0; i < n; i++) {
        json_object *x = json_object_new_object();
        json_object_object_add(x, "sqlstate", jstr(g[i].sqlstate));
        json_object_object_add(x, "message", jstr(g[i].message));
        json_object_object_add(x, "count", json_object_new_int64((int64_t)g[i].count));
        json_object_array_add(arr, x);
    }
    findings_free_groups(g, n);
    return arr;
}

static json_object *summary_unexpected(run *r)
{
    json_object *arr = json_object_new_array();
    finding *x = NULL;
    size_t n = findings_list(r->findings, &x, NULL);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "class", jstr(err_class_name(x[i].cls)));
        json_object_object_add(o, "thread", json_object_new_int(x[i].thread));
        json_object_object_add(o, "action", jstr(x[i].action));
        json_object_object_add(o, "sqlstate", jstr(x[i].sqlstate));
        json_object_object_add(o, "message", jstr(x[i].message));
        json_object_object_add(o, "detail", jstr(x[i].detail));
        json_object_object_add(o, "hint", jstr(x[i].hint));
        json_object_object_add(o, "sql", jstr(x[i].sql));
        json_object_object_add(o, "time", json_object_new_double(x[i].time_s));
        json_object_array_add(arr, o);
    }
    findings_free_list(x, n);
    return arr;
}

static json_object *summary_faults(const run_snapshot *s)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < s->nfaults; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "kind", jstr(s->faults[i].kind));
        json_object_object_add(o, "target", jstr(s->faults[i].target));
        json_object_object_add(o, "start_s", json_object_new_double(s->faults[i].start_s));
        json_object_object_add(o, "end_s", s->faults[i].end_s >= 0
                                               ? json_object_new_double(s->faults[i].end_s)
                                               : NULL);
        json_object_array_add(arr, o);
    }
    return arr;
}

/* true/false for a checked history, null when there is no checker or the
 * verdict is unknown. */
static json_object *summary_valid(run *r)
{
    const check_result *cr = r->rec ? recorder_result(r->rec) : NULL;
    if (!cr || cr->verdict == VERDICT_UNKNOWN)
        return NULL;
    return json_object_new_boolean(cr->verdict == VERDICT_VALID);
}

static json_object *summary_anomalies(run *r)
{
    json_object *arr = json_object_new_array();
    const check_result *cr = r->rec ? recorder_result(r->rec) : NULL;
    for (size_t i = 0; cr && i < cr->nanomalies; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "type", jstr(cr->anomalies[i].type));
        json_object_object_add(o, "count", json_object_new_int64((int64_t)cr->anomalies[i].count));
        json_object_object_add(o, "example", jstr(cr->anomalies[i].example));
        json_object_array_add(arr, o);
    }
    return arr;
}

/* {passed, failed, examples, checks}: the examples are the failed
 * assertions' findings' messages; checks has each assertion's counts and
 * its last failure. */
static json_object *summary_assertions(run *r, const run_snapshot *s)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "passed", json_object_new_int64((int64_t)s->totals.asserts_passed));
    json_object_object_add(o, "failed", json_object_new_int64((int64_t)s->totals.asserts_failed));
    json_object *ex = json_object_new_array();
    finding *x = NULL;
    size_t n = findings_list(r->findings, &x, NULL);
    for (size_t i = 0; i < n; i++)
        if (x[i].message && strncmp(x[i].message, "assertion failed: ", 18) == 0)
            json_object_array_add(ex, jstr(x[i].message));
    findings_free_list(x, n);
    json_object_object_add(o, "examples", ex);
    json_object *checks = json_object_new_array();
    for (size_t i = 0; i < s->nasserts; i++) {
        const assertion_row *a = &s->asserts[i];
        json_object *c = json_object_new_object();
        json_object_object_add(c, "name", *a->name ? jstr(a->name) : NULL);
        json_object_object_add(c, "where", jstr(a->where));
        json_object_object_add(c, "passed", json_object_new_int64((int64_t)a->passed));
        json_object_object_add(c, "failed", json_object_new_int64((int64_t)a->failed));
        if (a->failed) {
            json_object_object_add(c, "expected", jstr(a->expected));
            json_object_object_add(c, "got", jstr(a->got));
        }
        json_object_array_add(checks, c);
    }
    json_object_object_add(o, "checks", checks);
    return o;
}

int run_write_summary(run *r, const char *path)
{
    run_snapshot *s = run_snapshot_full(r);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "seed", json_object_new_uint64(r->cfg.seed));
    json_object_object_add(o, "duration_s", json_object_new_double(s->elapsed_s));
    json_object_object_add(o, "threads", json_object_new_int(s->nthreads));
    json_object_object_add(o, "threads_start", json_object_new_int(r->cfg.threads));
    json_object_object_add(o, "threads_max", json_object_new_int(most_threads(r)));
    json_object_object_add(o, "workload", jstr(r->wl->name));
    json_object_object_add(o, "complexity", jstr(r->wli.variant));
    if (r->rec) {
        const check_result *cr = recorder_result(r->rec);
        json_object_object_add(o, "checker", jstr(r->wli.checker));
        json_object_object_add(o, "verdict", jstr(cr ? verdict_name(cr->verdict) : "unknown"));
        json_object_object_add(o, "verdict_reason", jstr(cr ? cr->reason : NULL));
        json_object_object_add(o, "checked", jstr(cr ? cr->stats : NULL));
    }
    json_object_object_add(o, "isolation", jstr(isolation_name(r->cfg.isolation)));
    json_object_object_add(o, "target", jstr(run_target(r)));
    json_object_object_add(o, "server_version", jstr(run_server_version(r)));
    json_object_object_add(o, "ops", json_object_new_int64((int64_t)s->totals.ops));
    json_object_object_add(o, "statements", json_object_new_int64((int64_t)s->totals.statements));
    json_object_object_add(o, "ok", json_object_new_int64((int64_t)s->totals.ok));
    json_object_object_add(o, "ignored", json_object_new_int64((int64_t)s->totals.ignored));
    json_object_object_add(o, "unexpected", json_object_new_int64((int64_t)s->totals.unexpected));
    json_object_object_add(o, "skipped", json_object_new_int64((int64_t)s->totals.skipped));
    json_object_object_add(o, "crashes", json_object_new_int64((int64_t)s->totals.crashes));
    json_object_object_add(o, "faulted", json_object_new_int64((int64_t)s->totals.faulted));
    json_object_object_add(o, "hangs", json_object_new_int64((int64_t)s->totals.hangs));
    json_object_object_add(o, "valid", summary_valid(r));
    json_object_object_add(o, "anomalies", summary_anomalies(r));
    json_object_object_add(o, "actions", summary_actions(s));
    json_object_object_add(o, "errors_ignored", summary_ignored(r));
    json_object_object_add(o, "errors_unexpected", summary_unexpected(r));
    json_object_object_add(o, "faults", summary_faults(s));
    json_object_object_add(o, "assertions", summary_assertions(r, s));
    json_object_object_add(o, "server_settings", r->server_settings
                                                     ? json_object_get(r->server_settings)
                                                     : json_object_new_object());
    json_object_object_add(o, "exit_code", json_object_new_int(run_exit_code(r)));
    run_snapshot_free(s);
    int rc = json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    json_object_put(o);
    if (rc == 0)
        chmod(path, 0644);
    return rc == 0 ? 0 : -1;
}
