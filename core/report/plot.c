/* plot.c - gnuplot driver: data files and one script in a temporary
 * directory, one gnuplot run, the PNGs read back as base64. */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "colours.h"
#include "../server/rmtree.h"
#include "../util.h"

extern char **environ;

/* A fault band narrower than this share of the time axis is widened to
 * it, so an instant fault (a cancel) stays visible. */
#define BAND_MIN_SHARE 0.004
/* The y axis of a stacked plot reaches this much above its highest
 * stack. */
#define HEADROOM 1.15
/* Past this many instant faults of one kind, each is a short tick along
 * the plot's top (TICK_SHARE of its height) instead of a full line. */
#define INSTANT_LINES_MAX 40
#define TICK_SHARE 0.05
/* Past this many seconds the time axis is in minutes. */
#define MINUTES_AFTER_S 900

typedef struct plotter {
    const series *s;
    char *dir;
    FILE *gp;              /* the script */
    double xmax_s;         /* the run's length */
    double unit;           /* seconds per axis unit */
    figure *figs;
    size_t nfigs;
} plotter;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Writes s as a gnuplot single-quoted string ('' is a quote). */
static void gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* Draws the fault windows of each kind: windows that last, merged where
 * they overlap, as shaded bands; instant faults (a cancel) as thin
 * dashed vertical lines (dashed: a kind's colour may be a data line's),
 * or ticks along the top when there are many. Adds a key entry per kind
 * ("faultkeys", appended to each plot command). */
static void fault_marks(plotter *p)
{
    const series *s = p->s;
    double minw = p->xmax_s * BAND_MIN_SHARE;
    fputs("unset object\nunset arrow\nfaultkeys = ''\n", p->gp);
    int obj = 1;
    names kinds = {0};
    for (size_t i = 0; i < s->nfaults; i++)
        names_add(&kinds, s->faults[i].kind);
    double *w = xcalloc(s->nfaults * 2 + 1, sizeof *w);
    for (size_t k = 0; k < kinds.n; k++) {
        /* This kind's windows as (start, end), sorted by start. */
        size_t n = 0;
        for (size_t i = 0; i < s->nfaults; i++) {
            if (strcmp(s->faults[i].kind, kinds.v[k]) != 0)
                continue;
            w[2 * n] = s->faults[i].start_s;
            w[2 * n + 1] = s->faults[i].end_s < 0 ? p->xmax_s : s->faults[i].end_s;
            n++;
        }
        qsort(w, n, 2 * sizeof *w, cmp_double);
        const char *c = fault_colour(kinds.v[k]);
        /* Merge overlapping windows in place: m windows remain. */
        size_t m = 0, instants = 0;
        for (size_t i = 0; i < n;) {
            double a = w[2 * i], b = w[2 * i + 1];
            for (i++; i < n && w[2 * i] <= b; i++)
                b = w[2 * i + 1] > b ? w[2 * i + 1] : b;
            w[2 * m] = a;
            w[2 * m + 1] = b;
            instants += b - a < minw;
            m++;
        }
        /* Many instants (a chaos run's cancels) become short ticks along
         * the top instead of lines across the data. */
        double from = instants > INSTANT_LINES_MAX ? 1.0 - TICK_SHARE : 0.0;
        bool banded = false;
        double last_line = -1e9;
        for (size_t i = 0; i < m; i++) {
            double a = w[2 * i], b = w[2 * i + 1];
            if (b - a >= minw) {
                banded = true;
                fprintf(p->gp, "set object %d rect from first %g, graph 0 to first %g, graph 1 "
                               "behind fc rgb '%s' fs transparent solid 0.25 noborder\n",
                        obj++, a / p->unit, b / p->unit, c);
            } else if (a - last_line >= minw / 2) {
                last_line = a;
                fprintf(p->gp, "set arrow from first %g, graph %g to first %g, graph 1 nohead back "
                               "lc rgb '#70%s' lw 1 dt 2\n",
                        a / p->unit, from, a / p->unit, c + 1);
            }
        }
        if (banded)
            fprintf(p->gp, "faultkeys = faultkeys . ', keyentry with boxes fc rgb \"%s\" "
                           "fs transparent solid 0.35 noborder title \"fault: %s\"'\n",
                    c, kinds.v[k]);
        else
            fprintf(p->gp, "faultkeys = faultkeys . ', keyentry with lines lc rgb \"%s\" lw 2 dt 2 "
                           "title \"fault: %s\"'\n",
                    c, kinds.v[k]);
    }
    free(w);
    names_free(&kinds);
}

