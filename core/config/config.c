/* config.c - built-in defaults of the list-shaped settings (the others
 * are rows of settings.c), copies and name tables of run_config. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "../util.h"

static const char *const LIST_NAMES[LIST_COUNT] = {
    [LIST_READ] = "read", [LIST_FETCH] = "fetch", [LIST_WRITE] = "write",
    [LIST_DML_NONTRANS] = "dml_nontrans", [LIST_DDL] = "ddl",
};
static const char *const COMPLEXITY_NAMES[CX_COUNT] = {
    [CX_READ] = "read", [CX_DML] = "dml", [CX_DDL] = "ddl", [CX_DDL_ONLY] = "ddl-only",
    [CX_RANDOM] = "random",
};
static const char *const ISOLATION_NAMES[ISO_COUNT] = {
    [ISO_READ_COMMITTED] = "read-committed", [ISO_REPEATABLE_READ] = "repeatable-read",
    [ISO_SERIALIZABLE] = "serializable",
};
static const char *const ISOLATION_SQL[ISO_COUNT] = {
    [ISO_READ_COMMITTED] = "READ COMMITTED", [ISO_REPEATABLE_READ] = "REPEATABLE READ",
    [ISO_SERIALIZABLE] = "SERIALIZABLE",
};
static const char *const SEND_NAMES[SEND_AS_COUNT] = {
    [SEND_AS_PARAMS] = "params", [SEND_AS_PREPARED] = "prepared", [SEND_AS_LITERALS] = "literals",
};
static const char *const PLACEHOLDER_NAMES[PH_COUNT] = {
    [PH_INT] = "int", [PH_TEXT] = "text", [PH_CHOICE] = "choice", [PH_TABLE] = "table",
    [PH_BOOL] = "bool",
};

/* Thread weights per list for each complexity, as parallel-workload draws
 * them (random resolves to one of the others at run start). */
static const unsigned LIST_WEIGHTS[CX_COUNT][LIST_COUNT] = {
    [CX_READ] = {60, 30, 0, 0, 0},
    [CX_DML] = {60, 30, 30, 30, 0},
    [CX_DDL] = {60, 30, 30, 30, 100},
    [CX_DDL_ONLY] = {0, 0, 0, 0, 100},
    [CX_RANDOM] = {60, 30, 30, 30, 100},
};

static const int DEFAULT_LIMITS[OBJ_KIND_COUNT] = {
    [OBJ_SCHEMA] = 8, [OBJ_TABLE] = 30, [OBJ_VIEW] = 30, [OBJ_MATVIEW] = 10,
    [OBJ_INDEX] = 40, [OBJ_SEQUENCE] = 10, [OBJ_ROLE] = 10,
};
static const int DEFAULT_MINIMUMS[OBJ_KIND_COUNT] = {[OBJ_SCHEMA] = 1, [OBJ_TABLE] = 2};

/* The server flags flip_flag and the console may set, with candidate
 * values: planner switches, parallel query, JIT, memory, plan caching,
 * commit and lock behaviour of PostgreSQL 15. */
typedef struct default_flag {
    const char *name;
    const char *values[4];
} default_flag;

static const default_flag DEFAULT_FLAGS[] = {
    {"enable_hashjoin", {"on", "off"}},
    {"enable_mergejoin", {"on", "off"}},
    {"enable_nestloop", {"on", "off"}},
    {"enable_seqscan", {"on", "off"}},
    {"enable_indexscan", {"on", "off"}},
    {"enable_bitmapscan", {"on", "off"}},
    {"enable_memoize", {"on", "off"}},
    {"enable_incremental_sort", {"on", "off"}},
    {"enable_partitionwise_join", {"on", "off"}},
    {"max_parallel_workers_per_gather", {"0", "2", "4"}},
    {"parallel_setup_cost", {"0", "1000"}},
    {"parallel_tuple_cost", {"0", "0.1"}},
    {"min_parallel_table_scan_size", {"0", "8MB"}},
    {"force_parallel_mode", {"off", "on", "regress"}},
    {"jit", {"on", "off"}},
    {"jit_above_cost", {"0", "100000"}},
    {"work_mem", {"64kB", "4MB", "64MB"}},
    {"plan_cache_mode", {"auto", "force_generic_plan", "force_custom_plan"}},
    {"synchronous_commit", {"on", "off", "local"}},
    {"deadlock_timeout", {"10ms", "1s"}},
    {"lock_timeout", {"0", "50ms", "1s"}},
};

