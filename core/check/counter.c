/* counter.c - the counter checker (checkers-spec.md §3.2, §6.2).
 *
 * Walking the history in order: an add's value joins the upper bound at
 * its invocation (unless it is known to have failed) and the lower bound
 * at its ok completion. An ok read must lie between the lower bound at its
 * invocation and the upper bound at its completion. Our extension: reads
 * of one process never go down (single-node PostgreSQL is strong-session
 * at every level).
 *
 * Fed one record at a time (feed.h), an add still open when a read
 * completes counts toward that read's upper bound until its completion
 * says it failed: the reads completed while some add was open are kept
 * until every such add has ended, and judged again when one fails. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "feed.h"
#include "register_internal.h"

#include "../util.h"

typedef struct counter_walk {
    int64_t lower, upper;
    size_t reads, adds_invoked, adds_ok, adds_failed, adds_info, adds_dropped, adds_open,
        malformed;
} counter_walk;

/* The last ok read of a process, for the monotonic-reads rule. */
typedef struct last_read {
    int64_t value, index;
} last_read;

/* What the open invocation of a process is (open_op.b). */
enum { INV_OTHER, INV_ADD, INV_READ };

/* How an ok read compares with its bounds. */
enum { R_WITHIN, R_BELOW, R_ABOVE };

/* One ok read judged against its bounds. */
typedef struct judged_read {
    int64_t pos, index, process;
    int64_t value, lo, hi;
    int verdict;
} judged_read;

/* The first read that broke a rule, and how many did. */
typedef struct bound_finding {
    size_t count;
    judged_read first; /* first.pos < 0: none */
} bound_finding;

/* A finding whose example is fixed when it is found. */
typedef struct text_finding {
    size_t count;
    int64_t pos;
    char *example;
} text_finding;

/* A valid add invocation, in invocation order (for the earliest open). */
typedef struct add_mark {
    int64_t pos, process;
} add_mark;

struct counter_state {
    int64_t pos;               /* records fed */
    pairing pairs;             /* open invocations; b: INV_*, a: the add's value or the
                                * lower bound at the read's invocation */
    counter_walk w;
    imap seen_at;              /* process -> position in seen */
    last_read *seen;
    size_t nseen, capseen;
    bound_finding below, above;
    text_finding nil, nonmonotonic;
    judged_read *unsettled;    /* reads completed while some add was open, in order */
    size_t uhead, un, ucap;
    add_mark *adds;            /* valid add invocations, oldest first (some ended) */
    size_t ahead, an, acap;
};

static void text_found(text_finding *t, int64_t pos, char *text)
{
    if (t->count++ == 0) {
        t->pos = pos;
        t->example = text;
    } else {
        free(text);
    }
}

/* Checks that the process's reads do not go down; remembers this one. */
static void check_monotonic(counter_state *s, int64_t pos, const hist_op *op, int64_t value)
{
    int64_t at;
    if (!imap_get(&s->seen_at, op->process, &at)) {
        if (s->nseen == s->capseen) {
            s->capseen = s->capseen ? s->capseen * 2 : 16;
            s->seen = xrealloc(s->seen, s->capseen * sizeof *s->seen);
        }
        s->seen[s->nseen] = (last_read){value, op->index};
        imap_put(&s->seen_at, op->process, (int64_t)s->nseen++);
        return;
    }
    last_read *l = &s->seen[at];
    if (value < l->value)
        text_found(&s->nonmonotonic, pos,
                   xasprintf("process %lld read %lld (index %lld), then %lld (index %lld): "
                             "the counter only grows, so a later read of the same session "
                             "went back in time",
                             (long long)op->process, (long long)l->value, (long long)l->index,
                             (long long)value, (long long)op->index));
    l->value = value;
    l->index = op->index;
}

static char *bound_example(const judged_read *r)
{
    if (r->verdict == R_BELOW)
        return xasprintf("read at index %lld (process %lld) returned %lld, but %lld had been "
                         "added by adds acknowledged before it began (bounds [%lld, %lld]): "
                         "acknowledged adds were lost",
                         (long long)r->index, (long long)r->process, (long long)r->value,
                         (long long)r->lo, (long long)r->lo, (long long)r->hi);
    return xasprintf("read at index %lld (process %lld) returned %lld, but at most %lld could "
                     "have been added by then (bounds [%lld, %lld]): adds were counted twice or "
                     "failed adds applied",
                     (long long)r->index, (long long)r->process, (long long)r->value,
                     (long long)r->hi, (long long)r->lo, (long long)r->hi);
}

