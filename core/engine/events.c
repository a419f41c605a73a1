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
    copy.seq = seq;
    *slot = copy;
    pthread_mutex_unlock(&r->mu);
    run_event_clear(&old);
    return seq;
}

size_t events_since(event_ring *r, uint64_t after, run_event **out, uint64_t *missed)
{
    pthread_mutex_lock(&r->mu);
    uint64_t last = r->next_seq - 1;
    uint64_t oldest = last >= r->cap ? last - r->cap + 1 : 1;   /* oldest the ring holds */
    uint64_t from = after + 1 > oldest ? after + 1 : oldest;
    size_t n = from <= last ? (size_t)(last - from + 1) : 0;
    run_event *evs = xcalloc(n ? n : 1, sizeof *evs);
    for (size_t i = 0; i < n; i++)
        copy_event(&evs[i], &r->slots[(from + i) % r->cap]);
    if (missed)
        *missed = from > after + 1 ? from - after - 1 : 0;
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
