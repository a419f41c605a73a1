/* append_cycles.c - typed cycle search inside each strongly connected
 * component (spec §1.6).
 *
 * The search for a spec (append_specs.c) takes each "anchor" edge a -> b
 * of the relation its cycles must contain whose ends share a component of
 * the spec's subgraph, and runs a breadth-first search from b back to a
 * over (vertex, path state) pairs. A path found is made simple and
 * classified by its relations; anomalies implied by ones already found in
 * the component are not searched for. */
#include <stdlib.h>
#include <string.h>

#include "append_internal.h"

#include "../util.h"

#define DEFAULT_BUDGET_S 1.0

typedef enum outcome {
    FOUND_NONE,
    FOUND,
    OUT_OF_TIME
} outcome;

typedef struct finder {
    ap_hist *a;
    const ap_graph *g;
    ap_tarjan *tarjan;
    int32_t *scc, *sub, *local; /* per vertex */
    const int32_t *vs;          /* the component */
    size_t nv;
    int32_t tag;
    uint32_t *seen, stamp; /* per (local vertex, state) */
    int32_t *parent, *queue;
    uint8_t *label;
    int32_t *cyc, *where; /* the cycle found; per local vertex: its place */
    uint8_t *rel;
    size_t ncyc, cap, steps;
    uint64_t deadline;
    double budget_s;
    isolation iso;
} finder;

static bool implied_by(unsigned found, int spec)
{
    for (int x = 0; x < AP_NSPEC; x++)
        if (found >> x & 1 && ap_spec_implies(x, spec))
            return true;
    return false;
}

static bool forbidden(const finder *f, int spec)
{
    char name[48];
    ap_spec_name(spec, name, sizeof name);
    return ap_forbidden(f->iso, name);
}

static bool out_of_time(finder *f)
{
    return ++f->steps % 256 == 0 && now_ns() > f->deadline;
}

/* Lays the cycle out as a -> path[0] (= b) -> ... -> path[k-1] -> a,
 * labels[i] being the relation out of path[i], cutting any loop. */
static void make_cycle(finder *f, const int32_t *path, const uint8_t *labels, size_t k,
                       int32_t a, uint8_t anchor)
{
    size_t n = 1;
    f->cyc[0] = a;
    f->rel[0] = anchor;
    f->where[f->local[a]] = 0;
    for (size_t i = 0; i < k; i++) {
        int32_t v = path[i];
        size_t p = (size_t)f->where[f->local[v]];
        if (p < n && f->cyc[p] == v) {
            n = p + 1; /* a loop back to v: drop it */
            f->rel[p] = labels[i];
            continue;
        }
        f->where[f->local[v]] = (int32_t)n;
        f->cyc[n] = v;
        f->rel[n++] = labels[i];
    }
    f->ncyc = n;
}

/* Collects the path to node and lays out the cycle it closes. */
static void close_cycle(finder *f, int32_t node, int32_t a, uint8_t anchor)
{
    size_t k = 0;
    for (int32_t p = node; f->parent[p] >= 0; p = f->parent[p])
        k++;
    int32_t *path = xmalloc((k + 1) * sizeof *path);
    uint8_t *labels = xmalloc(k + 1);
    size_t i = k;
    for (int32_t p = node; f->parent[p] >= 0; p = f->parent[p]) {
        i--;
        path[i] = f->vs[f->parent[p] / AP_NSTATE];
        labels[i] = f->label[p];
    }
    make_cycle(f, path, labels, k, a, anchor);
    free(path);
    free(labels);
}

/* Breadth-first search from b back to a under spec. */
static outcome bfs(finder *f, int spec, int32_t a, int32_t b)
{
    if (++f->stamp == 0) {
        memset(f->seen, 0, f->nv * AP_NSTATE * sizeof *f->seen);
        f->stamp = 1;
    }
    uint8_t anchor = ap_spec_anchor(spec);
    int32_t start = f->local[b] * AP_NSTATE + ap_spec_start(spec);
    size_t head = 0, tail = 0;
    f->seen[start] = f->stamp;
    f->parent[start] = -1;
    f->queue[tail++] = start;
    const ap_graph *g = f->g;
    while (head < tail) {
        if (out_of_time(f))
            return OUT_OF_TIME;
        int32_t node = f->queue[head++], v = f->vs[node / AP_NSTATE], s = node % AP_NSTATE;
        if (v == a) {
            if (!ap_spec_accepts(spec, s))
                continue;
            close_cycle(f, node, a, anchor);
            return FOUND;
        }
        for (uint32_t e = g->off[v]; e < g->off[v + 1]; e++) {
            int32_t w = g->to[e];
            if (w == b || f->scc[w] != f->tag || f->sub[w] != f->sub[a])
                continue;
            for (uint8_t ls = ap_spec_choices(spec, g->rel[e]); ls; ls &= (uint8_t)(ls - 1)) {
                uint8_t l = ls & (uint8_t)-ls;
                int s2 = ap_spec_step(spec, s, l);
                if (s2 < 0)
                    continue;
                int32_t next = f->local[w] * AP_NSTATE + s2;
                if (f->seen[next] == f->stamp)
                    continue;
                f->seen[next] = f->stamp;
                f->parent[next] = node;
                f->label[next] = l;
                f->queue[tail++] = next;
            }
        }
    }
    return FOUND_NONE;
}

static void report_cycle(finder *f, int cls)
{
    char name[48];
    ap_spec_name(cls, name, sizeof name);
    char *text = ap_cycle_text(f->a, f->cyc, f->rel, f->ncyc);
    char *ex = xasprintf("%s: %s", name, text);
    check_result_add(f->a->out, name, ex);
    free(text);
    free(ex);
}

