/* set.c - the set checker (checkers-spec.md §3.3, §6.3): Jepsen's
 * set-full rules, with the classic final-read view alongside.
 *
 * For every element e: known is the first ok completion that shows e
 * exists (its add, or a read containing it); last-present and last-absent
 * are the latest read invocations whose reads contained / lacked e.
 * Positions in the history order everything, so "a read begun after e was
 * known" is an index comparison of that read's invocation with known.
 *
 *   stable      last seen present (last-absent before last-present);
 *   lost        a read begun after e was known lacked it, and no read begun
 *               later had it again;
 *   never-read  neither (no read began after e was known).
 *
 * A stable element that some read begun after it was known still missed
 * is stale. On one PostgreSQL server a statement that starts after a
 * commit was acknowledged sees it, so stale is a finding here (set-full's
 * linearizable mode). Stable and lost latencies (from known to the last
 * read that missed it) are reported as quantiles.
 *
 * Our additions: an element read but never added, or read before its add
 * was even invoked, is unexpected; an element whose add definitely failed
 * but that a read showed is an aborted read; an element twice in one read
 * is a duplicate. Two adds of one element make the history uncheckable.
 *
 * The final-read view (Jepsen's classic set checker) looks at the last ok
 * read only: acknowledged adds it lacks (counted only when they were
 * acknowledged before it began, so a mid-run check does not cry wolf) and
 * indeterminate adds it shows (recovered).
 *
 * Fed one record at a time (feed.h), the state keeps per element the
 * position, index and time of the records the rules and examples name,
 * since the records themselves are gone. An ok read marks every element it
 * lacks absent; an element first seen later was absent from all the ok
 * reads before, so it starts with the latest of their invocations as
 * last-absent. An add's outcome is learnt at its completion: until then,
 * and for good when its process invokes again first, it is indeterminate.
 * The result classifies the elements in value order without changing the
 * state; duplicates, found as reads arrive, are listed first. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "feed.h"
#include "register_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

#define NONE (-1)

/* A record: its position in the history (NONE: no such record), with the
 * index and time it carried, for the examples and the latencies. */
typedef struct mark {
    int64_t pos, index, time;
} mark;

static const mark NO_MARK = {NONE, -1, 0};

typedef struct elem_state {
    int64_t value;
    mark add_invoke;       /* its add's invocation; pos NONE: never added */
    int64_t adds;          /* add invocations seen */
    hist_type add_outcome; /* H_INFO also when the add never completed */
    mark known;            /* the first completion showing it exists */
    mark first_read;       /* the completion of the first ok read showing it */
    mark last_present;     /* read invocations */
    mark last_absent;
    size_t seen_in;        /* the last read it was found in (a read number) */
} elem_state;

struct set_state {
    int64_t pos;            /* records fed */
    pairing pairs;          /* open invocations; b: 1 for an element's first add,
                             * a: that element (position in e) */
    imap at;                /* element value -> position in e */
    elem_state *e;          /* in order of first appearance */
    size_t n, cap;
    size_t reads, adds, malformed;
    mark read_invoked;      /* the latest invocation of an ok read: every element
                             * first seen after it was absent from all reads so far */
    mark final_read;        /* the last ok read's completion */
    mark final_invoke;      /* and its invocation */
    int64_t twice_added;    /* an element added twice, or NONE */
    size_t duplicates;      /* repeats of an element within one read; the first: */
    int64_t dup_value, dup_index;
};

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static mark mark_of(const hist_op *op, int64_t pos)
{
    return (mark){pos, op->index, op->time};
}

static bool is_add(const hist_op *op)
{
    return strcmp(op->f, "add") == 0;
}

static bool is_ok_read(const hist_op *op)
{
    return op->type == H_OK && strcmp(op->f, "read") == 0;
}

/* Returns the position in s->e of element v, new when first seen. */
static size_t elem_of(set_state *s, int64_t v)
{
    int64_t k;
    if (imap_get(&s->at, v, &k))
        return (size_t)k;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->e = xrealloc(s->e, s->cap * sizeof *s->e);
    }
    s->e[s->n] = (elem_state){.value = v, .add_invoke = NO_MARK, .add_outcome = H_INFO,
                              .known = NO_MARK, .first_read = NO_MARK,
                              .last_present = NO_MARK, .last_absent = s->read_invoked};
    imap_put(&s->at, v, (int64_t)s->n);
    return s->n++;
}

static void note_known(elem_state *e, mark m)
{
    if (e->known.pos == NONE || m.pos < e->known.pos)
        e->known = m;
}

/* Makes *m the later of *m and x. */
static void later(mark *m, mark x)
{
    if (x.pos > m->pos)
        *m = x;
}

/* An add invocation (open as o): the element's first add waits for its
 * completion to say whether it happened. */
static void add_invoked(set_state *s, open_op *o, const hist_op *op, int64_t pos)
{
    int64_t v;
    if (!check_json_int(op->value, &v)) {
        s->malformed++;
        return;
    }
    size_t k = elem_of(s, v);
    elem_state *e = &s->e[k];
    s->adds++;
    if (e->adds++) {
        if (s->twice_added == NONE)
            s->twice_added = v;
        return;
    }
    e->add_invoke = mark_of(op, pos);
    o->a = (int64_t)k;
    o->b = 1;
}

