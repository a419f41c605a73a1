/* panel_events.c - the tail of the run's events, newest at the bottom:
 * findings stand out, ignored errors are dim and can be hidden, and the
 * whole lot can be grouped by SQLSTATE + message with counts. Enter
 * opens an event in full, as plain text to copy. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../core/util.h"
#include "panels.h"

static role class_role(err_class c)
{
    switch (c) {
    case EC_IGNORED:
    case EC_FAULT: return R_DIM;
    case EC_UNEXPECTED:
    case EC_CRASH:
    case EC_HANG: return R_BAD;
    default: return R_ACCENT;
    }
}

static const char *thread_label(int thread, char *buf, size_t n)
{
    if (thread < 0)
        snprintf(buf, n, "srv");
    else
        snprintf(buf, n, "w%d", thread);
    return buf;
}

/* Index of the selected event in the view, or -1 when following. */
static long selected_index(const console *c, size_t count)
{
    if (!c->evv.sel_seq)
        return -1;
    bool hide = c->evv.hide_ignored;
    for (size_t i = count; i-- > 0;) {
        uint64_t seq = evlog_at(&c->ev, hide, i)->seq;
        if (seq == c->evv.sel_seq)
            return (long)i;
        if (seq < c->evv.sel_seq)
            break;
    }
    return -1;
}

static void draw_event_row(const console *c, int y, rect a, const run_event *e, bool selected)
{
    role base = class_role(e->cls);
    if (selected) {
        base = R_SELECTED;
        draw_fill(y, a.x, a.w, R_SELECTED);
    }
    char t[24], th[16];
    int x = a.x;
    int end = a.x + a.w;
    snprintf(t, sizeof t, "%.1fs", e->t);
    draw_right(y, x, 7, selected ? base : R_DIM, t);
    x += 8;
    x += draw_text(y, x, end - x, selected ? base : R_NORMAL, thread_label(e->thread, th, sizeof th), false);
    x = a.x + 13;
    draw_text(y, x, end - x, base, evlog_class_label(e->cls), false);
    x += 11;
    draw_text(y, x, end - x, base, e->sqlstate[0] ? e->sqlstate : "-", false);
    x += 6;
    if (a.w >= 100) {
        draw_text(y, x, 22, selected ? base : R_DIM, ui_action_short(c, e->action), true);
        x += 23;
    }
    draw_text(y, x, end - x, base == R_DIM ? R_DIM : selected ? base : R_NORMAL, e->message, true);
}

/* Returns true when the newest finding of the log is outside rows
 * [top, top + rows) of the flat view of every event. */
static bool finding_off_screen(const console *c, int top, int rows, size_t n)
{
    size_t nn = evlog_count(&c->ev, true);
    if (!nn || !n)
        return false;
    uint64_t seq = evlog_at(&c->ev, true, nn - 1)->seq;
    const run_event *first = evlog_at(&c->ev, false, (size_t)(top < 0 ? 0 : top));
    size_t last_i = (size_t)(top + rows - 1) < n ? (size_t)(top + rows - 1) : n - 1;
    const run_event *last = evlog_at(&c->ev, false, last_i);
    return seq < first->seq || seq > last->seq;
}

static void draw_flat(console *c, int y, int rows, rect a)
{
    events_view *v = &c->evv;
    bool hide = v->hide_ignored;
    size_t n = evlog_count(&c->ev, hide);
    long sel = selected_index(c, n);
    if (sel < 0)
        v->sel_seq = 0;
    long follow_sel = sel < 0 ? (long)n - 1 : sel;
    /* With ignored errors shown, a flood of them can push the findings out
     * of sight: then the newest finding stays pinned on the first row. */
    bool pin = false;
    for (int pass = 0; pass < 2; pass++) {
        int r = rows - (pin ? 1 : 0);
        v->top = scroll_top(sel < 0 ? (int)n - r : v->top, (int)follow_sel, r, (int)n);
        if (pin || hide || rows < 4 || !finding_off_screen(c, v->top, r, n))
            break;
        pin = true;
    }
    if (pin) {
        const run_event *f = evlog_at(&c->ev, true, evlog_count(&c->ev, true) - 1);
        draw_event_row(c, y, a, f, false);
        draw_text(y, a.x, 1, R_BAD, theme_glyphs()->newest, false);
        y++, rows--;
    }
    v->page = rows;
    for (int i = 0; i < rows && (size_t)(v->top + i) < n; i++) {
        const run_event *e = evlog_at(&c->ev, hide, (size_t)(v->top + i));
        bool selected = c->focus == F_EVENTS && v->top + i == follow_sel;
        draw_event_row(c, y + i, a, e, selected);
    }
    if (n == 0 && rows > 0)
        draw_text(y, a.x + 1, a.w - 1, R_DIM, hide ? "no findings yet" : "no events yet", false);
}

