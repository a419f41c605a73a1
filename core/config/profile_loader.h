/* profile_loader.h - what the profile loader lends the parsers of its
 * list-shaped sections (profile_sections.c, profile_custom.c): the
 * document, file:line:column errors and typed readers of nodes. Every
 * reader returns 0, or -1 with the loader's error set (the first error
 * wins). */
#ifndef MELEE_PROFILE_LOADER_H
#define MELEE_PROFILE_LOADER_H

#include <stdbool.h>
#include <yaml.h>

#include "config.h"

/* Where a weight named an action, checked once the whole profile (and
 * its custom actions) is read. */
typedef struct weight_mark {
    action_list list;
    const yaml_node_t *key;
} weight_mark;

typedef struct loader {
    const char *path;
    yaml_document_t doc;
    char *err;           /* "FILE:LINE:COLUMN: message" */
    weight_mark *marks;
    size_t nmarks;
} loader;

/* Sets the error at n's position (the first error is kept); returns -1. */
int ld_fail(loader *l, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The node with the given id in the document. */
yaml_node_t *ld_node(loader *l, int id);

/* n's text when it is a scalar, else NULL. */
const char *ld_scalar(const yaml_node_t *n);

int ld_want(loader *l, const yaml_node_t *n, yaml_node_type_t t, const char *what);
int ld_int(loader *l, const yaml_node_t *n, const char *what, long long min, long long max,
           long long *out);
/* Replaces *out with a copy of the scalar's text. */
int ld_str(loader *l, const yaml_node_t *n, const char *what, char **out);
/* Sets *out to the index of n's text among name_at's names (the i-th
 * name, NULL past the end); an unknown name is an error listing them. */
int ld_enum(loader *l, const yaml_node_t *n, const char *what, const char *(*name_at)(size_t),
            int *out);
/* Reads a list of scalars into a new vector of owned strings. */
int ld_strv(loader *l, yaml_node_t *v, const char *what, char ***out, size_t *n);

/* Calls fn(l, key, value, c, arg) for each pair of a mapping whose keys
 * are plain names. */
typedef int (*ld_pair_fn)(loader *l, yaml_node_t *k, yaml_node_t *v, run_config *c, void *arg);
int ld_each_pair(loader *l, yaml_node_t *map, const char *what, ld_pair_fn fn, run_config *c,
                 void *arg);

/* A mapping of fixed keys: a row per key and the function that reads it. */
typedef struct ld_key {
    const char *key;
    ld_pair_fn fn;
} ld_key;

/* Reads every pair of map through the row of its key; an unknown key is
 * an error naming the keys there are. */
int ld_each_key(loader *l, yaml_node_t *map, const char *what, const ld_key *keys, size_t nkeys,
                run_config *c, void *arg);

#endif
