/* register_model.c - a read/write/compare-and-set register
 * (checkers-spec.md §4.3). A CAS that failed with an error never reaches
 * the model (it did nothing); one the register refused (recorded as fail
 * with output false) did happen: it must take effect where the register
 * held another value than the one it expected. */
#include "register_internal.h"

#include "../util.h"

bool reg_step(const reg_op *op, int64_t s, int64_t *next)
{
    switch (op->f) {
    case REG_READ:
        *next = s;
        return !op->known || op->a == s;
    case REG_WRITE:
        *next = op->a;
        return true;
    case REG_CAS:
        if (op->refused) {
            *next = s;
            return s != op->a;
        }
        *next = s == op->a ? op->b : s;
        return !op->known || op->a == s;
    }
    return false;
}

char *reg_describe(const reg_op *op)
{
    const char *maybe = op->known ? "" : ", outcome unknown";
    switch (op->f) {
    case REG_READ:
        return xasprintf("read -> %lld (index %lld, process %lld%s)", (long long)op->a,
                         (long long)op->index, (long long)op->process, maybe);
    case REG_WRITE:
        return xasprintf("write %lld (index %lld, process %lld%s)", (long long)op->a,
                         (long long)op->index, (long long)op->process, maybe);
    case REG_CAS:
        return xasprintf("cas %lld -> %lld%s (index %lld, process %lld%s)", (long long)op->a,
                         (long long)op->b, op->refused ? " refused" : "", (long long)op->index,
                         (long long)op->process, maybe);
    }
    return xstrdup("?");
}

char *reg_refusal(const reg_op *op, int64_t s)
{
    int64_t next;
    if (reg_step(op, s, &next))
        return xasprintf("it could take effect on %lld, but no order of the rest follows",
                         (long long)s);
    if (op->f == REG_READ)
        return xasprintf("it returned %lld but the register held %lld", (long long)op->a,
                         (long long)s);
    if (op->refused)
        return xasprintf("it was refused, so the register did not hold %lld, but it did",
                         (long long)op->a);
    return xasprintf("it succeeded expecting %lld but the register held %lld",
                     (long long)op->a, (long long)s);
}