/* Searches the component for spec, reporting what it finds in *found. */
static outcome search(finder *f, int spec, unsigned *found)
{
    uint8_t anchor = ap_spec_anchor(spec);
    ap_tarjan_run(f->tarjan, f->g, f->vs, f->nv, f->scc, f->tag, ap_spec_mask(spec), f->sub);
    const ap_graph *g = f->g;
    for (size_t i = 0; i < f->nv; i++) {
        int32_t v = f->vs[i];
        for (uint32_t e = g->off[v]; e < g->off[v + 1]; e++) {
            int32_t w = g->to[e];
            if (!(g->rel[e] & anchor) || f->scc[w] != f->tag || f->sub[w] != f->sub[v])
                continue;
            outcome o = bfs(f, spec, v, w);
            if (o != FOUND) {
                if (o == OUT_OF_TIME)
                    return o;
                continue;
            }
            int cls = ap_spec_classify(f->rel, f->ncyc);
            if (!implied_by(*found, cls)) {
                report_cycle(f, cls);
                *found |= 1u << cls;
            }
            if (cls == spec)
                return FOUND;
        }
    }
    return FOUND_NONE;
}

static void report_timeout(finder *f, int spec)
{
    char name[48];
    ap_spec_name(spec, name, sizeof name);
    char *ex = xasprintf("the search for %s cycles in a component of %zu transactions ran out "
                         "of its %g s budget: anomalies the expected model forbids may have "
                         "been missed there", name, f->nv, f->budget_s);
    check_result_add(f->a->out, "cycle-search-timeout", ex);
    free(ex);
}

/* Searches one component: forbidden anomalies first, then allowed ones,
 * each phase with the budget. */
static void search_component(finder *f, ap_cycle_stats *st)
{
    unsigned found = 0;
    for (int phase = 0; phase < 2; phase++) {
        f->deadline = now_ns() + (uint64_t)(f->budget_s * 1e9);
        for (int spec = 0; spec < AP_NSPEC; spec++) {
            if (forbidden(f, spec) != (phase == 0) || implied_by(found, spec))
                continue;
            if (search(f, spec, &found) != OUT_OF_TIME)
                continue;
            if (phase == 0) {
                report_timeout(f, spec);
                st->timeouts++;
            } else {
                st->allowed_timeouts++;
            }
            break;
        }
    }
}

/* Sizes the per-component arrays for nv vertices. */
static void reserve(finder *f, size_t nv)
{
    if (nv <= f->cap)
        return;
    f->cap = nv;
    free(f->seen), free(f->parent), free(f->queue), free(f->label);
    free(f->cyc), free(f->where), free(f->rel);
    f->seen = xcalloc(nv * AP_NSTATE, sizeof *f->seen);
    f->parent = xmalloc(nv * AP_NSTATE * sizeof *f->parent);
    f->queue = xmalloc(nv * AP_NSTATE * sizeof *f->queue);
    f->label = xmalloc(nv * AP_NSTATE);
    f->cyc = xmalloc((nv + 1) * sizeof *f->cyc);
    f->where = xcalloc(nv + 1, sizeof *f->where);
    f->rel = xmalloc(nv + 1);
    f->stamp = 0;
}

/* Lists the vertices of every component, grouped: members[start[c]..). */
static int32_t *group_components(const int32_t *scc, size_t n, size_t ncomp, size_t **start)
{
    size_t *s = xcalloc(ncomp + 2, sizeof *s);
    for (size_t v = 0; v < n; v++)
        s[scc[v] + 2]++;
    for (size_t c = 0; c < ncomp; c++)
        s[c + 2] += s[c + 1];
    int32_t *members = xmalloc((n + 1) * sizeof *members);
    for (size_t v = 0; v < n; v++)
        members[s[scc[v] + 1]++] = (int32_t)v;
    *start = s;
    return members;
}

void ap_check_cycles(ap_hist *a, const ap_graph *g, ap_cycle_stats *st)
{
    memset(st, 0, sizeof *st);
    size_t n = g->n;
    finder f = {0};
    f.a = a, f.g = g;
    f.iso = a->o ? a->o->isolation : ISO_SERIALIZABLE;
    f.budget_s = a->o && a->o->time_budget_s > 0 ? a->o->time_budget_s : DEFAULT_BUDGET_S;
    f.tarjan = ap_tarjan_new(n);
    f.scc = xmalloc((n + 1) * sizeof *f.scc);
    f.sub = xmalloc((n + 1) * sizeof *f.sub);
    f.local = xmalloc((n + 1) * sizeof *f.local);
    int32_t *all = xmalloc((n + 1) * sizeof *all);
    for (size_t v = 0; v < n; v++)
        all[v] = (int32_t)v;
    size_t ncomp = ap_tarjan_run(f.tarjan, g, all, n, NULL, 0, 0xff, f.scc);
    free(all);
    size_t *start;
    int32_t *members = group_components(f.scc, n, ncomp, &start);
    for (size_t c = 0; c < ncomp; c++) {
        f.vs = &members[start[c]];
        f.nv = start[c + 1] - start[c];
        if (f.nv < 2)
            continue;
        st->cyclic++;
        st->largest = MAX(st->largest, f.nv);
        f.tag = (int32_t)c;
        for (size_t i = 0; i < f.nv; i++)
            f.local[f.vs[i]] = (int32_t)i;
        reserve(&f, f.nv);
        search_component(&f, st);
    }
    free(members), free(start);
    free(f.scc), free(f.sub), free(f.local);
    free(f.seen), free(f.parent), free(f.queue), free(f.label);
    free(f.cyc), free(f.where), free(f.rel);
    ap_tarjan_free(f.tarjan);
}
