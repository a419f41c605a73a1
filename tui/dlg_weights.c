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
#define DLG_W 92

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

static void draw_row(console *c, int y, rect in, size_t a, bool selected)
{
    const action_snap *x = &c->snap->actions[a];
    char line[200], ok[12], ig[12], ux[12], sk[12], p50[16];
    const char *dot = strchr(x->name, '.');
    int list_w = dot ? (int)(dot - x->name) : 0;
    snprintf(line, sizeof line, "%-12.*s %-26s %6u %7s %7s %5s %6s %8s", list_w, x->name,
             dot ? dot + 1 : x->name, x->weight, fmt_count(ok, sizeof ok, x->ok, 7),
             fmt_count(ig, sizeof ig, x->ignored, 7), fmt_count(ux, sizeof ux, x->unexpected, 5),
             fmt_count(sk, sizeof sk, x->skipped, 6), x->p50_us ? fmt_us(p50, sizeof p50, x->p50_us) : "-");
    role r = selected ? R_SELECTED : x->weight == 0 ? R_DIM : R_NORMAL;
    if (selected)
        draw_fill(y, in.x, in.w, R_SELECTED);
    draw_text(y, in.x, in.w, r, line, false);
    if (x->unexpected && !selected && in.w > 68)
        draw_right(y, in.x + 63, 5, R_BAD, ux); /* the UNX column in red */
    if (selected && c->wd.edit.active && in.w > 47)
        le_draw(&c->wd.edit, y, in.x + 40, 7);
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
    draw_fill(y, in.x, in.w, R_HEADER);
    char hdr[200];
    snprintf(hdr, sizeof hdr, "%-12s %-26s %6s %7s %7s %5s %6s %8s", "LIST", "ACTION", "WEIGHT", "OK",
             "IGN", "UNX", "SKIP", "P50");
    draw_text(y, in.x, in.w, R_HEADER, hdr, false);
    y++;
    int rows = end - y;
    d->page = rows;
    if (d->sel < d->top)
        d->top = d->sel;
    if (d->sel >= d->top + rows)
        d->top = d->sel - rows + 1;
    if (d->top > (int)d->nrows - rows)
        d->top = (int)d->nrows - rows;
    if (d->top < 0)
        d->top = 0;
    for (int i = 0; i < rows && (size_t)(d->top + i) < d->nrows; i++)
        draw_row(c, y + i, in, d->rows[d->top + i], d->top + i == d->sel);
    if (!d->nrows && rows > 0)
        draw_text(y, in.x, in.w, R_DIM, "no action matches the filter", false);
}

void weights_free(weights_dlg *d)
{
    free(d->rows);
    d->rows = NULL;
    d->rows_cap = d->nrows = 0;
}
