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
 * indeterminate adds it shows (recovered). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "register_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

#define NONE (-1)

typedef struct elem_state {
    int64_t value;
    int64_t add_invoke;    /* position of its add's invocation, NONE: never added */
    int64_t adds;          /* add invocations seen */
    hist_type add_outcome; /* H_INFO also when the add never completed */
    int64_t known;         /* position of the first completion showing it exists */
    int64_t first_read;    /* completion position of the first ok read showing it */
    int64_t last_present;  /* read invocation positions */
    int64_t last_absent;
    size_t seen_in;        /* the last read it was found in (a read number) */
    bool in_final;         /* present in the last ok read */
} elem_state;

typedef struct set_state {
    elem_state *e;
    size_t n;
    size_t reads, adds, malformed;
    int64_t final_read;     /* position of the last ok read's completion */
    int64_t final_invoke;   /* and of its invocation */
    int64_t twice_added;    /* an element added twice, or NONE */
} set_state;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static elem_state *find(const set_state *s, int64_t v)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->e[mid].value < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->e[lo].value == v ? &s->e[lo] : NULL;
}

static bool is_add(const hist_op *op)
{
    return strcmp(op->f, "add") == 0;
}

static bool is_ok_read(const hist_op *op)
{
    return op->type == H_OK && strcmp(op->f, "read") == 0;
}

/* Collects every element added or read, sorted and unique. */
static void collect(const history *h, set_state *s)
{
    int64_t *vals = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        bool add = is_add(op) && op->type == H_INVOKE, read = is_ok_read(op);
        size_t k = read ? check_json_len(op->value) : add;
        for (size_t j = 0; j < k; j++) {
            int64_t v;
            if (!check_json_int(read ? check_json_at(op->value, j) : op->value, &v))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                vals = xrealloc(vals, cap * sizeof *vals);
            }
            vals[n++] = v;
        }
    }
    qsort(vals, n, sizeof *vals, cmp_i64);
    s->e = xcalloc(n ? n : 1, sizeof *s->e);
    for (size_t i = 0; i < n; i++) {
        if (s->n && s->e[s->n - 1].value == vals[i])
            continue;
        s->e[s->n++] = (elem_state){.value = vals[i], .add_invoke = NONE, .add_outcome = H_INFO,
                                    .known = NONE, .first_read = NONE, .last_present = NONE,
                                    .last_absent = NONE};
    }
    free(vals);
}

static void note_known(elem_state *e, int64_t pos)
{
    if (e->known == NONE || pos < e->known)
        e->known = pos;
}

/* Applies one ok read (completion at pos, invoked at inv). */
static void apply_read(const history *h, set_state *s, size_t pos, int64_t inv,
                       check_result *out)
{
    json_object *list = h->ops[pos].value;
    size_t stamp = ++s->reads;
    size_t len = check_json_len(list);
    for (size_t j = 0; j < len; j++) {
        int64_t v;
        elem_state *e;
        if (!check_json_int(check_json_at(list, j), &v) || !(e = find(s, v))) {
            s->malformed++;
            continue;
        }
        if (e->seen_in == stamp) {
            char *why = xasprintf("element %lld appears twice in the read at index %lld",
                                  (long long)v, (long long)h->ops[pos].index);
            check_result_add(out, "duplicate", why);
            free(why);
        }
        e->seen_in = stamp;
        e->last_present = MAX(e->last_present, inv);
        if (e->first_read == NONE)
            e->first_read = (int64_t)pos;
        note_known(e, (int64_t)pos);
    }
    for (size_t k = 0; k < s->n; k++)
        if (s->e[k].seen_in != stamp)
            s->e[k].last_absent = MAX(s->e[k].last_absent, inv);
}

static void walk(const history *h, set_state *s, const int64_t *pair, check_result *out)
{
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        int64_t v;
        elem_state *e;
        if (is_add(op) && op->type == H_INVOKE) {
            if (!check_json_int(op->value, &v) || !(e = find(s, v))) {
                s->malformed++;
                continue;
            }
            s->adds++;
            if (e->adds++) {
                if (s->twice_added == NONE)
                    s->twice_added = v;
                continue;
            }
            e->add_invoke = (int64_t)i;
            e->add_outcome = pair[i] >= 0 ? h->ops[pair[i]].type : H_INFO;
            if (e->add_outcome == H_OK)
                note_known(e, pair[i]);
        } else if (is_ok_read(op)) {
            if (!json_object_is_type(op->value, json_type_array)) {
                s->malformed++;
                continue;
            }
            s->final_invoke = pair[i] >= 0 ? pair[i] : (int64_t)i;
            apply_read(h, s, i, s->final_invoke, out);
            s->final_read = (int64_t)i;
        }
    }
    for (size_t k = 0; k < s->n; k++)
        s->e[k].in_final = s->final_read != NONE && s->e[k].seen_in == s->reads;
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

