/* faketime.h - libfaketime (Debian's faketime package) for the private
 * server's clock: the server is started with the library preloaded and a
 * control file it rereads every second, so melee can offset its clock or
 * make it drift while it runs, and set it right again. */
#ifndef MELEE_FAKETIME_H
#define MELEE_FAKETIME_H

#include <stddef.h>

/* Returns the path of the library when it is installed, else NULL. */
const char *faketime_library(void);

/* Fills env (cap entries, each buf_size bytes of bufs) with the variables
 * that preload the library and point it at control_file. Returns how many
 * were written, or 0 when the library is missing. */
size_t faketime_env(const char *control_file, char (*bufs)[256], size_t cap);

/* Writes the control file: the clock offset by offset_s seconds and
 * running at rate times real speed (1.0: normal). Returns 0, or -1 and
 * sets *err (caller frees). */
int faketime_set(const char *control_file, double offset_s, double rate, char **err);

#endif
