/* act_custom.h - actions added by a profile, without recompiling. */
#ifndef MELEE_ACT_CUSTOM_H
#define MELEE_ACT_CUSTOM_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/engine/actx.h"
#include "../core/config/config.h"
#include "action.h"

/* Returns heap action rows for the config's custom actions (free them with
 * custom_actions_free) and sets *n. Each row's data points at its
 * custom_action in c, which must outlive the rows. */
action_def *custom_actions_build(const run_config *c, size_t *n);

/* Frees rows from custom_actions_build. */
void custom_actions_free(action_def *rows, size_t n);

/* Runs each custom action's setup SQL once on a's connection. Returns true
 * when all succeeded. */
bool custom_actions_setup(actx *a, const run_config *c);

#endif
