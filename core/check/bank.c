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
 * as read-skew and does not make the verdict invalid.
 *
 * Fed one record at a time (feed.h): whether accounts come and go and
 * whether overdrafts are refused can be learnt from any record, also after
 * a read, so every read is tallied under each of the four combinations and
 * the verdict takes the one the records so far say. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "feed.h"
#include "register_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

enum { B_UNEXPECTED, B_MISSING, B_NIL, B_TOTAL, B_NEGATIVE, B_SKEW, B_RULES };

static const char *const RULE_NAMES[B_RULES] = {
    "unexpected-key", "missing-key", "nil-balance", "wrong-total", "negative-value", "read-skew",
};

/* One ok read kept for an explanation (its value referenced). */
typedef struct read_ref {
    int64_t index, process;
    json_object *value;
} read_ref;

/* What one rule saw over the history: the first, the last and the worst
 * offending read with its badness. */
typedef struct rule_tally {
    size_t count;
    read_ref first, last, worst;
    double worst_badness;
    int64_t lowest, highest; /* the extreme totals read */
} rule_tally;

/* The combinations of what the operations say: accounts come and go
 * (bit 1), overdrafts are refused (bit 0). */
#define VIEWS 4

struct bank_state {
    int64_t pos;           /* records fed */
    pairing pairs;         /* open invocations; a: a read of one SELECT per account */
    json_object *accounts; /* the first ok read: id -> balance (referenced) */
    int64_t total;
    size_t naccounts;
    bool contention;       /* accounts come and go */
    bool reject_negative;
    bool skew_allowed;     /* read committed: per-account reads may skew */
    size_t reads, malformed, transfers_ok, transfers_failed, transfers_unknown,
        transfers_invoked;
    rule_tally tally[VIEWS][B_RULES];
};

/* What a read shows, before any rule judges it. */
typedef struct read_facts {
    size_t unexpected, nils, present;
    int64_t negatives, sum;
} read_facts;

static read_facts read_facts_of(const bank_state *s, json_object *read)
{
    read_facts f = {0};
    json_object_object_foreach(read, id, balance) {
        if (json_object_object_get_ex(s->accounts, id, NULL))
            f.present++;
        else
            f.unexpected++;
        int64_t b;
        if (!check_json_int(balance, &b)) {
            f.nils++;
            continue;
        }
        f.sum += b;
        if (b < 0)
            f.negatives += b;
    }
    return f;
}

/* Returns the rule a read showing f breaks, or -1, when accounts come and
 * go (contention) and overdrafts are refused (reject_negative) or not;
 * *badness says by how much. per_account: the read was several
 * statements. */
static int judge_read(const bank_state *s, const read_facts *f, bool contention,
                      bool reject_negative, bool per_account, double *badness)
{
    if (!contention && f->unexpected) {
        *badness = (double)f->unexpected;
        return B_UNEXPECTED;
    }
    if (!contention && f->present < s->naccounts) {
        *badness = (double)(s->naccounts - f->present);
        return B_MISSING;
    }
    if (f->nils) {
        *badness = (double)f->nils;
        return B_NIL;
    }
    if (f->sum != s->total) {
        *badness = s->total ? fabs((double)(f->sum - s->total)) / fabs((double)s->total)
                            : fabs((double)f->sum);
        return per_account && s->skew_allowed ? B_SKEW : B_TOTAL;
    }
    if (reject_negative && f->negatives < 0) {
        *badness = (double)-f->negatives;
        return B_NEGATIVE;
    }
    return -1;
}

static void ref_set(read_ref *r, const hist_op *op)
{
    json_object_get(op->value);
    json_object_put(r->value);
    *r = (read_ref){op->index, op->process, op->value};
}

