/* append_graph.c - the transaction dependency graph (spec §1.5): ww, wr and
 * rw edges from the version orders, process edges between a process's
 * consecutive ok txns, and realtime edges as the transitive reduction of
 * "completed before invoked", kept in compressed rows with each pair's
 * relations merged into one bitmask. */
#include <stdlib.h>
#include <string.h>

#include "append_internal.h"

#include "../util.h"

typedef struct edge {
    int32_t from, to;
    uint8_t rel;
} edge;

typedef struct edges {
    edge *e;
    size_t n, cap;
} edges;

static void add_edge(edges *E, int32_t from, int32_t to, uint8_t rel)
{
    if (from == to)
        return;
    if (E->n == E->cap) {
        E->cap = E->cap ? E->cap * 2 : 4096;
        E->e = xrealloc(E->e, E->cap * sizeof *E->e);
    }
    E->e[E->n++] = (edge){from, to, rel};
}

/* The committed writer of element record e, or AP_NONE. */
static int32_t writer_of(const ap_hist *a, int32_t e)
{
    int32_t w = e == AP_NONE ? AP_NONE : a->elems[e].writer;
    return w != AP_NONE && ap_committed(a->txns[w].type) ? w : AP_NONE;
}

/* t read key k in the state ending with element record e (AP_NONE: the
 * initial state): t -rw-> whoever appended next. */
static void add_rw(const ap_hist *a, edges *E, int32_t t, const ap_key *k, int32_t e)
{
    int32_t next = e == AP_NONE ? k->first : a->elems[e].next;
    if (next != AP_NONE) {
        int32_t w = writer_of(a, next);
        if (w != AP_NONE)
            add_edge(E, t, w, AP_RW);
        return;
    }
    for (uint32_t i = 0; i < k->nunobs; i++)
        add_edge(E, t, a->unobs[k->unobs0 + i], AP_RW);
}

static void add_read_edges(const ap_hist *a, edges *E, int32_t t, const ap_mop *m)
{
    const ap_key *k = &a->keys[ap_key_find(a, m->key)];
    if (m->len == 0) {
        add_rw(a, E, t, k, AP_NONE);
        return;
    }
    int32_t e = ap_elem_find(a, m->key, m->elem);
    int32_t w = writer_of(a, e);
    if (w != AP_NONE)
        add_edge(E, w, t, AP_WR);
    if (e != AP_NONE && a->elems[e].pos != AP_NONE)
        add_rw(a, E, t, k, e);
}

static void data_edges(const ap_hist *a, edges *E)
{
    for (size_t t = 0; t < a->ntxns; t++) {
        const ap_txn *x = &a->txns[t];
        if (!ap_committed(x->type))
            continue;
        for (uint32_t i = 0; i < x->nmops; i++) {
            const ap_mop *m = &a->mops[x->mop0 + i];
            if (!m->append) {
                if (m->list)
                    add_read_edges(a, E, (int32_t)t, m);
                continue;
            }
            int32_t w = writer_of(a, ap_prev_elem(a, ap_elem_find(a, m->key, m->elem)));
            if (w != AP_NONE)
                add_edge(E, w, (int32_t)t, AP_WW);
        }
    }
}

static int cmp_process(const void *pa, const void *pb, void *ctx)
{
    const ap_txn *t = ctx;
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    if (t[a].process != t[b].process)
        return t[a].process < t[b].process ? -1 : 1;
    return (a > b) - (a < b);
}

/* Each process's consecutive ok txns. */
static void process_edges(const ap_hist *a, edges *E)
{
    int32_t *ok = xmalloc((a->ntxns + 1) * sizeof *ok);
    size_t n = 0;
    for (size_t t = 0; t < a->ntxns; t++)
        if (a->txns[t].type == H_OK)
            ok[n++] = (int32_t)t;
    qsort_r(ok, n, sizeof *ok, cmp_process, a->txns);
    for (size_t i = 1; i < n; i++)
        if (a->txns[ok[i]].process == a->txns[ok[i - 1]].process)
            add_edge(E, ok[i - 1], ok[i], AP_PROCESS);
    free(ok);
}

