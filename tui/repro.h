/* repro.h - the command line that reproduces this run. */
#ifndef MELEE_TUI_REPRO_H
#define MELEE_TUI_REPRO_H

#include <stdint.h>

/* Returns this process's command line with the seed made explicit, each
 * argument quoted for a POSIX shell where needed (caller frees). */
char *repro_command(uint64_t seed);

#endif
