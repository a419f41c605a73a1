/* dlg_weights.c - every action of every list with its weight and live
 * counters. +/- change the selected weight by one, digits type a new
 * one (0 disables the action), / filters by name. Changes apply at once
 * through run_set_weight. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"
#include "dialogs.h"

#define WEIGHT_MAX 1000000u
#define DLG_W 100

/* True when name contains the filter, ignoring case. */
static bool matches(const char *name, const char *filter)
{
    if (!*filter)
        return true;
    size_t fl = strlen(filter);
    for (const char *p = name; *p; p++)
        if (strncasecmp(p, filter, fl) == 0)
            return true;
    return false;
}

/* Recomputes the rows passing the filter. */
static void filter_rows(console *c)
{
    weights_dlg *d = &c->wd;
    const run_snapshot *s = c->snap;
    if (s->nactions > d->rows_cap) {
        d->rows_cap = s->nactions;
        d->rows = xrealloc(d->rows, d->rows_cap * sizeof *d->rows);
    }
    const char *f = d->filter_edit.active ? d->filter_edit.buf : d->filter;
    d->nrows = 0;
    for (size_t i = 0; i < s->nactions; i++)
        if (matches(s->actions[i].name, f))
            d->rows[d->nrows++] = i;
    if (d->sel >= (int)d->nrows)
        d->sel = (int)d->nrows - 1;
    if (d->sel < 0)
        d->sel = 0;
}

/* Returns the action index of the selected row, or -1. */
static long selected_action(console *c)
{
    filter_rows(c);
    return c->wd.nrows ? (long)c->wd.rows[c->wd.sel] : -1;
}

void weights_open(console *c, int key)
{
    (void)key;
    c->wd.edit.active = false;
    c->wd.filter_edit.active = false;
    ui_push(c, M_WEIGHTS);
}

static void set_weight(console *c, size_t a, unsigned w)
{
    if (w > WEIGHT_MAX)
        w = WEIGHT_MAX;
    run_set_weight(c->r, a, w);
    c->snap->actions[a].weight = w; /* shown at once, before the next snapshot */
    if (w)
        ui_status(c, false, "weight %s = %u", c->snap->actions[a].name, w);
    else
        ui_status(c, false, "weight %s = 0 (disabled)", c->snap->actions[a].name);
}

void weights_move(console *c, int delta)
{
    weights_dlg *d = &c->wd;
    filter_rows(c);
    long s = delta == INT_MIN ? 0 : delta == INT_MAX ? (long)d->nrows - 1 : (long)d->sel + delta;
    d->sel = s < 0 ? 0 : s >= (long)d->nrows ? (int)d->nrows - 1 : (int)s;
    if (d->sel < 0)
        d->sel = 0;
}

void weights_adjust(console *c, int key)
{
    long a = selected_action(c);
    if (a < 0)
        return;
    unsigned w = c->snap->actions[a].weight;
    bool down = key == '-' || key == KEY_LEFT;
    if (down && w == 0)
        return;
    set_weight(c, (size_t)a, down ? w - 1 : w + 1);
}

void weights_type(console *c, int key)
{
    if (selected_action(c) < 0)
        return;
    char init[2] = {(char)key, '\0'};
    le_start(&c->wd.edit, init, true);
}

void weights_filter(console *c, int key)
{
    (void)key;
    le_start(&c->wd.filter_edit, c->wd.filter, false);
}

void weights_edit_key(console *c, int key)
{
    weights_dlg *d = &c->wd;
    if (d->filter_edit.active) {
        le_result res = le_key(&d->filter_edit, key);
        if (res == LE_DONE)
            snprintf(d->filter, sizeof d->filter, "%s", d->filter_edit.buf);
        else if (res == LE_CANCEL)
            d->filter[0] = '\0';
        if (res != LE_MORE) {
            d->sel = 0;
            filter_rows(c);
        }
        return;
    }
    long a = selected_action(c);
    if (le_key(&d->edit, key) != LE_DONE || a < 0)
        return;
    if (!d->edit.buf[0])
        return;
    unsigned long w = strtoul(d->edit.buf, NULL, 10);
    set_weight(c, (size_t)a, w > WEIGHT_MAX ? WEIGHT_MAX : (unsigned)w);
}

/* The dialog's columns after LIST and ACTION, right-aligned; narrow
 * screens drop those with the highest drop rank first. */
typedef struct wcol {
    const char *title;
    int width;
    int drop;        /* 0 never */
} wcol;

static const wcol WCOLS[] = {
    {"WEIGHT", 6, 0}, {"OK", 7, 0}, {"IGN", 7, 2}, {"UNX", 5, 0},
    {"SKIP", 6, 4}, {"P50", 8, 1}, {"P99", 8, 3},
};
#define NWCOLS ((int)(sizeof WCOLS / sizeof WCOLS[0]))
#define LIST_W 12
#define ACTION_MIN 14
#define ACTION_MAX 28

/* Decides the columns for an inner width w: sets show[] and returns the
 * width of the ACTION column. */
