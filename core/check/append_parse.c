/* append_parse.c - turns a list-append history into transactions,
 * micro-ops and the (key, element) and key indexes, verifying what the
 * checker relies on (spec §1.2): only reads and appends, each element
 * appended to a key once. */
#include <stdlib.h>
#include <string.h>

#include "append_internal.h"
#include "register_internal.h"

#include "../util.h"

#define SMALL_TXN 16

int64_t ap_list_at(json_object *l, size_t i)
{
    return json_object_get_int64(json_object_array_get_idx(l, i));
}

bool ap_committed(hist_type t)
{
    return t == H_OK || t == H_INFO;
}

int32_t ap_elem_find(const ap_hist *a, int64_t key, int64_t elem)
{
    return ap_index_find(&a->elem_ix, a->elems, sizeof *a->elems, key, elem);
}

int32_t ap_key_find(const ap_hist *a, int64_t key)
{
    return ap_index_find(&a->key_ix, a->keys, sizeof *a->keys, key, 0);
}

static int32_t new_elem(ap_hist *a, int64_t key, int64_t elem, int32_t writer)
{
    if (a->nelems == a->celems) {
        a->celems = a->celems ? a->celems * 2 : 1024;
        a->elems = xrealloc(a->elems, a->celems * sizeof *a->elems);
    }
    int32_t id = (int32_t)a->nelems++;
    a->elems[id] = (ap_elem){{key, elem}, writer, AP_NONE, AP_NONE, AP_NONE,
                             {AP_NONE, AP_NONE}, 0, 0, false, false};
    ap_index_put(&a->elem_ix, a->elems, sizeof *a->elems, id);
    return id;
}

int32_t ap_elem_get(ap_hist *a, int64_t key, int64_t elem)
{
    int32_t e = ap_elem_find(a, key, elem);
    return e != AP_NONE ? e : new_elem(a, key, elem, AP_NONE);
}

static void ensure_key(ap_hist *a, int64_t key)
{
    if (ap_key_find(a, key) != AP_NONE)
        return;
    if (a->nkeys == a->ckeys) {
        a->ckeys = a->ckeys ? a->ckeys * 2 : 256;
        a->keys = xrealloc(a->keys, a->ckeys * sizeof *a->keys);
    }
    int32_t id = (int32_t)a->nkeys++;
    a->keys[id] = (ap_key){{key, 0}, AP_NONE, AP_NONE, AP_NONE, 0, 0,
                           {AP_NONE, AP_NONE}, 0, 0, false};
    ap_index_put(&a->key_ix, a->keys, sizeof *a->keys, id);
}

static bool fail_load(ap_hist *a, char *why)
{
    a->unknown = why;
    return false;
}

/* Fills a read's list from v (json null: not known). */
static bool parse_read(ap_mop *m, json_object *v)
{
    if (!v)
        return true;
    if (!json_object_is_type(v, json_type_array))
        return false;
    size_t n = json_object_array_length(v);
    for (size_t i = 0; i < n; i++)
        if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_int))
            return false;
    m->list = v;
    m->len = (uint32_t)n;
    if (n)
        m->elem = ap_list_at(v, n - 1);
    return true;
}

/* Parses micro-op [f, k, v] of txn t into *m. */
static bool parse_mop(ap_hist *a, int32_t t, json_object *j, ap_mop *m)
{
    const ap_txn *x = &a->txns[t];
    memset(m, 0, sizeof *m);
    m->txn = t;
    json_object *f = check_json_at(j, 0);
    if (!json_object_is_type(j, json_type_array) || json_object_array_length(j) != 3 ||
        !json_object_is_type(f, json_type_string) ||
        !check_json_int(json_object_array_get_idx(j, 1), &m->key))
        return fail_load(a, xasprintf("txn index %lld has a micro-op that is not [f, key, value]",
                                      (long long)x->index));
    const char *name = json_object_get_string(f);
    json_object *v = json_object_array_get_idx(j, 2);
    if (strcmp(name, "append") == 0) {
        m->append = true;
        if (!check_json_int(v, &m->elem))
            return fail_load(a, xasprintf("txn index %lld appends something that is not an "
                                          "integer", (long long)x->index));
    } else if (strcmp(name, "r") == 0) {
        if (!parse_read(m, v))
            return fail_load(a, xasprintf("txn index %lld read a value that is not a list of "
                                          "integers", (long long)x->index));
    } else {
        return fail_load(a, xasprintf("txn index %lld has a micro-op \"%s\": only r and append "
                                      "can be checked", (long long)x->index, name));
    }
    return true;
}

/* The value describing what txn at invoke position i did. */
static json_object *txn_value(const history *h, size_t i, int64_t done)
{
    if (done >= 0 && json_object_is_type(h->ops[done].value, json_type_array))
        return h->ops[done].value;
    return h->ops[i].value;
}

