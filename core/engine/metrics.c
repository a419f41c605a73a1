/* metrics.c - the once-a-second metrics rows of --report DIR. */
#include "metrics.h"

#include <errno.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"
#include "../util.h"

/* Faults listed in one row at most (a cancel storm has hundreds); the
 * rest are counted in "faults_more". */
#define ROW_FAULTS_MAX 32

/* The outcome counters of an action, as they appear in a row. */
typedef struct outcome_field {
    const char *name;
    size_t offset;      /* of an _Atomic uint64_t in run_action */
} outcome_field;

static const outcome_field OUTCOMES[] = {
    {"ok", offsetof(run_action, ok)},
    {"ignored", offsetof(run_action, ignored)},
    {"unexpected", offsetof(run_action, unexpected)},
    {"skipped", offsetof(run_action, skipped)},
};
#define NOUTCOMES ARRAY_LEN(OUTCOMES)

/* Latency quantiles written per action and second. */
static const struct {
    const char *key;
    double q;
} QUANTILES[] = {{"p50_us", 0.50}, {"p90_us", 0.90}, {"p99_us", 0.99}};

/* What the last row saw of one action. */
typedef struct action_prev {
    uint64_t counts[NOUTCOMES];
    uint64_t buckets[HIST_BUCKETS];
} action_prev;

struct metrics {
    FILE *f;
    run *r;
    pthread_t thread;
    bool started;
    _Atomic bool stop;
    hold_gate gate;            /* the sampler sleeps here to the next second */
    action_prev *prev;
    double last_t;
    uint64_t faulted;          /* the run's fault-explained errors at the last row */
    uint64_t scratch[HIST_BUCKETS];
};

metrics *metrics_open(const char *dir, char **err)
{
    if (mkdir_p(dir) != 0) {
        *err = xasprintf("cannot create the report directory %s: %s", dir, strerror(errno));
        return NULL;
    }
    char *path = xasprintf("%s/metrics.jsonl", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        *err = xasprintf("cannot write %s: %s", path, strerror(errno));
        free(path);
        return NULL;
    }
    free(path);
    metrics *m = xcalloc(1, sizeof *m);
    m->f = f;
    hold_gate_init(&m->gate);
    return m;
}

static uint64_t load_counter(const run_action *a, size_t offset)
{
    return atomic_load((_Atomic uint64_t *)((char *)a + offset));
}

/* A number with millisecond precision, written as such ("4.047"). */
static json_object *json_ms(double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.3f", v);
    return json_object_new_double_s(v, buf);
}

/* Adds the action's second to row when anything happened in it. */
static void row_action(metrics *m, json_object *actions, size_t i)
{
    run_action *a = &m->r->actions[i];
    action_prev *p = &m->prev[i];
    uint64_t now[NOUTCOMES], any = 0;
    for (size_t k = 0; k < NOUTCOMES; k++) {
        now[k] = load_counter(a, OUTCOMES[k].offset);
        any |= now[k] - p->counts[k];
    }
    if (!any)
        return;
    json_object *o = json_object_new_object();
    for (size_t k = 0; k < NOUTCOMES; k++) {
        json_object_object_add(o, OUTCOMES[k].name, json_object_new_int64((int64_t)(now[k] - p->counts[k])));
        p->counts[k] = now[k];
    }
    uint64_t *delta = m->scratch, max = 0;
    hist_copy_counts(&a->latency, delta);
    for (int b = 0; b < HIST_BUCKETS; b++) {
        uint64_t c = delta[b];
        delta[b] = c - p->buckets[b];
        p->buckets[b] = c;
        if (delta[b]) {
            uint64_t lo, hi;
            hist_bucket_range(b, &lo, &hi);
            max = hi;
        }
    }
    uint64_t all_max = hist_max(&a->latency);
    max = max > all_max ? all_max : max;
    if (max) {
        for (size_t q = 0; q < ARRAY_LEN(QUANTILES); q++)
            json_object_object_add(o, QUANTILES[q].key, json_object_new_int64((int64_t)
                                   hist_counts_quantile(delta, QUANTILES[q].q, max)));
        json_object_object_add(o, "max_us", json_object_new_int64((int64_t)max));
    }
    json_object_object_add(actions, a->label, o);
}

