/* theme.h - what things look like: colour roles with a monochrome
 * fallback, and glyphs with an ASCII fallback. */
#ifndef MELEE_TUI_THEME_H
#define MELEE_TUI_THEME_H

#include <curses.h>
#include <stdbool.h>

typedef enum role {
    R_NORMAL,
    R_DIM,        /* ignored errors, idle rows, secondary text */
    R_BOLD,
    R_TITLE,      /* panel titles */
    R_HEADER,     /* column headers */
    R_SORTED,     /* the column the list is sorted by */
    R_SELECTED,   /* the selected row */
    R_GOOD,
    R_WARN,
    R_BAD,        /* unexpected errors, crashes, hangs */
    R_ACCENT,     /* values in the header, notes */
    R_KEY,        /* a key in the footer */
    R_TAG,        /* tagged rows */
    R_BAR_OK,
    R_BAR_WARN,
    R_BAR_BAD,
    R_BAR_EMPTY,
    R_SPARK,
    R_STATUS,     /* a transient status message */
    R_STATUS_BAD, /* a transient error message */
    R_BOX,        /* dialog frames and panel rules */
    R_FOCUS,      /* the title of the panel that has the focus */
    R_FAULT_RED,  /* fault kinds, in their colours (fault_kind_def.term_colour) */
    R_FAULT_GREEN,
    R_FAULT_YELLOW,
    R_FAULT_BLUE,
    R_FAULT_MAGENTA,
    R_FAULT_CYAN,
    R_COUNT
} role;

/* Returns the role drawing a fault kind of curses colour colour (1-6). */
role theme_fault_role(int colour);

/* The glyph set in use: UTF-8 block elements or plain ASCII. Strings are
 * static; every glyph is one column wide. */
typedef struct glyphs {
    bool utf8;
    const char *bar_full;
    const char *bar_empty;
    const char *spark[8];      /* lowest to highest */
    const char *ellipsis;
    const char *sort_down;
    const char *sort_up;
    const char *tag;
    const char *paused;
    const char *micro;         /* "µ" or "u" */
    const char *up, *down, *left, *right;   /* arrow keys in the footer and help */
    const char *newest;        /* marks the pinned newest finding */
} glyphs;

/* Sets up colours (unless NO_COLOR is set or the terminal has none) and
 * picks the glyph set from the locale's codeset. Call after the terminal
 * is initialised. */
void theme_init(void);

/* Returns the curses attributes for a role. */
attr_t theme_attr(role r);

/* Returns how many colours are in use: 0 (monochrome), 8 or 256. */
int theme_colors(void);

/* Returns the glyph set (static). */
const glyphs *theme_glyphs(void);

#endif