/* Applies one ok read (completion op at pos, invoked at inv). */
static void read_ok(set_state *s, const hist_op *op, int64_t pos, mark inv)
{
    if (!json_object_is_type(op->value, json_type_array)) {
        s->malformed++;
        return;
    }
    s->final_invoke = inv;
    size_t stamp = ++s->reads;
    size_t len = check_json_len(op->value);
    for (size_t j = 0; j < len; j++) {
        int64_t v;
        if (!check_json_int(check_json_at(op->value, j), &v)) {
            s->malformed++;
            continue;
        }
        size_t k = elem_of(s, v); /* may move s->e */
        elem_state *e = &s->e[k];
        if (e->seen_in == stamp && s->duplicates++ == 0) {
            s->dup_value = v;
            s->dup_index = op->index;
        }
        e->seen_in = stamp;
        later(&e->last_present, inv);
        if (e->first_read.pos == NONE)
            e->first_read = mark_of(op, pos);
        note_known(e, mark_of(op, pos));
    }
    for (size_t k = 0; k < s->n; k++)
        if (s->e[k].seen_in != stamp)
            later(&s->e[k].last_absent, inv);
    later(&s->read_invoked, inv);
    s->final_read = mark_of(op, pos);
}

set_state *set_new(const check_opts *o)
{
    (void)o;
    set_state *s = xcalloc(1, sizeof *s);
    s->read_invoked = s->final_read = s->final_invoke = NO_MARK;
    s->twice_added = NONE;
    return s;
}

void set_feed(set_state *s, const hist_op *op)
{
    int64_t pos = s->pos++;
    open_op inv;
    bool paired;
    if (op->type == H_INVOKE) {
        open_op *o = pairing_invoke(&s->pairs, op, pos, &inv, &paired);
        if (is_add(op))
            add_invoked(s, o, op, pos);
        if (paired)
            open_op_release(&inv); /* never completes: its add stays indeterminate */
        return;
    }
    paired = pairing_complete(&s->pairs, op->process, &inv);
    if (paired && inv.b) {
        elem_state *e = &s->e[inv.a];
        e->add_outcome = op->type;
        if (op->type == H_OK)
            note_known(e, mark_of(op, pos));
    }
    if (paired)
        open_op_release(&inv);
    if (is_ok_read(op))
        read_ok(s, op, pos, paired ? (mark){inv.pos, inv.index, inv.time} : mark_of(op, pos));
}

typedef struct quantiles {
    int64_t *v;
    size_t n, cap;
} quantiles;

static void q_add(quantiles *q, int64_t x)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 256;
        q->v = xrealloc(q->v, q->cap * sizeof *q->v);
    }
    q->v[q->n++] = x;
}

/* Adds "0: a, 0.5: b, 0.95: c, 0.99: d, 1: e ms" of q's values (ns). */
static void q_print(sqlbuf *b, quantiles *q)
{
    static const double QS[] = {0, .5, .95, .99, 1};
    static const char *const NAMES[] = {"0", "0.5", "0.95", "0.99", "1"};
    if (q->n)
        qsort(q->v, q->n, sizeof *q->v, cmp_i64);
    for (size_t i = 0; i < ARRAY_LEN(QS); i++) {
        size_t at = q->n ? (size_t)(QS[i] * (double)(q->n - 1) + 0.5) : 0;
        sb_printf(b, "%s%s: %.3f", i ? ", " : "", NAMES[i],
                  q->n ? (double)q->v[at] / 1e6 : 0.0);
    }
    sb_add(b, " ms");
}

typedef struct set_counts {
    size_t stable, lost, never_read, stale, unexpected, aborted, recovered, final_lost,
        final_size;
    quantiles stable_lat, lost_lat;
} set_counts;

static void add_element(check_result *out, const char *type, const elem_state *e,
                        const char *what)
{
    char *why = xasprintf("element %lld %s: known at index %lld, last read present at index "
                          "%lld, last read absent at index %lld",
                          (long long)e->value, what, (long long)e->known.index,
                          (long long)e->last_present.index, (long long)e->last_absent.index);
    check_result_add(out, type, why);
    free(why);
}

/* Records the anomalies of an element that was not (properly) added.
 * Returns true when e was one. */
static bool misread(const elem_state *e, set_counts *c, check_result *out)
{
    char *why = NULL;
    const char *type = "unexpected";
    if (e->add_invoke.pos == NONE)
        why = xasprintf("element %lld was read (first in the read ending at index %lld) but "
                        "never added", (long long)e->value, (long long)e->first_read.index);
    else if (e->first_read.pos != NONE && e->first_read.pos < e->add_invoke.pos)
        why = xasprintf("element %lld was read (in the read ending at index %lld) before its "
                        "add was invoked (index %lld)", (long long)e->value,
                        (long long)e->first_read.index, (long long)e->add_invoke.index);
    if (why) {
        c->unexpected++;
    } else if (e->add_outcome == H_FAIL && e->first_read.pos != NONE) {
        type = "aborted-read";
        c->aborted++;
        why = xasprintf("element %lld: its add failed (index %lld), so it definitely did not "
                        "happen, yet the read ending at index %lld showed it",
                        (long long)e->value, (long long)e->add_invoke.index,
                        (long long)e->first_read.index);
    }
    if (!why)
        return false;
    check_result_add(out, type, why);
    free(why);
    return true;
}

