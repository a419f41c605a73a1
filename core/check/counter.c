/* counter.c - the counter checker (checkers-spec.md §3.2, §6.2).
 *
 * Walking the history in order: an add's value joins the upper bound at
 * its invocation (unless it is known to have failed) and the lower bound
 * at its ok completion. An ok read must lie between the lower bound at its
 * invocation and the upper bound at its completion. Our extension: reads
 * of one process never go down (single-node PostgreSQL is strong-session
 * at every level). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "register_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

typedef struct counter_walk {
    int64_t lower, upper;
    size_t reads, adds_invoked, adds_ok, adds_failed, adds_unknown, malformed;
} counter_walk;

/* The last ok read of a process, for the monotonic-reads rule. */
typedef struct last_read {
    int64_t process, value, index;
} last_read;

static void add_example(check_result *out, const char *type, char *text)
{
    check_result_add(out, type, text);
    free(text);
}

/* Checks that process p's reads do not go down; remembers this one. */
static void check_monotonic(last_read **seen, size_t *n, const hist_op *op, int64_t value,
                            check_result *out)
{
    for (size_t i = 0; i < *n; i++) {
        last_read *l = &(*seen)[i];
        if (l->process != op->process)
            continue;
        if (value < l->value)
            add_example(out, "nonmonotonic-read",
                        xasprintf("process %lld read %lld (index %lld), then %lld (index %lld): "
                                  "the counter only grows, so a later read of the same session "
                                  "went back in time",
                                  (long long)op->process, (long long)l->value,
                                  (long long)l->index, (long long)value,
                                  (long long)op->index));
        l->value = value;
        l->index = op->index;
        return;
    }
    *seen = xrealloc(*seen, (*n + 1) * sizeof **seen);
    (*seen)[(*n)++] = (last_read){op->process, value, op->index};
}

int check_counter(const history *h, const check_opts *o, check_result *out)
{
    (void)o;
    memset(out, 0, sizeof *out);
    int64_t *pair = check_pair_ops(h);
    /* For each read invocation: the lower bound when it was invoked. */
    int64_t *lower_at = xcalloc(h->n ? h->n : 1, sizeof *lower_at);
    last_read *seen = NULL;
    size_t nseen = 0;
    counter_walk w = {0};
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        bool add = strcmp(op->f, "add") == 0, read = strcmp(op->f, "read") == 0;
        int64_t v;
        if (add && op->type == H_INVOKE) {
            if (!check_json_int(op->value, &v) || v < 0) {
                w.malformed++;
                continue;
            }
            w.adds_invoked++;
            int64_t done = pair[i];
            if (done < 0 || h->ops[done].type != H_FAIL)
                w.upper += v;
            w.adds_unknown += done < 0 || h->ops[done].type == H_INFO;
            w.adds_failed += done >= 0 && h->ops[done].type == H_FAIL;
        } else if (add && op->type == H_OK) {
            if (check_json_int(op->value, &v) && v >= 0) {
                w.lower += v;
                w.adds_ok++;
            }
        } else if (read && op->type == H_INVOKE) {
            lower_at[i] = w.lower;
        } else if (read && op->type == H_OK) {
            w.reads++;
            if (!check_json_int(op->value, &v)) {
                add_example(out, "nil-read",
                            xasprintf("read at index %lld (process %lld) returned no count: the "
                                      "counter's row was gone",
                                      (long long)op->index, (long long)op->process));
                continue;
            }
            int64_t lo = pair[i] >= 0 ? lower_at[pair[i]] : 0, hi = w.upper;
            if (v < lo)
                add_example(out, "read-below-lower-bound",
                            xasprintf("read at index %lld (process %lld) returned %lld, but %lld "
                                      "had been added by adds acknowledged before it began "
                                      "(bounds [%lld, %lld]): acknowledged adds were lost",
                                      (long long)op->index, (long long)op->process,
                                      (long long)v, (long long)lo, (long long)lo,
                                      (long long)hi));
            else if (v > hi)
                add_example(out, "read-above-upper-bound",
                            xasprintf("read at index %lld (process %lld) returned %lld, but at "
                                      "most %lld could have been added by then (bounds [%lld, "
                                      "%lld]): adds were counted twice or failed adds applied",
                                      (long long)op->index, (long long)op->process,
                                      (long long)v, (long long)hi, (long long)lo,
                                      (long long)hi));
            check_monotonic(&seen, &nseen, op, v, out);
        }
    }
    if (out->nanomalies) {
        out->verdict = VERDICT_INVALID;
        out->reason = xstrdup("some reads cannot be explained by the adds (see the anomalies)");
    } else if (w.reads == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no read completed ok: nothing to compare with the adds");
    } else if (w.malformed) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xasprintf("%zu adds had no non-negative integer value", w.malformed);
    } else if (w.adds_invoked == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no add was attempted, so the reads had nothing to count");
    } else {
        out->verdict = VERDICT_VALID;
    }
    out->stats = xasprintf("%zu ok reads; adds: %zu ok, %zu failed, %zu indeterminate; final "
                           "bounds [%lld, %lld]",
                           w.reads, w.adds_ok, w.adds_failed, w.adds_unknown,
                           (long long)w.lower, (long long)w.upper);
    free(seen);
    free(lower_at);
    free(pair);
    return 0;
}
