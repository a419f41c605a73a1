/* append_internal.h - the parts of the list-append checker
 * (checkers-spec.md §1.3-1.8, §6.6).
 *
 * One ap_hist holds everything derived from the history: transactions and
 * their micro-ops in flat arrays, an index of (key, element) records and
 * one of keys. Transactions are the graph's vertices (failed ones simply
 * have no edges). Values are those of actions/wl_append.c:
 * [["append", k, x], ["r", k, [x...]], ...]. */
#ifndef MELEE_CHECK_APPEND_INTERNAL_H
#define MELEE_CHECK_APPEND_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "history.h"

#define AP_NONE (-1)

/* ---- an open-addressing index over records that start with an ap_pair ---- */

typedef struct ap_pair {
    int64_t a, b;
} ap_pair;

typedef struct ap_index {
    uint32_t *slot; /* record number + 1; 0 is empty */
    size_t mask, n;
} ap_index;

/* Returns the record number of (a, b) in recs, or AP_NONE. */
int32_t ap_index_find(const ap_index *ix, const void *recs, size_t stride, int64_t a, int64_t b);

/* Indexes record number id of recs (its pair must not be indexed yet). */
void ap_index_put(ap_index *ix, const void *recs, size_t stride, int32_t id);

void ap_index_free(ap_index *ix);

/* ---- transactions ---- */

typedef struct ap_mop {
    int64_t key;
    int64_t elem;      /* append: the element; read: the last element (len > 0) */
    json_object *list; /* read: the list read (NULL: not known) */
    uint32_t len;      /* read: the list's length */
    int32_t txn;
    bool append;
    bool compatible;   /* read: a prefix of the key's longest read */
} ap_mop;

typedef struct ap_txn {
    int64_t index;   /* of the completion (of the invoke when none) */
    int64_t process;
    int64_t invoked; /* history position of the invoke */
    int64_t done;    /* history position of the completion, -1 if none */
    uint32_t mop0, nmops;
    hist_type type;  /* H_OK, H_INFO (also: never completed) or H_FAIL */
} ap_txn;

/* One appended (or read but never appended) element of one key. */
typedef struct ap_elem {
    ap_pair id;          /* (key, element) */
    int32_t writer;      /* txn that appended it, AP_NONE if none */
    int32_t pos;         /* its first place in the key's longest read, AP_NONE if absent */
    int32_t prev, next;  /* neighbours in the version order (AP_NONE: initial / none) */
    int32_t lu_txn[2];   /* lost update: the first txns that read up to here, then appended */
    uint32_t lu_count;
    uint32_t stamp;      /* the last read that saw it (duplicate search) */
    bool intermediate;   /* its writer appended to the key again later */
    bool reported;       /* a garbage read of it was reported */
} ap_elem;

typedef struct ap_key {
    ap_pair id;             /* (key, 0) */
    int32_t longest_mop;    /* the longest read: the version order; AP_NONE */
    int32_t first, last;    /* elements at both ends of the version order */
    uint32_t unobs0, nunobs; /* appenders never observed, in ap_hist.unobs */
    int32_t lu_txn[2];      /* lost update on the initial state */
    uint32_t lu_count;
    size_t bad0;            /* its counts in ap_hist.bad_upto */
    bool incompatible;      /* an incompatible read was reported */
} ap_key;

typedef struct ap_hist {
    const history *h;
    const check_opts *o;
    check_result *out;
    ap_txn *txns;
    size_t ntxns;
    ap_mop *mops;
    size_t nmops;
    ap_elem *elems;
    size_t nelems, celems;
    ap_index elem_ix;
    ap_key *keys;
    size_t nkeys, ckeys;
    ap_index key_ix;
    int32_t *unobs;
    uint32_t *bad_upto;   /* per key, per position of the longest read: how many of
                             its elements up to there are duplicated, unwritten or
                             written by a failed txn */
    char *unknown;        /* why the history cannot be checked (owned) */
    size_t ok_reads;      /* reads in ok transactions */
    size_t nreads, nappends;
} ap_hist;

/* Builds a from h (a->o and a->out are the caller's to set). Returns
 * false with a->unknown set when the history is not a list-append history
 * (other micro-ops, an element appended twice, values of the wrong shape).
 * Free with ap_free either way. */
bool ap_load(ap_hist *a, const history *h);

void ap_free(ap_hist *a);

/* Returns the element record of (key, elem), or AP_NONE. */
int32_t ap_elem_find(const ap_hist *a, int64_t key, int64_t elem);

/* Returns the key record of key, or AP_NONE. */
int32_t ap_key_find(const ap_hist *a, int64_t key);

/* Returns element i of read list l. */
int64_t ap_list_at(json_object *l, size_t i);

/* Returns the element appended just before element record e by the version
 * order (an unobserved one comes after the last observed): its record, or
 * AP_NONE for the initial state. */
int32_t ap_prev_elem(const ap_hist *a, int32_t e);

/* Whether a txn of this type can be a vertex of the dependency graph. */
bool ap_committed(hist_type t);

/* ---- anomalies outside cycles (spec §1.3) ---- */

/* Infers each key's version order from its longest read, reporting
 * incompatible-order and dirty-update. Runs before ap_check_reads. */
