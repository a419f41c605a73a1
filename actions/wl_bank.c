/* wl_bank.c - bank: transfers between accounts never change the total
 * (checkers-spec.md §3.1, §6.1).
 *
 * Parameters: accounts (8), total (100), max_transfer (5), bank_split (0:
 * the total starts in account 0, 1: spread evenly), bank_variant (0
 * relative UPDATEs, 1 computed: read both balances then write the computed
 * values, 2 either at random), bank_per_account_reads (0: one SELECT of
 * the table; 1: one SELECT per account inside a transaction),
 * bank_allow_negative (1: balances may go below zero, as the YugabyteDB
 * suite runs it; 0: a transfer that would overdraw its source is rolled
 * back and recorded as failed, and the checker then treats any negative
 * balance as a finding), bank_contention (1: accounts numbered from
 * `accounts` up to `accounts + contention_keys` (3) are created and
 * deleted while the transfers run).
 *
 * History: transfer {"from","to","amount","variant","allow_negative"}
 * (fail with "refused": "negative" when it would have overdrawn); read
 * null, or {"per_account": true} for one SELECT per account, -> {"id":
 * balance,...}; insert-account {"id","from","amount","allow_negative"};
 * delete-account {"id","to"} -> {"id","to","amount"}. The first record is
 * a read made by setup before any worker starts: its keys are the initial
 * accounts and its sum the total every later read must show. The last is
 * a single-statement read made after the workers stopped.
 *
 * client_fault=1 (tests only): about one transfer in four lies. With
 * overdrafts allowed it commits the debit without the credit and reports
 * ok (the checker must see wrong-total); with them refused it lets an
 * overdraft through (negative-value). */
#include <stdlib.h>

#include "../core/util.h"
#include "wl_util.h"

#define ACCOUNTS "melee_bank.accounts"

typedef struct bank_params {
    int64_t accounts;      /* the initial accounts, 0..accounts-1 */
    int64_t ids;           /* ids in play: accounts + contention keys */
    int64_t total;
    int64_t max_transfer;
    int64_t variant;
    bool per_account_reads;
    bool contention;
    bool allow_negative;
} bank_params;

static bank_params params(const actx *a)
{
    bank_params p;
    p.accounts = MAX(ax_param(a, "accounts"), 2);
    p.total = ax_param(a, "total");
    p.max_transfer = MAX(ax_param(a, "max_transfer"), 1);
    p.variant = ax_param(a, "bank_variant");
    p.per_account_reads = ax_param(a, "bank_per_account_reads") != 0;
    p.contention = ax_param(a, "bank_contention") != 0;
    p.allow_negative = ax_param(a, "bank_allow_negative") != 0;
    p.ids = p.accounts + (p.contention ? MAX(ax_param(a, "contention_keys"), 1) : 0);
    return p;
}

/* Returns an id in [0, n) other than not. */
static int64_t other_id(rng_t *r, int64_t n, int64_t not)
{
    return (not + 1 + (int64_t)rng_below(r, (uint64_t)(n - 1))) % n;
}

static json_object *new_value(const char *k1, int64_t v1, const char *k2, int64_t v2)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, k1, json_object_new_int64(v1));
    json_object_object_add(o, k2, json_object_new_int64(v2));
    return o;
}

/* One transfer: what to move, and how it ended. */
typedef struct move {
    int64_t from, to, amount;
    bool refuse_negative; /* roll back rather than overdraw */
    bool skip_credit;     /* client fault: commit the debit alone */
    bool moved;           /* both accounts changed */
    bool overdrawn;       /* refused: the source would go below zero */
} move;

/* Takes amount from account id (debit) with a relative UPDATE. *found is
 * false when the account is missing; *after is its new balance. */
static bool debit(actx *a, int64_t id, int64_t amount, bool *found, int64_t *after)
{
    if (!ax_execf(a, "UPDATE " ACCOUNTS " SET balance = balance - %lld WHERE id = %lld "
                     "RETURNING balance", (long long)amount, (long long)id))
        return false;
    *found = ax_ntuples(a) == 1 && wl_cell_int(a, 0, 0, after);
    return true;
}

