/* theme.c - colour roles, monochrome fallback, glyph sets. */
#include "theme.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

/* A role as data: its colours and attributes in colour, and the
 * attributes used on a monochrome terminal. -1 is the default colour. */
typedef struct role_style {
    short fg, bg;
    attr_t color_attr;
    attr_t mono_attr;
} role_style;

static const role_style STYLES[R_COUNT] = {
    [R_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [R_DIM] = {-1, -1, A_DIM, A_DIM},
    [R_BOLD] = {-1, -1, A_BOLD, A_BOLD},
    [R_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [R_HEADER] = {COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE},
    [R_SORTED] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD | A_UNDERLINE},
    [R_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [R_GOOD] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [R_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [R_BAD] = {COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [R_ACCENT] = {COLOR_CYAN, -1, A_NORMAL, A_BOLD},
    [R_KEY] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [R_TAG] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [R_BAR_OK] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [R_BAR_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [R_BAR_BAD] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [R_BAR_EMPTY] = {-1, -1, A_DIM, A_DIM},
    [R_SPARK] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
    [R_STATUS] = {COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE},
    [R_STATUS_BAD] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
    [R_BOX] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
};

static const glyphs UTF8_GLYPHS = {
    .utf8 = true,
    .bar_full = "\u2588",
    .bar_empty = "\u2591",
    .spark = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"},
    .ellipsis = "\u2026",
    .sort_down = "\u25bc",
    .sort_up = "\u25b2",
    .tag = "\u25cf",
    .paused = "\u2016",
    .micro = "\u00b5",
};

static const glyphs ASCII_GLYPHS = {
    .utf8 = false,
    .bar_full = "#",
    .bar_empty = ".",
    .spark = {"_", ".", ",", "-", "~", "=", "*", "#"},
    .ellipsis = "~",
    .sort_down = "v",
    .sort_up = "^",
    .tag = "*",
    .paused = "|",
    .micro = "u",
};

static attr_t g_attrs[R_COUNT];
static bool g_color;
static const glyphs *g_glyphs = &ASCII_GLYPHS;

static bool no_color_requested(void)
{
    const char *v = getenv("NO_COLOR");
    return v && *v;
}

static bool locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

void theme_init(void)
{
    g_glyphs = locale_is_utf8() ? &UTF8_GLYPHS : &ASCII_GLYPHS;
    g_color = !no_color_requested() && has_colors() && start_color() == OK;
    if (g_color)
        use_default_colors();
    for (int r = 0; r < R_COUNT; r++) {
        const role_style *s = &STYLES[r];
        if (!g_color) {
            g_attrs[r] = s->mono_attr;
            continue;
        }
        attr_t a = s->color_attr;
        if (s->fg >= 0 || s->bg >= 0) {
            init_pair((short)(r + 1), s->fg, s->bg);
            a |= COLOR_PAIR(r + 1);
        }
        g_attrs[r] = a;
    }
}

attr_t theme_attr(role r)
{
    return (unsigned)r < R_COUNT ? g_attrs[r] : A_NORMAL;
}

bool theme_has_color(void)
{
    return g_color;
}

const glyphs *theme_glyphs(void)
{
    return g_glyphs;
}
