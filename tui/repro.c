/* repro.c - rebuilding the command line from /proc/self/cmdline. */
#include "repro.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

/* Appends arg to the stream, single-quoted when it holds anything a shell
 * would interpret. */
static void put_arg(FILE *out, const char *arg)
{
    bool plain = *arg != '\0';
    for (const char *p = arg; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%",
                    *p))
            plain = false;
    if (plain) {
        fputs(arg, out);
        return;
    }
    fputc('\'', out);
    for (const char *p = arg; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", out);
        else
            fputc(*p, out);
    }
    fputc('\'', out);
}

char *repro_command(uint64_t seed)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return xasprintf("melee --seed %llu", (unsigned long long)seed);
    FILE *in = fopen("/proc/self/cmdline", "r");
    bool has_seed = false, first = true;
    if (in) {
        char arg[4096];
        size_t k = 0;
        int ch;
        while ((ch = fgetc(in)) != EOF) {
            if (ch != '\0' && k + 1 < sizeof arg) {
                arg[k++] = (char)ch;
                continue;
            }
            if (ch != '\0')
                continue;
            arg[k] = '\0';
            k = 0;
            has_seed |= strcmp(arg, "-s") == 0 || strncmp(arg, "--seed", 6) == 0 ||
                        (strncmp(arg, "-s", 2) == 0 && arg[2] >= '0' && arg[2] <= '9');
            if (!first)
                fputc(' ', out);
            put_arg(out, arg);
            first = false;
        }
        fclose(in);
    }
    if (first)
        fputs("melee", out);
    if (!has_seed)
        fprintf(out, " --seed %llu", (unsigned long long)seed);
    fclose(out);
    return buf;
}