/* Moves the amount with relative UPDATEs. Returns false when a statement
 * failed. */
static bool move_relative(actx *a, move *m)
{
    bool found;
    int64_t after;
    if (!debit(a, m->from, m->amount, &found, &after))
        return false;
    if (!found)
        return true;
    if (m->refuse_negative && after < 0) {
        m->overdrawn = true;
        return true;
    }
    if (m->skip_credit) {
        m->moved = true;
        return true;
    }
    if (!ax_execf(a, "UPDATE " ACCOUNTS " SET balance = balance + %lld WHERE id = %lld",
                  (long long)m->amount, (long long)m->to))
        return false;
    m->moved = ax_affected(a) == 1;
    return true;
}

/* Reads account id's balance into *balance (*found false when absent). */
static bool read_balance(actx *a, int64_t id, int64_t *balance, bool *found)
{
    if (!ax_execf(a, "SELECT balance FROM " ACCOUNTS " WHERE id = %lld", (long long)id))
        return false;
    *found = ax_ntuples(a) == 1 && wl_cell_int(a, 0, 0, balance);
    return true;
}

/* Moves the amount by reading both balances and writing the computed ones
 * (Jepsen's form: lost updates show up as a wrong total). */
static bool move_computed(actx *a, move *m)
{
    int64_t bf, bt;
    bool ff, ft;
    if (!read_balance(a, m->from, &bf, &ff) || !read_balance(a, m->to, &bt, &ft))
        return false;
    if (!ff || !ft)
        return true;
    if (m->refuse_negative && bf - m->amount < 0) {
        m->overdrawn = true;
        return true;
    }
    if (!ax_execf(a, "UPDATE " ACCOUNTS " SET balance = %lld WHERE id = %lld",
                  (long long)(bf - m->amount), (long long)m->from))
        return false;
    if (!m->skip_credit &&
        !ax_execf(a, "UPDATE " ACCOUNTS " SET balance = %lld WHERE id = %lld",
                  (long long)(bt + m->amount), (long long)m->to))
        return false;
    m->moved = true;
    return true;
}

/* Rolls back a refused or impossible operation f and records it failed. */
static act_result refuse(actx *a, const char *f, json_object *v, bool overdrawn)
{
    if (overdrawn)
        json_object_object_add(v, "refused", json_object_new_string("negative"));
    return wl_abort(a, f, v);
}

static act_result bank_transfer(actx *a)
{
    bank_params p = params(a);
    move m = {0};
    m.from = (int64_t)rng_below(a->rng, (uint64_t)p.ids);
    m.to = other_id(a->rng, p.ids, m.from);
    m.amount = rng_range(a->rng, 1, p.max_transfer);
    bool computed = p.variant == 1 || (p.variant == 2 && rng_chance(a->rng, 0.5));
    bool lie = wl_client_fault(a);
    m.refuse_negative = !p.allow_negative && !lie;
    m.skip_credit = p.allow_negative && lie;
    json_object *v = new_value("from", m.from, "to", m.to);
    json_object_object_add(v, "amount", json_object_new_int64(m.amount));
    json_object_object_add(v, "variant", json_object_new_string(computed ? "computed" : "relative"));
    json_object_object_add(v, "allow_negative", json_object_new_boolean(p.allow_negative));
    ax_hist_invoke(a, "transfer", v);
    if (!ax_begin(a) || !(computed ? move_computed : move_relative)(a, &m))
        return wl_failed(a, "transfer", WL_WRITE, v);
    if (!m.moved)
        return refuse(a, "transfer", v, m.overdrawn);
    return wl_finish(a, "transfer", WL_WRITE, v, NULL);
}

/* Adds the rows of the last result (id, balance) to the read value. */
static void add_rows(const actx *a, json_object *read)
{
    for (int i = 0; i < ax_ntuples(a); i++) {
        const char *id = ax_value(a, i, 0);
        if (id)
            json_object_object_add(read, id, wl_cell_json(a, i, 1));
    }
}

