/* theme.c - colour roles, monochrome fallback, glyph sets. */
#include "theme.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

/* A role as data: its look on a 256-colour terminal, on an 8-colour one,
 * and on a monochrome one (or with NO_COLOR). -1 is the terminal's own
 * default colour. The 256-colour look keeps backgrounds dark and calm and
 * saves the loud colours for findings. */
typedef struct role_style {
    short fg256, bg256;
    attr_t attr256;
    short fg8, bg8;
    attr_t attr8;
    attr_t mono;
} role_style;

static const role_style STYLES[R_COUNT] = {
    /*                 256: fg   bg   attr        8: fg            bg           attr      mono */
    [R_NORMAL] =     {-1,  -1,  A_NORMAL, -1,           -1,          A_NORMAL, A_NORMAL},
    [R_DIM] =        {245, -1,  A_NORMAL, -1,           -1,          A_DIM,    A_DIM},
    [R_BOLD] =       {-1,  -1,  A_BOLD,   -1,           -1,          A_BOLD,   A_BOLD},
    [R_TITLE] =      {117, -1,  A_BOLD,   COLOR_CYAN,   -1,          A_BOLD,   A_BOLD},
    [R_HEADER] =     {252, 237, A_BOLD,   COLOR_BLACK,  COLOR_WHITE, A_NORMAL, A_REVERSE},
    [R_SORTED] =     {16,  117, A_BOLD,   COLOR_BLACK,  COLOR_CYAN,  A_BOLD,   A_REVERSE | A_BOLD | A_UNDERLINE},
    [R_SELECTED] =   {231, 25,  A_BOLD,   COLOR_BLACK,  COLOR_CYAN,  A_NORMAL, A_REVERSE | A_BOLD},
    [R_GOOD] =       {114, -1,  A_NORMAL, COLOR_GREEN,  -1,          A_NORMAL, A_NORMAL},
    [R_WARN] =       {221, -1,  A_BOLD,   COLOR_YELLOW, -1,          A_BOLD,   A_BOLD},
    [R_BAD] =        {203, -1,  A_BOLD,   COLOR_RED,    -1,          A_BOLD,   A_BOLD | A_UNDERLINE},
    [R_ACCENT] =     {152, -1,  A_NORMAL, COLOR_CYAN,   -1,          A_NORMAL, A_BOLD},
    [R_KEY] =        {16,  110, A_BOLD,   COLOR_BLACK,  COLOR_CYAN,  A_NORMAL, A_REVERSE},
    [R_TAG] =        {214, -1,  A_BOLD,   COLOR_YELLOW, -1,          A_BOLD,   A_BOLD},
    [R_BAR_OK] =     {71,  -1,  A_NORMAL, COLOR_GREEN,  -1,          A_NORMAL, A_NORMAL},
    [R_BAR_WARN] =   {178, -1,  A_NORMAL, COLOR_YELLOW, -1,          A_BOLD,   A_BOLD},
    [R_BAR_BAD] =    {167, -1,  A_NORMAL, COLOR_RED,    -1,          A_BOLD,   A_BOLD},
    [R_BAR_EMPTY] =  {236, -1,  A_NORMAL, -1,           -1,          A_DIM,    A_DIM},
    [R_SPARK] =      {80,  -1,  A_NORMAL, COLOR_CYAN,   -1,          A_NORMAL, A_NORMAL},
    [R_STATUS] =     {16,  179, A_NORMAL, COLOR_BLACK,  COLOR_YELLOW, A_NORMAL, A_REVERSE},
    [R_STATUS_BAD] = {231, 124, A_BOLD,   COLOR_WHITE,  COLOR_RED,   A_BOLD,   A_REVERSE | A_BOLD},
    [R_BOX] =        {67,  -1,  A_NORMAL, COLOR_CYAN,   -1,          A_NORMAL, A_NORMAL},
    [R_FOCUS] =      {16,  117, A_BOLD,   COLOR_BLACK,  COLOR_CYAN,  A_BOLD,   A_REVERSE | A_BOLD},
    [R_FAULT_RED] =  {203, -1,  A_BOLD,   COLOR_RED,    -1,          A_BOLD,   A_BOLD},
    [R_FAULT_GREEN] = {114, -1, A_BOLD,   COLOR_GREEN,  -1,          A_BOLD,   A_BOLD},
    [R_FAULT_YELLOW] = {221, -1, A_BOLD,  COLOR_YELLOW, -1,          A_BOLD,   A_BOLD},
    [R_FAULT_BLUE] = {75,  -1,  A_BOLD,   COLOR_BLUE,   -1,          A_BOLD,   A_BOLD},
    [R_FAULT_MAGENTA] = {176, -1, A_BOLD, COLOR_MAGENTA, -1,         A_BOLD,   A_BOLD},
    [R_FAULT_CYAN] = {80,  -1,  A_BOLD,   COLOR_CYAN,   -1,          A_BOLD,   A_BOLD},
};

role theme_fault_role(int colour)
{
    static const role BY_COLOUR[] = {R_BOLD, R_FAULT_RED, R_FAULT_GREEN, R_FAULT_YELLOW,
                                     R_FAULT_BLUE, R_FAULT_MAGENTA, R_FAULT_CYAN, R_BOLD};
    return colour >= 0 && colour < 8 ? BY_COLOUR[colour] : R_BOLD;
}

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
    .up = "\u2191",
    .down = "\u2193",
    .left = "\u2190",
    .right = "\u2192",
    .newest = "\u25b6",
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
    .up = "Up",
    .down = "Down",
    .left = "Left",
    .right = "Right",
    .newest = ">",
};

static attr_t g_attrs[R_COUNT];
static int g_colors;          /* 0 (monochrome), 8 or 256 */
static glyphs g_glyphs_used;
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
    g_glyphs_used = locale_is_utf8() ? UTF8_GLYPHS : ASCII_GLYPHS;
    g_colors = 0;
    if (!no_color_requested() && has_colors() && start_color() == OK) {
        use_default_colors();
        g_colors = COLORS >= 256 && COLOR_PAIRS > R_COUNT ? 256 : 8;
    }
    /* With 256 colours the empty part of a bar is a dark full block: a
     * quiet track rather than a shading pattern. */
    if (g_colors == 256 && g_glyphs_used.utf8)
        g_glyphs_used.bar_empty = g_glyphs_used.bar_full;
    g_glyphs = &g_glyphs_used;
    for (int r = 0; r < R_COUNT; r++) {
        const role_style *s = &STYLES[r];
        if (!g_colors) {
            g_attrs[r] = s->mono;
            continue;
        }
        short fg = g_colors == 256 ? s->fg256 : s->fg8;
        short bg = g_colors == 256 ? s->bg256 : s->bg8;
        attr_t a = g_colors == 256 ? s->attr256 : s->attr8;
        if (fg >= 0 || bg >= 0) {
            init_pair((short)(r + 1), fg, bg);
            a |= COLOR_PAIR(r + 1);
        }
        g_attrs[r] = a;
    }
}

attr_t theme_attr(role r)
{
    return (unsigned)r < R_COUNT ? g_attrs[r] : A_NORMAL;
}

int theme_colors(void)
{
    return g_colors;
}

const glyphs *theme_glyphs(void)
{
    return g_glyphs;
}
