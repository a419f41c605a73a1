/* history_load.c - a series derived from a history file alone: rates and
 * latencies from invoke/complete times, nemesis records as fault windows. */
#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "series.h"
#include "../jsonl.h"
#include "../util.h"

/* One record, as much of it as the plots need. */
typedef struct rec {
    bool nemesis;
    int64_t process;
    char type[8];         /* invoke, ok, fail, info */
    char f[48];
    char value[64];       /* nemesis records: what was done */
    int64_t time;         /* ns */
} rec;

/* One completed operation. */
typedef struct sample {
    size_t row, action;
    double ms;
} sample;

typedef struct open_inv {
    int64_t process, time;
    size_t action;
} open_inv;

static int by_row_action_ms(const void *a, const void *b)
{
    const sample *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->action != y->action)
        return x->action < y->action ? -1 : 1;
    return x->ms < y->ms ? -1 : x->ms > y->ms;
}

/* Parses one line into *r. Returns NULL, or what is wrong with it. */
static const char *parse_rec(json_object *o, rec *r, char **meta)
{
    if (!o || !json_object_is_type(o, json_type_object))
        return "not a JSON object";
    memset(r, 0, sizeof *r);
    json_object *v;
    if (!json_object_object_get_ex(o, "type", &v) || !json_object_is_type(v, json_type_string))
        return "no \"type\"";
    snprintf(r->type, sizeof r->type, "%s", json_object_get_string(v));
    if (strcmp(r->type, "meta") == 0) {
        if (!*meta)
            *meta = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED));
        return "";
    }
    if (!json_object_object_get_ex(o, "time", &v) || !json_object_is_type(v, json_type_int))
        return "no integer \"time\"";
    r->time = json_object_get_int64(v);
    if (!json_object_object_get_ex(o, "process", &v))
        return "no \"process\"";
    if (json_object_is_type(v, json_type_string))
        r->nemesis = true;
    else if (json_object_is_type(v, json_type_int))
        r->process = json_object_get_int64(v);
    else
        return "\"process\" is neither a number nor \"nemesis\"";
    if (json_object_object_get_ex(o, "f", &v))
        snprintf(r->f, sizeof r->f, "%s", json_object_get_string(v));
    if (json_object_object_get_ex(o, "value", &v) && json_object_is_type(v, json_type_string))
        snprintf(r->value, sizeof r->value, "%s", json_object_get_string(v));
    if (!r->nemesis && strcmp(r->type, "invoke") && strcmp(r->type, "ok") &&
        strcmp(r->type, "fail") && strcmp(r->type, "info"))
        return "\"type\" is not invoke, ok, fail or info";
    return NULL;
}

/* The records read so far, and the meta record's text. */
typedef struct recs {
    rec *v;
    size_t n;
    char **meta;
} recs;

/* Takes one history record (a jsonl_read callback; ctx is the recs). */
static const char *take_rec(json_object *o, size_t lineno, void *ctx)
{
    (void)lineno;
    recs *rs = ctx;
    rec r;
    const char *bad = parse_rec(o, &r, rs->meta);
    if (bad)
        return bad;
    rs->v = xrealloc(rs->v, (rs->n + 1) * sizeof *rs->v);
    rs->v[rs->n++] = r;
    return NULL;
}

static void quantiles(series *s, const sample *v, size_t n)
{
    double *lat = &s->lat_ms[(v[0].row * s->actions.n + v[0].action) * LAT_COUNT];
    static const double Q[] = {0.50, 0.90, 0.99};
    for (int q = 0; q < 3; q++)
        lat[q] = v[(size_t)(Q[q] * (double)(n - 1) + 0.5)].ms;
    lat[LAT_MAX] = v[n - 1].ms;
}

