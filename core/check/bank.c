/* bank.c - the bank checker (checkers-spec.md §3.1, §6.1): transfers move
 * money between accounts, so every ok read must show the same accounts
 * and the same total as the setup's read.
 *
 * The first ok read (setup makes it before any transfer) defines the
 * accounts and the total. Every ok read is then judged by the first rule
 * it breaks, in this order: unexpected-key (an account that was never
 * opened), missing-key (an account left out), nil-balance, wrong-total,
 * negative-value. While accounts are inserted and deleted
 * (bank-contention) the key rules do not apply. Negative balances are a
 * finding only when the operations say they refuse to overdraw
 * ("allow_negative": false in their values).
 *
 * A read made of one SELECT per account ({"per_account": true} in its
 * invocation) takes a snapshot per statement at read committed, so a
 * wrong total there is read skew, which that level allows: it is listed
 * as read-skew and does not make the verdict invalid. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "register_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

enum { B_UNEXPECTED, B_MISSING, B_NIL, B_TOTAL, B_NEGATIVE, B_SKEW, B_RULES };

static const char *const RULE_NAMES[B_RULES] = {
    "unexpected-key", "missing-key", "nil-balance", "wrong-total", "negative-value", "read-skew",
};

/* What one rule saw over the history: the first, the last and the worst
 * offending read (history positions) with its badness. */
typedef struct rule_tally {
    size_t count;
    size_t first, last, worst;
    double worst_badness;
    int64_t lowest, highest; /* the extreme totals read */
} rule_tally;

typedef struct bank_state {
    json_object *accounts; /* the first ok read: id -> balance */
    int64_t total;
    size_t naccounts;
    bool contention;       /* accounts come and go */
    bool reject_negative;
    bool skew_allowed;     /* read committed: per-account reads may skew */
    size_t reads, malformed, transfers_ok, transfers_failed, transfers_unknown,
        transfers_invoked;
    rule_tally tally[B_RULES];
} bank_state;

/* Returns the rule an ok read (its value) breaks, or -1; *badness says by
 * how much and *sum is its total. per_account: the read was several
 * statements. */
static int judge_read(const bank_state *s, json_object *read, bool per_account,
                      double *badness, int64_t *sum)
{
    size_t unexpected = 0, nils = 0, present = 0;
    int64_t negatives = 0;
    *sum = 0;
    json_object_object_foreach(read, id, balance) {
        if (json_object_object_get_ex(s->accounts, id, NULL))
            present++;
        else
            unexpected++;
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
        return per_account && s->skew_allowed ? B_SKEW : B_TOTAL;
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

/* True when an invocation value says the operation refuses to overdraw. */
static bool refuses_negative(const hist_op *op)
{
    json_object *v;
    return op->type == H_INVOKE && json_object_is_type(op->value, json_type_object) &&
           json_object_object_get_ex(op->value, "allow_negative", &v) &&
           json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v);
}

/* Looks at the operations that say how the checker must judge. */
static void scan_ops(const history *h, bank_state *s)
{
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        bool transfer = strcmp(op->f, "transfer") == 0;
        bool insert = strcmp(op->f, "insert-account") == 0;
        if (insert || strcmp(op->f, "delete-account") == 0)
            s->contention = true;
        if ((transfer || insert) && refuses_negative(op))
            s->reject_negative = true;
        if (transfer) {
            s->transfers_invoked += op->type == H_INVOKE;
            s->transfers_ok += op->type == H_OK;
            s->transfers_failed += op->type == H_FAIL;
            s->transfers_unknown += op->type == H_INFO;
        }
    }
}

/* True when the read invoked at position inv was one SELECT per account. */
static bool per_account_read(const history *h, int64_t inv)
{
    json_object *v;
    return inv >= 0 && json_object_is_type(h->ops[inv].value, json_type_object) &&
           json_object_object_get_ex(h->ops[inv].value, "per_account", &v) &&
           json_object_get_boolean(v);
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
        "a read made of one SELECT per account showed a wrong total; read committed takes a "
        "snapshot per statement, so this read skew is allowed there",
    };
    const rule_tally *t = &s->tally[rule];
    sqlbuf b = SQLBUF_INIT;
    sb_printf(&b, "%s (%zu of %zu reads); accounts %s, total %lld", WHAT[rule], t->count,
              s->reads, json_object_to_json_string_ext(s->accounts, JSON_C_TO_STRING_PLAIN),
              (long long)s->total);
    if (rule == B_TOTAL || rule == B_SKEW)
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

/* Takes the first ok read as the accounts and total every read must show. */
static void take_initial(bank_state *s, json_object *read)
{
    s->accounts = read;
    s->naccounts = (size_t)json_object_object_length(read);
    int64_t b;
    s->total = 0;
    json_object_object_foreach(read, id, balance) {
        (void)id;
        if (check_json_int(balance, &b))
            s->total += b;
    }
}

static void judge(bank_state *s, check_result *out)
{
    size_t bad = 0;
    for (int r = 0; r < B_RULES; r++)
        bad += r != B_SKEW ? s->tally[r].count : 0;
    if (bad) {
        out->verdict = VERDICT_INVALID;
        out->reason = xstrdup("some reads broke the bank's invariant (see the anomalies)");
    } else if (s->malformed) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xasprintf("%zu ok reads had a value that is not an {id: balance} object",
                                s->malformed);
    } else if (s->reads < 2) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup(s->reads ? "only the initial read completed ok: no read after a "
                                         "transfer to compare with it"
                                       : "no read completed ok: no accounts or total to check");
    } else if (s->transfers_invoked == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup("no transfer was attempted, so the reads had nothing to keep");
    } else {
        out->verdict = VERDICT_VALID;
        if (s->tally[B_SKEW].count)
            out->reason = xstrdup("per-account reads saw read skew, which read committed "
                                  "allows");
    }
}

int check_bank(const history *h, const check_opts *o, check_result *out)
{
    memset(out, 0, sizeof *out);
    bank_state s = {0};
    s.skew_allowed = o && o->isolation == ISO_READ_COMMITTED;
    scan_ops(h, &s);
    int64_t *pair = check_pair_ops(h);
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        if (op->type != H_OK || strcmp(op->f, "read") != 0)
            continue;
        if (!json_object_is_type(op->value, json_type_object)) {
            s.malformed++;
            continue;
        }
        if (!s.accounts)
            take_initial(&s, op->value);
        s.reads++;
        double badness;
        int64_t sum;
        int rule = judge_read(&s, op->value, per_account_read(h, pair[i]), &badness, &sum);
        if (rule >= 0)
            tally(&s.tally[rule], i, badness, sum);
    }
    free(pair);
    for (int r = 0; r < B_RULES; r++) {
        if (!s.tally[r].count)
            continue;
        char *why = explain(&s, h, r);
        check_result_add(out, RULE_NAMES[r], why);
        out->anomalies[out->nanomalies - 1].count = s.tally[r].count;
        free(why);
    }
    judge(&s, out);
    out->stats = xasprintf("%zu ok reads of %zu accounts (total %lld); transfers: %zu ok, %zu "
                           "failed, %zu indeterminate; overdrafts %s%s",
                           s.reads, s.naccounts, (long long)s.total, s.transfers_ok,
                           s.transfers_failed, s.transfers_unknown,
                           s.reject_negative ? "refused" : "allowed",
                           s.contention ? "; accounts inserted and deleted" : "");
    return 0;
}
