/* events.h - a bounded multi-producer ring of run events.
 *
 * Workers push (strings are copied); front-ends copy the newest out. When
 * the ring is full the oldest event is overwritten; events overwritten
 * before anyone copied them are counted as dropped. */
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

/* Copies up to max of the newest events, oldest first, into a new array
 * (*out, caller frees with events_free_array) and returns how many. Sets
 * *dropped to the number of events lost unread so far. */
size_t events_copy(event_ring *r, size_t max, run_event **out, uint64_t *dropped);

/* Frees an array from events_copy (and the strings of each event). */
void events_free_array(run_event *evs, size_t n);

/* Frees the strings of one event. */
void run_event_clear(run_event *ev);

#endif