/* Fills the rows from the records (times relative to t0). */
static void fill(series *s, const rec *r, size_t n, int64_t t0)
{
    open_inv *open = NULL;
    size_t nopen = 0, nsamples = 0;
    sample *samples = xcalloc(n, sizeof *samples);
    double *running = xcalloc(s->nrows, sizeof *running);
    char open_kind[64][48];
    double open_start[64];
    size_t nkinds = 0;
    for (size_t i = 0; i < n; i++) {
        double ts = (double)(r[i].time - t0) / 1e9;
        size_t row = ts <= 0 ? 0 : (size_t)ceil(ts) - 1;
        if (row >= s->nrows)
            row = s->nrows - 1;
        if (r[i].nemesis) {
            bool start = strncmp(r[i].f, "start-", 6) == 0;
            const char *kind = strchr(r[i].f, '-') ? strchr(r[i].f, '-') + 1 : r[i].f;
            size_t k = 0;
            while (k < nkinds && strcmp(open_kind[k], kind) != 0)
                k++;
            if (start && k == nkinds && nkinds < 64) {
                snprintf(open_kind[nkinds], sizeof open_kind[0], "%s", kind);
                open_start[nkinds++] = ts;
                series_add_fault(s, kind, r[i].value, ts, -1);
            } else if (!start && k < nkinds) {
                series_add_fault(s, kind, r[i].value, open_start[k], ts);
                memmove(&open_kind[k], &open_kind[k + 1], (nkinds - k - 1) * sizeof open_kind[0]);
                memmove(&open_start[k], &open_start[k + 1], (nkinds - k - 1) * sizeof open_start[0]);
                nkinds--;
            }
            continue;
        }
        if (strcmp(r[i].type, "invoke") == 0) {
            open = xrealloc(open, (nopen + 1) * sizeof *open);
            open[nopen++] = (open_inv){r[i].process, r[i].time, (size_t)names_find(&s->actions, r[i].f)};
            running[row] += 1;
            continue;
        }
        size_t k = 0;
        while (k < nopen && open[k].process != r[i].process)
            k++;
        if (k == nopen)
            continue;       /* a completion without its invocation */
        size_t a = open[k].action;
        samples[nsamples++] = (sample){row, a, (double)(r[i].time - open[k].time) / 1e6};
        s->count[row * s->outcomes.n + (size_t)names_find(&s->outcomes, r[i].type)] += 1;
        s->action_ops[a]++;
        running[row] -= 1;
        open[k] = open[--nopen];
    }
    double level = 0;
    for (size_t row = 0; row < s->nrows; row++) {
        level += running[row];
        s->threads[row] = level;
    }
    qsort(samples, nsamples, sizeof *samples, by_row_action_ms);
    for (size_t i = 0, j; i < nsamples; i = j) {
        for (j = i; j < nsamples && samples[j].row == samples[i].row &&
                    samples[j].action == samples[i].action; j++)
            ;
        quantiles(s, &samples[i], j - i);
    }
    free(samples);
    free(running);
    free(open);
}

int series_from_history(const char *path, series *s, char **meta, char **err)
{
    memset(s, 0, sizeof *s);
    *meta = NULL;
    recs rs = {.meta = meta};
    long n = jsonl_read(path, take_rec, &rs, err);
    if (n == 0)
        *err = xasprintf("%s: no operations in the history", path);
    if (n <= 0) {
        free(rs.v);
        free(*meta);
        *meta = NULL;
        return -1;
    }
    rec *r = rs.v;
    int64_t t0 = r[0].time, t1 = r[0].time;
    static const char *const OUTCOMES[] = {"ok", "fail", "info"};
    for (size_t i = 0; i < ARRAY_LEN(OUTCOMES); i++)
        names_add(&s->outcomes, OUTCOMES[i]);
    names_add(&s->states, "running");
    for (long i = 0; i < n; i++) {
        t0 = r[i].time < t0 ? r[i].time : t0;
        t1 = r[i].time > t1 ? r[i].time : t1;
        if (!r[i].nemesis && strcmp(r[i].type, "invoke") == 0)
            names_add(&s->actions, r[i].f);
    }
    double span = (double)(t1 - t0) / 1e9;
    size_t rows = span <= 0 ? 1 : (size_t)ceil(span);
    series_alloc(s, rows);
    for (size_t i = 0; i < rows; i++) {
        s->t[i] = i + 1 < rows || span <= 0 ? (double)(i + 1) : span;
        s->dt[i] = s->t[i] - (double)i;
    }
    fill(s, r, (size_t)n, t0);
    series_merge_short_tail(s);
    free(r);
    s->source = xstrdup(path);
    return 0;
}
