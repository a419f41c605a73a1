/* wgl.c - the Wing-Gong-Lowe linearizability search with memoisation of
 * (linearized set, register value) (checkers-spec.md §4.2).
 *
 * Calls and returns form a doubly-linked list in history order; the calls
 * before the first remaining return are the candidates to linearize next.
 * The search linearizes a candidate whenever the model allows it and the
 * resulting (set, value) has not been seen, and backtracks when no
 * candidate is left. Candidates are tried earliest return first, those
 * that let a blocked first-returning op proceed before all (the order does
 * not change the verdict; it finds the linearization of a correct history
 * with little backtracking). What was explored is in wgl_memo.c. */
#include "register_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"

#define NIL (-1)

typedef struct entry {
    int32_t op;
    int32_t match; /* a call: its return entry; a return: NIL */
    int32_t prev, next;
} entry;

/* The candidates at one depth of the search: first those in the pool,
 * sorted; then, found by walking the list, ops of unknown outcome that
 * would not unblock the goal (they pile up, so they are not copied). */
typedef struct level {
    size_t base, count, next; /* pool[base..base+count); the next to try */
    int32_t first_return;     /* the op whose return ends the candidates, or NIL */
    int32_t goal;             /* that op when it cannot take effect yet, or NIL */
    int32_t scan;             /* the next list entry to walk, or NIL */
} level;

typedef struct frame {
    int32_t entry, op, top;
    int64_t value;
    uint64_t zob;
    level lv; /* where the op was chosen */
} frame;

typedef struct search {
    const reg_op *ops;
    size_t n;
    entry *e; /* e[0] is the head */
    wgl_memo *memo;
    frame *stack;
    size_t depth;
    int32_t *pool; /* candidate entries of every level on the stack */
    size_t npool, cappool;
    int64_t value;  /* the register's value at the level being sorted */
    int32_t goal;   /* that level's goal */
    size_t *best; /* the longest prefix so far */
    size_t nbest, agree; /* agree: common length of best and the stack */
    int64_t *refused;    /* per op, WGL_MAX_REFUSED values */
    uint8_t *nrefused;
    bool has_blocker;
    size_t blocker;
} search;

