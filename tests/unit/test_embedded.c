/* Tests of the embedded server against the real PostgreSQL binaries: it
 * answers, its directory is private, it runs as the server user in its own
 * session, stopping (normal, emergency, our death) leaves nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/server/embedded.h"
#include "core/server/pgstale.h"
#include "core/server/rmtree.h"
#include "core/util.h"

static const embedded_opts QUIET = {.quiet = true};

static embedded_pg *start_or_fail(const embedded_opts *o)
{
    char *err = NULL;
    embedded_pg *pg = embedded_start(o, &err);
    if (!pg)
        fail_msg("embedded_start: %s", err);
    return pg;
}

/* Returns the uid a server process should run as. */
static uid_t server_uid(void)
{
    if (geteuid() != 0)
        return geteuid();
    struct passwd *pw = getpwnam("postgres");
    assert_non_null(pw);
    return pw->pw_uid;
}

/* Returns the first value of the SELECT, or NULL on failure (caller frees). */
static char *query_one(const char *conninfo, const char *sql)
{
    PGconn *c = PQconnectdb(conninfo);
    char *out = NULL;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            out = xstrdup(PQgetvalue(r, 0, 0));
        else
            print_error("%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
    } else {
        print_error("connect %s: %s", conninfo, PQerrorMessage(c));
    }
    PQfinish(c);
    return out;
}

/* True when pid no longer exists (a zombie of someone else counts as gone). */
static bool process_gone(pid_t pid)
{
    if (kill(pid, 0) != 0)
        return errno == ESRCH;
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    bool zombie = false;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "State:", 6) == 0)
            zombie = strchr(line, 'Z') != NULL;
    fclose(f);
    return zombie;
}

static bool wait_gone(pid_t pid, int ms)
{
    for (int t = 0; t < ms; t += 20) {
        if (process_gone(pid))
            return true;
        sleep_ms(20);
    }
    return process_gone(pid);
}

static bool path_exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

/* How long the start takes is printed, not asserted: it is the machine's
 * speed (a loaded 2-core machine takes several seconds). */
static void starts_and_answers(void **state)
{
    (void)state;
    uint64_t t0 = now_ns();
    embedded_pg *pg = start_or_fail(&QUIET);
    print_message("embedded server started in %.3f s\n", (double)(now_ns() - t0) / 1e9);
    assert_non_null(strstr(embedded_conninfo(pg), embedded_dir(pg)));
    char *v = query_one(embedded_conninfo(pg), "SELECT version()");
    assert_non_null(v);
    assert_non_null(strstr(v, "PostgreSQL"));
    free(v);
    char *who = query_one(embedded_conninfo(pg), "SELECT current_user");
    assert_string_equal(who, "postgres");
    free(who);
    embedded_stop(pg);
}

static void listens_on_loopback_tcp(void **state)
{
    (void)state;
    embedded_pg *pg = start_or_fail(&QUIET);
    char *tcp = xasprintf("host=127.0.0.1 port=%d dbname=postgres user=postgres",
                          embedded_port(pg));
    char *addr = query_one(tcp, "SELECT host(inet_server_addr())");
    assert_string_equal(addr, "127.0.0.1");
    free(addr);
    free(tcp);
    embedded_stop(pg);
}

