/* Unit tests of FSM workloads: the YAML loader refuses every malformed
 * file with FILE:LINE:COL, templates send variables as $n parameters,
 * expressions compute, the transition draw follows the weights and the
 * same seed walks the same path; every shipped profiles/fsm-*.yaml loads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/fsm.h"
#include "actions/workloads.h"
#include "core/config/config.h"
#include "core/config/profile.h"
#include "core/util.h"

static char *write_tmp(const char *name, const char *text)
{
    char *path = xasprintf("/tmp/melee-test-fsm-%d-%s", (int)getpid(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text; returns the set (NULL on error, with *err). */
static fsm_set *load_text(const char *text, char **err)
{
    char *path = write_tmp("w.yaml", text);
    fsm_set *s = fsm_load_file(path, err);
    unlink(path);
    free(path);
    return s;
}

/* text must be refused with an error at line:col containing what. */
static void assert_refused(const char *text, int line, int col, const char *what)
{
    char *err = NULL;
    fsm_set *s = load_text(text, &err);
    if (s || !err || !strstr(err, what)) {
        print_error("expected an error with '%s', got %s\n", what, err ? err : "none");
        fail();
    }
    char *at = xasprintf("w.yaml:%d:%d: ", line, col);
    if (!strstr(err, at)) {
        print_error("expected the error at %s, got %s\n", at, err);
        fail();
    }
    free(at);
    free(err);
}

#define GOOD                                                    \
    "name: inc\n"                                               \
    "threads: 3\n"                                              \
    "iterations: 50\n"                                          \
    "setup: [\"CREATE TABLE {{table}} (tid int PRIMARY KEY, n int)\"]\n" \
    "data: {count: 0}\n"                                        \
    "states:\n"                                                 \
    "  init:\n"                                                 \
    "    - sql: \"INSERT INTO {{table}} VALUES ({{tid}}, 0)\"\n" \
    "  inc:\n"                                                  \
    "    - sql: \"UPDATE {{table}} SET n = n + 1 WHERE tid = {{tid}}\"\n" \
    "      expect: {affected: 1}\n"                             \
    "    - set: {count: \"{{count}} + 1\"}\n"                   \
    "  check:\n"                                                \
    "    transaction: true\n"                                   \
    "    steps:\n"                                              \
    "      - sql: \"SELECT n, {{tid}} AS me FROM {{table}} WHERE tid = {{tid}}\"\n" \
    "        capture: {seen: n}\n"                              \
    "        expect: {value: \"{{count}}\", row: {me: \"{{tid}}\"}, level: always}\n" \
    "        expected_errors: [\"40001\", {sqlstate: \"40P01\"}]\n" \
    "transitions:\n"                                            \
    "  init: {inc: 1}\n"                                        \
    "  inc: {inc: 3, check: 1}\n"                               \
    "  check: {inc: 1}\n"

static void test_loads_a_good_workload(void **state)
{
    (void)state;
    char *err = NULL;
    fsm_set *s = load_text(GOOD, &err);
    if (!s)
        print_error("%s\n", err);
    assert_non_null(s);
    assert_int_equal(s->n, 1);
    fsm_workload *w = &s->w[0];
    assert_string_equal(w->name, "inc");
    assert_string_equal(w->table, "melee_fsm_inc.t");
    assert_int_equal(w->threads, 3);
    assert_int_equal(w->iterations, 50);
    assert_int_equal(w->nstates, 3);
    assert_int_equal(w->start, fsm_state_find(w, "init"));
    const fsm_state *check = &w->states[fsm_state_find(w, "check")];
    assert_true(check->transaction);
    assert_int_equal(check->steps[0].nchecks, 2);
    assert_int_equal(check->steps[0].checks[0].level, FSM_ALWAYS);
    assert_string_equal(check->steps[0].expected[0].sqlstate, "40001");
    assert_string_equal(check->steps[0].expected[1].sqlstate, "40P01");
    assert_null(check->steps[0].expected[2].sqlstate);
    const fsm_state *inc = &w->states[fsm_state_find(w, "inc")];
    assert_null(inc->steps[0].expected);
    assert_int_equal(inc->steps[0].checks[0].level, FSM_OWN_TABLE);
    assert_int_equal(inc->nnext, 2);
    assert_int_equal(inc->next[0].weight, 3);
    assert_true(fsm_var_find(w, "count") >= FSM_VAR_BUILTIN);
    assert_true(fsm_var_find(w, "seen") >= FSM_VAR_BUILTIN);
    free(err);
    fsm_set_free(s);
}

