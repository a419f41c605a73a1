/* panel_faults.c - faults of the run: those active now, the latest
 * ones, and what comes next. */
#include <stdio.h>

#include "panels.h"

/* "  12.3s cancel    worker 3 (pid 1234)": when it started (run time),
 * what, on whom; active ones say for how long. */
static void fault_line(const console *c, const fault_snap *f, char *buf, size_t n)
{
    char at[24], dur[24];
    fmt_secs(at, sizeof at, f->start_s);
    if (f->end_s < 0)
        snprintf(buf, n, "%7s %-9s %s, active %s", at, f->kind, f->target,
                 fmt_secs(dur, sizeof dur, c->snap->elapsed_s - f->start_s));
    else
        snprintf(buf, n, "%7s %-9s %s", at, f->kind, f->target);
}

static size_t count_active(const run_snapshot *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nfaults; i++)
        n += s->faults[i].end_s < 0;
    return n;
}

/* One line for narrow screens: active count, the latest, what is next. */
static void draw_compact(const console *c, rect a)
{
    const run_snapshot *s = c->snap;
    size_t active = count_active(s);
    char line[400], at[24];
    int x = a.x, end = a.x + a.w;
    x += draw_text(a.y, x, end - x, R_TITLE, "Faults ", false);
    if (active)
        x += draw_fmt(a.y, x, end - x, R_BAD, "%zu active  ", active);
    if (s->nfaults) {
        const fault_snap *f = &s->faults[s->nfaults - 1];
        snprintf(line, sizeof line, "%zu, last %s %s at %s; next: %s", s->nfaults, f->kind,
                 f->target, fmt_secs(at, sizeof at, f->start_s), s->fault_next);
    } else {
        snprintf(line, sizeof line, "none yet; next: %s", s->fault_next);
    }
    draw_text(a.y, x, end - x, R_NORMAL, line, true);
}

void faults_draw(console *c, rect a)
{
    if (a.h <= 0 || a.w <= 0)
        return;
    if (a.h < 3) {
        draw_compact(c, a);
        return;
    }
    const run_snapshot *s = c->snap;
    int y = a.y, end = a.y + a.h;
    char t[64];
    snprintf(t, sizeof t, "Faults %zu", s->nfaults);
    draw_rule(y++, a.x, a.w, R_TITLE, t);
    char line[200];
    /* Active ones first, then the newest past ones; the last line says
     * what comes next. */
    for (size_t i = 0; i < s->nfaults && y < end - 1; i++)
        if (s->faults[i].end_s < 0) {
            fault_line(c, &s->faults[i], line, sizeof line);
            draw_text(y++, a.x, a.w, R_BAD, line, true);
        }
    if (!count_active(s) && y < end - 1)
        draw_text(y++, a.x, a.w, R_DIM, "none active", false);
    for (size_t i = s->nfaults; i-- > 0 && y < end - 1;)
        if (s->faults[i].end_s >= 0) {
            fault_line(c, &s->faults[i], line, sizeof line);
            draw_text(y++, a.x, a.w, R_NORMAL, line, true);
        }
    int x = a.x;
    x += draw_text(y, x, a.w, R_DIM, "next: ", false);
    draw_text(y, x, a.x + a.w - x, R_NORMAL, s->fault_next, true);
}
