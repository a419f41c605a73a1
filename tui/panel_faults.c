/* panel_faults.c - faults of the run: those active now, the latest
 * ones, and what comes next. */
#include <stdio.h>

#include "../core/fault/nemesis.h"
#include "../core/util.h"
#include "panels.h"

/* The role of a fault's kind: its colour in the kinds table, else bold
 * (the chaos workload's own cancels). */
static role kind_role(const char *kind)
{
    int k = fault_kind_find(kind);
    return k < 0 ? R_BOLD : theme_fault_role(fault_kind_get((fault_kind)k)->term_colour);
}

/* What comes next: the nemesis's schedule when there is one. */
static const char *next_text(const console *c, char *buf, size_t n)
{
    nemesis *nm = run_nemesis(c->r);
    if (!nm)
        return c->snap->fault_next;
    nemesis_view v;
    nemesis_view_take(nm, &v);
    char at[24];
    if (v.suspended)
        snprintf(buf, n, "schedule suspended (n: nemesis)");
    else if (v.planned)
        snprintf(buf, n, "%s at %s", fault_kind_get(v.next_kind)->name,
                 fmt_secs(at, sizeof at, v.next_start_s));
    else
        snprintf(buf, n, "nothing scheduled (n: fire one)");
    return buf;
}

/* What the fault proxy does with the workers' connections, when they go
 * through it: how many talk to the server directly (no network fault acts
 * on them) and how many pass through the proxy. Returns false without a
 * proxy. */
static bool proxy_text(const console *c, char *buf, size_t n)
{
    nemesis *nm = run_nemesis(c->r);
    size_t open, direct;
    if (!nm || !nemesis_proxy_counts(nm, &open, &direct))
        return false;
    snprintf(buf, n, "proxy: %zu direct, %zu through it", direct, open - MIN(direct, open));
    return true;
}

/* Draws one fault line: the time, the kind in its colour, the rest. */
static void draw_fault(const console *c, int y, rect a, const fault_snap *f, role rest)
{
    char line[200], at[24], dur[24];
    int x = a.x, end = a.x + a.w;
    fmt_secs(at, sizeof at, f->start_s);
    x += draw_fmt(y, x, end - x, rest, "%7s ", at);
    x += draw_fmt(y, x, end - x, kind_role(f->kind), "%-9s ", f->kind);
    if (f->end_s < 0)
        snprintf(line, sizeof line, "%s, active %s", f->target,
                 fmt_secs(dur, sizeof dur, c->snap->elapsed_s - f->start_s));
    else if (f->end_s > f->start_s)
        snprintf(line, sizeof line, "%s (%s)", f->target,
                 fmt_secs(dur, sizeof dur, f->end_s - f->start_s));
    else
        snprintf(line, sizeof line, "%s", f->target);
    draw_text(y, x, end - x, rest, line, true);
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
    char line[400], at[24], next[96];
    int x = a.x, end = a.x + a.w;
    x += draw_text(a.y, x, end - x, R_TITLE, "Faults ", false);
    if (active)
        x += draw_fmt(a.y, x, end - x, R_BAD, "%zu active  ", active);
    if (s->nfaults) {
        const fault_snap *f = &s->faults[s->nfaults - 1];
        snprintf(line, sizeof line, "%zu, last %s %s at %s; next: %s", s->faults_total, f->kind,
                 f->target, fmt_secs(at, sizeof at, f->start_s), next_text(c, next, sizeof next));
    } else {
        snprintf(line, sizeof line, "none yet; next: %s", next_text(c, next, sizeof next));
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
    snprintf(t, sizeof t, "Faults %zu", s->faults_total);
    draw_rule(y++, a.x, a.w, R_TITLE, t);
    char next[96], proxy[96];
    /* Active ones first, then the newest past ones; the last lines say
     * what the proxy does with the connections (when there is room) and
     * what comes next. */
    int tail = 1 + (a.h >= 5 && proxy_text(c, proxy, sizeof proxy));
    for (size_t i = 0; i < s->nfaults && y < end - tail; i++)
        if (s->faults[i].end_s < 0)
            draw_fault(c, y++, a, &s->faults[i], R_BAD);
    if (!count_active(s) && y < end - tail)
        draw_text(y++, a.x, a.w, R_DIM, "none active", false);
    for (size_t i = s->nfaults; i-- > 0 && y < end - tail;)
        if (s->faults[i].end_s >= 0)
            draw_fault(c, y++, a, &s->faults[i], R_NORMAL);
    if (tail == 2)
        draw_text(y++, a.x, a.w, R_DIM, proxy, true);
    int x = a.x;
    x += draw_text(y, x, a.w, R_DIM, "next: ", false);
    draw_text(y, x, a.x + a.w - x, R_NORMAL, next_text(c, next, sizeof next), true);
}
