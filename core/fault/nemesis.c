/* nemesis.c - the nemesis thread: the schedule, requests from the
 * operator, and the heal at every exit. */
#include "nemesis.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util.h"

enum {
    TICK_MS = 50,             /* how often the thread looks at the clock */
    MAX_LIVE = 8,             /* nemeses the exit handler knows */
};

typedef enum request_kind { REQ_NONE, REQ_FIRE, REQ_HEAL } request_kind;

struct nemesis {
    nemesis_cfg cfg;
    fault_env env;
    nemesis_hooks hooks;
    bool usable[FK_COUNT];
    uint64_t t0_ns;

    pthread_t thread;
    bool thread_started;
    pthread_mutex_t act;      /* held while a fault starts or heals */

    pthread_mutex_t mu;       /* guards everything below */
    pthread_cond_t cv;
    bool stopping;
    bool suspended;
    schedule sched;
    bool planned;
    planned_fault plan;
    request_kind req;
    fault_kind req_kind;
    fault_params req_params;
    double req_duration;
    bool active;
    nemesis_fault_view current;
    fault_params current_params;
    double current_end_s;     /* when the active fault heals */
    nemesis_fault_view recent[NEMESIS_RECENT];
    size_t nrecent;
    uint64_t started, failed;
};

/* ---- the exit handler: heal whatever is still active ---- */

static _Atomic(nemesis *) g_live[MAX_LIVE];
static pthread_once_t g_atexit_once = PTHREAD_ONCE_INIT;

static void heal_active(nemesis *n);

static void heal_all_at_exit(void)
{
    for (int i = 0; i < MAX_LIVE; i++) {
        nemesis *n = atomic_exchange(&g_live[i], NULL);
        if (n)
            heal_active(n);
    }
}

static void register_atexit(void)
{
    atexit(heal_all_at_exit);
}

static void live_add(nemesis *n)
{
    pthread_once(&g_atexit_once, register_atexit);
    for (int i = 0; i < MAX_LIVE; i++) {
        nemesis *expect = NULL;
        if (atomic_compare_exchange_strong(&g_live[i], &expect, n))
            return;
    }
}

static void live_remove(nemesis *n)
{
    for (int i = 0; i < MAX_LIVE; i++) {
        nemesis *expect = n;
        atomic_compare_exchange_strong(&g_live[i], &expect, NULL);
    }
}

/* ---- acting ---- */

static double elapsed(const nemesis *n)
{
    return (double)(now_ns() - n->t0_ns) / 1e9;
}

static void remember(nemesis *n, const nemesis_fault_view *f)
{
    if (n->nrecent == NEMESIS_RECENT) {
        memmove(n->recent, n->recent + 1, (NEMESIS_RECENT - 1) * sizeof *n->recent);
        n->nrecent--;
    }
    n->recent[n->nrecent++] = *f;
}

/* Heals the active fault, if any (under act, not mu). */
static void heal_active(nemesis *n)
{
    pthread_mutex_lock(&n->act);
    pthread_mutex_lock(&n->mu);
    bool active = n->active;
    nemesis_fault_view f = n->current;
    fault_params p = n->current_params;
    pthread_mutex_unlock(&n->mu);
    if (active) {
        const fault_kind_def *d = fault_kind_get(f.kind);
        char what[256] = "";
        int rc = d->heal ? d->heal(&n->env, &p, what, sizeof what) : 0;
        double t = elapsed(n);
        pthread_mutex_lock(&n->mu);
        n->active = false;
        f.end_s = t;
        remember(n, &f);
        pthread_mutex_unlock(&n->mu);
        if (rc != 0 && n->hooks.failed)
            n->hooks.failed(n->hooks.arg, f.kind, what, t);
        if (n->hooks.healed)
            n->hooks.healed(n->hooks.arg, f.kind, *what ? what : "healed", t);
    }
    pthread_mutex_unlock(&n->act);
}

