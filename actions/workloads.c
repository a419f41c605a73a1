/* workloads.c - the built-in workloads (workloads.h). */
#include "workloads.h"

#include "../core/util.h"
#include "wl_util.h"

static const workload_def *const WORKLOADS[] = {
    &wl_chaos, &wl_bank, &wl_counter, &wl_set, &wl_long_fork, &wl_register, &wl_multi_register,
    &wl_append, &wl_default_value, &wl_fsm,
};

void builtin_workloads_install(void)
{
    workloads_install(WORKLOADS, ARRAY_LEN(WORKLOADS));
}
