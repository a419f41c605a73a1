/* jsonl.c - the one reader of JSON Lines files. */
#include "jsonl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Parses line as exactly one JSON value into *out (NULL for null).
 * Returns NULL, or what is wrong with it. */
static const char *parse(json_tokener *tok, const char *line, size_t len, json_object **out)
{
    json_tokener_reset(tok);
    *out = json_tokener_parse_ex(tok, line, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    if (e != json_tokener_success)       /* *out NULL; a JSON null is NULL too */
        return e == json_tokener_continue ? "incomplete JSON record" : json_tokener_error_desc(e);
    for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
        if (line[i] != ' ' && line[i] != '\t') {
            json_object_put(*out);
            *out = NULL;
            return "text after the JSON record";
        }
    return NULL;
}

long jsonl_read(const char *path, jsonl_record_fn each, void *ctx, char **err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    json_tokener *tok = json_tokener_new();
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    long taken = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        bool ended = len > 0 && line[len - 1] == '\n';
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        json_object *rec;
        const char *why = parse(tok, line, (size_t)len, &rec);
        if (!why)
            why = each(rec, lineno, ctx);
        json_object_put(rec);
        if (!why) {
            taken++;
            continue;
        }
        if (!*why)
            continue;
        /* A writer killed mid-line leaves a last line without its
         * newline: keep what came before it. */
        if (!ended && taken > 0) {
            fprintf(stderr, "melee: %s:%zu: ignoring a torn last record (%s)\n", path, lineno, why);
            break;
        }
        *err = xasprintf("%s:%zu: %s", path, lineno, why);
        taken = -1;
        break;
    }
    free(line);
    json_tokener_free(tok);
    fclose(f);
    return taken;
}
