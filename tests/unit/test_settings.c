/* Unit tests of the settings table: its rows are well formed (every
 * default parses, flags and keys are unique, sections exist), each value
 * is checked against its range or names, and the config check refuses
 * what the loader would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/workloads.h"
#include "core/config/config.h"
#include "core/config/settings.h"
#include "core/util.h"

static void rows_are_well_formed(void **state)
{
    (void)state;
    size_t n;
    const setting *rows = settings_all(&n);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        const setting *s = &rows[i];
        if (!s->help || !*s->help || !s->what)
            fail_msg("row %zu has no help or noun", i);
        if (!s->key && !s->flag)
            fail_msg("row %zu is neither in profiles nor on the command line", i);
        if (s->key && *s->section && !section_find(s->section))
            fail_msg("row %s is in section %s, which SECTIONS lacks", s->key, s->section);
        if ((s->type == SET_CHOICE || s->type == SET_NAME) && (!s->name_at || !s->name_at(0)))
            fail_msg("row %s has no names", s->key);
        if (s->flag && s->type != SET_SWITCH && !s->arg)
            fail_msg("flag --%s has no argument name", s->flag);
        for (size_t k = 0; k < i; k++) {
            const setting *t = &rows[k];
            if (s->flag && t->flag && strcmp(s->flag, t->flag) == 0)
                fail_msg("flag --%s twice", s->flag);
            if (s->short_flag && s->short_flag == t->short_flag)
                fail_msg("flag -%c twice", s->short_flag);
            if (s->key && t->key && strcmp(s->section, t->section) == 0 &&
                strcmp(s->key, t->key) == 0)
                fail_msg("key %s.%s twice", s->section, s->key);
        }
    }
    size_t ns;
    const profile_section *secs = sections_all(&ns);
    for (size_t i = 0; i < ns; i++) {
        assert_true((secs[i].load == NULL) == (secs[i].save == NULL));
        const char *dot = strrchr(secs[i].path, '.');
        if (dot) {
            char *parent = xstrndup(secs[i].path, (size_t)(dot - secs[i].path));
            if (!section_find(parent) || section_find(parent)->load)
                fail_msg("section %s has no parent mapping %s", secs[i].path, parent);
            free(parent);
        }
    }
}

static void defaults_come_from_the_rows(void **state)
{
    (void)state;
    run_config c;
    config_defaults(&c);
    size_t n;
    const setting *rows = settings_all(&n);
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].def)
            continue;
        sqlbuf text = SQLBUF_INIT;
        assert_true(setting_format(&rows[i], &c, &text));
        if (strcmp(sb_str(&text), rows[i].def) != 0)
            fail_msg("%s: default %s, config holds %s", rows[i].key ? rows[i].key : rows[i].flag,
                     rows[i].def, sb_str(&text));
        sb_free(&text);
    }
    assert_false(c.seed_set);
    assert_int_equal(settings_check(&c, &(char *){NULL}), 0);
    config_free(&c);
}

/* Parses text for the row at section/key into c; returns the error or NULL. */
static char *parse(run_config *c, const char *section, const char *key, const char *text)
{
    const setting *s = setting_find(section, key);
    assert_non_null(s);
    char *err = NULL;
    if (setting_parse(s, text, "L", c, &err) == 0) {
        free(err);
        return NULL;
    }
    assert_non_null(err);
    return err;
}

static void expect_refused(run_config *c, const char *section, const char *key,
                           const char *text, const char *want)
{
    char *err = parse(c, section, key, text);
    if (!err || !strstr(err, want))
        fail_msg("%s.%s = '%s': wanted an error with '%s', got '%s'", section, key, text, want,
                 err ? err : "(accepted)");
    free(err);
}

static void values_are_checked(void **state)
{
    (void)state;
    run_config c;
    config_defaults(&c);
    expect_refused(&c, "run", "threads", "0", "L must be between 1 and 1024, not 0");
    expect_refused(&c, "run", "threads", "1025", "between 1 and 1024");
    expect_refused(&c, "run", "threads", "4x", "L must be an integer, not '4x'");
    expect_refused(&c, "run", "threads", "", "must be an integer");
    expect_refused(&c, "run", "seed", "-1", "L must be 0 or more");
    expect_refused(&c, "run", "seed", "99999999999999999999", "0 or more");
    expect_refused(&c, "run", "duration", "-0.5", "at least 0");
    expect_refused(&c, "run", "duration", "inf", "must be a number");
    expect_refused(&c, "run", "hang_limit", "0.05", "at least 0.1");
    expect_refused(&c, "run", "isolation", "snapshot",
                   "one of read-committed | repeatable-read | serializable, not 'snapshot'");
    expect_refused(&c, "run", "workload", "nope", "one of chaos | bank");
    assert_null(parse(&c, "run", "threads", "1024"));
    assert_int_equal(c.threads, 1024);
    assert_null(parse(&c, "run", "seed", "9223372036854775807"));
    assert_true(c.seed_set && c.seed == INT64_MAX);
    assert_null(parse(&c, "run", "isolation", "serializable"));
    assert_int_equal(c.isolation, ISO_SERIALIZABLE);
    assert_null(parse(&c, "run", "workload", "bank"));
    assert_string_equal(c.workload, "bank");
    assert_null(parse(&c, "target", "dsn", ""));
    assert_null(c.dsn);
    config_free(&c);
}

static void config_check_refuses_out_of_range(void **state)
{
    (void)state;
    run_config c;
    config_defaults(&c);
    char *err = NULL;
    c.threads = 0;
    assert_int_equal(settings_check(&c, &err), -1);
    assert_non_null(strstr(err, "run.threads must be between 1 and 1024, not 0"));
    free(err);
    c.threads = 8;
    c.complexity = (complexity)CX_COUNT;
    err = NULL;
    assert_int_equal(settings_check(&c, &err), -1);
    assert_non_null(strstr(err, "run.complexity must be one of read"));
    free(err);
    c.complexity = CX_DML;
    c.hang_limit_s = 0;
    err = NULL;
    assert_int_equal(settings_check(&c, &err), -1);
    assert_non_null(strstr(err, "run.hang_limit must be at least 0.1"));
    free(err);
    c.hang_limit_s = 1;
    free(c.workload);
    c.workload = xstrdup("nope");
    err = NULL;
    assert_int_equal(settings_check(&c, &err), -1);
    assert_non_null(strstr(err, "run.workload must be one of chaos"));
    free(err);
    config_free(&c);
}

int main(void)
{
    /* Workload names are checked against the installed workloads. */
    builtin_workloads_install();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_are_well_formed),
        cmocka_unit_test(defaults_come_from_the_rows),
        cmocka_unit_test(values_are_checked),
        cmocka_unit_test(config_check_refuses_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