static void test_template_sends_parameters(void **state)
{
    (void)state;
    char *err = NULL;
    fsm_set *s = load_text(GOOD, &err);
    assert_non_null(s);
    fsm_workload *w = &s->w[0];
    fsm_data d;
    fsm_data_init(&d, w, 2, 3);
    const fsm_step *st = &w->states[fsm_state_find(w, "check")].steps[0];
    const char *params[4];
    char *sql = fsm_template_render(&st->sql, d.vals, params, &err);
    /* tid twice is one parameter; the table is pasted */
    assert_string_equal(sql, "SELECT n, $1 AS me FROM melee_fsm_inc.t WHERE tid = $1");
    assert_int_equal(st->sql.nparams, 1);
    assert_string_equal(params[0], "2");
    free(sql);
    fsm_data_free(&d);
    fsm_set_free(s);
}

static int lookup_xy(void *arg, const char *name, size_t len)
{
    (void)arg;
    if (len == 1 && (*name == 'x' || *name == 'y'))
        return *name == 'x' ? 0 : 1;
    return -1;
}

static void test_expressions(void **state)
{
    (void)state;
    char *vals[2] = {"7", "abc"};
    struct {
        const char *text;
        const char *want;
        bool ok;
    } cases[] = {
        {"{{x}} + 1", "8", true},     {"-{{x}} * (2 + 3)", "-35", true},
        {"{{x}} % 4 - 10 / 3", "0", true}, {"{{y}}", "abc", true},
        {"{{x}} / 0", "division by zero", false},
        {"{{y}} + 1", NULL, false},   {"plain text", "plain text", true},
        {"name {{y}}", "name abc", true},
    };
    rng_t r = rng_derive(1, "test", 0);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        fsm_expr x;
        fsm_parse_error e = {0};
        assert_int_equal(fsm_expr_compile(cases[i].text, lookup_xy, NULL, true, &x, &e), 0);
        bool ok;
        char *v = fsm_expr_eval(&x, vals, &r, &ok);
        if (ok != cases[i].ok || (cases[i].want && strcmp(v, cases[i].want) != 0)) {
            print_error("%s gave %s (%d)\n", cases[i].text, v, ok);
            fail();
        }
        free(v);
        fsm_expr_free(&x);
    }
    fsm_expr x;
    fsm_parse_error e = {0};
    assert_int_equal(fsm_expr_compile("random(1, 3)", lookup_xy, NULL, false, &x, &e), 0);
    for (int i = 0; i < 100; i++) {
        bool ok;
        char *v = fsm_expr_eval(&x, vals, &r, &ok);
        assert_true(ok && atoi(v) >= 1 && atoi(v) <= 3);
        free(v);
    }
    fsm_expr_free(&x);
    assert_int_equal(fsm_expr_compile("{{x}} +", lookup_xy, NULL, false, &x, &e), -1);
    free(e.msg);
    e.msg = NULL;
    assert_int_equal(fsm_expr_compile("{{z}} + 1", lookup_xy, NULL, true, &x, &e), -1);
    assert_non_null(strstr(e.msg, "undefined variable 'z'"));
    free(e.msg);
}

/* Replaces the first from in GOOD with to. */
static char *good_with(const char *from, const char *to)
{
    const char *at = strstr(GOOD, from);
    assert_non_null(at);
    return xasprintf("%.*s%s%s", (int)(at - GOOD), GOOD, to, at + strlen(from));
}

