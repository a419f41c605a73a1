/* exec_history.c - the history part of the actx API. */
#include <string.h>

#include "run_internal.h"
#include "../util.h"

int64_t ax_process(const actx *a)
{
    return a->w->process;
}

void ax_hist_invoke(actx *a, const char *f, json_object *value)
{
    if (a->run->rec)
        recorder_add(a->run->rec, a->w->process, H_INVOKE, f, value);
}

void ax_hist_complete(actx *a, hist_type type, const char *f, json_object *value)
{
    run *r = a->run;
    if (r->rec)
        recorder_add(r->rec, a->w->process, type, f, value);
    if (type == H_INFO)
        a->w->process = atomic_fetch_add(&r->next_process, 1);
}

hist_type ax_failure_type(const actx *a, bool during_commit)
{
    const err_facts *e = &a->w->err;
    /* Lost or hung: the statement may have taken effect or not. So may a
     * COMMIT cut short by a cancel, our stop or a broken connection. */
    if (e->conn_lost || e->hang)
        return H_INFO;
    if (during_commit && (e->stopped || strcmp(e->sqlstate, "57014") == 0 ||
                          strncmp(e->sqlstate, "08", 2) == 0))
        return H_INFO;
    return H_FAIL;
}

const char *ax_error_state(const actx *a)
{
    return a->w->err.sqlstate;
}

int64_t ax_param(const actx *a, const char *name)
{
    const run_config *c = a->cfg;
    for (size_t i = 0; i < c->nparams; i++)
        if (strcmp(c->params[i].name, name) == 0)
            return c->params[i].value;
    const wl_param *p = workload_param(a->run->wl, name);
    if (!p)
        die("internal error: workload %s reads parameter '%s' it does not declare",
            a->run->wl->name, name);
    return p->def;
}
