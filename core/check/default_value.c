/* default_value.c - the default-value checker (checkers-spec.md §3.7):
 * while ADD COLUMN ... DEFAULT races inserts that never name the column,
 * no ok read may return a row whose column is NULL. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

#include "../util.h"

int check_default_value(const history *h, const check_opts *o, check_result *out)
{
    (void)o;
    memset(out, 0, sizeof *out);
    size_t reads = 0, rows = 0, bad_reads = 0, inserts = 0, ddl = 0, malformed = 0;
    for (size_t i = 0; i < h->n; i++) {
        const hist_op *op = &h->ops[i];
        if (op->type != H_OK)
            continue;
        if (strcmp(op->f, "insert") == 0) {
            inserts++;
            continue;
        }
        if (strcmp(op->f, "read") != 0) {
            ddl++;
            continue;
        }
        if (!json_object_is_type(op->value, json_type_array)) {
            malformed++;
            continue;
        }
        reads++;
        size_t n = json_object_array_length(op->value), nulls = 0;
        rows += n;
        for (size_t j = 0; j < n; j++)
            nulls += json_object_array_get_idx(op->value, j) == NULL;
        if (!nulls)
            continue;
        bad_reads++;
        char *why = xasprintf("the read at index %lld (process %lld) returned %zu of %zu rows "
                              "with the column NULL, although every row got its default",
                              (long long)op->index, (long long)op->process, nulls, n);
        check_result_add(out, "null-default", why);
        free(why);
    }
    if (bad_reads) {
        out->verdict = VERDICT_INVALID;
        out->reason = xstrdup("reads saw NULL where the column's default applies");
    } else if (rows == 0) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xstrdup(reads ? "every ok read found the table empty: no row to check"
                                    : "no read completed ok: nothing to check");
    } else if (malformed) {
        out->verdict = VERDICT_UNKNOWN;
        out->reason = xasprintf("%zu ok reads had a value that is not a list", malformed);
    } else {
        out->verdict = VERDICT_VALID;
    }
    out->stats = xasprintf("%zu ok reads returning %zu rows; %zu inserts and %zu schema "
                           "changes ok",
                           reads, rows, inserts, ddl);
    return 0;
}
