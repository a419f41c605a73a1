/* profile.h - YAML profiles: load onto a config, save a config. */
#ifndef MELEE_PROFILE_H
#define MELEE_PROFILE_H

#include "config.h"

/* Applies the profile at path on top of *c. Returns 0, or -1 with *err
 * ("FILE:LINE:COLUMN: message", caller frees). */
int profile_load(const char *path, run_config *c, char **err);

/* Returns *c as the text of a complete, commented profile that loads back
 * to the same config (caller frees). --print-profile prints it. */
char *profile_text(const run_config *c);

/* Writes profile_text(c) to path. Returns 0, or -1 with *err set (caller
 * frees). */
int profile_save(const char *path, const run_config *c, char **err);

#endif
