/* keys.h - the key table: every key the console answers, in which
 * context, with a short label for the footer and a line for the help
 * screen. Dispatch, the footer, the help screen and the README's key
 * table are all generated from it. */
#ifndef MELEE_TUI_KEYS_H
#define MELEE_TUI_KEYS_H

#include <stdio.h>

#include "ui.h"

/* Runs the handler of the first entry that matches key in the current
 * context. Returns false when no entry matched. */
bool keys_dispatch(console *c, int key);

/* Draws the footer line: the keys of the current context (the most
 * important ones when the line is short) and, at its right end, the
 * transient status message if there is one. */
void keys_footer(const console *c, rect a);

/* Fills the help view from the table, the current context first. */
void keys_help(console *c);

/* Writes the key table as Markdown (the README's "Keys" table), one
 * section per context, with plain ASCII key names. */
void keys_markdown(FILE *out);

#endif
