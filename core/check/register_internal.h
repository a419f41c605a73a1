/* register_internal.h - the parts of the register checker
 * (checkers-spec.md §4, §6.5): pairing invocations with completions, the
 * register model, and the Wing-Gong-Lowe search over one key.
 *
 * Pairing and check_json_int are shared with the append checker. */
#ifndef MELEE_CHECK_REGISTER_INTERNAL_H
#define MELEE_CHECK_REGISTER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "history.h"

/* Returns an array of h->n positions (the caller frees it): for an invoke,
 * the position of its completion (-1: it never completed); for a
 * completion, the position of its invoke (-1: none). A process has one
 * operation outstanding at a time. */
int64_t *check_pair_ops(const history *h);

/* Stores a json integer in *out. Returns false for anything else. */
bool check_json_int(json_object *o, int64_t *out);

/* ---- the register model (spec §4.3) ---- */

typedef enum reg_f {
    REG_READ,
    REG_WRITE,
    REG_CAS
} reg_f;

/* One operation on one register. An operation whose outcome is not known
 * (info, or never completed) returns at +infinity and may take effect or
 * not. */
typedef struct reg_op {
    int64_t key;
    reg_f f;
    bool known;        /* completed ok: the output must match */
    bool refused;      /* a cas that definitely found another value (failed with
                        * output false): known, and it must see state != a */
    int64_t a, b;      /* read: the value returned; write: a; cas: a -> b */
    int64_t call, ret; /* history positions; ret INT64_MAX when unknown */
    int64_t index;     /* the completion's index (the invoke's when unknown) */
    int64_t process;
} reg_op;

/* The initial value of every register (an absent row). */
#define REG_INITIAL 0

/* Applies op to a register holding s. Returns false when op cannot take
 * effect there (a read of another value, a cas whose old value differs);
 * otherwise stores the new value in *next. */
bool reg_step(const reg_op *op, int64_t s, int64_t *next);

/* Returns "read -> 3 (index 12, process 4)" and the like (caller frees). */
char *reg_describe(const reg_op *op);

/* Returns why op cannot take effect on a register holding s, e.g.
 * "it returned 5 but the register held 2" (caller frees). */
char *reg_refusal(const reg_op *op, int64_t s);

/* ---- the search (spec §4.2) ---- */

typedef enum wgl_outcome {
    WGL_LINEARIZABLE,
    WGL_ILLEGAL,
    WGL_TIMEOUT
} wgl_outcome;

#define WGL_MAX_REFUSED 4

/* What the search learnt about a failure. Arrays are owned by the report
 * (free with wgl_report_free). */
typedef struct wgl_report {
    size_t *prefix;          /* the longest linearizable prefix found (op positions) */
    size_t nprefix;
    bool has_blocker;        /* an op that had to take effect next but could not */
    size_t blocker;
    int64_t refused[WGL_MAX_REFUSED]; /* register values the blocker was refused in */
    size_t nrefused;
} wgl_report;

/* Checks ops[0..n) (one key, sorted by call) for linearizability from the
 * initial value, giving up after budget_s seconds. Fills *rep on
 * WGL_ILLEGAL. */
wgl_outcome wgl_check(const reg_op *ops, size_t n, double budget_s, wgl_report *rep);

/* The search's memory: the current set of linearized ops (op positions
 * 0..nops-1) and the (set, value) pairs explored. */
typedef struct wgl_memo wgl_memo;

wgl_memo *wgl_memo_new(size_t nops);
void wgl_memo_free(wgl_memo *m);
void wgl_memo_add_op(wgl_memo *m, int32_t op);
void wgl_memo_remove_op(wgl_memo *m, int32_t op);

/* Returns whether the current set (count ops, the largest top, Zobrist
 * hash zob) with the register at value was explored before; remembers it
 * when not. */
bool wgl_memo_visit(wgl_memo *m, uint64_t zob, int64_t value, int32_t count, int32_t top);

/* A 64-bit mixing function (for Zobrist keys and hashes). */
uint64_t wgl_mix64(uint64_t x);

void wgl_report_free(wgl_report *rep);

/* Returns the plain-words account of a failed key: the longest
 * linearizable prefix, the operation that could not follow it and why, and
 * what else was pending (caller frees). */
char *reg_explain_illegal(const reg_op *ops, size_t n, const wgl_report *rep);

#endif