static int cmp_event(const void *pa, const void *pb)
{
    const int64_t *a = pa, *b = pb; /* {time, is_return, op} */
    for (int i = 0; i < 3; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* Builds the list of calls and returns in time order, calls first on ties. */
static void build_entries(search *s)
{
    size_t ne = 2 * s->n;
    int64_t(*ev)[3] = xmalloc(ne * sizeof *ev);
    for (size_t i = 0; i < s->n; i++) {
        ev[2 * i][0] = s->ops[i].call, ev[2 * i][1] = 0, ev[2 * i][2] = (int64_t)i;
        ev[2 * i + 1][0] = s->ops[i].ret, ev[2 * i + 1][1] = 1, ev[2 * i + 1][2] = (int64_t)i;
    }
    qsort(ev, ne, sizeof *ev, cmp_event);
    int32_t *call_entry = xmalloc(s->n * sizeof *call_entry);
    s->e = xcalloc(ne + 1, sizeof *s->e);
    s->e[0] = (entry){NIL, NIL, NIL, ne ? 1 : NIL};
    for (size_t k = 0; k < ne; k++) {
        int32_t id = (int32_t)k + 1, op = (int32_t)ev[k][2];
        s->e[id] = (entry){op, NIL, id - 1, k + 1 < ne ? id + 1 : NIL};
        if (ev[k][1] == 0)
            call_entry[op] = id;
        else
            s->e[call_entry[op]].match = id;
    }
    free(call_entry);
    free(ev);
}

static void unlink_entry(entry *e, int32_t i)
{
    e[e[i].prev].next = e[i].next;
    if (e[i].next != NIL)
        e[e[i].next].prev = e[i].prev;
}

static void relink_entry(entry *e, int32_t i)
{
    e[e[i].prev].next = i;
    if (e[i].next != NIL)
        e[e[i].next].prev = i;
}

static void lift(entry *e, int32_t call)
{
    unlink_entry(e, call);
    unlink_entry(e, e[call].match);
}

static void unlift(entry *e, int32_t call)
{
    relink_entry(e, e[call].match);
    relink_entry(e, call);
}

/* Keeps the longest prefix: position p of the stack now holds op. */
static void note_push(search *s, size_t p, int32_t op)
{
    if (p == s->agree && p < s->nbest && s->best[p] == (size_t)op)
        s->agree++;
    if (p + 1 > s->nbest) {
        for (size_t i = s->agree; i <= p; i++)
            s->best[i] = (size_t)s->stack[i].op;
        s->nbest = s->agree = p + 1;
    }
}

static void note_refused(search *s, int32_t op, int64_t value)
{
    int64_t *r = &s->refused[(size_t)op * WGL_MAX_REFUSED];
    uint8_t *n = &s->nrefused[op];
    for (uint8_t i = 0; i < *n; i++)
        if (r[i] == value)
            return;
    if (*n < WGL_MAX_REFUSED)
        r[(*n)++] = value;
}

/* No candidate is left while op must take effect next: when the stack is
 * the longest prefix, op is what could not be placed after it. */
static void note_blocker(search *s, int32_t op)
{
    if (s->depth == s->nbest && s->agree == s->depth && !s->has_blocker) {
        s->has_blocker = true;
        s->blocker = (size_t)op;
    }
}

static void search_init(search *s, const reg_op *ops, size_t n)
{
    memset(s, 0, sizeof *s);
    s->ops = ops;
    s->n = n;
    build_entries(s);
    s->memo = wgl_memo_new(n);
    s->stack = xmalloc((n ? n : 1) * sizeof *s->stack);
    s->best = xmalloc((n ? n : 1) * sizeof *s->best);
    s->refused = xmalloc((n ? n : 1) * WGL_MAX_REFUSED * sizeof *s->refused);
    s->nrefused = xcalloc(n ? n : 1, 1);
}

static void search_free(search *s)
{
    free(s->e);
    wgl_memo_free(s->memo);
    free(s->stack);
    free(s->pool);
    free(s->best);
    free(s->refused);
    free(s->nrefused);
}

static void fill_report(const search *s, wgl_report *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->nprefix = s->nbest;
    rep->prefix = xmalloc((s->nbest ? s->nbest : 1) * sizeof *rep->prefix);
    memcpy(rep->prefix, s->best, s->nbest * sizeof *rep->prefix);
    rep->has_blocker = s->has_blocker;
    rep->blocker = s->blocker;
    if (s->has_blocker) {
        rep->nrefused = s->nrefused[s->blocker];
        memcpy(rep->refused, &s->refused[s->blocker * WGL_MAX_REFUSED],
               rep->nrefused * sizeof *rep->refused);
        for (size_t i = 1; i < rep->nrefused; i++) /* ascending, for people */
            for (size_t j = i; j > 0 && rep->refused[j - 1] > rep->refused[j]; j--) {
                int64_t t = rep->refused[j];
                rep->refused[j] = rep->refused[j - 1];
                rep->refused[j - 1] = t;
            }
    }
}

/* Whether op c, applied to value, lets op goal take effect next. */
static bool enables(const search *s, const reg_op *c, int64_t value, int32_t goal)
{
    int64_t next, unused;
    return goal != NIL && reg_step(c, value, &next) && reg_step(&s->ops[goal], next, &unused);
}

/* Whether the call at entry i waits for the list walk. */
static bool deferred(const search *s, int32_t i, int64_t value, int32_t goal)
{
    const reg_op *op = &s->ops[s->e[i].op];
    return op->ret == INT64_MAX && !enables(s, op, value, goal);
}

static int cmp_candidates(const void *pa, const void *pb, void *ctx)
{
    const search *s = ctx;
    const reg_op *a = &s->ops[s->e[*(const int32_t *)pa].op];
    const reg_op *b = &s->ops[s->e[*(const int32_t *)pb].op];
    bool ea = enables(s, a, s->value, s->goal), eb = enables(s, b, s->value, s->goal);
    if (ea != eb)
        return ea ? -1 : 1;
    if (a->ret != b->ret)
        return a->ret < b->ret ? -1 : 1;
    return (a->call > b->call) - (a->call < b->call);
}

static void pool_push(search *s, int32_t i)
{
    if (s->npool == s->cappool) {
        s->cappool = s->cappool ? s->cappool * 2 : 1024;
        s->pool = xrealloc(s->pool, s->cappool * sizeof *s->pool);
    }
    s->pool[s->npool++] = i;
}

/* Collects the candidates at the current depth (the register holding
 * value): earliest return first, except that when the op returning first
 * cannot take effect yet, those that would let it come first. */
static level open_level(search *s, int64_t value)
{
    level lv = {s->npool, 0, 0, NIL, NIL, s->e[0].next};
    int32_t i = s->e[0].next;
    while (i != NIL && s->e[i].match != NIL)
        i = s->e[i].next;
    int64_t unused;
    if (i != NIL) {
        lv.first_return = s->e[i].op;
        if (!reg_step(&s->ops[lv.first_return], value, &unused))
            lv.goal = lv.first_return;
    }
    for (i = s->e[0].next; i != NIL && s->e[i].match != NIL; i = s->e[i].next)
        if (!deferred(s, i, value, lv.goal))
            pool_push(s, i);
    lv.count = s->npool - lv.base;
    s->value = value;
    s->goal = lv.goal;
    if (lv.count > 1)
        qsort_r(&s->pool[lv.base], lv.count, sizeof *s->pool, cmp_candidates, s);
    return lv;
}

/* Returns the next candidate of lv to try (the register holding value),
 * or NIL when there is none left. */
static int32_t next_candidate(const search *s, level *lv, int64_t value)
{
    if (lv->next < lv->count)
        return s->pool[lv->base + lv->next++];
    for (int32_t i = lv->scan; i != NIL && s->e[i].match != NIL; i = s->e[i].next) {
        if (deferred(s, i, value, lv->goal)) {
            lv->scan = s->e[i].next;
            return i;
        }
    }
    lv->scan = NIL;
    return NIL;
}

/* Tries to linearize the call at entry i next, chosen in level lv.
 * Returns whether it did. */
static bool try_call(search *s, int32_t i, const level *lv, int64_t *value, uint64_t *zob,
                     int32_t *top)
{
    int32_t op = s->e[i].op;
    int64_t next;
    if (!reg_step(&s->ops[op], *value, &next)) {
        note_refused(s, op, *value);
        return false;
    }
    uint64_t zob2 = *zob ^ wgl_mix64((uint64_t)op + 1);
    int32_t top2 = MAX(*top, op);
    wgl_memo_add_op(s->memo, op);
    if (wgl_memo_visit(s->memo, zob2, next, (int32_t)s->depth + 1, top2)) {
        wgl_memo_remove_op(s->memo, op);
        return false;
    }
    s->stack[s->depth] = (frame){i, op, *top, *value, *zob, *lv};
    note_push(s, s->depth, op);
    s->depth++;
    *value = next, *zob = zob2, *top = top2;
    lift(s->e, i);
    return true;
}

/* Undoes the last linearization. Returns the level it was chosen in. */
static level backtrack(search *s, int64_t *value, uint64_t *zob, int32_t *top)
{
    frame f = s->stack[--s->depth];
    s->agree = MIN(s->agree, s->depth);
    *value = f.value, *zob = f.zob, *top = f.top;
    wgl_memo_remove_op(s->memo, f.op);
    unlift(s->e, f.entry);
    s->npool = f.lv.base + f.lv.count;
    return f.lv;
}

wgl_outcome wgl_check(const reg_op *ops, size_t n, double budget_s, wgl_report *rep)
{
    search s;
    search_init(&s, ops, n);
    uint64_t deadline = now_ns() + (uint64_t)(budget_s * 1e9);
    int64_t value = REG_INITIAL;
    uint64_t zob = 0;
    int32_t top = -1;
    level lv = open_level(&s, value);
    wgl_outcome out = WGL_LINEARIZABLE;
    for (uint64_t steps = 1; s.e[0].next != NIL; steps++) {
        if (steps % 1024 == 0 && now_ns() > deadline) {
            out = WGL_TIMEOUT;
            break;
        }
        int32_t i = next_candidate(&s, &lv, value);
        if (i != NIL) {
            if (try_call(&s, i, &lv, &value, &zob, &top))
                lv = open_level(&s, value);
            continue;
        }
        if (lv.first_return != NIL)
            note_blocker(&s, lv.first_return);
        if (s.depth == 0) {
            out = WGL_ILLEGAL;
            fill_report(&s, rep);
            break;
        }
        lv = backtrack(&s, &value, &zob, &top);
    }
    search_free(&s);
    return out;
}

void wgl_report_free(wgl_report *rep)
{
    free(rep->prefix);
    memset(rep, 0, sizeof *rep);
}