void config_defaults(run_config *c)
{
    memset(c, 0, sizeof *c);
    settings_defaults(c);
    memcpy(c->limits, DEFAULT_LIMITS, sizeof c->limits);
    memcpy(c->minimums, DEFAULT_MINIMUMS, sizeof c->minimums);
    memcpy(c->list_weights, LIST_WEIGHTS, sizeof c->list_weights);
    c->nflags = ARRAY_LEN(DEFAULT_FLAGS);
    c->flags = xcalloc(c->nflags, sizeof *c->flags);
    for (size_t i = 0; i < c->nflags; i++) {
        flag_setting *f = &c->flags[i];
        f->name = xstrdup(DEFAULT_FLAGS[i].name);
        while (f->nvalues < 4 && DEFAULT_FLAGS[i].values[f->nvalues])
            f->nvalues++;
        f->values = xcalloc(f->nvalues, sizeof *f->values);
        for (size_t k = 0; k < f->nvalues; k++)
            f->values[k] = xstrdup(DEFAULT_FLAGS[i].values[k]);
    }
}

static char **copy_strv(char *const *v, size_t n)
{
    char **out = xcalloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = xstrdup(v[i]);
    return out;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static owned_rule *copy_rules(const owned_rule *r, size_t n)
{
    owned_rule *out = xcalloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i].sqlstate = xstrdup(r[i].sqlstate);
        out[i].message = xstrdup(r[i].message);
        out[i].cls = r[i].cls;
    }
    return out;
}

static void free_rules(owned_rule *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        free(r[i].sqlstate);
        free(r[i].message);
    }
    free(r);
}

static void copy_custom(custom_action *dst, const custom_action *src)
{
    *dst = *src;
    dst->name = xstrdup(src->name);
    dst->sql = xstrdup(src->sql);
    dst->setup_sql = xstrdup(src->setup_sql);
    dst->placeholders = xcalloc(src->nplaceholders ? src->nplaceholders : 1,
                                sizeof *dst->placeholders);
    for (size_t i = 0; i < src->nplaceholders; i++) {
        placeholder *p = &dst->placeholders[i];
        *p = src->placeholders[i];
        p->name = xstrdup(src->placeholders[i].name);
        p->choices = copy_strv(src->placeholders[i].choices, src->placeholders[i].nchoices);
    }
    dst->expected = copy_rules(src->expected, src->nexpected);
}

static void free_custom(custom_action *a)
{
    free(a->name);
    free(a->sql);
    free(a->setup_sql);
    for (size_t i = 0; i < a->nplaceholders; i++) {
        free(a->placeholders[i].name);
        free_strv(a->placeholders[i].choices, a->placeholders[i].nchoices);
    }
    free(a->placeholders);
    free_rules(a->expected, a->nexpected);
}

void config_copy(run_config *dst, const run_config *src)
{
    *dst = *src;
    dst->profile_path = xstrdup(src->profile_path);
    dst->profile_name = xstrdup(src->profile_name);
    dst->dsn = xstrdup(src->dsn);
    dst->workload = xstrdup(src->workload);
    dst->fsm_source = xstrdup(src->fsm_source);
    dst->log_path = xstrdup(src->log_path);
    dst->history_path = xstrdup(src->history_path);
    dst->summary_path = xstrdup(src->summary_path);
    dst->report_dir = xstrdup(src->report_dir);
    dst->weights = xcalloc(src->nweights ? src->nweights : 1, sizeof *dst->weights);
    for (size_t i = 0; i < src->nweights; i++) {
        dst->weights[i] = src->weights[i];
        dst->weights[i].action = xstrdup(src->weights[i].action);
    }
    dst->flags = xcalloc(src->nflags ? src->nflags : 1, sizeof *dst->flags);
    for (size_t i = 0; i < src->nflags; i++) {
        dst->flags[i].name = xstrdup(src->flags[i].name);
        dst->flags[i].nvalues = src->flags[i].nvalues;
        dst->flags[i].values = copy_strv(src->flags[i].values, src->flags[i].nvalues);
    }
    dst->expected = copy_rules(src->expected, src->nexpected);
    dst->custom = xcalloc(src->ncustom ? src->ncustom : 1, sizeof *dst->custom);
    for (size_t i = 0; i < src->ncustom; i++)
        copy_custom(&dst->custom[i], &src->custom[i]);
    dst->params = xcalloc(src->nparams ? src->nparams : 1, sizeof *dst->params);
    for (size_t i = 0; i < src->nparams; i++) {
        dst->params[i].name = xstrdup(src->params[i].name);
        dst->params[i].value = src->params[i].value;
    }
    nemesis_opts_copy(&dst->nemesis, &src->nemesis);
    dst->server_settings = xcalloc(src->nserver_settings ? src->nserver_settings : 1,
                                   sizeof *dst->server_settings);
    for (size_t i = 0; i < src->nserver_settings; i++) {
        dst->server_settings[i].name = xstrdup(src->server_settings[i].name);
        dst->server_settings[i].value = xstrdup(src->server_settings[i].value);
    }
}

