/* dlg_nemesis.c - the nemesis dialog: every fault kind with what it does
 * or why it cannot act here and what to start melee with so that it can;
 * fire the selected one now, heal everything, suspend or resume the
 * schedule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/fault/nemesis.h"
#include "../core/util.h"
#include "dialogs.h"
#include "panels.h"

#define NEMESIS_W 84
#define DETAIL_ROWS 4         /* the selected kind in full */

static nemesis *the_nemesis(console *c)
{
    return run_nemesis(c->r);
}

void nemesis_open(console *c, int key)
{
    (void)key;
    if (!the_nemesis(c)) {
        ui_status(c, true, "no nemesis: faults need the private server or node commands");
        return;
    }
    if (c->nd.sel < 0 || c->nd.sel >= FK_COUNT)
        c->nd.sel = 0;
    ui_push(c, M_NEMESIS);
}

void nemesis_move(console *c, int delta)
{
    if (delta < -FK_COUNT || delta > FK_COUNT)   /* Home, End */
        delta = delta < 0 ? -FK_COUNT : FK_COUNT;
    int s = c->nd.sel + delta;
    c->nd.sel = s < 0 ? 0 : s >= FK_COUNT ? FK_COUNT - 1 : s;
    c->dirty = true;
}

void nemesis_fire_selected(console *c, int key)
{
    (void)key;
    nemesis *n = the_nemesis(c);
    fault_kind k = (fault_kind)c->nd.sel;
    if (!n)
        return;
    const fault_unavailable *u = nemesis_kind_unavailable(n, k);
    if (u) {
        ui_status(c, true, "%s is unavailable here: why is in the dialog", fault_kind_get(k)->name);
        return;
    }
    nemesis_fire(n, k, NULL, 0);
    ui_status(c, false, "fault %s fired", fault_kind_get(k)->name);
}

void nemesis_heal_now(console *c, int key)
{
    (void)key;
    nemesis *n = the_nemesis(c);
    if (!n)
        return;
    nemesis_heal(n);
    ui_status(c, false, "healing every fault");
}

void nemesis_toggle_schedule(console *c, int key)
{
    (void)key;
    nemesis *n = the_nemesis(c);
    if (!n)
        return;
    nemesis_view v;
    nemesis_view_take(n, &v);
    nemesis_suspend(n, !v.suspended);
    ui_status(c, false, v.suspended ? "schedule resumed" : "schedule suspended");
}

/* The selected kind in full: what it does, or why it cannot act here
 * and what to start melee with so that it can. */
static void draw_detail(nemesis *n, fault_kind k, rect a)
{
    if (a.h <= 0)
        return;
    const fault_kind_def *d = fault_kind_get(k);
    const fault_unavailable *u = nemesis_kind_unavailable(n, k);
    char text[600];
    if (u)
        snprintf(text, sizeof text, "%s is unavailable: %s; %s", d->name, u->why, u->fix);
    else
        snprintf(text, sizeof text, "%s: %s", d->name, d->doc);
    draw_wrap(a, u ? R_NORMAL : R_DIM, text);
}

void nemesis_draw(console *c)
{
    nemesis *n = the_nemesis(c);
    if (!n)
        return;
    nemesis_view v;
    nemesis_view_take(n, &v);
    int w = NEMESIS_W < COLS - 2 ? NEMESIS_W : COLS - 2;
    /* Frame, state line, blank, one row per kind, blank, the selected
     * kind's detail, blank, keys, frame; a short screen gets less
     * detail. */
    rect b = rect_centered(w, FK_COUNT + 7 + DETAIL_ROWS);
    draw_box(b, "Nemesis");
    int x = b.x + 2, y = b.y + 1, end = b.x + b.w - 2;
    char line[200], at[24];
    if (v.active)
        snprintf(line, sizeof line, "active: %s (%s)", fault_kind_get(v.current.kind)->name,
                 v.current.what);
    else
        snprintf(line, sizeof line, "no fault active");
    x += draw_text(y, x, end - x, v.active ? R_BAD : R_GOOD, line, true);
    if (v.suspended)
        snprintf(line, sizeof line, "   schedule suspended");
    else if (v.planned)
        snprintf(line, sizeof line, "   next: %s at %s", fault_kind_get(v.next_kind)->name,
                 fmt_secs(at, sizeof at, v.next_start_s));
    else
        snprintf(line, sizeof line, "   nothing scheduled");
    draw_text(y, x, end - x, R_DIM, line, true);
    y += 2;
    for (int k = 0; k < FK_COUNT; k++, y++) {
        const fault_kind_def *d = fault_kind_get((fault_kind)k);
        const fault_unavailable *u = nemesis_kind_unavailable(n, (fault_kind)k);
        bool sel = k == c->nd.sel;
        if (sel)
            draw_fill(y, b.x + 1, b.w - 2, R_SELECTED);
        x = b.x + 2;
        x += draw_text(y, x, 12, sel ? R_SELECTED : theme_fault_role(d->term_colour), d->name,
                       false);
        x = b.x + 14;
        if (u)
            snprintf(line, sizeof line, "unavailable: %s", u->why);
        draw_text(y, x, end - x, sel ? R_SELECTED : u ? R_DIM : R_NORMAL, u ? line : d->doc,
                  true);
    }
    int keys_y = b.y + b.h - 2;
    rect detail = {y + 1, b.x + 2, keys_y - 1 - (y + 1), end - (b.x + 2)};
    draw_detail(n, (fault_kind)c->nd.sel, detail);
    x = b.x + 2;
    static const struct { const char *key, *label; } HINTS[] = {
        {"Enter", " fire now   "}, {"H", " heal all   "}, {"s", " suspend/resume schedule   "},
        {"Esc", " close"}};
    for (size_t i = 0; i < ARRAY_LEN(HINTS); i++) {
        x += draw_text(keys_y, x, end - x, R_KEY, HINTS[i].key, false);
        x += draw_text(keys_y, x, end - x, R_NORMAL, HINTS[i].label, false);
    }
}
