/* textview.h - a scrollable page of plain text lines (details, help):
 * lines wrap at the screen width and carry no decoration, so what is on
 * screen can be copied as it is. The view owns its lines. */
#ifndef MELEE_TUI_TEXTVIEW_H
#define MELEE_TUI_TEXTVIEW_H

#include <stddef.h>

#include "draw.h"

typedef struct tv_line {
    role r;
    int hang;         /* continuation rows of a wrapped line start this far in */
    char *s;
} tv_line;

typedef struct textview {
    char title[128];
    tv_line *lines;
    size_t n, cap;
    int top;          /* first display row shown */
    int rows;         /* display rows at the last draw */
    int page;         /* rows visible at the last draw */
    int hang;         /* the hang given to lines added from now on */
} textview;

/* Drops every line (keeps the scroll position; tv_reset also rewinds). */
void tv_clear(textview *t);
void tv_reset(textview *t, const char *title);

/* Frees everything the view owns. */
void tv_free(textview *t);

/* Adds formatted text; each '\n' starts a new line. */
void tv_add(textview *t, role r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Lines added from now on wrap with their continuation rows indented by
 * n columns (0: none; tv_reset sets 0). */
void tv_set_hang(textview *t, int n);

/* Adds s as it is (it may hold newlines); NULL adds "-". */
void tv_add_text(textview *t, role r, const char *s);

/* Draws the lines into area from the scroll position, wrapping long ones
 * at spaces where there are any. */
void tv_draw(textview *t, rect area);

/* Scrolls by delta display rows (INT_MIN: top, INT_MAX: bottom). */
void tv_scroll(textview *t, int delta);

#endif