void config_free(run_config *c)
{
    free(c->profile_path);
    free(c->profile_name);
    free(c->dsn);
    free(c->workload);
    free(c->fsm_source);
    free(c->log_path);
    free(c->history_path);
    free(c->summary_path);
    free(c->report_dir);
    for (size_t i = 0; i < c->nweights; i++)
        free(c->weights[i].action);
    free(c->weights);
    for (size_t i = 0; i < c->nflags; i++) {
        free(c->flags[i].name);
        free_strv(c->flags[i].values, c->flags[i].nvalues);
    }
    free(c->flags);
    free_rules(c->expected, c->nexpected);
    for (size_t i = 0; i < c->ncustom; i++)
        free_custom(&c->custom[i]);
    free(c->custom);
    for (size_t i = 0; i < c->nparams; i++)
        free(c->params[i].name);
    free(c->params);
    nemesis_opts_free(&c->nemesis);
    for (size_t i = 0; i < c->nserver_settings; i++) {
        free(c->server_settings[i].name);
        free(c->server_settings[i].value);
    }
    free(c->server_settings);
    memset(c, 0, sizeof *c);
}

void config_set_weight(run_config *c, action_list list, const char *action, unsigned weight)
{
    for (size_t i = 0; i < c->nweights; i++)
        if (c->weights[i].list == list && strcmp(c->weights[i].action, action) == 0) {
            c->weights[i].weight = weight;
            return;
        }
    c->weights = xrealloc(c->weights, (c->nweights + 1) * sizeof *c->weights);
    c->weights[c->nweights++] = (weight_setting){list, xstrdup(action), weight};
}

unsigned config_weight(const run_config *c, action_list list, const char *action, unsigned def)
{
    for (size_t i = 0; i < c->nweights; i++)
        if (c->weights[i].list == list && strcmp(c->weights[i].action, action) == 0)
            return c->weights[i].weight;
    return def;
}

void config_set_param(run_config *c, const char *name, int64_t value)
{
    for (size_t i = 0; i < c->nparams; i++)
        if (strcmp(c->params[i].name, name) == 0) {
            c->params[i].value = value;
            return;
        }
    c->params = xrealloc(c->params, (c->nparams + 1) * sizeof *c->params);
    c->params[c->nparams++] = (param_setting){xstrdup(name), value};
}

static int index_of(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *action_list_name(action_list l)
{
    return (unsigned)l < LIST_COUNT ? LIST_NAMES[l] : "?";
}

int action_list_from_name(const char *s)
{
    return index_of(LIST_NAMES, LIST_COUNT, s);
}

const char *complexity_name(complexity c)
{
    return (unsigned)c < CX_COUNT ? COMPLEXITY_NAMES[c] : "?";
}

int complexity_from_name(const char *s)
{
    return index_of(COMPLEXITY_NAMES, CX_COUNT, s);
}

const char *isolation_name(isolation i)
{
    return (unsigned)i < ISO_COUNT ? ISOLATION_NAMES[i] : "?";
}

const char *isolation_sql(isolation i)
{
    return (unsigned)i < ISO_COUNT ? ISOLATION_SQL[i] : "READ COMMITTED";
}

int isolation_from_name(const char *s)
{
    return index_of(ISOLATION_NAMES, ISO_COUNT, s);
}

const char *placeholder_kind_name(placeholder_kind k)
{
    return (unsigned)k < PH_COUNT ? PLACEHOLDER_NAMES[k] : "?";
}

int placeholder_kind_from_name(const char *s)
{
    return index_of(PLACEHOLDER_NAMES, PH_COUNT, s);
}

const char *custom_send_name(custom_send s)
{
    return (unsigned)s < SEND_AS_COUNT ? SEND_NAMES[s] : "?";
}

int custom_send_from_name(const char *s)
{
    return index_of(SEND_NAMES, SEND_AS_COUNT, s);
}

const char *action_list_at(size_t i)
{
    return i < LIST_COUNT ? LIST_NAMES[i] : NULL;
}

const char *complexity_at(size_t i)
{
    return i < CX_COUNT ? COMPLEXITY_NAMES[i] : NULL;
}

const char *isolation_at(size_t i)
{
    return i < ISO_COUNT ? ISOLATION_NAMES[i] : NULL;
}

const char *placeholder_kind_at(size_t i)
{
    return i < PH_COUNT ? PLACEHOLDER_NAMES[i] : NULL;
}

const char *custom_send_at(size_t i)
{
    return i < SEND_AS_COUNT ? SEND_NAMES[i] : NULL;
}
