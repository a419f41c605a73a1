/* long_fork.c - the long-fork checker (checkers-spec.md §3.4, §6.4).
 *
 * Writes insert fresh keys ([["w", k, 1]]); reads take a whole group of
 * GROUP keys ([["r", k, v] ...], group(k) = [k - k mod GROUP, + GROUP)).
 * Two reads of one group fork when each saw an insert the other did not:
 * the inserts were observed in opposite orders, which snapshot isolation
 * and stronger forbid (read committed allows it: the forks are listed but
 * the verdict stays valid there).
 *
 * The history cannot be judged (unknown) when a write txn is not a list of
 * writes, or a key was written twice (the smallest such key is named), or
 * a read does not cover exactly one group, or a read shows a value no
 * write could have put there (a key never written, a different value, or
 * a write that definitely failed). Reads are judged against every write
 * of the history, also those invoked after them. The problem named is the
 * first write txn (in invocation order) that is not a list of writes, else
 * the smallest key written twice, else the first read (in history order)
 * that breaks a rule.
 *
 * A read is reduced to the subset of its group's keys it saw (a bit mask),
 * so each group compares its distinct masks instead of every pair of
 * reads. Early reads (saw nothing) and late reads (saw everything) carry
 * no order; when every read is one of them the pass is vacuous and the
 * verdict unknown.
 *
 * Fed one record at a time (feed.h), the verdict after records 0..k is
 * exactly the one over the history made of them, with the same reason,
 * example and counts. Writes are kept per key (value, failed, still open)
 * and each group keeps its count of reads per mask, the description of
 * its first read with each mask that can fork and its forked pairs; the
 * group with the smallest first key that forks gives the example, as the
 * batch walk over sorted groups did. The rule that is not monotone is the
 * one about values: a read of a key whose write is not fed yet is unknown
 * ("no write wrote that key") until that write arrives, and a read that
 * was fine becomes unknown when the write it saw fails. So the state keeps
 * (long_fork_reads.c), with its record referenced and the counts of the
 * reads before it, the earliest read no later record can explain, the
 * reads before that one still waiting for a write, and for each open write
 * the first read that saw its key; the first of these that is bad now is
 * the one the verdict names. Every other read is settled once fed and not
 * kept. Once a read can never be explained, or a write problem is found,
 * later reads are not looked at: nothing they show reaches the verdict.
 * Feeding a record costs O(its mops) (a write also wakes the reads that
 * waited for its key, each once); the result costs O(1) plus one read. */
#include <stdlib.h>
#include <string.h>

#include "long_fork_internal.h"
#include "register_internal.h"

#include "../util.h"

/* ---- groups ---- */

/* True when reads with masks a and b each saw an insert the other missed. */
static bool forked(unsigned a, unsigned b)
{
    return (a & ~b) != 0 && (b & ~a) != 0;
}

/* Counts an ok read of the group at first with mask; op is its record. */
static void add_to_group(long_fork_state *s, int64_t first, unsigned mask, const hist_op *op)
{
    int64_t at;
    if (!imap_get(&s->group_of, first, &at)) {
        if (s->ng == s->capg) {
            s->capg = s->capg ? s->capg * 2 : 256;
            s->g = xrealloc(s->g, s->capg * sizeof *s->g);
        }
        at = (int64_t)s->ng++;
        s->g[at] = (lf_group){.first_key = first};
        imap_put(&s->group_of, first, at);
    }
    lf_group *g = &s->g[at];
    if (mask != 0 && mask != MASKS - 1 && g->count[mask] == 0)
        g->example[mask] =
            xasprintf("index %lld, process %lld: %s", (long long)op->index,
                      (long long)op->process,
                      json_object_to_json_string_ext(op->value, JSON_C_TO_STRING_PLAIN));
    size_t pairs = 0;
    for (unsigned b = 0; b < MASKS; b++)
        if (forked(mask, b))
            pairs += g->count[b];
    g->count[mask]++;
    if (!pairs)
        return;
    if (g->forks == 0 && (s->fork_group == LF_NONE || first < s->g[s->fork_group].first_key))
        s->fork_group = at;
    g->forks += pairs;
    s->forks += pairs;
}

