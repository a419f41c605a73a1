/* nemesis_opts.h - what the profile's `nemesis:` section and the
 * --nemesis* flags configure, set key by key from one table so that both
 * front doors accept the same names and values. */
#ifndef MELEE_NEMESIS_OPTS_H
#define MELEE_NEMESIS_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "nemesis.h"

typedef struct nemesis_opts {
    nemesis_cfg cfg;          /* kinds, schedule, parameters */
    remote_node *nodes;       /* owned */
    size_t nnodes;
    double command_timeout_s;
} nemesis_opts;

/* Fills *o with the defaults: no kinds; interval 10 s, duration 5 s,
 * quiet 5 s, recovery 10 s, random order; FAULT_PARAMS_DEFAULT. */
void nemesis_opts_defaults(nemesis_opts *o);

/* Sets one option from its text: "faults" ("kill,pause" or "all"),
 * "order", "interval", "duration", "quiet", "recovery", "latency",
 * "jitter", "stream", "rate", "toxicity", "offset", "target",
 * "command_timeout"; a mapping's keys may be given dotted ("latency.ms",
 * "latency.jitter_ms", "latency.direction", "bandwidth.rate",
 * "clock.offset_s"). Returns 0, or -1 and sets *err (caller frees) naming
 * what is wrong and what is allowed. */
int nemesis_opts_set(nemesis_opts *o, const char *key, const char *value, char **err);

/* Adds a remote node named name at host. Returns it (owned by o). */
remote_node *nemesis_opts_add_node(nemesis_opts *o, const char *name, const char *host);

/* Sets a node's command template for action key ("kill", "start",
 * "pause", "resume", "partition", "heal") to argv[0..argc). Returns 0, or
 * -1 and sets *err for an unknown key or an empty command. */
int nemesis_node_set_command(remote_node *n, const char *key, char *const *argv, size_t argc,
                             char **err);

/* True when a kind that acts through the proxy is configured. */
bool nemesis_opts_need_proxy(const nemesis_opts *o);

/* True when kind k is configured. */
bool nemesis_opts_has(const nemesis_opts *o, fault_kind k);

/* Prints the option names, one line each, for --help and the README. */
void nemesis_opts_usage(FILE *out);

/* Deep-copies src into *dst; releases what *o owns. */
void nemesis_opts_copy(nemesis_opts *dst, const nemesis_opts *src);
void nemesis_opts_free(nemesis_opts *o);

#endif
