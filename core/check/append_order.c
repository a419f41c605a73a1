/* append_order.c - each key's version order (spec §1.4): the longest list
 * read from it, which every other read must be a prefix of
 * (incompatible-order otherwise), and the writers along it, where a failed
 * append followed by a committed one is a dirty update. */
#include <stdlib.h>

#include "append_internal.h"

#include "../util.h"

int32_t ap_prev_elem(const ap_hist *a, int32_t e)
{
    const ap_elem *x = &a->elems[e];
    if (x->pos != AP_NONE)
        return x->prev;
    int32_t k = ap_key_find(a, x->id.a);
    return k == AP_NONE ? AP_NONE : a->keys[k].last;
}

/* Whether mop m is a read of a known list by a txn that may have committed. */
static bool usable_read(const ap_hist *a, const ap_mop *m)
{
    return !m->append && m->list && ap_committed(a->txns[m->txn].type);
}

static size_t pick_longest(ap_hist *a)
{
    for (size_t m = 0; m < a->nmops; m++) {
        const ap_mop *x = &a->mops[m];
        if (!usable_read(a, x) || x->len == 0)
            continue;
        ap_key *k = &a->keys[ap_key_find(a, x->key)];
        if (k->longest_mop == AP_NONE || x->len > a->mops[k->longest_mop].len)
            k->longest_mop = (int32_t)m;
    }
    size_t total = 0;
    for (size_t k = 0; k < a->nkeys; k++) {
        a->keys[k].bad0 = total;
        if (a->keys[k].longest_mop != AP_NONE)
            total += a->mops[a->keys[k].longest_mop].len;
    }
    return total;
}

/* Lays key k's version order out along its longest read: positions,
 * neighbours, and the running count of suspicious elements. */
static void lay_out(ap_hist *a, size_t k)
{
    const ap_mop *m = &a->mops[a->keys[k].longest_mop];
    int64_t key = a->keys[k].id.a;
    int32_t last = AP_NONE;
    uint32_t *bad = &a->bad_upto[a->keys[k].bad0], running = 0;
    for (uint32_t i = 0; i < m->len; i++) {
        int32_t e = ap_elem_get(a, key, ap_list_at(m->list, i));
        ap_elem *x = &a->elems[e];
        bool suspicious = x->pos != AP_NONE || x->writer == AP_NONE ||
                          a->txns[x->writer].type == H_FAIL;
        if (x->pos == AP_NONE) {
            x->pos = (int32_t)i;
            x->prev = last;
            if (last != AP_NONE)
                a->elems[last].next = e;
            else
                a->keys[k].first = e;
            last = e;
        }
        bad[i] = running += suspicious;
    }
    a->keys[k].last = last;
}

static bool is_prefix(const ap_mop *r, const ap_mop *longest)
{
    if (r->len > longest->len)
        return false;
    for (uint32_t i = r->len; i-- > 0;)
        if (ap_list_at(r->list, i) != ap_list_at(longest->list, i))
            return false;
    return true;
}

static void report_incompatible(ap_hist *a, const ap_mop *r, const ap_mop *longest)
{
    char *n1 = ap_txn_name(a, r->txn), *n2 = ap_txn_name(a, longest->txn);
    char *l1 = ap_list_text(r->list), *l2 = ap_list_text(longest->list);
    char *ex = xasprintf("key %lld: %s read %s and %s read %s; neither is a prefix of the "
                         "other, so no single order of appends explains both",
                         (long long)r->key, n1, l1, n2, l2);
    check_result_add(a->out, "incompatible-order", ex);
    free(ex);
    free(n1), free(n2), free(l1), free(l2);
}

/* Marks the reads that are prefixes of their key's longest read and
 * reports, once per key, one that is not. */
static void check_prefixes(ap_hist *a)
{
    for (size_t m = 0; m < a->nmops; m++) {
        ap_mop *r = &a->mops[m];
        if (!usable_read(a, r))
            continue;
        ap_key *k = &a->keys[ap_key_find(a, r->key)];
        const ap_mop *longest = k->longest_mop == AP_NONE ? NULL : &a->mops[k->longest_mop];
        r->compatible = r->len == 0 || is_prefix(r, longest);
        if (!r->compatible && !k->incompatible) {
            k->incompatible = true;
            report_incompatible(a, r, longest);
        }
    }
}

static void report_dirty(ap_hist *a, int64_t key, int32_t failed, int32_t committed)
{
    const ap_elem *f = &a->elems[failed], *c = &a->elems[committed];
    char *nf = ap_txn_name(a, f->writer), *nc = ap_txn_name(a, c->writer);
    char *ex = xasprintf("key %lld: %lld was appended by %s, which failed, yet the version "
                         "order goes on to %lld appended by %s, which committed: a committed "
                         "update built on an aborted one",
                         (long long)key, (long long)f->id.b, nf, (long long)c->id.b, nc);
    check_result_add(a->out, "dirty-update", ex);
    free(ex);
    free(nf), free(nc);
}

/* Walks key k's version order: a failed writer followed, possibly through
 * writers of unknown outcome, by a committed one is a dirty update. */
static void check_dirty(ap_hist *a, size_t k)
{
    hist_type state = H_OK; /* the initial state counts as committed */
    int32_t since = AP_NONE;
    for (int32_t e = a->keys[k].first; e != AP_NONE; e = a->elems[e].next) {
        int32_t w = a->elems[e].writer;
        hist_type t = w == AP_NONE ? H_INFO : a->txns[w].type;
        if (t == H_INFO)
            continue;
        if (t == H_FAIL) {
            if (state != H_FAIL)
                state = H_FAIL, since = e;
            continue;
        }
        if (state == H_FAIL)
            report_dirty(a, a->keys[k].id.a, since, e);
        state = H_OK;
    }
}

/* Lists, per key, the committed appends no read observed. */
static void collect_unobserved(ap_hist *a)
{
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t m = 0; m < a->nmops; m++) {
            const ap_mop *x = &a->mops[m];
            if (!x->append || !ap_committed(a->txns[x->txn].type) ||
                a->elems[ap_elem_find(a, x->key, x->elem)].pos != AP_NONE)
                continue;
            ap_key *k = &a->keys[ap_key_find(a, x->key)];
            if (pass == 0)
                k->nunobs++, total++;
            else
                a->unobs[k->unobs0 + k->nunobs++] = x->txn;
        }
        if (pass == 0) {
            a->unobs = xmalloc((total ? total : 1) * sizeof *a->unobs);
            for (size_t k = 0, off = 0; k < a->nkeys; k++) {
                a->keys[k].unobs0 = (uint32_t)off;
                off += a->keys[k].nunobs;
                a->keys[k].nunobs = 0;
            }
        }
    }
}

void ap_check_orders(ap_hist *a)
{
    a->bad_upto = xmalloc((pick_longest(a) + 1) * sizeof *a->bad_upto);
    for (size_t k = 0; k < a->nkeys; k++)
        if (a->keys[k].longest_mop != AP_NONE)
            lay_out(a, k);
    check_prefixes(a);
    for (size_t k = 0; k < a->nkeys; k++)
        check_dirty(a, k);
    collect_unobserved(a);
}
