/* Unit tests of history files: the writer's meta record and records read
 * back the same (file mode 0600, the meta record the first line), meta
 * records with missing or bad fields and files without one, hand-written
 * files with blank lines and CRLF, a bad line reported as FILE:LINE, a
 * torn last line skipped with the rest kept, and the checker table's
 * answer for an unknown workload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hist_build.h"

/* Writes text to a fresh temporary file; returns its path (static). */
static const char *file_with(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/melee-hist-test.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

/* Reads text as a history file; returns history_read's status and the
 * error (caller frees) in *err. */
static int read_text(const char *text, history *h, char **err)
{
    const char *path = file_with(text);
    *err = NULL;
    int rc = history_read(path, h, err);
    unlink(path);
    return rc;
}

/* Asserts that reading text fails with "PATH:line: why". */
static void expect_error(const char *text, int line, const char *why)
{
    history h;
    char *err;
    assert_int_equal(read_text(text, &h, &err), -1);
    assert_non_null(err);
    char where[32];
    snprintf(where, sizeof where, ":%d: ", line);
    assert_contains(err, "/tmp/melee-hist-test.");
    assert_contains(err, where);
    assert_contains(err, why);
    assert_int_equal(h.n, 0);
    assert_null(h.ops);
    free(err);
}

static void writer_records_read_back(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/melee-hist-test.XXXXXX");
    close(mkstemp(path));
    unlink(path);
    char *err = NULL;
    hist_meta meta = {.present = true, .workload = "append", .isolation = "repeatable-read",
                      .has_seed = true, .seed = 18446744073709551615ULL, .version = "9.8.7"};
    hist_writer *w = hist_writer_open(path, &meta, &err);
    assert_non_null(w);
    hist_op ops[3] = {
        {.index = 0, .process = 3, .type = H_INVOKE, .f = "txn", .time = 1234,
         .value = json_tokener_parse("[[\"append\",5,1],[\"r\",5,null]]")},
        {.index = 1, .process = 3, .type = H_OK, .f = "txn", .time = 5678,
         .value = json_tokener_parse("[[\"append\",5,1],[\"r\",5,[1]]]")},
        {.index = 2, .process = 4, .type = H_INFO, .f = "read", .time = 9999, .value = NULL},
    };
    for (int i = 0; i < 3; i++)
        hist_writer_add(w, &ops[i]);
    hist_writer_close(w);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "r");
    char first[256] = "";
    assert_non_null(fgets(first, sizeof first, f));
    fclose(f);
    assert_string_equal(first, "{\"type\":\"meta\",\"workload\":\"append\",\"isolation\":"
                               "\"repeatable-read\",\"seed\":18446744073709551615,"
                               "\"version\":\"9.8.7\"}\n");
    history h;
    assert_int_equal(history_read(path, &h, &err), 0);
    unlink(path);
    assert_true(h.meta.present);
    assert_string_equal(h.meta.workload, "append");
    assert_string_equal(h.meta.isolation, "repeatable-read");
    assert_true(h.meta.has_seed);
    assert_true(h.meta.seed == 18446744073709551615ULL);
    assert_string_equal(h.meta.version, "9.8.7");
    assert_int_equal(h.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(h.ops[i].index, ops[i].index);
        assert_int_equal(h.ops[i].process, ops[i].process);
        assert_int_equal(h.ops[i].type, ops[i].type);
        assert_string_equal(h.ops[i].f, ops[i].f);
        assert_int_equal(h.ops[i].time, ops[i].time);
        assert_true(json_object_equal(h.ops[i].value, ops[i].value));
        json_object_put(ops[i].value);
    }
    history_free(&h);
}

/* A meta record names what it knows; the fields it leaves out stay empty,
 * and a file without one still loads with no meta. */
static void meta_record_read(void **state)
{
    (void)state;
    const char *op = "{\"process\":1,\"type\":\"invoke\",\"f\":\"add\",\"value\":1}\n";
    char text[512];
    history h;
    char *err = NULL;
    snprintf(text, sizeof text, "\n{\"type\":\"meta\",\"workload\":\"counter\",\"extra\":[1]}\n%s",
             op);
    assert_int_equal(read_text(text, &h, &err), 0);
    assert_true(h.meta.present);
    assert_string_equal(h.meta.workload, "counter");
    assert_string_equal(h.meta.isolation, "");
    assert_false(h.meta.has_seed);
    assert_string_equal(h.meta.version, "");
    assert_int_equal(h.n, 1);
    assert_int_equal(h.ops[0].index, 0); /* the meta record takes no position */
    history_free(&h);
    assert_int_equal(read_text(op, &h, &err), 0);
    assert_false(h.meta.present);
    assert_string_equal(h.meta.workload, "");
    assert_int_equal(h.n, 1);
    history_free(&h);
    /* a file that is only a meta record loads, with no operations */
    assert_int_equal(read_text("{\"type\":\"meta\",\"seed\":5}\n", &h, &err), 0);
    assert_true(h.meta.present && h.meta.has_seed && h.meta.seed == 5);
    assert_int_equal(h.n, 0);
    history_free(&h);
}

