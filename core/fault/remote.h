/* remote.h - faults on nodes melee did not start: per node, argv command
 * templates from the profile (kill, start, pause, resume, partition, heal;
 * typically ssh), run without a shell, {name} and {host} replaced in each
 * argument. */
#ifndef MELEE_REMOTE_H
#define MELEE_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum remote_action {
    RA_KILL,
    RA_START,
    RA_PAUSE,
    RA_RESUME,
    RA_PARTITION,
    RA_HEAL,
    RA_COUNT
} remote_action;

typedef struct remote_node {
    char *name;
    char *host;
    char **argv[RA_COUNT];     /* NULL-terminated templates, NULL when absent */
} remote_node;

/* Returns the action's profile key ("kill", "start"...). */
const char *remote_action_name(remote_action a);

/* Returns the action named s, or -1. */
int remote_action_find(const char *s);

/* Runs node n's template for action a, waiting at most timeout_s (then
 * the command is killed). out (cap bytes) gets its output, stdout and
 * stderr together, truncated, or why it could not run. Returns the exit
 * status, or -1 when there is no template, it could not start, was
 * killed or timed out. */
int remote_run(const remote_node *n, remote_action a, double timeout_s, char *out, size_t cap);

/* Frees what the node owns (not n itself). */
void remote_node_clear(remote_node *n);

#endif
