/* kinds.h - the fault kinds, one row each: name, what it needs, how it
 * starts and heals, its colours. The nemesis (nemesis.h) drives them. */
#ifndef MELEE_FAULT_KINDS_H
#define MELEE_FAULT_KINDS_H

#include <stdbool.h>
#include <stddef.h>

#include "proxy.h"
#include "remote.h"

typedef struct embedded_pg embedded_pg;

typedef enum fault_kind {
    FK_KILL,
    FK_PAUSE,
    FK_TERMINATE,
    FK_CANCEL,
    FK_PARTITION,
    FK_LATENCY,
    FK_BANDWIDTH,
    FK_RESET,
    FK_CLOCK,
    FK_COUNT
} fault_kind;

/* What a kind needs (bits of fault_kind_def.needs). */
enum {
    NEED_SERVER = 1,          /* the private server, or node templates */
    NEED_PROXY = 2,           /* workers connected through the proxy */
    NEED_FAKETIME = 4,        /* the private server under libfaketime */
    NEED_SQL = 8,             /* a connection to the server */
};

/* Which worker backends terminate and cancel act on. */
typedef enum fault_target {
    TARGET_ONE,
    TARGET_SOME,              /* about half */
    TARGET_ALL,
} fault_target;

/* The streams latency and bandwidth act on (toxiproxy's names). */
typedef enum fault_stream {
    FS_BOTH,
    FS_UPSTREAM,              /* client to server */
    FS_DOWNSTREAM,            /* server to client */
    FS_COUNT
} fault_stream;

/* Returns the i-th name of a table ("both", "upstream"...; "one", "some",
 * "all"; the kinds), NULL past the end: for the settings table. */
const char *fault_stream_at(size_t i);
const char *fault_target_at(size_t i);
const char *fault_kind_at(size_t i);

/* Parameters of every kind (toxiproxy's names for the network ones). */
typedef struct fault_params {
    int latency_ms, jitter_ms;        /* latency */
    int rate_kbps;                    /* bandwidth, KB/s */
    fault_stream stream;              /* latency and bandwidth */
    double toxicity;                  /* share of connections, 0: all */
    double clock_offset_s;            /* clock */
    fault_target target;              /* terminate, cancel */
    int pid;                          /* terminate, cancel: this backend only (0: by target) */
} fault_params;

/* The defaults: latency 200 ms +- 50 ms both ways, 64 KB/s, clock +300 s,
 * one backend. */
extern const fault_params FAULT_PARAMS_DEFAULT;

/* What faults act on; fields a kind does not need may be NULL. */
typedef struct fault_env {
    embedded_pg *pg;                  /* the private server */
    tcp_proxy *proxy;
    const char *conninfo;             /* direct to the server (not the proxy) */
    remote_node *nodes;               /* remote cluster nodes */
    size_t nnodes;
    double command_timeout_s;         /* for node templates */
    /* Runs sql, which returns one value, on a session of the caller's
     * (a worker's own connection): 0 with the value in out (cap bytes),
     * -1 with the error there. NULL: the kinds connect with conninfo. */
    int (*query)(void *arg, const char *sql, char *out, size_t cap);
    void *query_arg;
    /* Called with each node command's output and exit status. */
    void (*note)(void *arg, const char *text);
    void *note_arg;
} fault_env;

/* Starts or heals a fault; `what` (cap bytes) gets what was done to whom,
 * or why it failed. Returns 0, or -1 on failure. */
typedef int (*fault_fn)(const fault_env *env, const fault_params *p, char *what, size_t cap);

typedef struct fault_kind_def {
    const char *name;
    unsigned needs;
    bool instant;             /* done at once, nothing to heal (terminate, cancel) */
    fault_fn start;
    fault_fn heal;            /* NULL for instant kinds */
    const char *colour;       /* the report's band colour (#rrggbb) */
    int term_colour;          /* the console's colour (0-7, curses order) */
    const char *doc;          /* one line for --help and the dialog */
} fault_kind_def;

/* Returns kind k's row (k < FK_COUNT). */
const fault_kind_def *fault_kind_get(fault_kind k);

/* Returns the kind named s, or -1. */
int fault_kind_find(const char *s);

/* Why a kind cannot act here: why, in a few words (for lists), and fix,
 * one sentence saying what to start melee with so that it can. */
typedef struct fault_unavailable {
    const char *why;
    const char *fix;
} fault_unavailable;

/* Returns NULL when kind k can act in env, else why not (static). */
const fault_unavailable *fault_kind_unavailable(fault_kind k, const fault_env *env);

/* Parses a target name ("one", "some", "all"). Returns false otherwise. */
bool fault_target_parse(const char *s, fault_target *out);

#endif
