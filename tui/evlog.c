/* evlog.c - rings of events taken from snapshots, and their grouping. */
#include "evlog.h"

#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

/* Frees the strings an event owns. */
static void event_clear(run_event *e)
{
    free(e->message);
    free(e->detail);
    free(e->hint);
    free(e->sql);
    e->message = e->detail = e->hint = e->sql = NULL;
}

void evlog_init(evlog *l)
{
    memset(l, 0, sizeof *l);
    l->all = (ev_ring){l->all_slots, EVLOG_ALL, 0, 0};
    l->notable = (ev_ring){l->notable_slots, EVLOG_NOTABLE, 0, 0};
}

static void ring_clear(ev_ring *r)
{
    for (size_t i = 0; i < r->cap; i++)
        event_clear(&r->v[i]);
    r->n = r->head = 0;
}

void evlog_free(evlog *l)
{
    ring_clear(&l->all);
    ring_clear(&l->notable);
    for (size_t i = 0; i < l->ngroups; i++)
        event_clear(&l->groups[i].example);
    l->ngroups = 0;
}

/* Puts ev into the ring, overwriting the oldest; the ring takes the
 * strings ev points to. */
static void ring_put(ev_ring *r, const run_event *ev)
{
    run_event *slot = &r->v[r->head];
    event_clear(slot);
    *slot = *ev;
    r->head = (r->head + 1) % r->cap;
    if (r->n < r->cap)
        r->n++;
}

static run_event event_copy(const run_event *e)
{
    run_event c = *e;
    c.message = xstrdup(e->message);
    c.detail = xstrdup(e->detail);
    c.hint = xstrdup(e->hint);
    c.sql = xstrdup(e->sql);
    return c;
}

/* Writes the grouping key of msg (the report's, cut to fit) into key. */
static void group_key(const char *msg, char *key, size_t n)
{
    char *k = err_message_key(msg);
    snprintf(key, n, "%s", k);
    free(k);
}

static void group_add(evlog *l, const run_event *e)
{
    char key[EVLOG_KEY_LEN];
    group_key(e->message, key, sizeof key);
    for (size_t i = 0; i < l->ngroups; i++) {
        ev_group *g = &l->groups[i];
        if (strcmp(g->sqlstate, e->sqlstate) == 0 && strcmp(g->key, key) == 0) {
            g->count++;
            g->last_t = e->t;
            if (e->cls > g->cls)
                g->cls = e->cls;
            return;
        }
    }
    if (l->ngroups == EVLOG_GROUPS) {
        l->other++;
        return;
    }
    ev_group *g = &l->groups[l->ngroups++];
    memcpy(g->sqlstate, e->sqlstate, sizeof g->sqlstate);
    memcpy(g->key, key, sizeof g->key);
    g->cls = e->cls;
    g->count = 1;
    g->first_t = g->last_t = e->t;
    g->example = event_copy(e);
}

void evlog_absorb(evlog *l, run_snapshot *s)
{
    l->missed += s->events_missed;
    for (size_t i = 0; i < s->nevents; i++) {
        run_event *e = &s->events[i];
        if (e->seq <= l->last_seq)
            continue;
        group_add(l, e);
        if (evlog_notable(e)) {
            run_event c = event_copy(e);
            ring_put(&l->notable, &c);
        }
        ring_put(&l->all, e);
        e->message = e->detail = e->hint = e->sql = NULL;
        l->last_seq = e->seq;
    }
}

bool evlog_notable(const run_event *e)
{
    return e->cls != EC_IGNORED && !e->routine;
}

size_t evlog_count(const evlog *l, bool notable_only)
{
    return notable_only ? l->notable.n : l->all.n;
}

const run_event *evlog_at(const evlog *l, bool notable_only, size_t i)
{
    const ev_ring *r = notable_only ? &l->notable : &l->all;
    if (i >= r->n)
        return NULL;
    size_t start = (r->head + r->cap - r->n) % r->cap;
    return &r->v[(start + i) % r->cap];
}

size_t evlog_groups_by_count(const evlog *l, size_t *idx)
{
    size_t n = l->ngroups;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    /* Insertion sort: a few hundred groups at most, usually nearly sorted. */
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && l->groups[idx[j - 1]].count < l->groups[v].count) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
    return n;
}

const ev_group *evlog_group_of(const evlog *l, const run_event *e)
{
    char key[EVLOG_KEY_LEN];
    group_key(e->message, key, sizeof key);
    for (size_t i = 0; i < l->ngroups; i++)
        if (strcmp(l->groups[i].sqlstate, e->sqlstate) == 0 && strcmp(l->groups[i].key, key) == 0)
            return &l->groups[i];
    return NULL;
}

const char *evlog_class_label(err_class c)
{
    static const char *const NAMES[EC_CLASS_COUNT] = {
        [EC_NONE] = "note", [EC_IGNORED] = "ignored", [EC_FAULT] = "fault",
        [EC_UNEXPECTED] = "UNEXPECTED", [EC_CRASH] = "CRASH", [EC_HANG] = "HANG"};
    return (unsigned)c < EC_CLASS_COUNT ? NAMES[c] : "?";
}
