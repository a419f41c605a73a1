/* report_cmd.c - `melee report SOURCE [--out DIR]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void usage(FILE *out)
{
    fputs("usage: melee report RUN_DIR [--out DIR]     rebuild RUN_DIR/index.html (or DIR/index.html)\n"
          "       melee report HISTORY --out DIR       the same plots from a history file alone\n",
          out);
}

int report_command(int argc, char **argv)
{
    const char *source = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--out") == 0 || strcmp(argv[i], "-o") == 0) {
            if (++i == argc) {
                fprintf(stderr, "melee report: --out needs a directory\n");
                return 2;
            }
            out = argv[i];
        } else if (strncmp(argv[i], "--out=", 6) == 0) {
            out = argv[i] + 6;
        } else if (argv[i][0] == '-' || source) {
            fprintf(stderr, "melee report: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            source = argv[i];
        }
    }
    if (!source) {
        usage(stderr);
        return 2;
    }
    char *err = NULL, *warn = NULL;
    if (report_build(source, out, &err, &warn) != 0) {
        fprintf(stderr, "melee report: %s\n", err);
        free(err);
        return 2;
    }
    printf("melee report: wrote %s/index.html\n", out ? out : source);
    if (warn) {
        fprintf(stderr, "melee report: the page has no plots: %s\n", warn);
        free(warn);
        return 2;
    }
    return 0;
}
