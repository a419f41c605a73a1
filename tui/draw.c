/* draw.c - clipped, locale-aware text drawing and number formatting. */
#include "draw.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* Decodes the next character of s: sets *bytes and *cols and returns the
 * character to draw (a replacement for control and invalid bytes). The
 * returned pointer's first *bytes bytes are what to write. */
static const char *next_char(const char *s, size_t *bytes, int *cols, bool utf8)
{
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c == 0x7f) {
        *bytes = 1, *cols = 1;
        return " ";
    }
    if (c < 0x80) {
        *bytes = 1, *cols = 1;
        return s;
    }
    if (utf8) {
        mbstate_t st;
        memset(&st, 0, sizeof st);
        wchar_t wc;
        size_t k = mbrtowc(&wc, s, strnlen(s, MB_LEN_MAX), &st);
        if (k != (size_t)-1 && k != (size_t)-2 && k > 0) {
            int w = wcwidth(wc);
            *bytes = k;
            if (w < 0) {
                *cols = 1;
                return "?";
            }
            *cols = w;
            return s;
        }
    }
    *bytes = 1, *cols = 1;
    return "?";
}

int scroll_top(int top, int sel, int rows, int n)
{
    if (sel >= 0 && sel < top)
        top = sel;
    if (sel >= top + rows)
        top = sel - rows + 1;
    if (top > n - rows)
        top = n - rows;
    return top < 0 ? 0 : top;
}

int text_width(const char *s)
{
    bool utf8 = theme_glyphs()->utf8;
    int cols = 0;
    while (s && *s) {
        size_t b;
        int w;
        next_char(s, &b, &w, utf8);
        cols += w;
        s += b;
    }
    return cols;
}

/* Returns true when (y, x) is on the screen. */
static bool on_screen(int y, int x)
{
    return y >= 0 && x >= 0 && y < LINES && x < COLS;
}

size_t text_fit(const char *s, int maxw)
{
    bool utf8 = theme_glyphs()->utf8;
    const char *p = s;
    int used = 0;
    while (*p) {
        size_t b;
        int w;
        next_char(p, &b, &w, utf8);
        if (used + w > maxw)
            break;
        used += w;
        p += b;
    }
    return (size_t)(p - s);
}

int draw_text(int y, int x, int maxw, role r, const char *s, bool ell)
{
    return draw_textn(y, x, maxw, r, s, s ? strlen(s) : 0, ell);
}

int draw_textn(int y, int x, int maxw, role r, const char *s, size_t slen, bool ell)
{
    if (!s || maxw <= 0 || !on_screen(y, x))
        return 0;
    const char *end = s + slen;
    if (x + maxw > COLS)
        maxw = COLS - x;
    bool utf8 = theme_glyphs()->utf8;
    /* Avoid writing the bottom-right cell: some terminals scroll. */
    if (y == LINES - 1 && x + maxw >= COLS)
        maxw = COLS - x - 1;
    if (maxw <= 0)
        return 0;
    int total = ell ? text_width(s) : 0; /* ellipsis only with whole strings */
    int room = ell && total > maxw ? maxw - 1 : maxw;
    char buf[1024];
    size_t len = 0;
    int used = 0;
    attr_t a = theme_attr(r);
    attron(a);
    move(y, x);
    while (s < end && *s) {
        size_t b;
        int w;
        const char *c = next_char(s, &b, &w, utf8);
        size_t out = c == s ? b : 1;
        if (used + w > room)
            break;
        if (len + out >= sizeof buf) {
            addnstr(buf, (int)len);
            len = 0;
        }
        memcpy(buf + len, c, out);
        len += out;
        used += w;
        s += b;
    }
    if (len)
        addnstr(buf, (int)len);
    if (ell && total > maxw && used < maxw) {
        addstr(theme_glyphs()->ellipsis);
        used++;
    }
    attroff(a);
    return used;
}

int draw_fmt(int y, int x, int maxw, role r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return draw_text(y, x, maxw, r, buf, false);
}

int draw_right(int y, int x, int w, role r, const char *s)
{
    int tw = text_width(s);
    if (tw > w)
        return draw_text(y, x, w, r, s, false);
    return draw_text(y, x + w - tw, tw, r, s, false);
}

void draw_repeat(int y, int x, int n, role r, const char *glyph)
{
    if (n <= 0 || !on_screen(y, x))
        return;
    if (x + n > COLS)
        n = COLS - x;
    if (y == LINES - 1 && x + n >= COLS)
        n = COLS - x - 1;
    attr_t a = theme_attr(r);
    attron(a);
    move(y, x);
    for (int i = 0; i < n; i++)
        addstr(glyph);
    attroff(a);
}

void draw_fill(int y, int x, int w, role r)
{
    draw_repeat(y, x, w, r, " ");
}

int draw_rule(int y, int x, int w, role title_role, const char *title)
{
    if (w <= 0 || !on_screen(y, x))
        return x;
    int n = x + w > COLS ? COLS - x : w;
    attr_t a = theme_attr(R_BOX);
    attron(a);
    mvhline(y, x, ACS_HLINE, n);
    attroff(a);
    if (!title || !*title || w < 6)
        return x;
    int used = draw_text(y, x + 1, w - 2, title_role, " ", false);
    used += draw_text(y, x + 1 + used, w - 3 - used, title_role, title, true);
    used += draw_text(y, x + 1 + used, w - 2 - used, title_role, " ", false);
    return x + 1 + used;
}

