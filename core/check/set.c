/* set.c - the set checker (checkers-spec.md §3.3, §6.3), Jepsen's
 * set-full rules with the classic final-read summary.
 *
 * For every element e: known is the first ok completion that shows e
 * exists (its add, or a read containing it); last-present and last-absent
 * are the latest read invocations whose reads contained / lacked e. e is
 * stable when it was last seen present, lost when a read that began after
 * e was known lacked it and no later-begun read had it again, never-read
 * otherwise. A stable element that some read begun after it was known
 * still missed is stale: on one PostgreSQL server a statement that starts
 * after a commit was acknowledged sees it, so stale is a finding here
 * (set-full's linearizable mode). Elements read but never added are
 * unexpected; an element twice in one read is a duplicate. */
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
    hist_type add_outcome; /* H_INFO also when the add never completed */
    int64_t known;         /* position of the first completion showing it exists */
    int64_t last_present;  /* read invocation positions */
    int64_t last_absent;
    uint32_t seen_in;      /* the last read it was found in (duplicate check) */
} elem_state;

typedef struct set_state {
    elem_state *e;
    size_t n;
    size_t reads, adds, malformed;
    int64_t final_read;    /* position of the last ok read's completion */
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

static bool is_read(const hist_op *op)
{
    return strcmp(op->f, "read") == 0;
}

/* Collects every element added or read, sorted and unique. */
static void collect(const history *h, set_state *s)
{
    int64_t *vals = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        bool add = strcmp(op->f, "add") == 0 && op->type == H_INVOKE;
        bool read = is_read(op) && op->type == H_OK &&
                    json_object_is_type(op->value, json_type_array);
        size_t k = read ? json_object_array_length(op->value) : add;
        for (size_t j = 0; j < k; j++) {
            int64_t v;
            json_object *x = read ? json_object_array_get_idx(op->value, j) : op->value;
            if (!check_json_int(x, &v))
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
        s->e[s->n++] = (elem_state){vals[i], NONE, H_INFO, NONE, NONE, NONE, 0};
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
    uint32_t stamp = (uint32_t)++s->reads;
    size_t len = json_object_array_length(list);
    for (size_t j = 0; j < len; j++) {
        int64_t v;
        elem_state *e;
        if (!check_json_int(json_object_array_get_idx(list, j), &v) || !(e = find(s, v)))
            continue;
        if (e->seen_in == stamp) {
            char *why = xasprintf("element %lld appears twice in the read at index %lld",
                                  (long long)v, (long long)h->ops[pos].index);
            check_result_add(out, "duplicate", why);
            free(why);
        }
        e->seen_in = stamp;
        e->last_present = MAX(e->last_present, inv);
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
        if (strcmp(op->f, "add") == 0 && op->type == H_INVOKE) {
            if (!check_json_int(op->value, &v) || !(e = find(s, v))) {
                s->malformed++;
                continue;
            }
            s->adds++;
            e->add_invoke = (int64_t)i;
            e->add_outcome = pair[i] >= 0 ? h->ops[pair[i]].type : H_INFO;
            if (e->add_outcome == H_OK)
                note_known(e, pair[i]);
        } else if (is_read(op) && op->type == H_OK) {
            if (!json_object_is_type(op->value, json_type_array)) {
                s->malformed++;
                continue;
            }
            apply_read(h, s, i, pair[i] >= 0 ? pair[i] : (int64_t)i, out);
            s->final_read = (int64_t)i;
        }
    }
}

typedef struct quantiles {
    int64_t *v;
    size_t n;
} quantiles;

static void q_add(quantiles *q, int64_t x)
{
    q->v = xrealloc(q->v, (q->n + 1) * sizeof *q->v);
    q->v[q->n++] = x;
}

/* Adds "q0 a, q50 b, q95 c, q99 d, q100 e ms" of q's values (ns). */
static void q_print(sqlbuf *b, quantiles *q)
{
    static const double QS[] = {0, .5, .95, .99, 1};
    static const char *const NAMES[] = {"0", "0.5", "0.95", "0.99", "1"};
    qsort(q->v, q->n, sizeof *q->v, cmp_i64);
    for (size_t i = 0; i < ARRAY_LEN(QS); i++) {
        size_t at = q->n ? (size_t)(QS[i] * (double)(q->n - 1) + 0.5) : 0;
        sb_printf(b, "%s%s: %.3f", i ? ", " : "", NAMES[i],
                  q->n ? (double)q->v[at] / 1e6 : 0.0);
    }
    sb_add(b, " ms");
}

typedef struct set_counts {
    size_t stable, lost, never_read, stale, unexpected, recovered, final_lost;
    quantiles stable_lat, lost_lat;
} set_counts;

static char *element_text(const history *h, const elem_state *e, const char *what)
{
    return xasprintf("element %lld %s: known at index %lld, last read present at index %lld, "
                     "last read absent at index %lld",
                     (long long)e->value, what,
                     e->known >= 0 ? (long long)h->ops[e->known].index : -1LL,
                     e->last_present >= 0 ? (long long)h->ops[e->last_present].index : -1LL,
                     e->last_absent >= 0 ? (long long)h->ops[e->last_absent].index : -1LL);
}

/* Classifies every element and records the anomalies. */
static void classify(const history *h, const set_state *s, set_counts *c, check_result *out)
{
    json_object *final = s->final_read >= 0 ? h->ops[s->final_read].value : NULL;
    for (size_t k = 0; k < s->n; k++) {
        const elem_state *e = &s->e[k];
        bool in_final = final && e->seen_in == (uint32_t)s->reads;
        if (e->add_invoke == NONE) {
            c->unexpected++;
            char *why = xasprintf("element %lld was read (last at index %lld) but never added",
                                  (long long)e->value,
                                  (long long)h->ops[e->last_present].index);
            check_result_add(out, "unexpected", why);
            free(why);
            continue;
        }
        if (in_final && e->add_outcome != H_OK && e->add_outcome != H_FAIL)
            c->recovered++;
        if (!in_final && final && e->add_outcome == H_OK)
            c->final_lost++;
        int64_t known_t = e->known >= 0 ? h->ops[e->known].time : 0;
        if (e->last_present != NONE && e->last_absent < e->last_present) {
            c->stable++;
            int64_t lat = e->last_absent != NONE && e->known != NONE
                              ? MAX(h->ops[e->last_absent].time + 1 - known_t, 0)
                              : 0;
            q_add(&c->stable_lat, lat);
            if (lat > 0 && e->known < e->last_absent) {
                c->stale++;
                char *why = element_text(h, e, "was missing from a read begun after it was "
                                               "known, and seen again later");
                check_result_add(out, "stale", why);
                free(why);
            }
        } else if (e->known != NONE && e->last_absent != NONE && e->known < e->last_absent) {
            c->lost++;
            q_add(&c->lost_lat, h->ops[e->last_absent].time - known_t);
            char *why = element_text(h, e, "was lost: a read begun after it was known lacked "
                                           "it, and no later read had it");
            check_result_add(out, "lost", why);
            free(why);
        } else {
            c->never_read++;
        }
    }
}

int check_set(const history *h, const check_opts *o, check_result *out)
{
    (void)o;
    memset(out, 0, sizeof *out);
    set_state s = {.final_read = NONE};
    collect(h, &s);
    int64_t *pair = check_pair_ops(h);
    walk(h, &s, pair, out);
    set_counts c = {0};
    classify(h, &s, &c, out);
    if (out->nanomalies) {
        out->verdict = VERDICT_INVALID;
        out->reason = xstrdup("elements were lost, missed, duplicated or made up (see the "
                              "anomalies)");
    } else if (s.reads == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no read completed ok: nothing shows which elements exist");
    } else if (c.stable == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no element was ever read as stable (present in the last read "
                              "that looked for it)");
    } else {
        out->verdict = VERDICT_VALID;
    }
    sqlbuf b = SQLBUF_INIT;
    sb_printf(&b, "%zu adds attempted, %zu ok reads; %zu stable, %zu lost, %zu never read, %zu "
                  "stale, %zu unexpected; final read: %zu acknowledged adds missing, %zu "
                  "indeterminate adds recovered; stable latency ",
              s.adds, s.reads, c.stable, c.lost, c.never_read, c.stale, c.unexpected,
              c.final_lost, c.recovered);
    q_print(&b, &c.stable_lat);
    if (c.lost) {
        sb_add(&b, "; lost latency ");
        q_print(&b, &c.lost_lat);
    }
    if (s.malformed)
        sb_printf(&b, "; %zu malformed records skipped", s.malformed);
    out->stats = sb_steal(&b);
    free(c.stable_lat.v);
    free(c.lost_lat.v);
    free(pair);
    free(s.e);
    return 0;
}