static json_object *row_states(run *r)
{
    int count[WS_COUNT] = {0};
    int n = atomic_load(&r->nworkers);
    for (int i = 0; i < n; i++)
        if (!atomic_load(&r->workers[i]->retired))
            count[worker_shown_state(r->workers[i])]++;
    json_object *o = json_object_new_object();
    for (int s = 0; s < WS_COUNT; s++)
        json_object_object_add(o, worker_state_name((worker_state)s), json_object_new_int(count[s]));
    return o;
}

/* The faults active at some point of (from, to]. */
static void row_faults(run *r, json_object *row, double from, double to)
{
    json_object *arr = json_object_new_array();
    size_t more = 0;
    pthread_mutex_lock(&r->faults.mu);
    for (size_t i = 0; i < r->faults.n; i++) {
        const fault_snap *f = &r->faults.v[i].snap;
        if (f->start_s > to || (f->end_s >= 0 && f->end_s <= from))
            continue;
        if (json_object_array_length(arr) >= ROW_FAULTS_MAX) {
            more++;
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string(f->kind));
        json_object_object_add(o, "target", json_object_new_string(f->target));
        json_object_object_add(o, "start_s", json_ms(f->start_s));
        json_object_object_add(o, "end_s", f->end_s >= 0 ? json_ms(f->end_s) : NULL);
        json_object_array_add(arr, o);
    }
    pthread_mutex_unlock(&r->faults.mu);
    json_object_object_add(row, "faults", arr);
    if (more)
        json_object_object_add(row, "faults_more", json_object_new_int64((int64_t)more));
}

static void row_check(run *r, json_object *row)
{
    if (!r->rec)
        return;
    check_snap c;
    recorder_snapshot(r->rec, &c);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "checker", json_object_new_string(c.checker));
    json_object_object_add(o, "verdict", c.verdict < 0 ? NULL
                                         : json_object_new_string(verdict_name((verdict)c.verdict)));
    json_object_object_add(o, "history_ops", json_object_new_int64((int64_t)c.history_ops));
    check_snap_clear(&c);
    json_object_object_add(row, "check", o);
}

/* Writes the row for (last_t, t]. */
static void write_row(metrics *m, double t)
{
    json_object *row = json_object_new_object();
    json_object_object_add(row, "t", json_ms(t));
    json_object_object_add(row, "dt", json_ms(t - m->last_t));
    json_object *actions = json_object_new_object();
    for (size_t i = 0; i < m->r->nactions; i++)
        row_action(m, actions, i);
    json_object_object_add(row, "actions", actions);
    /* Errors an injected fault explained (the actions count them as
     * ignored too). */
    uint64_t faulted = atomic_load(&m->r->faulted);
    json_object_object_add(row, "fault", json_object_new_int64((int64_t)(faulted - m->faulted)));
    m->faulted = faulted;
    json_object_object_add(row, "states", row_states(m->r));
    row_faults(m->r, row, m->last_t, t);
    row_check(m->r, row);
    fprintf(m->f, "%s\n", json_object_to_json_string_ext(row, JSON_C_TO_STRING_PLAIN |
                                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
    fflush(m->f);
    json_object_put(row);
    m->last_t = t;
}

static bool stopping(const void *arg)
{
    const metrics *m = arg;
    return atomic_load(&m->stop);
}

/* Wakes once a second (and at the stop), nothing in between. */
static void *sampler(void *arg)
{
    metrics *m = arg;
    double next = 1.0;
    while (!atomic_load(&m->stop)) {
        double t = run_elapsed(m->r);
        if (t < next) {
            hold_wait(&m->gate, stopping, m, (uint64_t)((next - t) * 1000) + 1);
            continue;
        }
        write_row(m, next);
        next += 1.0;
    }
    return NULL;
}

void metrics_start(metrics *m, run *r)
{
    if (!m || m->started)
        return;
    m->r = r;
    m->prev = xcalloc(r->nactions ? r->nactions : 1, sizeof *m->prev);
    atomic_store(&m->stop, false);
    m->started = pthread_create(&m->thread, NULL, sampler, m) == 0;
    if (m->started)
        pthread_setname_np(m->thread, "melee-metrics");
}

void metrics_stop(metrics *m)
{
    if (!m || !m->started)
        return;
    atomic_store(&m->stop, true);
    hold_gate_wake(&m->gate);
    pthread_join(m->thread, NULL);
    m->started = false;
    double t = run_elapsed(m->r);
    if (t > m->last_t + 0.001)
        write_row(m, t);
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    metrics_stop(m);
    if (m->f)
        fclose(m->f);
    hold_gate_destroy(&m->gate);
    free(m->prev);
    free(m);
}
