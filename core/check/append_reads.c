/* append_reads.c - anomalies visible in reads without a cycle (spec §1.3):
 * aborted reads (G1a), intermediate reads (G1b), reads of elements nobody
 * appended (garbage-read), duplicate elements, reads of a txn's own later
 * appends (future-read), reads inconsistent with the txn's own earlier
 * operations (internal), and lost updates.
 *
 * A read that is a prefix of its key's version order with no suspicious
 * element in that prefix is cleared without looking at its elements. */
#include <stdlib.h>

#include "append_internal.h"

#include "../util.h"

static void report(ap_hist *a, const char *type, char *example)
{
    check_result_add(a->out, type, example);
    free(example);
}

static void report_g1a(ap_hist *a, const ap_mop *r, const ap_elem *e)
{
    char *nr = ap_txn_name(a, r->txn), *nw = ap_txn_name(a, e->writer);
    report(a, "G1a",
           xasprintf("%s read key %lld and saw %lld, which was appended by %s, a transaction "
                     "that failed: an aborted read",
                     nr, (long long)r->key, (long long)e->id.b, nw));
    free(nr), free(nw);
}

static void report_garbage(ap_hist *a, const ap_mop *r, int64_t x)
{
    char *nr = ap_txn_name(a, r->txn);
    report(a, "garbage-read",
           xasprintf("%s read key %lld and saw %lld, which no transaction ever appended to it",
                     nr, (long long)r->key, (long long)x));
    free(nr);
}

static void report_duplicates(ap_hist *a, const ap_mop *r, int64_t x, size_t n)
{
    char *nr = ap_txn_name(a, r->txn), *l = ap_list_text(r->list);
    report(a, "duplicate-elements",
           xasprintf("%s read key %lld = %s, in which %lld appears more than once (%zu repeated "
                     "elements in all); every element is appended once",
                     nr, (long long)r->key, l, (long long)x, n));
    free(nr), free(l);
}

/* Whether read r needs its elements looked at one by one. */
static bool suspicious(const ap_hist *a, const ap_mop *r)
{
    if (r->len == 0)
        return false;
    if (!r->compatible)
        return true;
    const ap_key *k = &a->keys[ap_key_find(a, r->key)];
    return a->bad_upto[k->bad0 + r->len - 1] != 0;
}

/* Looks at each element of read r: duplicates, and for a committed
 * reader, aborted and garbage elements. */
static void scan_elements(ap_hist *a, const ap_mop *r, uint32_t stamp)
{
    bool ok = a->txns[r->txn].type == H_OK;
    size_t ndup = 0;
    int64_t dup = 0;
    for (uint32_t i = 0; i < r->len; i++) {
        int64_t x = ap_list_at(r->list, i);
        int32_t id = ap_elem_get(a, r->key, x);
        ap_elem *e = &a->elems[id];
        if (e->stamp == stamp && !ndup++)
            dup = x;
        e->stamp = stamp;
        if (ok && e->writer == AP_NONE && !e->reported) {
            e->reported = true;
            report_garbage(a, r, x);
        } else if (ok && e->writer != AP_NONE && a->txns[e->writer].type == H_FAIL) {
            report_g1a(a, r, e);
        }
    }
    if (ndup)
        report_duplicates(a, r, dup, ndup);
}

static void check_g1b(ap_hist *a, const ap_mop *r)
{
    int32_t e = r->len ? ap_elem_find(a, r->key, r->elem) : AP_NONE;
    if (e == AP_NONE || !a->elems[e].intermediate || a->elems[e].writer == r->txn)
        return;
    char *nr = ap_txn_name(a, r->txn), *nw = ap_txn_name(a, a->elems[e].writer);
    report(a, "G1b",
           xasprintf("%s read key %lld ending in %lld, which %s appended before appending to "
                     "that key again: it saw an intermediate state",
                     nr, (long long)r->key, (long long)r->elem, nw));
    free(nr), free(nw);
}

