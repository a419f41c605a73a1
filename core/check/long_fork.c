/* long_fork.c - the long-fork checker (checkers-spec.md §3.4, §6.4).
 *
 * Writes insert fresh keys ([["w", k, 1]]); reads take a whole group of
 * GROUP keys ([["r", k, v] ...]). Two reads of one group fork when each
 * saw an insert the other did not: the inserts were observed in opposite
 * orders, which snapshot isolation and stronger forbid. A read is reduced
 * to the set of its group's keys it saw (a bit mask), so each group
 * compares its distinct masks, not every pair of reads. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "register_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

#define GROUP 3
#define MASKS (1u << GROUP)

typedef struct group_reads {
    int64_t first_key;
    size_t count[MASKS];  /* ok reads that saw exactly this subset */
    size_t example[MASKS]; /* history position of the first such read */
} group_reads;

typedef struct lf_state {
    group_reads *g;
    size_t ng, capg;
    int64_t *written;
    size_t nwritten, capw;
    size_t reads, writes, early, late, forks;
    char *unknown;        /* why the history cannot be judged (owned) */
} lf_state;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static group_reads *group_of(lf_state *s, int64_t first)
{
    for (size_t i = s->ng; i-- > 0;)
        if (s->g[i].first_key == first)
            return &s->g[i];
    if (s->ng == s->capg) {
        s->capg = s->capg ? s->capg * 2 : 64;
        s->g = xrealloc(s->g, s->capg * sizeof *s->g);
    }
    group_reads *g = &s->g[s->ng++];
    memset(g, 0, sizeof *g);
    g->first_key = first;
    return g;
}

static void set_unknown(lf_state *s, char *why)
{
    if (!s->unknown)
        s->unknown = why;
    else
        free(why);
}

/* Records one ok read (the mop list at position pos). */
static void add_read(const history *h, lf_state *s, size_t pos)
{
    json_object *mops = h->ops[pos].value;
    size_t n = json_object_is_type(mops, json_type_array) ? json_object_array_length(mops) : 0;
    int64_t first = 0;
    unsigned mask = 0, keys = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(mops, i);
        int64_t k, v;
        if (json_object_array_length(m) != 3 ||
            !check_json_int(json_object_array_get_idx(m, 1), &k)) {
            keys = ~0u;
            break;
        }
        int64_t f = k - ((k % GROUP) + GROUP) % GROUP;
        if (i == 0)
            first = f;
        if (f != first || keys >> (k - f) & 1) {
            keys = ~0u;
            break;
        }
        keys |= 1u << (k - f);
        json_object *val = json_object_array_get_idx(m, 2);
        if (!val)
            continue;
        if (!check_json_int(val, &v) || v != 1) {
            set_unknown(s, xasprintf("the read at index %lld saw key %lld = %s, a value no "
                                     "write wrote (writes write 1)",
                                     (long long)h->ops[pos].index, (long long)k,
                                     json_object_to_json_string(val)));
            return;
        }
        mask |= 1u << (k - f);
    }
    if (keys != MASKS - 1) {
        set_unknown(s, xasprintf("illegal history: the read at index %lld does not cover "
                                 "exactly one group of %d keys",
                                 (long long)h->ops[pos].index, GROUP));
        return;
    }
    s->reads++;
    s->early += mask == 0;
    s->late += mask == MASKS - 1;
    group_reads *g = group_of(s, first);
    if (g->count[mask]++ == 0)
        g->example[mask] = pos;
}

static void add_write(const history *h, lf_state *s, size_t pos)
{
    json_object *mops = h->ops[pos].value;
    size_t n = json_object_is_type(mops, json_type_array) ? json_object_array_length(mops) : 0;
    for (size_t i = 0; i < n; i++) {
        int64_t k;
        json_object *m = json_object_array_get_idx(mops, i);
        if (!check_json_int(json_object_array_get_idx(m, 1), &k))
            continue;
        if (s->nwritten == s->capw) {
            s->capw = s->capw ? s->capw * 2 : 256;
            s->written = xrealloc(s->written, s->capw * sizeof *s->written);
        }
        s->written[s->nwritten++] = k;
    }
    s->writes++;
}

