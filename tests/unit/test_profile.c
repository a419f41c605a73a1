/* Unit tests of YAML profiles: every shipped profile loads and survives a
 * save/load round trip unchanged, and the text written again is the same;
 * malformed profiles are refused with FILE:LINE:COLUMN of the offending
 * node and the allowed range or names. */
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

#include "actions/workloads.h"
#include "core/config/config.h"
#include "core/config/profile.h"
#include "core/util.h"


static char *tmp_path(const char *name)
{
    return xasprintf("/tmp/melee-test-profile-%d-%s", (int)getpid(), name);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static bool str_eq(const char *a, const char *b)
{
    return (!a || !*a) ? (!b || !*b) : (b && strcmp(a, b) == 0);
}

/* Fails the test naming the first field where a and b differ. */
static void assert_same_config(const run_config *a, const run_config *b)
{
    assert_int_equal(a->threads, b->threads);
    assert_int_equal(a->complexity, b->complexity);
    assert_true(str_eq(a->workload, b->workload));
    assert_true(str_eq(a->dsn, b->dsn));
    assert_true(str_eq(a->profile_name, b->profile_name));
    assert_int_equal(a->seed_set, b->seed_set);
    if (a->seed_set)
        assert_true(a->seed == b->seed);
    assert_true(a->duration_s == b->duration_s);
    assert_int_equal(a->isolation, b->isolation);
    assert_true(a->hang_limit_s == b->hang_limit_s);
    assert_memory_equal(a->limits, b->limits, sizeof a->limits);
    assert_memory_equal(a->list_weights, b->list_weights, sizeof a->list_weights);
    assert_int_equal(a->nweights, b->nweights);
    for (size_t i = 0; i < a->nweights; i++)
        assert_int_equal(config_weight(b, a->weights[i].list, a->weights[i].action, 1234567),
                         a->weights[i].weight);
    assert_int_equal(a->nflags, b->nflags);
    for (size_t i = 0; i < a->nflags; i++) {
        assert_string_equal(a->flags[i].name, b->flags[i].name);
        assert_int_equal(a->flags[i].nvalues, b->flags[i].nvalues);
        for (size_t k = 0; k < a->flags[i].nvalues; k++)
            assert_string_equal(a->flags[i].values[k], b->flags[i].values[k]);
    }
    assert_int_equal(a->nparams, b->nparams);
    for (size_t i = 0; i < a->nparams; i++) {
        assert_string_equal(a->params[i].name, b->params[i].name);
        assert_true(a->params[i].value == b->params[i].value);
    }
    assert_int_equal(a->nexpected, b->nexpected);
    for (size_t i = 0; i < a->nexpected; i++) {
        assert_true(str_eq(a->expected[i].sqlstate, b->expected[i].sqlstate));
        assert_true(str_eq(a->expected[i].message, b->expected[i].message));
        assert_int_equal(a->expected[i].cls, b->expected[i].cls);
    }
    assert_int_equal(a->ncustom, b->ncustom);
    for (size_t i = 0; i < a->ncustom; i++) {
        const custom_action *x = &a->custom[i], *y = &b->custom[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->list, y->list);
        assert_int_equal(x->weight, y->weight);
        assert_int_equal(x->send, y->send);
        assert_string_equal(x->sql, y->sql);
        assert_true(str_eq(x->setup_sql, y->setup_sql));
        assert_int_equal(x->nplaceholders, y->nplaceholders);
        for (size_t k = 0; k < x->nplaceholders; k++) {
            assert_string_equal(x->placeholders[k].name, y->placeholders[k].name);
            assert_int_equal(x->placeholders[k].kind, y->placeholders[k].kind);
            assert_true(x->placeholders[k].min == y->placeholders[k].min);
            assert_true(x->placeholders[k].max == y->placeholders[k].max);
            assert_int_equal(x->placeholders[k].nchoices, y->placeholders[k].nchoices);
        }
        assert_int_equal(x->nexpected, y->nexpected);
        for (size_t k = 0; k < x->nplaceholders; k++)
            for (size_t j = 0; j < x->placeholders[k].nchoices; j++)
                assert_string_equal(x->placeholders[k].choices[j], y->placeholders[k].choices[j]);
    }
    assert_true(str_eq(a->log_path, b->log_path));
    assert_true(str_eq(a->history_path, b->history_path));
    assert_true(str_eq(a->summary_path, b->summary_path));
}

/* Saves *a, loads the saved file over the defaults, and checks that both
 * configs are the same and that writing the loaded one gives the same
 * text (what --print-profile and the console's save rely on). */
static void save_load_identity(const run_config *a, const char *what)
{
    run_config b;
    char *err = NULL;
    char *saved = tmp_path("saved.yaml");
    if (profile_save(saved, a, &err) != 0)
        fail_msg("cannot save %s: %s", what, err);
    config_defaults(&b);
    if (profile_load(saved, &b, &err) != 0)
        fail_msg("the saved copy of %s does not load: %s", what, err);
    assert_same_config(a, &b);
    char *first = profile_text(a), *again = profile_text(&b);
    if (strcmp(first, again) != 0)
        fail_msg("%s: the text written again differs:\n%s\n---\n%s", what, first, again);
    free(first);
    free(again);
    unlink(saved);
    free(saved);
    config_free(&b);
}

/* Loads path over the defaults and checks save then load is the identity. */
static void round_trip(const char *path)
{
    run_config a;
    char *err = NULL;
    config_defaults(&a);
    if (profile_load(path, &a, &err) != 0)
        fail_msg("%s does not load: %s", path, err);
    save_load_identity(&a, path);
    config_free(&a);
}

static void shipped_profiles_round_trip(void **state)
{
    (void)state;
    const char *root = getenv("MELEE_ROOT");
    char *dir = xasprintf("%s/profiles", root && *root ? root : ".");
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        round_trip(path);
        free(path);
        n++;
    }
    closedir(d);
    free(dir);
    assert_true(n >= 5);
}

