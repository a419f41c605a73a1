/* test_layout.c - the folder rules the design fixes: core/ includes
 * nothing from actions/ (but core/main.c, which installs the built-in
 * workloads), and only tui/ includes curses. Reads the sources under
 * $MELEE_ROOT (default: the current directory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Returns the number of #include lines of path that contain needle, and
 * prints each. */
static int includes_of(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[512];
    int n = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        const char *p = line + strspn(line, " \t");
        if (*p == '#' && strstr(p, "include") && strstr(p, needle)) {
            printf("%s:%d: %s", path, lineno, line);
            n++;
        }
    }
    fclose(f);
    return n;
}

/* Returns the number of offending includes under dir (recursively), in
 * .c and .h files, skipping the path except. */
static int scan(const char *dir, const char *needle, const char *except)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        size_t len = strlen(e->d_name);
        if (S_ISDIR(st.st_mode))
            n += scan(path, needle, except);
        else if (len > 2 && (strcmp(e->d_name + len - 2, ".c") == 0 ||
                             strcmp(e->d_name + len - 2, ".h") == 0) &&
                 !(except && strcmp(path, except) == 0))
            n += includes_of(path, needle);
    }
    closedir(d);
    return n;
}

static const char *root(void)
{
    const char *r = getenv("MELEE_ROOT");
    return r && *r ? r : ".";
}

static void core_includes_nothing_from_actions(void **state)
{
    (void)state;
    char core[1024], main_c[1024];
    snprintf(core, sizeof core, "%s/core", root());
    snprintf(main_c, sizeof main_c, "%s/core/main.c", root());
    assert_int_equal(scan(core, "actions/", main_c), 0);
}

/* The scan itself must see an include: core/main.c has one. */
static void the_scan_finds_main_c(void **state)
{
    (void)state;
    char main_c[1024];
    snprintf(main_c, sizeof main_c, "%s/core/main.c", root());
    assert_true(includes_of(main_c, "actions/") > 0);
}

static void only_tui_includes_curses(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/core", root());
    assert_int_equal(scan(dir, "curses.h", NULL), 0);
    snprintf(dir, sizeof dir, "%s/actions", root());
    assert_int_equal(scan(dir, "curses.h", NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(core_includes_nothing_from_actions),
        cmocka_unit_test(the_scan_finds_main_c),
        cmocka_unit_test(only_tui_includes_curses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