static void refused_variant(const char *from, const char *to, int line, int col, const char *what)
{
    char *text = good_with(from, to);
    assert_refused(text, line, col, what);
    free(text);
}

static void test_refuses_malformed_files(void **state)
{
    (void)state;
    /* the four the issue names */
    refused_variant("  inc: {inc: 3, check: 1}", "  inc: {inc: 3, chek: 1}", 22, 17,
                    "unknown state 'chek'");
    refused_variant("  inc: {inc: 3, check: 1}", "  incc: {inc: 3, check: 1}", 22, 3,
                    "transition from unknown state 'incc'");
    refused_variant("  inc: {inc: 3, check: 1}", "  inc: {inc: three, check: 1}", 22, 14,
                    "a transition weight must be a number, not 'three'");
    refused_variant("WHERE tid = {{tid}}\"\n      expect", "WHERE tid = {{tidd}}\"\n      expect",
                    10, 58, "undefined variable 'tidd'");
    refused_variant("\"{{count}} + 1\"", "\"{{cnt}} + 1\"", 12, 23, "undefined variable 'cnt'");
    refused_variant("    - sql: \"UPDATE {{table}} SET n = n + 1 WHERE tid = {{tid}}\"\n      expect",
                    "    - expect", 10, 7, "a step has no SQL");
    refused_variant("    - sql: \"UPDATE {{table}} SET n = n + 1 WHERE tid = {{tid}}\"\n      expect",
                    "    - note: 1\n      expect", 10, 7, "unknown key 'note' in a step");
    refused_variant("capture: {seen: n}", "capture: {seen: \"\"}", 17, 25,
                    "capture maps a variable to a column");
    /* and the rest of the shape */
    refused_variant("\"INSERT INTO {{table}} VALUES ({{tid}}, 0)\"", "\"\"", 8, 12, "sql is empty");
    refused_variant("    - sql: \"INSERT", "    - selct\n    - sql: \"INSERT", 8, 7,
                    "a step is begin, commit, rollback");
    refused_variant("  check: {inc: 1}\n", "", 13, 3, "state 'check' has no transitions");
    refused_variant("  check: {inc: 1}\n", "  check: {inc: 0}\n", 13, 3, "has weight 0");
    refused_variant("threads: 3", "threads: lots", 2, 10, "threads must be an integer");
    refused_variant("level: always", "level: sometimes", 18, 67, "level must be always or own_table");
    refused_variant("[\"40001\",", "[\"400\",", 19, 27, "sqlstate must be a 5-character code");
    refused_variant("data: {count: 0}", "data: {tid: 0}", 5, 8, "'tid' is built in");
    refused_variant("capture: {seen: n}", "capture: {iteration: n}", 17, 19, "is built in");
    refused_variant("name: inc\n", "name: inc\nstart: begin\n", 2, 8, "start state 'begin' is not a state");
    refused_variant("{{count}} + 1", "{{count} + 1", 12, 21, "unclosed {{");
    refused_variant("({{tid}}, 0)", "({{tid|quoted}}, 0)", 8, 49, "unknown filter 'quoted'");
    refused_variant("name: inc\n", "name: inc\nwhat: 1\n", 2, 1, "unknown key 'what' in an FSM workload");
    assert_refused("states: {a: [begin]}\ntransitions: {a: {a: 1}}\n", 1, 1,
                   "no start: and no state called 'init'");
    assert_refused("mode: sideways\nworkloads: []\n", 1, 7, "mode must be serial, parallel or composed");
    assert_refused("workloads: [{include: /nonexistent/x.yaml}]\n", 1, 23, "in /nonexistent/x.yaml");
}