/* One SELECT per account id in play, in random order, in a transaction. */
static bool read_per_account(actx *a, const bank_params *p, json_object *read)
{
    int64_t *ids = xmalloc((size_t)p->ids * sizeof *ids);
    for (int64_t i = 0; i < p->ids; i++)
        ids[i] = i;
    wl_shuffle(a->rng, ids, (size_t)p->ids);
    bool ok = ax_begin(a);
    for (int64_t i = 0; ok && i < p->ids; i++) {
        ok = ax_execf(a, "SELECT id, balance FROM " ACCOUNTS " WHERE id = %lld",
                      (long long)ids[i]);
        if (ok)
            add_rows(a, read);
    }
    free(ids);
    return ok;
}

/* Reads every account, per account or in one statement. */
static act_result read_accounts(actx *a, bool per_account)
{
    bank_params p = params(a);
    json_object *inv = NULL;
    if (per_account) {
        inv = json_object_new_object();
        json_object_object_add(inv, "per_account", json_object_new_boolean(1));
    }
    ax_hist_invoke(a, "read", inv);
    json_object *read = json_object_new_object();
    bool ok = per_account ? read_per_account(a, &p, read)
                          : ax_exec(a, "SELECT id, balance FROM " ACCOUNTS);
    if (!ok) {
        json_object_put(read);
        return wl_failed(a, "read", WL_READ, inv);
    }
    if (!per_account)
        add_rows(a, read);
    return wl_finish(a, "read", WL_READ, inv, read);
}

static act_result bank_read(actx *a)
{
    return read_accounts(a, params(a).per_account_reads);
}

/* bank-contention: funds a new account (id among the contention keys)
 * from an existing one, in one transaction. */
static act_result bank_insert_account(actx *a)
{
    bank_params p = params(a);
    if (!p.contention)
        return ACT_SKIP;
    int64_t id = p.accounts + (int64_t)rng_below(a->rng, (uint64_t)(p.ids - p.accounts));
    int64_t from = other_id(a->rng, p.ids, id);
    int64_t amount = rng_range(a->rng, 1, p.max_transfer), after;
    json_object *v = new_value("id", id, "from", from);
    json_object_object_add(v, "amount", json_object_new_int64(amount));
    json_object_object_add(v, "allow_negative", json_object_new_boolean(p.allow_negative));
    ax_hist_invoke(a, "insert-account", v);
    bool found;
    if (!ax_begin(a) ||
        !ax_execf(a, "INSERT INTO " ACCOUNTS " (id, balance) VALUES (%lld, %lld) "
                     "ON CONFLICT (id) DO NOTHING", (long long)id, (long long)amount))
        return wl_failed(a, "insert-account", WL_WRITE, v);
    if (ax_affected(a) != 1)
        return wl_abort(a, "insert-account", v);
    if (!debit(a, from, amount, &found, &after))
        return wl_failed(a, "insert-account", WL_WRITE, v);
    if (!found || (!p.allow_negative && after < 0))
        return refuse(a, "insert-account", v, found);
    return wl_finish(a, "insert-account", WL_WRITE, v, NULL);
}

/* bank-contention: deletes a contention account and moves its balance to
 * another account, in one transaction. */
static act_result bank_delete_account(actx *a)
{
    bank_params p = params(a);
    if (!p.contention)
        return ACT_SKIP;
    int64_t id = p.accounts + (int64_t)rng_below(a->rng, (uint64_t)(p.ids - p.accounts));
    int64_t to = other_id(a->rng, p.ids, id);
    json_object *v = new_value("id", id, "to", to);
    ax_hist_invoke(a, "delete-account", v);
    int64_t balance;
    if (!ax_begin(a) ||
        !ax_execf(a, "DELETE FROM " ACCOUNTS " WHERE id = %lld RETURNING balance", (long long)id))
        return wl_failed(a, "delete-account", WL_WRITE, v);
    if (ax_ntuples(a) != 1 || !wl_cell_int(a, 0, 0, &balance))
        return wl_abort(a, "delete-account", v);
    if (!ax_execf(a, "UPDATE " ACCOUNTS " SET balance = balance + %lld WHERE id = %lld",
                  (long long)balance, (long long)to))
        return wl_failed(a, "delete-account", WL_WRITE, v);
    if (ax_affected(a) != 1)
        return wl_abort(a, "delete-account", v);
    json_object_object_add(v, "amount", json_object_new_int64(balance));
    return wl_finish(a, "delete-account", WL_WRITE, v, NULL);
}

