/* append_scc.c - Tarjan's strongly connected components, iterative, over
 * a vertex subset and a subset of edge relations. */
#include <stdlib.h>

#include "append_internal.h"

#include "../util.h"

typedef struct call {
    int32_t v;
    uint32_t edge; /* the next edge to look at */
} call;

struct ap_tarjan {
    int32_t *index, *low, *stack;
    bool *on_stack;
    call *calls;
};

ap_tarjan *ap_tarjan_new(size_t n)
{
    ap_tarjan *t = xmalloc(sizeof *t);
    n = n ? n : 1;
    t->index = xmalloc(n * sizeof *t->index);
    t->low = xmalloc(n * sizeof *t->low);
    t->stack = xmalloc(n * sizeof *t->stack);
    t->on_stack = xcalloc(n, sizeof *t->on_stack);
    t->calls = xmalloc(n * sizeof *t->calls);
    return t;
}

void ap_tarjan_free(ap_tarjan *t)
{
    if (!t)
        return;
    free(t->index), free(t->low), free(t->stack), free(t->on_stack), free(t->calls);
    free(t);
}

typedef struct run {
    ap_tarjan *t;
    const ap_graph *g;
    const int32_t *member;
    int32_t tag, counter, *comp;
    uint8_t mask;
    size_t sp, ncalls, ncomp;
} run;

static void visit(run *r, int32_t v)
{
    ap_tarjan *t = r->t;
    t->index[v] = t->low[v] = r->counter++;
    t->stack[r->sp++] = v;
    t->on_stack[v] = true;
    t->calls[r->ncalls++] = (call){v, r->g->off[v]};
}

/* v's edges are done: pops its component if it is a root. */
static void finish(run *r, int32_t v)
{
    ap_tarjan *t = r->t;
    if (t->low[v] == t->index[v]) {
        int32_t w;
        do {
            w = t->stack[--r->sp];
            t->on_stack[w] = false;
            r->comp[w] = (int32_t)r->ncomp;
        } while (w != v);
        r->ncomp++;
    }
    if (r->ncalls) {
        int32_t parent = t->calls[r->ncalls - 1].v;
        t->low[parent] = MIN(t->low[parent], t->low[v]);
    }
}

static void strongconnect(run *r, int32_t root)
{
    ap_tarjan *t = r->t;
    const ap_graph *g = r->g;
    visit(r, root);
    while (r->ncalls) {
        call *c = &t->calls[r->ncalls - 1];
        int32_t v = c->v;
        if (c->edge == g->off[v + 1]) {
            r->ncalls--;
            finish(r, v);
            continue;
        }
        uint32_t e = c->edge++;
        int32_t w = g->to[e];
        if (!(g->rel[e] & r->mask) || (r->member && r->member[w] != r->tag))
            continue;
        if (t->index[w] < 0)
            visit(r, w);
        else if (t->on_stack[w])
            t->low[v] = MIN(t->low[v], t->index[w]);
    }
}

size_t ap_tarjan_run(ap_tarjan *t, const ap_graph *g, const int32_t *vs, size_t nv,
                     const int32_t *member, int32_t tag, uint8_t mask, int32_t *comp)
{
    run r = {t, g, member, tag, 0, comp, mask, 0, 0, 0};
    for (size_t i = 0; i < nv; i++)
        t->index[vs[i]] = -1;
    for (size_t i = 0; i < nv; i++)
        if (t->index[vs[i]] < 0)
            strongconnect(&r, vs[i]);
    return r.ncomp;
}