void ap_check_orders(ap_hist *a);

/* Reports G1a, G1b, garbage-read, duplicate-elements, future-read,
 * internal and lost-update. */
void ap_check_reads(ap_hist *a);

/* Returns the record of (key, elem), creating one with no writer when the
 * element was never appended. */
int32_t ap_elem_get(ap_hist *a, int64_t key, int64_t elem);

/* Writes into idx[0..n) the positions (mop0-relative) of txn t's micro-ops
 * sorted by key, then position. Returns n. idx needs t's nmops slots. */
size_t ap_txn_by_key(const ap_hist *a, int32_t t, uint32_t *idx);

/* ---- the dependency graph ---- */

enum {
    AP_WW = 1,
    AP_WR = 2,
    AP_RW = 4,
    AP_PROCESS = 8,
    AP_REALTIME = 16,
    AP_DATA = AP_WW | AP_WR | AP_RW,
};

typedef struct ap_graph {
    size_t n;       /* vertices: the txns */
    uint32_t *off;  /* n + 1 */
    int32_t *to;
    uint8_t *rel;   /* AP_* bits of each edge */
    size_t nedges;
} ap_graph;

/* Builds ww/wr/rw, process and realtime edges over a's txns. */
void ap_graph_build(const ap_hist *a, ap_graph *g);

void ap_graph_free(ap_graph *g);

/* Strongly connected components of the subgraph of vs[0..nv) (vertices v
 * with member[v] == tag, or all when member is NULL) over edges with a bit
 * in mask. Writes comp[v] for each v in vs; returns the number of
 * components. */
typedef struct ap_tarjan ap_tarjan;
ap_tarjan *ap_tarjan_new(size_t n);
void ap_tarjan_free(ap_tarjan *t);
size_t ap_tarjan_run(ap_tarjan *t, const ap_graph *g, const int32_t *vs, size_t nv,
                     const int32_t *member, int32_t tag, uint8_t mask, int32_t *comp);

/* ---- cycle anomalies (spec §1.6): 15 specs, each a base anomaly in a
 * plain, -process or -realtime variant, numbered in search order ---- */

#define AP_NSPEC 15
#define AP_NSTATE 8 /* states of a path under a spec */

/* Writes the spec's anomaly name ("G-single-item-process") into buf. */
void ap_spec_name(int spec, char *buf, size_t n);

/* Whether finding anomaly x implies that anomaly y exists (spec §1.7). */
bool ap_spec_implies(int x, int y);

/* The relations the spec's cycles may use. */
uint8_t ap_spec_mask(int spec);

/* The relation every cycle of the spec contains: searches start from it. */
uint8_t ap_spec_anchor(int spec);

/* The relations an edge with these bits can count as under spec: its
 * allowed data relations, else process, else realtime. */
uint8_t ap_spec_choices(int spec, uint8_t bits);

/* The path state after the anchor. */
int ap_spec_start(int spec);

/* The path state after taking relation rel in state s, or -1 when the
 * spec's cycles cannot go that way. */
int ap_spec_step(int spec, int s, uint8_t rel);

/* Whether closing the cycle (back onto the anchor) in state s gives a
 * cycle of the spec. */
bool ap_spec_accepts(int spec, int s);

/* The spec a cycle whose relations are rel[0..n) is classified as. */
int ap_spec_classify(const uint8_t *rel, size_t n);


typedef struct ap_cycle_stats {
    size_t cyclic;           /* components with a cycle */
    size_t largest;          /* transactions in the largest */
    size_t timeouts;         /* searches for forbidden anomalies out of budget */
    size_t allowed_timeouts; /* searches for allowed anomalies out of budget */
} ap_cycle_stats;

/* Finds, classifies and reports cycle anomalies in every cyclic component
 * of g (spec §1.6), searching for the anomalies the expected model forbids
 * first, each component with its own time budget. */
void ap_check_cycles(ap_hist *a, const ap_graph *g, ap_cycle_stats *st);

/* ---- models (spec §1.7) ---- */

/* Whether the model expected at isolation level iso forbids anomaly type. */
bool ap_forbidden(isolation iso, const char *type);

/* ---- plain words ---- */

/* Returns "T (index 12, process 3)"-style text naming txn t (caller frees). */
char *ap_txn_name(const ap_hist *a, int32_t t);

/* Returns txn t's micro-ops, long reads shortened (caller frees). */
char *ap_txn_mops(const ap_hist *a, int32_t t);

/* Returns a read list as "[1 2 3]", long ones as "[... 7 8 9] (40 elements)". */
char *ap_list_text(json_object *l);

/* Returns the account of a cycle: the txns cyc[0..n), each cyc[i]
 * preceding cyc[(i+1) % n] by relation rel[i] (caller frees). */
char *ap_cycle_text(const ap_hist *a, const int32_t *cyc, const uint8_t *rel, size_t n);

/* Returns why txn x precedes txn y by relation rel (one AP_* bit), in the
 * words of spec §1.8, naming them nx and ny (caller frees). */
char *ap_edge_text(const ap_hist *a, int32_t x, int32_t y, uint8_t rel, const char *nx,
                   const char *ny);

#endif
