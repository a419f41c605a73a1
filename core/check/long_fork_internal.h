/* long_fork_internal.h - the fed long-fork state shared by long_fork.c
 * (groups, records, verdict) and long_fork_reads.c (the reads the writes
 * may not explain). Internal to core/check. */
#ifndef MELEE_CHECK_LONG_FORK_INTERNAL_H
#define MELEE_CHECK_LONG_FORK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "feed.h"

#define GROUP 3
#define MASKS (1u << GROUP)
#define LF_NONE (-1) /* no read, group or list node */

/* A read kept because it may be, or become, the first one the writes
 * cannot explain. */
typedef struct kept_read {
    int64_t pos, index;
    json_object *value;        /* the ok record's mops (referenced; NULL: slot free) */
    size_t reads, early, late; /* ok reads before it, and of them how many saw none / all */
    int refs;
    int missing;               /* keys it saw that no write wrote yet */
    bool waiting;              /* in the queue: missing > 0, not known bad */
} kept_read;

/* The write of one key. */
typedef struct lf_write {
    int64_t value;
    int64_t seer; /* while open: the first kept read that saw the key, or LF_NONE */
    bool open, failed;
} lf_write;

/* A kept read waiting for the write of a key it saw (a list per key). */
typedef struct wait_node {
    int64_t read, value, next;
} wait_node;

/* The ok reads of one group. */
typedef struct lf_group {
    int64_t first_key;
    size_t count[MASKS];
    char *example[MASKS]; /* the first read with each mask that can fork (owned) */
    size_t forks;
} lf_group;

struct long_fork_state {
    int64_t pos;        /* records fed */
    bool allowed;       /* read committed: forks are allowed */
    pairing pairs;      /* open invocations; a, b: the write txn's entries w[a, a + b) */
    imap write_of;      /* key -> position in w */
    lf_write *w;
    size_t nw, capw;
    size_t writes;      /* write txns invoked */
    char *malformed;    /* the first write txn that is not a list of writes (owned) */
    bool twice;
    int64_t twice_key;  /* the smallest key written more than once */
    kept_read *kept;
    slot_pool kept_pool; /* kept's bookkeeping */
    imap waiters;       /* key no write wrote yet -> its first wait_node */
    wait_node *nodes;
    int64_t free_node;  /* a list through next */
    size_t nnodes, capnodes;
    int64_t *queue;     /* kept reads waiting for a write, in history order */
    size_t qhead, qn, qcap;
    int64_t bad;        /* the earliest kept read that can never be explained, or LF_NONE */
    size_t reads, early, late, forks;
    imap group_of;      /* first key -> position in g */
    lf_group *g;
    size_t ng, capg;
    int64_t fork_group; /* the group with the smallest first key that forks, or LF_NONE */
};

/* How a read stands against the writes fed so far. */
enum { R_GOOD, R_WAITING, R_BAD };

/* What a read shows: its group and mask, and the keys it saw. */
typedef struct read_walk {
    int standing;
    const char *why;    /* the first problem in mop order (static text), or NULL */
    int64_t why_key;    /* ... the key it is about (unless a shape problem) */
    json_object *why_value;
    int64_t first;
    unsigned mask;
    size_t nseen;
    int64_t key[GROUP], value[GROUP]; /* the keys seen, with the values */
} read_walk;

/* ---- kept reads (long_fork_reads.c); a read is named by its id ---- */

/* Keeps the ok read op (the record just fed) with the counts of the reads
 * before it. Returns its id holding one reference for the caller (its
 * value referenced until the last lf_put_read). */
int64_t lf_keep_read(long_fork_state *s, const hist_op *op);

/* Takes one more reference to read id and returns id. */
int64_t lf_ref_read(long_fork_state *s, int64_t id);

/* Drops one reference to read id; the last one frees it. */
void lf_put_read(long_fork_state *s, int64_t id);

/* Read id can never be explained: it becomes s->bad (referenced) unless a
 * read before it is known already. */
void lf_read_is_bad(long_fork_state *s, int64_t id);

/* Drops the reads at the head of the queue that wait no more. */
void lf_advance_queue(long_fork_state *s);

/* Walks the mops of a read against the writes fed so far into *w (which
 * borrows from mops). */
void lf_walk_read(const long_fork_state *s, json_object *mops, read_walk *w);

/* Returns why read id cannot be explained by the writes fed so far, in the
 * words of the verdict (caller frees). */
char *lf_why_bad(const long_fork_state *s, int64_t id);

/* Read id waits for the write of key k, where it saw value (a reference
 * taken). */
void lf_wait_for(long_fork_state *s, int64_t k, int64_t id, int64_t value);

/* The write w[at] of key k arrived: the reads that waited for it are
 * judged again, and the first of them becomes its seer. */
void lf_write_arrived(long_fork_state *s, int64_t k, int64_t at);

/* The write txn with entries w[a, a + n) ended, failed or not (also when
 * it never completes): its seers are released, and judged bad when it
 * failed. */
void lf_writes_ended(long_fork_state *s, int64_t a, int64_t n, bool failed);

#endif
