/* commands.h - key handlers that are not owned by one panel or dialog:
 * quitting, help, closing overlays, moving in whatever list has the
 * focus, refresh rate, worker count, pausing everyone. */
#ifndef MELEE_TUI_COMMANDS_H
#define MELEE_TUI_COMMANDS_H

#include "ui.h"

void cmd_quit(console *c, int key);          /* asks first: the run is going */
void cmd_help(console *c, int key);          /* opens or closes the help */
void cmd_close(console *c, int key);         /* closes the top overlay */
void cmd_move(console *c, int key);          /* arrows, pages, Home, End */
void cmd_focus(console *c, int key);         /* Tab / Shift-Tab */
void cmd_open(console *c, int key);          /* Enter on the focused panel */
void cmd_rate(console *c, int key);          /* + - : snapshots per second */
void cmd_threads(console *c, int key);       /* > < : one worker more or less */
void cmd_pause_all(console *c, int key);     /* P */
void cmd_redraw(console *c, int key);        /* Ctrl-L */
void cmd_edit(console *c, int key);          /* a key for the active text field */

#endif
