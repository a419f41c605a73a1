/* cli.h - the command line: options into a run_config. */
#ifndef MELEE_CLI_H
#define MELEE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

typedef struct cli_opts {
    bool help;
    bool version;
    bool print_profile;  /* --print-profile: print the settings as a profile, run nothing */
} cli_opts;

/* Fills *c from built-in defaults, the profile named by -p (if any) and
 * the other options, in that order. Returns 0, or 2 after printing a clear
 * error to stderr (usage, profile or value errors). */
int cli_parse(int argc, char **argv, run_config *c, cli_opts *o);

/* Prints the usage text. */
void cli_usage(FILE *out);

#endif