/* Whether read r contains element record e. */
static bool read_contains(const ap_hist *a, const ap_mop *r, int32_t e)
{
    if (r->compatible)
        return a->elems[e].pos != AP_NONE && (uint32_t)a->elems[e].pos < r->len;
    for (uint32_t i = 0; i < r->len; i++)
        if (ap_list_at(r->list, i) == a->elems[e].id.b)
            return true;
    return false;
}

/* One key's micro-ops in one ok txn, in order. */
typedef struct group {
    const ap_mop *m;     /* the txn's first mop */
    const uint32_t *idx; /* positions, sorted by key */
    size_t from, to;
} group;

static const ap_mop *at(const group *g, size_t j)
{
    return &g->m[g->idx[j]];
}

/* Whether read r at j agrees with the txn's own earlier read r0 (at j0,
 * NULL if none) and the appends between them (spec §1.3, internal). */
static bool internal_ok(const group *g, const ap_mop *r0, size_t j0, size_t j)
{
    const ap_mop *r = at(g, j);
    uint32_t napp = 0;
    for (size_t q = j0; q < j; q++)
        napp += at(g, q)->append;
    uint32_t base = r0 ? r0->len : 0;
    if (r0 ? r->len != base + napp : r->len < napp)
        return false;
    for (uint32_t i = 0; r0 && i < base; i++)
        if (ap_list_at(r->list, i) != ap_list_at(r0->list, i))
            return false;
    uint32_t i = r->len - napp;
    for (size_t q = j0; q < j; q++)
        if (at(g, q)->append && ap_list_at(r->list, i++) != at(g, q)->elem)
            return false;
    return true;
}

static void report_internal(ap_hist *a, const group *g, const ap_mop *r0, size_t j0, size_t j)
{
    const ap_mop *r = at(g, j);
    char *nr = ap_txn_name(a, r->txn), *l = ap_list_text(r->list);
    char *seen = r0 ? ap_list_text(r0->list) : NULL;
    char *ex = xasprintf("%s read key %lld = %s, which does not follow from its own earlier "
                         "operations on that key: %s%s%s",
                         nr, (long long)r->key, l, r0 ? "it had read " : "", r0 ? seen : "",
                         r0 ? " before" : "");
    for (size_t q = j0, first = 1; q < j; q++) {
        if (!at(g, q)->append)
            continue;
        char *more = xasprintf("%s%s %lld", ex, first ? (r0 ? ", then appended" : "it appended")
                                                       : ",", (long long)at(g, q)->elem);
        free(ex);
        ex = more;
        first = 0;
    }
    report(a, "internal", ex);
    free(nr), free(l), free(seen);
}

/* Internal consistency of one key's group; reports the first violation. */
static bool check_internal(ap_hist *a, const group *g)
{
    const ap_mop *r0 = NULL;
    size_t j0 = g->from;
    for (size_t j = g->from; j < g->to; j++) {
        const ap_mop *r = at(g, j);
        if (r->append)
            continue;
        if (r->list && !internal_ok(g, r0, j0, j)) {
            report_internal(a, g, r0, j0, j);
            return false;
        }
        r0 = r->list ? r : NULL;
        j0 = j + 1;
    }
    return true;
}

/* A read containing what the same txn appends only later. */
static bool check_future(ap_hist *a, const group *g)
{
    for (size_t j = g->from; j < g->to; j++) {
        const ap_mop *r = at(g, j);
        if (r->append || !r->list)
            continue;
        for (size_t q = j + 1; q < g->to; q++) {
            const ap_mop *x = at(g, q);
            int32_t e = x->append ? ap_elem_find(a, x->key, x->elem) : AP_NONE;
            if (e == AP_NONE || !read_contains(a, r, e))
                continue;
            char *nr = ap_txn_name(a, r->txn);
            report(a, "future-read",
                   xasprintf("%s read key %lld and saw %lld, which it appended only later",
                             nr, (long long)r->key, (long long)x->elem));
            free(nr);
            return false;
        }
    }
    return true;
}