/* Starts kind k for duration_s (healing the active fault first). */
static void start_fault(nemesis *n, fault_kind k, const fault_params *p, double duration_s)
{
    heal_active(n);
    pthread_mutex_lock(&n->act);
    const fault_kind_def *d = fault_kind_get(k);
    char what[256] = "";
    double t = elapsed(n);
    if (n->usable[k] && n->hooks.starting)
        n->hooks.starting(n->hooks.arg, k, t);
    int rc = n->usable[k] ? d->start(&n->env, p, what, sizeof what) : -1;
    if (!n->usable[k])
        snprintf(what, sizeof what, "%s", fault_kind_unavailable(k, &n->env)->why);
    pthread_mutex_lock(&n->mu);
    if (rc == 0) {
        n->started++;
        n->current = (nemesis_fault_view){.kind = k, .start_s = t, .end_s = -1};
        size_t len = strnlen(what, sizeof n->current.what - 1);   /* shortened for the panel */
        memcpy(n->current.what, what, len);
        n->current.what[len] = '\0';
        n->current_params = *p;
        n->current_end_s = t + duration_s;
        n->active = !d->instant;
        if (d->instant) {
            nemesis_fault_view f = n->current;
            f.end_s = t;
            remember(n, &f);
        }
    } else {
        n->failed++;
    }
    pthread_mutex_unlock(&n->mu);
    if (rc == 0 && n->hooks.started)
        n->hooks.started(n->hooks.arg, k, what, t);
    if (rc == 0 && d->instant && n->hooks.healed)
        n->hooks.healed(n->hooks.arg, k, "done", t);
    if (rc != 0 && n->hooks.failed)
        n->hooks.failed(n->hooks.arg, k, what, t);
    pthread_mutex_unlock(&n->act);
}

/* ---- the thread ---- */

static void plan_next(nemesis *n, double after_s)
{
    n->planned = schedule_next(&n->sched, after_s, &n->plan);
}

static void *nemesis_main(void *arg)
{
    nemesis *n = arg;
    pthread_mutex_lock(&n->mu);
    plan_next(n, 0);
    while (!n->stopping) {
        double t = elapsed(n);
        if (n->req != REQ_NONE) {
            request_kind req = n->req;
            fault_kind k = n->req_kind;
            fault_params p = n->req_params;
            double dur = n->req_duration;
            n->req = REQ_NONE;
            pthread_mutex_unlock(&n->mu);
            if (req == REQ_FIRE)
                start_fault(n, k, &p, dur);
            else
                heal_active(n);
            pthread_mutex_lock(&n->mu);
            continue;
        }
        if (n->active && t >= n->current_end_s) {
            pthread_mutex_unlock(&n->mu);
            heal_active(n);
            pthread_mutex_lock(&n->mu);
            if (n->planned && n->plan.start_s < elapsed(n))
                plan_next(n, elapsed(n));
            continue;
        }
        if (!n->active && n->planned && t >= n->plan.start_s) {
            planned_fault f = n->plan;
            bool skip = n->suspended;
            pthread_mutex_unlock(&n->mu);
            if (!skip)
                start_fault(n, (fault_kind)f.kind, &n->cfg.params, f.end_s - f.start_s);
            pthread_mutex_lock(&n->mu);
            plan_next(n, skip ? elapsed(n) : f.end_s);
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += TICK_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&n->cv, &n->mu, &ts);
    }
    pthread_mutex_unlock(&n->mu);
    heal_active(n);
    return NULL;
}

/* ---- the API ---- */

nemesis *nemesis_new(const nemesis_cfg *cfg, const fault_env *env, uint64_t seed,
                     const nemesis_hooks *hooks, char **unavailable, char **err)
{
    *unavailable = NULL;
    nemesis *n = xcalloc(1, sizeof *n);
    n->cfg = *cfg;
    n->env = *env;
    if (hooks)
        n->hooks = *hooks;
    if (!n->env.note) {
        n->env.note = n->hooks.note;
        n->env.note_arg = n->hooks.arg;
    }
    for (int k = 0; k < FK_COUNT; k++)
        n->usable[k] = fault_kind_unavailable((fault_kind)k, &n->env) == NULL;
    schedule_cfg *s = &n->cfg.schedule;
    size_t kept = 0;
    char *why = NULL;
    for (size_t i = 0; i < s->nkinds; i++) {
        fault_kind k = (fault_kind)s->kinds[i];
        if (n->usable[k]) {
            s->kinds[kept++] = k;
            continue;
        }
        const fault_unavailable *u = fault_kind_unavailable(k, &n->env);
        char *line = xasprintf("%s%s%s: %s (%s)", why ? why : "", why ? "; " : "",
                               fault_kind_get(k)->name, u->why, u->fix);
        free(why);
        why = line;
    }
    if (s->nkinds > 0 && kept == 0) {
        *err = xasprintf("no fault kind can act here: %s", why);
        free(why);
        free(n);
        return NULL;
    }
    s->nkinds = kept;
    *unavailable = why;
    schedule_init(&n->sched, s, seed);
    pthread_mutex_init(&n->mu, NULL);
    pthread_mutex_init(&n->act, NULL);
    pthread_cond_init(&n->cv, NULL);
    return n;
}

