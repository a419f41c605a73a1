/* panel_header.c - who we hammer and how it goes: target, server,
 * profile, seed, workload, time, rate with a one-minute sparkline, and
 * the totals (the finding counters turn red once non-zero). */
#include <stdio.h>
#include <string.h>

#include "panels.h"

#define SPARK_MAX 60

/* Left-to-right placement of "label value" items on one line. */
typedef struct flow {
    int y, x, end;
} flow;

/* Puts one item; a value longer than the room left is cut with an
 * ellipsis when at least min_w of it fits, else the item is skipped.
 * Returns true when something was drawn. */
static bool put(flow *f, const char *label, role lr, const char *value, role vr, int min_w)
{
    int lw = label && *label ? text_width(label) + 1 : 0;
    int vw = text_width(value);
    int room = f->end - f->x;
    if (lw + vw > room && (min_w <= 0 || lw + min_w > room))
        return false;
    int x = f->x;
    if (lw)
        x += draw_text(f->y, x, room, lr, label, false) + 1;
    x += draw_text(f->y, x, f->end - x, vr, value, true);
    f->x = x + 2;
    return true;
}

static void identity_line(console *c, int y, rect a)
{
    const run_config *cfg = run_get_config(c->r);
    flow f = {y, a.x, a.x + a.w};
    char seed[32], ver[80];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)c->snap->seed);
    /* "15.4 (Debian 15.4-1)": the words before the parenthesis say enough. */
    const char *v = run_server_version(c->r);
    const char *paren = strstr(v, " (");
    snprintf(ver, sizeof ver, "PostgreSQL %.*s", paren ? (int)(paren - v) : (int)strlen(v), v);
    put(&f, NULL, R_NORMAL, "melee", R_TITLE, 0);
    put(&f, "seed", R_DIM, seed, R_ACCENT, 0);
    put(&f, "profile", R_DIM, cfg->profile_name ? cfg->profile_name : "built-in", R_ACCENT, 0);
    put(&f, NULL, R_NORMAL, ver, R_NORMAL, 0);
    if (*run_server_settings(c->r))
        put(&f, "server", R_DIM, run_server_settings(c->r), R_NORMAL, 12);
    put(&f, "target", R_DIM, run_target(c->r), R_NORMAL, 12);
}

static void run_line(console *c, int y, rect a)
{
    const run_config *cfg = run_get_config(c->r);
    const run_snapshot *s = c->snap;
    flow f = {y, a.x, a.x + a.w};
    char el[32], left[32], thr[48], rate[32];
    int paused = 0;
    for (int i = 0; i < s->nthreads; i++)
        paused += s->threads[i].paused;
    if (paused)
        snprintf(thr, sizeof thr, "%d (%d paused)", s->nthreads, paused);
    else
        snprintf(thr, sizeof thr, "%d", s->nthreads);
    fmt_clock(el, sizeof el, s->elapsed_s);
    fmt_clock(left, sizeof left, s->duration_s - s->elapsed_s);
    snprintf(rate, sizeof rate, "%.0f", c->rate.current);
    /* a long workload name (several FSM workloads) is cut so that what
     * follows it still fits */
    int rest = text_width(isolation_name(cfg->isolation)) + 2 + text_width(el) + 10 +
               (s->duration_s > 0 ? text_width(left) + 7 : 0) + text_width(thr) + 10 +
               text_width(rate) + 8;
    int keep_end = f.end;
    if (f.end - rest - f.x >= 12)
        f.end -= rest;
    put(&f, NULL, R_NORMAL, s->workload, R_ACCENT, 12);
    f.end = keep_end;
    put(&f, NULL, R_NORMAL, isolation_name(cfg->isolation), R_ACCENT, 0);
    put(&f, "elapsed", R_DIM, el, R_BOLD, 0);
    if (s->duration_s > 0)
        put(&f, "left", R_DIM, left, R_BOLD, 0);
    put(&f, "threads", R_DIM, thr, paused ? R_WARN : R_BOLD, 0);
    if (!put(&f, "ops/s", R_DIM, rate, R_BOLD, 0))
        return;
    double v[SPARK_MAX];
    int n = rate_series(&c->rate, v, SPARK_MAX);
    int w = f.end - f.x;
    if (w > SPARK_MAX)
        w = SPARK_MAX;
    if (w >= 8)
        draw_spark(y, f.x, w, v, n, R_SPARK);
}

static void totals_line(console *c, int y, rect a, bool with_time)
{
    const run_totals *t = &c->snap->totals;
    flow f = {y, a.x, a.x + a.w};
    char b[8][24];
    if (with_time)
        put(&f, NULL, R_NORMAL, fmt_clock(b[7], sizeof b[7], c->snap->elapsed_s), R_BOLD, 0);
    /* failed assertions only when the workload asserts; skipped last, as
     * the first to go on a narrow screen */
    bool asserts = t->asserts_passed || t->asserts_failed;
    struct {
        const char *label;
        uint64_t v;
        bool finding, shown;
    } items[] = {
        {"ok", t->ok, false, true},
        {"ignored", t->ignored, false, true},
        {"unexpected", t->unexpected, true, true},
        {"failed asserts", t->asserts_failed, true, asserts},
        {"crashes", t->crashes, true, true},
        {"hangs", t->hangs, true, true},
        {"skipped", t->skipped, false, true},
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        if (!items[i].shown)
            continue;
        role vr = items[i].finding ? (items[i].v ? R_BAD : R_GOOD) : i == 0 ? R_GOOD : R_BOLD;
        if (i == 1)
            vr = R_WARN;
        put(&f, items[i].label, items[i].finding && items[i].v ? R_BAD : R_DIM,
            fmt_count(b[i], sizeof b[i], items[i].v, 8), vr, 0);
    }
    if (c->ev.missed) {
        char d[24];
        fmt_count(d, sizeof d, c->ev.missed, 8);
        put(&f, "events not shown", R_DIM, d, R_DIM, 0);
    }
}

void header_draw(console *c, rect a)
{
    if (a.h <= 0 || a.w <= 0)
        return;
    if (a.h >= 3) {
        identity_line(c, a.y, a);
        run_line(c, a.y + 1, a);
        totals_line(c, a.y + 2, a, false);
    } else if (a.h == 2) {
        run_line(c, a.y, a);
        totals_line(c, a.y + 1, a, false);
    } else {
        totals_line(c, a.y, a, true);
    }
}
