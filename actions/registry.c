/* registry.c - every built-in chaos action row, in one array. */
#include <pthread.h>

#include "../core/util.h"
#include "action.h"

typedef struct family {
    const action_def *rows;
    const size_t *count;
} family;

static const family FAMILIES[] = {
    {read_actions, &read_actions_count},
    {fetch_actions, &fetch_actions_count},
    {write_actions, &write_actions_count},
    {dml_actions, &dml_actions_count},
    {ddl_table_actions, &ddl_table_actions_count},
    {ddl_view_actions, &ddl_view_actions_count},
    {ddl_misc_actions, &ddl_misc_actions_count},
    {common_actions, &common_actions_count},
};

/* The rows of every family, gathered once; read-only afterwards. */
static action_def *gathered;
static size_t ngathered;
static pthread_once_t gather_once = PTHREAD_ONCE_INIT;

static void gather(void)
{
    size_t total = 0;
    for (size_t f = 0; f < ARRAY_LEN(FAMILIES); f++)
        total += *FAMILIES[f].count;
    gathered = xcalloc(total ? total : 1, sizeof *gathered);
    for (size_t f = 0; f < ARRAY_LEN(FAMILIES); f++)
        for (size_t i = 0; i < *FAMILIES[f].count; i++)
            gathered[ngathered++] = FAMILIES[f].rows[i];
}

const action_def *actions_builtin(size_t *n)
{
    pthread_once(&gather_once, gather);
    *n = ngathered;
    return gathered;
}