static int fit_wcols(int w, bool show[NWCOLS])
{
    int used = LIST_W + 1;
    for (int i = 0; i < NWCOLS; i++) {
        show[i] = true;
        used += WCOLS[i].width + 1;
    }
    for (int rank = 4; rank >= 1 && used + ACTION_MIN > w; rank--)
        for (int i = 0; i < NWCOLS; i++)
            if (WCOLS[i].drop == rank && show[i]) {
                show[i] = false;
                used -= WCOLS[i].width + 1;
            }
    int aw = w - used;
    return aw > ACTION_MAX ? ACTION_MAX : aw;
}

/* The text of column i for action x. */
static const char *wcell(const action_snap *x, int i, char *b, size_t n, role *r)
{
    switch (i) {
    case 0: snprintf(b, n, "%u", x->weight); return b;
    case 1: return fmt_count(b, n, x->ok, WCOLS[i].width);
    case 2: return fmt_count(b, n, x->ignored, WCOLS[i].width);
    case 3:
        if (x->unexpected)
            *r = R_BAD;
        return fmt_count(b, n, x->unexpected, WCOLS[i].width);
    case 4: return fmt_count(b, n, x->skipped, WCOLS[i].width);
    case 5: return x->p50_us ? fmt_us(b, n, x->p50_us) : "-";
    default: return x->p99_us ? fmt_us(b, n, x->p99_us) : "-";
    }
}

static void draw_row(console *c, int y, rect in, size_t a, bool selected, const bool show[NWCOLS],
                     int action_w)
{
    const action_snap *x = &c->snap->actions[a];
    const char *dot = strchr(x->name, '.');
    role base = selected ? R_SELECTED : x->weight == 0 ? R_DIM : R_NORMAL;
    if (selected)
        draw_fill(y, in.x, in.w, R_SELECTED);
    int xpos = in.x, end = in.x + in.w;
    draw_textn(y, xpos, LIST_W, base, x->name, dot ? (size_t)(dot - x->name) : 0, false);
    xpos += LIST_W + 1;
    draw_text(y, xpos, action_w, base, dot ? dot + 1 : x->name, true);
    xpos += action_w + 1;
    for (int i = 0; i < NWCOLS && xpos < end; i++) {
        if (!show[i])
            continue;
        char b[24];
        role r = base;
        const char *v = wcell(x, i, b, sizeof b, &r);
        if (selected || (x->weight == 0 && r != R_BAD))
            r = base;
        if (i == 0 && selected && c->wd.edit.active)
            le_draw(&c->wd.edit, y, xpos, WCOLS[i].width);
        else if (i == 0 && x->weight == 0)
            draw_right(y, xpos, WCOLS[i].width, selected ? r : R_WARN, "0");
        else
            draw_right(y, xpos, WCOLS[i].width, r, v);
        xpos += WCOLS[i].width + 1;
    }
}

static void draw_header(int y, rect in, const bool show[NWCOLS], int action_w)
{
    draw_fill(y, in.x, in.w, R_HEADER);
    int x = in.x;
    draw_text(y, x, LIST_W, R_HEADER, "LIST", false);
    x += LIST_W + 1;
    draw_text(y, x, action_w, R_HEADER, "ACTION", false);
    x += action_w + 1;
    for (int i = 0; i < NWCOLS; i++) {
        if (!show[i])
            continue;
        draw_right(y, x, WCOLS[i].width, R_HEADER, WCOLS[i].title);
        x += WCOLS[i].width + 1;
    }
}

void weights_draw(console *c)
{
    weights_dlg *d = &c->wd;
    filter_rows(c);
    rect b = rect_centered(DLG_W, LINES - 2 > 8 ? LINES - 2 : LINES);
    char title[64];
    snprintf(title, sizeof title, "Action weights (%zu)", c->snap->nactions);
    draw_box(b, title);
    rect in = {b.y + 1, b.x + 2, b.h - 2, b.w - 4};
    if (in.h <= 0 || in.w <= 0)
        return;
    int y = in.y, end = in.y + in.h;
    if (d->filter_edit.active) {
        int x = in.x + draw_text(y, in.x, in.w, R_BOLD, "filter: ", false);
        le_draw(&d->filter_edit, y, x, in.x + in.w - x);
    } else if (d->filter[0]) {
        draw_fmt(y, in.x, in.w, R_BOLD, "filter: %s  (%zu of %zu; / to change, empty to clear)",
                 d->filter, d->nrows, c->snap->nactions);
    } else {
        draw_text(y, in.x, in.w, R_DIM,
                  "+/- change by one, digits type a weight (0 disables), / filters", true);
    }
    if (++y >= end)
        return;
    bool show[NWCOLS];
    int action_w = fit_wcols(in.w, show);
    draw_header(y, in, show, action_w);
    y++;
    int rows = end - y;
    d->page = rows;
    d->top = scroll_top(d->top, d->sel, rows, (int)d->nrows);
    for (int i = 0; i < rows && (size_t)(d->top + i) < d->nrows; i++)
        draw_row(c, y + i, in, d->rows[d->top + i], d->top + i == d->sel, show, action_w);
    if (!d->nrows && rows > 0)
        draw_text(y, in.x, in.w, R_DIM, "no action matches the filter", false);
}

void weights_free(weights_dlg *d)
{
    free(d->rows);
    d->rows = NULL;
    d->rows_cap = d->nrows = 0;
}
