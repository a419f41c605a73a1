/* workloads.h - the built-in workloads, for main.c to install
 * (core/engine/workload.h: workloads_install). */
#ifndef MELEE_WORKLOADS_H
#define MELEE_WORKLOADS_H

#include <stddef.h>

#include "../core/engine/workload.h"

/* Returns every built-in workload, chaos first (static), and sets *n. */
const workload_def *const *builtin_workloads(size_t *n);

#endif
