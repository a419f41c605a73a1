/* recorder.c - history recording and the live checker thread. */
#include "recorder.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

/* Workers append to `pending` under `mu` (a short critical section: one
 * file write and one array append). The checker thread drains pending
 * without any lock workers wait on: a checker fed one record at a time
 * (bank, counter, ...) takes the new records and lets them go, so its
 * cost follows the new records and its memory its own state; the others
 * keep every record in `checked` and check it whole at intervals. */
struct recorder {
    char *checker;
    check_opts opts;
    pthread_mutex_t mu;        /* guards pending, next_index and writes to the file */
    history pending;
    int64_t next_index;
    hist_writer *file;
    check_stream *stream;      /* the fed checker, or NULL (checker thread, then finish) */
    history checked;           /* the whole history when there is no stream (same) */
    uint64_t fed_ops;          /* records given to the stream */
    pthread_mutex_t result_mu; /* guards result, checked_at, checked_ops, have_result */
    check_result result;
    bool have_result;
    double checked_at;
    uint64_t checked_ops;
    uint64_t t0;
    pthread_t thread;
    bool started;
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    bool stopping;
    double interval_s;
};

recorder *recorder_new(const char *checker, const run_config *cfg, char **err)
{
    recorder *rc = xcalloc(1, sizeof *rc);
    rc->checker = xstrdup(checker);
    rc->opts = check_opts_default(cfg->isolation);
    rc->stream = check_stream_new(checker, &rc->opts);
    pthread_mutex_init(&rc->mu, NULL);
    pthread_mutex_init(&rc->result_mu, NULL);
    pthread_mutex_init(&rc->stop_mu, NULL);
    pthread_cond_init(&rc->stop_cv, NULL);
    rc->t0 = now_us();
    if (cfg->history_path && *cfg->history_path) {
        hist_meta meta = {.present = true, .has_seed = true, .seed = cfg->seed};
        snprintf(meta.workload, sizeof meta.workload, "%s", checker);
        snprintf(meta.isolation, sizeof meta.isolation, "%s", isolation_name(cfg->isolation));
        snprintf(meta.version, sizeof meta.version, "%s", MELEE_VERSION);
        rc->file = hist_writer_open(cfg->history_path, &meta, err);
        if (!rc->file) {
            recorder_free(rc);
            return NULL;
        }
    }
    return rc;
}

void recorder_add(recorder *rc, int64_t process, hist_type type, const char *f,
                  json_object *value)
{
    hist_op op = {.process = process, .type = type};
    snprintf(op.f, sizeof op.f, "%s", f);
    json_object_deep_copy(value, &op.value, NULL);
    pthread_mutex_lock(&rc->mu);
    op.index = rc->next_index++;
    op.time = (int64_t)now_ns();  /* under the lock: times follow indexes */
    if (rc->file)
        hist_writer_add(rc->file, &op);
    history_append(&rc->pending, &op);
    pthread_mutex_unlock(&rc->mu);
}

void recorder_note_fault(recorder *rc, const char *f, const char *what)
{
    hist_op op = {.process = HIST_NEMESIS, .type = H_INFO, .value = json_object_new_string(what)};
    snprintf(op.f, sizeof op.f, "%s", f);
    pthread_mutex_lock(&rc->mu);
    op.index = rc->next_index++;
    op.time = (int64_t)now_ns();
    if (rc->file)
        hist_writer_add(rc->file, &op);
    pthread_mutex_unlock(&rc->mu);
    json_object_put(op.value);
}

/* Takes what workers recorded since the last drain: feeds it to the
 * stream and frees it, or moves it into rc->checked. */
static void drain(recorder *rc)
{
    pthread_mutex_lock(&rc->mu);
    history batch = rc->pending;
    memset(&rc->pending, 0, sizeof rc->pending);
    pthread_mutex_unlock(&rc->mu);
    if (rc->stream) {
        for (size_t i = 0; i < batch.n; i++)
            check_stream_feed(rc->stream, &batch.ops[i]);
        rc->fed_ops += batch.n;
        history_free(&batch);
        return;
    }
    for (size_t i = 0; i < batch.n; i++)
        history_append(&rc->checked, &batch.ops[i]);
    free(batch.ops); /* the values moved to rc->checked */
}

