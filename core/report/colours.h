/* colours.h - the report's colours: outcomes and thread states as tables
 * here, fault kinds from the fault kinds table (core/fault/kinds.h). */
#ifndef MELEE_COLOURS_H
#define MELEE_COLOURS_H

#include <stddef.h>

/* Returns "#rrggbb" for an outcome ("ok", "ignored", "unexpected", "fault",
 * history's "fail", "info"), a thread state, or a fault kind; names not
 * in the tables get a stable colour of a spare palette. */
const char *outcome_colour(const char *outcome);
const char *state_colour(const char *state);
const char *fault_colour(const char *kind);

/* Returns the drawing rank of an outcome or a state (lower: drawn nearer
 * the axis; unknown names come after the known ones). */
int outcome_rank(const char *outcome);
int state_rank(const char *state);

/* Returns true for the states the thread plot always shows, even at zero. */
int state_always_shown(const char *state);

#endif