static void defaults_round_trip(void **state)
{
    (void)state;
    run_config a;
    config_defaults(&a);
    save_load_identity(&a, "the built-in defaults");
    config_set_weight(&a, LIST_READ, "select", 0);
    config_set_weight(&a, LIST_DDL, "create_table", 77);
    config_set_param(&a, "accounts", 12);
    config_set_param(&a, "odd name: x", -3);
    a.profile_name = xstrdup("mine");
    a.threads = 17;
    a.seed = 123456789;
    a.seed_set = true;
    a.duration_s = 42.5;
    a.hang_limit_s = 0.1;
    a.isolation = ISO_SERIALIZABLE;
    a.limits[OBJ_VIEW] = 3;
    a.dsn = xstrdup("host='a b' password=\"q\\\"");
    a.log_path = xstrdup("/tmp/log with\ttab\nand newline");
    a.nexpected = 1;
    a.expected = xcalloc(1, sizeof *a.expected);
    a.expected[0] = (owned_rule){NULL, xstrdup("could not \"serialize\""), EC_UNEXPECTED};
    save_load_identity(&a, "changed defaults");
    config_free(&a);
}

/* Custom actions: SQL of several lines (with and without a newline at the
 * end, with blank and indented lines), choices and rules survive. */
static void custom_actions_round_trip(void **state)
{
    (void)state;
    static const char *const SQLS[] = {
        "SELECT 1",
        "SELECT {{n}}\nFROM t\n",
        "SELECT {{n}}\n\n  FROM t\n  WHERE x = 'it''s'",
        "  SELECT {{n}}\n",
        "SELECT {{n}} -- trailing space \n",
        "SELECT {{n}}\n\n",
        "SELECT \"{{n}}\"\t\\ # not a comment",
    };
    for (size_t i = 0; i < sizeof SQLS / sizeof *SQLS; i++) {
        char *path = tmp_path("custom-rt.yaml");
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs("custom_actions:\n  - name: c\n    list: write\n    weight: 7\n    send: literals\n"
              "    setup: \"CREATE TABLE IF NOT EXISTS t (x text)\"\n    sql: \"SELECT {{n}}\"\n"
              "    params: {n: {type: choice, choices: [\"a b\", \"it's\", \"{x}\"]}}\n"
              "    expected_errors: [{sqlstate: \"23505\", class: ignored}]\n", f);
        fclose(f);
        run_config a;
        config_defaults(&a);
        char *err = NULL;
        if (profile_load(path, &a, &err) != 0)
            fail_msg("%s", err);
        free(a.custom[0].sql);
        a.custom[0].sql = xstrdup(SQLS[i]);
        save_load_identity(&a, SQLS[i]);
        config_free(&a);
        unlink(path);
        free(path);
    }
}

/* Loads text as a profile; it must fail with "FILE:LINE:COL: ..." where
 * the message contains want. */
