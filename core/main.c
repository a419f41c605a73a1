/* main.c - melee's entry point: parse options, find or start a server,
 * run the console or the headless loop, report, exit with a status that
 * says whether something was found. */
#include <signal.h>
#include <sys/resource.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../actions/workloads.h"
#include "../tui/console.h"
#include "check/check.h"
#include "config/cli.h"
#include "config/profile.h"
#include "fault/nemesis_run.h"
#include "server/embedded.h"
#include "engine/engine.h"
#include "report/report.h"
#include "util.h"

static volatile sig_atomic_t g_interrupted;

static void on_stop_signal(int sig)
{
    (void)sig;
    if (g_interrupted) {
        /* A second interrupt: the operator does not want to wait. */
        embedded_emergency_cleanup();
        _exit(130);
    }
    g_interrupted = 1;
    console_request_quit();
}

static void on_fatal_signal(int sig)
{
    embedded_emergency_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
}

/* Lifts the soft limit on open files towards the hard one (at most
 * FD_LIMIT_WANTED), and says so when it stays below what the workers need:
 * each holds a connection, and through the fault proxy five descriptors
 * (its socket, the proxy's two ends of it, the one kept for going back
 * through the proxy, its pumps' eventfd), so 256 workers pass the common
 * default of 1024. Short of descriptors, workers would wait to connect. */
static void ensure_fd_limit(int workers, bool through_proxy)
{
    enum { FD_LIMIT_WANTED = 65536, FDS_BESIDES_WORKERS = 100 };
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = rl.rlim_max < FD_LIMIT_WANTED ? rl.rlim_max : FD_LIMIT_WANTED;
    if (want > rl.rlim_cur) {
        rl.rlim_cur = want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t need = (rlim_t)workers * (through_proxy ? 5 : 1) + FDS_BESIDES_WORKERS;
    if (need > rl.rlim_cur)
        fprintf(stderr,
                "melee: open files are limited to %llu, and %d workers%s need about %llu: "
                "some will wait to connect (raise it with ulimit -n)\n",
                (unsigned long long)rl.rlim_cur, workers,
                through_proxy ? " through the fault proxy" : "", (unsigned long long)need);
}

/* True when the environment names a server for libpq. */
static bool env_names_server(void)
{
    static const char *const VARS[] = {"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE",
                                       "PGSERVICE", "PGUSER"};
    for (size_t i = 0; i < ARRAY_LEN(VARS); i++) {
        const char *v = getenv(VARS[i]);
        if (v && *v)
            return true;
    }
    return false;
}

static uint64_t draw_seed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid()) % 1000000000ULL;
}

static void progress_line(run *r)
{
    static uint64_t last_ops;
    static double last_t;
    run_snapshot *s = run_snapshot_take(r, 0);
    double dt = s->elapsed_s - last_t;
    double rate = dt > 0 ? (double)(s->totals.ops - last_ops) / dt : 0;
    fprintf(stderr,
            "progress: %6.1f s, %8.1f ops/s, ok %llu, ignored %llu, unexpected %llu, "
            "crashes %llu, hangs %llu\n",
            s->elapsed_s, rate, (unsigned long long)s->totals.ok,
            (unsigned long long)s->totals.ignored, (unsigned long long)s->totals.unexpected,
            (unsigned long long)s->totals.crashes, (unsigned long long)s->totals.hangs);
    last_ops = s->totals.ops;
    last_t = s->elapsed_s;
    run_snapshot_free(s);
}

static void headless_loop(run *r)
{
    double next = 1.0;
    while (!g_interrupted && !run_should_stop(r)) {
        sleep_ms(50);
        if (run_elapsed_s(r) >= next) {
            progress_line(r);
            next += 1.0;
        }
    }
    if (g_interrupted)
        fputs("melee: interrupted, stopping\n", stderr);
}

/* Fills eo's settings with the profile's server settings and what the
 * faults need. Returns the array to free after the start. */
static embedded_setting *server_settings(const run_config *cfg, embedded_opts *eo)
{
    embedded_setting *own = xcalloc(cfg->nserver_settings + 1, sizeof *own);
    for (size_t i = 0; i < cfg->nserver_settings; i++)
        own[i] = (embedded_setting){cfg->server_settings[i].name, cfg->server_settings[i].value};
    eo->settings = own;
    eo->nsettings = cfg->nserver_settings;
    embedded_setting *all = fault_run_server_opts(&cfg->nemesis, eo);
    free(own);
    return all;
}

/* Tells the run the settings the server got beyond melee's own. */
static void note_server_settings(run *r, const embedded_opts *eo)
{
    const char **names = xcalloc(eo->nsettings + 1, sizeof *names);
    const char **values = xcalloc(eo->nsettings + 1, sizeof *values);
    for (size_t i = 0; i < eo->nsettings; i++) {
        names[i] = eo->settings[i].name;
        values[i] = eo->settings[i].value;
    }
    run_set_server_settings(r, names, values, eo->nsettings);
    free(names);
    free(values);
}

/* Faults run when the profile or the flags name some, and in the console,
 * where the operator may fire them by hand (the nemesis dialog says why
 * the kinds this server cannot take are unavailable). */
