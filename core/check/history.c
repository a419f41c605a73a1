/* history.c - reading and writing JSON Lines operation histories. */
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util.h"

static const char *const TYPE_NAMES[] = {"invoke", "ok", "fail", "info"};

const char *hist_type_name(hist_type t)
{
    return (unsigned)t < ARRAY_LEN(TYPE_NAMES) ? TYPE_NAMES[t] : "?";
}

int hist_type_from_name(const char *s)
{
    for (size_t i = 0; s && i < ARRAY_LEN(TYPE_NAMES); i++)
        if (strcmp(s, TYPE_NAMES[i]) == 0)
            return (int)i;
    return -1;
}

void history_append(history *h, const hist_op *op)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->ops = xrealloc(h->ops, h->cap * sizeof *h->ops);
    }
    h->ops[h->n++] = *op;
}

void history_free(history *h)
{
    for (size_t i = 0; i < h->n; i++)
        json_object_put(h->ops[i].value);
    free(h->ops);
    memset(h, 0, sizeof *h);
}

/* Fills *op from one parsed record. Returns NULL, or what is wrong. */
static const char *op_from_json(json_object *rec, size_t position, hist_op *op)
{
    json_object *v;
    memset(op, 0, sizeof *op);
    if (!json_object_is_type(rec, json_type_object))
        return "not a JSON object";
    op->index = json_object_object_get_ex(rec, "index", &v) ? json_object_get_int64(v)
                                                             : (int64_t)position;
    if (!json_object_object_get_ex(rec, "process", &v) || !json_object_is_type(v, json_type_int))
        return "no integer \"process\"";
    op->process = json_object_get_int64(v);
    if (!json_object_object_get_ex(rec, "type", &v) ||
        hist_type_from_name(json_object_get_string(v)) < 0)
        return "\"type\" is not invoke, ok, fail or info";
    op->type = (hist_type)hist_type_from_name(json_object_get_string(v));
    if (!json_object_object_get_ex(rec, "f", &v) || !json_object_is_type(v, json_type_string))
        return "no string \"f\"";
    if (strlen(json_object_get_string(v)) >= sizeof op->f)
        return "\"f\" is too long";
    snprintf(op->f, sizeof op->f, "%s", json_object_get_string(v));
    if (json_object_object_get_ex(rec, "time", &v))
        op->time = json_object_get_int64(v);
    if (json_object_object_get_ex(rec, "value", &v))
        op->value = json_object_get(v);
    return NULL;
}

/* Parses one line into *op. Returns NULL, or what is wrong with it. */
static const char *parse_line(json_tokener *tok, const char *line, size_t len, size_t position,
                              hist_op *op)
{
    memset(op, 0, sizeof *op);
    json_tokener_reset(tok);
    json_object *rec = json_tokener_parse_ex(tok, line, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    if (!rec)
        return e == json_tokener_continue ? "incomplete JSON record"
                                          : json_tokener_error_desc(e);
    const char *why = NULL;
    for (size_t i = json_tokener_get_parse_end(tok); !why && i < len; i++)
        if (line[i] != ' ' && line[i] != '\t')
            why = "text after the JSON record";
    if (!why)
        why = op_from_json(rec, position, op);
    if (why)
        json_object_put(op->value);
    json_object_put(rec);
    return why;
}

int history_read(const char *path, history *h, char **err)
{
    memset(h, 0, sizeof *h);
    FILE *f = fopen(path, "r");
    if (!f) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    json_tokener *tok = json_tokener_new();
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        bool ended = len > 0 && line[len - 1] == '\n';
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        hist_op op;
        const char *why = parse_line(tok, line, (size_t)len, h->n, &op);
        if (why) {
            /* A run killed while writing leaves a last line without its
             * newline: keep what came before it. */
            if (!ended && h->n > 0) {
                fprintf(stderr, "melee: %s:%zu: ignoring a torn last record (%s)\n", path,
                        lineno, why);
                break;
            }
            *err = xasprintf("%s:%zu: %s", path, lineno, why);
            rc = -1;
            break;
        }
        history_append(h, &op);
    }
    free(line);
    json_tokener_free(tok);
    fclose(f);
    if (rc)
        history_free(h);
    return rc;
}

struct hist_writer {
    pthread_mutex_t mu;
    FILE *f;
};

hist_writer *hist_writer_open(const char *path, char **err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        *err = xasprintf("cannot create the history file %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    hist_writer *w = xcalloc(1, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    w->f = f;
    return w;
}

void hist_writer_add(hist_writer *w, const hist_op *op)
{
    pthread_mutex_lock(&w->mu);
    const char *v = op->value ? json_object_to_json_string_ext(op->value, JSON_C_TO_STRING_PLAIN)
                              : "null";
    fprintf(w->f, "{\"index\":%lld,\"process\":%lld,\"type\":\"%s\",\"f\":\"%s\",\"value\":%s,"
                  "\"time\":%lld}\n",
            (long long)op->index, (long long)op->process, hist_type_name(op->type), op->f, v,
            (long long)op->time);
    fflush(w->f);
    pthread_mutex_unlock(&w->mu);
}

void hist_writer_close(hist_writer *w)
{
    if (!w)
        return;
    fclose(w->f);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