int nemesis_start(nemesis *n, uint64_t t0_ns, char **err)
{
    n->t0_ns = t0_ns;
    live_add(n);
    int rc = pthread_create(&n->thread, NULL, nemesis_main, n);
    if (rc != 0) {
        live_remove(n);
        *err = xasprintf("cannot start the nemesis thread: %s", strerror(rc));
        return -1;
    }
    n->thread_started = true;
    return 0;
}

static void request(nemesis *n, request_kind r, fault_kind k, const fault_params *p,
                    double duration_s)
{
    pthread_mutex_lock(&n->mu);
    n->req = r;
    n->req_kind = k;
    n->req_params = p ? *p : n->cfg.params;
    n->req_duration = duration_s > 0 ? duration_s : n->cfg.schedule.duration_s;
    pthread_cond_broadcast(&n->cv);
    pthread_mutex_unlock(&n->mu);
}

void nemesis_fire(nemesis *n, fault_kind k, const fault_params *p, double duration_s)
{
    request(n, REQ_FIRE, k, p, duration_s);
}

void nemesis_heal(nemesis *n)
{
    request(n, REQ_HEAL, FK_KILL, NULL, 0);
}

void nemesis_suspend(nemesis *n, bool suspended)
{
    pthread_mutex_lock(&n->mu);
    n->suspended = suspended;
    pthread_cond_broadcast(&n->cv);
    pthread_mutex_unlock(&n->mu);
}

void nemesis_view_take(nemesis *n, nemesis_view *v)
{
    memset(v, 0, sizeof *v);
    pthread_mutex_lock(&n->mu);
    v->active = n->active;
    v->current = n->current;
    v->suspended = n->suspended;
    v->planned = n->planned && !n->suspended;
    v->next_kind = (fault_kind)n->plan.kind;
    v->next_start_s = n->plan.start_s;
    v->nrecent = n->nrecent;
    memcpy(v->recent, n->recent, n->nrecent * sizeof *n->recent);
    v->started = n->started;
    v->failed = n->failed;
    pthread_mutex_unlock(&n->mu);
}

bool nemesis_proxy_counts(nemesis *n, size_t *open, size_t *direct)
{
    if (!n->env.proxy)
        return false;
    *open = proxy_open_connections(n->env.proxy);
    *direct = proxy_direct_connections(n->env.proxy);
    return true;
}

double nemesis_since_heal_s(nemesis *n)
{
    pthread_mutex_lock(&n->mu);
    double since = n->nrecent ? elapsed(n) - n->recent[n->nrecent - 1].end_s : -1;
    pthread_mutex_unlock(&n->mu);
    return since;
}

bool nemesis_kind_available(nemesis *n, fault_kind k)
{
    return k < FK_COUNT && n->usable[k];
}

const fault_unavailable *nemesis_kind_unavailable(nemesis *n, fault_kind k)
{
    return k < FK_COUNT ? fault_kind_unavailable(k, &n->env) : NULL;
}

void nemesis_stop(nemesis *n)
{
    if (!n)
        return;
    pthread_mutex_lock(&n->mu);
    n->stopping = true;
    pthread_cond_broadcast(&n->cv);
    pthread_mutex_unlock(&n->mu);
    if (n->thread_started) {
        pthread_join(n->thread, NULL);
        n->thread_started = false;
    }
    heal_active(n);
    live_remove(n);
}

void nemesis_free(nemesis *n)
{
    if (!n)
        return;
    live_remove(n);
    pthread_mutex_destroy(&n->mu);
    pthread_mutex_destroy(&n->act);
    pthread_cond_destroy(&n->cv);
    free(n);
}