/* Counts the txn into the lost-update group of the state its first read
 * of the key saw, when it then appends to the key. */
static void note_lost_update(ap_hist *a, const group *g)
{
    const ap_mop *r = at(g, g->from);
    bool appends = false;
    for (size_t j = g->from + 1; j < g->to; j++)
        appends |= at(g, j)->append;
    if (r->append || !r->list || !appends)
        return;
    int32_t *txns;
    uint32_t *count;
    if (r->len == 0) {
        ap_key *k = &a->keys[ap_key_find(a, r->key)];
        txns = k->lu_txn, count = &k->lu_count;
    } else {
        int32_t id = ap_elem_get(a, r->key, r->elem);
        txns = a->elems[id].lu_txn, count = &a->elems[id].lu_count;
    }
    if (*count < 2)
        txns[*count] = r->txn;
    (*count)++;
}

static void check_groups(ap_hist *a, int32_t t, uint32_t *idx)
{
    const ap_txn *x = &a->txns[t];
    group g = {&a->mops[x->mop0], idx, 0, 0};
    size_t n = ap_txn_by_key(a, t, idx);
    bool internal = true, future = true;
    for (g.from = 0; g.from < n; g.from = g.to) {
        for (g.to = g.from + 1; g.to < n && at(&g, g.to)->key == at(&g, g.from)->key; g.to++)
            ;
        internal = internal && check_internal(a, &g);
        future = future && check_future(a, &g);
        note_lost_update(a, &g);
    }
}

static void report_lost(ap_hist *a, int64_t key, const int32_t *txns, uint32_t count,
                        const ap_elem *last)
{
    char *n1 = ap_txn_name(a, txns[0]), *n2 = ap_txn_name(a, txns[1]);
    char *more = count > 2 ? xasprintf(" and %u more", count - 2) : xstrdup("");
    char *state = last ? xasprintf("with %lld last", (long long)last->id.b) : xstrdup("empty");
    const char *all = count > 2 ? "all" : "both";
    report(a, "lost-update",
           xasprintf("%s and %s%s %s read key %lld %s, then appended to it, and committed: "
                     "%s of those updates %s lost",
                     n1, n2, more, all, (long long)key, state, count > 2 ? "all but one" : "one",
                     count > 2 ? "were" : "was"));
    free(n1), free(n2), free(more), free(state);
}

static void report_lost_updates(ap_hist *a)
{
    for (size_t e = 0; e < a->nelems; e++)
        if (a->elems[e].lu_count >= 2)
            report_lost(a, a->elems[e].id.a, a->elems[e].lu_txn, a->elems[e].lu_count,
                        &a->elems[e]);
    for (size_t k = 0; k < a->nkeys; k++)
        if (a->keys[k].lu_count >= 2)
            report_lost(a, a->keys[k].id.a, a->keys[k].lu_txn, a->keys[k].lu_count, NULL);
}

void ap_check_reads(ap_hist *a)
{
    uint32_t *idx = NULL, stamp = 0;
    size_t cap = 0;
    for (size_t t = 0; t < a->ntxns; t++) {
        const ap_txn *x = &a->txns[t];
        if (!ap_committed(x->type))
            continue;
        for (uint32_t i = 0; i < x->nmops; i++) {
            const ap_mop *r = &a->mops[x->mop0 + i];
            if (!r->append && r->list && suspicious(a, r))
                scan_elements(a, r, ++stamp);
            if (!r->append && r->list && x->type == H_OK)
                check_g1b(a, r);
        }
        if (x->type != H_OK)
            continue;
        if (x->nmops > cap)
            idx = xrealloc(idx, (cap = x->nmops) * sizeof *idx);
        check_groups(a, (int32_t)t, idx);
    }
    free(idx);
    report_lost_updates(a);
}
