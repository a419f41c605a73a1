/* proxy.c - the loopback TCP proxy of the network faults. One thread
 * accepts connections and reaps the ended ones; each connection has two
 * threads, one a direction (proxy_pump.c), so that no connection waits
 * for another; they park while the connection's client talks to the
 * server directly (proxy_link.c). The toxics live here under a mutex
 * with a generation number the pumps and links check without locking. */
#include "proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <unistd.h>

#include "../util.h"
#include "proxy_internal.h"

enum { PUMP_STACK = 256 * 1024, ACCEPT_RETRY_MS = 100 };

bool proxy_stream_parse(const char *s, proxy_stream *out)
{
    static const struct { const char *name; proxy_stream s; } NAMES[] = {
        {"upstream", STREAM_UPSTREAM}, {"downstream", STREAM_DOWNSTREAM}, {"both", STREAM_BOTH}};
    for (size_t i = 0; i < ARRAY_LEN(NAMES); i++)
        if (strcmp(s, NAMES[i].name) == 0) {
            *out = NAMES[i].s;
            return true;
        }
    return false;
}

/* ---- sockets ---- */

/* Makes fd blocking, with no Nagle delay and a send timeout (so that a
 * pump blocked on a peer that does not read still looks up now and then). */
static void tune_socket(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {.tv_sec = 0, .tv_usec = SEND_TIMEOUT_MS * 1000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Closes fd so that the peer sees a reset (RST), not an orderly close. */
static void close_with_reset(int fd)
{
    if (fd < 0)
        return;
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

static int resolve(const char *host, int port, struct sockaddr_storage *out, socklen_t *len,
                   char **err)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    int rc = getaddrinfo(host, service, &hints, &ai);
    if (rc != 0) {
        *err = xasprintf("proxy: cannot resolve %s: %s", host, gai_strerror(rc));
        return -1;
    }
    memcpy(out, ai->ai_addr, ai->ai_addrlen);
    *len = ai->ai_addrlen;
    freeaddrinfo(ai);
    return 0;
}

static int listen_loopback(int *port, char **err)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        *err = xasprintf("proxy: cannot listen on 127.0.0.1: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* ---- toxics ---- */

bool proxy_affected(const proxy_toxics *t, const proxy_conn *c)
{
    double tox = t->toxicity > 0 ? t->toxicity : 1.0;
    return c->lot < tox;
}

bool proxy_refresh(tcp_proxy *p, proxy_toxics *t, unsigned *gen)
{
    if (atomic_load(&p->tox_gen) == *gen)
        return false;
    pthread_mutex_lock(&p->mu);
    *t = p->tox;
    *gen = atomic_load(&p->tox_gen);
    pthread_mutex_unlock(&p->mu);
    return true;
}

bool proxy_wait_out_partition(tcp_proxy *p, proxy_conn *c)
{
    pthread_mutex_lock(&p->mu);
    while (p->tox.partition && proxy_affected(&p->tox, c) && !atomic_load(&c->dying) &&
           !atomic_load(&c->park) && !p->stopping)
        pthread_cond_wait(&p->changed, &p->mu);
    bool go_on = !atomic_load(&c->dying) && !p->stopping;
    pthread_mutex_unlock(&p->mu);
    return go_on;
}

bool proxy_toxic_acts(const proxy_toxics *t, const proxy_conn *c)
{
    bool any = t->partition || t->reset ||
               (t->latency_ms + t->jitter_ms > 0 && t->latency_streams) ||
               (t->rate_kbps > 0 && t->rate_streams);
    return any && proxy_affected(t, c);
}

void proxy_conn_nudge(proxy_conn *c)
{
    uint64_t one = 1;
    if (write(c->wake, &one, sizeof one) < 0)
        return;   /* the counter is full: they will look up anyway */
}

void proxy_conn_kill(tcp_proxy *p, proxy_conn *c, bool rst)
{
    if (rst)
        atomic_store(&c->rst, true);
    if (atomic_exchange(&c->dying, true))
        return;
    if (c->direct && c->fd[DOWN] >= 0) {
        /* The client's own socket is the server connection: end it there.
         * A disconnect sends RST and fails the client's next read with
         * ECONNRESET, as a reset through the proxy does. */
        struct sockaddr unspec = {.sa_family = AF_UNSPEC};
        if (!rst || connect(c->fd[DOWN], &unspec, sizeof unspec) != 0)
            shutdown(c->fd[DOWN], SHUT_RDWR);
    } else if (c->fd[DOWN] >= 0) {
        shutdown(c->fd[DOWN], SHUT_RD);   /* a read blocked on it returns at once */
    }
    if (c->fd[UP] >= 0)
        shutdown(c->fd[UP], SHUT_RD);
    proxy_conn_nudge(c);
    pthread_cond_broadcast(&c->cv);
    pthread_cond_broadcast(&p->changed);
}

bool proxy_conn_unref(proxy_conn *c)
{
    return --c->refs == 0;
}

void proxy_conn_free(proxy_conn *c)
{
    if (c->wake >= 0)
        close(c->wake);
    pthread_cond_destroy(&c->cv);
    free(c);
}

/* ---- one connection ---- */

/* Connects c upstream once no partition holds it. Returns false when that
 * failed or c died meanwhile. */
static bool connect_upstream(tcp_proxy *p, proxy_conn *c)
{
    if (!proxy_wait_out_partition(p, c))
        return false;
    int fd = socket(p->up.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return false;
    pthread_mutex_lock(&p->mu);
    c->fd[DOWN] = fd;
    pthread_mutex_unlock(&p->mu);
    if (connect(fd, (struct sockaddr *)&p->up, p->uplen) != 0) {
        if (errno != EINPROGRESS)
            return false;
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        while (poll(&pf, 1, SEND_TIMEOUT_MS) == 0)
            if (atomic_load(&c->dying))
                return false;
        int e = 0;
        socklen_t len = sizeof e;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0 || e != 0)
            return false;
    }
    tune_socket(fd);
    return !atomic_load(&c->dying);
}

static void *down_main(void *arg)
{
    proxy_pump(arg, DOWN);
    return NULL;
}

static bool start_thread(pthread_t *th, void *(*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, PUMP_STACK);
    bool ok = pthread_create(th, &attr, fn, arg) == 0;
    pthread_attr_destroy(&attr);
    return ok;
}

static void wake(tcp_proxy *p)
{
    uint64_t one = 1;
    if (write(p->wake, &one, sizeof one) < 0)
        return;   /* the counter is full: the thread is awake anyway */
}

/* A connection's life: connect upstream, move both ways, close, and hand
 * itself to the accepting thread to be joined and freed. */
static void *conn_main(void *arg)
{
    proxy_conn *c = arg;
    tcp_proxy *p = c->p;
    pthread_t down;
    if (connect_upstream(p, c)) {
        pthread_mutex_lock(&p->mu);
        c->running = 2;   /* before either moves a byte: a link counts on it */
        pthread_mutex_unlock(&p->mu);
        if (start_thread(&down, down_main, c)) {
            proxy_pump(c, UP);
            pthread_join(down, NULL);
        } else {
            pthread_mutex_lock(&p->mu);
            c->running = 0;
            pthread_mutex_unlock(&p->mu);
        }
    }
    /* Out of the live list, closed and in the done list in one step, so
     * that whoever walks the lists never meets a closed socket, nor misses
     * a connection to join. */
    pthread_mutex_lock(&p->mu);
    for (proxy_conn **pp = &p->live; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    p->nlive--;
    bool rst = atomic_load(&c->rst);
    if (rst)
        atomic_fetch_add(&p->resets, 1);   /* counted before the peer can see it */
    for (int d = 0; d < 2; d++) {
        if (rst)
            close_with_reset(c->fd[d]);
        else if (c->fd[d] >= 0)
            close(c->fd[d]);
        c->fd[d] = -1;
    }
    atomic_fetch_sub(&p->open, 1);
    c->next = p->done;
    p->done = c;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
    wake(p);
    return NULL;
}

/* ---- accepting and reaping ---- */

/* Joins the connections that ended, and frees those no link holds. */
static void reap(tcp_proxy *p)
{
    pthread_mutex_lock(&p->mu);
    proxy_conn *done = p->done;
    p->done = NULL;
    pthread_mutex_unlock(&p->mu);
    for (proxy_conn *c = done, *n; c; c = n) {
        n = c->next;
        pthread_join(c->thread, NULL);
        pthread_mutex_lock(&p->mu);
        bool last = proxy_conn_unref(c);
        pthread_mutex_unlock(&p->mu);
        if (last)
            proxy_conn_free(c);
    }
}

/* Takes one accepted socket: resets it when a reset acts on it (or there
 * are too many), else starts its connection. */
static void take(tcp_proxy *p, int fd, const struct sockaddr_storage *client)
{
    proxy_conn *c = xcalloc(1, sizeof *c);
    c->p = p;
    c->fd[UP] = fd;
    c->fd[DOWN] = -1;
    c->client = *client;
    c->client_keep = -1;
    c->refs = 1;
    c->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    pthread_cond_init(&c->cv, NULL);
    c->lot = rng_double(&p->rng);
    for (int d = 0; d < 2; d++)
        c->f[d].rng = rng_derive(p->seed, "proxy-jitter", p->accepted * 2 + (uint64_t)d);
    p->accepted++;
    pthread_mutex_lock(&p->mu);
    bool full = p->nlive >= MAX_CONNS || c->wake < 0;
    bool refuse = full || (p->tox.reset && proxy_affected(&p->tox, c));
    if (!refuse) {
        c->next = p->live;
        p->live = c;
        p->nlive++;
        atomic_fetch_add(&p->open, 1);
    }
    pthread_mutex_unlock(&p->mu);
    if (refuse) {
        if (!full)
            atomic_fetch_add(&p->resets, 1);
        close_with_reset(fd);
        proxy_conn_free(c);
        return;
    }
    tune_socket(fd);
    if (!start_thread(&c->thread, conn_main, c)) {
        pthread_mutex_lock(&p->mu);
        p->live = c->next;   /* still first: only this thread adds */
        p->nlive--;
        pthread_mutex_unlock(&p->mu);
        atomic_fetch_sub(&p->open, 1);
        close(fd);
        proxy_conn_free(c);
    }
}

/* Ends every connection and waits for their threads. */
static void end_all(tcp_proxy *p)
{
    pthread_mutex_lock(&p->mu);
    for (proxy_conn *c = p->live; c; c = c->next)
        proxy_conn_kill(p, c, false);
    while (p->live)
        pthread_cond_wait(&p->changed, &p->mu);
    pthread_mutex_unlock(&p->mu);
    reap(p);
}

static void *accept_main(void *arg)
{
    tcp_proxy *p = arg;
    bool out_of_fds = false;
    for (;;) {
        /* Out of descriptors, the pending connection stays readable: look
         * again a little later rather than spin (ends free some). */
        struct pollfd pf[2] = {{.fd = out_of_fds ? -1 : p->lfd, .events = POLLIN},
                               {.fd = p->wake, .events = POLLIN}};
        if (poll(pf, 2, out_of_fds ? ACCEPT_RETRY_MS : -1) < 0 && errno != EINTR)
            break;
        if (pf[1].revents & POLLIN) {
            uint64_t v;
            if (read(p->wake, &v, sizeof v) < 0)
                v = 0;
        }
        reap(p);
        pthread_mutex_lock(&p->mu);
        bool stop = p->stopping;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        int fd;
        struct sockaddr_storage client;
        socklen_t len = sizeof client;
        while ((fd = accept4(p->lfd, (struct sockaddr *)&client, &len,
                             SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
            take(p, fd, &client);
            len = sizeof client;
        }
        out_of_fds = errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM;
    }
    end_all(p);
    return NULL;
}

/* ---- the API ---- */

tcp_proxy *proxy_start(const char *host, int port, unsigned seed, char **err)
{
    tcp_proxy *p = xcalloc(1, sizeof *p);
    p->lfd = p->wake = -1;
    p->seed = seed;
    p->rng = rng_derive(seed, "proxy", 0);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->changed, NULL);
    if (resolve(host, port, &p->up, &p->uplen, err) != 0 ||
        (p->lfd = listen_loopback(&p->port, err)) < 0)
        goto fail;
    if ((p->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        *err = xasprintf("proxy: eventfd: %s", strerror(errno));
        goto fail;
    }
    int rc = pthread_create(&p->thread, NULL, accept_main, p);
    if (rc != 0) {
        *err = xasprintf("proxy: cannot start its thread: %s", strerror(rc));
        goto fail;
    }
    return p;
fail:
    if (p->lfd >= 0)
        close(p->lfd);
    if (p->wake >= 0)
        close(p->wake);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return NULL;
}

int proxy_port(const tcp_proxy *p)
{
    return p->port;
}

void proxy_set_toxics(tcp_proxy *p, const proxy_toxics *t)
{
    pthread_mutex_lock(&p->mu);
    p->tox = *t;
    atomic_fetch_add(&p->tox_gen, 1);
    if (t->reset)
        for (proxy_conn *c = p->live; c; c = c->next)
            if (proxy_affected(t, c))
                proxy_conn_kill(p, c, true);
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
}

void proxy_heal(tcp_proxy *p)
{
    proxy_toxics none = {0};
    proxy_set_toxics(p, &none);
}

size_t proxy_open_connections(tcp_proxy *p)
{
    return atomic_load(&p->open);
}

size_t proxy_resets(tcp_proxy *p)
{
    return atomic_load(&p->resets);
}

size_t proxy_direct_connections(tcp_proxy *p)
{
    size_t n = 0;
    pthread_mutex_lock(&p->mu);
    for (proxy_conn *c = p->live; c; c = c->next)
        n += c->direct && !atomic_load(&c->dying);
    pthread_mutex_unlock(&p->mu);
    return n;
}

void proxy_stop(tcp_proxy *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
    wake(p);
    pthread_join(p->thread, NULL);
    close(p->lfd);
    close(p->wake);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
