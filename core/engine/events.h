/* events.h - a bounded multi-producer ring of run events.
 *
 * Workers push (strings are copied); each front-end asks for the events
 * since the last sequence number it has and keeps its own tail, so every
 * event is copied out once per reader. When the ring is full the oldest
 * event is overwritten; a reader that comes too late learns how many it
 * missed. */
#ifndef MELEE_EVENTS_H
#define MELEE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

typedef struct event_ring event_ring;

/* Returns a ring holding up to cap events. */
event_ring *events_new(size_t cap);
void events_free(event_ring *r);

/* Copies ev (and its strings) in; assigns and returns its sequence number. */
uint64_t events_push(event_ring *r, const run_event *ev);

/* Copies the events with a sequence number above after, oldest first,
 * into a new array (*out, caller frees with events_free_array) and
 * returns how many. Sets *missed to how many of those were overwritten
 * before this call (0 when the ring still held them all). */
size_t events_since(event_ring *r, uint64_t after, run_event **out, uint64_t *missed);

/* Frees an array from events_since (and the strings of each event). */
void events_free_array(run_event *evs, size_t n);

/* Frees the strings of one event. */
void run_event_clear(run_event *ev);

#endif
