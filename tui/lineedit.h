/* lineedit.h - a one-line text field for names, paths and numbers. */
#ifndef MELEE_TUI_LINEEDIT_H
#define MELEE_TUI_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#define LE_MAX 256

typedef struct lineedit {
    char buf[LE_MAX];
    size_t len;
    bool active;
    bool digits_only;
} lineedit;

typedef enum le_result {
    LE_MORE,     /* keep editing */
    LE_DONE,     /* Enter: the text is in buf */
    LE_CANCEL    /* Esc */
} le_result;

/* Starts editing with init as the text (may be NULL). */
void le_start(lineedit *e, const char *init, bool digits_only);

/* Feeds one key. Returns what the field wants next; it stops being
 * active on LE_DONE and LE_CANCEL. */
le_result le_key(lineedit *e, int key);

/* Draws the field in w columns at (y, x): the end of the text and a
 * cursor block. */
void le_draw(const lineedit *e, int y, int x, int w);

#endif