static bool wants_faults(const run_config *cfg)
{
    return nemesis_opts_cfg(&cfg->nemesis).schedule.nkinds > 0 || !cfg->headless;
}

/* Sets up the proxy and the nemesis. Returns NULL after saying why. */
static fault_run *start_faults(run *r, const run_config *cfg, embedded_pg *pg,
                               const char *conninfo)
{
    char *warn = NULL, *err = NULL;
    fault_run *f = fault_run_new(r, &cfg->nemesis, pg, conninfo, cfg->seed, &warn, &err);
    if (warn)
        fprintf(stderr, "melee: fault kinds left out: %s\n", warn);
    free(warn);
    if (!f) {
        fprintf(stderr, "melee: %s\n", err ? err : "cannot set up the faults");
        free(err);
    } else if (fault_run_proxy_port(f)) {
        fprintf(stderr, "melee: workers connect through the fault proxy on 127.0.0.1:%d\n",
                fault_run_proxy_port(f));
    }
    return f;
}

/* Runs melee with a parsed config. Returns the exit status. */
static int run_main(run_config *cfg, int argc, char **argv)
{
    /* A config that cannot run is refused before any server is started. */
    char *err = NULL;
    run *r = run_new(cfg, &err);
    if (!r) {
        fprintf(stderr, "melee: %s\n", err ? err : "cannot create the run");
        free(err);
        return 2;
    }
    embedded_pg *pg = NULL;
    const char *conninfo = cfg->dsn && *cfg->dsn ? cfg->dsn : "";
    if (!*conninfo && !env_names_server()) {
        embedded_opts eo = {.keep = cfg->keep_server, .quiet = !cfg->headless};
        embedded_setting *settings = server_settings(cfg, &eo);
        pg = embedded_start(&eo, &err);
        note_server_settings(r, &eo);
        free(settings);
        if (!pg) {
            fprintf(stderr, "melee: cannot start the private PostgreSQL server: %s\n", err);
            free(err);
            run_free(r);
            return 2;
        }
        conninfo = embedded_conninfo(pg);
    }
    fault_run *faults = NULL;
    if (wants_faults(cfg) && !(faults = start_faults(r, cfg, pg, conninfo))) {
        run_free(r);
        if (pg)
            embedded_stop(pg);
        return 2;
    }
    ensure_fd_limit(cfg->threads, fault_run_proxy_port(faults) != 0);
    if (run_start(r, conninfo, &err) != 0 || (faults && fault_run_start(faults, &err) != 0)) {
        fprintf(stderr, "melee: %s\n", err ? err : "cannot start the run");
        free(err);
        fault_run_free(faults);
        run_free(r);
        if (pg)
            embedded_stop(pg);
        return 2;
    }
    if (pg)
        run_watch_server_log(r, embedded_log_path(pg));
    fprintf(stderr, "melee: seed %llu, %d threads, target %s (PostgreSQL %s)\n",
            (unsigned long long)cfg->seed, cfg->threads, run_target(r), run_server_version(r));
    int status = 0;
    if (cfg->headless) {
        headless_loop(r);
    } else if (console_run(r, &err) != 0) {
        fprintf(stderr, "melee: cannot open the console: %s (use --headless)\n",
                err ? err : "unknown error");
        free(err);
        status = 2;
    }
    /* Every way out (the duration, q, a signal, a fatal error) comes here:
     * the final heal, the workers stop, the recovery window passes, and
     * then the final reads find a healed, recovered server. */
    fault_run_heal_and_stop(faults);
    run_stop(r);
    if (run_has_final_reads(r))
        fault_run_recover(faults);
    run_join(r);
    fault_run_free(faults);
    run_report(r, stdout, argc, argv);
    if (cfg->summary_path && *cfg->summary_path && run_write_summary(r, cfg->summary_path) != 0)
        fprintf(stderr, "melee: cannot write %s\n", cfg->summary_path);
    if (cfg->report_dir && *cfg->report_dir)
        report_after_run(r, cfg->report_dir, argc, argv);
    if (!status)
        status = run_exit_code(r);
    if (run_fatal_error(r))
        fprintf(stderr, "melee: %s\n", run_fatal_error(r));
    run_free(r);
    if (pg)
        embedded_stop(pg);
    return status;
}

int main(int argc, char **argv)
{
    builtin_workloads_install();
    if (argc > 1 && strcmp(argv[1], "check") == 0)
        return check_command(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "report") == 0)
        return report_command(argc - 1, argv + 1);
    run_config cfg;
    cli_opts o;
    int rc = cli_parse(argc, argv, &cfg, &o);
    if (rc == 0 && o.help) {
        cli_usage(stdout);
    } else if (rc == 0 && o.version) {
        printf("melee %s\n", MELEE_VERSION);
    } else if (rc == 0 && o.print_profile) {
        char *text = profile_text(&cfg);
        fputs(text, stdout);
        free(text);
    }
    if (rc || o.help || o.version || o.print_profile) {
        config_free(&cfg);
        return rc;
    }
    if (!cfg.seed_set) {
        cfg.seed = draw_seed();
        cfg.seed_set = true;
    }
    install_signals();
    rc = run_main(&cfg, argc, argv);
    config_free(&cfg);
    return rc;
}
