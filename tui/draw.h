/* draw.h - clipped drawing on the screen and number formatting. Every
 * function clips to the width it is given and never writes outside the
 * screen, so any terminal size is safe. */
#ifndef MELEE_TUI_DRAW_H
#define MELEE_TUI_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "theme.h"

typedef struct rect {
    int y, x, h, w;
} rect;

/* Draws s at (y, x) in at most maxw columns with role r; control
 * characters show as spaces and invalid bytes as '?'. With ell, a text
 * cut short ends in an ellipsis. Returns the columns used. */
int draw_text(int y, int x, int maxw, role r, const char *s, bool ell);

/* Like draw_text for the first slen bytes of s. */
int draw_textn(int y, int x, int maxw, role r, const char *s, size_t slen, bool ell);

/* Returns how many bytes of s fit in maxw columns (whole characters). */
size_t text_fit(const char *s, int maxw);

/* Like draw_text with a printf format (output up to 1 KiB). */
int draw_fmt(int y, int x, int maxw, role r, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Draws s right-aligned so that it ends at column x + w. Returns the
 * columns used. */
int draw_right(int y, int x, int w, role r, const char *s);

/* Fills w columns at (y, x) with spaces in role r. */
void draw_fill(int y, int x, int w, role r);

/* Draws n copies of a one-column glyph. */
void draw_repeat(int y, int x, int n, role r, const char *glyph);

/* Draws a horizontal rule across w columns with a title near its left
 * end; returns the column just after the title. */
int draw_rule(int y, int x, int w, role title_role, const char *title);

/* Draws a bar of w columns, filled to frac (0..1). */
void draw_bar(int y, int x, int w, double frac, role filled);

/* Draws a sparkline of the newest values (oldest first) into w columns,
 * scaled to the largest value shown. */
void draw_spark(int y, int x, int w, const double *v, int n, role r);

/* Draws s word-wrapped into the rectangle; returns the rows used. */
int draw_wrap(rect a, role r, const char *s);

/* Returns how many rows draw_wrap would use for s at width w. */
int wrap_rows(const char *s, int w);

/* Clears the rectangle and draws a frame with a title on its top edge. */
void draw_box(rect b, const char *title);

/* Returns a rectangle of up to w x h centred on the screen, shrunk to fit. */
rect rect_centered(int w, int h);

/* Returns the first of n rows to show in a window of rows lines so that
 * row sel is visible (sel < 0: none selected), moving the old top as
 * little as possible and never leaving lines empty that rows could fill. */
int scroll_top(int top, int sel, int rows, int n);

/* Returns the display width of s (as draw_text would draw it). */
int text_width(const char *s);

/* Formats a count to fit in w columns: 1234567 -> "1234567" or "1.23M".
 * Returns buf. */
char *fmt_count(char *buf, size_t n, uint64_t v, int w);

/* Formats microseconds: "850us", "12.3ms", "1.24s". Returns buf. */
char *fmt_us(char *buf, size_t n, uint64_t us);

/* Formats seconds as a short duration: "4.2s", "12m03s", "2h05m".
 * Returns buf. */
char *fmt_secs(char *buf, size_t n, double s);

/* Formats seconds as a clock: "12:34" or "1:02:03". Returns buf. */
char *fmt_clock(char *buf, size_t n, double s);

#endif