static void tally(rule_tally *t, const hist_op *op, double badness, int64_t sum)
{
    if (t->count == 0) {
        ref_set(&t->first, op);
        ref_set(&t->worst, op);
        t->worst_badness = badness;
        t->lowest = t->highest = sum;
    }
    t->count++;
    ref_set(&t->last, op);
    if (badness > t->worst_badness) {
        ref_set(&t->worst, op);
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

/* Looks at what an operation says about how the checker must judge. */
static void scan_op(bank_state *s, const hist_op *op)
{
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

/* True when an invocation is a read of one SELECT per account. */
static bool per_account_read(const hist_op *inv)
{
    json_object *v;
    return json_object_is_type(inv->value, json_type_object) &&
           json_object_object_get_ex(inv->value, "per_account", &v) &&
           json_object_get_boolean(v);
}

static void describe_read(sqlbuf *b, const read_ref *r)
{
    sb_printf(b, "read %s (index %lld, process %lld)",
              json_object_to_json_string_ext(r->value, JSON_C_TO_STRING_PLAIN),
              (long long)r->index, (long long)r->process);
}

static char *explain(const bank_state *s, const rule_tally *t, int rule)
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
    sqlbuf b = SQLBUF_INIT;
    sb_printf(&b, "%s (%zu of %zu reads); accounts %s, total %lld", WHAT[rule], t->count,
              s->reads, json_object_to_json_string_ext(s->accounts, JSON_C_TO_STRING_PLAIN),
              (long long)s->total);
    if (rule == B_TOTAL || rule == B_SKEW)
        sb_printf(&b, "; totals read ranged from %lld to %lld", (long long)t->lowest,
                  (long long)t->highest);
    sb_add(&b, "\nfirst: ");
    describe_read(&b, &t->first);
    sb_add(&b, "\nworst: ");
    describe_read(&b, &t->worst);
    sb_add(&b, "\nlast:  ");
    describe_read(&b, &t->last);
    return sb_steal(&b);
}

/* Takes the first ok read as the accounts and total every read must show. */
static void take_initial(bank_state *s, json_object *read)
{
    s->accounts = json_object_get(read);
    s->naccounts = (size_t)json_object_object_length(read);
    int64_t b;
    s->total = 0;
    json_object_object_foreach(read, id, balance) {
        (void)id;
        if (check_json_int(balance, &b))
            s->total += b;
    }
}

static void judge(const bank_state *s, const rule_tally *tally, check_result *out)
{
    size_t bad = 0;
    for (int r = 0; r < B_RULES; r++)
        bad += r != B_SKEW ? tally[r].count : 0;
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
        if (tally[B_SKEW].count)
            out->reason = xstrdup("per-account reads saw read skew, which read committed "
                                  "allows");
    }
}

bank_state *bank_new(const check_opts *o)
{
    bank_state *s = xcalloc(1, sizeof *s);
    s->skew_allowed = o && o->isolation == ISO_READ_COMMITTED;
    return s;
}

void bank_feed(bank_state *s, const hist_op *op)
{
    int64_t pos = s->pos++;
    scan_op(s, op);
    open_op inv = {0};
    bool paired = false;
    if (op->type == H_INVOKE) {
        open_op *o = pairing_invoke(&s->pairs, op, pos, &inv, &paired);
        o->a = per_account_read(op);
        if (paired)
            open_op_release(&inv);
        return;
    }
    paired = pairing_complete(&s->pairs, op->process, &inv);
    bool per_account = paired && inv.a;
    open_op_release(&inv);
    if (op->type != H_OK || strcmp(op->f, "read") != 0)
        return;
    if (!json_object_is_type(op->value, json_type_object)) {
        s->malformed++;
        return;
    }
    if (!s->accounts)
        take_initial(s, op->value);
    s->reads++;
    read_facts f = read_facts_of(s, op->value);
    for (int v = 0; v < VIEWS; v++) {
        double badness;
        int rule = judge_read(s, &f, v & 2, v & 1, per_account, &badness);
        if (rule >= 0)
            tally(&s->tally[v][rule], op, badness, f.sum);
    }
}

void bank_result(const bank_state *s, check_result *out)
{
    memset(out, 0, sizeof *out);
    const rule_tally *t = s->tally[(s->contention ? 2 : 0) | (s->reject_negative ? 1 : 0)];
    for (int r = 0; r < B_RULES; r++) {
        if (!t[r].count)
            continue;
        char *why = explain(s, &t[r], r);
        check_result_add(out, RULE_NAMES[r], why);
        out->anomalies[out->nanomalies - 1].count = t[r].count;
        free(why);
    }
    judge(s, t, out);
    out->stats = xasprintf("%zu ok reads of %zu accounts (total %lld); transfers: %zu ok, %zu "
                           "failed, %zu indeterminate; overdrafts %s%s",
                           s->reads, s->naccounts, (long long)s->total, s->transfers_ok,
                           s->transfers_failed, s->transfers_unknown,
                           s->reject_negative ? "refused" : "allowed",
                           s->contention ? "; accounts inserted and deleted" : "");
}

void bank_free(bank_state *s)
{
    if (!s)
        return;
    for (int v = 0; v < VIEWS; v++) {
        for (int r = 0; r < B_RULES; r++) {
            json_object_put(s->tally[v][r].first.value);
            json_object_put(s->tally[v][r].last.value);
            json_object_put(s->tally[v][r].worst.value);
        }
    }
    json_object_put(s->accounts);
    pairing_free(&s->pairs);
    free(s);
}