static void draw_grouped(console *c, int y, int rows, rect a)
{
    events_view *v = &c->evv;
    v->ngroups = evlog_groups_by_count(&c->ev, v->group_order);
    size_t shown = 0;
    size_t idx[EVLOG_GROUPS];
    for (size_t i = 0; i < v->ngroups; i++) {
        const ev_group *g = &c->ev.groups[v->group_order[i]];
        if (!v->hide_ignored || (g->cls != EC_IGNORED && !g->example.routine))
            idx[shown++] = v->group_order[i];
    }
    memcpy(v->group_order, idx, shown * sizeof *idx);
    v->ngroups = shown;
    if (v->sel_group >= (int)shown)
        v->sel_group = (int)shown - 1;
    if (v->sel_group < 0)
        v->sel_group = 0;
    v->top = scroll_top(v->top, v->sel_group, rows, (int)shown);
    int end = a.x + a.w;
    for (int i = 0; i < rows && (size_t)(v->top + i) < shown; i++) {
        const ev_group *g = &c->ev.groups[v->group_order[v->top + i]];
        bool selected = c->focus == F_EVENTS && v->top + i == v->sel_group;
        role base = selected ? R_SELECTED : class_role(g->cls);
        if (selected)
            draw_fill(y + i, a.x, a.w, R_SELECTED);
        char cnt[16], last[24];
        draw_right(y + i, a.x, 7, base, fmt_count(cnt, sizeof cnt, g->count, 7));
        int x = a.x + 8;
        draw_text(y + i, x, end - x, base, evlog_class_label(g->cls), false);
        x += 11;
        draw_text(y + i, x, end - x, base, g->sqlstate[0] ? g->sqlstate : "-", false);
        x += 6;
        snprintf(last, sizeof last, "last %.0fs", g->last_t);
        int lw = a.w >= 70 ? text_width(last) + 1 : 0;
        draw_text(y + i, x, end - x - lw, base == R_DIM ? R_DIM : selected ? base : R_NORMAL,
                  g->key, true);
        if (lw)
            draw_right(y + i, end - lw, lw, selected ? base : R_DIM, last);
    }
    if (shown == 0 && rows > 0)
        draw_text(y, a.x + 1, a.w - 1, R_DIM, "no events yet", false);
}

void events_draw(console *c, rect a)
{
    if (a.h <= 0 || a.w <= 0)
        return;
    events_view *v = &c->evv;
    int y = a.y, rows = a.h;
    if (rows >= 2) {
        char t[160], f[48] = "";
        const run_totals *tot = &c->snap->totals;
        uint64_t findings = tot->unexpected + tot->crashes + tot->hangs;
        if (findings)
            snprintf(f, sizeof f, "  %llu finding%s", (unsigned long long)findings,
                     findings == 1 ? "" : "s");
        int n = snprintf(t, sizeof t, "%s%s%s", v->grouped ? "Events by SQLSTATE + message" : "Events",
                         f, v->hide_ignored ? "  (ignored hidden)" : "");
        if (c->ev.missed && n > 0 && (size_t)n < sizeof t)
            snprintf(t + n, sizeof t - (size_t)n, "  %llu passed unseen",
                     (unsigned long long)c->ev.missed);
        draw_rule(y, a.x, a.w, c->focus == F_EVENTS ? R_FOCUS : R_TITLE, t);
        y++, rows--;
    }
    v->page = rows;
    if (v->grouped)
        draw_grouped(c, y, rows, a);
    else
        draw_flat(c, y, rows, a);
}

void events_move(console *c, int delta)
{
    events_view *v = &c->evv;
    if (v->grouped) {
        long g = delta == INT_MIN ? 0 : delta == INT_MAX ? (long)v->ngroups - 1 : (long)v->sel_group + delta;
        v->sel_group = g < 0 ? 0 : g >= (long)v->ngroups ? (int)v->ngroups - 1 : (int)g;
        if (v->sel_group < 0)
            v->sel_group = 0;
        return;
    }
    size_t n = evlog_count(&c->ev, v->hide_ignored);
    if (!n)
        return;
    long sel = selected_index(c, n);
    if (sel < 0)
        sel = (long)n - 1;
    long next = delta == INT_MIN ? 0 : delta == INT_MAX ? (long)n - 1 : sel + delta;
    if (next < 0)
        next = 0;
    if (next >= (long)n - 1) {
        v->sel_seq = 0; /* the newest: follow */
        return;
    }
    v->sel_seq = evlog_at(&c->ev, v->hide_ignored, (size_t)next)->seq;
}

void events_toggle_ignored(console *c, int key)
{
    (void)key;
    c->evv.hide_ignored = !c->evv.hide_ignored;
    c->evv.sel_seq = 0;
    ui_status(c, false, c->evv.hide_ignored ? "ignored errors hidden" : "ignored errors shown");
}

void events_toggle_grouped(console *c, int key)
{
    (void)key;
    c->evv.grouped = !c->evv.grouped;
    c->evv.sel_group = 0;
    c->evv.top = 0;
    c->evv.sel_seq = 0;
}

#define NEARBY 5   /* events of the same thread shown before and after */

/* Adds the events of e's thread just before and after it, as the tail
 * still holds them: what the thread ran into around the event. */
