/* layout.c - splitting the screen among the panels. */
#include "layout.h"

#include <string.h>

#include "../core/engine/catalog.h"

#define SIDE_MIN_COLS 118   /* from this width objects etc. go to a side column */
#define CELL_MIN 19         /* "tables 12/30 ####" */

static rect take_top(rect *r, int h)
{
    if (h > r->h)
        h = r->h;
    if (h < 0)
        h = 0;
    rect t = {r->y, r->x, h, r->w};
    r->y += h;
    r->h -= h;
    return t;
}

static rect take_bottom(rect *r, int h)
{
    if (h > r->h)
        h = r->h;
    if (h < 0)
        h = 0;
    rect t = {r->y + r->h - h, r->x, h, r->w};
    r->h -= h;
    return t;
}

int layout_object_cells(int width, int *cell_w)
{
    int per = width / CELL_MIN;
    if (per < 1)
        per = 1;
    if (per > OBJ_KIND_COUNT)
        per = OBJ_KIND_COUNT;
    *cell_w = width / per;
    return per;
}

/* Splits body between threads (first) and events (rest). */
static void split_lists(rect body, int want_threads, layout *L)
{
    int events = 0;
    if (body.h >= 10)
        events = body.h * 2 / 5 > 4 ? body.h * 2 / 5 : 4;
    else if (body.h >= 7)
        events = 3;
    int threads = body.h - events;
    int need = want_threads + 2; /* title + column header */
    if (events && threads > need) {
        events += threads - need;
        threads = need;
    }
    L->threads = take_top(&body, threads);
    L->events = body;
}

void layout_compute(int lines, int cols, const layout_need *need, layout *L)
{
    memset(L, 0, sizeof *L);
    rect all = {0, 0, lines, cols};
    if (lines <= 0 || cols <= 0)
        return;
    L->footer = take_bottom(&all, lines >= 3 ? 1 : 0);
    L->header = take_top(&all, lines >= 16 ? 3 : lines >= 8 ? 2 : 1);
    rect body = all;
    if (cols >= SIDE_MIN_COLS && body.h >= 14) {
        int sw = cols * 32 / 100;
        sw = sw < 38 ? 38 : sw > 56 ? 56 : sw;
        rect side = {body.y, body.x + body.w - sw, body.h, sw};
        body.w -= sw + 1;
        L->side = true;
        int objects = need->objects > 0 && need->objects < OBJ_KIND_COUNT ? need->objects
                                                                          : OBJ_KIND_COUNT;
        L->objects = take_top(&side, objects + 1);
        if (need->check) {
            int fh = side.h / 3 > 4 ? side.h / 3 : 4;
            L->faults = take_top(&side, fh > 7 ? 7 : fh);
            L->check = side;
        } else {
            L->faults = side;
        }
        split_lists(body, need->threads, L);
        return;
    }
    int cell_w;
    int per = layout_object_cells(cols, &cell_w);
    int obj_lines = (OBJ_KIND_COUNT + per - 1) / per;
    if (body.h >= 13)
        L->faults = take_bottom(&body, 1);
    if (body.h >= 12 + obj_lines)
        L->objects = take_bottom(&body, obj_lines);
    if (need->check && body.h >= 14) {
        int ch = 2 + (need->anomalies < 3 ? need->anomalies : 3);
        L->check = take_bottom(&body, ch);
    }
    split_lists(body, need->threads, L);
}
