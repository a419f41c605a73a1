/* events.c - bounded event ring under a short mutex. */
#include "events.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

struct event_ring {
    pthread_mutex_t mu;
    run_event *slots;
    size_t cap;
    uint64_t next_seq;   /* sequence of the next event pushed (starts at 1) */
    uint64_t read_upto;  /* events with seq <= this have been copied out */
    uint64_t dropped;
};

event_ring *events_new(size_t cap)
{
    event_ring *r = xcalloc(1, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->cap = cap ? cap : 1;
    r->slots = xcalloc(r->cap, sizeof *r->slots);
    r->next_seq = 1;
    return r;
}

void run_event_clear(run_event *ev)
{
    free(ev->message);
    free(ev->detail);
    free(ev->hint);
    free(ev->sql);
    ev->message = ev->detail = ev->hint = ev->sql = NULL;
}

void events_free(event_ring *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->cap; i++)
        run_event_clear(&r->slots[i]);
    free(r->slots);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

static void copy_event(run_event *dst, const run_event *src)
{
    *dst = *src;
    dst->message = xstrdup(src->message);
    dst->detail = xstrdup(src->detail);
    dst->hint = xstrdup(src->hint);
    dst->sql = xstrdup(src->sql);
}

uint64_t events_push(event_ring *r, const run_event *ev)
{
    run_event copy;
    copy_event(&copy, ev); /* allocate outside the lock */
    run_event old;
    pthread_mutex_lock(&r->mu);
    uint64_t seq = r->next_seq++;
    run_event *slot = &r->slots[seq % r->cap];
    old = *slot;
    if (old.seq && old.seq > r->read_upto)
        r->dropped++;
    copy.seq = seq;
    *slot = copy;
    pthread_mutex_unlock(&r->mu);
    run_event_clear(&old);
    return seq;
}

size_t events_copy(event_ring *r, size_t max, run_event **out, uint64_t *dropped)
{
    pthread_mutex_lock(&r->mu);
    uint64_t last = r->next_seq - 1;
    uint64_t avail = last < r->cap ? last : r->cap;
    size_t n = (size_t)(avail < max ? avail : max);
    run_event *evs = xcalloc(n ? n : 1, sizeof *evs);
    for (size_t i = 0; i < n; i++)
        copy_event(&evs[i], &r->slots[(last - n + 1 + i) % r->cap]);
    r->read_upto = last;
    if (dropped)
        *dropped = r->dropped;
    pthread_mutex_unlock(&r->mu);
    *out = evs;
    return n;
}

void events_free_array(run_event *evs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        run_event_clear(&evs[i]);
    free(evs);
}
