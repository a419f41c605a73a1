/* bank.c - the bank checker (checkers-spec.md §6.1): every ok read must
 * show the accounts of the first read (the setup's) with the same total.
 *
 * Rules, first failing one wins for each read: unexpected-key,
 * missing-key, nil-balance, wrong-total, negative-value. With accounts
 * inserted and deleted (bank-contention) only nil-balance and
 * wrong-total apply. Negative balances are a finding only when the
 * transfers said they reject them ("allow_negative": false). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "register_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

enum { B_UNEXPECTED, B_MISSING, B_NIL, B_TOTAL, B_NEGATIVE, B_RULES };

static const char *const RULE_NAMES[B_RULES] = {
    "unexpected-key", "missing-key", "nil-balance", "wrong-total", "negative-value",
};

/* What one rule saw over the history: the first, the last and the worst
 * offending read (history positions) with its badness. */
typedef struct rule_tally {
    size_t count;
    size_t first, last, worst;
    double worst_badness;
    int64_t lowest, highest;  /* wrong-total: the extreme totals read */
} rule_tally;

typedef struct bank_state {
    json_object *accounts;   /* the first ok read: id -> balance */
    int64_t total;
    size_t naccounts;
    bool contention;         /* accounts come and go */
    bool reject_negative;
    size_t reads, malformed, transfers_ok, transfers_failed, transfers_unknown;
    rule_tally tally[B_RULES];
} bank_state;

/* Returns the rule an ok read (its value) breaks, or -1; *badness says by
 * how much and *sum is its total. */
static int judge_read(const bank_state *s, json_object *read, double *badness, int64_t *sum)
{
    size_t unexpected = 0, nils = 0, present = 0;
    int64_t negatives = 0;
    *sum = 0;
    json_object_object_foreach(read, id, balance) {
        if (!json_object_object_get_ex(s->accounts, id, NULL))
            unexpected++;
        else
            present++;
        int64_t b;
        if (!check_json_int(balance, &b)) {
            nils++;
            continue;
        }
        *sum += b;
        if (b < 0)
            negatives += b;
    }
    if (!s->contention && unexpected) {
        *badness = (double)unexpected;
        return B_UNEXPECTED;
    }
    if (!s->contention && present < s->naccounts) {
        *badness = (double)(s->naccounts - present);
        return B_MISSING;
    }
    if (nils) {
        *badness = (double)nils;
        return B_NIL;
    }
    if (*sum != s->total) {
        *badness = s->total ? fabs((double)(*sum - s->total)) / fabs((double)s->total)
                            : fabs((double)*sum);
        return B_TOTAL;
    }
    if (s->reject_negative && negatives < 0) {
        *badness = (double)-negatives;
        return B_NEGATIVE;
    }
    return -1;
}

static void tally(rule_tally *t, size_t pos, double badness, int64_t sum)
{
    if (t->count == 0) {
        t->first = t->worst = pos;
        t->worst_badness = badness;
        t->lowest = t->highest = sum;
    }
    t->count++;
    t->last = pos;
    if (badness > t->worst_badness) {
        t->worst = pos;
        t->worst_badness = badness;
    }
    t->lowest = MIN(t->lowest, sum);
    t->highest = MAX(t->highest, sum);
}

/* Looks at the operations that say how the checker must judge. */
static void scan_ops(const history *h, bank_state *s)
{
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        if (strcmp(op->f, "insert-account") == 0 || strcmp(op->f, "delete-account") == 0)
            s->contention = true;
        json_object *v;
        if (op->type == H_INVOKE && strcmp(op->f, "transfer") == 0 &&
            json_object_object_get_ex(op->value, "allow_negative", &v) &&
            !json_object_get_boolean(v))
            s->reject_negative = true;
        if (strcmp(op->f, "transfer") == 0) {
            s->transfers_ok += op->type == H_OK;
            s->transfers_failed += op->type == H_FAIL;
            s->transfers_unknown += op->type == H_INFO;
        }
    }
}

static void describe_read(sqlbuf *b, const history *h, size_t pos)
{
    const hist_op *op = &h->ops[pos];
    sb_printf(b, "read %s (index %lld, process %lld)",
              json_object_to_json_string_ext(op->value, JSON_C_TO_STRING_PLAIN),
              (long long)op->index, (long long)op->process);
}

static char *explain(const bank_state *s, const history *h, int rule)
{
    static const char *const WHAT[B_RULES] = {
        "a read showed an account that was never opened",
        "a read lacked some of the accounts",
        "a read showed an account with a NULL balance",
        "a read showed a total different from the one transfers must keep",
        "a read showed a negative balance although transfers refuse to overdraw",
    };
    const rule_tally *t = &s->tally[rule];
    sqlbuf b = SQLBUF_INIT;
    sb_printf(&b, "%s (%zu of %zu reads); accounts %s, total %lld", WHAT[rule], t->count,
              s->reads, json_object_to_json_string_ext(s->accounts, JSON_C_TO_STRING_PLAIN),
              (long long)s->total);
    if (rule == B_TOTAL)
        sb_printf(&b, "; totals read ranged from %lld to %lld", (long long)t->lowest,
                  (long long)t->highest);
    sb_add(&b, "\nfirst: ");
    describe_read(&b, h, t->first);
    sb_add(&b, "\nworst: ");
    describe_read(&b, h, t->worst);
    sb_add(&b, "\nlast:  ");
    describe_read(&b, h, t->last);
    return sb_steal(&b);
}

int check_bank(const history *h, const check_opts *o, check_result *out)
{
    (void)o;
    memset(out, 0, sizeof *out);
    bank_state s = {0};
    scan_ops(h, &s);
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        if (op->type != H_OK || strcmp(op->f, "read") != 0)
            continue;
        if (!json_object_is_type(op->value, json_type_object)) {
            s.malformed++;
            continue;
        }
        if (!s.accounts) {
            /* The first read (made before any transfer) defines the accounts. */
            s.accounts = op->value;
            s.naccounts = (size_t)json_object_object_length(op->value);
            int64_t sum = 0, b;
            json_object_object_foreach(op->value, id, balance) {
                (void)id;
                if (check_json_int(balance, &b))
                    sum += b;
            }
            s.total = sum;
        }
        s.reads++;
        double badness;
        int64_t sum;
        int rule = judge_read(&s, op->value, &badness, &sum);
        if (rule >= 0)
            tally(&s.tally[rule], i, badness, sum);
    }
    for (int r = 0; r < B_RULES; r++) {
        if (!s.tally[r].count)
            continue;
        char *why = explain(&s, h, r);
        check_result_add(out, RULE_NAMES[r], why);
        out->anomalies[out->nanomalies - 1].count = s.tally[r].count;
        free(why);
    }
    if (out->nanomalies) {
        out->verdict = VERDICT_INVALID;
        out->reason = xstrdup("some reads broke the bank's invariant (see the anomalies)");
    } else if (s.malformed) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xasprintf("%zu ok reads had a value that is not an {id: balance} object",
                                s.malformed);
    } else if (s.reads < 2) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup(s.reads ? "only the initial read completed ok: no read after a "
                                        "transfer to compare with it"
                                      : "no read completed ok: no accounts or total to check");
    } else {
        out->verdict = VERDICT_VALID;
    }
    out->stats = xasprintf("%zu ok reads of %zu accounts (total %lld); transfers: %zu ok, %zu "
                           "failed, %zu indeterminate%s",
                           s.reads, s.naccounts, (long long)s.total, s.transfers_ok,
                           s.transfers_failed, s.transfers_unknown,
                           s.contention ? "; accounts inserted and deleted" : "");
    return 0;
}
