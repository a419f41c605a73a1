/* panel_asserts.c - the checker panel of a run whose workload asserts
 * (FSM expect:): one row per assertion with how often it held and failed,
 * failed ones first and in red with what their last failure expected and
 * got; Enter shows one in full. */
#include <stdio.h>
#include <string.h>

#include "panels.h"

#define COUNTS_W 32    /* "FAILED " and the counts after the label */
#define LABEL_MIN 12   /* a label cut shorter than this says too little */

/* '"name" in where', or where alone. */
static void label_of(const assertion_row *a, char *buf, size_t n)
{
    if (*a->name)
        snprintf(buf, n, "\"%s\" in %s", a->name, a->where);
    else
        snprintf(buf, n, "%s", a->where);
}

/* One assertion: its status and label in label_w columns, then its
 * counts and last failure; with two_lines (a narrow panel) the counts and
 * the failure go on a second line under the label. */
static void draw_row(const assertion_row *a, bool selected, int y, rect r, int label_w,
                     bool two_lines)
{
    int x = r.x, xe = r.x + r.w;
    role base = selected ? R_SELECTED : R_NORMAL;
    for (int i = 0; selected && i < (two_lines ? 2 : 1); i++)
        draw_fill(y + i, r.x, r.w, R_SELECTED);
    role st = selected ? R_SELECTED : a->failed ? R_BAD : R_GOOD;
    x += draw_text(y, x, xe - x, st, a->failed ? "FAILED " : "ok     ", false);
    char label[320], held[24], failed[24];
    label_of(a, label, sizeof label);
    int lw = two_lines || label_w > xe - x ? xe - x : label_w;
    draw_text(y, x, lw, a->failed && !selected ? R_BAD : base, label, true);
    if (two_lines)
        y++;
    else
        x += label_w + 1;
    if (x >= xe)
        return;
    x += draw_fmt(y, x, xe - x, base, "%6s held", fmt_count(held, sizeof held, a->passed, 6));
    x += draw_fmt(y, x, xe - x, a->failed && !selected ? R_BAD : selected ? base : R_DIM,
                  " %5s failed", fmt_count(failed, sizeof failed, a->failed, 5));
    if (a->failed && x + 2 < xe)
        draw_fmt(y, x + 2, xe - x - 2, selected ? base : R_NORMAL, "expected %s, got %s",
                 a->expected, a->got);
}

/* The newest failure of any assertion, what it expected and what came;
 * or that every assertion holds. */
static void last_failure_line(const run_snapshot *s, int y, rect a)
{
    const assertion_row *last = NULL;
    for (size_t i = 0; i < s->nasserts; i++)
        if (s->asserts[i].failed && (!last || s->asserts[i].time_s > last->time_s))
            last = &s->asserts[i];
    int x = a.x, xe = a.x + a.w;
    if (!last) {
        draw_text(y, x, xe - x, R_GOOD, "every assertion holds so far", false);
        return;
    }
    char label[320];
    label_of(last, label, sizeof label);
    x += draw_fmt(y, x, xe - x, R_BAD, "last failed %.1fs w%d ", last->time_s, last->thread);
    draw_fmt(y, x, xe - x, R_NORMAL, "expected %s, got %s  (%s)", last->expected, last->got,
             label);
}

void asserts_draw(console *c, rect a)
{
    const run_snapshot *s = c->snap;
    check_view *v = &c->ckv;
    int y = a.y, end = a.y + a.h;
    const run_totals *tt = &s->totals;
    char t[96], held[24], failed[24];
    snprintf(t, sizeof t, "Assertions %zu: %s held, %s failed", s->nasserts,
             fmt_count(held, sizeof held, tt->asserts_passed, 10),
             fmt_count(failed, sizeof failed, tt->asserts_failed, 10));
    draw_rule(y++, a.x, a.w, c->focus == F_CHECK ? R_FOCUS : R_TITLE, t);
    if (y >= end)
        return;
    last_failure_line(s, y++, a);
    int n = (int)s->nasserts, label_w = 0;
    for (int i = 0; i < n; i++) {
        char label[320];
        label_of(&s->asserts[i], label, sizeof label);
        int w = text_width(label);
        label_w = w > label_w ? w : label_w;
    }
    /* one line each when the labels fit beside the counts (what is left
     * shows the last failure), else two */
    bool two_lines = label_w + COUNTS_W > a.w && end - y >= 4;
    if (!two_lines && label_w + COUNTS_W > a.w)
        label_w = a.w - COUNTS_W > LABEL_MIN ? a.w - COUNTS_W : LABEL_MIN;
    int per = two_lines ? 2 : 1, rows = (end - y) / per;
    v->page = rows;
    if (v->sel >= n)
        v->sel = n - 1;
    if (v->sel < 0)
        v->sel = 0;
    v->top = scroll_top(v->top, v->sel, rows, n);
    for (int i = 0; i < rows && v->top + i < n; i++)
        draw_row(&s->asserts[v->top + i], c->focus == F_CHECK && v->top + i == v->sel,
                 y + i * per, a, label_w, two_lines);
}

/* The key an assertion is found by again in later snapshots (their
 * order changes): "where\nname". Returns a static buffer. */
static const char *key_of(const assertion_row *a)
{
    static char key[sizeof ((console *)0)->detail_key];
    snprintf(key, sizeof key, "%s\n%s", a->where, a->name);
    return key;
}

void asserts_open(console *c)
{
    if (c->ckv.sel < 0 || (size_t)c->ckv.sel >= c->snap->nasserts)
        return;
    snprintf(c->detail_key, sizeof c->detail_key, "%s", key_of(&c->snap->asserts[c->ckv.sel]));
    c->detail = D_ASSERTION;
    c->text.top = 0;
    asserts_detail_fill(c);
    ui_push(c, M_TEXT);
}

void asserts_detail_fill(console *c)
{
    const run_snapshot *s = c->snap;
    textview *t = &c->text;
    int top = t->top;
    tv_reset(t, "Assertion");
    t->top = top; /* refreshed while open: stay where the reader is */
    const assertion_row *a = NULL;
    for (size_t i = 0; i < s->nasserts && !a; i++)
        if (strcmp(key_of(&s->asserts[i]), c->detail_key) == 0)
            a = &s->asserts[i];
    if (!a) {
        tv_add(t, R_DIM, "%s", "the assertion is no longer listed");
        return;
    }
    tv_add(t, a->failed ? R_BAD : R_GOOD, "%s", a->failed ? "FAILED" : "holding");
    if (*a->name)
        tv_add(t, R_NORMAL, "name:      %s", a->name);
    tv_add(t, R_NORMAL, "where:     %s", a->where);
    tv_add(t, R_NORMAL, "held:      %llu times", (unsigned long long)a->passed);
    tv_add(t, a->failed ? R_BAD : R_NORMAL, "failed:    %llu times", (unsigned long long)a->failed);
    if (a->failed) {
        tv_add(t, R_NORMAL, "%s", "");
        tv_add(t, R_TITLE, "last failure (thread %d, at %.1fs):", a->thread, a->time_s);
        tv_add(t, R_NORMAL, "expected:  %s", a->expected);
        tv_add(t, R_NORMAL, "got:       %s", a->got);
        if (a->detail) {
            tv_add(t, R_NORMAL, "%s", "");
            tv_add_text(t, R_NORMAL, a->detail);
        }
    }
    tv_add(t, R_NORMAL, "%s", "");
    tv_add(t, R_NORMAL, "seed:      %llu", (unsigned long long)s->seed);
    tv_add(t, R_NORMAL, "reproduce: %s", c->repro);
}
