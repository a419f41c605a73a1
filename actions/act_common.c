/* act_common.c - the rows every action list has: server flags, session
 * variables, reconnects, cancelling and terminating other workers, and
 * ending transactions at random points. */
#include <stdio.h>

#include "../core/util.h"
#include "action.h"

/* A session variable and the values SET may give it. */
typedef struct session_var {
    const char *name;
    const char *values[5];
} session_var;

static const session_var SESSION_VARS[] = {
    {"statement_timeout", {"0", "30s", "60s"}},
    {"lock_timeout", {"0", "100ms", "5s"}},
    {"work_mem", {"64kB", "1MB", "16MB", "256MB"}},
    {"enable_hashjoin", {"on", "off"}},
    {"enable_mergejoin", {"on", "off"}},
    {"enable_nestloop", {"on", "off"}},
    {"enable_seqscan", {"on", "off"}},
    {"enable_indexscan", {"on", "off"}},
    {"enable_bitmapscan", {"on", "off"}},
    {"enable_sort", {"on", "off"}},
    {"enable_material", {"on", "off"}},
    {"random_page_cost", {"1.1", "4", "100"}},
    {"max_parallel_workers_per_gather", {"0", "2", "4"}},
    {"jit", {"on", "off"}},
    {"plan_cache_mode", {"auto", "force_generic_plan", "force_custom_plan"}},
    {"client_min_messages", {"debug1", "notice", "warning", "error"}},
    {"timezone", {"UTC", "America/New_York", "Asia/Kolkata"}},
    {"extra_float_digits", {"0", "3", "-15"}},
    {"application_name", {"melee", "melee-renamed"}},
};

static size_t nvalues(const session_var *v)
{
    size_t n = 0;
    while (n < 5 && v->values[n])
        n++;
    return n;
}

static act_result set_session_var(actx *a)
{
    const session_var *v = &SESSION_VARS[rng_pick(a->rng, ARRAY_LEN(SESSION_VARS))];
    sqlbuf *b = &a->sql;
    if (rng_chance(a->rng, 0.15)) {
        sb_printf(b, "RESET %s", v->name);
    } else {
        const char *val = v->values[rng_pick(a->rng, nvalues(v))];
        bool local = ax_in_txn(a) && rng_chance(a->rng, 0.3);
        sb_printf(b, "SET %s%s = ", local ? "LOCAL " : "", v->name);
        sb_literal(b, val);
    }
    return ax_exec(a, sb_str(b)) ? ACT_OK : ACT_FAIL;
}

static act_result flip_flag(actx *a)
{
    const run_config *c = a->cfg;
    if (c->nflags == 0)
        return ACT_SKIP;
    const flag_setting *f = &c->flags[rng_pick(a->rng, c->nflags)];
    sqlbuf *b = &a->sql;
    if (f->nvalues == 0 || rng_chance(a->rng, 0.1)) {
        sb_add(b, "ALTER SYSTEM RESET ");
        sb_ident(b, f->name);
    } else {
        sb_add(b, "ALTER SYSTEM SET ");
        sb_ident(b, f->name);
        sb_add(b, " = ");
        sb_literal(b, f->values[rng_pick(a->rng, f->nvalues)]);
    }
    if (!ax_exec_outside_txn(a, sb_str(b)))
        return ACT_FAIL;
    return ax_exec_outside_txn(a, "SELECT pg_reload_conf()") ? ACT_OK : ACT_FAIL;
}

static act_result reconnect(actx *a)
{
    return ax_reconnect(a) ? ACT_OK : ACT_FAIL;
}

/* Picks another connected worker; returns its id or -1. */
static int pick_victim(actx *a)
{
    int n = ax_worker_count(a);
    if (n < 2)
        return -1;
    int v = (int)rng_below(a->rng, (uint64_t)n - 1);
    if (v >= a->worker_id)
        v++;
    return ax_worker_pid(a, v) > 0 ? v : -1;
}

/* Terminates or cancels another worker's backend: the fault kinds
 * table's row, fired from this worker's session. */
static act_result interrupt(actx *a, fault_kind k)
{
    int victim = pick_victim(a);
    if (victim < 0)
        return ACT_SKIP;
    return ax_fault_worker(a, k, victim) ? ACT_OK : ACT_FAIL;
}

static act_result cancel_other(actx *a)
{
    return interrupt(a, FK_CANCEL);
}

static act_result terminate_other(actx *a)
{
    return interrupt(a, FK_TERMINATE);
}

static act_result commit_rollback(actx *a)
{
    if (!ax_in_txn(a))
        return ACT_SKIP;
    return (rng_chance(a->rng, 0.7) ? ax_commit(a) : ax_rollback(a)) ? ACT_OK : ACT_FAIL;
}

/* A SET of a bad time zone name or a RESET of a flag is expected to fail
 * only in these ways. */
static const error_rule SESSION_RULES[] = {
    {"22023", NULL, EC_IGNORED, WHEN_ALWAYS},  /* invalid_parameter_value */
    ERROR_RULES_END,
};

static const error_rule FLAG_RULES[] = {
    {"55P02", NULL, EC_IGNORED, WHEN_ALWAYS},  /* cant_change_runtime_param */
    {"22023", NULL, EC_IGNORED, WHEN_ALWAYS},
    ERROR_RULES_END,
};

#define COMMON_ROWS(list, txn_weight)                                                     \
    {"flip_flag", list, 2, flip_flag, FLAG_RULES, ACTF_NONE, NULL},                       \
    {"set_session_var", list, 2, set_session_var, SESSION_RULES, ACTF_NONE, NULL},        \
    {"reconnect", list, 1, reconnect, NULL, ACTF_NONE, NULL},                             \
    {"cancel", list, 1, cancel_other, NULL, ACTF_CANCELS | ACTF_NO_COVERAGE, NULL},       \
    {"terminate", list, 1, terminate_other, NULL, ACTF_CANCELS | ACTF_NO_COVERAGE, NULL}, \
    {"commit_rollback", list, txn_weight, commit_rollback, NULL, ACTF_NO_COVERAGE, NULL}

const action_def common_actions[] = {
    COMMON_ROWS(LIST_READ, 30),
    COMMON_ROWS(LIST_FETCH, 10),
    COMMON_ROWS(LIST_WRITE, 10),
    COMMON_ROWS(LIST_DML_NONTRANS, 0),
    COMMON_ROWS(LIST_DDL, 0),
};
const size_t common_actions_count = ARRAY_LEN(common_actions);