static bool add_txn(ap_hist *a, size_t i, int64_t done)
{
    const history *h = a->h;
    json_object *v = txn_value(h, i, done);
    ap_txn *t = &a->txns[a->ntxns];
    t->invoked = (int64_t)i;
    t->done = done;
    t->type = done >= 0 ? h->ops[done].type : H_INFO;
    t->index = done >= 0 ? h->ops[done].index : h->ops[i].index;
    t->process = h->ops[i].process;
    t->mop0 = (uint32_t)a->nmops;
    if (!json_object_is_type(v, json_type_array))
        return fail_load(a, xasprintf("txn index %lld has a value that is not a list of "
                                      "micro-ops", (long long)t->index));
    t->nmops = (uint32_t)json_object_array_length(v);
    for (uint32_t k = 0; k < t->nmops; k++)
        if (!parse_mop(a, (int32_t)a->ntxns, json_object_array_get_idx(v, k), &a->mops[a->nmops++]))
            return false;
    a->ntxns++;
    return true;
}

static bool load_txns(ap_hist *a)
{
    const history *h = a->h;
    int64_t *pair = check_pair_ops(h);
    size_t n = 0, nmops = 0;
    for (size_t i = 0; i < h->n; i++) {
        if (h->ops[i].type != H_INVOKE || strcmp(h->ops[i].f, "txn") != 0)
            continue;
        json_object *v = txn_value(h, i, pair[i]);
        n++;
        nmops += json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
    }
    a->txns = xcalloc(n ? n : 1, sizeof *a->txns);
    a->mops = xcalloc(nmops ? nmops : 1, sizeof *a->mops);
    bool ok = true;
    for (size_t i = 0; ok && i < h->n; i++)
        if (h->ops[i].type == H_INVOKE && strcmp(h->ops[i].f, "txn") == 0)
            ok = add_txn(a, i, pair[i]);
    free(pair);
    return ok;
}

/* Indexes every append (failing on an element appended twice) and key. */
static bool index_mops(ap_hist *a)
{
    for (size_t m = 0; m < a->nmops; m++) {
        const ap_mop *x = &a->mops[m];
        ensure_key(a, x->key);
        if (!x->append) {
            a->nreads += x->list != NULL;
            a->ok_reads += x->list && a->txns[x->txn].type == H_OK;
            continue;
        }
        a->nappends++;
        int32_t e = ap_elem_find(a, x->key, x->elem);
        if (e != AP_NONE)
            return fail_load(a, xasprintf("element %lld was appended to key %lld twice (txn "
                                          "index %lld and %lld): appends must be unique",
                                          (long long)x->elem, (long long)x->key,
                                          (long long)a->txns[a->elems[e].writer].index,
                                          (long long)a->txns[x->txn].index));
        new_elem(a, x->key, x->elem, x->txn);
    }
    return true;
}

static int cmp_by_key(const void *pa, const void *pb, void *ctx)
{
    const ap_mop *m = ctx;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    if (m[a].key != m[b].key)
        return m[a].key < m[b].key ? -1 : 1;
    return (a > b) - (a < b);
}

size_t ap_txn_by_key(const ap_hist *a, int32_t t, uint32_t *idx)
{
    const ap_txn *x = &a->txns[t];
    const ap_mop *m = &a->mops[x->mop0];
    for (uint32_t i = 0; i < x->nmops; i++)
        idx[i] = i;
    if (x->nmops > SMALL_TXN) {
        qsort_r(idx, x->nmops, sizeof *idx, cmp_by_key, (void *)m);
        return x->nmops;
    }
    for (uint32_t i = 1; i < x->nmops; i++)
        for (uint32_t j = i; j > 0 && cmp_by_key(&idx[j - 1], &idx[j], (void *)m) > 0; j--) {
            uint32_t s = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = s;
        }
    return x->nmops;
}

/* Marks appends followed by another append to the same key in their txn. */
static void mark_intermediate(ap_hist *a)
{
    uint32_t *idx = NULL;
    size_t cap = 0;
    for (size_t t = 0; t < a->ntxns; t++) {
        const ap_txn *x = &a->txns[t];
        if (x->nmops > cap)
            idx = xrealloc(idx, (cap = x->nmops) * sizeof *idx);
        bool later = false;
        for (size_t i = ap_txn_by_key(a, (int32_t)t, idx); i-- > 0;) {
            const ap_mop *m = &a->mops[x->mop0 + idx[i]];
            if (i + 1 < x->nmops && a->mops[x->mop0 + idx[i + 1]].key != m->key)
                later = false;
            if (!m->append)
                continue;
            if (later)
                a->elems[ap_elem_find(a, m->key, m->elem)].intermediate = true;
            later = true;
        }
    }
    free(idx);
}

bool ap_load(ap_hist *a, const history *h)
{
    memset(a, 0, sizeof *a);
    a->h = h;
    if (!load_txns(a) || !index_mops(a))
        return false;
    mark_intermediate(a);
    return true;
}

void ap_free(ap_hist *a)
{
    free(a->txns);
    free(a->mops);
    free(a->elems);
    ap_index_free(&a->elem_ix);
    free(a->keys);
    ap_index_free(&a->key_ix);
    free(a->unobs);
    free(a->bad_upto);
    free(a->unknown);
    memset(a, 0, sizeof *a);
}