typedef struct frontier {
    int32_t *set; /* ok txns completed and not yet followed */
    int32_t *pos; /* per txn: its place in set, or AP_NONE */
    size_t n;
} frontier;

static void frontier_remove(frontier *f, int32_t t)
{
    int32_t p = f->pos[t];
    if (p == AP_NONE)
        return;
    f->set[p] = f->set[--f->n];
    f->pos[f->set[p]] = p;
    f->pos[t] = AP_NONE;
}

/* Realtime: scanning the history, each invoked txn gets an edge from every
 * txn on the frontier; an ok completion replaces its predecessors there. */
static void realtime_edges(const ap_hist *a, edges *E)
{
    const history *h = a->h;
    int32_t *at = xmalloc((h->n + 1) * sizeof *at);
    size_t *pred0 = xmalloc((a->ntxns + 1) * sizeof *pred0);
    size_t *pred1 = xmalloc((a->ntxns + 1) * sizeof *pred1);
    frontier f = {xmalloc((a->ntxns + 1) * sizeof *f.set),
                  xmalloc((a->ntxns + 1) * sizeof *f.pos), 0};
    memset(at, 0xff, h->n * sizeof *at);
    for (size_t t = 0; t < a->ntxns; t++) {
        at[a->txns[t].invoked] = (int32_t)t;
        if (a->txns[t].done >= 0)
            at[a->txns[t].done] = (int32_t)t;
        f.pos[t] = AP_NONE;
        pred0[t] = pred1[t] = 0;
    }
    for (size_t i = 0; i < h->n; i++) {
        int32_t t = at[i];
        if (t == AP_NONE || !ap_committed(a->txns[t].type))
            continue;
        if ((int64_t)i == a->txns[t].invoked) {
            pred0[t] = E->n;
            for (size_t k = 0; k < f.n; k++)
                add_edge(E, f.set[k], t, AP_REALTIME);
            pred1[t] = E->n;
        } else if (a->txns[t].type == H_OK) {
            for (size_t k = pred0[t]; k < pred1[t]; k++)
                frontier_remove(&f, E->e[k].from);
            f.pos[t] = (int32_t)f.n;
            f.set[f.n++] = t;
        }
    }
    free(at), free(pred0), free(pred1), free(f.set), free(f.pos);
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* Compresses the edge list into rows, merging the relations of each pair. */
static void compress(ap_graph *g, edges *E)
{
    g->off = xcalloc(g->n + 2, sizeof *g->off);
    for (size_t i = 0; i < E->n; i++)
        g->off[E->e[i].from + 2]++;
    for (size_t v = 0; v < g->n; v++)
        g->off[v + 2] += g->off[v + 1];
    uint64_t *packed = xmalloc((E->n + 1) * sizeof *packed);
    for (size_t i = 0; i < E->n; i++)
        packed[g->off[E->e[i].from + 1]++] = (uint64_t)E->e[i].to << 8 | E->e[i].rel;
    free(E->e);
    g->to = xmalloc((E->n + 1) * sizeof *g->to);
    g->rel = xmalloc(E->n + 1);
    size_t w = 0;
    for (size_t v = 0, from = 0; v < g->n; v++) {
        size_t to = g->off[v + 1];
        qsort(&packed[from], to - from, sizeof *packed, cmp_u64);
        g->off[v] = (uint32_t)w;
        for (size_t i = from; i < to; i++) {
            int32_t dst = (int32_t)(packed[i] >> 8);
            if (i > from && w > g->off[v] && g->to[w - 1] == dst)
                g->rel[w - 1] |= (uint8_t)packed[i];
            else
                g->to[w] = dst, g->rel[w++] = (uint8_t)packed[i];
        }
        from = to;
    }
    g->off[g->n] = (uint32_t)w;
    g->nedges = w;
    free(packed);
}

void ap_graph_build(const ap_hist *a, ap_graph *g)
{
    memset(g, 0, sizeof *g);
    g->n = a->ntxns;
    edges E = {0};
    data_edges(a, &E);
    process_edges(a, &E);
    realtime_edges(a, &E);
    compress(g, &E);
}

void ap_graph_free(ap_graph *g)
{
    free(g->off);
    free(g->to);
    free(g->rel);
    memset(g, 0, sizeof *g);
}
