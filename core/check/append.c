/* append.c - the list-append checker (checkers-spec.md §6.6): loads the
 * history, infers version orders, reports the anomalies visible without
 * cycles, builds the dependency graph, searches it for cycles, and judges
 * what was found against the model expected at the run's isolation level.
 * Every anomaly found is listed, forbidden or not. */
#include <stdlib.h>
#include <string.h>

#include "append_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

#define RC (1u << ISO_READ_COMMITTED)
#define RR (1u << ISO_REPEATABLE_READ)
#define SER (1u << ISO_SERIALIZABLE)
#define ALL (RC | RR | SER)

typedef struct rule {
    const char *type;
    unsigned levels; /* the levels whose expected model forbids it */
} rule;

/* The expected models are strong read committed (RC), strong snapshot
 * isolation (RR) and strict serializability (SER); each forbids what it
 * and the models it implies proscribe, and every anomaly implying one of
 * those (spec §1.7). garbage-read (an element nobody appended) is ours. */
static const rule RULES[] = {
    {"G0", ALL},
    {"G0-process", ALL},
    {"G0-realtime", ALL},
    {"G1a", ALL},
    {"G1b", ALL},
    {"G1c", ALL},
    {"G1c-process", ALL},
    {"G1c-realtime", ALL},
    {"incompatible-order", ALL},
    {"dirty-update", ALL},
    {"future-read", ALL},
    {"duplicate-elements", ALL},
    {"garbage-read", ALL},
    {"internal", RR | SER},
    {"lost-update", RR | SER},
    {"G-single-item", RR | SER},
    {"G-single-item-process", RR | SER},
    {"G-single-item-realtime", RR | SER},
    {"G-nonadjacent-item", RR | SER},
    {"G-nonadjacent-item-process", RR | SER},
    {"G-nonadjacent-item-realtime", RR | SER},
    {"G2-item", SER},
    {"G2-item-process", SER},
    {"G2-item-realtime", SER},
};

static const char *const MODEL[ISO_COUNT] = {
    "strong read committed",
    "strong snapshot isolation",
    "strict serializability",
};

static const char *const LEVEL[ISO_COUNT] = {"read-committed", "repeatable-read", "serializable"};

bool ap_forbidden(isolation iso, const char *type)
{
    for (size_t i = 0; i < ARRAY_LEN(RULES); i++)
        if (strcmp(RULES[i].type, type) == 0)
            return RULES[i].levels >> iso & 1;
    return false;
}

/* Adds the anomaly types found that iso forbids (allowed: that it does
 * not), comma-separated. Returns how many. */
static size_t add_types(sqlbuf *b, const check_result *r, isolation iso, bool allowed)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nanomalies; i++) {
        const char *t = r->anomalies[i].type;
        if (strcmp(t, "cycle-search-timeout") == 0 || ap_forbidden(iso, t) == allowed)
            continue;
        sb_printf(b, "%s%s", n++ ? ", " : "", t);
    }
    return n;
}

/* The weakest expected model the anomalies found rule out, or -1. */
static int weakest_ruled_out(const check_result *r)
{
    for (int iso = 0; iso < ISO_COUNT; iso++)
        for (size_t i = 0; i < r->nanomalies; i++)
            if (ap_forbidden((isolation)iso, r->anomalies[i].type))
                return iso;
    return -1;
}

static void judge(const ap_hist *a, const ap_cycle_stats *st, isolation iso, check_result *out)
{
    sqlbuf b = SQLBUF_INIT;
    if (add_types(&b, out, iso, false)) {
        out->verdict = VERDICT_INVALID;
        sb_printf(&b, " found, which %s (expected at %s) forbids", MODEL[iso], LEVEL[iso]);
    } else if (st->timeouts) {
        out->verdict = VERDICT_UNKNOWN;
        sb_printf(&b, "the search for cycles %s forbids ran out of its budget in %zu "
                      "component%s, so such cycles may have been missed",
                  MODEL[iso], st->timeouts, st->timeouts == 1 ? "" : "s");
    } else if (a->ok_reads == 0) {
        out->verdict = VERDICT_UNKNOWN;
        sb_add(&b, "no ok transaction read anything, so no dependency between transactions "
                   "could be inferred");
    } else {
        out->verdict = VERDICT_VALID;
        if (add_types(&b, out, iso, true))
            sb_printf(&b, " found, which %s (expected at %s) allows", MODEL[iso], LEVEL[iso]);
    }
    int weakest = weakest_ruled_out(out);
    if (weakest >= 0)
        sb_printf(&b, "; the history is not %s, nor any stronger model", MODEL[weakest]);
    out->reason = b.len ? sb_steal(&b) : NULL;
    sb_free(&b);
}

static char *stats_line(const ap_hist *a, const ap_graph *g, const ap_cycle_stats *st)
{
    size_t by_type[4] = {0};
    for (size_t t = 0; t < a->ntxns; t++)
        by_type[a->txns[t].type]++;
    char *late = st->allowed_timeouts
                     ? xasprintf("; the search for allowed anomalies stopped early in %zu",
                                 st->allowed_timeouts)
                     : xstrdup("");
    char *s = xasprintf("%zu transactions (%zu ok, %zu unknown, %zu failed), %zu reads and %zu "
                        "appends over %zu keys; %zu dependency edges; %zu cyclic components "
                        "(largest %zu)%s",
                        a->ntxns, by_type[H_OK], by_type[H_INFO], by_type[H_FAIL], a->nreads,
                        a->nappends, a->nkeys, g->nedges, st->cyclic, st->largest, late);
    free(late);
    return s;
}

int check_append(const history *h, const check_opts *o, check_result *out)
{
    memset(out, 0, sizeof *out);
    isolation iso = o ? o->isolation : ISO_SERIALIZABLE;
    ap_hist a;
    if (!ap_load(&a, h)) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = a.unknown;
        a.unknown = NULL;
        out->stats = xasprintf("%zu history records, %zu transactions read", h->n, a.ntxns);
        ap_free(&a);
        return 0;
    }
    a.o = o;
    a.out = out;
    ap_check_orders(&a);
    ap_check_reads(&a);
    ap_graph g;
    ap_graph_build(&a, &g);
    ap_cycle_stats st;
    ap_check_cycles(&a, &g, &st);
    judge(&a, &st, iso, out);
    out->stats = stats_line(&a, &g, &st);
    ap_graph_free(&g);
    ap_free(&a);
    return 0;
}
