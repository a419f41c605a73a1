/* evlog.h - the console's own record of run events, fed from snapshots:
 * the newest events of every class, the newest notable ones (everything
 * but ignored errors and routine notes, a worker's own cancels, so a flood
 * of them cannot push a finding off the screen), and groups by SQLSTATE +
 * message with counts.
 * Fixed capacity; strings are owned by the evlog. */
#ifndef MELEE_TUI_EVLOG_H
#define MELEE_TUI_EVLOG_H

#include "../core/engine/engine.h"

#define EVLOG_ALL 512
#define EVLOG_NOTABLE 256
#define EVLOG_GROUPS 160
#define EVLOG_KEY_LEN 160

typedef struct ev_ring {
    run_event *v;
    size_t cap, n, head;   /* head: next slot to write */
} ev_ring;

typedef struct ev_group {
    char sqlstate[6];
    char key[EVLOG_KEY_LEN];   /* err_message_key of the message (cut to fit) */
    err_class cls;             /* the worst class seen in the group */
    uint64_t count;
    double first_t, last_t;
    run_event example;         /* the first event of the group (owned) */
} ev_group;

typedef struct evlog {
    ev_ring all, notable;
    run_event all_slots[EVLOG_ALL];
    run_event notable_slots[EVLOG_NOTABLE];
    ev_group groups[EVLOG_GROUPS];
    size_t ngroups;
    uint64_t other;          /* events not grouped because the table is full */
    uint64_t last_seq;       /* newest event taken in: snapshots are asked for what follows */
    uint64_t missed;         /* events that came and went between two snapshots */
} evlog;

/* Prepares an empty evlog (no allocation). */
void evlog_init(evlog *l);

/* Frees every string the evlog holds. */
void evlog_free(evlog *l);

/* Takes in the events of s, a snapshot taken with &l->last_seq (those
 * since the newest one taken in so far), and counts those it missed. The
 * strings of those events are moved out of the snapshot (their pointers
 * become NULL), so the snapshot can still be freed as usual. */
void evlog_absorb(evlog *l, run_snapshot *s);

/* Returns how many events the view holds (all, or notable only). */
size_t evlog_count(const evlog *l, bool notable_only);

/* Returns true when e is notable: neither an ignored error nor a routine
 * note. */
bool evlog_notable(const run_event *e);

/* Returns event i (0 = oldest) of the view; owned by the evlog, valid
 * until the next evlog_absorb. */
const run_event *evlog_at(const evlog *l, bool notable_only, size_t i);

/* Fills idx with the group indices ordered by count (largest first);
 * returns how many. idx must hold EVLOG_GROUPS entries. */
size_t evlog_groups_by_count(const evlog *l, size_t *idx);

/* Returns the group e belongs to, or NULL (the table was full). */
const ev_group *evlog_group_of(const evlog *l, const run_event *e);

/* Returns a one-word name for an event class: "ignored", "fault",
 * "UNEXPECTED", "CRASH", "HANG", "note". */
const char *evlog_class_label(err_class c);

#endif
