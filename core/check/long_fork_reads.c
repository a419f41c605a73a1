/* long_fork_reads.c - which read of a long-fork history is the first one
 * the writes cannot explain, as records arrive (see long_fork.c).
 *
 * A read can be judged only against the writes fed so far, and a later
 * record may still change that: the write of a key it saw may be invoked
 * later (until then "no write wrote that key"), and a write still open may
 * yet fail. So the state keeps, each referenced by id: the earliest read
 * that no later record can explain (s->bad), the reads before it waiting
 * for the write of some key (the queue, and a list per key), and for each
 * open write the first read that saw its key (its seer: the one a failure
 * would show first). Reads are not kept otherwise. */
#include <stdlib.h>
#include <string.h>

#include "long_fork_internal.h"
#include "register_internal.h"

#include "../util.h"

/* ---- kept reads ---- */

int64_t lf_keep_read(long_fork_state *s, const hist_op *op)
{
    int64_t id;
    s->kept = slot_take(&s->kept_pool, s->kept, sizeof *s->kept, &id);
    s->kept[id] = (kept_read){s->pos - 1, op->index, json_object_get(op->value), s->reads,
                              s->early, s->late, 1, 0, false};
    return id;
}

int64_t lf_ref_read(long_fork_state *s, int64_t id)
{
    s->kept[id].refs++;
    return id;
}

void lf_put_read(long_fork_state *s, int64_t id)
{
    kept_read *r = &s->kept[id];
    if (--r->refs > 0)
        return;
    json_object_put(r->value);
    r->value = NULL;
    slot_put(&s->kept_pool, id);
}

/* True when read id may still be the first one that cannot be explained. */
static bool may_matter(const long_fork_state *s, int64_t id)
{
    return s->bad == LF_NONE || s->kept[id].pos < s->kept[s->bad].pos;
}

/* The waiting reads after the new s->bad cannot matter any more. */
void lf_read_is_bad(long_fork_state *s, int64_t id)
{
    if (!may_matter(s, id))
        return;
    if (s->bad != LF_NONE)
        lf_put_read(s, s->bad);
    s->bad = lf_ref_read(s, id);
    s->kept[id].waiting = false;
    int64_t pos = s->kept[id].pos;
    while (s->qn > s->qhead && s->kept[s->queue[s->qn - 1]].pos > pos)
        lf_put_read(s, s->queue[--s->qn]);
}

void lf_advance_queue(long_fork_state *s)
{
    while (s->qhead < s->qn && !s->kept[s->queue[s->qhead]].waiting)
        lf_put_read(s, s->queue[s->qhead++]);
    if (s->qhead == s->qn) {
        s->qhead = s->qn = 0;
    } else if (s->qhead > 1024 && s->qhead * 2 > s->qn) {
        memmove(s->queue, s->queue + s->qhead, (s->qn - s->qhead) * sizeof *s->queue);
        s->qn -= s->qhead;
        s->qhead = 0;
    }
}

/* ---- judging one read against the writes so far ---- */

static const char SHAPE[] = "shape";
static const char NO_WRITE[] = "but no write wrote that key";

/* Returns what is wrong with a read of key k showing val, or NULL; *v gets
 * the integer read. */
static const char *value_problem(const long_fork_state *s, int64_t k, json_object *val,
                                 int64_t *v)
{
    int64_t at;
    if (!check_json_int(val, v))
        return "which is not an integer";
    if (!imap_get(&s->write_of, k, &at))
        return NO_WRITE;
    if (s->w[at].value != *v)
        return "but its write wrote another value";
    if (s->w[at].failed)
        return "but its write definitely failed";
    return NULL;
}

/* Walks the mops of a read in order, as far as a problem no later record
 * can undo; the first problem met is the one reported. */
