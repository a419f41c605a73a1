/* cli.c - the command line: built-in defaults < profile < flags. The
 * flags and --help come from the settings table (settings.c); the few
 * options that are not settings are rows of EXTRAS. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "settings.h"
#include "../sqlbuf.h"
#include "../util.h"
#include "../engine/workload.h"

typedef enum extra_kind { X_PROFILE, X_PARAM, X_PRINT_PROFILE, X_HELP, X_VERSION } extra_kind;

/* An option that is not a run setting. */
typedef struct cli_extra {
    const char *flag;
    char short_flag;
    const char *arg;   /* NULL: no argument */
    const char *help;
    extra_kind kind;
} cli_extra;

static const cli_extra EXTRAS[] = {
    /* --help lists the profile before the settings, the others after. */
    {"profile", 'p', "FILE", "YAML profile (built-in defaults when absent)", X_PROFILE},
    {"param", 0, "NAME=N", "a workload parameter (accounts=8, keys=10, ...); repeatable", X_PARAM},
    {"print-profile", 0, NULL,
     "print the effective settings as a complete YAML profile and exit", X_PRINT_PROFILE},
    {"help", 'h', NULL, "this help", X_HELP},
    {"version", 'V', NULL, "the version", X_VERSION},
};

/* getopt values of options without a short flag. */
enum { VAL_SETTING = 1000, VAL_EXTRA = 2000 };

#define HELP_COLUMN 26
#define HELP_WIDTH 79

/* Appends text wrapped at HELP_WIDTH, continuation lines at HELP_COLUMN. */
static void wrap(sqlbuf *out, int col, const char *text)
{
    const char *line;
    int n;
    while ((line = wrap_next(&text, HELP_WIDTH - col, &n)) != NULL) {
        sb_printf(out, "%.*s\n", n, line);
        if (*text) {
            sb_printf(out, "%*s", HELP_COLUMN, "");
            col = HELP_COLUMN;
        }
    }
}

static void option_line(sqlbuf *out, char short_flag, const char *flag, const char *arg,
                        const char *help)
{
    size_t start = out->len;
    if (short_flag)
        sb_printf(out, "  -%c, --%s", short_flag, flag);
    else
        sb_printf(out, "      --%s", flag);
    if (arg)
        sb_printf(out, " %s", arg);
    int len = (int)(out->len - start);
    if (len >= HELP_COLUMN - 1)
        sb_printf(out, "\n%*s", HELP_COLUMN, "");
    else
        sb_printf(out, "%*s", HELP_COLUMN - len, "");
    wrap(out, HELP_COLUMN, help);
}

static void setting_help(sqlbuf *out, const setting *s)
{
    sqlbuf text = SQLBUF_INIT, allowed = SQLBUF_INIT;
    setting_allowed(s, &allowed);
    sb_add(&text, s->help);
    if (s->type == SET_SWITCH)
        sb_free(&allowed); /* a switch is given or not */
    if (allowed.len && s->def)
        sb_printf(&text, " (%s; default %s)", sb_str(&allowed), s->def);
    else if (allowed.len)
        sb_printf(&text, " (%s)", sb_str(&allowed));
    else if (s->def)
        sb_printf(&text, " (default %s)", s->def);
    option_line(out, s->short_flag, s->flag, s->type == SET_SWITCH ? NULL : s->arg, sb_str(&text));
    sb_free(&text);
    sb_free(&allowed);
}

void cli_usage(FILE *out)
{
    sqlbuf b = SQLBUF_INIT;
    sb_add(&b, "usage: melee [options]                 interactive console\n"
               "       melee --headless [options]      progress on stderr, report on stdout\n"
               "       melee --print-profile [options] print the effective settings as a profile\n"
               "       melee check HISTORY [options]   check a recorded history offline\n"
               "       melee report DIR [--out DIR]    rebuild a run's HTML report offline\n"
               "       melee report HISTORY --out DIR  the same plots from a history file alone\n\n");
    size_t nrows;
    const setting *rows = settings_all(&nrows);
    /* --profile first, then the settings, then the other extras. */
    option_line(&b, EXTRAS[0].short_flag, EXTRAS[0].flag, EXTRAS[0].arg, EXTRAS[0].help);
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].flag)
            setting_help(&b, &rows[i]);
    for (size_t i = 1; i < ARRAY_LEN(EXTRAS); i++)
        option_line(&b, EXTRAS[i].short_flag, EXTRAS[i].flag, EXTRAS[i].arg, EXTRAS[i].help);
    sb_add(&b, "\nworkloads (-w):\n");
    size_t nw;
    const workload_def *const *wls = workloads_all(&nw);
    for (size_t i = 0; i < nw; i++) {
        sb_printf(&b, "  %-*s", HELP_COLUMN - 2, wls[i]->name);
        wrap(&b, HELP_COLUMN, wls[i]->summary ? wls[i]->summary : "");
    }
    sb_add(&b, "\nexit status: 0 nothing found; 1 something found (unexpected error, crash, hang,\n"
               "checker anomaly, failed assertion); 2 usage, profile or connection error\n");
    fputs(sb_str(&b), out);
    sb_free(&b);
}

