/* cli.c - option parsing: built-in defaults < profile < command line. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "../util.h"
#include "../engine/workload.h"

enum {
    OPT_HISTORY = 1000,
    OPT_SUMMARY,
    OPT_LOG,
    OPT_HEADLESS,
    OPT_KEEP_SERVER,
    OPT_HANG_LIMIT,
    OPT_PARAM,
};

static const struct option LONG_OPTS[] = {
    {"profile", required_argument, NULL, 'p'},
    {"dsn", required_argument, NULL, 'd'},
    {"threads", required_argument, NULL, 't'},
    {"complexity", required_argument, NULL, 'c'},
    {"workload", required_argument, NULL, 'w'},
    {"isolation", required_argument, NULL, 'i'},
    {"duration", required_argument, NULL, 'D'},
    {"seed", required_argument, NULL, 's'},
    {"history", required_argument, NULL, OPT_HISTORY},
    {"summary-json", required_argument, NULL, OPT_SUMMARY},
    {"log", required_argument, NULL, OPT_LOG},
    {"headless", no_argument, NULL, OPT_HEADLESS},
    {"keep-server", no_argument, NULL, OPT_KEEP_SERVER},
    {"hang-limit", required_argument, NULL, OPT_HANG_LIMIT},
    {"param", required_argument, NULL, OPT_PARAM},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};
static const char SHORT_OPTS[] = "p:d:t:c:w:i:D:s:hV";

void cli_usage(FILE *out)
{
    fputs("usage: melee [options]                 interactive console\n"
          "       melee --headless [options]      progress on stderr, report on stdout\n"
          "       melee check HISTORY [options]   check a recorded history offline\n"
          "\n"
          "  -p, --profile FILE      YAML profile (built-in defaults when absent)\n"
          "  -d, --dsn CONNINFO      libpq conninfo or URI; PG* variables are honoured;\n"
          "                          neither given: a private PostgreSQL is started\n"
          "  -t, --threads N         worker threads (one connection each)\n"
          "  -c, --complexity C      read | dml | ddl | ddl-only | random\n"
          "  -w, --workload NAME     chaos (default), bank, counter, set, long-fork,\n"
          "                          register, append, default-value\n"
          "      --param NAME=N      a workload parameter (accounts=8, keys=10, ...)\n"
          "  -i, --isolation L       read-committed | repeatable-read | serializable\n"
          "  -D, --duration SECONDS  0 = until stopped\n"
          "  -s, --seed N            the run seed (printed when drawn)\n"
          "      --hang-limit S      a statement running longer is a hang (default 60)\n"
          "      --history FILE      record every operation (JSON Lines)\n"
          "      --summary-json FILE write the final report as JSON\n"
          "      --log FILE          statement log: time, thread, outcome, SQL\n"
          "      --headless          no console\n"
          "      --keep-server       keep the private server at exit and say how to connect\n"
          "  -h, --help              -V, --version\n"
          "\n"
          "exit status: 0 nothing found; 1 something found (unexpected error, crash, hang,\n"
          "checker anomaly); 2 usage, profile or connection error\n",
          out);
}

static int bad(const char *what, const char *value)
{
    fprintf(stderr, "melee: invalid %s: '%s' (see melee --help)\n", what, value);
    return 2;
}

static bool parse_long(const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *s, double min, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < min)
        return false;
    *out = v;
    return true;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = xstrdup(v);
}

/* Applies one option other than -p. Returns 0 or 2. */
static int apply(int opt, const char *arg, run_config *c, cli_opts *o)
{
    long long n;
    double d;
    int e;
    switch (opt) {
    case 'd': set_str(&c->dsn, arg); break;
    case 't':
        if (!parse_long(arg, 1, 1024, &n))
            return bad("thread count (1-1024)", arg);
        c->threads = (int)n;
        break;
    case 'c':
        if ((e = complexity_from_name(arg)) < 0)
            return bad("complexity", arg);
        c->complexity = (complexity)e;
        break;
    case 'w':
        if (strcmp(arg, "chaos") != 0 && !workload_find(arg))
            return bad("workload", arg);
        set_str(&c->workload, arg);
        break;
    case 'i':
        if ((e = isolation_from_name(arg)) < 0)
            return bad("isolation", arg);
        c->isolation = (isolation)e;
        break;
    case 'D':
        if (!parse_double(arg, 0, &d))
            return bad("duration", arg);
        c->duration_s = d;
        break;
    case 's':
        if (!parse_long(arg, 0, INT64_MAX, &n))
            return bad("seed", arg);
        c->seed = (uint64_t)n;
        c->seed_set = true;
        break;
    case OPT_HANG_LIMIT:
        if (!parse_double(arg, 0.1, &d))
            return bad("hang limit", arg);
        c->hang_limit_s = d;
        break;
    case OPT_PARAM: {
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg || !parse_long(eq + 1, INT64_MIN, INT64_MAX, &n))
            return bad("parameter (NAME=INTEGER)", arg);
        char *name = xstrndup(arg, (size_t)(eq - arg));
        config_set_param(c, name, n);
        free(name);
        break;
    }
    case OPT_HISTORY: set_str(&c->history_path, arg); break;
    case OPT_SUMMARY: set_str(&c->summary_path, arg); break;
    case OPT_LOG: set_str(&c->log_path, arg); break;
    case OPT_HEADLESS: c->headless = true; break;
    case OPT_KEEP_SERVER: c->keep_server = true; break;
    case 'h': o->help = true; break;
    case 'V': o->version = true; break;
    default: return 2;
    }
    return 0;
}

int cli_parse(int argc, char **argv, run_config *c, cli_opts *o)
{
    memset(o, 0, sizeof *o);
    config_defaults(c);
    /* First pass: only the profile, so that every other flag overrides it. */
    const char *profile = NULL;
    opterr = 0;
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, SHORT_OPTS, LONG_OPTS, NULL)) != -1)
        if (opt == 'p')
            profile = optarg;
    if (profile) {
        char *err = NULL;
        if (profile_load(profile, c, &err) != 0) {
            fprintf(stderr, "melee: %s\n", err ? err : profile);
            free(err);
            return 2;
        }
    }
    opterr = 1;
    optind = 1;
    while ((opt = getopt_long(argc, argv, SHORT_OPTS, LONG_OPTS, NULL)) != -1) {
        if (opt == 'p')
            continue;
        if (opt == '?' || opt == ':') {
            fputs("melee: see melee --help\n", stderr);
            return 2;
        }
        int rc = apply(opt, optarg, c, o);
        if (rc)
            return rc;
    }
    if (optind < argc) {
        fprintf(stderr, "melee: unexpected argument '%s' (see melee --help)\n", argv[optind]);
        return 2;
    }
    return 0;
}
