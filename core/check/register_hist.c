/* register_hist.c - reading histories: pairing each invocation with its
 * completion, and integer values. */
#include "register_internal.h"

#include <stdlib.h>

#include "../util.h"

/* Removes the outstanding invoke of process p from open[0..*n) and returns
 * its position, or -1 when p has none. */
static int64_t take_open(size_t *open, size_t *n, const history *h, int64_t p)
{
    for (size_t i = 0; i < *n; i++) {
        if (h->ops[open[i]].process == p) {
            size_t pos = open[i];
            open[i] = open[--*n];
            return (int64_t)pos;
        }
    }
    return -1;
}

int64_t *check_pair_ops(const history *h)
{
    int64_t *pair = xmalloc((h->n ? h->n : 1) * sizeof *pair);
    size_t *open = NULL, nopen = 0, cap = 0;
    for (size_t i = 0; i < h->n; i++) {
        pair[i] = -1;
        const hist_op *op = &h->ops[i];
        if (op->type != H_INVOKE) {
            int64_t inv = take_open(open, &nopen, h, op->process);
            if (inv >= 0) {
                pair[inv] = (int64_t)i;
                pair[i] = inv;
            }
            continue;
        }
        /* A second invoke while one is outstanding: the first never ends. */
        take_open(open, &nopen, h, op->process);
        if (nopen == cap) {
            cap = cap ? cap * 2 : 64;
            open = xrealloc(open, cap * sizeof *open);
        }
        open[nopen++] = i;
    }
    free(open);
    return pair;
}

bool check_json_int(json_object *o, int64_t *out)
{
    if (!o || !json_object_is_type(o, json_type_int))
        return false;
    *out = json_object_get_int64(o);
    return true;
}
