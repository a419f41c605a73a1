/* feed.h - checkers fed one record at a time (internal to core/check).
 *
 * The bank, counter, set and long-fork checkers keep a state that takes
 * the records of a history in history order and can give its verdict at
 * any point without being consumed. The verdict after feeding records
 * 0..k is the verdict over the history made of those records: check_bank
 * and the others are exactly new, feed every record, result, free. Where
 * a rule depends on records that come later (a failed completion, a later
 * write), the state keeps what it needs to judge again when they arrive.
 *
 * Also here: a hash map of int64 keys, and pairing of invocations with
 * their completions as records arrive (check_pair_ops does the same over
 * a whole history for the register and append checkers). */
#ifndef MELEE_CHECK_FEED_H
#define MELEE_CHECK_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* ---- a map from int64 keys to int64 values (open addressing) ---- */

typedef struct imap {
    int64_t *keys;
    int64_t *vals;
    unsigned char *used;
    size_t cap, n;
} imap;

/* Stores the value of key in *val (when found). */
bool imap_get(const imap *m, int64_t key, int64_t *val);
void imap_put(imap *m, int64_t key, int64_t val);
/* Removes key. Returns whether it was there. */
bool imap_del(imap *m, int64_t key);
void imap_free(imap *m);

/* ---- an array whose freed slots are reused ---- */

/* The bookkeeping of an array of items handed out by index: n slots used
 * so far (some freed again), room for cap, and the freed ones to reuse. */
typedef struct slot_pool {
    int64_t *free_slots;
    size_t n, cap, nfree;
} slot_pool;

/* Finds a slot for a new item: a freed one, or a new one at the end.
 * Stores its index in *at and returns items (elem bytes each, owned by
 * the caller), reallocated when it had to grow. */
void *slot_take(slot_pool *p, void *items, size_t elem, int64_t *at);

/* Frees slot at for reuse (the caller has emptied it). */
void slot_put(slot_pool *p, int64_t at);

void slot_pool_free(slot_pool *p);

/* ---- pairing invocations with completions ---- */

/* The invocation a process has outstanding. A process has one at a time:
 * its next completion ends it; another invocation first means it never
 * completes. */
typedef struct open_op {
    int64_t pos;        /* its position in the history (records fed before it) */
    int64_t index, time;
    char f[16];
    json_object *value; /* set by the checker when it needs it later (owned) */
    int64_t a, b;       /* the checker's notes */
} open_op;

typedef struct pairing {
    imap slot_of;       /* process -> position in slots */
    open_op *slots;
    slot_pool pool;     /* slots' bookkeeping */
} pairing;

/* Opens the invocation op (at position pos) for its process and returns
 * it (valid until the next pairing call), its value and notes unset. When
 * the process had one open already, that one never completes: it is moved
 * to *dropped and true returned through *had (the caller releases it). */
open_op *pairing_invoke(pairing *p, const hist_op *op, int64_t pos, open_op *dropped,
                        bool *had);

/* Ends the invocation process has open for a completion: moves it to
 * *inv (the caller releases it) and returns true; false when none. */
bool pairing_complete(pairing *p, int64_t process, open_op *inv);

/* Returns the invocation process has open, or NULL. */
const open_op *pairing_open(const pairing *p, int64_t process);

void open_op_release(open_op *o);
void pairing_free(pairing *p);

/* ---- the fed checkers (same verdicts as check_bank and the others) ----
 *
 * X_new returns a state the caller frees with X_free (o is not kept).
 * X_feed takes the next record; what the state needs of it is copied or
 * its value referenced, so op may go. X_result fills *out (the caller
 * frees it with check_result_free) with the verdict over the records fed
 * so far, changing nothing. */

typedef struct bank_state bank_state;
bank_state *bank_new(const check_opts *o);
void bank_feed(bank_state *s, const hist_op *op);
void bank_result(const bank_state *s, check_result *out);
void bank_free(bank_state *s);

typedef struct counter_state counter_state;
counter_state *counter_new(const check_opts *o);
void counter_feed(counter_state *s, const hist_op *op);
void counter_result(const counter_state *s, check_result *out);
void counter_free(counter_state *s);

typedef struct set_state set_state;
set_state *set_new(const check_opts *o);
void set_feed(set_state *s, const hist_op *op);
void set_result(const set_state *s, check_result *out);
void set_free(set_state *s);

typedef struct long_fork_state long_fork_state;
long_fork_state *long_fork_new(const check_opts *o);
void long_fork_feed(long_fork_state *s, const hist_op *op);
void long_fork_result(const long_fork_state *s, check_result *out);
void long_fork_free(long_fork_state *s);

#endif