/* The getopt tables for every setting with a flag and every extra. */
typedef struct opt_tables {
    struct option *longs;
    char shorts[128];
} opt_tables;

static void build_tables(opt_tables *t)
{
    size_t nrows, n = 0, ns = 0;
    const setting *rows = settings_all(&nrows);
    t->longs = xcalloc(nrows + ARRAY_LEN(EXTRAS) + 1, sizeof *t->longs);
    for (size_t i = 0; i < nrows; i++) {
        const setting *s = &rows[i];
        if (!s->flag)
            continue;
        int has_arg = s->type == SET_SWITCH ? no_argument : required_argument;
        t->longs[n++] = (struct option){s->flag, has_arg, NULL,
                                        s->short_flag ? s->short_flag : VAL_SETTING + (int)i};
        if (s->short_flag) {
            t->shorts[ns++] = s->short_flag;
            if (has_arg == required_argument)
                t->shorts[ns++] = ':';
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(EXTRAS); i++) {
        const cli_extra *x = &EXTRAS[i];
        t->longs[n++] = (struct option){x->flag, x->arg ? required_argument : no_argument, NULL,
                                        x->short_flag ? x->short_flag : VAL_EXTRA + (int)i};
        if (x->short_flag) {
            t->shorts[ns++] = x->short_flag;
            if (x->arg)
                t->shorts[ns++] = ':';
        }
    }
    t->shorts[ns] = '\0';
}

/* Finds what getopt's value names: a setting row or an extra. */
static void resolve(int val, const setting **row, const cli_extra **extra)
{
    size_t nrows;
    const setting *rows = settings_all(&nrows);
    *row = NULL;
    *extra = NULL;
    if (val >= VAL_EXTRA) {
        *extra = &EXTRAS[val - VAL_EXTRA];
        return;
    }
    if (val >= VAL_SETTING) {
        *row = &rows[val - VAL_SETTING];
        return;
    }
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].short_flag == val)
            *row = &rows[i];
    for (size_t i = 0; i < ARRAY_LEN(EXTRAS); i++)
        if (EXTRAS[i].short_flag == val)
            *extra = &EXTRAS[i];
}

static int apply_param(const char *arg, run_config *c)
{
    const char *eq = strchr(arg, '=');
    char *end;
    errno = 0;
    long long n = eq ? strtoll(eq + 1, &end, 10) : 0;
    if (!eq || eq == arg || !eq[1] || errno || *end) {
        fprintf(stderr, "melee: invalid parameter '%s': --param takes NAME=INTEGER\n", arg);
        return 2;
    }
    char *name = xstrndup(arg, (size_t)(eq - arg));
    config_set_param(c, name, n);
    free(name);
    return 0;
}

/* Applies one option other than -p. Returns 0 or 2. */
static int apply(int val, const char *arg, run_config *c, cli_opts *o)
{
    const setting *s;
    const cli_extra *x;
    resolve(val, &s, &x);
    if (s) {
        char label[64], *err = NULL;
        snprintf(label, sizeof label, "--%s", s->flag);
        if (setting_parse(s, s->type == SET_SWITCH ? "true" : arg, label, c, &err) != 0) {
            fprintf(stderr, "melee: invalid %s: %s (see melee --help)\n", s->what,
                    err ? err : arg);
            free(err);
            return 2;
        }
        return 0;
    }
    if (!x)
        return 2;
    switch (x->kind) {
    case X_PROFILE: return 0; /* read in the first pass */
    case X_PARAM: return apply_param(arg, c);
    case X_PRINT_PROFILE: o->print_profile = true; return 0;
    case X_HELP: o->help = true; return 0;
    case X_VERSION: o->version = true; return 0;
    }
    return 2;
}

int cli_parse(int argc, char **argv, run_config *c, cli_opts *o)
{
    memset(o, 0, sizeof *o);
    config_defaults(c);
    opt_tables t;
    build_tables(&t);
    /* First pass: only the profile, so that every other flag overrides it. */
    const char *profile = NULL;
    opterr = 0;
    optind = 1;
    int opt, rc = 0;
    while ((opt = getopt_long(argc, argv, t.shorts, t.longs, NULL)) != -1)
        if (opt == 'p')
            profile = optarg;
    if (profile) {
        char *err = NULL;
        if (profile_load(profile, c, &err) != 0) {
            fprintf(stderr, "melee: %s\n", err ? err : profile);
            free(err);
            free(t.longs);
            return 2;
        }
    }
    opterr = 1;
    optind = 1;
    while (!rc && (opt = getopt_long(argc, argv, t.shorts, t.longs, NULL)) != -1) {
        if (opt == '?' || opt == ':') {
            fputs("melee: see melee --help\n", stderr);
            rc = 2;
        } else {
            rc = apply(opt, optarg, c, o);
        }
    }
    free(t.longs);
    if (!rc && optind < argc) {
        fprintf(stderr, "melee: unexpected argument '%s' (see melee --help)\n", argv[optind]);
        rc = 2;
    }
    return rc;
}