static void test_sets_and_includes(void **state)
{
    (void)state;
    char *one = write_tmp("one.yaml", GOOD);
    char *text = xasprintf("fsm:\n  mode: composed\n  mix: 0.25\n  workloads:\n"
                           "    - include: %s\n"
                           "    - name: other\n"
                           "      start: a\n"
                           "      states: {a: [begin, commit], b: [{sql: \"SELECT 1\"}]}\n"
                           "      transitions: {a: {b: 0.5, a: 0.25}, b: {a: 1}}\n",
                           strrchr(one, '/') + 1);
    char *err = NULL;
    fsm_set *s = load_text(text, &err);
    if (!s)
        print_error("%s\n", err);
    assert_non_null(s);
    assert_int_equal(s->mode, FSM_COMPOSED);
    assert_true(s->mix == 0.25);
    assert_int_equal(s->n, 2);
    assert_string_equal(s->w[0].name, "inc");
    assert_string_equal(s->w[1].name, "other");
    /* fractional weights are kept as hundredths */
    assert_int_equal(s->w[1].states[0].next[0].weight, 50);
    assert_int_equal(s->w[1].states[0].next[1].weight, 25);
    assert_int_equal(fsm_set_threads(s, 4), 3 + 4);
    s->mode = FSM_SERIAL;
    assert_int_equal(fsm_set_threads(s, 4), 4);
    fsm_set_free(s);
    free(text);
    /* the same workload twice would share its tables */
    text = xasprintf("mode: parallel\nworkloads: [{include: %s}, {include: %s}]\n",
                     strrchr(one, '/') + 1, strrchr(one, '/') + 1);
    assert_refused(text, 1, 1, "two workloads are called 'inc'");
    free(text);
    unlink(one);
    free(one);
}

static void test_draw_follows_weights(void **state)
{
    (void)state;
    fsm_transition next[3] = {{0, 1}, {1, 3}, {2, 6}};
    fsm_state s = {.name = "s", .next = next, .nnext = 3};
    rng_t r = rng_derive(42, "draw", 0);
    int counts[3] = {0};
    enum { DRAWS = 100000 };
    for (int i = 0; i < DRAWS; i++)
        counts[fsm_draw(&s, NULL, &r)]++;
    /* 10 %, 30 %, 60 %, each within one percentage point */
    assert_in_range(counts[0], DRAWS / 10 - DRAWS / 100, DRAWS / 10 + DRAWS / 100);
    assert_in_range(counts[1], 3 * DRAWS / 10 - DRAWS / 100, 3 * DRAWS / 10 + DRAWS / 100);
    assert_in_range(counts[2], 6 * DRAWS / 10 - DRAWS / 100, 6 * DRAWS / 10 + DRAWS / 100);
    /* live weights replace the file's; a zero weight is never drawn */
    unsigned live[3] = {0, 1, 0};
    for (int i = 0; i < 1000; i++)
        assert_int_equal(fsm_draw(&s, live, &r), 1);
    unsigned none[3] = {0, 0, 0};
    assert_int_equal(fsm_draw(&s, none, &r), -1);
}

/* Walks w from its start for n transitions with seed; writes the states. */
static void walk(const fsm_workload *w, uint64_t seed, int *path, int n)
{
    rng_t r = rng_derive(seed, "worker", 1);
    int cur = w->start;
    for (int i = 0; i < n; i++) {
        path[i] = cur;
        cur = fsm_draw(&w->states[cur], NULL, &r);
    }
}

static void test_same_seed_same_path(void **state)
{
    (void)state;
    char *err = NULL;
    fsm_set *s = load_text(GOOD, &err);
    assert_non_null(s);
    enum { N = 500 };
    int a[N], b[N], c[N];
    walk(&s->w[0], 7, a, N);
    walk(&s->w[0], 7, b, N);
    walk(&s->w[0], 8, c, N);
    assert_memory_equal(a, b, sizeof a);
    assert_true(memcmp(a, c, sizeof a) != 0);
    /* init only at the start; check about a quarter of the rest */
    int checks = 0;
    for (int i = 1; i < N; i++) {
        assert_int_not_equal(a[i], s->w[0].start);
        checks += a[i] == fsm_state_find(&s->w[0], "check");
    }
    assert_in_range(checks, N / 5 - 40, N / 5 + 40);
    /* composed: jumps land in another workload's non-start states */
    fsm_set two = {.mode = FSM_COMPOSED, .mix = 0.5, .w = (fsm_workload[2]){s->w[0], s->w[0]}, .n = 2};
    rng_t r = rng_derive(1, "compose", 0);
    int jumps = 0;
    for (int i = 0; i < 1000; i++) {
        size_t wi;
        int st;
        fsm_compose_next(&two, 0, fsm_state_find(&s->w[0], "inc"), &r, &wi, &st);
        assert_int_not_equal(st, -1);
        if (wi == 1) {
            jumps++;
            assert_int_not_equal(st, s->w[0].start);
        }
    }
    assert_in_range(jumps, 400, 600);
    fsm_set_free(s);
}