/* Judges r against its bounds (the lower one first); counts a finding. */
static void judge_bounds(counter_state *s, judged_read *r)
{
    r->verdict = r->value < r->lo ? R_BELOW : r->value > r->hi ? R_ABOVE : R_WITHIN;
    bound_finding *f = r->verdict == R_BELOW ? &s->below : r->verdict == R_ABOVE ? &s->above
                                                                                 : NULL;
    if (!f)
        return;
    if (f->count++ == 0 || r->pos < f->first.pos)
        f->first = *r;
}

/* Position of the earliest valid add still open, or INT64_MAX. */
static int64_t earliest_open_add(counter_state *s)
{
    while (s->ahead < s->an) {
        const add_mark *m = &s->adds[s->ahead];
        const open_op *o = pairing_open(&s->pairs, m->process);
        if (o && o->pos == m->pos)
            return m->pos;
        s->ahead++;
    }
    s->ahead = s->an = 0;
    return INT64_MAX;
}

/* Forgets the reads that no open add can change any more. */
static void settle(counter_state *s)
{
    int64_t open = earliest_open_add(s);
    while (s->uhead < s->un && s->unsettled[s->uhead].pos < open)
        s->uhead++;
    if (s->uhead == s->un)
        s->uhead = s->un = 0;
    if (s->ahead > 1024 && s->ahead * 2 > s->an) {
        memmove(s->adds, s->adds + s->ahead, (s->an - s->ahead) * sizeof *s->adds);
        s->an -= s->ahead;
        s->ahead = 0;
    }
    if (s->uhead > 1024 && s->uhead * 2 > s->un) {
        memmove(s->unsettled, s->unsettled + s->uhead,
                (s->un - s->uhead) * sizeof *s->unsettled);
        s->un -= s->uhead;
        s->uhead = 0;
    }
}

/* The add of value v invoked at position inv failed: it leaves the upper
 * bound of every read completed since. */
static void add_failed(counter_state *s, int64_t inv, int64_t v)
{
    size_t lo = s->uhead, hi = s->un;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->unsettled[mid].pos <= inv)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < s->un; i++) {
        judged_read *r = &s->unsettled[i];
        r->hi -= v;
        if (r->verdict == R_WITHIN)
            judge_bounds(s, r);
        if (s->below.count && s->below.first.pos == r->pos)
            s->below.first.hi = r->hi;
        if (s->above.count && s->above.first.pos == r->pos)
            s->above.first = *r;
    }
}

/* An invocation ends (completion type t, or never: dropped). */
static void invocation_ended(counter_state *s, open_op *inv, bool dropped, hist_type t)
{
    if (inv->b == INV_ADD) {
        s->w.adds_open--;
        if (dropped)
            s->w.adds_dropped++;
        else if (t == H_INFO)
            s->w.adds_info++;
        else if (t == H_FAIL) {
            s->w.adds_failed++;
            s->w.upper -= inv->a;
            add_failed(s, inv->pos, inv->a);
        }
        settle(s);
    }
    open_op_release(inv);
}

static void invoke(counter_state *s, int64_t pos, const hist_op *op)
{
    open_op dropped;
    bool had;
    open_op *o = pairing_invoke(&s->pairs, op, pos, &dropped, &had);
    int64_t v;
    if (strcmp(op->f, "add") == 0) {
        if (!check_json_int(op->value, &v) || v < 0) {
            s->w.malformed++;
        } else {
            o->b = INV_ADD;
            o->a = v;
            s->w.adds_invoked++;
            s->w.adds_open++;
            s->w.upper += v;
            if (s->an == s->acap) {
                s->acap = s->acap ? s->acap * 2 : 64;
                s->adds = xrealloc(s->adds, s->acap * sizeof *s->adds);
            }
            s->adds[s->an++] = (add_mark){pos, op->process};
        }
    } else if (strcmp(op->f, "read") == 0) {
        o->b = INV_READ;
        o->a = s->w.lower;
    }
    if (had)
        invocation_ended(s, &dropped, true, H_INFO);
}

