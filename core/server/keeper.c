/* keeper.c - one detached thread that runs requests one at a time. */
#include "keeper.h"

#include <pthread.h>
#include <stdbool.h>

#include "../util.h"

static pthread_mutex_t g_callers = PTHREAD_MUTEX_INITIALIZER;   /* one request at a time */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static void (*g_fn)(void *);
static void *g_arg;
static bool g_done;

static void *keeper_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&g_mu);
    for (;;) {
        while (!g_fn)
            pthread_cond_wait(&g_cv, &g_mu);
        void (*fn)(void *) = g_fn;
        void *arg = g_arg;
        pthread_mutex_unlock(&g_mu);
        fn(arg);
        pthread_mutex_lock(&g_mu);
        g_fn = NULL;
        g_done = true;
        pthread_cond_broadcast(&g_cv);
    }
    return NULL;
}

static void keeper_start(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, keeper_main, NULL) != 0)
        die("cannot start the server keeper thread");
    pthread_detach(t);
}

void keeper_run(void (*fn)(void *arg), void *arg)
{
    pthread_once(&g_once, keeper_start);
    pthread_mutex_lock(&g_callers);
    pthread_mutex_lock(&g_mu);
    g_fn = fn;
    g_arg = arg;
    g_done = false;
    pthread_cond_broadcast(&g_cv);
    while (!g_done)
        pthread_cond_wait(&g_cv, &g_mu);
    pthread_mutex_unlock(&g_mu);
    pthread_mutex_unlock(&g_callers);
}