static void check_now(recorder *rc)
{
    drain(rc);
    check_result res;
    memset(&res, 0, sizeof res);
    char *err = NULL;
    if (rc->stream) {
        check_stream_result(rc->stream, &res);
    } else if (check_history(&rc->checked, rc->checker, &rc->opts, &res, &err) != 0) {
        res.verdict = VERDICT_UNKNOWN;
        res.reason = err ? err : xstrdup("checker failed");
        err = NULL;
    }
    free(err);
    pthread_mutex_lock(&rc->result_mu);
    if (rc->have_result)
        check_result_free(&rc->result);
    rc->result = res;
    rc->have_result = true;
    rc->checked_at = (double)(now_us() - rc->t0) / 1e6;
    rc->checked_ops = rc->stream ? rc->fed_ops : rc->checked.n;
    pthread_mutex_unlock(&rc->result_mu);
}

static void *checker_main(void *arg)
{
    recorder *rc = arg;
    pthread_mutex_lock(&rc->stop_mu);
    while (!rc->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += (time_t)rc->interval_s;
        pthread_cond_timedwait(&rc->stop_cv, &rc->stop_mu, &ts);
        if (rc->stopping)
            break;
        pthread_mutex_unlock(&rc->stop_mu);
        check_now(rc);
        pthread_mutex_lock(&rc->stop_mu);
    }
    pthread_mutex_unlock(&rc->stop_mu);
    return NULL;
}

void recorder_start(recorder *rc, double interval_s)
{
    rc->interval_s = interval_s < 1 || rc->stream ? 1 : interval_s;
    rc->started = pthread_create(&rc->thread, NULL, checker_main, rc) == 0;
}

void recorder_finish(recorder *rc)
{
    if (rc->started) {
        pthread_mutex_lock(&rc->stop_mu);
        rc->stopping = true;
        pthread_cond_signal(&rc->stop_cv);
        pthread_mutex_unlock(&rc->stop_mu);
        pthread_join(rc->thread, NULL);
        rc->started = false;
    }
    check_now(rc);
}

void recorder_snapshot(recorder *rc, check_snap *out)
{
    memset(out, 0, sizeof *out);
    out->enabled = true;
    out->verdict = -1;
    snprintf(out->checker, sizeof out->checker, "%s", rc->checker);
    pthread_mutex_lock(&rc->mu);
    out->history_ops = (uint64_t)rc->next_index;
    pthread_mutex_unlock(&rc->mu);
    pthread_mutex_lock(&rc->result_mu);
    if (rc->have_result) {
        const check_result *r = &rc->result;
        out->verdict = (int)r->verdict;
        snprintf(out->reason, sizeof out->reason, "%s", r->reason ? r->reason : "");
        snprintf(out->stats, sizeof out->stats, "%s", r->stats ? r->stats : "");
        out->checked_at_s = rc->checked_at;
        out->nanomalies = r->nanomalies;
        out->anomalies = xcalloc(r->nanomalies ? r->nanomalies : 1, sizeof *out->anomalies);
        for (size_t i = 0; i < r->nanomalies; i++) {
            snprintf(out->anomalies[i].type, sizeof out->anomalies[i].type, "%s",
                     r->anomalies[i].type);
            out->anomalies[i].count = r->anomalies[i].count;
            out->anomalies[i].example = xstrdup(r->anomalies[i].example);
        }
    }
    pthread_mutex_unlock(&rc->result_mu);
}

void check_snap_clear(check_snap *s)
{
    for (size_t i = 0; i < s->nanomalies; i++)
        free(s->anomalies[i].example);
    free(s->anomalies);
    s->anomalies = NULL;
    s->nanomalies = 0;
}

const check_result *recorder_result(recorder *rc)
{
    return rc->have_result ? &rc->result : NULL;
}

void recorder_free(recorder *rc)
{
    if (!rc)
        return;
    if (rc->started)
        recorder_finish(rc);
    if (rc->have_result)
        check_result_free(&rc->result);
    history_free(&rc->pending);
    history_free(&rc->checked);
    check_stream_free(rc->stream);
    if (rc->file)
        hist_writer_close(rc->file);
    free(rc->checker);
    pthread_mutex_destroy(&rc->mu);
    pthread_mutex_destroy(&rc->result_mu);
    pthread_mutex_destroy(&rc->stop_mu);
    pthread_cond_destroy(&rc->stop_cv);
    free(rc);
}