/* True when the first micro-op of a txn value is a write. */
static bool is_write(json_object *mops)
{
    json_object *m = json_object_array_get_idx(mops, 0);
    const char *f = m ? json_object_get_string(json_object_array_get_idx(m, 0)) : NULL;
    return f && strcmp(f, "w") == 0;
}

static void describe(sqlbuf *b, const history *h, size_t pos)
{
    const hist_op *op = &h->ops[pos];
    sb_printf(b, "index %lld, process %lld: %s", (long long)op->index, (long long)op->process,
              json_object_to_json_string_ext(op->value, JSON_C_TO_STRING_PLAIN));
}

/* Compares the distinct masks of every group; records each fork. */
static void find_forks(const history *h, lf_state *s, check_result *out)
{
    for (size_t i = 0; i < s->ng; i++) {
        group_reads *g = &s->g[i];
        for (unsigned a = 0; a < MASKS; a++) {
            for (unsigned b = a + 1; b < MASKS; b++) {
                if (!g->count[a] || !g->count[b] || (a & ~b) == 0 || (b & ~a) == 0)
                    continue;
                s->forks += g->count[a] * g->count[b];
                sqlbuf t = SQLBUF_INIT;
                sb_printf(&t, "keys %lld..%lld: two reads saw different inserts, each missing "
                              "one the other saw, so the inserts were observed in opposite "
                              "orders\n  ",
                          (long long)g->first_key, (long long)g->first_key + GROUP - 1);
                describe(&t, h, g->example[a]);
                sb_add(&t, "\n  ");
                describe(&t, h, g->example[b]);
                check_result_add(out, "long-fork", sb_str(&t));
                out->anomalies[out->nanomalies - 1].count += g->count[a] * g->count[b] - 1;
                sb_free(&t);
            }
        }
    }
}

/* Sets *s->unknown when some key was written more than once. */
static void check_single_writes(lf_state *s)
{
    qsort(s->written, s->nwritten, sizeof *s->written, cmp_i64);
    for (size_t i = 1; i < s->nwritten; i++)
        if (s->written[i] == s->written[i - 1]) {
            set_unknown(s, xasprintf("key %lld was written more than once, so reads cannot "
                                     "tell which write they saw",
                                     (long long)s->written[i]));
            return;
        }
}

int check_long_fork(const history *h, const check_opts *o, check_result *out)
{
    memset(out, 0, sizeof *out);
    lf_state s = {0};
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        if (strcmp(op->f, "txn") != 0 || !json_object_is_type(op->value, json_type_array))
            continue;
        bool w = is_write(op->value);
        if (w && op->type == H_INVOKE)
            add_write(h, &s, i);
        else if (!w && op->type == H_OK)
            add_read(h, &s, i);
    }
    check_single_writes(&s);
    if (!s.unknown)
        find_forks(h, &s, out);
    bool allowed = o && o->isolation == ISO_READ_COMMITTED;
    if (s.unknown) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = s.unknown;
    } else if (out->nanomalies && !allowed) {
        out->verdict = VERDICT_INVALID;
        out->reason = xstrdup("long forks found, which snapshot isolation and stronger forbid");
    } else if (s.reads == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no read completed ok: nothing to compare");
    } else if (s.early + s.late == s.reads) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("every read saw none or all of its group's inserts, so no read "
                              "could show an order (a vacuous pass)");
    } else {
        out->verdict = VERDICT_VALID;
        if (out->nanomalies)
            out->reason = xstrdup("long forks found, which read committed allows (each "
                                  "statement takes its own snapshot)");
    }
    out->stats = xasprintf("%zu ok reads over %zu groups (%zu saw no insert, %zu saw all, %zu "
                           "saw some); %zu inserts; %zu forked pairs",
                           s.reads, s.ng, s.early, s.late, s.reads - s.early - s.late,
                           s.writes, s.forks);
    free(s.g);
    free(s.written);
    return 0;
}