static void read_ok(counter_state *s, int64_t pos, const hist_op *op, int64_t lo)
{
    s->w.reads++;
    int64_t v;
    if (!check_json_int(op->value, &v)) {
        text_found(&s->nil, pos,
                   xasprintf("read at index %lld (process %lld) returned no count: the "
                             "counter's row was gone",
                             (long long)op->index, (long long)op->process));
        return;
    }
    judged_read r = {pos, op->index, op->process, v, lo, s->w.upper, R_WITHIN};
    judge_bounds(s, &r);
    if (s->w.adds_open) {
        if (s->un == s->ucap) {
            s->ucap = s->ucap ? s->ucap * 2 : 256;
            s->unsettled = xrealloc(s->unsettled, s->ucap * sizeof *s->unsettled);
        }
        s->unsettled[s->un++] = r;
    }
    check_monotonic(s, pos, op, v);
}

counter_state *counter_new(const check_opts *o)
{
    (void)o;
    counter_state *s = xcalloc(1, sizeof *s);
    s->below.first.pos = s->above.first.pos = -1;
    return s;
}

void counter_feed(counter_state *s, const hist_op *op)
{
    int64_t pos = s->pos++;
    if (op->type == H_INVOKE) {
        invoke(s, pos, op);
        return;
    }
    open_op inv;
    bool paired = pairing_complete(&s->pairs, op->process, &inv);
    int64_t lo = paired && inv.b == INV_READ ? inv.a : 0;
    if (paired)
        invocation_ended(s, &inv, false, op->type);
    int64_t v;
    if (strcmp(op->f, "add") == 0 && op->type == H_OK) {
        if (check_json_int(op->value, &v) && v >= 0) {
            s->w.lower += v;
            s->w.adds_ok++;
        }
    } else if (strcmp(op->f, "read") == 0 && op->type == H_OK) {
        read_ok(s, pos, op, lo);
    }
}

/* One kind of anomaly for the result, in the order the walk finds them:
 * by the read that first showed it, and within one read the bounds
 * before monotonicity. */
typedef struct found {
    const char *type;
    size_t count;
    int64_t pos;
    int rank;
    char *example;
} found;

static int cmp_found(const void *a, const void *b)
{
    const found *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return x->rank - y->rank;
}

void counter_result(const counter_state *s, check_result *out)
{
    memset(out, 0, sizeof *out);
    found f[4];
    size_t n = 0;
    if (s->nil.count)
        f[n++] = (found){"nil-read", s->nil.count, s->nil.pos, 0, xstrdup(s->nil.example)};
    if (s->below.count)
        f[n++] = (found){"read-below-lower-bound", s->below.count, s->below.first.pos, 0,
                         bound_example(&s->below.first)};
    if (s->above.count)
        f[n++] = (found){"read-above-upper-bound", s->above.count, s->above.first.pos, 0,
                         bound_example(&s->above.first)};
    if (s->nonmonotonic.count)
        f[n++] = (found){"nonmonotonic-read", s->nonmonotonic.count, s->nonmonotonic.pos, 1,
                         xstrdup(s->nonmonotonic.example)};
    qsort(f, n, sizeof *f, cmp_found);
    for (size_t i = 0; i < n; i++) {
        check_result_add(out, f[i].type, f[i].example);
        out->anomalies[out->nanomalies - 1].count = f[i].count;
        free(f[i].example);
    }
    const counter_walk *w = &s->w;
    if (out->nanomalies) {
        out->verdict = VERDICT_INVALID;
        out->reason = xstrdup("some reads cannot be explained by the adds (see the anomalies)");
    } else if (w->reads == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no read completed ok: nothing to compare with the adds");
    } else if (w->malformed) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xasprintf("%zu adds had no non-negative integer value", w->malformed);
    } else if (w->adds_invoked == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no add was attempted, so the reads had nothing to count");
    } else {
        out->verdict = VERDICT_VALID;
    }
    out->stats = xasprintf("%zu ok reads; adds: %zu ok, %zu failed, %zu indeterminate; final "
                           "bounds [%lld, %lld]",
                           w->reads, w->adds_ok, w->adds_failed,
                           w->adds_info + w->adds_dropped + w->adds_open, (long long)w->lower,
                           (long long)w->upper);
}

void counter_free(counter_state *s)
{
    if (!s)
        return;
    pairing_free(&s->pairs);
    imap_free(&s->seen_at);
    free(s->seen);
    free(s->nil.example);
    free(s->nonmonotonic.example);
    free(s->unsettled);
    free(s->adds);
    free(s);
}
