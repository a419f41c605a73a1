/* long_fork.c - the long-fork checker (checkers-spec.md §3.4, §6.4).
 *
 * Writes insert fresh keys ([["w", k, 1]]); reads take a whole group of
 * GROUP keys ([["r", k, v] ...], group(k) = [k - k mod GROUP, + GROUP)).
 * Two reads of one group fork when each saw an insert the other did not:
 * the inserts were observed in opposite orders, which snapshot isolation
 * and stronger forbid (read committed allows it: the forks are listed but
 * the verdict stays valid there).
 *
 * The history cannot be judged (unknown) when a key was written twice, or
 * a read does not cover exactly one group, or a read shows a value no
 * write could have put there (a key never written, a different value, or
 * a write that definitely failed).
 *
 * A read is reduced to the subset of its group's keys it saw (a bit mask),
 * so each group compares its distinct masks instead of every pair of
 * reads. Early reads (saw nothing) and late reads (saw everything) carry
 * no order; when every read is one of them the pass is vacuous and the
 * verdict unknown. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "register_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

#define GROUP 3
#define MASKS (1u << GROUP)

/* One ok read reduced to its group and what it saw. */
typedef struct lf_read {
    int64_t first_key;
    unsigned mask;
    size_t pos;
} lf_read;

/* One write: the key, its value and whether it definitely failed. */
typedef struct lf_write {
    int64_t key, value;
    bool failed;
} lf_write;

typedef struct lf_state {
    lf_read *r;
    size_t nr, capr;
    lf_write *w;
    size_t nw, capw;
    size_t groups, writes, early, late, forks;
    char *unknown; /* why the history cannot be judged (owned) */
} lf_state;

