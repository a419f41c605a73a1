/* textview.c - wrapped, scrollable text. */
#include "textview.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

void tv_clear(textview *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->lines[i].s);
    t->n = 0;
}

void tv_reset(textview *t, const char *title)
{
    tv_clear(t);
    snprintf(t->title, sizeof t->title, "%s", title);
    t->top = 0;
    t->hang = 0;
}

void tv_set_hang(textview *t, int n)
{
    t->hang = n > 0 ? n : 0;
}

void tv_free(textview *t)
{
    tv_clear(t);
    free(t->lines);
    t->lines = NULL;
    t->cap = 0;
}

static void add_line(textview *t, role r, const char *s, size_t len)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->lines = xrealloc(t->lines, t->cap * sizeof *t->lines);
    }
    t->lines[t->n].r = r;
    t->lines[t->n].hang = t->hang;
    t->lines[t->n].s = xstrndup(s, len);
    t->n++;
}

void tv_add_text(textview *t, role r, const char *s)
{
    if (!s)
        s = "-";
    for (;;) {
        const char *nl = strchr(s, '\n');
        if (!nl) {
            add_line(t, r, s, strlen(s));
            return;
        }
        add_line(t, r, s, (size_t)(nl - s));
        s = nl + 1;
    }
}

void tv_add(textview *t, role r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    tv_add_text(t, r, s);
    free(s);
}

/* How many bytes of s go on one row of w columns: whole words when the
 * row has a space to break at, else as many characters as fit. */
static size_t row_bytes(const char *s, int w)
{
    size_t fit = text_fit(s, w);
    if (fit == 0 && *s)
        return 1; /* a character wider than the view */
    if (!s[fit] || s[fit] == ' ')
        return fit;
    size_t k = fit;
    while (k > 0 && s[k - 1] != ' ')
        k--;
    return k > 0 ? k : fit;
}

/* Walks the display rows of line l at width w: calls draw for each row
 * (unless NULL) and returns how many there are. */
static int line_rows(const tv_line *l, int w, void (*draw)(void *, int, int, const char *, size_t),
                     void *arg)
{
    int hang = l->hang < w / 2 ? l->hang : 0;
    const char *s = l->s;
    int row = 0;
    do {
        int indent = row ? hang : 0;
        size_t n = row_bytes(s, w - indent);
        if (draw)
            draw(arg, row, indent, s, n);
        s += n;
        while (*s == ' ')
            s++;
        row++;
    } while (*s);
    return row;
}

typedef struct draw_ctx {
    textview *t;
    rect a;
    int first;        /* display row of the line's first row */
    role r;
} draw_ctx;

static void draw_row(void *arg, int row, int indent, const char *s, size_t n)
{
    draw_ctx *d = arg;
    int y = d->first + row - d->t->top;
    if (y >= 0 && y < d->a.h)
        draw_textn(d->a.y + y, d->a.x + indent, d->a.w - indent, d->r, s, n, false);
}

void tv_draw(textview *t, rect a)
{
    if (a.w <= 0 || a.h <= 0)
        return;
    t->page = a.h;
    t->rows = 0;
    for (size_t i = 0; i < t->n; i++)
        t->rows += line_rows(&t->lines[i], a.w, NULL, NULL);
    if (t->top > t->rows - a.h)
        t->top = t->rows - a.h;
    if (t->top < 0)
        t->top = 0;
    int row = 0;
    for (size_t i = 0; i < t->n && row < t->top + a.h; i++) {
        draw_ctx d = {t, a, row, t->lines[i].r};
        row += line_rows(&t->lines[i], a.w, draw_row, &d);
    }
}

void tv_scroll(textview *t, int delta)
{
    if (delta == INT_MIN)
        t->top = 0;
    else if (delta == INT_MAX)
        t->top = t->rows;
    else
        t->top += delta;
    if (t->top > t->rows - t->page)
        t->top = t->rows - t->page;
    if (t->top < 0)
        t->top = 0;
}