/* Starts a figure: its output file and the common settings. */
static void begin(plotter *p, const char *id, const char *title, const char *ylabel)
{
    p->figs = xrealloc(p->figs, (p->nfigs + 1) * sizeof *p->figs);
    p->figs[p->nfigs++] = (figure){xstrdup(id), xstrdup(title), NULL};
    FILE *g = p->gp;
    fprintf(g, "set output '%s/%s.png'\nreset\n", p->dir, id);
    fputs("set termoption noenhanced\n"
          "set border 3\nset tics nomirror\nset grid ytics lc rgb '#dddddd'\n"
          "set key outside top center horizontal Left reverse samplen 2 spacing 1.1\n"
          "set lmargin 12\nset rmargin 4\n",
          g);
    fprintf(g, "set xlabel 'time since the start (%s)'\n", p->unit > 1 ? "minutes" : "seconds");
    fprintf(g, "set xrange [0:%g]\n", p->xmax_s / p->unit > 0 ? p->xmax_s / p->unit : 1);
    fputs("set ylabel ", g);
    gp_string(g, ylabel);
    fputs("\n", g);
    fault_marks(p);
}

/* Writes id.dat: x, then the running sums of the chosen columns of
 * values[row * stride + col] (divided by dt when per_second), and plots
 * them as stacked filled areas. */
static void stacked(plotter *p, const char *id, const double *values, size_t stride,
                    const size_t *cols, const char *const *labels, const char *const *colours,
                    size_t ncols, bool per_second)
{
    const series *s = p->s;
    char *path = xasprintf("%s/%s.dat", p->dir, id);
    FILE *d = fopen(path, "w");
    double top = 0;
    for (size_t r = 0; d && r < s->nrows; r++) {
        double x = per_second ? s->t[r] - s->dt[r] / 2 : s->t[r];
        double dt = per_second && s->dt[r] > 0 ? s->dt[r] : 1, sum = 0;
        fprintf(d, "%g", x / p->unit);
        for (size_t c = 0; c < ncols; c++) {
            sum += values[r * stride + cols[c]] / dt;
            fprintf(d, " %g", sum);
        }
        top = sum > top ? sum : top;
        fputc('\n', d);
    }
    if (d)
        fclose(d);
    /* Room above the highest stack, where the fault bands behind it stay
     * in sight when the stack fills the plot (every thread in some state). */
    fprintf(p->gp, "set yrange [0:%g]\n", top > 0 ? top * HEADROOM : 1);
    if (!per_second)      /* counts of threads: whole numbers on the axis */
        fprintf(p->gp, "set ytics 0, %g\nset mytics 1\n", top > 8 ? ceil(top / 8) : 1);
    fputs("plot ", p->gp);
    for (size_t c = ncols; c-- > 0;) {
        fprintf(p->gp, "'%s' using 1:%zu with filledcurves x1 fc rgb '%s' fs transparent solid 0.75 title ", path,
                c + 2, colours[c]);
        gp_string(p->gp, labels[c]);
        fputs(c ? ", " : "", p->gp);
    }
    if (!ncols)
        fputs("NaN notitle", p->gp);
    fputs(" @faultkeys\n", p->gp);
    free(path);
}

/* Sorts column indexes by a rank function of their names. */
static size_t ranked(const names *n, int (*rank)(const char *), size_t *out)
{
    size_t k = 0;
    for (int want = 0; k < n->n && want <= 64; want++)
        for (size_t i = 0; i < n->n; i++) {
            int r = rank(n->v[i]);
            if (r == want || (want == 64 && r >= 64))
                out[k++] = i;
        }
    return k;
}

