/* workload_registry.c - the installed workloads (workload.h). */
#include <stdint.h>
#include <string.h>

#include "workload.h"

/* Written once by main.c before any other thread exists; read-only after. */
static const workload_def *const *installed;
static size_t ninstalled;

void workloads_install(const workload_def *const *defs, size_t n)
{
    installed = defs;
    ninstalled = n;
}

const workload_def *workload_find(const char *name)
{
    for (size_t i = 0; name && i < ninstalled; i++)
        if (strcmp(installed[i]->name, name) == 0)
            return installed[i];
    return NULL;
}

const workload_def *const *workloads_all(size_t *n)
{
    *n = ninstalled;
    return installed;
}

const wl_param *workload_param(const workload_def *w, const char *name)
{
    for (size_t i = 0; w && i < w->nparams; i++)
        if (strcmp(w->params[i].name, name) == 0)
            return &w->params[i];
    return NULL;
}

const workload_def *workload_for_section(const char *key)
{
    for (size_t i = 0; key && i < ninstalled; i++)
        if (installed[i]->section && strcmp(installed[i]->section, key) == 0)
            return installed[i];
    return NULL;
}

bool workload_settings_row(const run_config *cfg, action_list list, const char *name)
{
    for (size_t i = 0; i < ninstalled; i++)
        if (installed[i]->settings_row && installed[i]->settings_row(cfg, list, name))
            return true;
    return false;
}

/* Returns the known rows of workload w (none without the hook). */
static const action_def *known_rows(const workload_def *w, size_t *n)
{
    *n = 0;
    return w->known_rows ? w->known_rows(w, n) : NULL;
}

/* Returns true when a workload before position (k, i) has the row (list,
 * name). */
static bool seen_before(size_t k, size_t i, action_list list, const char *name)
{
    for (size_t k2 = 0; k2 <= k; k2++) {
        size_t n;
        const action_def *rows = known_rows(installed[k2], &n);
        size_t end = k2 == k && i < n ? i : n;
        for (size_t i2 = 0; i2 < end; i2++)
            if (rows[i2].list == list && strcmp(rows[i2].name, name) == 0)
                return true;
    }
    return false;
}

bool workload_action_known(action_list list, const char *name, sqlbuf *known)
{
    if (ninstalled && seen_before(ninstalled - 1, SIZE_MAX, list, name))
        return true;
    for (size_t k = 0; known && k < ninstalled; k++) {
        size_t n;
        const action_def *rows = known_rows(installed[k], &n);
        for (size_t i = 0; i < n; i++)
            if (rows[i].list == list && !seen_before(k, i, list, rows[i].name))
                sb_printf(known, "%s%s", known->len ? ", " : "", rows[i].name);
    }
    return false;
}