static void nearby_add(console *c, const run_event *e)
{
    textview *t = &c->text;
    size_t n = evlog_count(&c->ev, false);
    long at = -1;
    for (size_t i = n; i-- > 0;)
        if (evlog_at(&c->ev, false, i)->seq == e->seq) {
            at = (long)i;
            break;
        }
    if (at < 0)
        return;
    long from = at, to = at;
    int before = 0, after = 0;
    for (long i = at - 1; i >= 0 && before < NEARBY; i--)
        if (evlog_at(&c->ev, false, (size_t)i)->thread == e->thread)
            from = i, before++;
    for (long i = at + 1; i < (long)n && after < NEARBY; i++)
        if (evlog_at(&c->ev, false, (size_t)i)->thread == e->thread)
            to = i, after++;
    if (!before && !after)
        return;
    char th[16];
    tv_add(t, R_NORMAL, "%s", "");
    tv_add(t, R_TITLE, "other events of %s around it:", thread_label(e->thread, th, sizeof th));
    tv_set_hang(t, 33);
    for (long i = from; i <= to; i++) {
        const run_event *x = evlog_at(&c->ev, false, (size_t)i);
        if (x->thread != e->thread)
            continue;
        role r = class_role(x->cls);
        tv_add(t, x == evlog_at(&c->ev, false, (size_t)at) ? R_BOLD : r, "%s %7.2fs %-10s %-5s %-22s %s",
               i == at ? theme_glyphs()->newest : " ", x->t, evlog_class_label(x->cls),
               x->sqlstate[0] ? x->sqlstate : "-", x->action, x->message ? x->message : "");
    }
    tv_set_hang(t, 0);
}

static void event_fill(console *c, const run_event *e, const ev_group *g)
{
    textview *t = &c->text;
    char th[16], title[96];
    snprintf(title, sizeof title, "%s: %s %s%s%s", g ? "Event group" : "Event",
             evlog_class_label(e->cls), e->sqlstate[0] ? e->sqlstate : "",
             e->action[0] ? " in " : "", e->action);
    tv_reset(t, title);
    tv_set_hang(t, 11);
    if (g) {
        tv_add(t, R_BOLD, "count:     %llu (first at %.3f s, last at %.3f s)",
               (unsigned long long)g->count, g->first_t, g->last_t);
        tv_add(t, R_NORMAL, "pattern:   %s", g->key);
        tv_add(t, R_DIM, "%s", "the first event of the group:");
    }
    tv_add(t, R_NORMAL, "time:      %.3f s after the start", e->t);
    tv_add(t, R_NORMAL, "thread:    %s", e->thread < 0 ? "the engine / the server log"
                                                     : thread_label(e->thread, th, sizeof th) + 1);
    tv_add(t, R_NORMAL, "action:    %s", e->action[0] ? e->action : "-");
    tv_add(t, class_role(e->cls) == R_DIM ? R_NORMAL : class_role(e->cls), "class:     %s",
           e->cls == EC_NONE ? "note" : err_class_name(e->cls));
    tv_add(t, R_NORMAL, "SQLSTATE:  %s", e->sqlstate[0] ? e->sqlstate : "-");
    tv_add(t, R_NORMAL, "message:   %s", e->message ? e->message : "-");
    tv_add(t, R_NORMAL, "detail:    %s", e->detail && *e->detail ? e->detail : "-");
    tv_add(t, R_NORMAL, "hint:      %s", e->hint && *e->hint ? e->hint : "-");
    const ev_group *same = g ? NULL : evlog_group_of(&c->ev, e);
    if (same && same->count > 1)
        tv_add(t, R_NORMAL, "same:      %llu events with this SQLSTATE and message, %.1f s to %.1f s",
               (unsigned long long)same->count, same->first_t, same->last_t);
    tv_add(t, R_NORMAL, "seed:      %llu", (unsigned long long)c->snap->seed);
    tv_add(t, R_NORMAL, "reproduce: %s", c->repro);
    tv_set_hang(t, 0);
    tv_add(t, R_NORMAL, "%s", "");
    tv_add(t, R_TITLE, "%s", "SQL:");
    tv_add_text(t, R_NORMAL, e->sql && *e->sql ? e->sql : "-");
    if (!g && e->thread >= 0)
        nearby_add(c, e);
}

void events_open(console *c, int key)
{
    (void)key;
    events_view *v = &c->evv;
    if (v->grouped) {
        if (v->sel_group < 0 || (size_t)v->sel_group >= v->ngroups)
            return;
        const ev_group *g = &c->ev.groups[v->group_order[v->sel_group]];
        event_fill(c, &g->example, g);
    } else {
        size_t n = evlog_count(&c->ev, v->hide_ignored);
        if (!n)
            return;
        long sel = selected_index(c, n);
        const run_event *e = evlog_at(&c->ev, v->hide_ignored, sel < 0 ? n - 1 : (size_t)sel);
        event_fill(c, e, NULL);
    }
    c->detail = D_EVENT;
    ui_push(c, M_TEXT);
}
