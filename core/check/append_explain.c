/* append_explain.c - plain words for transactions and the relations
 * between them, in the phrasing of spec §1.8. */
#include <stdio.h>
#include <stdlib.h>

#include "append_internal.h"

#include "../sqlbuf.h"
#include "../util.h"

#define SHORT_LIST 8 /* lists longer than this show their tail only */
#define TAIL 4

char *ap_txn_name(const ap_hist *a, int32_t t)
{
    const ap_txn *x = &a->txns[t];
    const char *how = x->type == H_FAIL ? ", failed" : x->type == H_INFO ? ", outcome unknown" : "";
    return xasprintf("txn index %lld (process %lld%s)", (long long)x->index,
                     (long long)x->process, how);
}

static void add_list(sqlbuf *b, json_object *l)
{
    size_t n = json_object_array_length(l);
    size_t from = n > SHORT_LIST ? n - TAIL : 0;
    sb_add(b, from ? "[..." : "[");
    for (size_t i = from; i < n; i++)
        sb_printf(b, "%s%lld", i == from && !from ? "" : " ", (long long)ap_list_at(l, i));
    sb_addc(b, ']');
    if (from)
        sb_printf(b, " (%zu elements)", n);
}

char *ap_list_text(json_object *l)
{
    sqlbuf b = SQLBUF_INIT;
    add_list(&b, l);
    return sb_steal(&b);
}

char *ap_txn_mops(const ap_hist *a, int32_t t)
{
    const ap_txn *x = &a->txns[t];
    sqlbuf b = SQLBUF_INIT;
    for (uint32_t i = 0; i < x->nmops; i++) {
        const ap_mop *m = &a->mops[x->mop0 + i];
        if (i)
            sb_addc(&b, ' ');
        if (m->append) {
            sb_printf(&b, "[append %lld %lld]", (long long)m->key, (long long)m->elem);
            continue;
        }
        sb_printf(&b, "[r %lld ", (long long)m->key);
        if (m->list)
            add_list(&b, m->list);
        else
            sb_add(&b, "nil");
        sb_addc(&b, ']');
    }
    return sb_steal(&b);
}

/* y appended after x on some key: y's append whose predecessor x wrote. */
static char *explain_ww(const ap_hist *a, int32_t x, int32_t y, const char *nx, const char *ny)
{
    const ap_txn *t = &a->txns[y];
    for (uint32_t i = 0; i < t->nmops; i++) {
        const ap_mop *m = &a->mops[t->mop0 + i];
        int32_t p = m->append ? ap_prev_elem(a, ap_elem_find(a, m->key, m->elem)) : AP_NONE;
        if (p != AP_NONE && a->elems[p].writer == x)
            return xasprintf("%s appended %lld after %s appended %lld to key %lld", ny,
                             (long long)m->elem, nx, (long long)a->elems[p].id.b,
                             (long long)m->key);
    }
    return NULL;
}

/* y read x's append: a read of y whose last element x wrote. */
static char *explain_wr(const ap_hist *a, int32_t x, int32_t y, const char *nx, const char *ny)
{
    const ap_txn *t = &a->txns[y];
    for (uint32_t i = 0; i < t->nmops; i++) {
        const ap_mop *m = &a->mops[t->mop0 + i];
        int32_t e = !m->append && m->len ? ap_elem_find(a, m->key, m->elem) : AP_NONE;
        if (e != AP_NONE && a->elems[e].writer == x)
            return xasprintf("%s observed %s's append of %lld to key %lld", ny, nx,
                             (long long)m->elem, (long long)m->key);
    }
    return NULL;
}

/* Whether x read key `key` in the state just before element record p
 * (AP_NONE: the initial, empty state). */
static bool read_state(const ap_hist *a, int32_t x, int64_t key, int32_t p)
{
    const ap_txn *t = &a->txns[x];
    for (uint32_t i = 0; i < t->nmops; i++) {
        const ap_mop *m = &a->mops[t->mop0 + i];
        if (m->append || !m->list || m->key != key)
            continue;
        if (p == AP_NONE ? m->len == 0 : m->len && ap_elem_find(a, key, m->elem) == p)
            return true;
    }
    return false;
}

/* x did not see y's append: x read the state y's append came after. */
static char *explain_rw(const ap_hist *a, int32_t x, int32_t y, const char *nx, const char *ny)
{
    const ap_txn *t = &a->txns[y];
    for (uint32_t i = 0; i < t->nmops; i++) {
        const ap_mop *m = &a->mops[t->mop0 + i];
        if (!m->append)
            continue;
        int32_t p = ap_prev_elem(a, ap_elem_find(a, m->key, m->elem));
        if (!read_state(a, x, m->key, p))
            continue;
        if (p == AP_NONE)
            return xasprintf("%s observed the initial (empty) state of key %lld, which %s "
                             "created by appending %lld", nx, (long long)m->key, ny,
                             (long long)m->elem);
        return xasprintf("%s did not observe %s's append of %lld to key %lld", nx, ny,
                         (long long)m->elem, (long long)m->key);
    }
    return NULL;
}

char *ap_edge_text(const ap_hist *a, int32_t x, int32_t y, uint8_t rel, const char *nx,
                   const char *ny)
{
    const history *h = a->h;
    char *s = NULL;
    if (rel == AP_WW)
        s = explain_ww(a, x, y, nx, ny);
    else if (rel == AP_WR)
        s = explain_wr(a, x, y, nx, ny);
    else if (rel == AP_RW)
        s = explain_rw(a, x, y, nx, ny);
    else if (rel == AP_PROCESS)
        s = xasprintf("process %lld executed %s before %s", (long long)a->txns[x].process, nx,
                      ny);
    else if (rel == AP_REALTIME)
        s = xasprintf("%s completed at index %lld, before %s was invoked at index %lld", nx,
                      (long long)h->ops[a->txns[x].done].index, ny,
                      (long long)h->ops[a->txns[y].invoked].index);
    return s ? s : xasprintf("%s precedes %s", nx, ny);
}

static const char *rel_name(uint8_t rel)
{
    switch (rel) {
    case AP_WW:
        return "ww";
    case AP_WR:
        return "wr";
    case AP_RW:
        return "rw";
    case AP_PROCESS:
        return "process";
    default:
        return "realtime";
    }
}

char *ap_cycle_text(const ap_hist *a, const int32_t *cyc, const uint8_t *rel, size_t n)
{
    sqlbuf b = SQLBUF_INIT;
    sb_printf(&b, "a cycle of %zu transactions. Let:", n);
    for (size_t i = 0; i < n; i++) {
        char *name = ap_txn_name(a, cyc[i]), *mops = ap_txn_mops(a, cyc[i]);
        sb_printf(&b, "\n  T%zu = %s: %s", i + 1, name, mops);
        free(name), free(mops);
    }
    sb_add(&b, "\nThen:");
    for (size_t i = 0; i < n; i++) {
        char nx[24], ny[24];
        size_t j = (i + 1) % n;
        snprintf(nx, sizeof nx, "T%zu", i + 1);
        snprintf(ny, sizeof ny, "T%zu", j + 1);
        char *why = ap_edge_text(a, cyc[i], cyc[j], rel[i], nx, ny);
        sb_printf(&b, "\n  - %s%s < %s (%s), because %s%s", i + 1 == n ? "However, " : "", nx,
                  ny, rel_name(rel[i]), why, i + 1 == n ? ": a contradiction!" : ".");
        free(why);
    }
    return sb_steal(&b);
}
