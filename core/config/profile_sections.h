/* profile_sections.h - the list-shaped sections of a profile, each read
 * and written by its own small parser (rows of SECTIONS in settings.c).
 * A load reads the section's value node onto *c (0, or -1 with the
 * loader's error set); a save appends the value after "key:" (see
 * profile_section in settings.h). */
#ifndef MELEE_PROFILE_SECTIONS_H
#define MELEE_PROFILE_SECTIONS_H

#include <yaml.h>

#include "config.h"
#include "../sqlbuf.h"

struct loader;

int section_limits_load(struct loader *l, yaml_node_t *v, run_config *c);
void section_limits_save(sqlbuf *out, int indent, const run_config *c);
int section_lists_load(struct loader *l, yaml_node_t *v, run_config *c);
void section_lists_save(sqlbuf *out, int indent, const run_config *c);
int section_weights_load(struct loader *l, yaml_node_t *v, run_config *c);
void section_weights_save(sqlbuf *out, int indent, const run_config *c);
int section_flags_load(struct loader *l, yaml_node_t *v, run_config *c);
void section_flags_save(sqlbuf *out, int indent, const run_config *c);
int section_params_load(struct loader *l, yaml_node_t *v, run_config *c);
void section_params_save(sqlbuf *out, int indent, const run_config *c);
int section_expected_load(struct loader *l, yaml_node_t *v, run_config *c);
void section_expected_save(sqlbuf *out, int indent, const run_config *c);
int section_custom_load(struct loader *l, yaml_node_t *v, run_config *c);
void section_custom_save(sqlbuf *out, int indent, const run_config *c);
int section_fsm_load(struct loader *l, yaml_node_t *v, run_config *c);
void section_fsm_save(sqlbuf *out, int indent, const run_config *c);

/* profile_faults.c: remote nodes of the nemesis, the private server's
 * settings. */
int section_nodes_load(struct loader *l, yaml_node_t *v, run_config *c);
void section_nodes_save(sqlbuf *out, int indent, const run_config *c);
int section_server_settings_load(struct loader *l, yaml_node_t *v, run_config *c);
void section_server_settings_save(sqlbuf *out, int indent, const run_config *c);

/* Reads a list of expected-error rules onto *out (shared by the top level
 * and custom actions); appends them as a section value. */
int profile_rules_load(struct loader *l, yaml_node_t *seq, owned_rule **out, size_t *n);
void profile_rules_save(sqlbuf *out, int indent, const owned_rule *r, size_t n);

/* Checks that every action a weight named exists (a built-in, workload or
 * custom action), once the whole profile is read. Returns 0 or -1. */
int weights_check_names(struct loader *l, const run_config *c);

#endif