/* Takes an invocation: pairs it, and records the writes of a write txn. */
static void invoke(long_fork_state *s, const hist_op *op)
{
    open_op dropped;
    bool had;
    open_op *o = pairing_invoke(&s->pairs, op, s->pos - 1, &dropped, &had);
    if (had)
        lf_writes_ended(s, dropped.a, dropped.b, false);
    json_object *mops = op->value;
    const char *f0 = check_json_str(check_json_at(check_json_at(mops, 0), 0));
    if (strcmp(op->f, "txn") != 0 || !f0 || strcmp(f0, "w") != 0)
        return;
    s->writes++;
    if (s->malformed)
        return;
    o->a = (int64_t)s->nw;
    for (size_t j = 0, n = check_json_len(mops); j < n; j++) {
        json_object *m = check_json_at(mops, j);
        const char *f = check_json_str(check_json_at(m, 0));
        int64_t k, v, at;
        if (!f || strcmp(f, "w") != 0 || !check_json_int(check_json_at(m, 1), &k) ||
            !check_json_int(check_json_at(m, 2), &v)) {
            s->malformed = xasprintf("illegal history: the write at index %lld is not a list "
                                     "of [\"w\", key, value]",
                                     (long long)op->index);
            return;
        }
        if (imap_get(&s->write_of, k, &at)) {
            if (!s->twice || k < s->twice_key)
                s->twice_key = k;
            s->twice = true;
            continue;
        }
        if (s->nw == s->capw) {
            s->capw = s->capw ? s->capw * 2 : 256;
            s->w = xrealloc(s->w, s->capw * sizeof *s->w);
        }
        at = (int64_t)s->nw++;
        s->w[at] = (lf_write){v, LF_NONE, true, false};
        imap_put(&s->write_of, k, at);
        lf_write_arrived(s, k, at);
    }
    o->b = (int64_t)s->nw - o->a;
}

/* Takes an ok read txn, the record just fed. */
static void read_ok(long_fork_state *s, const hist_op *op)
{
    if (s->malformed || s->twice || s->bad != LF_NONE)
        return; /* the verdict is settled on an earlier problem */
    read_walk w;
    lf_walk_read(s, op->value, &w);
    if (w.standing == R_BAD) {
        int64_t id = lf_keep_read(s, op);
        lf_read_is_bad(s, id);
        lf_put_read(s, id);
        return;
    }
    int64_t id = LF_NONE;
    for (size_t i = 0; i < w.nseen; i++) {
        int64_t at;
        bool known = imap_get(&s->write_of, w.key[i], &at);
        if (known && !(s->w[at].open && s->w[at].seer == LF_NONE))
            continue;
        if (id == LF_NONE)
            id = lf_keep_read(s, op);
        if (known) {
            s->w[at].seer = lf_ref_read(s, id);
        } else {
            lf_wait_for(s, w.key[i], id, w.value[i]);
            s->kept[id].missing++;
        }
    }
    if (w.standing == R_WAITING) {
        s->kept[id].waiting = true;
        if (s->qn == s->qcap) {
            s->qcap = s->qcap ? s->qcap * 2 : 64;
            s->queue = xrealloc(s->queue, s->qcap * sizeof *s->queue);
        }
        s->queue[s->qn++] = lf_ref_read(s, id);
    }
    if (id != LF_NONE)
        lf_put_read(s, id);
    add_to_group(s, w.first, w.mask, op);
    s->reads++;
    s->early += w.mask == 0;
    s->late += w.mask == MASKS - 1;
}

long_fork_state *long_fork_new(const check_opts *o)
{
    long_fork_state *s = xcalloc(1, sizeof *s);
    s->allowed = o && o->isolation == ISO_READ_COMMITTED;
    s->free_node = s->bad = s->fork_group = LF_NONE;
    return s;
}

void long_fork_feed(long_fork_state *s, const hist_op *op)
{
    s->pos++;
    if (op->type == H_INVOKE) {
        invoke(s, op);
    } else {
        open_op inv;
        if (pairing_complete(&s->pairs, op->process, &inv)) {
            lf_writes_ended(s, inv.a, inv.b, op->type == H_FAIL);
            open_op_release(&inv);
        }
        const char *f0 = check_json_str(check_json_at(check_json_at(op->value, 0), 0));
        if (op->type == H_OK && strcmp(op->f, "txn") == 0 && f0 && strcmp(f0, "r") == 0)
            read_ok(s, op);
    }
    lf_advance_queue(s);
}

