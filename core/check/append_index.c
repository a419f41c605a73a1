/* append_index.c - an open-addressing hash index over records that start
 * with an (a, b) pair of integers. The records live in the caller's array;
 * the index keeps record numbers only. */
#include "append_internal.h"

#include <stdlib.h>

#include "../util.h"

static uint64_t hash_pair(int64_t a, int64_t b)
{
    uint64_t x = (uint64_t)a * 0x9e3779b97f4a7c15ull ^ (uint64_t)b;
    x = (x ^ (x >> 31)) * 0xbf58476d1ce4e5b9ull;
    return x ^ (x >> 29);
}

static const ap_pair *record(const void *recs, size_t stride, int32_t id)
{
    return (const ap_pair *)((const char *)recs + stride * (size_t)id);
}

static void insert(ap_index *ix, const void *recs, size_t stride, int32_t id)
{
    const ap_pair *p = record(recs, stride, id);
    size_t i = hash_pair(p->a, p->b) & ix->mask;
    while (ix->slot[i])
        i = (i + 1) & ix->mask;
    ix->slot[i] = (uint32_t)id + 1;
}

static void grow(ap_index *ix, const void *recs, size_t stride)
{
    uint32_t *old = ix->slot;
    size_t oldcap = old ? ix->mask + 1 : 0;
    size_t cap = oldcap ? oldcap * 2 : 1024;
    ix->slot = xcalloc(cap, sizeof *ix->slot);
    ix->mask = cap - 1;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i])
            insert(ix, recs, stride, (int32_t)old[i] - 1);
    free(old);
}

int32_t ap_index_find(const ap_index *ix, const void *recs, size_t stride, int64_t a, int64_t b)
{
    if (!ix->slot)
        return AP_NONE;
    for (size_t i = hash_pair(a, b) & ix->mask; ix->slot[i]; i = (i + 1) & ix->mask) {
        const ap_pair *p = record(recs, stride, (int32_t)ix->slot[i] - 1);
        if (p->a == a && p->b == b)
            return (int32_t)ix->slot[i] - 1;
    }
    return AP_NONE;
}

void ap_index_put(ap_index *ix, const void *recs, size_t stride, int32_t id)
{
    if (!ix->slot || (ix->n + 1) * 2 > ix->mask + 1)
        grow(ix, recs, stride);
    insert(ix, recs, stride, id);
    ix->n++;
}

void ap_index_free(ap_index *ix)
{
    free(ix->slot);
    ix->slot = NULL;
    ix->mask = ix->n = 0;
}
