/* Tests of the SQL generator without a server: determinism per seed,
 * balanced parentheses and quotes, literals of every type, output columns
 * that match their casts, and options that switch clauses off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/gen_expr.h"
#include "actions/gen_query.h"
#include "actions/gen_value.h"
#include "core/util.h"

static cat_desc RELS[3];

static void add_col(cat_desc *d, const char *name, sql_type t)
{
    cat_column *c = &d->cols[d->ncols++];
    snprintf(c->name, sizeof c->name, "%s", name);
    c->type = t;
}

static int setup(void **state)
{
    (void)state;
    memset(RELS, 0, sizeof RELS);
    RELS[0].kind = OBJ_TABLE;
    RELS[0].rows = 500;
    snprintf(RELS[0].qname, sizeof RELS[0].qname, "\"s1\".\"t all\"");
    for (int t = 0; t < T_TYPE_COUNT; t++) {
        char name[32];
        snprintf(name, sizeof name, "col \"%s\"", sql_type_get(t)->short_name);
        add_col(&RELS[0], name, (sql_type)t);
    }
    RELS[1].kind = OBJ_VIEW;
    snprintf(RELS[1].qname, sizeof RELS[1].qname, "\"s1\".\"v1\"");
    add_col(&RELS[1], "c0", T_INTEGER);
    add_col(&RELS[1], "c1", T_TEXT);
    add_col(&RELS[1], "c2", T_JSONB);
    RELS[2].kind = OBJ_MATVIEW;
    RELS[2].rows = 10;
    snprintf(RELS[2].qname, sizeof RELS[2].qname, "\"s2\".\"m1\"");
    add_col(&RELS[2], "k", T_INTEGER);
    add_col(&RELS[2], "ts", T_TIMESTAMPTZ);
    return 0;
}

/* Returns NULL when sql has balanced parentheses, quotes and identifiers,
 * else a description of the first problem. */
static const char *unbalanced(const char *sql)
{
    int depth = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'') {
            bool escapes = p > sql && (p[-1] == 'E' || p[-1] == 'e');
            for (p++;; p++) {
                if (!*p)
                    return "unterminated string literal";
                if (escapes && *p == '\\' && p[1]) {
                    p++;
                } else if (*p == '\'') {
                    if (p[1] != '\'')
                        break;
                    p++;
                }
            }
        } else if (*p == '"') {
            for (p++;; p++) {
                if (!*p)
                    return "unterminated quoted identifier";
                if (*p == '"') {
                    if (p[1] != '"')
                        break;
                    p++;
                }
            }
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')' && --depth < 0) {
            return "')' without '('";
        } else if (*p == ';' || (*p == '-' && p[1] == '-') || (*p == '/' && p[1] == '*')) {
            return "statement separator or comment outside quotes";
        }
    }
    return depth ? "'(' without ')'" : NULL;
}

static char *select_text(uint64_t seed, const gen_query_opts *o, gen_output *out)
{
    rng_t r;
    rng_seed(&r, seed);
    sqlbuf b = SQLBUF_INIT;
    gen_select(&b, &r, RELS, 3, o, out);
    return sb_steal(&b);
}

static void test_same_seed_same_sql(void **state)
{
    (void)state;
    gen_query_opts o = gen_query_all();
    int differ = 0;
    for (uint64_t seed = 1; seed <= 200; seed++) {
        char *a = select_text(seed, &o, NULL);
        char *b = select_text(seed, &o, NULL);
        char *c = select_text(seed + 1000, &o, NULL);
        assert_string_equal(a, b);
        differ += strcmp(a, c) != 0;
        free(a);
        free(b);
        free(c);
    }
    assert_true(differ > 190);
}

static void test_selects_balanced_with_typed_outputs(void **state)
{
    (void)state;
    gen_query_opts o = gen_query_all();
    for (uint64_t seed = 1; seed <= 3000; seed++) {
        gen_output out;
        o.max_output_cols = (int)(seed % 5);
        char *sql = select_text(seed, &o, &out);
        assert_true(strncmp(sql, "SELECT ", 7) == 0 || strncmp(sql, "WITH ", 5) == 0 ||
                    strncmp(sql, "(SELECT ", 8) == 0);
        const char *why = unbalanced(sql);
        if (why)
            fail_msg("%s in:\n%s", why, sql);
        assert_true(out.ncols >= 1);
        if (o.max_output_cols)
            assert_true(out.ncols <= o.max_output_cols);
        for (int i = 0; i < out.ncols; i++) {
            char want[96], name[16];
            snprintf(name, sizeof name, "c%d", i);
            assert_string_equal(out.cols[i].name, name);
            snprintf(want, sizeof want, ")::%s AS c%d", sql_type_get(out.cols[i].type)->sql, i);
            if (!strstr(sql, want))
                fail_msg("output %d is not cast as %s:\n%s", i, want, sql);
        }
        free(sql);
    }
}

