/* console.h - the interactive console over a run. Does not include curses. */
#ifndef MELEE_CONSOLE_H
#define MELEE_CONSOLE_H

#include "../core/engine/engine.h"

/* Runs the console over a started run until the operator quits or the run
 * ends (duration). Returns 0 normally, or -1 if the terminal could not be
 * initialised (*err set, caller frees). The caller stops/joins the run,
 * prints the report and decides the exit status afterwards. The console
 * restores the terminal before returning, also on SIGINT/SIGTERM (the
 * caller's signal handler calls console_request_quit()). */
int console_run(run *r, char **err);

/* Asks the console to quit at its next tick; async-signal-safe. */
void console_request_quit(void);

#endif
