/* layout.h - where each panel goes for a terminal size. Panels that do
 * not fit get an empty rectangle (h or w of 0) and are not drawn. */
#ifndef MELEE_TUI_LAYOUT_H
#define MELEE_TUI_LAYOUT_H

#include <stdbool.h>

#include "draw.h"

typedef struct layout {
    rect header, threads, events, objects, faults, check, footer;
    bool side;        /* objects/faults/check in a column on the right */
} layout;

/* What the layout depends on besides the size. */
typedef struct layout_need {
    int threads;      /* worker rows to show */
    bool check;       /* the checker panel is wanted */
    int anomalies;    /* anomaly rows the checker panel would like */
    int objects;      /* rows the objects panel would like in a side column
                         (0: one per object kind) */
} layout_need;

/* Computes the layout of a lines x cols screen. */
void layout_compute(int lines, int cols, const layout_need *need, layout *out);

/* Returns how many columns one object cell takes in the compact
 * (one-line) objects panel for a width, and how many cells fit a line. */
int layout_object_cells(int width, int *cell_w);

#endif