static int rank_capped(int r) { return r > 63 ? 64 : r; }
static int outcome_rank_c(const char *o) { return rank_capped(outcome_rank(o)); }
static int state_rank_c(const char *s) { return rank_capped(state_rank(s)); }

static void plot_throughput(plotter *p)
{
    const series *s = p->s;
    size_t *all = xcalloc(s->outcomes.n + 1, sizeof *all), *cols = xcalloc(s->outcomes.n + 1, sizeof *cols);
    const char **labels = xcalloc(s->outcomes.n + 1, sizeof *labels);
    const char **colours = xcalloc(s->outcomes.n + 1, sizeof *colours);
    size_t n = ranked(&s->outcomes, outcome_rank_c, all), k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = s->outcomes.v[all[i]];
        if (strcmp(name, "skipped") == 0)
            continue;       /* nothing was sent: not an operation */
        cols[k] = all[i];
        labels[k] = name;
        colours[k++] = outcome_colour(name);
    }
    begin(p, "throughput", "Throughput by outcome", "operations per second");
    stacked(p, "throughput", s->count, s->outcomes.n, cols, labels, colours, k, true);
    free(all);
    free(cols);
    free(labels);
    free(colours);
}

static void plot_threads(plotter *p)
{
    const series *s = p->s;
    size_t *all = xcalloc(s->states.n + 1, sizeof *all), *cols = xcalloc(s->states.n + 1, sizeof *cols);
    const char **labels = xcalloc(s->states.n + 1, sizeof *labels);
    const char **colours = xcalloc(s->states.n + 1, sizeof *colours);
    size_t n = ranked(&s->states, state_rank_c, all), k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = s->states.v[all[i]];
        double any = 0;
        for (size_t r = 0; r < s->nrows; r++)
            any += s->threads[r * s->states.n + all[i]];
        if (!any && !state_always_shown(name))
            continue;
        cols[k] = all[i];
        labels[k] = name;
        colours[k++] = state_colour(name);
    }
    begin(p, "threads", "Thread states", "threads");
    stacked(p, "threads", s->threads, s->states.n, cols, labels, colours, k, false);
    free(all);
    free(cols);
    free(labels);
    free(colours);
}

static void plot_latency(plotter *p, size_t a, int nth)
{
    const series *s = p->s;
    char *id = xasprintf("latency-%d", nth);
    char *title = xasprintf("Latency of %s (%llu operations)", s->actions.v[a],
                            (unsigned long long)s->action_ops[a]);
    char *path = xasprintf("%s/%s.dat", p->dir, id);
    FILE *d = fopen(path, "w");
    for (size_t r = 0; d && r < s->nrows; r++) {
        const double *l = &s->lat_ms[(r * s->actions.n + a) * LAT_COUNT];
        fprintf(d, "%g", (s->t[r] - s->dt[r] / 2) / p->unit);
        for (int q = 0; q < LAT_COUNT; q++)
            fprintf(d, isnan(l[q]) ? " NaN" : " %g", l[q] > 0.001 ? l[q] : 0.001);
        fputc('\n', d);
    }
    if (d)
        fclose(d);
    begin(p, id, title, "latency per operation (ms, log scale)");
    fprintf(p->gp, "set logscale y\nset format y '%%g'\nplot "
                   "'%s' using 1:($5) with points pt 7 ps 0.5 lc rgb '#888888' title 'max', "
                   "'%s' using 1:($4) with lines lw 1.5 lc rgb '#d62728' title 'p99', "
                   "'%s' using 1:($3) with lines lw 1.5 lc rgb '#ff7f0e' title 'p90', "
                   "'%s' using 1:($2) with lines lw 2 lc rgb '#1f77b4' title 'p50' @faultkeys\n",
            path, path, path, path);
    free(path);
    free(title);
    free(id);
}

/* Indexes of the heaviest actions (most operations), at most max. */
static size_t heaviest(const series *s, size_t *out, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < max; k++) {
        long best = -1;
        for (size_t a = 0; a < s->actions.n; a++) {
            bool taken = false;
            for (size_t j = 0; j < n; j++)
                taken |= out[j] == a;
            if (!taken && s->action_ops[a] && (best < 0 || s->action_ops[a] > s->action_ops[best]))
                best = (long)a;
        }
        if (best < 0)
            break;
        out[n++] = (size_t)best;
    }
    return n;
}

