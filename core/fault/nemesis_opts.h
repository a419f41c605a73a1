/* nemesis_opts.h - what the profile's `nemesis:` section and the
 * --nemesis* flags configure (rows of the settings table point into it),
 * and the remote nodes with their command templates. */
#ifndef MELEE_NEMESIS_OPTS_H
#define MELEE_NEMESIS_OPTS_H

#include <stdbool.h>

#include "nemesis.h"

typedef struct nemesis_opts {
    char *faults;             /* the kinds, "kill,pause" (checked names), or NULL */
    nemesis_cfg cfg;          /* the schedule's numbers and the faults' parameters;
                               * cfg.schedule.kinds come from faults */
    double command_timeout_s; /* node commands */
    remote_node *nodes;       /* owned */
    size_t nnodes;
} nemesis_opts;

/* Fills s's kinds from text (names separated by commas or spaces).
 * Returns 0, or -1 and sets *err (caller frees) naming an unknown kind. */
int nemesis_kinds_parse(const char *text, schedule_cfg *s, char **err);

/* Returns o's configuration with its kinds filled from o->faults. */
nemesis_cfg nemesis_opts_cfg(const nemesis_opts *o);

/* True when kind k is configured / when one that acts through the proxy
 * is. */
bool nemesis_opts_has(const nemesis_opts *o, fault_kind k);
bool nemesis_opts_need_proxy(const nemesis_opts *o);

/* Adds a remote node named name at host (name when NULL). Returns it
 * (owned by o). */
remote_node *nemesis_opts_add_node(nemesis_opts *o, const char *name, const char *host);

/* Sets a node's command template for action key ("kill", "start",
 * "pause", "resume", "partition", "heal") to argv[0..argc). Returns 0, or
 * -1 and sets *err for an unknown key or an empty command. */
int nemesis_node_set_command(remote_node *n, const char *key, char *const *argv, size_t argc,
                             char **err);

/* Deep-copies src into *dst / releases what o owns. */
void nemesis_opts_copy(nemesis_opts *dst, const nemesis_opts *src);
void nemesis_opts_free(nemesis_opts *o);

#endif
