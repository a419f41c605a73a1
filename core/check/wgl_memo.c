/* wgl_memo.c - what the linearizability search remembers: the current set
 * of linearized ops (a bitset) and every (set, register value) already
 * explored (checkers-spec.md §4.2, Lowe's memoisation).
 *
 * A remembered set is its size, its largest op and the ops missing below
 * that (at most the ops pending at one time), so memory stays linear in
 * the key's history however long it is. */
#include "register_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"

#define NIL (-1)

typedef struct seen {
    uint64_t hash;
    int64_t value;
    int32_t count, top; /* size of the set and its largest op */
    uint32_t nholes;    /* ops below top missing from the set */
    size_t holes;       /* their offset in the holes arena */
    int32_t next;       /* bucket chain */
} seen;

struct wgl_memo {
    uint64_t *bits;     /* the current set */
    size_t words, hint; /* words before hint are all ones */
    int32_t *bucket;
    size_t mask;
    seen *e;
    size_t n, cap;
    int32_t *holes;
    size_t nholes, capholes;
};

uint64_t wgl_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void grow(wgl_memo *m)
{
    m->cap = m->cap ? m->cap * 2 : 1024;
    m->e = xrealloc(m->e, m->cap * sizeof *m->e);
    free(m->bucket);
    m->mask = m->cap * 2 - 1;
    m->bucket = xmalloc((m->mask + 1) * sizeof *m->bucket);
    memset(m->bucket, 0xff, (m->mask + 1) * sizeof *m->bucket); /* NIL */
    for (size_t i = 0; i < m->n; i++) {
        size_t b = m->e[i].hash & m->mask;
        m->e[i].next = m->bucket[b];
        m->bucket[b] = (int32_t)i;
    }
}

wgl_memo *wgl_memo_new(size_t nops)
{
    wgl_memo *m = xcalloc(1, sizeof *m);
    m->words = (nops + 63) / 64;
    m->bits = xcalloc(m->words ? m->words : 1, sizeof *m->bits);
    grow(m);
    return m;
}

void wgl_memo_free(wgl_memo *m)
{
    free(m->bits);
    free(m->bucket);
    free(m->e);
    free(m->holes);
    free(m);
}

static bool has(const wgl_memo *m, int32_t op)
{
    return m->bits[op / 64] >> (op % 64) & 1;
}

void wgl_memo_add_op(wgl_memo *m, int32_t op)
{
    m->bits[op / 64] |= 1ull << (op % 64);
}

void wgl_memo_remove_op(wgl_memo *m, int32_t op)
{
    m->bits[op / 64] &= ~(1ull << (op % 64));
    if ((size_t)op / 64 < m->hint)
        m->hint = (size_t)op / 64;
}

static void push_hole(wgl_memo *m, int32_t op)
{
    if (m->nholes == m->capholes) {
        m->capholes = m->capholes ? m->capholes * 2 : 1024;
        m->holes = xrealloc(m->holes, m->capholes * sizeof *m->holes);
    }
    m->holes[m->nholes++] = op;
}

/* Remembers the current set with the register at value. */
static void remember(wgl_memo *m, uint64_t hash, int64_t value, int32_t count, int32_t top)
{
    if (m->n == m->cap)
        grow(m);
    seen *x = &m->e[m->n];
    *x = (seen){hash, value, count, top, 0, m->nholes, NIL};
    while (m->hint < m->words && m->bits[m->hint] == ~0ull)
        m->hint++;
    for (size_t w = m->hint; top >= 0 && w <= (size_t)top / 64; w++) {
        uint64_t zeros = ~m->bits[w];
        if (w == (size_t)top / 64 && top % 64 != 63)
            zeros &= (1ull << (top % 64 + 1)) - 1;
        for (; zeros; zeros &= zeros - 1)
            push_hole(m, (int32_t)(w * 64 + (size_t)__builtin_ctzll(zeros)));
    }
    x->nholes = (uint32_t)(m->nholes - x->holes);
    size_t b = hash & m->mask;
    x->next = m->bucket[b];
    m->bucket[b] = (int32_t)m->n++;
}

bool wgl_memo_visit(wgl_memo *m, uint64_t zob, int64_t value, int32_t count, int32_t top)
{
    uint64_t hash = zob ^ wgl_mix64((uint64_t)value);
    for (int32_t i = m->bucket[hash & m->mask]; i != NIL; i = m->e[i].next) {
        const seen *x = &m->e[i];
        if (x->hash != hash || x->value != value || x->top != top || x->count != count)
            continue;
        bool same = true;
        for (uint32_t h = 0; same && h < x->nholes; h++)
            same = !has(m, m->holes[x->holes + h]);
        if (same) /* same size, same top, disjoint from its holes: equal */
            return true;
    }
    remember(m, hash, value, count, top);
    return false;
}
