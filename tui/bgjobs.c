/* bgjobs.c - one helper thread for the control calls that wait on the
 * server. */
#include "bgjobs.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

void bg_init(bgjobs *q, run *r)
{
    memset(q, 0, sizeof *q);
    q->r = r;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
}

bg_job *bg_job_new(bg_kind kind, int index, const char *name, const char *value)
{
    bg_job *j = xcalloc(1, sizeof *j);
    j->kind = kind;
    j->index = index;
    j->name = name ? xstrdup(name) : NULL;
    j->value = value ? xstrdup(value) : NULL;
    return j;
}

void bg_job_free(bg_job *j)
{
    if (!j)
        return;
    free(j->name);
    free(j->value);
    free(j->result);
    free(j->msg);
    if (j->cfg) {
        config_free(j->cfg);
        free(j->cfg);
    }
    free(j);
}

static void run_job(run *r, bg_job *j)
{
    switch (j->kind) {
    case BG_SHOW:
        j->result = run_show_flag(r, j->name, &j->msg);
        j->ok = j->result != NULL;
        break;
    case BG_SET:
    case BG_RESET:
        j->ok = run_set_flag(r, j->name, j->kind == BG_SET ? j->value : NULL, &j->msg);
        break;
    case BG_APPLY_FLAGS:
        j->applied = run_apply_config(r, j->cfg, true);
        j->ok = true;
        break;
    }
}

static void *helper(void *arg)
{
    bgjobs *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->todo && !q->stop)
            pthread_cond_wait(&q->cv, &q->mu);
        if (q->stop)
            break;
        bg_job *j = q->todo;
        q->todo = j->next;
        if (!q->todo)
            q->todo_tail = NULL;
        j->next = NULL;
        pthread_mutex_unlock(&q->mu);
        run_job(q->r, j);
        pthread_mutex_lock(&q->mu);
        if (q->done_tail)
            q->done_tail->next = j;
        else
            q->done = j;
        q->done_tail = j;
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

bool bg_submit(bgjobs *q, bg_job *j)
{
    if (!q->started) {
        /* The helper leaves signals to the console's thread. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        int rc = pthread_create(&q->thread, NULL, helper, q);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (rc != 0) {
            bg_job_free(j);
            return false;
        }
        q->started = true;
    }
    pthread_mutex_lock(&q->mu);
    if (q->todo_tail)
        q->todo_tail->next = j;
    else
        q->todo = j;
    q->todo_tail = j;
    q->pending++;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
    return true;
}

bg_job *bg_collect(bgjobs *q)
{
    if (!q->started)
        return NULL;
    pthread_mutex_lock(&q->mu);
    bg_job *j = q->done;
    if (j) {
        q->done = j->next;
        if (!q->done)
            q->done_tail = NULL;
        j->next = NULL;
        q->pending--;
    }
    pthread_mutex_unlock(&q->mu);
    return j;
}

int bg_pending(bgjobs *q)
{
    if (!q->started)
        return 0;
    pthread_mutex_lock(&q->mu);
    int n = q->pending;
    pthread_mutex_unlock(&q->mu);
    return n;
}

static void free_list(bg_job *j)
{
    while (j) {
        bg_job *next = j->next;
        bg_job_free(j);
        j = next;
    }
}

void bg_stop(bgjobs *q)
{
    if (q->started) {
        pthread_mutex_lock(&q->mu);
        q->stop = true;
        pthread_cond_signal(&q->cv);
        pthread_mutex_unlock(&q->mu);
        pthread_join(q->thread, NULL);
        q->started = false;
    }
    free_list(q->todo);
    free_list(q->done);
    q->todo = q->todo_tail = q->done = q->done_tail = NULL;
    q->pending = 0;
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
}
