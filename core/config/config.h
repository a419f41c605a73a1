/* config.h - everything a run is configured by.
 *
 * Built-in defaults, then a YAML profile, then CLI flags, in that order.
 * A run_config owns all of its strings and arrays; config_free() releases
 * them. */
#ifndef MELEE_CONFIG_H
#define MELEE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../engine/catalog.h"
#include "../engine/errclass.h"
#include "../fault/nemesis_opts.h"

typedef enum action_list {
    LIST_READ,
    LIST_FETCH,
    LIST_WRITE,
    LIST_DML_NONTRANS,
    LIST_DDL,
    LIST_COUNT
} action_list;

typedef enum complexity {
    CX_READ,
    CX_DML,
    CX_DDL,
    CX_DDL_ONLY,
    CX_RANDOM,
    CX_COUNT
} complexity;

typedef enum isolation {
    ISO_READ_COMMITTED,
    ISO_REPEATABLE_READ,
    ISO_SERIALIZABLE,
    ISO_COUNT
} isolation;

/* A weight for one action of one list, by name ("select" in "read"). */
typedef struct weight_setting {
    action_list list;
    char *action;
    unsigned weight;
} weight_setting;

/* A server flag the flip_flag action and the console may set. */
typedef struct flag_setting {
    char *name;
    char **values;   /* candidate values */
    size_t nvalues;
} flag_setting;

/* A profile-provided extra error rule (strings owned). */
typedef struct owned_rule {
    char *sqlstate;
    char *message;
    err_class cls;
} owned_rule;

/* A typed placeholder of a custom action: {{name}} in its SQL. */
typedef enum placeholder_kind {
    PH_INT,     /* integer in [min, max] */
    PH_TEXT,    /* random text of length in [min, max] */
    PH_CHOICE,  /* one of choices */
    PH_TABLE,   /* a random tracked table (quoted, qualified); spliced in, not a $n */
    PH_BOOL,
    PH_COUNT
} placeholder_kind;

typedef struct placeholder {
    char *name;
    placeholder_kind kind;
    int64_t min, max;
    char **choices;
    size_t nchoices;
} placeholder;

/* How a custom action sends its values. */
typedef enum custom_send {
    SEND_AS_PARAMS,    /* $n parameters, an unnamed statement each time (default) */
    SEND_AS_PREPARED,  /* prepared once per connection, executed by name */
    SEND_AS_LITERALS,  /* values written into the SQL, simple query protocol */
    SEND_AS_COUNT
} custom_send;

/* An action added by a profile, without recompiling. */
typedef struct custom_action {
    char *name;
    action_list list;
    unsigned weight;
    custom_send send;
    char *sql;           /* with {{placeholder}} markers */
    char *setup_sql;     /* run once before workers start; may be NULL */
    placeholder *placeholders;
    size_t nplaceholders;
    owned_rule *expected;
    size_t nexpected;
} custom_action;

/* A workload parameter ("accounts: 8"), integers only. */
typedef struct param_setting {
    char *name;
    int64_t value;
} param_setting;

/* The most worker threads a run may have. */
#define MAX_THREADS 1024
/* A setting of the private server ("server: {settings: {NAME: VALUE}}"),
 * passed as postgres -c NAME=VALUE. */
typedef struct server_setting {
    char *name;
    char *value;
} server_setting;

typedef struct run_config {
    char *profile_path;      /* where it was loaded from, NULL for built-in */
    char *profile_name;
    char *dsn;               /* NULL: PG* variables, else embedded server */
    int threads;
    complexity complexity;
    char *workload;          /* "chaos" (default), ... */
    char *fsm_source;        /* the YAML file whose fsm: section the workload fsm runs */
    uint64_t seed;
    bool seed_set;           /* false: a seed is drawn at start */
    double duration_s;       /* 0 = until stopped */
    isolation isolation;
    double hang_limit_s;
    int limits[OBJ_KIND_COUNT];
    int minimums[OBJ_KIND_COUNT];
    unsigned list_weights[CX_COUNT][LIST_COUNT]; /* complexity -> list draw weights */
    weight_setting *weights;  /* overrides of action default weights */
    size_t nweights;
    flag_setting *flags;
    size_t nflags;
    owned_rule *expected;     /* extra expected-error rules */
    size_t nexpected;
    custom_action *custom;
    size_t ncustom;
    param_setting *params;    /* workload parameters (profile "params:", CLI --param) */
    size_t nparams;
    char *log_path;
    char *history_path;
    char *summary_path;
    char *report_dir;         /* --report: metrics and the HTML run report */
    bool headless;
    bool keep_server;
    nemesis_opts nemesis;     /* faults: profile "nemesis:", --nemesis* */
    server_setting *server_settings;   /* profile "server: {settings: ...}" */
    size_t nserver_settings;
} run_config;

/* Fills *c with the built-in defaults (default flags table included). */
void config_defaults(run_config *c);

/* Releases everything *c owns and zeroes it. */
void config_free(run_config *c);

/* Deep-copies src into *dst (dst is overwritten, not freed first). */
void config_copy(run_config *dst, const run_config *src);

/* Sets or adds the weight for list/action. */
void config_set_weight(run_config *c, action_list list, const char *action, unsigned weight);

/* Sets or adds a workload parameter. */
void config_set_param(run_config *c, const char *name, int64_t value);

/* Returns the weight the config gives list/action, or def when it has none. */
unsigned config_weight(const run_config *c, action_list list, const char *action, unsigned def);

/* Name tables for enums (profiles, CLI, reports). *_from_name return -1
 * for an unknown name. */
const char *action_list_name(action_list l);
int action_list_from_name(const char *s);
const char *complexity_name(complexity c);
int complexity_from_name(const char *s);
const char *isolation_name(isolation i);      /* "read-committed", ... */
const char *isolation_sql(isolation i);       /* "READ COMMITTED", ... */
int isolation_from_name(const char *s);
const char *placeholder_kind_name(placeholder_kind k);
int placeholder_kind_from_name(const char *s);
const char *custom_send_name(custom_send s);      /* "params", "prepared", "literals" */
int custom_send_from_name(const char *s);

/* The i-th name of each table, NULL past its end (to list what is allowed). */
const char *action_list_at(size_t i);
const char *complexity_at(size_t i);
const char *isolation_at(size_t i);
const char *placeholder_kind_at(size_t i);
const char *custom_send_at(size_t i);

#endif