/* A profile's weights may name the transitions of its fsm: section, and a
 * saved profile keeps the section (by reference). */
static void test_profile_weights_and_save(void **state)
{
    (void)state;
    char *indented = xstrdup("");
    for (const char *line = GOOD; *line;) {
        size_t n = strcspn(line, "\n");
        char *more = xasprintf("%s  %.*s\n", indented, (int)n, line);
        free(indented);
        indented = more;
        line += n + (line[n] == '\n');
    }
    char *text = xasprintf("run: {workload: fsm}\nweights:\n  dml_nontrans: {\"inc>check\": 5}\n"
                           "fsm:\n%s", indented);
    char *path = write_tmp("p.yaml", text), *err = NULL;
    run_config c;
    config_defaults(&c);
    if (profile_load(path, &c, &err) != 0)
        print_error("%s\n", err);
    assert_null(err);
    assert_int_equal(config_weight(&c, LIST_DML_NONTRANS, "inc>check", 1), 5);
    assert_non_null(c.fsm_source);
    char *saved = xasprintf("%s.saved", path);
    assert_int_equal(profile_save(saved, &c, &err), 0);
    run_config back;
    config_defaults(&back);
    assert_int_equal(profile_load(saved, &back, &err), 0);
    fsm_set *s = fsm_load_file(back.fsm_source, &err);
    assert_non_null(s);
    assert_string_equal(s->w[0].name, "inc");
    assert_int_equal(config_weight(&back, LIST_DML_NONTRANS, "inc>check", 1), 5);
    fsm_set_free(s);
    config_free(&back);
    config_free(&c);
    unlink(saved);
    free(saved);
    free(text);
    /* a transition the section does not have is refused */
    text = xasprintf("run: {workload: fsm}\nweights:\n  dml_nontrans: {\"inc>nowhere\": 5}\n"
                     "fsm:\n%s", indented);
    unlink(path);
    free(path);
    path = write_tmp("p.yaml", text);
    config_defaults(&c);
    assert_int_equal(profile_load(path, &c, &err), -1);
    if (!strstr(err, "p.yaml:3:18: unknown action 'inc>nowhere'"))
        print_error("%s\n", err);
    assert_non_null(strstr(err, "p.yaml:3:18: unknown action 'inc>nowhere'"));
    free(err);
    config_free(&c);
    unlink(path);
    free(path);
    free(text);
    free(indented);
}

static void test_shipped_profiles_load(void **state)
{
    (void)state;
    const char *root = getenv("MELEE_ROOT");
    char *dir = xasprintf("%s/profiles", root ? root : ".");
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (strncmp(e->d_name, "fsm-", 4) != 0)
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name), *err = NULL;
        fsm_set *s = fsm_load_file(path, &err);
        if (!s)
            print_error("%s\n", err);
        assert_non_null(s);
        fsm_set_free(s);
        free(path);
        n++;
    }
    closedir(d);
    free(dir);
    assert_true(n >= 5);
}

int main(void)
{
    /* The profile's fsm: section is read by the installed fsm workload. */
    builtin_workloads_install();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_a_good_workload),
        cmocka_unit_test(test_template_sends_parameters),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_refuses_malformed_files),
        cmocka_unit_test(test_sets_and_includes),
        cmocka_unit_test(test_draw_follows_weights),
        cmocka_unit_test(test_same_seed_same_path),
        cmocka_unit_test(test_profile_weights_and_save),
        cmocka_unit_test(test_shipped_profiles_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
