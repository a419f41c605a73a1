/* workloads.h - the built-in workloads, for main.c to install
 * (core/engine/workload.h: workloads_install). */
#ifndef MELEE_WORKLOADS_H
#define MELEE_WORKLOADS_H

#include <stddef.h>

#include "../core/engine/workload.h"

/* Installs every built-in workload, chaos first, as the registry
 * (workloads_install). */
void builtin_workloads_install(void);

#endif