static bool bank_setup(actx *a)
{
    bank_params p = params(a);
    bool split = ax_param(a, "bank_split") != 0;
    static const char *const ddl[] = {
        "DROP SCHEMA IF EXISTS melee_bank CASCADE",
        "CREATE SCHEMA melee_bank",
        "CREATE TABLE " ACCOUNTS " (id int PRIMARY KEY, balance bigint)",
        "CREATE INDEX accounts_id_balance ON " ACCOUNTS " (id, balance)",
        NULL,
    };
    long long n = (long long)p.accounts, t = (long long)p.total;
    return wl_exec_all(a, ddl) &&
           (split ? ax_execf(a, "INSERT INTO " ACCOUNTS " SELECT i, %lld / %lld + "
                                "CASE WHEN i = 0 THEN %lld %% %lld ELSE 0 END "
                                "FROM generate_series(0, %lld) i", t, n, t, n, n - 1)
                  : ax_execf(a, "INSERT INTO " ACCOUNTS " SELECT i, CASE WHEN i = 0 "
                                "THEN %lld ELSE 0 END FROM generate_series(0, %lld) i",
                             t, n - 1)) &&
           read_accounts(a, false) == ACT_OK;
}

/* A last read once the workers have stopped, in one statement (nothing
 * runs concurrently, so it shows the final balances at any level). */
static bool bank_final(actx *a)
{
    return read_accounts(a, false) == ACT_OK;
}

static const action_def BANK_ROWS[] = {
    {"transfer", LIST_DML_NONTRANS, 10, bank_transfer, NULL, ACTF_NONE, NULL},
    {"read", LIST_DML_NONTRANS, 10, bank_read, NULL, ACTF_NONE, NULL},
    {"insert-account", LIST_DML_NONTRANS, 2, bank_insert_account, NULL, ACTF_NO_COVERAGE, NULL},
    {"delete-account", LIST_DML_NONTRANS, 2, bank_delete_account, NULL, ACTF_NO_COVERAGE, NULL},
};

static const wl_param BANK_PARAMS[] = {
    {"accounts", 8, "accounts at the start"},
    {"total", 100, "the money every read must add up to"},
    {"max_transfer", 5, "largest amount one transfer moves"},
    {"bank_split", 0, "0: the total starts in account 0; 1: spread evenly"},
    {"bank_variant", 0, "0: relative UPDATEs; 1: read, then write computed balances; 2: either"},
    {"bank_per_account_reads", 0, "1: read each account with its own SELECT in one transaction"},
    {"bank_contention", 0, "1: also create and delete accounts while transfers run"},
    {"contention_keys", 3, "accounts that come and go with bank_contention"},
    {"bank_allow_negative", 1, "0: transfers refuse to overdraw, and a negative balance is a finding"},
    WL_PARAM_CLIENT_FAULT,
};

static const wl_jepsen BANK_JEPSEN = {
    .rows = BANK_ROWS,
    .nrows = ARRAY_LEN(BANK_ROWS),
    .schema = "melee_bank",
    .checker = "bank",
    .check_interval_s = 2.0,
    .run_size = 0,
    .thread_size = 0,
};

const workload_def wl_bank = {
    .name = "bank",
    .summary = "transfers between accounts; every read must show the same total",
    .params = BANK_PARAMS,
    .nparams = ARRAY_LEN(BANK_PARAMS),
    .data = &BANK_JEPSEN,
    WL_JEPSEN_HOOKS,
    .setup = bank_setup,
    .final = bank_final,
};