static char *base64_file(const char *path)
{
    static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *b = xmalloc((size_t)n + 3);
    size_t got = fread(b, 1, (size_t)n, f);
    fclose(f);
    if (got != (size_t)n || n == 0) {
        free(b);
        return NULL;
    }
    char *out = xmalloc((size_t)n / 3 * 4 + 8), *o = out;
    for (size_t i = 0; i < got; i += 3) {
        unsigned v = (unsigned)b[i] << 16 | (i + 1 < got ? (unsigned)b[i + 1] << 8 : 0) |
                     (i + 2 < got ? b[i + 2] : 0);
        *o++ = T[v >> 18 & 63];
        *o++ = T[v >> 12 & 63];
        *o++ = i + 1 < got ? T[v >> 6 & 63] : '=';
        *o++ = i + 2 < got ? T[v & 63] : '=';
    }
    *o = '\0';
    free(b);
    return out;
}

/* Runs gnuplot on the script; returns NULL or what went wrong. */
static char *run_gnuplot(const char *dir, const char *script)
{
    char *log = xasprintf("%s/gnuplot.log", dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char *argv[] = {"gnuplot", (char *)script, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    char *err = NULL;
    int st = 0;
    if (rc != 0)
        err = xasprintf("cannot run gnuplot: %s (install Debian's gnuplot-nox)", strerror(rc));
    else if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char msg[600] = "";
        FILE *f = fopen(log, "r");
        if (f) {
            size_t n = fread(msg, 1, sizeof msg - 1, f);
            msg[n] = '\0';
            fclose(f);
        }
        err = WIFEXITED(st) && WEXITSTATUS(st) == 127
                  ? xstrdup("cannot run gnuplot (install Debian's gnuplot-nox)")
                  : xasprintf("gnuplot failed: %s", msg);
    }
    free(log);
    return err;
}

long plots_draw(const series *s, figure **out, char **err)
{
    *out = NULL;
    char tmpl[] = "/tmp/melee-plots.XXXXXX";
    if (!mkdtemp(tmpl)) {
        *err = xasprintf("cannot create a temporary directory: %s", strerror(errno));
        return -1;
    }
    plotter p = {.s = s, .dir = tmpl};
    p.xmax_s = s->nrows ? s->t[s->nrows - 1] : 1;
    p.unit = p.xmax_s > MINUTES_AFTER_S ? 60 : 1;
    char *script = xasprintf("%s/plots.gp", tmpl);
    p.gp = fopen(script, "w");
    if (!p.gp) {
        *err = xasprintf("cannot write %s: %s", script, strerror(errno));
        free(script);
        rmtree(tmpl);
        return -1;
    }
    fputs("set terminal pngcairo size 1100,400 font 'DejaVu Sans,10' noenhanced\n", p.gp);
    plot_throughput(&p);
    size_t heavy[PLOT_HEAVIEST];
    size_t nh = heaviest(s, heavy, PLOT_HEAVIEST);
    for (size_t i = 0; i < nh; i++)
        plot_latency(&p, heavy[i], (int)i + 1);
    plot_threads(&p);
    fputs("set output\n", p.gp);
    fclose(p.gp);
    *err = run_gnuplot(tmpl, script);
    for (size_t i = 0; !*err && i < p.nfigs; i++) {
        char *png = xasprintf("%s/%s.png", tmpl, p.figs[i].id);
        p.figs[i].png_base64 = base64_file(png);
        if (!p.figs[i].png_base64)
            *err = xasprintf("gnuplot wrote no image %s", png);
        free(png);
    }
    free(script);
    rmtree(tmpl);
    if (*err) {
        figures_free(p.figs, p.nfigs);
        return -1;
    }
    *out = p.figs;
    return (long)p.nfigs;
}

void figures_free(figure *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].id);
        free(f[i].title);
        free(f[i].png_base64);
    }
    free(f);
}