static long long index_at(const history *h, int64_t pos)
{
    return pos >= 0 ? (long long)h->ops[pos].index : -1LL;
}

static void add_element(check_result *out, const char *type, const history *h,
                        const elem_state *e, const char *what)
{
    char *why = xasprintf("element %lld %s: known at index %lld, last read present at index "
                          "%lld, last read absent at index %lld",
                          (long long)e->value, what, index_at(h, e->known),
                          index_at(h, e->last_present), index_at(h, e->last_absent));
    check_result_add(out, type, why);
    free(why);
}

/* Records the anomalies of an element that was not (properly) added.
 * Returns true when e was one. */
static bool misread(const history *h, const elem_state *e, set_counts *c, check_result *out)
{
    char *why = NULL;
    const char *type = "unexpected";
    if (e->add_invoke == NONE)
        why = xasprintf("element %lld was read (first in the read ending at index %lld) but "
                        "never added", (long long)e->value, index_at(h, e->first_read));
    else if (e->first_read != NONE && e->first_read < e->add_invoke)
        why = xasprintf("element %lld was read (in the read ending at index %lld) before its "
                        "add was invoked (index %lld)", (long long)e->value,
                        index_at(h, e->first_read), index_at(h, e->add_invoke));
    if (why) {
        c->unexpected++;
    } else if (e->add_outcome == H_FAIL && e->first_read != NONE) {
        type = "aborted-read";
        c->aborted++;
        why = xasprintf("element %lld: its add failed (index %lld), so it definitely did not "
                        "happen, yet the read ending at index %lld showed it",
                        (long long)e->value, index_at(h, e->add_invoke),
                        index_at(h, e->first_read));
    }
    if (!why)
        return false;
    check_result_add(out, type, why);
    free(why);
    return true;
}

/* Classifies every element and records the anomalies. */
static void classify(const history *h, const set_state *s, set_counts *c, check_result *out)
{
    for (size_t k = 0; k < s->n; k++) {
        const elem_state *e = &s->e[k];
        if (misread(h, e, c, out))
            continue;
        c->final_size += e->in_final;
        if (e->in_final && e->add_outcome != H_OK && e->add_outcome != H_FAIL)
            c->recovered++;
        if (!e->in_final && s->final_read != NONE && e->add_outcome == H_OK &&
            e->known < s->final_invoke)
            c->final_lost++;
        int64_t known_t = e->known != NONE ? h->ops[e->known].time : 0;
        if (e->last_present != NONE && e->last_absent < e->last_present) {
            c->stable++;
            bool stale = e->known != NONE && e->known < e->last_absent;
            q_add(&c->stable_lat, stale ? MAX(h->ops[e->last_absent].time + 1 - known_t, 0) : 0);
            if (stale) {
                c->stale++;
                add_element(out, "stale", h, e,
                            "was missing from a read begun after it was known, and seen again "
                            "later");
            }
        } else if (e->known != NONE && e->last_absent != NONE && e->known < e->last_absent) {
            c->lost++;
            q_add(&c->lost_lat, MAX(h->ops[e->last_absent].time - known_t, 0));
            add_element(out, "lost", h, e,
                        "was lost: a read begun after it was known lacked it, and no read "
                        "begun later had it");
        } else {
            c->never_read++;
        }
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

int check_set(const history *h, const check_opts *o, check_result *out)
{
    (void)o;
    memset(out, 0, sizeof *out);
    set_state s = {.final_read = NONE, .final_invoke = NONE, .twice_added = NONE};
    collect(h, &s);
    int64_t *pair = check_pair_ops(h);
    walk(h, &s, pair, out);
    set_counts c = {0};
    classify(h, &s, &c, out);
    judge(&s, &c, out);
    sqlbuf b = SQLBUF_INIT;
    sb_printf(&b, "%zu adds attempted, %zu ok reads; %zu stable, %zu lost, %zu never read, %zu "
                  "stale, %zu unexpected, %zu aborted reads; ",
              s.adds, s.reads, c.stable, c.lost, c.never_read, c.stale, c.unexpected,
              c.aborted);
    if (s.final_read != NONE)
        sb_printf(&b, "final read (index %lld): %zu elements, %zu acknowledged adds missing, "
                      "%zu indeterminate adds recovered; ",
                  index_at(h, s.final_read), c.final_size, c.final_lost, c.recovered);
    sb_add(&b, "stable latency ");
    q_print(&b, &c.stable_lat);
    if (c.lost) {
        sb_add(&b, "; lost latency ");
        q_print(&b, &c.lost_lat);
    }
    if (s.malformed)
        sb_printf(&b, "; %zu malformed values skipped", s.malformed);
    out->stats = sb_steal(&b);
    free(c.stable_lat.v);
    free(c.lost_lat.v);
    free(pair);
    free(s.e);
    return 0;
}