static void test_options_switch_clauses_off(void **state)
{
    (void)state;
    gen_query_opts none = {0};
    static const char *const FORBIDDEN[] = {" JOIN ", "GROUP BY", " OVER ", "UNION", "INTERSECT",
                                            "EXCEPT", "WITH ", "FOR UPDATE", "FOR SHARE",
                                            "FOR NO KEY", "FOR KEY SHARE", "DISTINCT ON"};
    for (uint64_t seed = 1; seed <= 1000; seed++) {
        char *sql = select_text(seed, &none, NULL);
        for (size_t k = 0; k < ARRAY_LEN(FORBIDDEN); k++)
            if (strstr(sql, FORBIDDEN[k]))
                fail_msg("%s with everything off:\n%s", FORBIDDEN[k], sql);
        free(sql);
    }
    /* and with everything on, each of them shows up */
    gen_query_opts all = gen_query_all();
    static const char *const WANTED[] = {" JOIN ", "GROUP BY", " OVER ", "UNION", "WITH ",
                                         "FOR UPDATE", "DISTINCT", "EXISTS", "LIMIT", "HAVING"};
    int seen[ARRAY_LEN(WANTED)] = {0};
    for (uint64_t seed = 1; seed <= 1000; seed++) {
        char *sql = select_text(seed, &all, NULL);
        for (size_t k = 0; k < ARRAY_LEN(WANTED); k++)
            seen[k] += strstr(sql, WANTED[k]) != NULL;
        free(sql);
    }
    for (size_t k = 0; k < ARRAY_LEN(WANTED); k++)
        if (seen[k] == 0)
            fail_msg("%s never generated", WANTED[k]);
}

static void test_literals_of_every_type(void **state)
{
    (void)state;
    rng_t r;
    rng_seed(&r, 5);
    for (int t = 0; t < T_TYPE_COUNT; t++) {
        char suffix[64];
        snprintf(suffix, sizeof suffix, "::%s", sql_type_get(t)->sql);
        int nulls = 0;
        for (int i = 0; i < 500; i++) {
            sqlbuf b = SQLBUF_INIT;
            gen_literal(&b, &r, (sql_type)t, i % 2 == 0);
            const char *s = sb_str(&b);
            size_t n = strlen(s), k = strlen(suffix);
            assert_true(n > k);
            assert_string_equal(s + n - k, suffix);
            assert_null(unbalanced(s));
            bool is_null = strncmp(s, "NULL::", 6) == 0;
            if (i % 2 == 1)
                assert_false(is_null);
            nulls += is_null;
            sb_free(&b);

            char *v = gen_param_text(&r, (sql_type)t, false);
            assert_non_null(v);
            free(v);
        }
        assert_true(nulls > 0 && nulls < 100);
    }
}

static void test_copy_field_escapes(void **state)
{
    (void)state;
    sqlbuf b = SQLBUF_INIT;
    gen_copy_field(&b, "a\tb\nc\\d\re");
    assert_string_equal(sb_str(&b), "a\\tb\\nc\\\\d\\re");
    sb_reset(&b);
    gen_copy_field(&b, NULL);
    assert_string_equal(sb_str(&b), "\\N");
    sb_reset(&b);
    gen_copy_field(&b, "");
    assert_string_equal(sb_str(&b), "");
    sb_free(&b);
}

static void test_expressions_deterministic_and_balanced(void **state)
{
    (void)state;
    gen_col cols[T_TYPE_COUNT];
    for (int t = 0; t < T_TYPE_COUNT; t++) {
        snprintf(cols[t].alias, sizeof cols[t].alias, "r0");
        snprintf(cols[t].name, sizeof cols[t].name, "x%d", t);
        cols[t].type = (sql_type)t;
    }
    for (uint64_t seed = 1; seed <= 2000; seed++) {
        gen_scope s = {cols, T_TYPE_COUNT, (int)(seed % 5), seed % 2 == 0, seed % 3 == 0, RELS, 3};
        sql_type t = (sql_type)(seed % T_TYPE_COUNT);
        sqlbuf a = SQLBUF_INIT, b = SQLBUF_INIT;
        rng_t r1, r2;
        rng_seed(&r1, seed);
        rng_seed(&r2, seed);
        gen_expr(&a, &r1, &s, t);
        gen_expr(&b, &r2, &s, t);
        assert_string_equal(sb_str(&a), sb_str(&b));
        assert_true(a.len > 0);
        const char *why = unbalanced(sb_str(&a));
        if (why)
            fail_msg("%s in:\n%s", why, sb_str(&a));
        sb_reset(&a);
        gen_condition(&a, &r1, &s);
        assert_true(a.len > 0);
        assert_null(unbalanced(sb_str(&a)));
        sb_free(&a);
        sb_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_sql),
        cmocka_unit_test(test_selects_balanced_with_typed_outputs),
        cmocka_unit_test(test_options_switch_clauses_off),
        cmocka_unit_test(test_literals_of_every_type),
        cmocka_unit_test(test_copy_field_escapes),
        cmocka_unit_test(test_expressions_deterministic_and_balanced),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