static void directory_is_private(void **state)
{
    (void)state;
    embedded_pg *pg = start_or_fail(&QUIET);
    struct stat st;
    assert_int_equal(stat(embedded_dir(pg), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_int_equal(st.st_uid, server_uid());
    assert_int_equal(strncmp(embedded_dir(pg), "/tmp/melee-pg-", 14), 0);
    assert_int_equal(strncmp(embedded_log_path(pg), embedded_dir(pg), strlen(embedded_dir(pg))), 0);
    assert_int_equal(access(embedded_log_path(pg), R_OK), 0);
    embedded_stop(pg);
}

static void server_runs_as_server_user_in_own_session(void **state)
{
    (void)state;
    embedded_pg *pg = start_or_fail(&QUIET);
    pid_t pid = embedded_pid(pg);
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    unsigned ruid = 1, euid = 1, suid = 1, fsuid = 1;
    bool seen = false;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Uid: %u %u %u %u", &ruid, &euid, &suid, &fsuid) == 4)
            seen = true;
    fclose(f);
    assert_true(seen);
    uid_t want = server_uid();
    assert_int_equal(ruid, want);
    assert_int_equal(euid, want);
    assert_int_equal(suid, want);
    if (geteuid() == 0)
        assert_int_not_equal(euid, 0);
    assert_int_equal(getsid(pid), pid);
    assert_int_not_equal(getsid(pid), getsid(0));
    embedded_stop(pg);
}

static void stop_leaves_nothing(void **state)
{
    (void)state;
    embedded_pg *pg = start_or_fail(&QUIET);
    char *dir = xstrdup(embedded_dir(pg));
    pid_t pid = embedded_pid(pg);
    assert_true(pid > 0);
    assert_true(path_exists(dir));
    uint64_t t0 = now_ns();
    embedded_stop(pg);
    print_message("embedded server stopped in %.3f s\n", (double)(now_ns() - t0) / 1e9);
    assert_false(path_exists(dir));
    assert_int_equal(kill(pid, 0), -1);
    assert_int_equal(errno, ESRCH);
    free(dir);
}

static void two_servers_at_once(void **state)
{
    (void)state;
    embedded_pg *a = start_or_fail(&QUIET);
    embedded_pg *b = start_or_fail(&QUIET);
    assert_int_not_equal(embedded_port(a), embedded_port(b));
    assert_string_not_equal(embedded_dir(a), embedded_dir(b));
    char *pa = query_one(embedded_conninfo(a), "SELECT current_setting('port')");
    char *pb = query_one(embedded_conninfo(b), "SELECT current_setting('port')");
    assert_int_equal(atoi(pa), embedded_port(a));
    assert_int_equal(atoi(pb), embedded_port(b));
    free(pa);
    free(pb);
    embedded_stop(b);
    embedded_stop(a);
}

static void emergency_cleanup_stops_everything(void **state)
{
    (void)state;
    embedded_pg *a = start_or_fail(&QUIET);
    embedded_pg *b = start_or_fail(&QUIET);
    char *da = xstrdup(embedded_dir(a)), *db = xstrdup(embedded_dir(b));
    pid_t pa = embedded_pid(a), pb = embedded_pid(b);
    embedded_emergency_cleanup();
    assert_false(path_exists(da));
    assert_false(path_exists(db));
    assert_true(process_gone(pa));
    assert_true(process_gone(pb));
    embedded_stop(a);   /* now only frees */
    embedded_stop(b);
    free(da);
    free(db);
}

static void keep_leaves_it_running(void **state)
{
    (void)state;
    embedded_opts o = {.keep = true, .quiet = true};
    embedded_pg *pg = start_or_fail(&o);
    char *dir = xstrdup(embedded_dir(pg));
    char *conninfo = xstrdup(embedded_conninfo(pg));
    pid_t pid = embedded_pid(pg);
    embedded_stop(pg);
    embedded_emergency_cleanup();   /* must leave a kept server alone too */
    assert_true(path_exists(dir));
    char *one = query_one(conninfo, "SELECT 1");
    assert_string_equal(one, "1");
    free(one);
    /* Clean up by hand, as the printed instructions say. */
    kill(pid, SIGINT);
    waitpid(pid, NULL, 0);
    assert_true(wait_gone(pid, 5000));
    assert_int_equal(rmtree(dir), 0);
    assert_false(path_exists(dir));
    free(dir);
    free(conninfo);
}

/* A process that starts a server and then dies by SIGKILL takes the server
 * with it (parent-death signal). */
static void server_dies_with_us(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(fds[0]);
        char *err = NULL;
        embedded_pg *pg = embedded_start(&QUIET, &err);
        char msg[256];
        int n = snprintf(msg, sizeof msg, "%d %s\n", pg ? embedded_pid(pg) : -1,
                         pg ? embedded_dir(pg) : "-");
        if (write(fds[1], msg, (size_t)n) != n)
            _exit(3);
        raise(SIGKILL);
    }
    close(fds[1]);
    char buf[256] = {0};
    ssize_t n = 0, r;
    while ((r = read(fds[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0)
        n += r;
    close(fds[0]);
    waitpid(child, NULL, 0);
    int pid = -1;
    char dir[200] = "";
    assert_int_equal(sscanf(buf, "%d %199s", &pid, dir), 2);
    assert_true(pid > 0);
    assert_true(wait_gone(pid, 10000));
    /* The directory stays behind after SIGKILL; remove it. */
    assert_int_equal(rmtree(dir), 0);
}

static void rmtree_removes_nested_tree_without_following_links(void **state)
{
    (void)state;
    char root[] = "/tmp/melee-rmtree-XXXXXX", keep[] = "/tmp/melee-keep-XXXXXX";
    assert_non_null(mkdtemp(root));
    assert_non_null(mkdtemp(keep));
    char *kept = xasprintf("%s/precious", keep);
    close(open(kept, O_CREAT | O_WRONLY, 0600));
    char *p = xasprintf("%s/a", root);
    assert_int_equal(mkdir(p, 0700), 0);
    for (int i = 0; i < 300; i++) {   /* more entries than one getdents batch */
        char *f = xasprintf("%s/a/file-with-a-rather-long-name-%03d", root, i);
        close(open(f, O_CREAT | O_WRONLY, 0600));
        free(f);
    }
    char *deep = xasprintf("%s/a/b", root), *deeper = xasprintf("%s/a/b/c", root);
    assert_int_equal(mkdir(deep, 0700), 0);
    assert_int_equal(mkdir(deeper, 0), 0);   /* unreadable: root or not, still removed */
    char *link = xasprintf("%s/a/b/link", root);
    assert_int_equal(symlink(keep, link), 0);
    assert_int_equal(rmtree(root), 0);
    assert_false(path_exists(root));
    assert_true(path_exists(kept));
    assert_int_equal(rmtree(root), 0);   /* already gone is fine */
    assert_int_equal(rmtree(keep), 0);
    free(kept);
    free(p);
    free(deep);
    free(deeper);
    free(link);
}

/* Makes a directory like one a run left: a lock file, a postmaster.pid
 * naming pid (0: none), last changed age_s ago. Returns it (caller frees). */
static char *fake_run_dir(int pid, int age_s)
{
    char *dir = xstrdup("/tmp/melee-pgtest-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char *lock = xasprintf("%s/melee.lock", dir), *data = xasprintf("%s/data", dir);
    close(open(lock, O_CREAT | O_WRONLY, 0600));
    assert_int_equal(mkdir(data, 0700), 0);
    if (pid) {
        char *pidfile = xasprintf("%s/postmaster.pid", data);
        FILE *f = fopen(pidfile, "w");
        fprintf(f, "%d\n%s\n", pid, data);
        fclose(f);
        free(pidfile);
    }
    struct timespec t[2] = {{time(NULL) - age_s, 0}, {time(NULL) - age_s, 0}};
    assert_int_equal(utimensat(AT_FDCWD, dir, t, 0), 0);
    free(lock);
    free(data);
    return dir;
}

static void sweep_removes_only_abandoned_dirs(void **state)
{
    (void)state;
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    char *abandoned = fake_run_dir(dead, 600);
    char *no_server = fake_run_dir(0, 600);
    char *young = fake_run_dir(0, 0);
    char *kept = fake_run_dir(getpid(), 600);   /* its postmaster still runs */
    char *held = fake_run_dir(0, 600);
    char *lock = xasprintf("%s/melee.lock", held);
    int fd = open(lock, O_RDWR);
    assert_int_equal(flock(fd, LOCK_EX), 0);   /* a live run holds it */
    assert_int_equal(pgstale_sweep("/tmp/melee-pgtest-*", getuid(), true), 2);
    assert_false(path_exists(abandoned));
    assert_false(path_exists(no_server));
    assert_true(path_exists(young));
    assert_true(path_exists(kept));
    assert_true(path_exists(held));
    close(fd);
    char *const rest[] = {young, kept, held};
    for (size_t i = 0; i < ARRAY_LEN(rest); i++)
        assert_int_equal(rmtree(rest[i]), 0);
    free(abandoned);
    free(no_server);
    free(young);
    free(kept);
    free(held);
    free(lock);
}

/* A started server's directory is held, so a sweep leaves it alone. */
static void sweep_spares_live_servers(void **state)
{
    (void)state;
    embedded_pg *pg = start_or_fail(&QUIET);
    char *lock = xasprintf("%s/melee.lock", embedded_dir(pg));
    int fd = open(lock, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
    assert_int_equal(errno, EWOULDBLOCK);
    close(fd);
    free(lock);
    struct timespec t[2] = {{time(NULL) - 600, 0}, {time(NULL) - 600, 0}};
    assert_int_equal(utimensat(AT_FDCWD, embedded_dir(pg), t, 0), 0);
    char *pattern = xasprintf("%s*", embedded_dir(pg));
    struct stat st;
    assert_int_equal(stat(embedded_dir(pg), &st), 0);
    assert_int_equal(pgstale_sweep(pattern, st.st_uid, true), 0);
    assert_true(path_exists(embedded_dir(pg)));
    free(pattern);
    embedded_stop(pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starts_and_answers),
        cmocka_unit_test(listens_on_loopback_tcp),
        cmocka_unit_test(directory_is_private),
        cmocka_unit_test(server_runs_as_server_user_in_own_session),
        cmocka_unit_test(stop_leaves_nothing),
        cmocka_unit_test(two_servers_at_once),
        cmocka_unit_test(emergency_cleanup_stops_everything),
        cmocka_unit_test(keep_leaves_it_running),
        cmocka_unit_test(server_dies_with_us),
        cmocka_unit_test(rmtree_removes_nested_tree_without_following_links),
        cmocka_unit_test(sweep_removes_only_abandoned_dirs),
        cmocka_unit_test(sweep_spares_live_servers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