void lf_walk_read(const long_fork_state *s, json_object *mops, read_walk *w)
{
    memset(w, 0, sizeof *w);
    size_t n = check_json_len(mops);
    unsigned keys = 0;
    bool shape = n == GROUP;
    for (size_t i = 0; shape && i < n; i++) {
        json_object *m = check_json_at(mops, i);
        const char *f = check_json_str(check_json_at(m, 0));
        int64_t k, v;
        if (check_json_len(m) != 3 || !f || strcmp(f, "r") != 0 ||
            !check_json_int(check_json_at(m, 1), &k) || k < INT64_MIN + GROUP) {
            shape = false; /* (a key that low has no group that fits in int64) */
            break;
        }
        int64_t g = k - ((k % GROUP) + GROUP) % GROUP;
        if (i == 0)
            w->first = g;
        if (g != w->first || (keys >> (k - g) & 1)) {
            shape = false;
            break;
        }
        keys |= 1u << (k - g);
        json_object *val = check_json_at(m, 2);
        if (!val)
            continue;
        const char *why = value_problem(s, k, val, &v);
        if (why && !w->why) {
            w->why = why;
            w->why_key = k;
            w->why_value = val;
        }
        if (why && why != NO_WRITE) {
            w->standing = R_BAD;
            return;
        }
        if (why)
            w->standing = R_WAITING;
        w->key[w->nseen] = k;
        w->value[w->nseen++] = v;
        w->mask |= 1u << (k - g);
    }
    if (!shape || keys != MASKS - 1) {
        if (!w->why)
            w->why = SHAPE;
        w->standing = R_BAD;
    }
}

char *lf_why_bad(const long_fork_state *s, int64_t id)
{
    const kept_read *r = &s->kept[id];
    read_walk w;
    lf_walk_read(s, r->value, &w);
    if (!w.why || w.why == SHAPE)
        return xasprintf("illegal history: the read at index %lld does not read exactly the "
                         "%d keys of one group",
                         (long long)r->index, GROUP);
    return xasprintf("illegal read: the read at index %lld saw key %lld = %s, %s",
                     (long long)r->index, (long long)w.why_key,
                     json_object_to_json_string(w.why_value), w.why);
}

/* ---- waiting for writes ---- */

void lf_wait_for(long_fork_state *s, int64_t k, int64_t id, int64_t value)
{
    int64_t node;
    if (s->free_node != LF_NONE) {
        node = s->free_node;
        s->free_node = s->nodes[node].next;
    } else {
        if (s->nnodes == s->capnodes) {
            s->capnodes = s->capnodes ? s->capnodes * 2 : 64;
            s->nodes = xrealloc(s->nodes, s->capnodes * sizeof *s->nodes);
        }
        node = (int64_t)s->nnodes++;
    }
    int64_t head = LF_NONE;
    imap_get(&s->waiters, k, &head);
    s->nodes[node] = (wait_node){lf_ref_read(s, id), value, head};
    imap_put(&s->waiters, k, node);
}

/* The reads that waited for key k are judged again; the first of them is
 * the one a failure of the write would show. */
void lf_write_arrived(long_fork_state *s, int64_t k, int64_t at)
{
    int64_t node;
    if (!imap_get(&s->waiters, k, &node))
        return;
    imap_del(&s->waiters, k);
    int64_t seer = LF_NONE;
    while (node != LF_NONE) {
        wait_node *x = &s->nodes[node];
        int64_t id = x->read, next = x->next;
        if (may_matter(s, id)) {
            if (seer == LF_NONE || s->kept[id].pos < s->kept[seer].pos) {
                if (seer != LF_NONE)
                    lf_put_read(s, seer);
                seer = lf_ref_read(s, id);
            }
            if (x->value != s->w[at].value)
                lf_read_is_bad(s, id);
            else if (--s->kept[id].missing == 0)
                s->kept[id].waiting = false;
        }
        lf_put_read(s, id);
        x->next = s->free_node;
        s->free_node = node;
        node = next;
    }
    s->w[at].seer = seer;
}

void lf_writes_ended(long_fork_state *s, int64_t a, int64_t n, bool failed)
{
    for (int64_t e = a; e < a + n; e++) {
        lf_write *x = &s->w[e];
        x->open = false;
        x->failed = failed;
        int64_t seer = x->seer;
        x->seer = LF_NONE;
        if (seer == LF_NONE)
            continue;
        if (failed)
            lf_read_is_bad(s, seer);
        lf_put_read(s, seer);
    }
}