/* Classifies element e and records its anomalies. */
static void classify(const set_state *s, const elem_state *e, set_counts *c,
                     check_result *out)
{
    if (misread(e, c, out))
        return;
    bool in_final = s->final_read.pos != NONE && e->seen_in == s->reads;
    c->final_size += in_final;
    if (in_final && e->add_outcome != H_OK && e->add_outcome != H_FAIL)
        c->recovered++;
    if (!in_final && s->final_read.pos != NONE && e->add_outcome == H_OK &&
        e->known.pos < s->final_invoke.pos)
        c->final_lost++;
    int64_t known_t = e->known.pos != NONE ? e->known.time : 0;
    if (e->last_present.pos != NONE && e->last_absent.pos < e->last_present.pos) {
        c->stable++;
        bool stale = e->known.pos != NONE && e->known.pos < e->last_absent.pos;
        q_add(&c->stable_lat, stale ? MAX(e->last_absent.time + 1 - known_t, 0) : 0);
        if (stale) {
            c->stale++;
            add_element(out, "stale", e,
                        "was missing from a read begun after it was known, and seen again "
                        "later");
        }
    } else if (e->known.pos != NONE && e->last_absent.pos != NONE &&
               e->known.pos < e->last_absent.pos) {
        c->lost++;
        q_add(&c->lost_lat, MAX(e->last_absent.time - known_t, 0));
        add_element(out, "lost", e,
                    "was lost: a read begun after it was known lacked it, and no read begun "
                    "later had it");
    } else {
        c->never_read++;
    }
}

static void judge(const set_state *s, const set_counts *c, check_result *out)
{
    if (out->nanomalies) {
        out->verdict = VERDICT_INVALID;
        out->reason = xstrdup("elements were lost, missed, duplicated or made up (see the "
                              "anomalies)");
    } else if (s->twice_added != NONE) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xasprintf("element %lld was added more than once, so reads cannot tell "
                                "which add they saw", (long long)s->twice_added);
    } else if (s->reads == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no read completed ok: nothing shows which elements exist");
    } else if (c->stable == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no element was ever read as stable (present in the last read "
                              "that looked for it)");
    } else if (s->malformed) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xasprintf("%zu adds or read elements were not integers", s->malformed);
    } else {
        out->verdict = VERDICT_VALID;
    }
}

static int cmp_elem(const void *a, const void *b)
{
    return cmp_i64(&(*(const elem_state *const *)a)->value,
                   &(*(const elem_state *const *)b)->value);
}

void set_result(const set_state *s, check_result *out)
{
    memset(out, 0, sizeof *out);
    if (s->duplicates) {
        char *why = xasprintf("element %lld appears twice in the read at index %lld",
                              (long long)s->dup_value, (long long)s->dup_index);
        check_result_add(out, "duplicate", why);
        out->anomalies[out->nanomalies - 1].count = s->duplicates;
        free(why);
    }
    /* By value, so that the examples name the least elements. */
    const elem_state **by_value = xmalloc((s->n ? s->n : 1) * sizeof *by_value);
    for (size_t k = 0; k < s->n; k++)
        by_value[k] = &s->e[k];
    if (s->n)
        qsort(by_value, s->n, sizeof *by_value, cmp_elem);
    set_counts c = {0};
    for (size_t k = 0; k < s->n; k++)
        classify(s, by_value[k], &c, out);
    free(by_value);
    judge(s, &c, out);
    sqlbuf b = SQLBUF_INIT;
    sb_printf(&b, "%zu adds attempted, %zu ok reads; %zu stable, %zu lost, %zu never read, %zu "
                  "stale, %zu unexpected, %zu aborted reads; ",
              s->adds, s->reads, c.stable, c.lost, c.never_read, c.stale, c.unexpected,
              c.aborted);
    if (s->final_read.pos != NONE)
        sb_printf(&b, "final read (index %lld): %zu elements, %zu acknowledged adds missing, "
                      "%zu indeterminate adds recovered; ",
                  (long long)s->final_read.index, c.final_size, c.final_lost, c.recovered);
    sb_add(&b, "stable latency ");
    q_print(&b, &c.stable_lat);
    if (c.lost) {
        sb_add(&b, "; lost latency ");
        q_print(&b, &c.lost_lat);
    }
    if (s->malformed)
        sb_printf(&b, "; %zu malformed values skipped", s->malformed);
    out->stats = sb_steal(&b);
    free(c.stable_lat.v);
    free(c.lost_lat.v);
}

void set_free(set_state *s)
{
    if (!s)
        return;
    pairing_free(&s->pairs);
    imap_free(&s->at);
    free(s->e);
    free(s);
}
