/* register_explain.c - plain words for a key that is not linearizable
 * (checkers-spec.md §4.4, §6.5). */
#include "register_internal.h"

#include <stdlib.h>

#include "../sqlbuf.h"
#include "../util.h"

#define SHOWN_PREFIX 5  /* ops shown from the end of the longest prefix */
#define SHOWN_PENDING 6 /* ops shown from those pending after it */

static void add_op(sqlbuf *b, const reg_op *op)
{
    char *d = reg_describe(op);
    sb_add(b, d);
    free(d);
}

/* Adds "2", "2 or 7", "2, 3 or 7". */
static void add_values(sqlbuf *b, const int64_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_printf(b, "%s%lld", i == 0 ? "" : i + 1 == n ? " or " : ", ", (long long)v[i]);
}

/* Adds the end of the prefix with the value after each op. Returns the
 * value after the whole prefix. */
static int64_t add_prefix(sqlbuf *b, const reg_op *ops, const wgl_report *r)
{
    int64_t value = REG_INITIAL;
    size_t first_shown = r->nprefix > SHOWN_PREFIX ? r->nprefix - SHOWN_PREFIX : 0;
    sb_add(b, first_shown ? " The longest linearizable prefix ends: ..."
                          : " The longest linearizable prefix is:");
    if (r->nprefix == 0)
        sb_add(b, " empty (the register starts at 0)");
    for (size_t i = 0; i < r->nprefix; i++) {
        const reg_op *op = &ops[r->prefix[i]];
        reg_step(op, value, &value);
        if (i < first_shown)
            continue;
        sb_add(b, i == first_shown ? " " : ", ");
        add_op(b, op);
        sb_printf(b, " => %lld", (long long)value);
    }
    sb_addc(b, '.');
    return value;
}

static void add_blocker(sqlbuf *b, const reg_op *op, const wgl_report *r)
{
    sb_add(b, " Then ");
    add_op(b, op);
    sb_add(b, " could not be placed: ");
    if (r->nrefused == 0) {
        sb_add(b, "every order of the operations before it leads to a dead end.");
        return;
    }
    if (op->f == REG_READ)
        sb_printf(b, "it returned %lld", (long long)op->a);
    else if (op->refused)
        sb_printf(b, "it was refused, so the register did not hold %lld,", (long long)op->a);
    else
        sb_printf(b, "it succeeded expecting %lld", (long long)op->a);
    sb_add(b, r->nrefused == WGL_MAX_REFUSED ? " but the values possible included "
              : r->nrefused == 1                ? " but the only value possible was "
                                                : " but the only values possible were ");
    add_values(b, r->refused, r->nrefused);
    sb_addc(b, '.');
}

/* Adds the ops outside the prefix that were pending at its end. */
static void add_pending(sqlbuf *b, const reg_op *ops, size_t n, const wgl_report *r,
                        int64_t value)
{
    bool *done = xcalloc(n ? n : 1, sizeof *done);
    for (size_t i = 0; i < r->nprefix; i++)
        done[r->prefix[i]] = true;
    int64_t first_return = INT64_MAX;
    for (size_t i = 0; i < n; i++)
        if (!done[i])
            first_return = MIN(first_return, ops[i].ret);
    size_t shown = 0, more = 0;
    for (size_t i = 0; i < n; i++) {
        if (done[i] || ops[i].call > first_return)
            continue;
        if (shown == SHOWN_PENDING) {
            more++;
            continue;
        }
        char *why = reg_refusal(&ops[i], value);
        sb_add(b, shown++ ? "; " : " Pending then: ");
        add_op(b, &ops[i]);
        sb_printf(b, ": %s", why);
        free(why);
    }
    if (more)
        sb_printf(b, "; and %zu more", more);
    if (shown)
        sb_addc(b, '.');
    free(done);
}

char *reg_explain_illegal(const reg_op *ops, size_t n, const wgl_report *r)
{
    sqlbuf b = SQLBUF_INIT;
    sb_printf(&b, "key %lld: only %zu of its %zu operations can be linearized.",
              (long long)(n ? ops[0].key : 0), r->nprefix, n);
    int64_t value = add_prefix(&b, ops, r);
    if (r->has_blocker)
        add_blocker(&b, &ops[r->blocker], r);
    add_pending(&b, ops, n, r, value);
    return sb_steal(&b);
}