static void meta_record_errors(void **state)
{
    (void)state;
    const char *op = "{\"process\":1,\"type\":\"invoke\",\"f\":\"add\",\"value\":1}\n";
    const char *meta = "{\"type\":\"meta\",\"workload\":\"counter\"}\n";
    char text[512];
    snprintf(text, sizeof text, "%s%s", op, meta);
    expect_error(text, 2, "a meta record may only be the first line");
    snprintf(text, sizeof text, "%s%s%s", meta, meta, op);
    expect_error(text, 2, "a meta record may only be the first line");
    snprintf(text, sizeof text, "{\"type\":\"meta\",\"workload\":7}\n%s", op);
    expect_error(text, 1, "meta \"workload\" is not a short string");
    snprintf(text, sizeof text, "{\"type\":\"meta\",\"isolation\":\"%040d\"}\n%s", 0, op);
    expect_error(text, 1, "meta \"isolation\" is not a short string");
    snprintf(text, sizeof text, "{\"type\":\"meta\",\"seed\":\"42\"}\n%s", op);
    expect_error(text, 1, "meta \"seed\" is not an integer");
    snprintf(text, sizeof text, "{\"type\":\"meta\",\"version\":null}\n%s", op);
    expect_error(text, 1, "meta \"version\" is not a short string");
}

/* Fault records are written as Jepsen's nemesis process and left out
 * when the file is read for the checkers. */
static void nemesis_records_are_written_and_skipped(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/melee-hist-test.XXXXXX");
    close(mkstemp(path));
    char *err = NULL;
    hist_writer *w = hist_writer_open(path, NULL, &err);
    assert_non_null(w);
    hist_op ops[3] = {
        {.index = 0, .process = 1, .type = H_INVOKE, .f = "read", .time = 10},
        {.index = 1, .process = HIST_NEMESIS, .type = H_INFO, .f = "start-kill", .time = 20,
         .value = json_object_new_string("postmaster 4242")},
        {.index = 2, .process = 1, .type = H_OK, .f = "read", .time = 30},
    };
    for (int i = 0; i < 3; i++)
        hist_writer_add(w, &ops[i]);
    hist_writer_close(w);
    json_object_put(ops[1].value);
    FILE *f = fopen(path, "r");
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_contains(line, "\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"start-kill\","
                          "\"value\":\"postmaster 4242\"");
    history h;
    assert_int_equal(history_read(path, &h, &err), 0);
    unlink(path);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.ops[0].index, 0);
    assert_int_equal(h.ops[1].index, 2);
    history_free(&h);
    /* Another process name is still an error. */
    expect_error("{\"process\":\"chaos\",\"type\":\"info\",\"f\":\"x\"}\n", 1, "process");
}

static void good_file_with_blank_lines_and_crlf(void **state)
{
    (void)state;
    history h;
    char *err;
    assert_int_equal(read_text("{\"index\":0,\"process\":1,\"type\":\"invoke\",\"f\":\"add\","
                               "\"value\":4,\"time\":10}\r\n"
                               "\n"
                               "{\"process\":1,\"type\":\"ok\",\"f\":\"add\",\"value\":4}\n"
                               "  {\"process\":2,\"type\":\"fail\",\"f\":\"read\"}  \n",
                               &h, &err),
                     0);
    assert_int_equal(h.n, 3);
    assert_int_equal(h.ops[0].time, 10);
    assert_int_equal(h.ops[0].type, H_INVOKE);
    assert_int_equal(json_object_get_int(h.ops[1].value), 4);
    assert_int_equal(h.ops[1].index, 1); /* no index: its position */
    assert_int_equal(h.ops[2].type, H_FAIL);
    assert_null(h.ops[2].value);
    history_free(&h);
}