void draw_bar(int y, int x, int w, double frac, role filled)
{
    if (w <= 0)
        return;
    if (frac < 0)
        frac = 0;
    if (frac > 1)
        frac = 1;
    int n = (int)(frac * w + 0.5);
    if (frac > 0 && n == 0)
        n = 1;
    const glyphs *g = theme_glyphs();
    draw_repeat(y, x, n, filled, g->bar_full);
    draw_repeat(y, x + n, w - n, R_BAR_EMPTY, g->bar_empty);
}

void draw_spark(int y, int x, int w, const double *v, int n, role r)
{
    if (w <= 0 || !on_screen(y, x))
        return;
    int first = n > w ? n - w : 0;
    double max = 0;
    for (int i = first; i < n; i++)
        if (v[i] > max)
            max = v[i];
    const glyphs *g = theme_glyphs();
    int col = x + (n - first < w ? w - (n - first) : 0);
    draw_repeat(y, x, col - x, R_NORMAL, " "); /* no samples yet */
    for (int i = first; i < n; i++, col++) {
        int level = max > 0 ? (int)(v[i] / max * 7.0 + 0.5) : 0;
        draw_text(y, col, 1, v[i] > 0 ? r : R_DIM, g->spark[level], false);
    }
}

void draw_box(rect b, const char *title)
{
    if (b.w < 2 || b.h < 2)
        return;
    for (int i = 0; i < b.h; i++)
        draw_fill(b.y + i, b.x, b.w, R_NORMAL);
    attr_t a = theme_attr(R_BOX);
    attron(a);
    int right = b.x + b.w - 1, bottom = b.y + b.h - 1;
    mvhline(b.y, b.x + 1, ACS_HLINE, b.w - 2);
    if (bottom < LINES - 1 || right < COLS - 1)
        mvhline(bottom, b.x + 1, ACS_HLINE, b.w - 2);
    mvvline(b.y + 1, b.x, ACS_VLINE, b.h - 2);
    mvvline(b.y + 1, right, ACS_VLINE, b.h - 2);
    mvaddch(b.y, b.x, ACS_ULCORNER);
    mvaddch(b.y, right, ACS_URCORNER);
    mvaddch(bottom, b.x, ACS_LLCORNER);
    if (bottom < LINES - 1 || right < COLS - 1)
        mvaddch(bottom, right, ACS_LRCORNER);
    attroff(a);
    if (title && *title && b.w > 6) {
        int used = draw_text(b.y, b.x + 2, b.w - 4, R_TITLE, " ", false);
        used += draw_text(b.y, b.x + 2 + used, b.w - 5 - used, R_TITLE, title, true);
        draw_text(b.y, b.x + 2 + used, b.w - 4 - used, R_TITLE, " ", false);
    }
}

rect rect_centered(int w, int h)
{
    if (w > COLS)
        w = COLS;
    if (h > LINES)
        h = LINES;
    rect r = {(LINES - h) / 2, (COLS - w) / 2, h, w};
    return r;
}

char *fmt_count(char *buf, size_t n, uint64_t v, int w)
{
    snprintf(buf, n, "%llu", (unsigned long long)v);
    if ((int)strlen(buf) <= w)
        return buf;
    static const char UNITS[] = "kMGTP";
    double d = (double)v;
    for (int u = 0; u < 5; u++) {
        d /= 1000.0;
        for (int prec = 2; prec >= 0; prec--) {
            snprintf(buf, n, "%.*f%c", prec, d, UNITS[u]);
            if ((int)strlen(buf) <= w)
                return buf;
        }
    }
    return buf;
}

char *fmt_us(char *buf, size_t n, uint64_t us)
{
    if (us < 1000)
        snprintf(buf, n, "%llu%ss", (unsigned long long)us, theme_glyphs()->micro);
    else if (us < 10000)
        snprintf(buf, n, "%.2fms", (double)us / 1e3);
    else if (us < 1000000)
        snprintf(buf, n, "%.1fms", (double)us / 1e3);
    else if (us < 100000000)
        snprintf(buf, n, "%.2fs", (double)us / 1e6);
    else
        snprintf(buf, n, "%.0fs", (double)us / 1e6);
    return buf;
}

char *fmt_secs(char *buf, size_t n, double s)
{
    if (s < 0)
        s = 0;
    long t = (long)s;
    if (s < 10)
        snprintf(buf, n, "%.1fs", s);
    else if (s < 60)
        snprintf(buf, n, "%lds", t);
    else if (s < 3600)
        snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
    return buf;
}

char *fmt_clock(char *buf, size_t n, double s)
{
    if (s < 0)
        s = 0;
    long t = (long)s;
    if (t >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, n, "%02ld:%02ld", t / 60, t % 60);
    return buf;
}

/* Lays s out word-wrapped in a: draws it when draw is set; returns the
 * rows used. */
static int wrap(rect a, role r, const char *s, bool draw)
{
    int rows = 0;
    while (s && *s && rows < a.h) {
        size_t fit = text_fit(s, a.w);
        if (s[fit] && s[fit] != ' ') {
            /* Break after the last space that fits, if there is one. */
            size_t k = fit;
            while (k > 0 && s[k] != ' ')
                k--;
            if (k > 0)
                fit = k;
        }
        if (fit == 0)
            fit = 1;
        if (draw)
            draw_textn(a.y + rows, a.x, a.w, r, s, fit, false);
        s += fit;
        while (*s == ' ')
            s++;
        rows++;
    }
    return rows;
}

int draw_wrap(rect a, role r, const char *s)
{
    return wrap(a, r, s, true);
}

int wrap_rows(const char *s, int w)
{
    rect a = {0, 0, 1000, w > 0 ? w : 1};
    return wrap(a, R_NORMAL, s, false);
}
