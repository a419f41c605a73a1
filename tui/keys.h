/* keys.h - the key table: every key the console answers, in which
 * context, with a short label for the footer and a line for the help
 * screen. Dispatch, the footer and the help are all generated from it. */
#ifndef MELEE_TUI_KEYS_H
#define MELEE_TUI_KEYS_H

#include "ui.h"

/* Runs the handler of the first entry that matches key in the current
 * context. Returns false when no entry matched. */
bool keys_dispatch(console *c, int key);

/* Draws the keys of the current context into the footer line. */
void keys_footer(const console *c, rect a);

/* Fills the help view from the table, the current context first. */
void keys_help(console *c);

#endif
