/* metrics_load.c - a run's metrics.jsonl into a series. */
#include <stdbool.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "series.h"
#include "../jsonl.h"
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

/* The rows read so far. */
typedef struct rows {
    json_object **v;
    size_t n;
} rows;

/* Takes a metrics row: a JSON object with a number "t" (a jsonl_read
 * callback; ctx is the rows). */
static const char *take_row(json_object *o, size_t lineno, void *ctx)
{
    (void)lineno;
    rows *r = ctx;
    json_object *t = json_object_is_type(o, json_type_object) ? json_object_object_get(o, "t") : NULL;
    if (!(json_object_is_type(t, json_type_double) || json_object_is_type(t, json_type_int)))
        return "not a metrics row (a JSON object with a time \"t\")";
    r->v = xrealloc(r->v, (r->n + 1) * sizeof *r->v);
    r->v[r->n++] = json_object_get(o);
    return NULL;
}

static void rows_free(rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        json_object_put(r->v[i]);
    free(r->v);
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
    rows r = {0};
    long n = jsonl_read(path, take_row, &r, err);
    if (n == 0)
        *err = xasprintf("%s: no metrics rows (the run wrote none)", path);
    if (n <= 0) {
        rows_free(&r);
        return -1;
    }
    for (size_t i = 0; i < r.n; i++)
        collect_names(s, r.v[i]);
    series_alloc(s, r.n);
    for (size_t i = 0; i < r.n; i++)
        fill_row(s, i, r.v[i]);
    rows_free(&r);
    series_merge_short_tail(s);
    s->source = xstrdup(path);
    return 0;
}