/* Lists the forks: the example is the first pair of masks of the first
 * group (by first key) that forks, the count every forked pair. */
static void list_forks(const long_fork_state *s, check_result *out)
{
    if (s->fork_group == LF_NONE)
        return;
    const lf_group *g = &s->g[s->fork_group];
    for (unsigned a = 0; a < MASKS; a++) {
        for (unsigned b = a + 1; b < MASKS; b++) {
            if (!g->count[a] || !g->count[b] || !forked(a, b))
                continue;
            size_t pairs = g->count[a] * g->count[b];
            char *t = xasprintf("keys %lld..%lld: two reads saw different inserts, each "
                                "missing one the other saw, so the inserts were observed in "
                                "opposite orders (%zu such pairs)\n  %s\n  %s",
                                (long long)g->first_key, (long long)g->first_key + GROUP - 1,
                                pairs, g->example[a], g->example[b]);
            check_result_add(out, "long-fork", t);
            out->anomalies[out->nanomalies - 1].count = s->forks;
            free(t);
            return;
        }
    }
}

/* Fills the verdict of a history that cannot be judged; *r gets the read
 * that showed it, or NULL. */
static void cannot_judge(const long_fork_state *s, int64_t first, check_result *out,
                         const kept_read **r)
{
    out->verdict = VERDICT_UNKNOWN;
    *r = NULL;
    if (s->malformed) {
        out->reason = xstrdup(s->malformed);
    } else if (s->twice) {
        out->reason = xasprintf("key %lld was written more than once, so reads cannot tell "
                                "which write they saw",
                                (long long)s->twice_key);
    } else {
        out->reason = lf_why_bad(s, first);
        *r = &s->kept[first];
    }
}

void long_fork_result(const long_fork_state *s, check_result *out)
{
    memset(out, 0, sizeof *out);
    int64_t first = s->bad;
    if (s->qhead < s->qn &&
        (first == LF_NONE || s->kept[s->queue[s->qhead]].pos < s->kept[first].pos))
        first = s->queue[s->qhead];
    size_t reads = s->reads, early = s->early, late = s->late, groups = s->ng,
           forks = s->forks;
    if (s->malformed || s->twice || first != LF_NONE) {
        /* As if judging stopped there: the reads before that one, no groups. */
        const kept_read *r;
        cannot_judge(s, first, out, &r);
        reads = r ? r->reads : 0;
        early = r ? r->early : 0;
        late = r ? r->late : 0;
        groups = forks = 0;
    } else {
        list_forks(s, out);
        if (out->nanomalies && !s->allowed) {
            out->verdict = VERDICT_INVALID;
            out->reason = xstrdup("long forks found, which snapshot isolation and stronger "
                                  "forbid");
        } else if (reads == 0) {
            out->verdict = VERDICT_UNKNOWN;
            out->reason = xstrdup("no read completed ok: nothing to compare");
        } else if (early + late == reads) {
            out->verdict = VERDICT_UNKNOWN;
            out->reason = xstrdup("every read saw none or all of its group's inserts, so no "
                                  "read could show an order (a vacuous pass)");
        } else {
            out->verdict = VERDICT_VALID;
            if (out->nanomalies)
                out->reason = xstrdup("long forks found, which read committed allows (each "
                                      "statement takes its own snapshot)");
        }
    }
    out->stats = xasprintf("%zu ok reads over %zu groups (%zu saw no insert, %zu saw all, %zu "
                           "saw some); %zu inserts; %zu forked pairs",
                           reads, groups, early, late, reads - early - late, s->writes, forks);
}

void long_fork_free(long_fork_state *s)
{
    if (!s)
        return;
    pairing_free(&s->pairs);
    imap_free(&s->write_of);
    imap_free(&s->waiters);
    imap_free(&s->group_of);
    for (size_t i = 0; i < s->kept_pool.n; i++)
        json_object_put(s->kept[i].value);
    for (size_t i = 0; i < s->ng; i++)
        for (unsigned m = 0; m < MASKS; m++)
            free(s->g[i].example[m]);
    free(s->malformed);
    free(s->w);
    free(s->kept);
    slot_pool_free(&s->kept_pool);
    free(s->nodes);
    free(s->queue);
    free(s->g);
    free(s);
}
