/* metrics_load.c - a run's metrics.jsonl into a series. */
#include <errno.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "series.h"
#include "../util.h"

/* The latency keys of an action's row and their columns. */
static const struct {
    const char *key;
    int col;
} LAT_KEYS[] = {{"p50_us", LAT_P50}, {"p90_us", LAT_P90}, {"p99_us", LAT_P99}, {"max_us", LAT_MAX}};

static bool is_latency_key(const char *k)
{
    size_t n = strlen(k);
    return n > 3 && strcmp(k + n - 3, "_us") == 0;
}

static json_object *member(json_object *o, const char *key, json_type type)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

/* Reads every line as a JSON object with a number "t". Returns the count,
 * or -1 with *err set. */
static long read_rows(const char *path, json_object ***rows, char **err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, n = 0, lineno = 0;
    ssize_t len;
    *rows = NULL;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len <= 1)
            continue;
        json_object *o = json_tokener_parse(line);
        json_object *t = o ? json_object_object_get(o, "t") : NULL;
        if (!o || !json_object_is_type(o, json_type_object) ||
            !(json_object_is_type(t, json_type_double) || json_object_is_type(t, json_type_int))) {
            *err = xasprintf("%s:%zu: not a metrics row (a JSON object with a time \"t\")", path,
                             lineno);
            json_object_put(o);
            for (size_t i = 0; i < n; i++)
                json_object_put((*rows)[i]);
            free(*rows);
            free(line);
            fclose(f);
            return -1;
        }
        *rows = xrealloc(*rows, (n + 1) * sizeof **rows);
        (*rows)[n++] = o;
    }
    free(line);
    fclose(f);
    if (n == 0) {
        *err = xasprintf("%s: no metrics rows (the run wrote none)", path);
        return -1;
    }
    return (long)n;
}

static void collect_names(series *s, json_object *row)
{
    if (json_object_object_get(row, "fault"))
        names_add(&s->outcomes, "fault");
    json_object *acts = member(row, "actions", json_type_object);
    if (acts) {
        json_object_object_foreach(acts, name, a) {
            names_add(&s->actions, name);
            if (!json_object_is_type(a, json_type_object))
                continue;
            json_object_object_foreach(a, k, v) {
                (void)v;
                if (!is_latency_key(k))
                    names_add(&s->outcomes, k);
            }
        }
    }
    json_object *states = member(row, "states", json_type_object);
    if (states) {
        json_object_object_foreach(states, st, v) {
            (void)v;
            names_add(&s->states, st);
        }
    }
}

/* Moves the row's fault-explained errors out of "ignored", where the
 * actions count them, into "fault". */
static void fault_apart(series *s, size_t r, json_object *row)
{
    json_object *v = json_object_object_get(row, "fault");
    long f = names_find(&s->outcomes, "fault"), ig = names_find(&s->outcomes, "ignored");
    if (!v || f < 0)
        return;
    double n = json_object_get_double(v);
    double *ignored = ig >= 0 ? &s->count[r * s->outcomes.n + (size_t)ig] : NULL;
    if (ignored)
        n = n < *ignored ? n : *ignored;
    s->count[r * s->outcomes.n + (size_t)f] += n;
    if (ignored)
        *ignored -= n;
}

static void fill_row(series *s, size_t r, json_object *row)
{
    s->t[r] = json_object_get_double(json_object_object_get(row, "t"));
    json_object *dt = json_object_object_get(row, "dt");
    s->dt[r] = dt ? json_object_get_double(dt) : 1.0;
    json_object *acts = member(row, "actions", json_type_object);
    if (acts) {
        json_object_object_foreach(acts, name, a) {
            if (!json_object_is_type(a, json_type_object))
                continue;
            size_t ai = (size_t)names_find(&s->actions, name);
            json_object_object_foreach(a, k, v) {
                if (is_latency_key(k))
                    continue;
                double c = json_object_get_double(v);
                s->count[r * s->outcomes.n + (size_t)names_find(&s->outcomes, k)] += c;
                if (strcmp(k, "skipped") != 0)
                    s->action_ops[ai] += (uint64_t)c;
            }
            for (size_t q = 0; q < ARRAY_LEN(LAT_KEYS); q++) {
                json_object *v = json_object_object_get(a, LAT_KEYS[q].key);
                if (v)
                    s->lat_ms[(r * s->actions.n + ai) * LAT_COUNT + (size_t)LAT_KEYS[q].col] =
                        json_object_get_double(v) / 1000.0;
            }
        }
    }
    fault_apart(s, r, row);
    json_object *states = member(row, "states", json_type_object);
    if (states) {
        json_object_object_foreach(states, st, v) {
            s->threads[r * s->states.n + (size_t)names_find(&s->states, st)] = json_object_get_double(v);
        }
    }
    json_object *faults = member(row, "faults", json_type_array);
    for (size_t i = 0; faults && i < json_object_array_length(faults); i++) {
        json_object *f = json_object_array_get_idx(faults, i);
        json_object *kind = member(f, "kind", json_type_string);
        json_object *target = member(f, "target", json_type_string);
        json_object *end = json_object_object_get(f, "end_s");
        if (kind)
            series_add_fault(s, json_object_get_string(kind),
                             target ? json_object_get_string(target) : "",
                             json_object_get_double(json_object_object_get(f, "start_s")),
                             end ? json_object_get_double(end) : -1);
    }
}

int series_from_metrics(const char *path, series *s, char **err)
{
    memset(s, 0, sizeof *s);
    json_object **rows;
    long n = read_rows(path, &rows, err);
    if (n < 0)
        return -1;
    for (long i = 0; i < n; i++)
        collect_names(s, rows[i]);
    series_alloc(s, (size_t)n);
    for (long i = 0; i < n; i++) {
        fill_row(s, (size_t)i, rows[i]);
        json_object_put(rows[i]);
    }
    free(rows);
    series_merge_short_tail(s);
    s->source = xstrdup(path);
    return 0;
}