static void expect_error(const char *text, int line, int col, const char *want)
{
    char *path = tmp_path("bad.yaml");
    write_file(path, text);
    run_config c;
    config_defaults(&c);
    char *err = NULL;
    assert_int_equal(profile_load(path, &c, &err), -1);
    assert_non_null(err);
    char *prefix = xasprintf("%s:%d:%d: ", path, line, col);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, want))
        fail_msg("expected '%s...%s', got '%s'", prefix, want, err);
    free(prefix);
    free(err);
    unlink(path);
    free(path);
    config_free(&c);
}

static void errors_name_line_and_column(void **state)
{
    (void)state;
    expect_error("run:\n  threads: 4\n  colour: blue\n", 3, 3, "unknown key 'colour'");
    expect_error("run:\n  threads: many\n", 2, 12, "must be an integer");
    expect_error("run:\n  threads: 0\n", 2, 12, "between");
    expect_error("run:\n  threads: 5000\n", 2, 12, "run.threads must be between 1 and 1024");
    expect_error("run:\n  complexity: huge\n", 2, 15,
                 "run.complexity must be one of read | dml | ddl | ddl-only | random, not 'huge'");
    expect_error("run:\n  isolation: snapshot\n", 2, 14, "run.isolation must be one of");
    expect_error("run:\n  workload: nope\n", 2, 13, "run.workload must be one of chaos | bank");
    expect_error("run:\n  duration: -1\n", 2, 13, "run.duration must be at least 0");
    expect_error("colour: blue\n", 1, 1, "unknown key 'colour' in the profile (it has: name, target, run");
    expect_error("target: {dsn: x, port: 5}\n", 1, 18, "unknown key 'port' in target (it has: dsn)");
    expect_error("expected_errors:\n  - {sqlstate: \"53200\", klass: x}\n", 2, 25,
                 "unknown key 'klass' in an expected error (it has: sqlstate, message, class)");
    expect_error("limits: {tables: 3, gizmos: 2}\n", 1, 21, "unknown object kind 'gizmos'");
    expect_error("weights:\n  read: {selct: 0}\n", 2, 10, "unknown action 'selct'");
    expect_error("weights:\n  reading: {select: 1}\n", 2, 3, "unknown action list");
    expect_error("run: [1, 2]\n", 1, 6, "must be a mapping");
    expect_error("run:\n  threads: 4\n   bad indent: 1\n", 3, 14, "");
    expect_error("flags:\n  work_mem: 4MB\n", 2, 13, "must be a list");
    expect_error("custom_actions:\n  - {name: x, sql: \"SELECT 1\", send: telepathy}\n", 2, 38,
                 "unknown send mode");
    expect_error("custom_actions:\n  - name: x\n    send: prepared\n"
                 "    sql: \"SELECT count(*) FROM {{t}}\"\n    params: {t: {type: table}}\n",
                 2, 5, "cannot have a table placeholder");
}

static void custom_action_weights_are_known(void **state)
{
    (void)state;
    /* A weight may name a custom action the same profile defines later. */
    char *path = tmp_path("custom.yaml");
    write_file(path, "weights:\n  read: {mine: 3}\ncustom_actions:\n"
                     "  - {name: mine, list: read, weight: 1, sql: \"SELECT 1\"}\n");
    run_config c;
    config_defaults(&c);
    char *err = NULL;
    if (profile_load(path, &c, &err) != 0)
        fail_msg("%s", err);
    assert_int_equal(config_weight(&c, LIST_READ, "mine", 0), 3);
    assert_int_equal(c.ncustom, 1);
    unlink(path);
    free(path);
    config_free(&c);
}

static void missing_file_is_named(void **state)
{
    (void)state;
    run_config c;
    config_defaults(&c);
    char *err = NULL;
    assert_int_equal(profile_load("/nonexistent/p.yaml", &c, &err), -1);
    assert_non_null(strstr(err, "/nonexistent/p.yaml"));
    free(err);
    config_free(&c);
}

int main(void)
{
    /* Weight names are checked against the installed workloads' rows. */
    builtin_workloads_install();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_profiles_round_trip),
        cmocka_unit_test(defaults_round_trip),
        cmocka_unit_test(custom_actions_round_trip),
        cmocka_unit_test(errors_name_line_and_column),
        cmocka_unit_test(custom_action_weights_are_known),
        cmocka_unit_test(missing_file_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