static int cmp_write(const void *a, const void *b)
{
    const lf_write *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static int cmp_read(const void *a, const void *b)
{
    const lf_read *x = a, *y = b;
    if (x->first_key != y->first_key)
        return x->first_key < y->first_key ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static void set_unknown(lf_state *s, char *why)
{
    if (!s->unknown)
        s->unknown = why;
    else
        free(why);
}

static const lf_write *write_of(const lf_state *s, int64_t k)
{
    size_t lo = 0, hi = s->nw;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->w[mid].key < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nw && s->w[lo].key == k ? &s->w[lo] : NULL;
}

/* Returns why a read of key k showing val is impossible, or NULL. */
static char *illegal_value(const lf_state *s, const hist_op *op, int64_t k, json_object *val)
{
    const lf_write *w = write_of(s, k);
    int64_t v;
    const char *why = NULL;
    if (!check_json_int(val, &v))
        why = "which is not an integer";
    else if (!w)
        why = "but no write wrote that key";
    else if (w->value != v)
        why = "but its write wrote another value";
    else if (w->failed)
        why = "but its write definitely failed";
    if (!why)
        return NULL;
    return xasprintf("illegal read: the read at index %lld saw key %lld = %s, %s",
                     (long long)op->index, (long long)k, json_object_to_json_string(val), why);
}

/* Records one ok read (the mop list at position pos). */
static void add_read(const history *h, lf_state *s, size_t pos)
{
    const hist_op *op = &h->ops[pos];
    size_t n = check_json_len(op->value);
    int64_t first = 0;
    unsigned mask = 0, keys = 0;
    bool shape = n == GROUP;
    for (size_t i = 0; shape && i < n; i++) {
        json_object *m = check_json_at(op->value, i);
        const char *f = check_json_str(check_json_at(m, 0));
        int64_t k;
        if (check_json_len(m) != 3 || !f || strcmp(f, "r") != 0 ||
            !check_json_int(check_json_at(m, 1), &k)) {
            shape = false;
            break;
        }
        int64_t g = k - ((k % GROUP) + GROUP) % GROUP;
        if (i == 0)
            first = g;
        if (g != first || (keys >> (k - g) & 1)) {
            shape = false;
            break;
        }
        keys |= 1u << (k - g);
        json_object *val = check_json_at(m, 2);
        if (!val)
            continue;
        char *why = illegal_value(s, op, k, val);
        if (why) {
            set_unknown(s, why);
            return;
        }
        mask |= 1u << (k - g);
    }
    if (!shape || keys != MASKS - 1) {
        set_unknown(s, xasprintf("illegal history: the read at index %lld does not read "
                                 "exactly the %d keys of one group",
                                 (long long)op->index, GROUP));
        return;
    }
    s->early += mask == 0;
    s->late += mask == MASKS - 1;
    if (s->nr == s->capr) {
        s->capr = s->capr ? s->capr * 2 : 256;
        s->r = xrealloc(s->r, s->capr * sizeof *s->r);
    }
    s->r[s->nr++] = (lf_read){first, mask, pos};
}

/* Records the writes of a txn invoked at i (completion at done, or -1).
 * Returns false when it is not a write. */
static bool add_writes(const history *h, lf_state *s, size_t i, int64_t done)
{
    json_object *mops = h->ops[i].value;
    size_t n = check_json_len(mops);
    const char *f0 = check_json_str(check_json_at(check_json_at(mops, 0), 0));
    if (!f0 || strcmp(f0, "w") != 0)
        return false;
    for (size_t j = 0; j < n; j++) {
        json_object *m = check_json_at(mops, j);
        const char *f = check_json_str(check_json_at(m, 0));
        lf_write w = {0, 0, done >= 0 && h->ops[done].type == H_FAIL};
        if (!f || strcmp(f, "w") != 0 || !check_json_int(check_json_at(m, 1), &w.key) ||
            !check_json_int(check_json_at(m, 2), &w.value)) {
            set_unknown(s, xasprintf("illegal history: the write at index %lld is not a list "
                                     "of [\"w\", key, value]",
                                     (long long)h->ops[i].index));
            continue;
        }
        if (s->nw == s->capw) {
            s->capw = s->capw ? s->capw * 2 : 256;
            s->w = xrealloc(s->w, s->capw * sizeof *s->w);
        }
        s->w[s->nw++] = w;
    }
    s->writes++;
    return true;
}

static void describe(sqlbuf *b, const history *h, size_t pos)
{
    const hist_op *op = &h->ops[pos];
    sb_printf(b, "index %lld, process %lld: %s", (long long)op->index, (long long)op->process,
              json_object_to_json_string_ext(op->value, JSON_C_TO_STRING_PLAIN));
}

/* Compares the distinct masks of the group of reads r[0..n); records each
 * fork. */
static void group_forks(const history *h, lf_state *s, const lf_read *r, size_t n,
                        check_result *out)
{
    size_t count[MASKS] = {0}, example[MASKS] = {0};
    for (size_t i = 0; i < n; i++)
        if (count[r[i].mask]++ == 0)
            example[r[i].mask] = r[i].pos;
    for (unsigned a = 0; a < MASKS; a++) {
        for (unsigned b = a + 1; b < MASKS; b++) {
            if (!count[a] || !count[b] || (a & ~b) == 0 || (b & ~a) == 0)
                continue;
            size_t pairs = count[a] * count[b];
            s->forks += pairs;
            sqlbuf t = SQLBUF_INIT;
            sb_printf(&t, "keys %lld..%lld: two reads saw different inserts, each missing one "
                          "the other saw, so the inserts were observed in opposite orders "
                          "(%zu such pairs)\n  ",
                      (long long)r[0].first_key, (long long)r[0].first_key + GROUP - 1, pairs);
            describe(&t, h, example[a]);
            sb_add(&t, "\n  ");
            describe(&t, h, example[b]);
            check_result_add(out, "long-fork", sb_str(&t));
            out->anomalies[out->nanomalies - 1].count += pairs - 1;
            sb_free(&t);
        }
    }
}

static void find_forks(const history *h, lf_state *s, check_result *out)
{
    qsort(s->r, s->nr, sizeof *s->r, cmp_read);
    for (size_t i = 0, j; i < s->nr; i = j) {
        for (j = i + 1; j < s->nr && s->r[j].first_key == s->r[i].first_key; j++)
            ;
        s->groups++;
        group_forks(h, s, &s->r[i], j - i, out);
    }
}

/* Sorts the writes; sets s->unknown when some key was written twice. */
static void check_single_writes(lf_state *s)
{
    qsort(s->w, s->nw, sizeof *s->w, cmp_write);
    for (size_t i = 1; i < s->nw; i++)
        if (s->w[i].key == s->w[i - 1].key) {
            set_unknown(s, xasprintf("key %lld was written more than once, so reads cannot "
                                     "tell which write they saw",
                                     (long long)s->w[i].key));
            return;
        }
}

static void judge(const lf_state *s, bool allowed, check_result *out)
{
    if (s->unknown) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup(s->unknown);
    } else if (out->nanomalies && !allowed) {
        out->verdict = VERDICT_INVALID;
        out->reason = xstrdup("long forks found, which snapshot isolation and stronger forbid");
    } else if (s->nr == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no read completed ok: nothing to compare");
    } else if (s->early + s->late == s->nr) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("every read saw none or all of its group's inserts, so no read "
                              "could show an order (a vacuous pass)");
    } else {
        out->verdict = VERDICT_VALID;
        if (out->nanomalies)
            out->reason = xstrdup("long forks found, which read committed allows (each "
                                  "statement takes its own snapshot)");
    }
}

int check_long_fork(const history *h, const check_opts *o, check_result *out)
{
    memset(out, 0, sizeof *out);
    lf_state s = {0};
    int64_t *pair = check_pair_ops(h);
    /* Writes first: a read is judged against every write of the history. */
    for (size_t i = 0; i < h->n; i++)
        if (h->ops[i].type == H_INVOKE && strcmp(h->ops[i].f, "txn") == 0)
            add_writes(h, &s, i, pair[i]);
    check_single_writes(&s);
    for (size_t i = 0; !s.unknown && i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        if (op->type != H_OK || strcmp(op->f, "txn") != 0)
            continue;
        const char *f0 = check_json_str(check_json_at(check_json_at(op->value, 0), 0));
        if (f0 && strcmp(f0, "r") == 0)
            add_read(h, &s, i);
    }
    free(pair);
    if (!s.unknown)
        find_forks(h, &s, out);
    judge(&s, o && o->isolation == ISO_READ_COMMITTED, out);
    out->stats = xasprintf("%zu ok reads over %zu groups (%zu saw no insert, %zu saw all, %zu "
                           "saw some); %zu inserts; %zu forked pairs",
                           s.nr, s.groups, s.early, s.late, s.nr - s.early - s.late, s.writes,
                           s.forks);
    free(s.unknown);
    free(s.r);
    free(s.w);
    return 0;
}
