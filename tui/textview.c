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
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    tv_add_text(t, r, s ? s : "");
    free(s);
}

/* Returns how many display rows line s takes at width w. */
static int rows_of(const char *s, int w)
{
    int tw = text_width(s);
    return tw <= w ? 1 : (tw + w - 1) / w;
}

void tv_draw(textview *t, rect a)
{
    if (a.w <= 0 || a.h <= 0)
        return;
    t->page = a.h;
    t->rows = 0;
    for (size_t i = 0; i < t->n; i++)
        t->rows += rows_of(t->lines[i].s, a.w);
    if (t->top > t->rows - a.h)
        t->top = t->rows - a.h;
    if (t->top < 0)
        t->top = 0;
    int row = 0;
    for (size_t i = 0; i < t->n && row < t->top + a.h; i++) {
        const char *s = t->lines[i].s;
        do {
            size_t fit = text_fit(s, a.w);
            if (fit == 0 && *s)
                fit = 1; /* a character wider than the view */
            if (row >= t->top)
                draw_textn(a.y + row - t->top, a.x, a.w, t->lines[i].r, s, fit, false);
            s += fit;
            row++;
        } while (*s && row < t->top + a.h);
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
