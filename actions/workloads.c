/* workloads.c - the registry of invariant workloads (core/workload.h). */
#include <string.h>

#include "../core/util.h"
#include "wl_util.h"

static const workload_def *const WORKLOADS[] = {
    &wl_bank, &wl_counter, &wl_set, &wl_long_fork, &wl_register, &wl_append, &wl_default_value,
};

const workload_def *workload_find(const char *name)
{
    for (size_t i = 0; name && i < ARRAY_LEN(WORKLOADS); i++)
        if (strcmp(WORKLOADS[i]->name, name) == 0)
            return WORKLOADS[i];
    return NULL;
}

const wl_param *workload_param(const workload_def *w, const char *name)
{
    for (size_t i = 0; w && i < w->nparams; i++)
        if (strcmp(w->params[i].name, name) == 0)
            return &w->params[i];
    return NULL;
}

const workload_def *const *workloads_all(size_t *n)
{
    *n = ARRAY_LEN(WORKLOADS);
    return WORKLOADS;
}