static void bad_line_is_named(void **state)
{
    (void)state;
    const char *good = "{\"process\":1,\"type\":\"invoke\",\"f\":\"add\",\"value\":4}\n";
    char text[512];
    snprintf(text, sizeof text, "%s\n%s{\"process\":1,\"type\":\"ok\",\"f\":\"add\",\"value\":4\n%s",
             good, good, good);
    expect_error(text, 4, "incomplete JSON record"); /* the blank line counts */
    snprintf(text, sizeof text, "%s{\"process\":\"1\",\"type\":\"ok\",\"f\":\"add\"}\n%s", good,
             good);
    expect_error(text, 2, "no integer \"process\"");
    snprintf(text, sizeof text, "%s{\"process\":1,\"type\":\"done\",\"f\":\"add\"}\n%s", good,
             good);
    expect_error(text, 2, "\"type\" is not invoke, ok, fail or info");
    snprintf(text, sizeof text, "%s{\"process\":1,\"type\":\"ok\"}\n%s", good, good);
    expect_error(text, 2, "no string \"f\"");
    snprintf(text, sizeof text, "%s{\"process\":1,\"type\":\"ok\",\"f\":\"a-very-long-name\"}\n",
             good);
    expect_error(text, 2, "\"f\" is too long");
    snprintf(text, sizeof text, "%s[1,2]\n%s", good, good);
    expect_error(text, 2, "not a JSON object");
    snprintf(text, sizeof text, "%s%s{\"process\":1,\"type\":\"ok\",\"f\":\"add\"} x\n", good,
             good);
    expect_error(text, 3, "text after the JSON record");
    /* a broken last line that did end with a newline is not torn: an error */
    snprintf(text, sizeof text, "%s%s{\"process\":1,\n", good, good);
    expect_error(text, 3, "incomplete JSON record");
    /* a file that is only a torn record has nothing to keep */
    expect_error("{\"process\":1,\"ty", 1, "incomplete JSON record");
}

/* A run killed while writing leaves the last record without its newline:
 * what came before is kept. */
static void torn_last_line_is_skipped(void **state)
{
    (void)state;
    history h;
    char *err;
    assert_int_equal(read_text("{\"process\":1,\"type\":\"invoke\",\"f\":\"add\",\"value\":4}\n"
                               "{\"process\":1,\"type\":\"ok\",\"f\":\"add\",\"value\":4}\n"
                               "{\"process\":2,\"type\":\"inv",
                               &h, &err),
                     0);
    assert_null(err);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.ops[1].type, H_OK);
    history_free(&h);
    /* a complete last record without a newline is kept */
    assert_int_equal(read_text("{\"process\":1,\"type\":\"invoke\",\"f\":\"add\",\"value\":4}\n"
                               "{\"process\":1,\"type\":\"ok\",\"f\":\"add\",\"value\":4}",
                               &h, &err),
                     0);
    assert_int_equal(h.n, 2);
    history_free(&h);
}

static void missing_file(void **state)
{
    (void)state;
    history h;
    char *err = NULL;
    assert_int_equal(history_read("/nonexistent/melee.jsonl", &h, &err), -1);
    assert_contains(err, "/nonexistent/melee.jsonl: No such file or directory");
    free(err);
}

static void checker_table(void **state)
{
    (void)state;
    static const char *const names[] = {"bank", "counter", "set", "long-fork", "register",
                                        "append", "default-value"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        assert_true(check_workload_known(names[i]));
        assert_contains(check_workload_names(), names[i]);
        /* an empty history is never valid */
        history h = {0};
        check_result r;
        char *err = NULL;
        check_opts o = check_opts_default(ISO_SERIALIZABLE);
        assert_int_equal(check_history(&h, names[i], &o, &r, &err), 0);
        assert_int_equal(r.verdict, VERDICT_UNKNOWN);
        assert_non_null(r.reason);
        check_result_free(&r);
    }
    assert_false(check_workload_known("chaos"));
    history h = {0};
    check_result r;
    char *err = NULL;
    check_opts o = check_opts_default(ISO_SERIALIZABLE);
    assert_int_equal(check_history(&h, "chaos", &o, &r, &err), -1);
    assert_contains(err, "no checker for workload 'chaos' (there are: bank, counter");
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writer_records_read_back),
        cmocka_unit_test(meta_record_read),
        cmocka_unit_test(meta_record_errors),
        cmocka_unit_test(nemesis_records_are_written_and_skipped),
        cmocka_unit_test(good_file_with_blank_lines_and_crlf),
        cmocka_unit_test(bad_line_is_named),
        cmocka_unit_test(torn_last_line_is_skipped),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(checker_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
